/* api_stats.c -- GET /v1/stats: queue figures (stats_queue), live workers and throughput. */
#include <stdio.h>
#include <string.h>
#include "api.h"
#include "keys.h"
#include "rds.h"
#include "stats.h"
#include "util.h"

#define WORKER_ACTIVE_MS 60000 /* a consumer idle longer than this is not counted as a worker */
#define BUCKETS_1M       (60 / STATS_DONE_BUCKET_S)
#define BUCKETS_5M       (300 / STATS_DONE_BUCKET_S)

/* Consumers that touched the stream within WORKER_ACTIVE_MS. Idle workers block in XREADGROUP
 * for a second at a time and busy ones extend their claim page by page, so both stay counted. */
static int active_workers(const cJSON *q)
{
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(q, "consumers"))
    {
        const cJSON *idle = cJSON_GetObjectItem(c, "idle_ms");
        if (cJSON_IsNumber(idle) && idle->valuedouble < WORKER_ACTIVE_MS)
            n++;
    }
    return n;
}

/* Documents finished "done" in the last 1 and 5 minutes, from the per-bucket counters that the
 * worker's finish script increments. Buckets are STATS_DONE_BUCKET_S wide and the current one
 * is partial, so "last minute" means the last 50..60 s. */
static dp_err throughput(redisContext *c, cJSON *out)
{
    char keys[BUCKETS_5M][KEYS_MAX];
    const char *argv[BUCKETS_5M + 1];
    long long now = (long long)(util_now_ms() / 1000) / STATS_DONE_BUCKET_S;
    argv[0] = "MGET";
    for (int i = 0; i < BUCKETS_5M; i++) {
        keys_done_bucket(keys[i], now - i);
        argv[i + 1] = keys[i];
    }
    redisReply *r = rds_cmdv(c, BUCKETS_5M + 1, argv, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    long long m1 = 0, m5 = 0;
    for (size_t i = 0; i < r->elements && i < BUCKETS_5M; i++) {
        long long v = rds_int(r, i, 0);
        m5 += v;
        if (i < BUCKETS_1M)
            m1 += v;
    }
    freeReplyObject(r);
    cJSON_AddNumberToObject(out, "done_last_minute", (double)m1);
    cJSON_AddNumberToObject(out, "done_last_5_minutes", (double)m5);
    cJSON_AddNumberToObject(out, "done_per_minute_5m", (double)m5 / 5.0);
    cJSON_AddNumberToObject(out, "bucket_s", STATS_DONE_BUCKET_S);
    return DP_OK;
}

enum MHD_Result api_stats_route(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    cJSON *q = NULL;
    dp_err rc = stats_queue(c, &q);
    if (rc)
        return api_reply_dp_err(r, rc, "stats");
    cJSON_AddNumberToObject(q, "workers", active_workers(q));
    cJSON *t = cJSON_AddObjectToObject(q, "throughput");
    rc = throughput(c, t);
    if (rc) {
        cJSON_Delete(q);
        return api_reply_dp_err(r, rc, "stats");
    }
    cJSON_AddNumberToObject(q, "generated_at_ms", (double)util_now_ms());
    return api_reply_json(r, 200, q);
}
