/* check_e2e_run.c -- `make run` as a newcomer meets it: config/run.sh starts Redis, APIs, nginx
 * and workers on the ports it is given, prints the URL and a key that works, keeps that key
 * across restarts, passes DOCPROC_* to every program, and stops everything on SIGTERM. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_run.h"
#include "testutil.h"

static void start_run(struct run *r, const char *dir, int http, int api, int redis)
{
    /* DOCPROC_MAX_UPLOAD_BYTES reaches every program? see below */
    static const char *const env[] = {"DOCPROC_MAX_UPLOAD_BYTES=3000000", NULL};
    struct run_opts o = {.dir = dir, .http = http, .api = api, .redis = redis, .env = env};
    ck_assert_msg(run_start(r, &o, 90) == 0, "make run printed no URL/key: %s", r->text);
}

static void stop_run(struct run *r)
{
    int st = run_stop(r, SIGTERM);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* nothing it started is left in its process group (allow 10 s to exit) */
    ck_assert_msg(run_group_gone(r->pid, 10000), "processes of make run outlived it");
}

START_TEST(make_run_starts_serves_and_stops)
{
    char dir[] = "/tmp/docproc-run-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    int http = harness_free_port(), api = run_two_free_ports(), redis = harness_free_port();
    struct run r;
    start_run(&r, dir, http, api, redis);
    char expect[160];
    snprintf(expect, sizeof expect, "http://127.0.0.1:%d", http);
    ck_assert_str_eq(r.url, expect);
    ck_assert(strncmp(r.key, "dpk_", 4) == 0);

    const char *lines[] = {"Hello from make run"};
    unsigned char *png;
    size_t len;
    char url[256], id[64];
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    struct stack s = {0}; /* only for the HTTP helpers */
    snprintf(s.base, sizeof s.base, "%.63s", r.url);
    ck_assert_int_eq(stack_upload(&s, r.key, png, len, NULL, id), 202);
    cJSON *d = stack_wait_doc(&s, r.key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert(strstr(json_str(d, "text"), "make run") != NULL);
    cJSON_Delete(d);
    /* DOCPROC_MAX_UPLOAD_BYTES reached the API: 3.5 MB is refused */
    size_t big = 3500000;
    unsigned char *b = calloc(1, big);
    memcpy(b, png, 8);
    snprintf(url, sizeof url, "%s/v1/documents", r.url);
    struct http_resp resp;
    ck_assert_int_eq(http_req("POST", url, r.key, NULL, b, big, &resp), 0);
    ck_assert_int_eq(resp.status, 413);
    http_resp_free(&resp);
    free(b);
    char key1[64];
    snprintf(key1, sizeof key1, "%s", r.key);
    stop_run(&r);

    /* again: the same key, and the document is still there (AOF) */
    start_run(&r, dir, http, api, redis);
    ck_assert_str_eq(r.key, key1);
    snprintf(url, sizeof url, "%s/v1/documents/%s", r.url, id);
    ck_assert_int_eq(http_req("GET", url, r.key, NULL, NULL, 0, &resp), 0);
    ck_assert_int_eq(resp.status, 200);
    ck_assert(strstr(resp.body, "\"done\"") != NULL);
    http_resp_free(&resp);
    stop_run(&r);
    free(png);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *e2e_run_suite(void)
{
    Suite *s = suite_create("e2e_run");
    TCase *tc = tcase_create("run");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, make_run_starts_serves_and_stops);
    suite_add_tcase(s, tc);
    return s;
}
