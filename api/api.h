/* api.h -- docproc-api: the HTTP server's state, per-request context and route handlers.
 * libmicrohttpd runs an epoll thread pool; each thread keeps its own Redis connection. */
#ifndef DP_API_H
#define DP_API_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include "api_metrics.h"
#include "api_routes.h"
#include "apikey.h"
#include "config.h"
#include "reqopts.h"
#include "util.h"

struct store_enq; /* store.h */

/* Uploads with wait= held open, their connections suspended (api_wait.c). */
struct api_waits {
    pthread_mutex_t mu;   /* guards head, stop, running */
    pthread_cond_t cv;    /* wakes the poller to stop */
    struct api_req *head; /* waiting requests, linked by wait_next (unlinked by the poller) */
    pthread_t thread;     /* the poller */
    int started, stop;    /* thread created; asked to stop */
    int running;          /* 0: no new waiter is taken (not started or stopping) */
    atomic_int answering; /* resumed, not yet completed (api_server_stop lets them finish) */
};

/* Uploads waiting to share the next Redis round trip (api_commit.c). */
#define API_COMMIT_BATCH_MAX 64 /* uploads per round trip */
struct api_commit {
    pthread_mutex_t mu;          /* guards head, tail, leaders */
    struct api_req *head, *tail; /* queued uploads, connections suspended, by commit_next */
    int leaders;                 /* round trips in flight or handed on (at most api_group_commit) */
    long long batches, uploads;  /* round trips led and uploads in them (by leaders only) */
    atomic_int answering;        /* resumed, not yet completed (api_server_stop lets them end) */
    int started;
};

/* The whole state of one API process. */
struct api_server {
    struct dp_config cfg;
    struct MHD_Daemon *daemon;
    pthread_key_t redis_key; /* per-thread redisContext *, freed at thread exit */
    uint16_t port;           /* the port actually bound (0 on a Unix socket) */
    char listen_path[108];   /* api_socket bound by this process ("" = TCP) */
    dev_t listen_dev;        /* its inode: removed at stop only if still this one */
    ino_t listen_ino;
    struct api_metrics metrics; /* request counters for /metrics (atomics, zeroed at start) */
    struct api_waits waits;     /* suspended wait= uploads and their poller */
    struct api_commit commit;   /* uploads sharing Redis round trips (api_commit.c) */
    pthread_t trainer;          /* classifier training thread (api_train.c) */
    int trainer_started;
    atomic_int trainer_stop;
    atomic_int pdf_children; /* searchable PDFs being built now, each in a child (at most
                                API_PDF_CHILDREN_MAX; more are answered 503) */
    atomic_int pdf_stop;     /* set at shutdown: the PDF children are killed at once */
    volatile sig_atomic_t stop;
};

/* Why a request is refused, kept until it can be answered. */
struct api_refusal {
    unsigned status;  /* 0 = not refused */
    const char *code; /* static */
    char message[200];
};

