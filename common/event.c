/* event.c -- the data of document events: one writer for the worker and for duplicates. */
#include "event.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rds.h"
#include "seal.h"
#include "util.h"

cJSON *event_data(const char *doc, const char *status, const char *duplicate_of,
                  const cJSON *result, size_t result_len, const char *error_code,
                  const char *error_message)
{
    cJSON *d = cJSON_CreateObject();
    if (!d)
        return NULL;
    cJSON_AddStringToObject(d, "id", doc);
    cJSON_AddStringToObject(d, "status", status);
    if (duplicate_of)
        cJSON_AddStringToObject(d, "duplicate_of", duplicate_of);
    if (error_code) {
        cJSON *e = cJSON_AddObjectToObject(d, "error");
        cJSON_AddStringToObject(e, "code", error_code);
        cJSON_AddStringToObject(e, "message", error_message ? error_message : "");
    }
    if (result) {
        cJSON *cls = cJSON_GetObjectItem(result, "class");
        cJSON *fields = cJSON_GetObjectItem(result, "fields");
        if (cls)
            cJSON_AddItemToObject(d, "class", cJSON_Duplicate(cls, 1));
        if (fields)
            cJSON_AddItemToObject(d, "fields", cJSON_Duplicate(fields, 1));
        if (result_len < EVENT_RESULT_INLINE_MAX) {
            cJSON_AddItemToObject(d, "result", cJSON_Duplicate(result, 1));
        } else {
            char url[UTIL_ID_MAX + 16];
            snprintf(url, sizeof url, "/v1/documents/%s", doc);
            cJSON_AddStringToObject(d, "result_url", url);
        }
    }
    return d;
}

dp_err event_duplicate_data(redisContext *c, const char *kearlier, const char *earlier,
                            const char *id, const char *evid, char **data, size_t *len)
{
    *data = NULL, *len = 0;
    redisReply *r = rds_command(c, "HMGET %s result duplicate_of", kearlier);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    redisReply *res = r->element[0];
    cJSON *result = NULL;
    size_t rlen = 0;
    if (res->type == REDIS_REPLY_STRING) {
        if (seal_open_field(earlier, rds_str(r, 1), "result", &res->str, &res->len)) {
            freeReplyObject(r);
            return DP_EIO;
        }
        result = cJSON_ParseWithLength(res->str, res->len);
        rlen = res->len;
        if (result && !cJSON_IsObject(result)) {
            cJSON_Delete(result);
            result = NULL;
        }
    }
    freeReplyObject(r);
    cJSON *d = event_data(id, "done", earlier, result, rlen, NULL, NULL);
    cJSON_Delete(result);
    char *text = d ? cJSON_PrintUnformatted(d) : NULL;
    cJSON_Delete(d);
    if (!text)
        return DP_ENOMEM;
    char aad[SEAL_AAD_MAX], *sealed = NULL;
    const char *v = text;
    size_t n = strlen(text);
    snprintf(aad, sizeof aad, "%s/data", evid);
    dp_err rc = seal_maybe(aad, &v, &n, &sealed);
    if (rc) {
        free(text);
        return rc;
    }
    if (sealed) {
        free(text);
        text = sealed;
    }
    *data = text, *len = n;
    return DP_OK;
}
