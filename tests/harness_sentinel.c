/* harness_sentinel.c -- replicas and sentinels for failover tests (see harness_sentinel.h). */
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int stack_start_sentinel(struct stack *s, int port, const char *name)
{
    char dir[192], conf[256], log[48];
    snprintf(dir, sizeof dir, "%s/sentinel-%d", s->dir, port);
    snprintf(conf, sizeof conf, "%s/sentinel.conf", dir);
    snprintf(log, sizeof log, "sentinel-%d.log", port);
    mkdir(dir, 0755);
    FILE *f = fopen(conf, "w"); /* Sentinel rewrites this file: it must be its own and writable */
    if (!f)
        return -1;
    fprintf(f,
            "bind 127.0.0.1\nport %d\ndaemonize no\ndir %s\n"
            "sentinel resolve-hostnames no\n"
            "sentinel monitor %s 127.0.0.1 %d 1\n"
            "sentinel down-after-milliseconds %s 1000\n"
            "sentinel failover-timeout %s 5000\n"
            "sentinel parallel-syncs %s 1\n",
            port, dir, name, s->redis_port, name, name, name);
    if (fclose(f) != 0)
        return -1;
    char *argv[] = {"redis-server", conf, "--sentinel", NULL};
    if (add_extra(s, stack_spawn(s, log, argv)))
        return -1;
    return harness_wait_port(port, 10000);
}

int sentinel_master_port(int sentinel_port, const char *name)
{
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", sentinel_port, tv);
    int port = -1;
    if (c && !c->err) {
        redisReply *r = redisCommand(c, "SENTINEL get-master-addr-by-name %s", name);
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
            r->element[1]->type == REDIS_REPLY_STRING)
            port = (int)strtol(r->element[1]->str, NULL, 10);
        freeReplyObject(r);
    }
    redisFree(c);
    return port;
}

const char *redis_role(int port, char *buf, size_t bufsz)
{
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    buf[0] = '\0';
    if (c && !c->err) {
        redisReply *r = redisCommand(c, "ROLE");
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
            r->element[0]->type == REDIS_REPLY_STRING)
            snprintf(buf, bufsz, "%s", r->element[0]->str);
        freeReplyObject(r);
    }
    redisFree(c);
    return buf;
}
