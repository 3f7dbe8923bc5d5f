/* api_wait.c -- uploads with wait=: no MHD thread is held while a document is read. The upload's
 * connection is suspended (MHD_suspend_connection) and put on this process's waiter list; one
 * thread per API process asks Redis for the status of every waiting document with one
 * pipelined query every WAIT_POLL_MS, and resumes each connection whose document finished
 * (done or failed), vanished, or whose wait ran out. MHD then calls the access handler again,
 * which answers from the document record (api_upload.c).
 *
 * A poll rather than pub/sub: it needs no change to the worker's finish script, costs one round
 * trip per tick whatever the number of waiters, and adds at most WAIT_POLL_MS to an answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api.h"
#include "keys.h"
#include "log.h"
#include "rds.h"

#define WAIT_POLL_MS 100

static void waiting_gauge(struct api_server *srv, int delta)
{
    if (delta > 0)
        atomic_fetch_add_explicit(&srv->metrics.waiting, 1, memory_order_relaxed);
    else
        atomic_fetch_sub_explicit(&srv->metrics.waiting, 1, memory_order_relaxed);
}

/* Hands r back to MHD: it calls the access handler again, which answers. */
static void resume(struct api_server *srv, struct api_req *r)
{
    r->wait_state = API_WAIT_RESUMED;
    waiting_gauge(srv, -1);
    atomic_fetch_add(&srv->waits.answering, 1);
    MHD_resume_connection(r->conn);
}

dp_err api_wait_add(struct api_server *srv, struct api_req *r)
{
    struct api_waits *w = &srv->waits;
    size_t mine = 0;
    pthread_mutex_lock(&w->mu);
    for (struct api_req *q = w->head; q; q = q->wait_next)
        mine += strcmp(q->auth.tenant, r->auth.tenant) == 0;
    if (!w->running || mine >= (size_t)srv->cfg.max_waiters_per_tenant) {
        pthread_mutex_unlock(&w->mu);
        atomic_fetch_add_explicit(&srv->metrics.wait_refused, 1, memory_order_relaxed);
        return DP_EBUSY;
    }
    /* Suspended before it is listed, so the poller can never resume a running connection. */
    MHD_suspend_connection(r->conn);
    r->wait_state = API_WAIT_SUSPENDED;
    r->wait_deadline_ms = util_mono_ms() + (int64_t)r->opts.wait_s * 1000;
    r->wait_next = w->head;
    w->head = r;
    waiting_gauge(srv, +1);
    pthread_mutex_unlock(&w->mu);
    return DP_OK;
}

/* Takes the waiters out whose document is finished or whose deadline passed. done[i] says
 * whether snap[i] is finished. Under the lock. Returns the list taken. */
static struct api_req *take_finished(struct api_waits *w, struct api_req **snap, const int *done,
                                     size_t n, int64_t now)
{
    struct api_req *out = NULL;
    for (size_t i = 0; i < n; i++) {
        struct api_req *r = snap[i];
        if (!done[i] && now < r->wait_deadline_ms)
            continue;
        for (struct api_req **pp = &w->head; *pp; pp = &(*pp)->wait_next)
            if (*pp == r) {
                *pp = r->wait_next;
                r->wait_next = out;
                out = r;
                break;
            }
    }
    return out;
}

/* One pipelined HGET status per waiter; done[i] = 1 when finished or gone. DP_EREDIS when
 * Redis failed (done[] then all 0: the waiters keep waiting until their deadline). */
static dp_err poll_status(redisContext *c, struct api_req **snap, int *done, size_t n)
{
    char key[KEYS_MAX];
    for (size_t i = 0; i < n; i++) {
        if (keys_doc(key, snap[i]->doc_id) != DP_OK ||
            redisAppendCommand(c, "HGET %s status", key) != REDIS_OK)
            return DP_EREDIS;
    }
    dp_err rc = DP_OK;
    for (size_t i = 0; i < n; i++) {
        redisReply *rep = NULL;
        if (redisGetReply(c, (void **)&rep) != REDIS_OK || !rep)
            return DP_EREDIS;
        if (rep->type == REDIS_REPLY_NIL)
            done[i] = 1; /* deleted meanwhile: the answer will say so */
        else if (rep->type == REDIS_REPLY_STRING)
            done[i] = !strcmp(rep->str, "done") || !strcmp(rep->str, "failed");
        else
            rc = DP_EREDIS; /* -LOADING and the like: read the rest, try again next tick */
        freeReplyObject(rep);
    }
    return rc;
}

static void *poller(void *arg)
{
    struct api_server *srv = arg;
    struct api_waits *w = &srv->waits;
    redisContext *c = NULL;
    struct api_req **snap = NULL;
    int *done = NULL;
    size_t cap = 0;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WAIT_POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &until);
        if (w->stop)
            break;
        /* Snapshot: only this thread unlinks waiters, so the pointers stay valid unlocked. */
        size_t n = 0;
        for (struct api_req *r = w->head; r; r = r->wait_next)
            n++;
        if (n == 0)
            continue;
        if (n > cap) {
            struct api_req **ns = realloc(snap, n * sizeof *ns);
            int *nd = ns ? realloc(done, n * sizeof *nd) : NULL;
            if (ns)
                snap = ns;
            if (nd)
                done = nd;
            if (!ns || !nd)
                continue; /* out of memory: try again next tick */
            cap = n;
        }
        n = 0;
        for (struct api_req *r = w->head; r; r = r->wait_next)
            snap[n++] = r;
        memset(done, 0, n * sizeof *done);
        pthread_mutex_unlock(&w->mu);
        if (!c) {
            char err[256];
            c = rds_connect(&srv->cfg, err, sizeof err);
        }
        if (c && poll_status(c, snap, done, n) != DP_OK) {
            memset(done, 0, n * sizeof *done);
            redisFree(c); /* a connection with replies left unread is not reusable */
            c = NULL;
        }
        pthread_mutex_lock(&w->mu);
        struct api_req *fin = take_finished(w, snap, done, n, util_mono_ms());
        while (fin) {
            struct api_req *next = fin->wait_next;
            resume(srv, fin);
            fin = next;
        }
    }
    /* Stopping: every connection still waiting is answered with what there is now. */
    while (w->head) {
        struct api_req *r = w->head;
        w->head = r->wait_next;
        resume(srv, r);
    }
    w->running = 0;
    pthread_mutex_unlock(&w->mu);
    redisFree(c);
    free(snap);
    free(done);
    return NULL;
}

dp_err api_wait_start(struct api_server *srv)
{
    struct api_waits *w = &srv->waits;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->head = NULL;
    w->stop = 0;
    atomic_init(&w->answering, 0);
    w->running = 1;
    if (pthread_create(&w->thread, NULL, poller, srv)) {
        w->running = 0;
        return DP_ENOMEM;
    }
    w->started = 1;
    return DP_OK;
}

void api_wait_stop(struct api_server *srv)
{
    struct api_waits *w = &srv->waits;
    if (!w->started)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->started = 0;
    /* MHD answers the resumed connections on its threads; stopping the daemon now would cut
     * them off. */
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 500 && atomic_load(&w->answering) > 0; i++)
        nanosleep(&tick, NULL);
}

void api_wait_completed(struct api_server *srv, struct api_req *r)
{
    if (r->wait_state == API_WAIT_RESUMED)
        atomic_fetch_sub(&srv->waits.answering, 1);
}
