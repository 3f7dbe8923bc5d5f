/* bench_enqueue.c -- what one upload costs Redis: store_enqueue (the API's one round trip:
 * MULTI, SET blob, EVALSHA store_enqueue.lua, EXEC) from several threads, each with its own
 * connection over the Unix socket as make run has it, straight at a Redis started as the stack
 * starts it (AOF everysec), with no HTTP in front and no workers. Each Redis variant runs on a
 * fresh server in the same process, so the variants of one run compare under the same load.
 * Prints, per variant: uploads/s, Redis's own CPU per upload (its main thread and background
 * threads), its AOF rewrite children's CPU per upload, the bytes it wrote per upload, and
 * INFO commandstats' microseconds per call. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <hiredis.h>
#include "bench.h"
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "store.h"

#define ENQ_BODY      11021 /* the ingest bench's PNG body size */
#define ENQ_BATCH_MAX 64

/* One Redis variant: extra redis-server arguments over the stack's own (NULL-terminated). */
static const char *const v_lzf[] = {"--rdbcompression", "yes", NULL};
static const struct enq_variant {
    const char *what;
    const char *const *extra;
    int batch; /* uploads per round trip per thread (the API's group commit: api_commit.c) */
} enq_variants[] = {
    {"as the stack starts Redis", NULL, 1},
    {"rdbcompression yes (Redis's default)", v_lzf, 1},
    {"as the stack, 4 uploads per round trip", NULL, 4},
    {"as the stack, 16 uploads per round trip", NULL, 16},
};
#define ENQ_NVARIANTS (sizeof enq_variants / sizeof enq_variants[0])

struct enq_shared {
    const char *sock;
    const unsigned char *body;
    int batch; /* uploads pipelined per round trip (store_enq_*) */
    double deadline;
    pthread_mutex_t mu;
    long ok, failed; /* under mu */
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *enq_thread(void *arg)
{
    struct enq_shared *sh = arg;
    long ok = 0, failed = 0;
    redisContext *c = redisConnectUnix(sh->sock);
    struct quota_limits q = {0, 0, 0}; /* the configured defaults: none */
    while (c && !c->err && mono_s() < sh->deadline) {
        struct store_upload u = {.tenant = "alpha",
                                 .data = sh->body,
                                 .len = ENQ_BODY,
                                 .mime = "image/png",
                                 .name = "noise.png",
                                 .max_queue = 100000000,
                                 .idem_ttl_s = 86400,
                                 .quota = &q};
        char id[UTIL_ID_MAX], err[256];
        int replayed = 0;
        if (sh->batch <= 1) {
            if (store_enqueue(c, &u, id, &replayed, err, sizeof err) == DP_OK)
                ok++;
            else if (++failed == 1)
                fprintf(stderr, "bench enqueue: %s\n", err);
            continue;
        }
        /* as the API's group commit: batch enqueues in one write, their replies read */
        struct store_enq *e[ENQ_BATCH_MAX];
        int n = 0;
        while (n < sh->batch && store_enq_new(&u, &e[n]) == DP_OK)
            n++;
        for (int i = 0; i < n; i++)
            store_enq_append(c, e[i]);
        for (int i = 0; i < n; i++)
            store_enq_read(c, e[i]);
        for (int i = 0; i < n; i++) {
            if (store_enq_finish(c, e[i], id, &replayed, err, sizeof err) == DP_OK)
                ok++;
            else if (++failed == 1)
                fprintf(stderr, "bench enqueue: %s\n", err);
            store_enq_free(e[i]);
        }
        failed += sh->batch - n;
    }
    if (!c || c->err) {
        failed++;
        fprintf(stderr, "bench enqueue: %s\n", c ? c->errstr : "no connection");
    }
    redisFree(c);
    pthread_mutex_lock(&sh->mu);
    sh->ok += ok;
    sh->failed += failed;
    pthread_mutex_unlock(&sh->mu);
    return NULL;
}

/* Bytes pid has written through write(2) and its kind so far (/proc/PID/io wchar). */
static double wchar_bytes(pid_t pid)
{
    char path[64], line[128];
    double v = 0;
    snprintf(path, sizeof path, "/proc/%d/io", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "wchar:", 6) == 0)
            v = strtod(line + 6, NULL);
    if (f)
        fclose(f);
    return v;
}

/* usec_per_call of cmd in an INFO commandstats text, -1 when it was not called. */
static double usec_per_call(const char *info, const char *cmd)
{
    char pat[64];
    snprintf(pat, sizeof pat, "cmdstat_%s:", cmd);
    const char *p = strstr(info, pat);
    p = p ? strstr(p, "usec_per_call=") : NULL;
    return p ? strtod(p + 14, NULL) : -1;
}

