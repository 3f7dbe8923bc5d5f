/* check_e2e_restart.c -- `make run` starts again over its own data: with more than 50 MB of
 * documents in Redis (its AOF takes a while to load, answering -LOADING meanwhile), run.sh is
 * stopped (Ctrl-C / SIGTERM) and started three times; every document is found each time, and
 * after each stop no process is left and the Redis and HTTP ports are free. A startup step that
 * fails after Redis started stops Redis too. And every process that run.sh restarts is counted in
 * Redis (docproc_process_restarts_total in /metrics), counts that outlive the killed processes,
 * Redis included. */
#include <leptonica/allheaders.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hiredis.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_run.h"
#include "keys.h"
#include "promtext.h"
#include "testutil.h"

#define NBIG    6       /* letter pages at 300 DPI, PNG without compression: about 8.4 MB each */
#define NFILLER 1000000 /* small keys besides: loading them keeps Redis answering -LOADING */

struct doc {
    char id[64];
    size_t size;
};

static void stopped_clean(struct run *r, int sig, const struct run_opts *o)
{
    pid_t group = r->pid;
    int st = run_stop(r, sig);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "run.sh ended with status %d: %s", st,
                  r->text);
    ck_assert_msg(run_group_gone(group, 15000), "processes of make run outlived it");
    ck_assert_msg(!run_port_in_use(o->redis), "redis port %d still in use", o->redis);
    ck_assert_msg(!run_port_in_use(o->http), "http port %d still in use", o->http);
}

/* An uncompressed PNG page that says which document it is (cheap to OCR, big in bytes). */
static void big_page(int n, unsigned char **buf, size_t *len)
{
    char l1[64];
    snprintf(l1, sizeof l1, "Restart test document %d", n);
    const char *lines[] = {l1, "Every byte of this page must survive a restart."};
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_render_page(lines, 2, 12, 300, &pix), DP_OK);
    ck_assert_int_eq(pixSetZlibCompression(pix, 0), 0);
    ck_assert_int_eq(pixWriteMemPng(buf, len, pix, 0.0f), 0);
    pixDestroy(&pix);
}

static void all_found(struct run *r, const struct doc *docs, int ndocs, int check_bytes)
{
    char url[768];
    for (int i = 0; i < ndocs; i++) {
        struct http_resp resp;
        snprintf(url, sizeof url, "%s/v1/documents/%s", r->url, docs[i].id);
        ck_assert_int_eq(http_req("GET", url, r->key, NULL, NULL, 0, &resp), 0);
        ck_assert_msg(resp.status == 200, "document %s: %ld", docs[i].id, resp.status);
        cJSON *d = http_json(&resp);
        ck_assert_ptr_nonnull(d);
        ck_assert_msg((size_t)json_num(d, "file.size") == docs[i].size, "document %s size %.0f",
                      docs[i].id, json_num(d, "file.size"));
        ck_assert_str_ne(json_str(d, "status"), "failed");
        cJSON_Delete(d);
        http_resp_free(&resp);
    }
    if (check_bytes) { /* the largest one, byte for byte */
        struct http_resp resp;
        snprintf(url, sizeof url, "%s/v1/documents/%s/file", r->url, docs[ndocs - 1].id);
        ck_assert_int_eq(http_req("GET", url, r->key, NULL, NULL, 0, &resp), 0);
        ck_assert_int_eq(resp.status, 200);
        ck_assert_uint_eq(resp.len, docs[ndocs - 1].size);
        unsigned char *want;
        size_t wlen;
        big_page(ndocs - 2, &want, &wlen);
        ck_assert_uint_eq(wlen, resp.len);
        ck_assert(memcmp(want, resp.body, wlen) == 0);
        free(want);
        http_resp_free(&resp);
    }
}

/* Writes NFILLER small keys through redis-cli --pipe (a million keys take Redis a second or
 * more to load from its AOF: long enough that a start which does not wait for PONG meets
 * -LOADING). */
static void add_filler(int port, const char *dir)
{
    char cmd[512];
    /* make run's Redis is locked: log in as docproc-admin, whose keys are dp:* */
    snprintf(cmd, sizeof cmd,
             "REDISCLI_AUTH=$(cat %s/redis-auth/docproc-admin.pass) redis-cli -h 127.0.0.1 -p %d "
             "--user docproc-admin --pipe >/dev/null",
             dir, port);
    FILE *p = popen(cmd, "w");
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < NFILLER; i++) {
        char k[32];
        int kl = snprintf(k, sizeof k, "dp:test:filler:%d", i);
        fprintf(p, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$8\r\n%08d\r\n", kl, k, i);
    }
    ck_assert_int_eq(pclose(p), 0);
}

