/* check_e2e_concurrency.c -- one API process with a pool of threads, hit by many clients at once
 * (uploads, reads, lists, stats, classifier, metrics, errors): every answer is the right one and
 * the per-process metrics count every request exactly once. Run under make SANITIZE=thread, the
 * API's races are reported in its log and fail the run (see collect_sanitizer_reports). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "promtext.h"
#include "testutil.h"

#define NCLIENTS 8
#define ROUNDS   12

static struct stack st;

static void setup(void)
{
    static const char *const env[] = {"DOCPROC_API_THREADS=6", NULL};
    struct stack_opts o = {.acl = 1, .n_api = 1, .workers = 1, .env = env};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

struct client {
    pthread_t th;
    int n;
    const unsigned char *png;
    size_t pnglen;
    int uploads, wrong; /* 202s; answers that were not what the request deserved */
    char why[256];
};

static void expect(struct client *c, const char *method, const char *url, const char *key,
                   const void *body, size_t len, long status)
{
    struct http_resp r;
    if (http_req(method, url, key, NULL, body, len, &r) != 0 || r.status != status) {
        if (!c->wrong++)
            snprintf(c->why, sizeof c->why, "%s %s: %ld, wanted %ld", method, url, r.status,
                     status);
    } else if (status == 202 && body) {
        c->uploads++;
    }
    http_resp_free(&r);
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    char api[64], url[256];
    snprintf(api, sizeof api, "http://127.0.0.1:%d", st.api_ports[0]);
    for (int i = 0; i < ROUNDS; i++) {
        snprintf(url, sizeof url, "%s/v1/documents?dedup=false", api); /* same bytes again */
        expect(c, "POST", url, c->n % 2 ? st.key : st.key2, c->png, c->pnglen, 202);
        snprintf(url, sizeof url, "%s/v1/documents?limit=5", api);
        expect(c, "GET", url, st.key, NULL, 0, 200);
        snprintf(url, sizeof url, "%s/v1/documents/doc_00000000000000000000000000", api);
        expect(c, "GET", url, st.key2, NULL, 0, 404);
        snprintf(url, sizeof url, "%s/v1/stats", api);
        expect(c, "GET", url, st.key, NULL, 0, 200);
        snprintf(url, sizeof url, "%s/v1/classifier", api);
        expect(c, "GET", url, st.key2, NULL, 0, 200);
        snprintf(url, sizeof url, "%s/metrics", api);
        expect(c, "GET", url, NULL, NULL, 0, 200);
        snprintf(url, sizeof url, "%s/v1/documents", api);
        expect(c, "GET", url, "dpk_not_a_key", NULL, 0, 401);
        snprintf(url, sizeof url, "%s/healthz", api);
        expect(c, "GET", url, NULL, NULL, 0, 200);
    }
    return NULL;
}

static char *scrape(void)
{
    char url[128];
    struct http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", st.api_ports[0]);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    char *text = strndup(r.body, r.len);
    http_resp_free(&r);
    return text;
}

static double counted(const char *text, const char *route, const char *method, int status)
{
    char series[256];
    snprintf(series, sizeof series,
             "docproc_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"}", route, method,
             status);
    double v = promtext_value(text, series);
    return v < 0 ? 0 : v;
}

START_TEST(many_clients_at_once)
{
    const char *lines[] = {"Many clients at once"};
    unsigned char *png;
    size_t len;
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    char *before = scrape();
    struct client cl[NCLIENTS];
    for (int i = 0; i < NCLIENTS; i++) {
        cl[i] = (struct client){.n = i, .png = png, .pnglen = len};
        ck_assert_int_eq(pthread_create(&cl[i].th, NULL, client_main, &cl[i]), 0);
    }
    int uploads = 0;
    for (int i = 0; i < NCLIENTS; i++) {
        pthread_join(cl[i].th, NULL);
        ck_assert_msg(cl[i].wrong == 0, "client %d: %d wrong answers, first %s", i, cl[i].wrong,
                      cl[i].why);
        uploads += cl[i].uploads;
    }
    ck_assert_int_eq(uploads, NCLIENTS * ROUNDS);
    /* every request counted once, whatever thread answered it (a request is counted when
     * libmicrohttpd reports it complete, just after the client has its answer: poll briefly,
     * until every route's count has come in, then check each is exactly right) */
    const int n = NCLIENTS * ROUNDS;
    char *after = NULL;
    int scrapes = 1; /* `before` */
    static const struct {
        const char *route, *method;
        int status;
    } each[] = {{"/healthz", "GET", 200},           {"/v1/documents", "POST", 202},
                {"/v1/documents/{id}", "GET", 404}, {"/v1/documents", "GET", 401},
                {"/v1/stats", "GET", 200},          {"/v1/classifier", "GET", 200}};
    for (int t = 0; t < 50; t++) {
        free(after);
        after = scrape();
        int all =
            counted(after, "/metrics", "GET", 200) - counted(before, "/metrics", "GET", 200) >=
            n + scrapes;
        for (size_t k = 0; k < sizeof each / sizeof each[0] && all; k++)
            all = counted(after, each[k].route, each[k].method, each[k].status) -
                      counted(before, each[k].route, each[k].method, each[k].status) >=
                  n;
        if (all)
            break;
        scrapes++;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(counted(after, "/v1/documents", "POST", 202) -
                         counted(before, "/v1/documents", "POST", 202),
                     n);
    ck_assert_int_eq(counted(after, "/v1/documents/{id}", "GET", 404) -
                         counted(before, "/v1/documents/{id}", "GET", 404),
                     n);
    ck_assert_int_eq(counted(after, "/v1/documents", "GET", 401) -
                         counted(before, "/v1/documents", "GET", 401),
                     n);
    ck_assert_int_eq(
        counted(after, "/v1/stats", "GET", 200) - counted(before, "/v1/stats", "GET", 200), n);
    ck_assert_int_eq(counted(after, "/v1/classifier", "GET", 200) -
                         counted(before, "/v1/classifier", "GET", 200),
                     n);
    ck_assert_int_eq(counted(after, "/metrics", "GET", 200) -
                         counted(before, "/metrics", "GET", 200),
                     n + scrapes);
    ck_assert(promtext_value(after, "docproc_upload_bytes_total") -
                  promtext_value(before, "docproc_upload_bytes_total") ==
              (double)n * (double)len);
    free(before);
    free(after);
    free(png);
}
END_TEST

Suite *e2e_concurrency_suite(void)
{
    Suite *s = suite_create("e2e_concurrency");
    TCase *tc = tcase_create("clients");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, many_clients_at_once);
    suite_add_tcase(s, tc);
    return s;
}