/* One HTTP request, from its first header to its completion log line. */
struct api_req {
    struct api_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    char path[512];
    char request_id[UTIL_ID_MAX];
    int64_t start_ms;
    int64_t start_us; /* api_metrics_now_us() at the first header, for the latency histogram */
    struct apikey_info auth; /* filled by api_authenticate */
    int retry_after_s;       /* Retry-After of a 429/503 answer (0 = 1 s) */
    int authed;
    /* body collection (uploads) */
    int is_upload;
    struct api_batch_up *batch; /* POST /v1/batches (api_batch_upload.c), owned */
    struct MHD_PostProcessor *pp;
    unsigned char *body;
    size_t body_len, body_cap;
    int too_large;
    int bad_request;            /* an option failed validation: error already in err */
    struct api_refusal refused; /* answered once the body is drained (uploads) */
    char err[256];
    int multipart_file_seen;
    struct reqopts opts;
    /* option values arriving in chunks through the post processor */
    char field_name[32];
    char *field_buf;
    size_t field_len;
    /* response */
    unsigned status;
    char doc_id[UTIL_ID_MAX];
    char etag[128]; /* set: a 200 or 304 is private and cacheable (API_PAGEIMG_MAX_AGE_S), with
                       this ETag (quoted); unset: Cache-Control no-store */
    /* wait= (api_wait.c): suspended until the document finishes or the deadline passes */
    int wait_state;           /* API_WAIT_* */
    int replayed;             /* the upload repeated an Idempotency-Key: answered 200 */
    int64_t wait_deadline_ms; /* util_mono_ms() at which the wait ends */
    struct api_req *wait_next;
    /* group commit (api_commit.c) */
    struct store_enq *enq;  /* the prepared enqueue until its round trip (owned) */
    int commit_state;       /* API_COMMIT_* */
    int commit_resumed;     /* resumed by a leader, not yet completed */
    dp_err commit_rc;       /* the enqueue's result (store_enq_finish) */
    int commit_unconfirmed; /* stored, but WAIT saw fewer than redis_wait_replicas */
    char commit_err[256];   /* its message */
    redisReply *record;     /* the record queued (store_upload.record), owned */
    struct api_req *commit_next;
    /* GET .../pdf and .../pages/{n}.jpg (api_export.c): set while the connection is suspended for
     * the child, and until the resumed handler answers (freed with the request) */
    struct api_pdfjob *pdf;
};

#define API_WAIT_NONE      0
#define API_WAIT_SUSPENDED 1 /* on the waiter list, connection suspended */
#define API_WAIT_RESUMED   2 /* handed back: the next handler call answers */

#define API_COMMIT_NONE   0
#define API_COMMIT_QUEUED 1 /* connection suspended, waiting for a leader's round trip */
#define API_COMMIT_LEAD   2 /* resumed to lead the next round trip (api_commit_lead) */
#define API_COMMIT_DONE   3 /* the result is set: the handler answers */

/* ---- server (api_server.c) ---- */
dp_err api_server_start(struct api_server *srv);
void api_server_stop(struct api_server *srv);

/* ---- Unix listening socket (api_listen.c) ---- */
/* A listening AF_UNIX socket bound at path (mode 0660; its directory made 0700 if missing):
 * a stale socket file (nobody listens) is replaced; a live server's, or a file that is not a
 * socket, refuses the start. Returns the fd (non-blocking, for MHD, which closes it) and notes
 * the path in srv, or -1 with the reason in err. */
int api_listen_unix(struct api_server *srv, const char *path, char *err, size_t errsz);
/* Removes the socket file bound by api_listen_unix, unless another process replaced it. */
void api_listen_unix_remove(struct api_server *srv);

/* This thread's Redis connection, (re)connected as needed; NULL when Redis is down. */
redisContext *api_redis(struct api_server *srv);
/* Drops this thread's Redis connection (after an I/O error) so the next call reconnects. */
void api_redis_reset(struct api_server *srv);

