/* harness.c -- the end-to-end stack and HTTP helpers (see harness.h). */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <hiredis.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int harness_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof sa;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

struct tracked_group {
    pid_t pgid, owner;
};
static struct tracked_group tracked[64];
static int ntracked, tracking;

static void kill_tracked(void)
{
    for (int i = 0; i < ntracked; i++)
        if (tracked[i].owner == getpid())
            kill(-tracked[i].pgid, SIGKILL);
}

void harness_track_group(pid_t pgid)
{
    if (!tracking) {
        atexit(kill_tracked);
        tracking = 1;
    }
    if (ntracked < (int)(sizeof tracked / sizeof tracked[0]))
        tracked[ntracked++] = (struct tracked_group){pgid, getpid()};
}

void harness_untrack_group(pid_t pgid)
{
    for (int i = 0; i < ntracked; i++)
        if (tracked[i].pgid == pgid && tracked[i].owner == getpid())
            tracked[i--] = tracked[--ntracked];
}

static void env_add(struct stack *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (s->nenv < (int)(sizeof s->env / sizeof s->env[0]) - 1)
        s->env[s->nenv++] = strdup(buf);
    s->env[s->nenv] = NULL;
}

/* fork+exec with the stack's environment added to ours; output to dir/logname. */
pid_t stack_spawn(struct stack *s, const char *logname, char *const argv[])
{
    char log[256];
    snprintf(log, sizeof log, "%s/%s", s->dir, logname);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid > 0) {
        /* the first process founds the stack's group; the rest join it */
        if (!s->pgid) {
            s->pgid = pid;
            harness_track_group(pid);
        }
        setpgid(pid, s->pgid);
        return pid;
    }
    if (pid < 0)
        return pid;
    if (setpgid(0, s->pgid ? s->pgid : 0) != 0)
        setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    for (int i = 0; i < s->nenv; i++)
        putenv(s->env[i]);
    execvp(argv[0], argv);
    _exit(127);
}

void stack_kill(pid_t *pid, int sig)
{
    if (*pid <= 0)
        return;
    kill(*pid, sig);
    int st;
    for (int i = 0; i < 300; i++) { /* up to 30 s, then SIGKILL */
        if (waitpid(*pid, &st, WNOHANG) != 0) {
            *pid = 0;
            return;
        }
        msleep(100);
    }
    kill(*pid, SIGKILL);
    waitpid(*pid, &st, 0);
    *pid = 0;
}

static int tcp_ready(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

int harness_wait_unix(const char *path, int timeout_ms)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    for (int t = 0; t < timeout_ms; t += 50) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        int ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        if (fd >= 0)
            close(fd);
        if (ok)
            return 0;
        msleep(50);
    }
    return -1;
}

void stack_api_socket(const struct stack *s, int i, char *buf, size_t bufsz)
{
    snprintf(buf, bufsz, "%s/api/api-%d.sock", s->dir, i);
}

int harness_wait_port(int port, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 50) {
        if (tcp_ready(port))
            return 0;
        msleep(50);
    }
    return -1;
}

int stack_redis_conf(const struct stack *s, const char *dir, char *path, size_t pathsz)
{
    if (snprintf(path, pathsz, "%s/redis.conf", dir) >= (int)pathsz)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f, "include %s/redis-auth/redis-auth.conf\n", s->dir);
    return fclose(f) == 0 ? 0 : -1;
}

