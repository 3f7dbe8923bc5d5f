/* api_upload.c -- POST /v1/documents: raw or multipart body, capped while streaming, sniffed,
 * hashed and stored atomically before the 202. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "api.h"
#include "log.h"
#include "decode.h"
#include "einvoice.h"
#include "rds.h"
#include "store.h"

#define PP_BUFFER 65536

static int body_append(struct api_req *r, const char *data, size_t n)
{
    size_t cap = (size_t)r->srv->cfg.max_upload_bytes;
    if (r->too_large || r->body_len + n > cap) {
        r->too_large = 1; /* keep reading, store nothing: the answer will be 413 */
        return 0;
    }
    return api_buf_append(&r->body, &r->body_len, &r->body_cap, data, n);
}

static void set_option(struct api_req *r, const char *name, const char *value, size_t len)
{
    char msg[200];
    if (r->bad_request)
        return;
    if (reqopts_set(&r->opts, name, value, len, (int)r->srv->cfg.max_wait_s, msg, sizeof msg)) {
        r->bad_request = 1;
        snprintf(r->err, sizeof r->err, "%s", msg);
    }
}

void api_upload_field_flush(struct api_req *r)
{
    if (r->field_name[0])
        set_option(r, r->field_name, r->field_buf ? r->field_buf : "", r->field_len);
    r->field_name[0] = '\0';
    free(r->field_buf);
    r->field_buf = NULL;
    r->field_len = 0;
}

/* An option field of a multipart body, in chunks (see api.h). */
int api_upload_field(struct api_req *r, const char *key, const char *data, uint64_t off,
                     size_t size)
{
    if (!reqopts_known(key)) {
        if (!r->bad_request) {
            r->bad_request = 1;
            snprintf(r->err, sizeof r->err, "unknown form field '%.64s'", key);
        }
        return 0;
    }
    if (off == 0 || strcmp(r->field_name, key) != 0) {
        api_upload_field_flush(r);
        snprintf(r->field_name, sizeof r->field_name, "%s", key);
    }
    if (r->field_len + size > REQOPTS_META_MAX) {
        r->field_len = REQOPTS_META_MAX; /* reqopts_set reports it as too long */
        return 0;
    }
    char *b = realloc(r->field_buf, r->field_len + size + 1);
    if (!b)
        return -1;
    memcpy(b + r->field_len, data, size);
    r->field_buf = b;
    r->field_len += size;
    b[r->field_len] = '\0';
    return 0;
}

enum MHD_Result api_upload_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    struct api_req *r = cls;
    if (!key)
        return MHD_YES;
    if (strcmp(key, "file") == 0 && r->batch)
        return api_batches_file_part(r, filename, data, off, size) == 0 ? MHD_YES : MHD_NO;
    if (strcmp(key, "file") == 0) {
        if (off == 0 && !r->multipart_file_seen) {
            r->multipart_file_seen = 1;
            if (filename && !r->opts.filename[0])
                set_option(r, "filename", filename, strlen(filename));
        }
        return body_append(r, data, size) == 0 ? MHD_YES : MHD_NO;
    }
    return api_upload_field(r, key, data, off, size) == 0 ? MHD_YES : MHD_NO;
}

enum MHD_Result api_upload_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct api_req *r = cls;
    if (!reqopts_known(key)) {
        if (!r->bad_request) {
            r->bad_request = 1;
            snprintf(r->err, sizeof r->err, "unknown query parameter '%.64s'", key);
        }
        return MHD_YES;
    }
    set_option(r, key, value ? value : "", value ? strlen(value) : 0);
    return MHD_YES;
}

