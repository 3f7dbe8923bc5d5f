/* check_e2e_run.c -- `make run` as a newcomer meets it: config/run.sh starts Redis, APIs, nginx
 * and workers on the ports it is given, prints the URL and a key that works, keeps that key
 * across restarts, passes DOCPROC_* to every program, and stops everything on SIGTERM. Its Redis
 * is locked (config/redis-acl.sh): no access without a password, one ACL user per program. */
#include <fcntl.h>
#include <hiredis.h>
#include <sys/stat.h>
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
    /* a free HTTPS port: 8443 may be taken by another make run on this host */
    static char https[40];
    if (!https[0])
        snprintf(https, sizeof https, "DOCPROC_HTTPS_PORT=%d", harness_free_port());
    const char *const env[] = {"DOCPROC_MAX_UPLOAD_BYTES=3000000", https, NULL};
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

/* One command as user (NULL = no AUTH) with the password in dir/redis-auth/<user>.pass; the
 * reply's text (error or value, "(nil)", "(array n)"...) into out. */
static void redis_as(int port, const char *dir, const char *user, const char *cmd, char *out,
                     size_t outsz)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    ck_assert(c && !c->err);
    if (user) {
        char path[256], pass[128] = "";
        snprintf(path, sizeof path, "%s/redis-auth/%s.pass", dir, user);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(fgets(pass, sizeof pass, f));
        fclose(f);
        pass[strcspn(pass, "\n")] = '\0';
        redisReply *a = redisCommand(c, "AUTH %s %s", user, pass);
        ck_assert_msg(a && a->type == REDIS_REPLY_STATUS, "AUTH %s: %s", user, a ? a->str : "-");
        freeReplyObject(a);
    }
    redisReply *r = redisCommand(c, cmd);
    ck_assert_ptr_nonnull(r);
    stack_reply_text(r, out, outsz);
    freeReplyObject(r);
    redisFree(c);
}

static int mode_of(const char *dir, const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/redis-auth%s", dir, name);
    ck_assert_msg(stat(path, &st) == 0, "%s missing", path);
    return (int)(st.st_mode & 0777);
}

/* The Redis of make run answers nobody without a password, and each program's user may do
 * only its part: the API cannot FLUSHALL or CONFIG, the worker and webhookd cannot read API
 * keys. Credentials are private files. Copies the API user's password into api_pass. */
static void check_locked(const char *dir, int redis, char *api_pass, size_t sz)
{
    char out[256], cmd[128];
    redis_as(redis, dir, NULL, "PING", out, sizeof out);
    ck_assert_msg(strncmp(out, "NOAUTH", 6) == 0, "PING without AUTH: %s", out);
    redis_as(redis, dir, NULL, "HGETALL dp:stats", out, sizeof out);
    ck_assert_msg(strncmp(out, "NOAUTH", 6) == 0, "read without AUTH: %s", out);
    redis_as(redis, dir, "docproc-api", "FLUSHALL", out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "api FLUSHALL: %s", out);
    redis_as(redis, dir, "docproc-api", "CONFIG GET dir", out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "api CONFIG: %s", out);
    /* the API key of the dev tenant exists (the API reads it: allowed) */
    redisContext *c = redisConnect("127.0.0.1", redis);
    ck_assert(c && !c->err);
    char path[256], pass[128] = "";
    snprintf(path, sizeof path, "%s/redis-auth/docproc-admin.pass", dir);
    FILE *f = fopen(path, "r");
    ck_assert(f && fgets(pass, sizeof pass, f));
    fclose(f);
    pass[strcspn(pass, "\n")] = '\0';
    freeReplyObject(redisCommand(c, "AUTH docproc-admin %s", pass));
    redisReply *r = redisCommand(c, "SCAN 0 MATCH dp:key:* COUNT 100000");
    ck_assert(r && r->type == REDIS_REPLY_ARRAY && r->elements == 2);
    ck_assert_int_ge(r->element[1]->elements, 1);
    snprintf(cmd, sizeof cmd, "HGET %s tenant", r->element[1]->element[0]->str);
    freeReplyObject(r);
    redisFree(c);
    redis_as(redis, dir, "docproc-api", cmd, out, sizeof out);
    ck_assert_str_eq(out, "dev");
    redis_as(redis, dir, "docproc-worker", cmd, out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "worker reads an API key: %s", out);
    redis_as(redis, dir, "docproc-webhookd", cmd, out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "webhookd reads an API key: %s", out);
    redis_as(redis, dir, "docproc-worker", "FLUSHDB", out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "worker FLUSHDB: %s", out);
    redis_as(redis, dir, "docproc-admin", "SHUTDOWN NOSAVE", out, sizeof out);
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "admin SHUTDOWN: %s", out);
    /* a wrong password is refused */
    c = redisConnect("127.0.0.1", redis);
    r = redisCommand(c, "AUTH docproc-api %s", pass);
    ck_assert(r && r->type == REDIS_REPLY_ERROR);
    freeReplyObject(r);
    redisFree(c);
    /* private files: the directory 0700, every credential 0600 */
    ck_assert_int_eq(mode_of(dir, ""), 0700);
    ck_assert_int_eq(mode_of(dir, "/users.acl"), 0600);
    static const char *const users[] = {"api", "worker", "webhookd", "admin"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "/docproc-%s.pass", users[i]);
        ck_assert_int_eq(mode_of(dir, path), 0600);
    }
    snprintf(path, sizeof path, "%s/redis-auth/docproc-api.pass", dir);
    f = fopen(path, "r");
    ck_assert(f && fgets(api_pass, (int)sz, f));
    fclose(f);
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
    char pass1[128], pass2[128];
    check_locked(dir, redis, pass1, sizeof pass1);

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
    /* the same credentials: made once, kept */
    check_locked(dir, redis, pass2, sizeof pass2);
    ck_assert_str_eq(pass1, pass2);
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
