/* retention.c -- retention TTLs for finished documents, and erasure of what a document leaves
 * outside its record (events, training examples, index entries). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clsstore.h"
#include "keys.h"
#include "rds.h"
#include "retention.h"
#include "review.h"
#include "scripts.h"
#include "util.h"

#define ERASE_CHUNK 18 /* events per doc_erase call (two ARGV and one KEYS each) */

dp_err retention_get(redisContext *c, const struct retention_cfg *rc, const char *tenant,
                     long long *days, int *own)
{
    char k[KEYS_MAX];
    *days = rc->default_days;
    *own = 0;
    if (keys_tenant(k, tenant))
        return DP_EINVAL;
    const char *argv[] = {"HGET", k, "retention_days"};
    redisReply *r = rds_cmdv(c, 3, argv, NULL);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    if (r->type == REDIS_REPLY_STRING) {
        char *end;
        long long v = strtoll(r->str, &end, 10);
        if (end != r->str && !*end && v >= 0 && v <= RETENTION_DAYS_MAX) {
            *days = v;
            *own = 1;
        }
    }
    freeReplyObject(r);
    return DP_OK;
}

dp_err retention_set(redisContext *c, const char *tenant, long long days)
{
    char k[KEYS_MAX], v[24];
    if (days < -1 || days > RETENTION_DAYS_MAX || keys_tenant(k, tenant))
        return DP_EINVAL;
    snprintf(v, sizeof v, "%lld", days);
    const char *set[] = {"HSET", k, "retention_days", v}, *del[] = {"HDEL", k, "retention_days"};
    redisReply *r = days < 0 ? rds_cmdv(c, 3, del, NULL) : rds_cmdv(c, 4, set, NULL);
    dp_err rc = rds_failed(r) ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

dp_err retention_apply(redisContext *c, const struct retention_cfg *rcfg, const char *tenant,
                       const char *id)
{
    long long days;
    int own;
    dp_err rc = retention_get(c, rcfg, tenant, &days, &own);
    if (rc || days == 0)
        return rc;
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], kidem[KEYS_MAX] = "", kdedup[KEYS_MAX] = "";
    if (keys_doc(kdoc, id) || keys_blob(kblob, id))
        return DP_EINVAL;
    const char *hm[] = {"HMGET", kdoc, "idem", "sha256", "dedup_fp"};
    redisReply *r = rds_cmdv(c, 5, hm, NULL);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    if (rds_str(r, 0) && keys_idem(kidem, tenant, rds_str(r, 0)))
        kidem[0] = '\0';
    if (rds_str(r, 1) && rds_str(r, 2) && keys_dedup(kdedup, tenant, rds_str(r, 1), rds_str(r, 2)))
        kdedup[0] = '\0';
    freeReplyObject(r);
    char ttl[24], now[24];
    snprintf(ttl, sizeof ttl, "%lld", days * rcfg->day_s);
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    const char *argv[12];
    int n = 0;
    argv[n++] = kdoc;
    argv[n++] = kblob;
    argv[n++] = KEYS_EXPIRING;
    if (kidem[0])
        argv[n++] = kidem;
    if (kdedup[0])
        argv[n++] = kdedup;
    int nkeys = n;
    argv[n++] = id;
    argv[n++] = tenant;
    argv[n++] = ttl;
    argv[n++] = now;
    argv[n++] = kidem[0] ? "1" : "0";
    argv[n++] = kdedup[0] ? "1" : "0";
    redisReply *x = NULL;
    rc = rds_eval(c, &scripts_ret_expire, nkeys, n - nkeys, argv, NULL, &x, NULL, 0);
    freeReplyObject(x);
    return rc;
}

