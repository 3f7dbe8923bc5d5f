/* queue.c -- worker side of the job stream: read, reclaim, start, progress, finish, requeue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keys.h"
#include "queue.h"
#include "rds.h"
#include "scripts.h"
#include "seal.h"
#include "stats.h"
#include "store.h"

dp_err queue_ensure_group(redisContext *c)
{
    /* "0": a group created after uploads began must still see them. */
    redisReply *r = rds_command(c, "XGROUP CREATE %s %s 0 MKSTREAM", KEYS_JOBS, KEYS_JOBS_GROUP);
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
        "XREADGROUP", "GROUP",   KEYS_JOBS_GROUP, consumer,           "COUNT", "1", "BLOCK",
        block,        "STREAMS", KEYS_JOBS,       pending ? "0" : ">"};
    const char *pargv[] = {"XREADGROUP", "GROUP",   KEYS_JOBS_GROUP, consumer, "COUNT",
                           "1",          "STREAMS", KEYS_JOBS,       "0"};
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
    redisReply *r = rds_command(c, "XAUTOCLAIM %s %s %s %lld 0-0 COUNT 1", KEYS_JOBS,
                                KEYS_JOBS_GROUP, consumer, min_idle_ms);
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

dp_err queue_progress(redisContext *c, const char *consumer, const struct queue_job *job,
                      int pages_done, int pages_total)
{
    char kdoc[KEYS_MAX], done[16], total[16];
    if (keys_doc(kdoc, job->doc))
        return DP_ENOTFOUND;
    snprintf(done, sizeof done, "%d", pages_done);
    snprintf(total, sizeof total, "%d", pages_total);
    const char *argv[] = {KEYS_JOBS, kdoc, KEYS_JOBS_GROUP, consumer, job->entry, done, total};
    return rds_eval_found(c, &scripts_queue_progress, 2, 5, argv);
}

dp_err queue_start(redisContext *c, const char *consumer, const struct queue_job *job,
                   int max_attempts, enum queue_start_outcome *outcome, int *attempt,
                   redisReply **record)
{
    char kdoc[KEYS_MAX], maxa[16], now[24], nows[24], evid[UTIL_ID_MAX], kq[KEYS_MAX];
    char kdevt[KEYS_MAX];
    int64_t ms = util_now_ms();
    if (keys_doc(kdoc, job->doc) || keys_quota(kq, job->tenant, KEYS_QUOTA_QUEUED) ||
        keys_doc_events(kdevt, job->doc))
        return DP_EINVAL;
    snprintf(maxa, sizeof maxa, "%d", max_attempts);
    snprintf(now, sizeof now, "%lld", (long long)ms);
    snprintf(nows, sizeof nows, "%lld", (long long)(ms / 1000));
    util_new_id("evt_", evid);
    const char *argv[] = {
        kdoc,       KEYS_JOBS, KEYS_DEAD, KEYS_EVENTS, KEYS_STATS, kq,   kdevt,   KEYS_JOBS_GROUP,
        job->entry, consumer,  maxa,      now,         evid,       nows, job->doc};
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, &scripts_queue_start, 7, 8, argv, NULL, &r, NULL, 0);
    if (rc)
        return rc;
    *outcome = (enum queue_start_outcome)rds_int(r, 0, QUEUE_SKIP);
    *attempt = (int)rds_int(r, 1, 0);
    freeReplyObject(r);
    *record = NULL;
    if (*outcome == QUEUE_RUN) {
        *record = rds_command(c, "HGETALL %s", kdoc);
        if (!*record || (*record)->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(*record);
            *record = NULL;
            return DP_EREDIS;
        }
    }
    return DP_OK;
}

/* Seals value v of the document's field (or the event's data) when encryption is on, into
 * sealed[i]; args[i]/lens[i] then point at the sealed copy. */
static dp_err seal_arg(const char *owner, const char *field, const char **arg, size_t *len,
                       char **sealed)
{
    char aad[SEAL_AAD_MAX];
    snprintf(aad, sizeof aad, "%s/%s", owner, field);
    return seal_maybe(aad, arg, len, sealed);
}

