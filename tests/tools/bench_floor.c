/* bench_floor.c -- the floor of the ingest path: what nginx proxying the same POST costs when the
 * upstream does (almost) nothing. The upstream is this program run again as
 * `docproc-bench --floor-server SOCKET null|redis`: a libmicrohttpd server set up as docproc-api
 * is (internal epoll thread pool of api_threads, suspend/resume allowed, a Unix listening socket,
 * the same timeouts and connection limit) that reads the body and answers 202 with a 200-byte
 * JSON document, either at once ("null") or after one SET of the body to Redis over the
 * thread's own connection ("redis": the blob's write of an upload, nothing else). The bench
 * starts as many of them as API processes, and an nginx from nginx/gen-conf.sh in front of them
 * (the stack's own configuration, limits off). The same kind of front over docproc-api
 * processes with one option changed is the B side of the ingest A/B (bench_front_start). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <hiredis.h>
#include <microhttpd.h>
#include "bench.h"
#include "config.h"
#include "harness.h"
#include "keys.h"
#include "rds.h"
#include "util.h"

#define FLOOR_BODY_MAX (1024 * 1024) /* the server's cap on a request body */

/* ---- the upstream ---- */

/* The whole state of one floor server. */
struct floor_srv {
    struct dp_config cfg;
    int with_redis;          /* 1: SET the body before answering */
    pthread_key_t redis_key; /* per-thread redisContext * (as the API's) */
};

/* One request's body, growing to FLOOR_BODY_MAX. */
struct floor_req {
    char *body;
    size_t len, cap;
    int too_large;
};

static volatile sig_atomic_t floor_stop;

static void on_term(int sig)
{
    (void)sig;
    floor_stop = 1;
}

static void free_redis(void *p)
{
    redisFree(p);
}

/* The SET of an upload's blob: a new key each time, as every upload stores a new document.
 * 0, or -1 when Redis failed (the connection is dropped, the next request reconnects). */
static int floor_set(struct floor_srv *fs, const struct floor_req *q)
{
    redisContext *c = pthread_getspecific(fs->redis_key);
    if (!c) {
        char err[256];
        c = rds_connect(&fs->cfg, err, sizeof err);
        if (!c)
            return -1;
        pthread_setspecific(fs->redis_key, c);
    }
    char id[UTIL_ID_MAX], key[KEYS_MAX];
    if (util_new_id("doc_", id) || keys_blob(key, id))
        return -1;
    const char *argv[] = {"SET", key, q->body};
    size_t lens[] = {3, strlen(key), q->len};
    redisReply *r = rds_cmdv(c, 3, argv, lens);
    int ok = r && r->type == REDIS_REPLY_STATUS;
    freeReplyObject(r);
    if (!r) {
        redisFree(c);
        pthread_setspecific(fs->redis_key, NULL);
    }
    return ok ? 0 : -1;
}

static enum MHD_Result floor_answer(struct MHD_Connection *conn, unsigned status)
{
    /* About the size of docproc's 202 body, headers like its own */
    static const char doc[] =
        "{\"id\":\"doc_0000000000000000000000\",\"object\":\"document\",\"status\":\"queued\","
        "\"created_at\":\"2026-12-02T00:00:00.000Z\",\"started_at\":null,\"finished_at\":null,"
        "\"attempts\":0,\"file\":{\"name\":null,\"type\":\"image/png\",\"size\":11021}}";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof doc - 1, (void *)doc, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Location", "/v1/documents/doc_0000000000000000000000");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result floor_request(void *cls, struct MHD_Connection *conn, const char *url,
                                     const char *method, const char *version, const char *data,
                                     size_t *size, void **con_cls)
{
    (void)url;
    (void)method;
    (void)version;
    struct floor_srv *fs = cls;
    struct floor_req *q = *con_cls;
    if (!q) {
        q = calloc(1, sizeof *q);
        *con_cls = q;
        return q ? MHD_YES : MHD_NO;
    }
    if (*size) {
        size_t n = *size;
        *size = 0;
        if (q->too_large || q->len + n > FLOOR_BODY_MAX) {
            q->too_large = 1;
            return MHD_YES;
        }
        if (q->len + n > q->cap) {
            size_t want = q->cap ? q->cap * 2 : 65536;
            while (want < q->len + n)
                want *= 2;
            char *b = realloc(q->body, want);
            if (!b)
                return MHD_NO;
            q->body = b;
            q->cap = want;
        }
        memcpy(q->body + q->len, data, n);
        q->len += n;
        return MHD_YES;
    }
    if (q->too_large)
        return floor_answer(conn, 413);
    if (fs->with_redis && floor_set(fs, q))
        return floor_answer(conn, 503);
    return floor_answer(conn, 202);
}

static void floor_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct floor_req *q = *con_cls;
    if (q)
        free(q->body);
    free(q);
    *con_cls = NULL;
}

