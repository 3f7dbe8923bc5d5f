/* whstore_dlv.c -- webhook deliveries in Redis: fan-out, due queue, attempt history, retry-now. */
#include "whstore.h"
#include "keys.h"
#include "rds.h"
#include "scripts.h"
#include "seal.h"
#include "stats.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

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
static dp_err owner_key(char out[KEYS_MAX], const char *tenant, const char *endpoint)
{
    return keys_wh_deliveries(out, endpoint,
                              strcmp(endpoint, WHSTORE_CALLBACK) == 0 ? tenant : NULL);
}

static dp_err delivery_create(redisContext *c, const struct whstore_event *ev, const char *endpoint,
                              const char *url, long long now_ms, size_t *created)
{
    char id[WHSTORE_ID_MAX], key[KEYS_MAX], idx[KEYS_MAX];
    redisReply *r = NULL;
    dp_err err = delivery_id(ev->id, endpoint, id, sizeof id);
    if (err != DP_OK)
        return err;
    if ((err = keys_wh_delivery(key, id)) != DP_OK ||
        (err = owner_key(idx, ev->tenant, endpoint)) != DP_OK)
        return err;
    char now[24], retain[24], keep[24];
    snprintf(now, sizeof now, "%lld", now_ms);
    snprintf(retain, sizeof retain, "%d", WHSTORE_RETAIN_S);
    snprintf(keep, sizeof keep, "%d", WHSTORE_DELIVERIES_MAX);
    const char *argv[] = {key,      idx, KEYS_WH_DUE, ev->id, ev->type, ev->tenant,
                          endpoint, url, now,         retain, id,       keep};
    if ((err = rds_eval(c, &scripts_wh_delivery_create, 3, 9, argv, NULL, &r, NULL, 0)) != DP_OK)
        return err;
    if (created && r->type == REDIS_REPLY_INTEGER && r->integer == 1)
        (*created)++;
    freeReplyObject(r);
    return DP_OK;
}

dp_err whstore_event_fanout(redisContext *c, const struct whstore_event *ev, long long now_ms,
                            size_t *created)
{
    char key[KEYS_MAX], ids[WHSTORE_ENDPOINTS_MAX][WHSTORE_ID_MAX];
    struct rds_cmd cmds[2];
    size_t n = 0, made = 0;
    if (!ev->id[0] || !ev->type[0] || !ev->tenant[0] || !ev->data)
        return DP_EINVAL;
    dp_err err = keys_wh_event(key, ev->id);
    if (err != DP_OK)
        return err;
    rds_cmd_init(&cmds[0]);
    rds_cmd_str(&cmds[0], "HSET");
    rds_cmd_str(&cmds[0], key);
    rds_cmd_str(&cmds[0], "type");
    rds_cmd_str(&cmds[0], ev->type);
    rds_cmd_str(&cmds[0], "tenant");
    rds_cmd_str(&cmds[0], ev->tenant);
    rds_cmd_str(&cmds[0], "doc");
    rds_cmd_str(&cmds[0], ev->doc);
    rds_cmd_str(&cmds[0], "callback_url");
    rds_cmd_str(&cmds[0], ev->callback_url);
    rds_cmd_str(&cmds[0], "created");
    rds_cmd_ll(&cmds[0], ev->created);
    rds_cmd_str(&cmds[0], "data");
    rds_cmd_buf(&cmds[0], ev->data, ev->data_len);
    rds_cmd_init(&cmds[1]);
    rds_cmd_str(&cmds[1], "EXPIRE");
    rds_cmd_str(&cmds[1], key);
    rds_cmd_ll(&cmds[1], WHSTORE_RETAIN_S);
    if ((err = rds_multi(c, cmds, 2)) != DP_OK)
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
    char key[KEYS_MAX];
    struct rds_cmd cmd;
    redisReply *h = NULL;
    memset(ev, 0, sizeof *ev);
    if (!id || keys_wh_event(key, id) != DP_OK)
        return DP_ENOTFOUND;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "HGETALL");
    rds_cmd_str(&cmd, key);
    dp_err err = rds_run(c, &cmd, &h);
    if (err != DP_OK)
        return err;
    const redisReply *data = rds_field(h, "data");
    if (!data || data->type != REDIS_REPLY_STRING) {
        freeReplyObject(h);
        return DP_ENOTFOUND;
    }
    snprintf(ev->id, sizeof ev->id, "%s", id);
    if ((err = rds_field_copy(h, "type", ev->type, sizeof ev->type)) == DP_OK &&
        (err = rds_field_copy(h, "tenant", ev->tenant, sizeof ev->tenant)) == DP_OK &&
        (err = rds_field_copy(h, "doc", ev->doc, sizeof ev->doc)) == DP_OK &&
        (err = rds_field_copy(h, "callback_url", ev->callback_url, sizeof ev->callback_url)) ==
            DP_OK) {
        ev->created = rds_field_ll(h, "created");
        ev->data = malloc(data->len + 1);
        if (!ev->data) {
            err = DP_ENOMEM;
        } else {
            memcpy(ev->data, data->str, data->len + 1);
            ev->data_len = data->len;
            /* Sealed by the worker (encryption at rest): opened only to be sent. */
            char aad[SEAL_AAD_MAX];
            snprintf(aad, sizeof aad, "%s/data", id);
            err = seal_open_inplace(aad, &ev->data, &ev->data_len);
        }
    }
    freeReplyObject(h);
    return err;
}

