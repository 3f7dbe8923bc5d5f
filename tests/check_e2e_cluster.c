/* check_e2e_cluster.c -- docproc across hosts: every program on a "host" of its own (a network
 * namespace with its own address, see harness_netns.h), reaching Redis only through the
 * Sentinels' answer, exactly as on separate machines:
 *
 *   h0 Redis primary   h1 Redis replica   h2-h4 Sentinels (quorum 2)
 *   h5, h6 API hosts (two docproc-api processes each)   h7 nginx balancing over the four
 *   h8-h10 worker hosts (docproc-worker -j 1 each)      h11 docproc-webhookd
 *
 * The test itself is the client (and the webhook receiver) on 198.18.<n>.1. It measures pages/s
 * with 1, 2 and 3 worker hosts; cuts one worker host's cable while it holds a job (the job is
 * reclaimed and finished elsewhere); SIGKILLs the Redis primary under a steady upload load
 * (uploads resume, no document acknowledged with redis_wait_replicas = 1 is lost); and kills one
 * API host (nginx routes around it). `make test-cluster` runs it alone; it needs root. */
#include <arpa/inet.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_netns.h"
#include "harness_receiver.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

#define MASTER "docproc"
enum {
    H_REDIS1,
    H_REDIS2,
    H_SENT1,
    H_SENT2,
    H_SENT3,
    H_API1,
    H_API2,
    H_NGINX,
    H_W1,
    H_W2,
    H_W3,
    H_HOOKD,
    N_HOSTS
};
#define REDIS_PORT    6379
#define SENTINEL_PORT 26379
#define API_PORT      8081
#define HTTP_PORT     8080

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

struct cluster {
    struct netlab lab;
    struct stack s; /* environment, temp dir, process group and the client's base URL */
    pid_t redis[2], api[2][2], worker[3], nginx, hookd;
    char redis_args[2][8][160];
};

static char *envdup(const char *fmt, const char *a)
{
    char buf[512];
    snprintf(buf, sizeof buf, fmt, a);
    return strdup(buf);
}

/* Runs argv inside host h's namespace; pid (its log is dir/<log>). */
static pid_t on_host(struct cluster *c, int h, const char *log, const char *const *argv)
{
    char *av[24] = {"ip", "netns", "exec", c->lab.ns[h]};
    int n = 4;
    for (int i = 0; argv[i] && n < 23; i++)
        av[n++] = (char *)argv[i];
    av[n] = NULL;
    return stack_spawn(&c->s, log, av);
}

