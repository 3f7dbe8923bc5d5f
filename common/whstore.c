/* whstore.c -- webhook state in Redis: command helpers, events, endpoints, tenant secrets. */
#include "whstore.h"
#include "whstore_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>
#include "ssrf.h"

/* ---- command helpers ---- */

void whstore_cmd_init(struct whstore_cmd *cmd)
{
    cmd->argc = 0;
}

void whstore_cmd_buf(struct whstore_cmd *cmd, const char *s, size_t len)
{
    if (cmd->argc >= WHSTORE_ARGS_MAX) {
        cmd->argc = WHSTORE_ARGS_MAX + 1; /* overflow: whstore_run refuses it */
        return;
    }
    cmd->argv[cmd->argc] = s;
    cmd->len[cmd->argc] = len;
    cmd->argc++;
}

void whstore_cmd_str(struct whstore_cmd *cmd, const char *s)
{
    whstore_cmd_buf(cmd, s, strlen(s));
}

void whstore_cmd_ll(struct whstore_cmd *cmd, long long v)
{
    if (cmd->argc >= WHSTORE_ARGS_MAX) {
        cmd->argc = WHSTORE_ARGS_MAX + 1;
        return;
    }
    int n = snprintf(cmd->num[cmd->argc], sizeof cmd->num[0], "%lld", v);
    whstore_cmd_buf(cmd, cmd->num[cmd->argc], (size_t)n);
}

dp_err whstore_run(redisContext *c, struct whstore_cmd *cmd, redisReply **reply)
{
    *reply = NULL;
    if (!c || c->err || cmd->argc > WHSTORE_ARGS_MAX || cmd->argc == 0)
        return DP_EREDIS;
    redisReply *r = redisCommandArgv(c, cmd->argc, cmd->argv, cmd->len);
    if (!r)
        return DP_EREDIS;
    if (r->type == REDIS_REPLY_ERROR) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    *reply = r;
    return DP_OK;
}

void whstore_reply_ids(redisReply *r, char (*ids)[WHSTORE_ID_MAX], size_t max, size_t *n)
{
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements && *n < max; i++) {
        const redisReply *e = r->element[i];
        if (e->type == REDIS_REPLY_STRING && e->len < WHSTORE_ID_MAX)
            memcpy(ids[(*n)++], e->str, e->len + 1);
    }
    freeReplyObject(r);
}

dp_err whstore_multi(redisContext *c, struct whstore_cmd *cmds, size_t n)
{
    static const char *multi = "MULTI", *exec = "EXEC";
    dp_err err = DP_OK;
    if (!c || c->err)
        return DP_EREDIS;
    for (size_t i = 0; i < n; i++)
        if (cmds[i].argc > WHSTORE_ARGS_MAX || cmds[i].argc == 0)
            return DP_EINVAL;
    redisAppendCommandArgv(c, 1, &multi, NULL);
    for (size_t i = 0; i < n; i++)
        redisAppendCommandArgv(c, cmds[i].argc, cmds[i].argv, cmds[i].len);
    redisAppendCommandArgv(c, 1, &exec, NULL);
    /* Read every queued reply even after a failure, so the connection stays in step. */
    for (size_t i = 0; i < n + 2; i++) {
        void *v = NULL;
        if (redisGetReply(c, &v) != REDIS_OK || !v)
            return DP_EREDIS;
        redisReply *r = v;
        if (r->type == REDIS_REPLY_ERROR)
            err = DP_EREDIS;
        else if (i == n + 1 && r->type != REDIS_REPLY_ARRAY)
            err = DP_EREDIS; /* EXEC aborted */
        for (size_t k = 0; i == n + 1 && r->type == REDIS_REPLY_ARRAY && k < r->elements; k++)
            if (r->element[k]->type == REDIS_REPLY_ERROR)
                err = DP_EREDIS;
        freeReplyObject(r);
    }
    return err;
}

const redisReply *whstore_hfield(const redisReply *r, const char *name)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < r->elements; i += 2)
        if (r->element[i]->type == REDIS_REPLY_STRING && strcmp(r->element[i]->str, name) == 0)
            return r->element[i + 1];
    return NULL;
}

