/* whstore_dlv.c -- webhook deliveries in Redis: fan-out, due queue, attempt history, retry-now. */
#include "whstore.h"
#include "whstore_int.h"
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#define DUE_KEY "dp:wh:due"
#define KEY_MAX (WHSTORE_TENANT_MAX + WHSTORE_ID_MAX + 24)

/* Create a delivery unless it exists: record, owner index (trimmed) and due entry at once. */
static const char create_lua[] =
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end "
    "redis.call('HSET', KEYS[1], 'event', ARGV[1], 'type', ARGV[2], 'tenant', ARGV[3], "
    "  'endpoint', ARGV[4], 'url', ARGV[5], 'status', 'pending', 'attempts', 0, "
    "  'next_at', ARGV[6], 'created', ARGV[6], 'last_error', '') "
    "redis.call('EXPIRE', KEYS[1], ARGV[7]) "
    "redis.call('ZADD', KEYS[2], ARGV[6], ARGV[8]) "
    "redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[9]) + 1)) "
    "redis.call('ZADD', KEYS[3], ARGV[6], ARGV[8]) "
    "return 1";

/* Claim due deliveries by pushing their score forward by the lease. */
static const char claim_lua[] =
    "local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3]) "
    "for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id) end "
    "return ids";

/* "dlv_" + 24 hex of SHA-256(event "|" endpoint): the same pair always maps to the same id. */
static dp_err delivery_id(const char *event, const char *endpoint, char *out, size_t outsz)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char in[2 * WHSTORE_ID_MAX + 2];
    int n = snprintf(in, sizeof in, "%s|%s", event, endpoint);
    if (n < 0 || (size_t)n >= sizeof in || outsz < 4 + 24 + 1)
        return DP_ETOOBIG;
    if (EVP_Digest(in, (size_t)n, md, &mdlen, EVP_sha256(), NULL) != 1)
        return DP_EIO;
    memcpy(out, "dlv_", 4);
    for (int i = 0; i < 12; i++)
        snprintf(out + 4 + 2 * i, 3, "%02x", md[i]);
    return DP_OK;
}

/* Index key of an endpoint's deliveries (callback deliveries are per tenant). */
static dp_err owner_key(char *out, size_t outsz, const char *tenant, const char *endpoint)
{
    if (strcmp(endpoint, WHSTORE_CALLBACK) == 0)
        return whstore_key(out, outsz, "dp:wh:dlvs:cb:", tenant, NULL);
    return whstore_key(out, outsz, "dp:wh:dlvs:", endpoint, NULL);
}

static dp_err delivery_create(redisContext *c, const struct whstore_event *ev, const char *endpoint,
                              const char *url, long long now_ms, size_t *created)
{
    char id[WHSTORE_ID_MAX], key[KEY_MAX], idx[KEY_MAX];
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    dp_err err = delivery_id(ev->id, endpoint, id, sizeof id);
    if (err != DP_OK)
        return err;
    if ((err = whstore_key(key, sizeof key, "dp:wh:dlv:", id, NULL)) != DP_OK ||
        (err = owner_key(idx, sizeof idx, ev->tenant, endpoint)) != DP_OK)
        return err;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "EVAL");
    whstore_cmd_str(&cmd, create_lua);
    whstore_cmd_str(&cmd, "3");
    whstore_cmd_str(&cmd, key);
    whstore_cmd_str(&cmd, idx);
    whstore_cmd_str(&cmd, DUE_KEY);
    whstore_cmd_str(&cmd, ev->id);
    whstore_cmd_str(&cmd, ev->type);
    whstore_cmd_str(&cmd, ev->tenant);
    whstore_cmd_str(&cmd, endpoint);
    whstore_cmd_str(&cmd, url);
    whstore_cmd_ll(&cmd, now_ms);
    whstore_cmd_ll(&cmd, WHSTORE_RETAIN_S);
    whstore_cmd_str(&cmd, id);
    whstore_cmd_ll(&cmd, WHSTORE_DELIVERIES_MAX);
    if ((err = whstore_run(c, &cmd, &r)) != DP_OK)
        return err;
    if (created && r->type == REDIS_REPLY_INTEGER && r->integer == 1)
        (*created)++;
    freeReplyObject(r);
    return DP_OK;
}