dp_err queue_finish(redisContext *c, const struct queue_job *job, const struct queue_result *res)
{
    char kdoc[KEYS_MAX], kbucket[KEYS_MAX], now[24], nows[24], evid[UTIL_ID_MAX], pages[16];
    char ttl[16], *sealed[4] = {NULL, NULL, NULL, NULL}, kdevt[KEYS_MAX], kq[KEYS_MAX];
    int64_t ms = util_now_ms();
    if (keys_doc(kdoc, job->doc) || keys_done_bucket(kbucket, ms / 1000 / STATS_DONE_BUCKET_S) ||
        keys_doc_events(kdevt, job->doc) || keys_quota(kq, job->tenant, KEYS_QUOTA_QUEUED))
        return DP_EINVAL;
    snprintf(ttl, sizeof ttl, "%d", STATS_DONE_TTL_S);
    snprintf(now, sizeof now, "%lld", (long long)ms);
    snprintf(nows, sizeof nows, "%lld", (long long)(ms / 1000));
    snprintf(pages, sizeof pages, "%d", res->pages);
    util_new_id("evt_", evid);
    const char *argv[40];
    size_t lens[40];
    int n = 0;
    dp_err rc = DP_OK;
#define ARG(v) (argv[n] = (v), lens[n] = strlen(argv[n]), n++)
    ARG(kdoc);
    ARG(KEYS_JOBS);
    ARG(KEYS_EVENTS);
    ARG(KEYS_STATS);
    ARG(kbucket);
    ARG(kdevt);
    ARG(kq);
    ARG(KEYS_JOBS_GROUP);
    ARG(job->entry);
    ARG(res->status);
    ARG(now);
    ARG(evid);
    ARG(nows);
    ARG(res->event_data ? res->event_data : "{}");
    if (!rc)
        rc = seal_arg(evid, "data", &argv[n - 1], &lens[n - 1], &sealed[0]);
    ARG(ttl);
    ARG(job->doc);
    /* The document's content is sealed (encryption at rest); its status fields are not. */
    static const char *const content[] = {"result", "text", "hocr"};
    const char *values[] = {res->result_json, res->text, res->hocr};
    for (int i = 0; i < 3 && !rc; i++) {
        if (!values[i])
            continue;
        ARG(content[i]);
        ARG(values[i]);
        rc = seal_arg(job->doc, content[i], &argv[n - 1], &lens[n - 1], &sealed[i + 1]);
    }
#define FIELD(k, v)                                                                                \
    if (v) {                                                                                       \
        ARG(k);                                                                                    \
        ARG(v);                                                                                    \
    }
    FIELD("class", res->klass);
    FIELD("error_code", res->error_code);
    FIELD("error_message", res->error_message);
    FIELD("needs_review", res->needs_review);
    if (res->pages > 0) {
        ARG("pages_total");
        ARG(pages);
        ARG("pages_done");
        ARG(pages);
    }
#undef FIELD
#undef ARG
    redisReply *r = NULL;
    if (!rc)
        rc = rds_eval(c, &scripts_queue_finish, 7, n - 7, argv, lens, &r, NULL, 0);
    freeReplyObject(r);
    for (int i = 0; i < 4; i++)
        free(sealed[i]);
    return rc;
}

dp_err queue_handback(redisContext *c, const char *consumer, const struct queue_job *job)
{
    char kdoc[KEYS_MAX];
    if (keys_doc(kdoc, job->doc))
        return DP_ENOTFOUND;
    const char *argv[] = {KEYS_JOBS,  kdoc,     KEYS_JOBS_GROUP, consumer,
                          job->entry, job->doc, job->tenant};
    return rds_eval_found(c, &scripts_queue_handback, 2, 5, argv);
}

dp_err queue_requeue_dead(redisContext *c, const char *doc_or_null, int *moved)
{
    *moved = 0;
    redisReply *r = rds_command(c, "XRANGE %s - + COUNT 10000", KEYS_DEAD);
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
        char kblob[KEYS_MAX];
        redisReply *a = keys_blob(kblob, job.doc) ? NULL : rds_command(c, "EXISTS %s", kblob);
        int exists = a && a->type == REDIS_REPLY_INTEGER && a->integer == 1;
        freeReplyObject(a);
        if (exists) {
            rc = store_reprocess(c, job.tenant, job.doc, NULL, NULL, NULL, 0, NULL);
            if (rc == DP_ENOTFOUND)
                rc = DP_OK;
            else if (!rc)
                (*moved)++;
        }
        if (rc)
            break;
        redisReply *d = rds_command(c, "XDEL %s %s", KEYS_DEAD, job.entry);
        freeReplyObject(d);
    }
    freeReplyObject(r);
    return rc;
}