dp_err whstore_due_claim(redisContext *c, long long now_ms, long long lease_ms,
                         char (*ids)[WHSTORE_ID_MAX], size_t max, size_t *n)
{
    redisReply *r = NULL;
    *n = 0;
    if (max == 0)
        return DP_OK;
    char now[24], until[24], most[24];
    snprintf(now, sizeof now, "%lld", now_ms);
    snprintf(until, sizeof until, "%lld", now_ms + lease_ms);
    snprintf(most, sizeof most, "%zu", max);
    const char *argv[] = {KEYS_WH_DUE, now, until, most};
    dp_err err = rds_eval(c, &scripts_wh_due_claim, 1, 3, argv, NULL, &r, NULL, 0);
    if (err != DP_OK)
        return err;
    rds_ids(r, ids[0], WHSTORE_ID_MAX, max, n);
    freeReplyObject(r);
    return DP_OK;
}

/* HGETALL of a delivery record; DP_ENOTFOUND when missing. */
static dp_err delivery_fetch(redisContext *c, const char *id, redisReply **h)
{
    char key[KEYS_MAX];
    struct rds_cmd cmd;
    *h = NULL;
    if (!id || keys_wh_delivery(key, id) != DP_OK)
        return DP_ENOTFOUND;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "HGETALL");
    rds_cmd_str(&cmd, key);
    dp_err err = rds_run(c, &cmd, h);
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
    if ((err = rds_field_copy(h, "event", d->event, sizeof d->event)) == DP_OK &&
        (err = rds_field_copy(h, "tenant", d->tenant, sizeof d->tenant)) == DP_OK &&
        (err = rds_field_copy(h, "endpoint", d->endpoint, sizeof d->endpoint)) == DP_OK &&
        (err = rds_field_copy(h, "url", d->url, sizeof d->url)) == DP_OK &&
        (err = rds_field_copy(h, "status", d->status, sizeof d->status)) == DP_OK)
        d->attempts = (int)rds_field_ll(h, "attempts");
    freeReplyObject(h);
    return err;
}

