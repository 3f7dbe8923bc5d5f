/* check_e2e_acl.c -- a locked Redis (config/redis-acl.sh, as make run starts it): nobody gets in
 * without a password; each program's ACL user may run only its own part (the API cannot FLUSHALL
 * or CONFIG, the worker and webhookd cannot read API keys, webhookd cannot read files, the
 * worker cannot change a model); and the whole pipeline (upload, OCR, batch, webhook delivery)
 * still works with every program logged in as its own user, the worker supervisor's count of
 * its children's restarts included. */
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_receiver.h"
#include "keys.h"
#include "promtext.h"
#include "testutil.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The reply to cmd (argv form) as user: its text, "(array n)", an integer or "(nil)". */
static void as(const struct stack *s, const char *user, char *out, size_t outsz, int argc,
               const char **argv)
{
    redisContext *c = stack_redis_as(s, s->redis_port, user);
    ck_assert_msg(c != NULL, "cannot log in as %s", user ? user : "(nobody)");
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    ck_assert_ptr_nonnull(r);
    stack_reply_text(r, out, outsz);
    freeReplyObject(r);
    redisFree(c);
}

#define AS(s, user, out, ...)                                                                      \
    do {                                                                                           \
        const char *argv_[] = {__VA_ARGS__};                                                       \
        as(s, user, out, sizeof out, (int)(sizeof argv_ / sizeof argv_[0]), argv_);                \
    } while (0)

static void assert_denied(const char *what, const char *out, const char *code)
{
    ck_assert_msg(strncmp(out, code, strlen(code)) == 0, "%s: expected %s, got '%s'", what, code,
                  out);
}

static long req(struct stack *s, const char *method, const char *path, const char *body,
                cJSON **out)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    const char *h[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req(method, url, s->key, h, body, body ? strlen(body) : 0, &r), 0);
    long st = r.status;
    if (out)
        *out = http_json(&r);
    http_resp_free(&r);
    return st;
}

