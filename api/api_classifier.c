/* api_classifier.c -- the classifier a tenant trains: label documents, train, inspect.
 *   POST|DELETE /v1/documents/{id}/label   documents:write
 *   GET         /v1/classifier             documents:read
 *   POST        /v1/classifier/train       documents:write (admin implies it): labelling is
 *                                          already a write, and training only turns those
 *                                          labels into the tenant's model. It runs off the
 *                                          request path: api_train.c. */
#include <pthread.h>
#include <string.h>
#include "api.h"
#include "clsstore.h"
#include "store.h"

/* ---- the built-in model's class list for GET /v1/classifier ---- */

/* Shared by the API threads, made safe by pthread_once: written once, read-only after. */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct classifier *builtin; /* trained once per process, read-only afterwards */

static void builtin_init(void)
{
    builtin = classifier_builtin();
}

/* ---- label ---- */

static enum MHD_Result label_reply(struct api_req *r, const char *id, const char *klass,
                                   const char *previous, const struct clsstore_label_res *res)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "object", "training_example");
    cJSON_AddStringToObject(o, "document", id);
    if (klass)
        cJSON_AddStringToObject(o, "class", klass);
    else
        cJSON_AddNullToObject(o, "class");
    if (previous && *previous)
        cJSON_AddStringToObject(o, "previous", previous);
    else
        cJSON_AddNullToObject(o, "previous");
    if (res) {
        cJSON_AddNumberToObject(o, "text_bytes", (double)res->text_bytes);
        cJSON_AddBoolToObject(o, "truncated", res->truncated);
        cJSON_AddNumberToObject(o, "examples", (double)res->examples);
        cJSON_AddNumberToObject(o, "classes", (double)res->classes);
    } else {
        cJSON_AddBoolToObject(o, "deleted", previous && *previous);
    }
    return api_reply_json(r, 200, o);
}

static enum MHD_Result unlabel(struct api_req *r, redisContext *c, const char *id)
{
    int removed = 0;
    char prev[CLASSIFY_LABEL_MAX];
    dp_err rc = clsstore_unlabel(c, r->auth.tenant, id, &removed, prev);
    if (rc)
        return api_reply_dp_err(r, rc, "training example");
    if (!removed) {
        /* Nothing to remove: fine for the tenant's own document, 404 for anyone else's. */
        cJSON *doc = NULL;
        rc = store_doc_json(c, r->auth.tenant, id, &doc);
        cJSON_Delete(doc);
        if (rc)
            return api_reply_dp_err(r, rc, "document");
    }
    return label_reply(r, id, NULL, prev, NULL);
}

enum MHD_Result api_label(struct api_req *r, redisContext *c, const char *const *param)
{
    const char *id = param[0];
    char label[CLASSIFY_LABEL_MAX], err[200];
    int remove = strcmp(r->method, "DELETE") == 0;
    if (!remove) {
        dp_err rc = clsstore_parse_label_body((const char *)r->body, r->body_len, label, &remove,
                                              err, sizeof err);
        if (rc)
            return api_reply_error(r, 400, rc == DP_EPARSE ? "invalid_json" : "invalid_request",
                                   "%s", err);
    }
    if (remove)
        return unlabel(r, c, id);
    struct clsstore_label_res res;
    struct clsstore_limits lim = clsstore_limits_default();
    dp_err rc = clsstore_label(c, r->auth.tenant, id, label, &lim, &res);
    if (rc)
        return api_reply_dp_err(r, rc, "document");
    switch (res.outcome) {
    case CLSSTORE_LABELLED:
        return label_reply(r, id, label, res.previous, &res);
    case CLSSTORE_NO_DOC:
        return api_reply_dp_err(r, DP_ENOTFOUND, "document");
    case CLSSTORE_NOT_DONE:
        return api_reply_error(r, 409, "not_ready",
                               "document is %s; it can be labelled once it is done",
                               res.status[0] ? res.status : "not done");
    case CLSSTORE_NO_TEXT:
        return api_reply_error(r, 422, "no_text", "the document has no text to learn from");
    case CLSSTORE_TOO_MANY_EXAMPLES:
        return api_reply_error(r, 422, "too_many_examples",
                               "at most %zu training examples per tenant; remove some first",
                               lim.max_examples);
    case CLSSTORE_TOO_MANY_CLASSES:
        return api_reply_error(r, 422, "too_many_classes", "at most %d classes per tenant",
                               CLASSIFY_MAX_CLASSES);
    }
    return api_reply_dp_err(r, DP_EREDIS, "document");
}

/* ---- /v1/classifier ---- */

static enum MHD_Result get_info(struct api_req *r, redisContext *c)
{
    pthread_once(&builtin_once, builtin_init);
    cJSON *o = NULL;
    cJSON *training = NULL;
    /* The training's status first, then the model: the trainer stores the model before it marks
     * the training done, so a status that says "done, version N" is never shown beside an older
     * model (the other order could read the model, then a training finishing in between). */
    dp_err rc = api_train_status(c, r->auth.tenant, &training);
    if (!rc)
        rc = clsstore_info(c, r->auth.tenant, builtin, &o);
    if (rc) {
        cJSON_Delete(training);
        cJSON_Delete(o);
        return api_reply_dp_err(r, rc, "classifier");
    }
    if (training)
        cJSON_AddItemToObject(o, "training", training);
    else
        cJSON_AddNullToObject(o, "training");
    return api_reply_json(r, 200, o);
}

enum MHD_Result api_classifier_info(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return get_info(r, c);
}
