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
#include "testutil.h"

struct run {
    pid_t pid;
    int out; /* read end of its stdout */
    char url[128], key[64];
};

static int two_free_ports(void)
{
    for (int i = 0; i < 50; i++) {
        int p = harness_free_port();
        if (p > 0 && p < 65535) {
            char cmd[64];
            snprintf(cmd, sizeof cmd, "exec 3<>/dev/tcp/127.0.0.1/%d", p + 1);
            /* p+1 must be free too: the second API process listens there */
            char full[128];
            snprintf(full, sizeof full, "bash -c '%s' 2>/dev/null", cmd);
            if (system(full) != 0)
                return p;
        }
    }
    return -1;
}

static void start_run(struct run *r, const char *dir, int http, int api, int redis)
{
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    const char *bin = getenv("DOCPROC_BIN_DIR"), *src = getenv("DOCPROC_SRC_DIR");
    r->pid = fork();
    if (r->pid == 0) {
        char script[600], v[4][64];
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        setpgid(0, 0); /* its own group, so the test can signal all of it like a terminal */
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        snprintf(script, sizeof script, "%s/config/run.sh", src ? src : ".");
        snprintf(v[0], sizeof v[0], "%d", http);
        snprintf(v[1], sizeof v[1], "%d", api);
        snprintf(v[2], sizeof v[2], "%d", redis);
        setenv("DOCPROC_HTTP_PORT", v[0], 1);
        setenv("DOCPROC_API_PORT", v[1], 1);
        setenv("DOCPROC_REDIS_PORT", v[2], 1);
        setenv("DOCPROC_RUN_DIR", dir, 1);
        setenv("DOCPROC_WORKERS", "1", 1);
        setenv("DOCPROC_MAX_UPLOAD_BYTES", "3000000", 1); /* reaches every program? see below */
        execl("/bin/sh", "sh", script, bin ? bin : "build", (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    r->out = pfd[0];
    /* read until the key line (or 90 s) */
    char buf[4096];
    size_t got = 0;
    fcntl(r->out, F_SETFL, O_NONBLOCK);
    for (int t = 0; t < 900 && !strstr(buf, "API key: "); t++) {
        ssize_t n = read(r->out, buf + got, sizeof buf - 1 - got);
        if (n > 0)
            got += (size_t)n;
        buf[got] = '\0';
        if (!strstr(buf, "API key: ")) {
            struct timespec ts = {0, 100000000L};
            nanosleep(&ts, NULL);
        }
    }
    const char *u = strstr(buf, "URL: "), *k = strstr(buf, "API key: ");
    ck_assert_msg(u && k, "make run printed no URL/key: %s", buf);
    sscanf(u + 5, "%127s", r->url);
    sscanf(k + 9, "%63s", r->key);
}

static void stop_run(struct run *r)
{
    int st = 0;
    kill(-r->pid, SIGTERM);
    ck_assert_int_eq(waitpid(r->pid, &st, 0), r->pid);
    close(r->out);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* nothing it started is left in its process group */
    struct timespec ts = {0, 300000000L};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(kill(-r->pid, 0), -1);
}

START_TEST(make_run_starts_serves_and_stops)
{
    char dir[] = "/tmp/docproc-run-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    int http = harness_free_port(), api = two_free_ports(), redis = harness_free_port();
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
