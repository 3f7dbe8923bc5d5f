/* webhookd_config.c -- docproc-webhookd settings derived from the config table (retry schedule).
 */
#include "webhookd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    if (!s || !*s)
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

dp_err webhookd_schedule_parse(const char *s, long *out, size_t max, size_t *n)
{
    char item[24];
    *n = 0;
    if (!s || !*s)
        return DP_EINVAL;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 0 || len >= sizeof item || *n >= max)
            return DP_EINVAL;
        memcpy(item, s, len);
        item[len] = '\0';
        if (parse_long(item, 0, 10L * WEBHOOKD_RETRY_AFTER_MAX, &out[*n]) != 0)
            return DP_EINVAL;
        (*n)++;
        s += len;
        if (*s == ',' && !*++s)
            return DP_EINVAL; /* trailing comma */
    }
    return DP_OK;
}

dp_err webhookd_configure(struct webhookd *w, char *err, size_t errsz)
{
    if (webhookd_schedule_parse(w->cfg.webhook_retry_schedule, w->schedule, WEBHOOKD_SCHEDULE_MAX,
                                &w->nschedule) != DP_OK) {
        snprintf(err, errsz,
                 "webhook_retry_schedule: '%s' is not a comma list of 1..%d delays in seconds "
                 "(0..%ld each)",
                 w->cfg.webhook_retry_schedule, WEBHOOKD_SCHEDULE_MAX,
                 10L * WEBHOOKD_RETRY_AFTER_MAX);
        return DP_EINVAL;
    }
    return DP_OK;
}
