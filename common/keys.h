/* keys.h -- every Redis key docproc reads or writes, named in one place. No other file spells a
 * key: programs build them with the functions below and pass them to Lua scripts in KEYS
 * (common/lua/ *.lua never build a key themselves), so a later move to Redis Cluster only has to
 * change this file (e.g. hash tags "dp:{<id>}:doc").
 *
 * Layout (<id> a document id "doc_...", <t> a tenant, <wh> an endpoint id "wh_...", <dlv> a
 * delivery id "dlv_...", <evt> an event id "evt_..."):
 *
 *   documents (store.c, queue.c)
 *   dp:doc:<id>               HASH    the document record: tenant status created_at started_at
 *                                     finished_at attempts name type size sha256 lang pipeline
 *                                     callback_url metadata pages_total pages_done error_code
 *                                     error_message history last_error class result text hocr
 *                                     worker
 *   dp:blob:<id>              STRING  the original bytes
 *   dp:tdocs:<t>              ZSET    the tenant's documents, score = INCR dp:seq (paging order)
 *   dp:seq                    STRING  the sequence behind dp:tdocs scores
 *   dp:idem:<t>:<sha256(k)>   STRING  "<doc id> <sha256 of bytes>", EX idempotency_ttl_s
 *   dp:jobs                   STREAM  one entry per pending run {doc, tenant}; group "workers"
 *   dp:dead                   STREAM  dead-lettered jobs {doc, tenant, reason, attempts}
 *   dp:events                 STREAM  events {id type tenant doc callback_url created data} for
 *                                     docproc-webhookd; group "webhookd"
 *   api keys (apikey.c)
 *   dp:key:<sha256(key)>      HASH    {tenant, scopes, name, created_at}
 *   counters (stats.c, queue.c, whstore_dlv.c)
 *   dp:stats                  HASH    totals: accepted done failed dead_lettered
 *   dp:metrics:done:<n>       STRING  documents done in the STATS_DONE_BUCKET_S-second bucket n
 *                                     (unix s / bucket), expires after STATS_DONE_TTL_S
 *   dp:metrics:page_seconds   HASH    OCR seconds per page histogram (stats.h)
 *   dp:metrics:webhook        HASH    webhook attempts by outcome
 *   dp:restarts               HASH    program ("api-0", "worker", "redis"...) -> times config/
 *                                     run.sh restarted it (docproc-admin restarted PROGRAM)
 *   dp:restarts:worker-child  STRING  times a `docproc-worker -j N` supervisor started one of
 *                                     its children again (its own key: the worker's ACL user
 *                                     may write it, never the hash above)
 *   classifier (clsstore.c, clsstore_cache.c)
 *   dp:cls:<t>:labels         HASH    doc id -> class label of the training example
 *   dp:cls:<t>:texts          HASH    doc id -> the document's text when labelled (capped)
 *   dp:cls:<t>:counts         HASH    class label -> examples labelled with it
 *   dp:cls:<t>:model          HASH    {version, blob, stats, trained_at}
 *   dp:cls:<t>:ver            STRING  INCR at every training
 *   dp:cls:<t>:training       HASH    the last training request: state requested_at started_at
 *                                     finished_at threshold version error_code error (api_train.c)
 *   dp:train:queue            LIST    tenants waiting for a training (API trainer threads BLPOP)
 *   batches (batch.c)
 *   dp:batch:<b>              HASH    {tenant, created_at, callback_url, sealed, total, done,
 *                                     failed, completed_at}
 *   dp:batch:<b>:docs         LIST    its document ids, in order
 *   dp:batch:<b>:ended        SET     its documents seen done or failed (each counted once)
 *   confirmed fields and the tenant's extractor (review.c, xstore.c); the document record
 *   also holds confirmed (JSON) reviewed_at reviewed_key needs_review
 *   dp:ext:<t>:examples       HASH    doc id -> confirmed fields JSON (the training example)
 *   dp:ext:<t>:names          HASH    field name -> confirmed documents naming it (<= 64 names)
 *   dp:ext:<t>:model          HASH    {version, blob, stats, trained_at}
 *   dp:ext:<t>:ver            STRING  INCR at every training
 *   dp:ext:<t>:status         HASH    {status, started_at, finished_at, error, version}
 *   dp:ext:<t>:lock           STRING  held (SET NX EX) while a training runs
 *   retention, erasure, audit (retention.c, audit.c)
 *   dp:tenant:<t>             HASH    the tenant's settings: retention_days
 *   dp:langhint:<t>           STRING  the language lang=auto last found in the tenant's documents
 *                                     ("deu", "eng"...): the worker reads the next one with its
 *                                     pack first (worker_loop.c); expires after 30 days unused
 *   dp:devt:<id>              HASH    event id -> its dp:events entry id, for every event a
 *                                     document emitted (erased with it)
 *   dp:expiring               ZSET    "<doc id> <tenant>", score = when its keys expire (unix
 *                                     ms): the sweep erases what cannot expire with them
 *   dp:quota:<t>:queued       SET     the tenant's documents queued or being read (quota)
 *   dp:quota:<t>:sizes        HASH    doc id -> bytes of its stored file (erased with it)
 *   dp:quota:<t>:bytes        STRING  the sum of those sizes
 *   dp:quota:<t>:rate:<m>     STRING  uploads in minute m (unix s / 60), expires after 120 s
 *   dp:audit:<t>              STREAM  the tenant's audit log {at actor action target detail},
 *                                     capped (XADD MAXLEN ~ AUDIT_MAX)
 *   webhooks (whstore.c, whstore_dlv.c; fields documented in whstore.h)
 *   dp:wh:evt:<evt>           HASH    copy of one event, kept WHSTORE_RETAIN_S
 *   dp:wh:ep:<wh>             HASH    an endpoint
 *   dp:wh:eps:<t>             ZSET    the tenant's endpoint ids, score = created (unix s)
 *   dp:wh:secret:<t>          STRING  the tenant's default secret for callback_url deliveries
 *   dp:wh:dlv:<dlv>           HASH    a delivery
 *   dp:wh:dlv:<dlv>:att       LIST    its attempts as JSON, newest first
 *   dp:wh:dlvs:<wh>           ZSET    an endpoint's delivery ids, score = created (unix ms)
 *   dp:wh:dlvs:cb:<t>         ZSET    the same for the tenant's callback_url deliveries
 *   dp:wh:due                 ZSET    deliveries due for an attempt, score = due (unix ms)
 *
 * Every function writes a NUL-terminated key into out[KEYS_MAX] and returns DP_OK, or
 * DP_ETOOBIG (out then "") when the parts do not fit: a key is never silently cut. */
