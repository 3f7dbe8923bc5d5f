/* api_export.c -- a finished document in other formats:
 *   GET /v1/documents/{id}/pdf       searchable PDF: the page images with the stored words as an
 *                                    invisible text layer (a PDF that had a text layer on every
 *                                    page comes back as uploaded)
 *   GET /v1/documents/{id}/markdown  headings, paragraphs, lists and tables as Markdown
 *   GET /v1/documents/{id}/pages/{n}.jpg  page n as the worker read it (turned as it turned it),
 *                                    at most API_PAGEIMG_MAX_SIDE px: what the review desk
 *                                    draws the result's boxes over
 * Built on request from what is stored (blob + result), so nothing is kept twice. The PDF's
 * and the page image's pages are decoded again, in a child with the worker's decode-child
 * limits (api_pdfchild.c), never in the API's own address space. Scope documents:read (routed
 * by api_routes.c). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "decode.h"
#include "markdown.h"
#include "log.h"
#include "store.h"
#include "subproc.h"

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

#define CHILD_GRACE_MS 1000 /* past the deadline, the child's own clocks had their chance */

/* One searchable PDF or page image being built: the request's connection is suspended (no MHD
 * thread waits) while a thread of its own runs the child; the handler, called again once the
 * connection is resumed, answers from res. Owned by the request (r->pdf) once the thread has
 * resumed it. */
struct api_pdfjob {
    struct api_server *srv;
    const char *what; /* "searchable PDF" or "page image" (static, for messages) */
    char kind;        /* the child's answer byte on success: 'P' (PDF) or 'J' (JPEG) */
    struct MHD_Connection *conn;
    char *in; /* the child's request (freed by the thread) */
    size_t inlen;
    struct subproc_limits lim;
    long long budget_ms; /* the deadline given, without grace (for the message) */
    dp_err rc;           /* of subproc_run */
    struct subproc_result res;
};

void api_pdfjob_free(struct api_pdfjob *j)
{
    if (!j)
        return;
    free(j->in);
    free(j->res.out);
    free(j);
}

static void *pdf_thread(void *arg)
{
    struct api_pdfjob *j = arg;
    struct api_server *srv = j->srv;
    const char *argv[] = {"/proc/self/exe", API_PDFCHILD_ARG, NULL};
    j->rc = subproc_run(argv, j->in, j->inlen, &j->lim, &j->res);
    free(j->in);
    j->in = NULL;
    /* from here j belongs to the request again: nothing of it is touched */
    MHD_resume_connection(j->conn);
    atomic_fetch_sub(&srv->pdf_children, 1);
    return NULL;
}

/* The answer to a finished job. */
static enum MHD_Result pdf_answer(struct api_req *r, struct api_pdfjob *j)
{
    struct subproc_result *res = &j->res;
    const char *what = j->what;
    enum MHD_Result ret;
    if (j->rc) {
        log_kv(LOG_ERROR, "export child did not start", "what", what, "error", dp_strerror(j->rc),
               NULL);
        return api_reply_error(r, 503, "unavailable", "the %s cannot be built now", what);
    }
    long long mb = r->srv->cfg.decode_memory_limit_mb;
    int sig = res->end == SUBPROC_SIGNALED ? res->status : 0;
    if (res->end == SUBPROC_EXITED && res->out_len >= 1 && res->out[0] == j->kind) {
        ret = api_reply_bytes(r, 200, j->kind == 'J' ? DECODE_MIME_JPEG : DECODE_MIME_PDF,
                              res->out + 1, res->out_len - 1);
    } else if (res->end == SUBPROC_EXITED && res->out_len >= 6 && res->out[0] == 'E') {
        int32_t e;
        memcpy(&e, res->out + 1, 4);
        const char *why = res->out + 5;
        dp_err rc = e > 0 && e < DP_ERR_COUNT ? (dp_err)e : DP_EIO;
        if (rc == DP_ETOOBIG || rc == DP_ENOMEM)
            ret = api_reply_error(r, 413, "too_large", "no %s: %s", what,
                                  why[0] ? why : "over the output cap");
        else if (rc == DP_EUNSUPP || rc == DP_ECONFLICT || rc == DP_EDECODE)
            ret = api_reply_error(r, 422, "not_renderable", "no %s for this document%s%s", what,
                                  why[0] ? ": " : "", why);
        else
            ret = api_reply_dp_err(r, rc, what);
    } else if (res->end == SUBPROC_TIMEOUT || sig == SIGXCPU) {
        ret = api_reply_error(r, 422, "timeout",
                              "no %s: the file was not rendered within its time budget (%lld ms)",
                              what, j->budget_ms);
    } else if (res->end == SUBPROC_MEMORY || res->end == SUBPROC_OUTPUT || sig == SIGABRT ||
               sig == SIGKILL) {
        /* under RLIMIT_AS, an allocation failing in poppler/glib aborts */
        ret = api_reply_error(r, 413, "too_large",
                              "no %s: rendering needed more than the %lld MB it may use, or the "
                              "output is over its cap",
                              what, mb);
    } else if (sig) {
        ret = api_reply_error(r, 422, "not_renderable",
                              "no %s: the renderer crashed on this file (signal %d)", what, sig);
    } else {
        ret = api_reply_error(r, 503, "unavailable", "the %s cannot be built now", what);
    }
    if (res->end != SUBPROC_EXITED || res->status != 0) {
        char rss[24], ms[24], st[24];
        snprintf(rss, sizeof rss, "%ld", res->peak_rss_kb);
        snprintf(ms, sizeof ms, "%lld", res->wall_ms);
        snprintf(st, sizeof st, "%d", res->status);
        log_kv(LOG_WARN, "export child stopped", "what", what, "reason",
               res->end == SUBPROC_TIMEOUT     ? "deadline"
               : res->end == SUBPROC_MEMORY    ? "memory"
               : res->end == SUBPROC_OUTPUT    ? "output"
               : res->end == SUBPROC_CANCELLED ? "shutdown"
               : res->end == SUBPROC_SIGNALED  ? "signal"
                                               : "exit",
               "status", st, "peak_rss_kb", rss, "ms", ms, NULL);
    }
    return ret;
}

