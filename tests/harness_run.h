/* harness_run.h -- drives config/run.sh (`make run`) as a user does: in its own process group
 * (like a terminal's foreground job), its stdout read for the lines it prints, stopped with a
 * signal to the whole group. Used by the e2e_run and e2e_restart suites. */
#ifndef DP_HARNESS_RUN_H
#define DP_HARNESS_RUN_H
#include <stddef.h>
#include <sys/types.h>

struct run_opts {
    const char *dir;      /* run directory (DOCPROC_RUN_DIR) */
    int http, api, redis; /* DOCPROC_HTTP_PORT, DOCPROC_API_PORT (and +1...), DOCPROC_REDIS_PORT */
    const char *const *env; /* more "DOCPROC_X=v" for run.sh, NULL-terminated, may be NULL */
};

struct run {
    pid_t pid;                /* run.sh, leader of its own process group */
    int out;                  /* read end of its stdout (non-blocking) */
    char url[128], key[64];   /* from its "URL: " and "API key: " lines */
    char https[160], ca[512]; /* from "HTTPS: <url> (CA: <file>)", "" when not printed */
    char text[16384];         /* everything it printed so far (NUL-terminated) */
    size_t len;
    int reaped, status; /* run.sh exited (while starting) with this wait status */
};

/* A port p with p and p+1 free (two API processes listen on api_port and api_port+1). */
int run_two_free_ports(void);
/* 1 when something accepts TCP connections on 127.0.0.1:port. */
int run_port_in_use(int port);

/* Starts run.sh with DOCPROC_WORKERS=1, HTTPS on a free port and o's settings. 0 once it printed
 * its key line; -1 when it exited first or timeout_s passed (r->text says why); run_stop or
 * run_reap is owed either way. */
int run_start(struct run *r, const struct run_opts *o, int timeout_s);
/* Sends sig (SIGTERM or SIGINT, as a terminal would) to the group and reaps run.sh. Returns
 * its wait status. */
int run_stop(struct run *r, int sig);
/* Reaps run.sh once it exits by itself within timeout_s; its wait status, or -1. */
int run_reap(struct run *r, int timeout_s);
/* 1 when no process is left in group pgid within timeout_ms (else lists them on stderr). */
int run_group_gone(pid_t pgid, int timeout_ms);

#endif
