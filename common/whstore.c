/* whstore.c -- webhook state in Redis: endpoints and tenant secrets (deliveries: whstore_dlv.c). */
#include "whstore.h"
#include "keys.h"
#include "rds.h"
#include "scripts.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ssrf.h"

/* ---- endpoints ---- */

static int event_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= WHSTORE_TYPE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '*'))
            return 0;
    }
    return 1;
}

int whstore_events_match(const char *filter, const char *type)
{
    if (!filter || !*filter)
        return 1;
    size_t tlen = strlen(type);
    const char *p = filter;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == 1 && *p == '*') || (n == tlen && memcmp(p, type, n) == 0))
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Endpoint JSON from its HGETALL reply, without the secret. NULL on allocation failure. */
static cJSON *endpoint_json(const char *id, const redisReply *h)
{
    char buf[WHSTORE_URL_MAX], when[32];
    cJSON *o = cJSON_CreateObject(), *ev = cJSON_CreateArray();
    if (!o || !ev) {
        cJSON_Delete(o);
        cJSON_Delete(ev);
        return NULL;
    }
    cJSON_AddStringToObject(o, "id", id);
    rds_field_copy(h, "url", buf, sizeof buf);
    cJSON_AddStringToObject(o, "url", buf);
    rds_field_copy(h, "events", buf, sizeof buf);
    for (char *p = buf, *e; *p; p = e ? e + 1 : p + strlen(p)) {
        e = strchr(p, ',');
        if (e)
            *e = '\0';
        cJSON_AddItemToArray(ev, cJSON_CreateString(p));
    }
    cJSON_AddItemToObject(o, "events", ev);
    rds_field_copy(h, "description", buf, sizeof buf);
    cJSON_AddStringToObject(o, "description", buf);
    rds_field_copy(h, "status", buf, sizeof buf);
    cJSON_AddStringToObject(o, "status", buf);
    rds_field_copy(h, "disabled_reason", buf, sizeof buf);
    if (*buf)
        cJSON_AddStringToObject(o, "disabled_reason", buf);
    util_iso8601_s(rds_field_ll(h, "created"), when);
    cJSON_AddStringToObject(o, "created_at", when);
    return o;
}

/* HGETALL of endpoint <id>; DP_ENOTFOUND when missing or (tenant != NULL) another tenant's. */
static dp_err endpoint_fetch(redisContext *c, const char *tenant, const char *id, redisReply **h)
{
    char key[KEYS_MAX], owner[WHSTORE_TENANT_MAX];
    struct rds_cmd cmd;
    *h = NULL;
    if (!id || keys_wh_endpoint(key, id) != DP_OK)
        return DP_ENOTFOUND;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "HGETALL");
    rds_cmd_str(&cmd, key);
    dp_err err = rds_run(c, &cmd, h);
    if (err != DP_OK)
        return err;
    if ((*h)->type != REDIS_REPLY_ARRAY || (*h)->elements == 0 ||
        rds_field_copy(*h, "tenant", owner, sizeof owner) != DP_OK ||
        (tenant && strcmp(owner, tenant) != 0)) {
        freeReplyObject(*h);
        *h = NULL;
        return DP_ENOTFOUND;
    }
    return DP_OK;
}