pid_t stack_spawn_redis(struct stack *s, int port, const char *dirname, const char *logname,
                        const char *const *extra)
{
    char sport[16], dir[192], conf[256], sock[220];
    char *argv[38] = {"redis-server"};
    int n = 1;
    snprintf(sport, sizeof sport, "%d", port);
    snprintf(dir, sizeof dir, "%s/%s", s->dir, dirname);
    snprintf(sock, sizeof sock, "%s/redis.sock", dir); /* stack_opts.redis_socket */
    mkdir(dir, 0755);
    /* Locked: the server's own config file (first argument) includes the generated users and
     * replication login; a Sentinel's CONFIG REWRITE after a failover rewrites this file. */
    if (s->acl) {
        if (stack_redis_conf(s, dir, conf, sizeof conf))
            return -1;
        argv[n++] = conf;
    }
    char *const common[] = {"--bind",
                            "127.0.0.1",
                            "--port",
                            sport,
                            "--dir",
                            dir,
                            "--daemonize",
                            "no",
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            s->appendfsync,
                            "--save",
                            "",
                            "--maxmemory-policy",
                            "noeviction",
                            "--rdbcompression", /* as make run: see config/run.sh */
                            "no",
                            "--unixsocket",
                            sock,
                            "--unixsocketperm",
                            "700"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        argv[n++] = common[i];
    for (int i = 0; extra && extra[i] && n < 37; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    return stack_spawn(s, logname, argv);
}

int stack_redis_only(struct stack *s)
{
    return stack_init(s, NULL) == 0 && stack_start_redis(s) == 0 ? 0 : -1;
}

redisContext *stack_redis_plain(const struct stack *s, int flush)
{
    redisContext *c = redisConnect("127.0.0.1", s->redis_port);
    if (!c || c->err) {
        redisFree(c);
        return NULL;
    }
    if (flush)
        freeReplyObject(redisCommand(c, "FLUSHALL"));
    return c;
}

int stack_start_redis(struct stack *s)
{
    s->redis = stack_spawn_redis(s, s->redis_port, "redis", "redis.log", NULL);
    return harness_wait_port(s->redis_port, 10000);
}

int stack_creds_args(const struct stack *s, const char *program, char bufs[3][256], char **argv)
{
    if (!s->acl)
        return 0;
    snprintf(bufs[0], 256, "--redis_user=docproc-%s", program);
    snprintf(bufs[1], 256, "--redis_password=");
    snprintf(bufs[2], 256, "--redis_password_file=%s/redis-auth/docproc-%s.pass", s->dir, program);
    for (int i = 0; i < 3; i++)
        argv[i] = bufs[i];
    return 3;
}

void stack_reply_text(const struct redisReply *r, char *out, size_t outsz)
{
    if (r->type == REDIS_REPLY_ERROR || r->type == REDIS_REPLY_STATUS ||
        r->type == REDIS_REPLY_STRING)
        snprintf(out, outsz, "%s", r->str);
    else if (r->type == REDIS_REPLY_ARRAY)
        snprintf(out, outsz, "(array %zu)", r->elements);
    else if (r->type == REDIS_REPLY_INTEGER)
        snprintf(out, outsz, "%lld", r->integer);
    else
        snprintf(out, outsz, "(nil)");
}

redisContext *stack_redis_as(const struct stack *s, int port, const char *user)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!c || c->err || !user) {
        if (c && c->err) {
            redisFree(c);
            c = NULL;
        }
        return c;
    }
    char path[256], pass[128] = "";
    snprintf(path, sizeof path, "%s/redis-auth/%s.pass", s->dir, user);
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(pass, sizeof pass, f))
            pass[0] = '\0';
        fclose(f);
    }
    pass[strcspn(pass, "\n")] = '\0';
    redisReply *r = redisCommand(c, "AUTH %s %s", user, pass);
    int ok = r && r->type == REDIS_REPLY_STATUS;
    freeReplyObject(r);
    if (!ok) {
        redisFree(c);
        return NULL;
    }
    return c;
}

int stack_start_api(struct stack *s, int i)
{
    char bin[600], port[32], log[32], sock[200], sockarg[220];
    snprintf(bin, sizeof bin, "%s/docproc-api", s->bin);
    snprintf(port, sizeof port, "--api_port=%d", s->api_ports[i]);
    snprintf(log, sizeof log, "api-%d.log", i);
    stack_api_socket(s, i, sock, sizeof sock);
    snprintf(sockarg, sizeof sockarg, "--api_socket=%s", sock);
    char *argv[8] = {bin, s->api_socket ? sockarg : port}, creds[3][256];
    stack_creds_args(s, "api", creds, argv + 2);
    s->api[i] = stack_spawn(s, log, argv);
    return s->api_socket ? harness_wait_unix(sock, 10000)
                         : harness_wait_port(s->api_ports[i], 10000);
}

