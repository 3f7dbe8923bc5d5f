/* harness_netns.c -- namespaces, veths and a bridge for multi-host tests (see harness_netns.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness_netns.h"

/* Runs one shell command built from fmt; 0 when it exited 0. Output goes to stderr only on
 * failure (the command's own messages). */
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd)
        return -1;
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "netlab: failed (%d): %s\n", rc, cmd);
    return rc == 0 ? 0 : -1;
}

int netlab_available(char *why, int whysz)
{
    if (geteuid() != 0) {
        snprintf(why, (size_t)whysz, "network namespaces need root (CAP_NET_ADMIN)");
        return 0;
    }
    /* Creating one is the only real test: in a chroot, say, `ip netns add` fails to remount
     * (mount --make-rslave /) although `ip netns list` works. */
    char cmd[320];
    snprintf(cmd, sizeof cmd,
             "ip netns add dpprobe%ld >/dev/null 2>&1 && ip -n dpprobe%ld link set lo up "
             ">/dev/null 2>&1; r=$?; ip netns del dpprobe%ld >/dev/null 2>&1; exit $r",
             (long)getpid(), (long)getpid(), (long)getpid());
    if (system(cmd) != 0) {
        snprintf(why, (size_t)whysz, "ip netns cannot create a namespace here (chroot?)");
        return 0;
    }
    return 1;
}

/* The lab this process made, removed at exit if a failed test skipped its teardown (Check ends a
 * failing test's process with exit, so atexit runs). */
static struct netlab *live;
static pid_t live_owner;

static void destroy_live(void)
{
    if (live && live_owner == getpid())
        netlab_destroy(live);
}

int netlab_create(struct netlab *l, int nhosts)
{
    memset(l, 0, sizeof *l);
    if (!live_owner)
        atexit(destroy_live);
    live = l;
    live_owner = getpid();
    if (nhosts < 1 || nhosts > NETLAB_MAX_HOSTS)
        return -1;
    long pid = (long)getpid();
    snprintf(l->tag, sizeof l->tag, "c%ld", pid % 100000);
    l->subnet = (int)(pid % 250) + 1;
    snprintf(l->bridge_ns, sizeof l->bridge_ns, "dp%sb", l->tag);
    snprintf(l->root_if, sizeof l->root_if, "dp%sr", l->tag);
    if (sh("ip netns add %s && ip -n %s link set lo up && ip -n %s link add br0 type bridge && "
           "ip -n %s link set br0 up",
           l->bridge_ns, l->bridge_ns, l->bridge_ns, l->bridge_ns))
        goto fail;
    /* The test's own leg: a veth whose far end joins the bridge. */
    l->root_linked = 1;
    if (sh("ip link add %s type veth peer name r0 netns %s && ip -n %s link set r0 master br0 up "
           "&& ip addr add 198.18.%d.1/24 dev %s && ip link set %s up",
           l->root_if, l->bridge_ns, l->bridge_ns, l->subnet, l->root_if, l->root_if))
        goto fail;
    for (int i = 0; i < nhosts; i++) {
        snprintf(l->ns[i], sizeof l->ns[i], "dp%sh%d", l->tag, i);
        snprintf(l->addr[i], sizeof l->addr[i], "198.18.%d.%d", l->subnet, 10 + i);
        l->nhosts = i + 1;
        if (sh("ip netns add %s && ip -n %s link set lo up && "
               "ip -n %s link add h%d type veth peer name eth0 netns %s && "
               "ip -n %s link set h%d master br0 up && ip -n %s addr add %s/24 dev eth0 && "
               "ip -n %s link set eth0 up",
               l->ns[i], l->ns[i], l->bridge_ns, i, l->ns[i], l->bridge_ns, i, l->ns[i], l->addr[i],
               l->ns[i]))
            goto fail;
    }
    return 0;
fail:
    netlab_destroy(l);
    return -1;
}

void netlab_destroy(struct netlab *l)
{
    char cmd[128];
    for (int i = 0; i < l->nhosts; i++) {
        snprintf(cmd, sizeof cmd, "ip netns del %s 2>/dev/null", l->ns[i]);
        if (system(cmd) != 0)
            fprintf(stderr, "netlab: could not remove %s\n", l->ns[i]);
    }
    l->nhosts = 0;
    if (l->root_linked) {
        snprintf(cmd, sizeof cmd, "ip link del %s 2>/dev/null", l->root_if);
        if (system(cmd) != 0) { /* gone already with the bridge namespace: fine */
        }
        l->root_linked = 0;
    }
    if (l->bridge_ns[0]) {
        snprintf(cmd, sizeof cmd, "ip netns del %s 2>/dev/null", l->bridge_ns);
        if (system(cmd) != 0)
            fprintf(stderr, "netlab: could not remove %s\n", l->bridge_ns);
        l->bridge_ns[0] = '\0';
    }
}

int netlab_link(struct netlab *l, int host, int up)
{
    if (host < 0 || host >= l->nhosts)
        return -1;
    return sh("ip -n %s link set eth0 %s", l->ns[host], up ? "up" : "down");
}
