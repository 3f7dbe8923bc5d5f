/* store.c -- document records in Redis: rendering, reads, erasure, listing (the enqueue:
 * store_enq.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "keys.h"
#include "log.h"
#include "rds.h"
#include "review.h"
#include "scripts.h"
#include "seal.h"
#include "store.h"

/* ---- rendering ---- */

static const char *hget(const redisReply *hash, const char *name)
{
    const redisReply *v = rds_field(hash, name);
    return v && v->type == REDIS_REPLY_STRING ? v->str : NULL;
}

static void add_time(cJSON *o, const char *key, const char *ms)
{
    if (!ms || !*ms) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char iso[32];
    util_iso8601(strtoll(ms, NULL, 10), iso);
    cJSON_AddStringToObject(o, key, iso);
}

static void add_num(cJSON *o, const char *key, const char *v)
{
    cJSON_AddNumberToObject(o, key, v ? (double)strtoll(v, NULL, 10) : 0);
}

/* "reviewed" {at, key_id} | null, confirmed values over the extracted fields (with the result
 * only), and "needs_review": what the worker found, unless a person has reviewed it since. */
static void render_review(cJSON *o, const redisReply *hash, int with_result)
{
    const char *at = hget(hash, "reviewed_at");
    if (at) {
        cJSON *rv = cJSON_AddObjectToObject(o, "reviewed");
        add_time(rv, "at", at);
        const char *k = hget(hash, "reviewed_key");
        cJSON_AddStringToObject(rv, "key_id", k ? k : "");
    } else {
        cJSON_AddNullToObject(o, "reviewed");
    }
    const char *conf = with_result ? hget(hash, "confirmed") : NULL;
    cJSON *cj = conf ? cJSON_Parse(conf) : NULL;
    if (cj) {
        cJSON *fields = cJSON_GetObjectItemCaseSensitive(o, "fields");
        if (!cJSON_IsArray(fields)) {
            cJSON_DeleteItemFromObjectCaseSensitive(o, "fields");
            fields = cJSON_AddArrayToObject(o, "fields");
        }
        review_apply(fields, cj);
        cJSON_Delete(cj);
    }
    const char *nr = hget(hash, "needs_review");
    if (nr || at) {
        cJSON_DeleteItemFromObjectCaseSensitive(o, "needs_review");
        cJSON_AddBoolToObject(o, "needs_review", !at && nr && strcmp(nr, "1") == 0);
    }
}

/* The client's metadata of record hash (opened when sealed), parsed; NULL when there is none
 * or it does not open (logged). */
static cJSON *render_metadata(const char *id, const redisReply *hash)
{
    const redisReply *v = rds_field(hash, "metadata");
    if (!v || v->type != REDIS_REPLY_STRING)
        return NULL;
    if (!seal_is_sealed(v->str, v->len))
        return cJSON_ParseWithLength(v->str, v->len);
    char aad[SEAL_AAD_MAX], *plain = NULL;
    size_t plen = 0;
    snprintf(aad, sizeof aad, "%s/metadata", id);
    dp_err rc = seal_open(seal_active(), aad, v->str, v->len, &plain, &plen);
    if (rc) {
        log_kv(LOG_ERROR, "stored value does not open", "doc", id, "field", "metadata", "error",
               dp_strerror(rc), NULL);
        return NULL;
    }
    cJSON *m = cJSON_ParseWithLength(plain, plen);
    free(plain);
    return m;
}

