/* stats.h -- queue and throughput figures read from Redis, for docproc-admin queue, /v1/stats
 * and /metrics, and the counters workers and webhookd add to for /metrics. */
#ifndef DP_STATS_H
#define DP_STATS_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include "err.h"

/* KEYS_METRICS_PAGE (keys.h) is a HASH of OCR seconds per page: one field per bucket (its upper
 * bound as text, "+Inf" last) counting pages in that bucket only (not cumulative), plus "sum_ms"
 * and "count". KEYS_METRICS_WEBHOOK is a HASH of webhook attempts by outcome: delivered,
 * retrying (failed, another attempt is scheduled), failed (given up: 410, refused, not
 * retryable), exhausted (schedule used up). */

/* Upper bounds (seconds) of the page-time buckets, then +Inf. */
#define STATS_PAGE_BUCKETS 11
#define STATS_PAGE_BOUNDS                                                                          \
    {                                                                                              \
        0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60                                                   \
    }

/* Throughput counters: the worker's finish script INCRs keys_done_bucket(unix s / bucket) for
 * every document that ends "done" and lets the key expire after STATS_DONE_TTL_S. */
#define STATS_DONE_BUCKET_S 10
#define STATS_DONE_TTL_S    600

/* {"stream_length","queued","pending","oldest_pending_age_s","dead","consumers":[{name,pending,
 *   idle_ms}], "totals":{accepted,done,failed,dead_lettered}}. Caller owns *out. */
dp_err stats_queue(redisContext *c, cJSON **out);

/* Records one page read by OCR in seconds (worker side; one round trip, atomic). */
dp_err stats_page_record(redisContext *c, double seconds);

/* The counters for /metrics: {"page_seconds":{"bounds":[...],"counts":[STATS_PAGE_BUCKETS + 1
 * non-cumulative, +Inf last],"sum":seconds,"count":n}, "webhook_attempts":{"delivered":n,
 * "retrying":n,"failed":n,"exhausted":n}, "restarts":{"<program>":n, ...}} (restarts: the valid
 * program names of KEYS_RESTARTS, at most STATS_PROGRAMS_MAX). Caller owns *out. */
dp_err stats_counters(redisContext *c, cJSON **out);

/* ---- process restarts ----
 * KEYS_RESTARTS is a HASH program -> times the supervisor (config/run.sh, through `docproc-admin
 * restarted PROGRAM`) started it again after it died: kept in Redis, so the count outlives both
 * the restarted process and the API that shows it. */
#define STATS_PROGRAM_MAX  32 /* longest program name, bytes */
#define STATS_PROGRAMS_MAX 64 /* most programs /metrics lists */

/* 1 when name[0..len) is 1..STATS_PROGRAM_MAX bytes of [a-z0-9_.-], starting with a letter
 * (so it is safe as a Prometheus label value without escaping), else 0. */
int stats_program_valid(const char *name, size_t len);

/* Adds one restart of program (HINCRBY). DP_EINVAL for a name stats_program_valid refuses. */
dp_err stats_restart_count(redisContext *c, const char *program);
/* The program name the restarts of docproc-worker's own children are shown under. */
#define STATS_CHILD_PROGRAM "worker-child"
/* Adds n restarts of a worker's children (INCRBY KEYS_RESTARTS_CHILD: what the worker's ACL
 * user may write); stats_counters shows them as program STATS_CHILD_PROGRAM. */
dp_err stats_child_restarts_add(redisContext *c, long n);

/* The webhook outcome label of a delivery status after an attempt ("pending" -> "retrying";
 * delivered, failed, exhausted as they are; anything else "failed"). Static string. */
const char *stats_webhook_outcome(const char *delivery_status);

#endif