/* long field of an INFO text ("aof_rewrites:3"), -1 when absent. */
static long info_long(const char *info, const char *field)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s:", field);
    const char *p = strstr(info, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* Waits (at most 60 s) until no AOF rewrite runs and its child is reaped. */
static void wait_rewrite(redisContext *c)
{
    for (int i = 0; i < 600; i++) {
        redisReply *r = redisCommand(c, "INFO persistence");
        int busy = !r || r->type != REDIS_REPLY_STRING ||
                   info_long(r->str, "aof_rewrite_in_progress") == 1 ||
                   info_long(r->str, "aof_rewrite_scheduled") == 1;
        freeReplyObject(r);
        if (!busy)
            break;
        usleep(100000);
    }
    usleep(200000);
}

struct enq_result {
    double secs, ups, redis_us, rewrite_us, wbytes;
    double evalsha_us, set_us, exec_us;
    double one_rewrite_us; /* one BGREWRITEAOF's child CPU per stored upload */
    long ok, failed, rewrites;
};

static int run_variant(const struct enq_variant *v, const unsigned char *body, int secs,
                       int threads, struct enq_result *out)
{
    struct stack st;
    int rc = -1;
    const char *why = "redis-server did not start";
    memset(out, 0, sizeof *out);
    if (stack_init(&st, NULL) != 0)
        return -1;
    char sock[300];
    snprintf(sock, sizeof sock, "%s/redis/redis.sock", st.dir);
    st.redis = stack_spawn_redis(&st, st.redis_port, "redis", "redis.log", v->extra);
    redisContext *c = NULL;
    redisReply *r = NULL;
    if (st.redis <= 0 || harness_wait_port(st.redis_port, 10000))
        goto out;
    for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++)
        usleep(10000);
    why = "no connection over the socket";
    c = redisConnectUnix(sock);
    if (!c || c->err)
        goto out;
    struct enq_shared sh = {.sock = sock, .body = body, .batch = v->batch};
    pthread_mutex_init(&sh.mu, NULL);
    pthread_t tid[64];
    int n = threads > 64 ? 64 : threads;
    /* warm-up: scripts loaded, first allocations made */
    sh.deadline = mono_s() + 1;
    for (int i = 0; i < n; i++)
        pthread_create(&tid[i], NULL, enq_thread, &sh);
    for (int i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
    freeReplyObject(redisCommand(c, "CONFIG RESETSTAT"));
    r = redisCommand(c, "INFO persistence");
    long rw0 = r && r->type == REDIS_REPLY_STRING ? info_long(r->str, "aof_rewrites") : 0;
    freeReplyObject(r);
    r = NULL;
    sh.ok = sh.failed = 0;
    double own0 = harness_proc_cpu_part_s(st.redis, 1),
           kids0 = harness_proc_cpu_part_s(st.redis, 0);
    double w0 = wchar_bytes(st.redis), t0 = mono_s();
    sh.deadline = t0 + secs;
    for (int i = 0; i < n; i++)
        pthread_create(&tid[i], NULL, enq_thread, &sh);
    for (int i = 0; i < n; i++)
        pthread_join(tid[i], NULL);
    double t1 = mono_s();
    wait_rewrite(c); /* a rewrite still running belongs to this run */
    double own1 = harness_proc_cpu_part_s(st.redis, 1),
           kids1 = harness_proc_cpu_part_s(st.redis, 0);
    double w1 = wchar_bytes(st.redis);
    r = redisCommand(c, "INFO all");
    /* then one rewrite of everything stored, alone: its CPU per stored upload */
    redisReply *dbs = redisCommand(c, "DBSIZE");
    long long stored = dbs && dbs->type == REDIS_REPLY_INTEGER ? dbs->integer / 2 : 0;
    freeReplyObject(dbs);
    freeReplyObject(redisCommand(c, "BGREWRITEAOF"));
    usleep(100000);
    wait_rewrite(c);
    if (stored > 0)
        out->one_rewrite_us = (harness_proc_cpu_part_s(st.redis, 0) - kids1) * 1e6 / (double)stored;
    why = sh.ok == 0 ? "no upload was stored" : "no INFO";
    if (!r || r->type != REDIS_REPLY_STRING || sh.ok == 0)
        goto out;
    out->ok = sh.ok;
    out->failed = sh.failed;
    out->secs = t1 - t0;
    out->ups = (double)sh.ok / out->secs;
    out->redis_us = (own1 - own0) * 1e6 / (double)sh.ok;
    out->rewrite_us = (kids1 - kids0) * 1e6 / (double)sh.ok;
    out->wbytes = (w1 - w0) / (double)sh.ok;
    out->evalsha_us = usec_per_call(r->str, "evalsha");
    out->set_us = usec_per_call(r->str, "set");
    out->exec_us = usec_per_call(r->str, "exec");
    out->rewrites = info_long(r->str, "aof_rewrites") - rw0;
    if (getenv("DOCPROC_BENCH_ENQUEUE_STATS")) /* every command's INFO commandstats line */
        for (const char *p = strstr(r->str, "cmdstat_"); p; p = strstr(p + 1, "\ncmdstat_"))
            printf("    %.*s\n", (int)strcspn(p + (*p == '\n'), "\r\n"), p + (*p == '\n'));
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "bench enqueue: %s: %s (%s)\n", v->what, why,
                c && c->err ? c->errstr : "see its redis.log");
    freeReplyObject(r);
    redisFree(c);
    stack_stop(&st);
    return rc;
}

