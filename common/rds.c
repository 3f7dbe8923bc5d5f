/* rds.c -- Redis connections, command runners, scripts and reply helpers (see rds.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rds.h"
#include "util.h"

/* ---- LOADING: retry shortly ---- */

int rds_loading(const redisReply *r)
{
    return r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "LOADING", 7) == 0;
}

/* Sleeps before the next try of a command that met LOADING: 20 ms doubling up to 500 ms.
 * Returns 0 once RDS_LOADING_WAIT_MS have passed since *start_ms (0 = first call: now). */
static int loading_wait(int64_t *start_ms, int *tries)
{
    int64_t now = util_mono_ms();
    if (*start_ms == 0)
        *start_ms = now;
    if (now - *start_ms >= RDS_LOADING_WAIT_MS)
        return 0;
    long ms = *tries >= 5 ? 500 : 20L << *tries;
    (*tries)++;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return 1;
}

/* ---- connecting ---- */

/* host:port over TCP, or the Unix socket path when it is not NULL. */
static redisContext *connect_addr(const char *host, int port, const char *path, int timeout_ms)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    redisContext *c =
        path ? redisConnectUnixWithTimeout(path, tv) : redisConnectWithTimeout(host, port, tv);
    if (c && !c->err)
        redisSetTimeout(c, tv);
    return c;
}

/* ---- authentication ---- */

/* The password to AUTH with: password, else the first line of file, else "" (no AUTH). -1 with
 * a message in err (naming option, the file's option) when the file cannot be read or the line
 * is empty or does not fit. */
static int password_of(const char *password, const char *file, const char *option, char *out,
                       size_t outsz, char *err, size_t errsz)
{
    out[0] = '\0';
    if (password[0]) {
        snprintf(out, outsz, "%s", password);
        return 0;
    }
    if (!file[0])
        return 0;
    FILE *f = fopen(file, "r");
    if (!f) {
        snprintf(err, errsz, "%s %s: cannot open it", option, file);
        return -1;
    }
    size_t n = fread(out, 1, outsz - 1, f);
    fclose(f);
    out[n] = '\0';
    size_t len = strcspn(out, "\r\n");
    if (len == 0 || len == outsz - 1) {
        snprintf(err, errsz, "%s %s: no password on its first line (or longer than %zu bytes)",
                 option, file, outsz - 2);
        explicit_bzero(out, outsz);
        return -1;
    }
    out[len] = '\0';
    return 0;
}

static int auth_password(const struct dp_config *cfg, char *out, size_t outsz, char *err,
                         size_t errsz)
{
    return password_of(cfg->redis_password, cfg->redis_password_file, "redis_password_file", out,
                       outsz, err, errsz);
}

/* AUTH [user] password on c: 0 on OK, -1 with the server's answer in err. */
static int auth(redisContext *c, const char *user, const char *password, const char *host, int port,
                char *err, size_t errsz)
{
    const char *argv[3] = {"AUTH", user, password};
    int argc = 3;
    if (!user || !user[0]) {
        argv[1] = password;
        argc = 2;
    }
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    int ok = r && r->type == REDIS_REPLY_STATUS;
    if (!ok)
        snprintf(err, errsz, "redis %s:%d: AUTH%s%s: %s", host, port, argc == 3 ? " as " : "",
                 argc == 3 ? user : "",
                 r && r->type == REDIS_REPLY_ERROR ? r->str
                 : c->errstr[0]                    ? c->errstr
                                                   : "no reply");
    freeReplyObject(r);
    return ok ? 0 : -1;
}

/* Asks one sentinel for the master's address (after AUTH with password when not ""). -1 with
 * why in err when it cannot tell. */
