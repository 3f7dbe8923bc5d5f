/* check_e2e_cluster.c -- docproc across hosts: every program on a "host" of its own (a network
 * namespace with its own address, see harness_netns.h), reaching Redis only through the
 * Sentinels' answer, exactly as on separate machines:
 *
 *   h0 Redis primary   h1 Redis replica   h2-h4 Sentinels (quorum 2)
 *   h5, h6 API hosts (two docproc-api processes each)   h7 nginx balancing over the four
 *   h8-h10 worker hosts (docproc-worker -j 1 each)      h11 docproc-webhookd
 *
 * The test itself is the client (and the webhook receiver) on 198.18.<n>.1. It measures pages/s
 * with 1, 2 and 3 worker hosts; cuts one worker host's cable while it holds a job (the job is
 * reclaimed and finished elsewhere); SIGKILLs the Redis primary under a steady upload load
 * (uploads resume, no document acknowledged with redis_wait_replicas = 1 is lost); and kills one
 * API host (nginx routes around it). `make test-cluster` runs it alone; it needs root.
 *
 * Redis is locked as config/redis-acl.sh says, on every host: each program logs in as its own
 * ACL user, the replica (and the old primary once demoted) as docproc-replica, the Sentinels as
 * docproc-sentinel, and the Sentinels require their own password; a client without credentials
 * gets NOAUTH from the primary, the replica and each Sentinel, before and after the failover. */
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fixtures.h"
#include "harness.h"
#include "harness_cluster.h"
#include "harness_receiver.h"
#include "keys.h"
#include "testutil.h"
#include "util.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The answer (error or status text) of the server at addr:port to cmd sent without
 * credentials, into out. */
static const char *anonymous(const char *addr, int port, const char *cmd, char *out, size_t sz)
{
    struct timeval tv = {2, 0};
    redisContext *r = redisConnectWithTimeout(addr, port, tv);
    redisReply *rep = r && !r->err ? redisCommand(r, cmd) : NULL;
    snprintf(out, sz, "%s", rep && rep->str ? rep->str : rep ? "(not an error)" : "(no answer)");
    freeReplyObject(rep);
    redisFree(r);
    return out;
}

/* Without credentials, both Redis servers and every Sentinel answer NOAUTH. */
static void all_locked(struct cluster *c, const char *when)
{
    char out[256], cmd[128];
    snprintf(cmd, sizeof cmd, "HGETALL %s", KEYS_STATS);
    for (int i = 0; i < 2; i++)
        ck_assert_msg(
            strncmp(anonymous(c->lab.addr[H_REDIS1 + i], REDIS_PORT, cmd, out, sizeof out),
                    "NOAUTH", 6) == 0,
            "%s: Redis on h%d without credentials: %s", when, i, out);
    for (int h = H_SENT1; h <= H_SENT3; h++)
        ck_assert_msg(
            strncmp(anonymous(c->lab.addr[h], SENTINEL_PORT,
                              "SENTINEL get-master-addr-by-name " MASTER, out, sizeof out),
                    "NOAUTH", 6) == 0,
            "%s: sentinel h%d without credentials: %s", when, h, out);
}

