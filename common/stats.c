/* stats.c -- queue figures from XLEN, XPENDING, XINFO CONSUMERS and the dp:stats counters. */
#include <stdlib.h>
#include <string.h>
#include "rds.h"
#include "stats.h"
#include "store.h"
#include "util.h"

static long long int_reply(redisContext *c, const char *cmd, const char *key)
{
    redisReply *r = redisCommand(c, "%s %s", cmd, key);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return v;
}

dp_err stats_queue(redisContext *c, cJSON **out)
{
    long long len = int_reply(c, "XLEN", STORE_JOBS);
    long long dead = int_reply(c, "XLEN", STORE_DEAD);
    if (len < 0 || dead < 0)
        return DP_EREDIS;
    cJSON *o = cJSON_CreateObject();
    long long pending = 0;
    double oldest = 0;
    redisReply *r = redisCommand(c, "XPENDING %s %s", STORE_JOBS, STORE_GROUP);
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2) {
        pending = r->element[0]->integer;
        const char *min = rds_str(r, 1);
        if (min)
            oldest = (double)(util_now_ms() - strtoll(min, NULL, 10)) / 1000.0;
    }
    freeReplyObject(r);
    cJSON_AddNumberToObject(o, "stream_length", (double)len);
    cJSON_AddNumberToObject(o, "queued", (double)(len - pending));
    cJSON_AddNumberToObject(o, "pending", (double)pending);
    cJSON_AddNumberToObject(o, "oldest_pending_age_s", oldest);
    cJSON_AddNumberToObject(o, "dead", (double)dead);
    cJSON *cons = cJSON_AddArrayToObject(o, "consumers");
    r = redisCommand(c, "XINFO CONSUMERS %s %s", STORE_JOBS, STORE_GROUP);
    if (r && r->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < r->elements; i++) {
            const redisReply *e = r->element[i];
            const redisReply *name = rds_field(e, "name"), *pend = rds_field(e, "pending"),
                             *idle = rds_field(e, "idle");
            cJSON *jc = cJSON_CreateObject();
            cJSON_AddStringToObject(jc, "name", name && name->str ? name->str : "");
            cJSON_AddNumberToObject(jc, "pending", pend ? (double)pend->integer : 0);
            cJSON_AddNumberToObject(jc, "idle_ms", idle ? (double)idle->integer : 0);
            cJSON_AddItemToArray(cons, jc);
        }
    }
    freeReplyObject(r);
    cJSON *totals = cJSON_AddObjectToObject(o, "totals");
    static const char *const names[] = {"accepted", "done", "failed", "dead_lettered"};
    r = redisCommand(c, "HMGET dp:stats accepted done failed dead_lettered");
    for (size_t i = 0; i < 4; i++)
        cJSON_AddNumberToObject(totals, names[i], (double)rds_int(r, i, 0));
    freeReplyObject(r);
    *out = o;
    return DP_OK;
}