static int sentinel_master(const char *sentinel, const char *name, const char *password,
                           int timeout_ms, char *host, size_t hostsz, int *port, char *err,
                           size_t errsz)
{
    char shost[CONFIG_STR_MAX];
    const char *colon = strrchr(sentinel, ':');
    if (!colon || (size_t)(colon - sentinel) >= sizeof shost) {
        snprintf(err, errsz, "sentinel '%s': not host:port", sentinel);
        return -1;
    }
    memcpy(shost, sentinel, (size_t)(colon - sentinel));
    shost[colon - sentinel] = '\0';
    int sport = (int)strtol(colon + 1, NULL, 10);
    redisContext *s = connect_addr(shost, sport, NULL, timeout_ms);
    int rc = -1;
    if (!s || s->err) {
        snprintf(err, errsz, "sentinel %s: %s", sentinel, s ? s->errstr : "out of memory");
    } else if (!password[0] || auth(s, NULL, password, shost, sport, err, errsz) == 0) {
        redisReply *r = redisCommand(s, "SENTINEL get-master-addr-by-name %s", name);
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
            snprintf(host, hostsz, "%s", r->element[0]->str);
            *port = (int)strtol(r->element[1]->str, NULL, 10);
            rc = 0;
        } else {
            snprintf(err, errsz, "sentinel %s: %s", sentinel,
                     r && r->type == REDIS_REPLY_ERROR ? r->str : "does not know the master");
        }
        freeReplyObject(r);
    }
    redisFree(s);
    return rc;
}

/* PING until the server has loaded its data: 0 on PONG, -1 (message in err) otherwise. */
static int wait_loaded(redisContext *c, const char *host, int port, char *err, size_t errsz)
{
    int64_t start = 0;
    int tries = 0;
    for (;;) {
        redisReply *r = redisCommand(c, "PING");
        int loading = rds_loading(r);
        if (r && !rds_failed(r)) {
            freeReplyObject(r);
            return 0;
        }
        snprintf(err, errsz, "redis %s:%d: %s", host, port,
                 r              ? r->str
                 : c->errstr[0] ? c->errstr
                                : "no reply");
        freeReplyObject(r);
        if (!loading || !loading_wait(&start, &tries))
            return -1;
    }
}

redisContext *rds_connect(const struct dp_config *cfg, char *err, size_t errsz)
{
    char host[CONFIG_STR_MAX];
    int port = (int)cfg->redis_port;
    snprintf(host, sizeof host, "%s", cfg->redis_host);
    if (cfg->sentinel_master[0]) {
        char list[CONFIG_STR_MAX], *save = NULL, why[256] = "", spass[CONFIG_STR_MAX];
        int found = 0;
        if (password_of(cfg->sentinel_password, cfg->sentinel_password_file,
                        "sentinel_password_file", spass, sizeof spass, err, errsz) != 0)
            return NULL;
        snprintf(list, sizeof list, "%s", cfg->sentinels);
        for (char *s = strtok_r(list, ",", &save); s && !found; s = strtok_r(NULL, ",", &save))
            found = sentinel_master(s, cfg->sentinel_master, spass, (int)cfg->redis_timeout_ms,
                                    host, sizeof host, &port, why, sizeof why) == 0;
        explicit_bzero(spass, sizeof spass);
        if (!found) {
            snprintf(err, errsz, "no sentinel of '%s' knows master '%s' (last: %s)", cfg->sentinels,
                     cfg->sentinel_master, why);
            return NULL;
        }
    }
    /* A local Redis's Unix socket: the same server, less kernel work per command. Sentinel
     * names a master by address, so its answer is always reached over TCP. */
    const char *path = cfg->redis_socket[0] && !cfg->sentinel_master[0] ? cfg->redis_socket : NULL;
    redisContext *c = connect_addr(host, port, path, (int)cfg->redis_timeout_ms);
    if (!c || c->err) {
        if (path)
            snprintf(err, errsz, "redis %s: %s", path, c ? c->errstr : "out of memory");
        else
            snprintf(err, errsz, "redis %s:%d: %s", host, port, c ? c->errstr : "out of memory");
        redisFree(c);
        return NULL;
    }
    /* AUTH before anything else: a locked Redis answers every other command NOAUTH. AUTH is
     * served while Redis loads its data, so it comes before the wait below. */
    char password[CONFIG_STR_MAX];
    if (auth_password(cfg, password, sizeof password, err, errsz) != 0 ||
        (password[0] && auth(c, cfg->redis_user, password, host, port, err, errsz) != 0)) {
        explicit_bzero(password, sizeof password);
        redisFree(c);
        return NULL;
    }
    explicit_bzero(password, sizeof password);
    if (wait_loaded(c, host, port, err, errsz) != 0) {
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

/* ---- failover ---- */

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
    redisReply *r = rds_command(c, "WAIT %lld %lld", numreplicas, timeout_ms);
    long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return n;
}

/* ---- running commands ---- */

redisReply *rds_command(redisContext *c, const char *fmt, ...)
{
    int64_t start = 0;
    int tries = 0;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        redisReply *r = redisvCommand(c, fmt, ap);
        va_end(ap);
        if (!rds_loading(r) || !loading_wait(&start, &tries)) {
            rds_check_demoted(c, r);
            return r;
        }
        freeReplyObject(r);
    }
}

