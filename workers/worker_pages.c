/* worker_pages.c -- from stored bytes to read pages: decode (images, PDF), OCR each raster page
 * within its time budget, take PDF text layers as they are, keep the job's claim alive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "log.h"
#include "stats.h"
#include "table.h"
#include "worker.h"

static void fail(struct worker_failure *f, const char *code, const char *fmt, const char *arg)
{
    f->error_code = code;
    snprintf(f->error_message, sizeof f->error_message, fmt, arg);
}

/* A read this poor may be a sideways or upside-down scan. */
#define ROTATE_CHECK_CONF   60.0f /* mean word confidence, 0..100 */
#define ROTATE_MIN_OSD_CONF 2.0f

static double read_score(const struct dp_page *p)
{
    return (double)p->conf * (double)p->nwords;
}

/* When the first read is poor, asks OSD whether the page is turned; if so reads it upright
 * and keeps whichever read is better. Upright pages with good reads pay nothing. */
static dp_err maybe_rotate(struct worker *w, PIX *pix, int dpi, int page_no, long long budget,
                           struct dp_page *page)
{
    int deg = 0;
    float conf = 0;
    if ((page->conf >= ROTATE_CHECK_CONF && page->nwords >= 3) || budget <= 0)
        return DP_OK;
    if (ocr_orientation(&w->ocr, pix, dpi, &deg, &conf) || deg == 0 || conf < ROTATE_MIN_OSD_CONF)
        return DP_OK;
    /* OSD says the page was turned `deg` clockwise: turn it back. */
    PIX *up = pixRotateOrth(pix, (4 - deg / 90) % 4);
    if (!up)
        return DP_ENOMEM;
    struct dp_page second;
    dp_err rc = ocr_page(&w->ocr, up, dpi, page_no, budget, &second);
    pixDestroy(&up);
    if (rc)
        return rc == DP_ETIMEOUT ? rc : DP_OK;
    if (read_score(&second) > read_score(page)) {
        page_cleanup(page);
        *page = second;
        page->rotation = (360 - deg) % 360;
    } else {
        page_cleanup(&second);
    }
    return DP_OK;
}

/* Maps OCR boxes of an upscaled (or scaled-down) image back to the source image's pixels. */
static void unscale(struct dp_page *p, float scale, int src_w, int src_h, int src_dpi)
{
    if (scale == 1.0f || scale <= 0.0f)
        return;
    for (size_t i = 0; i < p->nwords; i++) {
        struct dp_word *w = &p->words[i];
        w->x = (int)((float)w->x / scale);
        w->y = (int)((float)w->y / scale);
        w->w = (int)((float)w->w / scale + 0.5f);
        w->h = (int)((float)w->h / scale + 0.5f);
    }
    p->width = src_w;
    p->height = src_h;
    p->dpi = src_dpi;
}

