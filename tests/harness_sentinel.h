/* harness_sentinel.h -- replicas and Redis Sentinels next to an e2e stack's Redis (failover
 * tests). The servers run in the stack's temp dir on loopback; their pids go to s->extra, so
 * stack_stop ends them. Use them from stack_opts.after_redis so they exist before the programs. */
#ifndef DP_HARNESS_SENTINEL_H
#define DP_HARNESS_SENTINEL_H
#include <stdio.h>
#include "harness.h"

/* redis-server on port (AOF on, like the stack's) as a replica of the stack's Redis, in
 * dir/replica-<port>. 0 once it listens. */
int stack_start_replica(struct stack *s, int port);

/* A Sentinel on port watching the stack's Redis as master `name` with quorum 1,
 * down-after-milliseconds 1000 and failover-timeout 5000 (config in dir/sentinel-<port>/, mode
 * 0600). With acl it logs in to the servers as docproc-sentinel and requires the password of
 * <dir>/redis-auth/sentinels.pass itself (stack_sentinel_auth). 0 once it listens. */
int stack_start_sentinel(struct stack *s, int port, const char *name);

/* The lines of a sentinel.conf (after `sentinel monitor name ...`) that lock it as
 * config/redis-acl.sh says: `sentinel auth-user/auth-pass` (docproc-sentinel) and `requirepass`
 * (sentinels.pass). */
void stack_sentinel_auth(const struct stack *s, FILE *f, const char *name);

/* A connection to the Sentinel at addr:port (1 s timeouts), after AUTH with the Sentinels'
 * password when s is locked (s may be NULL: no AUTH); NULL on failure. Caller redisFrees. */
struct redisContext *stack_sentinel_as(const struct stack *s, const char *addr, int port);

/* The port of master `name` as the sentinel on sentinel_port sees it (SENTINEL
 * get-master-addr-by-name); -1 when it cannot tell. */
int sentinel_master_port(const struct stack *s, int sentinel_port, const char *name);

/* The first element of ROLE ("master", "slave", "sentinel") of the server on port (logged in
 * as docproc-sentinel when s is locked), copied into buf; "" when it does not answer. */
const char *redis_role(const struct stack *s, int port, char *buf, size_t bufsz);

#endif
