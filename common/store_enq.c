/* store_enq.c -- the atomic enqueue of an upload (store.h): blob, record, job, index and
 * idempotency key in one MULTI/EXEC, as one call (store_enqueue) or in steps that let many
 * uploads share one Redis round trip (store_enq_*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "keys.h"
#include "log.h"
#include "rds.h"
#include "scripts.h"
#include "seal.h"
#include "store.h"

/* One upload's enqueue in progress: what store_enqueue's rounds need, kept between them. */
struct store_enq {
    struct store_upload u; /* the caller's, with the pointers below into this struct */
    struct retention_cfg ret;
    struct quota_limits quota;
    char psm[16], fp[80]; /* copies of u's small strings that the caller may not keep */
    char id[UTIL_ID_MAX], sha[UTIL_SHA256_HEX], created[24], size[24], maxq[24], ttl[24];
    char kdoc[KEYS_MAX], kblob[KEYS_MAX], ktdocs[KEYS_MAX], kidem[KEYS_MAX];
    char kprev[KEYS_MAX], seen[UTIL_ID_MAX + UTIL_SHA256_HEX + 2];
    char kdedup[KEYS_MAX], kdprev[KEYS_MAX], dseen[UTIL_ID_MAX];
    char evid[UTIL_ID_MAX], now_s[24];
    char kdevt[KEYS_MAX], kh[UTIL_SHA256_HEX], kq[3][KEYS_MAX], krate[KEYS_MAX];
    char ktenant[KEYS_MAX], qv[100];
    const char *data, *meta; /* the bytes and metadata as stored (sealed or u's) */
    size_t dlen, mlen;
    char *sealed, *msealed, *evdata; /* owned */
    size_t evlen;
    redisReply *found; /* the last answer 4, whose values seen/dseen hold (owned) */
    long long code;    /* the script's answer (-1: none yet) */
    long long limit;   /* the limit of answers 6-8 */
    int rounds;        /* script calls made */
    dp_err rc;         /* a failure that ends the enqueue */
    char id_out[UTIL_ID_MAX];
    char err[256];
    /* this round's command: the script's keys and arguments, and the SET + HSET before it */
    const char *argv[64];
    size_t lens[64];
    int n, nkeys;
    struct rds_cmd before[2];
};

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

/* ---- the steps ---- */

/* Everything before the first script call: ids, hash, keys, sealing. */
static dp_err enq_init(struct store_enq *e, const struct store_upload *in)
{
    struct store_upload *u = &e->u;
    *u = *in;
    e->code = -1;
    if (in->psm) {
        snprintf(e->psm, sizeof e->psm, "%s", in->psm);
        u->psm = e->psm;
    }
    if (in->fingerprint) {
        if (strlen(in->fingerprint) >= sizeof e->fp)
            return DP_EINVAL;
        snprintf(e->fp, sizeof e->fp, "%s", in->fingerprint);
        u->fingerprint = e->fp;
    }
    if (in->retention) {
        e->ret = *in->retention;
        u->retention = &e->ret;
    }
    if (in->quota) {
        e->quota = *in->quota;
        u->quota = &e->quota;
    }
    dp_err rc;
    if (util_new_id("doc_", e->id) || util_new_id("evt_", e->evid))
        return DP_EIO;
    util_sha256_hex(u->data, u->len, e->sha);
    long long now = (long long)util_now_ms();
    snprintf(e->created, sizeof e->created, "%lld", now);
    snprintf(e->now_s, sizeof e->now_s, "%lld", now / 1000);
    snprintf(e->size, sizeof e->size, "%zu", u->len);
    snprintf(e->maxq, sizeof e->maxq, "%lld", u->max_queue);
    snprintf(e->ttl, sizeof e->ttl, "%lld", u->idem_ttl_s);
    if (keys_doc(e->kdoc, e->id) || keys_blob(e->kblob, e->id) ||
        keys_tdocs(e->ktdocs, u->tenant) || keys_doc_events(e->kdevt, e->id) ||
        keys_quota(e->kq[0], u->tenant, KEYS_QUOTA_QUEUED) ||
        keys_quota(e->kq[1], u->tenant, KEYS_QUOTA_SIZES) ||
        keys_quota(e->kq[2], u->tenant, KEYS_QUOTA_BYTES) ||
        keys_quota_rate(e->krate, u->tenant, now / 60000) || keys_tenant(e->ktenant, u->tenant))
        return DP_EINVAL;
    snprintf(e->qv, sizeof e->qv, "%lld %lld %lld %zu", u->quota ? u->quota->max_queued : 0,
             u->quota ? u->quota->max_bytes : 0, u->quota ? u->quota->per_minute : 0, u->len);
    if (u->idem_key) {
        util_sha256_hex(u->idem_key, strlen(u->idem_key), e->kh);
        if (keys_idem(e->kidem, u->tenant, e->kh))
            return DP_EINVAL;
    }
    if (u->dedup && u->fingerprint && keys_dedup(e->kdedup, u->tenant, e->sha, u->fingerprint))
        return DP_EINVAL;
    /* With an encryption key the bytes are sealed here, before they reach Redis (the hash
     * above is of the plain bytes, so duplicates and idempotency still match). */
    char aad[SEAL_AAD_MAX];
    e->data = (const char *)u->data;
    e->dlen = u->len;
    snprintf(aad, sizeof aad, "%s/blob", e->id);
    if ((rc = seal_maybe(aad, &e->data, &e->dlen, &e->sealed)) != DP_OK)
        return rc;
    /* the client's metadata is content too */
    e->meta = u->metadata;
    e->mlen = e->meta ? strlen(e->meta) : 0;
    snprintf(aad, sizeof aad, "%s/metadata", e->id);
    if (e->meta && (rc = seal_maybe(aad, &e->meta, &e->mlen, &e->msealed)) != DP_OK)
        return rc;
    return DP_OK;
}