/* ---- Redis per job ---- */

/* Prints the commands of an INFO commandstats text that cost most, per job. */
static void print_top_commands(const char *info, long jobs)
{
    struct {
        char name[48];
        double usec, calls;
    } top[6] = {{"", 0, 0}};
    double calls = 0;
    for (const char *p = strstr(info, "cmdstat_"); p; p = strstr(p + 1, "cmdstat_")) {
        char name[48];
        double c = 0, u = 0;
        if (sscanf(p, "cmdstat_%47[^:]:calls=%lf,usec=%lf", name, &c, &u) != 3 ||
            strcmp(name, "info") == 0 || strcmp(name, "hget") == 0 ||
            strcmp(name, "config|resetstat") == 0)
            continue; /* this bench's own polling */
        calls += c;
        for (int i = 0; i < 6; i++)
            if (u > top[i].usec) {
                memmove(&top[i + 1], &top[i], (size_t)(5 - i) * sizeof top[0]);
                snprintf(top[i].name, sizeof top[i].name, "%s", name);
                top[i].usec = u, top[i].calls = c;
                break;
            }
    }
    printf("  %.1f commands per job (HGET and INFO left out: this bench's polling); the most "
           "time (commandstats usec per job, wall time, and calls per job):",
           calls / (double)jobs);
    for (int i = 0; i < 6 && top[i].name[0]; i++)
        printf(" %s %.1f (%.1f)", top[i].name, top[i].usec / (double)jobs,
               top[i].calls / (double)jobs);
    printf("\n");
}

/* Redis per job: njobs one-page uploads stored with no worker running, then docproc-worker -j
 * cores reads them all: Redis's own CPU per job, what the commands cost, and what the waiting
 * workers cost Redis per second once the queue is empty. */
static int run_jobs(int njobs, int cores)
{
    static const char *const env[] = {"DOCPROC_LOG_LEVEL=warn", "DOCPROC_MAX_QUEUE=1000000", NULL};
    struct stack_opts so = {.n_api = 1, .workers = -1, .env = env, .redis_socket = 1};
    struct stack st;
    const char *lines[] = {"INVOICE 2026-4711", "Total due 1,234.50 EUR"};
    unsigned char *png = NULL;
    size_t len = 0;
    int rc = -1, done = 0;
    redisContext *c = NULL;
    redisReply *r = NULL;
    if (fixture_png(lines, 2, &png, &len) != DP_OK || stack_start(&st, &so) != 0) {
        free(png);
        return -1;
    }
    char sock[300];
    snprintf(sock, sizeof sock, "%s/redis/redis.sock", st.dir);
    c = redisConnectUnix(sock);
    for (int i = 0; c && !c->err && i < njobs; i++) {
        struct quota_limits q = {0, 0, 0};
        struct store_upload u = {.tenant = "alpha",
                                 .data = png,
                                 .len = len,
                                 .mime = "image/png",
                                 .max_queue = 1000000,
                                 .idem_ttl_s = 86400,
                                 .quota = &q};
        char id[UTIL_ID_MAX], err[256];
        int replayed = 0;
        if (store_enqueue(c, &u, id, &replayed, err, sizeof err) != DP_OK)
            goto out;
    }
    if (!c || c->err)
        goto out;
    /* Redis alone, idle: its own cron */
    double base0 = harness_proc_cpu_part_s(st.redis, 1);
    sleep(3);
    double base = (harness_proc_cpu_part_s(st.redis, 1) - base0) / 3;
    freeReplyObject(redisCommand(c, "CONFIG RESETSTAT"));
    double own0 = harness_proc_cpu_part_s(st.redis, 1), t0 = mono_s();
    if (stack_start_worker(&st, cores, NULL) != 0)
        goto out;
    while (done < njobs && mono_s() - t0 < 600) {
        sleep(1); /* HGET: left out of the commands below */
        long v[2] = {0, 0};
        for (int k = 0; k < 2; k++) {
            r = redisCommand(c, "HGET %s %s", KEYS_STATS, k ? "failed" : "done");
            v[k] = r && r->type == REDIS_REPLY_STRING ? strtol(r->str, NULL, 10) : 0;
            freeReplyObject(r);
            r = NULL;
        }
        done = (int)(v[0] + v[1]);
    }
    double own1 = harness_proc_cpu_part_s(st.redis, 1), t1 = mono_s();
    r = redisCommand(c, "INFO commandstats");
    if (done < njobs || !r || r->type != REDIS_REPLY_STRING)
        goto out;
    /* the workers waiting on an empty queue */
    double idle0 = harness_proc_cpu_part_s(st.redis, 1);
    sleep(5);
    double idle = (harness_proc_cpu_part_s(st.redis, 1) - idle0) / 5;
    printf("\nRedis per job (%d one-page %zu-byte PNG uploads stored, then docproc-worker -j %d "
           "reads them all in %.1f s):\n  Redis's own CPU in that time %.2f s = %.0f us per job, "
           "its idle cost included (with the queue empty and the workers waiting %.1f ms a "
           "second, %.1f ms a second with no worker; /proc counts 10 ms ticks)\n",
           njobs, len, cores, t1 - t0, own1 - own0, (own1 - own0) * 1e6 / njobs, idle * 1e3,
           base * 1e3);
    print_top_commands(r->str, njobs);
    fflush(stdout);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "bench enqueue: the job phase failed (%d of %d jobs ended)\n", done, njobs);
    freeReplyObject(r);
    redisFree(c);
    free(png);
    stack_stop(&st);
    return rc;
}

