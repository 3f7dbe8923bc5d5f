/* batch.c -- batches of documents (see batch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "batch.h"
#include "keys.h"
#include "rds.h"
#include "scripts.h"

void batch_request_cleanup(struct batch_request *r)
{
    free(r->ids);
    r->ids = NULL;
    r->n = 0;
}

dp_err batch_parse_request(const char *body, size_t len, struct batch_request *out, char *err,
                           size_t errsz)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_ParseWithLength(body, len);
    dp_err rc = DP_EINVAL;
    if (!cJSON_IsObject(j)) {
        snprintf(err, errsz, "the body must be a JSON object {\"documents\": [ids]}");
        goto out;
    }
    for (cJSON *it = j->child; it; it = it->next)
        if (strcmp(it->string, "documents") != 0 && strcmp(it->string, "callback_url") != 0) {
            snprintf(err, errsz, "unknown member '%.64s'", it->string);
            goto out;
        }
    cJSON *docs = cJSON_GetObjectItem(j, "documents");
    int n = cJSON_GetArraySize(docs);
    if (!cJSON_IsArray(docs) || n < 1 || n > BATCH_MAX_DOCS) {
        snprintf(err, errsz, "documents must be an array of 1 to %d document ids", BATCH_MAX_DOCS);
        goto out;
    }
    cJSON *cb = cJSON_GetObjectItem(j, "callback_url");
    if (cb) {
        const char *u = cJSON_GetStringValue(cb);
        if (!u || strlen(u) >= sizeof out->callback_url ||
            (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8) != 0)) {
            snprintf(err, errsz, "callback_url must be an http:// or https:// URL");
            goto out;
        }
        snprintf(out->callback_url, sizeof out->callback_url, "%s", u);
    }
    out->ids = calloc((size_t)n, sizeof *out->ids);
    if (!out->ids) {
        rc = DP_ENOMEM;
        goto out;
    }
    for (cJSON *it = docs->child; it; it = it->next) {
        const char *id = cJSON_GetStringValue(it);
        if (!id || !util_id_valid("doc_", id)) {
            snprintf(err, errsz, "documents[%zu] is not a document id", out->n);
            goto out;
        }
        for (size_t k = 0; k < out->n; k++)
            if (strcmp(out->ids[k], id) == 0) {
                snprintf(err, errsz, "document %s is named twice", id);
                goto out;
            }
        snprintf(out->ids[out->n++], UTIL_ID_MAX, "%s", id);
    }
    rc = DP_OK;
out:
    cJSON_Delete(j);
    if (rc)
        batch_request_cleanup(out);
    return rc;
}

/* Tenant and batch of each document, checked before anything is written. */
static dp_err check_docs(redisContext *c, const char *tenant, const char (*ids)[UTIL_ID_MAX],
                         size_t n, char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++) {
        char kdoc[KEYS_MAX];
        if (keys_doc(kdoc, ids[i]))
            return DP_EINVAL;
        const char *argv[] = {"HMGET", kdoc, "tenant", "batch"};
        redisReply *r = rds_cmdv(c, 4, argv, NULL);
        if (rds_failed(r)) {
            freeReplyObject(r);
            return DP_EREDIS;
        }
        const char *t = rds_str(r, 0), *b = rds_str(r, 1);
        dp_err rc = DP_OK;
        if (!t || strcmp(t, tenant) != 0) {
            snprintf(err, errsz, "document %s not found", ids[i]);
            rc = DP_ENOTFOUND;
        } else if (b) {
            snprintf(err, errsz, "document %s is already in batch %s", ids[i], b);
            rc = DP_ECONFLICT;
        }
        freeReplyObject(r);
        if (rc)
            return rc;
    }
    return DP_OK;
}