START_TEST(locked_redis_serves_the_pipeline)
{
    static const char *const env[] = {"DOCPROC_WEBHOOK_ALLOW_PRIVATE=1",
                                      "DOCPROC_WEBHOOK_RETRY_SCHEDULE=0,1,1", NULL};
    struct stack s;
    struct stack_opts o = {.workers = 1, .webhookd = 1, .env = env, .acl = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    struct receiver rv;
    ck_assert_int_eq(receiver_start(&rv, "127.0.0.1"), 0);
    char body[4096], out[512], key[128];

    /* ---- nobody without credentials, and each user only its part ---- */
    AS(&s, NULL, out, "PING");
    assert_denied("PING without AUTH", out, "NOAUTH");
    AS(&s, NULL, out, "GET", "dp:seq");
    assert_denied("GET without AUTH", out, "NOAUTH");
    AS(&s, "docproc-api", out, "FLUSHALL");
    assert_denied("api FLUSHALL", out, "NOPERM");
    AS(&s, "docproc-api", out, "CONFIG", "SET", "dir", "/tmp");
    assert_denied("api CONFIG SET", out, "NOPERM");
    AS(&s, "docproc-api", out, "SHUTDOWN", "NOSAVE");
    assert_denied("api SHUTDOWN", out, "NOPERM");
    AS(&s, "docproc-api", out, "CLIENT", "KILL", "TYPE", "normal");
    assert_denied("api CLIENT KILL", out, "NOPERM");
    AS(&s, "docproc-api", out, "KEYS", "*");
    assert_denied("api KEYS", out, "NOPERM");
    AS(&s, "docproc-admin", out, "SHUTDOWN", "NOSAVE");
    assert_denied("admin SHUTDOWN", out, "NOPERM");
    AS(&s, "docproc-worker", out, "ACL", "SETUSER", "docproc-worker", "allkeys");
    assert_denied("worker ACL SETUSER", out, "NOPERM");
    /* the tenant's API key exists and the API reads it; the worker and webhookd may not */
    AS(&s, "docproc-admin", out, "SCAN", "0", "MATCH", "dp:key:*", "COUNT", "100000");
    ck_assert_str_eq(out, "(array 2)");
    redisContext *c = stack_redis_as(&s, s.redis_port, "docproc-admin");
    ck_assert_ptr_nonnull(c);
    redisReply *r = redisCommand(c, "SCAN 0 MATCH dp:key:* COUNT 100000");
    ck_assert(r && r->type == REDIS_REPLY_ARRAY && r->element[1]->elements == 2);
    snprintf(key, sizeof key, "%s", r->element[1]->element[0]->str);
    freeReplyObject(r);
    redisFree(c);
    AS(&s, "docproc-api", out, "HGET", key, "tenant");
    ck_assert(strcmp(out, "alpha") == 0 || strcmp(out, "beta") == 0);
    AS(&s, "docproc-worker", out, "HGET", key, "tenant");
    assert_denied("worker reads an API key", out, "NOPERM");
    AS(&s, "docproc-webhookd", out, "HGET", key, "tenant");
    assert_denied("webhookd reads an API key", out, "NOPERM");
    AS(&s, "docproc-worker", out, "HSET", key, "tenant", "alpha");
    assert_denied("worker writes an API key", out, "NOPERM");
    AS(&s, "docproc-webhookd", out, "GET", "dp:blob:doc_x");
    assert_denied("webhookd reads a file", out, "NOPERM");
    AS(&s, "docproc-webhookd", out, "HGET", "dp:cls:alpha:texts", "doc_x");
    assert_denied("webhookd reads training texts", out, "NOPERM");
    AS(&s, "docproc-worker", out, "HGET", "dp:cls:alpha:model", "version");
    ck_assert_str_eq(out, "(nil)"); /* the worker reads models */
    AS(&s, "docproc-worker", out, "HSET", "dp:cls:alpha:model", "version", "99");
    assert_denied("worker writes a model", out, "NOPERM");
    /* a script is refused when one of its keys is not the user's */
    AS(&s, "docproc-worker", out, "EVAL", "return redis.call('HGETALL', KEYS[1])", "1", key);
    assert_denied("worker EVAL on an API key", out, "NOPERM");

    /* ---- the pipeline, every program logged in as its own user ---- */
    snprintf(body, sizeof body,
             "{\"url\":\"http://127.0.0.1:%d/hook\",\"events\":[\"document.completed\","
             "\"batch.completed\"]}",
             rv.port);
    cJSON *j = NULL;
    ck_assert_int_eq(req(&s, "POST", "/v1/webhooks", body, &j), 201);
    cJSON_Delete(j);
    char ids[2][64];
    for (int i = 0; i < 2; i++) {
        char l1[64];
        snprintf(l1, sizeof l1, "Locked page %d", i + 1);
        const char *lines[] = {l1, "Invoice total 10.00 EUR"};
        unsigned char *png;
        size_t len;
        ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
        ck_assert_int_eq(stack_upload(&s, s.key, png, len, NULL, ids[i]), 202);
        free(png);
    }
    snprintf(body, sizeof body, "{\"documents\":[\"%s\",\"%s\"]}", ids[0], ids[1]);
    ck_assert_int_eq(req(&s, "POST", "/v1/batches", body, &j), 201);
    char bid[64];
    snprintf(bid, sizeof bid, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    for (int i = 0; i < 2; i++) {
        cJSON *d = stack_wait_doc(&s, s.key, ids[i], 120000);
        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(json_str(d, "status"), "done");
        ck_assert_msg(strstr(json_str(d, "text"), "Locked") != NULL, "text: %s",
                      json_str(d, "text"));
        cJSON_Delete(d);
    }
    /* webhookd delivered both documents and the batch (it counted them: batch_tick) */
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", bid);
    const char *batch[] = {"batch.completed", quoted, NULL};
    const char *docs[] = {"document.completed", NULL};
    for (int t = 0; t < 300 && (receiver_count(&rv, batch) < 1 || receiver_count(&rv, docs) < 2);
         t++)
        msleep(100);
    ck_assert_int_eq(receiver_count(&rv, batch), 1);
    ck_assert_int_ge(receiver_count(&rv, docs), 2);
    /* the admin CLI works as docproc-admin */
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "queue", NULL), 0);
    /* no program met a refusal on its way */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "grep -l -E 'NOPERM|NOAUTH|WRONGPASS' %s/*.log", s.dir);
    ck_assert_msg(system(cmd) != 0, "a program was refused by Redis (see %s)", s.dir);
    receiver_stop(&rv);
    stack_stop(&s);
}
END_TEST