int stack_start_worker(struct stack *s, int n, const char *const *extra_args)
{
    char bin[600], j[16], creds[3][256];
    char *argv[20] = {bin, "-j", j};
    int k = 3;
    k += stack_creds_args(s, "worker", creds, argv + k);
    snprintf(bin, sizeof bin, "%s/docproc-worker", s->bin);
    snprintf(j, sizeof j, "%d", n);
    for (int i = 0; extra_args && extra_args[i] && k < 19; i++)
        argv[k++] = (char *)extra_args[i];
    argv[k] = NULL;
    s->worker = stack_spawn(s, "worker.log", argv);
    return s->worker > 0 ? 0 : -1;
}

int stack_start_webhookd(struct stack *s)
{
    char bin[600];
    snprintf(bin, sizeof bin, "%s/docproc-webhookd", s->bin);
    char *argv[8] = {bin}, creds[3][256];
    stack_creds_args(s, "webhookd", creds, argv + 1);
    s->webhookd = stack_spawn(s, "webhookd.log", argv);
    return s->webhookd > 0 ? 0 : -1;
}

static int start_nginx(struct stack *s)
{
    char cmd[4096], conf[256];
    int k;
    snprintf(conf, sizeof conf, "%s/nginx/nginx.conf", s->dir);
    /* The limits gen-conf.sh takes from DP_* (as config/run.sh hands them over), from the
     * stack's DOCPROC_* options when a test sets them. */
    static const char *const lim[][2] = {{"DOCPROC_RATE_LIMIT_PER_S=", "DP_RATE_LIMIT"},
                                         {"DOCPROC_CONN_LIMIT_PER_ADDR=", "DP_CONN_LIMIT"},
                                         {"DOCPROC_METRICS_RATE_LIMIT_PER_S=", "DP_METRICS_RATE"},
                                         {"DOCPROC_MAX_BATCH_BYTES=", "DP_BATCH_BODY"}};
    char envs[256] = "";
    size_t e = 0;
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        for (int j = 0; j < s->nenv; j++)
            if (strncmp(s->env[j], lim[i][0], strlen(lim[i][0])) == 0 && e < sizeof envs)
                e += (size_t)snprintf(envs + e, sizeof envs - e, "%s=%ld ", lim[i][1],
                                      strtol(s->env[j] + strlen(lim[i][0]), NULL, 10));
    k = snprintf(cmd, sizeof cmd,
                 "mkdir -p %s/nginx/tmp && %s%s/nginx/gen-conf.sh %s/nginx 127.0.0.1 %d %s/web "
                 "${DOCPROC_MAX_UPLOAD_BYTES:-52428800}",
                 s->dir, envs, s->src, s->dir, s->http_port, s->src);
    for (int i = 0; i < s->n_api; i++) {
        char sock[200];
        stack_api_socket(s, i, sock, sizeof sock);
        if (s->api_socket)
            k += snprintf(cmd + k, sizeof cmd - (size_t)k, " unix:%s", sock);
        else
            k += snprintf(cmd + k, sizeof cmd - (size_t)k, " 127.0.0.1:%d", s->api_ports[i]);
    }
    snprintf(cmd + k, sizeof cmd - (size_t)k, " > %s", conf);
    if (system(cmd) != 0)
        return -1;
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s/nginx", s->dir);
    char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-e", "stderr", NULL};
    s->nginx = stack_spawn(s, "nginx.log", argv);
    return harness_wait_port(s->http_port, 10000);
}

