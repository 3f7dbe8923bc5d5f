/* bench_ingest.c -- ingest at line rate: 10 kB uploads through nginx driven by wrk (Debian's
 * package), at saturation and at a fixed ~1,000 requests/s, next to nginx answering the same POST
 * itself, with the API processes' RSS. Runs its own stack with every nginx limit off
 * (rate_limit_per_s = 0, conn_limit_per_addr = 0), AOF on (everysec) and the workers reading
 * what comes in, as in production. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include "bench.h"
#include "harness.h"

/* API processes of the stack unless DOCPROC_API_PROCESSES says otherwise (as make run's
 * api_processes default) */
#define BENCH_API_PROCESSES 2

/* A 10 kB PNG whose pixels are noise (so it does not compress below that) and that docproc
 * accepts (magic bytes, header). Owned by the caller. */
static int noise_png(size_t want, unsigned char **buf, size_t *len)
{
    int side = 8;
    unsigned long s = 12345;
    for (;;) {
        PIX *p = pixCreate(side, side, 8);
        if (!p)
            return -1;
        l_uint32 *d = pixGetData(p);
        int wpl = pixGetWpl(p);
        for (int i = 0; i < wpl * side; i++) {
            s = s * 6364136223846793005UL + 1442695040888963407UL;
            d[i] = (l_uint32)(s >> 32);
        }
        *buf = NULL;
        int rc = pixWriteMem(buf, len, p, IFF_PNG);
        pixDestroy(&p);
        if (rc)
            return -1;
        if (*len >= want || side > 512)
            return 0;
        free(*buf);
        side += 8;
    }
}

/* The wrk script: POST the body file with the key; count 202s and other answers per thread;
 * optional pacing (args[1] = ms each connection waits between requests); one summary line. */
static const char wrk_lua[] =
    "local f = assert(io.open(os.getenv('DP_BODY'), 'rb'))\n"
    "wrk.method = 'POST'\n"
    "wrk.body = f:read('*a')\n"
    "f:close()\n"
    "wrk.headers['Content-Type'] = 'application/octet-stream'\n"
    "if os.getenv('DP_KEY') ~= '' then\n"
    "  wrk.headers['Authorization'] = 'Bearer ' .. os.getenv('DP_KEY') end\n"
    "local threads = {}\n"
    "function setup(t) table.insert(threads, t) end\n"
    "function init(args) n202 = 0; nother = 0; pace = tonumber(args[1] or '0') end\n"
    "function delay() return pace end\n"
    "function response(status, headers, body)\n"
    "  if status == 202 then n202 = n202 + 1 else nother = nother + 1 end end\n"
    "function done(s, lat, req)\n"
    "  local a, b = 0, 0\n"
    "  for _, t in ipairs(threads) do a = a + t:get('n202'); b = b + t:get('nother') end\n"
    "  local e = s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout\n"
    "  io.write(string.format('DPBENCH %d %d %d %d %.6f %.3f %.3f %.3f %.3f\\n', s.requests,\n"
    "    a, b, e, s.duration / 1e6, lat:percentile(50) / 1000, lat:percentile(95) / 1000,\n"
    "    lat:percentile(99) / 1000, lat.max / 1000)) end\n";

struct wrk_out {
    long requests, ok202, other, errors;
    double secs, p50, p95, p99, max;
};

