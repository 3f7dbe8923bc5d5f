/* check_e2e_dashboard.c -- GET /v1/stats and the web dashboard end to end: a real stack behind
 * nginx, and tests/browser/dashboard.test.js driving Debian's Chromium through playwright-core
 * (npm modules installed once by tests/browser/setup.sh). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "e2e_webhooks_util.h"
#include "fixtures.h"
#include "harness_browser.h"
#include "harness.h"
#include "testutil.h"

#define BROWSER_CAP_MS 180000 /* the Node script caps itself at 150 s; this is the backstop */

static struct stack st;
static const char *const invoice[] = {
    "ACME Supplies GmbH",       "Hauptstrasse 12, 10115 Berlin",    "Invoice No: INV-7731",
    "Invoice date: 15.03.2026", "Subtotal: 1.000,00 EUR",           "VAT 19%: 190,00 EUR",
    "Total: 1.190,00 EUR",      "IBAN: DE89 3704 0044 0532 0130 00"};

static void setup(void)
{
    struct stack_opts o = {.acl = 1, .n_api = 1, .workers = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static cJSON *get_stats(const char *key, long *status)
{
    char url[256];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/stats", st.base);
    ck_assert_int_eq(http_req("GET", url, key, NULL, NULL, 0, &r), 0);
    *status = r.status;
    cJSON *j = http_json(&r);
    http_resp_free(&r);
    ck_assert_ptr_nonnull(j);
    return j;
}

START_TEST(stats_count_workers_and_throughput)
{
    long status;
    cJSON *j = get_stats(NULL, &status);
    ck_assert_int_eq(status, 401);
    ck_assert_str_eq(json_str(j, "error.code"), "unauthorized");
    cJSON_Delete(j);

    j = get_stats(st.key, &status);
    ck_assert_int_eq(status, 200);
    double done0 = json_num(j, "totals.done");
    double minute0 = json_num(j, "throughput.done_last_minute");
    cJSON_Delete(j);

    const char *const lines[] = {"Stats test page", "one two three"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, st.key, png, len, NULL, id), 202);
    free(png);
    cJSON *doc = stack_wait_doc(&st, st.key, id, 60000);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    cJSON_Delete(doc);

    j = get_stats(st.key, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_int_eq((int)json_num(j, "workers"), 1); /* one worker process in this stack */
    ck_assert(cJSON_GetArraySize(cJSON_GetObjectItem(j, "consumers")) >= 1);
    ck_assert_int_eq((int)json_num(j, "totals.done"), (int)done0 + 1);
    ck_assert(json_num(j, "totals.accepted") >= 1);
    ck_assert_int_eq((int)json_num(j, "throughput.done_last_minute"), (int)minute0 + 1);
    ck_assert(json_num(j, "throughput.done_last_5_minutes") >=
              json_num(j, "throughput.done_last_minute"));
    ck_assert(json_num(j, "throughput.done_per_minute_5m") > 0);
    ck_assert_int_eq((int)json_num(j, "queued"), 0);
    ck_assert_int_eq((int)json_num(j, "pending"), 0);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(j, "dead"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(j, "oldest_pending_age_s"));
    cJSON_Delete(j);

    /* only GET */
    char url[256];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/stats", st.base);
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, "{}", 2, &r), 0);
    ck_assert_int_eq(r.status, 405);
    http_resp_free(&r);
}
END_TEST

START_TEST(dashboard_in_chromium)
{
    ck_assert_msg(access(CHROMIUM, X_OK) == 0, "%s is missing: make deps installs chromium",
                  CHROMIUM);
    const char *src = getenv("DOCPROC_SRC_DIR");
    src = src && *src ? src : ".";
    ck_assert_msg(browser_setup(src, st.dir) == 0,
                  "npm ci in tests/browser failed: see %s/npm-setup.log", st.dir);

    /* Two earlier documents, so the list has a second page at ?limit=2. */
    const char *const other[] = {"Earlier document", "nothing to extract here"};
    unsigned char *png;
    size_t len;
    char id[64], path[512];
    ck_assert_int_eq(fixture_png(other, 2, &png, &len), DP_OK);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(stack_upload(&st, st.key, png, len, NULL, id), 202);
    free(png);

    ck_assert_int_eq(fixture_png(invoice, 8, &png, &len), DP_OK);
    snprintf(path, sizeof path, "%s/invoice.png", st.dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(png, 1, len, f), len);
    fclose(f);
    free(png);

    char script[1024], log[512];
    snprintf(script, sizeof script, "%s/tests/browser/dashboard.test.js", src);
    snprintf(log, sizeof log, "%s/browser.log", st.dir);
    char *argv[] = {"node", script,  "--base", st.base,  "--key",     st.key, "--file",
                    path,   "--out", st.dir,   "--docs", (char *)"2", NULL};
    pid_t pid = wht_spawn(argv, log);
    ck_assert_int_gt(pid, 0);
    int status = 0, waited = 0;
    pid_t got = 0;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && waited < BROWSER_CAP_MS) {
        wht_sleep_ms(100);
        waited += 100;
    }
    if (got == 0) { /* over the cap: the script's process group (node + chromium) goes */
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    int ok = got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok || getenv("DOCPROC_TEST_VERBOSE"))
        log_tail(log);
    ck_assert_msg(got == pid, "the browser test ran over %d ms", BROWSER_CAP_MS);
    ck_assert_msg(ok, "the browser test failed (exit %d): see %s and %s/dashboard.png",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, log, st.dir);
    snprintf(path, sizeof path, "%s/dashboard.png", st.dir);
    struct stat sb;
    ck_assert_msg(stat(path, &sb) == 0 && sb.st_size > 10000, "no screenshot at %s", path);
}
END_TEST

Suite *e2e_dashboard_suite(void)
{
    Suite *s = suite_create("e2e_dashboard");
    TCase *tc = tcase_create("stack");
    tcase_set_timeout(tc, 300);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, stats_count_workers_and_throughput);
    tcase_add_test(tc, dashboard_in_chromium);
    suite_add_tcase(s, tc);
    return s;
}
