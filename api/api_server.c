/* api_server.c -- libmicrohttpd daemon, request lifecycle, routing, auth, replies. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api.h"
#include "log.h"
#include "rds.h"

/* ---- redis per thread ---- */

static void free_redis(void *p)
{
    redisFree(p);
}

redisContext *api_redis(struct api_server *srv)
{
    redisContext *c = pthread_getspecific(srv->redis_key);
    if (c && c->err) {
        redisFree(c);
        c = NULL;
        pthread_setspecific(srv->redis_key, NULL);
    }
    if (!c) {
        char err[256];
        c = rds_connect(&srv->cfg, err, sizeof err);
        if (!c) {
            log_kv(LOG_WARN, "redis unavailable", "error", err, NULL);
            return NULL;
        }
        pthread_setspecific(srv->redis_key, c);
    }
    return c;
}

void api_redis_reset(struct api_server *srv)
{
    redisContext *c = pthread_getspecific(srv->redis_key);
    redisFree(c);
    pthread_setspecific(srv->redis_key, NULL);
}

/* ---- replies ---- */

static enum MHD_Result queue(struct api_req *r, unsigned status, const char *type, void *buf,
                             size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf, mode);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    if (r->etag[0] && (status == 200 || status == 304)) {
        char cc[48];
        snprintf(cc, sizeof cc, "private, max-age=%d", API_PAGEIMG_MAX_AGE_S);
        MHD_add_response_header(resp, "Cache-Control", cc);
        MHD_add_response_header(resp, "ETag", r->etag);
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    }
    if (status == 503 || status == 429) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after_s > 0 ? r->retry_after_s : 1);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (status == 202 && r->doc_id[0]) {
        char loc[128];
        snprintf(loc, sizeof loc, "/v1/documents/%s", r->doc_id);
        MHD_add_response_header(resp, "Location", loc);
    }
    r->status = status;
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result api_reply_json(struct api_req *r, unsigned status, cJSON *body)
{
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    if (!text)
        return api_reply_error(r, 500, "internal", "could not encode the response");
    return queue(r, status, "application/json", text, strlen(text), MHD_RESPMEM_MUST_FREE);
}

enum MHD_Result api_reply_error(struct api_req *r, unsigned status, const char *code,
                                const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    cJSON_AddStringToObject(e, "request_id", r->request_id);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return MHD_NO;
    return queue(r, status, "application/json", text, strlen(text), MHD_RESPMEM_MUST_FREE);
}

enum MHD_Result api_reply_bytes(struct api_req *r, unsigned status, const char *type,
                                const void *buf, size_t len)
{
    return queue(r, status, type, (void *)buf, len, MHD_RESPMEM_MUST_COPY);
}

enum MHD_Result api_reply_dp_err(struct api_req *r, dp_err rc, const char *what)
{
    switch (rc) {
    case DP_ENOTFOUND:
        return api_reply_error(r, 404, "not_found", "%s not found", what);
    case DP_EINVAL:
        return api_reply_error(r, 400, "invalid_request", "invalid %s", what);
    case DP_EREDIS:
        api_redis_reset(r->srv);
        return api_reply_error(r, 503, "unavailable", "storage unavailable, retry shortly");
    case DP_EBUSY:
        return api_reply_error(r, 503, "queue_full", "the queue is full, retry shortly");
    default:
        return api_reply_error(r, 500, "internal", "%s: %s", what, dp_strerror(rc));
    }
}

/* ---- auth ---- */

/* A key looked up in Redis is trusted by this thread for auth_cache_ms (0 = always ask): most
 * requests then need no lookup. A revoked key may so work on for that long; an unknown key is
 * never remembered, so a new one works at once. */
#define AUTH_CACHE_N 16
struct auth_cached {
    char hash[UTIL_SHA256_HEX];
    struct apikey_info info;
    int64_t until_ms;
};
static _Thread_local struct auth_cached auth_cache[AUTH_CACHE_N];
static _Thread_local unsigned auth_cache_next;

static int auth_cached(const char *hash, struct apikey_info *out)
{
    int64_t now = util_mono_ms();
    for (int i = 0; i < AUTH_CACHE_N; i++)
        if (auth_cache[i].until_ms > now && strcmp(auth_cache[i].hash, hash) == 0) {
            *out = auth_cache[i].info;
            return 1;
        }
    return 0;
}

static void auth_remember(const char *hash, const struct apikey_info *info, long long ms)
{
    if (ms <= 0)
        return;
    struct auth_cached *e = &auth_cache[auth_cache_next++ % AUTH_CACHE_N];
    for (int i = 0; i < AUTH_CACHE_N; i++) /* the same key again: refresh its entry */
        if (strcmp(auth_cache[i].hash, hash) == 0)
            e = &auth_cache[i];
    snprintf(e->hash, sizeof e->hash, "%s", hash);
    e->info = *info;
    e->until_ms = util_mono_ms() + ms;
}