dp_err whstore_attempt_record(redisContext *c, const char *id, const struct whstore_attempt *a,
                              const char *status, long long next_due_ms)
{
    char key[KEYS_MAX], att[KEYS_MAX];
    struct rds_cmd cmds[7];
    const char *error = a->error ? a->error : "";
    dp_err err = keys_wh_delivery(key, id);
    if (err != DP_OK || (err = keys_wh_attempts(att, id)) != DP_OK)
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
    rds_cmd_init(&cmds[0]);
    rds_cmd_str(&cmds[0], "LPUSH");
    rds_cmd_str(&cmds[0], att);
    rds_cmd_str(&cmds[0], json);
    rds_cmd_init(&cmds[1]);
    rds_cmd_str(&cmds[1], "LTRIM");
    rds_cmd_str(&cmds[1], att);
    rds_cmd_str(&cmds[1], "0");
    rds_cmd_ll(&cmds[1], WHSTORE_ATTEMPTS_MAX - 1);
    rds_cmd_init(&cmds[2]);
    rds_cmd_str(&cmds[2], "EXPIRE");
    rds_cmd_str(&cmds[2], att);
    rds_cmd_ll(&cmds[2], WHSTORE_RETAIN_S);
    rds_cmd_init(&cmds[3]);
    rds_cmd_str(&cmds[3], "HSET");
    rds_cmd_str(&cmds[3], key);
    rds_cmd_str(&cmds[3], "status");
    rds_cmd_str(&cmds[3], status);
    rds_cmd_str(&cmds[3], "last_error");
    rds_cmd_str(&cmds[3], error);
    rds_cmd_str(&cmds[3], "next_at");
    rds_cmd_ll(&cmds[3], next_due_ms);
    rds_cmd_init(&cmds[4]);
    rds_cmd_str(&cmds[4], "HINCRBY");
    rds_cmd_str(&cmds[4], key);
    rds_cmd_str(&cmds[4], "attempts");
    rds_cmd_str(&cmds[4], "1");
    rds_cmd_init(&cmds[5]);
    if (next_due_ms > 0) {
        rds_cmd_str(&cmds[5], "ZADD");
        rds_cmd_str(&cmds[5], KEYS_WH_DUE);
        rds_cmd_ll(&cmds[5], next_due_ms);
    } else {
        rds_cmd_str(&cmds[5], "ZREM");
        rds_cmd_str(&cmds[5], KEYS_WH_DUE);
    }
    rds_cmd_str(&cmds[5], id);
    rds_cmd_init(&cmds[6]); /* /metrics: attempts by outcome */
    rds_cmd_str(&cmds[6], "HINCRBY");
    rds_cmd_str(&cmds[6], KEYS_METRICS_WEBHOOK);
    rds_cmd_str(&cmds[6], stats_webhook_outcome(status));
    rds_cmd_str(&cmds[6], "1");
    err = rds_multi(c, cmds, 7);
    cJSON_free(json);
    return err;
}

dp_err whstore_due_drop(redisContext *c, const char *id)
{
    struct rds_cmd cmd;
    redisReply *r = NULL;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "ZREM");
    rds_cmd_str(&cmd, KEYS_WH_DUE);
    rds_cmd_str(&cmd, id);
    dp_err err = rds_run(c, &cmd, &r);
    freeReplyObject(r);
    return err;
}

/* ---- API side ---- */

/* DP_OK when endpoint is the tenant's (or WHSTORE_CALLBACK); fills the owner index key. */
static dp_err endpoint_owned(redisContext *c, const char *tenant, const char *endpoint,
                             char idx[KEYS_MAX])
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
    return owner_key(idx, tenant, endpoint);
}

