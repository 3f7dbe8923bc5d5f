/* quota.h -- per-tenant limits: queued jobs, stored bytes, uploads per minute.
 *
 * Enforced inside the enqueue and reprocess scripts (atomic with the write they allow), over
 * per-tenant counters named in keys.h (dp:quota:<t>:*): the set of queued documents, the stored
 * bytes (with each document's size, so erasure gives them back) and a per-minute upload count.
 * Limits come from the config (tenant_max_queued, tenant_max_bytes, tenant_uploads_per_minute)
 * unless the tenant has its own (dp:tenant:<t>, PATCH /v1/tenant). 0 = no limit. */
#ifndef DP_QUOTA_H
#define DP_QUOTA_H
#include <hiredis.h>
#include "config.h"
#include "err.h"

#define QUOTA_MAX 1000000000000000LL /* largest limit accepted */

struct quota_limits {
    long long max_queued; /* documents queued or being read */
    long long max_bytes;  /* bytes of stored files */
    long long per_minute; /* uploads (and reprocess requests) per minute */
};

/* The refusal codes the API answers with 429. */
#define QUOTA_CODE_QUEUED "quota_queued"
#define QUOTA_CODE_BYTES  "quota_bytes"
#define QUOTA_CODE_RATE   "rate_limited_tenant"

/* The tenant's limits (its own settings over cfg's defaults). */
dp_err quota_load(redisContext *c, const struct dp_config *cfg, const char *tenant,
                  struct quota_limits *out);

/* Sets one of the tenant's limits by name (max_queued, max_bytes, uploads_per_minute); v -1 =
 * back to the default. DP_EINVAL: unknown name or out of range. */
dp_err quota_set(redisContext *c, const char *tenant, const char *name, long long v);

/* ---- storage ---- */

#define QUOTA_STORAGE_PERCENT 95 /* uploads stop at this share of Redis's maxmemory */

/* used_memory and maxmemory from an INFO memory reply (pure); DP_EPARSE when either is
 * missing. */
dp_err quota_info_memory(const char *info, size_t len, long long *used, long long *max);

/* Whether Redis is at QUOTA_STORAGE_PERCENT of its maxmemory (0 when it has none), asked at
 * most once a second per thread (the answer is cached per calling thread, whose connection c
 * is). */
dp_err quota_storage_full(redisContext *c, int *full);

/* Seconds until a refused upload may succeed: the rest of this minute for the rate. */
int quota_retry_after(const char *code, long long now_s);

#endif
