/* worker_supervise.c -- the parent of `docproc-worker -j N`: forks N workers, restarts the
 * ones that die (with backoff) and counts those restarts in Redis, forwards SIGTERM/SIGINT and
 * waits for all of them. */
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
#include "log.h"
#include "rds.h"
#include "stats.h"
#include "util.h"
#include "worker.h"

/* The one datum the signal handler touches (STYLE rule 6): set on SIGTERM/SIGINT. */
static volatile sig_atomic_t stop_flag;

static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* A child: own Tesseract, own Redis connection, its slot's consumer name. */
static int child_main(const struct dp_config *cfg, int slot, pid_t parent)
{
    struct worker w;
    char host[64] = "host";
    memset(&w, 0, sizeof w);
    w.cfg = *cfg;
    w.slot = slot;
    w.stop = &stop_flag;
    gethostname(host, sizeof host - 1);
    /* Stable across restarts of this slot, so a restarted child drains what it held. */
    snprintf(w.consumer, sizeof w.consumer, "%s-%d-%d", host, (int)parent, slot);
    util_on_stop_signals(on_stop);
    if (ocr_init(&w.ocr, cfg->tessdata_dir, cfg->lang)) {
        log_kv(LOG_ERROR, "could not initialise Tesseract", "lang", cfg->lang, NULL);
        return 3;
    }
    worker_preload_osd(&w); /* best effort: a missing osd pack is the worker's own business */
    if (worker_analyze_init(&w)) {
        log_kv(LOG_ERROR, "could not initialise the classifier/extractor", NULL);
        ocr_cleanup(&w.ocr);
        return 3;
    }
    log_kv(LOG_INFO, "worker ready", "consumer", w.consumer, "osd", w.ocr.osd ? "loaded" : "none",
           NULL);
    int status = worker_run(&w);
    char done[24], failed[24];
    snprintf(done, sizeof done, "%lld", w.jobs_done);
    snprintf(failed, sizeof failed, "%lld", w.jobs_failed);
    log_kv(LOG_INFO, "worker stopped", "consumer", w.consumer, "done", done, "failed", failed,
           NULL);
    worker_analyze_cleanup(&w);
    ocr_cleanup(&w.ocr);
    return status;
}

struct slot {
    pid_t pid;
    int64_t started_ms;
    int64_t restart_at_ms; /* when a dead child may be started again */
    long backoff_ms;
    int died; /* the child died and is to be started again: that start is a restart */
};

static void start_slot(const struct dp_config *cfg, struct slot *s, int i, pid_t parent)
{
    pid_t pid = fork();
    if (pid == 0) {
        _exit(child_main(cfg, i, parent));
    }
    if (pid < 0) {
        log_kv(LOG_ERROR, "fork failed", "error", strerror(errno), NULL);
        s->restart_at_ms = util_mono_ms() + 1000;
        return;
    }
    s->pid = pid;
    s->started_ms = util_mono_ms();
}

/* Restarts of children not yet counted in Redis. They are counted by a short-lived process of
 * their own, so that the supervisor never waits on Redis (a connect may wait a minute for a
 * Redis that is loading) while children need restarting. */
struct restarts {
    long pending;     /* restarts not counted yet */
    long inflight;    /* of them, what the counting process was asked to add */
    pid_t counter;    /* the counting process, 0 = none */
    int64_t next_try; /* when to try again after a failure (monotonic ms) */
};

/* The counting process: adds n restarts (stats_child_restarts_add); exit status 0 once
 * counted. */
static void counter_main(const struct dp_config *cfg, long n)
{
    char err[256];
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    redisContext *c = rds_connect(cfg, err, sizeof err);
    if (!c)
        log_kv(LOG_WARN, "worker restart not counted yet: redis unavailable", "error", err, NULL);
    dp_err rc = c ? stats_child_restarts_add(c, n) : DP_EREDIS;
    redisFree(c);
    _exit(rc == DP_OK ? 0 : 1);
}

/* Best effort: starts a counting process for the pending restarts, at most one at a time and,
 * after a failure, a second later. */
