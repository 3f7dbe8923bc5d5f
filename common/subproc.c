/* subproc.c -- a program run as a bounded child: rlimits, a deadline, stdin fed, stdout kept. */
#include "subproc.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS    100 /* longest the parent sleeps before it looks at the clock and RSS */
#define READ_CHUNK 65536

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t subproc_mem_in_use(pid_t pid)
{
    char path[64], line[128];
    unsigned long long vsz = 0, rss = 0;
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    if (!fgets(line, sizeof line, fp) || sscanf(line, "%llu %llu", &vsz, &rss) != 2)
        vsz = rss = 0;
    fclose(fp);
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    return (SUBPROC_ASAN ? rss : vsz) * page;
}

void subproc_limit_self(const struct subproc_limits *lim)
{
    if (lim->memory_bytes && !SUBPROC_ASAN) {
        struct rlimit as = {lim->memory_bytes, lim->memory_bytes};
        setrlimit(RLIMIT_AS, &as);
    }
    if (lim->cpu_s > 0) {
        struct rlimit cpu = {(rlim_t)lim->cpu_s, (rlim_t)lim->cpu_s + 5};
        setrlimit(RLIMIT_CPU, &cpu);
    }
}

/* In the child between fork and exec: only async-signal-safe calls (the parent may have other
 * threads holding locks).  Never returns. */
static void child_exec(const char *const *argv, int in_fd, int out_fd,
                       const struct subproc_limits *lim, pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(126);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0)
        _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* the API blocks SIGTERM in its threads */
    signal(SIGPIPE, SIG_DFL);
    subproc_limit_self(lim);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

/* Appends what the child wrote; 1 at end of file, -1 over the cap, 0 otherwise. */
static int take_output(int fd, struct subproc_result *res, size_t *cap, size_t out_max)
{
    for (;;) {
        if (*cap - res->out_len < READ_CHUNK + 1) {
            size_t want = *cap ? *cap * 2 : 2 * READ_CHUNK;
            char *nb = realloc(res->out, want);
            if (!nb)
                return -1;
            res->out = nb;
            *cap = want;
        }
        ssize_t n = read(fd, res->out + res->out_len, *cap - res->out_len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : 1;
        if (n == 0)
            return 1;
        res->out_len += (size_t)n;
        if (out_max && res->out_len > out_max)
            return -1;
    }
}

dp_err subproc_run(const char *const *argv, const void *in, size_t inlen,
                   const struct subproc_limits *lim, struct subproc_result *res)
{
    int pin[2], pout[2];
    memset(res, 0, sizeof *res);
    if (pipe2(pin, O_CLOEXEC))
        return DP_EIO;
    if (pipe2(pout, O_CLOEXEC)) {
        close(pin[0]), close(pin[1]);
        return DP_EIO;
    }
    long long t0 = mono_ms();
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        child_exec(argv, pin[0], pout[1], lim, parent);
    close(pin[0]);
    close(pout[1]);
    if (pid < 0) {
        close(pin[1]), close(pout[0]);
        return DP_EIO;
    }
    fcntl(pin[1], F_SETFL, fcntl(pin[1], F_GETFL) | O_NONBLOCK);
    fcntl(pout[0], F_SETFL, fcntl(pout[0], F_GETFL) | O_NONBLOCK);
    uint64_t rss_cap = lim->memory_bytes * SUBPROC_ASAN_RSS_FACTOR;
    size_t sent = 0, cap = 0;
    int wfd = pin[1], done = 0, killed = 0;
    if (inlen == 0) {
        close(wfd);
        wfd = -1;
    }
    while (!done) {
        long long now = mono_ms();
        enum subproc_end why = SUBPROC_EXITED;
        if (lim->cancel && atomic_load(lim->cancel))
            why = SUBPROC_CANCELLED;
        else if (lim->deadline_ms > 0 && now - t0 >= lim->deadline_ms)
            why = SUBPROC_TIMEOUT;
        else if (SUBPROC_ASAN && lim->memory_bytes && subproc_mem_in_use(pid) > rss_cap)
            why = SUBPROC_MEMORY;
        if (why != SUBPROC_EXITED) {
            kill(pid, SIGKILL);
            res->end = why;
            killed = 1;
            break;
        }
        long long wait = lim->deadline_ms > 0 ? lim->deadline_ms - (now - t0) : TICK_MS;
        if (wait > TICK_MS)
            wait = TICK_MS;
        struct pollfd p[2] = {{pout[0], POLLIN, 0}, {wfd, POLLOUT, 0}};
        int n = poll(p, wfd >= 0 ? 2 : 1, (int)(wait > 0 ? wait : 0));
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (wfd >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(wfd, (const char *)in + sent, inlen - sent);
            if (w > 0)
                sent += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == inlen) {
                close(wfd); /* all of it, or the child stopped reading: end of its input */
                wfd = -1;
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            int got = take_output(pout[0], res, &cap, lim->out_max);
            if (got < 0) {
                kill(pid, SIGKILL);
                res->end = SUBPROC_OUTPUT;
                killed = 1;
                break;
            }
            done = got == 1;
        }
    }
    if (wfd >= 0)
        close(wfd);
    close(pout[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    /* Its output ended; it may still be running (closed stdout, then hung): the deadline
     * holds until it is gone. */
    for (;;) {
        pid_t w = wait4(pid, &status, killed ? 0 : WNOHANG, &ru);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (w == 0 && lim->deadline_ms > 0 && mono_ms() - t0 >= lim->deadline_ms) {
            kill(pid, SIGKILL);
            res->end = SUBPROC_TIMEOUT;
            killed = 1;
        } else if (w == 0) {
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    res->wall_ms = mono_ms() - t0;
    res->peak_rss_kb = ru.ru_maxrss;
    if (res->out)
        res->out[res->out_len] = '\0';
    if (!killed) {
        if (WIFSIGNALED(status)) {
            res->end = SUBPROC_SIGNALED;
            res->status = WTERMSIG(status);
        } else {
            res->end = SUBPROC_EXITED;
            res->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
    } else {
        res->status = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return DP_OK;
}
