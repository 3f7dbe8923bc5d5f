/* store.h -- documents in Redis: the atomic enqueue, reads for the API, erasure.
 *
 * Keys (named in keys.h): the record keys_doc, the bytes keys_blob, the job stream KEYS_JOBS
 * (group KEYS_JOBS_GROUP), the tenant index keys_tdocs and idempotency keys keys_idem.
 * Record fields: tenant status created_at started_at finished_at attempts name type size sha256
 *   lang pipeline callback_url metadata pages_total pages_done error_code error_message
 *   class result (JSON) text hocr worker dedup_fp duplicate_of needs_review confirmed
 *   reviewed_at reviewed_key (the last four: review.h) */
#ifndef DP_STORE_H
#define DP_STORE_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include "err.h"
#include "quota.h"
#include "retention.h"
#include "util.h"

/* What an upload carries. All strings borrowed; NULL = absent. */
struct store_upload {
    const char *tenant;
    const unsigned char *data;
    size_t len;
    const char *mime;         /* sniffed type */
    const char *name;         /* client file name */
    const char *lang;         /* e.g. "eng+deu" */
    const char *psm;          /* forced page segmentation mode, e.g. "6" */
    const char *pipeline;     /* e.g. "ocr,classify,extract" */
    const char *callback_url; /* per-document webhook */
    const char *metadata;     /* client JSON text, echoed back */
    const char *idem_key;     /* Idempotency-Key header */
    long long max_queue;      /* backpressure bound on stream length */
    long long idem_ttl_s;
    /* Duplicates: with dedup set and a fingerprint of the options that shape the result
     * (reqopts_fingerprint), the same bytes with the same fingerprint for the same tenant are
     * answered from the earlier document's result if it is done: no job, no OCR. */
    int dedup;
    const char *fingerprint; /* NULL = never a duplicate */
    /* Retention of a document done at once (a duplicate); NULL = none. */
    const struct retention_cfg *retention;
    /* The configured limits (quota.h); the tenant's own (dp:tenant:<t>, quota_set) override
     * them inside the script, so the caller need not read them. NULL = none but the tenant's. */
    const struct quota_limits *quota;
    /* Out, optional: the record just stored and queued, as HGETALL would give it, built from
     * the fields written (for store_record_json, so the answer needs no read back); NULL
     * otherwise (a replay, a duplicate, a refusal). Caller frees. */
    redisReply **record;
};

/* Stores blob + record + job + index (+ idempotency key) in one MULTI/EXEC (blob and record
 * written beside the Lua script store_enqueue, which checks and writes the rest, and deletes
 * them when it refuses), so either all of it exists or none. id_out receives the document id (the
 * earlier one on an idempotent replay, with *replayed = 1). A duplicate (see store_upload.dedup) is
 * stored done with the earlier result and `duplicate_of`, its document.completed event emitted, and
 * no job queued. Returns DP_EBUSY when the queue is over its bound, DP_ECONFLICT when the
 * idempotency key was used with other bytes, DP_EREDIS when Redis failed. A tenant at one of its
 * limits (store_upload.quota) gets DP_EBUSY with err "<code>: <message>", code one of QUOTA_CODE_*.
 */
dp_err store_enqueue(redisContext *c, const struct store_upload *u, char id_out[UTIL_ID_MAX],
                     int *replayed, char *err, size_t errsz);

/* The same in steps, so that many uploads can share one Redis round trip (the API's group
 * commit): store_enq_new does the work that needs no Redis (id, hash, keys, sealing; u's
 * strings stay borrowed until store_enq_free, the small ones are copied); store_enq_append puts
 * the first round's MULTI/SET/HSET/EVALSHA/EXEC in c's output buffer without sending it
 * (DP_EINVAL after the first round; nothing appended on an error); store_enq_read reads that
 * round's replies (in the order the appends were made; a failure is kept in e);
 * store_enq_finish runs whatever rounds are still due (an existing idempotency or dedup key,
 * a script Redis did not know, Redis loading) one by one on c, then answers as store_enqueue.
 * store_enq_finish alone is store_enqueue. */
struct store_enq;
dp_err store_enq_new(const struct store_upload *u, struct store_enq **out); /* *out owned */
dp_err store_enq_append(redisContext *c, struct store_enq *e);
void store_enq_read(redisContext *c, struct store_enq *e);
dp_err store_enq_finish(redisContext *c, struct store_enq *e, char id_out[UTIL_ID_MAX],
                        int *replayed, char *err, size_t errsz);
void store_enq_free(struct store_enq *e); /* NULL: no-op */

/* The public JSON of a document (status, timings, file, result...). DP_ENOTFOUND when it does
 * not exist or belongs to another tenant. *out owned by the caller. */
dp_err store_doc_json(redisContext *c, const char *tenant, const char *id, cJSON **out);
/* The same from a record already read (HGETALL form, opened in place; still the caller's). */
dp_err store_record_json(const char *id, redisReply *record, cJSON **out);

/* One raw field of a tenant's document ("text", "hocr") or the blob ("blob", with the type in
 * *mime if given). *out is the reply holding the bytes (caller frees). */
dp_err store_doc_bytes(redisContext *c, const char *tenant, const char *id, const char *what,
                       redisReply **out, char *mime, size_t mimesz);

/* Puts a document back on the queue (status queued, attempts 0, optional new lang/pipeline),
 * within the tenant's limits q (NULL = none) and the queue bound max_queue (0 = none): over
 * one, DP_EBUSY with code (if given, 32 bytes) a QUOTA_CODE_* or "queue_full". */
dp_err store_reprocess(redisContext *c, const char *tenant, const char *id, const char *lang,
                       const char *pipeline, const struct quota_limits *q, long long max_queue,
                       char *code);

/* Erases blob, record and index entries (GDPR); pending jobs for it are dropped by workers. */
dp_err store_delete(redisContext *c, const char *tenant, const char *id);

/* Filters of a listing. */
struct store_filter {
    const char *status; /* NULL = any */
    const char *klass;  /* NULL = any */
    int needs_review;   /* -1 any, 1 only documents needing review (and not reviewed), 0 others */
    int reviewed;       /* -1 any, 1 only documents a person reviewed, 0 only the others */
};

/* Lists the tenant's documents newest first. cursor: NULL or an opaque string from an earlier
 * page. *out = {"data":[...], "next_cursor": ...|null}. */
dp_err store_list(redisContext *c, const char *tenant, const struct store_filter *f,
                  const char *cursor, int limit, cJSON **out);

/* Builds the document JSON from an HGETALL reply of its record (pure, unit-tested). */
cJSON *store_render(const char *id, const redisReply *hash, int with_result);

#endif
