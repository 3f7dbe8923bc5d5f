/* apikey.h -- API keys: random bearer tokens stored only as SHA-256 hashes, each with a tenant
 * and scopes (documents:write, documents:read, admin). */
#ifndef DP_APIKEY_H
#define DP_APIKEY_H
#include <hiredis.h>
#include "err.h"

#define APIKEY_TENANT_MAX     64
#define APIKEY_SCOPES_MAX     128
#define APIKEY_DEFAULT_SCOPES "documents:write,documents:read,admin"

/* Who a key belongs to. */
struct apikey_info {
    char tenant[APIKEY_TENANT_MAX];
    char scopes[APIKEY_SCOPES_MAX]; /* comma-separated */
    char key_id[24];                /* "key_" + 16 hex of the key's SHA-256: names it in records */
};

/* Creates a key for tenant with scopes (NULL = all). key_out receives the only copy of the
 * plain key. Tenant names: 1-63 chars of [A-Za-z0-9_.-]. */
dp_err apikey_create(redisContext *c, const char *tenant, const char *scopes, const char *name,
                     char key_out[40]);

/* Stores a given plain key (for a development key chosen by make run). */
dp_err apikey_store(redisContext *c, const char *key, const char *tenant, const char *scopes,
                    const char *name);

/* Looks a presented key up. DP_ENOTFOUND for unknown/revoked keys, DP_EREDIS on failure. */
dp_err apikey_lookup(redisContext *c, const char *key, struct apikey_info *out);

/* Revokes a key (by its plain text or its SHA-256 hex). */
dp_err apikey_revoke(redisContext *c, const char *key_or_hash);

/* Whether info carries scope (or "admin", which implies every scope). */
int apikey_has_scope(const struct apikey_info *info, const char *scope);

/* Whether a tenant name is acceptable. */
int apikey_tenant_valid(const char *tenant);

/* Parses an Authorization header value "Bearer <key>" into key (pure). */
dp_err apikey_parse_bearer(const char *header, char *key, size_t keysz);

#endif
