/* api_metrics.c -- GET /metrics: this process's request counters and latency histograms
 * (atomics, see api_metrics.h) plus queue, job, page-time and webhook figures from Redis, in
 * Prometheus text format 0.0.4. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api.h"
#include "stats.h"

#define TEXT_MAX (1024 * 1024) /* hard cap of one /metrics answer, bytes */

/* ---- route templates ---- */

/* Label i is "other" for 0, else the template of row i - 1 of the route table: a request counts
 * under the first row of its template (api_route_template), so other rows' slots stay zero and
 * are not printed. */
int api_metrics_route(const char *path)
{
    return api_route_template(path) + 1;
}

const char *api_metrics_route_name(int i)
{
    return i > 0 && i < API_METRICS_ROUTES ? api_routes[i - 1].tmpl : "other";
}

/* ---- counting ---- */

static const char *const methods[API_METRICS_METHODS] = {"GET", "HEAD",   "POST",
                                                         "PUT", "DELETE", "other"};
static const unsigned statuses[API_METRICS_STATUSES - 1] = {
    0, 200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
/* Upper bounds of the request-duration buckets, microseconds (then +Inf). */
static const int64_t bucket_us[API_METRICS_BUCKETS] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 10000000};

int64_t api_metrics_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void api_metrics_count(struct api_metrics *m, const char *method, const char *path, unsigned status,
                       int64_t duration_us, size_t upload_bytes)
{
    int route = api_metrics_route(path);
    size_t mi = 0, si = 0, bi = 0;
    while (mi < API_METRICS_METHODS - 1 && strcmp(method, methods[mi]) != 0)
        mi++;
    while (si < API_METRICS_STATUSES - 1 && statuses[si] != status)
        si++;
    if (duration_us < 0)
        duration_us = 0;
    while (bi < API_METRICS_BUCKETS && duration_us > bucket_us[bi])
        bi++;
    atomic_fetch_add_explicit(&m->requests[route][mi][si], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->dur_bucket[route][bi], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->dur_sum_us[route], (unsigned long long)duration_us,
                              memory_order_relaxed);
    if (upload_bytes)
        atomic_fetch_add_explicit(&m->upload_bytes, upload_bytes, memory_order_relaxed);
}

/* ---- text ---- */

/* A growable text buffer with a hard cap; the first failure sticks. */
struct text {
    char *p;
    size_t len, cap;
    dp_err err;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    for (int tries = 0; tries < 2 && !t->err; tries++) {
        va_start(ap, fmt);
        int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->err = DP_EINVAL;
            return;
        }
        if (t->p && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t want = t->cap ? t->cap : 16384;
        while (want <= t->len + (size_t)n)
            want *= 2;
        if (want > TEXT_MAX) {
            t->err = DP_ETOOBIG;
            return;
        }
        char *np = realloc(t->p, want);
        if (!np) {
            t->err = DP_ENOMEM;
            return;
        }
        t->p = np;
        t->cap = want;
    }
}