dp_err whstore_event_fanout(redisContext *c, const struct whstore_event *ev, long long now_ms,
                            size_t *created)
{
    char key[KEY_MAX], ids[WHSTORE_ENDPOINTS_MAX][WHSTORE_ID_MAX];
    struct whstore_cmd cmds[2];
    size_t n = 0, made = 0;
    if (!ev->id[0] || !ev->type[0] || !ev->tenant[0] || !ev->data)
        return DP_EINVAL;
    dp_err err = whstore_key(key, sizeof key, "dp:wh:evt:", ev->id, NULL);
    if (err != DP_OK)
        return err;
    whstore_cmd_init(&cmds[0]);
    whstore_cmd_str(&cmds[0], "HSET");
    whstore_cmd_str(&cmds[0], key);
    whstore_cmd_str(&cmds[0], "type");
    whstore_cmd_str(&cmds[0], ev->type);
    whstore_cmd_str(&cmds[0], "tenant");
    whstore_cmd_str(&cmds[0], ev->tenant);
    whstore_cmd_str(&cmds[0], "doc");
    whstore_cmd_str(&cmds[0], ev->doc);
    whstore_cmd_str(&cmds[0], "callback_url");
    whstore_cmd_str(&cmds[0], ev->callback_url);
    whstore_cmd_str(&cmds[0], "created");
    whstore_cmd_ll(&cmds[0], ev->created);
    whstore_cmd_str(&cmds[0], "data");
    whstore_cmd_buf(&cmds[0], ev->data, ev->data_len);
    whstore_cmd_init(&cmds[1]);
    whstore_cmd_str(&cmds[1], "EXPIRE");
    whstore_cmd_str(&cmds[1], key);
    whstore_cmd_ll(&cmds[1], WHSTORE_RETAIN_S);
    if ((err = whstore_multi(c, cmds, 2)) != DP_OK)
        return err;
    if (ev->callback_url[0] &&
        (err = delivery_create(c, ev, WHSTORE_CALLBACK, ev->callback_url, now_ms, &made)) != DP_OK)
        return err;
    if ((err = whstore_endpoint_ids(c, ev->tenant, ids, WHSTORE_ENDPOINTS_MAX, &n)) != DP_OK)
        return err;
    for (size_t i = 0; i < n; i++) {
        struct whstore_endpoint *ep = malloc(sizeof *ep); /* ~3.5 kB: keep it off the stack */
        if (!ep)
            return DP_ENOMEM;
        err = whstore_endpoint_load(c, ids[i], ep);
        if (err == DP_OK && ep->enabled && whstore_events_match(ep->events, ev->type))
            err = delivery_create(c, ev, ep->id, ep->url, now_ms, &made);
        free(ep);
        if (err != DP_OK && err != DP_ENOTFOUND)
            return err;
    }
    if (created)
        *created = made;
    return DP_OK;
}

dp_err whstore_event_load(redisContext *c, const char *id, struct whstore_event *ev)
{
    char key[KEY_MAX];
    struct whstore_cmd cmd;
    redisReply *h = NULL;
    memset(ev, 0, sizeof *ev);
    if (!id || whstore_key(key, sizeof key, "dp:wh:evt:", id, NULL) != DP_OK)
        return DP_ENOTFOUND;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "HGETALL");
    whstore_cmd_str(&cmd, key);
    dp_err err = whstore_run(c, &cmd, &h);
    if (err != DP_OK)
        return err;
    const redisReply *data = whstore_hfield(h, "data");
    if (!data || data->type != REDIS_REPLY_STRING) {
        freeReplyObject(h);
        return DP_ENOTFOUND;
    }
    snprintf(ev->id, sizeof ev->id, "%s", id);
    if ((err = whstore_hcopy(h, "type", ev->type, sizeof ev->type)) == DP_OK &&
        (err = whstore_hcopy(h, "tenant", ev->tenant, sizeof ev->tenant)) == DP_OK &&
        (err = whstore_hcopy(h, "doc", ev->doc, sizeof ev->doc)) == DP_OK &&
        (err = whstore_hcopy(h, "callback_url", ev->callback_url, sizeof ev->callback_url)) ==
            DP_OK) {
        ev->created = whstore_hll(h, "created");
        ev->data = malloc(data->len + 1);
        if (!ev->data) {
            err = DP_ENOMEM;
        } else {
            memcpy(ev->data, data->str, data->len + 1);
            ev->data_len = data->len;
        }
    }
    freeReplyObject(h);
    return err;
}