int bench_enqueue(int secs, int threads)
{
    unsigned char *body = malloc(ENQ_BODY);
    unsigned long s = 12345;
    double load[3] = {0, 0, 0};
    struct enq_result res[ENQ_NVARIANTS];
    if (!body)
        return -1;
    for (size_t i = 0; i < ENQ_BODY; i++) { /* noise: does not compress, like the PNG */
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        body[i] = (unsigned char)(s >> 56);
    }
    getloadavg(load, 3);
    /* DOCPROC_BENCH_ENQUEUE_VARIANT=i runs only variant i (to profile it) */
    const char *only = getenv("DOCPROC_BENCH_ENQUEUE_VARIANT");
    size_t first = 0, end = ENQ_NVARIANTS;
    if (only && *only) {
        first = (size_t)strtoul(only, NULL, 10);
        end = first < ENQ_NVARIANTS ? first + 1 : 0;
    }
    int rc = first < end ? 0 : -1;
    for (size_t i = first; i < end && rc == 0; i++)
        rc = run_variant(&enq_variants[i], body, secs, threads, &res[i]);
    free(body);
    if (rc) {
        fprintf(stderr, "bench enqueue: a variant failed\n");
        return -1;
    }
    printf("\nRedis per upload (store_enqueue straight at Redis: %d threads, each its own "
           "connection over the Unix socket; %d-byte body; %d s each; AOF everysec; load "
           "average %.2f at the start):\n",
           threads, ENQ_BODY, secs, load[0]);
    printf("  | %-44s | %8s | %8s | %8s | %8s | %8s | %8s | %8s | %8s | %8s |\n", "Redis",
           "uploads/s", "Redis us", "AOF rw us", "rewrites", "1 rw us", "wrote B", "EVALSHA",
           "SET us", "EXEC us");
    printf("  |----------------------------------------------|----------|----------|----------|"
           "----------|----------|----------|----------|----------|----------|\n");
    for (size_t i = first; i < end; i++)
        printf("  | %-44s | %8.0f | %8.1f | %8.1f | %8ld | %8.1f | %8.0f | %8.1f | %8.1f | %8.1f "
               "|\n",
               enq_variants[i].what, res[i].ups, res[i].redis_us, res[i].rewrite_us,
               res[i].rewrites, res[i].one_rewrite_us, res[i].wbytes, res[i].evalsha_us,
               res[i].set_us, res[i].exec_us);
    printf("  (Redis us: redis-server's own CPU per accepted upload; AOF rw us: its rewrite "
           "children's; 1 rw us: one rewrite of everything stored, after the run, per stored "
           "upload; wrote B: bytes it wrote per upload, AOF and replies; EVALSHA, SET, "
           "EXEC: INFO commandstats usec_per_call)\n");
    fflush(stdout);
    /* DOCPROC_BENCH_ENQUEUE_JOBS=N: also N jobs read by the workers (0 = skip) */
    const char *nj = getenv("DOCPROC_BENCH_ENQUEUE_JOBS");
    long jobs = nj ? strtol(nj, NULL, 10) : 0;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs > 0 && jobs <= 100000 && run_jobs((int)jobs, cores > 0 ? (int)cores : 1) != 0)
        return -1;
    return 0;
}
