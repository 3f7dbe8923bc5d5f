/* harness_netns.h -- a small network of "hosts" on one machine for multi-host tests: one Linux
 * network namespace per host, each with its own address on a bridge (itself in a namespace of its
 * own), plus a veth from the test's namespace so the test reaches every host directly.
 *
 * Addresses come from 198.18.0.0/15, the range RFC 2544 sets aside for benchmark networks: they
 * exist only inside the namespaces this harness creates and are gone when it ends. Needs
 * CAP_NET_ADMIN (root) and iproute2's `ip`. Names carry a per-process tag, so runs can overlap. */
#ifndef DP_HARNESS_NETNS_H
#define DP_HARNESS_NETNS_H

#define NETLAB_MAX_HOSTS 16

struct netlab {
    char tag[12];                    /* unique part of every name ("c" + pid) */
    int subnet;                      /* third octet: hosts are 198.18.<subnet>.<10 + i> */
    int nhosts;                      /* namespaces created so far */
    char ns[NETLAB_MAX_HOSTS][24];   /* host i's namespace name */
    char addr[NETLAB_MAX_HOSTS][20]; /* host i's address (no prefix length) */
    char bridge_ns[24];              /* namespace holding the bridge br0 */
    char root_if[16];                /* the test's own veth (198.18.<subnet>.1) */
    int root_linked;                 /* 1 once root_if exists */
};

/* 1 when this process may create namespaces (root and `ip` present); else 0 with a reason. */
int netlab_available(char *why, int whysz);

/* Creates nhosts hosts (nhosts <= NETLAB_MAX_HOSTS). 0 on success; on failure everything made
 * so far is removed. netlab_destroy is owed after success. */
int netlab_create(struct netlab *l, int nhosts);

/* Removes every namespace, veth and the bridge. Processes still inside a namespace keep it alive
 * until they end, so kill them first. Safe to call twice. */
void netlab_destroy(struct netlab *l);

/* Cuts (up = 0) or restores (up = 1) host i's only link, as a pulled cable would. */
int netlab_link(struct netlab *l, int host, int up);

#endif