redisReply *rds_cmdv(redisContext *c, int argc, const char **argv, const size_t *lens)
{
    size_t stack_lens[RDS_ARGS_MAX];
    if (!lens) {
        if (argc > RDS_ARGS_MAX)
            return NULL;
        for (int i = 0; i < argc; i++)
            stack_lens[i] = strlen(argv[i]);
        lens = stack_lens;
    }
    int64_t start = 0;
    int tries = 0;
    for (;;) {
        redisReply *r = redisCommandArgv(c, argc, argv, lens);
        if (!rds_loading(r) || !loading_wait(&start, &tries)) {
            rds_check_demoted(c, r);
            return r;
        }
        freeReplyObject(r);
    }
}

void rds_cmd_init(struct rds_cmd *cmd)
{
    cmd->argc = 0;
}

void rds_cmd_buf(struct rds_cmd *cmd, const char *s, size_t len)
{
    if (cmd->argc >= RDS_ARGS_MAX) {
        cmd->argc = RDS_ARGS_MAX + 1; /* overflow: rds_run refuses it */
        return;
    }
    cmd->argv[cmd->argc] = s;
    cmd->len[cmd->argc] = len;
    cmd->argc++;
}

void rds_cmd_str(struct rds_cmd *cmd, const char *s)
{
    rds_cmd_buf(cmd, s, strlen(s));
}

void rds_cmd_ll(struct rds_cmd *cmd, long long v)
{
    if (cmd->argc >= RDS_ARGS_MAX) {
        cmd->argc = RDS_ARGS_MAX + 1;
        return;
    }
    int n = snprintf(cmd->num[cmd->argc], sizeof cmd->num[0], "%lld", v);
    rds_cmd_buf(cmd, cmd->num[cmd->argc], (size_t)n);
}

static int cmd_ok(const struct rds_cmd *cmd)
{
    return cmd->argc > 0 && cmd->argc <= RDS_ARGS_MAX;
}

dp_err rds_run(redisContext *c, const struct rds_cmd *cmd, redisReply **reply)
{
    *reply = NULL;
    if (!cmd_ok(cmd))
        return DP_EINVAL;
    if (!c || c->err)
        return DP_EREDIS;
    redisReply *r = rds_cmdv(c, cmd->argc, (const char **)cmd->argv, cmd->len);
    if (rds_failed(r)) {
        freeReplyObject(r);
        return DP_EREDIS;
    }
    *reply = r;
    return DP_OK;
}

/* One MULTI/EXEC round trip: 0 all went well, 1 LOADING (nothing ran), -1 failure. */
static int multi_once(redisContext *c, const struct rds_cmd *cmds, size_t n)
{
    static const char *const multi = "MULTI", *const exec = "EXEC";
    int rc = 0;
    redisAppendCommandArgv(c, 1, (const char **)&multi, NULL);
    for (size_t i = 0; i < n; i++)
        redisAppendCommandArgv(c, cmds[i].argc, (const char **)cmds[i].argv, cmds[i].len);
    redisAppendCommandArgv(c, 1, (const char **)&exec, NULL);
    /* Read every queued reply even after a failure, so the connection stays in step. */
    for (size_t i = 0; i < n + 2; i++) {
        void *v = NULL;
        if (redisGetReply(c, &v) != REDIS_OK || !v)
            return -1;
        redisReply *r = v;
        if (i == 0 && rds_loading(r))
            rc = 1; /* MULTI refused: the rest is refused (or discarded by EXEC) too */
        else if (r->type == REDIS_REPLY_ERROR && rc == 0)
            rc = -1;
        else if (i == n + 1 && r->type != REDIS_REPLY_ARRAY && rc == 0)
            rc = -1; /* EXEC aborted */
        for (size_t k = 0; i == n + 1 && r->type == REDIS_REPLY_ARRAY && k < r->elements; k++)
            if (r->element[k]->type == REDIS_REPLY_ERROR && rc == 0)
                rc = -1;
        rds_check_demoted(c, r);
        freeReplyObject(r);
    }
    return rc;
}

