/* harness_cluster.c -- the hosts of e2e_cluster (see harness_cluster.h). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "harness_cluster.h"
#include "harness_sentinel.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static char *envdup(const char *fmt, const char *a)
{
    char buf[512];
    snprintf(buf, sizeof buf, fmt, a);
    return strdup(buf);
}

/* Runs argv inside host h's namespace; pid (its log is dir/<log>). */
static pid_t on_host(struct cluster *c, int h, const char *log, const char *const *argv)
{
    char *av[40] = {"ip", "netns", "exec", c->lab.ns[h]};
    int n = 4;
    for (int i = 0; argv[i]; i++) {
        if (n == 39) /* a cut argument list would start the program wrongly */
            return -1;
        av[n++] = (char *)argv[i];
    }
    av[n] = NULL;
    return stack_spawn(&c->s, log, av);
}

static int tcp_up(const char *addr, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static int wait_tcp(const char *addr, int port, int ms)
{
    for (int t = 0; t < ms; t += 50, msleep(50))
        if (tcp_up(addr, port))
            return 0;
    return -1;
}

redisContext *cluster_redis_as(struct cluster *c, const char *addr, int port, const char *user)
{
    struct timeval tv = {1, 0};
    redisContext *r = redisConnectWithTimeout(addr, port, tv);
    if (r && r->err) {
        redisFree(r);
        return NULL;
    }
    if (!r)
        return NULL;
    redisSetTimeout(r, tv);
    if (user) {
        char path[256], pass[128] = "";
        snprintf(path, sizeof path, "%s/redis-auth/%s.pass", c->s.dir, user);
        FILE *f = fopen(path, "r");
        if (f && !fgets(pass, sizeof pass, f))
            pass[0] = '\0';
        if (f)
            fclose(f);
        pass[strcspn(pass, "\n")] = '\0';
        redisReply *a = redisCommand(r, "AUTH %s %s", user, pass);
        int ok = a && a->type == REDIS_REPLY_STATUS;
        freeReplyObject(a);
        if (!ok) {
            redisFree(r);
            return NULL;
        }
    }
    return r;
}

const char *cluster_sentinel_master(struct cluster *c, int h, char *out, size_t outsz)
{
    out[0] = '\0';
    redisContext *r = stack_sentinel_as(&c->s, c->lab.addr[h], SENTINEL_PORT);
    redisReply *rep = r ? redisCommand(r, "SENTINEL get-master-addr-by-name %s", MASTER) : NULL;
    if (rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2)
        snprintf(out, outsz, "%s", rep->element[0]->str);
    freeReplyObject(rep);
    if (r)
        redisFree(r);
    return out;
}

/* INFO and the like, as docproc-api (which may run INFO). */
static int redis_cmd_int(struct cluster *c, const char *addr, const char *cmd, const char *needle)
{
    redisContext *r = cluster_redis_as(c, addr, REDIS_PORT, "docproc-api");
    redisReply *rep = r ? redisCommand(r, cmd) : NULL;
    int ok = rep && rep->type == REDIS_REPLY_STRING && strstr(rep->str, needle) != NULL;
    freeReplyObject(rep);
    if (r)
        redisFree(r);
    return ok;
}

int cluster_start_redis(struct cluster *c, int i)
{
    char dir[256], log[32];
    snprintf(dir, sizeof dir, "%s/redis%d", c->s.dir, i);
    snprintf(log, sizeof log, "redis%d.log", i);
    if (!c->redis_args[i][0][0]) {
        char mk[300];
        snprintf(mk, sizeof mk, "mkdir -p %s", dir);
        if (system(mk) != 0)
            return -1;
    }
    char conf[300];
    if (stack_redis_conf(&c->s, dir, conf, sizeof conf))
        return -1;
    const char *argv[24] = {"redis-server",
                            conf,
                            "--bind",
                            c->lab.addr[H_REDIS1 + i],
                            "--port",
                            "6379",
                            "--protected-mode",
                            "no",
                            "--dir",
                            dir,
                            "--appendonly",
                            "yes",
                            "--appendfsync",
                            "everysec",
                            "--save",
                            "",
                            "--rdbcompression", /* as make run: see config/run.sh */
                            "no",
                            NULL};
    int n = 18;
    if (i == 1) {
        argv[n++] = "--replicaof";
        argv[n++] = c->lab.addr[H_REDIS1];
        argv[n++] = "6379";
        argv[n] = NULL;
    }
    c->redis_args[i][0][0] = 1;
    c->redis[i] = on_host(c, H_REDIS1 + i, log, argv);
    return wait_tcp(c->lab.addr[H_REDIS1 + i], REDIS_PORT, 10000);
}

static int start_sentinel(struct cluster *c, int h)
{
    char dir[256], conf[300], log[32];
    snprintf(dir, sizeof dir, "%s/sentinel%d", c->s.dir, h);
    snprintf(conf, sizeof conf, "%s/sentinel.conf", dir);
    snprintf(log, sizeof log, "sentinel%d.log", h);
    char mk[300];
    snprintf(mk, sizeof mk, "mkdir -p %s", dir);
    /* the Sentinel's own file (it rewrites it), with passwords: 0600 */
    int fd = system(mk) == 0 ? open(conf, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f,
            "port %d\nbind %s\nprotected-mode no\ndir %s\n"
            "sentinel monitor %s %s %d 2\nsentinel down-after-milliseconds %s 1000\n"
            "sentinel failover-timeout %s 5000\nsentinel parallel-syncs %s 1\n",
            SENTINEL_PORT, c->lab.addr[h], dir, MASTER, c->lab.addr[H_REDIS1], REDIS_PORT, MASTER,
            MASTER, MASTER);
    stack_sentinel_auth(&c->s, f, MASTER);
    if (fclose(f) != 0)
        return -1;
    const char *argv[] = {"redis-server", conf, "--sentinel", NULL};
    if (on_host(c, h, log, argv) <= 0)
        return -1;
    return wait_tcp(c->lab.addr[h], SENTINEL_PORT, 10000);
}

static int start_api_host(struct cluster *c, int k)
{
    char bin[600], port[2][32], addr[64], log[32];
    snprintf(bin, sizeof bin, "%s/docproc-api", c->s.bin);
    snprintf(addr, sizeof addr, "--listen_addr=%s", c->lab.addr[H_API1 + k]);
    for (int p = 0; p < 2; p++) {
        snprintf(port[p], sizeof port[p], "--api_port=%d", API_PORT + p);
        snprintf(log, sizeof log, "api%d-%d.log", k, p);
        char creds[3][256];
        const char *argv[8] = {bin, addr, port[p]};
        stack_creds_args(&c->s, "api", creds, (char **)argv + 3);
        c->api[k][p] = on_host(c, H_API1 + k, log, argv);
        if (wait_tcp(c->lab.addr[H_API1 + k], API_PORT + p, 15000))
            return -1;
    }
    return 0;
}

int cluster_start_worker_host(struct cluster *c, int k)
{
    char bin[600], log[32];
    snprintf(bin, sizeof bin, "%s/docproc-worker", c->s.bin);
    snprintf(log, sizeof log, "worker%d.log", k);
    char creds[3][256];
    const char *argv[8] = {bin, "-j", "1"};
    stack_creds_args(&c->s, "worker", creds, (char **)argv + 3);
    c->worker[k] = on_host(c, H_W1 + k, log, argv);
    return c->worker[k] > 0 ? 0 : -1;
}

static int start_nginx(struct cluster *c)
{
    char cmd[2048], conf[256], prefix[200];
    snprintf(prefix, sizeof prefix, "%s/nginx", c->s.dir);
    snprintf(conf, sizeof conf, "%s/nginx.conf", prefix);
    const char *a1 = c->lab.addr[H_API1], *a2 = c->lab.addr[H_API2];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/tmp && %s/nginx/gen-conf.sh %s %s %d %s/web 52428800 %s:%d %s:%d "
             "%s:%d %s:%d > %s",
             prefix, c->s.src, prefix, c->lab.addr[H_NGINX], HTTP_PORT, c->s.src, a1, API_PORT, a2,
             API_PORT, a1, API_PORT + 1, a2, API_PORT + 1, conf);
    if (system(cmd) != 0)
        return -1;
    const char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-e", "stderr", NULL};
    c->nginx = on_host(c, H_NGINX, "nginx.log", argv);
    return wait_tcp(c->lab.addr[H_NGINX], HTTP_PORT, 10000);
}