dp_err whstore_endpoint_create(redisContext *c, const char *tenant, const char *url,
                               const char *const *events, size_t n, const char *description,
                               int allow_private, cJSON **out)
{
    char id[WHSTORE_ID_MAX], secret[WHSIG_SECRET_MAX], filter[WHSTORE_EVENTS_MAX] = "";
    char key[KEYS_MAX], idx[KEYS_MAX];
    struct rds_cmd cmds[2], cmd;
    redisReply *r = NULL;
    size_t used = 0;
    long long now = (long long)(util_now_ms() / 1000);
    *out = NULL;
    if (!tenant || !*tenant || strlen(tenant) >= WHSTORE_TENANT_MAX || !url ||
        strlen(url) >= WHSTORE_URL_MAX || (description && strlen(description) > WHSTORE_DESC_MAX))
        return DP_EINVAL;
    dp_err err = ssrf_url_check(url, allow_private, NULL, 0);
    if (err != DP_OK)
        return err;
    for (size_t i = 0; i < n; i++) {
        if (!events[i] || !event_name_ok(events[i]))
            return DP_EINVAL;
        int k = snprintf(filter + used, sizeof filter - used, "%s%s", used ? "," : "", events[i]);
        if (k < 0 || (size_t)k >= sizeof filter - used)
            return DP_ETOOBIG;
        used += (size_t)k;
    }
    if (keys_wh_endpoints(idx, tenant) != DP_OK)
        return DP_EINVAL;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "ZCARD");
    rds_cmd_str(&cmd, idx);
    if ((err = rds_run(c, &cmd, &r)) != DP_OK)
        return err;
    long long count = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    if (count >= WHSTORE_ENDPOINTS_MAX)
        return DP_ETOOBIG;
    if ((err = util_hex_id("wh_", 12, id, sizeof id)) != DP_OK ||
        (err = whsig_secret_generate(secret, sizeof secret)) != DP_OK)
        return err;
    keys_wh_endpoint(key, id);
    struct rds_cmd *h = &cmds[0], *z = &cmds[1];
    rds_cmd_init(h);
    rds_cmd_str(h, "HSET");
    rds_cmd_str(h, key);
    const char *kv[] = {"tenant",          tenant, "url",         url,
                        "events",          filter, "description", description ? description : "",
                        "secrets",         secret, "status",      "enabled",
                        "disabled_reason", ""};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        rds_cmd_str(h, kv[i]);
    rds_cmd_str(h, "created");
    rds_cmd_ll(h, now);
    rds_cmd_init(z);
    rds_cmd_str(z, "ZADD");
    rds_cmd_str(z, idx);
    rds_cmd_ll(z, now);
    rds_cmd_str(z, id);
    if ((err = rds_multi(c, cmds, 2)) != DP_OK)
        return err;
    if ((err = endpoint_fetch(c, tenant, id, &r)) != DP_OK)
        return err;
    *out = endpoint_json(id, r);
    freeReplyObject(r);
    if (!*out || !cJSON_AddStringToObject(*out, "secret", secret)) {
        cJSON_Delete(*out);
        *out = NULL;
        return DP_ENOMEM;
    }
    return DP_OK;
}

dp_err whstore_endpoint_ids(redisContext *c, const char *tenant, char (*ids)[WHSTORE_ID_MAX],
                            size_t max, size_t *n)
{
    char idx[KEYS_MAX];
    struct rds_cmd cmd;
    redisReply *r = NULL;
    *n = 0;
    if (!tenant || keys_wh_endpoints(idx, tenant) != DP_OK)
        return DP_EINVAL;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "ZRANGE");
    rds_cmd_str(&cmd, idx);
    rds_cmd_str(&cmd, "0");
    rds_cmd_ll(&cmd, (long long)max - 1);
    dp_err err = rds_run(c, &cmd, &r);
    if (err != DP_OK)
        return err;
    rds_ids(r, ids[0], WHSTORE_ID_MAX, max, n);
    freeReplyObject(r);
    return DP_OK;
}

dp_err whstore_endpoint_list(redisContext *c, const char *tenant, cJSON **out)
{
    char ids[WHSTORE_ENDPOINTS_MAX][WHSTORE_ID_MAX];
    size_t n = 0;
    *out = NULL;
    dp_err err = whstore_endpoint_ids(c, tenant, ids, WHSTORE_ENDPOINTS_MAX, &n);
    if (err != DP_OK)
        return err;
    cJSON *arr = cJSON_CreateArray();
    if (!arr)
        return DP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        redisReply *h = NULL;
        err = endpoint_fetch(c, tenant, ids[i], &h);
        if (err == DP_ENOTFOUND)
            continue; /* deleted between the two reads */
        if (err != DP_OK) {
            cJSON_Delete(arr);
            return err;
        }
        cJSON *o = endpoint_json(ids[i], h);
        freeReplyObject(h);
        if (!o) {
            cJSON_Delete(arr);
            return DP_ENOMEM;
        }
        cJSON_AddItemToArray(arr, o);
    }
    *out = arr;
    return DP_OK;
}

dp_err whstore_endpoint_get(redisContext *c, const char *tenant, const char *id, cJSON **out)
{
    redisReply *h = NULL;
    *out = NULL;
    dp_err err = endpoint_fetch(c, tenant, id, &h);
    if (err != DP_OK)
        return err;
    *out = endpoint_json(id, h);
    freeReplyObject(h);
    return *out ? DP_OK : DP_ENOMEM;
}

dp_err whstore_endpoint_delete(redisContext *c, const char *tenant, const char *id)
{
    char key[KEYS_MAX], idx[KEYS_MAX], dl[KEYS_MAX];
    struct rds_cmd cmds[2];
    redisReply *h = NULL;
    dp_err err = endpoint_fetch(c, tenant, id, &h);
    freeReplyObject(h);
    if (err != DP_OK)
        return err;
    keys_wh_endpoint(key, id);
    keys_wh_deliveries(dl, id, NULL);
    keys_wh_endpoints(idx, tenant);
    rds_cmd_init(&cmds[0]);
    rds_cmd_str(&cmds[0], "DEL");
    rds_cmd_str(&cmds[0], key);
    rds_cmd_str(&cmds[0], dl);
    rds_cmd_init(&cmds[1]);
    rds_cmd_str(&cmds[1], "ZREM");
    rds_cmd_str(&cmds[1], idx);
    rds_cmd_str(&cmds[1], id);
    return rds_multi(c, cmds, 2);
}