cJSON *store_render(const char *id, const redisReply *hash, int with_result)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    const char *status = hget(hash, "status");
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "object", "document");
    cJSON_AddStringToObject(o, "status", status ? status : "unknown");
    add_time(o, "created_at", hget(hash, "created_at"));
    add_time(o, "started_at", hget(hash, "started_at"));
    add_time(o, "finished_at", hget(hash, "finished_at"));
    add_num(o, "attempts", hget(hash, "attempts"));
    cJSON *file = cJSON_AddObjectToObject(o, "file");
    const char *name = hget(hash, "name");
    if (name)
        cJSON_AddStringToObject(file, "name", name);
    else
        cJSON_AddNullToObject(file, "name");
    cJSON_AddStringToObject(file, "type", hget(hash, "type") ? hget(hash, "type") : "");
    add_num(file, "size", hget(hash, "size"));
    cJSON_AddStringToObject(file, "sha256", hget(hash, "sha256") ? hget(hash, "sha256") : "");
    const char *pt = hget(hash, "pages_total");
    if (pt)
        add_num(file, "pages", pt);
    else
        cJSON_AddNullToObject(file, "pages");
    const char *lang = hget(hash, "lang");
    cJSON *opts = cJSON_AddObjectToObject(o, "options");
    if (lang)
        cJSON_AddStringToObject(opts, "lang", lang);
    const char *psm = hget(hash, "psm");
    if (psm)
        add_num(opts, "psm", psm);
    const char *pipeline = hget(hash, "pipeline");
    if (pipeline)
        cJSON_AddStringToObject(opts, "pipeline", pipeline);
    const char *cb = hget(hash, "callback_url");
    if (cb)
        cJSON_AddStringToObject(opts, "callback_url", cb);
    if (status && strcmp(status, "processing") == 0) {
        cJSON *pr = cJSON_AddObjectToObject(o, "progress");
        add_num(pr, "pages_done", hget(hash, "pages_done"));
        add_num(pr, "pages_total", pt);
    }
    const char *ecode = hget(hash, "error_code");
    if (ecode && status && strcmp(status, "failed") == 0) {
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", ecode);
        const char *em = hget(hash, "error_message");
        cJSON_AddStringToObject(e, "message", em ? em : "");
    }
    const char *dup = hget(hash, "duplicate_of");
    if (dup)
        cJSON_AddStringToObject(o, "duplicate_of", dup);
    const char *history = hget(hash, "history");
    cJSON *h = history ? cJSON_Parse(history) : NULL;
    if (h)
        cJSON_AddItemToObject(o, "attempt_history", h);
    cJSON *m = render_metadata(id, hash);
    if (m)
        cJSON_AddItemToObject(o, "metadata", m);
    else
        cJSON_AddNullToObject(o, "metadata");
    const char *result = with_result ? hget(hash, "result") : NULL;
    cJSON *res = result ? cJSON_Parse(result) : NULL;
    if (res && !cJSON_IsObject(res)) {
        cJSON_Delete(res); /* only an object's members can be inlined */
        res = NULL;
    }
    if (res) {
        /* The worker's result object holds class, fields, pages, text, quality...: inline it. */
        cJSON *it = res->child;
        res->child = NULL;
        while (it) {
            cJSON *next = it->next;
            it->next = it->prev = NULL;
            cJSON_AddItemToObject(o, it->string, it);
            it = next;
        }
        cJSON_Delete(res);
    }
    render_review(o, hash, with_result);
    return o;
}

/* ---- reads ---- */

/* Opens a sealed value of document id's field in place (see seal_open_inplace). A duplicate
 * carries the earlier document's sealed result, text and hOCR: those open with its id. */
static dp_err open_field(const char *id, const char *dup_of, const char *field, char **str,
                         size_t *len)
{
    dp_err rc = seal_open_field(id, dup_of, field, str, len);
    if (rc) {
        /* A key missing from this process's ring, or a damaged value: an internal error for
         * the client (never the sealed bytes, never "not found"), a line for the operator. */
        log_kv(LOG_ERROR, "stored value does not open", "doc", id, "field", field, "error",
               dp_strerror(rc), NULL);
        return DP_EIO;
    }
    return DP_OK;
}

/* The value of field name in an HGETALL reply, writable (to open it in place). */
static redisReply *field_reply(const redisReply *hash, const char *name)
{
    redisReply *v = (redisReply *)rds_field(hash, name);
    return v && v->type == REDIS_REPLY_STRING ? v : NULL;
}

static redisReply *load_record(redisContext *c, const char *tenant, const char *id, dp_err *rc)
{
    *rc = DP_ENOTFOUND;
    if (!util_id_valid("doc_", id))
        return NULL;
    char kdoc[KEYS_MAX];
    if (keys_doc(kdoc, id))
        return NULL;
    redisReply *r = rds_command(c, "HGETALL %s", kdoc);
    if (!r) {
        *rc = DP_EREDIS;
        return NULL;
    }
    const char *t = hget(r, "tenant");
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0 || !t || strcmp(t, tenant) != 0) {
        *rc = r->type == REDIS_REPLY_ERROR ? DP_EREDIS : DP_ENOTFOUND;
        freeReplyObject(r);
        return NULL;
    }
    *rc = DP_OK;
    return r;
}

dp_err store_record_json(const char *id, redisReply *r, cJSON **out)
{
    dp_err rc;
    redisReply *res = field_reply(r, "result");
    if (res && (rc = open_field(id, hget(r, "duplicate_of"), "result", &res->str, &res->len)))
        return rc;
    redisReply *conf = field_reply(r, "confirmed"); /* review.c seals it like the result */
    if (conf && (rc = open_field(id, NULL, "confirmed", &conf->str, &conf->len)))
        return rc;
    *out = store_render(id, r, 1);
    return *out ? DP_OK : DP_ENOMEM;
}

