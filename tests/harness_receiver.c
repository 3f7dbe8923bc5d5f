/* harness_receiver.c -- a minimal webhook receiver for tests (see harness_receiver.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "harness_receiver.h"

static void *receiver_run(void *arg)
{
    struct receiver *rv = arg;
    while (!rv->stop) {
        int cfd = accept(rv->fd, NULL, NULL);
        if (cfd < 0)
            continue;
        struct timeval tv = {2, 0};
        setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        size_t cap = 1 << 20, got = 0;
        char *buf = malloc(cap);
        ssize_t r;
        while (buf && got + 1 < cap && (r = read(cfd, buf + got, cap - 1 - got)) > 0) {
            got += (size_t)r;
            buf[got] = '\0';
            char *end = strstr(buf, "\r\n\r\n");
            char *cl = strcasestr(buf, "content-length:");
            if (end && cl && got >= (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10))
                break;
        }
        if (buf) {
            buf[got] = '\0';
            pthread_mutex_lock(&rv->mu);
            if (rv->n < RECEIVER_MAX_REQS)
                rv->reqs[rv->n++] = buf;
            else
                free(buf);
            pthread_mutex_unlock(&rv->mu);
        }
        const char ok[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
        if (write(cfd, ok, sizeof ok - 1) < 0) { /* the daemon retries: fine */
        }
        close(cfd);
    }
    return NULL;
}

int receiver_start(struct receiver *rv, const char *addr)
{
    memset(rv, 0, sizeof *rv);
    pthread_mutex_init(&rv->mu, NULL);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    inet_pton(AF_INET, addr, &sa.sin_addr);
    socklen_t sl = sizeof sa;
    rv->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(rv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct timeval tv = {0, 200000}; /* accept wakes up to see stop */
    setsockopt(rv->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (rv->fd < 0 || bind(rv->fd, (struct sockaddr *)&sa, sizeof sa) || listen(rv->fd, 64) ||
        getsockname(rv->fd, (struct sockaddr *)&sa, &sl))
        return -1;
    rv->port = ntohs(sa.sin_port);
    return pthread_create(&rv->th, NULL, receiver_run, rv);
}

void receiver_stop(struct receiver *rv)
{
    rv->stop = 1;
    pthread_join(rv->th, NULL);
    close(rv->fd);
    for (int i = 0; i < rv->n; i++)
        free(rv->reqs[i]);
    rv->n = 0;
    pthread_mutex_destroy(&rv->mu);
}

int receiver_count(struct receiver *rv, const char *const *needles)
{
    int n = 0;
    pthread_mutex_lock(&rv->mu);
    for (int i = 0; i < rv->n; i++) {
        int all = 1;
        for (int k = 0; needles[k] && all; k++)
            all = strstr(rv->reqs[i], needles[k]) != NULL;
        n += all;
    }
    pthread_mutex_unlock(&rv->mu);
    return n;
}
