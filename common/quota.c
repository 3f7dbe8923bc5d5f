/* quota.c -- per-tenant limits: loading and setting them (the scripts enforce them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keys.h"
#include "quota.h"
#include "rds.h"

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
