/* rds.h -- Redis connections (direct or through Sentinel) and small reply helpers.
 * hiredis has no Sentinel support of its own: rds_connect asks each sentinel for the master
 * (SENTINEL get-master-addr-by-name), connects, and confirms with ROLE; callers re-run it on
 * every reconnect so a failover is followed. */
#ifndef DP_RDS_H
#define DP_RDS_H
#include <hiredis.h>
#include "config.h"
#include "err.h"

/* Connects with cfg's timeouts. Returns a new context (caller frees with redisFree) or NULL with
 * a message in err. */
redisContext *rds_connect(const struct dp_config *cfg, char *err, size_t errsz);

/* A Lua script run by EVALSHA, falling back to EVAL when Redis does not know it yet. */
struct rds_script {
    const char *src;
    char sha[41]; /* filled lazily; computed locally, no SCRIPT LOAD round trip */
};

/* Runs script with nkeys keys and nargs args (binary safe: lens may be NULL for C strings).
 * *out receives the reply (caller frees with freeReplyObject). DP_EREDIS on I/O or script
 * error, with the message in err when given. */
dp_err rds_eval(redisContext *c, struct rds_script *s, int nkeys, int nargs, const char **argv,
                const size_t *lens, redisReply **out, char *err, size_t errsz);

/* rds_eval for scripts that answer 1 when they found and changed what they were asked to:
 * DP_OK on 1, DP_ENOTFOUND on anything else, DP_EREDIS on failure. C-string arguments. */
dp_err rds_eval_found(redisContext *c, struct rds_script *s, int nkeys, int nargs,
                      const char **argv);

/* Runs a command (argv form, binary safe). NULL on connection failure (c->err set). */
redisReply *rds_cmdv(redisContext *c, int argc, const char **argv, const size_t *lens);

/* When r is a READONLY error the server was demoted to a replica under us (failover): marks c
 * failed (c->err) so the caller's usual "connection broken" path drops it and the next
 * rds_connect re-resolves the master. Returns 1 then. rds_cmdv and rds_eval call it. */
int rds_check_demoted(redisContext *c, const redisReply *r);

/* WAIT numreplicas timeout_ms after this connection's writes: how many replicas acknowledged
 * them (they are then on a replica that Sentinel can promote), or -1 on failure. */
long long rds_wait_replicas(redisContext *c, long long numreplicas, long long timeout_ms);

/* Reply is an error or missing. */
int rds_failed(const redisReply *r);

/* The string value of array element i of r (NULL if not a string/status). */
const char *rds_str(const redisReply *r, size_t i);
/* Integer value of array element i (integer or numeric string), or def. */
long long rds_int(const redisReply *r, size_t i, long long def);

/* Finds field `name` in a flat [k, v, k, v, ...] array reply (HGETALL, stream fields). */
const redisReply *rds_field(const redisReply *r, const char *name);

#endif
