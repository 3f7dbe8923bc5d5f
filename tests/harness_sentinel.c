/* harness_sentinel.c -- replicas and sentinels for failover tests (see harness_sentinel.h). */
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness_sentinel.h"

static int add_extra(struct stack *s, pid_t pid)
{
    if (pid <= 0 || s->n_extra >= STACK_MAX_EXTRA) {
        stack_kill(&pid, SIGKILL);
        return -1;
    }
    s->extra[s->n_extra++] = pid;
    return 0;
}

int stack_start_replica(struct stack *s, int port)
{
    char mport[16], dir[48], log[48];
    snprintf(mport, sizeof mport, "%d", s->redis_port);
    snprintf(dir, sizeof dir, "replica-%d", port);
    snprintf(log, sizeof log, "replica-%d.log", port);
    const char *const extra[] = {"--replicaof", "127.0.0.1", mport, NULL};
    if (add_extra(s, stack_spawn_redis(s, port, dir, log, extra)))
        return -1;
    return harness_wait_port(port, 10000);
}

/* The first line of <dir>/redis-auth/<name>.pass into out ("" when there is none). */
static void pass_of(const struct stack *s, const char *name, char *out, size_t outsz)
{
    char path[256];
    snprintf(path, sizeof path, "%s/redis-auth/%s.pass", s->dir, name);
    FILE *f = fopen(path, "r");
    out[0] = '\0';
    if (f && !fgets(out, (int)outsz, f))
        out[0] = '\0';
    if (f)
        fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

int stack_start_sentinel(struct stack *s, int port, const char *name)
{
    char dir[192], conf[256], log[48];
    snprintf(dir, sizeof dir, "%s/sentinel-%d", s->dir, port);
    snprintf(conf, sizeof conf, "%s/sentinel.conf", dir);
    snprintf(log, sizeof log, "sentinel-%d.log", port);
    mkdir(dir, 0755);
    /* Sentinel rewrites this file: it must be its own and writable; it holds passwords */
    int fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f,
            "bind 127.0.0.1\nport %d\ndaemonize no\ndir %s\n"
            "sentinel resolve-hostnames no\n"
            "sentinel monitor %s 127.0.0.1 %d 1\n"
            "sentinel down-after-milliseconds %s 1000\n"
            "sentinel failover-timeout %s 5000\n"
            "sentinel parallel-syncs %s 1\n",
            port, dir, name, s->redis_port, name, name, name);
    if (s->acl)
        stack_sentinel_auth(s, f, name);
    if (fclose(f) != 0)
        return -1;
    char *argv[] = {"redis-server", conf, "--sentinel", NULL};
    if (add_extra(s, stack_spawn(s, log, argv)))
        return -1;
    return harness_wait_port(port, 10000);
}

void stack_sentinel_auth(const struct stack *s, FILE *f, const char *name)
{
    char pass[128];
    pass_of(s, "docproc-sentinel", pass, sizeof pass);
    fprintf(f, "sentinel auth-user %s docproc-sentinel\nsentinel auth-pass %s %s\n", name, name,
            pass);
    pass_of(s, "sentinels", pass, sizeof pass);
    fprintf(f, "requirepass %s\n", pass);
    explicit_bzero(pass, sizeof pass);
}

redisContext *stack_sentinel_as(const struct stack *s, const char *addr, int port)
{
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout(addr, port, tv);
    if (!c || c->err) {
        redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    if (s && s->acl) {
        char pass[128];
        pass_of(s, "sentinels", pass, sizeof pass);
        redisReply *r = redisCommand(c, "AUTH %s", pass);
        explicit_bzero(pass, sizeof pass);
        int ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        if (!ok) {
            redisFree(c);
            return NULL;
        }
    }
    return c;
}

int sentinel_master_port(const struct stack *s, int sentinel_port, const char *name)
{
    redisContext *c = stack_sentinel_as(s, "127.0.0.1", sentinel_port);
    int port = -1;
    if (c) {
        redisReply *r = redisCommand(c, "SENTINEL get-master-addr-by-name %s", name);
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
            r->element[1]->type == REDIS_REPLY_STRING)
            port = (int)strtol(r->element[1]->str, NULL, 10);
        freeReplyObject(r);
    }
    redisFree(c);
    return port;
}

const char *redis_role(const struct stack *s, int port, char *buf, size_t bufsz)
{
    redisContext *c = stack_redis_as(s, port, s->acl ? "docproc-sentinel" : NULL);
    buf[0] = '\0';
    if (c) {
        redisReply *r = redisCommand(c, "ROLE");
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
            r->element[0]->type == REDIS_REPLY_STRING)
            snprintf(buf, bufsz, "%s", r->element[0]->str);
        freeReplyObject(r);
    }
    redisFree(c);
    return buf;
}
