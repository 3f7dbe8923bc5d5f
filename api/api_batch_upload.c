/* api_batch_upload.c -- POST /v1/batches as multipart/form-data: many files (form fields `file`)
 * with the options of POST /v1/documents (applied to each), stored as documents and followed as
 * one batch. The body is capped as it streams (max_batch_bytes in all, max_upload_bytes per file,
 * BATCH_MAX_DOCS files); every file is checked before any is stored, so a refused request stores
 * nothing. With an Idempotency-Key, file i is stored under "<key>#<i>": a retried request finds
 * its documents and their batch instead of storing them twice. A JSON body (document ids) goes to
 * api_batches_create. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api.h"
#include "batch.h"
#include "decode.h"
#include "einvoice.h"
#include "keys.h"
#include "log.h"
#include "rds.h"

#define PP_BUFFER 65536

struct api_batch_file {
    unsigned char *data;
    size_t len, cap;
    char name[256];
    const char *mime;
};

struct api_batch_up {
    struct api_batch_file files[BATCH_MAX_DOCS];
    size_t n;
    size_t total;          /* bytes of every file so far */
    int multipart;         /* else the body is JSON (document ids) */
    const char *too_large; /* why the body is over a cap (static text) */
};

static void too_large(struct api_req *r, const char *why)
{
    if (!r->batch->too_large)
        r->batch->too_large = why;
    r->too_large = 1;
}

static int file_append(struct api_req *r, struct api_batch_file *f, const char *data, size_t n)
{
    struct api_batch_up *b = r->batch;
    if (r->too_large)
        return 0; /* keep reading, store nothing: the answer will be 413 */
    if (f->len + n > (size_t)r->srv->cfg.max_upload_bytes) {
        too_large(r, "a file is over max_upload_bytes");
        return 0;
    }
    if (b->total + n > (size_t)r->srv->cfg.max_batch_bytes) {
        too_large(r, "the files are over max_batch_bytes in all");
        return 0;
    }
    if (api_buf_append(&f->data, &f->len, &f->cap, data, n))
        return -1;
    b->total += n;
    return 0;
}

int api_batches_file_part(struct api_req *r, const char *filename, const char *data, uint64_t off,
                          size_t size)
{
    struct api_batch_up *b = r->batch;
    if (off == 0) { /* the first chunk of a new file part */
        if (b->n == BATCH_MAX_DOCS) {
            if (!r->bad_request) {
                r->bad_request = 1;
                snprintf(r->err, sizeof r->err, "a batch holds at most %d files", BATCH_MAX_DOCS);
            }
            return 0;
        }
        struct api_batch_file *f = &b->files[b->n++];
        snprintf(f->name, sizeof f->name, "%s", filename ? filename : "");
    }
    if (!b->n || r->bad_request)
        return 0;
    return file_append(r, &b->files[b->n - 1], data, size);
}

enum MHD_Result api_batches_begin(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)c;
    (void)param;
    if (!(r->batch = calloc(1, sizeof *r->batch)))
        return MHD_NO;
    /* As for uploads, refusals wait until the body is drained (see api_upload_begin). */
    if (!api_check_auth(r, "documents:write", &r->refused))
        return MHD_YES;
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    r->batch->multipart = ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
    unsigned long long cap = r->batch->multipart
                                 ? (unsigned long long)r->srv->cfg.max_batch_bytes + PP_BUFFER
                                 : API_SMALL_BODY_MAX;
    if (cl && strtoull(cl, NULL, 10) > cap)
        too_large(r, r->batch->multipart ? "the files are over max_batch_bytes in all"
                                         : "a JSON body is limited to 1 MiB");
    if (r->batch->multipart) {
        r->pp = MHD_create_post_processor(r->conn, PP_BUFFER, api_upload_part, r);
        if (!r->pp)
            return api_reply_error(r, 400, "invalid_request", "malformed multipart/form-data");
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, api_upload_query_arg, r);
    }
    return MHD_YES;
}

/* The batch the replayed documents were put in by the first request, if it got that far. */
static int replayed_batch(redisContext *c, const char *doc_id, char id[UTIL_ID_MAX])
{
    char kdoc[KEYS_MAX];
    if (keys_doc(kdoc, doc_id))
        return 0;
    const char *argv[] = {"HGET", kdoc, "batch"};
    redisReply *rep = rds_cmdv(c, 3, argv, NULL);
    int ok = !rds_failed(rep) && rep->type == REDIS_REPLY_STRING && rep->len < UTIL_ID_MAX;
    if (ok)
        snprintf(id, UTIL_ID_MAX, "%s", rep->str);
    freeReplyObject(rep);
    return ok;
}