/* A wrong or missing password stops a program at its start with a clear message. */
START_TEST(wrong_password_is_refused)
{
    struct stack s;
    struct stack_opts o = {.workers = 1, .acl = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    char out[1024], pf[256], port[32];
    snprintf(port, sizeof port, "--redis_port=%d", s.redis_port);
    ck_assert_int_ne(
        stack_run(&s, out, sizeof out, "docproc-admin", "--redis_password=nope", "queue", NULL), 0);
    snprintf(pf, sizeof pf, "--redis_password_file=%s/no-such-file", s.dir);
    ck_assert_int_ne(stack_run(&s, out, sizeof out, "docproc-admin", pf, "queue", NULL), 0);
    /* and the right one, as the environment gives it, is accepted */
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", port, "queue", NULL), 0);
    stack_stop(&s);
}
END_TEST

/* A Sentinel with a password (requirepass): docproc asks it for the master only after AUTH
 * sentinel_password (or the first line of sentinel_password_file); with another password (the
 * stack's environment names the generated sentinels.pass) or none it finds no master. */
START_TEST(sentinel_password_is_sent)
{
    struct stack s;
    struct stack_opts o = {.workers = -1, .acl = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    int port = harness_free_port();
    char conf[256], dir[192], line[512], out[1024];
    snprintf(dir, sizeof dir, "%s/sentinel", s.dir);
    snprintf(conf, sizeof conf, "%s/sentinel.conf", dir);
    snprintf(line, sizeof line, "mkdir -p %s", dir);
    ck_assert_int_eq(system(line), 0);
    FILE *f = fopen(conf, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "port %d\nbind 127.0.0.1\ndir %s\nrequirepass sentinel-secret\n"
            "sentinel monitor dpm 127.0.0.1 %d 1\n",
            port, dir, s.redis_port);
    fclose(f);
    char *argv[] = {"redis-server", conf, "--sentinel", NULL};
    pid_t pid = stack_spawn(&s, "sentinel.log", argv);
    ck_assert_int_gt(pid, 0);
    s.extra[s.n_extra++] = pid;
    ck_assert_int_eq(harness_wait_port(port, 10000), 0);
    char sentinels[64];
    snprintf(sentinels, sizeof sentinels, "--sentinels=127.0.0.1:%d", port);
    /* the Sentinel refuses a client without its password */
    redisContext *c = stack_redis_as(&s, port, NULL);
    ck_assert_ptr_nonnull(c);
    redisReply *r = redisCommand(c, "SENTINEL get-master-addr-by-name dpm");
    ck_assert(r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOAUTH", 6) == 0);
    freeReplyObject(r);
    redisFree(c);
    ck_assert_int_ne(stack_run(&s, out, sizeof out, "docproc-admin", "--sentinel_master=dpm",
                               sentinels, "queue", NULL),
                     0);
    ck_assert_int_ne(stack_run(&s, out, sizeof out, "docproc-admin", "--sentinel_master=dpm",
                               sentinels, "--sentinel_password=wrong", "queue", NULL),
                     0);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "--sentinel_master=dpm",
                               sentinels, "--sentinel_password=sentinel-secret", "queue", NULL),
                     0);
    /* from a file */
    char file[256], opt[300];
    snprintf(file, sizeof file, "%s/sentinel.pass", s.dir);
    f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("sentinel-secret\n", f);
    fclose(f);
    snprintf(opt, sizeof opt, "--sentinel_password_file=%s", file);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "--sentinel_master=dpm",
                               sentinels, opt, "queue", NULL),
                     0);
    snprintf(opt, sizeof opt, "--sentinel_password_file=%s/no-such-file", s.dir);
    ck_assert_int_ne(stack_run(&s, out, sizeof out, "docproc-admin", "--sentinel_master=dpm",
                               sentinels, opt, "queue", NULL),
                     0);
    ck_assert_int_ne(stack_run(&s, out, sizeof out, "docproc-admin", "--sentinel_master=dpm",
                               sentinels, "--sentinel_password_file=", "queue", NULL),
                     0);
    stack_stop(&s);
}
END_TEST

/* `docproc-admin restarted PROGRAM` (what make run's supervisor runs after a restart) counts in
 * KEYS_RESTARTS as docproc-admin; the API's user reads the count; the worker's user may not
 * write it; a name that is no program is refused and counts nothing. */