/* Replies. Each queues exactly one response and returns MHD's result. */
enum MHD_Result api_reply_json(struct api_req *r, unsigned status, cJSON *body); /* frees body */
enum MHD_Result api_reply_error(struct api_req *r, unsigned status, const char *code,
                                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
enum MHD_Result api_reply_bytes(struct api_req *r, unsigned status, const char *type,
                                const void *buf, size_t len);
/* Maps a store/queue error to the right HTTP error. */
enum MHD_Result api_reply_dp_err(struct api_req *r, dp_err rc, const char *what);

/* Checks the bearer key and scope without replying: 1 = allowed, else *no says why. */
int api_check_auth(struct api_req *r, const char *scope, struct api_refusal *no);
/* Authenticates the bearer key and checks scope; on failure it has already replied (401/403/503)
 * and returns 0. */
int api_authenticate(struct api_req *r, const char *scope);

/* ---- wait= (api_wait.c) ---- */
/* Starts the poller thread that resumes waiting uploads. */
dp_err api_wait_start(struct api_server *srv);
/* Stops it; every connection still waiting is resumed, and given up to 5 s to be answered
 * with what there is, before the daemon stops. */
void api_wait_stop(struct api_server *srv);
/* on_completed of a request: a resumed wait is answered. */
void api_wait_completed(struct api_server *srv, struct api_req *r);
/* From the access handler of a stored upload with wait_s > 0 and doc_id set: suspends r's
 * connection until the document is done or failed, or wait_s passes; r->wait_state is then
 * API_WAIT_RESUMED and MHD calls the handler again. DP_EBUSY (nothing suspended) when the
 * tenant already holds max_waiters_per_tenant waits in this process, or while stopping. */
dp_err api_wait_add(struct api_server *srv, struct api_req *r);

/* ---- group commit (api_commit.c) ---- */
dp_err api_commit_start(struct api_server *srv);
/* Lets a round trip in progress and the requests it resumed end (at most 10 s). */
void api_commit_stop(struct api_server *srv);
/* From the access handler, r->enq prepared (taken: freed once run): runs it, alone or with the
 * uploads queued meanwhile, in one Redis round trip on this thread (1: r->commit_* and doc_id,
 * replayed, record are set), or suspends r's connection until another upload's thread has run
 * it (0: return MHD_YES; the handler is called again with commit_state API_COMMIT_DONE, or
 * API_COMMIT_LEAD: then call api_commit_lead, after which r's result is set). With
 * api_group_commit = 0 every upload runs alone (1). */
int api_commit_run(struct api_server *srv, struct api_req *r);
void api_commit_lead(struct api_server *srv, struct api_req *r);
/* on_completed of a request: frees what the commit left in r (and leads for the others when r
 * was to lead but is gone). */
void api_commit_completed(struct api_server *srv, struct api_req *r);

/* ---- classifier training (api_train.c) ---- */
/* Starts / stops the thread that trains queued tenants (stop waits for a training at hand). */
dp_err api_train_start(struct api_server *srv);
void api_train_stop(struct api_server *srv);
/* The tenant's last training request as GET /v1/classifier shows it under "training":
 * {"object":"classifier_training","state":"queued|running|done|failed","requested_at",
 * "started_at","finished_at","threshold","version" (done),"error":{code,message} (failed)};
 * *out NULL when the tenant never asked. Caller owns *out. */
dp_err api_train_status(redisContext *c, const char *tenant, cJSON **out);

/* ---- route handlers (api_handler, see api_routes.h: one per row of the route table) ---- */
/* server (api_server.c): GET /healthz (alive) and /readyz (Redis answers PING) */
enum MHD_Result api_healthz(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_readyz(struct api_req *r, redisContext *c, const char *const *param);

/* uploads (api_upload.c): POST /v1/documents. api_upload_begin runs at the headers
 * (API_ROUTE_STREAM): it checks the key and rejects by Content-Length before any body is read;
 * api_upload gets every chunk, then a call with *size == 0, which answers. */
enum MHD_Result api_upload_begin(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_upload(struct api_req *r, const char *data, size_t *size);
void api_upload_cleanup(struct api_req *r);
/* One file to store as a document of r's tenant. */
struct api_file {
    const unsigned char *data;
    size_t len;
    const char *mime; /* from decode_sniff */
    const char *name; /* NULL = none */
};
/* Stores f as a new document with r's options (quota, storage, dedup, idempotency under idem):
 * 0 with doc_id and *replayed (1 = idem named an earlier document) set, and *record (if record
 * is not NULL) the queued record or NULL (see store_upload.record), or -1 after queuing
 * the error answer, whose MHD result is in *mr. c may be NULL (answered 503). */
int api_upload_store(struct api_req *r, redisContext *c, const struct api_file *f, const char *idem,
                     char doc_id[UTIL_ID_MAX], int *replayed, redisReply **record,
                     enum MHD_Result *mr);
/* Multipart option fields arriving in chunks (off = the chunk's offset in the field) and the
 * query string: set r->opts, or r->bad_request with r->err. api_upload_field: -1 = no memory. */
int api_upload_field(struct api_req *r, const char *key, const char *data, uint64_t off,
                     size_t size);
void api_upload_field_flush(struct api_req *r);
/* At the end of an upload's body: ends its multipart parsing (api_upload_field_flush) and, when
 * the body was refused, too large (answered with the message too_large, or when NULL with the
 * max_upload_bytes limit) or malformed, answers
 * that into *ret and returns 1; else 0. */
int api_upload_refusal(struct api_req *r, const char *too_large, enum MHD_Result *ret);
/* The post processor's callback of both multipart routes: option fields, and `file` parts into
 * the upload's body or, on POST /v1/batches, the batch's files (api_batches_file_part: 0, or
 * -1 without memory). */
enum MHD_Result api_upload_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size);
int api_batches_file_part(struct api_req *r, const char *filename, const char *data, uint64_t off,
                          size_t size);
enum MHD_Result api_upload_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value);
#define API_SMALL_BODY_MAX (1024 * 1024) /* JSON bodies of the other routes */
/* Appends data[0..n) to the growing *buf (doubling from 64 KiB; always NUL-terminated after
 * *len): 0, or -1 without memory (nothing changed). Callers check their cap first. */
int api_buf_append(unsigned char **buf, size_t *len, size_t *cap, const void *data, size_t n);

/* documents (api_docs.c): list, read, parts, delete, reprocess; param[0] = document id */
enum MHD_Result api_docs_list(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_docs_get(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_docs_delete(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_docs_text(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_docs_hocr(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_docs_file(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_docs_reprocess(struct api_req *r, redisContext *c, const char *const *param);
/* tables of a finished document (api_tables.c): GET /v1/documents/{id}/tables (all, one JSON
 * array) and /tables/{n}.csv (param[1] = "{n}.csv") */
enum MHD_Result api_tables_list(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_tables_csv(struct api_req *r, redisContext *c, const char *const *param);
/* other formats of a finished document (api_export.c): GET /v1/documents/{id}/pdf (searchable
 * PDF) and /markdown */
enum MHD_Result api_export_pdf(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_export_markdown(struct api_req *r, redisContext *c, const char *const *param);
/* GET /v1/documents/{id}/pages/{n}.jpg (param[1] = "{n}.jpg"): page n as the worker read it,
 * built in the same bounded child as the PDF; cacheable (ETag of document, page, result). */
enum MHD_Result api_export_page(struct api_req *r, redisContext *c, const char *const *param);

/* ---- the searchable PDF's child (api_pdfchild.c) ---- */

#define API_EXPORT_PDF_MAX_PAGES 200                 /* pages a searchable PDF is built for */
#define API_EXPORT_PDF_MAX_BYTES ((size_t)128 << 20) /* size of the PDF built */
#define API_PDF_CHILDREN_MAX     4 /* PDFs built at once per API process (each a child) */
#define API_PDFCHILD_ARG         "--pdf-child"      /* argv[1] that makes docproc-api the child */
#define API_PAGEIMG_MAX_SIDE     1600               /* a page image's longer side, pixels */
#define API_PAGEIMG_MAX_BYTES    ((size_t)16 << 20) /* a page image's JPEG (far over 1600 px grey) */
#define API_PAGEIMG_MAX_AGE_S    3600               /* Cache-Control max-age of a page image */

/* What the child is asked to build: the stored file and the result's pages (both borrowed). */
struct api_pdfchild_req {
    uint32_t max_pages;
    uint32_t page; /* 0: the searchable PDF (pages = the result's pages array); n >= 1: page n
                      as a JPEG (pages = that page's result object) */
    uint64_t max_page_pixels;
    uint64_t memory_bytes; /* the child's address-space cap: the decode budget comes from it */
    const unsigned char *file;
    size_t file_len;
    const char *pages; /* the result's "pages" array as JSON text */
    size_t pages_len;
};

/* A searchable PDF being built (api_export.c); freed with its request. NULL is a no-op. */
struct api_pdfjob;
void api_pdfjob_free(struct api_pdfjob *j);

/* The request as bytes for the child's stdin: *out (caller frees), *len. DP_ENOMEM. Pure. */
dp_err api_pdfchild_pack(const struct api_pdfchild_req *q, char **out, size_t *len);
/* Reads a request from buf[len] (pointers into buf). DP_EPARSE when it is not one. Pure. */
dp_err api_pdfchild_parse(const char *buf, size_t len, struct api_pdfchild_req *q);
/* The child: reads the request on stdin, writes 'P' + PDF, 'J' + JPEG or 'E' + i32 dp_err +
 * reason on stdout; the exit status for main (0 = the answer was written). */
int api_pdfchild_main(void);

/* classifier (api_classifier.c): POST (body {"class": "..."} or {"class": null}) or DELETE
 * /v1/documents/{id}/label; GET /v1/classifier; POST /v1/classifier/train */
/* ---- batches (api_batches.c) ---- */
enum MHD_Result api_batches_create(struct api_req *r, redisContext *c, const char *const *param);
/* POST /v1/batches streams (API_ROUTE_STREAM), like uploads: begin at the headers, then every
 * chunk, then *size == 0 answers (multipart files → documents + batch; JSON → create). */
enum MHD_Result api_batches_begin(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_batches_body(struct api_req *r, const char *data, size_t *size);
void api_batches_cleanup(struct api_req *r);
enum MHD_Result api_batches_get(struct api_req *r, redisContext *c, const char *const *param);

enum MHD_Result api_label(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_classifier_info(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_classifier_train(struct api_req *r, redisContext *c, const char *const *param);

/* extraction a tenant teaches (api_extractor.c): PUT /v1/documents/{id}/fields (confirmed
 * values: the document becomes reviewed and a training example); GET /v1/extractor; POST
 * /v1/extractor/train (202: trains on a background thread) */
enum MHD_Result api_fields_put(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_extractor_info(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_extractor_train(struct api_req *r, redisContext *c, const char *const *param);

/* webhooks (api_webhooks.c): tenant endpoints, the callback_url secret, delivery logs and
 * redelivery; param[0] = endpoint id ("callback" names the per-document callback deliveries),
 * param[1] = delivery id */
enum MHD_Result api_webhooks_create(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_list(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_secret(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_get(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_delete(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_rotate(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_deliveries(struct api_req *r, redisContext *c,
                                        const char *const *param);
enum MHD_Result api_webhooks_delivery(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_webhooks_retry(struct api_req *r, redisContext *c, const char *const *param);

/* operations (api_metrics.c, api_openapi.c, api_stats.c) */
/* GET /metrics (no key): Prometheus text of this process's counters and Redis's figures. */
enum MHD_Result api_metrics_reply(struct api_req *r, redisContext *c, const char *const *param);
/* GET /v1/openapi.json (no key): the embedded api/openapi.json. */
enum MHD_Result api_openapi_reply(struct api_req *r, redisContext *c, const char *const *param);
/* The embedded api/openapi.json: static bytes, not NUL-terminated, *len of them. */
const char *api_openapi_json(size_t *len);
/* GET /v1/stats (documents:read): stats_queue's figures plus "workers" (consumers active in the
 * last minute) and "throughput" (documents done in the last 1 and 5 minutes). */
/* api_tenant.c: tenant settings (retention) and the audit log; admin scope */
enum MHD_Result api_tenant_get(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_tenant_patch(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_audit_list(struct api_req *r, redisContext *c, const char *const *param);
enum MHD_Result api_stats_route(struct api_req *r, redisContext *c, const char *const *param);

#endif
