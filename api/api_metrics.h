/* api_metrics.h -- this API process's request counters and latency histograms for /metrics.
 * Lock-free: every counter is a C11 atomic bumped with relaxed order once per request, so
 * counting costs a route lookup (a few string compares) and three atomic adds. */
#ifndef DP_API_METRICS_H
#define DP_API_METRICS_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"
#include "api_routes.h"

#define API_METRICS_ROUTES   (API_ROUTES_N + 1) /* 0 = "other", i = row i - 1 of api_routes */
#define API_METRICS_METHODS  6                  /* GET, HEAD, POST, PUT, DELETE, other */
#define API_METRICS_STATUSES 18 /* the statuses the API answers with, last = any other */
#define API_METRICS_BUCKETS  12 /* request-duration buckets, then +Inf */

/* Counters of one API process; all zero is the initial state (embed it zeroed). */
struct api_metrics {
    atomic_ullong requests[API_METRICS_ROUTES][API_METRICS_METHODS][API_METRICS_STATUSES];
    atomic_ullong dur_bucket[API_METRICS_ROUTES][API_METRICS_BUCKETS + 1]; /* non-cumulative */
    atomic_ullong dur_sum_us[API_METRICS_ROUTES];                          /* microseconds */
    atomic_ullong upload_bytes;   /* document bytes read by POST /v1/documents (up to the cap) */
    atomic_ullong waiting;        /* gauge: wait= uploads suspended now (api_wait.c) */
    atomic_ullong wait_refused;   /* wait= uploads answered at once: the tenant was at its cap */
    atomic_ullong commit_trips;   /* Redis round trips that stored uploads (api_commit.c) */
    atomic_ullong commit_uploads; /* uploads those round trips carried */
};

/* Monotonic clock in microseconds (request start and end). */
int64_t api_metrics_now_us(void);

/* The route label index of a request path (no query string): e.g. "/v1/documents/doc_01..."
 * -> the index of "/v1/documents/{id}"; 0 ("other") when no route has that shape. Pure. */
int api_metrics_route(const char *path);
/* The template of index i ("other" for 0 or out of range). Static string. */
const char *api_metrics_route_name(int i);

/* Counts one finished request: status 0 = no response was sent. upload_bytes for uploads. */
void api_metrics_count(struct api_metrics *m, const char *method, const char *path, unsigned status,
                       int64_t duration_us, size_t upload_bytes);

/* The Prometheus text (format 0.0.4) of this process's counters and, when given, the
 * installation's figures from Redis: queue = stats_queue's object, counters = stats_counters'
 * (either may be NULL: left out; redis_up says whether Redis was read). *buf is malloc'd, NUL-
 * terminated, *len bytes; the caller frees it. DP_ENOMEM, or DP_ETOOBIG past 1 MB. */
dp_err api_metrics_render(struct api_metrics *m, const cJSON *queue, const cJSON *counters,
                          int redis_up, char **buf, size_t *len);

#endif