dp_err batch_create(redisContext *c, const char *tenant, const char (*ids)[UTIL_ID_MAX], size_t n,
                    const char *callback_url, char id_out[UTIL_ID_MAX], char *err, size_t errsz)
{
    char id[UTIL_ID_MAX], kb[KEYS_MAX], kdocs[KEYS_MAX], kended[KEYS_MAX], now[24], now_s[24];
    char total[24], evid[UTIL_ID_MAX];
    dp_err rc;
    if (n == 0 || n > BATCH_MAX_DOCS)
        return DP_EINVAL;
    if ((rc = check_docs(c, tenant, ids, n, err, errsz)))
        return rc;
    if (util_new_id("bat_", id) || util_new_id("evt_", evid))
        return DP_EIO;
    if (keys_batch(kb, id, KEYS_BATCH) || keys_batch(kdocs, id, KEYS_BATCH_DOCS) ||
        keys_batch(kended, id, KEYS_BATCH_ENDED))
        return DP_EINVAL;
    long long ms = (long long)util_now_ms();
    snprintf(now, sizeof now, "%lld", ms);
    snprintf(now_s, sizeof now_s, "%lld", ms / 1000);
    snprintf(total, sizeof total, "%zu", n);
    const char *hset[] = {"HSET",       kb,    "tenant",       tenant,
                          "created_at", now,   "sealed",       "0",
                          "total",      total, "callback_url", callback_url ? callback_url : ""};
    redisReply *r = rds_cmdv(c, 12, hset, NULL);
    int bad = rds_failed(r);
    freeReplyObject(r);
    if (bad)
        return DP_EREDIS;
    for (size_t i = 0; i < n; i++) {
        char kdoc[KEYS_MAX];
        if (keys_doc(kdoc, ids[i]))
            return DP_EINVAL;
        const char *argv[] = {kdoc, kb, kended, kdocs, ids[i], tenant, id};
        redisReply *a = NULL;
        if ((rc = rds_eval(c, &scripts_batch_attach, 4, 3, argv, NULL, &a, err, errsz)))
            return rc;
        long long v = rds_int(a, 0, -2);
        freeReplyObject(a);
        if (v == 0) {
            snprintf(err, errsz, "document %s not found", ids[i]);
            return DP_ENOTFOUND; /* erased since check_docs: the batch stays unsealed */
        }
        if (v == -1) {
            snprintf(err, errsz, "document %s is already in another batch", ids[i]);
            return DP_ECONFLICT;
        }
    }
    const char *sv[] = {kb, kended, KEYS_EVENTS, id, tenant, total, evid, now_s, now};
    redisReply *s = NULL;
    if ((rc = rds_eval(c, &scripts_batch_seal, 3, 6, sv, NULL, &s, err, errsz)))
        return rc;
    freeReplyObject(s);
    snprintf(id_out, UTIL_ID_MAX, "%s", id);
    return DP_OK;
}

dp_err batch_note_ended(redisContext *c, const char *doc_id)
{
    char kdoc[KEYS_MAX];
    if (!doc_id || !*doc_id || keys_doc(kdoc, doc_id))
        return DP_OK;
    const char *argv[] = {"HGET", kdoc, "batch"};
    redisReply *r = rds_cmdv(c, 3, argv, NULL);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    char bid[UTIL_ID_MAX] = "";
    if (r->type == REDIS_REPLY_STRING && r->len < sizeof bid)
        memcpy(bid, r->str, r->len + 1);
    freeReplyObject(r);
    if (!bid[0])
        return DP_OK;
    char kb[KEYS_MAX], kended[KEYS_MAX], evid[UTIL_ID_MAX], now[24], now_s[24];
    if (keys_batch(kb, bid, KEYS_BATCH) || keys_batch(kended, bid, KEYS_BATCH_ENDED) ||
        util_new_id("evt_", evid))
        return DP_EINVAL;
    long long ms = (long long)util_now_ms();
    snprintf(now, sizeof now, "%lld", ms);
    snprintf(now_s, sizeof now_s, "%lld", ms / 1000);
    const char *tv[] = {kdoc, kb, kended, KEYS_EVENTS, doc_id, bid, evid, now_s, now};
    redisReply *t = NULL;
    dp_err rc = rds_eval(c, &scripts_batch_tick, 4, 5, tv, NULL, &t, NULL, 0);
    freeReplyObject(t);
    return rc;
}

