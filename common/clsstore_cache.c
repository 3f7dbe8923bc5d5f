/* clsstore_cache.c -- the worker's per-process cache of tenant models: one version check per
 * document, a reload only when the version moved, least-recently-used eviction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clsstore.h"
#include "keys.h"
#include "rds.h"
#include "log.h"

#define TENANT_MAX 64

/* One tenant's loaded model. */
struct cache_entry {
    char tenant[TENANT_MAX];
    uint32_t version;         /* the stored version this entry reflects */
    struct classifier *model; /* owned; NULL when that version failed to load */
    unsigned long long used;  /* cache tick of the last use (LRU) */
};

struct clsstore_cache {
    struct classifier *builtin; /* owned: the cold-start model */
    struct cache_entry *e;      /* owned array of cap entries, n in use */
    size_t n, cap;
    unsigned long long tick;
    struct clsstore_cache_stats st;
};

struct clsstore_cache *clsstore_cache_new(size_t ntenants)
{
    struct clsstore_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NULL;
    cache->cap = ntenants ? ntenants : CLSSTORE_CACHE_TENANTS;
    cache->e = calloc(cache->cap, sizeof *cache->e);
    cache->builtin = classifier_builtin();
    if (!cache->e || !cache->builtin) {
        clsstore_cache_free(cache);
        return NULL;
    }
    return cache;
}

void clsstore_cache_free(struct clsstore_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->n; i++)
        classifier_free(cache->e[i].model);
    free(cache->e);
    classifier_free(cache->builtin);
    free(cache);
}

void clsstore_cache_stats(const struct clsstore_cache *cache, struct clsstore_cache_stats *out)
{
    *out = cache->st;
    out->tenants = cache->n;
}

static struct cache_entry *find(struct clsstore_cache *cache, const char *tenant)
{
    for (size_t i = 0; i < cache->n; i++)
        if (strcmp(cache->e[i].tenant, tenant) == 0)
            return &cache->e[i];
    return NULL;
}

static void drop(struct clsstore_cache *cache, struct cache_entry *e)
{
    classifier_free(e->model);
    *e = cache->e[--cache->n];
    memset(&cache->e[cache->n], 0, sizeof cache->e[cache->n]); /* unused slots stay empty */
}

/* A slot for tenant: its own entry, a free one, or the least recently used one. */
static struct cache_entry *slot(struct clsstore_cache *cache, const char *tenant)
{
    struct cache_entry *e = find(cache, tenant);
    if (!e && cache->n < cache->cap)
        e = &cache->e[cache->n++];
    else if (!e) {
        e = &cache->e[0];
        for (size_t i = 1; i < cache->n; i++)
            if (cache->e[i].used < e->used)
                e = &cache->e[i];
        cache->st.evictions++;
    }
    classifier_free(e->model);
    memset(e, 0, sizeof *e);
    snprintf(e->tenant, sizeof e->tenant, "%s", tenant);
    return e;
}

/* Parses a stored version ("1".."4294967295"); 0 if malformed. */
static uint32_t parse_version(const char *s, size_t len)
{
    char buf[16], *end;
    if (!s || len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    unsigned long long v = strtoull(buf, &end, 10);
    return *end || buf[0] == '-' || v > UINT32_MAX ? 0 : (uint32_t)v;
}

/* Fetches and loads the tenant's stored model into a cache entry. */
static dp_err reload(struct clsstore_cache *cache, redisContext *c, const char *kmodel,
                     const char *tenant, struct cache_entry **out)
{
    redisReply *r = rds_command(c, "HMGET %s version blob", kmodel);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    const redisReply *v = r->element[0], *b = r->element[1];
    struct cache_entry *e = slot(cache, tenant);
    e->version = v->type == REDIS_REPLY_STRING ? parse_version(v->str, v->len) : 0;
    dp_err rc = DP_EPARSE;
    if (e->version && b->type == REDIS_REPLY_STRING)
        rc = classifier_load(b->str, b->len, &e->model);
    if (rc == DP_ENOMEM) {
        drop(cache, e);
        freeReplyObject(r);
        return rc;
    }
    cache->st.loads++;
    if (rc) {
        /* Best effort: a model that does not load is logged once per version and the tenant
         * is served by the built-in model until a new version is trained. */
        char ver[16];
        snprintf(ver, sizeof ver, "%u", e->version);
        log_kv(LOG_WARN, "tenant model does not load; using the built-in model", "tenant", tenant,
               "version", ver, "error", dp_strerror(rc), NULL);
        cache->st.load_errors++;
        e->model = NULL;
    } else {
        classifier_set_version(e->model, e->version);
    }
    freeReplyObject(r);
    *out = e;
    return DP_OK;
}

dp_err clsstore_classify(struct clsstore_cache *cache, redisContext *c, const char *tenant,
                         const struct dp_doc_text *doc, const char *text, size_t len,
                         struct classify_result *out, const char **model)
{
    struct cache_entry *e = NULL;
    size_t tlen = tenant ? strlen(tenant) : 0;
    if (tlen > 0 && tlen < TENANT_MAX && !strchr(tenant, ':')) {
        char kmodel[KEYS_MAX];
        keys_cls(kmodel, tenant, KEYS_CLS_MODEL);
        redisReply *r = rds_command(c, "HGET %s version", kmodel);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            freeReplyObject(r);
            return DP_EREDIS;
        }
        cache->st.lookups++;
        uint32_t v = r->type == REDIS_REPLY_STRING ? parse_version(r->str, r->len) : 0;
        int stored = r->type != REDIS_REPLY_NIL;
        freeReplyObject(r);
        e = find(cache, tenant);
        if (!stored) {
            if (e)
                drop(cache, e); /* the model was removed: back to the built-in one */
            e = NULL;
        } else if (!e || e->version != v) {
            dp_err rc = reload(cache, c, kmodel, tenant, &e);
            if (rc)
                return rc;
        }
        if (e)
            e->used = ++cache->tick;
    }
    if (e && e->model) {
        *model = "tenant";
        return classifier_predict(e->model, text, len, NULL, out);
    }
    *model = "builtin";
    return classifier_predict(cache->builtin, text, len, doc, out);
}
