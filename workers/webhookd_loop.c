/* webhookd_loop.c -- the delivery loop: consume the events stream, fan out, claim due retries,
 * drive curl. */
#include "webhookd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "batch.h"
#include "rds.h"

#define READ_COUNT     32    /* events read per XREADGROUP */
#define POLL_MS        100   /* longest sleep in curl_multi_poll: latency of new work */
#define AUTOCLAIM_MS   5000  /* how often idle events of dead consumers are taken over */
#define LEASE_EXTRA_MS 30000 /* claim lease beyond the attempt timeout */

/* ---- Redis connection ---- */

dp_err webhookd_redis(struct webhookd *w)
{
    if (w->rc && !w->rc->err)
        return DP_OK;
    if (w->rc)
        redisFree(w->rc);
    w->rc = NULL;
    long long now = util_now_ms();
    if (now < w->next_connect_ms)
        return DP_EREDIS;
    w->next_connect_ms = now + 1000; /* at most one connection attempt per second */
    char err[256];
    w->rc = rds_connect(&w->cfg, err, sizeof err);
    if (!w->rc) {
        log_kv(LOG_ERROR, "redis.connect_failed", "error", err, NULL);
        return DP_EREDIS;
    }
    /* Group from the stream's start: events written before the first start are delivered. */
    redisReply *r =
        rds_command(w->rc, "XGROUP CREATE %s %s 0 MKSTREAM", KEYS_EVENTS, KEYS_EVENTS_GROUP);
    int ok = r && (r->type != REDIS_REPLY_ERROR || strncmp(r->str, "BUSYGROUP", 9) == 0);
    if (r)
        freeReplyObject(r);
    if (!ok)
        return DP_EREDIS;
    w->read_own_pending = 1; /* a new connection may follow a crash: look at our PEL once */
    return DP_OK;
}

/* ---- events ---- */

/* The string field name of a stream entry's [k, v, ...] array, or NULL. */
static const redisReply *field(const redisReply *kv, const char *name)
{
    const redisReply *f = rds_field(kv, name);
    return f && f->type == REDIS_REPLY_STRING ? f : NULL;
}

static int copy_field(const redisReply *kv, const char *name, char *out, size_t outsz, int need)
{
    const redisReply *f = field(kv, name);
    out[0] = '\0';
    if (!f)
        return need ? -1 : 0;
    if (f->len >= outsz || (need && f->len == 0))
        return -1;
    memcpy(out, f->str, f->len + 1);
    return 0;
}

/* Fan out one stream entry [id, [field, value, ...]], then XACK and XDEL it. */
static void handle_entry(struct webhookd *w, const redisReply *entry)
{
    struct whstore_event ev;
    char created[24] = "";
    size_t made = 0;
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 2 ||
        entry->element[0]->type != REDIS_REPLY_STRING)
        return;
    const char *sid = entry->element[0]->str;
    const redisReply *kv = entry->element[1];
    const redisReply *data = field(kv, "data");
    memset(&ev, 0, sizeof ev);
    if (kv->type != REDIS_REPLY_ARRAY) {
        /* deleted entry left in the PEL: nothing to deliver */
    } else if (copy_field(kv, "id", ev.id, sizeof ev.id, 1) ||
               copy_field(kv, "type", ev.type, sizeof ev.type, 1) ||
               copy_field(kv, "tenant", ev.tenant, sizeof ev.tenant, 1) ||
               copy_field(kv, "doc", ev.doc, sizeof ev.doc, 0) ||
               copy_field(kv, "callback_url", ev.callback_url, sizeof ev.callback_url, 0) ||
               copy_field(kv, "created", created, sizeof created, 0) || !data ||
               data->len > WHSTORE_DATA_MAX) {
        log_kv(LOG_ERROR, "event.malformed", "stream_id", sid, NULL); /* poison: drop it */
    } else {
        char *end = NULL;
        ev.created = strtoll(created, &end, 10);
        if (!*created || *end)
            ev.created = util_now_ms() / 1000;
        ev.data = data->str;
        ev.data_len = data->len;
        /* A document's end also counts in its batch (idempotent, so it goes first: should the
         * fan-out fail, both are retried). */
        if ((strcmp(ev.type, "document.completed") == 0 ||
             strcmp(ev.type, "document.failed") == 0) &&
            batch_note_ended(w->rc, ev.doc) != DP_OK) {
            log_kv(LOG_ERROR, "event.batch_failed", "event", ev.id, "doc", ev.doc, NULL);
            return;
        }
        long long due = util_now_ms() + (long long)w->schedule[0] * 1000;
        dp_err err = whstore_event_fanout(w->rc, &ev, due, &made);
        if (err != DP_OK) {
            /* Leave it pending: XAUTOCLAIM or our next PEL read retries the fan-out. */
            log_kv(LOG_ERROR, "event.fanout_failed", "event", ev.id, "error", dp_strerror(err),
                   NULL);
            return;
        }
        char n[16];
        snprintf(n, sizeof n, "%zu", made);
        log_kv(LOG_INFO, "event.received", "event", ev.id, "type", ev.type, "tenant", ev.tenant,
               "deliveries", n, NULL);
    }
    redisReply *r = rds_command(w->rc, "XACK %s %s %s", KEYS_EVENTS, KEYS_EVENTS_GROUP, sid);
    if (r)
        freeReplyObject(r);
    r = rds_command(w->rc, "XDEL %s %s", KEYS_EVENTS, sid);
    if (r)
        freeReplyObject(r);
}

