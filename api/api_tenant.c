/* api_tenant.c -- the tenant's settings (PATCH /v1/tenant: retention) and its audit log
 * (GET /v1/audit). Both need the admin scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api.h"
#include "audit.h"
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
    const cJSON *rd = cJSON_GetObjectItemCaseSensitive(b, "retention_days");
    long long days = -2;
    if (cJSON_IsNull(rd))
        days = -1; /* back to the default */
    else if (cJSON_IsNumber(rd) && rd->valuedouble >= 0 && rd->valuedouble <= RETENTION_DAYS_MAX &&
             rd->valuedouble == (double)(long long)rd->valuedouble)
        days = (long long)rd->valuedouble;
    cJSON_Delete(b);
    if (days == -2)
        return api_reply_error(r, 422, "invalid_request",
                               "retention_days: a whole number of days 0..%d (0 = keep), or null",
                               RETENTION_DAYS_MAX);
    dp_err e = retention_set(c, r->auth.tenant, days);
    if (e)
        return api_reply_dp_err(r, e, "tenant");
    char detail[24];
    snprintf(detail, sizeof detail, "%lld", days);
    audit_log(c, r->auth.tenant, r->auth.key_id, "tenant.retention_changed", r->auth.tenant,
              days < 0 ? "default" : detail);
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