dp_err whstore_hcopy(const redisReply *r, const char *name, char *out, size_t outsz)
{
    const redisReply *f = whstore_hfield(r, name);
    out[0] = '\0';
    if (!f || f->type != REDIS_REPLY_STRING)
        return DP_OK;
    if (f->len >= outsz)
        return DP_ETOOBIG;
    memcpy(out, f->str, f->len);
    out[f->len] = '\0';
    return DP_OK;
}

long long whstore_hll(const redisReply *r, const char *name)
{
    const redisReply *f = whstore_hfield(r, name);
    if (!f || f->type != REDIS_REPLY_STRING)
        return 0;
    char *end = NULL;
    long long v = strtoll(f->str, &end, 10);
    return end && *end == '\0' ? v : 0;
}

dp_err whstore_key(char *out, size_t outsz, const char *prefix, const char *a, const char *b)
{
    int n = snprintf(out, outsz, "%s%s%s", prefix, a, b ? b : "");
    return n < 0 || (size_t)n >= outsz ? DP_ETOOBIG : DP_OK;
}

dp_err whstore_random_id(const char *prefix, size_t nbytes, char *out, size_t outsz)
{
    unsigned char raw[32];
    size_t plen = strlen(prefix);
    if (nbytes > sizeof raw || plen + 2 * nbytes + 1 > outsz)
        return DP_ETOOBIG;
    if (RAND_bytes(raw, (int)nbytes) != 1)
        return DP_EIO;
    memcpy(out, prefix, plen);
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + plen + 2 * i, 3, "%02x", raw[i]);
    return DP_OK;
}

void whstore_iso8601(long long t, char *out, size_t outsz)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, outsz, "1970-01-01T00:00:00Z");
}

/* ---- events ---- */

dp_err whstore_emit_event(redisContext *c, const char *type, const char *tenant, const char *doc_id,
                          const char *callback_url, const char *data_json, size_t len)
{
    char id[WHSTORE_ID_MAX];
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    if (!type || !tenant || !doc_id || !data_json)
        return DP_EINVAL;
    if (len > WHSTORE_DATA_MAX)
        return DP_ETOOBIG;
    dp_err err = whstore_random_id("evt_", 16, id, sizeof id);
    if (err != DP_OK)
        return err;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "XADD");
    whstore_cmd_str(&cmd, WHSTORE_STREAM);
    whstore_cmd_str(&cmd, "*");
    whstore_cmd_str(&cmd, "id");
    whstore_cmd_str(&cmd, id);
    whstore_cmd_str(&cmd, "type");
    whstore_cmd_str(&cmd, type);
    whstore_cmd_str(&cmd, "tenant");
    whstore_cmd_str(&cmd, tenant);
    whstore_cmd_str(&cmd, "doc");
    whstore_cmd_str(&cmd, doc_id);
    whstore_cmd_str(&cmd, "callback_url");
    whstore_cmd_str(&cmd, callback_url ? callback_url : "");
    whstore_cmd_str(&cmd, "created");
    whstore_cmd_ll(&cmd, (long long)time(NULL));
    whstore_cmd_str(&cmd, "data");
    whstore_cmd_buf(&cmd, data_json, len);
    err = whstore_run(c, &cmd, &r);
    freeReplyObject(r);
    return err;
}

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
    whstore_hcopy(h, "url", buf, sizeof buf);
    cJSON_AddStringToObject(o, "url", buf);
    whstore_hcopy(h, "events", buf, sizeof buf);
    for (char *p = buf, *e; *p; p = e ? e + 1 : p + strlen(p)) {
        e = strchr(p, ',');
        if (e)
            *e = '\0';
        cJSON_AddItemToArray(ev, cJSON_CreateString(p));
    }
    cJSON_AddItemToObject(o, "events", ev);
    whstore_hcopy(h, "description", buf, sizeof buf);
    cJSON_AddStringToObject(o, "description", buf);
    whstore_hcopy(h, "status", buf, sizeof buf);
    cJSON_AddStringToObject(o, "status", buf);
    whstore_hcopy(h, "disabled_reason", buf, sizeof buf);
    if (*buf)
        cJSON_AddStringToObject(o, "disabled_reason", buf);
    whstore_iso8601(whstore_hll(h, "created"), when, sizeof when);
    cJSON_AddStringToObject(o, "created_at", when);
    return o;
}

