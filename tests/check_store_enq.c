/* check_store_enq.c -- the enqueue in steps (store_enq_*, what the API's group commit pipelines)
 * against a throwaway redis-server: several uploads appended on one connection and read back in
 * order each get their own answer, also when one needs further rounds (an Idempotency-Key
 * already used: a replay, a conflict) or when Redis does not know the script (NOSCRIPT: run
 * again with EVAL), and nothing is stored twice or left half-written. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "keys.h"
#include "rds.h"
#include "store.h"
#include "testutil.h"
#include "util.h"

static struct stack st;

static void setup(void)
{
    ck_assert_msg(stack_redis_only(&st) == 0, "redis-server did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static redisContext *rc(void)
{
    redisContext *c = stack_redis_plain(&st, 1);
    ck_assert_ptr_nonnull(c);
    return c;
}

static long long ival(redisContext *c, const char *cmd, const char *key)
{
    redisReply *r = redisCommand(c, "%s %s", cmd, key);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return v;
}

/* How many keys match keys_blob(pattern) / keys_doc(pattern). */
static size_t nkeys(redisContext *c, int blob)
{
    char k[KEYS_MAX];
    ck_assert_int_eq(blob ? keys_blob(k, "*") : keys_doc(k, "*"), DP_OK);
    redisReply *r = redisCommand(c, "KEYS %s", k);
    size_t n = r && r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
    freeReplyObject(r);
    return n;
}

/* The stored bytes of document id are `want`. */
static void blob_is(redisContext *c, const char *id, const char *want)
{
    char k[KEYS_MAX];
    ck_assert_int_eq(keys_blob(k, id), DP_OK);
    redisReply *r = redisCommand(c, "GET %s", k);
    ck_assert_msg(r && r->type == REDIS_REPLY_STRING, "no blob for %s", id);
    ck_assert_uint_eq(r->len, strlen(want));
    ck_assert(memcmp(r->str, want, r->len) == 0);
    freeReplyObject(r);
}

/* One upload as the tests send it. */
struct up {
    const char *bytes, *idem;
    struct store_enq *e;
    redisReply *record;
    dp_err rc;
    int replayed;
    char id[UTIL_ID_MAX], err[256];
};

/* Prepares, appends and reads ups[0..n) on c as one pipeline, then finishes each. */
static void pipeline(redisContext *c, struct up *ups, size_t n)
{
    static struct quota_limits none = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        struct store_upload u = {.tenant = "alpha",
                                 .data = (const unsigned char *)ups[i].bytes,
                                 .len = strlen(ups[i].bytes),
                                 .mime = "image/png",
                                 .idem_key = ups[i].idem,
                                 .max_queue = 100,
                                 .idem_ttl_s = 3600,
                                 .quota = &none,
                                 .record = &ups[i].record};
        ups[i].record = NULL;
        ck_assert_int_eq(store_enq_new(&u, &ups[i].e), DP_OK);
    }
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(store_enq_append(c, ups[i].e), DP_OK);
    for (size_t i = 0; i < n; i++)
        store_enq_read(c, ups[i].e);
    for (size_t i = 0; i < n; i++) {
        ups[i].id[0] = '\0';
        ups[i].rc = store_enq_finish(c, ups[i].e, ups[i].id, &ups[i].replayed, ups[i].err,
                                     sizeof ups[i].err);
        store_enq_free(ups[i].e);
        ups[i].e = NULL;
    }
}

