/* review.c -- confirmed fields: the PUT body parser, their place in results, their storage as
 * training examples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"
#include "keys.h"
#include "rds.h"
#include "scripts.h"
#include "seal.h"
#include "review.h"
#include "util.h"

/* ---- pure helpers ---- */

int review_name_ok(const char *name, size_t len)
{
    if (!name || len == 0 || len >= REVIEW_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return 0;
    }
    return 1;
}

/* One confirmed value: a string, or {"value": string, "page": n, "bbox": [x,y,w,h]}. */
static cJSON *parse_one(const cJSON *v, const char *name, char *err, size_t errsz)
{
    const cJSON *val = v, *page = NULL, *bbox = NULL;
    if (cJSON_IsObject(v)) {
        val = NULL;
        for (const cJSON *it = v->child; it; it = it->next) {
            if (strcmp(it->string, "value") == 0)
                val = it;
            else if (strcmp(it->string, "page") == 0)
                page = it;
            else if (strcmp(it->string, "bbox") == 0)
                bbox = it;
            else {
                snprintf(err, errsz, "field '%s': unknown member '%.40s' (value, page, bbox)", name,
                         it->string);
                return NULL;
            }
        }
    }
    const char *s = cJSON_GetStringValue(val);
    if (!s) {
        snprintf(err, errsz, "field '%s': the value must be a string (as printed or typed)", name);
        return NULL;
    }
    size_t n = strlen(s);
    if (n == 0 || n >= REVIEW_VALUE_MAX) {
        snprintf(err, errsz, "field '%s': the value must be 1..%d bytes", name,
                 REVIEW_VALUE_MAX - 1);
        return NULL;
    }
    if (page && !cJSON_IsNull(page) &&
        (!cJSON_IsNumber(page) || page->valuedouble < 1 || page->valuedouble > 10000 ||
         page->valuedouble != (double)page->valueint)) {
        snprintf(err, errsz, "field '%s': page must be a page number from 1", name);
        return NULL;
    }
    if (bbox && !cJSON_IsNull(bbox)) {
        int ok = cJSON_IsArray(bbox) && cJSON_GetArraySize(bbox) == 4;
        for (const cJSON *b = ok ? bbox->child : NULL; b; b = b->next)
            ok = ok && cJSON_IsNumber(b) && b->valuedouble >= 0 && b->valuedouble <= 1e6;
        if (!ok) {
            snprintf(err, errsz, "field '%s': bbox must be [x, y, w, h] in page pixels", name);
            return NULL;
        }
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "value", s);
    if (page && cJSON_IsNumber(page))
        cJSON_AddNumberToObject(o, "page", page->valueint);
    else
        cJSON_AddNullToObject(o, "page");
    if (bbox && cJSON_IsArray(bbox))
        cJSON_AddItemToObject(o, "bbox", cJSON_Duplicate(bbox, 1));
    else
        cJSON_AddNullToObject(o, "bbox");
    return o;
}