/* HGETALL dp:wh:ep:<id>; DP_ENOTFOUND when missing or (tenant != NULL) another tenant's. */
static dp_err endpoint_fetch(redisContext *c, const char *tenant, const char *id, redisReply **h)
{
    char key[WHSTORE_ID_MAX + 16], owner[WHSTORE_TENANT_MAX];
    struct whstore_cmd cmd;
    *h = NULL;
    if (!id || whstore_key(key, sizeof key, "dp:wh:ep:", id, NULL) != DP_OK)
        return DP_ENOTFOUND;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "HGETALL");
    whstore_cmd_str(&cmd, key);
    dp_err err = whstore_run(c, &cmd, h);
    if (err != DP_OK)
        return err;
    if ((*h)->type != REDIS_REPLY_ARRAY || (*h)->elements == 0 ||
        whstore_hcopy(*h, "tenant", owner, sizeof owner) != DP_OK ||
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
    char key[WHSTORE_ID_MAX + 16], idx[WHSTORE_TENANT_MAX + 16];
    struct whstore_cmd cmds[2], cmd;
    redisReply *r = NULL;
    size_t used = 0;
    long long now = (long long)time(NULL);
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
    if (whstore_key(idx, sizeof idx, "dp:wh:eps:", tenant, NULL) != DP_OK)
        return DP_EINVAL;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "ZCARD");
    whstore_cmd_str(&cmd, idx);
    if ((err = whstore_run(c, &cmd, &r)) != DP_OK)
        return err;
    long long count = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    if (count >= WHSTORE_ENDPOINTS_MAX)
        return DP_ETOOBIG;
    if ((err = whstore_random_id("wh_", 12, id, sizeof id)) != DP_OK ||
        (err = whsig_secret_generate(secret, sizeof secret)) != DP_OK)
        return err;
    whstore_key(key, sizeof key, "dp:wh:ep:", id, NULL);
    struct whstore_cmd *h = &cmds[0], *z = &cmds[1];
    whstore_cmd_init(h);
    whstore_cmd_str(h, "HSET");
    whstore_cmd_str(h, key);
    const char *kv[] = {"tenant",          tenant, "url",         url,
                        "events",          filter, "description", description ? description : "",
                        "secrets",         secret, "status",      "enabled",
                        "disabled_reason", ""};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        whstore_cmd_str(h, kv[i]);
    whstore_cmd_str(h, "created");
    whstore_cmd_ll(h, now);
    whstore_cmd_init(z);
    whstore_cmd_str(z, "ZADD");
    whstore_cmd_str(z, idx);
    whstore_cmd_ll(z, now);
    whstore_cmd_str(z, id);
    if ((err = whstore_multi(c, cmds, 2)) != DP_OK)
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
    char idx[WHSTORE_TENANT_MAX + 16];
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    *n = 0;
    if (!tenant || whstore_key(idx, sizeof idx, "dp:wh:eps:", tenant, NULL) != DP_OK)
        return DP_EINVAL;
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "ZRANGE");
    whstore_cmd_str(&cmd, idx);
    whstore_cmd_str(&cmd, "0");
    whstore_cmd_ll(&cmd, (long long)max - 1);
    dp_err err = whstore_run(c, &cmd, &r);
    if (err != DP_OK)
        return err;
    whstore_reply_ids(r, ids, max, n);
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
    char key[WHSTORE_ID_MAX + 16], idx[WHSTORE_TENANT_MAX + 16], dl[WHSTORE_ID_MAX + 16];
    struct whstore_cmd cmds[2];
    redisReply *h = NULL;
    dp_err err = endpoint_fetch(c, tenant, id, &h);
    freeReplyObject(h);
    if (err != DP_OK)
        return err;
    whstore_key(key, sizeof key, "dp:wh:ep:", id, NULL);
    whstore_key(dl, sizeof dl, "dp:wh:dlvs:", id, NULL);
    whstore_key(idx, sizeof idx, "dp:wh:eps:", tenant, NULL);
    whstore_cmd_init(&cmds[0]);
    whstore_cmd_str(&cmds[0], "DEL");
    whstore_cmd_str(&cmds[0], key);
    whstore_cmd_str(&cmds[0], dl);
    whstore_cmd_init(&cmds[1]);
    whstore_cmd_str(&cmds[1], "ZREM");
    whstore_cmd_str(&cmds[1], idx);
    whstore_cmd_str(&cmds[1], id);
    return whstore_multi(c, cmds, 2);
}

