/* check_e2e_wait.c -- uploads with wait= hold no API thread: 50 of them wait at once on one API
 * process with 4 threads while /healthz keeps answering, and each gets its finished document;
 * the per-tenant cap of waiters answers 202 at once without holding up another tenant, and a
 * wait that runs out answers 202 with the document as it is. */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "promtext.h"
#include "testutil.h"
#include "util.h"

#define WAITERS     50
#define API_THREADS 4
#define STR_(x)     #x
#define STR(x)      STR_(x)

static struct stack st;

static void setup_busy(void)
{
    static const char *const env[] = {"DOCPROC_API_THREADS=" STR(API_THREADS),
                                      "DOCPROC_MAX_WAIT_S=110", NULL};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct stack_opts o = {.acl = 1, .n_api = 1, .workers = 2, .env = env};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

/* No workers, so nothing finishes: waits only end by their deadline. */
static void setup_capped(void)
{
    static const char *const env[] = {"DOCPROC_API_THREADS=" STR(API_THREADS),
                                      "DOCPROC_MAX_WAITERS_PER_TENANT=2", NULL};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct stack_opts o = {.acl = 1, .n_api = 1, .workers = -1, .env = env}; /* -1: no worker */
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* One upload with wait=, straight to the API process (no nginx in between). */
struct upload {
    const unsigned char *png;
    size_t len;
    const char *key;
    int wait_s;
    pthread_t thread;
    long status;
    char doc_status[16], id[64], location[128];
    size_t text_len; /* bytes of the result's text */
    int duplicate;   /* the answer names an earlier document (duplicate_of) */
    int64_t ms;      /* how long the answer took */
};

static void *upload_thread(void *arg)
{
    struct upload *u = arg;
    char url[256];
    struct http_resp r;
    const char *const hdr[] = {"Content-Type: image/png", NULL};
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/documents?wait=%d", st.api_ports[0],
             u->wait_s);
    int64_t t0 = util_mono_ms();
    u->status = -1;
    if (http_req("POST", url, u->key, hdr, u->png, u->len, &r) != 0) {
        http_resp_free(&r); /* perform() fills r even on failure */
        return NULL;
    }
    u->ms = util_mono_ms() - t0;
    u->status = r.status;
    cJSON *j = http_json(&r);
    snprintf(u->doc_status, sizeof u->doc_status, "%s", json_str(j, "status"));
    snprintf(u->id, sizeof u->id, "%s", json_str(j, "id"));
    u->text_len = strlen(json_str(j, "text"));
    u->duplicate = cJSON_GetObjectItem(j, "duplicate_of") != NULL;
    cJSON_Delete(j);
    if (!http_header(&r, "Location", u->location, sizeof u->location))
        u->location[0] = '\0';
    http_resp_free(&r);
    return NULL;
}

/* GET /healthz on the API process; its latency in ms (asserts 200). */
static int64_t healthz_ms(void)
{
    char url[128];
    struct http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", st.api_ports[0]);
    int64_t t0 = util_mono_ms();
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    int64_t ms = util_mono_ms() - t0;
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    return ms;
}

/* A /metrics value of the API process (-1 when absent). */
static double metric(const char *series)
{
    char url[128];
    struct http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", st.api_ports[0]);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    char *text = strndup(r.body, r.len);
    http_resp_free(&r);
    double v = promtext_value(text, series);
    free(text);
    return v;
}

START_TEST(fifty_waiters_hold_no_thread)
{
    static unsigned char *png[WAITERS];
    static size_t len[WAITERS];
    static struct upload u[WAITERS];
    /* fifty different pages, so each is a document of its own to read (no duplicate) */
    for (int i = 0; i < WAITERS; i++) {
        char line[64];
        snprintf(line, sizeof line, "Waiting is cheap number %d", 1000 + i * 37);
        const char *const lines[] = {line};
        ck_assert_int_eq(fixture_png(lines, 1, &png[i], &len[i]), DP_OK);
    }
    int64_t t0 = util_mono_ms();
    for (int i = 0; i < WAITERS; i++) {
        u[i] = (struct upload){.png = png[i], .len = len[i], .key = st.key, .wait_s = 100};
        ck_assert_int_eq(pthread_create(&u[i].thread, NULL, upload_thread, &u[i]), 0);
    }
    /* While they wait: /healthz answers; count the probes made with more waiters suspended
     * than the API has threads (impossible if each wait held one). */
    int64_t worst = 0, worst_crowded = 0, sum = 0;
    int probes = 0, crowded = 0;
    double most = 0;
    for (;;) {
        double waiting = metric("docproc_upload_waiting");
        int64_t ms = healthz_ms();
        worst = ms > worst ? ms : worst;
        sum += ms;
        probes++;
        if (waiting > API_THREADS) {
            crowded++;
            worst_crowded = ms > worst_crowded ? ms : worst_crowded;
        }
        most = waiting > most ? waiting : most;
        if (probes > 10 && waiting == 0)
            break;
        ck_assert_msg(util_mono_ms() - t0 < 150000, "the waits did not end");
        msleep(50);
    }
    for (int i = 0; i < WAITERS; i++)
        pthread_join(u[i].thread, NULL);
    int64_t all_ms = util_mono_ms() - t0;
    fprintf(stderr,
            "e2e_wait: %d concurrent wait= uploads (API threads %d): at most %.0f "
            "suspended at once; /healthz worst %lld ms, mean %.1f ms over %d probes; worst %lld "
            "ms over the %d probes with more waiters than threads; all answered in %.1f s\n",
            WAITERS, API_THREADS, most, (long long)worst, (double)sum / probes, probes,
            (long long)worst_crowded, crowded, (double)all_ms / 1000);
    ck_assert_msg(crowded >= 3, "only %d probes saw more waiters than API threads (most %.0f)",
                  crowded, most);
    /* The bound is on the probes made while more uploads waited than there are threads: the
     * burst of 50 bodies arriving at once legitimately keeps the threads busy for a moment. */
    ck_assert_msg(worst_crowded < 1000, "/healthz took %lld ms while uploads waited",
                  (long long)worst_crowded);
    for (int i = 0; i < WAITERS; i++) {
        ck_assert_msg(u[i].status == 200, "waiter %d answered %ld", i, u[i].status);
        ck_assert_str_eq(u[i].doc_status, "done");
        ck_assert(util_id_valid("doc_", u[i].id));
        ck_assert_msg(u[i].text_len > 10 && !u[i].duplicate, "waiter %d: text %zu bytes, dup %d", i,
                      u[i].text_len, u[i].duplicate);
        for (int k = 0; k < i; k++)
            ck_assert_str_ne(u[i].id, u[k].id);
    }
    ck_assert(metric("docproc_upload_wait_refused_total") == 0);
    for (int i = 0; i < WAITERS; i++)
        free(png[i]);
}
END_TEST

START_TEST(cap_per_tenant_and_deadline)
{
    static const char *const lines[] = {"Nobody reads this"};
    unsigned char *png;
    size_t len;
    struct upload a[3], b;
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    /* tenant alpha: two waits take its cap of 2 (no worker: they wait their whole 4 s) */
    for (int i = 0; i < 2; i++) {
        a[i] = (struct upload){.png = png, .len = len, .key = st.key, .wait_s = 4};
        ck_assert_int_eq(pthread_create(&a[i].thread, NULL, upload_thread, &a[i]), 0);
    }
    int64_t t0 = util_mono_ms();
    while (metric("docproc_upload_waiting") < 2) {
        ck_assert_msg(util_mono_ms() - t0 < 30000, "the two waits were not suspended");
        msleep(20);
    }
    /* a third of alpha's is answered at once, as the document is (202 queued) */
    a[2] = (struct upload){.png = png, .len = len, .key = st.key, .wait_s = 4};
    upload_thread(&a[2]);
    ck_assert_int_eq(a[2].status, 202);
    ck_assert_str_eq(a[2].doc_status, "queued");
    ck_assert(metric("docproc_upload_wait_refused_total") == 1);
    /* tenant beta is not held up by alpha's cap */
    b = (struct upload){.png = png, .len = len, .key = st.key2, .wait_s = 2};
    upload_thread(&b);
    ck_assert_int_eq(b.status, 202); /* its wait ran out: the document as it is */
    ck_assert_str_eq(b.doc_status, "queued");
    ck_assert_int_ge(b.ms, 2000);
    char want[128];
    snprintf(want, sizeof want, "/v1/documents/%s", b.id);
    ck_assert_str_eq(b.location, want);
    ck_assert(metric("docproc_upload_wait_refused_total") == 1);
    ck_assert_int_lt(healthz_ms(), 1000);
    for (int i = 0; i < 2; i++) {
        pthread_join(a[i].thread, NULL);
        ck_assert_int_eq(a[i].status, 202);
        ck_assert_str_eq(a[i].doc_status, "queued");
        ck_assert_int_ge(a[i].ms, 4000);
    }
    ck_assert(metric("docproc_upload_waiting") == 0);
    /* SIGTERM while a wait is suspended: it is answered (202) and the API exits by itself */
    a[0] = (struct upload){.png = png, .len = len, .key = st.key, .wait_s = 50};
    ck_assert_int_eq(pthread_create(&a[0].thread, NULL, upload_thread, &a[0]), 0);
    t0 = util_mono_ms();
    while (metric("docproc_upload_waiting") < 1) {
        ck_assert_msg(util_mono_ms() - t0 < 30000, "the wait was not suspended");
        msleep(20);
    }
    pid_t api = st.api[0];
    ck_assert_int_eq(kill(api, SIGTERM), 0);
    pthread_join(a[0].thread, NULL);
    ck_assert_int_eq(a[0].status, 202);
    ck_assert_str_eq(a[0].doc_status, "queued");
    /* the API is the fixture's child, not this test's: watch it turn into a zombie */
    char stat[512];
    const char *ps;
    t0 = util_mono_ms();
    while ((ps = harness_proc_stat(api, stat, sizeof stat)) && ps[0] != 'Z') {
        ck_assert_msg(util_mono_ms() - t0 < 20000, "docproc-api did not exit after SIGTERM");
        msleep(50);
    }
    ck_assert_int_lt(a[0].ms, 40000); /* not held to its 50 s */
    free(png);
}
END_TEST

Suite *e2e_wait_suite(void)
{
    Suite *s = suite_create("e2e_wait");
    TCase *tc = tcase_create("busy");
    tcase_set_timeout(tc, 240);
    tcase_add_unchecked_fixture(tc, setup_busy, teardown);
    tcase_add_test(tc, fifty_waiters_hold_no_thread);
    suite_add_tcase(s, tc);
    TCase *cap = tcase_create("capped");
    tcase_set_timeout(cap, 120);
    tcase_add_unchecked_fixture(cap, setup_capped, teardown);
    tcase_add_test(cap, cap_per_tenant_and_deadline);
    suite_add_tcase(s, cap);
    return s;
}
