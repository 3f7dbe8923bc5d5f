/* xstore.c -- the tenant's extractor in Redis: training, stored model, status, worker cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cand.h"
#include "keys.h"
#include "log.h"
#include "rds.h"
#include "review.h"
#include "scripts.h"
#include "seal.h"
#include "util.h"
#include "xmodel.h"
#include "xstore.h"

#define TRAIN_BATCH 20 /* results fetched per pipeline round */

static int tenant_ok(const char *tenant)
{
    size_t n = tenant ? strlen(tenant) : 0;
    return n > 0 && n < 64 && !strchr(tenant, ':');
}

/* ---- training ---- */

dp_err xstore_train_begin(redisContext *c, const char *tenant, int *busy, int *trainable)
{
    char knames[KEYS_MAX], klock[KEYS_MAX], kstatus[KEYS_MAX], now[24];
    *busy = 0;
    *trainable = 0;
    if (!tenant_ok(tenant))
        return DP_EINVAL;
    keys_ext(knames, tenant, KEYS_EXT_NAMES);
    keys_ext(klock, tenant, KEYS_EXT_LOCK);
    keys_ext(kstatus, tenant, KEYS_EXT_STATUS);
    redisReply *r = rds_command(c, "HGETALL %s", knames);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    for (size_t i = 0; i + 1 < r->elements; i += 2)
        *trainable |= rds_int(r, i + 1, 0) >= XMODEL_MIN_EXAMPLES;
    freeReplyObject(r);
    if (!*trainable)
        return DP_OK;
    r = rds_command(c, "SET %s 1 NX EX %d", klock, XSTORE_LOCK_S);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    *busy = r->type == REDIS_REPLY_NIL;
    freeReplyObject(r);
    if (*busy)
        return DP_OK;
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    r = rds_command(c, "HSET %s status training started_at %s", kstatus, now);
    dp_err rc = rds_failed(r) ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

/* Reads the newest XSTORE_TRAIN_DOCS confirmed examples and their documents' pages. */
static dp_err load_examples(redisContext *c, const char *tenant, struct dp_doc_text **texts,
                            cJSON ***confirmed, cJSON ***rules, size_t *n)
{
    char kex[KEYS_MAX];
    keys_ext(kex, tenant, KEYS_EXT_EXAMPLES);
    *n = 0;
    redisReply *r = rds_command(c, "HGETALL %s", kex);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    size_t total = r->elements / 2, first = 0;
    /* document ids sort by creation time: keep the newest ones, in id order */
    const char **ids = calloc(total ? total : 1, sizeof *ids);
    *texts = calloc(total ? total : 1, sizeof **texts);
    *confirmed = calloc(total ? total : 1, sizeof **confirmed);
    *rules = calloc(total ? total : 1, sizeof **rules);
    dp_err rc = DP_ENOMEM;
    if (!ids || !*texts || !*confirmed || !*rules)
        goto out;
    for (size_t i = 0; i < total; i++) {
        ids[i] = r->element[2 * i]->str;
    }
    for (size_t i = 1; i < total; i++) /* insertion sort by id */
        for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            const char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    if (total > XSTORE_TRAIN_DOCS)
        first = total - XSTORE_TRAIN_DOCS;
    rc = DP_OK;
    for (size_t i = first; i < total && !rc; i++) {
        char kdoc[KEYS_MAX];
        redisReply *d = keys_doc(kdoc, ids[i])
                            ? NULL
                            : rds_command(c, "HMGET %s tenant result duplicate_of confirmed", kdoc);
        if (rds_failed(d) || d->type != REDIS_REPLY_ARRAY || d->elements != 4) {
            freeReplyObject(d);
            rc = DP_EREDIS;
            break;
        }
        redisReply *rv = d->element[1], *cv = d->element[3]; /* sealed at rest: opened in place */
        if ((rv->type == REDIS_REPLY_STRING &&
             seal_open_field(ids[i], rds_str(d, 2), "result", &rv->str, &rv->len) != DP_OK) ||
            (cv->type == REDIS_REPLY_STRING &&
             seal_open_field(ids[i], NULL, "confirmed", &cv->str, &cv->len) != DP_OK)) {
            freeReplyObject(d);
            rc = DP_EIO;
            break;
        }
        const char *t = rds_str(d, 0), *res = rds_str(d, 1);
        if (t && res && strcmp(t, tenant) == 0) {
            cJSON *rj = cJSON_ParseWithLength(res, d->element[1]->len);
            cJSON *cj =
                cv->type == REDIS_REPLY_STRING ? cJSON_ParseWithLength(cv->str, cv->len) : NULL;
            if (rj && cj && cand_doc_from_json(rj, &(*texts)[*n]) == DP_OK) {
                (*rules)[*n] = cJSON_DetachItemFromObject(rj, "fields");
                (*confirmed)[(*n)++] = cj;
                cj = NULL;
            }
            cJSON_Delete(rj);
            cJSON_Delete(cj);
        }
        freeReplyObject(d);
    }
out:
    free(ids);
    freeReplyObject(r);
    return rc;
}

static dp_err save_model(redisContext *c, const char *tenant, struct xmodel *m)
{
    char kver[KEYS_MAX], kmodel[KEYS_MAX];
    unsigned char *blob = NULL;
    char *stats = NULL;
    size_t blen = 0;
    keys_ext(kver, tenant, KEYS_EXT_VER);
    keys_ext(kmodel, tenant, KEYS_EXT_MODEL);
    uint32_t version;
    dp_err rc = rds_next_version(c, kver, &version);
    if (rc)
        return rc;
    m->version = version;
    if ((rc = xmodel_save(m, &blob, &blen)))
        return rc;
    cJSON *sj = xmodel_stats_json(m);
    stats = sj ? cJSON_PrintUnformatted(sj) : NULL;
    rc = stats ? rds_model_save(c, &scripts_ext_save, kmodel, m->version, blob, blen, stats,
                                (long long)m->trained_ms)
               : DP_ENOMEM;
    cJSON_Delete(sj);
    free(stats);
    free(blob);
    return rc;
}

dp_err xstore_train(redisContext *c, const char *tenant, unsigned *version)
{
    char kstatus[KEYS_MAX], klock[KEYS_MAX], now[24], ver[16] = "";
    struct dp_doc_text *texts = NULL;
    cJSON **conf = NULL, **rules = NULL;
    struct xmodel_doc *docs = NULL;
    struct xmodel *m = NULL;
    size_t n = 0;
    if (!tenant_ok(tenant))
        return DP_EINVAL;
    keys_ext(kstatus, tenant, KEYS_EXT_STATUS);
    keys_ext(klock, tenant, KEYS_EXT_LOCK);
    dp_err rc = load_examples(c, tenant, &texts, &conf, &rules, &n);
    if (!rc) {
        docs = calloc(n ? n : 1, sizeof *docs);
        rc = docs ? DP_OK : DP_ENOMEM;
    }
    for (size_t i = 0; !rc && i < n; i++)
        docs[i] = (struct xmodel_doc){&texts[i], conf[i], rules[i]};
    if (!rc)
        rc = xmodel_train(docs, n, &m);
    if (!rc)
        rc = save_model(c, tenant, m);
    if (!rc) {
        snprintf(ver, sizeof ver, "%u", m->version);
        if (version)
            *version = m->version;
    }
    const char *err = rc == DP_EINVAL ? "no confirmed value was found on its document's pages"
                      : rc            ? dp_strerror(rc)
                                      : "";
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    redisReply *r = rds_command(c, "HSET %s status %s finished_at %s error %s version %s", kstatus,
                                rc ? "failed" : "ready", now, err, ver);
    freeReplyObject(r);
    r = rds_command(c, "DEL %s", klock);
    freeReplyObject(r);
    xmodel_free(m);
    for (size_t i = 0; i < n; i++) {
        doctext_cleanup(&texts[i]);
        cJSON_Delete(conf[i]);
        cJSON_Delete(rules[i]);
    }
    free(texts);
    free(conf);
    free(rules);
    free(docs);
    return rc;
}

/* ---- info ---- */

dp_err xstore_info(redisContext *c, const char *tenant, cJSON **out)
{
    char kmodel[KEYS_MAX], knames[KEYS_MAX], kstatus[KEYS_MAX], kex[KEYS_MAX];
    *out = NULL;
    if (!tenant_ok(tenant))
        return DP_EINVAL;
    keys_ext(kmodel, tenant, KEYS_EXT_MODEL);
    keys_ext(knames, tenant, KEYS_EXT_NAMES);
    keys_ext(kstatus, tenant, KEYS_EXT_STATUS);
    keys_ext(kex, tenant, KEYS_EXT_EXAMPLES);
    /* The status first: a training stores its model before it says "ready", so a "ready" read
     * here is never followed by the model from before that training. */
    redisReply *st = rds_command(c, "HMGET %s status error", kstatus);
    redisReply *m = rds_command(c, "HMGET %s stats version trained_at", kmodel);
    redisReply *nm = rds_command(c, "HGETALL %s", knames);
    redisReply *ex = rds_command(c, "HLEN %s", kex);
    dp_err rc = DP_EREDIS;
    cJSON *o = NULL;
    if (rds_failed(m) || rds_failed(nm) || rds_failed(st) || rds_failed(ex) ||
        m->type != REDIS_REPLY_ARRAY || nm->type != REDIS_REPLY_ARRAY ||
        st->type != REDIS_REPLY_ARRAY)
        goto out;
    rc = DP_ENOMEM;
    const char *stats = rds_str(m, 0);
    o = stats ? cJSON_Parse(stats) : NULL;
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = cJSON_CreateObject();
        if (!o)
            goto out;
        cJSON_AddArrayToObject(o, "fields");
    }
    cJSON_AddStringToObject(o, "object", "extractor");
    const char *status = rds_str(st, 0);
    cJSON_AddStringToObject(o, "status", status ? status : "none");
    cJSON_AddNumberToObject(o, "version", (double)rds_int(m, 1, 0));
    const char *at = rds_str(m, 2);
    if (at) {
        char iso[32];
        util_iso8601(strtoll(at, NULL, 10), iso);
        cJSON_AddStringToObject(o, "trained_at", iso);
    } else {
        cJSON_AddNullToObject(o, "trained_at");
    }
    const char *err = rds_str(st, 1);
    if (status && strcmp(status, "failed") == 0 && err)
        cJSON_AddStringToObject(o, "error", err);
    cJSON_AddNumberToObject(o, "examples",
                            ex->type == REDIS_REPLY_INTEGER ? (double)ex->integer : 0);
    cJSON *lab = cJSON_AddObjectToObject(o, "labelled");
    for (size_t i = 0; lab && i + 1 < nm->elements; i += 2) {
        const char *name = rds_str(nm, i);
        long long v = rds_int(nm, i + 1, 0);
        if (name && v > 0)
            cJSON_AddNumberToObject(lab, name, (double)v);
    }
    *out = o;
    o = NULL;
    rc = DP_OK;
out:
    cJSON_Delete(o);
    freeReplyObject(m);
    freeReplyObject(nm);
    freeReplyObject(st);
    freeReplyObject(ex);
    return rc;
}