static void count_restarts(const struct dp_config *cfg, struct restarts *r, int64_t now)
{
    if (r->pending == 0 || r->counter > 0 || now < r->next_try)
        return;
    r->inflight = r->pending;
    pid_t pid = fork();
    if (pid == 0)
        counter_main(cfg, r->inflight);
    if (pid < 0)
        r->next_try = now + 1000;
    else
        r->counter = pid;
}

/* The counting process ended with status st. */
static void counted(struct restarts *r, int st, int64_t now)
{
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        r->pending -= r->inflight;
    else
        r->next_try = now + 1000;
    r->counter = 0;
    r->inflight = 0;
}

int worker_supervise(const struct dp_config *cfg, int n)
{
    struct restarts restarts = {0};
    struct slot *slots = calloc((size_t)n, sizeof *slots);
    pid_t parent = getpid();
    if (!slots)
        return 1;
    util_on_stop_signals(on_stop);
    /* OCR is batch work that can wait a few milliseconds; accepting and answering requests
     * on the same host cannot. Lower our priority (children inherit it); only lowering, so
     * no privilege is needed. */
    errno = 0;
    int now_nice = getpriority(PRIO_PROCESS, 0);
    if (errno == 0 && now_nice < cfg->worker_nice &&
        setpriority(PRIO_PROCESS, 0, (int)cfg->worker_nice) != 0)
        log_kv(LOG_WARN, "worker_nice not applied", "error", strerror(errno), NULL);
    /* SCHED_IDLE: the workers run only when nothing else wants the CPU, so an API thread or
     * Redis woken by an upload runs at once instead of after the OCR's time slice (nice alone
     * only shortens that slice). Lowering a policy needs no privilege; children inherit it. */
    struct sched_param sp = {.sched_priority = 0};
    if (cfg->worker_sched_idle && sched_setscheduler(0, SCHED_IDLE, &sp) != 0)
        log_kv(LOG_WARN, "worker_sched_idle not applied", "error", strerror(errno), NULL);
    for (int i = 0; i < n; i++)
        start_slot(cfg, &slots[i], i, parent);
    while (!stop_flag) {
        int st = 0;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        int64_t now = util_mono_ms();
        for (int i = 0; i < n; i++) {
            struct slot *s = &slots[i];
            if (pid > 0 && s->pid == pid) {
                char how[64], slot[16];
                if (WIFSIGNALED(st))
                    snprintf(how, sizeof how, "signal %d", WTERMSIG(st));
                else
                    snprintf(how, sizeof how, "exit %d", WEXITSTATUS(st));
                snprintf(slot, sizeof slot, "%d", i);
                /* Quick deaths back off up to 30 s; a child that ran a while restarts at once. */
                s->backoff_ms = now - s->started_ms > 10000 ? 0
                                : s->backoff_ms
                                    ? (s->backoff_ms * 2 > 30000 ? 30000 : s->backoff_ms * 2)
                                    : 100;
                s->restart_at_ms = now + s->backoff_ms;
                s->pid = 0;
                s->died = 1;
                log_kv(LOG_WARN, "worker died; restarting", "slot", slot, "how", how, NULL);
            }
            if (!s->pid && now >= s->restart_at_ms && !stop_flag) {
                start_slot(cfg, s, i, parent);
                if (s->died && s->pid > 0) {
                    restarts.pending++;
                    s->died = 0;
                }
            }
        }
        if (pid > 0 && pid == restarts.counter)
            counted(&restarts, st, now);
        count_restarts(cfg, &restarts, now);
        if (pid <= 0) {
            struct timespec ts = {0, 50 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    for (int i = 0; i < n; i++)
        if (slots[i].pid > 0)
            kill(slots[i].pid, SIGTERM);
    for (int i = 0; i < n; i++)
        if (slots[i].pid > 0)
            waitpid(slots[i].pid, NULL, 0);
    if (restarts.counter > 0) {
        kill(restarts.counter, SIGTERM);
        waitpid(restarts.counter, NULL, 0);
    }
    free(slots);
    log_kv(LOG_INFO, "all workers stopped", NULL);
    return 0;
}