enum MHD_Result api_upload_begin(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)c;
    (void)param;
    /* Refusals wait until the body is drained: answering first would make MHD close a
     * connection a proxy is still writing to, and the client would see 502, not the reason. */
    if (!api_check_auth(r, "documents:write", &r->refused))
        return MHD_YES;
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
    /* Over the cap by Content-Length: read and drop the body, answer 413 at its end. Answering
     * before the body is read would make MHD close the connection under a proxy still sending
     * it (nginx reports 502); nginx itself refuses gross excess early (client_max_body_size). */
    if (cl && strtoull(cl, NULL, 10) >
                  (unsigned long long)r->srv->cfg.max_upload_bytes + (unsigned long long)PP_BUFFER)
        r->too_large = 1;
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
        r->pp = MHD_create_post_processor(r->conn, PP_BUFFER, api_upload_part, r);
        if (!r->pp)
            return api_reply_error(r, 400, "invalid_request", "malformed multipart/form-data");
    } else if (cl && strtoull(cl, NULL, 10) > (unsigned long long)r->srv->cfg.max_upload_bytes) {
        r->too_large = 1;
    }
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, api_upload_query_arg, r);
    r->body_cap = 0;
    return MHD_YES;
}

static int fail(enum MHD_Result *mr, enum MHD_Result answered)
{
    *mr = answered;
    return -1;
}

/* The checks before an upload of f is stored, and its enqueue prepared (store_enq_new) into
 * *e: 0, or -1 after queuing the error answer (its MHD result in *mr). */
static int upload_prepare(struct api_req *r, redisContext *c, const struct api_file *f,
                          const char *idem, redisReply **record, struct store_enq **e,
                          enum MHD_Result *mr)
{
    char missing[64];
    *e = NULL;
    if (r->opts.lang[0] &&
        !reqopts_lang_installed(r->srv->cfg.tessdata_dir, r->opts.lang, missing, sizeof missing))
        return fail(mr, api_reply_error(r, 422, "language_unavailable",
                                        "OCR language pack '%s' is not installed on this server "
                                        "(Debian: apt-get install tesseract-ocr-%s)",
                                        missing, missing));
    if (idem && (strlen(idem) == 0 || strlen(idem) > 255))
        return fail(
            mr, api_reply_error(r, 400, "invalid_request", "Idempotency-Key must be 1-255 bytes"));
    if (!c)
        return fail(mr, api_reply_dp_err(r, DP_EREDIS, "document"));
    char psm[8];
    snprintf(psm, sizeof psm, "%d", r->opts.psm);
    char fp[REQOPTS_FP_HEX];
    reqopts_fingerprint(&r->opts, r->srv->cfg.lang, fp);
    struct retention_cfg ret = {r->srv->cfg.retention_days, r->srv->cfg.retention_day_s};
    /* The configured limits; the enqueue script applies the tenant's own over them (no
     * round trip here). */
    struct quota_limits quota = {r->srv->cfg.tenant_max_queued, r->srv->cfg.tenant_max_bytes,
                                 r->srv->cfg.tenant_uploads_per_minute};
    int full = 0;
    if (quota_storage_full(c, &full) != DP_OK)
        return fail(mr, api_reply_dp_err(r, DP_EREDIS, "document"));
    if (full) { /* before Redis itself refuses writes (noeviction): a clear answer */
        r->retry_after_s = 60;
        return fail(mr, api_reply_error(r, 503, "storage_full",
                                        "storage is nearly full; retry later or delete documents"));
    }
    /* psm, fp, ret and quota are copied by store_enq_new; the rest lives as long as r */
    struct store_upload u = {
        .tenant = r->auth.tenant,
        .data = f->data,
        .len = f->len,
        .mime = f->mime,
        .name = f->name,
        .lang = r->opts.lang[0] ? r->opts.lang : NULL,
        .psm = r->opts.psm ? psm : NULL,
        .pipeline = r->opts.pipeline[0] ? r->opts.pipeline : NULL,
        .callback_url = r->opts.callback_url[0] ? r->opts.callback_url : NULL,
        .metadata = r->opts.metadata[0] ? r->opts.metadata : NULL,
        .idem_key = idem,
        .max_queue = r->srv->cfg.max_queue,
        .idem_ttl_s = r->srv->cfg.idempotency_ttl_s,
        .dedup = r->opts.dedup,
        .fingerprint = fp,
        .retention = &ret,
        .quota = &quota,
        .record = record,
    };
    dp_err rc = store_enq_new(&u, e);
    if (rc)
        return fail(mr, api_reply_dp_err(r, rc, "document"));
    return 0;
}

