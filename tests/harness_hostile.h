/* harness_hostile.h -- the setup both bounded-render suites share (e2e_export's /pdf and
 * e2e_pageimg's /pages/{n}.jpg): a stack whose page budget is HOSTILE_PAGE_MS, two documents
 * read, then the first one's stored file swapped for a PDF whose XObjects nest 26 deep (hours of
 * poppler) while its result stays that of an OCRed page; a GET of it run on a thread of its own;
 * and the health checks the API must keep answering meanwhile. */
#ifndef DP_HARNESS_HOSTILE_H
#define DP_HARNESS_HOSTILE_H
#include <pthread.h>
#include "harness.h"

#define HOSTILE_PAGE_MS  4000
#define HOSTILE_SLACK_MS 5000 /* a loaded machine */

struct hostile {
    struct stack s;
    char id[64];   /* its stored file is the nested-XObject PDF */
    char good[64]; /* the same page, untouched */
};

/* Starts the stack and prepares both documents (ck_asserts on failure). */
void hostile_start(struct hostile *h);
void hostile_stop(struct hostile *h);

/* A GET of base+path with key, on a thread: its answer and how long it took. */
struct hostile_call {
    char url[512];
    const char *key;
    struct http_resp r;
    long long ms;
    pthread_t t;
};
void hostile_call_start(struct hostile_call *c, const struct stack *s, const char *path);
void hostile_call_join(struct hostile_call *c);

/* n /healthz calls, 200 ms apart, each answered 200 within 2 s (ck_asserts); returns n. */
int hostile_health(const struct stack *s, int n);

#endif