dp_err review_parse_body(const char *buf, size_t len, cJSON **out, char *err, size_t errsz)
{
    dp_err rc = DP_EINVAL;
    cJSON *res = NULL;
    *out = NULL;
    cJSON *j = len ? cJSON_ParseWithLength(buf, len) : NULL;
    if (!j || !cJSON_IsObject(j)) {
        snprintf(err, errsz, "body must be a JSON object like {\"fields\": {\"total\": \"9.00\"}}");
        rc = DP_EPARSE;
        goto out;
    }
    const cJSON *fields = NULL;
    for (const cJSON *it = j->child; it; it = it->next) {
        if (strcmp(it->string, "fields") != 0) {
            snprintf(err, errsz, "unknown member '%.64s'; the body takes only \"fields\"",
                     it->string);
            goto out;
        }
        fields = it;
    }
    if (!cJSON_IsObject(fields) || !fields->child) {
        snprintf(err, errsz, "\"fields\" must be a non-empty object of field name -> value");
        goto out;
    }
    res = cJSON_CreateObject();
    int n = 0;
    for (const cJSON *f = fields->child; f; f = f->next) {
        if (!review_name_ok(f->string, strlen(f->string))) {
            snprintf(err, errsz,
                     "field name '%.48s' must be a lower-case identifier ([a-z][a-z0-9_]*, "
                     "under %d characters)",
                     f->string, REVIEW_NAME_MAX);
            goto out;
        }
        if (cJSON_GetObjectItemCaseSensitive(res, f->string)) {
            snprintf(err, errsz, "field '%s' is given twice", f->string);
            goto out;
        }
        if (++n > REVIEW_MAX_NAMES) {
            snprintf(err, errsz, "at most %d fields per document", REVIEW_MAX_NAMES);
            goto out;
        }
        cJSON *one = parse_one(f, f->string, err, errsz);
        if (!one)
            goto out;
        cJSON_AddItemToObject(res, f->string, one);
    }
    *out = res;
    res = NULL;
    rc = DP_OK;
out:
    cJSON_Delete(res);
    cJSON_Delete(j);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

cJSON *review_typed_value(const char *name, const char *text)
{
    size_t n = strlen(text);
    if (strcmp(name, "date") == 0 || ends_with(name, "_date")) {
        struct extract_date d;
        if (extract_parse_date(text, n, EXTRACT_DAY_FIRST, &d) == DP_OK) {
            char iso[16];
            snprintf(iso, sizeof iso, "%04d-%02d-%02d", d.year, d.month, d.day);
            return cJSON_CreateString(iso);
        }
    }
    if (strcmp(name, "total") == 0 || strcmp(name, "subtotal") == 0 || strcmp(name, "tax") == 0) {
        char amt[48];
        if (extract_parse_amount(text, n, amt, sizeof amt) == DP_OK) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "amount", amt);
            const char *cur = extract_currency_code(text, n);
            if (cur)
                cJSON_AddStringToObject(o, "currency", cur);
            else
                cJSON_AddNullToObject(o, "currency");
            return o;
        }
    }
    return cJSON_CreateString(text);
}

cJSON *review_field_json(const char *name, const cJSON *one)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one, "value"));
    if (!text)
        text = cJSON_GetStringValue(one);
    if (!text)
        return NULL;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "name", name);
    cJSON_AddItemToObject(f, "value", review_typed_value(name, text));
    cJSON_AddStringToObject(f, "text", text);
    cJSON_AddNumberToObject(f, "confidence", 1);
    const cJSON *page = cJSON_GetObjectItemCaseSensitive(one, "page");
    const cJSON *bbox = cJSON_GetObjectItemCaseSensitive(one, "bbox");
    if (cJSON_IsNumber(page))
        cJSON_AddNumberToObject(f, "page", page->valueint);
    else
        cJSON_AddNullToObject(f, "page");
    if (cJSON_IsArray(bbox))
        cJSON_AddItemToObject(f, "bbox", cJSON_Duplicate(bbox, 1));
    else
        cJSON_AddNullToObject(f, "bbox");
    cJSON_AddBoolToObject(f, "valid", 1);
    cJSON_AddStringToObject(f, "source", "confirmed");
    return f;
}

void review_apply(cJSON *fields, const cJSON *confirmed)
{
    if (!cJSON_IsArray(fields) || !cJSON_IsObject(confirmed))
        return;
    for (const cJSON *c = confirmed->child; c; c = c->next) {
        cJSON *it = fields->child;
        while (it) {
            cJSON *next = it->next;
            const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
            if (n && strcmp(n, c->string) == 0)
                cJSON_Delete(cJSON_DetachItemViaPointer(fields, it));
            it = next;
        }
        cJSON *f = review_field_json(c->string, c);
        if (f)
            cJSON_AddItemToArray(fields, f);
    }
}

