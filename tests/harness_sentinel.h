/* harness_sentinel.h -- replicas and Redis Sentinels next to an e2e stack's Redis (failover
 * tests). The servers run in the stack's temp dir on loopback; their pids go to s->extra, so
 * stack_stop ends them. Use them from stack_opts.after_redis so they exist before the programs. */
#ifndef DP_HARNESS_SENTINEL_H
#define DP_HARNESS_SENTINEL_H
#include "harness.h"

/* redis-server on port (AOF on, like the stack's) as a replica of the stack's Redis, in
 * dir/replica-<port>. 0 once it listens. */
int stack_start_replica(struct stack *s, int port);

/* A Sentinel on port watching the stack's Redis as master `name` with quorum 1,
 * down-after-milliseconds 1000 and failover-timeout 5000 (config in dir/sentinel-<port>/).
 * 0 once it listens. */
int stack_start_sentinel(struct stack *s, int port, const char *name);

/* The port of master `name` as the sentinel on sentinel_port sees it (SENTINEL
 * get-master-addr-by-name); -1 when it cannot tell. */
int sentinel_master_port(int sentinel_port, const char *name);

/* The first element of ROLE ("master", "slave", "sentinel") of the server on port, copied into
 * buf; "" when it does not answer. */
const char *redis_role(int port, char *buf, size_t bufsz);

#endif
