/* worker_pages.c -- from stored bytes to read pages: decode (images, PDF), OCR each raster page
 * within its time budget, take PDF text layers as they are, keep the job's claim alive. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "decode.h"
#include "figures.h"
#include "hocr.h"
#include "log.h"
#include "langdetect.h"
#include "pageprep.h"
#include "reqopts.h"
#include "stats.h"
#include "table.h"
#include "worker.h"

static void fail(struct worker_failure *f, const char *code, const char *fmt, const char *arg)
{
    f->error_code = code;
    snprintf(f->error_message, sizeof f->error_message, fmt, arg);
}

static double read_score(const struct dp_page *p)
{
    return (double)p->conf * (double)p->nwords;
}

/* Maps boxes of words w[0..n) read on an image scaled by scale back to the source's pixels. */
static void unscale_words(struct dp_word *w, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++) {
        w[i].x = (int)((float)w[i].x / scale);
        w[i].y = (int)((float)w[i].y / scale);
        w[i].w = (int)((float)w[i].w / scale + 0.5f);
        w[i].h = (int)((float)w[i].h / scale + 0.5f);
    }
}

/* Maps OCR boxes of an upscaled (or scaled-down) image back to the source image's pixels. */
static void unscale(struct dp_page *p, float scale, int src_w, int src_h, int src_dpi)
{
    if (scale == 1.0f || scale <= 0.0f)
        return;
    unscale_words(p->words, p->nwords, scale);
    unscale_words(p->alt, p->nalt, scale); /* the second reading's lines */
    p->width = src_w;
    p->height = src_h;
    p->dpi = src_dpi;
}

/* A page read this poorly (mean word confidence) is read once more at another scale. */
#define POOR_PAGE_CONF 50.0f

/* Reads pg's image scaled by f (1 = as decoded) into page; *pix receives the image read (the
 * caller's), *scale the factor actually applied, *dpi its resolution. pre: the rules of the
 * decoded image, if found already (used when f is 1). */
static dp_err read_scaled(struct worker *w, struct decode_page *pg, double f, double char_h,
                          int psm, int page_no, long long budget, const struct worker_rules *pre,
                          PIX **pix, float *scale, int *dpi, struct dp_page *page)
{
    int layout = worker_layout_psm(psm);
    int pw = (int)pixGetWidth(pg->pix);
    *pix = f == 1.0 ? pixClone(pg->pix) : pixScale(pg->pix, (float)f, (float)f);
    if (!*pix)
        return DP_ENOMEM;
    *scale = f == 1.0 ? 1.0f : (float)pixGetWidth(*pix) / (float)pw;
    *dpi = (int)((float)pg->dpi * *scale + 0.5f);
    pixSetResolution(*pix, *dpi, *dpi);
    dp_err rc = worker_prep_clean(pix, *dpi, f, char_h > 0 ? char_h * *scale : 0, layout, pre);
    if (rc)
        return rc;
    return ocr_page(&w->ocr, *pix, *dpi, psm, page_no, budget, page);
}

/* Reads one raster page: measured (character height, text column), scaled so characters are
 * about PAGEPREP_TARGET_PX high, read with the segmentation mode the page calls for (psm > 0
 * overrides), turned upright if needed, read at another scale if the read is very poor, weak
 * lines re-read; boxes in the source's pixels. */
