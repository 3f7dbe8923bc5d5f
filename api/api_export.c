/* api_export.c -- a finished document in other formats:
 *   GET /v1/documents/{id}/pdf       searchable PDF: the page images with the stored words as an
 *                                    invisible text layer (a PDF that had a text layer on every
 *                                    page comes back as uploaded)
 *   GET /v1/documents/{id}/markdown  headings, paragraphs, lists and tables as Markdown
 * Built on request from what is stored (blob + result), so nothing is kept twice. The PDF's
 * pages are decoded again, in a child with the worker's decode-child limits (api_pdfchild.c),
 * never in the API's own address space. Scope documents:read (routed by api_routes.c). */
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

/* One searchable PDF being built: the request's connection is suspended (no MHD thread waits)
 * while a thread of its own runs the child; the handler, called again once the connection is
 * resumed, answers from res. Owned by the request (r->pdf) once the thread has resumed it. */
struct api_pdfjob {
    struct api_server *srv;
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
    enum MHD_Result ret;
    if (j->rc) {
        log_kv(LOG_ERROR, "searchable PDF child did not start", "error", dp_strerror(j->rc), NULL);
        return api_reply_error(r, 503, "unavailable", "the searchable PDF cannot be built now");
    }
    long long mb = r->srv->cfg.decode_memory_limit_mb;
    int sig = res->end == SUBPROC_SIGNALED ? res->status : 0;
    if (res->end == SUBPROC_EXITED && res->out_len >= 1 && res->out[0] == 'P') {
        ret = api_reply_bytes(r, 200, DECODE_MIME_PDF, res->out + 1, res->out_len - 1);
    } else if (res->end == SUBPROC_EXITED && res->out_len >= 6 && res->out[0] == 'E') {
        int32_t e;
        memcpy(&e, res->out + 1, 4);
        const char *why = res->out + 5;
        dp_err rc = e > 0 && e < DP_ERR_COUNT ? (dp_err)e : DP_EIO;
        if (rc == DP_ETOOBIG || rc == DP_ENOMEM)
            ret = api_reply_error(r, 413, "too_large", "no searchable PDF: %s",
                                  why[0] ? why : "over the output cap");
        else if (rc == DP_EUNSUPP || rc == DP_ECONFLICT || rc == DP_EDECODE)
            ret =
                api_reply_error(r, 422, "not_renderable", "no searchable PDF for this document%s%s",
                                why[0] ? ": " : "", why);
        else
            ret = api_reply_dp_err(r, rc, "searchable PDF");
    } else if (res->end == SUBPROC_TIMEOUT || sig == SIGXCPU) {
        ret = api_reply_error(r, 422, "timeout",
                              "no searchable PDF: the file was not rendered within its time "
                              "budget (%lld ms)",
                              j->budget_ms);
    } else if (res->end == SUBPROC_MEMORY || res->end == SUBPROC_OUTPUT || sig == SIGABRT ||
               sig == SIGKILL) {
        /* under RLIMIT_AS, an allocation failing in poppler/glib aborts */
        ret = api_reply_error(r, 413, "too_large",
                              "no searchable PDF: rendering needed more than the %lld MB it "
                              "may use, or the PDF is over its cap",
                              mb);
    } else if (sig) {
        ret = api_reply_error(r, 422, "not_renderable",
                              "no searchable PDF: the renderer crashed on this file (signal %d)",
                              sig);
    } else {
        ret = api_reply_error(r, 503, "unavailable", "the searchable PDF cannot be built now");
    }
    if (res->end != SUBPROC_EXITED || res->status != 0) {
        char rss[24], ms[24], st[24];
        snprintf(rss, sizeof rss, "%ld", res->peak_rss_kb);
        snprintf(ms, sizeof ms, "%lld", res->wall_ms);
        snprintf(st, sizeof st, "%d", res->status);
        log_kv(LOG_WARN, "searchable PDF child stopped", "reason",
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

/* Starts building the searchable PDF in a child (api_pdfchild.c) with the worker's
 * decode-child caps: memory decode_memory_limit_mb, CPU and wall clock a page's budget per page
 * within the job's. Suspends r's connection; the answer comes when it is resumed. */
static enum MHD_Result pdf_start(struct api_req *r, const redisReply *blob, const cJSON *pages)
{
    struct api_server *srv = r->srv;
    const struct dp_config *cfg = &srv->cfg;
    if (atomic_fetch_add(&srv->pdf_children, 1) >= API_PDF_CHILDREN_MAX) {
        atomic_fetch_sub(&srv->pdf_children, 1);
        r->retry_after_s = 5;
        return api_reply_error(r, 503, "unavailable",
                               "%d searchable PDFs are being built; retry shortly",
                               API_PDF_CHILDREN_MAX);
    }
    struct api_pdfjob *j = calloc(1, sizeof *j);
    char *pj = cJSON_PrintUnformatted(pages);
    int np = cJSON_GetArraySize(pages);
    struct api_pdfchild_req q = {.max_pages = (uint32_t)cfg->max_pages,
                                 .max_page_pixels = (uint64_t)cfg->max_page_pixels,
                                 .memory_bytes = (uint64_t)cfg->decode_memory_limit_mb << 20,
                                 .file = (const unsigned char *)blob->str,
                                 .file_len = blob->len,
                                 .pages = pj,
                                 .pages_len = pj ? strlen(pj) : 0};
    dp_err rc = j && pj ? api_pdfchild_pack(&q, &j->in, &j->inlen) : DP_ENOMEM;
    free(pj);
    if (rc) {
        api_pdfjob_free(j);
        atomic_fetch_sub(&srv->pdf_children, 1);
        return api_reply_dp_err(r, rc, "searchable PDF");
    }
    j->budget_ms = (long long)cfg->page_timeout_ms * (np > 0 ? np : 1);
    if (j->budget_ms > cfg->job_timeout_ms)
        j->budget_ms = cfg->job_timeout_ms;
    j->lim = (struct subproc_limits){.memory_bytes = q.memory_bytes,
                                     .cpu_s = cfg->job_timeout_ms / 1000 + 2,
                                     .deadline_ms = j->budget_ms + CHILD_GRACE_MS,
                                     .out_max = API_EXPORT_PDF_MAX_BYTES + 1 + 4096,
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

enum MHD_Result api_export_pdf(struct api_req *r, redisContext *c, const char *const *param)
{
    enum MHD_Result ret = MHD_NO;
    if (r->pdf) { /* resumed: the child has finished */
        ret = pdf_answer(r, r->pdf);
        api_pdfjob_free(r->pdf);
        r->pdf = NULL;
        return ret;
    }
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