/* Another script call is due: none made yet, or answer 4 (see enq_build). */
static int enq_more(const struct store_enq *e)
{
    return !e->rc && e->rounds < 4 && (e->code == -1 || e->code == 4);
}

/* This round's command into e->argv and e->before. Every key the script touches arrives in
 * KEYS, so it must be told which documents an existing idempotency or dedup key names. The
 * first call guesses both keys unset (a new upload: one round trip, and no read here, so c
 * is not used); if either is set, or changes between two calls, the script writes nothing and
 * answers 4 with their values, and we call again expecting those. */
static dp_err enq_build(redisContext *c, struct store_enq *e)
{
    const struct store_upload *u = &e->u;
    dp_err rc;
    if (e->found && ((rc = named_doc_parse(e->found->elements > 2 ? e->found->element[2] : NULL, 1,
                                           e->seen, sizeof e->seen, e->kprev)) != DP_OK ||
                     (rc = named_doc_parse(e->found->elements > 3 ? e->found->element[3] : NULL, 0,
                                           e->dseen, sizeof e->dseen, e->kdprev)) != DP_OK))
        return rc;
    freeReplyObject(e->found);
    e->found = NULL;
    /* Should this upload turn out a duplicate of dseen, its event is written here like a
     * worker's (event.c), sealed like one; the script only stores it. */
    free(e->evdata);
    e->evdata = NULL, e->evlen = 0;
    if (e->kdprev[0] && (rc = event_duplicate_data(c, e->kdprev, e->dseen, e->id, e->evid,
                                                   &e->evdata, &e->evlen)) != DP_OK)
        return rc;
    int n = 0;
#define ARG(s, l) (e->argv[n] = (s), e->lens[n] = (l), n++)
#define SARG(s)   ARG((s), strlen(s))
    SARG(e->kdoc);
    SARG(e->kblob);
    SARG(KEYS_JOBS);
    SARG(e->ktdocs);
    SARG(KEYS_SEQ);
    SARG(KEYS_STATS);
    SARG(KEYS_EVENTS);
    SARG(e->kdevt);
    SARG(e->kq[0]);
    SARG(e->kq[1]);
    SARG(e->kq[2]);
    SARG(e->krate);
    SARG(e->ktenant);
    if (e->kidem[0])
        SARG(e->kidem);
    if (e->kprev[0])
        SARG(e->kprev);
    if (e->kdedup[0])
        SARG(e->kdedup);
    if (e->kdprev[0])
        SARG(e->kdprev);
    e->nkeys = n;
    SARG(e->id);
    SARG(u->tenant);
    SARG(e->created);
    SARG(""); /* the blob goes beside the script (rds_eval_set) */
    SARG(e->maxq);
    SARG(e->sha);
    SARG(e->ttl);
    SARG(e->seen);
    SARG(e->kidem[0] ? "1" : "0");
    SARG(e->kprev[0] ? "1" : "0");
    SARG(e->kdedup[0] ? "1" : "0");
    SARG(e->kdprev[0] ? "1" : "0");
    SARG(e->dseen);
    SARG(e->evid);
    SARG(e->now_s);
    SARG("0"); /* the dedup key lives as long as the documents do */
    SARG(e->kdedup[0] ? u->fingerprint : "");
    SARG(e->qv);
    ARG(e->evdata ? e->evdata : "", e->evlen);
#undef SARG
#undef ARG
    e->n = n;
    /* The record goes beside the script like the blob: written by the same MULTI just
     * before it, so its fields do not pass through Lua (the script deletes it when it
     * refuses). */
    struct rds_cmd *set = &e->before[0], *rec = &e->before[1];
    rds_cmd_init(set);
    rds_cmd_str(set, "SET");
    rds_cmd_str(set, e->kblob);
    rds_cmd_buf(set, e->data, e->dlen);
    rds_cmd_init(rec);
    rds_cmd_str(rec, "HSET");
    rds_cmd_str(rec, e->kdoc);
    record_field(rec, "tenant", u->tenant);
    record_field(rec, "status", "queued");
    record_field(rec, "created_at", e->created);
    record_field(rec, "attempts", "0");
    record_field(rec, "type", u->mime);
    record_field(rec, "size", e->size);
    record_field(rec, "sha256", e->sha);
    record_field(rec, "name", u->name);
    record_field(rec, "lang", u->lang);
    record_field(rec, "psm", u->psm);
    record_field(rec, "pipeline", u->pipeline);
    record_field(rec, "callback_url", u->callback_url);
    if (e->meta) {
        rds_cmd_str(rec, "metadata");
        rds_cmd_buf(rec, e->meta, e->mlen);
    }
    if (e->kdedup[0])
        record_field(rec, "dedup_fp", u->fingerprint);
    if (e->kidem[0]) /* erasure and retention find the idempotency entry by it */
        record_field(rec, "idem", e->kh);
    return DP_OK;
}

