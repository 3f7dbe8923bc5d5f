/* bench_raw.c -- the reference: a raw Tesseract C-API loop, one engine per process, N processes
 * sharing the page set, timed from "every engine ready" to the last exit. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include "bench.h"

#define MAX_PROCS 256

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's user+system CPU, its system CPU (seconds) and its minor faults. */
static double cpu_self_s(double *sys_s, long *minflt)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    *minflt = ru.ru_minflt;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + *sys_s;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\f';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* What the worker asks Tesseract for beyond the text: every word with box and confidence, and
 * the page's hOCR. */
static void full_output(TessBaseAPI *api)
{
    TessResultIterator *it = TessBaseAPIGetIterator(api);
    TessPageIterator *pi = it ? TessResultIteratorGetPageIterator(it) : NULL;
    int l, t, r, b;
    if (it) {
        do {
            char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
            TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &t, &r, &b);
            (void)TessResultIteratorConfidence(it, RIL_WORD);
            TessDeleteText(w);
        } while (TessResultIteratorNext(it, RIL_WORD));
        TessResultIteratorDelete(it);
    }
    TessDeleteText(TessBaseAPIGetHOCRText(api, 0));
}

/* One process: init, say ready, wait for go (EOF on go_fd), recognise its share, report
 * "pages words" on res_fd. Never returns. */
static void child(const struct bench_pages *pp, int k, int nproc, const struct bench_raw_opts *o,
                  int ready_fd, int go_fd, int res_fd)
{
    char c = 'r', buf[128];
    size_t pages = 0, words = 0;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* at the workers' priority: on a machine shared with other jobs, a loop at a higher one
     * would be given more of the cores than the workers it is compared with */
    if (o->nice_level > getpriority(PRIO_PROCESS, 0))
        (void)setpriority(PRIO_PROCESS, 0, o->nice_level);
    /* and under the workers' policy: a SCHED_IDLE worker gets next to nothing of a core that a
     * normal process wants, a nice 10 loop a tenth of it */
    struct sched_param sp = {.sched_priority = 0};
    if (o->sched_idle && sched_setscheduler(0, SCHED_IDLE, &sp) != 0)
        _exit(8);
    TessBaseAPI *api = TessBaseAPICreate();
    if (!api || TessBaseAPIInit3(api, NULL, o->lang) != 0)
        _exit(3);
    TessBaseAPISetPageSegMode(api, (TessPageSegMode)o->psm);
    if (write(ready_fd, &c, 1) != 1)
        _exit(4);
    while (read(go_fd, &c, 1) > 0) /* the parent closes its end to start everyone at once */
        ;
    double sys0, sys1;
    long flt0, flt1;
    double cpu0 = cpu_self_s(&sys0, &flt0);
    for (size_t i = (size_t)k; i < pp->n; i += (size_t)nproc) {
        PIX *pix = pixReadMem(pp->v[i].buf, pp->v[i].len);
        if (!pix)
            _exit(5);
        TessBaseAPISetImage2(api, pix);
        if (TessBaseAPIRecognize(api, NULL) != 0)
            _exit(6);
        char *text = TessBaseAPIGetUTF8Text(api);
        words += text ? count_words(text) : 0;
        TessDeleteText(text);
        if (o->full)
            full_output(api);
        TessBaseAPIClear(api);
        pixDestroy(&pix);
        pages++;
    }
    /* CPU in microseconds, so the report line stays integers */
    double cpu = cpu_self_s(&sys1, &flt1) - cpu0;
    int n = snprintf(buf, sizeof buf, "%zu %zu %.0f %.0f %ld\n", pages, words, cpu * 1e6,
                     (sys1 - sys0) * 1e6, flt1 - flt0);
    if (write(res_fd, buf, (size_t)n) != n)
        _exit(7);
    TessBaseAPIEnd(api);
    TessBaseAPIDelete(api);
    _exit(0);
}

int bench_raw(const struct bench_pages *pp, int nproc, const struct bench_raw_opts *o, int max_s,
              struct bench_raw_result *out)
{
    int ready[2], go[2], res[2], rc = -1, started = 0;
    pid_t pids[MAX_PROCS];
    memset(out, 0, sizeof *out);
    if (nproc < 1 || nproc > MAX_PROCS || pipe(ready) || pipe(go) || pipe(res))
        return -1;
    fflush(NULL);
    for (int k = 0; k < nproc; k++) {
        pids[k] = fork();
        if (pids[k] == 0) {
            close(ready[0]);
            close(go[1]);
            close(res[0]);
            child(pp, k, nproc, o, ready[1], go[0], res[1]);
        }
        if (pids[k] < 0)
            goto out;
        started++;
    }
    close(ready[1]);
    close(go[0]);
    close(res[1]);
    ready[1] = go[0] = res[1] = -1;
    for (int k = 0; k < nproc; k++) {
        char c;
        if (read(ready[0], &c, 1) != 1) {
            fprintf(stderr, "bench: a Tesseract process did not initialise\n");
            goto out;
        }
    }
    double t0 = now_s();
    close(go[1]); /* go */
    go[1] = -1;
    int live = nproc, st;
    while (live > 0) {
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p > 0) {
            live--;
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                fprintf(stderr, "bench: a Tesseract process failed (status %d)\n", st);
                goto out;
            }
            continue;
        }
        if (now_s() - t0 > max_s) {
            fprintf(stderr, "bench: raw loop over %d s, stopped\n", max_s);
            goto out;
        }
        struct timespec ts = {0, 2000000}; /* 2 ms: the clock's resolution for this phase */
        nanosleep(&ts, NULL);
    }
    out->seconds = now_s() - t0;
    started = 0; /* all reaped */
    char buf[4096];
    size_t got = 0;
    ssize_t r;
    while (got + 1 < sizeof buf && (r = read(res[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    for (char *p = buf; *p;) {
        char *end;
        errno = 0;
        unsigned long long a = strtoull(p, &end, 10), b = strtoull(end, &end, 10);
        unsigned long long us = strtoull(end, &end, 10), sys_us = strtoull(end, &end, 10);
        unsigned long long flt = strtoull(end, &end, 10);
        if (errno || end == p)
            break;
        out->pages += (size_t)a;
        out->words += (size_t)b;
        out->cpu_s += (double)us / 1e6;
        out->sys_s += (double)sys_us / 1e6;
        out->minflt += (long)flt;
        p = end + (*end == '\n');
    }
    rc = out->pages == pp->n ? 0 : -1;
out:
    for (int k = 0; k < started; k++) {
        kill(pids[k], SIGKILL);
        waitpid(pids[k], &st, 0);
    }
    int fds[] = {ready[0], ready[1], go[0], go[1], res[0], res[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return rc;
}
