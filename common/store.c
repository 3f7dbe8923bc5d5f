/* store.c -- document records in Redis: atomic enqueue, rendering, reads, erasure, listing. */
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

/* ---- enqueue ---- */

/* A value the enqueue script found in an idempotency key ("<doc id> <sha256>", with_rest = 1)
 * or a dedup key ("<doc id>", with_rest = 0), v NULL or "" when unset: into seen[seensz], and
 * the record key of the document it names into kprev ("" when unset). DP_EREDIS for a value
 * store_enqueue would not have written. */
static dp_err named_doc_parse(const redisReply *v, int with_rest, char *seen, size_t seensz,
                              char kprev[KEYS_MAX])
{
    seen[0] = kprev[0] = '\0';
    if (!v || v->type != REDIS_REPLY_STRING || v->len == 0)
        return v && v->type != REDIS_REPLY_STRING ? DP_EREDIS : DP_OK;
    const char *sp = memchr(v->str, ' ', v->len);
    size_t idlen = with_rest ? (sp ? (size_t)(sp - v->str) : v->len) : v->len;
    char pid[UTIL_ID_MAX];
    if ((with_rest && !sp) || (!with_rest && sp) || v->len >= seensz || idlen >= sizeof pid)
        return DP_EREDIS;
    memcpy(pid, v->str, idlen);
    pid[idlen] = '\0';
    if (!util_id_valid("doc_", pid) || keys_doc(kprev, pid) != DP_OK) {
        kprev[0] = '\0';
        return DP_EREDIS;
    }
    memcpy(seen, v->str, v->len + 1);
    return DP_OK;
}

/* A field of the record being built, when it has a value. */
static void record_field(struct rds_cmd *rec, const char *name, const char *value)
{
    if (value) {
        rds_cmd_str(rec, name);
        rds_cmd_str(rec, value);
    }
}