int cluster_start(struct cluster *c)
{
    memset(c, 0, sizeof *c);
    if (netlab_create(&c->lab, N_HOSTS))
        return -1;
    struct stack *s = &c->s;
    const char *bin = getenv("DOCPROC_BIN_DIR"), *src = getenv("DOCPROC_SRC_DIR");
    snprintf(s->bin, sizeof s->bin, "%s", bin ? bin : "build");
    snprintf(s->src, sizeof s->src, "%s", src ? src : ".");
    snprintf(s->dir, sizeof s->dir, "/tmp/docproc-cluster-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->base, sizeof s->base, "http://%s:%d", c->lab.addr[H_NGINX], HTTP_PORT);
    /* Locked: the users and passwords of make run (per program: stack_creds_args); what runs
     * without its own user (docproc-admin from here) logs in as docproc-admin. */
    char gen[1200];
    snprintf(gen, sizeof gen, "%s/config/redis-acl.sh %s/redis-auth", s->src, s->dir);
    if (system(gen) != 0)
        return -1;
    s->acl = 1;
    s->env[s->nenv++] = envdup("DOCPROC_REDIS_USER=%s", "docproc-admin");
    s->env[s->nenv++] =
        envdup("DOCPROC_REDIS_PASSWORD_FILE=%s/redis-auth/docproc-admin.pass", s->dir);
    s->env[s->nenv++] =
        envdup("DOCPROC_SENTINEL_PASSWORD_FILE=%s/redis-auth/sentinels.pass", s->dir);
    char sentinels[160];
    snprintf(sentinels, sizeof sentinels, "DOCPROC_SENTINELS=%s:%d,%s:%d,%s:%d",
             c->lab.addr[H_SENT1], SENTINEL_PORT, c->lab.addr[H_SENT2], SENTINEL_PORT,
             c->lab.addr[H_SENT3], SENTINEL_PORT);
    s->env[s->nenv++] = strdup(sentinels);
    s->env[s->nenv++] = strdup("DOCPROC_SENTINEL_MASTER=" MASTER);
    /* A Redis address nobody serves: only the sentinels' answer leads anywhere. */
    s->env[s->nenv++] = envdup("DOCPROC_REDIS_HOST=%s", "198.18.255.254");
    s->env[s->nenv++] = strdup("DOCPROC_REDIS_WAIT_REPLICAS=1");
    s->env[s->nenv++] = strdup("DOCPROC_REDIS_WAIT_TIMEOUT_MS=500");
    s->env[s->nenv++] = strdup("DOCPROC_REDIS_TIMEOUT_MS=1000");
    s->env[s->nenv++] = strdup("DOCPROC_VISIBILITY_TIMEOUT_MS=4000");
    s->env[s->nenv++] = strdup("DOCPROC_MAX_ATTEMPTS=10");
    s->env[s->nenv++] = strdup("DOCPROC_WEBHOOK_ALLOW_PRIVATE=1");
    s->env[s->nenv++] = strdup("DOCPROC_WEBHOOK_RETRY_SCHEDULE=0,1,1,1,1");
    s->env[s->nenv++] = strdup("DOCPROC_LOG_LEVEL=info");
    s->env[s->nenv++] = strdup("OMP_THREAD_LIMIT=1");
    s->env[s->nenv] = NULL;
    if (cluster_start_redis(c, 0) || cluster_start_redis(c, 1))
        goto fail;
    for (int t = 0; !redis_cmd_int(c, c->lab.addr[H_REDIS1], "INFO replication", "state=online");
         t++) {
        if (t > 200)
            goto fail;
        msleep(50);
    }
    for (int h = H_SENT1; h <= H_SENT3; h++)
        if (start_sentinel(c, h))
            goto fail;
    if (start_api_host(c, 0) || start_api_host(c, 1) || start_nginx(c))
        goto fail;
    char hbin[600], log[16] = "webhookd.log";
    snprintf(hbin, sizeof hbin, "%s/docproc-webhookd", s->bin);
    char creds[3][256];
    const char *hargv[8] = {hbin};
    stack_creds_args(s, "webhookd", creds, (char **)hargv + 1);
    c->hookd = on_host(c, H_HOOKD, log, hargv);
    /* The admin CLI runs here, in the test's namespace: it too finds Redis by the sentinels. */
    char out[128];
    if (stack_run(s, out, sizeof out, "docproc-admin", "key", "create", "--tenant", "alpha",
                  NULL) != 0)
        goto fail;
    snprintf(s->key, sizeof s->key, "%.*s", (int)strcspn(out, "\n"), out);
    return 0;
fail:
    fprintf(stderr, "cluster: did not start; logs in %s\n", s->dir);
    return -1;
}

void cluster_stop(struct cluster *c)
{
    if (c->s.pgid) { /* everything runs in one process group: end it, then the namespaces */
        kill(-c->s.pgid, SIGTERM);
        msleep(500);
    }
    stack_stop(&c->s);
    netlab_destroy(&c->lab);
}

/* ---- the client side ---- */