dp_err batch_json(redisContext *c, const char *tenant, const char *id, cJSON **out)
{
    char kb[KEYS_MAX], kdocs[KEYS_MAX];
    *out = NULL;
    if (!util_id_valid("bat_", id) || keys_batch(kb, id, KEYS_BATCH) ||
        keys_batch(kdocs, id, KEYS_BATCH_DOCS))
        return DP_ENOTFOUND;
    const char *hm[] = {"HMGET", kb, "tenant", "created_at", "completed_at", "total", "sealed"};
    redisReply *h = rds_cmdv(c, 7, hm, NULL);
    if (rds_failed(h)) {
        freeReplyObject(h);
        return DP_EREDIS;
    }
    const char *t = rds_str(h, 0);
    if (!t || strcmp(t, tenant) != 0 || !rds_str(h, 4) || strcmp(rds_str(h, 4), "1") != 0) {
        freeReplyObject(h); /* another tenant's, missing, or never sealed: not a batch */
        return DP_ENOTFOUND;
    }
    cJSON *o = cJSON_CreateObject();
    char iso[32];
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "object", "batch");
    const char *done_at = rds_str(h, 2);
    cJSON_AddStringToObject(o, "status", done_at ? "completed" : "processing");
    util_iso8601(strtoll(rds_str(h, 1) ? rds_str(h, 1) : "0", NULL, 10), iso);
    cJSON_AddStringToObject(o, "created_at", iso);
    if (done_at) {
        util_iso8601(strtoll(done_at, NULL, 10), iso);
        cJSON_AddStringToObject(o, "completed_at", iso);
    } else {
        cJSON_AddNullToObject(o, "completed_at");
    }
    cJSON_AddNumberToObject(o, "total", (double)rds_int(h, 3, 0));
    freeReplyObject(h);
    const char *lr[] = {"LRANGE", kdocs, "0", "-1"};
    redisReply *l = rds_cmdv(c, 4, lr, NULL);
    if (rds_failed(l) || l->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(l);
        cJSON_Delete(o);
        return DP_EREDIS;
    }
    /* One round trip for all statuses: pipelined HGETs. */
    for (size_t i = 0; i < l->elements; i++) {
        char kdoc[KEYS_MAX];
        keys_doc(kdoc, l->element[i]->str);
        redisAppendCommand(c, "HGET %s status", kdoc);
    }
    static const char *const names[] = {"queued", "processing", "done", "failed", "deleted"};
    double counts[5] = {0};
    cJSON *docs = cJSON_CreateArray();
    dp_err rc = DP_OK;
    for (size_t i = 0; i < l->elements; i++) {
        redisReply *s = NULL;
        if (redisGetReply(c, (void **)&s) != REDIS_OK || !s) {
            rc = DP_EREDIS;
            break;
        }
        const char *st = s->type == REDIS_REPLY_STRING ? s->str : "deleted";
        for (int k = 0; k < 5; k++)
            if (strcmp(st, names[k]) == 0)
                counts[k]++;
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "id", l->element[i]->str);
        cJSON_AddStringToObject(d, "status", st);
        cJSON_AddItemToArray(docs, d);
        freeReplyObject(s);
    }
    freeReplyObject(l);
    if (rc) {
        cJSON_Delete(docs);
        cJSON_Delete(o);
        return rc;
    }
    cJSON *cnt = cJSON_AddObjectToObject(o, "counts");
    for (int k = 0; k < 5; k++)
        cJSON_AddNumberToObject(cnt, names[k], counts[k]);
    cJSON_AddItemToObject(o, "documents", docs);
    *out = o;
    return DP_OK;
}
