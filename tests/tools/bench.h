/* bench.h -- docproc-bench: OCR throughput of the whole stack against a raw Tesseract loop on
 * the same pages, and the cost of accepting an upload. Not part of `make test`.
 *
 * Modules: bench_pages.c makes the page set (rendered fixtures or BENCH_DATA images);
 * bench_raw.c is the raw Tesseract C-API loop; bench_api.c hammers POST /v1/documents;
 * bench_main.c runs the stack phases and prints the report. */
#ifndef DP_BENCH_H
#define DP_BENCH_H
#include <stddef.h>
#include <sys/types.h>

struct stack; /* harness.h */

/* One encoded page image (PNG or JPEG), as a client would upload it. */
struct bench_page {
    unsigned char *buf; /* owned */
    size_t len;
    char name[128];
};

struct bench_pages {
    struct bench_page *v; /* owned, n entries */
    size_t n;
};

/* n rendered letter pages at 300 DPI, ~40 lines of 12 pt text each, PNG; distinct text per
 * page, deterministic. 0 on success. */
int bench_pages_render(struct bench_pages *pp, size_t n);
/* The first max .png/.jpg/.jpeg files of dir (sorted by name). 0 if at least one was read. */
int bench_pages_load(struct bench_pages *pp, const char *dir, size_t max);
void bench_pages_free(struct bench_pages *pp);

/* What the raw loop measured. */
struct bench_raw_result {
    double seconds; /* from "go" (every engine initialised) to the last process's exit */
    size_t pages;   /* pages recognised */
    size_t words;   /* words in the recognised text (a sanity check: not zero) */
    double cpu_s;   /* user+system CPU of the processes after their engine was ready */
    double sys_s;   /* of it, system CPU */
    long minflt;    /* minor page faults after the engine was ready */
};

/* How the raw loop reads, and at which priority: like the stack's workers, so that the two
 * phases do the same work and get the same share of a shared machine. */
struct bench_raw_opts {
    const char *lang; /* Tesseract language, e.g. "eng" */
    int psm;          /* page segmentation mode; 3 (PSM_AUTO) as the tesseract CLI and the
                       * worker on a full page; TessBaseAPI's own default is 6 (one block) */
    int full;         /* also take every word's text, box and confidence, and the hOCR */
    int nice_level;   /* the workers' worker_nice (a process only lowers its priority) */
    int sched_idle;   /* the workers' worker_sched_idle: run under SCHED_IDLE */
};

/* nproc processes, each with one TessBaseAPI (o->lang) initialised before the clock starts;
 * process k recognises pages k, k + nproc, ... (pixReadMem + SetImage + Recognize +
 * GetUTF8Text at o->psm; with o->full also what the worker takes: every word's text, box and
 * confidence, and the hOCR), at the workers' priority. Processes still running after max_s
 * seconds are killed (then -1). OMP_THREAD_LIMIT must already be 1 in the environment
 * (libgomp reads it at load). */
int bench_raw(const struct bench_pages *pp, int nproc, const struct bench_raw_opts *o, int max_s,
              struct bench_raw_result *out);

/* What the upload hammer measured. */
struct bench_api_result {
    size_t requests, accepted, limited, other; /* other: neither 202 nor 429 (or no answer) */
    double seconds;                            /* first request to last answer */
    double p50_ms, p99_ms, max_ms;             /* latency of every answered request */
};

/* `conc` threads, each with one keep-alive connection, POST body (an image) to url with the
 * API key until `requests` were sent in all or max_s passed. 0 on success. */
int bench_api(const char *url, const char *key, const void *body, size_t len, int conc,
              size_t requests, int max_s, struct bench_api_result *out);

/* Ingest at line rate (bench_ingest.c): wrk through nginx at saturation and at ~1,000/s with
 * 10 kB bodies, next to nginx answering the POST itself, on a stack of its own with the nginx
 * limits off and `cores` workers running. With floor set, also nginx proxying the same POST to
 * upstreams that do nothing or one Redis SET (bench_floor.c), before docproc's phases. Prints
 * a table. 0 on success. */
/* With ab (not NULL) instead: an A/B, the stack's docproc (A) against a second front of API
 * processes started with the option ab (bench_front_start) on the same Redis, wrk alternating
 * between them at saturation for ab_rounds rounds of secs seconds; CPU per upload of each
 * side's API and nginx and of Redis, per round and the medians. */
int bench_ingest(int secs, int conns, int cores, int floor, const char *ab, int ab_rounds);

/* The floor of the ingest path (bench_floor.c): as many floor servers as the stack has API
 * processes, and an nginx made by nginx/gen-conf.sh in front of them. */
#define BENCH_FLOOR_MAX 4 /* = STACK_MAX_API */
struct bench_floor {
    int n;                     /* floor servers */
    pid_t up[BENCH_FLOOR_MAX]; /* their pids (0 = not running) */
    pid_t nginx;               /* the nginx in front */
    int port;                  /* its HTTP port on 127.0.0.1 */
};
/* Starts the floor servers (with_redis: each request SETs its body in st's Redis) and their
 * nginx, in st's directory and process group. 0 when nginx accepts; bench_floor_stop is owed
 * either way. */
int bench_floor_start(struct stack *st, int with_redis, struct bench_floor *fl);
void bench_floor_stop(struct bench_floor *fl);
/* The same front over docproc-api processes started as the stack's (its environment, its
 * Redis) with one more option (e.g. "--api_group_commit=0"): the B side of an A/B. */
int bench_front_start(struct stack *st, const char *option, struct bench_floor *fl);
/* main of `docproc-bench --floor-server SOCKET null|redis` (options as docproc-api's from the
 * DOCPROC_* environment: api_threads, redis_*). Runs until SIGTERM. */
int bench_floor_server(int argc, char **argv);

/* What one upload costs Redis (bench_enqueue.c): store_enqueue from `threads` connections
 * straight at a Redis started as the stack starts it, for secs seconds per Redis variant.
 * Prints a table. 0 on success. */
int bench_enqueue(int secs, int threads);

/* What the page-structure step costs (bench_layout.c), CPU seconds summed over pages. */
struct bench_layout_result {
    size_t pages, tables;
    double ocr_s;       /* Tesseract */
    double rules_s;     /* ruling lines found and erased before OCR */
    double structure_s; /* tables, selection marks, key-value pairs after OCR */
};

/* Reads every page in this process as the worker does and times the parts. 0 on success. */
int bench_layout(const struct bench_pages *pp, struct bench_layout_result *out);

/* What barcodes on PDF text-layer pages cost (bench_figures.c): prints a line per page kind
 * (text only; text and a picture). 0 on success. */
int bench_figures(void);

/* The searchable PDF against OCRmyPDF (bench_pdf.c) on the scans under dir (the shared data
 * folder: tess/, sroie/), through the running stack st. Prints a table. 0 when a row worked. */
int bench_pdf(struct stack *st, const char *dir);

#endif