dp_err store_doc_json(redisContext *c, const char *tenant, const char *id, cJSON **out)
{
    dp_err rc;
    redisReply *r = load_record(c, tenant, id, &rc);
    if (!r)
        return rc;
    rc = store_record_json(id, r, out);
    freeReplyObject(r);
    return rc;
}

dp_err store_doc_bytes(redisContext *c, const char *tenant, const char *id, const char *what,
                       redisReply **out, char *mime, size_t mimesz)
{
    char kdoc[KEYS_MAX], kblob[KEYS_MAX];
    if (!util_id_valid("doc_", id) || keys_doc(kdoc, id) || keys_blob(kblob, id))
        return DP_ENOTFOUND;
    redisReply *r = rds_command(c, "HMGET %s tenant type status duplicate_of", kdoc);
    if (!r)
        return DP_EREDIS;
    const char *t = rds_str(r, 0);
    if (!t || strcmp(t, tenant) != 0) {
        freeReplyObject(r);
        return DP_ENOTFOUND;
    }
    if (mime)
        snprintf(mime, mimesz, "%s", rds_str(r, 1) ? rds_str(r, 1) : "application/octet-stream");
    char dup[UTIL_ID_MAX] = "";
    if (rds_str(r, 3))
        snprintf(dup, sizeof dup, "%s", rds_str(r, 3));
    freeReplyObject(r);
    if (strcmp(what, "blob") == 0)
        r = rds_command(c, "GET %s", kblob);
    else
        r = rds_command(c, "HGET %s %s", kdoc, what);
    if (!r)
        return DP_EREDIS;
    if (r->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        return DP_ENOTFOUND;
    }
    dp_err rc = open_field(id, dup[0] ? dup : NULL, what, &r->str, &r->len);
    if (rc) {
        freeReplyObject(r);
        return rc;
    }
    *out = r;
    return DP_OK;
}

dp_err store_reprocess(redisContext *c, const char *tenant, const char *id, const char *lang,
                       const char *pipeline, const struct quota_limits *q, long long max_queue,
                       char *code)
{
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], kq[KEYS_MAX], krate[KEYS_MAX], mq[24], pm[24], gq[24];
    if (!util_id_valid("doc_", id) || keys_doc(kdoc, id) || keys_blob(kblob, id) ||
        keys_quota(kq, tenant, KEYS_QUOTA_QUEUED) ||
        keys_quota_rate(krate, tenant, (long long)util_now_ms() / 60000))
        return DP_ENOTFOUND;
    snprintf(mq, sizeof mq, "%lld", q ? q->max_queued : 0);
    snprintf(pm, sizeof pm, "%lld", q ? q->per_minute : 0);
    snprintf(gq, sizeof gq, "%lld", max_queue > 0 ? max_queue : (long long)1 << 62);
    const char *argv[] = {
        kdoc, KEYS_JOBS, kblob, kq, krate, id, tenant, lang ? lang : "", pipeline ? pipeline : "",
        mq,   pm,        gq};
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, &scripts_store_reprocess, 5, 7, argv, NULL, &r, NULL, 0);
    if (rc)
        return rc;
    long long v = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    const char *why = v == -2   ? QUOTA_CODE_QUEUED
                      : v == -3 ? QUOTA_CODE_RATE
                      : v == -4 ? "queue_full"
                                : NULL;
    if (why) {
        if (code)
            snprintf(code, 32, "%s", why);
        return DP_EBUSY;
    }
    return v == 1 ? DP_OK : DP_ENOTFOUND;
}

