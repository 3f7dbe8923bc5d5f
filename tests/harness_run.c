/* harness_run.c -- config/run.sh under test: start in a process group, read its output, stop. */
#include "harness_run.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int run_port_in_use(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int used = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return used;
}

/* 1 when a server could bind 127.0.0.1:port now (with SO_REUSEADDR, as Redis, nginx and the
 * API do: a TIME-WAIT left by an earlier run does not count, a socket using the port does). */
static int bindable(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
             bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The pair is taken below the kernel's ephemeral range (ip_local_port_range), where neither
 * connect() nor bind(0) ever hands out a port. In the range, the second port of a pair that
 * bind(0) found free is just what connect() picks next (Linux gives bind(0) odd ports and
 * connect() even ones): the run's own API, worker and nginx, connecting to Redis and the APIs
 * while starting, took it before the second API process could bind it. */
int run_two_free_ports(void)
{
    int low = 32768, high = 60999;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        if (fscanf(f, "%d %d", &low, &high) != 2)
            low = 32768;
        fclose(f);
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned x = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec;
    int span = low - 10002; /* ports 10000 .. low - 2 */
    for (int i = 0; span > 100 && i < 200; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int p = 10000 + (int)(x % (unsigned)span);
        if (bindable(p) && bindable(p + 1))
            return p;
    }
    for (int i = 0; i < 50; i++) { /* no room below the range: as before */
        int p = harness_free_port();
        if (p > 0 && p < 65535 && bindable(p + 1))
            return p;
    }
    return -1;
}

/* Appends what run.sh printed since the last call. */
static void slurp(struct run *r)
{
    for (;;) {
        ssize_t n = read(r->out, r->text + r->len, sizeof r->text - 1 - r->len);
        if (n <= 0)
            break;
        r->len += (size_t)n;
    }
    r->text[r->len] = '\0';
}

static void line_value(const char *text, const char *label, char *out, size_t outsz)
{
    const char *p = strstr(text, label);
    out[0] = '\0';
    if (!p)
        return;
    p += strlen(label);
    size_t n = strcspn(p, " \n");
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

int run_start(struct run *r, const struct run_opts *o, int timeout_s)
{
    int pfd[2];
    memset(r, 0, sizeof *r);
    if (pipe(pfd) != 0)
        return -1;
    const char *bin = getenv("DOCPROC_BIN_DIR"), *src = getenv("DOCPROC_SRC_DIR");
    /* HTTPS too on a free port (o->env may still name one): the default 8443 may be taken. */
    int https = harness_free_port();
    r->pid = fork();
    if (r->pid == 0) {
        char script[600], v[3][16];
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        setpgid(0, 0); /* its own group, so the test can signal all of it like a terminal */
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        snprintf(script, sizeof script, "%s/config/run.sh", src ? src : ".");
        snprintf(v[0], sizeof v[0], "%d", o->http);
        snprintf(v[1], sizeof v[1], "%d", o->api);
        snprintf(v[2], sizeof v[2], "%d", o->redis);
        setenv("DOCPROC_HTTP_PORT", v[0], 1);
        setenv("DOCPROC_API_PORT", v[1], 1);
        setenv("DOCPROC_REDIS_PORT", v[2], 1);
        setenv("DOCPROC_RUN_DIR", o->dir, 1);
        setenv("DOCPROC_WORKERS", "1", 1);
        char hp[16];
        snprintf(hp, sizeof hp, "%d", https);
        setenv("DOCPROC_HTTPS_PORT", hp, 1);
        for (const char *const *e = o->env; e && *e; e++)
            putenv((char *)*e);
        execl("/bin/sh", "sh", script, bin ? bin : "build", (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    if (r->pid < 0) {
        close(pfd[0]);
        return -1;
    }
    setpgid(r->pid, r->pid);
    harness_track_group(r->pid);
    r->out = pfd[0];
    fcntl(r->out, F_SETFL, O_NONBLOCK);
    for (int t = 0; t < timeout_s * 10; t++) {
        slurp(r);
        if (strstr(r->text, "API key: ") && strchr(strstr(r->text, "API key: "), '\n')) {
            line_value(r->text, "URL: ", r->url, sizeof r->url);
            line_value(r->text, "API key: ", r->key, sizeof r->key);
            line_value(r->text, "HTTPS: ", r->https, sizeof r->https);
            line_value(r->text, "(CA: ", r->ca, sizeof r->ca);
            size_t n = strlen(r->ca);
            if (n && r->ca[n - 1] == ')')
                r->ca[n - 1] = '\0';
            return 0;
        }
        if (waitpid(r->pid, &r->status, WNOHANG) == r->pid) { /* exited */
            r->reaped = 1;
            return -1;
        }
        msleep(100);
    }
    return -1;
}

static int finish(struct run *r, int st)
{
    slurp(r);
    close(r->out);
    r->out = -1;
    harness_untrack_group(r->pid);
    return st;
}

int run_stop(struct run *r, int sig)
{
    int st = 0;
    if (r->reaped)
        return finish(r, r->status);
    kill(-r->pid, sig);
    if (waitpid(r->pid, &st, 0) != r->pid)
        st = -1;
    return finish(r, st);
}

int run_reap(struct run *r, int timeout_s)
{
    int st = 0;
    if (r->reaped)
        return finish(r, r->status);
    for (int t = 0; t < timeout_s * 10; t++) {
        pid_t p = waitpid(r->pid, &st, WNOHANG);
        if (p == r->pid)
            return finish(r, st);
        if (p < 0 && errno != EINTR)
            break;
        msleep(100);
    }
    return -1;
}

int run_group_gone(pid_t pgid, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 100) {
        if (kill(-pgid, 0) != 0)
            return 1;
        msleep(100);
    }
    char cmd[96];
    snprintf(cmd, sizeof cmd, "ps -o pid,stat,args -g %d >&2", (int)pgid);
    if (system(cmd) < 0)
        return 0;
    return 0;
}
