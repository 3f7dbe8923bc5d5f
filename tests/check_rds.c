/* check_rds.c -- the Redis command layer: reply helpers and the argv builder (pure), and LOADING:
 * a Redis still loading its data is waited for by rds_command, rds_connect and docproc-admin,
 * not reported as an error (a throwaway redis-server that loads one key per millisecond). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apikey.h"
#include "config.h"
#include "harness.h"
#include "keys.h"
#include "rds.h"
#include "testutil.h"
#include "util.h"

/* ---- replies and the argv builder (pure) ---- */

/* A [k, v, k, v] array reply built by hand (strings only), for the helpers below. */
struct fake_reply {
    redisReply top, el[6];
    redisReply *ptrs[6];
};

static const redisReply *fake(struct fake_reply *f, const char *const *kv, size_t n)
{
    memset(f, 0, sizeof *f);
    f->top.type = REDIS_REPLY_ARRAY;
    f->top.elements = n;
    f->top.element = f->ptrs;
    for (size_t i = 0; i < n; i++) {
        f->el[i].type = REDIS_REPLY_STRING;
        f->el[i].str = (char *)kv[i];
        f->el[i].len = strlen(kv[i]);
        f->ptrs[i] = &f->el[i];
    }
    return &f->top;
}

START_TEST(reply_helpers)
{
    struct fake_reply f;
    const char *kv[] = {"url", "http://x/", "attempts", "12", "next", "12ab"};
    const redisReply *r = fake(&f, kv, 6);
    char out[16];
    ck_assert_ptr_eq(rds_field(r, "attempts"), &f.el[3]);
    ck_assert_ptr_null(rds_field(r, "http://x/")); /* values are not names */
    ck_assert_int_eq(rds_field_copy(r, "url", out, sizeof out), DP_OK);
    ck_assert_str_eq(out, "http://x/");
    ck_assert_int_eq(rds_field_copy(r, "missing", out, sizeof out), DP_OK);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(rds_field_copy(r, "url", out, 9), DP_ETOOBIG); /* never cut */
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(rds_field_ll(r, "attempts"), 12);
    ck_assert_int_eq(rds_field_ll(r, "next"), 0); /* not a number */
    ck_assert_int_eq(rds_field_ll(r, "missing"), 0);
    ck_assert_str_eq(rds_str(r, 1), "http://x/");
    ck_assert_ptr_null(rds_str(r, 6));
    ck_assert_int_eq(rds_int(r, 3, -1), 12);
    ck_assert_int_eq(rds_int(r, 0, -1), -1);
    char ids[2][8];
    size_t n = 0;
    const char *idv[] = {"a1", "much-too-long", "b2", "c3"};
    rds_ids(fake(&f, idv, 4), ids[0], sizeof ids[0], 2, &n);
    ck_assert_uint_eq(n, 2); /* the long one skipped, then the cap */
    ck_assert_str_eq(ids[0], "a1");
    ck_assert_str_eq(ids[1], "b2");
    redisReply loading = {.type = REDIS_REPLY_ERROR, .str = "LOADING Redis is loading"};
    ck_assert(rds_loading(&loading) && rds_failed(&loading) && !rds_loading(r));
}
END_TEST

START_TEST(cmd_builder_refuses_overflow)
{
    struct rds_cmd cmd;
    redisReply *r = (redisReply *)&cmd; /* must be reset to NULL */
    rds_cmd_init(&cmd);
    ck_assert_int_eq(rds_run(NULL, &cmd, &r), DP_EINVAL); /* empty */
    ck_assert_ptr_null(r);
    for (int i = 0; i < RDS_ARGS_MAX; i++)
        rds_cmd_ll(&cmd, i);
    ck_assert_str_eq(cmd.argv[RDS_ARGS_MAX - 1], "63");
    ck_assert_int_eq(rds_run(NULL, &cmd, &r), DP_EREDIS); /* full but fine: no connection */
    rds_cmd_str(&cmd, "one too many");
    ck_assert_int_eq(rds_run(NULL, &cmd, &r), DP_EINVAL);
    ck_assert_int_eq(rds_multi(NULL, &cmd, 1), DP_EINVAL);
}
END_TEST

/* Integer reply of a command, or -1. */
static long long ival(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return v;
}

/* ---- LOADING ---- */

