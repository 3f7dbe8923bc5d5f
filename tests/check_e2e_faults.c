/* check_e2e_faults.c -- "nothing accepted is ever lost", proved against real processes:
 * worker SIGKILLs, a Redis SIGKILL + restart (AOF), an API kill + restart, a poison document,
 * deadlines, SIGTERM hand-back, idempotency keys, the queue bound and Redis outages.
 * Each test runs its own stack: it kills and restarts pieces of it. */
#include <hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "keys.h"
#include "testutil.h"

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static redisContext *redis_of(const struct stack *s)
{
    redisContext *c = redisConnect("127.0.0.1", s->redis_port);
    ck_assert_msg(c && !c->err, "test cannot reach redis");
    return c;
}

/* An integer reply of command `cmd key`. */
static long long redis_int(redisContext *c, const char *cmd, const char *key)
{
    redisReply *r = redisCommand(c, "%s %s", cmd, key);
    long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return v;
}

/* Uploads with an Idempotency-Key, retrying through outages (502/503, lost connections) until
 * the document is accepted; the key makes a retry of a request that did land return the same
 * document instead of a second one. Returns the final status (202 or 200), or -1. */
static long upload_until_accepted(struct stack *s, const void *buf, size_t len, const char *ikey,
                                  const char *query, char *id, int *retries)
{
    char url[256], hk[128];
    snprintf(url, sizeof url, "%s/v1/documents%s%s", s->base, query ? "?" : "", query ? query : "");
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", ikey);
    const char *hdr[] = {hk, "Content-Type: application/octet-stream", NULL};
    for (int attempt = 0; attempt < 300; attempt++) {
        struct http_resp r;
        int rc = http_req("POST", url, s->key, hdr, buf, len, &r);
        long st = rc == 0 ? r.status : -1;
        if (st == 202 || st == 200) {
            cJSON *j = http_json(&r);
            snprintf(id, 64, "%s", json_str(j, "id"));
            cJSON_Delete(j);
            http_resp_free(&r);
            return st;
        }
        http_resp_free(&r);
        ck_assert_msg(st == -1 || st == 502 || st == 503 || st == 504, "upload got HTTP %ld", st);
        (*retries)++;
        msleep(100);
    }
    return -1;
}

static int count_done_outcomes(const char *history)
{
    cJSON *h = cJSON_Parse(history);
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, h)
    {
        n += strcmp(json_str(e, "outcome"), "done") == 0;
    }
    cJSON_Delete(h);
    return n;
}

static void kill_one_worker_child(struct stack *s, int *kills)
{
    pid_t kids[16];
    int n = stack_worker_children(s, kids, 16);
    if (n > 0) {
        kill(kids[0], SIGKILL);
        (*kills)++;
    }
}