dp_err store_enqueue(redisContext *c, const struct store_upload *u, char id_out[UTIL_ID_MAX],
                     int *replayed, char *err, size_t errsz)
{
    char id[UTIL_ID_MAX], sha[UTIL_SHA256_HEX], created[24], size[24], maxq[24], ttl[24];
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], ktdocs[KEYS_MAX], kidem[KEYS_MAX] = "";
    char kprev[KEYS_MAX] = "", seen[UTIL_ID_MAX + UTIL_SHA256_HEX + 2] = "";
    char kdedup[KEYS_MAX] = "", kdprev[KEYS_MAX] = "", dseen[UTIL_ID_MAX] = "";
    char evid[UTIL_ID_MAX], now_s[24];
    long long code = -1, limit = 0;
    dp_err rc;
    *replayed = 0;
    if (util_new_id("doc_", id) || util_new_id("evt_", evid))
        return DP_EIO;
    util_sha256_hex(u->data, u->len, sha);
    long long now = (long long)util_now_ms();
    snprintf(created, sizeof created, "%lld", now);
    snprintf(now_s, sizeof now_s, "%lld", now / 1000);
    snprintf(size, sizeof size, "%zu", u->len);
    snprintf(maxq, sizeof maxq, "%lld", u->max_queue);
    snprintf(ttl, sizeof ttl, "%lld", u->idem_ttl_s);
    char kdevt[KEYS_MAX], kh[UTIL_SHA256_HEX], kq[3][KEYS_MAX], krate[KEYS_MAX], ktenant[KEYS_MAX];
    char qv[100];
    if (keys_doc(kdoc, id) || keys_blob(kblob, id) || keys_tdocs(ktdocs, u->tenant) ||
        keys_doc_events(kdevt, id) || keys_quota(kq[0], u->tenant, KEYS_QUOTA_QUEUED) ||
        keys_quota(kq[1], u->tenant, KEYS_QUOTA_SIZES) ||
        keys_quota(kq[2], u->tenant, KEYS_QUOTA_BYTES) ||
        keys_quota_rate(krate, u->tenant, now / 60000) || keys_tenant(ktenant, u->tenant))
        return DP_EINVAL;
    snprintf(qv, sizeof qv, "%lld %lld %lld %zu", u->quota ? u->quota->max_queued : 0,
             u->quota ? u->quota->max_bytes : 0, u->quota ? u->quota->per_minute : 0, u->len);
    if (u->idem_key) {
        util_sha256_hex(u->idem_key, strlen(u->idem_key), kh);
        if (keys_idem(kidem, u->tenant, kh))
            return DP_EINVAL;
    }
    if (u->dedup && u->fingerprint && keys_dedup(kdedup, u->tenant, sha, u->fingerprint))
        return DP_EINVAL;
    /* With an encryption key the bytes are sealed here, before they reach Redis (the hash
     * above is of the plain bytes, so duplicates and idempotency still match). */
    const char *data = (const char *)u->data;
    size_t dlen = u->len;
    char *sealed = NULL, aad[SEAL_AAD_MAX];
    snprintf(aad, sizeof aad, "%s/blob", id);
    if ((rc = seal_maybe(aad, &data, &dlen, &sealed)) != DP_OK)
        return rc;
    /* the client's metadata is content too */
    const char *meta = u->metadata;
    size_t mlen = meta ? strlen(meta) : 0;
    char *msealed = NULL;
    snprintf(aad, sizeof aad, "%s/metadata", id);
    if (meta && (rc = seal_maybe(aad, &meta, &mlen, &msealed)) != DP_OK) {
        free(sealed);
        return rc;
    }
    char *evdata = NULL;
    size_t evlen = 0;
    /* Every key the script touches arrives in KEYS, so it must be told which documents an
     * existing idempotency or dedup key names. The first call guesses both keys unset (a new
     * upload: one round trip); if either is set, or changes between two calls, the script
     * writes nothing and answers 4 with their values, and we call again expecting those. */
    redisReply *found = NULL; /* the last answer 4, whose values seen/dseen hold */
    for (int round = 0; round < 4 && (code == -1 || code == 4); round++) {
        if (found && ((rc = named_doc_parse(found->elements > 2 ? found->element[2] : NULL, 1, seen,
                                            sizeof seen, kprev)) != DP_OK ||
                      (rc = named_doc_parse(found->elements > 3 ? found->element[3] : NULL, 0,
                                            dseen, sizeof dseen, kdprev)) != DP_OK))
            break;
        freeReplyObject(found);
        found = NULL;
        /* Should this upload turn out a duplicate of dseen, its event is written here like a
         * worker's (event.c), sealed like one; the script only stores it. */
        free(evdata);
        evdata = NULL, evlen = 0;
        if (kdprev[0] &&
            (rc = event_duplicate_data(c, kdprev, dseen, id, evid, &evdata, &evlen)) != DP_OK)
            break;
        const char *argv[64];
        size_t lens[64];
        int n = 0;
#define ARG(s, l) (argv[n] = (s), lens[n] = (l), n++)
#define SARG(s)   ARG((s), strlen(s))
        SARG(kdoc);
        SARG(kblob);
        SARG(KEYS_JOBS);
        SARG(ktdocs);
        SARG(KEYS_SEQ);
        SARG(KEYS_STATS);
        SARG(KEYS_EVENTS);
        SARG(kdevt);
        SARG(kq[0]);
        SARG(kq[1]);
        SARG(kq[2]);
        SARG(krate);
        SARG(ktenant);
        if (kidem[0])
            SARG(kidem);
        if (kprev[0])
            SARG(kprev);
        if (kdedup[0])
            SARG(kdedup);
        if (kdprev[0])
            SARG(kdprev);
        int nkeys = n;
        SARG(id);
        SARG(u->tenant);
        SARG(created);
        SARG(""); /* the blob goes beside the script (rds_eval_set) */
        SARG(maxq);
        SARG(sha);
        SARG(ttl);
        SARG(seen);
        SARG(kidem[0] ? "1" : "0");
        SARG(kprev[0] ? "1" : "0");
        SARG(kdedup[0] ? "1" : "0");
        SARG(kdprev[0] ? "1" : "0");
        SARG(dseen);
        SARG(evid);
        SARG(now_s);
        SARG("0"); /* the dedup key lives as long as the documents do */
        SARG(kdedup[0] ? u->fingerprint : "");
        SARG(qv);
        ARG(evdata ? evdata : "", evlen);
#undef SARG
#undef ARG
        /* The record goes beside the script like the blob: written by the same MULTI just
         * before it, so its fields do not pass through Lua (the script deletes it when it
         * refuses). */
        struct rds_cmd before[2], *set = &before[0], *rec = &before[1];
        rds_cmd_init(set);
        rds_cmd_str(set, "SET");
        rds_cmd_str(set, kblob);
        rds_cmd_buf(set, data, dlen);
        rds_cmd_init(rec);
        rds_cmd_str(rec, "HSET");
        rds_cmd_str(rec, kdoc);
        record_field(rec, "tenant", u->tenant);
        record_field(rec, "status", "queued");
        record_field(rec, "created_at", created);
        record_field(rec, "attempts", "0");
        record_field(rec, "type", u->mime);
        record_field(rec, "size", size);
        record_field(rec, "sha256", sha);
        record_field(rec, "name", u->name);
        record_field(rec, "lang", u->lang);
        record_field(rec, "psm", u->psm);
        record_field(rec, "pipeline", u->pipeline);
        record_field(rec, "callback_url", u->callback_url);
        if (meta) {
            rds_cmd_str(rec, "metadata");
            rds_cmd_buf(rec, meta, mlen);
        }
        if (kdedup[0])
            record_field(rec, "dedup_fp", u->fingerprint);
        if (kidem[0]) /* erasure and retention find the idempotency entry by it */
            record_field(rec, "idem", kh);
        redisReply *r = NULL;
        rc = rds_eval_set(c, &scripts_store_enqueue, before, 2, nkeys, n - nkeys, argv, lens, &r,
                          err, errsz);
        if (rc)
            break;
        code = rds_int(r, 0, -1);
        /* The record is the fields just written to a new key: rendered from them, not read
         * back (an HGETALL and its trip through Lua cost Redis more than the rest of the
         * script's reply). */
        if (code == 0 && u->record)
            *u->record = rds_reply_strings(rec->argc - 2, rec->argv + 2, rec->len + 2);
        const char *rid = rds_str(r, 1);
        if (rid && *rid)
            snprintf(id_out, UTIL_ID_MAX, "%s", rid);
        if (code >= 6 && code <= 8)
            limit = rds_int(r, 2, 0);
        if (code == 4 && r->type == REDIS_REPLY_ARRAY)
            found = r;
        else
            freeReplyObject(r);
    }
    freeReplyObject(found);
    free(sealed);
    free(msealed);
    free(evdata);
    if (rc)
        return rc;
    switch (code) {
    case 5: /* a duplicate, done already: its retention starts now (best effort) */
        if (u->retention)
            retention_apply(c, u->retention, u->tenant, id_out);
        return DP_OK;
    case 0:
        return DP_OK;
    case 1:
        *replayed = 1;
        return DP_OK;
    case 2:
        snprintf(err, errsz, "Idempotency-Key was already used with different content");
        return DP_ECONFLICT;
    case 3:
        snprintf(err, errsz, "queue is full, retry later");
        return DP_EBUSY;
    case 6: /* the limit the script applied: the tenant's own or the configured one */
        snprintf(err, errsz, "%s: the tenant has %lld documents queued, its limit",
                 QUOTA_CODE_QUEUED, limit);
        return DP_EBUSY;
    case 7:
        snprintf(err, errsz, "%s: the tenant's stored files would pass its %lld bytes",
                 QUOTA_CODE_BYTES, limit);
        return DP_EBUSY;
    case 8:
        snprintf(err, errsz, "%s: the tenant's %lld uploads this minute are used", QUOTA_CODE_RATE,
                 limit);
        return DP_EBUSY;
    default:
        snprintf(err, errsz, "unexpected reply from enqueue script");
        return DP_EREDIS;
    }
}

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