/* The master's address as sentinel h sees it, into out ("" when unknown). */
static long upload(struct cluster *c, const void *buf, size_t len, const char *ikey, char *id)
{
    char url[256], hk[128];
    snprintf(url, sizeof url, "%s/v1/documents", c->s.base);
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", ikey ? ikey : "");
    const char *hdr[] = {ikey ? hk : "X-No-Key: 1", "Content-Type: application/octet-stream", NULL};
    struct http_resp r;
    long st = http_req("POST", url, c->s.key, hdr, buf, len, &r) == 0 ? r.status : -1;
    cJSON *j = http_json(&r);
    if ((st == 202 || st == 200) && id)
        snprintf(id, 64, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    http_resp_free(&r);
    return st;
}

/* Retries through failures that a client with an Idempotency-Key may retry. */
static long upload_retry(struct cluster *c, const void *buf, size_t len, const char *ikey, char *id,
                         int *retries)
{
    for (int a = 0; a < 600; a++) {
        long st = upload(c, buf, len, ikey, id);
        if (st == 202 || st == 200)
            return st;
        ck_assert_msg(st == -1 || st == 502 || st == 503 || st == 504, "upload got HTTP %ld", st);
        (*retries)++;
        msleep(100);
    }
    return -1;
}

static void page(const char *what, int i, unsigned char **buf, size_t *len)
{
    char l1[64], l2[64];
    snprintf(l1, sizeof l1, "Cluster %s document %d", what, i);
    snprintf(l2, sizeof l2, "Invoice number CL-%04d total 12.50 EUR", i);
    const char *lines[] = {l1, l2, "Thank you for your business"};
    ck_assert_int_eq(fixture_png(lines, 3, buf, len), DP_OK);
}

/* Waits for ids[0..n) to end; returns how many ended done (missing ones count in *missing). */
static int wait_done(struct cluster *c, char (*ids)[64], int n, int timeout_ms, int *missing)
{
    int done = 0;
    *missing = 0;
    int64_t t0 = util_mono_ms();
    for (int i = 0; i < n; i++) {
        int left = timeout_ms - (int)(util_mono_ms() - t0);
        cJSON *d = stack_wait_doc(&c->s, c->s.key, ids[i], left > 1000 ? left : 1000);
        if (!d)
            (*missing)++;
        else if (strcmp(json_str(d, "status"), "done") == 0)
            done++;
        cJSON_Delete(d);
    }
    return done;
}

/* Which consumer holds a pending job, and that job's document, from the current master. */
static int pending_of(struct cluster *c, const char *master, const char *needle, char *doc,
                      size_t docsz)
{
    redisContext *r = cluster_redis_as(c, master, REDIS_PORT, "docproc-admin");
    int found = 0;
    redisReply *p = r ? redisCommand(r, "XPENDING %s %s - + 50", KEYS_JOBS, KEYS_JOBS_GROUP) : NULL;
    for (size_t i = 0; p && p->type == REDIS_REPLY_ARRAY && i < p->elements && !found; i++) {
        redisReply *e = p->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 || !strstr(e->element[1]->str, needle))
            continue;
        redisReply *x =
            redisCommand(r, "XRANGE %s %s %s", KEYS_JOBS, e->element[0]->str, e->element[0]->str);
        if (x && x->type == REDIS_REPLY_ARRAY && x->elements == 1) {
            redisReply *f = x->element[0]->element[1];
            for (size_t k = 0; k + 1 < f->elements; k += 2)
                if (strcmp(f->element[k]->str, "doc") == 0) {
                    snprintf(doc, docsz, "%s", f->element[k + 1]->str);
                    found = 1;
                }
        }
        freeReplyObject(x);
    }
    freeReplyObject(p);
    if (r)
        redisFree(r);
    return found;
}