dp_err retention_erase(redisContext *c, const char *tenant, const char *id)
{
    char kdevt[KEYS_MAX], ktdocs[KEYS_MAX], kq[3][KEYS_MAX];
    if (!util_id_valid("doc_", id) || keys_doc_events(kdevt, id) || keys_tdocs(ktdocs, tenant) ||
        keys_quota(kq[0], tenant, KEYS_QUOTA_QUEUED) ||
        keys_quota(kq[1], tenant, KEYS_QUOTA_SIZES) || keys_quota(kq[2], tenant, KEYS_QUOTA_BYTES))
        return DP_EINVAL;
    int removed;
    dp_err rc = clsstore_unlabel(c, tenant, id, &removed, NULL);
    if (!rc)
        rc = review_forget(c, tenant, id);
    for (int round = 0; !rc && round < 1000; round++) {
        const char *hs[] = {"HSCAN", kdevt, "0", "COUNT", "20"};
        redisReply *r = rds_cmdv(c, 5, hs, NULL);
        if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            freeReplyObject(r);
            return DP_EREDIS;
        }
        const redisReply *kv = r->element[1];
        const char *argv[7 + 3 * ERASE_CHUNK + 2];
        char evk[ERASE_CHUNK][KEYS_MAX];
        int n = 0, nev = 0;
        argv[n++] = kdevt;
        argv[n++] = KEYS_EVENTS;
        argv[n++] = ktdocs;
        argv[n++] = KEYS_EXPIRING;
        argv[n++] = kq[0];
        argv[n++] = kq[1];
        argv[n++] = kq[2];
        for (size_t i = 0; i + 1 < kv->elements && nev < ERASE_CHUNK; i += 2)
            if (keys_wh_event(evk[nev], kv->element[i]->str) == DP_OK)
                argv[n++] = evk[nev++];
        int nkeys = n;
        argv[n++] = id;
        argv[n++] = tenant;
        for (size_t i = 0, e = 0; i + 1 < kv->elements && e < (size_t)nev; i += 2, e++) {
            argv[n++] = kv->element[i]->str;
            argv[n++] = kv->element[i + 1]->str;
        }
        redisReply *x = NULL;
        rc = rds_eval(c, &scripts_doc_erase, nkeys, n - nkeys, argv, NULL, &x, NULL, 0);
        freeReplyObject(x);
        freeReplyObject(r);
        if (nev == 0)
            break;
    }
    return rc;
}

dp_err retention_sweep(redisContext *c, long long now_ms, int max, int *n)
{
    char now[24], lim[16];
    *n = 0;
    snprintf(now, sizeof now, "%lld", now_ms);
    snprintf(lim, sizeof lim, "%d", max);
    const char *q[] = {"ZRANGE", KEYS_EXPIRING, "-inf", now, "BYSCORE", "LIMIT", "0", lim};
    redisReply *r = rds_cmdv(c, 8, q, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    dp_err rc = DP_OK;
    for (size_t i = 0; i < r->elements && !rc; i++) {
        char id[UTIL_ID_MAX], kdoc[KEYS_MAX];
        const char *m = r->element[i]->str, *sp = strchr(m, ' ');
        if (!sp || (size_t)(sp - m) >= sizeof id) {
            const char *zr[] = {"ZREM", KEYS_EXPIRING, m};
            freeReplyObject(rds_cmdv(c, 3, zr, NULL)); /* not a member we wrote */
            continue;
        }
        memcpy(id, m, (size_t)(sp - m));
        id[sp - m] = '\0';
        if (keys_doc(kdoc, id))
            continue;
        const char *pt[] = {"PTTL", kdoc};
        redisReply *t = rds_cmdv(c, 2, pt, NULL);
        long long pttl = t && t->type == REDIS_REPLY_INTEGER ? t->integer : -3;
        freeReplyObject(t);
        if (pttl == -3) {
            rc = DP_EREDIS;
        } else if (pttl == -2) { /* the record is gone: erase the rest */
            rc = retention_erase(c, sp + 1, id);
            (*n)++;
        } else { /* still there (its retention changed): look again when it runs out */
            char score[24];
            snprintf(score, sizeof score, "%lld", now_ms + (pttl > 0 ? pttl : 86400000LL));
            const char *za[] = {"ZADD", KEYS_EXPIRING, score, m};
            freeReplyObject(rds_cmdv(c, 4, za, NULL));
        }
    }
    freeReplyObject(r);
    return rc;
}