int stack_run(struct stack *s, char *out, size_t outsz, const char *prog, ...)
{
    char bin[600];
    char *argv[24];
    int n = 0, pfd[2];
    va_list ap;
    snprintf(bin, sizeof bin, "%s/%s", s->bin, prog);
    argv[n++] = bin;
    va_start(ap, prog);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 23)
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    if (pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        for (int i = 0; i < s->nenv; i++)
            putenv(s->env[i]);
        execv(bin, argv);
        _exit(127);
    }
    close(pfd[1]);
    size_t got = 0;
    ssize_t r;
    while (out && got + 1 < outsz && (r = read(pfd[0], out + got, outsz - 1 - got)) > 0)
        got += (size_t)r;
    if (out)
        out[got] = '\0';
    close(pfd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int stack_init(struct stack *s, const char *appendfsync)
{
    memset(s, 0, sizeof *s);
    const char *bin = getenv("DOCPROC_BIN_DIR"), *src = getenv("DOCPROC_SRC_DIR");
    snprintf(s->bin, sizeof s->bin, "%s", bin ? bin : "build");
    snprintf(s->src, sizeof s->src, "%s", src ? src : ".");
    snprintf(s->appendfsync, sizeof s->appendfsync, "%s", appendfsync ? appendfsync : "everysec");
    snprintf(s->dir, sizeof s->dir, "/tmp/docproc-e2e-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    s->redis_port = harness_free_port();
    return 0;
}

int stack_start(struct stack *s, const struct stack_opts *o)
{
    static const struct stack_opts none = {0};
    if (!o)
        o = &none;
    if (stack_init(s, o->appendfsync) != 0)
        return -1;
    s->n_api = o->n_api > 0 ? o->n_api : 1;
    s->api_socket = o->api_socket;
    s->http_port = harness_free_port();
    for (int i = 0; i < s->n_api; i++)
        s->api_ports[i] = harness_free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->http_port);
    env_add(s, "DOCPROC_REDIS_PORT=%d", s->redis_port);
    env_add(s, "DOCPROC_REDIS_HOST=127.0.0.1");
    env_add(s, "DOCPROC_LISTEN_ADDR=127.0.0.1");
    env_add(s, "DOCPROC_LOG_LEVEL=debug");
    env_add(s, "OMP_THREAD_LIMIT=1");
    if (o->acl) {
        /* the same generator as make run; docproc-admin (stack_run) logs in as its user */
        char cmd[1024];
        s->acl = 1;
        snprintf(cmd, sizeof cmd, "%s/config/redis-acl.sh %s/redis-auth", s->src, s->dir);
        if (system(cmd) != 0)
            goto fail;
        env_add(s, "DOCPROC_REDIS_USER=docproc-admin");
        env_add(s, "DOCPROC_REDIS_PASSWORD_FILE=%s/redis-auth/docproc-admin.pass", s->dir);
        /* used only with sentinel_master: Sentinels of a locked stack require it */
        env_add(s, "DOCPROC_SENTINEL_PASSWORD_FILE=%s/redis-auth/sentinels.pass", s->dir);
    }
    if (o->redis_socket)
        env_add(s, "DOCPROC_REDIS_SOCKET=%s/redis/redis.sock", s->dir);
    for (int i = 0; o->env && o->env[i]; i++)
        env_add(s, "%s", o->env[i]);
    if (stack_start_redis(s))
        goto fail;
    if (o->after_redis && o->after_redis(s, o->after_redis_arg))
        goto fail;
    for (int i = 0; i < s->n_api; i++)
        if (stack_start_api(s, i))
            goto fail;
    if (start_nginx(s))
        goto fail;
    int workers = o->workers ? o->workers : 1;
    if (o->workers >= 0 && workers > 0 && stack_start_worker(s, workers, NULL))
        goto fail;
    if (o->webhookd && stack_start_webhookd(s))
        goto fail;
    char out[128];
    if (stack_run(s, out, sizeof out, "docproc-admin", "key", "create", "--tenant", "alpha",
                  NULL) != 0)
        goto fail;
    snprintf(s->key, sizeof s->key, "%.*s", (int)strcspn(out, "\n"), out);
    if (stack_run(s, out, sizeof out, "docproc-admin", "key", "create", "--tenant", "beta", NULL) !=
        0)
        goto fail;
    snprintf(s->key2, sizeof s->key2, "%.*s", (int)strcspn(out, "\n"), out);
    return 0;
fail:
    fprintf(stderr, "harness: stack did not start; logs in %s\n", s->dir);
    stack_stop(s);
    return -1;
}

/* Copies sanitizer reports from the stack's logs (API, worker, webhookd, under SANITIZE=...)
 * to $DOCPROC_SAN_REPORT, which the runner checks at the end: a leak or error reported by a
 * server at exit fails the run although no request saw it. */
static void collect_sanitizer_reports(const struct stack *s)
{
    const char *out = getenv("DOCPROC_SAN_REPORT");
    if (!out || !*out || !s->dir[0])
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "grep -l -E '(ERROR|WARNING): (Address|Leak|Thread)Sanitizer|runtime error:' "
             "%s/*.log 2>/dev/null | "
             "while read f; do echo \"== $f\"; cat \"$f\"; done >> %s",
             s->dir, out);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: could not scan %s for sanitizer reports\n", s->dir);
}