static dp_err read_raster(struct worker *w, struct decode_page *pg, int psm, int page_no,
                          long long budget, const struct worker_rules *pre, struct dp_page *page)
{
    struct pageprep_measure m;
    int64_t t0 = util_mono_ms();
    dp_err rc = pageprep_measure(pg->pix, &m);
    if (rc == DP_ENOMEM)
        return rc;
    if (psm <= 0)
        psm = pageprep_psm(&m);
    int pw = (int)pixGetWidth(pg->pix), ph = (int)pixGetHeight(pg->pix), dpi = 0;
    uint64_t cap = (uint64_t)w->cfg.max_page_pixels;
    double f = pageprep_scale(&m, pg->dpi, pw, ph, cap);
    PIX *pix = NULL;
    float scale = 1.0f;
    rc = read_scaled(w, pg, f, m.char_h, psm, page_no, budget, pre, &pix, &scale, &dpi, page);
    if (!rc) /* a poor reading, or one of text running vertically, may be of a turned page */
        rc = worker_turn_check(
            &w->ocr, pix, dpi, m.char_h * (double)scale, page_no, budget - (util_mono_ms() - t0),
            m.char_h > 0 && m.text_x1 - m.text_x0 < PAGEPREP_MIN_COLS * m.char_h, page);
    if (!rc && page->rotation == 0 && page->conf < POOR_PAGE_CONF) {
        /* The measure may have misled (a photo with large shapes, faint small print): the
         * decoded size, or half as large again. */
        double f2 = f < 1.0 ? 1.0 : f * 1.5, room = sqrt((double)cap / ((double)pw * ph));
        f2 = f2 > 3.0 ? 3.0 : f2 > room ? room : f2;
        long long left = budget - (util_mono_ms() - t0);
        if (f2 > f * 1.2 && left > 0) {
            PIX *pix2 = NULL;
            float scale2 = 1.0f;
            int dpi2 = 0;
            struct dp_page second = {0};
            dp_err rc2 = read_scaled(w, pg, f2, m.char_h, psm, page_no, left, NULL, &pix2, &scale2,
                                     &dpi2, &second);
            if (!rc2 && read_score(&second) > read_score(page)) {
                page_cleanup(page);
                *page = second;
                pixDestroy(&pix);
                pix = pix2;
                scale = scale2;
                dpi = dpi2;
            } else {
                page_cleanup(&second);
                pixDestroy(&pix2);
                rc = rc2 == DP_ETIMEOUT || rc2 == DP_ENOMEM ? rc2 : DP_OK;
            }
        }
    }
    /* Receipts and poor pages: a second reading kept beside the first, larger (the two
     * readings then err apart); the weak lines it agrees on are not re-read. */
    long long first_ms = util_mono_ms() - t0;
    unsigned char *band = NULL; /* the lines the second reading read, if not all */
    size_t nband = 0;
    if (!rc && page->rotation == 0 && w->cfg.second_reading)
        rc = worker_alt_read(&w->ocr, pg->pix, pg->dpi, (float)f * ALTREAD_SCALE, scale,
                             budget - (util_mono_ms() - t0), page, &band, &nband);
    if (!rc && page->rotation == 0) {
        /* Re-reading costs at most half of what the first read took. */
        long long left = budget - (util_mono_ms() - t0);
        long long allow = first_ms / 2 < left ? first_ms / 2 : left;
        for (size_t i = 0; i < m.nrows && scale != 1.0f; i++) {
            struct pageprep_box *b = &m.rows[i];
            *b = (struct pageprep_box){(int)((float)b->x * scale), (int)((float)b->y * scale),
                                       (int)((float)b->w * scale + 0.5f),
                                       (int)((float)b->h * scale + 0.5f)};
        }
        if (allow > 0)
            rc = worker_reread_lines(&w->ocr, pix, dpi, allow, m.rows, m.nrows, band, nband, page);
        left = budget - (util_mono_ms() - t0);
        if (!rc && left > 0) /* a document number along the margin, read turned */
            rc = worker_reread_vertical(&w->ocr, pix, dpi, left, page);
    }
    free(band);
    pixDestroy(&pix);
    if (!rc && page->rotation == 0 && w->cfg.line_look)
        rc =
            worker_alt_look(&w->ocr, pg->pix, pg->dpi, scale, budget - (util_mono_ms() - t0), page);
    if (rc)
        return rc;
    page->damaged = pg->damaged;
    page->scale = pg->scale * scale;
    if (page->rotation == 0)
        unscale(page, pg->scale * scale, pg->src_width, pg->src_height, pg->src_dpi);
    else /* boxes stay on the turned page, at the decoded resolution */
        unscale(page, scale, (int)((float)page->width / scale + 0.5f),
                (int)((float)page->height / scale + 0.5f), pg->dpi);
    return DP_OK;
}

