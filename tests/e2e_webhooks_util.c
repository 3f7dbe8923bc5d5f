/* e2e_webhooks_util.c -- process and file helpers for check_e2e_webhooks (see the header). */
#include "e2e_webhooks_util.h"
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <hiredis.h>

int wht_free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

long long wht_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void wht_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

pid_t wht_spawn(char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid > 0) {
        setpgid(pid, pid);
        harness_track_group(pid); /* killed at exit if a failed setup skips the teardown */
        return pid;
    }
    if (pid < 0)
        return pid;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execvp(argv[0], argv);
    _exit(127);
}

int wht_stop(pid_t pid, long wait_ms)
{
    int status = 0;
    if (pid <= 0)
        return -1;
    harness_untrack_group(pid);
    kill(pid, SIGTERM);
    for (long waited = 0; waited <= wait_ms; waited += 20) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0)
            return -1;
        wht_sleep_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

pid_t wht_redis_start(const char *dir, int *port)
{
    char portbuf[16], log[512];
    *port = wht_free_port();
    snprintf(portbuf, sizeof portbuf, "%d", *port);
    snprintf(log, sizeof log, "%s/redis.log", dir);
    char *argv[] = {"redis-server", "--port",      portbuf,  "--bind", "127.0.0.1",
                    "--dir",        (char *)dir,   "--save", "",       "--appendonly",
                    "no",           "--daemonize", "no",     NULL};
    pid_t pid = wht_spawn(argv, log);
    for (int i = 0; pid > 0 && i < 250; i++) {
        redisContext *c = redisConnect("127.0.0.1", *port);
        redisReply *r = c && !c->err ? redisCommand(c, "PING") : NULL;
        int ok = r && r->type == REDIS_REPLY_STATUS;
        if (r)
            freeReplyObject(r);
        if (c)
            redisFree(c);
        if (ok)
            return pid;
        wht_sleep_ms(20);
    }
    wht_stop(pid, 1000);
    return -1;
}

static const char *src_dir(void)
{
    const char *s = getenv("DOCPROC_SRC_DIR");
    return s && *s ? s : ".";
}

pid_t wht_receiver_start(const char *dir, int port, const char *secrets, const char *log,
                         int *port_out)
{
    char script[1024], setup[1024], mods[1024], portfile[512], portbuf[16], out[512];
    snprintf(script, sizeof script, "%s/tests/webhook-receiver/receiver.js", src_dir());
    snprintf(setup, sizeof setup, "%s/tests/webhook-receiver/setup.sh", src_dir());
    snprintf(mods, sizeof mods, "%s/tests/webhook-receiver/node_modules/standardwebhooks",
             src_dir());
    struct stat st;
    if (stat(mods, &st) != 0) {
        char *sargv[] = {"sh", setup, NULL};
        snprintf(out, sizeof out, "%s/npm-setup.log", dir);
        pid_t p = wht_spawn(sargv, out);
        int status = 0;
        if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return -1;
    }
    static int seq;
    snprintf(portfile, sizeof portfile, "%s/receiver-%d.port", dir, ++seq);
    snprintf(portbuf, sizeof portbuf, "%d", port);
    snprintf(out, sizeof out, "%s/receiver.out", dir);
    char *argv[] = {"node",      script,          "--port", portbuf,     "--port-file", portfile,
                    "--secrets", (char *)secrets, "--log",  (char *)log, NULL};
    pid_t pid = wht_spawn(argv, out);
    for (int i = 0; pid > 0 && i < 500; i++) { /* node starts in well under 10 s */
        FILE *f = fopen(portfile, "r");
        if (f) {
            char buf[16] = "";
            char *got = fgets(buf, sizeof buf, f);
            fclose(f);
            long v = got ? strtol(buf, NULL, 10) : 0;
            if (v > 0) {
                *port_out = (int)v;
                return pid;
            }
        }
        wht_sleep_ms(20);
    }
    wht_stop(pid, 1000);
    return -1;
}

pid_t wht_webhookd_start(const char *dir, int redis_port, int allow_private)
{
    char bin[1024], portbuf[16], log[512];
    const char *bindir = getenv("DOCPROC_BIN_DIR");
    snprintf(bin, sizeof bin, "%s/docproc-webhookd", bindir && *bindir ? bindir : "build");
    snprintf(portbuf, sizeof portbuf, "%d", redis_port);
    snprintf(log, sizeof log, "%s/webhookd.log", dir);
    char *argv[] = {bin,
                    "--redis-host=127.0.0.1",
                    "--redis-port",
                    portbuf,
                    "--webhook-retry-schedule=0,1,2",
                    "--webhook-timeout-ms=2000",
                    "--webhook-claim-idle-ms=1000",
                    allow_private ? "--webhook-allow-private=1" : "--webhook-allow-private=0",
                    NULL};
    return wht_spawn(argv, log);
}

cJSON *wht_lines(const char *log, const char *name)
{
    cJSON *arr = cJSON_CreateArray();
    FILE *f = fopen(log, "r");
    char line[64 * 1024];
    while (f && fgets(line, sizeof line, f)) {
        cJSON *o = cJSON_Parse(line);
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            cJSON_AddItemToArray(arr, o);
        else
            cJSON_Delete(o);
    }
    if (f)
        fclose(f);
    return arr;
}

cJSON *wht_wait_lines(const char *log, const char *name, int count, long timeout_ms)
{
    long long end = wht_now_ms() + timeout_ms;
    for (;;) {
        cJSON *arr = wht_lines(log, name);
        if (cJSON_GetArraySize(arr) >= count || wht_now_ms() >= end)
            return arr;
        cJSON_Delete(arr);
        wht_sleep_ms(50);
    }
}

int wht_write_secrets(const char *path, const cJSON *secrets)
{
    char tmp[600];
    char *text = cJSON_PrintUnformatted(secrets);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = text ? fopen(tmp, "w") : NULL;
    int rc = -1;
    if (f) {
        rc = fputs(text, f) < 0 ? -1 : 0;
        rc |= fclose(f);
        if (rc == 0)
            rc = rename(tmp, path);
    }
    cJSON_free(text);
    return rc;
}

void wht_rmtree(const char *dir)
{
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    pid_t pid = wht_spawn(argv, "/dev/null");
    if (pid > 0)
        waitpid(pid, NULL, 0);
}