dp_err whstore_endpoint_disable(redisContext *c, const char *id, const char *reason)
{
    char key[WHSTORE_ID_MAX + 16];
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    if (!id || whstore_key(key, sizeof key, "dp:wh:ep:", id, NULL) != DP_OK)
        return DP_EINVAL;
    /* HSET on a missing key would resurrect a deleted endpoint: only touch existing ones. */
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "EVAL");
    whstore_cmd_str(&cmd, "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                          "redis.call('HSET', KEYS[1], 'status', 'disabled', "
                          "'disabled_reason', ARGV[1]) return 1");
    whstore_cmd_str(&cmd, "1");
    whstore_cmd_str(&cmd, key);
    whstore_cmd_str(&cmd, reason ? reason : "");
    dp_err err = whstore_run(c, &cmd, &r);
    if (err == DP_OK && r->type == REDIS_REPLY_INTEGER && r->integer == 0)
        err = DP_ENOTFOUND;
    freeReplyObject(r);
    return err;
}

dp_err whstore_endpoint_rotate_secret(redisContext *c, const char *tenant, const char *id,
                                      char *out, size_t outsz)
{
    char key[WHSTORE_ID_MAX + 16], old[WHSTORE_SECRETS_BUF], both[WHSTORE_SECRETS_BUF];
    struct whstore_cmd cmd;
    redisReply *h = NULL;
    dp_err err = endpoint_fetch(c, tenant, id, &h);
    if (err != DP_OK)
        return err;
    err = whstore_hcopy(h, "secrets", old, sizeof old);
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
    whstore_key(key, sizeof key, "dp:wh:ep:", id, NULL);
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "HSET");
    whstore_cmd_str(&cmd, key);
    whstore_cmd_str(&cmd, "secrets");
    whstore_cmd_str(&cmd, both);
    err = whstore_run(c, &cmd, &h);
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
    if ((err = whstore_hcopy(h, "tenant", ep->tenant, sizeof ep->tenant)) == DP_OK &&
        (err = whstore_hcopy(h, "url", ep->url, sizeof ep->url)) == DP_OK &&
        (err = whstore_hcopy(h, "events", ep->events, sizeof ep->events)) == DP_OK &&
        (err = whstore_hcopy(h, "secrets", ep->secrets, sizeof ep->secrets)) == DP_OK &&
        (err = whstore_hcopy(h, "status", status, sizeof status)) == DP_OK)
        ep->enabled = strcmp(status, "enabled") == 0;
    freeReplyObject(h);
    return err;
}

/* ---- tenant default secret ---- */

dp_err whstore_tenant_secret(redisContext *c, const char *tenant, char *out, size_t outsz)
{
    char key[WHSTORE_TENANT_MAX + 16], fresh[WHSIG_SECRET_MAX];
    struct whstore_cmd cmd;
    redisReply *r = NULL;
    if (!tenant || !*tenant || whstore_key(key, sizeof key, "dp:wh:secret:", tenant, NULL) ||
        outsz < WHSIG_SECRET_MAX)
        return DP_EINVAL;
    dp_err err = whsig_secret_generate(fresh, sizeof fresh);
    if (err != DP_OK)
        return err;
    /* SET NX GET (Redis >= 7.0): one round trip, and concurrent first users agree. */
    whstore_cmd_init(&cmd);
    whstore_cmd_str(&cmd, "SET");
    whstore_cmd_str(&cmd, key);
    whstore_cmd_str(&cmd, fresh);
    whstore_cmd_str(&cmd, "NX");
    whstore_cmd_str(&cmd, "GET");
    if ((err = whstore_run(c, &cmd, &r)) != DP_OK)
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