dp_err store_delete(redisContext *c, const char *tenant, const char *id)
{
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], ktdocs[KEYS_MAX], kdedup[KEYS_MAX] = "";
    char kidem[KEYS_MAX] = "";
    if (!util_id_valid("doc_", id) || keys_doc(kdoc, id) || keys_blob(kblob, id) ||
        keys_tdocs(ktdocs, tenant))
        return DP_ENOTFOUND;
    /* The dedup key of its bytes and its idempotency entry go too when they name this
     * document (they hold the bytes' hash): read what names them, the script checks. */
    const char *hm[] = {"HMGET", kdoc, "tenant", "sha256", "dedup_fp", "idem"};
    redisReply *r = rds_cmdv(c, 6, hm, NULL);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    const char *t = rds_str(r, 0), *sha = rds_str(r, 1), *fp = rds_str(r, 2);
    const char *ih = rds_str(r, 3);
    if (t && sha && fp && strcmp(t, tenant) == 0 && keys_dedup(kdedup, tenant, sha, fp))
        kdedup[0] = '\0';
    if (t && ih && strcmp(t, tenant) == 0 && keys_idem(kidem, tenant, ih))
        kidem[0] = '\0';
    freeReplyObject(r);
    const char *argv[9];
    int n = 0;
    argv[n++] = kdoc;
    argv[n++] = kblob;
    argv[n++] = ktdocs;
    if (kdedup[0])
        argv[n++] = kdedup;
    if (kidem[0])
        argv[n++] = kidem;
    int nkeys = n;
    argv[n++] = id;
    argv[n++] = tenant;
    argv[n++] = kdedup[0] ? "1" : "0";
    argv[n++] = kidem[0] ? "1" : "0";
    return rds_eval_found(c, &scripts_store_delete, nkeys, n - nkeys, argv);
}

/* ---- listing ---- */

/* Whether a record passes the list filters. */
static int list_match(const redisReply *h, const struct store_filter *f)
{
    const char *st = hget(h, "status"), *cl = hget(h, "class");
    const char *nr = hget(h, "needs_review"), *rv = hget(h, "reviewed_at");
    int reviewed = rv != NULL, needs = !reviewed && nr && strcmp(nr, "1") == 0;
    return st && (!f->status || strcmp(st, f->status) == 0) &&
           (!f->klass || (cl && strcmp(cl, f->klass) == 0)) &&
           (f->needs_review < 0 || f->needs_review == needs) &&
           (f->reviewed < 0 || f->reviewed == reviewed);
}

dp_err store_list(redisContext *c, const char *tenant, const struct store_filter *f,
                  const char *cursor, int limit, cJSON **out)
{
    enum { CHUNK = 100, MAX_SCANNED = 2000 };
    /* The index is ordered by a Redis-side sequence (INCR KEYS_SEQ at enqueue), strictly
     * increasing across API processes; the cursor is the sequence number of the last item. */
    char start[32] = "+inf", last[32] = "", ktdocs[KEYS_MAX];
    if (keys_tdocs(ktdocs, tenant))
        return DP_EINVAL;
    if (cursor) {
        char *end;
        long long v = strtoll(cursor, &end, 10);
        if (end == cursor || *end || v <= 0)
            return DP_EINVAL;
        snprintf(start, sizeof start, "(%lld", v);
    }
    cJSON *res = cJSON_CreateObject();
    cJSON *data = cJSON_AddArrayToObject(res, "data");
    int got = 0, scanned = 0, exhausted = 0;
    while (got < limit && !exhausted && scanned < MAX_SCANNED) {
        redisReply *r = rds_command(c, "ZRANGE %s %s -inf BYSCORE REV LIMIT 0 %d WITHSCORES",
                                    ktdocs, start, CHUNK);
        if (!r || r->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(r);
            cJSON_Delete(res);
            return DP_EREDIS;
        }
        exhausted = r->elements < 2 * CHUNK;
        for (size_t i = 0; i + 1 < r->elements && got < limit; i += 2) {
            const char *id = r->element[i]->str;
            scanned++;
            snprintf(last, sizeof last, "%s", r->element[i + 1]->str);
            char kdoc[KEYS_MAX];
            redisReply *h = keys_doc(kdoc, id) ? NULL : rds_command(c, "HGETALL %s", kdoc);
            const char *cl = hget(h, "class");
            if (list_match(h, f)) {
                cJSON *d = store_render(id, h, 0);
                if (cl)
                    cJSON_AddStringToObject(d, "class", cl);
                cJSON_AddItemToArray(data, d);
                got++;
            }
            freeReplyObject(h);
        }
        snprintf(start, sizeof start, "(%s", last);
        freeReplyObject(r);
    }
    int has_more = 0;
    if (last[0]) {
        /* Is there anything older than the last item we looked at? */
        redisReply *r = rds_command(c, "ZRANGE %s (%s -inf BYSCORE REV LIMIT 0 1", ktdocs, last);
        has_more = r && r->type == REDIS_REPLY_ARRAY && r->elements > 0;
        freeReplyObject(r);
    }
    if (has_more)
        cJSON_AddStringToObject(res, "next_cursor", last);
    else
        cJSON_AddNullToObject(res, "next_cursor");
    cJSON_AddBoolToObject(res, "has_more", has_more);
    *out = res;
    return DP_OK;
}