/* Delivery JSON with its attempts; DP_ENOTFOUND unless it belongs to tenant and endpoint. */
static dp_err delivery_json(redisContext *c, const char *tenant, const char *endpoint,
                            const char *id, cJSON **out)
{
    char buf[WHSTORE_URL_MAX], when[32], att[KEYS_MAX];
    struct rds_cmd cmd;
    redisReply *h = NULL, *l = NULL;
    *out = NULL;
    dp_err err = delivery_fetch(c, id, &h);
    if (err != DP_OK)
        return err;
    rds_field_copy(h, "tenant", buf, sizeof buf);
    int mine = strcmp(buf, tenant) == 0;
    rds_field_copy(h, "endpoint", buf, sizeof buf);
    if (!mine || strcmp(buf, endpoint) != 0) {
        freeReplyObject(h);
        return DP_ENOTFOUND;
    }
    keys_wh_attempts(att, id);
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "LRANGE");
    rds_cmd_str(&cmd, att);
    rds_cmd_str(&cmd, "0");
    rds_cmd_str(&cmd, "-1");
    if ((err = rds_run(c, &cmd, &l)) != DP_OK) {
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
    rds_field_copy(h, "event", buf, sizeof buf);
    cJSON_AddStringToObject(o, "event_id", buf);
    rds_field_copy(h, "type", buf, sizeof buf);
    cJSON_AddStringToObject(o, "event_type", buf);
    rds_field_copy(h, "url", buf, sizeof buf);
    cJSON_AddStringToObject(o, "url", buf);
    rds_field_copy(h, "status", buf, sizeof buf);
    cJSON_AddStringToObject(o, "status", buf);
    cJSON_AddNumberToObject(o, "attempt_count", (double)rds_field_ll(h, "attempts"));
    long long next = rds_field_ll(h, "next_at");
    if (next > 0 && strcmp(buf, "pending") == 0) {
        util_iso8601_s(next / 1000, when);
        cJSON_AddStringToObject(o, "next_attempt_at", when);
    } else {
        cJSON_AddNullToObject(o, "next_attempt_at");
    }
    util_iso8601_s(rds_field_ll(h, "created") / 1000, when);
    cJSON_AddStringToObject(o, "created_at", when);
    for (size_t i = 0; l->type == REDIS_REPLY_ARRAY && i < l->elements; i++) {
        cJSON *a = cJSON_ParseWithLength(l->element[i]->str, l->element[i]->len);
        cJSON *at = a ? cJSON_GetObjectItemCaseSensitive(a, "at") : NULL;
        if (cJSON_IsNumber(at)) { /* stored as unix seconds, shown as ISO 8601 */
            util_iso8601_s((long long)at->valuedouble, when);
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
    char idx[KEYS_MAX];
    struct rds_cmd cmd;
    redisReply *r = NULL;
    *out = NULL;
    dp_err err = endpoint_owned(c, tenant, endpoint, idx);
    if (err != DP_OK)
        return err;
    if (limit == 0 || limit > WHSTORE_DELIVERIES_MAX)
        limit = WHSTORE_DELIVERIES_MAX;
    rds_cmd_init(&cmd);
    rds_cmd_str(&cmd, "ZREVRANGE");
    rds_cmd_str(&cmd, idx);
    rds_cmd_str(&cmd, "0");
    rds_cmd_ll(&cmd, (long long)limit - 1);
    if ((err = rds_run(c, &cmd, &r)) != DP_OK)
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
    char idx[KEYS_MAX];
    *out = NULL;
    dp_err err = endpoint_owned(c, tenant, endpoint, idx);
    if (err != DP_OK)
        return err;
    return delivery_json(c, tenant, endpoint, dlv, out);
}

dp_err whstore_delivery_retry(redisContext *c, const char *tenant, const char *endpoint,
                              const char *dlv)
{
    char key[KEYS_MAX];
    struct rds_cmd cmds[2];
    cJSON *d = NULL;
    dp_err err = whstore_delivery_get(c, tenant, endpoint, dlv, &d);
    cJSON_Delete(d);
    if (err != DP_OK)
        return err;
    long long now_ms = (long long)util_now_ms();
    keys_wh_delivery(key, dlv);
    rds_cmd_init(&cmds[0]);
    rds_cmd_str(&cmds[0], "HSET");
    rds_cmd_str(&cmds[0], key);
    rds_cmd_str(&cmds[0], "status");
    rds_cmd_str(&cmds[0], "pending");
    rds_cmd_str(&cmds[0], "next_at");
    rds_cmd_ll(&cmds[0], now_ms);
    rds_cmd_init(&cmds[1]);
    rds_cmd_str(&cmds[1], "ZADD");
    rds_cmd_str(&cmds[1], KEYS_WH_DUE);
    rds_cmd_ll(&cmds[1], now_ms);
    rds_cmd_str(&cmds[1], dlv);
    return rds_multi(c, cmds, 2);
}