int api_check_auth(struct api_req *r, const char *scope, struct api_refusal *no)
{
    char key[128];
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    struct api_refusal deny = {401, "unauthorized", ""};
    *no = (struct api_refusal){0, NULL, ""};
    if (!h) {
        snprintf(deny.message, sizeof deny.message, "missing 'Authorization: Bearer <api key>'");
        *no = deny;
        return 0;
    }
    if (apikey_parse_bearer(h, key, sizeof key)) {
        snprintf(deny.message, sizeof deny.message, "malformed Authorization header");
        *no = deny;
        return 0;
    }
    char hash[UTIL_SHA256_HEX];
    util_sha256_hex(key, strlen(key), hash);
    redisContext *c = NULL;
    dp_err rc = DP_OK;
    if (!auth_cached(hash, &r->auth)) {
        c = api_redis(r->srv);
        rc = c ? apikey_lookup(c, key, &r->auth) : DP_EREDIS;
    }
    if (rc == DP_EREDIS && c) {
        /* A connection that died while idle (Redis restarted) fails on first use: the lookup
         * is a read, so retry it once on a fresh connection. */
        api_redis_reset(r->srv);
        c = api_redis(r->srv);
        rc = c ? apikey_lookup(c, key, &r->auth) : DP_EREDIS;
    }
    if (rc == DP_ENOTFOUND) {
        snprintf(deny.message, sizeof deny.message, "unknown or revoked API key");
        *no = deny;
        return 0;
    }
    if (rc) {
        api_redis_reset(r->srv);
        *no = (struct api_refusal){503, "unavailable", "storage unavailable, retry shortly"};
        return 0;
    }
    if (c) /* looked up just now */
        auth_remember(hash, &r->auth, r->srv->cfg.auth_cache_ms);
    if (scope && !apikey_has_scope(&r->auth, scope)) {
        deny.status = 403;
        deny.code = "forbidden";
        snprintf(deny.message, sizeof deny.message, "this API key lacks the '%s' scope", scope);
        *no = deny;
        return 0;
    }
    r->authed = 1;
    return 1;
}

int api_authenticate(struct api_req *r, const char *scope)
{
    struct api_refusal no;
    if (api_check_auth(r, scope, &no))
        return 1;
    api_reply_error(r, no.status, no.code, "%s", no.message);
    return 0;
}

/* ---- routing ---- */

static enum MHD_Result route_health(struct api_req *r, int ready)
{
    cJSON *o = cJSON_CreateObject();
    if (!ready) {
        cJSON_AddStringToObject(o, "status", "ok");
        return api_reply_json(r, 200, o);
    }
    redisContext *c = api_redis(r->srv);
    /* One PING, not rds_command: readiness is answered now, not after a LOADING wait. */
    redisReply *rep = c ? redisCommand(c, "PING") : NULL;
    int ok = rep && rep->type == REDIS_REPLY_STATUS, loading = rds_loading(rep);
    freeReplyObject(rep);
    if (!ok) {
        if (c && !loading) /* a loading Redis is fine, just not ready: keep the connection */
            api_redis_reset(r->srv);
        cJSON_Delete(o);
        return api_reply_error(r, 503, "unavailable",
                               loading ? "redis is loading its data; retry shortly"
                                       : "redis is not reachable");
    }
    cJSON_AddStringToObject(o, "status", "ready");
    return api_reply_json(r, 200, o);
}

enum MHD_Result api_healthz(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)c;
    (void)param;
    return route_health(r, 0);
}

enum MHD_Result api_readyz(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)c;
    (void)param;
    return route_health(r, 1);
}

/* Looks the request up in the route table (api_routes.h): 404 when no template fits, 405 when
 * the method does not; then the key and scope, this thread's Redis connection, the handler. */
static enum MHD_Result dispatch(struct api_req *r)
{
    char buf[sizeof r->path];
    const char *param[API_ROUTE_PARAMS];
    int i = api_route_find(r->method, r->path, buf, sizeof buf, param);
    if (i == API_ROUTE_NONE)
        return api_reply_error(r, 404, "not_found", "no route for %s %s", r->method, r->path);
    if (i < 0)
        return api_reply_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method,
                               r->path);
    const struct api_route *rt = &api_routes[i];
    redisContext *c = NULL;
    if (rt->scope) {
        if (!api_authenticate(r, rt->scope))
            return MHD_YES;
        c = api_redis(r->srv);
        if (!c)
            return api_reply_dp_err(r, DP_EREDIS, "storage");
    }
    for (int k = 0; k < API_ROUTE_PARAMS && param[k]; k++)
        if (util_id_valid("doc_", param[k])) /* the document named, for the log and Location */
            snprintf(r->doc_id, sizeof r->doc_id, "%s", param[k]);
    return rt->handler(r, c, param);
}

/* ---- request lifecycle ---- */