int bench_floor_server(int argc, char **argv)
{
    struct floor_srv fs;
    int help = 0;
    char err[256];
    char *argv0[] = {argv[0], NULL};
    if (argc != 4 || config_load(&fs.cfg, 1, argv0, &help, err, sizeof err) != DP_OK) {
        fprintf(stderr, "usage: %s --floor-server SOCKET null|redis\n", argv[0]);
        return 2;
    }
    fs.with_redis = strcmp(argv[3], "redis") == 0;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[2]) >= sizeof sa.sun_path || pthread_key_create(&fs.redis_key, free_redis))
        return 1;
    memcpy(sa.sun_path, argv[2], strlen(argv[2]) + 1);
    unlink(argv[2]);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, SOMAXCONN) != 0) {
        fprintf(stderr, "floor server: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    struct sigaction act = {.sa_handler = on_term};
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    /* As api_server_start sets up docproc-api's daemon. */
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                         MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, floor_request, &fs, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)fs.cfg.api_threads, MHD_OPTION_NOTIFY_COMPLETED,
        floor_completed, &fs, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "floor server: MHD did not start\n");
        return 1;
    }
    while (!floor_stop)
        pause();
    MHD_stop_daemon(d);
    unlink(argv[2]);
    return 0;
}

/* ---- a front: nginx over upstreams of its own ---- */

/* n = st->n_api upstreams, each started as argv (the element "SOCK" replaced by its socket's
 * path, as a whole or after "--api_socket="), logs <tag>-<i>.log, behind an nginx of
 * nginx/gen-conf.sh in <st->dir>/<tag>. */
static int front_start(struct stack *st, const char *tag, char *const *argv, struct bench_floor *fl)
{
    char cmd[4096], dir[200], conf[260];
    memset(fl, 0, sizeof *fl);
    fl->n = st->n_api;
    snprintf(dir, sizeof dir, "%s/%s", st->dir, tag);
    fl->port = harness_free_port();
    snprintf(cmd, sizeof cmd, "mkdir -p %s/tmp", dir);
    if (system(cmd) != 0)
        return -1;
    /* the stack's own nginx configuration (as harness.c makes it), limits off */
    int k = snprintf(cmd, sizeof cmd,
                     "DP_RATE_LIMIT=0 DP_CONN_LIMIT=0 %s/nginx/gen-conf.sh %s 127.0.0.1 %d "
                     "%s/web 52428800",
                     st->src, dir, fl->port, st->src);
    for (int i = 0; i < fl->n; i++) {
        char sock[260], sockopt[300], log[64], *av[16];
        int j = 0;
        snprintf(sock, sizeof sock, "%s/up-%d.sock", dir, i);
        snprintf(sockopt, sizeof sockopt, "--api_socket=%s", sock);
        snprintf(log, sizeof log, "%s-%d.log", tag, i);
        for (; argv[j] && j < 15; j++)
            av[j] = strcmp(argv[j], "SOCK") == 0                ? sock
                    : strcmp(argv[j], "--api_socket=SOCK") == 0 ? sockopt
                                                                : argv[j];
        av[j] = NULL;
        fl->up[i] = stack_spawn(st, log, av);
        if (fl->up[i] <= 0 || harness_wait_unix(sock, 10000))
            return -1;
        k += snprintf(cmd + k, sizeof cmd - (size_t)k, " unix:%s", sock);
    }
    snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
    snprintf(cmd + k, sizeof cmd - (size_t)k, " > %s", conf);
    if (system(cmd) != 0)
        return -1;
    char log[64];
    snprintf(log, sizeof log, "%s-nginx.log", tag);
    char *nav[] = {"nginx", "-p", dir, "-c", conf, "-e", "stderr", NULL};
    fl->nginx = stack_spawn(st, log, nav);
    return fl->nginx > 0 ? harness_wait_port(fl->port, 10000) : -1;
}

int bench_floor_start(struct stack *st, int with_redis, struct bench_floor *fl)
{
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    memset(fl, 0, sizeof *fl);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *argv[] = {exe, "--floor-server", "SOCK", with_redis ? "redis" : "null", NULL};
    return front_start(st, with_redis ? "floor-redis" : "floor-null", argv, fl);
}

int bench_front_start(struct stack *st, const char *option, struct bench_floor *fl)
{
    char bin[600];
    snprintf(bin, sizeof bin, "%s/docproc-api", st->bin);
    char *argv[] = {bin, "--api_socket=SOCK", (char *)option, NULL};
    return front_start(st, "front-b", argv, fl);
}

void bench_floor_stop(struct bench_floor *fl)
{
    stack_kill(&fl->nginx, SIGTERM);
    for (int i = 0; i < fl->n; i++)
        stack_kill(&fl->up[i], SIGTERM);
}