/* The answer to an enqueue that failed with rc (err its message, doc_id the document an
 * idempotency conflict names): -1 after queuing it (its MHD result in *mr); 0 when rc is
 * DP_OK. */
static int upload_failed(struct api_req *r, dp_err rc, const char *err, const char *doc_id,
                         enum MHD_Result *mr)
{
    if (rc == DP_OK)
        return 0;
    if (rc == DP_ECONFLICT)
        return fail(
            mr, api_reply_error(r, 409, "idempotency_conflict", "%s (document %s)", err, doc_id));
    if (rc == DP_EBUSY && strchr(err, ':')) { /* a tenant quota: "<code>: <message>" */
        char code[32];
        snprintf(code, sizeof code, "%.*s", (int)strcspn(err, ":"), err);
        r->retry_after_s = quota_retry_after(code, util_now_ms() / 1000);
        return fail(mr, api_reply_error(r, 429, code, "%s", err + strlen(code) + 2));
    }
    if (rc == DP_EBUSY)
        return fail(mr, api_reply_dp_err(r, rc, "document")); /* 503 queue_full + Retry-After */
    log_kv(LOG_WARN, "enqueue failed", "error", err, NULL);
    return fail(mr, api_reply_dp_err(r, rc, "document"));
}

/* Stores one document of r's tenant with r's options (see api.h). */
int api_upload_store(struct api_req *r, redisContext *c, const struct api_file *f, const char *idem,
                     char doc_id[UTIL_ID_MAX], int *replayed, redisReply **record,
                     enum MHD_Result *mr)
{
    struct store_enq *e = NULL;
    if (upload_prepare(r, c, f, idem, record, &e, mr))
        return -1;
    char err[256] = "";
    dp_err rc = store_enq_finish(c, e, doc_id, replayed, err, sizeof err);
    store_enq_free(e);
    return upload_failed(r, rc, err, doc_id, mr);
}

/* The answer to a stored upload: the document as it is now, 200 once finished (or replayed),
 * else 202 with Location. doc may be NULL (read it again). */
static enum MHD_Result answer(struct api_req *r, cJSON *doc, int replayed)
{
    redisContext *c = doc ? NULL : api_redis(r->srv);
    if (!doc && (!c || store_doc_json(c, r->auth.tenant, r->doc_id, &doc) || !doc)) {
        /* Stored, but we cannot read it back now: the 202 still stands. */
        cJSON_Delete(doc);
        doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "id", r->doc_id);
        cJSON_AddStringToObject(doc, "status", "queued");
    }
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "status"));
    int finished = st && (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0);
    return api_reply_json(r, replayed || finished ? 200 : 202, doc);
}

int api_upload_refusal(struct api_req *r, const char *too_large, enum MHD_Result *ret)
{
    if (r->pp) {
        MHD_destroy_post_processor(r->pp);
        r->pp = NULL;
        api_upload_field_flush(r);
    }
    if (r->refused.status)
        *ret = api_reply_error(r, r->refused.status, r->refused.code, "%s", r->refused.message);
    else if (r->too_large && too_large)
        *ret = api_reply_error(r, 413, "too_large", "%s", too_large);
    else if (r->too_large)
        *ret = api_reply_error(r, 413, "too_large", "documents are limited to %lld bytes",
                               r->srv->cfg.max_upload_bytes);
    else if (r->bad_request)
        *ret = api_reply_error(r, 400, "invalid_request", "%s", r->err);
    else
        return 0;
    return 1;
}