static void head(struct text *t, const char *name, const char *type, const char *help)
{
    put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A series of this process: its # HELP and # TYPE lines, then its value now. */
static void count(struct text *t, const char *name, const char *type, const atomic_ullong *v,
                  const char *help)
{
    head(t, name, type, help);
    put(t, "%s %llu\n", name, atomic_load_explicit(v, memory_order_relaxed));
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static void render_process(struct text *t, struct api_metrics *m)
{
    head(t, "docproc_http_requests_total", "counter",
         "HTTP requests answered by this API process, by route template, method and status.");
    for (int r = 0; r < API_METRICS_ROUTES; r++)
        for (int mi = 0; mi < API_METRICS_METHODS; mi++)
            for (int si = 0; si < API_METRICS_STATUSES; si++) {
                unsigned long long v =
                    atomic_load_explicit(&m->requests[r][mi][si], memory_order_relaxed);
                char st[16];
                if (!v)
                    continue;
                if (si < API_METRICS_STATUSES - 1)
                    snprintf(st, sizeof st, "%u", statuses[si]);
                else
                    snprintf(st, sizeof st, "other");
                put(t,
                    "docproc_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
                    api_metrics_route_name(r), methods[mi], st, v);
            }
    head(t, "docproc_http_request_duration_seconds", "histogram",
         "Time from a request's first header to its response, by route template.");
    for (int r = 0; r < API_METRICS_ROUTES; r++) {
        unsigned long long cum = 0;
        unsigned long long b[API_METRICS_BUCKETS + 1];
        for (int i = 0; i <= API_METRICS_BUCKETS; i++) {
            b[i] = atomic_load_explicit(&m->dur_bucket[r][i], memory_order_relaxed);
            cum += b[i];
        }
        if (!cum)
            continue;
        cum = 0;
        for (int i = 0; i <= API_METRICS_BUCKETS; i++) {
            cum += b[i];
            if (i < API_METRICS_BUCKETS)
                put(t,
                    "docproc_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    api_metrics_route_name(r), (double)bucket_us[i] / 1e6, cum);
            else
                put(t,
                    "docproc_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
                    api_metrics_route_name(r), cum);
        }
        unsigned long long sum = atomic_load_explicit(&m->dur_sum_us[r], memory_order_relaxed);
        put(t, "docproc_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
            api_metrics_route_name(r), (double)sum / 1e6);
        put(t, "docproc_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            api_metrics_route_name(r), cum);
    }
    count(t, "docproc_upload_bytes_total", "counter", &m->upload_bytes,
          "Document bytes read by uploads to this API process (up to the size cap).");
    count(t, "docproc_upload_waiting", "gauge", &m->waiting,
          "Uploads with wait= held open by this API process (connections suspended).");
    count(t, "docproc_upload_wait_refused_total", "counter", &m->wait_refused,
          "Uploads with wait= answered 202 at once: the tenant held max_waiters_per_tenant.");
    count(t, "docproc_upload_round_trips_total", "counter", &m->commit_trips,
          "Redis round trips that stored uploads in this API process (several uploads ready at "
          "once share one: api_group_commit).");
    count(t, "docproc_upload_round_trip_uploads_total", "counter", &m->commit_uploads,
          "Uploads those round trips carried.");
}

static void render_queue(struct text *t, const cJSON *q)
{
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(q, "totals");
    head(t, "docproc_queue_depth", "gauge", "Jobs waiting for a worker (not yet handed out).");
    put(t, "docproc_queue_depth %.0f\n", num(q, "queued"));
    head(t, "docproc_queue_pending", "gauge", "Jobs handed to a worker and not yet finished.");
    put(t, "docproc_queue_pending %.0f\n", num(q, "pending"));
    head(t, "docproc_queue_dead", "gauge", "Jobs in the dead-letter stream.");
    put(t, "docproc_queue_dead %.0f\n", num(q, "dead"));
    head(t, "docproc_queue_consumers", "gauge", "Worker processes known to the consumer group.");
    put(t, "docproc_queue_consumers %d\n",
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(q, "consumers")));
    head(t, "docproc_oldest_pending_age_seconds", "gauge",
         "Age of the oldest job handed to a worker and not yet finished.");
    put(t, "docproc_oldest_pending_age_seconds %.3f\n", num(q, "oldest_pending_age_s"));
    head(t, "docproc_jobs_total", "counter",
         "Finished jobs by outcome (failed includes dead_lettered).");
    static const char *const outcomes[] = {"done", "failed", "dead_lettered"};
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        put(t, "docproc_jobs_total{outcome=\"%s\"} %.0f\n", outcomes[i], num(totals, outcomes[i]));
    head(t, "docproc_documents_accepted_total", "counter", "Documents stored and queued (202).");
    put(t, "docproc_documents_accepted_total %.0f\n", num(totals, "accepted"));
}

static void render_counters(struct text *t, const cJSON *c)
{
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(c, "page_seconds");
    const cJSON *bounds = cJSON_GetObjectItemCaseSensitive(ps, "bounds");
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(ps, "counts");
    int nb = cJSON_GetArraySize(bounds);
    head(t, "docproc_page_seconds", "histogram", "Seconds of OCR per page, over all workers.");
    double cum = 0;
    for (int i = 0; i <= nb && i < cJSON_GetArraySize(counts); i++) {
        const cJSON *n = cJSON_GetArrayItem(counts, i);
        cum += cJSON_IsNumber(n) ? n->valuedouble : 0;
        if (i < nb)
            put(t, "docproc_page_seconds_bucket{le=\"%g\"} %.0f\n",
                cJSON_GetArrayItem(bounds, i)->valuedouble, cum);
        else
            put(t, "docproc_page_seconds_bucket{le=\"+Inf\"} %.0f\n", cum);
    }
    put(t, "docproc_page_seconds_sum %.3f\n", num(ps, "sum"));
    put(t, "docproc_page_seconds_count %.0f\n", cum);
    const cJSON *wh = cJSON_GetObjectItemCaseSensitive(c, "webhook_attempts"), *it;
    head(t, "docproc_webhook_attempts_total", "counter",
         "Webhook delivery attempts by outcome (retrying: failed, another attempt scheduled).");
    cJSON_ArrayForEach(it, wh)
    {
        put(t, "docproc_webhook_attempts_total{outcome=\"%s\"} %.0f\n", it->string,
            cJSON_IsNumber(it) ? it->valuedouble : 0.0);
    }
    /* Counted by the supervisor (config/run.sh) in Redis: they outlive the restarted process.
     * Names were checked when read (stats_program_valid: no quote, backslash or newline). */
    head(t, "docproc_process_restarts_total", "counter",
         "Times the supervisor started a program again after it died, by program.");
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "restarts"))
    {
        if (it->string && stats_program_valid(it->string, strlen(it->string)))
            put(t, "docproc_process_restarts_total{program=\"%s\"} %.0f\n", it->string,
                cJSON_IsNumber(it) ? it->valuedouble : 0.0);
    }
}

dp_err api_metrics_render(struct api_metrics *m, const cJSON *queue, const cJSON *counters,
                          int redis_up, char **buf, size_t *len)
{
    struct text t = {NULL, 0, 0, DP_OK};
    render_process(&t, m);
    head(&t, "docproc_redis_up", "gauge", "1 when this scrape could read Redis.");
    put(&t, "docproc_redis_up %d\n", redis_up ? 1 : 0);
    if (queue)
        render_queue(&t, queue);
    if (counters)
        render_counters(&t, counters);
    if (t.err) {
        free(t.p);
        return t.err;
    }
    *buf = t.p;
    *len = t.len;
    return DP_OK;
}

/* ---- the route ---- */

enum MHD_Result api_metrics_reply(struct api_req *r, redisContext *unused, const char *const *param)
{
    (void)unused; /* no key, so no connection given: Redis may be down and /metrics says so */
    (void)param;
    cJSON *queue = NULL, *counters = NULL;
    char *text = NULL;
    size_t len = 0;
    redisContext *c = api_redis(r->srv);
    int up = c && stats_queue(c, &queue) == DP_OK && stats_counters(c, &counters) == DP_OK;
    if (c && !up)
        api_redis_reset(r->srv);
    dp_err rc = api_metrics_render(&r->srv->metrics, up ? queue : NULL, up ? counters : NULL, up,
                                   &text, &len);
    cJSON_Delete(queue);
    cJSON_Delete(counters);
    if (rc)
        return api_reply_dp_err(r, rc, "metrics");
    enum MHD_Result ret =
        api_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
    return ret;
}
