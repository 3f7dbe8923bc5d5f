/* whstore.h -- webhook state in Redis: events, tenant endpoints, secrets, deliveries, due retries.
 */
#ifndef DP_WHSTORE_H
#define DP_WHSTORE_H

#include <stddef.h>
#include <hiredis.h>
#include <cJSON.h>
#include "err.h"
#include "whsig.h"

/*
 * What is kept (key names in keys.h; <t> tenant, <wh> endpoint id, <dlv> delivery id):
 *
 *   events stream (KEYS_EVENTS)  written by the worker's finish/start scripts (queue.c); fields
 *                           id type tenant doc callback_url created data. docproc-webhookd reads
 *                           it in group KEYS_EVENTS_GROUP and XACKs + XDELs each entry once its
 *                           deliveries exist (whstore_event_fanout), so the stream stays short.
 *   event <evt>       HASH  copy of one event (type tenant doc callback_url created data),
 *                           kept WHSTORE_RETAIN_S for retries.
 *   endpoint <wh>     HASH  tenant url events description secrets status disabled_reason
 *                           created. events is a comma list ("" = all); secrets is a space
 *                           list of whsec_ secrets, newest first.
 *   endpoints <t>     ZSET  the tenant's endpoint ids, score = created (unix s).
 *   secret <t>        STRING the tenant's default secret for per-document callback_url.
 *   delivery <dlv>    HASH  event type tenant endpoint url status attempts next_at created
 *                           last_error; TTL WHSTORE_RETAIN_S. status is pending | delivered |
 *                           failed | exhausted; endpoint is <wh>, or "callback".
 *   attempts <dlv>    LIST  attempts as JSON, newest first, at most WHSTORE_ATTEMPTS_MAX:
 *                           {"at":unix s,"status_code":int,"latency_ms":int,"error":str}.
 *   deliveries <wh>   ZSET  an endpoint's delivery ids, score = created (unix ms), the newest
 *                           WHSTORE_DELIVERIES_MAX kept; per tenant for callbacks.
 *   due (KEYS_WH_DUE) ZSET  deliveries due for an attempt, score = due time (unix ms). A daemon
 *                           claims a due id by pushing its score forward by a lease, so an
 *                           attempt lost with a crashed daemon runs again.
 *
 * A delivery id is derived from (event id, endpoint id), so fanning out the same event twice
 * (after a crash, via XAUTOCLAIM) creates nothing new. JSON results are cJSON trees the caller
 * owns (cJSON_Delete). Functions return DP_EREDIS on a connection or reply error; the context
 * is then in error and should be thrown away (hiredis rule).
 */

#define WHSTORE_CALLBACK       "callback"      /* endpoint id of per-document callback deliveries */
#define WHSTORE_RETAIN_S       (7 * 24 * 3600) /* events and deliveries kept, seconds */
#define WHSTORE_ATTEMPTS_MAX   20              /* attempt history kept per delivery */
#define WHSTORE_DELIVERIES_MAX 1000            /* delivery ids indexed per endpoint */
#define WHSTORE_ENDPOINTS_MAX  32              /* endpoints per tenant */
#define WHSTORE_ID_MAX         48              /* buffer for an id (evt_, wh_, dlv_) incl. NUL */
#define WHSTORE_TENANT_MAX     65              /* buffer for a tenant name incl. NUL */
#define WHSTORE_TYPE_MAX       48              /* buffer for an event type incl. NUL */
#define WHSTORE_URL_MAX        2048            /* buffer for a URL incl. NUL */
#define WHSTORE_EVENTS_MAX     256             /* buffer for an endpoint's event filter incl. NUL */
#define WHSTORE_DESC_MAX       256             /* longest endpoint description, bytes */
#define WHSTORE_SECRETS_BUF    (WHSIG_SECRETS_MAX * WHSIG_SECRET_MAX)
#define WHSTORE_DATA_MAX       (256 * 1024) /* largest event data JSON, bytes */
#define WHSTORE_ERROR_MAX      256          /* buffer for an attempt error text incl. NUL */

/* One event as read from the events stream or its saved copy. data points into memory the owner of
 * the struct manages (a redisReply while fanning out, whstore_event_load's heap copy otherwise). */
struct whstore_event {
    char id[WHSTORE_ID_MAX];
    char type[WHSTORE_TYPE_MAX];
    char tenant[WHSTORE_TENANT_MAX];
    char doc[WHSTORE_ID_MAX];
    char callback_url[WHSTORE_URL_MAX]; /* "" when none */
    long long created;                  /* unix seconds */
    char *data;                         /* JSON text, not NUL-terminated necessarily */
    size_t data_len;
};

/* An endpoint as the delivery daemon needs it. */
struct whstore_endpoint {
    char id[WHSTORE_ID_MAX];
    char tenant[WHSTORE_TENANT_MAX];
    char url[WHSTORE_URL_MAX];
    char events[WHSTORE_EVENTS_MAX];   /* comma list, "" = every event */
    char secrets[WHSTORE_SECRETS_BUF]; /* space list, newest first */
    int enabled;
};

/* A delivery as the delivery daemon needs it. */
struct whstore_delivery {
    char id[WHSTORE_ID_MAX];
    char event[WHSTORE_ID_MAX];
    char tenant[WHSTORE_TENANT_MAX];
    char endpoint[WHSTORE_ID_MAX]; /* endpoint id or WHSTORE_CALLBACK */
    char url[WHSTORE_URL_MAX];
    char status[16];
    int attempts; /* attempts made so far */
};

