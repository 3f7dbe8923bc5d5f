/* review.h -- fields people confirm: parsing PUT /v1/documents/{id}/fields, storing the
 * confirmation on the document and as the tenant's extraction training example, and showing
 * confirmed values in the result with source "confirmed".
 *
 * Keys (keys.h): the document record's confirmed (JSON below), reviewed_at (ms), reviewed_key
 * (key id) and needs_review ("1"/"0", written by the worker); dp:ext:<tenant>:examples (doc id
 * -> the confirmed field names, a JSON array: the training example, whose values are read from
 * the record and whose words from the document's stored result at training) and
 * dp:ext:<tenant>:names (field name -> documents confirming it). With encryption at rest
 * (seal.h) the record's confirmed JSON is sealed like the result ("<doc id>/confirmed").
 * Confirmed JSON: {"<name>": {"value": "<as printed or typed>", "page": n|null,
 *                             "bbox": [x,y,w,h]|null}, ...}
 * One Lua script (lua/review_confirm.lua) writes record + example + counts; one
 * (lua/review_forget.lua) removes them when the document is erased. */
#ifndef DP_REVIEW_H
#define DP_REVIEW_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include <stddef.h>
#include "err.h"

#define REVIEW_NAME_MAX        40    /* bytes of a field name, NUL included */
#define REVIEW_VALUE_MAX       1024  /* bytes of one confirmed value */
#define REVIEW_MAX_NAMES       64    /* distinct field names per tenant (and per request) */
#define REVIEW_MAX_EXAMPLES    10000 /* confirmed documents kept per tenant */
#define REVIEW_FIELD_THRESHOLD 0.5   /* default confidence below which a field needs review */

/* ---- pure helpers ---- */

/* Whether name[0..len) is a field name: [a-z][a-z0-9_]* shorter than REVIEW_NAME_MAX. */
int review_name_ok(const char *name, size_t len);

/* Parses a PUT fields body {"fields": {"name": "value" | {"value", "page", "bbox"}}} into the
 * confirmed JSON above (*out, caller owns). DP_EPARSE: not a JSON object; DP_EINVAL: anything
 * else wrong (message in err: which field and why). */
dp_err review_parse_body(const char *buf, size_t len, cJSON **out, char *err, size_t errsz);

/* The field object a confirmed value shows as in a result: {"name","value" (typed: ISO date for
 * *date names, {amount,currency} for total/subtotal/tax when it parses, else the text),
 * "text","confidence":1,"page","bbox","valid":true,"source":"confirmed"}. Caller owns it. */
cJSON *review_field_json(const char *name, const cJSON *confirmed_one);

/* The typed value of a text for field name, as the built-in extractors give it: an ISO date
 * for date and *_date names, {amount, currency} for total/subtotal/tax, else the text.
 * Caller owns it. */
cJSON *review_typed_value(const char *name, const char *text);

/* Replaces, in the fields array, every field named in confirmed by its confirmed value and adds
 * the ones it lacks (pure; fields is modified in place). */
void review_apply(cJSON *fields, const cJSON *confirmed);

/* Adds "source" ("rules" when absent) to every field of the array and, to the rules' fields,
 * "needs_review" when the confidence is below threshold or the tenant's extractor preferred
 * another value ("model_disagrees": true, xmodel_apply) (model and memory fields keep the
 * flag their model's own threshold gave; confirmed ones never need review). Returns how many
 * fields need review. */
int review_mark_fields(cJSON *fields, double threshold);

/* ---- Redis ---- */

enum review_outcome {
    REVIEW_STORED = 0,       /* confirmation and example written */
    REVIEW_NO_DOC,           /* no such document for this tenant */
    REVIEW_NOT_DONE,         /* the document has not finished */
    REVIEW_TOO_MANY_NAMES,   /* past REVIEW_MAX_NAMES distinct names for the tenant */
    REVIEW_TOO_MANY_EXAMPLES /* past REVIEW_MAX_EXAMPLES confirmed documents */
};

/* Stores the confirmed JSON text of doc_id (replacing an earlier one), stamps reviewed_at/key
 * and keeps the training example, in one script. *outcome says what happened. */
dp_err review_confirm(redisContext *c, const char *tenant, const char *doc_id, const char *key_id,
                      const cJSON *confirmed, enum review_outcome *outcome);

/* Removes doc_id's training example and its name counts (erasure); no-op when there is none. */
dp_err review_forget(redisContext *c, const char *tenant, const char *doc_id);

#endif
