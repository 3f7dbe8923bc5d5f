/* webhookd_payload.c -- pure parts of delivery: request body, retry policy, Retry-After. */
#include "webhookd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include "util.h"

dp_err webhookd_body(const struct whstore_event *ev, char **out, size_t *len)
{
    char when[32];
    *out = NULL;
    *len = 0;
    cJSON *data = ev->data ? cJSON_ParseWithLength(ev->data, ev->data_len) : NULL;
    if (!cJSON_IsObject(data)) {
        cJSON_Delete(data);
        return DP_EPARSE;
    }
    cJSON *o = cJSON_CreateObject();
    util_iso8601_s(ev->created, when);
    if (!o || !cJSON_AddStringToObject(o, "type", ev->type) ||
        !cJSON_AddStringToObject(o, "timestamp", when)) {
        cJSON_Delete(o);
        cJSON_Delete(data);
        return DP_ENOMEM;
    }
    cJSON_AddItemToObject(o, "data", data); /* o owns data now */
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return DP_ENOMEM;
    /* Copy into malloc'd memory so the caller frees with free() whatever cJSON's hooks are. */
    size_t n = strlen(text);
    *out = malloc(n + 1);
    if (*out) {
        memcpy(*out, text, n + 1);
        *len = n;
    }
    cJSON_free(text);
    return *out ? DP_OK : DP_ENOMEM;
}

static int retry_after_applies(int code)
{
    return code == 429 || code == 502 || code == 503 || code == 504;
}

struct webhookd_verdict webhookd_decide(int status_code, int refused, int attempts,
                                        const long *schedule, size_t nschedule, long retry_after_s,
                                        long long now_ms)
{
    struct webhookd_verdict v = {"failed", 0, 0};
    if (refused)
        return v; /* the SSRF guard's answer will not change by retrying */
    if (status_code >= 200 && status_code < 300) {
        v.status = "delivered";
        return v;
    }
    if (status_code == 410) {
        v.disable = 1;
        return v;
    }
    /* Network errors, timeouts, 3xx (redirects are not followed), other 4xx and 5xx. */
    if (attempts < 0 || (size_t)attempts >= nschedule) {
        v.status = "exhausted";
        return v;
    }
    long delay = schedule[attempts];
    if (retry_after_applies(status_code) && retry_after_s > delay)
        delay = retry_after_s > WEBHOOKD_RETRY_AFTER_MAX ? WEBHOOKD_RETRY_AFTER_MAX : retry_after_s;
    v.status = "pending";
    v.next_due_ms = now_ms + (long long)delay * 1000;
    return v;
}

long webhookd_retry_after(const char *value, size_t len, long long now_s)
{
    char buf[64];
    while (len > 0 && (value[0] == ' ' || value[0] == '\t')) {
        value++;
        len--;
    }
    while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\r' || value[len - 1] == '\n'))
        len--;
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, value, len);
    buf[len] = '\0';
    if (buf[0] >= '0' && buf[0] <= '9') {
        char *end = NULL;
        long v = strtol(buf, &end, 10);
        return *end || v < 0 ? -1 : v;
    }
    time_t t = curl_getdate(buf, NULL); /* HTTP-date */
    if (t == -1)
        return -1;
    return t <= now_s ? 0 : (long)(t - now_s);
}