/* One attempt's outcome, recorded by whstore_attempt_record. */
struct whstore_attempt {
    long long at;      /* unix seconds when the attempt started */
    int status_code;   /* HTTP status, 0 when no response */
    long latency_ms;   /* request duration */
    const char *error; /* "" or a short text, e.g. "destination address 127.0.0.1 is private" */
};

/* ---- endpoints (API side) ---- */

/* Create an endpoint for tenant. events: array of n event types (n = 0: every event);
 * description may be NULL. The URL is checked with ssrf_url_check(allow_private).
 * *out (caller owns) = {"id","url","events","description","status","created_at","secret"}:
 * the only time the secret is returned. DP_EINVAL bad URL/argument, DP_ESSRF refused URL,
 * DP_ETOOBIG over WHSTORE_ENDPOINTS_MAX endpoints. */
dp_err whstore_endpoint_create(redisContext *c, const char *tenant, const char *url,
                               const char *const *events, size_t n, const char *description,
                               int allow_private, cJSON **out);

/* *out (caller owns) = array of the tenant's endpoints, oldest first, without secrets. */
dp_err whstore_endpoint_list(redisContext *c, const char *tenant, cJSON **out);

/* *out (caller owns) = one endpoint without its secret; DP_ENOTFOUND when missing or another
 * tenant's. */
dp_err whstore_endpoint_get(redisContext *c, const char *tenant, const char *id, cJSON **out);

/* Delete an endpoint and its delivery index; DP_ENOTFOUND as for get. Pending retries of its
 * deliveries then fail with "endpoint deleted". */
dp_err whstore_endpoint_delete(redisContext *c, const char *tenant, const char *id);

/* Mark an endpoint disabled (e.g. the receiver answered 410 Gone) with a reason. */
dp_err whstore_endpoint_disable(redisContext *c, const char *id, const char *reason);

/* New secret for an endpoint, written to out[outsz >= WHSIG_SECRET_MAX] (shown once); the
 * previous secret keeps signing alongside it until the next rotation. */
dp_err whstore_endpoint_rotate_secret(redisContext *c, const char *tenant, const char *id,
                                      char *out, size_t outsz);

/* Load an endpoint by id into *ep (any tenant); DP_ENOTFOUND when missing. */
dp_err whstore_endpoint_load(redisContext *c, const char *id, struct whstore_endpoint *ep);

/* Ids of the tenant's endpoints into ids[max]; *n = count. */
dp_err whstore_endpoint_ids(redisContext *c, const char *tenant, char (*ids)[WHSTORE_ID_MAX],
                            size_t max, size_t *n);

/* 1 when filter (comma list, "" or "*" = all) admits event type. Pure. */
int whstore_events_match(const char *filter, const char *type);

/* The tenant's default secret for callback_url deliveries into out[outsz >= WHSIG_SECRET_MAX],
 * created on first use (SET NX, so concurrent callers agree). */
dp_err whstore_tenant_secret(redisContext *c, const char *tenant, char *out, size_t outsz);

/* ---- deliveries (API side) ---- */

/* *out (caller owns) = array of the newest `limit` deliveries of an endpoint (or
 * WHSTORE_CALLBACK), newest first, each {"id","event_id","event_type","url","status",
 * "attempt_count","next_attempt_at","created_at","attempts":[{"at","status_code","latency_ms",
 * "error"}]}. DP_ENOTFOUND when the endpoint is not the tenant's. */
dp_err whstore_delivery_list(redisContext *c, const char *tenant, const char *endpoint,
                             size_t limit, cJSON **out);

/* *out (caller owns) = one delivery as in the list; DP_ENOTFOUND unless it belongs to tenant
 * and endpoint. */
dp_err whstore_delivery_get(redisContext *c, const char *tenant, const char *endpoint,
                            const char *dlv, cJSON **out);

/* Schedule an attempt now (status back to pending). Best effort: when the daemon is in the
 * middle of an attempt for it, a second attempt may run. DP_ENOTFOUND as for get. */
dp_err whstore_delivery_retry(redisContext *c, const char *tenant, const char *endpoint,
                              const char *dlv);

/* ---- deliveries (daemon side) ---- */

/* Save a copy of ev (kept WHSTORE_RETAIN_S) and create one pending delivery, due now_ms, for its
 * callback_url (when set) and for each enabled endpoint of the tenant whose filter admits ev->type.
 * Idempotent. *created = deliveries new this call (may be NULL). */
dp_err whstore_event_fanout(redisContext *c, const struct whstore_event *ev, long long now_ms,
                            size_t *created);

/* Load the saved copy of event id into *ev; ev->data is malloc'd (caller frees). DP_ENOTFOUND if
 * expired. */
dp_err whstore_event_load(redisContext *c, const char *id, struct whstore_event *ev);

/* Atomically claim up to max deliveries due at now_ms: their due score moves to now_ms +
 * lease_ms, so a crash lets them run again after the lease. ids[max] get the ids; *n = count. */
dp_err whstore_due_claim(redisContext *c, long long now_ms, long long lease_ms,
                         char (*ids)[WHSTORE_ID_MAX], size_t max, size_t *n);

/* Load a delivery into *d; DP_ENOTFOUND when missing (expired). */
dp_err whstore_delivery_load(redisContext *c, const char *id, struct whstore_delivery *d);

/* Record attempt a of delivery id and set its status ("pending", "delivered", "failed",
 * "exhausted"). next_due_ms > 0 schedules the next attempt; 0 removes it from the due set. */
dp_err whstore_attempt_record(redisContext *c, const char *id, const struct whstore_attempt *a,
                              const char *status, long long next_due_ms);

/* Remove a delivery from the due set (its record expired or its event is gone). */
dp_err whstore_due_drop(redisContext *c, const char *id);

#endif
