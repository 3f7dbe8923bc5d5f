/* apikey.c -- hashed API keys in Redis (keys_apikey: one hash per SHA-256 of a key). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "apikey.h"
#include "keys.h"
#include "rds.h"
#include "util.h"

int apikey_tenant_valid(const char *tenant)
{
    size_t n = strlen(tenant);
    if (n == 0 || n >= APIKEY_TENANT_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)tenant[i];
        if (!isalnum(ch) && ch != '_' && ch != '-' && ch != '.')
            return 0;
    }
    return 1;
}

dp_err apikey_store(redisContext *c, const char *key, const char *tenant, const char *scopes,
                    const char *name)
{
    char h[UTIL_SHA256_HEX], now[24];
    if (!apikey_tenant_valid(tenant))
        return DP_EINVAL;
    util_sha256_hex(key, strlen(key), h);
    snprintf(now, sizeof now, "%lld", (long long)util_now_ms());
    char k[KEYS_MAX];
    if (keys_apikey(k, h))
        return DP_EINVAL;
    redisReply *r = rds_command(c, "HSET %s tenant %s scopes %s name %s created_at %s", k, tenant,
                                scopes ? scopes : APIKEY_DEFAULT_SCOPES, name ? name : "", now);
    dp_err rc = r && r->type == REDIS_REPLY_INTEGER ? DP_OK : DP_EREDIS;
    freeReplyObject(r);
    return rc;
}

dp_err apikey_create(redisContext *c, const char *tenant, const char *scopes, const char *name,
                     char key_out[40])
{
    if (util_new_api_key(key_out))
        return DP_EIO;
    return apikey_store(c, key_out, tenant, scopes, name);
}

dp_err apikey_lookup(redisContext *c, const char *key, struct apikey_info *out)
{
    char h[UTIL_SHA256_HEX];
    char k[KEYS_MAX];
    util_sha256_hex(key, strlen(key), h);
    if (keys_apikey(k, h))
        return DP_EINVAL;
    redisReply *r = rds_command(c, "HMGET %s tenant scopes", k);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    dp_err rc = DP_ENOTFOUND;
    if (r->element[0]->type == REDIS_REPLY_STRING) {
        snprintf(out->tenant, sizeof out->tenant, "%s", r->element[0]->str);
        snprintf(out->key_id, sizeof out->key_id, "key_%.16s", h);
        snprintf(out->scopes, sizeof out->scopes, "%s",
                 r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "");
        rc = DP_OK;
    }
    freeReplyObject(r);
    return rc;
}

dp_err apikey_revoke(redisContext *c, const char *key_or_hash)
{
    char h[UTIL_SHA256_HEX];
    size_t n = strlen(key_or_hash);
    if (n == 64 && strspn(key_or_hash, "0123456789abcdef") == 64)
        snprintf(h, sizeof h, "%s", key_or_hash);
    else
        util_sha256_hex(key_or_hash, n, h);
    char k[KEYS_MAX];
    if (keys_apikey(k, h))
        return DP_EINVAL;
    redisReply *r = rds_command(c, "DEL %s", k);
    dp_err rc = !r || r->type != REDIS_REPLY_INTEGER ? DP_EREDIS
                : r->integer == 1                    ? DP_OK
                                                     : DP_ENOTFOUND;
    freeReplyObject(r);
    return rc;
}

int apikey_has_scope(const struct apikey_info *info, const char *scope)
{
    size_t sl = strlen(scope);
    const char *p = info->scopes;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if ((n == sl && strncmp(p, scope, n) == 0) || (n == 5 && strncmp(p, "admin", 5) == 0))
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

dp_err apikey_parse_bearer(const char *header, char *key, size_t keysz)
{
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return DP_EPARSE;
    const char *k = header + 7;
    while (*k == ' ')
        k++;
    size_t n = strlen(k);
    while (n > 0 && (k[n - 1] == ' ' || k[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= keysz)
        return DP_EPARSE;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)k[i] <= ' ' || (unsigned char)k[i] >= 127)
            return DP_EPARSE;
    memcpy(key, k, n);
    key[n] = '\0';
    return DP_OK;
}