/* The answer once the upload's round trip ran (api_commit.c): its error, or the document. */
static enum MHD_Result upload_committed(struct api_req *r)
{
    enum MHD_Result mr;
    if (upload_failed(r, r->commit_rc, r->commit_err, r->doc_id, &mr))
        return mr;
    if (r->commit_unconfirmed) {
        /* Stored on the master but not (yet) on enough replicas: a failover now could lose it,
         * so no 2xx. A retry with the same Idempotency-Key returns this document. */
        log_kv(LOG_WARN, "upload not confirmed by replicas", "doc", r->doc_id, NULL);
        return api_reply_error(r, 503, "unavailable",
                               "document %s was stored but not confirmed by %lld replica(s); "
                               "retry with the same Idempotency-Key",
                               r->doc_id, r->srv->cfg.redis_wait_replicas);
    }
    cJSON *doc = NULL;
    /* A queued upload is answered from the record the script wrote (no read back); a replay
     * or a duplicate from the record as it is now. */
    redisContext *c = r->record ? NULL : api_redis(r->srv);
    dp_err drc = r->record ? store_record_json(r->doc_id, r->record, &doc)
                 : c       ? store_doc_json(c, r->auth.tenant, r->doc_id, &doc)
                           : DP_EREDIS;
    freeReplyObject(r->record);
    r->record = NULL;
    if (drc || !doc) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    const char *st = doc ? cJSON_GetStringValue(cJSON_GetObjectItem(doc, "status")) : NULL;
    int finished = st && (strcmp(st, "done") == 0 || strcmp(st, "failed") == 0);
    /* wait=: suspend the connection (no thread held) until the document finishes; a tenant at
     * its cap of waiting uploads gets the 202 at once. */
    if (r->opts.wait_s > 0 && doc && !finished && api_wait_add(r->srv, r) == DP_OK) {
        cJSON_Delete(doc);
        return MHD_YES;
    }
    return answer(r, doc, r->replayed);
}

static enum MHD_Result upload_finish(struct api_req *r)
{
    if (r->wait_state == API_WAIT_RESUMED) /* the wait ended (api_wait.c): answer now */
        return answer(r, NULL, r->replayed);
    if (r->commit_state == API_COMMIT_LEAD) /* resumed to lead the next round trip */
        api_commit_lead(r->srv, r);
    if (r->commit_state == API_COMMIT_DONE) /* stored (or refused) by a round trip */
        return upload_committed(r);
    enum MHD_Result ret;
    if (api_upload_refusal(r, NULL, &ret))
        return ret;
    if (r->body_len == 0)
        return api_reply_error(r, 400, "empty_body",
                               "no document: send the file as the body or as form field 'file'");
    const char *mime = NULL;
    if (decode_sniff(r->body, r->body_len, &mime) != DP_OK || !mime)
        return api_reply_error(r, 415, "unsupported_type",
                               "not a PNG, JPEG, TIFF, WebP, PDF or e-invoice XML (CII, UBL) "
                               "file (judged by its content)");
    if (strcmp(mime, DECODE_MIME_XML) == 0 && r->body_len > EINVOICE_MAX_BYTES)
        return api_reply_error(r, 413, "too_large", "e-invoice XML is limited to %u bytes",
                               EINVOICE_MAX_BYTES);
    redisContext *c = api_redis(r->srv);
    /* f's strings live in r, which the enqueue borrows until its round trip */
    struct api_file f = {r->body, r->body_len, mime, r->opts.filename[0] ? r->opts.filename : NULL};
    const char *idem = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (upload_prepare(r, c, &f, idem, &r->record, &r->enq, &ret))
        return ret;
    if (!api_commit_run(r->srv, r))
        return MHD_YES; /* suspended: called again once another upload's round trip ran it */
    return upload_committed(r);
}

enum MHD_Result api_upload(struct api_req *r, const char *data, size_t *size)
{
    if (*size) {
        size_t n = *size;
        *size = 0;
        if (r->refused.status || r->too_large)
            return MHD_YES; /* drain a body we will refuse; keep none of it */
        if (r->pp)
            return MHD_post_process(r->pp, data, n) == MHD_YES || r->too_large ? MHD_YES : MHD_NO;
        return body_append(r, data, n) == 0 ? MHD_YES : MHD_NO;
    }
    return upload_finish(r);
}

void api_upload_cleanup(struct api_req *r)
{
    api_commit_completed(r->srv, r);
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    r->pp = NULL;
    free(r->field_buf);
    r->field_buf = NULL;
}
