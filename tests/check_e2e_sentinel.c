/* check_e2e_sentinel.c -- Redis failover through Sentinel, with real servers on loopback: a
 * master, one replica and one Sentinel (quorum 1); the API (behind nginx) and a worker know Redis
 * only through the sentinel (DOCPROC_REDIS_PORT points at a dead port). Documents go in and are
 * processed; the master is SIGKILLed; the sentinel promotes the replica; uploads go on (retried
 * through 502/503 with an Idempotency-Key) and are processed; and every document acknowledged
 * before the failover is still there.
 *
 * What asynchronous replication means: Redis acknowledges a write once the master has it and
 * ships it to replicas afterwards, so a write acknowledged in the last moment before the master
 * died can be missing on the promoted replica. With redis_wait_replicas = 0 (the default) a 202
 * therefore does not promise survival of a failover (only of a restart, by the AOF). This stack
 * runs with redis_wait_replicas = 1: the API sends WAIT 1 after storing an upload and answers
 * 503 instead of 202 when no replica confirmed it, so every 2xx below names a document that
 * reached the replica -- and the test requires all of them, including the ones uploaded right
 * up to the SIGKILL, to survive (lost = 0). It also sees the other side of WAIT: once the only
 * replica has become the master, uploads get 503 until the old master is back (as a replica).
 *
 * Everything is locked as config/redis-acl.sh says: each program logs in as its own ACL user, the
 * replica as docproc-replica, the Sentinel as docproc-sentinel (and requires a password itself);
 * a connection without credentials is answered NOAUTH by the primary, the replica and the
 * Sentinel, before and after the failover. */
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_sentinel.h"
#include "keys.h"
#include "rds.h"
#include "testutil.h"
#include "util.h"

#define MASTER_NAME "docproc"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

struct ports {
    int replica, sentinel;
};

static int replica_online(struct stack *s, int master_port)
{
    redisContext *c = stack_redis_as(s, master_port, "docproc-api"); /* INFO: api and sentinel */
    int ok = 0;
    if (c) {
        redisReply *r = redisCommand(c, "INFO replication");
        ok = r && r->type == REDIS_REPLY_STRING && strstr(r->str, "state=online") != NULL;
        freeReplyObject(r);
    }
    redisFree(c);
    return ok;
}

static int sentinel_knows_replica(struct stack *s, int sentinel_port)
{
    redisContext *c = stack_sentinel_as(s, "127.0.0.1", sentinel_port);
    int n = 0;
    if (c) {
        redisReply *r = redisCommand(c, "SENTINEL REPLICAS %s", MASTER_NAME);
        n = r && r->type == REDIS_REPLY_ARRAY ? (int)r->elements : 0;
        freeReplyObject(r);
    }
    redisFree(c);
    return n;
}

/* stack_opts.after_redis: the replica first (synced), then the sentinel, which learns of the
 * replica from the master's INFO. */
static int start_replica_and_sentinel(struct stack *s, void *arg)
{
    const struct ports *p = arg;
    if (stack_start_replica(s, p->replica))
        return -1;
    for (int t = 0; !replica_online(s, s->redis_port); t++)
        if (t > 100)
            return -1;
        else
            msleep(100);
    if (stack_start_sentinel(s, p->sentinel, MASTER_NAME))
        return -1;
    for (int t = 0; sentinel_knows_replica(s, p->sentinel) < 1; t++)
        if (t > 150)
            return -1;
        else
            msleep(100);
    return 0;
}

/* The reply to cmd (its error or status text, "(array)" or the integer) on a connection to
 * port with no credentials, into out. */
static const char *anonymous(int port, const char *cmd, char *out, size_t outsz)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    ck_assert(c && !c->err);
    redisReply *r = redisCommand(c, cmd);
    ck_assert_ptr_nonnull(r);
    if (r->type == REDIS_REPLY_INTEGER)
        snprintf(out, outsz, "%lld", r->integer);
    else
        snprintf(out, outsz, "%s", r->str ? r->str : "(array)");
    freeReplyObject(r);
    redisFree(c);
    return out;
}

/* Without credentials the Redis server on port answers NOAUTH to a read and a write; the
 * replication and Sentinel users, which need no key, get NOPERM for one. */