/* Starts building q (the searchable PDF, or a page image when q->page) in a child
 * (api_pdfchild.c) with the worker's decode-child caps: memory decode_memory_limit_mb, CPU and
 * wall clock a page's budget per page (np pages) within the job's. Suspends r's connection;
 * the answer comes when it is resumed. q's limits are filled here. */
static enum MHD_Result child_start(struct api_req *r, struct api_pdfchild_req *q, int np)
{
    struct api_server *srv = r->srv;
    const struct dp_config *cfg = &srv->cfg;
    const char *what = q->page ? "page image" : "searchable PDF";
    if (atomic_fetch_add(&srv->pdf_children, 1) >= API_PDF_CHILDREN_MAX) {
        atomic_fetch_sub(&srv->pdf_children, 1);
        r->retry_after_s = 5;
        return api_reply_error(r, 503, "unavailable",
                               "%d searchable PDFs or page images are being built; retry shortly",
                               API_PDF_CHILDREN_MAX);
    }
    struct api_pdfjob *j = calloc(1, sizeof *j);
    q->max_pages = (uint32_t)cfg->max_pages;
    q->max_page_pixels = (uint64_t)cfg->max_page_pixels;
    q->memory_bytes = (uint64_t)cfg->decode_memory_limit_mb << 20;
    dp_err rc = j && q->pages ? api_pdfchild_pack(q, &j->in, &j->inlen) : DP_ENOMEM;
    if (rc) {
        api_pdfjob_free(j);
        atomic_fetch_sub(&srv->pdf_children, 1);
        return api_reply_dp_err(r, rc, what);
    }
    j->what = what;
    j->kind = q->page ? 'J' : 'P';
    j->budget_ms = (long long)cfg->page_timeout_ms * (np > 0 ? np : 1);
    if (j->budget_ms > cfg->job_timeout_ms)
        j->budget_ms = cfg->job_timeout_ms;
    size_t out_max = q->page ? API_PAGEIMG_MAX_BYTES : API_EXPORT_PDF_MAX_BYTES;
    j->lim = (struct subproc_limits){.memory_bytes = q->memory_bytes,
                                     .cpu_s = cfg->job_timeout_ms / 1000 + 2,
                                     .deadline_ms = j->budget_ms + CHILD_GRACE_MS,
                                     .out_max = out_max + 1 + 4096,
                                     .cancel = &srv->pdf_stop};
    j->srv = srv;
    j->conn = r->conn;
    r->pdf = j;
    /* Suspended before the thread exists, so it can never resume a running connection. */
    MHD_suspend_connection(r->conn);
    pthread_attr_t attr;
    pthread_t t;
    int bad = pthread_attr_init(&attr) ||
              pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) ||
              pthread_create(&t, &attr, pdf_thread, j);
    pthread_attr_destroy(&attr);
    if (bad) { /* answered when resumed: 503 */
        j->rc = DP_EIO;
        atomic_fetch_sub(&srv->pdf_children, 1);
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
}