dp_err whstore_endpoint_disable(redisContext *c, const char *id, const char *reason)
{
    char key[KEYS_MAX];
    if (!id || keys_wh_endpoint(key, id) != DP_OK)
        return DP_EINVAL;
    const char *argv[] = {key, reason ? reason : ""};
    return rds_eval_found(c, &scripts_wh_endpoint_disable, 1, 1, argv);
}

dp_err whstore_endpoint_rotate_secret(redisContext *c, const char *tenant, const char *id,
                                      char *out, size_t outsz)
{
    char key[KEYS_MAX], old[WHSTORE_SECRETS_BUF], both[WHSTORE_SECRETS_BUF];
    struct rds_cmd cmd;
    redisReply *h = NULL;
    dp_err err = endpoint_fetch(c, tenant, id, &h);
    if (err != DP_OK)
        return err;
    err = rds_field_copy(h, "secrets", old, sizeof old);
    freeReplyObject(h);
    if (err != DP_OK)
        return err;
    if ((err = whsig_secret_generate(out, outsz)) != DP_OK)
        return err;
    char *sp = strchr(old, ' ');
    if (sp)
        *sp = '\0'; /* keep only the newest previous secret */
    int k = snprintf(both, sizeof both, "%s%s%.*s", out, *old ? " " : "", WHSIG_SECRET_MAX, old);
    if (k < 0 || (size_t)k >= sizeof both)
        return DP_ETOOBIG;
    keys_wh_endpoint(key, id);
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "HSET");
    rds_cmd_str(&cmd, key);
    rds_cmd_str(&cmd, "secrets");
    rds_cmd_str(&cmd, both);
    err = rds_run(c, &cmd, &h);
    freeReplyObject(h);
    return err;
}

dp_err whstore_endpoint_load(redisContext *c, const char *id, struct whstore_endpoint *ep)
{
    redisReply *h = NULL;
    char status[16];
    memset(ep, 0, sizeof *ep);
    dp_err err = endpoint_fetch(c, NULL, id, &h);
    if (err != DP_OK)
        return err;
    snprintf(ep->id, sizeof ep->id, "%s", id);
    if ((err = rds_field_copy(h, "tenant", ep->tenant, sizeof ep->tenant)) == DP_OK &&
        (err = rds_field_copy(h, "url", ep->url, sizeof ep->url)) == DP_OK &&
        (err = rds_field_copy(h, "events", ep->events, sizeof ep->events)) == DP_OK &&
        (err = rds_field_copy(h, "secrets", ep->secrets, sizeof ep->secrets)) == DP_OK &&
        (err = rds_field_copy(h, "status", status, sizeof status)) == DP_OK)
        ep->enabled = strcmp(status, "enabled") == 0;
    freeReplyObject(h);
    return err;
}

/* ---- tenant default secret ---- */

dp_err whstore_tenant_secret(redisContext *c, const char *tenant, char *out, size_t outsz)
{
    char key[KEYS_MAX], fresh[WHSIG_SECRET_MAX];
    struct rds_cmd cmd;
    redisReply *r = NULL;
    if (!tenant || !*tenant || keys_wh_secret(key, tenant) || outsz < WHSIG_SECRET_MAX)
        return DP_EINVAL;
    dp_err err = whsig_secret_generate(fresh, sizeof fresh);
    if (err != DP_OK)
        return err;
    /* SET NX GET (Redis >= 7.0): one round trip, and concurrent first users agree. */
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "SET");
    rds_cmd_str(&cmd, key);
    rds_cmd_str(&cmd, fresh);
    rds_cmd_str(&cmd, "NX");
    rds_cmd_str(&cmd, "GET");
    if ((err = rds_run(c, &cmd, &r)) != DP_OK)
        return err;
    if (r->type == REDIS_REPLY_STRING && r->len < outsz) {
        memcpy(out, r->str, r->len + 1);
    } else if (r->type == REDIS_REPLY_NIL) {
        snprintf(out, outsz, "%s", fresh); /* ours was stored */
    } else {
        err = DP_EREDIS;
    }
    freeReplyObject(r);
    return err;
}