dp_err whstore_due_claim(redisContext *c, long long now_ms, long long lease_ms,
                         char (*ids)[WHSTORE_ID_MAX], size_t max, size_t *n)
{
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    *n = 0;
    if (max == 0)
        return DP_OK;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "EVAL");
    whstore_cmd_str(&cmd, claim_lua);
    whstore_cmd_str(&cmd, "1");
    whstore_cmd_str(&cmd, DUE_KEY);
    whstore_cmd_ll(&cmd, now_ms);
    whstore_cmd_ll(&cmd, now_ms + lease_ms);
    whstore_cmd_ll(&cmd, (long long)max);
    dp_err err = whstore_run(c, &cmd, &r);
    if (err != DP_OK)
        return err;
    whstore_reply_ids(r, ids, max, n);
    return DP_OK;
}

/* HGETALL of a delivery record; DP_ENOTFOUND when missing. */
static dp_err delivery_fetch(redisContext *c, const char *id, redisReply **h)
{
    char key[KEY_MAX];
    struct whstore_cmd cmd;
    *h = NULL;
    if (!id || whstore_key(key, sizeof key, "dp:wh:dlv:", id, NULL) != DP_OK)
        return DP_ENOTFOUND;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "HGETALL");
    whstore_cmd_str(&cmd, key);
    dp_err err = whstore_run(c, &cmd, h);
    if (err == DP_OK && ((*h)->type != REDIS_REPLY_ARRAY || (*h)->elements == 0)) {
        freeReplyObject(*h);
        *h = NULL;
        err = DP_ENOTFOUND;
    }
    return err;
}

dp_err whstore_delivery_load(redisContext *c, const char *id, struct whstore_delivery *d)
{
    redisReply *h = NULL;
    memset(d, 0, sizeof *d);
    dp_err err = delivery_fetch(c, id, &h);
    if (err != DP_OK)
        return err;
    snprintf(d->id, sizeof d->id, "%s", id);
    if ((err = whstore_hcopy(h, "event", d->event, sizeof d->event)) == DP_OK &&
        (err = whstore_hcopy(h, "tenant", d->tenant, sizeof d->tenant)) == DP_OK &&
        (err = whstore_hcopy(h, "endpoint", d->endpoint, sizeof d->endpoint)) == DP_OK &&
        (err = whstore_hcopy(h, "url", d->url, sizeof d->url)) == DP_OK &&
        (err = whstore_hcopy(h, "status", d->status, sizeof d->status)) == DP_OK)
        d->attempts = (int)whstore_hll(h, "attempts");
    freeReplyObject(h);
    return err;
}

dp_err whstore_attempt_record(redisContext *c, const char *id, const struct whstore_attempt *a,
                              const char *status, long long next_due_ms)
{
    char key[KEY_MAX], att[KEY_MAX];
    struct whstore_cmd cmds[7];
    const char *error = a->error ? a->error : "";
    dp_err err = whstore_key(key, sizeof key, "dp:wh:dlv:", id, NULL);
    if (err != DP_OK || (err = whstore_key(att, sizeof att, "dp:wh:dlv:", id, ":att")) != DP_OK)
        return err;
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddNumberToObject(o, "at", (double)a->at) ||
        !cJSON_AddNumberToObject(o, "status_code", a->status_code) ||
        !cJSON_AddNumberToObject(o, "latency_ms", (double)a->latency_ms) ||
        !cJSON_AddStringToObject(o, "error", error)) {
        cJSON_Delete(o);
        return DP_ENOMEM;
    }
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!json)
        return DP_ENOMEM;
    whstore_cmd_init(&cmds[0]);
    whstore_cmd_str(&cmds[0], "LPUSH");
    whstore_cmd_str(&cmds[0], att);
    whstore_cmd_str(&cmds[0], json);
    whstore_cmd_init(&cmds[1]);
    whstore_cmd_str(&cmds[1], "LTRIM");
    whstore_cmd_str(&cmds[1], att);
    whstore_cmd_str(&cmds[1], "0");
    whstore_cmd_ll(&cmds[1], WHSTORE_ATTEMPTS_MAX - 1);
    whstore_cmd_init(&cmds[2]);
    whstore_cmd_str(&cmds[2], "EXPIRE");
    whstore_cmd_str(&cmds[2], att);
    whstore_cmd_ll(&cmds[2], WHSTORE_RETAIN_S);
    whstore_cmd_init(&cmds[3]);
    whstore_cmd_str(&cmds[3], "HSET");
    whstore_cmd_str(&cmds[3], key);
    whstore_cmd_str(&cmds[3], "status");
    whstore_cmd_str(&cmds[3], status);
    whstore_cmd_str(&cmds[3], "last_error");
    whstore_cmd_str(&cmds[3], error);
    whstore_cmd_str(&cmds[3], "next_at");
    whstore_cmd_ll(&cmds[3], next_due_ms);
    whstore_cmd_init(&cmds[4]);
    whstore_cmd_str(&cmds[4], "HINCRBY");
    whstore_cmd_str(&cmds[4], key);
    whstore_cmd_str(&cmds[4], "attempts");
    whstore_cmd_str(&cmds[4], "1");
    whstore_cmd_init(&cmds[5]);
    if (next_due_ms > 0) {
        whstore_cmd_str(&cmds[5], "ZADD");
        whstore_cmd_str(&cmds[5], DUE_KEY);
        whstore_cmd_ll(&cmds[5], next_due_ms);
    } else {
        whstore_cmd_str(&cmds[5], "ZREM");
        whstore_cmd_str(&cmds[5], DUE_KEY);
    }
    whstore_cmd_str(&cmds[5], id);
    whstore_cmd_init(&cmds[6]); /* /metrics: attempts by outcome */
    whstore_cmd_str(&cmds[6], "HINCRBY");
    whstore_cmd_str(&cmds[6], STATS_WEBHOOK_KEY);
    whstore_cmd_str(&cmds[6], stats_webhook_outcome(status));
    whstore_cmd_str(&cmds[6], "1");
    err = whstore_multi(c, cmds, 7);
    cJSON_free(json);
    return err;
}