#ifndef DP_KEYS_H
#define DP_KEYS_H
#include "err.h"

#define KEYS_MAX 256 /* buffer for any key; parts are ids (< 48) and tenants (< 65) */

/* ---- fixed keys ---- */
#define KEYS_JOBS            "dp:jobs"
#define KEYS_DEAD            "dp:dead"
#define KEYS_EVENTS          "dp:events"
#define KEYS_SEQ             "dp:seq"
#define KEYS_STATS           "dp:stats"
#define KEYS_METRICS_PAGE    "dp:metrics:page_seconds"
#define KEYS_METRICS_WEBHOOK "dp:metrics:webhook"
#define KEYS_RESTARTS        "dp:restarts"
#define KEYS_RESTARTS_CHILD  "dp:restarts:worker-child"
#define KEYS_WH_DUE          "dp:wh:due"
#define KEYS_TRAIN_QUEUE     "dp:train:queue"
#define KEYS_EXPIRING        "dp:expiring"
/* A key tests write only to see how a server answers (e.g. READONLY on a replica). */
#define KEYS_PROBE "dp:probe"

/* Consumer groups (names inside the streams above, not keys). */
#define KEYS_JOBS_GROUP   "workers"  /* on KEYS_JOBS: docproc-worker */
#define KEYS_EVENTS_GROUP "webhookd" /* on KEYS_EVENTS: docproc-webhookd */

