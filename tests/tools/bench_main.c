/* bench_main.c -- docproc-bench: raw Tesseract loop vs the whole stack on the same pages, then
 * the cost of accepting an upload with the workers stopped. Loopback only, bounded.
 *
 *   docproc-bench [--pages N] [--data DIR] [--rounds R] [--requests N] [--concurrency C]
 *                 [--max-seconds S] [--raw-full] [--raw-psm N] [--small-docs N]
 *                 [--ingest S | --ingest-floor S] [--ingest-ab OPTION [--ab-rounds N]]
 *                 [--enqueue S] [--pdf DIR]
 * Environment: BENCH_DATA (= --data), BENCH_PAGES (= --pages), and like the e2e tests
 * DOCPROC_BIN_DIR / DOCPROC_SRC_DIR (`make bench` sets them). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include "bench.h"
#include "config.h"
#include "harness.h"

#define MAX_PAGES   1000
#define MAX_ROUNDS  10
#define NGINX_BURST 400 /* limit_req burst of nginx/gen-conf.sh */

/* Everything one run is told and measures. */
struct bench {
    int pages, rounds, conc, max_s;
    int raw_full;    /* --raw-full: the raw loop also takes words with boxes and hOCR */
    int raw_psm;     /* --raw-psm N: the raw loop's page segmentation (default 3, as the worker
                      * reads a full page) */
    int small_docs;  /* --small-docs N: per-document overhead phase (0 = skip) */
    int ingest_s;    /* --ingest S: wrk ingest phase, S seconds per run (0 = skip) */
    int floor;       /* --ingest-floor S: the same, with the floor's phases (bench_floor.c) */
    const char *ab;  /* --ingest-ab OPTION: A/B of the API with OPTION, --ingest S per side */
    int ab_rounds;   /* --ab-rounds N (default 6) */
    int enqueue_s;   /* --enqueue S: only Redis's cost per upload, S seconds per variant */
    const char *pdf; /* --pdf DIR: only the searchable-PDF comparison on DIR's scans */
    size_t requests;
    const char *data;
    int cores;
    struct bench_pages pp;
    struct stack st;
    int stack_up;
    /* per round: pages/s and CPU s/page of the raw loop and of the stack */
    double raw_pps[MAX_ROUNDS], raw_cpu[MAX_ROUNDS], stack_pps[MAX_ROUNDS], stack_cpu[MAX_ROUNDS];
};