START_TEST(restarts_over_its_own_data)
{
    char dir[] = "/tmp/docproc-restart-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct run_opts o = {.dir = dir,
                         .http = harness_free_port(),
                         .api = run_two_free_ports(),
                         .redis = harness_free_port()};
    struct run r;
    ck_assert_msg(run_start(&r, &o, 120) == 0, "make run did not start: %s", r.text);
    struct stack s = {0}; /* only for the HTTP helpers */
    snprintf(s.base, sizeof s.base, "%.63s", r.url);

    struct doc docs[NBIG + 1];
    const char *lines[] = {"A small page read before the restarts"};
    unsigned char *png;
    size_t len, total = 0;
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&s, r.key, png, len, NULL, docs[0].id), 202);
    docs[0].size = len;
    free(png);
    cJSON *d = stack_wait_doc(&s, r.key, docs[0].id, 120000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    for (int i = 1; i <= NBIG; i++) {
        big_page(i - 1, &png, &len);
        ck_assert_int_eq(stack_upload(&s, r.key, png, len, "pipeline=ocr", docs[i].id), 202);
        docs[i].size = len;
        total += len;
        free(png);
    }
    ck_assert_uint_ge(total, 50u * 1000 * 1000);
    add_filler(o.redis, dir);
    stopped_clean(&r, SIGINT, &o);

    for (int round = 0; round < 3; round++) {
        ck_assert_msg(run_start(&r, &o, 120) == 0, "restart %d failed: %s", round + 1, r.text);
        all_found(&r, docs, NBIG + 1, round == 0);
        /* the small document kept its result */
        snprintf(s.base, sizeof s.base, "%.63s", r.url);
        d = stack_wait_doc(&s, r.key, docs[0].id, 5000);
        ck_assert_ptr_nonnull(d);
        ck_assert(strstr(json_str(d, "text"), "restarts") != NULL);
        cJSON_Delete(d);
        stopped_clean(&r, round % 2 ? SIGINT : SIGTERM, &o);
    }

    /* A step after Redis that fails (a damaged key file) ends run.sh with an error, and
     * nothing it started (Redis above all) is left behind. */
    char keyfile[160], saved[128], cmd[400];
    snprintf(keyfile, sizeof keyfile, "%s/dev-api-key", dir);
    snprintf(saved, sizeof saved, "%s/dev-api-key.saved", dir);
    ck_assert_int_eq(rename(keyfile, saved), 0);
    FILE *f = fopen(keyfile, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a key\n", f);
    fclose(f);
    ck_assert_int_ne(run_start(&r, &o, 120), 0);
    pid_t group = r.pid;
    int st = run_reap(&r, 60);
    ck_assert_msg(st != -1 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0),
                  "run.sh with a bad key file: status %d", st);
    ck_assert_msg(run_group_gone(group, 15000), "a failed start left processes behind");
    ck_assert_msg(!run_port_in_use(o.redis), "a failed start left redis on its port");
    ck_assert_msg(strstr(r.text, "docproc: stopping") != NULL, "run.sh said: %s", r.text);
    ck_assert_int_eq(rename(saved, keyfile), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- restarts counted ---- */

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long pid_of(const char *dir, const char *name)
{
    char path[256], buf[32] = "";
    snprintf(path, sizeof path, "%s/pids/%s.pid", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *got = fgets(buf, sizeof buf, f);
    fclose(f);
    return got ? strtol(buf, NULL, 10) : -1;
}

/* kill -9 the current process of name; waits (up to 30 s) until run.sh started another. */
static void kill_and_wait_back(const char *dir, const char *name)
{
    long old = pid_of(dir, name);
    ck_assert_msg(old > 0, "no pid file for %s", name);
    ck_assert_int_eq(kill((pid_t)old, SIGKILL), 0);
    for (int t = 0; t < 300; t++) {
        long pid = pid_of(dir, name);
        if (pid > 0 && pid != old && kill((pid_t)pid, 0) == 0)
            return;
        msleep(100);
    }
    ck_abort_msg("%s was not started again", name);
}

/* The /metrics text of API process i of the make run in dir, asked over its Unix socket
 * (caller frees), NULL when it does not answer. */
static char *metrics_of(const char *dir, int i)
{
    char sock[160];
    struct http_resp r;
    snprintf(sock, sizeof sock, "%s/api/api-%d.sock", dir, i);
    if (http_req_unix(sock, "GET", "/metrics", NULL, NULL, 0, &r) != 0) {
        http_resp_free(&r); /* perform() fills r even on failure */
        return NULL;
    }
    char *text = r.status == 200 ? strdup(r.body) : NULL;
    http_resp_free(&r);
    return text;
}

static double restarts_of(const char *text, const char *program)
{
    char series[128];
    snprintf(series, sizeof series, "docproc_process_restarts_total{program=\"%s\"}", program);
    return promtext_value(text, series);
}

/* Restarts of program in text, 0 when it has no sample. */
static double count_of(const char *text, const char *program)
{
    double v = restarts_of(text, program);
    return v < 0 ? 0 : v;
}

/* Polls /metrics of API process api until program i of progs shows want[i] restarts (up to
 * 60 s: a restarted Redis counts its own restart once it answers). The last text (caller
 * frees) for more checks. */
static char *wait_counted(const char *dir, int api, const char *const *progs, const double *want,
                          size_t n)
{
    char *text = NULL;
    for (int t = 0; t < 120; t++) {
        free(text);
        text = metrics_of(dir, api);
        size_t ok = 0;
        for (size_t i = 0; text && i < n; i++)
            ok += count_of(text, progs[i]) == want[i];
        if (ok == n && promtext_value(text, "docproc_redis_up") == 1)
            return text;
        msleep(500);
    }
    ck_abort_msg("restarts not counted: %s", text ? text : "(no /metrics)");
    return NULL;
}

/* One command as user, the reply as text (error or status, or the integer) into out. */
static void redis_as(int port, const char *dir, const char *user, const char *cmd, char *out,
                     size_t sz)
{
    char path[256], pass[128] = "";
    snprintf(path, sizeof path, "%s/redis-auth/%s.pass", dir, user);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(pass, sizeof pass, f));
    fclose(f);
    pass[strcspn(pass, "\n")] = '\0';
    redisContext *c = redisConnect("127.0.0.1", port);
    ck_assert(c && !c->err);
    freeReplyObject(redisCommand(c, "AUTH %s %s", user, pass));
    redisReply *r = redisCommand(c, cmd);
    ck_assert_ptr_nonnull(r);
    if (r->type == REDIS_REPLY_INTEGER)
        snprintf(out, sz, "%lld", r->integer);
    else if (r->type == REDIS_REPLY_ARRAY)
        snprintf(out, sz, "(array %zu)", r->elements);
    else
        snprintf(out, sz, "%s", r->str ? r->str : "(nil)");
    freeReplyObject(r);
    redisFree(c);
}

START_TEST(restarts_are_counted)
{
    char dir[] = "/tmp/docproc-restarts-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct run_opts o = {.dir = dir,
                         .http = harness_free_port(),
                         .api = run_two_free_ports(),
                         .redis = harness_free_port()};
    struct run r;
    ck_assert_msg(run_start(&r, &o, 120) == 0, "make run did not start: %s", r.text);
    /* the family is declared (HELP, TYPE) before anything restarted; counts from here (a
     * process of this loaded machine may have been restarted while starting) */
    static const char *const progs[] = {"api-0", "worker", "redis", "api-1"};
    double want[4];
    char *text = metrics_of(dir, 1), why[200];
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(promtext_check(text, strlen(text), why, sizeof why) == 0, "%s", why);
    ck_assert(strstr(text, "# TYPE docproc_process_restarts_total counter") != NULL);
    for (size_t i = 0; i < 4; i++)
        want[i] = count_of(text, progs[i]);
    free(text);

    /* an API process and the worker: each counted once, seen by the other API process */
    kill_and_wait_back(dir, "api-0");
    kill_and_wait_back(dir, "worker");
    want[0]++;
    want[1]++;
    text = wait_counted(dir, 1, progs, want, 4);
    free(text);
    /* the restarted worker reads */
    struct stack s = {0};
    snprintf(s.base, sizeof s.base, "%.63s", r.url);
    const char *lines[] = {"Read after a restart"};
    unsigned char *png;
    size_t len;
    char id[64];
    ck_assert_int_eq(fixture_png(lines, 1, &png, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&s, r.key, png, len, NULL, id), 202);
    free(png);
    cJSON *d = stack_wait_doc(&s, r.key, id, 120000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);

    /* Redis itself: it counts its own restart once back, and the counts above survived it */
    kill_and_wait_back(dir, "redis");
    want[2]++;
    text = wait_counted(dir, 0, progs, want, 4);
    ck_assert_msg(promtext_check(text, strlen(text), why, sizeof why) == 0, "%s", why);
    free(text);

    /* the ACL: the API's user reads the counts, the worker's and webhookd's cannot touch them
     * (the admin user wrote them: run.sh counts as docproc-admin) */
    char out[256], cmd[128];
    snprintf(cmd, sizeof cmd, "HGET %s redis", KEYS_RESTARTS);
    redis_as(o.redis, dir, "docproc-api", cmd, out, sizeof out);
    ck_assert_int_eq(strtol(out, NULL, 10), (long)want[2]);
    snprintf(cmd, sizeof cmd, "HINCRBY %s worker 1", KEYS_RESTARTS);
    redis_as(o.redis, dir, "docproc-worker", cmd, out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "worker wrote a restart count: %s", out);
    redis_as(o.redis, dir, "docproc-webhookd", cmd, out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "webhookd wrote a restart count: %s", out);

    stopped_clean(&r, SIGTERM, &o);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    ck_assert_int_eq(system(rm), 0);
}
END_TEST

Suite *e2e_restart_suite(void)
{
    Suite *s = suite_create("e2e_restart");
    TCase *tc = tcase_create("restart");
    tcase_set_timeout(tc, 400);
    tcase_add_test(tc, restarts_over_its_own_data);
    suite_add_tcase(s, tc);
    TCase *counted = tcase_create("counted");
    tcase_set_timeout(counted, 300);
    tcase_add_test(counted, restarts_are_counted);
    suite_add_tcase(s, counted);
    return s;
}
