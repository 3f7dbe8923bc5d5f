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
#include "api_metrics.h"
#include "apikey.h"
#include "config.h"
#include "reqopts.h"
#include "util.h"

/* The whole state of one API process. */
struct api_server {
    struct dp_config cfg;
    struct MHD_Daemon *daemon;
    pthread_key_t redis_key;    /* per-thread redisContext *, freed at thread exit */
    uint16_t port;              /* the port actually bound */
    struct api_metrics metrics; /* request counters for /metrics (atomics, zeroed at start) */
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
    int authed;
    /* body collection (uploads) */
    int is_upload;
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
};

/* ---- server (api_server.c) ---- */
dp_err api_server_start(struct api_server *srv);
void api_server_stop(struct api_server *srv);

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

/* ---- uploads (api_upload.c) ---- */
/* First call, headers only: authenticates and rejects by Content-Length before any body is read. */
enum MHD_Result api_upload_begin(struct api_req *r);
/* Called for every chunk of a POST /v1/documents body, then once with *size == 0. */
enum MHD_Result api_upload(struct api_req *r, const char *data, size_t *size);
void api_upload_cleanup(struct api_req *r);

/* ---- documents (api_docs.c) ---- */
/* Routes /v1/documents/... except the upload itself; returns MHD_NO if nothing matched. */
enum MHD_Result api_docs_route(struct api_req *r, const char **seg, int nseg);

/* ---- webhooks (api_webhooks.c) ---- */
/* Routes /v1/webhooks/...: endpoints (POST, GET, DELETE), GET /v1/webhooks/secret (the tenant's
 * callback_url secret), {id}/deliveries[/{delivery}[/retry]] and {id}/rotate-secret; {id}
 * "callback" names the per-document callback deliveries. Always replies. */
enum MHD_Result api_webhooks_route(struct api_req *r, const char **seg, int nseg);

/* ---- classifier (api_classifier.c) ---- */
/* POST (body {"class": "..."} or {"class": null}) or DELETE /v1/documents/{id}/label; the
 * caller has authenticated with documents:write. */
enum MHD_Result api_label(struct api_req *r, redisContext *c, const char *id);
/* Routes /v1/classifier (GET) and /v1/classifier/train (POST). */
enum MHD_Result api_classifier_route(struct api_req *r, const char **seg, int nseg);

/* ---- extraction a tenant teaches (api_extractor.c) ---- */
/* PUT /v1/documents/{id}/fields: confirmed values -> reviewed document + training example; the
 * caller has authenticated with documents:write. */
enum MHD_Result api_fields_put(struct api_req *r, redisContext *c, const char *id);
/* Routes /v1/extractor (GET) and /v1/extractor/train (POST, 202: trains in the background). */
enum MHD_Result api_extractor_route(struct api_req *r, const char **seg, int nseg);

/* ---- operations (api_metrics.c, api_openapi.c) ---- */
/* GET /metrics (no auth): Prometheus text of this process's counters and Redis's figures. */
enum MHD_Result api_metrics_reply(struct api_req *r);
/* GET /v1/openapi.json (no auth): the embedded api/openapi.json. */
enum MHD_Result api_openapi_reply(struct api_req *r);
/* The embedded api/openapi.json: static bytes, not NUL-terminated, *len of them. */
const char *api_openapi_json(size_t *len);

/* ---- stats (api_stats.c) ---- */
/* GET /v1/stats (documents:read): stats_queue's figures plus "workers" (consumers active in the
 * last minute) and "throughput" (documents done in the last 1 and 5 minutes). Always replies. */
enum MHD_Result api_stats_route(struct api_req *r);

#endif
