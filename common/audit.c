/* audit.c -- the per-tenant audit log (a capped Redis stream). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"
#include "keys.h"
#include "rds.h"
#include "util.h"

/* s cut to AUDIT_FIELD_MAX bytes into buf. */
static const char *cap(const char *s, char buf[AUDIT_FIELD_MAX + 1])
{
    snprintf(buf, AUDIT_FIELD_MAX + 1, "%s", s ? s : "");
    return buf;
}

dp_err audit_log(redisContext *c, const char *tenant, const char *actor, const char *action,
                 const char *target, const char *detail)
{
    char k[KEYS_MAX], at[24], maxlen[24], a[4][AUDIT_FIELD_MAX + 1];
    if (keys_audit(k, tenant))
        return DP_EINVAL;
    snprintf(at, sizeof at, "%lld", (long long)util_now_ms());
    snprintf(maxlen, sizeof maxlen, "%d", AUDIT_MAX);
    const char *argv[] = {"XADD",   k,
                          "MAXLEN", "~",
                          maxlen,   "*",
                          "at",     at,
                          "actor",  cap(actor, a[0]),
                          "action", cap(action, a[1]),
                          "target", cap(target, a[2]),
                          "detail", cap(detail, a[3])};
    redisReply *r = rds_cmdv(c, (int)(sizeof argv / sizeof argv[0]), argv, NULL);
    dp_err rc = rds_failed(r) ? DP_EREDIS : DP_OK;
    freeReplyObject(r);
    return rc;
}

int audit_cursor_ok(const char *s)
{
    size_t i = 0, digits = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < 20)
        i++, digits++;
    if (!digits || s[i] != '-')
        return 0;
    i++;
    digits = 0;
    while (s[i] >= '0' && s[i] <= '9' && digits < 20)
        i++, digits++;
    return digits > 0 && s[i] == '\0';
}

dp_err audit_list(redisContext *c, const char *tenant, const char *cursor, int limit, cJSON **out)
{
    char k[KEYS_MAX], start[48] = "+", count[16];
    if (keys_audit(k, tenant))
        return DP_EINVAL;
    if (cursor) {
        if (!audit_cursor_ok(cursor))
            return DP_EINVAL;
        snprintf(start, sizeof start, "(%s", cursor);
    }
    if (limit < 1 || limit > AUDIT_LIMIT_MAX)
        limit = 50;
    snprintf(count, sizeof count, "%d", limit + 1);
    const char *argv[] = {"XREVRANGE", k, start, "-", "COUNT", count};
    redisReply *r = rds_cmdv(c, 6, argv, NULL);
    if (rds_failed(r) || r->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    cJSON *res = cJSON_CreateObject(), *data = cJSON_AddArrayToObject(res, "data");
    const char *last = NULL;
    for (size_t i = 0; i < r->elements && (int)i < limit; i++) {
        const redisReply *e = r->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
            continue;
        cJSON *o = cJSON_CreateObject();
        last = e->element[0]->str;
        cJSON_AddStringToObject(o, "id", last);
        char iso[32];
        util_iso8601(rds_field_ll(e->element[1], "at"), iso);
        cJSON_AddStringToObject(o, "at", iso);
        static const char *const names[] = {"actor", "action", "target", "detail"};
        for (int f = 0; f < 4; f++) {
            const redisReply *v = rds_field(e->element[1], names[f]);
            cJSON_AddStringToObject(o, names[f], v && v->type == REDIS_REPLY_STRING ? v->str : "");
        }
        cJSON_AddItemToArray(data, o);
    }
    if ((int)r->elements > limit && last)
        cJSON_AddStringToObject(res, "next_cursor", last);
    else
        cJSON_AddNullToObject(res, "next_cursor");
    freeReplyObject(r);
    *out = res;
    return DP_OK;
}
