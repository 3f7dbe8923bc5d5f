/* api_tenant.c -- the tenant's settings (PATCH /v1/tenant: retention, quotas) and its audit log
 * (GET /v1/audit). Both need the admin scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "audit.h"
#include "quota.h"
#include "retention.h"

/* {"retention_days": N|null, ...} of the tenant. */
static enum MHD_Result tenant_reply(struct api_req *r, redisContext *c)
{
    struct retention_cfg rc = {r->srv->cfg.retention_days, r->srv->cfg.retention_day_s};
    long long days;
    int own;
    dp_err e = retention_get(c, &rc, r->auth.tenant, &days, &own);
    if (e)
        return api_reply_dp_err(r, e, "tenant");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tenant", r->auth.tenant);
    cJSON_AddNumberToObject(o, "retention_days", (double)days);
    cJSON_AddStringToObject(o, "retention_source", own ? "tenant" : "default");
    struct quota_limits q;
    if ((e = quota_load(c, &r->srv->cfg, r->auth.tenant, &q)) != DP_OK) {
        cJSON_Delete(o);
        return api_reply_dp_err(r, e, "tenant");
    }
    cJSON_AddNumberToObject(o, "max_queued", (double)q.max_queued);
    cJSON_AddNumberToObject(o, "max_bytes", (double)q.max_bytes);
    cJSON_AddNumberToObject(o, "uploads_per_minute", (double)q.per_minute);
    return api_reply_json(r, 200, o);
}

enum MHD_Result api_tenant_get(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return tenant_reply(r, c);
}

enum MHD_Result api_tenant_patch(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    cJSON *b = r->body ? cJSON_ParseWithLength((const char *)r->body, r->body_len) : NULL;
    if (!cJSON_IsObject(b)) {
        cJSON_Delete(b);
        return api_reply_error(r, 400, "invalid_json", "the body must be a JSON object");
    }
    /* Every member is checked before anything is written. */
    static const char *const names[] = {"retention_days", "max_queued", "max_bytes",
                                        "uploads_per_minute"};
    static const long long max[] = {RETENTION_DAYS_MAX, QUOTA_MAX, QUOTA_MAX, QUOTA_MAX};
    long long v[4];
    int given[4] = {0, 0, 0, 0}, n = 0;
    for (const cJSON *it = b->child; it; it = it->next) {
        int i = 0;
        while (i < 4 && strcmp(it->string, names[i]) != 0)
            i++;
        if (i == 4 ||
            (!cJSON_IsNull(it) &&
             !(cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble <= (double)max[i] &&
               it->valuedouble == (double)(long long)it->valuedouble))) {
            /* the reply names the member: answer before the parsed body (its owner) goes */
            enum MHD_Result res = api_reply_error(
                r, 422, "invalid_request",
                "%.64s: a whole number 0..%lld (0 = keep/no limit) or null (the default); known: "
                "retention_days, max_queued, max_bytes, uploads_per_minute",
                i == 4 ? it->string : names[i], i == 4 ? 0 : max[i]);
            cJSON_Delete(b);
            return res;
        }
        v[i] = cJSON_IsNull(it) ? -1 : (long long)it->valuedouble;
        given[i] = 1;
        n++;
    }
    cJSON_Delete(b);
    if (n == 0)
        return api_reply_error(r, 422, "invalid_request", "nothing to change");
    for (int i = 0; i < 4; i++) {
        if (!given[i])
            continue;
        dp_err e = i == 0 ? retention_set(c, r->auth.tenant, v[i])
                          : quota_set(c, r->auth.tenant, names[i], v[i]);
        if (e)
            return api_reply_dp_err(r, e, "tenant");
        char detail[64];
        snprintf(detail, sizeof detail, "%s=%lld", names[i], v[i]);
        audit_log(c, r->auth.tenant, r->auth.key_id,
                  i == 0 ? "tenant.retention_changed" : "tenant.quota_changed", r->auth.tenant,
                  v[i] < 0 ? "default" : (i == 0 ? detail + strlen(names[0]) + 1 : detail));
    }
    return tenant_reply(r, c);
}

/* The query parameter name of the request, or NULL. */
static const char *arg(struct api_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

enum MHD_Result api_audit_list(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    const char *cursor = arg(r, "cursor"), *lim = arg(r, "limit");
    long limit = 50;
    if (lim) {
        char *end;
        limit = strtol(lim, &end, 10);
        if (end == lim || *end || limit < 1 || limit > AUDIT_LIMIT_MAX)
            return api_reply_error(r, 400, "invalid_request", "limit: 1..%d", AUDIT_LIMIT_MAX);
    }
    cJSON *out = NULL;
    dp_err e = audit_list(c, r->auth.tenant, cursor && *cursor ? cursor : NULL, (int)limit, &out);
    if (e == DP_EINVAL)
        return api_reply_error(r, 400, "invalid_request", "cursor: not one of ours");
    if (e)
        return api_reply_dp_err(r, e, "audit log");
    return api_reply_json(r, 200, out);
}
