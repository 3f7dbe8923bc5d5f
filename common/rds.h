/* rds.h -- the one Redis command layer: connections (direct or through Sentinel), the command
 * runners every module uses (format, argv, a small argv builder, MULTI/EXEC pipelines, Lua
 * scripts) and reply helpers. Key names live in keys.h, scripts in scripts.h.
 *
 * hiredis has no Sentinel support of its own: rds_connect asks each sentinel for the master
 * (SENTINEL get-master-addr-by-name), connects, and confirms with ROLE; callers re-run it on
 * every reconnect so a failover is followed.
 *
 * A Redis that is still loading its data (AOF/RDB after a restart) answers "-LOADING": that
 * means "retry shortly", never a failure. rds_connect waits until PING answers PONG and every
 * runner below retries a LOADING reply with a short backoff, for at most RDS_LOADING_WAIT_MS;
 * only then does the LOADING error reach the caller. A READONLY reply (the server was demoted
 * by a failover) marks the connection failed so the caller's reconnect path re-resolves. */
#ifndef DP_RDS_H
#define DP_RDS_H
#include <stddef.h>
#include <stdint.h>
#include <hiredis.h>
#include "config.h"
#include "err.h"

#define RDS_LOADING_WAIT_MS 60000 /* longest wait for a loading Redis, per connect or command */
#define RDS_ARGS_MAX        64    /* most arguments of one rds_cmdv / rds_eval / rds_cmd call */

/* Connects with cfg's timeouts and waits while Redis loads its data. Returns a new context
 * (caller frees with redisFree) or NULL with a message in err. */
redisContext *rds_connect(const struct dp_config *cfg, char *err, size_t errsz);

/* ---- running commands ---- */

/* Runs a command (printf-like hiredis format). NULL on connection failure (c->err set);
 * an error reply is returned as such. Caller frees the reply. */
redisReply *rds_command(redisContext *c, const char *fmt, ...);

/* Runs a command (argv form, binary safe: lens may be NULL for C strings). As rds_command. */
redisReply *rds_cmdv(redisContext *c, int argc, const char **argv, const size_t *lens);

/* One command under construction (argv form). Arguments point at memory the caller keeps alive,
 * except numbers added with rds_cmd_ll, which live in the struct. Too many arguments make
 * rds_run / rds_multi refuse the command (DP_EINVAL) instead of sending part of it. */
struct rds_cmd {
    int argc;
    const char *argv[RDS_ARGS_MAX];
    size_t len[RDS_ARGS_MAX];
    char num[RDS_ARGS_MAX][24]; /* storage for numeric arguments */
};
void rds_cmd_init(struct rds_cmd *cmd);
void rds_cmd_str(struct rds_cmd *cmd, const char *s);
void rds_cmd_buf(struct rds_cmd *cmd, const char *s, size_t len);
void rds_cmd_ll(struct rds_cmd *cmd, long long v);

/* Runs cmd. *reply (caller frees) on DP_OK; DP_EREDIS on a connection error or an error reply
 * (nothing to free then); DP_EINVAL when cmd overflowed. */
dp_err rds_run(redisContext *c, const struct rds_cmd *cmd, redisReply **reply);

/* Runs cmds[n] inside MULTI/EXEC (one round trip); DP_EREDIS when any of them failed. */
dp_err rds_multi(redisContext *c, const struct rds_cmd *cmds, size_t n);

/* ---- Lua scripts ---- */

/* A Lua script: const data made at build time (scripts.h). */
struct rds_script {
    const char *name; /* file name without .lua */
    const char *sha;  /* 40 hex digits: SHA1 of src, as Redis names it */
    const char *src;  /* the script, NUL-terminated */
    size_t len;       /* strlen(src) */
};

/* Runs script s with nkeys keys then nargs args (binary safe: lens may be NULL for C
 * strings; nkeys + nargs <= RDS_ARGS_MAX). EVALSHA first; a server that does not know the
 * script yet (NOSCRIPT: new, restarted or failed-over) gets it with EVAL, which also caches
 * it there. *out receives the reply (caller frees). DP_EREDIS on I/O or script error, with the
 * message in err when given. */
dp_err rds_eval(redisContext *c, const struct rds_script *s, int nkeys, int nargs,
                const char **argv, const size_t *lens, redisReply **out, char *err, size_t errsz);

/* rds_eval preceded by the commands before[0..nbefore-1] (e.g. SET of an uploaded file, HSET
 * of a new record), all in one MULTI/EXEC sent at once (one round trip): large or many values
 * reach Redis without passing through Lua (Redis's Lua copies every string argument into its
 * own strings and back), and are stored only together with the script's writes. The script
 * runs with them applied and must undo them (delete the keys) on every path that refuses. A
 * server that does not know the script gets it all again with EVAL (the commands again
 * first: they must be safe to repeat). *out as rds_eval's: the script's reply. */