START_TEST(nothing_lost_through_kills_and_restarts)
{
    enum { NDOCS = 120 };
    static const char *const env[] = {"DOCPROC_VISIBILITY_TIMEOUT_MS=3000",
                                      "DOCPROC_MAX_ATTEMPTS=10", NULL};
    struct stack s;
    struct stack_opts o = {.n_api = 2, .workers = 2, .env = env, .appendfsync = "always"};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    static char ids[NDOCS][64];
    int kills = 0, redis_restarts = 0, api_restarts = 0, retries = 0;
    for (int i = 0; i < NDOCS; i++) {
        char line[64], ikey[32];
        snprintf(line, sizeof line, "Fault test document %d", i);
        const char *lines[] = {line, "nothing accepted is ever lost"};
        unsigned char *png;
        size_t len;
        ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
        snprintf(ikey, sizeof ikey, "fault-%d", i);
        ck_assert(upload_until_accepted(&s, png, len, ikey, NULL, ids[i], &retries) > 0);
        free(png);
        if (i == 20 || i == 80)
            kill_one_worker_child(&s, &kills);
        if (i == 40) { /* Redis dies without a goodbye; AOF (fsync always) brings it back */
            stack_kill(&s.redis, SIGKILL);
            msleep(300);
            ck_assert_int_eq(stack_start_redis(&s), 0);
            redis_restarts++;
        }
        if (i == 60)
            stack_kill(&s.api[0], SIGKILL);
        if (i == 70) {
            ck_assert_int_eq(stack_start_api(&s, 0), 0);
            api_restarts++;
        }
    }
    /* and once more while the backlog drains */
    msleep(1500);
    kill_one_worker_child(&s, &kills);
    redisContext *c = redis_of(&s);
    int done = 0, failed = 0, missing = 0, twice = 0, max_attempts = 0;
    for (int t = 0; t < 2400; t++) { /* up to 240 s */
        done = failed = missing = 0;
        for (int i = 0; i < NDOCS; i++) {
            char k[KEYS_MAX];
            keys_doc(k, ids[i]);
            redisReply *r = redisCommand(c, "HGET %s status", k);
            if (!r || r->type != REDIS_REPLY_STRING)
                missing++;
            else if (strcmp(r->str, "done") == 0)
                done++;
            else if (strcmp(r->str, "failed") == 0)
                failed++;
            freeReplyObject(r);
        }
        if (done + failed + missing == NDOCS)
            break;
        msleep(100);
    }
    for (int i = 0; i < NDOCS; i++) {
        char k[KEYS_MAX];
        keys_doc(k, ids[i]);
        redisReply *r = redisCommand(c, "HMGET %s history attempts", k);
        if (r && r->type == REDIS_REPLY_ARRAY && r->element[0]->type == REDIS_REPLY_STRING) {
            twice += count_done_outcomes(r->element[0]->str) != 1;
            int a = (int)strtol(r->element[1]->str, NULL, 10);
            max_attempts = a > max_attempts ? a : max_attempts;
        }
        freeReplyObject(r);
    }
    long long stream = redis_int(c, "XLEN", KEYS_JOBS);
    long long dead = redis_int(c, "XLEN", KEYS_DEAD);
    fprintf(stderr,
            "faults: accepted %d, done %d, failed %d, lost %d, done-not-once %d; worker kills %d, "
            "redis restarts %d, api restarts %d, upload retries %d, max attempts %d, "
            "jobs left %lld, dead %lld\n",
            NDOCS, done, failed, missing, twice, kills, redis_restarts, api_restarts, retries,
            max_attempts, stream, dead);
    ck_assert_int_eq(missing, 0);
    ck_assert_int_eq(failed, 0);
    ck_assert_int_eq(done, NDOCS);
    ck_assert_int_eq(twice, 0);
    ck_assert_int_eq(stream, 0);
    ck_assert_int_eq(dead, 0);
    ck_assert_int_ge(kills, 3);
    redisFree(c);
    stack_stop(&s);
}
END_TEST

START_TEST(poison_document_fails_others_flow)
{
    static const char *const env[] = {"DOCPROC_DEBUG_FAULTS=1", "DOCPROC_MAX_ATTEMPTS=2", NULL};
    struct stack s;
    struct stack_opts o = {.workers = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    const char *lines[] = {"A normal page", "after the poison"};
    unsigned char *png;
    size_t len;
    char poison[64], good[3][64];
    int retries = 0;
    ck_assert_int_eq(fixture_png(lines, 2, &png, &len), DP_OK);
    ck_assert_int_eq(upload_until_accepted(&s, png, len, "poison",
                                           "metadata=%7B%22debug_fault%22%3A%22crash%22%7D", poison,
                                           &retries),
                     202);
    for (int i = 0; i < 3; i++) {
        char k[16];
        snprintf(k, sizeof k, "good-%d", i);
        ck_assert_int_eq(upload_until_accepted(&s, png, len, k, NULL, good[i], &retries), 202);
    }
    cJSON *p = stack_wait_doc(&s, s.key, poison, 90000);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(json_str(p, "status"), "failed");
    ck_assert_str_eq(json_str(p, "error.code"), "worker_crashed");
    ck_assert_int_eq((int)json_num(p, "attempts"), 2);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "attempt_history")), 2);
    cJSON_Delete(p);
    for (int i = 0; i < 3; i++) {
        cJSON *g = stack_wait_doc(&s, s.key, good[i], 90000);
        ck_assert_ptr_nonnull(g);
        ck_assert_str_eq(json_str(g, "status"), "done");
        cJSON_Delete(g);
    }
    /* the operator sees the dead letter and can requeue it */
    char out[4096];
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "queue", "--json", NULL), 0);
    cJSON *q = cJSON_Parse(out);
    ck_assert_int_eq((int)json_num(q, "dead"), 1);
    ck_assert_int_eq((int)json_num(q, "pending"), 0);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(q, "consumers")), 1);
    cJSON_Delete(q);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "queue", NULL), 0);
    ck_assert(strstr(out, "dead letters") != NULL);
    ck_assert_int_eq(stack_run(&s, out, sizeof out, "docproc-admin", "requeue", "--all-dead", NULL),
                     0);
    ck_assert(strstr(out, "requeued 1") != NULL);
    free(png);
    stack_stop(&s);
}
END_TEST

