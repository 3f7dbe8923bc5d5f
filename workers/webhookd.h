/* webhookd.h -- docproc-webhookd: delivers webhook events (Standard Webhooks 1.0) with libcurl. */
#ifndef DP_WEBHOOKD_H
#define DP_WEBHOOKD_H

#include <signal.h>
#include <stddef.h>
#include <curl/curl.h>
#include <hiredis.h>
#include "config.h"
#include "err.h"
#include "keys.h"
#include "log.h"
#include "util.h"
#include "whstore.h"

/*
 * Options come from the project's config table (common/config.h: redis_*, webhook_*), loaded by
 * config_load like every docproc program. Files: webhookd_config.c (config -> daemon settings),
 * webhookd_payload.c (pure: body, retry policy, Retry-After), webhookd_http.c (curl multi
 * transfers with the SSRF guard), webhookd_loop.c (Redis consumer group, due retries, the event
 * loop), webhookd_main.c.
 */

#define WEBHOOKD_SCHEDULE_MAX     16 /* most entries in a retry schedule */
#define WEBHOOKD_DEFAULT_SCHEDULE "0,5,300,1800,7200,18000,36000,36000"
#define WEBHOOKD_RETRY_AFTER_MAX  (24 * 3600) /* longest Retry-After honoured, seconds */
#define WEBHOOKD_RESPONSE_MAX     (64 * 1024) /* response bytes read; the rest is discarded */

/* Parse "0,5,300" into out[max]; *n = entries. Each 0..WEBHOOKD_RETRY_AFTER_MAX*10 s. */
dp_err webhookd_schedule_parse(const char *s, long *out, size_t max, size_t *n);

/* ---- payload and policy (pure) ---- */

/* Body {"type":…,"timestamp":ISO 8601 of ev->created,"data":{…}} as malloc'd text *out
 * (caller frees with free), *len bytes. DP_EPARSE when ev->data is not a JSON object. */
dp_err webhookd_body(const struct whstore_event *ev, char **out, size_t *len);

/* What one attempt's result means. */
struct webhookd_verdict {
    const char *status;    /* "delivered", "pending" (retry), "failed", "exhausted" */
    long long next_due_ms; /* when status is "pending": time of the next attempt */
    int disable;           /* 1: disable the endpoint (410 Gone) */
};

/* Decide from HTTP status (0 = no response), whether the SSRF guard refused the connection,
 * the attempts made including this one, the schedule, Retry-After seconds (-1 = none) and now. */
struct webhookd_verdict webhookd_decide(int status_code, int refused, int attempts,
                                        const long *schedule, size_t nschedule, long retry_after_s,
                                        long long now_ms);

/* Retry-After header value (delta seconds or HTTP date) as seconds from now_s; -1 if invalid. */
long webhookd_retry_after(const char *value, size_t len, long long now_s);

/* ---- process ---- */

/* All process state. */
struct webhookd {
    struct dp_config cfg;                 /* loaded by config_load; webhook_* and redis_* used */
    long schedule[WEBHOOKD_SCHEDULE_MAX]; /* cfg.webhook_retry_schedule parsed: delay before
                                             attempt i, seconds */
    size_t nschedule;                     /* attempts in all */
    redisContext *rc;                     /* NULL or in error: reconnect before use */
    CURLM *multi;                         /* every in-flight delivery */
    int inflight;                         /* transfers in multi */
    char consumer[96];                    /* consumer name in the group: host-pid */
    long long next_autoclaim_ms;
    long long next_connect_ms;   /* reconnect backoff */
    int read_own_pending;        /* 1 until our own pending entries were re-read once */
    volatile sig_atomic_t *stop; /* set by SIGTERM/SIGINT: drain and exit */
};

/* Derive the settings that need parsing from w->cfg (the retry schedule). DP_EINVAL with a
 * message in err[errsz] when a value is unusable. */
dp_err webhookd_configure(struct webhookd *w, char *err, size_t errsz);

/* Start one attempt of delivery id (claimed from the due set). Records immediate failures itself.
 */
void webhookd_attempt_start(struct webhookd *w, const char *id);

/* Finish transfers curl reports done: record outcome, schedule retries. */
void webhookd_attempts_finish(struct webhookd *w);

/* Run until *w->stop, then finish in-flight deliveries. DP_OK on a clean stop. */
dp_err webhookd_run(struct webhookd *w);

/* Connect (or reconnect) to Redis; DP_EREDIS when unreachable. */
dp_err webhookd_redis(struct webhookd *w);

#endif
