/* api_train.c -- classifier training off the request path. POST /v1/classifier/train checks the
 * body and that there are examples of two classes, records a queued training in the tenant's
 * status hash, pushes the tenant on a Redis list and answers 202; a trainer thread in every API
 * process pops tenants (BLPOP) and trains, so no MHD thread is held and any API process may take
 * the job. GET /v1/classifier shows the status under "training".
 *
 * Keys (common/keys.h): KEYS_TRAIN_QUEUE, and keys_cls(KEYS_CLS_TRAINING) per tenant with fields:
 * state (queued|running|done|failed), requested_at, started_at, finished_at
 * (ms since the epoch), threshold, version (done), error_code and error (failed). Best effort:
 * a trainer that dies mid-training leaves "running"; a new request takes over after
 * TRAIN_STALE_MS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api.h"
#include "audit.h"
#include "clsstore.h"
#include "keys.h"
#include "log.h"
#include "rds.h"

#define TRAIN_POP_S     1                /* BLPOP timeout: how often the thread sees stop */
#define TRAIN_STALE_MS  (15 * 60 * 1000) /* a "running" older than this is taken as lost */
#define TRAIN_QUEUE_MAX 10000            /* tenants waiting; more get 503 */

/* The tenant's training status hash; "" (no such key: commands then fail) when too long. */
static void status_key(const char *tenant, char out[KEYS_MAX])
{
    keys_cls(out, tenant, KEYS_CLS_TRAINING);
}

/* ---- status ---- */

static dp_err status_set(redisContext *c, const char *tenant, const char **fv, int n)
{
    char key[KEYS_MAX];
    const char *argv[16];
    status_key(tenant, key);
    argv[0] = "HSET";
    argv[1] = key;
    for (int i = 0; i < n && i < 14; i++)
        argv[2 + i] = fv[i];
    redisReply *r = rds_cmdv(c, 2 + n, argv, NULL);
    dp_err rc = rds_failed(r) ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

static void num_field(cJSON *o, const char *name, const char *v)
{
    if (v && *v)
        cJSON_AddNumberToObject(o, name, strtod(v, NULL));
}

static void time_field(cJSON *o, const char *name, const char *v)
{
    char iso[32];
    if (!v || !*v)
        return;
    util_iso8601((int64_t)strtoll(v, NULL, 10), iso);
    cJSON_AddStringToObject(o, name, iso);
}

dp_err api_train_status(redisContext *c, const char *tenant, cJSON **out)
{
    char key[KEYS_MAX];
    status_key(tenant, key);
    const char *argv[] = {"HGETALL", key};
    redisReply *r = rds_cmdv(c, 2, argv, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    *out = NULL;
    if (r->elements == 0) {
        freeReplyObject(r);
        return DP_OK;
    }
    const char *state = NULL, *req = NULL, *start = NULL, *fin = NULL, *thr = NULL, *ver = NULL,
               *ecode = NULL, *emsg = NULL;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        const char *k = r->element[i]->str, *v = r->element[i + 1]->str;
        if (!k || !v)
            continue;
        if (!strcmp(k, "state"))
            state = v;
        else if (!strcmp(k, "requested_at"))
            req = v;
        else if (!strcmp(k, "started_at"))
            start = v;
        else if (!strcmp(k, "finished_at"))
            fin = v;
        else if (!strcmp(k, "threshold"))
            thr = v;
        else if (!strcmp(k, "version"))
            ver = v;
        else if (!strcmp(k, "error_code"))
            ecode = v;
        else if (!strcmp(k, "error"))
            emsg = v;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "object", "classifier_training");
    cJSON_AddStringToObject(o, "state", state ? state : "unknown");
    time_field(o, "requested_at", req);
    time_field(o, "started_at", start);
    time_field(o, "finished_at", fin);
    if (thr && !strcmp(thr, "auto"))
        cJSON_AddStringToObject(o, "threshold", "auto");
    else
        num_field(o, "threshold", thr);
    if (state && !strcmp(state, "done"))
        num_field(o, "version", ver);
    if (state && !strcmp(state, "failed")) {
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", ecode ? ecode : "internal");
        cJSON_AddStringToObject(e, "message", emsg ? emsg : "training failed");
    }
    freeReplyObject(r);
    *out = o;
    return DP_OK;
}

/* ---- the request ---- */

/* Classes with at least one example, from clsstore_info's "labelled"; the first in *first. */
static int labelled_classes(const cJSON *info, const cJSON **first)
{
    int n = 0;
    const cJSON *it;
    *first = NULL;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(info, "labelled"))
    {
        if (cJSON_IsNumber(it) && it->valuedouble > 0 && n++ == 0)
            *first = it;
    }
    return n;
}