/* The page's hOCR written from its final words (after every re-read, in the source's pixels). */
static dp_err write_hocr(struct dp_page *page)
{
    char *h = NULL;
    dp_err rc = hocr_from_page(page, &h);
    free(page->hocr);
    page->hocr = h;
    return rc;
}

/* lang=auto asks Tesseract's OSD for the page's script only when its words gave no language
 * and the English read looks like another script read as Latin letters: poor (mean word
 * confidence) or full of odd words (langdetect_odd_words). OSD costs about 0.2-0.35 s of CPU
 * per A4 page, a third of a read: clean Latin pages never pay it. */
#define SCRIPT_CHECK_CONF 60.0f
#define SCRIPT_CHECK_ODD  0.2
#define SCRIPT_MIN_CONF   0.5f /* OSD's script confidence needed to act on a script */

/* Reads page again with lang (its pack plus English: the numbers and names every page has)
 * and keeps the better read: only its weak lines (lang_auto_lines, worker_lang.c) when the page
 * is upright, else the whole page. */
static dp_err reread_with(struct worker *w, struct decode_page *pg, int psm, int page_no,
                          long long budget, const char *want, struct dp_page *page, char *cur,
                          size_t cursz)
{
    char err[256];
    if (ocr_use_lang(&w->ocr, want, err, sizeof err) != DP_OK)
        return ocr_use_lang(&w->ocr, cur, err, sizeof err) == DP_OK ? DP_OK : DP_EOCR;
    snprintf(cur, cursz, "%s", want);
    if (w->cfg.lang_auto_lines && page->rotation == 0 && pg->scale > 0 && page->scale > 0) {
        size_t nread = 0, nrep = 0;
        /* the lines at the size the page was read at */
        float f = page->scale / pg->scale;
        dp_err rc = budget > 0 ? worker_lang_reread(&w->ocr, pg->pix, pg->dpi, pg->scale, f, budget,
                                                    page, &nread, &nrep)
                               : DP_ETIMEOUT;
        if (!rc)
            snprintf(page->lang, sizeof page->lang, "%s", want);
        return rc == DP_ETIMEOUT ? rc : rc == DP_ENOMEM ? rc : DP_OK;
    }
    struct dp_page second = {0};
    dp_err rc = budget > 0 ? read_raster(w, pg, psm, page_no, budget, NULL, &second) : DP_ETIMEOUT;
    if (rc)
        return rc == DP_ETIMEOUT || rc == DP_ENOMEM ? rc : DP_OK;
    if ((double)second.conf * (double)second.nwords >= (double)page->conf * (double)page->nwords) {
        page_cleanup(page);
        *page = second;
    } else {
        page_cleanup(&second);
    }
    return DP_OK;
}

/* The page's words told no language: when the read looks like another script, asks OSD (or
 * takes its answer from turning the page, osd_before = the OSD calls before this page) and
 * reads the page with an installed pack of that script; with none, detected becomes
 * "unknown" and the English read stays. */
