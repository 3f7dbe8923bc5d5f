/* api_pdfchild.c -- the searchable PDF is built in a child of the API, never in the API itself:
 * decoding a stored file again is as hostile as decoding it the first time.  The API execs its
 * own binary (`docproc-api --pdf-child`, a fresh address space: forking a threaded server and
 * carrying on in the copy could meet locks other threads held) under the worker's decode-child
 * limits (subproc.h); the child reads its request from stdin and writes its answer to stdout:
 *
 *   request: "DPPDF1\0\0", u32 max_pages, u32 page, u64 max_page_pixels, u64 memory cap
 *            (bytes), u64 file length, u64 pages-JSON length, the stored file, the pages JSON
 *   answer:  'P' + the PDF (page 0: the result's pages array), or 'J' + a JPEG of page `page`
 *            (from 1: that page's result object, for its rotation), or 'E' + i32 dp_err + a
 *            NUL-terminated reason
 * (host byte order: both ends are the same binary). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api.h"
#include "decode.h"
#include "pdfout.h"
#include "subproc.h"

#define MAGIC     "DPPDF1\0\0"
#define HEADER    (8 + 4 + 4 + 8 + 8 + 8 + 8)
#define IN_MAX    ((uint64_t)1 << 31) /* file or pages JSON: far over any upload cap */
#define PDF_DPI   150                 /* text-layer pages of a mixed PDF are rendered at */
#define WHY_BYTES 160
#define JPEG_DPI  200 /* pages are rendered at, then scaled to fit API_PAGEIMG_MAX_SIDE */
#define JPEG_Q    80

/* ---- the request (pure) ---- */

dp_err api_pdfchild_pack(const struct api_pdfchild_req *q, char **out, size_t *len)
{
    size_t n = HEADER + q->file_len + q->pages_len;
    char *b = malloc(n);
    if (!b)
        return DP_ENOMEM;
    uint32_t mp = q->max_pages, page = q->page;
    uint64_t v[4] = {q->max_page_pixels, q->memory_bytes, q->file_len, q->pages_len};
    memcpy(b, MAGIC, 8);
    memcpy(b + 8, &mp, 4);
    memcpy(b + 12, &page, 4);
    memcpy(b + 16, v, sizeof v);
    memcpy(b + HEADER, q->file, q->file_len);
    memcpy(b + HEADER + q->file_len, q->pages, q->pages_len);
    *out = b;
    *len = n;
    return DP_OK;
}

dp_err api_pdfchild_parse(const char *buf, size_t len, struct api_pdfchild_req *q)
{
    memset(q, 0, sizeof *q);
    uint64_t v[4];
    if (len < HEADER || memcmp(buf, MAGIC, 8) != 0)
        return DP_EPARSE;
    memcpy(&q->max_pages, buf + 8, 4);
    memcpy(&q->page, buf + 12, 4);
    memcpy(v, buf + 16, sizeof v);
    if (v[2] > IN_MAX || v[3] > IN_MAX || v[2] + v[3] != len - HEADER)
        return DP_EPARSE;
    q->max_page_pixels = v[0];
    q->memory_bytes = v[1];
    q->file = (const unsigned char *)buf + HEADER;
    q->file_len = (size_t)v[2];
    q->pages = buf + HEADER + v[2];
    q->pages_len = (size_t)v[3];
    return DP_OK;
}

/* ---- building the PDF ---- */

static int num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(v) ? v->valueint : 0;
}

/* The stored words of page jp as pdfout words (texts borrowed from jp). *out caller frees. */
static dp_err page_words(const cJSON *jp, struct pdfout_word **out, size_t *n)
{
    const cJSON *words = cJSON_GetObjectItem(jp, "words"), *jw;
    size_t cnt = (size_t)cJSON_GetArraySize(words), k = 0;
    *out = calloc(cnt ? cnt : 1, sizeof **out);
    if (!*out)
        return DP_ENOMEM;
    cJSON_ArrayForEach(jw, words)
    {
        const cJSON *b = cJSON_GetObjectItem(jw, "bbox");
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(jw, "text"));
        if (!t || cJSON_GetArraySize(b) != 4)
            continue;
        int v[4];
        for (int i = 0; i < 4; i++)
            v[i] = cJSON_GetArrayItem(b, i)->valueint;
        (*out)[k++] = (struct pdfout_word){t, v[0], v[1], v[2], v[3]};
    }
    *n = k;
    return DP_OK;
}

