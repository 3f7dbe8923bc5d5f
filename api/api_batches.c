/* api_batches.c -- POST /v1/batches (a batch of the tenant's documents, followed as one; a
 * batch.completed event when all have ended) and GET /v1/batches/{id}. */
#include <stdio.h>
#include "api.h"
#include "batch.h"
#include "log.h"

enum MHD_Result api_batches_create(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    struct batch_request req;
    char err[256] = "", id[UTIL_ID_MAX];
    dp_err rc = batch_parse_request((const char *)r->body, r->body_len, &req, err, sizeof err);
    if (rc == DP_ENOMEM)
        return api_reply_dp_err(r, rc, "batch");
    if (rc)
        return api_reply_error(r, 400, "invalid_request", "%s", err);
    rc = batch_create(c, r->auth.tenant, (const char(*)[UTIL_ID_MAX])req.ids, req.n,
                      req.callback_url, id, err, sizeof err);
    batch_request_cleanup(&req);
    if (rc == DP_ENOTFOUND)
        return api_reply_error(r, 422, "unknown_document", "%s", err);
    if (rc == DP_ECONFLICT)
        return api_reply_error(r, 409, "already_in_batch", "%s", err);
    if (rc) {
        log_kv(LOG_WARN, "batch create failed", "error", err, NULL);
        return api_reply_dp_err(r, rc, "batch");
    }
    cJSON *out = NULL;
    if (batch_json(c, r->auth.tenant, id, &out) || !out) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "id", id);
        cJSON_AddStringToObject(out, "object", "batch");
    }
    return api_reply_json(r, 201, out);
}

enum MHD_Result api_batches_get(struct api_req *r, redisContext *c, const char *const *param)
{
    cJSON *out = NULL;
    dp_err rc = batch_json(c, r->auth.tenant, param[0], &out);
    if (rc)
        return api_reply_dp_err(r, rc, "batch");
    return api_reply_json(r, 200, out);
}
