/* queue.h -- the job queue as the worker sees it: the Redis Stream KEYS_JOBS, consumer group
 * KEYS_JOBS_GROUP (keys.h), at-least-once. A job entry stays in the group's pending list until the
 * worker that finishes it acknowledges and deletes it in the same script that writes the result, so
 * a crash at any point leaves the job pending for another worker (XAUTOCLAIM) and never
 * half-written. Attempts are counted in the document record at every start; a start beyond
 * max_attempts moves the job to the dead-letter stream and fails the document (a poison file cannot
 * loop forever). */
#ifndef DP_QUEUE_H
#define DP_QUEUE_H
#include <hiredis.h>
#include "err.h"
#include "util.h"

/* One stream entry. */
struct queue_job {
    char entry[64];        /* stream entry id, e.g. "1700000000000-0" */
    char doc[UTIL_ID_MAX]; /* document id */
    char tenant[64];
};

/* Creates the stream and group if missing (idempotent). */
dp_err queue_ensure_group(redisContext *c);

/* Reads one job for consumer: with pending=1 from its own pending list (entries it was given
 * before a restart), else a new one, blocking up to block_ms. *got = 0 when there is none. */
dp_err queue_read(redisContext *c, const char *consumer, int pending, int block_ms,
                  struct queue_job *job, int *got);

/* Takes over one job idle for at least min_idle_ms (its worker died or hung). */
dp_err queue_autoclaim(redisContext *c, const char *consumer, long long min_idle_ms,
                       struct queue_job *job, int *got);

/* Resets the job's idle time so it is not reclaimed while its owner is still working, and
 * records progress. Returns DP_ENOTFOUND if the job is no longer ours (it was reclaimed). */
dp_err queue_progress(redisContext *c, const char *consumer, const struct queue_job *job,
                      int pages_done, int pages_total);

enum queue_start_outcome {
    QUEUE_RUN = 0,  /* go ahead: the record says processing */
    QUEUE_SKIP = 1, /* document gone or already finished: entry acknowledged */
    QUEUE_DEAD = 2, /* attempts used up: document failed, job dead-lettered, event emitted */
};

/* Starts an attempt. On QUEUE_RUN, *attempt is its number (1-based) and *record holds the
 * document record as HGETALL returned it (caller frees). */
dp_err queue_start(redisContext *c, const char *consumer, const struct queue_job *job,
                   int max_attempts, enum queue_start_outcome *outcome, int *attempt,
                   redisReply **record);

/* What a finished attempt wrote. Strings borrowed; NULL = absent. */
struct queue_result {
    const char *status;        /* "done" or "failed" */
    const char *result_json;   /* result object (class, fields, pages, text...) */
    const char *text;          /* plain text */
    const char *hocr;          /* hOCR document */
    const char *klass;         /* class label, for listing filters */
    const char *error_code;    /* failed: machine-readable reason */
    const char *error_message; /* failed: human-readable reason */
    const char *event_data;    /* JSON for the document.completed/failed event */
    const char *needs_review;  /* "1"/"0": the result asks for a person's review (listing) */
    int pages;
};

/* Writes the outcome, acknowledges and deletes the entry and emits the event, atomically.
 * A document finished before (duplicate delivery) is left as it is. */
dp_err queue_finish(redisContext *c, const struct queue_job *job, const struct queue_result *res);

/* Gives a started job back (shutdown between pages): acknowledges our entry and queues a fresh
 * one, atomically, and does not count the interrupted attempt. DP_ENOTFOUND if not ours. */
dp_err queue_handback(redisContext *c, const char *consumer, const struct queue_job *job);

/* Moves every dead-lettered job (or one document's) back onto the queue. *moved counts them. */
dp_err queue_requeue_dead(redisContext *c, const char *doc_or_null, int *moved);

#endif