static int run_wrk(const char *dir, const char *url, const char *key, int conns, int secs,
                   int pace_ms, struct wrk_out *o)
{
    char cmd[2048], line[512];
    snprintf(cmd, sizeof cmd,
             "cd %s && DP_BODY=%s/body.png DP_KEY='%s' wrk -t2 -c%d -d%ds --timeout 10s -s "
             "ingest.lua '%s' -- %d 2>&1",
             dir, dir, key ? key : "", conns, secs, url, pace_ms);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int got = 0;
    memset(o, 0, sizeof *o);
    while (fgets(line, sizeof line, p))
        if (strncmp(line, "DPBENCH ", 8) == 0 &&
            sscanf(line + 8, "%ld %ld %ld %ld %lf %lf %lf %lf %lf", &o->requests, &o->ok202,
                   &o->other, &o->errors, &o->secs, &o->p50, &o->p95, &o->p99, &o->max) == 9)
            got = 1;
        else if (!got)
            fputs(line, stderr); /* wrk's own complaints */
    return pclose(p) == 0 && got ? 0 : -1;
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* ---- CPU per request ---- */

/* Context switches (voluntary and not) of every thread of pid so far: each is a sleep and a
 * wake-up, what a request passing between processes costs most on a shared VM. */
static double ctxsw(pid_t pid)
{
    char path[64], line[128];
    double n = 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.16s/status", (int)pid, e->d_name);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0 ||
                strncmp(line, "nonvoluntary_ctxt_switches:", 27) == 0)
                n += (double)strtol(strchr(line, ':') + 1, NULL, 10);
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

/* f (CPU seconds, context switches) of pid and of its live children (nginx's workers,
 * docproc-worker's workers). */
static double tree_sum(pid_t pid, double (*f)(pid_t))
{
    char buf[512];
    double s = pid > 0 ? f(pid) : 0;
    DIR *d = pid > 0 ? opendir("/proc") : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        pid_t p = (pid_t)strtol(e->d_name, NULL, 10);
        const char *rest = p > 0 ? harness_proc_stat(p, buf, sizeof buf) : NULL;
        int ppid = 0;
        if (rest && sscanf(rest, "%*c %d", &ppid) == 1 && ppid == pid)
            s += f(p);
    }
    if (d)
        closedir(d);
    return s;
}

static double tree_cpu_s(pid_t pid)
{
    return tree_sum(pid, harness_proc_cpu_s);
}

/* CPU seconds used so far by each part of the stack, and by the load generator (wrk, reaped
 * by pclose, so counted in this process's children). */
struct cpu {
    double api, redis, rewrite, nginx, workers, client; /* rewrite: Redis's AOF rewrite children */
    double api_cs, redis_cs, nginx_cs;                  /* context switches */
};

