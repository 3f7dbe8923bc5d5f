/* keys.c -- Redis key names (the layout is documented in keys.h). */
#include <stdarg.h>
#include <stdio.h>
#include "keys.h"

/* out = the formatted key, or "" and DP_ETOOBIG when it does not fit. */
__attribute__((format(printf, 2, 3))) static dp_err key(char out[KEYS_MAX], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, KEYS_MAX, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= KEYS_MAX) {
        out[0] = '\0';
        return DP_ETOOBIG;
    }
    return DP_OK;
}

dp_err keys_doc(char out[KEYS_MAX], const char *doc_id)
{
    return key(out, "dp:doc:%s", doc_id);
}

dp_err keys_blob(char out[KEYS_MAX], const char *doc_id)
{
    return key(out, "dp:blob:%s", doc_id);
}

dp_err keys_tdocs(char out[KEYS_MAX], const char *tenant)
{
    return key(out, "dp:tdocs:%s", tenant);
}

dp_err keys_idem(char out[KEYS_MAX], const char *tenant, const char *key_sha256)
{
    return key(out, "dp:idem:%s:%s", tenant, key_sha256);
}

dp_err keys_dedup(char out[KEYS_MAX], const char *tenant, const char *sha256, const char *fp)
{
    return key(out, "dp:dedup:%s:%s:%s", tenant, sha256, fp);
}

dp_err keys_batch(char out[KEYS_MAX], const char *batch_id, enum keys_batch what)
{
    static const char *const suffix[] = {"", ":docs", ":ended"};
    if ((unsigned)what > KEYS_BATCH_ENDED)
        return DP_EINVAL;
    return key(out, "dp:batch:%s%s", batch_id, suffix[what]);
}

dp_err keys_apikey(char out[KEYS_MAX], const char *key_sha256)
{
    return key(out, "dp:key:%s", key_sha256);
}

dp_err keys_done_bucket(char out[KEYS_MAX], long long n)
{
    return key(out, "dp:metrics:done:%lld", n);
}

dp_err keys_ext(char out[KEYS_MAX], const char *tenant, enum keys_ext what)
{
    static const char *const names[] = {"examples", "names", "model", "ver", "status", "lock"};
    if ((unsigned)what >= sizeof names / sizeof names[0]) {
        out[0] = '\0';
        return DP_EINVAL;
    }
    return key(out, "dp:ext:%s:%s", tenant, names[what]);
}

dp_err keys_cls(char out[KEYS_MAX], const char *tenant, enum keys_cls what)
{
    static const char *const names[] = {"labels", "texts", "counts", "model", "ver", "training"};
    if ((unsigned)what >= sizeof names / sizeof names[0]) {
        out[0] = '\0';
        return DP_EINVAL;
    }
    return key(out, "dp:cls:%s:%s", tenant, names[what]);
}

dp_err keys_tenant(char out[KEYS_MAX], const char *tenant)
{
    return key(out, "dp:tenant:%s", tenant);
}

dp_err keys_langhint(char out[KEYS_MAX], const char *tenant)
{
    return key(out, "dp:langhint:%s", tenant);
}

dp_err keys_doc_events(char out[KEYS_MAX], const char *doc_id)
{
    return key(out, "dp:devt:%s", doc_id);
}

dp_err keys_audit(char out[KEYS_MAX], const char *tenant)
{
    return key(out, "dp:audit:%s", tenant);
}

dp_err keys_quota(char out[KEYS_MAX], const char *tenant, enum keys_quota what)
{
    static const char *const names[] = {"queued", "sizes", "bytes"};
    if ((unsigned)what >= sizeof names / sizeof names[0]) {
        out[0] = '\0';
        return DP_EINVAL;
    }
    return key(out, "dp:quota:%s:%s", tenant, names[what]);
}

dp_err keys_quota_rate(char out[KEYS_MAX], const char *tenant, long long m)
{
    return key(out, "dp:quota:%s:rate:%lld", tenant, m);
}

dp_err keys_wh_event(char out[KEYS_MAX], const char *event_id)
{
    return key(out, "dp:wh:evt:%s", event_id);
}

dp_err keys_wh_endpoint(char out[KEYS_MAX], const char *endpoint_id)
{
    return key(out, "dp:wh:ep:%s", endpoint_id);
}

dp_err keys_wh_endpoints(char out[KEYS_MAX], const char *tenant)
{
    return key(out, "dp:wh:eps:%s", tenant);
}

dp_err keys_wh_secret(char out[KEYS_MAX], const char *tenant)
{
    return key(out, "dp:wh:secret:%s", tenant);
}

dp_err keys_wh_delivery(char out[KEYS_MAX], const char *delivery_id)
{
    return key(out, "dp:wh:dlv:%s", delivery_id);
}

dp_err keys_wh_attempts(char out[KEYS_MAX], const char *delivery_id)
{
    return key(out, "dp:wh:dlv:%s:att", delivery_id);
}

dp_err keys_wh_deliveries(char out[KEYS_MAX], const char *endpoint_id, const char *callback_tenant)
{
    if (callback_tenant)
        return key(out, "dp:wh:dlvs:cb:%s", callback_tenant);
    return key(out, "dp:wh:dlvs:%s", endpoint_id);
}