START_TEST(deadline_fails_with_timeout_then_next_job_runs)
{
    static const char *const env[] = {"DOCPROC_PAGE_TIMEOUT_MS=20", NULL};
    struct stack s;
    struct stack_opts o = {.workers = 1, .env = env};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    const char *dense[30];
    char buf[30][64];
    for (int i = 0; i < 30; i++) {
        snprintf(buf[i], sizeof buf[i], "Line %d of a dense page that takes a while to read", i);
        dense[i] = buf[i];
    }
    unsigned char *png, *pdf;
    size_t len, plen;
    char slow[64], next[64];
    int retries = 0;
    ck_assert_int_eq(fixture_png(dense, 30, &png, &len), DP_OK);
    ck_assert_int_eq(upload_until_accepted(&s, png, len, "slow", NULL, slow, &retries), 202);
    const char *const tl[] = {"A text layer needs no OCR", "so it fits any budget"};
    const char *const *pages[] = {tl};
    size_t nl[] = {2};
    ck_assert_int_eq(fixture_pdf_text(pages, nl, 1, &pdf, &plen), DP_OK);
    ck_assert_int_eq(upload_until_accepted(&s, pdf, plen, "next", NULL, next, &retries), 202);
    cJSON *d = stack_wait_doc(&s, s.key, slow, 60000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "failed");
    ck_assert_str_eq(json_str(d, "error.code"), "timeout");
    ck_assert_int_eq((int)json_num(d, "attempts"), 1);
    cJSON_Delete(d);
    d = stack_wait_doc(&s, s.key, next, 60000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert(strstr(json_str(d, "text"), "text layer") != NULL);
    cJSON_Delete(d);
    free(png);
    free(pdf);
    stack_stop(&s);
}
END_TEST

START_TEST(sigterm_hands_back_and_restart_finishes)
{
    struct stack s;
    struct stack_opts o = {.workers = 1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    const char *p[6][2];
    char txt[6][48];
    const char *const *pages[6];
    size_t nl[6];
    for (int i = 0; i < 6; i++) {
        snprintf(txt[i], sizeof txt[i], "Page %d of the shutdown test", i + 1);
        p[i][0] = txt[i];
        p[i][1] = "handed back, never lost";
        pages[i] = p[i];
        nl[i] = 2;
    }
    unsigned char *tif;
    size_t len;
    char id[64], url[256];
    int retries = 0;
    ck_assert_int_eq(fixture_tiff_multipage(pages, nl, 6, &tif, &len), DP_OK);
    ck_assert_int_eq(upload_until_accepted(&s, tif, len, "multi", NULL, id, &retries), 202);
    snprintf(url, sizeof url, "%s/v1/documents/%s", s.base, id);
    int started = 0;
    for (int t = 0; t < 600 && !started; t++) {
        struct http_resp r;
        ck_assert_int_eq(http_req("GET", url, s.key, NULL, NULL, 0, &r), 0);
        cJSON *j = http_json(&r);
        started = strcmp(json_str(j, "status"), "processing") == 0 &&
                  json_num(j, "progress.pages_done") >= 1;
        cJSON_Delete(j);
        http_resp_free(&r);
        msleep(50);
    }
    ck_assert_msg(started, "the job never showed progress");
    /* SIGTERM: the worker kills its decode child, hands the job back and exits 0 */
    int st = -1;
    kill(s.worker, SIGTERM);
    ck_assert_int_eq(waitpid(s.worker, &st, 0), s.worker);
    s.worker = 0;
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    redisContext *c = redis_of(&s);
    char kdoc[KEYS_MAX];
    keys_doc(kdoc, id);
    redisReply *r = redisCommand(c, "HGET %s status", kdoc);
    ck_assert_str_eq(r->str, "queued");
    freeReplyObject(r);
    ck_assert_int_eq(redis_int(c, "XLEN", KEYS_JOBS), 1);
    redisFree(c);
    ck_assert_int_eq(stack_start_worker(&s, 1, NULL), 0);
    cJSON *d = stack_wait_doc(&s, s.key, id, 90000);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(json_str(d, "status"), "done");
    ck_assert_int_eq((int)json_num(d, "attempts"), 1); /* the interrupted run does not count */
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "pages")), 6);
    char *hist = cJSON_PrintUnformatted(cJSON_GetObjectItem(d, "attempt_history"));
    ck_assert(strstr(hist, "handed_back") != NULL);
    free(hist);
    cJSON_Delete(d);
    free(tif);
    stack_stop(&s);
}
END_TEST

