/* rds.c -- Redis connections and helpers. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rds.h"

static redisContext *connect_addr(const char *host, int port, int timeout_ms)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    redisContext *c = redisConnectWithTimeout(host, port, tv);
    if (c && !c->err)
        redisSetTimeout(c, tv);
    return c;
}

/* Asks one sentinel for the master's address. */
static int sentinel_master(const char *sentinel, const char *name, int timeout_ms, char *host,
                           size_t hostsz, int *port)
{
    char shost[CONFIG_STR_MAX];
    const char *colon = strrchr(sentinel, ':');
    if (!colon || (size_t)(colon - sentinel) >= sizeof shost)
        return -1;
    memcpy(shost, sentinel, (size_t)(colon - sentinel));
    shost[colon - sentinel] = '\0';
    int sport = (int)strtol(colon + 1, NULL, 10);
    redisContext *s = connect_addr(shost, sport, timeout_ms);
    int rc = -1;
    if (s && !s->err) {
        redisReply *r = redisCommand(s, "SENTINEL get-master-addr-by-name %s", name);
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
            snprintf(host, hostsz, "%s", r->element[0]->str);
            *port = (int)strtol(r->element[1]->str, NULL, 10);
            rc = 0;
        }
        freeReplyObject(r);
    }
    redisFree(s);
    return rc;
}

redisContext *rds_connect(const struct dp_config *cfg, char *err, size_t errsz)
{
    char host[CONFIG_STR_MAX];
    int port = (int)cfg->redis_port;
    snprintf(host, sizeof host, "%s", cfg->redis_host);
    if (cfg->sentinel_master[0]) {
        char list[CONFIG_STR_MAX], *save = NULL;
        int found = 0;
        snprintf(list, sizeof list, "%s", cfg->sentinels);
        for (char *s = strtok_r(list, ",", &save); s && !found; s = strtok_r(NULL, ",", &save))
            found = sentinel_master(s, cfg->sentinel_master, (int)cfg->redis_timeout_ms, host,
                                    sizeof host, &port) == 0;
        if (!found) {
            snprintf(err, errsz, "no sentinel of '%s' knows master '%s'", cfg->sentinels,
                     cfg->sentinel_master);
            return NULL;
        }
    }
    redisContext *c = connect_addr(host, port, (int)cfg->redis_timeout_ms);
    if (!c || c->err) {
        snprintf(err, errsz, "redis %s:%d: %s", host, port, c ? c->errstr : "out of memory");
        redisFree(c);
        return NULL;
    }
    if (cfg->sentinel_master[0]) {
        /* A sentinel may answer with a stale master during failover: confirm the role. */
        redisReply *r = redisCommand(c, "ROLE");
        int master = r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 && r->element[0]->str &&
                     strcmp(r->element[0]->str, "master") == 0;
        freeReplyObject(r);
        if (!master) {
            snprintf(err, errsz, "redis %s:%d is not a master", host, port);
            redisFree(c);
            return NULL;
        }
    }
    return c;
}

int rds_check_demoted(redisContext *c, const redisReply *r)
{
    if (!c || c->err || !r || r->type != REDIS_REPLY_ERROR || strncmp(r->str, "READONLY", 8) != 0)
        return 0;
    c->err = REDIS_ERR_OTHER;
    snprintf(c->errstr, sizeof c->errstr, "server was demoted to a replica (READONLY)");
    return 1;
}

long long rds_wait_replicas(redisContext *c, long long numreplicas, long long timeout_ms)
{
    redisReply *r = redisCommand(c, "WAIT %lld %lld", numreplicas, timeout_ms);
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return n;
}

static void script_sha(struct rds_script *s)
{
    unsigned char md[20];
    unsigned int n = 0;
    if (s->sha[0])
        return;
    EVP_Digest(s->src, strlen(s->src), md, &n, EVP_sha1(), NULL);
    for (unsigned i = 0; i < 20; i++)
        snprintf(s->sha + 2 * i, 3, "%02x", md[i]);
}

redisReply *rds_cmdv(redisContext *c, int argc, const char **argv, const size_t *lens)
{
    size_t stack_lens[64];
    if (!lens) {
        if (argc > 64)
            return NULL;
        for (int i = 0; i < argc; i++)
            stack_lens[i] = strlen(argv[i]);
        lens = stack_lens;
    }
    redisReply *r = redisCommandArgv(c, argc, argv, lens);
    rds_check_demoted(c, r);
    return r;
}

dp_err rds_eval(redisContext *c, struct rds_script *s, int nkeys, int nargs, const char **argv,
                const size_t *lens, redisReply **out, char *err, size_t errsz)
{
    enum { MAXARGS = 64 };
    const char *av[MAXARGS + 3];
    size_t al[MAXARGS + 3];
    char nk[16];
    if (nkeys + nargs > MAXARGS)
        return DP_EINVAL;
    script_sha(s);
    snprintf(nk, sizeof nk, "%d", nkeys);
    av[0] = "EVALSHA";
    av[1] = s->sha;
    av[2] = nk;
    for (int i = 0; i < nkeys + nargs; i++) {
        av[3 + i] = argv[i];
        al[3 + i] = lens ? lens[i] : strlen(argv[i]);
    }
    al[0] = 7;
    al[1] = 40;
    al[2] = strlen(nk);
    int n = 3 + nkeys + nargs;
    redisReply *r = redisCommandArgv(c, n, av, al);
    if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(r);
        av[0] = "EVAL";
        al[0] = 4;
        av[1] = s->src;
        al[1] = strlen(s->src);
        r = redisCommandArgv(c, n, av, al);
    }
    if (!r) {
        if (err)
            snprintf(err, errsz, "redis: %s", c->errstr[0] ? c->errstr : "no reply");
        return DP_EREDIS;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        rds_check_demoted(c, r);
        if (err)
            snprintf(err, errsz, "redis: %s", r->str);
        freeReplyObject(r);
        return DP_EREDIS;
    }
    *out = r;
    return DP_OK;
}

dp_err rds_eval_found(redisContext *c, struct rds_script *s, int nkeys, int nargs,
                      const char **argv)
{
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, s, nkeys, nargs, argv, NULL, &r, NULL, 0);
    if (rc)
        return rc;
    rc = r->type == REDIS_REPLY_INTEGER && r->integer == 1 ? DP_OK : DP_ENOTFOUND;
    freeReplyObject(r);
    return rc;
}

int rds_failed(const redisReply *r)
{
    return !r || r->type == REDIS_REPLY_ERROR;
}

const char *rds_str(const redisReply *r, size_t i)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || i >= r->elements)
        return NULL;
    const redisReply *e = r->element[i];
    if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS)
        return e->str;
    return NULL;
}

long long rds_int(const redisReply *r, size_t i, long long def)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || i >= r->elements)
        return def;
    const redisReply *e = r->element[i];
    if (e->type == REDIS_REPLY_INTEGER)
        return e->integer;
    if (e->type == REDIS_REPLY_STRING) {
        char *end;
        long long v = strtoll(e->str, &end, 10);
        return end != e->str ? v : def;
    }
    return def;
}

const redisReply *rds_field(const redisReply *r, const char *name)
{
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        const redisReply *k = r->element[i];
        if (k->type == REDIS_REPLY_STRING && strcmp(k->str, name) == 0)
            return r->element[i + 1];
    }
    return NULL;
}
