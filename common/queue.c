/* queue.c -- worker side of the job stream: read, reclaim, start, progress, finish, requeue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "queue.h"
#include "rds.h"
#include "stats.h"
#include "store.h"

/* Throughput buckets (stats.h) spelled into the finish script. */
#define STR_(x)     #x
#define STR(x)      STR_(x)
#define DONE_BUCKET STR(STATS_DONE_BUCKET_S)
#define DONE_TTL    STR(STATS_DONE_TTL_S)

dp_err queue_ensure_group(redisContext *c)
{
    /* "0": a group created after uploads began must still see them. */
    redisReply *r = redisCommand(c, "XGROUP CREATE %s %s 0 MKSTREAM", STORE_JOBS, STORE_GROUP);
    dp_err rc = DP_EREDIS;
    if (r && (r->type == REDIS_REPLY_STATUS ||
              (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9) == 0)))
        rc = DP_OK;
    freeReplyObject(r);
    return rc;
}

/* Fills job from a stream entry reply [id, [k, v, ...]]. */
static int parse_entry(const redisReply *e, struct queue_job *job)
{
    if (!e || e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
        e->element[0]->type != REDIS_REPLY_STRING)
        return 0;
    const redisReply *doc = rds_field(e->element[1], "doc");
    const redisReply *tenant = rds_field(e->element[1], "tenant");
    snprintf(job->entry, sizeof job->entry, "%s", e->element[0]->str);
    snprintf(job->doc, sizeof job->doc, "%s", doc && doc->str ? doc->str : "");
    snprintf(job->tenant, sizeof job->tenant, "%s", tenant && tenant->str ? tenant->str : "");
    return 1;
}

dp_err queue_read(redisContext *c, const char *consumer, int pending, int block_ms,
                  struct queue_job *job, int *got)
{
    char block[16];
    snprintf(block, sizeof block, "%d", block_ms);
    const char *argv[] = {
        "XREADGROUP", "GROUP",   STORE_GROUP, consumer,           "COUNT", "1", "BLOCK",
        block,        "STREAMS", STORE_JOBS,  pending ? "0" : ">"};
    const char *pargv[] = {"XREADGROUP", "GROUP",   STORE_GROUP, consumer, "COUNT",
                           "1",          "STREAMS", STORE_JOBS,  "0"};
    redisReply *r = pending ? rds_cmdv(c, 9, pargv, NULL) : rds_cmdv(c, 11, argv, NULL);
    *got = 0;
    if (!r)
        return DP_EREDIS;
    if (r->type == REDIS_REPLY_ERROR) {
        int nogroup = strncmp(r->str, "NOGROUP", 7) == 0;
        freeReplyObject(r);
        return nogroup ? queue_ensure_group(c) : DP_EREDIS;
    }
    /* [[stream, [[id, fields], ...]]] */
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
        const redisReply *entries = r->element[0]->element[1];
        for (size_t i = 0; i < entries->elements && !*got; i++)
            *got = parse_entry(entries->element[i], job);
    }
    freeReplyObject(r);
    return DP_OK;
}

dp_err queue_autoclaim(redisContext *c, const char *consumer, long long min_idle_ms,
                       struct queue_job *job, int *got)
{
    *got = 0;
    redisReply *r = redisCommand(c, "XAUTOCLAIM %s %s %s %lld 0-0 COUNT 1", STORE_JOBS, STORE_GROUP,
                                 consumer, min_idle_ms);
    if (!r)
        return DP_EREDIS;
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2) {
        const redisReply *entries = r->element[1];
        for (size_t i = 0; i < entries->elements && !*got; i++)
            *got = parse_entry(entries->element[i], job);
    }
    dp_err rc = r->type == REDIS_REPLY_ERROR ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

/* KEYS: jobs, doc  ARGV: group, consumer, entry, pages_done, pages_total
 * XCLAIM with min-idle 0 by the owner only resets the idle clock. */