int review_mark_fields(cJSON *fields, double threshold)
{
    int n = 0;
    cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (!cJSON_GetObjectItemCaseSensitive(f, "source"))
            cJSON_AddStringToObject(f, "source", "rules");
        const cJSON *conf = cJSON_GetObjectItemCaseSensitive(f, "confidence");
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "source"));
        if (src && strcmp(src, "rules") != 0) {
            /* a model's own threshold set it already; confirmed values need none */
            if (strcmp(src, "confirmed") == 0)
                cJSON_DeleteItemFromObjectCaseSensitive(f, "needs_review");
            n += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "needs_review"));
            continue;
        }
        /* or the tenant's extractor prefers another value (xmodel_apply) */
        int low = (cJSON_IsNumber(conf) && conf->valuedouble < threshold) ||
                  cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "model_disagrees"));
        cJSON_DeleteItemFromObjectCaseSensitive(f, "needs_review");
        if (low) {
            cJSON_AddBoolToObject(f, "needs_review", 1);
            n++;
        }
    }
    return n;
}

/* ---- Redis ---- */

dp_err review_confirm(redisContext *c, const char *tenant, const char *doc_id, const char *key_id,
                      const cJSON *confirmed, enum review_outcome *outcome)
{
    char kdoc[KEYS_MAX], kex[KEYS_MAX], knames[KEYS_MAX], now[24], maxn[16], maxe[16];
    *outcome = REVIEW_NO_DOC;
    if (!util_id_valid("doc_", doc_id))
        return DP_OK;
    if (keys_doc(kdoc, doc_id) || keys_ext(kex, tenant, KEYS_EXT_EXAMPLES) ||
        keys_ext(knames, tenant, KEYS_EXT_NAMES))
        return DP_EINVAL;
    char *json = cJSON_PrintUnformatted(confirmed), *sealed = NULL, *names = NULL,
         aad[SEAL_AAD_MAX];
    cJSON *na = cJSON_CreateArray();
    for (const cJSON *f = confirmed->child; f && na; f = f->next)
        cJSON_AddItemToArray(na, cJSON_CreateString(f->string));
    names = na ? cJSON_PrintUnformatted(na) : NULL;
    cJSON_Delete(na);
    const char *val = json;
    size_t vlen = json ? strlen(json) : 0;
    snprintf(aad, sizeof aad, "%s/confirmed", doc_id);
    dp_err rc = !json || !names ? DP_ENOMEM : seal_maybe(aad, &val, &vlen, &sealed);
    if (rc) {
        free(json);
        free(names);
        return rc;
    }
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    snprintf(maxn, sizeof maxn, "%d", REVIEW_MAX_NAMES);
    snprintf(maxe, sizeof maxe, "%d", REVIEW_MAX_EXAMPLES);
    const char *argv[] = {kdoc, kex, knames, tenant, doc_id, now, key_id, names, val, maxn, maxe};
    size_t lens[sizeof argv / sizeof argv[0]];
    for (size_t i = 0; i < sizeof argv / sizeof argv[0]; i++)
        lens[i] = argv[i] == val ? vlen : strlen(argv[i]);
    redisReply *r = NULL;
    rc = rds_eval(c, &scripts_review_confirm, 3, 8, argv, lens, &r, NULL, 0);
    free(json);
    free(names);
    free(sealed);
    if (rc)
        return rc;
    long long code = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    switch (code) {
    case 0:
        *outcome = REVIEW_STORED;
        return DP_OK;
    case 1:
        *outcome = REVIEW_NO_DOC;
        return DP_OK;
    case 2:
        *outcome = REVIEW_NOT_DONE;
        return DP_OK;
    case 3:
        *outcome = REVIEW_TOO_MANY_NAMES;
        return DP_OK;
    case 4:
        *outcome = REVIEW_TOO_MANY_EXAMPLES;
        return DP_OK;
    default:
        return DP_EREDIS;
    }
}

dp_err review_forget(redisContext *c, const char *tenant, const char *doc_id)
{
    char kex[KEYS_MAX], knames[KEYS_MAX];
    if (keys_ext(kex, tenant, KEYS_EXT_EXAMPLES) || keys_ext(knames, tenant, KEYS_EXT_NAMES))
        return DP_EINVAL;
    const char *argv[] = {kex, knames, doc_id};
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, &scripts_review_forget, 2, 1, argv, NULL, &r, NULL, 0);
    freeReplyObject(r);
    return rc;
}