/* The worker's decode caps, from the request. */
static void decode_limits_of(const struct api_pdfchild_req *q, struct decode_limits *lim)
{
    decode_limits_default(lim);
    lim->max_pages = q->max_pages;
    lim->max_page_pixels = q->max_page_pixels;
    /* as in the worker's child: a quarter is left for what a header cannot tell */
    uint64_t base = subproc_mem_in_use(getpid());
    lim->max_decode_bytes = q->memory_bytes > base ? (q->memory_bytes - base) / 4 * 3 : 1;
    if (SUBPROC_ASAN)
        lim->max_decode_bytes = q->memory_bytes / 4 * 3; /* RSS is what is watched there */
}

/* Decodes the file again and writes each page's image under its stored words. */
static dp_err build_pdf(const struct api_pdfchild_req *q, const cJSON *pages, char **pdf,
                        size_t *len, char *why, size_t whysz)
{
    struct decode_limits lim;
    decode_limits_of(q, &lim);
    lim.text_raster_dpi = PDF_DPI;
    struct decoded *d = NULL;
    struct pdfout *out = NULL;
    dp_err rc = decode_open(q->file, q->file_len, &lim, &d);
    if (rc) {
        snprintf(why, whysz, "%s", decode_errstr(d));
        goto out;
    }
    size_t np = decode_npages(d);
    if (np == 0) {
        snprintf(why, whysz, "it has no pages");
        rc = DP_EUNSUPP;
        goto out;
    }
    if (np > API_EXPORT_PDF_MAX_PAGES || (size_t)cJSON_GetArraySize(pages) != np) {
        snprintf(why, whysz, "%zu pages (a searchable PDF is built for up to %d)", np,
                 API_EXPORT_PDF_MAX_PAGES);
        rc = np > API_EXPORT_PDF_MAX_PAGES ? DP_ETOOBIG : DP_ECONFLICT;
        goto out;
    }
    if ((rc = pdfout_new(API_EXPORT_PDF_MAX_BYTES, &out)))
        goto out;
    for (size_t i = 0; i < np && !rc; i++) {
        const cJSON *jp = cJSON_GetArrayItem(pages, (int)i);
        struct decode_page pg;
        if ((rc = decode_page(d, i, &pg))) {
            snprintf(why, whysz, "page %zu: %s", i + 1, decode_errstr(d));
            break;
        }
        PIX *turned = pg.pix ? decode_rotate(pg.pix, num(jp, "rotation")) : NULL;
        struct pdfout_word *w = NULL;
        size_t nw = 0;
        rc = turned ? page_words(jp, &w, &nw) : DP_EDECODE;
        if (!rc)
            rc = pdfout_page(out, turned, w, nw, num(jp, "width"), num(jp, "height"),
                             num(jp, "dpi"));
        free(w);
        pixDestroy(&turned);
        decode_page_cleanup(&pg);
    }
    if (!rc)
        rc = pdfout_finish(out, pdf, len);
out:
    pdfout_free(out);
    decode_close(d);
    return rc;
}

/* ---- one page as JPEG ---- */

/* Page q->page decoded as the worker decoded it, turned by jp's rotation, scaled down to fit
 * API_PAGEIMG_MAX_SIDE, as an 8-bit grey JPEG in *jpg (caller frees). */
