/* stats.c -- queue figures from XLEN, XPENDING, XINFO CONSUMERS and the KEYS_STATS counters; the
 * page-time histogram and webhook attempt counters behind /metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rds.h"
#include "keys.h"
#include "stats.h"
#include "util.h"

static long long int_reply(redisContext *c, const char *cmd, const char *key)
{
    redisReply *r = rds_command(c, "%s %s", cmd, key);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return v;
}

dp_err stats_queue(redisContext *c, cJSON **out)
{
    long long len = int_reply(c, "XLEN", KEYS_JOBS);
    long long dead = int_reply(c, "XLEN", KEYS_DEAD);
    if (len < 0 || dead < 0)
        return DP_EREDIS;
    cJSON *o = cJSON_CreateObject();
    long long pending = 0;
    double oldest = 0;
    redisReply *r = rds_command(c, "XPENDING %s %s", KEYS_JOBS, KEYS_JOBS_GROUP);
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
    r = rds_command(c, "XINFO CONSUMERS %s %s", KEYS_JOBS, KEYS_JOBS_GROUP);
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
    r = rds_command(c, "HMGET %s accepted done failed dead_lettered", KEYS_STATS);
    for (size_t i = 0; i < 4; i++)
        cJSON_AddNumberToObject(totals, names[i], (double)rds_int(r, i, 0));
    freeReplyObject(r);
    *out = o;
    return DP_OK;
}

/* ---- counters for /metrics ---- */

static const double page_bounds[STATS_PAGE_BUCKETS] = STATS_PAGE_BOUNDS;

/* Field name of bucket i ("+Inf" for i == STATS_PAGE_BUCKETS) into buf. */
static void bucket_name(size_t i, char *buf, size_t sz)
{
    if (i >= STATS_PAGE_BUCKETS)
        snprintf(buf, sz, "+Inf");
    else
        snprintf(buf, sz, "%g", page_bounds[i]);
}

dp_err stats_page_record(redisContext *c, double seconds)
{
    size_t i = 0;
    while (i < STATS_PAGE_BUCKETS && seconds > page_bounds[i])
        i++;
    char field[16];
    bucket_name(i, field, sizeof field);
    long long ms = seconds > 0 ? (long long)(seconds * 1000.0 + 0.5) : 0;
    struct rds_cmd cmds[3];
    for (int k = 0; k < 3; k++) {
        rds_cmd_init(&cmds[k]);
        rds_cmd_str(&cmds[k], "HINCRBY");
        rds_cmd_str(&cmds[k], KEYS_METRICS_PAGE);
    }
    rds_cmd_str(&cmds[0], field);
    rds_cmd_ll(&cmds[0], 1);
    rds_cmd_str(&cmds[1], "sum_ms");
    rds_cmd_ll(&cmds[1], ms);
    rds_cmd_str(&cmds[2], "count");
    rds_cmd_ll(&cmds[2], 1);
    return rds_multi(c, cmds, 3);
}

const char *stats_webhook_outcome(const char *s)
{
    if (!s || strcmp(s, "pending") == 0)
        return "retrying";
    if (strcmp(s, "delivered") == 0)
        return "delivered";
    if (strcmp(s, "exhausted") == 0)
        return "exhausted";
    return "failed";
}