static dp_err auto_script(struct worker *w, struct decode_page *pg, int psm, int page_no,
                          long long budget, unsigned osd_before, struct dp_page *page, char *cur,
                          size_t cursz, char *detected, size_t detsz)
{
    size_t tl = page->text ? strlen(page->text) : 0;
    if (w->ocr.osd_calls == osd_before) {
        int deg = 0;
        float conf = 0;
        if ((page->conf >= SCRIPT_CHECK_CONF &&
             langdetect_odd_words(page->text, tl) < SCRIPT_CHECK_ODD) ||
            page->nwords == 0 || budget <= 0)
            return DP_OK;
        if (ocr_orientation(&w->ocr, pg->pix, pg->dpi, &deg, &conf) != DP_OK)
            return DP_OK;
    }
    char sc[16];
    snprintf(sc, sizeof sc, "%.2f", (double)w->ocr.script_conf);
    log_kv(LOG_INFO, "page script", "script", w->ocr.script, "confidence", sc, NULL);
    const char *script = w->ocr.script;
    const char *const *packs = langdetect_script_packs(script);
    if (!packs || w->ocr.script_conf < SCRIPT_MIN_CONF)
        return DP_OK;
    snprintf(page->script, sizeof page->script, "%s", script);
    char missing[64], want[64];
    for (size_t i = 0; packs[i]; i++) {
        snprintf(want, sizeof want, "%s+eng", packs[i]);
        if (!reqopts_lang_installed(w->ocr.tessdata, want, missing, sizeof missing))
            continue;
        snprintf(detected, detsz, "%s", packs[i]);
        dp_err rc = reread_with(w, pg, psm, page_no, budget, want, page, cur, cursz);
        snprintf(page->script, sizeof page->script, "%s", script);
        return rc;
    }
    snprintf(detected, detsz, "unknown");
    log_kv(LOG_WARN, "no installed language pack reads the script", "script", script, NULL);
    return DP_OK;
}

/* lang=auto: the language of the first OCR page's words decides the pack for the document.
 * When the page was not read with its pack (English, or the tenant's hint: worker_hint.c) and
 * that pack is installed, the page is read again with it (plus English, for the numbers and
 * names every page has) and the better read kept; later pages use it from the start. Words that
 * tell no language may be another script (auto_script). detected receives the language found ("" =
 * none, "unknown" = a script no pack reads). */
static dp_err auto_language(struct worker *w, struct decode_page *pg, int psm, int page_no,
                            long long budget, unsigned osd_before, struct dp_page *page, char *cur,
                            size_t cursz, char *detected, size_t detsz)
{
    const char *g =
        langdetect_guess(page->text ? page->text : "", page->text ? strlen(page->text) : 0, NULL);
    char want[64], err[256], missing[64];
    /* words full of odd letter mixes are another script read as Latin, whatever they seem
     * to say */
    if (g && langdetect_odd_words(page->text, strlen(page->text)) >= SCRIPT_CHECK_ODD)
        g = NULL;
    snprintf(detected, detsz, "%s", g ? g : "");
    if (!g)
        return auto_script(w, pg, psm, page_no, budget, osd_before, page, cur, cursz, detected,
                           detsz);
    /* read with the pack of that language already (English, or the tenant's hint): done;
     * else its weak lines again with it (an English document read with a hint's pack too) */
    worker_hint_pack(g, want, sizeof want);
    if (strcmp(want, cur) == 0)
        return DP_OK;
    if (!reqopts_lang_installed(w->ocr.tessdata, want, missing, sizeof missing)) {
        log_kv(LOG_WARN, "detected language not installed", "lang", g, NULL);
        return ocr_use_lang(&w->ocr, cur, err, sizeof err) == DP_OK ? DP_OK : DP_EOCR;
    }
    return reread_with(w, pg, psm, page_no, budget, want, page, cur, cursz);
}

/* Scans a picture region of a text page for codes: their boxes land in page pixels. */
static dp_err scan_region(struct worker *w, const struct decode_region *r, struct dp_page *page)
{
    size_t before = page->nbarcodes;
    dp_err rc = barcode_scan(w->barcodes, r->pix, r->scale, page);
    for (size_t i = before; i < page->nbarcodes; i++) {
        page->barcodes[i].x += r->x;
        page->barcodes[i].y += r->y;
    }
    return rc;
}

/* Barcodes and payment QR codes of an OCR page, boxes in the page as stored: zbar scans only
 * the regions of ink that the words read as text leave (figures_find_read on the decoded
 * image), so a page of text pays that search (a few ms) instead of a scan of the whole page
 * (10-15 ms at 300 DPI, 1 % of its OCR). A page read turned has its words on the turned page:
 * it is scanned whole. */