/* Whether a training of the tenant is queued, or running and not stale. */
static int in_progress(redisContext *c, const char *tenant, dp_err *rc)
{
    char key[KEYS_MAX];
    status_key(tenant, key);
    const char *argv[] = {"HMGET", key, "state", "started_at"};
    redisReply *r = rds_cmdv(c, 4, argv, NULL);
    *rc = DP_OK;
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        freeReplyObject(r);
        *rc = DP_EREDIS;
        return 0;
    }
    const char *st = r->element[0]->str, *started = r->element[1]->str;
    int busy = st && (!strcmp(st, "queued") ||
                      (!strcmp(st, "running") && started &&
                       util_now_ms() - strtoll(started, NULL, 10) < TRAIN_STALE_MS));
    freeReplyObject(r);
    return busy;
}

enum MHD_Result api_classifier_train(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    double threshold = CLSSTORE_THRESHOLD_AUTO;
    char err[200];
    const char *tenant = r->auth.tenant;
    dp_err rc =
        clsstore_parse_train_body((const char *)r->body, r->body_len, &threshold, err, sizeof err);
    if (rc)
        return api_reply_error(r, 400, rc == DP_EPARSE ? "invalid_json" : "invalid_request", "%s",
                               err);
    cJSON *info = NULL;
    rc = clsstore_info(c, tenant, NULL, &info);
    if (rc)
        return api_reply_dp_err(r, rc, "classifier");
    const cJSON *first;
    int n = labelled_classes(info, &first);
    if (n < 2) {
        char have[120];
        if (n == 0)
            snprintf(have, sizeof have, "no examples");
        else
            snprintf(have, sizeof have, "%.0f example%s of '%s' only", first->valuedouble,
                     first->valuedouble == 1 ? "" : "s", first->string);
        cJSON_Delete(info);
        return api_reply_error(r, 422, "not_enough_examples",
                               "training needs labelled examples of at least 2 classes; there "
                               "are %s. Label documents with POST /v1/documents/{id}/label",
                               have);
    }
    cJSON_Delete(info);
    if (!in_progress(c, tenant, &rc) && rc == DP_OK) {
        /* Best effort against a concurrent request: at worst the tenant trains twice. */
        char now[24], thr[32], key[KEYS_MAX];
        snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
        if (threshold == CLSSTORE_THRESHOLD_AUTO)
            snprintf(thr, sizeof thr, "auto");
        else
            snprintf(thr, sizeof thr, "%.6g", threshold);
        status_key(tenant, key);
        const char *del[] = {"DEL", key};
        freeReplyObject(rds_cmdv(c, 2, del, NULL));
        const char *fv[] = {"state",     "queued", "requested_at", now,
                            "threshold", thr,      "requested_by", r->auth.key_id};
        rc = status_set(c, tenant, fv, 8);
        const char *push[] = {"RPUSH", KEYS_TRAIN_QUEUE, tenant};
        redisReply *p = rc ? NULL : rds_cmdv(c, 3, push, NULL);
        if (!rc && (rds_failed(p) || p->type != REDIS_REPLY_INTEGER))
            rc = DP_EREDIS;
        else if (!rc && p->integer > TRAIN_QUEUE_MAX)
            rc = DP_EBUSY; /* left queued: the trainers get to it; the client may retry */
        freeReplyObject(p);
    }
    if (rc)
        return api_reply_dp_err(r, rc, "classifier");
    cJSON *st = NULL;
    rc = api_train_status(c, tenant, &st);
    if (rc || !st)
        return api_reply_dp_err(r, rc ? rc : DP_EREDIS, "classifier");
    return api_reply_json(r, 202, st);
}

/* ---- the trainer thread ---- */

