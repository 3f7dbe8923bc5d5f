/* webhookd_payload.c -- pure parts of delivery: request body, retry policy, Retry-After, logs. */
#include "webhookd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>

long long webhookd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void iso8601(long long t, char *out, size_t outsz)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, outsz, "1970-01-01T00:00:00Z");
}

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
    iso8601(ev->created, when, sizeof when);
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

void webhookd_log(const char *level, const char *msg, ...)
{
    char when[32];
    va_list ap;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    long long ms = webhookd_now_ms();
    iso8601(ms / 1000, when, sizeof when);
    cJSON_AddStringToObject(o, "ts", when);
    cJSON_AddStringToObject(o, "level", level);
    cJSON_AddStringToObject(o, "msg", msg);
    va_start(ap, msg);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        const char *v = va_arg(ap, const char *);
        cJSON_AddStringToObject(o, k, v ? v : "");
    }
    va_end(ap);
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (line) {
        fprintf(stderr, "%s\n", line);
        cJSON_free(line);
    }
}
