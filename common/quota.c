/* quota.c -- per-tenant limits: loading and setting them (the scripts enforce them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keys.h"
#include "quota.h"
#include "rds.h"
#include "util.h"

static const char *const names[] = {"max_queued", "max_bytes", "uploads_per_minute"};

dp_err quota_load(redisContext *c, const struct dp_config *cfg, const char *tenant,
                  struct quota_limits *out)
{
    char k[KEYS_MAX];
    out->max_queued = cfg->tenant_max_queued;
    out->max_bytes = cfg->tenant_max_bytes;
    out->per_minute = cfg->tenant_uploads_per_minute;
    if (keys_tenant(k, tenant))
        return DP_EINVAL;
    const char *argv[] = {"HMGET", k, names[0], names[1], names[2]};
    redisReply *r = rds_cmdv(c, 5, argv, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    long long *dst[] = {&out->max_queued, &out->max_bytes, &out->per_minute};
    for (int i = 0; i < 3; i++) {
        const char *v = rds_str(r, (size_t)i);
        char *end;
        long long n = v ? strtoll(v, &end, 10) : -1;
        if (v && end != v && !*end && n >= 0 && n <= QUOTA_MAX)
            *dst[i] = n;
    }
    freeReplyObject(r);
    return DP_OK;
}

dp_err quota_set(redisContext *c, const char *tenant, const char *name, long long v)
{
    char k[KEYS_MAX], val[24];
    int known = 0;
    for (int i = 0; i < 3; i++)
        known |= strcmp(name, names[i]) == 0;
    if (!known || v < -1 || v > QUOTA_MAX || keys_tenant(k, tenant))
        return DP_EINVAL;
    snprintf(val, sizeof val, "%lld", v);
    const char *set[] = {"HSET", k, name, val}, *del[] = {"HDEL", k, name};
    redisReply *r = v < 0 ? rds_cmdv(c, 3, del, NULL) : rds_cmdv(c, 4, set, NULL);
    dp_err rc = rds_failed(r) ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

int quota_retry_after(const char *code, long long now_s)
{
    if (strcmp(code, QUOTA_CODE_RATE) == 0)
        return (int)(60 - now_s % 60);
    return strcmp(code, QUOTA_CODE_BYTES) == 0 ? 60 : 5;
}

/* ---- storage ---- */

/* The number after "name:" at the start of a line of info, or -1. */
static long long info_ll(const char *info, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n + 1 < len; i++) {
        if ((i == 0 || info[i - 1] == '\n') && memcmp(info + i, name, n) == 0 &&
            info[i + n] == ':') {
            long long v = 0;
            size_t j = i + n + 1, digits = 0;
            while (j < len && info[j] >= '0' && info[j] <= '9' && digits < 18)
                v = v * 10 + (info[j++] - '0'), digits++;
            return digits ? v : -1;
        }
    }
    return -1;
}

dp_err quota_info_memory(const char *info, size_t len, long long *used, long long *max)
{
    *used = info_ll(info, len, "used_memory");
    *max = info_ll(info, len, "maxmemory");
    return *used < 0 || *max < 0 ? DP_EPARSE : DP_OK;
}

dp_err quota_storage_full(redisContext *c, int *full)
{
    /* Per thread, like the connection: a deliberate cache so uploads cost no INFO each. */
    static _Thread_local int64_t checked_ms;
    static _Thread_local int was_full;
    int64_t now = util_mono_ms();
    if (checked_ms && now - checked_ms < 1000) {
        *full = was_full;
        return DP_OK;
    }
    const char *argv[] = {"INFO", "memory"};
    redisReply *r = rds_cmdv(c, 2, argv, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    long long used, max;
    dp_err rc = quota_info_memory(r->str, r->len, &used, &max);
    freeReplyObject(r);
    if (rc)
        return rc;
    was_full = max > 0 && used >= max / 100 * QUOTA_STORAGE_PERCENT;
    checked_ms = now;
    *full = was_full;
    return DP_OK;
}