dp_err stats_counters(redisContext *c, cJSON **out)
{
    *out = NULL;
    redisReply *p = rds_command(c, "HGETALL %s", KEYS_METRICS_PAGE);
    redisReply *w = p ? rds_command(c, "HGETALL %s", KEYS_METRICS_WEBHOOK) : NULL;
    redisReply *rs = w ? rds_command(c, "HGETALL %s", KEYS_RESTARTS) : NULL;
    redisReply *kid = rs ? rds_command(c, "GET %s", KEYS_RESTARTS_CHILD) : NULL;
    dp_err rc = DP_EREDIS;
    if (rds_failed(p) || rds_failed(w) || rds_failed(rs) || rds_failed(kid) ||
        p->type != REDIS_REPLY_ARRAY || w->type != REDIS_REPLY_ARRAY ||
        rs->type != REDIS_REPLY_ARRAY)
        goto out;
    rc = DP_ENOMEM;
    cJSON *o = cJSON_CreateObject();
    cJSON *ps = cJSON_AddObjectToObject(o, "page_seconds");
    cJSON *bounds = cJSON_AddArrayToObject(ps, "bounds");
    cJSON *counts = cJSON_AddArrayToObject(ps, "counts");
    cJSON *wh = cJSON_AddObjectToObject(o, "webhook_attempts");
    cJSON *re = cJSON_AddObjectToObject(o, "restarts");
    if (!o || !ps || !bounds || !counts || !wh || !re) {
        cJSON_Delete(o);
        goto out;
    }
    for (size_t i = 0; i <= STATS_PAGE_BUCKETS; i++) {
        char field[16];
        bucket_name(i, field, sizeof field);
        const redisReply *v = rds_field(p, field);
        if (i < STATS_PAGE_BUCKETS)
            cJSON_AddItemToArray(bounds, cJSON_CreateNumber(page_bounds[i]));
        cJSON_AddItemToArray(counts, cJSON_CreateNumber(v && v->str ? strtod(v->str, NULL) : 0.0));
    }
    const redisReply *sum = rds_field(p, "sum_ms"), *cnt = rds_field(p, "count");
    cJSON_AddNumberToObject(ps, "sum", sum && sum->str ? strtod(sum->str, NULL) / 1000.0 : 0.0);
    cJSON_AddNumberToObject(ps, "count", cnt && cnt->str ? strtod(cnt->str, NULL) : 0.0);
    static const char *const outcomes[] = {"delivered", "retrying", "failed", "exhausted"};
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
        const redisReply *v = rds_field(w, outcomes[i]);
        cJSON_AddNumberToObject(wh, outcomes[i], v && v->str ? strtod(v->str, NULL) : 0.0);
    }
    /* HGETALL: name, value, name, value...; a name nobody should have written is left out */
    for (size_t i = 0, n = 0; i + 1 < rs->elements && n < STATS_PROGRAMS_MAX; i += 2) {
        const redisReply *k = rs->element[i], *v = rs->element[i + 1];
        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING ||
            !stats_program_valid(k->str, k->len))
            continue;
        cJSON_AddNumberToObject(re, k->str, strtod(v->str, NULL));
        n++;
    }
    /* the worker supervisors' count of their children, unless the hash already had the name */
    if (kid->type == REDIS_REPLY_STRING && !cJSON_GetObjectItem(re, STATS_CHILD_PROGRAM))
        cJSON_AddNumberToObject(re, STATS_CHILD_PROGRAM, strtod(kid->str, NULL));
    *out = o;
    rc = DP_OK;
out:
    freeReplyObject(p);
    freeReplyObject(w);
    freeReplyObject(rs);
    freeReplyObject(kid);
    return rc;
}

/* ---- process restarts ---- */

int stats_program_valid(const char *name, size_t len)
{
    if (!name || len == 0 || len > STATS_PROGRAM_MAX || name[0] < 'a' || name[0] > 'z')
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
              ch == '.'))
            return 0;
    }
    return 1;
}

dp_err stats_restart_count(redisContext *c, const char *program)
{
    if (!program || !stats_program_valid(program, strlen(program)))
        return DP_EINVAL;
    redisReply *r = rds_command(c, "HINCRBY %s %s 1", KEYS_RESTARTS, program);
    dp_err rc = rds_failed(r) || r->type != REDIS_REPLY_INTEGER ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

dp_err stats_child_restarts_add(redisContext *c, long n)
{
    redisReply *r = rds_command(c, "INCRBY %s %ld", KEYS_RESTARTS_CHILD, n);
    dp_err rc = rds_failed(r) || r->type != REDIS_REPLY_INTEGER ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}
