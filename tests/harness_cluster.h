/* harness_cluster.h -- the twelve hosts of e2e_cluster, each a network namespace with its own
 * address (harness_netns.h), every program reaching Redis only through the Sentinels' answer, and
 * everything locked as config/redis-acl.sh says (per-program users, docproc-replica,
 * docproc-sentinel, the Sentinels' own password):
 *
 *   h0 Redis primary   h1 Redis replica   h2-h4 Sentinels (quorum 2)
 *   h5, h6 API hosts (two docproc-api processes each)   h7 nginx balancing over the four
 *   h8-h10 worker hosts (docproc-worker -j 1 each, started by the test)
 *   h11 docproc-webhookd
 *
 * The test itself runs in the root namespace, reachable as 198.18.<subnet>.1. */
#ifndef DP_HARNESS_CLUSTER_H
#define DP_HARNESS_CLUSTER_H
#include <hiredis.h>
#include "harness.h"
#include "harness_netns.h"

#define MASTER "docproc" /* the Sentinels' name of the primary */
enum {
    H_REDIS1,
    H_REDIS2,
    H_SENT1,
    H_SENT2,
    H_SENT3,
    H_API1,
    H_API2,
    H_NGINX,
    H_W1,
    H_W2,
    H_W3,
    H_HOOKD,
    N_HOSTS
};
#define REDIS_PORT    6379
#define SENTINEL_PORT 26379
#define API_PORT      8081
#define HTTP_PORT     8080

struct cluster {
    struct netlab lab;
    struct stack s; /* environment, temp dir, process group and the client's base URL */
    pid_t redis[2], api[2][2], worker[3], nginx, hookd;
    char redis_args[2][8][160];
};

/* Builds the hosts and starts Redis (primary, synced replica), the Sentinels, the API hosts,
 * nginx and webhookd (no worker host), creates an API key (c->s.key). 0 on success, then
 * cluster_stop is owed (after a failure, harness_netns and the harness's process-group
 * tracking clean up at exit). */
int cluster_start(struct cluster *c);
/* Ends every process (one process group) and removes the namespaces. */
void cluster_stop(struct cluster *c);

/* (Re)starts Redis i (0 primary, 1 replica of the primary) on its host over its own data and
 * config file; 0 once it listens. */
int cluster_start_redis(struct cluster *c, int i);
/* Starts docproc-worker -j 1 on worker host k (0..2); 0 on success. */
int cluster_start_worker_host(struct cluster *c, int k);

/* A connection to the Redis at addr:port (1 s timeouts) logged in as user (NULL: none); NULL
 * when it does not answer or the login fails. Caller redisFrees. */
redisContext *cluster_redis_as(struct cluster *c, const char *addr, int port, const char *user);

/* The master's address as the sentinel on host h sees it, into out ("" when unknown). */
const char *cluster_sentinel_master(struct cluster *c, int h, char *out, size_t outsz);

#endif