dp_err rds_multi(redisContext *c, const struct rds_cmd *cmds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cmd_ok(&cmds[i]))
            return DP_EINVAL;
    if (!c || c->err)
        return DP_EREDIS;
    int64_t start = 0;
    int tries = 0;
    for (;;) {
        int rc = multi_once(c, cmds, n);
        if (rc == 0)
            return DP_OK;
        if (rc < 0 || !loading_wait(&start, &tries))
            return DP_EREDIS;
    }
}

/* ---- scripts ---- */

/* Fills av/al with EVALSHA sha nkeys argv...; nk holds nkeys as text (16 bytes). The count. */
static int evalsha_argv(const struct rds_script *s, int nkeys, int nargs, const char **argv,
                        const size_t *lens, const char **av, size_t *al, char *nk)
{
    snprintf(nk, 16, "%d", nkeys);
    av[0] = "EVALSHA";
    al[0] = 7;
    av[1] = s->sha;
    al[1] = 40;
    av[2] = nk;
    al[2] = strlen(nk);
    for (int i = 0; i < nkeys + nargs; i++) {
        av[3 + i] = argv[i];
        al[3 + i] = lens ? lens[i] : strlen(argv[i]);
    }
    return 3 + nkeys + nargs;
}

dp_err rds_eval(redisContext *c, const struct rds_script *s, int nkeys, int nargs,
                const char **argv, const size_t *lens, redisReply **out, char *err, size_t errsz)
{
    const char *av[RDS_ARGS_MAX + 3];
    size_t al[RDS_ARGS_MAX + 3];
    char nk[16];
    if (nkeys < 0 || nargs < 0 || nkeys + nargs > RDS_ARGS_MAX)
        return DP_EINVAL;
    int n = evalsha_argv(s, nkeys, nargs, argv, lens, av, al, nk);
    redisReply *r = rds_cmdv(c, n, av, al);
    if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(r);
        av[0] = "EVAL";
        al[0] = 4;
        av[1] = s->src;
        al[1] = s->len;
        r = rds_cmdv(c, n, av, al);
    }
    if (!r) {
        if (err)
            snprintf(err, errsz, "redis: %s", c->errstr[0] ? c->errstr : "no reply");
        return DP_EREDIS;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        if (err)
            snprintf(err, errsz, "redis: %s: %s", s->name, r->str);
        freeReplyObject(r);
        return DP_EREDIS;
    }
    *out = r;
    return DP_OK;
}

/* Appends MULTI, before..., EVALSHA|EVAL av, EXEC to c's output buffer (nothing sent). */
static void eval_set_append(redisContext *c, const struct rds_cmd *before, size_t nbefore, int n,
                            const char **av, const size_t *al)
{
    static const char *const multi = "MULTI", *const exec = "EXEC";
    redisAppendCommandArgv(c, 1, (const char **)&multi, NULL);
    for (size_t i = 0; i < nbefore; i++)
        redisAppendCommandArgv(c, before[i].argc, (const char **)before[i].argv, before[i].len);
    redisAppendCommandArgv(c, n, av, al);
    redisAppendCommandArgv(c, 1, (const char **)&exec, NULL);
}