static enum MHD_Result pdf_start(struct api_req *r, const redisReply *blob, const cJSON *pages)
{
    char *pj = cJSON_PrintUnformatted(pages);
    struct api_pdfchild_req q = {.file = (const unsigned char *)blob->str,
                                 .file_len = blob->len,
                                 .pages = pj,
                                 .pages_len = pj ? strlen(pj) : 0};
    enum MHD_Result ret = child_start(r, &q, cJSON_GetArraySize(pages));
    free(pj);
    return ret;
}

/* The answer of the child r->pdf, which has finished; frees it. */
static enum MHD_Result child_answer(struct api_req *r)
{
    enum MHD_Result ret = pdf_answer(r, r->pdf);
    api_pdfjob_free(r->pdf);
    r->pdf = NULL;
    return ret;
}

enum MHD_Result api_export_pdf(struct api_req *r, redisContext *c, const char *const *param)
{
    if (r->pdf) /* resumed: the child has finished */
        return child_answer(r);
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
    if (!strcmp(mime, DECODE_MIME_PDF) && all_text_layer(pages))
        ret = api_reply_bytes(r, 200, DECODE_MIME_PDF, blob->str, blob->len);
    else
        ret = pdf_start(r, blob, pages);
    freeReplyObject(blob);
    cJSON_Delete(doc);
    return ret;
}

/* ---- page images ---- */

#define PAGEIMG_MAX_N 100000 /* far over any page cap: a longer number is no page */

/* "12.jpg" -> 12; 0 when it is not a page number with the .jpg suffix. */
static long page_number(const char *seg)
{
    if (!seg || seg[0] < '1' || seg[0] > '9')
        return 0;
    char *end = NULL;
    long n = strtol(seg, &end, 10);
    return end && strcmp(end, ".jpg") == 0 && n <= PAGEIMG_MAX_N ? n : 0;
}

/* 1 when the request's If-None-Match names etag (or is "*"). */
static int etag_matches(struct api_req *r, const char *etag)
{
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (!inm)
        return 0;
    if (!strcmp(inm, "*"))
        return 1;
    size_t n = strlen(etag);
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag))
        if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return 1;
    return 0;
}

enum MHD_Result api_export_page(struct api_req *r, redisContext *c, const char *const *param)
{
    if (r->pdf) /* resumed: the child has finished */
        return child_answer(r);
    enum MHD_Result ret = MHD_NO;
    long n = page_number(param[1]);
    if (!n)
        return api_reply_error(r, 404, "not_found",
                               "no page '%s': pages are named 1.jpg, 2.jpg, ... from the first",
                               param[1]);
    cJSON *doc = done_doc(r, c, param[0], "page image", &ret);
    if (!doc)
        return ret;
    const cJSON *pages = cJSON_GetObjectItem(doc, "pages");
    const cJSON *jp = n <= cJSON_GetArraySize(pages) ? cJSON_GetArrayItem(pages, (int)n - 1) : NULL;
    if (!jp) {
        ret = api_reply_error(r, 404, "not_found", "document has %d pages, no page %ld",
                              cJSON_GetArraySize(pages), n);
        cJSON_Delete(doc);
        return ret;
    }
    /* the image changes only when the document is read again (a new finished_at) */
    const char *fin = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "finished_at"));
    snprintf(r->etag, sizeof r->etag, "\"%s.%ld.%s\"", param[0], n, fin ? fin : "");
    if (etag_matches(r, r->etag)) {
        cJSON_Delete(doc);
        return api_reply_bytes(r, 304, DECODE_MIME_JPEG, "", 0);
    }
    redisReply *blob = NULL;
    char mime[64] = "";
    dp_err rc = store_doc_bytes(c, r->auth.tenant, param[0], "blob", &blob, mime, sizeof mime);
    if (rc) {
        cJSON_Delete(doc);
        return api_reply_dp_err(r, rc, "document");
    }
    /* the child needs the page's rotation only */
    cJSON *one = cJSON_CreateObject();
    const cJSON *rot = cJSON_GetObjectItem(jp, "rotation");
    cJSON_AddNumberToObject(one, "rotation", cJSON_IsNumber(rot) ? rot->valuedouble : 0);
    char *pj = one ? cJSON_PrintUnformatted(one) : NULL;
    cJSON_Delete(one);
    struct api_pdfchild_req q = {.page = (uint32_t)n,
                                 .file = (const unsigned char *)blob->str,
                                 .file_len = blob->len,
                                 .pages = pj,
                                 .pages_len = pj ? strlen(pj) : 0};
    ret = child_start(r, &q, 1);
    free(pj);
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
