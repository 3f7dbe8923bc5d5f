/* api_docs.c -- /v1/documents routes other than the upload: read, list, text, hOCR, file,
 * delete, reprocess (label: api_classifier.c, tables: api_tables.c). Routed by api_routes.c. */
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "clsstore.h"
#include "audit.h"
#include "retention.h"
#include "review.h"
#include "store.h"

static enum MHD_Result get_doc(struct api_req *r, redisContext *c, const char *id)
{
    cJSON *doc = NULL;
    dp_err rc = store_doc_json(c, r->auth.tenant, id, &doc);
    if (rc)
        return api_reply_dp_err(r, rc, "document");
    return api_reply_json(r, 200, doc);
}

static enum MHD_Result get_part(struct api_req *r, redisContext *c, const char *id,
                                const char *what)
{
    static const struct {
        const char *route, *field, *type;
    } parts[] = {
        {"text", "text", "text/plain; charset=utf-8"},
        {"hocr", "hocr", "text/html; charset=utf-8"},
        {"file", "blob", NULL},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (strcmp(what, parts[i].route) != 0)
            continue;
        redisReply *rep = NULL;
        char mime[64];
        dp_err rc = store_doc_bytes(c, r->auth.tenant, id, parts[i].field, &rep, mime, sizeof mime);
        if (rc == DP_ENOTFOUND && strcmp(parts[i].field, "blob") != 0) {
            /* The document exists but has no text yet: say so rather than 404. */
            cJSON *doc = NULL;
            if (store_doc_json(c, r->auth.tenant, id, &doc) == DP_OK) {
                const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "status"));
                enum MHD_Result ret = api_reply_error(
                    r, 409, "not_ready", "document is %s; no %s yet", st ? st : "unknown", what);
                cJSON_Delete(doc);
                return ret;
            }
        }
        if (rc)
            return api_reply_dp_err(r, rc, "document");
        enum MHD_Result ret =
            api_reply_bytes(r, 200, parts[i].type ? parts[i].type : mime, rep->str, rep->len);
        freeReplyObject(rep);
        return ret;
    }
    return api_reply_error(r, 404, "not_found", "no such document part '%s'", what);
}

/* Query argument name as -1 (absent or empty), 0 (false) or 1 (true); nonzero when invalid. */
static int bool_arg(struct api_req *r, const char *name, int *out)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    *out = -1;
    if (!v || !*v)
        return 0;
    if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *out = 0;
    else
        return 1;
    return 0;
}

static enum MHD_Result list_docs(struct api_req *r, redisContext *c)
{
    const char *status = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "status");
    const char *klass = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "class");
    const char *cursor = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "cursor");
    const char *lim = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
    int limit = 20;
    if (lim) {
        char *end;
        long v = strtol(lim, &end, 10);
        if (end == lim || *end || v < 1 || v > 100)
            return api_reply_error(r, 400, "invalid_request", "limit must be 1..100");
        limit = (int)v;
    }
    if (status && strcmp(status, "queued") != 0 && strcmp(status, "processing") != 0 &&
        strcmp(status, "done") != 0 && strcmp(status, "failed") != 0)
        return api_reply_error(r, 400, "invalid_request",
                               "status must be queued, processing, done or failed");
    if (status && !*status)
        status = NULL;
    if (klass && !*klass)
        klass = NULL;
    if (cursor && !*cursor)
        cursor = NULL;
    struct store_filter f = {.status = status, .klass = klass};
    if (bool_arg(r, "needs_review", &f.needs_review) || bool_arg(r, "reviewed", &f.reviewed))
        return api_reply_error(r, 400, "invalid_request",
                               "needs_review and reviewed must be true or false");
    cJSON *out = NULL;
    dp_err rc = store_list(c, r->auth.tenant, &f, cursor, limit, &out);
    if (rc == DP_EINVAL)
        return api_reply_error(r, 400, "invalid_request", "malformed cursor");
    if (rc)
        return api_reply_dp_err(r, rc, "documents");
    cJSON_AddStringToObject(out, "object", "list");
    return api_reply_json(r, 200, out);
}