/* (Re)starts s's redis-server on s->redis_port from its RDB file; with slow = 1 it loads one key
 * per millisecond and serves clients while it does, so a test can meet LOADING for seconds. */
static void start_rdb_redis(struct stack *s, int slow)
{
    const char *fast[] = {"--appendonly", "no", "--dbfilename", "dump.rdb", NULL};
    const char *loading[] = {"--appendonly",
                             "no",
                             "--dbfilename",
                             "dump.rdb",
                             "--key-load-delay",
                             "1000",
                             "--loading-process-events-interval-bytes",
                             "1024",
                             NULL};
    s->redis = stack_spawn_redis(s, s->redis_port, "redis", "redis.log", slow ? loading : fast);
    ck_assert_int_eq(harness_wait_port(s->redis_port, 10000), 0);
}

/* A connection that saw -LOADING (the server is really loading), or fails the test. */
static redisContext *loading_conn(const struct stack *s)
{
    redisContext *c = redisConnect("127.0.0.1", s->redis_port);
    ck_assert(c && !c->err);
    redisReply *r = redisCommand(c, "PING");
    ck_assert_msg(rds_loading(r), "redis answered %s, not LOADING", r ? r->str : "nothing");
    freeReplyObject(r);
    return c;
}

START_TEST(loading_means_retry_shortly)
{
    struct stack s;
    char out[256], port[32], akey[40];
    ck_assert_int_eq(stack_init(&s, NULL), 0);
    start_rdb_redis(&s, 0);
    redisContext *c = redisConnect("127.0.0.1", s.redis_port);
    ck_assert(c && !c->err);
    /* 3000 filler keys (test data outside docproc's layout) take 3 s to load slowly */
    freeReplyObject(redisCommand(
        c, "EVAL %s 0 3000", "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'x' .. i, i) end"));
    freeReplyObject(redisCommand(c, "SET %s here", KEYS_PROBE));
    ck_assert_int_eq(ival(c, "DBSIZE"), 3001);
    freeReplyObject(redisCommand(c, "SAVE"));
    redisFree(c);
    stack_kill(&s.redis, SIGTERM);

    /* a command on a connection made while loading waits and gets its answer */
    start_rdb_redis(&s, 1);
    c = loading_conn(&s);
    int64_t t0 = util_mono_ms();
    redisReply *r = rds_command(c, "GET %s", KEYS_PROBE);
    ck_assert(r && r->type == REDIS_REPLY_STRING);
    ck_assert_str_eq(r->str, "here");
    ck_assert(util_mono_ms() - t0 >= 100); /* it did wait */
    freeReplyObject(r);
    redisFree(c);
    stack_kill(&s.redis, SIGTERM);

    /* rds_connect waits for PONG */
    start_rdb_redis(&s, 1);
    redisFree(loading_conn(&s));
    struct dp_config cfg;
    char err[256] = "";
    config_defaults(&cfg);
    snprintf(cfg.redis_host, sizeof cfg.redis_host, "127.0.0.1");
    cfg.redis_port = s.redis_port;
    c = rds_connect(&cfg, err, sizeof err);
    ck_assert_msg(c != NULL, "rds_connect: %s", err);
    r = redisCommand(c, "PING");
    ck_assert(r && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    redisFree(c);
    stack_kill(&s.redis, SIGTERM);

    /* docproc-admin key store (make run's first step after starting Redis) */
    start_rdb_redis(&s, 1);
    redisFree(loading_conn(&s));
    snprintf(port, sizeof port, "--redis_port=%d", s.redis_port);
    ck_assert_int_eq(util_new_api_key(akey), DP_OK);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", port, "key", "store", akey,
                               "--tenant", "alpha", NULL),
                     0);
    c = redisConnect("127.0.0.1", s.redis_port);
    struct apikey_info info;
    ck_assert_int_eq(apikey_lookup(c, akey, &info), DP_OK);
    ck_assert_str_eq(info.tenant, "alpha");
    redisFree(c);
    stack_stop(&s);
}
END_TEST

Suite *rds_suite(void)
{
    Suite *s = suite_create("rds");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, reply_helpers);
    tcase_add_test(tc, cmd_builder_refuses_overflow);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("loading");
    tcase_set_timeout(tl, 90);
    tcase_add_test(tl, loading_means_retry_shortly);
    suite_add_tcase(s, tl);
    return s;
}