static void handle_entries(struct webhookd *w, const redisReply *entries)
{
    for (size_t i = 0; entries && entries->type == REDIS_REPLY_ARRAY && i < entries->elements; i++)
        handle_entry(w, entries->element[i]);
}

/* XREADGROUP new entries (or, once after connecting, our own pending ones). */
static void read_events(struct webhookd *w)
{
    const char *from = w->read_own_pending ? "0" : ">";
    redisReply *r = rds_command(w->rc, "XREADGROUP GROUP %s %s COUNT %d STREAMS %s %s",
                                KEYS_EVENTS_GROUP, w->consumer, READ_COUNT, KEYS_EVENTS, from);
    if (!r || rds_check_demoted(w->rc, r)) { /* READONLY: reconnect to the new master */
        freeReplyObject(r);
        return;
    }
    if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOGROUP", 7) == 0) {
        redisFree(w->rc); /* stream deleted under us: reconnect recreates the group */
        w->rc = NULL;
    } else if (r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
               r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 2) {
        const redisReply *entries = r->element[0]->element[1];
        if (w->read_own_pending && entries->elements == 0)
            w->read_own_pending = 0;
        handle_entries(w, entries);
    } else if (w->read_own_pending) {
        w->read_own_pending = 0;
    }
    freeReplyObject(r);
}

/* Take over entries another (crashed) consumer left pending longer than claim_idle_ms. */
static void autoclaim(struct webhookd *w)
{
    redisReply *r =
        rds_command(w->rc, "XAUTOCLAIM %s %s %s %lld 0-0 COUNT %d", KEYS_EVENTS, KEYS_EVENTS_GROUP,
                    w->consumer, w->cfg.webhook_claim_idle_ms, READ_COUNT);
    if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
        handle_entries(w, r->element[1]);
    if (r)
        freeReplyObject(r);
}

/* ---- loop ---- */

static void claim_due(struct webhookd *w)
{
    char ids[16][WHSTORE_ID_MAX];
    if (w->inflight >= w->cfg.webhook_concurrency)
        return;
    size_t free_slots = (size_t)(w->cfg.webhook_concurrency - w->inflight), n = 0;
    if (free_slots > 16)
        free_slots = 16;
    long long lease = w->cfg.webhook_timeout_ms + LEASE_EXTRA_MS;
    if (whstore_due_claim(w->rc, util_now_ms(), lease, ids, free_slots, &n) != DP_OK)
        return;
    for (size_t i = 0; i < n; i++)
        webhookd_attempt_start(w, ids[i]);
}

dp_err webhookd_run(struct webhookd *w)
{
    int running = 0;
    char host[64] = "host";
    gethostname(host, sizeof host - 1);
    snprintf(w->consumer, sizeof w->consumer, "%s-%ld", host, (long)getpid());
    log_kv(LOG_INFO, "webhookd.start", "consumer", w->consumer, "redis", w->cfg.redis_host,
           "allow_private", w->cfg.webhook_allow_private ? "true" : "false", NULL);
    while (!*w->stop || w->inflight > 0) {
        if (!*w->stop && webhookd_redis(w) == DP_OK) {
            long long now = util_now_ms();
            read_events(w);
            if (w->rc && now >= w->next_autoclaim_ms) {
                autoclaim(w);
                w->next_autoclaim_ms = now + AUTOCLAIM_MS;
            }
            if (w->rc && !w->rc->err)
                claim_due(w);
        }
        curl_multi_perform(w->multi, &running);
        if (w->rc && !w->rc->err)
            webhookd_attempts_finish(w);
        else if (w->inflight > 0 && webhookd_redis(w) != DP_OK && *w->stop)
            break; /* draining without Redis: results are lost, leases make them retry */
        curl_multi_poll(w->multi, NULL, 0, POLL_MS, NULL);
    }
    log_kv(LOG_INFO, "webhookd.stop", "consumer", w->consumer, NULL);
    return DP_OK;
}
