/* check_e2e_retry.c -- nginx passes a POST to another API process after the first one failed
 * mid-request only when the POST carries an Idempotency-Key (then the retry cannot store the
 * document twice). The first upstream here takes the request and hangs up without an answer,
 * as an API process killed mid-request would; the second is a real docproc-api. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

struct dropper {
    int fd, port, taken;
    volatile int stop;
    pthread_t th;
};

/* Reads what it is sent for a moment, then closes: no answer at all. */
static void *drop_run(void *arg)
{
    struct dropper *d = arg;
    while (!d->stop) {
        int c = accept(d->fd, NULL, NULL);
        if (c < 0)
            continue;
        struct timeval tv = {0, 300000};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[65536];
        while (read(c, buf, sizeof buf) > 0) {
        }
        d->taken++;
        close(c);
    }
    return NULL;
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long post(const char *base, const char *key, const void *png, size_t len, const char *ikey)
{
    char url[256], hk[96];
    snprintf(url, sizeof url, "%s/v1/documents?dedup=false", base);
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", ikey ? ikey : "");
    const char *hdr[] = {"Content-Type: application/octet-stream", ikey ? hk : NULL, NULL};
    struct http_resp r;
    long st = http_req("POST", url, key, hdr, png, len, &r) == 0 ? r.status : -1;
    http_resp_free(&r);
    return st;
}

START_TEST(posts_retried_only_with_an_idempotency_key)
{
    struct stack s;
    struct stack_opts o = {.acl = 1, .workers = -1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    struct dropper d = {0};
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    d.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {0, 200000};
    setsockopt(d.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ck_assert(bind(d.fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(d.fd, 16) == 0 &&
              getsockname(d.fd, (struct sockaddr *)&sa, &sl) == 0);
    d.port = ntohs(sa.sin_port);
    ck_assert_int_eq(pthread_create(&d.th, NULL, drop_run, &d), 0);

    /* a second nginx of the same generated configuration, the dropper first in its upstream */
    int port = harness_free_port();
    char cmd[2048], prefix[200], conf[260];
    snprintf(prefix, sizeof prefix, "%s/nginx2", s.dir);
    snprintf(conf, sizeof conf, "%s/nginx.conf", prefix);
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/tmp && DP_RATE_LIMIT=0 %s/nginx/gen-conf.sh %s 127.0.0.1 %d %s/web "
             "52428800 127.0.0.1:%d 127.0.0.1:%d > %s",
             prefix, s.src, prefix, port, s.src, d.port, s.api_ports[0], conf);
    ck_assert_int_eq(system(cmd), 0);
    char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-e", "stderr", NULL};
    pid_t ng = stack_spawn(&s, "nginx2.log", argv);
    ck_assert_int_eq(harness_wait_port(port, 10000), 0);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);

    const char *lines[] = {"Retried upload"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    /* without a key: whenever the dropper takes the request, the client gets the failure */
    int failed = 0, ok = 0;
    for (int i = 0; i < 4; i++) {
        long st = post(base, s.key, png, len, NULL);
        failed += st == 503 || st == 502;
        ok += st == 202;
    }
    ck_assert_int_ge(d.taken, 1);
    ck_assert_int_eq(failed, d.taken);
    ck_assert_int_eq(failed + ok, 4);
    /* nginx now rests the dropper for fail_timeout; wait it out so it is tried again */
    msleep(2500);
    int taken_before = d.taken;
    for (int i = 0; i < 4; i++) {
        char ik[32];
        snprintf(ik, sizeof ik, "retry-%d", i);
        ck_assert_int_eq(post(base, s.key, png, len, ik), 202);
    }
    ck_assert_int_ge(d.taken, taken_before + 1); /* the dropper did take some of them */
    fprintf(stderr,
            "retry: without Idempotency-Key %d of 4 failed (dropped upstream took %d); with it 4 "
            "of 4 accepted (dropped upstream took %d)\n",
            failed, taken_before, d.taken - taken_before);
    d.stop = 1;
    pthread_join(d.th, NULL);
    close(d.fd);
    stack_kill(&ng, SIGTERM);
    free(png);
    stack_stop(&s);
}
END_TEST

Suite *e2e_retry_suite(void)
{
    Suite *s = suite_create("e2e_retry");
    TCase *tc = tcase_create("retry");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, posts_retried_only_with_an_idempotency_key);
    suite_add_tcase(s, tc);
    return s;
}