/* The parts of one front: its API (or floor) processes, its nginx; Redis and the workers. */
static void cpu_of(const pid_t *api, int n_api, pid_t nginx, const struct stack *st, struct cpu *c)
{
    struct rusage ru;
    memset(c, 0, sizeof *c);
    for (int i = 0; i < n_api; i++)
        c->api += harness_proc_cpu_s(api[i]);
    c->redis = harness_proc_cpu_part_s(st->redis, 1);
    c->rewrite = harness_proc_cpu_part_s(st->redis, 0) + tree_cpu_s(st->redis) -
                 harness_proc_cpu_s(st->redis);
    c->nginx = tree_cpu_s(nginx);
    c->workers = tree_cpu_s(st->worker);
    for (int i = 0; i < n_api; i++)
        c->api_cs += ctxsw(api[i]);
    c->redis_cs = ctxsw(st->redis);
    c->nginx_cs = tree_sum(nginx, ctxsw);
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
        c->client = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void cpu_now(const struct stack *st, struct cpu *c)
{
    cpu_of(st->api, st->n_api, st->nginx, st, c);
}

/* after - before, part by part */
static void cpu_diff(const struct cpu *a, const struct cpu *b, struct cpu *d)
{
    d->api = a->api - b->api;
    d->redis = a->redis - b->redis;
    d->rewrite = a->rewrite - b->rewrite;
    d->nginx = a->nginx - b->nginx;
    d->workers = a->workers - b->workers;
    d->client = a->client - b->client;
    d->api_cs = a->api_cs - b->api_cs;
    d->redis_cs = a->redis_cs - b->redis_cs;
    d->nginx_cs = a->nginx_cs - b->nginx_cs;
}

static void print_row(const char *what, const struct wrk_out *o)
{
    printf("  | %-60s | %9.0f | %7.2f | %7.2f | %7.2f | %7ld | %7ld |\n", what,
           o->secs > 0 ? (double)o->requests / o->secs : 0, o->p50, o->p95, o->p99, o->ok202,
           o->other + o->errors);
}

/* The workers during one docproc phase: as configured by default (SCHED_IDLE at nice 10), at
 * nice 10 under the normal policy (worker_sched_idle = 0), or not running. */
static const char *const worker_nice_only[] = {"--worker_sched_idle=0", NULL};
static const struct variant {
    const char *what;
    const char *const *args; /* docproc-worker options; NULL with run = 0 */
    int run;                 /* 0: no worker during this phase */
} variants[] = {
    {"workers SCHED_IDLE (default)", NULL, 1},
    {"workers nice 10 only", worker_nice_only, 1},
    {"workers stopped", NULL, 0},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

/* Redis round trips that stored uploads, and the uploads in them, summed over the stack's API
 * processes (their /metrics, over the Unix socket or TCP); trips 0 when not read. */
static void round_trips(const struct stack *st, double *trips, double *uploads)
{
    *trips = *uploads = 0;
    for (int i = 0; i < st->n_api; i++) {
        char sock[200], url[64];
        struct http_resp r;
        int rc;
        if (st->api_socket) {
            stack_api_socket(st, i, sock, sizeof sock);
            rc = http_req_unix(sock, "GET", "/metrics", NULL, NULL, 0, &r);
        } else {
            snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", st->api_ports[i]);
            rc = http_req("GET", url, NULL, NULL, NULL, 0, &r);
        }
        if (rc)
            continue;
        const char *a =
            r.status == 200 ? strstr(r.body, "\ndocproc_upload_round_trips_total ") : NULL;
        const char *b =
            r.status == 200 ? strstr(r.body, "\ndocproc_upload_round_trip_uploads_total ") : NULL;
        if (a && b) {
            *trips += strtod(strchr(a + 1, ' '), NULL);
            *uploads += strtod(strchr(b + 1, ' '), NULL);
        }
        http_resp_free(&r);
    }
}

struct phase {
    double trips, uploads; /* Redis round trips storing uploads at saturation, uploads in them */
    struct wrk_out sat, fixed;
    long rss_sat_kb, rss_fixed_kb;
    struct cpu used; /* CPU seconds each part used during the saturation run */
};

static long api_rss_kb(const struct stack *st)
{
    long kb = 0;
    for (int i = 0; i < st->n_api; i++)
        kb += rss_kb(st->api[i]);
    return kb;
}

/* One docproc phase with the workers as v says: warm-up, saturation, ~1,000/s. */
static int run_phase(struct stack *st, const struct variant *v, int cores, const char *url,
                     int conns, int secs, struct phase *ph)
{
    if (st->worker > 0)
        stack_kill(&st->worker, SIGTERM);
    if (v->run && stack_start_worker(st, cores, v->args) != 0)
        return -1;
    if (run_wrk(st->dir, url, st->key, conns, 2, 0, &ph->sat)) /* warm-up */
        return -1;
    struct cpu before, after;
    double t0, u0;
    round_trips(st, &t0, &u0);
    cpu_now(st, &before);
    if (run_wrk(st->dir, url, st->key, conns, secs, 0, &ph->sat))
        return -1;
    cpu_now(st, &after);
    round_trips(st, &ph->trips, &ph->uploads);
    ph->trips -= t0;
    ph->uploads -= u0;
    cpu_diff(&after, &before, &ph->used);
    ph->rss_sat_kb = api_rss_kb(st);
    /* ~1,000/s: each of `conns` connections waits conns ms between its requests */
    if (run_wrk(st->dir, url, st->key, conns, secs, conns, &ph->fixed))
        return -1;
    ph->rss_fixed_kb = api_rss_kb(st);
    return 0;
}

/* The floor (bench_floor.c): nginx proxying the same POST to upstreams that answer at once
 * (with_redis 0) or after one SET of the body (1): warm-up, then saturation. */
static int run_floor(struct stack *st, int with_redis, const char *key, int conns, int secs,
                     struct phase *ph)
{
    struct bench_floor fl;
    struct cpu before, after;
    char url[128];
    int rc = -1;
    memset(ph, 0, sizeof *ph);
    if (bench_floor_start(st, with_redis, &fl) == 0) {
        snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/documents?dedup=false", fl.port);
        if (run_wrk(st->dir, url, key, conns, 2, 0, &ph->sat) == 0) {
            cpu_of(fl.up, fl.n, fl.nginx, st, &before);
            if (run_wrk(st->dir, url, key, conns, secs, 0, &ph->sat) == 0) {
                cpu_of(fl.up, fl.n, fl.nginx, st, &after);
                cpu_diff(&after, &before, &ph->used);
                rc = 0;
            }
        }
    }
    bench_floor_stop(&fl);
    return rc;
}

/* A row of the floor table: rate against nginx alone, CPU and switches per request. */
static void print_floor_row(const char *what, const struct wrk_out *o, const struct cpu *u,
                            double echo_rate)
{
    double rate = o->secs > 0 ? (double)o->requests / o->secs : 0;
    double per = o->requests > 0 ? 1e6 / (double)o->requests : 0;
    double n = o->requests > 0 ? (double)o->requests : 1;
    printf("  | %-44s | %7.0f | %6.1f %% | %7.2f | %6.0f | %6.0f | %6.0f | %6.0f | %6.0f | "
           "%6.0f | %6.0f | %4.2f / %4.2f / %4.2f |\n",
           what, rate, 100.0 * rate / echo_rate, o->p99, u->api * per, u->redis * per,
           u->rewrite * per, u->nginx * per, u->workers * per, u->client * per,
           (u->api + u->redis + u->rewrite + u->nginx + u->workers + u->client) * per,
           u->api_cs / n, u->redis_cs / n, u->nginx_cs / n);
}

/* ---- A/B ---- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define AB_ROUNDS_MAX 20

/* The stack's docproc (A) against API processes started with option (B), alternated. */
static int run_ab(struct stack *st, const char *option, int rounds, int secs, int conns)
{
    struct bench_floor b;
    char url[2][256];
    int rc = -1;
    /* per side: API, Redis (its own), nginx µs per upload, uploads/s */
    double api[2][AB_ROUNDS_MAX], rds[2][AB_ROUNDS_MAX], ngx[2][AB_ROUNDS_MAX],
        rate[2][AB_ROUNDS_MAX];
    if (rounds > AB_ROUNDS_MAX)
        rounds = AB_ROUNDS_MAX;
    if (bench_front_start(st, option, &b) != 0)
        goto out;
    snprintf(url[0], sizeof url[0], "%s/v1/documents?dedup=false", st->base);
    snprintf(url[1], sizeof url[1], "http://127.0.0.1:%d/v1/documents?dedup=false", b.port);
    printf("\ningest A/B (wrk -t2 -c%d, %d s per side and round, at saturation, alternated; "
           "A = the stack's %d API processes, B = the same started with %s, behind an nginx "
           "of their own; one Redis; workers as by default); CPU per upload, µs:\n",
           conns, secs, st->n_api, option);
    printf("  | round | side | uploads/s |   API | Redis | AOF rw |  nginx | switches API / Redis "
           "|\n");
    printf(
        "  "
        "|-------|------|-----------|-------|-------|--------|--------|----------------------|\n");
    for (int i = 0; i < rounds; i++)
        for (int k = 0; k < 2; k++) {
            int side = k ^ (i & 1); /* A first in odd rounds, B first in even ones: the data
                                       set Redis holds grows, and costs more, as a run goes */
            const pid_t *up = side ? b.up : st->api;
            pid_t nginx = side ? b.nginx : st->nginx;
            struct cpu before, after, u;
            struct wrk_out o;
            if (run_wrk(st->dir, url[side], st->key, conns, 1, 0, &o)) /* warm-up */
                goto out;
            cpu_of(up, st->n_api, nginx, st, &before);
            if (run_wrk(st->dir, url[side], st->key, conns, secs, 0, &o) || o.requests <= 0)
                goto out;
            cpu_of(up, st->n_api, nginx, st, &after);
            cpu_diff(&after, &before, &u);
            double per = 1e6 / (double)o.requests;
            api[side][i] = u.api * per;
            rds[side][i] = u.redis * per;
            ngx[side][i] = u.nginx * per;
            rate[side][i] = (double)o.requests / o.secs;
            printf("  | %5d | %-4s | %9.0f | %5.0f | %5.0f | %6.0f | %6.0f | %9.2f / %-8.2f |\n",
                   i + 1, side ? "B" : "A", rate[side][i], api[side][i], rds[side][i],
                   u.rewrite * per, ngx[side][i], u.api_cs / (double)o.requests,
                   u.redis_cs / (double)o.requests);
            if (o.other + o.errors)
                printf("  (side %s: %ld answers not 202)\n", side ? "B" : "A", o.other + o.errors);
        }
    int lower = 0, rlower = 0;
    for (int i = 0; i < rounds; i++) {
        lower += api[0][i] < api[1][i];
        rlower += rds[0][i] < rds[1][i];
    }
    printf("  medians: A API %.0f, Redis %.0f, nginx %.0f µs, %.0f/s; B API %.0f, Redis %.0f, "
           "nginx %.0f µs, %.0f/s; A cheaper in %d (API) and %d (Redis) of %d rounds (AOF "
           "rewrites left out: they come when the data set has doubled, in either side's turn)\n",
           median_of(api[0], rounds), median_of(rds[0], rounds), median_of(ngx[0], rounds),
           median_of(rate[0], rounds), median_of(api[1], rounds), median_of(rds[1], rounds),
           median_of(ngx[1], rounds), median_of(rate[1], rounds), lower, rlower, rounds);
    fflush(stdout);
    rc = 0;
out:
    bench_floor_stop(&b);
    return rc;
}

int bench_ingest(int secs, int conns, int cores, int floor, const char *ab, int ab_rounds)
{
    static const char *const env[] = {"DOCPROC_RATE_LIMIT_PER_S=0", "DOCPROC_CONN_LIMIT_PER_ADDR=0",
                                      "DOCPROC_MAX_QUEUE=100000000", "DOCPROC_LOG_LEVEL=warn",
                                      NULL};
    struct stack st;
    /* As many API processes as make run starts (api_processes), DOCPROC_API_PROCESSES to try
     * others; the threads per process come from api_threads the same way. */
    const char *np = getenv("DOCPROC_API_PROCESSES");
    long n_api = np ? strtol(np, NULL, 10) : 0;
    if (n_api < 1 || n_api > STACK_MAX_API)
        n_api = BENCH_API_PROCESSES;
    /* Redis over its Unix socket, as make run has it; DOCPROC_BENCH_REDIS_TCP=1 for loopback
     * TCP instead (to compare) */
    const char *tcp = getenv("DOCPROC_BENCH_REDIS_TCP");
    /* nginx reaches the APIs over their Unix sockets, as make run has it;
     * DOCPROC_BENCH_API_TCP=1 for loopback TCP instead (to compare) */
    const char *api_tcp = getenv("DOCPROC_BENCH_API_TCP");
    struct stack_opts so = {.n_api = (int)n_api,
                            .workers = cores,
                            .env = env,
                            .redis_socket = !(tcp && strcmp(tcp, "1") == 0),
                            .api_socket = !(api_tcp && strcmp(api_tcp, "1") == 0)};
    /* DOCPROC_BENCH_VARIANTS=1: only the first worker variant (the default), to repeat
     * before/after runs quickly */
    const char *nv = getenv("DOCPROC_BENCH_VARIANTS");
    long n_var = nv ? strtol(nv, NULL, 10) : 0;
    if (n_var < 1 || n_var > (long)NVARIANTS)
        n_var = (long)NVARIANTS;
    unsigned char *png = NULL;
    size_t len = 0;
    int rc = -1, nginx_pid = 0, nginx_port = harness_free_port();
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 0)
        load[0] = -1;
    if (noise_png(10 * 1024, &png, &len) != 0 || stack_start(&st, &so) != 0) {
        free(png);
        return -1;
    }
    char path[200], url[256], conf[2048];
    snprintf(path, sizeof path, "%s/body.png", st.dir);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(png, 1, len, f) != len || fclose(f) != 0)
        goto out;
    snprintf(path, sizeof path, "%s/ingest.lua", st.dir);
    f = fopen(path, "w");
    if (!f || fputs(wrk_lua, f) < 0 || fclose(f) != 0)
        goto out;
    if (ab) {
        rc = run_ab(&st, ab, ab_rounds, secs, conns);
        goto out;
    }
    /* nginx answering the same POST itself: the ceiling of the front door on this machine */
    snprintf(path, sizeof path, "%s/echo", st.dir);
    snprintf(conf, sizeof conf,
             "mkdir -p %s/tmp && printf 'daemon off; worker_processes auto; pid %s/nginx.pid;\\n"
             "error_log stderr error; events { worker_connections 4096; }\\n"
             "http { access_log off; client_body_temp_path %s/tmp; client_max_body_size 1m;\\n"
             "client_body_buffer_size 64k; server { listen 127.0.0.1:%d; location / {\\n"
             "return 202 \"{}\"; } } }\\n' > %s/nginx.conf",
             path, path, path, nginx_port, path);
    if (system(conf) != 0)
        goto out;
    char cpath[600];
    snprintf(cpath, sizeof cpath, "%s/nginx.conf", path);
    char *argv[] = {"nginx", "-p", path, "-c", cpath, "-e", "stderr", NULL};
    nginx_pid = stack_spawn(&st, "echo-nginx.log", argv);
    if (harness_wait_port(nginx_port, 10000))
        goto out;
    struct wrk_out echo;
    struct phase ph[NVARIANTS], fph[2];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/documents", nginx_port);
    struct cpu eb, ea; /* nginx answering alone: its CPU and wrk's per request */
    cpu_now(&st, &eb);
    double echo_ngx = tree_cpu_s(nginx_pid);
    if (run_wrk(st.dir, url, NULL, conns, secs, 0, &echo))
        goto out;
    echo_ngx = tree_cpu_s(nginx_pid) - echo_ngx;
    cpu_now(&st, &ea);
    for (int i = 0; floor && i < 2; i++)
        if (run_floor(&st, i, st.key, conns, secs, &fph[i]))
            goto out;
    snprintf(url, sizeof url, "%s/v1/documents?dedup=false", st.base);
    for (size_t i = 0; i < (size_t)n_var; i++)
        if (run_phase(&st, &variants[i], cores, url, conns, secs, &ph[i]))
            goto out;
    printf("\ningest through nginx (wrk -t2 -c%d, %zu-byte PNG body, %d s each; AOF everysec; "
           "%ld API processes over %s; Redis over %s; docproc-worker -j %d reading meanwhile "
           "unless stopped; load average %.2f at the start):\n",
           conns, len, secs, n_api, so.api_socket ? "Unix sockets" : "TCP",
           so.redis_socket ? "its Unix socket" : "TCP", cores, load[0]);
    printf("  | %-60s | %9s | %7s | %7s | %7s | %7s | %7s |\n", "run", "req/s", "p50 ms", "p95 ms",
           "p99 ms", "202", "other");
    printf("  |%s|%s|%s|%s|%s|%s|%s|\n",
           "--------------------------------------------------------------", "-----------",
           "---------", "---------", "---------", "---------", "---------");
    print_row("nginx answering the POST itself", &echo);
    double echo_rate = (double)echo.requests / echo.secs;
    for (size_t i = 0; i < (size_t)n_var; i++) {
        char what[128];
        snprintf(what, sizeof what, "docproc at saturation, %s", variants[i].what);
        print_row(what, &ph[i].sat);
        snprintf(what, sizeof what, "docproc at ~1,000 req/s, %s", variants[i].what);
        print_row(what, &ph[i].fixed);
    }
    for (size_t i = 0; i < (size_t)n_var; i++)
        printf("  %s: docproc / nginx alone = %.1f %%; API RSS (%ld processes) %.1f MB after "
               "saturation, %.1f MB after the fixed rate\n",
               variants[i].what, 100.0 * ((double)ph[i].sat.requests / ph[i].sat.secs) / echo_rate,
               n_api, ph[i].rss_sat_kb / 1024.0, ph[i].rss_fixed_kb / 1024.0);
    printf("  CPU per request at saturation, microseconds (CPU time each part used during the "
           "run / requests answered; AOF rw = Redis's AOF rewrite children, live or reaped):\n");
    printf("  | %-40s | %7s | %7s | %7s | %7s | %7s | %7s | %7s |\n", "run", "API", "Redis",
           "AOF rw", "nginx", "workers", "wrk", "sum");
    printf("  |------------------------------------------|---------|---------|---------|---------|"
           "---------|---------|---------|\n");
    double eper = echo.requests > 0 ? 1e6 / (double)echo.requests : 0;
    printf("  | %-40s | %7s | %7s | %7s | %7.0f | %7s | %7.0f | %7.0f |\n",
           "nginx answering the POST itself", "-", "-", "-", echo_ngx * eper, "-",
           (ea.client - eb.client) * eper, (echo_ngx + ea.client - eb.client) * eper);
    for (size_t i = 0; i < (size_t)n_var; i++) {
        const struct cpu *u = &ph[i].used;
        double per = ph[i].sat.requests > 0 ? 1e6 / (double)ph[i].sat.requests : 0;
        printf("  | %-40s | %7.0f | %7.0f | %7.0f | %7.0f | %7.0f | %7.0f | %7.0f |\n",
               variants[i].what, u->api * per, u->redis * per, u->rewrite * per, u->nginx * per,
               u->workers * per, u->client * per,
               (u->api + u->redis + u->rewrite + u->nginx + u->workers + u->client) * per);
    }
    for (size_t i = 0; i < (size_t)n_var; i++) {
        const struct cpu *u = &ph[i].used;
        double n = ph[i].sat.requests > 0 ? (double)ph[i].sat.requests : 1;
        printf("  %s: context switches per request at saturation: API %.2f, Redis %.2f, "
               "nginx %.2f; uploads per Redis round trip %.2f\n",
               variants[i].what, u->api_cs / n, u->redis_cs / n, u->nginx_cs / n,
               ph[i].trips > 0 ? ph[i].uploads / ph[i].trips : 0);
    }
    if (floor) {
        struct cpu ecpu = {.nginx = echo_ngx, .client = ea.client - eb.client};
        printf("  the floor: nginx (the stack's configuration) proxying the same POST over Unix "
               "sockets to %ld servers set up as the API (MHD, epoll, a pool of api_threads) that "
               "read the body and answer a 200-byte 202; CPU per request in microseconds "
               "(\"upstream\" = the API processes for docproc), context switches per request:\n",
               n_api);
        printf("  | %-44s | %7s | %8s | %7s | %6s | %6s | %6s | %6s | %6s | %6s | %6s | %-18s "
               "|\n",
               "run", "req/s", "of nginx", "p99 ms", "upstr", "Redis", "AOF rw", "nginx", "workers",
               "wrk", "sum", "sw upstr/Redis/ngx");
        printf("  |----------------------------------------------|---------|----------|---------|"
               "--------|--------|--------|--------|--------|--------|--------|------------------"
               "--|\n");
        print_floor_row("nginx answering the POST itself", &echo, &ecpu, echo_rate);
        print_floor_row("nginx -> upstream answering at once", &fph[0].sat, &fph[0].used,
                        echo_rate);
        print_floor_row("nginx -> upstream, one 10 kB SET to Redis", &fph[1].sat, &fph[1].used,
                        echo_rate);
        for (size_t i = 0; i < (size_t)n_var; i++) {
            char what[128];
            snprintf(what, sizeof what, "docproc, %s", variants[i].what);
            print_floor_row(what, &ph[i].sat, &ph[i].used, echo_rate);
        }
    }
    fflush(stdout);
    rc = 0;
out:
    if (nginx_pid > 0) {
        pid_t p = nginx_pid;
        stack_kill(&p, SIGTERM);
    }
    stack_stop(&st);
    free(png);
    return rc;
}