int rds_eval_set_read(redisContext *c, size_t nbefore, redisReply **out, char *err, size_t errsz)
{
    int rc = 0;
    size_t last = nbefore + 2; /* the index of EXEC's reply */
    *out = NULL;
    /* Read every queued reply even after a failure, so the connection stays in step. */
    for (size_t i = 0; i <= last; i++) {
        void *v = NULL;
        if (redisGetReply(c, &v) != REDIS_OK || !v) {
            snprintf(err, errsz, "redis: %s", c->errstr[0] ? c->errstr : "no reply");
            return -1;
        }
        redisReply *r = v;
        rds_check_demoted(c, r);
        if (i == 0 && rds_loading(r))
            rc = 1; /* MULTI refused: the rest is refused (or discarded by EXEC) too */
        else if (rc == 0 && r->type == REDIS_REPLY_ERROR)
            rc = -1, snprintf(err, errsz, "redis: %s", r->str);
        else if (rc == 0 && i == last &&
                 (r->type != REDIS_REPLY_ARRAY || r->elements != nbefore + 1))
            rc = -1, snprintf(err, errsz, "redis: transaction aborted");
        else if (rc == 0 && i == last && r->element[nbefore]->type == REDIS_REPLY_ERROR)
            rc = strncmp(r->element[nbefore]->str, "NOSCRIPT", 8) == 0
                     ? 2
                     : (snprintf(err, errsz, "redis: %s", r->element[nbefore]->str), -1);
        else if (rc == 0 && i == last) {
            *out = r->element[nbefore]; /* taken out: freeReplyObject skips NULL */
            r->element[nbefore] = NULL;
        }
        freeReplyObject(r);
    }
    return rc;
}

/* What rds_eval_set and rds_eval_set_append refuse before writing: DP_EINVAL for counts out of
 * range, DP_EREDIS for a missing or broken connection; DP_OK otherwise. */
static dp_err eval_set_refused(const redisContext *c, const struct rds_cmd *before, size_t nbefore,
                               int nkeys, int nargs)
{
    if (nkeys < 0 || nargs < 0 || nkeys + nargs > RDS_ARGS_MAX || nbefore > RDS_ARGS_MAX)
        return DP_EINVAL;
    for (size_t i = 0; i < nbefore; i++)
        if (before[i].argc < 1 || before[i].argc > RDS_ARGS_MAX)
            return DP_EINVAL;
    if (!c || c->err)
        return DP_EREDIS;
    return DP_OK;
}

dp_err rds_eval_set_append(redisContext *c, const struct rds_script *s,
                           const struct rds_cmd *before, size_t nbefore, int nkeys, int nargs,
                           const char **argv, const size_t *lens)
{
    const char *av[RDS_ARGS_MAX + 3];
    size_t al[RDS_ARGS_MAX + 3];
    char nk[16];
    dp_err bad = eval_set_refused(c, before, nbefore, nkeys, nargs);
    if (bad)
        return bad;
    int n = evalsha_argv(s, nkeys, nargs, argv, lens, av, al, nk);
    eval_set_append(c, before, nbefore, n, av, al);
    return DP_OK;
}

/* One MULTI, before..., EVALSHA|EVAL av, EXEC round trip: as rds_eval_set_read. */
static int eval_set_once(redisContext *c, const struct rds_cmd *before, size_t nbefore, int n,
                         const char **av, const size_t *al, redisReply **out, char *err,
                         size_t errsz)
{
    eval_set_append(c, before, nbefore, n, av, al);
    return rds_eval_set_read(c, nbefore, out, err, errsz);
}

dp_err rds_eval_set(redisContext *c, const struct rds_script *s, const struct rds_cmd *before,
                    size_t nbefore, int nkeys, int nargs, const char **argv, const size_t *lens,
                    redisReply **out, char *err, size_t errsz)
{
    const char *av[RDS_ARGS_MAX + 3];
    size_t al[RDS_ARGS_MAX + 3];
    char nk[16], e[256];
    *out = NULL;
    dp_err bad = eval_set_refused(c, before, nbefore, nkeys, nargs);
    if (bad)
        return bad;
    int n = evalsha_argv(s, nkeys, nargs, argv, lens, av, al, nk);
    int64_t start = 0;
    int tries = 0, sent_src = 0;
    for (;;) {
        int rc = eval_set_once(c, before, nbefore, n, av, al, out, e, sizeof e);
        if (rc == 0)
            return DP_OK;
        if (rc == 2 && !sent_src) { /* once: the source itself */
            sent_src = 1;
            av[0] = "EVAL";
            al[0] = 4;
            av[1] = s->src;
            al[1] = s->len;
            continue;
        }
        if (rc == 1 && loading_wait(&start, &tries))
            continue;
        if (err)
            snprintf(err, errsz, "%s: %s", s->name,
                     rc == 2   ? "NOSCRIPT after EVAL"
                     : rc == 1 ? "still loading"
                               : e);
        return DP_EREDIS;
    }
}