START_TEST(restart_counts_need_the_admin_user)
{
    struct stack s;
    struct stack_opts o = {.workers = -1, .acl = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    char out[1024], user[64], pass[300];
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "restarted", "worker", NULL),
                     0);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "restarted", "worker", NULL),
                     0);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "restarted", "api-1", NULL),
                     0);
    ck_assert_int_ne(
        stack_run(&s, out, sizeof out, "docproc-admin", "restarted", "Bad\"name", NULL), 0);
    ck_assert_int_ne(stack_run(&s, out, sizeof out, "docproc-admin", "restarted", NULL), 0);
    snprintf(user, sizeof user, "--redis_user=docproc-worker");
    snprintf(pass, sizeof pass, "--redis_password_file=%s/redis-auth/docproc-worker.pass", s.dir);
    ck_assert_int_ne(
        stack_run(&s, out, sizeof out, "docproc-admin", user, pass, "restarted", "worker", NULL),
        0);
    AS(&s, "docproc-api", out, "HGET", KEYS_RESTARTS, "worker");
    ck_assert_str_eq(out, "2");
    AS(&s, "docproc-api", out, "HLEN", KEYS_RESTARTS);
    ck_assert_str_eq(out, "2");
    AS(&s, "docproc-worker", out, "HGET", KEYS_RESTARTS, "worker");
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "worker reads restarts: %s", out);
    stack_stop(&s);
}
END_TEST

/* docproc_process_restarts_total{program="worker-child"} in the /metrics of the stack's API
 * process 0, -1 without that series or without an answer. */
static double child_restarts(const struct stack *s)
{
    char url[128];
    struct http_resp r;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", s->api_ports[0]);
    if (http_req("GET", url, NULL, NULL, NULL, 0, &r) != 0)
        return -1;
    double v =
        r.status == 200
            ? promtext_value(r.body, "docproc_process_restarts_total{program=\"worker-child\"}")
            : -1;
    http_resp_free(&r);
    return v;
}

/* Waits up to 60 s until child_restarts shows want; returns what it showed last. */
static double wait_child_restarts(const struct stack *s, double want)
{
    double v = -1;
    for (int t = 0; t < 120 && (v = child_restarts(s)) != want; t++)
        msleep(500);
    return v;
}

/* The children of the stack's worker supervisor, once there are want of them (up to 60 s: a
 * loaded machine starts them slowly); how many there were last. */
static int wait_children(const struct stack *s, pid_t *kids, int want)
{
    int n = 0;
    for (int t = 0; t < 600 && (n = stack_worker_children(s, kids, 8)) != want; t++)
        msleep(100);
    return n;
}

/* A child of `docproc-worker -j 2` killed with SIGKILL is started again by its supervisor, and
 * that restart is counted (logged in as docproc-worker, in the one key that user may write for
 * it): /metrics shows it as program "worker-child", once per restart; the worker's user still
 * cannot touch the supervisors' hash. */
START_TEST(worker_child_restarts_are_counted)
{
    struct stack s;
    struct stack_opts o = {.workers = 2, .acl = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    char out[256];
    pid_t kids[8];
    ck_assert_int_eq(wait_children(&s, kids, 2), 2);
    ck_assert_msg(child_restarts(&s) < 0, "a restart before any child died: %.0f",
                  child_restarts(&s));
    for (int round = 1; round <= 2; round++) {
        ck_assert_int_eq(wait_children(&s, kids, 2), 2);
        ck_assert_int_eq(kill(kids[0], SIGKILL), 0);
        double v = wait_child_restarts(&s, round);
        ck_assert_msg(v == round, "after %d kills /metrics shows %.0f worker-child restarts", round,
                      v);
        /* the supervisor started another child in its place */
        ck_assert_int_eq(wait_children(&s, kids, 2), 2);
    }
    AS(&s, "docproc-api", out, "GET", KEYS_RESTARTS_CHILD);
    ck_assert_str_eq(out, "2");
    AS(&s, "docproc-worker", out, "HINCRBY", KEYS_RESTARTS, "worker", "1");
    ck_assert_msg(strncmp(out, "NOPERM", 6) == 0, "worker wrote the supervisors' hash: %s", out);
    /* the whole worker stopping is no restart */
    stack_kill(&s.worker, SIGTERM);
    ck_assert_int_eq(stack_start_worker(&s, 2, NULL), 0);
    msleep(1500);
    ck_assert(child_restarts(&s) == 2);
    stack_stop(&s);
}
END_TEST

Suite *e2e_acl_suite(void)
{
    Suite *s = suite_create("e2e_acl");
    TCase *tc = tcase_create("acl");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, locked_redis_serves_the_pipeline);
    tcase_add_test(tc, wrong_password_is_refused);
    tcase_add_test(tc, sentinel_password_is_sent);
    tcase_add_test(tc, restart_counts_need_the_admin_user);
    tcase_add_test(tc, worker_child_restarts_are_counted);
    suite_add_tcase(s, tc);
    return s;
}
