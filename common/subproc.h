/* subproc.h -- run a program as a bounded child: its stdin fed from a buffer, its stdout
 * collected up to a cap, its address space and CPU time capped (setrlimit before exec), and a
 * wall-clock deadline after which it is killed.  What a hostile input makes it do costs that
 * child only.  Used by the API to build searchable PDFs off its own address space
 * (api_export.c); the worker's decode child (workers/worker_sandbox.c) shares its limits and
 * memory probe.
 *
 *     struct subproc_limits lim = {.memory_bytes = 1 << 30, .cpu_s = 32, .deadline_ms = 5000};
 *     struct subproc_result res;
 *     dp_err rc = subproc_run(argv, in, inlen, &lim, &res);   // res.out: caller frees
 */
#ifndef DP_SUBPROC_H
#define DP_SUBPROC_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "err.h"

/* ASan and TSan reserve terabytes of shadow memory: RLIMIT_AS cannot apply under them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SUBPROC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SUBPROC_ASAN 1
#endif
#endif
#ifndef SUBPROC_ASAN
#define SUBPROC_ASAN 0
#endif
/* Under them the child's RSS is watched instead, which shadow memory and the allocator's
 * quarantine inflate about this much. */
#define SUBPROC_ASAN_RSS_FACTOR 3

/* Caps of one child.  0 = no cap. */
struct subproc_limits {
    uint64_t memory_bytes;    /* RLIMIT_AS (RSS watched by the parent under sanitizers) */
    long cpu_s;               /* RLIMIT_CPU soft limit, seconds (SIGXCPU) */
    long long deadline_ms;    /* wall clock from the start; then SIGKILL */
    size_t out_max;           /* most stdout bytes kept; more kills the child */
    const atomic_int *cancel; /* when set and nonzero: the child is killed (shutdown) */
};

/* How the child ended. */
enum subproc_end {
    SUBPROC_EXITED = 0, /* exited by itself: status holds its exit code */
    SUBPROC_SIGNALED,   /* killed by a signal we did not send (crash, SIGXCPU, OOM killer) */
    SUBPROC_TIMEOUT,    /* killed at the deadline */
    SUBPROC_MEMORY,     /* killed over its memory cap (only where RLIMIT_AS cannot apply) */
    SUBPROC_OUTPUT,     /* killed for writing more than out_max */
    SUBPROC_CANCELLED   /* killed because *cancel was set */
};

struct subproc_result {
    enum subproc_end end;
    int status; /* exit code (SUBPROC_EXITED) or signal number */
    char *out;  /* what it wrote to stdout, NUL-terminated (owned; free) */
    size_t out_len;
    long peak_rss_kb;  /* the child's peak RSS */
    long long wall_ms; /* how long it ran */
};

/* Runs argv[0] (a path; argv NULL-terminated) with in[inlen] on its stdin and lim applied.
 * stderr is inherited.  Blocks until the child is gone.  DP_OK whenever the child ran (*res says
 * how it ended); DP_EIO when it could not be started, DP_ENOMEM. */
dp_err subproc_run(const char *const *argv, const void *in, size_t inlen,
                   const struct subproc_limits *lim, struct subproc_result *res);

/* Applies memory_bytes and cpu_s to the calling process (a child, before it takes input).
 * Best effort: setrlimit failures are ignored; nothing under sanitizers for memory. */
void subproc_limit_self(const struct subproc_limits *lim);

/* Memory process pid maps now, bytes: its address space (what RLIMIT_AS counts), or its
 * resident set under sanitizers.  0 when unknown. */
uint64_t subproc_mem_in_use(pid_t pid);

#endif
