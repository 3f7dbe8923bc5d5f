/* harness_receiver.h -- a minimal HTTP receiver for webhook tests that run without Node: a
 * thread accepts POSTs on an address, answers 204 and keeps every request (headers and body) it
 * got, so a test can look for events and their signature headers. */
#ifndef DP_HARNESS_RECEIVER_H
#define DP_HARNESS_RECEIVER_H
#include <pthread.h>

#define RECEIVER_MAX_REQS 512

struct receiver {
    int fd, port;
    pthread_t th;
    volatile int stop;
    pthread_mutex_t mu;
    char *reqs[RECEIVER_MAX_REQS]; /* each request as received (owned) */
    int n;
};

/* Listens on addr (port chosen by the system, in rv->port) and starts the thread. 0 on success;
 * then receiver_stop is owed. */
int receiver_start(struct receiver *rv, const char *addr);
void receiver_stop(struct receiver *rv);

/* How many requests received so far contain every one of the NULL-terminated needles. */
int receiver_count(struct receiver *rv, const char *const *needles);

#endif