START_TEST(cluster_across_hosts)
{
    static struct cluster c;
    char why[128];
    if (!netlab_available(why, sizeof why)) {
        /* A machine that cannot make namespaces (not root, a chroot) cannot host this test:
         * it says so loudly; `make test-cluster` (DOCPROC_REQUIRE_NETNS=1) fails instead. */
        fprintf(stderr, "e2e_cluster: NOT RUN: %s\n", why);
        ck_assert_msg(!getenv("DOCPROC_REQUIRE_NETNS"),
                      "e2e_cluster needs network namespaces: %s (run as root)", why);
        return;
    }
    ck_assert_int_eq(cluster_start(&c), 0);
    all_locked(&c, "at start");
    struct receiver rv;
    ck_assert_int_eq(receiver_start(&rv, "0.0.0.0"), 0);
    char url[256], body[256];
    snprintf(url, sizeof url, "%s/v1/webhooks", c.s.base);
    char addr1[32];
    snprintf(addr1, sizeof addr1, "198.18.%d.1", c.lab.subnet);
    snprintf(body, sizeof body,
             "{\"url\":\"http://%s:%d/hook\",\"events\":[\"document.completed\"]}", addr1, rv.port);
    const char *jh[] = {"Content-Type: application/json", NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, c.s.key, jh, body, strlen(body), &r), 0);
    ck_assert_msg(r.status == 201 || r.status == 200, "webhook create %ld: %s", r.status, r.body);
    http_resp_free(&r);

    /* 1. Throughput with 1, 2 and 3 worker hosts: the same number of pages each time. */
    enum { PER_ROUND = 12 };
    double rate[3];
    static char ids[PER_ROUND * 3][64];
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(cluster_start_worker_host(&c, k), 0);
        msleep(1500); /* the new host's Tesseract is ready */
        unsigned char *png[PER_ROUND];
        size_t len[PER_ROUND];
        for (int i = 0; i < PER_ROUND; i++)
            page("scaling", k * PER_ROUND + i, &png[i], &len[i]);
        int64_t t0 = util_mono_ms();
        for (int i = 0; i < PER_ROUND; i++) {
            char ik[32];
            snprintf(ik, sizeof ik, "sc-%d-%d", k, i);
            int retries = 0;
            ck_assert_int_eq(upload_retry(&c, png[i], len[i], ik, ids[k * PER_ROUND + i], &retries),
                             202);
            free(png[i]);
        }
        int missing;
        int done = wait_done(&c, ids + k * PER_ROUND, PER_ROUND, 120000, &missing);
        rate[k] = PER_ROUND * 1000.0 / (double)(util_mono_ms() - t0);
        ck_assert_int_eq(done, PER_ROUND);
    }

    /* 2. A worker host loses its cable while it holds a job: the job is reclaimed after the
     * visibility timeout and finished by another host. */
    enum { CUT_DOCS = 9 };
    static char cut_ids[CUT_DOCS][64];
    char held_doc[64] = "", master[32];
    for (int i = 0; i < CUT_DOCS; i++) {
        unsigned char *png;
        size_t len;
        page("cut", i, &png, &len);
        char ik[32];
        snprintf(ik, sizeof ik, "cut-%d", i);
        int retries = 0;
        ck_assert_int_eq(upload_retry(&c, png, len, ik, cut_ids[i], &retries), 202);
        free(png);
    }
    /* Whichever worker host is first seen holding a job loses its cable. A job finished in the
     * instant between being seen held and the cut proves nothing: then the cable goes back and
     * another held job is chosen. */
    int cut = -1;
    int64_t t_cut = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        cut = -1;
        int64_t t0 = util_mono_ms();
        while (cut < 0 && util_mono_ms() - t0 < 30000) {
            cluster_sentinel_master(&c, H_SENT1, master, sizeof master);
            for (int k = 0; k < 3 && cut < 0; k++) {
                char needle[32];
                snprintf(needle, sizeof needle, "-%d-", (int)c.worker[k]);
                if (pending_of(&c, master, needle, held_doc, sizeof held_doc))
                    cut = k;
            }
            if (cut < 0)
                msleep(10);
        }
        ck_assert_msg(cut >= 0, "no worker host was ever seen holding a job");
        ck_assert_int_eq(netlab_link(&c.lab, H_W1 + cut, 0), 0);
        t_cut = util_mono_ms();
        cJSON *now = stack_wait_doc(&c.s, c.s.key, held_doc, 0);
        int ended = now && strcmp(json_str(now, "status"), "done") == 0;
        cJSON_Delete(now);
        if (!ended)
            break;
        ck_assert_int_eq(netlab_link(&c.lab, H_W1 + cut, 1), 0);
    }
    cJSON *d = stack_wait_doc(&c.s, c.s.key, held_doc, 90000);
    int64_t reclaim_ms = util_mono_ms() - t_cut;
    ck_assert_msg(d != NULL, "the job held by the cut host never finished");
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert_int_ge((int)json_num(d, "attempts"), 2);
    cJSON_Delete(d);
    int missing;
    ck_assert_int_eq(wait_done(&c, cut_ids, CUT_DOCS, 90000, &missing), CUT_DOCS);
    ck_assert_int_eq(netlab_link(&c.lab, H_W1 + cut, 1), 0); /* cable back: it rejoins */

    /* 3. The Redis primary is SIGKILLed under a steady upload load; a supervisor (as systemd's
     * Restart= would) brings it back 3 s later, and the sentinels make it a replica. */
    enum { FO_DOCS = 24, KILL_AT = 6 };
    static char fo_ids[FO_DOCS][64];
    int retries = 0;
    int64_t t_kill = 0, t_resume = 0, t_restart = 0;
    for (int i = 0; i < FO_DOCS; i++) {
        unsigned char *png;
        size_t len;
        page("failover", i, &png, &len);
        char ik[32];
        snprintf(ik, sizeof ik, "fo-%d", i);
        if (i == KILL_AT) {
            kill(c.redis[0], SIGKILL);
            t_kill = util_mono_ms();
        }
        for (int a = 0; a < 600; a++) {
            if (t_kill && !t_restart && util_mono_ms() - t_kill > 3000) {
                ck_assert_int_eq(cluster_start_redis(&c, 0), 0);
                t_restart = util_mono_ms();
            }
            long st = upload(&c, png, len, ik, fo_ids[i]);
            if (st == 202 || st == 200)
                break;
            ck_assert_msg(st == -1 || st == 502 || st == 503 || st == 504, "upload got %ld", st);
            retries++;
            fo_ids[i][0] = '\0';
            msleep(100);
        }
        ck_assert_msg(fo_ids[i][0], "upload %d never accepted", i);
        if (i == KILL_AT)
            t_resume = util_mono_ms();
        free(png);
    }
    int64_t resume_ms = t_resume - t_kill;
    int fo_done = wait_done(&c, fo_ids, FO_DOCS, 120000, &missing);
    ck_assert_int_eq(missing, 0);
    ck_assert_int_eq(fo_done, FO_DOCS);
    ck_assert_int_lt(resume_ms, 30000);
    if (!t_restart) /* every upload was in before its supervisor would restart it */
        ck_assert_int_eq(cluster_start_redis(&c, 0), 0);
    all_locked(&c, "after the failover"); /* the old primary is back, a replica now */

    /* 4. One API host dies: nginx routes around it. Every upload (first try, with an
     * Idempotency-Key) is accepted. */
    enum { API_DOCS = 10 };
    static char api_ids[API_DOCS][64];
    for (int p = 0; p < 2; p++)
        kill(c.api[0][p], SIGKILL);
    int api_ok = 0;
    for (int i = 0; i < API_DOCS; i++) {
        unsigned char *png;
        size_t len;
        page("api", i, &png, &len);
        char ik[32];
        snprintf(ik, sizeof ik, "api-%d", i);
        long st = upload(&c, png, len, ik, api_ids[i]);
        api_ok += st == 202;
        free(png);
    }
    ck_assert_int_eq(api_ok, API_DOCS);
    ck_assert_int_eq(wait_done(&c, api_ids, API_DOCS, 90000, &missing), API_DOCS);

    /* 5. The webhook host delivered signed document.completed events across hosts. */
    const char *completed[] = {"document.completed", NULL};
    const char *signed_completed[] = {"document.completed", "webhook-signature: v1,", NULL};
    for (int t = 0; t < 100 && receiver_count(&rv, completed) < 10; t++)
        msleep(100);
    int got = receiver_count(&rv, completed), got_signed = receiver_count(&rv, signed_completed);
    receiver_stop(&rv);

    fprintf(stderr,
            "cluster: pages/s with 1, 2, 3 worker hosts: %.2f, %.2f, %.2f (x%.2f, x%.2f); "
            "cut worker host: held job done %lld ms after the cut (visibility 4000 ms); "
            "Redis primary SIGKILL: uploads resumed after %lld ms, acknowledged %d, lost %d, "
            "upload retries %d; API host killed: %d/%d accepted first try; webhooks received %d "
            "(%d signed)\n",
            rate[0], rate[1], rate[2], rate[1] / rate[0], rate[2] / rate[0], (long long)reclaim_ms,
            (long long)resume_ms, FO_DOCS, missing, retries, api_ok, API_DOCS, got, got_signed);
    ck_assert_int_ge(got, 1);
    ck_assert_int_eq(got_signed, got);
    cluster_stop(&c);
}
END_TEST

Suite *e2e_cluster_suite(void)
{
    Suite *s = suite_create("e2e_cluster");
    TCase *tc = tcase_create("cluster");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, cluster_across_hosts);
    suite_add_tcase(s, tc);
    return s;
}
