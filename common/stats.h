/* stats.h -- queue and throughput figures read from Redis, for docproc-admin queue, /v1/stats
 * and /metrics. */
#ifndef DP_STATS_H
#define DP_STATS_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include "err.h"

/* {"stream_length","queued","pending","oldest_pending_age_s","dead","consumers":[{name,pending,
 *   idle_ms}], "totals":{accepted,done,failed,dead_lettered}}. Caller owns *out. */
dp_err stats_queue(redisContext *c, cJSON **out);

#endif