static void locked(struct stack *s, int port, const char *what)
{
    char out[256], cmd[128];
    snprintf(cmd, sizeof cmd, "GET %s", KEYS_STATS);
    ck_assert_msg(strncmp(anonymous(port, cmd, out, sizeof out), "NOAUTH", 6) == 0,
                  "%s (%d) without AUTH: %s", what, port, out);
    snprintf(cmd, sizeof cmd, "SET %s 1", KEYS_PROBE);
    ck_assert_msg(strncmp(anonymous(port, cmd, out, sizeof out), "NOAUTH", 6) == 0,
                  "%s (%d) without AUTH: %s", what, port, out);
    static const char *const keyless[] = {"docproc-replica", "docproc-sentinel"};
    for (size_t i = 0; i < 2; i++) {
        redisContext *c = stack_redis_as(s, port, keyless[i]);
        ck_assert_msg(c != NULL, "%s cannot log in to %s", keyless[i], what);
        redisReply *r = redisCommand(c, "HGETALL %s", KEYS_STATS);
        ck_assert(r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOPERM", 6) == 0);
        freeReplyObject(r);
        redisFree(c);
    }
}

/* The Sentinel answers NOAUTH without its password. */
static void sentinel_locked(int port)
{
    char out[256], cmd[128];
    snprintf(cmd, sizeof cmd, "SENTINEL get-master-addr-by-name %s", MASTER_NAME);
    ck_assert_msg(strncmp(anonymous(port, cmd, out, sizeof out), "NOAUTH", 6) == 0,
                  "sentinel without AUTH: %s", out);
}

/* One upload with an Idempotency-Key: the status (-1 when no response) and the id of a 2xx. */
static long upload_once(struct stack *s, const void *buf, size_t len, const char *ikey, char *id,
                        char *msg, size_t msgsz)
{
    char url[256], hk[128];
    snprintf(url, sizeof url, "%s/v1/documents", s->base);
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", ikey);
    const char *hdr[] = {hk, "Content-Type: application/octet-stream", NULL};
    struct http_resp r;
    long st = http_req("POST", url, s->key, hdr, buf, len, &r) == 0 ? r.status : -1;
    cJSON *j = http_json(&r);
    if (st == 202 || st == 200)
        snprintf(id, 64, "%s", json_str(j, "id"));
    if (msg)
        snprintf(msg, msgsz, "%s", json_str(j, "error.message"));
    cJSON_Delete(j);
    http_resp_free(&r);
    return st;
}

/* Retries through the failover (502/503/504, lost connections) until accepted. */
static long upload_until_accepted(struct stack *s, const void *buf, size_t len, const char *ikey,
                                  char *id, int *retries)
{
    for (int attempt = 0; attempt < 400; attempt++) {
        long st = upload_once(s, buf, len, ikey, id, NULL, 0);
        if (st == 202 || st == 200)
            return st;
        ck_assert_msg(st == -1 || st == 502 || st == 503 || st == 504, "upload got HTTP %ld", st);
        (*retries)++;
        msleep(100);
    }
    return -1;
}

static void make_doc(int i, unsigned char **png, size_t *len)
{
    char line[64];
    snprintf(line, sizeof line, "Failover document %d", i);
    const char *lines[] = {line, "replicated before the answer"};
    ck_assert_int_eq(fixture_png(lines, 2, png, len), DP_OK);
}

/* done/failed/missing counts of ids[0..n) through the API. */
static void wait_all(struct stack *s, char (*ids)[64], int n, int *done, int *missing)
{
    *done = *missing = 0;
    for (int i = 0; i < n; i++) {
        cJSON *d = stack_wait_doc(s, s->key, ids[i], 60000);
        if (!d)
            (*missing)++;
        else if (strcmp(json_str(d, "status"), "done") == 0)
            (*done)++;
        cJSON_Delete(d);
    }
}

START_TEST(failover_keeps_acknowledged_documents)
{
    enum { BEFORE = 6, LAST_MOMENT = 4, AFTER = 6, ALL = BEFORE + LAST_MOMENT + AFTER };
    struct ports p = {harness_free_port(), harness_free_port()};
    char sentinels[64], dead[48];
    snprintf(sentinels, sizeof sentinels, "DOCPROC_SENTINELS=127.0.0.1:%d", p.sentinel);
    snprintf(dead, sizeof dead, "DOCPROC_REDIS_PORT=%d", harness_free_port()); /* nobody there */
    const char *const env[] = {"DOCPROC_SENTINEL_MASTER=" MASTER_NAME,
                               sentinels,
                               dead,
                               "DOCPROC_REDIS_WAIT_REPLICAS=1",
                               "DOCPROC_REDIS_WAIT_TIMEOUT_MS=500",
                               "DOCPROC_REDIS_TIMEOUT_MS=1000",
                               "DOCPROC_VISIBILITY_TIMEOUT_MS=3000",
                               "DOCPROC_MAX_ATTEMPTS=10",
                               NULL};
    struct stack s;
    struct stack_opts o = {.workers = 1,
                           .env = env,
                           .after_redis = start_replica_and_sentinel,
                           .after_redis_arg = &p,
                           .acl = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    locked(&s, s.redis_port, "the primary");
    locked(&s, p.replica, "the replica");
    sentinel_locked(p.sentinel);
    static char ids[ALL][64];
    int retries = 0, done = 0, missing = 0;
    char ikey[32], role[32], msg[256];
    unsigned char *png;
    size_t len;
    int old_master = s.redis_port;

    /* 1. Normal service through the sentinel: accepted and processed. */
    for (int i = 0; i < BEFORE; i++) {
        make_doc(i, &png, &len);
        snprintf(ikey, sizeof ikey, "fo-%d", i);
        ck_assert_int_eq(upload_until_accepted(&s, png, len, ikey, ids[i], &retries), 202);
        free(png);
    }
    wait_all(&s, ids, BEFORE, &done, &missing);
    ck_assert_int_eq(done, BEFORE);

    /* 2. Uploads acknowledged in the last moment, then the master dies without a goodbye. */
    for (int i = BEFORE; i < BEFORE + LAST_MOMENT; i++) {
        make_doc(i, &png, &len);
        snprintf(ikey, sizeof ikey, "fo-%d", i);
        ck_assert_int_eq(upload_until_accepted(&s, png, len, ikey, ids[i], &retries), 202);
        free(png);
    }
    stack_kill(&s.redis, SIGKILL);
    int64_t t0 = util_mono_ms();

    /* 3. The sentinel promotes the replica. */
    while (sentinel_master_port(&s, p.sentinel, MASTER_NAME) != p.replica &&
           util_mono_ms() - t0 < 20000)
        msleep(50);
    int64_t failover_ms = util_mono_ms() - t0;
    ck_assert_int_eq(sentinel_master_port(&s, p.sentinel, MASTER_NAME), p.replica);
    ck_assert_str_eq(redis_role(&s, p.replica, role, sizeof role), "master");

    /* 4. The new master has no replica: WAIT 1 cannot be satisfied, so no 202 -- a 503 that says
     * the document was stored but not confirmed. */
    make_doc(BEFORE + LAST_MOMENT, &png, &len);
    char scratch[64];
    long st = -1;
    for (int t = 0; t < 100 && st != 503; t++) { /* the API may first answer from a dead link */
        st = upload_once(&s, png, len, "fo-unconfirmed", scratch, msg, sizeof msg);
        ck_assert_msg(st != 202 && st != 200, "upload acknowledged without a replica");
        if (st != 503 || !strstr(msg, "replica"))
            st = -1, msleep(100);
    }
    free(png);
    ck_assert_int_eq(st, 503);

    /* 5. The old master comes back; the sentinel turns it into a replica of the new master. */
    ck_assert_int_eq(stack_start_redis(&s), 0);
    int64_t t1 = util_mono_ms();
    while (strcmp(redis_role(&s, old_master, role, sizeof role), "slave") != 0 &&
           util_mono_ms() - t1 < 25000)
        msleep(100);
    int64_t rejoin_ms = util_mono_ms() - t1;
    ck_assert_str_eq(role, "slave");
    locked(&s, p.replica, "the promoted replica");
    locked(&s, old_master, "the old primary, now a replica");
    /* What a connection still held to it would now see: READONLY, which rds turns into a
     * broken connection, so the programs' reconnect path re-resolves through the sentinel. */
    redisContext *held = stack_redis_as(&s, old_master, "docproc-api");
    ck_assert_ptr_nonnull(held);
    const char *set[] = {"SET", KEYS_PROBE, "1"};
    redisReply *rep = rds_cmdv(held, 3, set, NULL);
    ck_assert(rep && rep->type == REDIS_REPLY_ERROR && strncmp(rep->str, "READONLY", 8) == 0);
    ck_assert_int_ne(held->err, 0);
    freeReplyObject(rep);
    redisFree(held);

    /* 6. Uploads go on (retrying 503 while the new replica syncs) and are processed. */
    for (int i = BEFORE + LAST_MOMENT; i < ALL; i++) {
        make_doc(i, &png, &len);
        snprintf(ikey, sizeof ikey, i == BEFORE + LAST_MOMENT ? "fo-unconfirmed" : "fo-%d", i);
        long rs = upload_until_accepted(&s, png, len, ikey, ids[i], &retries);
        ck_assert(rs == 202 || rs == 200);
        free(png);
    }

    /* 7. Everything acknowledged -- before, in the last moment, after -- is there and done. */
    wait_all(&s, ids, ALL, &done, &missing);
    fprintf(stderr,
            "sentinel: failover %lld ms (SIGKILL to promoted), old master back as replica in "
            "%lld ms; acknowledged %d, done %d, lost %d; upload retries %d\n",
            (long long)failover_ms, (long long)rejoin_ms, ALL, done, missing, retries);
    ck_assert_int_eq(missing, 0);
    ck_assert_int_eq(done, ALL);
    stack_stop(&s);
}
END_TEST

Suite *e2e_sentinel_suite(void)
{
    Suite *s = suite_create("e2e_sentinel");
    TCase *tc = tcase_create("sentinel");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, failover_keeps_acknowledged_documents);
    suite_add_tcase(s, tc);
    return s;
}