static int tcp_up(const char *addr, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static int wait_tcp(const char *addr, int port, int ms)
{
    for (int t = 0; t < ms; t += 50, msleep(50))
        if (tcp_up(addr, port))
            return 0;
    return -1;
}

static redisContext *rconnect(const char *addr, int port)
{
    struct timeval tv = {1, 0};
    redisContext *r = redisConnectWithTimeout(addr, port, tv);
    if (r && r->err) {
        redisFree(r);
        return NULL;
    }
    if (r)
        redisSetTimeout(r, tv);
    return r;
}

/* The master's address as sentinel h sees it, into out ("" when unknown). */
static const char *sentinel_master(struct cluster *c, int h, char *out, size_t outsz)
{
    out[0] = '\0';
    redisContext *r = rconnect(c->lab.addr[h], SENTINEL_PORT);
    redisReply *rep = r ? redisCommand(r, "SENTINEL get-master-addr-by-name %s", MASTER) : NULL;
    if (rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2)
        snprintf(out, outsz, "%s", rep->element[0]->str);
    freeReplyObject(rep);
    if (r)
        redisFree(r);
    return out;
}

static int redis_cmd_int(const char *addr, const char *cmd, const char *needle)
{
    redisContext *r = rconnect(addr, REDIS_PORT);
    redisReply *rep = r ? redisCommand(r, cmd) : NULL;
    int ok = rep && rep->type == REDIS_REPLY_STRING && strstr(rep->str, needle) != NULL;
    freeReplyObject(rep);
    if (r)
        redisFree(r);
    return ok;
}

static int start_redis(struct cluster *c, int i)
{
    char dir[256], log[32];
    snprintf(dir, sizeof dir, "%s/redis%d", c->s.dir, i);
    snprintf(log, sizeof log, "redis%d.log", i);
    if (!c->redis_args[i][0][0]) {
        char mk[300];
        snprintf(mk, sizeof mk, "mkdir -p %s", dir);
        if (system(mk) != 0)
            return -1;
    }
    const char *argv[20] = {"redis-server",
                            "--bind",
                            c->lab.addr[H_REDIS1 + i],
                            "--port",
                            "6379",
                            "--protected-mode",
                            "no",
                            "--dir",
                            dir,
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            "everysec",
                            "--save",
                            "",
                            NULL};
    int n = 15;
    if (i == 1) {
        argv[n++] = "--replicaof";
        argv[n++] = c->lab.addr[H_REDIS1];
        argv[n++] = "6379";
        argv[n] = NULL;
    }
    c->redis_args[i][0][0] = 1;
    c->redis[i] = on_host(c, H_REDIS1 + i, log, argv);
    return wait_tcp(c->lab.addr[H_REDIS1 + i], REDIS_PORT, 10000);
}

static int start_sentinel(struct cluster *c, int h)
{
    char dir[256], conf[300], log[32];
    snprintf(dir, sizeof dir, "%s/sentinel%d", c->s.dir, h);
    snprintf(conf, sizeof conf, "%s/sentinel.conf", dir);
    snprintf(log, sizeof log, "sentinel%d.log", h);
    char mk[300];
    snprintf(mk, sizeof mk, "mkdir -p %s", dir);
    FILE *f = system(mk) == 0 ? fopen(conf, "w") : NULL;
    if (!f)
        return -1;
    fprintf(f,
            "port %d\nbind %s\nprotected-mode no\ndir %s\n"
            "sentinel monitor %s %s %d 2\nsentinel down-after-milliseconds %s 1000\n"
            "sentinel failover-timeout %s 5000\nsentinel parallel-syncs %s 1\n",
            SENTINEL_PORT, c->lab.addr[h], dir, MASTER, c->lab.addr[H_REDIS1], REDIS_PORT, MASTER,
            MASTER, MASTER);
    fclose(f);
    const char *argv[] = {"redis-server", conf, "--sentinel", NULL};
    if (on_host(c, h, log, argv) <= 0)
        return -1;
    return wait_tcp(c->lab.addr[h], SENTINEL_PORT, 10000);
}

static int start_api_host(struct cluster *c, int k)
{
    char bin[600], port[2][32], addr[64], log[32];
    snprintf(bin, sizeof bin, "%s/docproc-api", c->s.bin);
    snprintf(addr, sizeof addr, "--listen_addr=%s", c->lab.addr[H_API1 + k]);
    for (int p = 0; p < 2; p++) {
        snprintf(port[p], sizeof port[p], "--api_port=%d", API_PORT + p);
        snprintf(log, sizeof log, "api%d-%d.log", k, p);
        const char *argv[] = {bin, addr, port[p], NULL};
        c->api[k][p] = on_host(c, H_API1 + k, log, argv);
        if (wait_tcp(c->lab.addr[H_API1 + k], API_PORT + p, 15000))
            return -1;
    }
    return 0;
}

static int start_worker_host(struct cluster *c, int k)
{
    char bin[600], log[32];
    snprintf(bin, sizeof bin, "%s/docproc-worker", c->s.bin);
    snprintf(log, sizeof log, "worker%d.log", k);
    const char *argv[] = {bin, "-j", "1", NULL};
    c->worker[k] = on_host(c, H_W1 + k, log, argv);
    return c->worker[k] > 0 ? 0 : -1;
}

static int start_nginx(struct cluster *c)
{
    char cmd[2048], conf[256], prefix[200];
    snprintf(prefix, sizeof prefix, "%s/nginx", c->s.dir);
    snprintf(conf, sizeof conf, "%s/nginx.conf", prefix);
    const char *a1 = c->lab.addr[H_API1], *a2 = c->lab.addr[H_API2];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/tmp && %s/nginx/gen-conf.sh %s %s %d %s/web 52428800 %s:%d %s:%d "
             "%s:%d %s:%d > %s",
             prefix, c->s.src, prefix, c->lab.addr[H_NGINX], HTTP_PORT, c->s.src, a1, API_PORT, a2,
             API_PORT, a1, API_PORT + 1, a2, API_PORT + 1, conf);
    if (system(cmd) != 0)
        return -1;
    const char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-e", "stderr", NULL};
    c->nginx = on_host(c, H_NGINX, "nginx.log", argv);
    return wait_tcp(c->lab.addr[H_NGINX], HTTP_PORT, 10000);
}