static enum MHD_Result reprocess(struct api_req *r, redisContext *c, const char *id)
{
    struct reqopts o;
    char err[200];
    reqopts_init(&o);
    if (r->body_len) {
        cJSON *j = cJSON_ParseWithLength((const char *)r->body, r->body_len);
        if (!j || !cJSON_IsObject(j)) {
            cJSON_Delete(j);
            return api_reply_error(r, 400, "invalid_json", "body must be a JSON object");
        }
        for (cJSON *it = j->child; it; it = it->next) {
            const char *v = cJSON_GetStringValue(it);
            if (!v || (strcmp(it->string, "lang") != 0 && strcmp(it->string, "pipeline") != 0) ||
                reqopts_set(&o, it->string, v, strlen(v), 0, err, sizeof err)) {
                cJSON_Delete(j);
                return api_reply_error(r, 400, "invalid_request",
                                       "reprocess takes string options lang and pipeline");
            }
        }
        cJSON_Delete(j);
    }
    char missing[64];
    if (o.lang[0] &&
        !reqopts_lang_installed(r->srv->cfg.tessdata_dir, o.lang, missing, sizeof missing))
        return api_reply_error(r, 422, "language_unavailable",
                               "OCR language pack '%s' is not installed on this server", missing);
    struct quota_limits q;
    char code[32] = "";
    dp_err rc = quota_load(c, &r->srv->cfg, r->auth.tenant, &q);
    if (!rc)
        rc = store_reprocess(c, r->auth.tenant, id, o.lang[0] ? o.lang : NULL,
                             o.pipeline[0] ? o.pipeline : NULL, &q, r->srv->cfg.max_queue, code);
    if (rc == DP_EBUSY && strcmp(code, "queue_full") != 0) {
        r->retry_after_s = quota_retry_after(code, util_now_ms() / 1000);
        return api_reply_error(r, 429, code, "the tenant is at its limit (%s)", code);
    }
    if (rc)
        return api_reply_dp_err(r, rc, "document");
    snprintf(r->doc_id, sizeof r->doc_id, "%s", id);
    cJSON *doc = NULL;
    if (store_doc_json(c, r->auth.tenant, id, &doc))
        return api_reply_dp_err(r, DP_EREDIS, "document");
    return api_reply_json(r, 202, doc);
}

/* ---- route handlers (api_routes.c; authenticated, c connected) ---- */

enum MHD_Result api_docs_list(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return list_docs(r, c);
}

enum MHD_Result api_docs_get(struct api_req *r, redisContext *c, const char *const *param)
{
    return get_doc(r, c, param[0]);
}

enum MHD_Result api_docs_delete(struct api_req *r, redisContext *c, const char *const *param)
{
    const char *id = param[0];
    dp_err rc = store_delete(c, r->auth.tenant, id);
    if (rc)
        return api_reply_dp_err(r, rc, "document");
    /* Erasure also takes its training examples (classifier text, confirmed fields) and the
     * copies of its webhook events; best effort: the record is gone already. */
    retention_erase(c, r->auth.tenant, id);
    audit_log(c, r->auth.tenant, r->auth.key_id, "document.deleted", id, NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "object", "document");
    cJSON_AddBoolToObject(o, "deleted", 1);
    return api_reply_json(r, 200, o);
}

enum MHD_Result api_docs_text(struct api_req *r, redisContext *c, const char *const *param)
{
    return get_part(r, c, param[0], "text");
}

enum MHD_Result api_docs_hocr(struct api_req *r, redisContext *c, const char *const *param)
{
    return get_part(r, c, param[0], "hocr");
}

enum MHD_Result api_docs_file(struct api_req *r, redisContext *c, const char *const *param)
{
    return get_part(r, c, param[0], "file");
}

enum MHD_Result api_docs_reprocess(struct api_req *r, redisContext *c, const char *const *param)
{
    return reprocess(r, c, param[0]);
}