static enum MHD_Result store_files(struct api_req *r)
{
    struct api_batch_up *b = r->batch;
    if (!b->n)
        return api_reply_error(r, 400, "empty_body",
                               "no files: send each document as a form field 'file'");
    for (size_t i = 0; i < b->n; i++) { /* every file is checked before any is stored */
        struct api_batch_file *f = &b->files[i];
        if (!f->len)
            return api_reply_error(r, 400, "empty_body", "file %zu is empty", i + 1);
        if (decode_sniff(f->data, f->len, &f->mime) != DP_OK || !f->mime)
            return api_reply_error(r, 415, "unsupported_type",
                                   "file %zu is not a PNG, JPEG, TIFF, WebP, PDF or e-invoice XML "
                                   "(CII, UBL) file (judged by its content)",
                                   i + 1);
        if (strcmp(f->mime, DECODE_MIME_XML) == 0 && f->len > EINVOICE_MAX_BYTES)
            return api_reply_error(r, 413, "too_large",
                                   "file %zu: e-invoice XML is limited to %u bytes", i + 1,
                                   EINVOICE_MAX_BYTES);
    }
    const char *idem = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (idem && (strlen(idem) == 0 || strlen(idem) > 255))
        return api_reply_error(r, 400, "invalid_request", "Idempotency-Key must be 1-255 bytes");
    /* callback_url names the batch's callback (batch.completed), not one per document */
    char callback[sizeof r->opts.callback_url];
    snprintf(callback, sizeof callback, "%s", r->opts.callback_url);
    r->opts.callback_url[0] = '\0';
    char(*ids)[UTIL_ID_MAX] = calloc(b->n, sizeof *ids);
    if (!ids)
        return api_reply_dp_err(r, DP_ENOMEM, "batch");
    redisContext *c = api_redis(r->srv);
    size_t replays = 0;
    enum MHD_Result mr;
    for (size_t i = 0; i < b->n; i++) {
        struct api_batch_file *f = &b->files[i];
        struct api_file one = {f->data, f->len, f->mime, f->name[0] ? f->name : NULL};
        char key[280];
        if (idem)
            snprintf(key, sizeof key, "%s#%zu", idem, i + 1);
        int replayed = 0;
        if (api_upload_store(r, c, &one, idem ? key : NULL, ids[i], &replayed, NULL, &mr)) {
            if (i) { /* stored ones stay (each ends done or failed); a retry with the key finds them
                      */
                char n[24];
                snprintf(n, sizeof n, "%zu", i);
                log_kv(LOG_WARN, "batch upload stopped part way", "stored", n, NULL);
            }
            free(ids);
            return mr;
        }
        replays += replayed != 0;
    }
    char id[UTIL_ID_MAX], err[256] = "";
    unsigned status = 201;
    dp_err rc = DP_OK;
    if (replays == b->n && replayed_batch(c, ids[0], id))
        status = 200; /* the same request again: its batch */
    else
        rc = batch_create(c, r->auth.tenant, (const char(*)[UTIL_ID_MAX])ids, b->n,
                          callback[0] ? callback : NULL, id, err, sizeof err);
    free(ids);
    if (rc == DP_ECONFLICT) /* duplicates answered from the first copy are already followed */
        return api_reply_error(r, 409, "already_in_batch", "%s", err);
    if (rc) {
        log_kv(LOG_WARN, "batch create failed", "error", err, NULL);
        return api_reply_dp_err(r, rc, "batch");
    }
    long long want = r->srv->cfg.redis_wait_replicas;
    if (want > 0 && rds_wait_replicas(c, want, r->srv->cfg.redis_wait_timeout_ms) < want) {
        api_redis_reset(r->srv);
        return api_reply_error(r, 503, "unavailable",
                               "batch %s was stored but not confirmed by %lld replica(s); retry "
                               "with the same Idempotency-Key",
                               id, want);
    }
    cJSON *out = NULL;
    if (batch_json(c, r->auth.tenant, id, &out) || !out) {
        cJSON_Delete(out);
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "id", id);
        cJSON_AddStringToObject(out, "object", "batch");
    }
    return api_reply_json(r, status, out);
}

enum MHD_Result api_batches_body(struct api_req *r, const char *data, size_t *size)
{
    struct api_batch_up *b = r->batch;
    if (*size) {
        size_t n = *size;
        *size = 0;
        if (r->refused.status || r->too_large)
            return MHD_YES; /* drain a body we will refuse; keep none of it */
        if (r->pp)
            return MHD_post_process(r->pp, data, n) == MHD_YES || r->too_large ? MHD_YES : MHD_NO;
        if (r->body_len + n > API_SMALL_BODY_MAX) {
            too_large(r, "a JSON body is limited to 1 MiB");
            return MHD_YES;
        }
        return api_buf_append(&r->body, &r->body_len, &r->body_cap, data, n) ? MHD_NO : MHD_YES;
    }
    enum MHD_Result ret;
    if (api_upload_refusal(r, b->too_large ? b->too_large : "request body too large", &ret))
        return ret;
    if (b->multipart)
        return store_files(r);
    redisContext *c = api_redis(r->srv);
    if (!c)
        return api_reply_dp_err(r, DP_EREDIS, "batch");
    return api_batches_create(r, c, NULL);
}

void api_batches_cleanup(struct api_req *r)
{
    if (!r->batch)
        return;
    for (size_t i = 0; i < r->batch->n; i++)
        free(r->batch->files[i].data);
    free(r->batch);
    r->batch = NULL;
}
