/* api_extractor.c -- extraction a tenant teaches by confirming fields.
 *   PUT  /v1/documents/{id}/fields  documents:write (routed from api_docs.c): confirmed values;
 *                                   the document becomes reviewed and a training example.
 *   GET  /v1/extractor              documents:read: status, fields, examples, CV accuracy.
 *   POST /v1/extractor/train        documents:write: 202, trains on a background thread with
 *                                   its own Redis connection (seconds for hundreds of
 *                                   documents); poll GET /v1/extractor until "ready". */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "api.h"
#include "log.h"
#include "rds.h"
#include "review.h"
#include "store.h"
#include "xstore.h"

enum MHD_Result api_fields_put(struct api_req *r, redisContext *c, const char *const *param)
{
    const char *id = param[0];
    if (util_id_valid("doc_", id))
        snprintf(r->doc_id, sizeof r->doc_id, "%s", id);
    char err[256];
    cJSON *confirmed = NULL;
    dp_err rc = review_parse_body((const char *)r->body, r->body_len, &confirmed, err, sizeof err);
    if (rc)
        return api_reply_error(r, 400, rc == DP_EPARSE ? "invalid_json" : "invalid_request", "%s",
                               err);
    enum review_outcome outcome;
    rc = review_confirm(c, r->auth.tenant, id, r->auth.key_id, confirmed, &outcome);
    cJSON_Delete(confirmed);
    if (rc)
        return api_reply_dp_err(r, rc, "document");
    switch (outcome) {
    case REVIEW_STORED:
        break;
    case REVIEW_NO_DOC:
        return api_reply_dp_err(r, DP_ENOTFOUND, "document");
    case REVIEW_NOT_DONE:
        return api_reply_error(r, 409, "not_ready",
                               "the document has not finished; confirm its fields once it is done");
    case REVIEW_TOO_MANY_NAMES:
        return api_reply_error(r, 422, "too_many_fields",
                               "at most %d distinct field names per tenant", REVIEW_MAX_NAMES);
    case REVIEW_TOO_MANY_EXAMPLES:
        return api_reply_error(r, 422, "too_many_examples",
                               "at most %d confirmed documents per tenant; delete some first",
                               REVIEW_MAX_EXAMPLES);
    }
    cJSON *doc = NULL;
    rc = store_doc_json(c, r->auth.tenant, id, &doc);
    if (rc)
        return api_reply_dp_err(r, rc, "document");
    return api_reply_json(r, 200, doc);
}

/* ---- /v1/extractor ---- */

static enum MHD_Result get_info(struct api_req *r, redisContext *c, unsigned status)
{
    cJSON *o = NULL;
    dp_err rc = xstore_info(c, r->auth.tenant, &o);
    if (rc)
        return api_reply_dp_err(r, rc, "extractor");
    return api_reply_json(r, status, o);
}

/* What a background training needs; owned by its thread. */
struct train_job {
    struct dp_config cfg; /* copy: the thread may outlive nothing else it borrows */
    char tenant[APIKEY_TENANT_MAX];
    char key_id[24]; /* who asked (the audit log) */
};

static void *train_thread(void *arg)
{
    struct train_job *job = arg;
    char err[256];
    redisContext *c = rds_connect(&job->cfg, err, sizeof err);
    if (!c) {
        log_kv(LOG_WARN, "extractor training: redis unavailable", "tenant", job->tenant, "error",
               err, NULL);
        free(job);
        return NULL;
    }
    unsigned version = 0;
    dp_err rc = xstore_train(c, job->tenant, &version);
    if (!rc) {
        char v[16];
        snprintf(v, sizeof v, "%u", version);
        audit_log(c, job->tenant, job->key_id, "extractor.trained", job->tenant, v);
    }
    log_kv(rc ? LOG_WARN : LOG_INFO, rc ? "extractor training failed" : "extractor trained",
           "tenant", job->tenant, "error", rc ? dp_strerror(rc) : "", NULL);
    redisFree(c);
    free(job);
    return NULL;
}

static enum MHD_Result train(struct api_req *r, redisContext *c)
{
    int busy = 0, trainable = 0;
    dp_err rc = xstore_train_begin(c, r->auth.tenant, &busy, &trainable);
    if (rc)
        return api_reply_dp_err(r, rc, "extractor");
    if (!trainable)
        return api_reply_error(r, 422, "not_enough_examples",
                               "training needs a field confirmed on at least 2 documents; "
                               "confirm fields with PUT /v1/documents/{id}/fields");
    if (busy) /* already running: the same answer, poll GET /v1/extractor */
        return get_info(r, c, 202);
    struct train_job *job = calloc(1, sizeof *job);
    pthread_t t;
    pthread_attr_t attr;
    int started = 0;
    if (job && pthread_attr_init(&attr) == 0) {
        job->cfg = r->srv->cfg;
        snprintf(job->tenant, sizeof job->tenant, "%s", r->auth.tenant);
        snprintf(job->key_id, sizeof job->key_id, "%s", r->auth.key_id);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        started = pthread_create(&t, &attr, train_thread, job) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) {
        free(job);
        /* Best effort: run it here rather than leave the status stuck at "training". */
        xstore_train(c, r->auth.tenant, NULL);
    }
    return get_info(r, c, 202);
}

enum MHD_Result api_extractor_info(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return get_info(r, c, 200);
}

enum MHD_Result api_extractor_train(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return train(r, c);
}
