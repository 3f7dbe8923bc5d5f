/* webhookd_opts.c -- docproc-webhookd options from environment and argv (one small function). */
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

static int parse_bool(const char *s)
{
    return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 || strcmp(s, "yes") == 0);
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

dp_err webhookd_opts_parse(struct webhookd_opts *o, int argc, char **argv)
{
    const char *host = getenv("DOCPROC_REDIS_HOST"), *port = getenv("DOCPROC_REDIS_PORT");
    const char *priv = getenv("DOCPROC_WEBHOOK_ALLOW_PRIVATE");
    const char *sched = getenv("DOCPROC_WEBHOOK_RETRY_SCHEDULE");
    const char *tmo = getenv("DOCPROC_WEBHOOK_TIMEOUT_MS");
    const char *idle = getenv("DOCPROC_WEBHOOK_CLAIM_IDLE_MS");
    long v = 0;
    memset(o, 0, sizeof *o);
    o->redis_port = 6379;
    o->timeout_ms = 15000;
    o->claim_idle_ms = 60000;
    o->allow_private = parse_bool(priv);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--allow-private") == 0) {
            o->allow_private = 1;
            continue;
        }
        if (!val) {
            fprintf(stderr, "docproc-webhookd: unknown option or missing value: %s\n", a);
            return DP_EINVAL;
        }
        if (strcmp(a, "--redis-host") == 0)
            host = val;
        else if (strcmp(a, "--redis-port") == 0)
            port = val;
        else if (strcmp(a, "--retry-schedule") == 0)
            sched = val;
        else if (strcmp(a, "--timeout-ms") == 0)
            tmo = val;
        else if (strcmp(a, "--claim-idle-ms") == 0)
            idle = val;
        else {
            fprintf(stderr, "docproc-webhookd: unknown option %s\n", a);
            return DP_EINVAL;
        }
        i++;
    }
    if (snprintf(o->redis_host, sizeof o->redis_host, "%s", host ? host : "127.0.0.1") >=
        (int)sizeof o->redis_host) {
        fprintf(stderr, "docproc-webhookd: redis host too long\n");
        return DP_EINVAL;
    }
    if (port) {
        if (parse_long(port, 1, 65535, &v) != 0) {
            fprintf(stderr, "docproc-webhookd: bad redis port %s\n", port);
            return DP_EINVAL;
        }
        o->redis_port = (int)v;
    }
    if (tmo) {
        if (parse_long(tmo, 100, 600000, &v) != 0) {
            fprintf(stderr, "docproc-webhookd: bad timeout %s (100..600000 ms)\n", tmo);
            return DP_EINVAL;
        }
        o->timeout_ms = v;
    }
    if (idle) {
        if (parse_long(idle, 100, 86400000L, &v) != 0) {
            fprintf(stderr, "docproc-webhookd: bad claim idle time %s (100..86400000 ms)\n", idle);
            return DP_EINVAL;
        }
        o->claim_idle_ms = v;
    }
    if (webhookd_schedule_parse(sched ? sched : WEBHOOKD_DEFAULT_SCHEDULE, o->schedule,
                                WEBHOOKD_SCHEDULE_MAX, &o->nschedule) != DP_OK) {
        fprintf(stderr, "docproc-webhookd: bad retry schedule %s\n", sched);
        return DP_EINVAL;
    }
    return DP_OK;
}