static int cluster_start(struct cluster *c)
{
    memset(c, 0, sizeof *c);
    if (netlab_create(&c->lab, N_HOSTS))
        return -1;
    struct stack *s = &c->s;
    const char *bin = getenv("DOCPROC_BIN_DIR"), *src = getenv("DOCPROC_SRC_DIR");
    snprintf(s->bin, sizeof s->bin, "%s", bin ? bin : "build");
    snprintf(s->src, sizeof s->src, "%s", src ? src : ".");
    snprintf(s->dir, sizeof s->dir, "/tmp/docproc-cluster-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->base, sizeof s->base, "http://%s:%d", c->lab.addr[H_NGINX], HTTP_PORT);
    char sentinels[160];
    snprintf(sentinels, sizeof sentinels, "DOCPROC_SENTINELS=%s:%d,%s:%d,%s:%d",
             c->lab.addr[H_SENT1], SENTINEL_PORT, c->lab.addr[H_SENT2], SENTINEL_PORT,
             c->lab.addr[H_SENT3], SENTINEL_PORT);
    s->env[s->nenv++] = strdup(sentinels);
    s->env[s->nenv++] = strdup("DOCPROC_SENTINEL_MASTER=" MASTER);
    /* A Redis address nobody serves: only the sentinels' answer leads anywhere. */
    s->env[s->nenv++] = envdup("DOCPROC_REDIS_HOST=%s", "198.18.255.254");
    s->env[s->nenv++] = strdup("DOCPROC_REDIS_WAIT_REPLICAS=1");
    s->env[s->nenv++] = strdup("DOCPROC_REDIS_WAIT_TIMEOUT_MS=500");
    s->env[s->nenv++] = strdup("DOCPROC_REDIS_TIMEOUT_MS=1000");
    s->env[s->nenv++] = strdup("DOCPROC_VISIBILITY_TIMEOUT_MS=4000");
    s->env[s->nenv++] = strdup("DOCPROC_MAX_ATTEMPTS=10");
    s->env[s->nenv++] = strdup("DOCPROC_WEBHOOK_ALLOW_PRIVATE=1");
    s->env[s->nenv++] = strdup("DOCPROC_WEBHOOK_RETRY_SCHEDULE=0,1,1,1,1");
    s->env[s->nenv++] = strdup("DOCPROC_LOG_LEVEL=info");
    s->env[s->nenv++] = strdup("OMP_THREAD_LIMIT=1");
    s->env[s->nenv] = NULL;
    if (start_redis(c, 0) || start_redis(c, 1))
        goto fail;
    for (int t = 0; !redis_cmd_int(c->lab.addr[H_REDIS1], "INFO replication", "state=online");
         t++) {
        if (t > 200)
            goto fail;
        msleep(50);
    }
    for (int h = H_SENT1; h <= H_SENT3; h++)
        if (start_sentinel(c, h))
            goto fail;
    if (start_api_host(c, 0) || start_api_host(c, 1) || start_nginx(c))
        goto fail;
    char hbin[600], log[16] = "webhookd.log";
    snprintf(hbin, sizeof hbin, "%s/docproc-webhookd", s->bin);
    const char *hargv[] = {hbin, NULL};
    c->hookd = on_host(c, H_HOOKD, log, hargv);
    /* The admin CLI runs here, in the test's namespace: it too finds Redis by the sentinels. */
    char out[128];
    if (stack_run(s, out, sizeof out, "docproc-admin", "key", "create", "--tenant", "alpha",
                  NULL) != 0)
        goto fail;
    snprintf(s->key, sizeof s->key, "%.*s", (int)strcspn(out, "\n"), out);
    return 0;
fail:
    fprintf(stderr, "cluster: did not start; logs in %s\n", s->dir);
    return -1;
}

static void cluster_stop(struct cluster *c)
{
    if (c->s.pgid) { /* everything runs in one process group: end it, then the namespaces */
        kill(-c->s.pgid, SIGTERM);
        msleep(500);
    }
    stack_stop(&c->s);
    netlab_destroy(&c->lab);
}

/* ---- the client side ---- */

static long upload(struct cluster *c, const void *buf, size_t len, const char *ikey, char *id)
{
    char url[256], hk[128];
    snprintf(url, sizeof url, "%s/v1/documents", c->s.base);
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", ikey ? ikey : "");
    const char *hdr[] = {ikey ? hk : "X-No-Key: 1", "Content-Type: application/octet-stream", NULL};
    struct http_resp r;
    long st = http_req("POST", url, c->s.key, hdr, buf, len, &r) == 0 ? r.status : -1;
    cJSON *j = http_json(&r);
    if ((st == 202 || st == 200) && id)
        snprintf(id, 64, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    http_resp_free(&r);
    return st;
}

/* Retries through failures that a client with an Idempotency-Key may retry. */
static long upload_retry(struct cluster *c, const void *buf, size_t len, const char *ikey, char *id,
                         int *retries)
{
    for (int a = 0; a < 600; a++) {
        long st = upload(c, buf, len, ikey, id);
        if (st == 202 || st == 200)
            return st;
        ck_assert_msg(st == -1 || st == 502 || st == 503 || st == 504, "upload got HTTP %ld", st);
        (*retries)++;
        msleep(100);
    }
    return -1;
}

static void page(const char *what, int i, unsigned char **buf, size_t *len)
{
    char l1[64], l2[64];
    snprintf(l1, sizeof l1, "Cluster %s document %d", what, i);
    snprintf(l2, sizeof l2, "Invoice number CL-%04d total 12.50 EUR", i);
    const char *lines[] = {l1, l2, "Thank you for your business"};
    ck_assert_int_eq(fixture_png(lines, 3, buf, len), DP_OK);
}

/* Waits for ids[0..n) to end; returns how many ended done (missing ones count in *missing). */
static int wait_done(struct cluster *c, char (*ids)[64], int n, int timeout_ms, int *missing)
{
    int done = 0;
    *missing = 0;
    int64_t t0 = util_mono_ms();
    for (int i = 0; i < n; i++) {
        int left = timeout_ms - (int)(util_mono_ms() - t0);
        cJSON *d = stack_wait_doc(&c->s, c->s.key, ids[i], left > 1000 ? left : 1000);
        if (!d)
            (*missing)++;
        else if (strcmp(json_str(d, "status"), "done") == 0)
            done++;
        cJSON_Delete(d);
    }
    return done;
}

/* Which consumer holds a pending job, and that job's document, from the current master. */
static int pending_of(const char *master, const char *needle, char *doc, size_t docsz)
{
    redisContext *r = rconnect(master, REDIS_PORT);
    int found = 0;
    redisReply *p = r ? redisCommand(r, "XPENDING %s %s - + 50", KEYS_JOBS, KEYS_JOBS_GROUP) : NULL;
    for (size_t i = 0; p && p->type == REDIS_REPLY_ARRAY && i < p->elements && !found; i++) {
        redisReply *e = p->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 || !strstr(e->element[1]->str, needle))
            continue;
        redisReply *x =
            redisCommand(r, "XRANGE %s %s %s", KEYS_JOBS, e->element[0]->str, e->element[0]->str);
        if (x && x->type == REDIS_REPLY_ARRAY && x->elements == 1) {
            redisReply *f = x->element[0]->element[1];
            for (size_t k = 0; k + 1 < f->elements; k += 2)
                if (strcmp(f->element[k]->str, "doc") == 0) {
                    snprintf(doc, docsz, "%s", f->element[k + 1]->str);
                    found = 1;
                }
        }
        freeReplyObject(x);
    }
    freeReplyObject(p);
    if (r)
        redisFree(r);
    return found;
}

START_TEST(cluster_across_hosts)
{
    static struct cluster c;
    char why[128];
    if (!netlab_available(why, sizeof why)) {
        /* A machine that cannot make namespaces (not root, a chroot) cannot host this test:
         * it says so loudly; `make test-cluster` (DOCPROC_REQUIRE_NETNS=1) fails instead. */
        fprintf(stderr, "e2e_cluster: NOT RUN: %s\n", why);
        ck_assert_msg(!getenv("DOCPROC_REQUIRE_NETNS"),
                      "e2e_cluster needs network namespaces: %s (run as root)", why);
        return;
    }
    ck_assert_int_eq(cluster_start(&c), 0);
    struct receiver rv;
    ck_assert_int_eq(receiver_start(&rv, "0.0.0.0"), 0);
    char url[256], body[256];
    snprintf(url, sizeof url, "%s/v1/webhooks", c.s.base);
    char addr1[32];
    snprintf(addr1, sizeof addr1, "198.18.%d.1", c.lab.subnet);
    snprintf(body, sizeof body,
             "{\"url\":\"http://%s:%d/hook\",\"events\":[\"document.completed\"]}", addr1, rv.port);
    const char *jh[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, c.s.key, jh, body, strlen(body), &r), 0);
    ck_assert_msg(r.status == 201 || r.status == 200, "webhook create %ld: %s", r.status, r.body);
    http_resp_free(&r);

    /* 1. Throughput with 1, 2 and 3 worker hosts: the same number of pages each time. */
    enum { PER_ROUND = 12 };
    double rate[3];
    static char ids[PER_ROUND * 3][64];
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(start_worker_host(&c, k), 0);
        msleep(1500); /* the new host's Tesseract is ready */
        unsigned char *png[PER_ROUND];
        size_t len[PER_ROUND];
        for (int i = 0; i < PER_ROUND; i++)
            page("scaling", k * PER_ROUND + i, &png[i], &len[i]);
        int64_t t0 = util_mono_ms();
        for (int i = 0; i < PER_ROUND; i++) {
            char ik[32];
            snprintf(ik, sizeof ik, "sc-%d-%d", k, i);
            int retries = 0;
            ck_assert_int_eq(upload_retry(&c, png[i], len[i], ik, ids[k * PER_ROUND + i], &retries),
                             202);
            free(png[i]);
        }
        int missing;
        int done = wait_done(&c, ids + k * PER_ROUND, PER_ROUND, 120000, &missing);
        rate[k] = PER_ROUND * 1000.0 / (double)(util_mono_ms() - t0);
        ck_assert_int_eq(done, PER_ROUND);
    }

    /* 2. A worker host loses its cable while it holds a job: the job is reclaimed after the
     * visibility timeout and finished by another host. */
    enum { CUT_DOCS = 9 };
    static char cut_ids[CUT_DOCS][64];
    char held_doc[64] = "", master[32];
    for (int i = 0; i < CUT_DOCS; i++) {
        unsigned char *png;
        size_t len;
        page("cut", i, &png, &len);
        char ik[32];
        snprintf(ik, sizeof ik, "cut-%d", i);
        int retries = 0;
        ck_assert_int_eq(upload_retry(&c, png, len, ik, cut_ids[i], &retries), 202);
        free(png);
    }
    /* Whichever worker host is first seen holding a job loses its cable. */
    int cut = -1;
    int64_t t0 = util_mono_ms();
    while (cut < 0 && util_mono_ms() - t0 < 30000) {
        sentinel_master(&c, H_SENT1, master, sizeof master);
        for (int k = 0; k < 3 && cut < 0; k++) {
            char needle[32];
            snprintf(needle, sizeof needle, "-%d-", (int)c.worker[k]);
            if (pending_of(master, needle, held_doc, sizeof held_doc))
                cut = k;
        }
        if (cut < 0)
            msleep(10);
    }
    ck_assert_msg(cut >= 0, "no worker host was ever seen holding a job");
    ck_assert_int_eq(netlab_link(&c.lab, H_W1 + cut, 0), 0);
    int64_t t_cut = util_mono_ms();
    cJSON *d = stack_wait_doc(&c.s, c.s.key, held_doc, 90000);
    int64_t reclaim_ms = util_mono_ms() - t_cut;
    ck_assert_msg(d != NULL, "the job held by the cut host never finished");
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert_int_ge((int)json_num(d, "attempts"), 2);
    cJSON_Delete(d);
    int missing;
    ck_assert_int_eq(wait_done(&c, cut_ids, CUT_DOCS, 90000, &missing), CUT_DOCS);
    ck_assert_int_eq(netlab_link(&c.lab, H_W1 + cut, 1), 0); /* cable back: it rejoins */

    /* 3. The Redis primary is SIGKILLed under a steady upload load; a supervisor (as systemd's
     * Restart= would) brings it back 3 s later, and the sentinels make it a replica. */
    enum { FO_DOCS = 24, KILL_AT = 6 };
    static char fo_ids[FO_DOCS][64];
    int retries = 0;
    int64_t t_kill = 0, t_resume = 0, t_restart = 0;
    for (int i = 0; i < FO_DOCS; i++) {
        unsigned char *png;
        size_t len;
        page("failover", i, &png, &len);
        char ik[32];
        snprintf(ik, sizeof ik, "fo-%d", i);
        if (i == KILL_AT) {
            kill(c.redis[0], SIGKILL);
            t_kill = util_mono_ms();
        }
        for (int a = 0; a < 600; a++) {
            if (t_kill && !t_restart && util_mono_ms() - t_kill > 3000) {
                ck_assert_int_eq(start_redis(&c, 0), 0);
                t_restart = util_mono_ms();
            }
            long st = upload(&c, png, len, ik, fo_ids[i]);
            if (st == 202 || st == 200)
                break;
            ck_assert_msg(st == -1 || st == 502 || st == 503 || st == 504, "upload got %ld", st);
            retries++;
            fo_ids[i][0] = '\0';
            msleep(100);
        }
        ck_assert_msg(fo_ids[i][0], "upload %d never accepted", i);
        if (i == KILL_AT)
            t_resume = util_mono_ms();
        free(png);
    }
    int64_t resume_ms = t_resume - t_kill;
    int fo_done = wait_done(&c, fo_ids, FO_DOCS, 120000, &missing);
    ck_assert_int_eq(missing, 0);
    ck_assert_int_eq(fo_done, FO_DOCS);
    ck_assert_int_lt(resume_ms, 30000);

    /* 4. One API host dies: nginx routes around it. Every upload (first try, with an
     * Idempotency-Key) is accepted. */
    enum { API_DOCS = 10 };
    static char api_ids[API_DOCS][64];
    for (int p = 0; p < 2; p++)
        kill(c.api[0][p], SIGKILL);
    int api_ok = 0;
    for (int i = 0; i < API_DOCS; i++) {
        unsigned char *png;
        size_t len;
        page("api", i, &png, &len);
        char ik[32];
        snprintf(ik, sizeof ik, "api-%d", i);
        long st = upload(&c, png, len, ik, api_ids[i]);
        api_ok += st == 202;
        free(png);
    }
    ck_assert_int_eq(api_ok, API_DOCS);
    ck_assert_int_eq(wait_done(&c, api_ids, API_DOCS, 90000, &missing), API_DOCS);

    /* 5. The webhook host delivered signed document.completed events across hosts. */
    const char *completed[] = {"document.completed", NULL};
    const char *signed_completed[] = {"document.completed", "webhook-signature: v1,", NULL};
    for (int t = 0; t < 100 && receiver_count(&rv, completed) < 10; t++)
        msleep(100);
    int got = receiver_count(&rv, completed), got_signed = receiver_count(&rv, signed_completed);
    receiver_stop(&rv);

    fprintf(stderr,
            "cluster: pages/s with 1, 2, 3 worker hosts: %.2f, %.2f, %.2f (x%.2f, x%.2f); "
            "cut worker host: held job done %lld ms after the cut (visibility 4000 ms); "
            "Redis primary SIGKILL: uploads resumed after %lld ms, acknowledged %d, lost %d, "
            "upload retries %d; API host killed: %d/%d accepted first try; webhooks received %d "
            "(%d signed)\n",
            rate[0], rate[1], rate[2], rate[1] / rate[0], rate[2] / rate[0], (long long)reclaim_ms,
            (long long)resume_ms, FO_DOCS, missing, retries, api_ok, API_DOCS, got, got_signed);
    ck_assert_int_ge(got, 1);
    ck_assert_int_eq(got_signed, got);
    cluster_stop(&c);
}
END_TEST

Suite *e2e_cluster_suite(void)
{
    Suite *s = suite_create("e2e_cluster");
    TCase *tc = tcase_create("cluster");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, cluster_across_hosts);
    suite_add_tcase(s, tc);
    return s;
}
