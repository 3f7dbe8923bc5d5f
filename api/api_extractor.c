/* api_extractor.c -- extraction a tenant teaches by confirming fields.
 *   PUT /v1/documents/{id}/fields   documents:write (routed from api_docs.c): confirmed values;
 *                                   the document becomes reviewed and a training example. */
#include <string.h>
#include "api.h"
#include "review.h"
#include "store.h"

enum MHD_Result api_fields_put(struct api_req *r, redisContext *c, const char *id)
{
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