dp_err whstore_due_drop(redisContext *c, const char *id)
{
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "ZREM");
    whstore_cmd_str(&cmd, DUE_KEY);
    whstore_cmd_str(&cmd, id);
    dp_err err = whstore_run(c, &cmd, &r);
    freeReplyObject(r);
    return err;
}

/* ---- API side ---- */

/* DP_OK when endpoint is the tenant's (or WHSTORE_CALLBACK); fills the owner index key. */
static dp_err endpoint_owned(redisContext *c, const char *tenant, const char *endpoint, char *idx,
                             size_t idxsz)
{
    if (!tenant || !endpoint)
        return DP_EINVAL;
    if (strcmp(endpoint, WHSTORE_CALLBACK) != 0) {
        cJSON *ep = NULL;
        dp_err err = whstore_endpoint_get(c, tenant, endpoint, &ep);
        cJSON_Delete(ep);
        if (err != DP_OK)
            return err;
    }
    return owner_key(idx, idxsz, tenant, endpoint);
}

/* Delivery JSON with its attempts; DP_ENOTFOUND unless it belongs to tenant and endpoint. */
static dp_err delivery_json(redisContext *c, const char *tenant, const char *endpoint,
                            const char *id, cJSON **out)
{
    char buf[WHSTORE_URL_MAX], when[32], att[KEY_MAX];
    struct whstore_cmd cmd;
    redisReply *h = NULL, *l = NULL;
    *out = NULL;
    dp_err err = delivery_fetch(c, id, &h);
    if (err != DP_OK)
        return err;
    whstore_hcopy(h, "tenant", buf, sizeof buf);
    int mine = strcmp(buf, tenant) == 0;
    whstore_hcopy(h, "endpoint", buf, sizeof buf);
    if (!mine || strcmp(buf, endpoint) != 0) {
        freeReplyObject(h);
        return DP_ENOTFOUND;
    }
    whstore_key(att, sizeof att, "dp:wh:dlv:", id, ":att");
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "LRANGE");
    whstore_cmd_str(&cmd, att);
    whstore_cmd_str(&cmd, "0");
    whstore_cmd_str(&cmd, "-1");
    if ((err = whstore_run(c, &cmd, &l)) != DP_OK) {
        freeReplyObject(h);
        return err;
    }
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    if (!o || !arr) {
        cJSON_Delete(o);
        cJSON_Delete(arr);
        freeReplyObject(h);
        freeReplyObject(l);
        return DP_ENOMEM;
    }
    cJSON_AddStringToObject(o, "id", id);
    whstore_hcopy(h, "event", buf, sizeof buf);
    cJSON_AddStringToObject(o, "event_id", buf);
    whstore_hcopy(h, "type", buf, sizeof buf);
    cJSON_AddStringToObject(o, "event_type", buf);
    whstore_hcopy(h, "url", buf, sizeof buf);
    cJSON_AddStringToObject(o, "url", buf);
    whstore_hcopy(h, "status", buf, sizeof buf);
    cJSON_AddStringToObject(o, "status", buf);
    cJSON_AddNumberToObject(o, "attempt_count", (double)whstore_hll(h, "attempts"));
    long long next = whstore_hll(h, "next_at");
    if (next > 0 && strcmp(buf, "pending") == 0) {
        whstore_iso8601(next / 1000, when, sizeof when);
        cJSON_AddStringToObject(o, "next_attempt_at", when);
    } else {
        cJSON_AddNullToObject(o, "next_attempt_at");
    }
    whstore_iso8601(whstore_hll(h, "created") / 1000, when, sizeof when);
    cJSON_AddStringToObject(o, "created_at", when);
    for (size_t i = 0; l->type == REDIS_REPLY_ARRAY && i < l->elements; i++) {
        cJSON *a = cJSON_ParseWithLength(l->element[i]->str, l->element[i]->len);
        cJSON *at = a ? cJSON_GetObjectItemCaseSensitive(a, "at") : NULL;
        if (cJSON_IsNumber(at)) { /* stored as unix seconds, shown as ISO 8601 */
            whstore_iso8601((long long)at->valuedouble, when, sizeof when);
            cJSON_ReplaceItemInObjectCaseSensitive(a, "at", cJSON_CreateString(when));
        }
        if (a)
            cJSON_AddItemToArray(arr, a);
    }
    cJSON_AddItemToObject(o, "attempts", arr);
    freeReplyObject(h);
    freeReplyObject(l);
    *out = o;
    return DP_OK;
}