/* The script's answer r (taken) to this round. */
static void enq_take(struct store_enq *e, redisReply *r)
{
    e->rounds++;
    e->code = rds_int(r, 0, -1);
    /* The record is the fields just written to a new key: rendered from them, not read back
     * (an HGETALL and its trip through Lua cost Redis more than the rest of the script's
     * reply). */
    const struct rds_cmd *rec = &e->before[1];
    if (e->code == 0 && e->u.record)
        *e->u.record = rds_reply_strings(rec->argc - 2, rec->argv + 2, rec->len + 2);
    const char *rid = rds_str(r, 1);
    if (rid && *rid)
        snprintf(e->id_out, sizeof e->id_out, "%s", rid);
    if (e->code >= 6 && e->code <= 8)
        e->limit = rds_int(r, 2, 0);
    if (e->code == 4 && r->type == REDIS_REPLY_ARRAY)
        e->found = r;
    else
        freeReplyObject(r);
}

/* ---- one call, or in steps ---- */

dp_err store_enq_new(const struct store_upload *u, struct store_enq **out)
{
    struct store_enq *e = calloc(1, sizeof *e);
    *out = NULL;
    if (!e)
        return DP_ENOMEM;
    dp_err rc = enq_init(e, u);
    if (rc) {
        store_enq_free(e);
        return rc;
    }
    *out = e;
    return DP_OK;
}

void store_enq_free(struct store_enq *e)
{
    if (!e)
        return;
    freeReplyObject(e->found);
    free(e->sealed);
    free(e->msealed);
    free(e->evdata);
    free(e);
}

dp_err store_enq_append(redisContext *c, struct store_enq *e)
{
    if (e->rounds || e->rc) /* only the first round, which reads nothing, is pipelined */
        return DP_EINVAL;
    dp_err rc = enq_build(c, e);
    if (!rc)
        rc = rds_eval_set_append(c, &scripts_store_enqueue, e->before, 2, e->nkeys, e->n - e->nkeys,
                                 e->argv, e->lens);
    return rc;
}

void store_enq_read(redisContext *c, struct store_enq *e)
{
    redisReply *r = NULL;
    int got = rds_eval_set_read(c, 2, &r, e->err, sizeof e->err);
    if (got == 0)
        enq_take(e, r);
    else if (got < 0)
        e->rc = DP_EREDIS;
    /* LOADING or NOSCRIPT: store_enq_finish runs the round again (the same keys and id, with
     * EVAL if need be: the SET and HSET that ran alone are written again) */
}

dp_err store_enq_finish(redisContext *c, struct store_enq *e, char id_out[UTIL_ID_MAX],
                        int *replayed, char *err, size_t errsz)
{
    const struct store_upload *u = &e->u;
    *replayed = 0;
    while (enq_more(e)) {
        redisReply *r = NULL;
        if ((e->rc = enq_build(c, e)) != DP_OK)
            break;
        e->rc = rds_eval_set(c, &scripts_store_enqueue, e->before, 2, e->nkeys, e->n - e->nkeys,
                             e->argv, e->lens, &r, e->err, sizeof e->err);
        if (e->rc)
            break;
        enq_take(e, r);
    }
    if (e->id_out[0])
        snprintf(id_out, UTIL_ID_MAX, "%s", e->id_out);
    snprintf(err, errsz, "%s", e->err);
    if (e->rc)
        return e->rc;
    switch (e->code) {
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
                 QUOTA_CODE_QUEUED, e->limit);
        return DP_EBUSY;
    case 7:
        snprintf(err, errsz, "%s: the tenant's stored files would pass its %lld bytes",
                 QUOTA_CODE_BYTES, e->limit);
        return DP_EBUSY;
    case 8:
        snprintf(err, errsz, "%s: the tenant's %lld uploads this minute are used", QUOTA_CODE_RATE,
                 e->limit);
        return DP_EBUSY;
    default:
        snprintf(err, errsz, "unexpected reply from enqueue script");
        return DP_EREDIS;
    }
}

dp_err store_enqueue(redisContext *c, const struct store_upload *u, char id_out[UTIL_ID_MAX],
                     int *replayed, char *err, size_t errsz)
{
    struct store_enq *e = NULL;
    *replayed = 0;
    dp_err rc = store_enq_new(u, &e);
    if (rc)
        return rc;
    rc = store_enq_finish(c, e, id_out, replayed, err, errsz);
    store_enq_free(e);
    return rc;
}
