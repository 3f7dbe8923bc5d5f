/* api_webhooks.c -- /v1/webhooks routes: tenant endpoints, the callback_url secret, delivery
 * logs and redelivery. State lives in Redis through common/whstore.h; docproc-webhookd sends. */
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "api.h"
#include "ssrf.h"
#include "whstore.h"

#define EVENTS_PER_ENDPOINT 8   /* most entries in an endpoint's events filter */
#define DELIVERIES_DEFAULT  20  /* deliveries listed when no limit is given */
#define DELIVERIES_LIMIT    100 /* largest ?limit= */

/* Event types docproc emits (common/queue.c), plus "*" for every event. */
static const char *const known_events[] = {"document.completed", "document.failed",
                                           "batch.completed", "*"};

/* ---- request checks ---- */

static int event_known(const char *s)
{
    for (size_t i = 0; i < sizeof known_events / sizeof known_events[0]; i++)
        if (strcmp(s, known_events[i]) == 0)
            return 1;
    return 0;
}

/* A path segment usable as an id (endpoint, delivery): short enough, no odd bytes. */
static int id_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < WHSTORE_ID_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Validates the url of a new endpoint; on failure it has replied and returns 0. */
static int url_acceptable(struct api_req *r, const char *url)
{
    char why[SSRF_WHY_MAX];
    if (strlen(url) >= WHSTORE_URL_MAX) {
        api_reply_error(r, 400, "invalid_url", "url is longer than %d bytes", WHSTORE_URL_MAX - 1);
        return 0;
    }
    dp_err rc = ssrf_url_check(url, (int)r->srv->cfg.webhook_allow_private, why, sizeof why);
    if (rc == DP_ESSRF) {
        api_reply_error(r, 422, "url_refused",
                        "url refused: %s. Webhook receivers must be public addresses; an operator "
                        "can allow private networks with webhook_allow_private=1",
                        why);
        return 0;
    }
    if (rc != DP_OK) {
        api_reply_error(r, 400, "invalid_url", "url must be an http:// or https:// URL: %s",
                        why[0] ? why : dp_strerror(rc));
        return 0;
    }
    return 1;
}

/* ---- endpoints ---- */

static enum MHD_Result create_endpoint(struct api_req *r, redisContext *c)
{
    const char *events[EVENTS_PER_ENDPOINT];
    size_t nev = 0;
    enum MHD_Result ret;
    cJSON *j = r->body_len ? cJSON_ParseWithLength((const char *)r->body, r->body_len) : NULL;
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return api_reply_error(r, 400, "invalid_json",
                               "body must be a JSON object: {\"url\": ..., \"events\": [...]}");
    }
    const char *url = NULL, *desc = NULL;
    for (const cJSON *it = j->child; it; it = it->next) {
        if (strcmp(it->string, "url") == 0 && cJSON_IsString(it)) {
            url = it->valuestring;
        } else if (strcmp(it->string, "description") == 0 && cJSON_IsString(it)) {
            desc = it->valuestring;
        } else if (strcmp(it->string, "events") == 0 && (cJSON_IsArray(it) || cJSON_IsNull(it))) {
            const cJSON *e;
            cJSON_ArrayForEach(e, it)
            {
                if (!cJSON_IsString(e) || !event_known(e->valuestring) ||
                    nev >= EVENTS_PER_ENDPOINT) {
                    ret = api_reply_error(r, 400, "invalid_events",
                                          "events must be an array of at most %d of: "
                                          "document.completed, document.failed, * (all)",
                                          EVENTS_PER_ENDPOINT);
                    goto out;
                }
                events[nev++] = e->valuestring;
            }
        } else {
            ret = api_reply_error(r, 400, "invalid_request",
                                  "unknown or mistyped field '%s' (url: string, events: array of "
                                  "strings, description: string)",
                                  it->string);
            goto out;
        }
    }
    if (!url) {
        ret = api_reply_error(r, 400, "invalid_url", "url is required");
        goto out;
    }
    if (desc && strlen(desc) > WHSTORE_DESC_MAX) {
        ret = api_reply_error(r, 400, "invalid_request", "description is longer than %d bytes",
                              WHSTORE_DESC_MAX);
        goto out;
    }
    if (!url_acceptable(r, url)) {
        ret = MHD_YES;
        goto out;
    }
    cJSON *ep = NULL;
    dp_err rc = whstore_endpoint_create(c, r->auth.tenant, url, events, nev, desc,
                                        (int)r->srv->cfg.webhook_allow_private, &ep);
    if (rc == DP_ETOOBIG)
        ret = api_reply_error(r, 409, "too_many_endpoints",
                              "a tenant has at most %d webhook endpoints; delete one first",
                              WHSTORE_ENDPOINTS_MAX);
    else if (rc)
        ret = api_reply_dp_err(r, rc, "webhook endpoint");
    else {
        cJSON_AddStringToObject(ep, "object", "webhook");
        audit_log(c, r->auth.tenant, r->auth.key_id, "webhook.created",
                  cJSON_GetStringValue(cJSON_GetObjectItem(ep, "id")), url);
        ret = api_reply_json(r, 201, ep);
    }
out:
    cJSON_Delete(j);
    return ret;
}

static enum MHD_Result list_endpoints(struct api_req *r, redisContext *c)
{
    cJSON *arr = NULL;
    dp_err rc = whstore_endpoint_list(c, r->auth.tenant, &arr);
    if (rc)
        return api_reply_dp_err(r, rc, "webhook endpoints");
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        cJSON_Delete(arr);
        return api_reply_dp_err(r, DP_ENOMEM, "webhook endpoints");
    }
    cJSON_AddStringToObject(o, "object", "list");
    cJSON_AddItemToObject(o, "data", arr);
    return api_reply_json(r, 200, o);
}