dp_err rds_eval_set(redisContext *c, const struct rds_script *s, const struct rds_cmd *before,
                    size_t nbefore, int nkeys, int nargs, const char **argv, const size_t *lens,
                    redisReply **out, char *err, size_t errsz);

/* rds_eval_set in two halves, so that many can share one round trip (pipelined, as one write
 * and one read): rds_eval_set_append puts MULTI, before..., EVALSHA, EXEC in c's output buffer
 * (nothing sent; DP_EINVAL / DP_EREDIS as rds_eval_set's checks), rds_eval_set_read (after
 * every earlier append's read, in order) sends what is buffered and reads this transaction's
 * replies: 0 with *out the script's reply (caller frees), 1 LOADING (nothing ran), 2 NOSCRIPT
 * (the commands before ran alone: rds_eval_set sends it all again with EVAL), -1 failure
 * (message in err; the connection may be broken: c->err). No retry here. */
dp_err rds_eval_set_append(redisContext *c, const struct rds_script *s,
                           const struct rds_cmd *before, size_t nbefore, int nkeys, int nargs,
                           const char **argv, const size_t *lens);
int rds_eval_set_read(redisContext *c, size_t nbefore, redisReply **out, char *err, size_t errsz);

/* rds_eval for scripts that answer 1 when they found and changed what they were asked to:
 * DP_OK on 1, DP_ENOTFOUND on anything else, DP_EREDIS on failure. C-string arguments. */
dp_err rds_eval_found(redisContext *c, const struct rds_script *s, int nkeys, int nargs,
                      const char **argv);

/* ---- versioned models (the tenant classifier, the tenant extractor) ---- */

/* INCR of the version counter kver: the new version in *version (1 .. UINT32_MAX).
 * DP_EREDIS on failure or a reply out of that range. */
dp_err rds_next_version(redisContext *c, const char *kver, uint32_t *version);

/* Stores a model through script s: KEYS[1] = kmodel; ARGV = version, the blob (binary safe),
 * stats (a C string, e.g. JSON), at_ms. DP_OK when the script answered 1, DP_ECONFLICT on 0
 * (a newer version is already stored), DP_EREDIS on failure. */
dp_err rds_model_save(redisContext *c, const struct rds_script *s, const char *kmodel,
                      uint32_t version, const void *blob, size_t blen, const char *stats,
                      long long at_ms);

/* An array reply of the n strings v (binary safe: lens may be NULL for C strings), as Redis
 * would send it (e.g. an HGETALL of fields written a moment ago, without asking Redis again).
 * NULL when out of memory. Caller frees with freeReplyObject. */
redisReply *rds_reply_strings(int n, const char *const *v, const size_t *lens);

/* ---- failover ---- */

/* When r is a READONLY error the server was demoted to a replica under us (failover): marks c
 * failed (c->err) so the caller's usual "connection broken" path drops it and the next
 * rds_connect re-resolves the master. Returns 1 then. Every runner above calls it. */
int rds_check_demoted(redisContext *c, const redisReply *r);

/* WAIT numreplicas timeout_ms after this connection's writes: how many replicas acknowledged
 * them (they are then on a replica that Sentinel can promote), or -1 on failure. */
long long rds_wait_replicas(redisContext *c, long long numreplicas, long long timeout_ms);

/* ---- replies (pure) ---- */

/* Reply is an error or missing. */
int rds_failed(const redisReply *r);
/* Reply is the error Redis sends while it loads its data. */
int rds_loading(const redisReply *r);

/* The string value of array element i of r (NULL if not a string/status). */
const char *rds_str(const redisReply *r, size_t i);
/* Integer value of array element i (integer or numeric string), or def. */
long long rds_int(const redisReply *r, size_t i, long long def);

/* Finds field `name` in a flat [k, v, k, v, ...] array reply (HGETALL, stream fields). */
const redisReply *rds_field(const redisReply *r, const char *name);
/* Copies string field `name` into out[outsz] ("" when missing); DP_ETOOBIG when it does not
 * fit (out is then ""). */
dp_err rds_field_copy(const redisReply *r, const char *name, char *out, size_t outsz);
/* Field `name` as an integer (0 when missing or not a number). */
long long rds_field_ll(const redisReply *r, const char *name);

/* Copies the string elements of an array reply that are shorter than idsz into ids[max]
 * (rows of idsz bytes); *n counts them. Does not free r. */
void rds_ids(const redisReply *r, char *ids, size_t idsz, size_t max, size_t *n);

#endif