/* ---- the worker's cache ---- */

struct xcache_entry {
    char tenant[64];
    uint32_t version;     /* stored version this entry reflects */
    struct xmodel *model; /* owned; NULL when that version failed to load */
    unsigned long long used;
};

struct xstore_cache {
    struct xcache_entry e[XSTORE_CACHE];
    size_t n;
    unsigned long long tick;
};

struct xstore_cache *xstore_cache_new(void)
{
    return calloc(1, sizeof(struct xstore_cache));
}

void xstore_cache_free(struct xstore_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->n; i++)
        xmodel_free(cache->e[i].model);
    free(cache);
}

static struct xcache_entry *slot(struct xstore_cache *cache, const char *tenant)
{
    size_t lru = 0;
    for (size_t i = 0; i < cache->n; i++) {
        if (strcmp(cache->e[i].tenant, tenant) == 0)
            return &cache->e[i];
        if (cache->e[i].used < cache->e[lru].used)
            lru = i;
    }
    struct xcache_entry *e = cache->n < XSTORE_CACHE ? &cache->e[cache->n++] : &cache->e[lru];
    xmodel_free(e->model);
    memset(e, 0, sizeof *e);
    snprintf(e->tenant, sizeof e->tenant, "%s", tenant);
    return e;
}

dp_err xstore_apply(struct xstore_cache *cache, redisContext *c, const char *tenant,
                    const struct dp_doc_text *doc, cJSON *fields, cJSON **missing,
                    unsigned *version)
{
    if (version)
        *version = 0;
    char kmodel[KEYS_MAX];
    if (missing)
        *missing = NULL;
    if (!tenant_ok(tenant))
        return DP_OK;
    keys_ext(kmodel, tenant, KEYS_EXT_MODEL);
    redisReply *r = rds_command(c, "HGET %s version", kmodel);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    long long v = r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
    freeReplyObject(r);
    if (v <= 0)
        return DP_OK; /* no model: the built-in extraction stays as it is */
    struct xcache_entry *e = slot(cache, tenant);
    e->used = ++cache->tick;
    if (e->version != (uint32_t)v) {
        xmodel_free(e->model);
        e->model = NULL;
        e->version = (uint32_t)v;
        r = rds_command(c, "HMGET %s version blob", kmodel);
        if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            freeReplyObject(r);
            e->version = 0;
            return DP_EREDIS;
        }
        const redisReply *b = r->element[1];
        if (b->type == REDIS_REPLY_STRING &&
            xmodel_load((const unsigned char *)b->str, b->len, &e->model) != DP_OK)
            log_kv(LOG_WARN, "stored extractor model does not load; rules only", "tenant", tenant,
                   NULL);
        e->version = (uint32_t)rds_int(r, 0, v);
        freeReplyObject(r);
    }
    if (!e->model)
        return DP_OK;
    if (version)
        *version = e->version;
    dp_err rc = xmodel_apply(e->model, doc, fields, missing);
    return rc == DP_EREDIS ? DP_EIO : rc;
}