START_TEST(pipelined_uploads_each_get_their_answer)
{
    redisContext *c = rc();
    /* an earlier upload under Idempotency-Key k1 */
    struct up first = {.bytes = "first bytes", .idem = "k1"};
    pipeline(c, &first, 1);
    ck_assert_int_eq(first.rc, DP_OK);
    ck_assert(first.record != NULL);
    /* four at once: new; k1 again with its bytes (replay, a second round); k1 with other bytes
     * (conflict, a second round); a new key */
    struct up ups[4] = {{.bytes = "second bytes"},
                        {.bytes = "first bytes", .idem = "k1"},
                        {.bytes = "other bytes", .idem = "k1"},
                        {.bytes = "fourth bytes", .idem = "k2"}};
    pipeline(c, ups, 4);
    ck_assert_int_eq(ups[0].rc, DP_OK);
    ck_assert_int_eq(ups[0].replayed, 0);
    ck_assert(ups[0].record != NULL);
    ck_assert_int_eq(ups[1].rc, DP_OK);
    ck_assert_int_eq(ups[1].replayed, 1);
    ck_assert_str_eq(ups[1].id, first.id);
    ck_assert(ups[1].record == NULL); /* a replay is answered from the record as it is now */
    ck_assert_int_eq(ups[2].rc, DP_ECONFLICT);
    ck_assert_str_eq(ups[2].id, first.id);
    ck_assert_int_eq(ups[3].rc, DP_OK);
    ck_assert_int_eq(ups[3].replayed, 0);
    /* three documents, each with its own bytes and its own job; nothing of the other two */
    ck_assert_str_ne(ups[0].id, first.id);
    ck_assert_str_ne(ups[3].id, first.id);
    ck_assert_str_ne(ups[0].id, ups[3].id);
    blob_is(c, first.id, "first bytes");
    blob_is(c, ups[0].id, "second bytes");
    blob_is(c, ups[3].id, "fourth bytes");
    ck_assert_uint_eq(nkeys(c, 1), 3);
    ck_assert_uint_eq(nkeys(c, 0), 3);
    ck_assert_int_eq(ival(c, "XLEN", KEYS_JOBS), 3);
    /* the record handed back is the one stored */
    const redisReply *sha = rds_field(ups[0].record, "sha256");
    char want[UTIL_SHA256_HEX];
    util_sha256_hex("second bytes", strlen("second bytes"), want);
    ck_assert(sha && sha->type == REDIS_REPLY_STRING);
    ck_assert_str_eq(sha->str, want);
    for (int i = 0; i < 4; i++)
        freeReplyObject(ups[i].record);
    freeReplyObject(first.record);
    redisFree(c);
}
END_TEST

START_TEST(pipelined_uploads_after_script_flush)
{
    redisContext *c = rc();
    /* Redis forgot its scripts (a restart, a failover): every EVALSHA of the pipeline meets
     * NOSCRIPT after its SET and HSET ran; each upload is then run again with EVAL */
    freeReplyObject(redisCommand(c, "SCRIPT FLUSH"));
    struct up ups[3] = {{.bytes = "one"}, {.bytes = "two"}, {.bytes = "three"}};
    pipeline(c, ups, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(ups[i].rc == DP_OK, "upload %d: %s", i, ups[i].err);
        ck_assert(ups[i].record != NULL);
        freeReplyObject(ups[i].record);
    }
    blob_is(c, ups[0].id, "one");
    blob_is(c, ups[1].id, "two");
    blob_is(c, ups[2].id, "three");
    ck_assert_uint_eq(nkeys(c, 1), 3);
    ck_assert_int_eq(ival(c, "XLEN", KEYS_JOBS), 3); /* each queued once */
    redisFree(c);
}
END_TEST

START_TEST(pipeline_on_a_dead_connection)
{
    redisContext *c = rc();
    struct up ups[2] = {{.bytes = "one"}, {.bytes = "two"}};
    stack_kill(&st.redis, SIGKILL); /* the replies never come */
    pipeline(c, ups, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(ups[i].rc, DP_EREDIS);
        ck_assert(ups[i].record == NULL);
    }
    redisFree(c);
}
END_TEST

Suite *store_enq_suite(void)
{
    Suite *s = suite_create("store_enq");
    TCase *tc = tcase_create("pipelined");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pipelined_uploads_each_get_their_answer);
    tcase_add_test(tc, pipelined_uploads_after_script_flush);
    tcase_add_test(tc, pipeline_on_a_dead_connection);
    suite_add_tcase(s, tc);
    return s;
}
