/* api_commit.c -- group commit of uploads (api_group_commit = N > 0; 0 = one round trip per
 * upload on its own thread): the uploads of one API process that are ready at the same time
 * share Redis round trips, at most N in flight. An upload whose enqueue is prepared
 * (store_enq_new: id, hash, keys, sealing, on its own MHD thread) either leads or follows:
 *   - fewer than N leaders are writing to Redis now: it leads at once (a lone upload waits
 *     for nobody, as before: no timer, no other thread): its own enqueue and everything queued
 *     meanwhile go out as one pipelined write (MULTI/SET/HSET/EVALSHA/EXEC each), the replies
 *     are read, one WAIT covers them all when redis_wait_replicas > 0, each request gets its
 *     own result, and the followers' connections are resumed;
 *   - N leaders are writing: its connection is suspended and it is queued. When a leader's
 *     round trip is over and uploads are queued, the first of them is resumed as the next
 *     leader: it takes the queue (itself included) on its own thread. A leader answers its
 *     own request right after its round trip and never waits for uploads that came later.
 * No 202 before the EXEC reply (and WAIT) for that document: a follower's handler runs again
 * only after its result is set. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "api.h"
#include "rds.h"
#include "store.h"

/* ---- the round trip ---- */

/* Sends the enqueues of b[0..n) in one write, reads their replies, finishes the rare ones that
 * need another round, WAITs once; the results into each request (commit_rc, commit_err,
 * doc_id, replayed, record, commit_unconfirmed). Frees their enqueues. */
static void round_trip(struct api_server *srv, struct api_req **b, size_t n)
{
    redisContext *c = api_redis(srv);
    int sent[API_COMMIT_BATCH_MAX];
    size_t ok = 0;
    atomic_fetch_add_explicit(&srv->metrics.commit_trips, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&srv->metrics.commit_uploads, n, memory_order_relaxed);
    for (size_t i = 0; i < n; i++)
        sent[i] = c && store_enq_append(c, b[i]->enq) == DP_OK;
    for (size_t i = 0; i < n; i++)
        if (sent[i])
            store_enq_read(c, b[i]->enq);
    for (size_t i = 0; i < n; i++) {
        struct api_req *r = b[i];
        if (c)
            r->commit_rc = store_enq_finish(c, r->enq, r->doc_id, &r->replayed, r->commit_err,
                                            sizeof r->commit_err);
        else
            r->commit_rc = DP_EREDIS;
        ok += r->commit_rc == DP_OK;
        store_enq_free(r->enq);
        r->enq = NULL;
    }
    long long want = srv->cfg.redis_wait_replicas;
    if (c && ok && want > 0 && rds_wait_replicas(c, want, srv->cfg.redis_wait_timeout_ms) < want) {
        /* Stored on the master but not (yet) on enough replicas: none of them gets a 2xx. A
         * master cut off from its replicas may be a demoted one: reconnect (re-resolve). */
        for (size_t i = 0; i < n; i++)
            b[i]->commit_unconfirmed = b[i]->commit_rc == DP_OK;
        api_redis_reset(srv);
    } else if (c && c->err) {
        api_redis_reset(srv);
    }
}

/* Hands r (its result set) back to MHD, which calls the access handler again. r must not be
 * touched after this. */
static void resume(struct api_server *srv, struct api_req *r, int state)
{
    r->commit_state = state;
    r->commit_resumed = 1;
    atomic_fetch_add(&srv->commit.answering, 1);
    MHD_resume_connection(r->conn);
}

/* The leader's work: the round trip of self (NULL when self is gone) and the queued uploads,
 * then the next leader, if uploads are queued by then. */
static void lead(struct api_server *srv, struct api_req *self)
{
    struct api_commit *q = &srv->commit;
    struct api_req *b[API_COMMIT_BATCH_MAX];
    size_t n = 0;
    if (self)
        b[n++] = self;
    pthread_mutex_lock(&q->mu);
    while (q->head && n < API_COMMIT_BATCH_MAX) {
        b[n++] = q->head;
        q->head = q->head->commit_next;
    }
    if (!q->head)
        q->tail = NULL;
    pthread_mutex_unlock(&q->mu);
    if (n)
        round_trip(srv, b, n);
    for (size_t i = 0; i < n; i++)
        if (b[i] != self)
            resume(srv, b[i], API_COMMIT_DONE);
    if (self)
        self->commit_state = API_COMMIT_DONE;
    pthread_mutex_lock(&q->mu);
    struct api_req *next = q->head;
    if (next) { /* it leads the next round trip from its own thread */
        q->head = next->commit_next;
        if (!q->head)
            q->tail = NULL;
    } else {
        q->leaders--;
    }
    pthread_mutex_unlock(&q->mu);
    if (next)
        resume(srv, next, API_COMMIT_LEAD);
}

/* ---- the requests' side ---- */

int api_commit_run(struct api_server *srv, struct api_req *r)
{
    struct api_commit *q = &srv->commit;
    if (!srv->cfg.api_group_commit) { /* one round trip per upload, on this thread */
        struct api_req *b[1] = {r};
        round_trip(srv, b, 1);
        r->commit_state = API_COMMIT_DONE;
        return 1;
    }
    pthread_mutex_lock(&q->mu);
    if (q->leaders >= srv->cfg.api_group_commit) {
        /* Suspended before it is queued, so a leader never resumes a running connection. */
        MHD_suspend_connection(r->conn);
        r->commit_state = API_COMMIT_QUEUED;
        r->commit_next = NULL;
        if (q->tail)
            q->tail->commit_next = r;
        else
            q->head = r;
        q->tail = r;
        pthread_mutex_unlock(&q->mu);
        return 0;
    }
    q->leaders++;
    pthread_mutex_unlock(&q->mu);
    lead(srv, r);
    return 1;
}

void api_commit_lead(struct api_server *srv, struct api_req *r)
{
    r->commit_resumed = 0;
    atomic_fetch_sub(&srv->commit.answering, 1);
    lead(srv, r);
}

void api_commit_completed(struct api_server *srv, struct api_req *r)
{
    if (r->commit_resumed) {
        r->commit_resumed = 0;
        atomic_fetch_sub(&srv->commit.answering, 1);
    }
    if (r->commit_state == API_COMMIT_LEAD) {
        /* Resumed to lead but gone before its handler ran: lead for the others (its own
         * upload, unanswered, is not stored). */
        r->commit_state = API_COMMIT_DONE;
        store_enq_free(r->enq);
        r->enq = NULL;
        lead(srv, NULL);
    }
    store_enq_free(r->enq);
    r->enq = NULL;
    freeReplyObject(r->record);
    r->record = NULL;
}

dp_err api_commit_start(struct api_server *srv)
{
    struct api_commit *q = &srv->commit;
    if (pthread_mutex_init(&q->mu, NULL))
        return DP_ENOMEM;
    q->head = q->tail = NULL;
    q->leaders = 0;
    atomic_init(&q->answering, 0);
    q->started = 1;
    return DP_OK;
}

void api_commit_stop(struct api_server *srv)
{
    struct api_commit *q = &srv->commit;
    if (!q->started)
        return;
    /* A round trip in progress, and the followers it resumes, end within Redis's timeouts:
     * give them up to 10 s before the daemon stops. */
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&q->mu);
        int busy = q->leaders || q->head;
        pthread_mutex_unlock(&q->mu);
        if (!busy && atomic_load(&q->answering) == 0)
            break;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}