static enum MHD_Result tenant_secret(struct api_req *r, redisContext *c)
{
    char secret[WHSIG_SECRET_MAX];
    dp_err rc = whstore_tenant_secret(c, r->auth.tenant, secret, sizeof secret);
    if (rc)
        return api_reply_dp_err(r, rc, "webhook secret");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "object", "webhook_secret");
    cJSON_AddStringToObject(o, "secret", secret);
    cJSON_AddStringToObject(o, "used_for", "callback_url");
    return api_reply_json(r, 200, o);
}

static enum MHD_Result one_endpoint(struct api_req *r, redisContext *c, const char *id, int del)
{
    cJSON *ep = NULL;
    dp_err rc = del ? whstore_endpoint_delete(c, r->auth.tenant, id)
                    : whstore_endpoint_get(c, r->auth.tenant, id, &ep);
    if (rc)
        return api_reply_dp_err(r, rc, "webhook endpoint");
    if (del) {
        audit_log(c, r->auth.tenant, r->auth.key_id, "webhook.deleted", id, NULL);
        ep = cJSON_CreateObject();
        cJSON_AddStringToObject(ep, "id", id);
        cJSON_AddBoolToObject(ep, "deleted", 1);
    }
    cJSON_AddStringToObject(ep, "object", "webhook");
    return api_reply_json(r, 200, ep);
}

static enum MHD_Result rotate_secret(struct api_req *r, redisContext *c, const char *id)
{
    char secret[WHSIG_SECRET_MAX];
    dp_err rc = whstore_endpoint_rotate_secret(c, r->auth.tenant, id, secret, sizeof secret);
    if (rc)
        return api_reply_dp_err(r, rc, "webhook endpoint");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "object", "webhook_secret");
    cJSON_AddStringToObject(o, "secret", secret);
    return api_reply_json(r, 200, o);
}

/* ---- deliveries ---- */

static enum MHD_Result list_deliveries(struct api_req *r, redisContext *c, const char *id)
{
    const char *lim = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
    long limit = DELIVERIES_DEFAULT;
    if (lim) {
        char *end = NULL;
        limit = strtol(lim, &end, 10);
        if (end == lim || *end || limit < 1 || limit > DELIVERIES_LIMIT)
            return api_reply_error(r, 400, "invalid_request", "limit must be 1..%d",
                                   DELIVERIES_LIMIT);
    }
    cJSON *arr = NULL;
    dp_err rc = whstore_delivery_list(c, r->auth.tenant, id, (size_t)limit, &arr);
    if (rc)
        return api_reply_dp_err(r, rc, "webhook endpoint");
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        cJSON_Delete(arr);
        return api_reply_dp_err(r, DP_ENOMEM, "deliveries");
    }
    cJSON_AddStringToObject(o, "object", "list");
    cJSON_AddStringToObject(o, "endpoint", id);
    cJSON_AddItemToObject(o, "data", arr);
    return api_reply_json(r, 200, o);
}

static enum MHD_Result one_delivery(struct api_req *r, redisContext *c, const char *id,
                                    const char *dlv, int retry)
{
    cJSON *d = NULL;
    dp_err rc = retry ? whstore_delivery_retry(c, r->auth.tenant, id, dlv) : DP_OK;
    if (rc == DP_OK)
        rc = whstore_delivery_get(c, r->auth.tenant, id, dlv, &d);
    if (rc)
        return api_reply_dp_err(r, rc, "delivery");
    cJSON_AddStringToObject(d, "object", "delivery");
    return api_reply_json(r, retry ? 202 : 200, d);
}

/* ---- route handlers (api_routes.c; authenticated, c connected) ---- */

/* The path's ids are usable (short, no odd bytes); else it has answered 404 and returns 0. */
static int ids_ok(struct api_req *r, const char *const *param, int n)
{
    for (int i = 0; i < n; i++)
        if (!id_ok(param[i])) {
            api_reply_error(r, 404, "not_found", "no such webhook endpoint or delivery");
            return 0;
        }
    return 1;
}

enum MHD_Result api_webhooks_create(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return create_endpoint(r, c);
}

enum MHD_Result api_webhooks_list(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return list_endpoints(r, c);
}

enum MHD_Result api_webhooks_secret(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)param;
    return tenant_secret(r, c);
}

enum MHD_Result api_webhooks_get(struct api_req *r, redisContext *c, const char *const *param)
{
    return ids_ok(r, param, 1) ? one_endpoint(r, c, param[0], 0) : MHD_YES;
}

enum MHD_Result api_webhooks_delete(struct api_req *r, redisContext *c, const char *const *param)
{
    return ids_ok(r, param, 1) ? one_endpoint(r, c, param[0], 1) : MHD_YES;
}

enum MHD_Result api_webhooks_rotate(struct api_req *r, redisContext *c, const char *const *param)
{
    return ids_ok(r, param, 1) ? rotate_secret(r, c, param[0]) : MHD_YES;
}

enum MHD_Result api_webhooks_deliveries(struct api_req *r, redisContext *c,
                                        const char *const *param)
{
    return ids_ok(r, param, 1) ? list_deliveries(r, c, param[0]) : MHD_YES;
}

enum MHD_Result api_webhooks_delivery(struct api_req *r, redisContext *c, const char *const *param)
{
    return ids_ok(r, param, 2) ? one_delivery(r, c, param[0], param[1], 0) : MHD_YES;
}

enum MHD_Result api_webhooks_retry(struct api_req *r, redisContext *c, const char *const *param)
{
    return ids_ok(r, param, 2) ? one_delivery(r, c, param[0], param[1], 1) : MHD_YES;
}