static struct rds_script progress_lua = {
    .src = "local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)\n"
           "if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end\n"
           "redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')\n"
           "redis.call('HSET', KEYS[2], 'pages_done', ARGV[4], 'pages_total', ARGV[5])\n"
           "return 1\n"};

dp_err queue_progress(redisContext *c, const char *consumer, const struct queue_job *job,
                      int pages_done, int pages_total)
{
    char kdoc[80], done[16], total[16];
    snprintf(kdoc, sizeof kdoc, "dp:doc:%s", job->doc);
    snprintf(done, sizeof done, "%d", pages_done);
    snprintf(total, sizeof total, "%d", pages_total);
    const char *argv[] = {STORE_JOBS, kdoc, STORE_GROUP, consumer, job->entry, done, total};
    return rds_eval_found(c, &progress_lua, 2, 5, argv);
}

/* KEYS: doc, jobs, dead, events
 * ARGV: group, entry, consumer, max_attempts, now_ms, event_id, now_s
 * Returns {outcome, attempt}. */
static struct rds_script start_lua = {
    .src =
        "local function ack() redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])\n"
        "  redis.call('XDEL', KEYS[2], ARGV[2]) end\n"
        "local st = redis.call('HMGET', KEYS[1], 'status', 'attempts', 'tenant', 'history',\n"
        "  'last_error', 'callback_url')\n"
        "if not st[1] then ack() return {1, 0} end\n"
        "if st[1] == 'done' or st[1] == 'failed' then ack() return {1, 0} end\n"
        "local a = tonumber(st[2] or '0')\n"
        "local hist = st[4] and cjson.decode(st[4]) or {}\n"
        "if a >= tonumber(ARGV[4]) then\n"
        "  local code = st[5] or 'worker_crashed'\n"
        "  local msg = 'gave up after ' .. a .. ' attempts'\n"
        "  if code == 'worker_crashed' then\n"
        "    msg = 'the worker stopped during each of ' .. a .. ' attempts (crash or kill)'\n"
        "  end\n"
        "  redis.call('HSET', KEYS[1], 'status', 'failed', 'error_code', code,\n"
        "    'error_message', msg, 'finished_at', ARGV[5])\n"
        "  redis.call('XADD', KEYS[3], '*', 'doc', string.sub(KEYS[1], 8), 'tenant', st[3],\n"
        "    'reason', code, 'attempts', a)\n"
        "  ack()\n"
        "  local data = cjson.encode({id = string.sub(KEYS[1], 8), status = 'failed',\n"
        "    error = {code = code, message = msg}, attempts = a})\n"
        "  redis.call('XADD', KEYS[4], '*', 'id', ARGV[6], 'type', 'document.failed',\n"
        "    'tenant', st[3], 'doc', string.sub(KEYS[1], 8), 'callback_url', st[6] or '',\n"
        "    'created', ARGV[7], 'data', data)\n"
        "  redis.call('HINCRBY', 'dp:stats', 'failed', 1)\n"
        "  redis.call('HINCRBY', 'dp:stats', 'dead_lettered', 1)\n"
        "  return {2, a}\n"
        "end\n"
        "a = a + 1\n"
        "if #hist > 0 and not hist[#hist].outcome then hist[#hist].outcome = 'worker_crashed' end\n"
        "hist[#hist + 1] = {attempt = a, worker = ARGV[3], started_at = tonumber(ARGV[5])}\n"
        "redis.call('HSET', KEYS[1], 'status', 'processing', 'attempts', a, 'started_at',\n"
        "  ARGV[5], 'worker', ARGV[3], 'history', cjson.encode(hist))\n"
        "return {0, a}\n"};