void stack_stop(struct stack *s)
{
    stack_kill(&s->worker, SIGTERM);
    stack_kill(&s->webhookd, SIGTERM);
    stack_kill(&s->nginx, SIGTERM);
    for (int i = 0; i < s->n_api; i++)
        stack_kill(&s->api[i], SIGTERM);
    stack_kill(&s->redis, SIGTERM);
    for (int i = 0; i < s->n_extra; i++)
        stack_kill(&s->extra[i], SIGTERM);
    if (s->pgid) { /* anything left, e.g. worker children whose supervisor was killed */
        kill(-s->pgid, SIGKILL);
        harness_untrack_group(s->pgid);
        s->pgid = 0;
    }
    for (int i = 0; i < s->nenv; i++)
        free(s->env[i]);
    s->nenv = 0;
    collect_sanitizer_reports(s);
    if (s->dir[0] && !getenv("DOCPROC_KEEP_TEST_DIRS")) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "harness: could not remove %s\n", s->dir);
    }
}

const char *harness_proc_stat(pid_t pid, char *buf, size_t bufsz)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t got = fread(buf, 1, bufsz - 1, f);
    fclose(f);
    buf[got] = '\0';
    const char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' ? rp + 2 : NULL;
}

double harness_proc_cpu_part_s(pid_t pid, int own)
{
    char buf[1024];
    unsigned long ut = 0, st = 0;
    long cut = 0, cst = 0;
    const char *rest = harness_proc_stat(pid, buf, sizeof buf);
    /* after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
     * utime stime cutime cstime (the last two: children it reaped, e.g. decode children) */
    if (!rest || sscanf(rest, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", &ut,
                        &st, &cut, &cst) != 4)
        return 0;
    return (own ? (double)(ut + st) : (double)(cut + cst)) / (double)sysconf(_SC_CLK_TCK);
}

double harness_proc_cpu_s(pid_t pid)
{
    return harness_proc_cpu_part_s(pid, 1) + harness_proc_cpu_part_s(pid, 0);
}

int stack_worker_children(const struct stack *s, pid_t *out, int max)
{
    char buf[512];
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < max) {
        pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
        if (pid <= 0)
            continue;
        const char *rest = harness_proc_stat(pid, buf, sizeof buf);
        int ppid = 0;
        char state;
        if (rest && sscanf(rest, "%c %d", &state, &ppid) == 2 && ppid == s->worker && state != 'Z')
            out[n++] = pid;
    }
    if (d)
        closedir(d);
    return n;
}
