/* api_export.c -- a finished document in other formats:
 *   GET /v1/documents/{id}/pdf       searchable PDF: the page images with the stored words as an
 *                                    invisible text layer (a PDF that had a text layer on every
 *                                    page comes back as uploaded)
 *   GET /v1/documents/{id}/markdown  headings, paragraphs, lists and tables as Markdown
 * Built on request from what is stored (blob + result), so nothing is kept twice. Scope
 * documents:read (routed by api_routes.c). */
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "decode.h"
#include "markdown.h"
#include "pdfout.h"
#include "store.h"

#define EXPORT_PDF_MAX_PAGES 200                 /* pages a searchable PDF is built for */
#define EXPORT_PDF_MAX_BYTES ((size_t)128 << 20) /* size of the PDF built */
#define EXPORT_PDF_DPI       150 /* resolution text-layer pages of a mixed PDF are rendered at */

/* The finished document's JSON, or a reply (404, 409 not_ready) already sent. */
static cJSON *done_doc(struct api_req *r, redisContext *c, const char *id, const char *what,
                       enum MHD_Result *ret)
{
    cJSON *doc = NULL;
    dp_err rc = store_doc_json(c, r->auth.tenant, id, &doc);
    if (rc) {
        *ret = api_reply_dp_err(r, rc, "document");
        return NULL;
    }
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "status"));
    if (!st || strcmp(st, "done") != 0) {
        *ret = api_reply_error(r, 409, "not_ready", "document is %s; no %s yet",
                               st ? st : "unknown", what);
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* ---- searchable PDF ---- */

/* 1 when every page of the result was read from the PDF's own text layer. */
static int all_text_layer(const cJSON *pages)
{
    const cJSON *pg;
    int n = 0;
    cJSON_ArrayForEach(pg, pages)
    {
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItem(pg, "source"));
        if (!src || strcmp(src, "text_layer") != 0)
            return 0;
        n++;
    }
    return n > 0;
}

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

/* Decodes the blob again and writes each page's image under its stored words. */
static dp_err build_pdf(const struct dp_config *cfg, const redisReply *blob, const cJSON *pages,
                        char **pdf, size_t *len, char *why, size_t whysz)
{
    struct decode_limits lim;
    decode_limits_default(&lim);
    lim.max_pages = (size_t)cfg->max_pages;
    lim.max_page_pixels = (uint64_t)cfg->max_page_pixels;
    lim.text_raster_dpi = EXPORT_PDF_DPI;
    struct decoded *d = NULL;
    struct pdfout *out = NULL;
    dp_err rc = decode_open((const unsigned char *)blob->str, blob->len, &lim, &d);
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
    if (np > EXPORT_PDF_MAX_PAGES || (size_t)cJSON_GetArraySize(pages) != np) {
        snprintf(why, whysz, "%zu pages (a searchable PDF is built for up to %d)", np,
                 EXPORT_PDF_MAX_PAGES);
        rc = np > EXPORT_PDF_MAX_PAGES ? DP_ETOOBIG : DP_ECONFLICT;
        goto out;
    }
    if ((rc = pdfout_new(EXPORT_PDF_MAX_BYTES, &out)))
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

enum MHD_Result api_export_pdf(struct api_req *r, redisContext *c, const char *const *param)
{
    enum MHD_Result ret = MHD_NO;
    cJSON *doc = done_doc(r, c, param[0], "searchable PDF", &ret);
    if (!doc)
        return ret;
    redisReply *blob = NULL;
    char mime[64] = "";
    dp_err rc = store_doc_bytes(c, r->auth.tenant, param[0], "blob", &blob, mime, sizeof mime);
    if (rc) {
        cJSON_Delete(doc);
        return api_reply_dp_err(r, rc, "document");
    }
    const cJSON *pages = cJSON_GetObjectItem(doc, "pages");
    if (!strcmp(mime, DECODE_MIME_PDF) && all_text_layer(pages)) {
        ret = api_reply_bytes(r, 200, DECODE_MIME_PDF, blob->str, blob->len);
        goto out;
    }
    char *pdf = NULL, why[160] = "";
    size_t len = 0;
    rc = build_pdf(&r->srv->cfg, blob, pages, &pdf, &len, why, sizeof why);
    if (rc == DP_ETOOBIG)
        ret = api_reply_error(r, 413, "too_large", "no searchable PDF: %s",
                              why[0] ? why : "over the output cap");
    else if (rc == DP_EUNSUPP || rc == DP_ECONFLICT || rc == DP_EDECODE)
        ret = api_reply_error(r, 422, "not_renderable", "no searchable PDF for this document%s%s",
                              why[0] ? ": " : "", why);
    else if (rc)
        ret = api_reply_dp_err(r, rc, "searchable PDF");
    else
        ret = api_reply_bytes(r, 200, DECODE_MIME_PDF, pdf, len);
    free(pdf);
out:
    freeReplyObject(blob);
    cJSON_Delete(doc);
    return ret;
}

/* ---- Markdown ---- */

enum MHD_Result api_export_markdown(struct api_req *r, redisContext *c, const char *const *param)
{
    enum MHD_Result ret = MHD_NO;
    cJSON *doc = done_doc(r, c, param[0], "Markdown", &ret);
    if (!doc)
        return ret;
    char *md = NULL;
    size_t len = 0;
    dp_err rc = markdown_doc(doc, 0, &md, &len);
    cJSON_Delete(doc);
    if (rc == DP_ETOOBIG)
        return api_reply_error(r, 413, "too_large", "the Markdown is over %zu bytes",
                               (size_t)MARKDOWN_MAX_BYTES);
    if (rc)
        return api_reply_dp_err(r, rc, "Markdown");
    ret = api_reply_bytes(r, 200, "text/markdown; charset=utf-8", md, len);
    free(md);
    return ret;
}