static long long wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of v[0..n) (sorts v). */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double best(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* ---- CPU of stack processes, from /proc ---- */

/* utime+stime seconds of pid, and (with kids) of every live child of pid. */
static double proc_cpu_s(pid_t pid, int kids)
{
    pid_t list[256];
    int n = 0;
    double total = 0;
    if (pid <= 0)
        return 0;
    list[n++] = pid;
    if (kids) {
        const struct stack fake = {.worker = pid};
        n += stack_worker_children(&fake, list + 1, 255);
    }
    for (int i = 0; i < n; i++)
        total += harness_proc_cpu_s(list[i]);
    return total;
}

/* System CPU seconds and minor faults of the workers (the supervisor and its live children)
 * and of the decode children they reaped (cstime, cminflt). */
static void worker_sys_flt(const struct stack *s, double *sys_s, long *minflt)
{
    pid_t list[256];
    int n = 0;
    *sys_s = 0;
    *minflt = 0;
    if (s->worker <= 0)
        return;
    list[n++] = s->worker;
    n += stack_worker_children(s, list + 1, 255);
    for (int i = 0; i < n; i++) {
        char buf[1024];
        unsigned long flt = 0, cflt = 0, st = 0;
        long cst = 0;
        const char *rest = harness_proc_stat(list[i], buf, sizeof buf);
        /* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
         * cutime cstime */
        if (rest && sscanf(rest, "%*c %*d %*d %*d %*d %*d %*u %lu %lu %*u %*u %*u %lu %*d %ld",
                           &flt, &cflt, &st, &cst) == 4) {
            *sys_s += (double)(st + (unsigned long)cst) / (double)sysconf(_SC_CLK_TCK);
            *minflt += (long)(flt + cflt);
        }
    }
}

static double rest_cpu_s(const struct stack *s)
{
    double t = proc_cpu_s(s->redis, 0) + proc_cpu_s(s->nginx, 1);
    for (int i = 0; i < s->n_api; i++)
        t += proc_cpu_s(s->api[i], 0);
    return t;
}

/* ---- phases ---- */

static int phase_raw(struct bench *b, int round)
{
    struct bench_raw_result r;
    struct dp_config cfg;
    config_defaults(&cfg); /* the stack's workers run with the default worker_nice and policy */
    struct bench_raw_opts o = {"eng", b->raw_psm, b->raw_full, (int)cfg.worker_nice,
                               (int)cfg.worker_sched_idle};
    if (bench_raw(&b->pp, b->cores, &o, b->max_s, &r) != 0)
        return -1;
    double pps = (double)r.pages / r.seconds;
    printf(
        "  round %d raw tesseract psm %d%s: %zu pages in %6.2f s = %5.2f pages/s; CPU %.2f s/page "
        "(system %.3f, %ld minor faults/page); %zu words\n",
        round, b->raw_psm, b->raw_full ? " +words+hOCR" : "", r.pages, r.seconds, pps,
        r.cpu_s / (double)r.pages, r.sys_s / (double)r.pages, r.minflt / (long)r.pages, r.words);
    fflush(stdout);
    b->raw_pps[round - 1] = pps;
    b->raw_cpu[round - 1] = r.cpu_s / (double)r.pages;
    return 0;
}

static long long doc_ms(const cJSON *doc, const char *key)
{
    struct tm tm;
    int ms = 0;
    memset(&tm, 0, sizeof tm);
    if (sscanf(json_str(doc, key), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long long)timegm(&tm) * 1000 + ms;
}

/* The document once done or failed, polled every BENCH_POLL_MS (throughput is taken from
 * finished_at, so the interval does not change it; a tighter one would add the polling's
 * requests to the CPU the stack is charged with). NULL after timeout_ms. */
#define BENCH_POLL_MS 500
static cJSON *wait_doc(struct stack *st, const char *id, int timeout_ms)
{
    char url[256];
    long long end = wall_ms() + timeout_ms;
    snprintf(url, sizeof url, "%s/v1/documents/%s", st->base, id);
    for (;;) {
        struct http_resp r;
        cJSON *d = http_req("GET", url, st->key, NULL, NULL, 0, &r) == 0 && r.status == 200
                       ? http_json(&r)
                       : NULL;
        http_resp_free(&r);
        const char *s = d ? json_str(d, "status") : "";
        if (strcmp(s, "done") == 0 || strcmp(s, "failed") == 0)
            return d;
        cJSON_Delete(d);
        if (wall_ms() >= end)
            return NULL;
        struct timespec ts = {0, BENCH_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int phase_stack(struct bench *b, int round)
{
    static char ids[MAX_PAGES][64];
    size_t n = b->pp.n, words = 0;
    long long last = 0;
    double wcpu0 = proc_cpu_s(b->st.worker, 1), rcpu0 = rest_cpu_s(&b->st), wsys0, wsys;
    long wflt0, wflt;
    worker_sys_flt(&b->st, &wsys0, &wflt0);
    long long t0 = wall_ms();
    for (size_t i = 0; i < n; i++) {
        /* every round reads the same pages anew: dedup would answer them from the first */
        long stt =
            stack_upload(&b->st, b->st.key, b->pp.v[i].buf, b->pp.v[i].len, "dedup=false", ids[i]);
        if (stt != 202) {
            fprintf(stderr, "bench: upload %zu answered %ld\n", i, stt);
            return -1;
        }
    }
    double up_s = (double)(wall_ms() - t0) / 1000.0;
    for (size_t i = 0; i < n; i++) {
        int left = b->max_s * 1000 - (int)(wall_ms() - t0);
        cJSON *doc = left > 0 ? wait_doc(&b->st, ids[i], left) : NULL;
        if (!doc || strcmp(json_str(doc, "status"), "done") != 0) {
            fprintf(stderr, "bench: page %zu not done within %d s\n", i, b->max_s);
            cJSON_Delete(doc);
            return -1;
        }
        long long f = doc_ms(doc, "finished_at");
        last = f > last ? f : last;
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "pages"))
        {
            words += (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(p, "words"));
        }
        cJSON_Delete(doc);
    }
    double secs = (double)(last - t0) / 1000.0, pps = (double)n / secs;
    double wcpu = (proc_cpu_s(b->st.worker, 1) - wcpu0) / (double)n;
    double rcpu = (rest_cpu_s(&b->st) - rcpu0) / (double)n;
    worker_sys_flt(&b->st, &wsys, &wflt);
    printf("  round %d docproc stack : %zu pages in %6.2f s = %5.2f pages/s; worker CPU %.2f "
           "s/page (system %.3f, %ld minor faults/page), nginx+API+redis CPU %.3f s/page; %zu "
           "words; uploads took %.2f s\n",
           round, n, secs, pps, wcpu, (wsys - wsys0) / (double)n, (wflt - wflt0) / (long)n, rcpu,
           words, up_s);
    fflush(stdout);
    b->stack_pps[round - 1] = pps;
    b->stack_cpu[round - 1] = wcpu + rcpu;
    return 0;
}

/* A 64x32 white 8-bit PNG: the smallest thing the API accepts as a document. */
static int tiny_png(unsigned char **buf, size_t *len)
{
    PIX *pix = pixCreate(64, 32, 8);
    if (!pix)
        return -1;
    pixSetAllArbitrary(pix, 255);
    int rc = pixWriteMem(buf, len, pix, IFF_PNG);
    pixDestroy(&pix);
    return rc == 0 ? 0 : -1;
}

/* Per-document overhead: n blank 64x32 PNGs (one pixel differs, so no two are the same
 * document) through the stack (decode, a near-empty OCR, the
 * decode child's fork and exit, Redis, result): documents per second and worker CPU per
 * document. */
static int phase_small(struct bench *b)
{
    static char ids[NGINX_BURST][64];
    static unsigned char *png[NGINX_BURST];
    static size_t plen[NGINX_BURST];
    size_t len = 0, n = (size_t)b->small_docs;
    long long last = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        PIX *pix = pixCreate(64, 32, 8);
        if (!pix)
            return -1;
        pixSetAllArbitrary(pix, 255);
        pixSetPixel(pix, (int)(i % 64), (int)(i / 64), 0);
        rc = pixWriteMem(&png[i], &plen[i], pix, IFF_PNG) ? -1 : 0;
        pixDestroy(&pix);
        len = plen[i];
    }
    double wcpu0 = proc_cpu_s(b->st.worker, 1);
    long long t0 = wall_ms();
    for (size_t i = 0; i < n && !rc; i++)
        if (stack_upload(&b->st, b->st.key, png[i], plen[i], NULL, ids[i]) != 202)
            rc = -1;
    for (size_t i = 0; i < n && !rc; i++) {
        int left = b->max_s * 1000 - (int)(wall_ms() - t0);
        cJSON *doc = left > 0 ? stack_wait_doc(&b->st, b->st.key, ids[i], left) : NULL;
        if (!doc || strcmp(json_str(doc, "status"), "done") != 0) {
            fprintf(stderr, "bench: small document %zu: %s %s\n", i,
                    doc ? json_str(doc, "status") : "(no answer)",
                    doc ? json_str(doc, "error.message") : "");
            rc = -1;
        }
        long long f = doc ? doc_ms(doc, "finished_at") : 0;
        last = f > last ? f : last;
        cJSON_Delete(doc);
    }
    for (size_t i = 0; i < n; i++)
        free(png[i]);
    if (rc)
        return -1;
    double secs = (double)(last - t0) / 1000.0;
    double wcpu = (proc_cpu_s(b->st.worker, 1) - wcpu0) / (double)n;
    printf("\nper-document overhead (%zu blank %zu-byte PNGs, docproc-worker -j %d):\n"
           "  %zu documents in %.2f s = %.1f documents/s; worker CPU %.1f ms/document\n",
           n, len, b->cores, n, secs, (double)n / secs, wcpu * 1000.0);
    fflush(stdout);
    return 0;
}

static void print_api(const char *what, const struct bench_api_result *r)
{
    printf("  %-34s %5zu requests in %5.2f s = %7.1f req/s; p50 %6.2f ms, p99 %6.2f ms, "
           "max %6.1f ms; 202: %zu, 429: %zu, other: %zu\n",
           what, r->requests, r->seconds, r->seconds > 0 ? (double)r->requests / r->seconds : 0,
           r->p50_ms, r->p99_ms, r->max_ms, r->accepted, r->limited, r->other);
}

static int phase_api(struct bench *b)
{
    unsigned char *png = NULL;
    size_t len = 0;
    char url[128];
    struct bench_api_result r;
    if (tiny_png(&png, &len) != 0)
        return -1;
    stack_kill(&b->st.worker, SIGTERM); /* accepting only: nothing consumes the queue */
    printf("\naccepting uploads (workers stopped; %d keep-alive connections; %zu-byte PNG):\n",
           b->conc, len);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/documents", b->st.api_ports[0]);
    int rc = bench_api(url, b->st.key, png, len, b->conc, 50, b->max_s, &r); /* warm-up */
    if (!rc)
        rc = bench_api(url, b->st.key, png, len, b->conc, b->requests, b->max_s, &r);
    if (!rc)
        print_api("direct to one API process:", &r);
    /* nginx's limit_req (200 req/s per client address, burst 400, nodelay) would answer most
     * of a long run with 429: stay within the burst, so this measures the proxy, not the
     * limiter. The bucket has refilled since the OCR phase (it drains 200 per second). */
    size_t via = b->requests < NGINX_BURST ? b->requests : NGINX_BURST;
    snprintf(url, sizeof url, "%s/v1/documents", b->st.base);
    if (!rc)
        rc = bench_api(url, b->st.key, png, len, b->conc, via, b->max_s, &r);
    if (!rc) {
        char what[64];
        snprintf(what, sizeof what, "through nginx (%d API processes):", b->st.n_api);
        print_api(what, &r);
        printf("  (through nginx: %zu requests, at most the burst of %d that its limit_req "
               "lets one client send at once; past it, 200 req/s per client address)\n",
               via, NGINX_BURST);
    }
    free(png);
    return rc;
}

/* One page per worker through the stack, all uploaded before the first is waited for. */
static int warm_up(struct bench *b)
{
    char ids[64][64];
    int n = b->cores < 64 ? b->cores : 64, rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const struct bench_page *pg = &b->pp.v[(size_t)i % b->pp.n];
        rc = stack_upload(&b->st, b->st.key, pg->buf, pg->len, "dedup=false", ids[i]) == 202 ? 0
                                                                                             : -1;
    }
    for (int i = 0; i < n && !rc; i++) {
        cJSON *d = stack_wait_doc(&b->st, b->st.key, ids[i], b->max_s * 1000);
        rc = d ? 0 : -1;
        cJSON_Delete(d);
    }
    return rc;
}

/* ---- main ---- */

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--pages N] [--data DIR] [--rounds R] [--requests N] [--concurrency C]\n"
            "          [--max-seconds S] [--raw-full] [--raw-psm N] [--small-docs N]\n"
            "          [--ingest S] [--ingest-floor S] [--ingest-ab OPTION [--ab-rounds N]]\n"
            "          [--pdf DATA_DIR] [--enqueue S]\n",
            prog);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--floor-server") == 0) /* an upstream of the floor */
        return bench_floor_server(argc, argv);
    const char *omp = getenv("OMP_THREAD_LIMIT");
    if (!omp || strcmp(omp, "1") != 0) {
        /* libgomp reads its limits when it is loaded: set it, then start again */
        setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);
        perror("bench: re-exec with OMP_THREAD_LIMIT=1");
        return 1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct bench b = {.pages = 16,
                      .rounds = 3,
                      .conc = 8,
                      .requests = 2000,
                      .max_s = 300,
                      .raw_psm = 3,
                      .ab_rounds = 6};
    int rc = 1, req = (int)b.requests;
    b.cores = cores > 0 ? (int)cores : 1;
    b.data = getenv("BENCH_DATA");
    if (getenv("BENCH_PAGES") && parse_int(getenv("BENCH_PAGES"), 1, MAX_PAGES, &b.pages) != 0)
        return usage(argv[0]);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = v != NULL;
        if (strcmp(a, "--pages") == 0)
            ok = ok && parse_int(v, 1, MAX_PAGES, &b.pages) == 0;
        else if (strcmp(a, "--rounds") == 0)
            ok = ok && parse_int(v, 0, MAX_ROUNDS, &b.rounds) == 0; /* 0: small docs only */
        else if (strcmp(a, "--requests") == 0)
            ok = ok && parse_int(v, 1, 100000, &req) == 0;
        else if (strcmp(a, "--concurrency") == 0)
            ok = ok && parse_int(v, 1, 64, &b.conc) == 0;
        else if (strcmp(a, "--small-docs") == 0)
            ok = ok && parse_int(v, 0, NGINX_BURST, &b.small_docs) == 0;
        else if (strcmp(a, "--ingest") == 0)
            ok = ok && parse_int(v, 0, 120, &b.ingest_s) == 0;
        else if (strcmp(a, "--ingest-floor") == 0)
            ok = ok && parse_int(v, 1, 120, &b.ingest_s) == 0 && (b.floor = 1);
        else if (strcmp(a, "--ingest-ab") == 0)
            b.ab = v;
        else if (strcmp(a, "--ab-rounds") == 0)
            ok = ok && parse_int(v, 1, 20, &b.ab_rounds) == 0;
        else if (strcmp(a, "--enqueue") == 0)
            ok = ok && parse_int(v, 1, 120, &b.enqueue_s) == 0;
        else if (strcmp(a, "--raw-psm") == 0)
            ok = ok && parse_int(v, 1, 13, &b.raw_psm) == 0;
        else if (strcmp(a, "--max-seconds") == 0)
            ok = ok && parse_int(v, 1, 3600, &b.max_s) == 0;
        else if (strcmp(a, "--data") == 0)
            b.data = v;
        else if (strcmp(a, "--pdf") == 0)
            b.pdf = v;
        else if (strcmp(a, "--raw-full") == 0) {
            b.raw_full = 1;
            continue;
        } else
            ok = 0;
        if (!ok)
            return usage(argv[0]);
        i++;
    }
    b.requests = (size_t)req;
    if (b.enqueue_s) /* Redis alone: no pages, no stack */
        return bench_enqueue(b.enqueue_s, b.conc) == 0 ? 0 : 1;
    if (b.data && *b.data ? bench_pages_load(&b.pp, b.data, (size_t)b.pages)
                          : bench_pages_render(&b.pp, (size_t)b.pages)) {
        fprintf(stderr, "bench: no pages (%s)\n", b.data ? b.data : "rendering failed");
        return 1;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < b.pp.n; i++)
        bytes += b.pp.v[i].len;
    curl_global_init(CURL_GLOBAL_ALL);
    char date[32];
    time_t t = time(NULL);
    struct tm tm;
    double load[3] = {0};
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
    getloadavg(load, 3);
    printf("docproc bench  %s  (%d cores, tesseract %s, load average %.2f at start)\n", date,
           b.cores, TessVersion(), load[0]);
    printf("page set: %zu %s, %.1f MB\n", b.pp.n,
           b.data && *b.data ? b.data : "rendered letter pages (300 DPI, 12 pt text, PNG)",
           (double)bytes / 1e6);
    static const char *const env[] = {"DOCPROC_LOG_LEVEL=info", "DOCPROC_MAX_QUEUE=1000000", NULL};
    struct stack_opts so = {.n_api = 2, .workers = b.cores, .env = env};
    if (stack_start(&b.st, &so) != 0)
        goto out;
    b.stack_up = 1;
    /* warm-up: a page for each worker, uploaded at once so that each takes one (what a worker
     * loads on its first job is not charged to the first round; the raw loop's engines are
     * ready before its clock starts too) */
    if (warm_up(&b) != 0) {
        fprintf(stderr, "bench: warm-up pages did not come back\n");
        goto out;
    }
    if (b.pdf) {
        rc = bench_pdf(&b.st, b.pdf);
        goto out;
    }
    if (b.small_docs && phase_small(&b) != 0)
        goto out;
    if (bench_figures() != 0)
        printf("barcodes on text-layer pages: not measured\n");
    fflush(stdout);
    if (b.rounds == 0) {
        rc = b.ingest_s ? bench_ingest(b.ingest_s, 32, b.cores, b.floor, b.ab, b.ab_rounds) : 0;
        goto out;
    }
    printf("\nOCR throughput, %d processes each (raw: one TessBaseAPI per process; docproc: "
           "nginx -> %d API -> redis -> docproc-worker -j %d):\n",
           b.cores, b.st.n_api, b.cores);
    for (int r = 1; r <= b.rounds; r++)
        if (phase_raw(&b, r) != 0 || phase_stack(&b, r) != 0)
            goto out;
    int n = b.rounds;
    /* Paired: each round's two phases ran one after the other, so the ratio of a round is less
     * moved by what else the machine did than the ratio of the two sides' medians. */
    double tput_ratio[MAX_ROUNDS], cpu_ratio[MAX_ROUNDS];
    for (int i = 0; i < n; i++) {
        tput_ratio[i] = b.stack_pps[i] / b.raw_pps[i];
        cpu_ratio[i] = b.stack_cpu[i] / b.raw_cpu[i];
    }
    double rb = best(b.raw_pps, n), sb = best(b.stack_pps, n);
    double rm = median(b.raw_pps, n), sm = median(b.stack_pps, n);
    double rc_ = median(b.raw_cpu, n), sc_ = median(b.stack_cpu, n);
    printf("  median of %d rounds: raw %.2f pages/s, docproc %.2f pages/s -> docproc/raw = %.2f\n",
           n, rm, sm, sm / rm);
    printf("  best round:         raw %.2f pages/s, docproc %.2f pages/s -> docproc/raw = %.2f\n",
           rb, sb, sb / rb);
    printf("  CPU per page (median): raw %.2f s, docproc %.2f s (workers + nginx + API + redis) "
           "-> docproc/raw = %.2f\n",
           rc_, sc_, sc_ / rc_);
    double ptm = median(tput_ratio, n),
           pcm = median(cpu_ratio, n); /* sorted: [0] low, [n-1] high */
    printf("  paired (median of the rounds' own docproc/raw): pages/s %.2f (%.2f-%.2f), CPU per "
           "page %.2f (%.2f-%.2f)\n",
           ptm, tput_ratio[0], tput_ratio[n - 1], pcm, cpu_ratio[0], cpu_ratio[n - 1]);
    fflush(stdout);
    struct bench_layout_result lr;
    if (bench_layout(&b.pp, &lr) == 0)
        printf("\npage structure, in one process (CPU per page): OCR %.3f s; ruling lines found "
               "and erased before OCR %.4f s (%.2f %%); tables, marks and pairs after OCR %.4f s "
               "(%.2f %%); %zu tables on %zu pages\n",
               lr.ocr_s / (double)lr.pages, lr.rules_s / (double)lr.pages,
               100 * lr.rules_s / lr.ocr_s, lr.structure_s / (double)lr.pages,
               100 * lr.structure_s / lr.ocr_s, lr.tables, lr.pages);
    fflush(stdout);
    if (phase_api(&b) != 0)
        goto out;
    if (b.ingest_s && bench_ingest(b.ingest_s, 32, b.cores, b.floor, b.ab, b.ab_rounds) != 0)
        goto out;
    rc = 0;
out:
    if (b.stack_up)
        stack_stop(&b.st);
    bench_pages_free(&b.pp);
    curl_global_cleanup();
    return rc;
}