/* ---- documents ---- */
dp_err keys_doc(char out[KEYS_MAX], const char *doc_id);
dp_err keys_blob(char out[KEYS_MAX], const char *doc_id);
dp_err keys_tdocs(char out[KEYS_MAX], const char *tenant);
/* key_sha256: hex SHA-256 of the Idempotency-Key header. */
dp_err keys_idem(char out[KEYS_MAX], const char *tenant, const char *key_sha256);
/* dp:dedup:<tenant>:<sha256 of the bytes>:<options fingerprint>: the document whose reading
 * answers later uploads of the same bytes with the same options (string: its id). */
dp_err keys_dedup(char out[KEYS_MAX], const char *tenant, const char *sha256, const char *fp);

/* ---- api keys and counters ---- */
/* key_sha256: hex SHA-256 of the plain API key. */
dp_err keys_apikey(char out[KEYS_MAX], const char *key_sha256);
/* A batch: its record, its document list, the set of its documents that have ended. */
enum keys_batch { KEYS_BATCH, KEYS_BATCH_DOCS, KEYS_BATCH_ENDED };
dp_err keys_batch(char out[KEYS_MAX], const char *batch_id, enum keys_batch what);
/* The throughput counter of bucket n (unix seconds / STATS_DONE_BUCKET_S). */
dp_err keys_done_bucket(char out[KEYS_MAX], long long n);

/* ---- classifier ---- */
enum keys_cls {
    KEYS_CLS_LABELS,
    KEYS_CLS_TEXTS,
    KEYS_CLS_COUNTS,
    KEYS_CLS_MODEL,
    KEYS_CLS_VER,
    KEYS_CLS_TRAINING
};
dp_err keys_cls(char out[KEYS_MAX], const char *tenant, enum keys_cls what);

/* ---- confirmed fields and the tenant's extractor ---- */
enum keys_ext {
    KEYS_EXT_EXAMPLES,
    KEYS_EXT_NAMES,
    KEYS_EXT_MODEL,
    KEYS_EXT_VER,
    KEYS_EXT_STATUS,
    KEYS_EXT_LOCK
};
dp_err keys_ext(char out[KEYS_MAX], const char *tenant, enum keys_ext what);

/* ---- retention, erasure, audit ---- */
dp_err keys_tenant(char out[KEYS_MAX], const char *tenant);
dp_err keys_langhint(char out[KEYS_MAX], const char *tenant);
dp_err keys_doc_events(char out[KEYS_MAX], const char *doc_id);
dp_err keys_audit(char out[KEYS_MAX], const char *tenant);
enum keys_quota { KEYS_QUOTA_QUEUED, KEYS_QUOTA_SIZES, KEYS_QUOTA_BYTES };
dp_err keys_quota(char out[KEYS_MAX], const char *tenant, enum keys_quota what);
/* The tenant's upload counter of minute m (unix seconds / 60). */
dp_err keys_quota_rate(char out[KEYS_MAX], const char *tenant, long long m);

/* ---- webhooks ---- */
dp_err keys_wh_event(char out[KEYS_MAX], const char *event_id);
dp_err keys_wh_endpoint(char out[KEYS_MAX], const char *endpoint_id);
dp_err keys_wh_endpoints(char out[KEYS_MAX], const char *tenant);
dp_err keys_wh_secret(char out[KEYS_MAX], const char *tenant);
dp_err keys_wh_delivery(char out[KEYS_MAX], const char *delivery_id);
dp_err keys_wh_attempts(char out[KEYS_MAX], const char *delivery_id);
/* The delivery index of an endpoint; of the tenant's callback_url deliveries when
 * callback_tenant is not NULL (endpoint_id is then ignored). */
dp_err keys_wh_deliveries(char out[KEYS_MAX], const char *endpoint_id, const char *callback_tenant);

#endif