static dp_err build_jpeg(const struct api_pdfchild_req *q, const cJSON *jp, char **jpg, size_t *len,
                         char *why, size_t whysz)
{
    struct decode_limits lim;
    decode_limits_of(q, &lim);
    lim.pdf_dpi = JPEG_DPI;
    lim.text_raster_dpi = JPEG_DPI; /* a text-layer page's drawing is its image */
    lim.min_dpi = 1;                /* as the worker: no upscaling (it would be scaled down) */
    struct decoded *d = NULL;
    struct decode_page pg = {0};
    PIX *turned = NULL, *small = NULL;
    dp_err rc = decode_open(q->file, q->file_len, &lim, &d);
    if (rc) {
        snprintf(why, whysz, "%s", decode_errstr(d));
        goto out;
    }
    if (q->page > decode_npages(d)) {
        snprintf(why, whysz, "the stored file has %zu pages, not %u", decode_npages(d), q->page);
        rc = DP_ECONFLICT;
        goto out;
    }
    if ((rc = decode_page(d, q->page - 1, &pg))) {
        memset(&pg, 0, sizeof pg); /* a failed page owns nothing */
        snprintf(why, whysz, "page %u: %s", q->page, decode_errstr(d));
        goto out;
    }
    if (!pg.pix) {
        snprintf(why, whysz, "page %u could not be rendered", q->page);
        rc = DP_EDECODE;
        goto out;
    }
    turned = decode_rotate(pg.pix, num(jp, "rotation"));
    decode_page_cleanup(&pg); /* freed before the next copy is made */
    if (!turned) {
        rc = DP_ENOMEM;
        goto out;
    }
    int w = (int)pixGetWidth(turned), h = (int)pixGetHeight(turned), side = w > h ? w : h;
    if (side > API_PAGEIMG_MAX_SIDE) {
        float f = (float)API_PAGEIMG_MAX_SIDE / (float)side;
        small = pixScale(turned, f, f);
        if (!small) {
            rc = DP_ENOMEM;
            goto out;
        }
        pixDestroy(&turned);
        turned = small;
        small = NULL;
    }
    l_uint8 *data = NULL;
    size_t n = 0;
    if (pixWriteMemJpeg(&data, &n, turned, JPEG_Q, 0) || !data) {
        snprintf(why, whysz, "page %u could not be encoded", q->page);
        rc = DP_ENOMEM;
        goto out;
    }
    *jpg = (char *)data;
    *len = n;
out:
    pixDestroy(&small);
    pixDestroy(&turned);
    decode_page_cleanup(&pg);
    decode_close(d);
    return rc;
}

/* ---- the child's life ---- */

static int write_all(const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(1, p, len);
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int answer_error(dp_err rc, const char *why)
{
    int32_t e = (int32_t)rc;
    char head[5];
    head[0] = 'E';
    memcpy(head + 1, &e, 4);
    if (write_all(head, 5) || write_all(why, strlen(why) + 1))
        return 1;
    return 0;
}

int api_pdfchild_main(void)
{
    setMsgSeverity(L_SEVERITY_ERROR); /* Leptonica's per-image lines are not log lines */
    size_t cap = 1u << 20, len = 0;
    char *in = malloc(cap);
    for (ssize_t n = 1; in && n > 0;) {
        if (cap - len < 65536) {
            char *nb = cap < 2 * IN_MAX + HEADER ? realloc(in, cap * 2) : NULL;
            if (!nb) {
                free(in);
                in = NULL;
                break;
            }
            in = nb, cap *= 2;
        }
        n = read(0, in + len, cap - len);
        if (n > 0)
            len += (size_t)n;
    }
    struct api_pdfchild_req q;
    if (!in)
        return answer_error(DP_ENOMEM, "the request did not fit in memory");
    if (api_pdfchild_parse(in, len, &q)) {
        free(in);
        return answer_error(DP_EINVAL, "unreadable request");
    }
    cJSON *pages = cJSON_ParseWithLength(q.pages, q.pages_len);
    char *pdf = NULL, why[WHY_BYTES] = "";
    size_t plen = 0;
    dp_err rc = !pages   ? DP_EPARSE
                : q.page ? build_jpeg(&q, pages, &pdf, &plen, why, sizeof why)
                         : build_pdf(&q, pages, &pdf, &plen, why, sizeof why);
    cJSON_Delete(pages);
    free(in);
    int status;
    if (rc) {
        status = answer_error(rc, why);
    } else {
        status = write_all(q.page ? "J" : "P", 1) || write_all(pdf, plen) ? 1 : 0;
    }
    free(pdf);
    return status;
}