dp_err rds_eval_found(redisContext *c, const struct rds_script *s, int nkeys, int nargs,
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

/* ---- versioned models ---- */

dp_err rds_next_version(redisContext *c, const char *kver, uint32_t *version)
{
    redisReply *r = rds_command(c, "INCR %s", kver);
    dp_err rc = DP_EREDIS;
    if (r && r->type == REDIS_REPLY_INTEGER && r->integer > 0 && r->integer <= UINT32_MAX) {
        *version = (uint32_t)r->integer;
        rc = DP_OK;
    }
    freeReplyObject(r);
    return rc;
}

dp_err rds_model_save(redisContext *c, const struct rds_script *s, const char *kmodel,
                      uint32_t version, const void *blob, size_t blen, const char *stats,
                      long long at_ms)
{
    char ver[24], at[24];
    snprintf(ver, sizeof ver, "%u", (unsigned)version);
    snprintf(at, sizeof at, "%lld", at_ms);
    const char *argv[] = {kmodel, ver, blob, stats, at};
    const size_t lens[] = {strlen(kmodel), strlen(ver), blen, strlen(stats), strlen(at)};
    redisReply *r = NULL;
    dp_err rc = rds_eval(c, s, 1, 4, argv, lens, &r, NULL, 0);
    if (rc)
        return rc;
    rc = r->type != REDIS_REPLY_INTEGER ? DP_EREDIS : r->integer == 1 ? DP_OK : DP_ECONFLICT;
    freeReplyObject(r);
    return rc;
}

/* ---- replies ---- */

redisReply *rds_reply_strings(int n, const char *const *v, const size_t *lens)
{
    /* RESP text, read back by hiredis' own reader: the reply is built as a read one is, so
     * freeReplyObject frees it like any other. */
    redisReader *rd = n >= 0 ? redisReaderCreate() : NULL;
    void *out = NULL;
    char hdr[32];
    int ok = rd != NULL;
    if (ok) {
        rd->maxbuf = 0; /* no shrinking of the buffer between feeds */
        int hl = snprintf(hdr, sizeof hdr, "*%d\r\n", n);
        ok = redisReaderFeed(rd, hdr, (size_t)hl) == REDIS_OK;
    }
    for (int i = 0; ok && i < n; i++) {
        size_t l = lens ? lens[i] : strlen(v[i]);
        int hl = snprintf(hdr, sizeof hdr, "$%zu\r\n", l);
        ok = redisReaderFeed(rd, hdr, (size_t)hl) == REDIS_OK &&
             (l == 0 || redisReaderFeed(rd, v[i], l) == REDIS_OK) &&
             redisReaderFeed(rd, "\r\n", 2) == REDIS_OK;
    }
    if (ok && (redisReaderGetReply(rd, &out) != REDIS_OK || !out))
        out = NULL;
    if (rd)
        redisReaderFree(rd);
    return out;
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

dp_err rds_field_copy(const redisReply *r, const char *name, char *out, size_t outsz)
{
    const redisReply *v = rds_field(r, name);
    out[0] = '\0';
    if (!v || v->type != REDIS_REPLY_STRING)
        return DP_OK;
    if (v->len >= outsz)
        return DP_ETOOBIG;
    memcpy(out, v->str, v->len + 1);
    return DP_OK;
}

long long rds_field_ll(const redisReply *r, const char *name)
{
    const redisReply *v = rds_field(r, name);
    if (!v || v->type != REDIS_REPLY_STRING)
        return v && v->type == REDIS_REPLY_INTEGER ? v->integer : 0;
    char *end = NULL;
    long long n = strtoll(v->str, &end, 10);
    return end != v->str && *end == '\0' ? n : 0;
}

void rds_ids(const redisReply *r, char *ids, size_t idsz, size_t max, size_t *n)
{
    for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements && *n < max; i++) {
        const redisReply *e = r->element[i];
        if (e->type == REDIS_REPLY_STRING && e->len < idsz)
            memcpy(ids + idsz * (*n)++, e->str, e->len + 1);
    }
}