START_TEST(idempotency_keys)
{
    struct stack s;
    struct stack_opts o = {.workers = -1};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    const char *a[] = {"first body"}, *b[] = {"second body"};
    unsigned char *pa, *pb;
    size_t la, lb;
    char url[256], id1[64] = "", id2[64] = "";
    ck_assert_int_eq(fixture_png(a, 1, &pa, &la), DP_OK);
    ck_assert_int_eq(fixture_png(b, 1, &pb, &lb), DP_OK);
    snprintf(url, sizeof url, "%s/v1/documents", s.base);
    const char *hdr[] = {"Idempotency-Key: order-77", NULL};
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, s.key, hdr, pa, la, &r), 0);
    ck_assert_int_eq(r.status, 202);
    cJSON *j = http_json(&r);
    snprintf(id1, sizeof id1, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    http_resp_free(&r);
    ck_assert_int_eq(http_req("POST", url, s.key, hdr, pa, la, &r), 0);
    ck_assert_int_eq(r.status, 200); /* replay: the same document, not a second job */
    j = http_json(&r);
    ck_assert_str_eq(json_str(j, "id"), id1);
    cJSON_Delete(j);
    http_resp_free(&r);
    ck_assert_int_eq(http_req("POST", url, s.key, hdr, pb, lb, &r), 0);
    ck_assert_int_eq(r.status, 409);
    j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "idempotency_conflict");
    cJSON_Delete(j);
    http_resp_free(&r);
    /* keys are per tenant */
    ck_assert_int_eq(http_req("POST", url, s.key2, hdr, pb, lb, &r), 0);
    ck_assert_int_eq(r.status, 202);
    j = http_json(&r);
    snprintf(id2, sizeof id2, "%s", json_str(j, "id"));
    ck_assert_str_ne(id1, id2);
    cJSON_Delete(j);
    http_resp_free(&r);
    redisContext *c = redis_of(&s);
    ck_assert_int_eq(redis_int(c, "XLEN", KEYS_JOBS), 2);
    redisFree(c);
    free(pa);
    free(pb);
    stack_stop(&s);
}
END_TEST

START_TEST(queue_bound_and_redis_outage)
{
    static const char *const env[] = {"DOCPROC_MAX_QUEUE=3", NULL};
    struct stack s;
    struct stack_opts o = {.workers = -1, .env = env, .appendfsync = "always"};
    ck_assert_int_eq(stack_start(&s, &o), 0);
    const char *l[] = {"queued page"};
    unsigned char *png;
    size_t len;
    char id[64], ra[16], url[256];
    ck_assert_int_eq(fixture_png(l, 1, &png, &len), DP_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(stack_upload(&s, s.key, png, len, NULL, id), 202);
    snprintf(url, sizeof url, "%s/v1/documents", s.base);
    struct http_resp r;
    ck_assert_int_eq(http_req("POST", url, s.key, NULL, png, len, &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_ptr_nonnull(http_header(&r, "Retry-After", ra, sizeof ra));
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "queue_full");
    cJSON_Delete(j);
    http_resp_free(&r);
    /* nothing half-written: three documents, three jobs, three blobs */
    redisContext *c = redis_of(&s);
    ck_assert_int_eq(redis_int(c, "XLEN", KEYS_JOBS), 3);
    char ktdocs[KEYS_MAX], kblobs[KEYS_MAX];
    keys_tdocs(ktdocs, "alpha");
    keys_blob(kblobs, "*"); /* a KEYS pattern: every blob */
    ck_assert_int_eq(redis_int(c, "ZCARD", ktdocs), 3);
    redisReply *keys = redisCommand(c, "KEYS %s", kblobs);
    ck_assert_int_eq((int)keys->elements, 3);
    freeReplyObject(keys);
    redisFree(c);

    /* Redis down: 503 + Retry-After at once, not a hang; health says alive, ready says no */
    stack_kill(&s.redis, SIGKILL);
    ck_assert_int_eq(http_req("POST", url, s.key, NULL, png, len, &r), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_ptr_nonnull(http_header(&r, "Retry-After", ra, sizeof ra));
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/readyz", s.base);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 503);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/healthz", s.base);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    /* back up: what was accepted is still there */
    ck_assert_int_eq(stack_start_redis(&s), 0);
    snprintf(url, sizeof url, "%s/v1/documents", s.base);
    ck_assert_int_eq(http_req("GET", url, s.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    j = http_json(&r);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "data")), 3);
    cJSON_Delete(j);
    http_resp_free(&r);
    free(png);
    stack_stop(&s);
}
END_TEST

Suite *e2e_faults_suite(void)
{
    Suite *s = suite_create("e2e_faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 400);
    tcase_add_test(tc, nothing_lost_through_kills_and_restarts);
    tcase_add_test(tc, poison_document_fails_others_flow);
    tcase_add_test(tc, deadline_fails_with_timeout_then_next_job_runs);
    tcase_add_test(tc, sigterm_hands_back_and_restart_finishes);
    tcase_add_test(tc, idempotency_keys);
    tcase_add_test(tc, queue_bound_and_redis_outage);
    suite_add_tcase(s, tc);
    return s;
}