dp_err whstore_delivery_list(redisContext *c, const char *tenant, const char *endpoint,
                             size_t limit, cJSON **out)
{
    char idx[KEY_MAX];
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    *out = NULL;
    dp_err err = endpoint_owned(c, tenant, endpoint, idx, sizeof idx);
    if (err != DP_OK)
        return err;
    if (limit == 0 || limit > WHSTORE_DELIVERIES_MAX)
        limit = WHSTORE_DELIVERIES_MAX;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "ZREVRANGE");
    whstore_cmd_str(&cmd, idx);
    whstore_cmd_str(&cmd, "0");
    whstore_cmd_ll(&cmd, (long long)limit - 1);
    if ((err = whstore_run(c, &cmd, &r)) != DP_OK)
        return err;
    cJSON *arr = cJSON_CreateArray();
    if (!arr) {
        freeReplyObject(r);
        return DP_ENOMEM;
    }
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        cJSON *d = NULL;
        err = delivery_json(c, tenant, endpoint, r->element[i]->str, &d);
        if (err == DP_ENOTFOUND)
            continue; /* expired record */
        if (err != DP_OK) {
            cJSON_Delete(arr);
            freeReplyObject(r);
            return err;
        }
        cJSON_AddItemToArray(arr, d);
    }
    freeReplyObject(r);
    *out = arr;
    return DP_OK;
}

dp_err whstore_delivery_get(redisContext *c, const char *tenant, const char *endpoint,
                            const char *dlv, cJSON **out)
{
    char idx[KEY_MAX];
    *out = NULL;
    dp_err err = endpoint_owned(c, tenant, endpoint, idx, sizeof idx);
    if (err != DP_OK)
        return err;
    return delivery_json(c, tenant, endpoint, dlv, out);
}

dp_err whstore_delivery_retry(redisContext *c, const char *tenant, const char *endpoint,
                              const char *dlv)
{
    char key[KEY_MAX];
    struct whstore_cmd cmds[2];
    cJSON *d = NULL;
    dp_err err = whstore_delivery_get(c, tenant, endpoint, dlv, &d);
    cJSON_Delete(d);
    if (err != DP_OK)
        return err;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    whstore_key(key, sizeof key, "dp:wh:dlv:", dlv, NULL);
    whstore_cmd_init(&cmds[0]);
    whstore_cmd_str(&cmds[0], "HSET");
    whstore_cmd_str(&cmds[0], key);
    whstore_cmd_str(&cmds[0], "status");
    whstore_cmd_str(&cmds[0], "pending");
    whstore_cmd_str(&cmds[0], "next_at");
    whstore_cmd_ll(&cmds[0], now_ms);
    whstore_cmd_init(&cmds[1]);
    whstore_cmd_str(&cmds[1], "ZADD");
    whstore_cmd_str(&cmds[1], DUE_KEY);
    whstore_cmd_ll(&cmds[1], now_ms);
    whstore_cmd_str(&cmds[1], dlv);
    return whstore_multi(c, cmds, 2);
}