dp_err queue_start(redisContext *c, const char *consumer, const struct queue_job *job,
                   int max_attempts, enum queue_start_outcome *outcome, int *attempt,
                   redisReply **record)
{
    char kdoc[80], maxa[16], now[24], nows[24], evid[UTIL_ID_MAX];
    int64_t ms = util_now_ms();
    snprintf(kdoc, sizeof kdoc, "dp:doc:%s", job->doc);
    snprintf(maxa, sizeof maxa, "%d", max_attempts);
    snprintf(now, sizeof now, "%lld", (long long)ms);
    snprintf(nows, sizeof nows, "%lld", (long long)(ms / 1000));
    util_new_id("evt_", evid);
    const char *argv[] = {kdoc,     STORE_JOBS, STORE_DEAD, STORE_EVENTS, STORE_GROUP, job->entry,
                          consumer, maxa,       now,        evid,         nows};
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, &start_lua, 4, 7, argv, NULL, &r, NULL, 0);
    if (rc)
        return rc;
    *outcome = (enum queue_start_outcome)rds_int(r, 0, QUEUE_SKIP);
    *attempt = (int)rds_int(r, 1, 0);
    freeReplyObject(r);
    *record = NULL;
    if (*outcome == QUEUE_RUN) {
        *record = redisCommand(c, "HGETALL %s", kdoc);
        if (!*record || (*record)->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(*record);
            *record = NULL;
            return DP_EREDIS;
        }
    }
    return DP_OK;
}

/* KEYS: doc, jobs, events
 * ARGV: group, entry, status, now_ms, event_id, now_s, event_data, then field/value pairs */
static struct rds_script finish_lua = {
    .src =
        "local function ack() redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])\n"
        "  redis.call('XDEL', KEYS[2], ARGV[2]) end\n"
        "local st = redis.call('HMGET', KEYS[1], 'status', 'tenant', 'callback_url', 'history')\n"
        "if not st[1] or st[1] == 'done' or st[1] == 'failed' then ack() return 0 end\n"
        "local hist = st[4] and cjson.decode(st[4]) or {}\n"
        "if #hist > 0 then hist[#hist].outcome = ARGV[3]\n"
        "  hist[#hist].finished_at = tonumber(ARGV[4]) end\n"
        "redis.call('HSET', KEYS[1], 'status', ARGV[3], 'finished_at', ARGV[4],\n"
        "  'history', cjson.encode(hist))\n"
        "if #ARGV > 7 then redis.call('HSET', KEYS[1], unpack(ARGV, 8)) end\n"
        "ack()\n"
        "local typ = ARGV[3] == 'done' and 'document.completed' or 'document.failed'\n"
        "redis.call('XADD', KEYS[3], '*', 'id', ARGV[5], 'type', typ, 'tenant', st[2],\n"
        "  'doc', string.sub(KEYS[1], 8), 'callback_url', st[3] or '', 'created', ARGV[6],\n"
        "  'data', ARGV[7])\n"
        "redis.call('HINCRBY', 'dp:stats', ARGV[3], 1)\n"
        "if ARGV[3] == 'done' then\n"
        "  local k = '" STATS_DONE_PREFIX "' .. math.floor(tonumber(ARGV[6]) / " DONE_BUCKET ")\n"
        "  redis.call('INCR', k) redis.call('EXPIRE', k, " DONE_TTL ") end\n"
        "return 1\n"};

