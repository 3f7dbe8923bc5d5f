/* stats.h -- queue and throughput figures read from Redis, for docproc-admin queue, /v1/stats
 * and /metrics. */
#ifndef DP_STATS_H
#define DP_STATS_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include "err.h"

/* Throughput counters: the worker's finish script INCRs STATS_DONE_PREFIX<unix s / bucket> for
 * every document that ends "done" and lets the key expire after STATS_DONE_TTL_S. */
#define STATS_DONE_PREFIX   "dp:metrics:done:"
#define STATS_DONE_BUCKET_S 10
#define STATS_DONE_TTL_S    600

/* {"stream_length","queued","pending","oldest_pending_age_s","dead","consumers":[{name,pending,
 *   idle_ms}], "totals":{accepted,done,failed,dead_lettered}}. Caller owns *out. */
dp_err stats_queue(redisContext *c, cJSON **out);

#endif