int api_buf_append(unsigned char **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t want = *cap ? *cap : 65536;
        while (want < *len + n + 1)
            want *= 2;
        unsigned char *b = realloc(*buf, want);
        if (!b)
            return -1;
        *buf = b;
        *cap = want;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static struct api_req *req_new(struct api_server *srv, struct MHD_Connection *conn, const char *url,
                               const char *method)
{
    struct api_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->srv = srv;
    r->conn = conn;
    r->method = method;
    r->start_ms = util_mono_ms();
    r->start_us = api_metrics_now_us();
    snprintf(r->path, sizeof r->path, "%s", url);
    reqopts_init(&r->opts);
    const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
    if (rid && strlen(rid) < sizeof r->request_id &&
        strspn(rid, "abcdefghijklmnopqrstuvwxyz"
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789-_.") == strlen(rid))
        snprintf(r->request_id, sizeof r->request_id, "%s", rid);
    else
        util_new_id("req_", r->request_id);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct api_server *srv = cls;
    struct api_req *r = *con_cls;
    if (!r) {
        r = req_new(srv, conn, url, method);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        char buf[sizeof r->path];
        const char *param[API_ROUTE_PARAMS];
        int i = api_route_find(method, r->path, buf, sizeof buf, param);
        if (i < 0 || !(api_routes[i].flags & API_ROUTE_STREAM))
            return MHD_YES; /* answered by dispatch() once the (small) body is in */
        r->is_upload = 1;
        return api_routes[i].handler(r, NULL, param);
    }
    if (r->status)
        return MHD_YES; /* already answered (e.g. 413 early): discard the rest */
    if (r->is_upload)
        return r->batch ? api_batches_body(r, upload_data, upload_data_size)
                        : api_upload(r, upload_data, upload_data_size);
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->too_large || r->body_len + n > API_SMALL_BODY_MAX) {
            r->too_large = 1;
            return MHD_YES;
        }
        return api_buf_append(&r->body, &r->body_len, &r->body_cap, upload_data, n) ? MHD_NO
                                                                                    : MHD_YES;
    }
    if (r->too_large)
        return api_reply_error(r, 413, "too_large", "request body over %d bytes",
                               API_SMALL_BODY_MAX);
    return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    struct api_req *r = *con_cls;
    if (!r)
        return;
    enum log_level lv = r->status >= 500 ? LOG_WARN : LOG_INFO;
    if (log_enabled(lv)) { /* nothing to build for a line that is not written */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "msg", "request");
        cJSON_AddStringToObject(o, "request_id", r->request_id);
        cJSON_AddStringToObject(o, "method", r->method);
        cJSON_AddStringToObject(o, "path", r->path);
        cJSON_AddNumberToObject(o, "status", r->status);
        cJSON_AddNumberToObject(o, "ms", (double)(util_mono_ms() - r->start_ms));
        if (r->authed)
            cJSON_AddStringToObject(o, "tenant", r->auth.tenant);
        if (r->doc_id[0])
            cJSON_AddStringToObject(o, "doc", r->doc_id);
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            cJSON_AddNumberToObject(o, "terminated", toe);
        log_obj(lv, o);
    }
    api_metrics_count(&r->srv->metrics, r->method, r->path, r->status,
                      api_metrics_now_us() - r->start_us, r->is_upload ? r->body_len : 0);
    api_wait_completed(r->srv, r);
    api_upload_cleanup(r);
    api_pdfjob_free(r->pdf);
    api_batches_cleanup(r);
    free(r->body);
    free(r);
    *con_cls = NULL;
}

dp_err api_server_start(struct api_server *srv)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)srv->cfg.api_port);
    int fd = -1; /* api_socket: a pre-bound Unix socket instead of TCP */
    if (srv->cfg.api_socket[0]) {
        char err[300];
        fd = api_listen_unix(srv, srv->cfg.api_socket, err, sizeof err);
        if (fd < 0) {
            log_kv(LOG_ERROR, "could not listen on api_socket", "error", err, NULL);
            return DP_EIO;
        }
    } else if (inet_pton(AF_INET, srv->cfg.listen_addr, &sa.sin_addr) != 1) {
        log_kv(LOG_ERROR, "listen_addr must be an IPv4 address", "listen_addr",
               srv->cfg.listen_addr, NULL);
        return DP_EINVAL;
    }
    if (pthread_key_create(&srv->redis_key, free_redis))
        return DP_ENOMEM;
    if (api_wait_start(srv) || api_commit_start(srv) || api_train_start(srv))
        return DP_ENOMEM;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                         MHD_ALLOW_SUSPEND_RESUME;
    if (fd >= 0)
        srv->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, fd,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->cfg.api_threads,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned int)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000, MHD_OPTION_END);
    else
        srv->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv->cfg.api_threads,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned int)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_END);
    if (!srv->daemon) {
        log_kv(LOG_ERROR, "could not start the HTTP server (port in use?)", NULL);
        api_listen_unix_remove(srv);
        return DP_EIO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = fd >= 0 ? 0 : di ? di->port : (uint16_t)srv->cfg.api_port;
    return DP_OK;
}

void api_server_stop(struct api_server *srv)
{
    api_wait_stop(srv); /* suspended connections are resumed before the daemon stops */
    api_commit_stop(srv);
    api_train_stop(srv);
    /* PDF children are killed; their threads resume their connections and are gone */
    atomic_store(&srv->pdf_stop, 1);
    for (int i = 0; i < 100 && atomic_load(&srv->pdf_children) > 0; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    api_listen_unix_remove(srv); /* after the daemon: no connection is refused half-way */
}