dp_err queue_finish(redisContext *c, const struct queue_job *job, const struct queue_result *res)
{
    char kdoc[80], now[24], nows[24], evid[UTIL_ID_MAX], pages[16];
    int64_t ms = util_now_ms();
    snprintf(kdoc, sizeof kdoc, "dp:doc:%s", job->doc);
    snprintf(now, sizeof now, "%lld", (long long)ms);
    snprintf(nows, sizeof nows, "%lld", (long long)(ms / 1000));
    snprintf(pages, sizeof pages, "%d", res->pages);
    util_new_id("evt_", evid);
    const char *argv[32];
    int n = 0;
    argv[n++] = kdoc;
    argv[n++] = STORE_JOBS;
    argv[n++] = STORE_EVENTS;
    argv[n++] = STORE_GROUP;
    argv[n++] = job->entry;
    argv[n++] = res->status;
    argv[n++] = now;
    argv[n++] = evid;
    argv[n++] = nows;
    argv[n++] = res->event_data ? res->event_data : "{}";
#define FIELD(k, v)                                                                                \
    if (v) {                                                                                       \
        argv[n++] = k;                                                                             \
        argv[n++] = v;                                                                             \
    }
    FIELD("result", res->result_json);
    FIELD("text", res->text);
    FIELD("hocr", res->hocr);
    FIELD("class", res->klass);
    FIELD("error_code", res->error_code);
    FIELD("error_message", res->error_message);
    FIELD("needs_review", res->needs_review);
    if (res->pages > 0) {
        argv[n++] = "pages_total";
        argv[n++] = pages;
        argv[n++] = "pages_done";
        argv[n++] = pages;
    }
#undef FIELD
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, &finish_lua, 3, n - 3, argv, NULL, &r, NULL, 0);
    freeReplyObject(r);
    return rc;
}

/* KEYS: jobs, doc  ARGV: group, consumer, entry, doc, tenant */
static struct rds_script handback_lua = {
    .src = "local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)\n"
           "if #p == 0 or p[1][2] ~= ARGV[2] then return 0 end\n"
           "redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])\n"
           "redis.call('XDEL', KEYS[1], ARGV[3])\n"
           "if redis.call('EXISTS', KEYS[2]) == 0 then return 1 end\n"
           "redis.call('XADD', KEYS[1], '*', 'doc', ARGV[4], 'tenant', ARGV[5])\n"
           "local st = redis.call('HMGET', KEYS[2], 'attempts', 'history')\n"
           "local hist = st[2] and cjson.decode(st[2]) or {}\n"
           "if #hist > 0 then hist[#hist].outcome = 'handed_back' end\n"
           "local a = tonumber(st[1] or '1') - 1\n"
           "if a < 0 then a = 0 end\n"
           "redis.call('HSET', KEYS[2], 'status', 'queued', 'attempts', a,\n"
           "  'history', cjson.encode(hist))\n"
           "redis.call('HDEL', KEYS[2], 'pages_done')\n"
           "return 1\n"};

dp_err queue_handback(redisContext *c, const char *consumer, const struct queue_job *job)
{
    char kdoc[80];
    snprintf(kdoc, sizeof kdoc, "dp:doc:%s", job->doc);
    const char *argv[] = {STORE_JOBS, kdoc,     STORE_GROUP, consumer,
                          job->entry, job->doc, job->tenant};
    return rds_eval_found(c, &handback_lua, 2, 5, argv);
}

dp_err queue_requeue_dead(redisContext *c, const char *doc_or_null, int *moved)
{
    *moved = 0;
    redisReply *r = redisCommand(c, "XRANGE %s - + COUNT 10000", STORE_DEAD);
    if (!r || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    dp_err rc = DP_OK;
    for (size_t i = 0; i < r->elements && !rc; i++) {
        struct queue_job job;
        if (!parse_entry(r->element[i], &job))
            continue;
        if (doc_or_null && strcmp(doc_or_null, job.doc) != 0)
            continue;
        redisReply *a = redisCommand(c, "EXISTS dp:blob:%s", job.doc);
        int exists = a && a->type == REDIS_REPLY_INTEGER && a->integer == 1;
        freeReplyObject(a);
        if (exists) {
            rc = store_reprocess(c, job.tenant, job.doc, NULL, NULL);
            if (rc == DP_ENOTFOUND)
                rc = DP_OK;
            else if (!rc)
                (*moved)++;
        }
        if (rc)
            break;
        redisReply *d = redisCommand(c, "XDEL %s %s", STORE_DEAD, job.entry);
        freeReplyObject(d);
    }
    freeReplyObject(r);
    return rc;
}