dp_err worker_decode_pages(struct worker *w, const unsigned char *buf, size_t len, const char *lang,
                           const struct page_sink *sink, struct worker_failure *f)
{
    struct decode_limits lim;
    struct decoded *d = NULL;
    char err[256];
    decode_limits_default(&lim);
    lim.max_pages = (size_t)w->cfg.max_pages;
    lim.max_page_pixels = (uint64_t)w->cfg.max_page_pixels;
    lim.max_decode_bytes = w->decode_budget;
    lim.text_raster_dpi = WORKER_TEXT_RASTER_DPI;
    dp_err rc = decode_open(buf, len, &lim, &d);
    if (rc) {
        const char *why = d ? decode_errstr(d) : dp_strerror(rc);
        fail(f,
             rc == DP_ETOOBIG   ? "too_large"
             : rc == DP_EUNSUPP ? "unsupported_type"
                                : "decode_failed",
             "%s", why);
        decode_close(d);
        return rc;
    }
    size_t n = decode_npages(d);
    if (sink->begin(sink->ctx, n)) {
        decode_close(d);
        return DP_EIO;
    }
    int64_t job_deadline = util_mono_ms() + w->cfg.job_timeout_ms;
    for (size_t i = 0; i < n && !rc; i++) {
        struct decode_page pg;
        struct dp_page read = {0};
        double ocr_s = -1.0;
        /* The page's budget runs from here: decoding counts, not only OCR. */
        int64_t page_deadline = util_mono_ms() + w->cfg.page_timeout_ms;
        if (page_deadline > job_deadline)
            page_deadline = job_deadline;
        if (sink->start(sink->ctx, i)) {
            rc = DP_EIO;
            break;
        }
        rc = decode_page(d, i, &pg);
        if (rc) {
            fail(f, rc == DP_ETOOBIG || rc == DP_ENOMEM ? "too_large" : "decode_failed", "%s",
                 decode_errstr(d)[0] ? decode_errstr(d) : dp_strerror(rc));
            break;
        }
        if (pg.kind == DECODE_TEXT) {
            read = pg.text; /* take ownership of the text-layer page */
            memset(&pg.text, 0, sizeof pg.text);
            /* the drawing rendered at a low resolution: ruling lines and check boxes */
            struct table_rule *rules = NULL;
            size_t nrules = 0;
            int rdpi = pg.pix ? (int)pixGetXRes(pg.pix) : 0;
            if (rdpi > 0 && table_rules_find(pg.pix, rdpi, &rules, &nrules) == DP_OK)
                rc = worker_layout_image(&read, pg.pix, (float)rdpi / (float)read.dpi, rules,
                                         nrules);
        } else {
            if ((rc = ocr_use_lang(&w->ocr, lang, err, sizeof err))) {
                fail(f, rc == DP_EINVAL ? "language_unavailable" : "ocr_failed", "%s", err);
                decode_page_cleanup(&pg);
                break;
            }
            int64_t t0 = util_mono_ms();
            long long budget = page_deadline - t0;
            /* ruling lines are found first and erased from what Tesseract reads: it may read
             * nothing inside a ruled grid */
            struct table_rule *rules = NULL;
            size_t nrules = 0;
            PIX *clean = NULL;
            if (table_rules_find(pg.pix, pg.dpi, &rules, &nrules) == DP_OK && nrules)
                clean = table_rules_erase(pg.pix, rules, nrules);
            PIX *pix = clean ? clean : pg.pix;
            rc = budget > 0 ? ocr_page(&w->ocr, pix, pg.dpi, (int)i + 1, budget, &read)
                            : DP_ETIMEOUT;
            if (!rc)
                rc =
                    maybe_rotate(w, pix, pg.dpi, (int)i + 1, budget - (util_mono_ms() - t0), &read);
            pixDestroy(&clean);
            if (!rc && read.rotation == 0)
                unscale(&read, pg.scale, pg.src_width, pg.src_height, pg.src_dpi);
            if (!rc)
                rc = worker_layout_image(&read, pg.pix, pg.scale, rules, nrules);
            else
                free(rules);
            /* Barcodes and payment QR codes; boxes in the page as stored (before turning). */
            if (!rc && w->barcodes)
                rc = barcode_scan(w->barcodes, pg.pix, pg.scale, &read);
            ocr_s = (double)(util_mono_ms() - t0) / 1000.0;
        }
        decode_page_cleanup(&pg);
        if (rc == DP_ETIMEOUT) {
            char msg[64];
            snprintf(msg, sizeof msg, "%zu", i + 1);
            fail(f, "timeout", "page %s was not read within its time budget", msg);
        } else if (rc == DP_ENOMEM && !f->error_code) {
            fail(f, "too_large", "%s", "reading a page ran out of memory");
        } else if (rc && !f->error_code) {
            fail(f, "ocr_failed", "%s", dp_strerror(rc));
        }
        if (rc) {
            page_cleanup(&read);
            break;
        }
        if (sink->page(sink->ctx, i, &read, ocr_s)) {
            rc = DP_EIO;
            break;
        }
    }
    if (!rc && sink->xml) {
        /* Best effort: an e-invoice XML that cannot be taken out (too big, memory) leaves
         * the document to its pages. */
        char *xml = NULL;
        size_t xlen = 0;
        const char *source = NULL;
        dp_err xrc = decode_embedded_xml(d, &xml, &xlen, &source);
        if (xrc == DP_OK && sink->xml(sink->ctx, xml, xlen, source))
            rc = DP_EIO;
        else if (xrc && xrc != DP_ENOTFOUND)
            log_kv(LOG_WARN, "embedded XML not read", "why", dp_strerror(xrc), NULL);
        free(xml);
    }
    decode_close(d);
    return rc;
}