static dp_err scan_codes(struct worker *w, struct decode_page *pg, struct dp_page *page)
{
    struct figure_box r[FIGURES_MAX];
    if (page->rotation != 0 || pg->scale <= 0)
        return barcode_scan(w->barcodes, pg->pix, pg->scale, page);
    size_t n =
        figures_find_read(pg->pix, pg->dpi, page->words, page->nwords, pg->scale, r, FIGURES_MAX);
    dp_err rc = DP_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        BOX *b = boxCreate(r[i].x, r[i].y, r[i].w, r[i].h);
        PIX *clip = b ? pixClipRectangle(pg->pix, b, NULL) : NULL;
        boxDestroy(&b);
        if (!clip)
            return DP_ENOMEM;
        pixCopyResolution(clip, pg->pix);
        size_t before = page->nbarcodes;
        rc = barcode_scan(w->barcodes, clip, pg->scale, page);
        pixDestroy(&clip);
        for (size_t k = before; k < page->nbarcodes; k++) { /* into the page's pixels */
            page->barcodes[k].x += (int)((float)r[i].x / pg->scale + 0.5f);
            page->barcodes[k].y += (int)((float)r[i].y / pg->scale + 0.5f);
        }
    }
    return rc;
}

dp_err worker_decode_pages(struct worker *w, const unsigned char *buf, size_t len, const char *lang,
                           int psm, const struct page_sink *sink, struct worker_failure *f)
{
    int autodetect = strcmp(lang, "auto") == 0, decided = !autodetect;
    char cur[128], detected[16] = "";
    /* lang=auto reads with the tenant's hint first (worker_hint.c), English without one */
    if (autodetect)
        worker_hint_pack(w->lang_hint, cur, sizeof cur);
    else
        snprintf(cur, sizeof cur, "%s", lang);
    struct decode_limits lim;
    struct decoded *d = NULL;
    char err[256];
    decode_limits_default(&lim);
    lim.max_pages = (size_t)w->cfg.max_pages;
    lim.max_page_pixels = (uint64_t)w->cfg.max_page_pixels;
    lim.max_decode_bytes = w->decode_budget;
    lim.min_dpi = 1; /* images are scaled by their text height (read_raster), not their dpi */
    lim.text_raster_dpi = WORKER_TEXT_RASTER_DPI;
    lim.code_raster_dpi = WORKER_CODE_RASTER_DPI;
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
            /* its pictures rendered again for barcodes and payment QR codes */
            for (size_t k = 0; !rc && w->barcodes && k < pg.nregions; k++)
                rc = scan_region(w, &pg.regions[k], &read);
        } else {
            if ((rc = ocr_use_lang(&w->ocr, cur, err, sizeof err))) {
                fail(f, rc == DP_EINVAL ? "language_unavailable" : "ocr_failed", "%s", err);
                decode_page_cleanup(&pg);
                break;
            }
            int64_t t0 = util_mono_ms();
            long long budget = page_deadline - t0;
            /* ruling lines of the page as decoded, for the tables (read_scaled erases them
             * from what it reads) */
            struct table_rule *rules = NULL;
            size_t nrules = 0;
            if (table_rules_find(pg.pix, pg.dpi, &rules, &nrules) != DP_OK)
                nrules = 0;
            unsigned osd_before = w->ocr.osd_calls;
            struct worker_rules pre = {rules, nrules};
            rc = budget > 0 ? read_raster(w, &pg, psm, (int)i + 1, budget, &pre, &read)
                            : DP_ETIMEOUT;
            if (!rc && !decided) { /* until a page has enough words to tell */
                rc = auto_language(w, &pg, psm, (int)i + 1, page_deadline - util_mono_ms(),
                                   osd_before, &read, cur, sizeof cur, detected, sizeof detected);
                decided = detected[0] != '\0';
            }
            if (!rc && autodetect)
                snprintf(read.lang_detected, sizeof read.lang_detected, "%s", detected);
            if (!rc)
                rc = write_hocr(&read);
            if (!rc)
                rc = worker_layout_image(&read, pg.pix, pg.scale, rules, nrules);
            else
                free(rules);
            /* Barcodes and payment QR codes; boxes in the page as stored (before turning). */
            if (!rc && w->barcodes)
                rc = scan_codes(w, &pg, &read);
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