/* Trains one tenant and records the outcome. */
static void train_one(redisContext *c, const char *tenant)
{
    char key[KEYS_MAX], now[24];
    status_key(tenant, key);
    const char *get[] = {"HGET", key, "threshold"};
    redisReply *t = rds_cmdv(c, 3, get, NULL);
    double threshold = CLSSTORE_THRESHOLD_AUTO;
    if (!rds_failed(t) && t->type == REDIS_REPLY_STRING && strcmp(t->str, "auto") != 0)
        threshold = strtod(t->str, NULL);
    freeReplyObject(t);
    if (!(threshold >= 0 && threshold <= 1))
        threshold = CLSSTORE_THRESHOLD_AUTO; /* chosen from the tenant's cross-validation */
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    const char *run[] = {"state", "running", "started_at", now};
    if (status_set(c, tenant, run, 4))
        return;
    struct classify_stats st;
    memset(&st, 0, sizeof st);
    dp_err rc = clsstore_train(c, tenant, threshold, &st);
    const char *code = NULL, *msg = NULL;
    switch (rc) {
    case DP_OK:
        break;
    case DP_EINVAL:
        code = "not_enough_examples";
        msg = "training needs labelled examples of at least 2 classes";
        break;
    case DP_ECONFLICT:
        code = "conflict";
        msg = "a newer model was trained at the same time; it is kept";
        break;
    case DP_ETOOBIG:
        code = "too_large";
        msg = "the examples exceed the classifier's caps";
        break;
    default:
        code = "internal";
        msg = dp_strerror(rc);
    }
    char ver[24];
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    snprintf(ver, sizeof ver, "%llu", (unsigned long long)st.version);
    const char *done[] = {"state", "done", "finished_at", now, "version", ver};
    const char *failed[] = {"state",      "failed", "finished_at", now,
                            "error_code", code,     "error",       msg};
    status_set(c, tenant, rc ? failed : done, rc ? 8 : 6);
    if (!rc) { /* the audit log names who asked for it */
        const char *by[] = {"HGET", key, "requested_by"};
        redisReply *b = rds_cmdv(c, 3, by, NULL);
        const char *actor = !rds_failed(b) && b->type == REDIS_REPLY_STRING ? b->str : "trainer";
        audit_log(c, tenant, actor, "classifier.trained", tenant, ver);
        freeReplyObject(b);
    }
    log_kv(rc ? LOG_WARN : LOG_INFO, rc ? "training failed" : "trained", "tenant", tenant,
           "version", rc ? "" : ver, "error", rc ? msg : "", NULL);
}

static void *trainer(void *arg)
{
    struct api_server *srv = arg;
    redisContext *c = NULL;
    struct timespec pause = {1, 0};
    while (!atomic_load(&srv->trainer_stop)) {
        if (!c) {
            char err[256];
            c = rds_connect(&srv->cfg, err, sizeof err);
            if (!c) {
                nanosleep(&pause, NULL);
                continue;
            }
            /* BLPOP blocks TRAIN_POP_S: the command timeout must outlast it */
            struct timeval tv = {TRAIN_POP_S + 1 + srv->cfg.redis_timeout_ms / 1000,
                                 (srv->cfg.redis_timeout_ms % 1000) * 1000};
            redisSetTimeout(c, tv);
        }
        char secs[8];
        snprintf(secs, sizeof secs, "%d", TRAIN_POP_S);
        const char *argv[] = {"BLPOP", KEYS_TRAIN_QUEUE, secs};
        redisReply *r = rds_cmdv(c, 3, argv, NULL);
        if (rds_failed(r)) {
            freeReplyObject(r);
            redisFree(c);
            c = NULL;
            nanosleep(&pause, NULL);
            continue;
        }
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 && r->element[1]->str) {
            char tenant[APIKEY_TENANT_MAX];
            snprintf(tenant, sizeof tenant, "%s", r->element[1]->str);
            train_one(c, tenant);
        }
        freeReplyObject(r);
    }
    redisFree(c);
    return NULL;
}

dp_err api_train_start(struct api_server *srv)
{
    atomic_init(&srv->trainer_stop, 0);
    if (pthread_create(&srv->trainer, NULL, trainer, srv))
        return DP_ENOMEM;
    srv->trainer_started = 1;
    return DP_OK;
}

void api_train_stop(struct api_server *srv)
{
    if (!srv->trainer_started)
        return;
    atomic_store(&srv->trainer_stop, 1);
    pthread_join(srv->trainer, NULL); /* within TRAIN_POP_S, or when the training at hand ends */
    srv->trainer_started = 0;
}
