/* check_e2e_webhooks.c -- webhooks end to end: redis + docproc-webhookd + a Node receiver that
 * verifies every request with the standardwebhooks npm library. */
#include "testutil.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hiredis.h>
#include <cJSON.h>
#include "e2e_webhooks_util.h"
#include "keys.h"
#include "whstore.h"

/* One running stack per TCase (unchecked fixtures run in the runner's own process). */
static struct {
    char dir[256];
    char log[320];     /* receiver results, one JSON line per request */
    char secrets[320]; /* name -> secret, read by the receiver on every request */
    int redis_port, recv_port;
    pid_t redis, recv, webhookd;
    cJSON *secret_map;
} S;

static void stack_start(int allow_private)
{
    memset(&S, 0, sizeof S);
    snprintf(S.dir, sizeof S.dir, "/tmp/docproc-e2e-wh-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(S.dir));
    snprintf(S.log, sizeof S.log, "%s/received.jsonl", S.dir);
    snprintf(S.secrets, sizeof S.secrets, "%s/secrets.json", S.dir);
    S.secret_map = cJSON_CreateObject();
    ck_assert_int_eq(wht_write_secrets(S.secrets, S.secret_map), 0);
    S.redis = wht_redis_start(S.dir, &S.redis_port);
    ck_assert_msg(S.redis > 0, "redis-server did not start");
    S.recv = wht_receiver_start(S.dir, 0, S.secrets, S.log, &S.recv_port);
    ck_assert_msg(S.recv > 0, "receiver did not start (node, npm ci: see %s)", S.dir);
    S.webhookd = wht_webhookd_start(S.dir, S.redis_port, allow_private);
    ck_assert_msg(S.webhookd > 0, "docproc-webhookd did not start");
}

static void stack_start_private(void)
{
    stack_start(1);
}

static void stack_start_guarded(void)
{
    stack_start(0);
}

static void stack_stop(void)
{
    int status = wht_stop(S.webhookd, 10000);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "e2e_webhooks: webhookd did not exit 0 on SIGTERM (%d)\n", status);
    wht_stop(S.recv, 2000);
    wht_stop(S.redis, 5000);
    cJSON_Delete(S.secret_map);
    if (!getenv("DOCPROC_KEEP_TMP"))
        wht_rmtree(S.dir);
}

/* ---- helpers ---- */

static redisContext *rc(void)
{
    redisContext *c = redisConnect("127.0.0.1", S.redis_port);
    ck_assert_msg(c && !c->err, "redis connect");
    return c;
}

static void url(char *out, size_t outsz, const char *host, int port, const char *path)
{
    snprintf(out, outsz, "http://%s:%d%s", host, port, path);
}

static void set_secret(const char *name, const char *secret)
{
    cJSON_DeleteItemFromObject(S.secret_map, name);
    cJSON_AddStringToObject(S.secret_map, name, secret);
    ck_assert_int_eq(wht_write_secrets(S.secrets, S.secret_map), 0);
}

/* Create an endpoint (allow_private: the loopback receiver) and give its secret to `name`. */
static void endpoint(redisContext *c, const char *tenant, const char *path, const char *name,
                     const char *only_event, char *id, size_t idsz)
{
    char u[256];
    cJSON *ep = NULL;
    const char *ev[] = {only_event};
    url(u, sizeof u, "127.0.0.1", S.recv_port, path);
    ck_assert_int_eq(whstore_endpoint_create(c, tenant, u, ev, only_event ? 1 : 0, "e2e", 1, &ep),
                     DP_OK);
    snprintf(id, idsz, "%s", cJSON_GetObjectItem(ep, "id")->valuestring);
    const char *secret = cJSON_GetObjectItem(ep, "secret")->valuestring;
    ck_assert_int_eq(strncmp(secret, "whsec_", 6), 0);
    if (name)
        set_secret(name, secret);
    cJSON_Delete(ep);
}

static void emit(redisContext *c, const char *evt, const char *type, const char *tenant,
                 const char *callback)
{
    char data[256];
    snprintf(data, sizeof data,
             "{\"document_id\":\"doc_%s\",\"status\":\"%s\",\"class\":{\"label\":\"invoice\"},"
             "\"fields\":[]}",
             evt, strcmp(type, "document.failed") == 0 ? "failed" : "done");
    redisReply *r = redisCommand(c,
                                 "XADD %s * id %s type %s tenant %s doc doc_%s "
                                 "callback_url %s created %lld data %s",
                                 KEYS_EVENTS, evt, type, tenant, evt, callback ? callback : "",
                                 wht_now_ms() / 1000, data);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
}

static const char *sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double nget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Every line verified, the tampered body did not, and webhook-id is evt. */
static void assert_all_verified(const cJSON *lines, const char *evt)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, lines)
    {
        ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(l, "verified")), "%s not verified: %s",
                      sget(l, "name"), sget(l, "error"));
        ck_assert_msg(cJSON_IsFalse(cJSON_GetObjectItem(l, "tampered_verified")),
                      "tampered body verified");
        ck_assert_str_eq(sget(l, "content_type"), "application/json");
        if (evt)
            ck_assert_str_eq(sget(l, "id"), evt);
    }
}

/* Poll one delivery of endpoint until its status is `status` (10 s); returns it (caller deletes).
 */
static cJSON *wait_delivery(redisContext *c, const char *tenant, const char *ep, const char *status,
                            int min_attempts)
{
    long long end = wht_now_ms() + 10000;
    for (;;) {
        cJSON *list = NULL;
        ck_assert_int_eq(whstore_delivery_list(c, tenant, ep, 10, &list), DP_OK);
        cJSON *d = cJSON_DetachItemFromArray(list, 0);
        cJSON_Delete(list);
        if ((d && strcmp(sget(d, "status"), status) == 0 &&
             nget(d, "attempt_count") >= min_attempts) ||
            wht_now_ms() > end) {
            ck_assert_msg(d != NULL, "no delivery for %s", ep);
            ck_assert_str_eq(sget(d, "status"), status);
            return d;
        }
        cJSON_Delete(d);
        wht_sleep_ms(100);
    }
}

static const cJSON *attempt(const cJSON *d, int i)
{
    const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "attempts"), i);
    ck_assert_ptr_nonnull(a);
    return a;
}

/* ---- delivery with allow_private (the receiver is on loopback) ---- */

START_TEST(every_delivery_verifies)
{
    redisContext *c = rc();
    char e1[WHSTORE_ID_MAX], e2[WHSTORE_ID_MAX], secret[WHSIG_SECRET_MAX], cb[256];
    endpoint(c, "t-verify", "/ok/v1", "v1", NULL, e1, sizeof e1);
    endpoint(c, "t-verify", "/ok/v2", "v2", "document.failed", e2, sizeof e2);
    ck_assert_int_eq(whstore_tenant_secret(c, "t-verify", secret, sizeof secret), DP_OK);
    set_secret("v3", secret);
    url(cb, sizeof cb, "127.0.0.1", S.recv_port, "/ok/v3");

    emit(c, "evt_verify1", "document.completed", "t-verify", cb);
    cJSON *v1 = wht_wait_lines(S.log, "v1", 1, 10000), *v3 = wht_wait_lines(S.log, "v3", 1, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(v1), 1);
    ck_assert_int_eq(cJSON_GetArraySize(v3), 1);
    assert_all_verified(v1, "evt_verify1");
    assert_all_verified(v3, "evt_verify1"); /* callback_url signed with the tenant secret */
    cJSON *body = cJSON_Parse(sget(cJSON_GetArrayItem(v1, 0), "body"));
    ck_assert_str_eq(sget(body, "type"), "document.completed");
    ck_assert_uint_eq(strlen(sget(body, "timestamp")), 20); /* 2026-01-02T03:04:05Z */
    ck_assert_str_eq(sget(cJSON_GetObjectItem(body, "data"), "document_id"), "doc_evt_verify1");
    cJSON_Delete(body);
    cJSON_Delete(v1);
    cJSON_Delete(v3);

    /* the filtered endpoint only gets document.failed */
    emit(c, "evt_verify2", "document.failed", "t-verify", NULL);
    cJSON *v2 = wht_wait_lines(S.log, "v2", 1, 10000);
    v1 = wht_wait_lines(S.log, "v1", 2, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(v2), 1);
    ck_assert_int_eq(cJSON_GetArraySize(v1), 2);
    assert_all_verified(v2, "evt_verify2");
    cJSON_Delete(v2);
    cJSON_Delete(v1);

    cJSON *d = wait_delivery(c, "t-verify", e1, "delivered", 1);
    ck_assert_int_eq((int)nget(attempt(d, 0), "status_code"), 204);
    ck_assert_str_eq(sget(attempt(d, 0), "error"), "");
    ck_assert_int_eq((int)nget(d, "attempt_count"), 1);
    cJSON_Delete(d);
    cJSON *list = NULL;
    ck_assert_int_eq(whstore_delivery_list(c, "t-verify", e1, 10, &list), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(list), 2);
    cJSON_Delete(list);
    ck_assert_int_eq(whstore_delivery_list(c, "t-other", e1, 10, &list), DP_ENOTFOUND);

    /* rotation: the receiver still holds the old secret, and the old one still signs */
    char fresh[WHSIG_SECRET_MAX];
    ck_assert_int_eq(whstore_endpoint_rotate_secret(c, "t-verify", e1, fresh, sizeof fresh), DP_OK);
    emit(c, "evt_verify3", "document.completed", "t-verify", NULL);
    v1 = wht_wait_lines(S.log, "v1", 3, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(v1), 3);
    assert_all_verified(v1, NULL);
    ck_assert_ptr_nonnull(strchr(sget(cJSON_GetArrayItem(v1, 2), "signature"), ' '));
    cJSON_Delete(v1);
    set_secret("v1", fresh);
    emit(c, "evt_verify4", "document.completed", "t-verify", NULL);
    v1 = wht_wait_lines(S.log, "v1", 4, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(v1), 4);
    assert_all_verified(v1, NULL);
    cJSON_Delete(v1);
    redisFree(c);
}
END_TEST

START_TEST(failures_are_retried)
{
    redisContext *c = rc();
    char r1[WHSTORE_ID_MAX], r2[WHSTORE_ID_MAX];
    endpoint(c, "t-retry", "/flaky/2/r1", "r1", NULL, r1, sizeof r1);
    endpoint(c, "t-retry", "/status/500/r2", "r2", NULL, r2, sizeof r2);
    emit(c, "evt_retry1", "document.completed", "t-retry", NULL);

    /* 500, 500, then 204 on the third attempt: schedule 0,1,2 s */
    cJSON *l1 = wht_wait_lines(S.log, "r1", 3, 15000);
    ck_assert_int_eq(cJSON_GetArraySize(l1), 3);
    assert_all_verified(l1, "evt_retry1"); /* same webhook-id on every retry */
    double t0 = nget(cJSON_GetArrayItem(l1, 0), "t"), t1 = nget(cJSON_GetArrayItem(l1, 1), "t");
    double t2 = nget(cJSON_GetArrayItem(l1, 2), "t");
    ck_assert_msg(t1 - t0 >= 800 && t2 - t1 >= 1800, "retry spacing %.0f %.0f ms", t1 - t0,
                  t2 - t1);
    cJSON_Delete(l1);
    cJSON *d = wait_delivery(c, "t-retry", r1, "delivered", 3);
    ck_assert_int_eq((int)nget(d, "attempt_count"), 3);
    ck_assert_int_eq((int)nget(attempt(d, 0), "status_code"), 204); /* newest first */
    ck_assert_int_eq((int)nget(attempt(d, 2), "status_code"), 500);
    ck_assert_str_eq(sget(attempt(d, 2), "error"), "HTTP 500");
    cJSON_Delete(d);

    /* always 500: exhausted after 3 attempts, then "retry now" makes one more */
    d = wait_delivery(c, "t-retry", r2, "exhausted", 3);
    ck_assert_int_eq((int)nget(d, "attempt_count"), 3);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "attempts")), 3);
    char dlv[WHSTORE_ID_MAX];
    snprintf(dlv, sizeof dlv, "%s", sget(d, "id"));
    cJSON_Delete(d);
    ck_assert_int_eq(whstore_delivery_retry(c, "t-nope", r2, dlv), DP_ENOTFOUND);
    ck_assert_int_eq(whstore_delivery_retry(c, "t-retry", r2, dlv), DP_OK);
    cJSON *l2 = wht_wait_lines(S.log, "r2", 4, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(l2), 4);
    assert_all_verified(l2, "evt_retry1");
    cJSON_Delete(l2);
    d = wait_delivery(c, "t-retry", r2, "exhausted", 4);
    cJSON_Delete(d);
    redisFree(c);
}
END_TEST

START_TEST(gone_disables_endpoint)
{
    redisContext *c = rc();
    char g1[WHSTORE_ID_MAX];
    endpoint(c, "t-gone", "/status/410/g1", "g1", NULL, g1, sizeof g1);
    emit(c, "evt_gone1", "document.completed", "t-gone", NULL);
    cJSON *l = wht_wait_lines(S.log, "g1", 1, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(l), 1);
    cJSON_Delete(l);
    cJSON *d = wait_delivery(c, "t-gone", g1, "failed", 1);
    ck_assert_int_eq((int)nget(attempt(d, 0), "status_code"), 410);
    cJSON_Delete(d);
    cJSON *ep = NULL;
    ck_assert_int_eq(whstore_endpoint_get(c, "t-gone", g1, &ep), DP_OK);
    ck_assert_str_eq(sget(ep, "status"), "disabled");
    ck_assert_str_eq(sget(ep, "disabled_reason"), "receiver answered 410 Gone");
    cJSON_Delete(ep);
    /* a disabled endpoint gets nothing more: after 3 s (> the whole retry schedule) still 1 */
    emit(c, "evt_gone2", "document.completed", "t-gone", NULL);
    wht_sleep_ms(3000);
    l = wht_lines(S.log, "g1");
    ck_assert_int_eq(cJSON_GetArraySize(l), 1);
    cJSON_Delete(l);
    redisFree(c);
}
END_TEST

START_TEST(receiver_down_then_up)
{
    redisContext *c = rc();
    char d1[WHSTORE_ID_MAX], u[256];
    cJSON *ep = NULL;
    int port = wht_free_port();
    url(u, sizeof u, "127.0.0.1", port, "/ok/d1");
    ck_assert_int_eq(whstore_endpoint_create(c, "t-down", u, NULL, 0, NULL, 1, &ep), DP_OK);
    snprintf(d1, sizeof d1, "%s", sget(ep, "id"));
    set_secret("d1", sget(ep, "secret"));
    cJSON_Delete(ep);
    emit(c, "evt_down1", "document.completed", "t-down", NULL);
    cJSON *d = wait_delivery(c, "t-down", d1, "pending", 1); /* first attempt failed */
    ck_assert_int_eq((int)nget(attempt(d, 0), "status_code"), 0);
    ck_assert_msg(strlen(sget(attempt(d, 0), "error")) > 0, "connection error recorded");
    cJSON_Delete(d);
    int got = 0;
    pid_t second = wht_receiver_start(S.dir, port, S.secrets, S.log, &got);
    ck_assert_int_gt(second, 0);
    ck_assert_int_eq(got, port);
    cJSON *l = wht_wait_lines(S.log, "d1", 1, 10000);
    wht_stop(second, 2000);
    ck_assert_int_eq(cJSON_GetArraySize(l), 1);
    assert_all_verified(l, "evt_down1");
    cJSON_Delete(l);
    d = wait_delivery(c, "t-down", d1, "delivered", 2);
    ck_assert_int_ge((int)nget(d, "attempt_count"), 2);
    cJSON_Delete(d);
    redisFree(c);
}
END_TEST

START_TEST(slow_receiver_does_not_block_others)
{
    redisContext *c = rc();
    char s1[WHSTORE_ID_MAX], f1[WHSTORE_ID_MAX];
    endpoint(c, "t-slow", "/slow/6000/s1", "s1", NULL, s1, sizeof s1);
    endpoint(c, "t-slow", "/ok/f1", "f1", NULL, f1, sizeof f1);
    long long t0 = wht_now_ms();
    emit(c, "evt_slow1", "document.completed", "t-slow", NULL);
    cJSON *l = wht_wait_lines(S.log, "f1", 1, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(l), 1);
    double lag = nget(cJSON_GetArrayItem(l, 0), "t") - (double)t0;
    ck_assert_msg(lag < 1000, "fast endpoint waited %.0f ms behind the slow one", lag);
    cJSON_Delete(l);
    /* another tenant's event while the slow request is still held open */
    char g[WHSTORE_ID_MAX];
    endpoint(c, "t-slow2", "/ok/f2", "f2", NULL, g, sizeof g);
    long long t1 = wht_now_ms();
    emit(c, "evt_slow2", "document.completed", "t-slow2", NULL);
    l = wht_wait_lines(S.log, "f2", 1, 10000);
    ck_assert_int_eq(cJSON_GetArraySize(l), 1);
    ck_assert_msg(nget(cJSON_GetArrayItem(l, 0), "t") - (double)t1 < 1000, "second event late");
    cJSON_Delete(l);
    /* the slow one timed out after --timeout-ms 2000 and is scheduled again */
    cJSON *d = wait_delivery(c, "t-slow", s1, "pending", 1);
    const cJSON *a = attempt(d, 0);
    ck_assert_int_eq((int)nget(a, "status_code"), 0);
    ck_assert_msg(strstr(sget(a, "error"), "imed out") != NULL, "error: %s", sget(a, "error"));
    ck_assert_msg(nget(a, "latency_ms") >= 1900 && nget(a, "latency_ms") < 4000, "latency %.0f",
                  nget(a, "latency_ms"));
    cJSON_Delete(d);
    redisFree(c);
}
END_TEST

START_TEST(crashed_consumer_loses_nothing)
{
    /* A consumer "dead" reads the event in the same transaction as it is added, then never
     * acknowledges it: the running daemon must XAUTOCLAIM it (--claim-idle-ms 1000) and deliver. */
    redisContext *c = rc();
    char k1[WHSTORE_ID_MAX];
    endpoint(c, "t-crash", "/ok/k1", "k1", NULL, k1, sizeof k1);
    redisReply *r = redisCommand(c, "MULTI");
    freeReplyObject(r);
    r = redisCommand(c,
                     "XADD %s * id evt_crash1 type document.completed tenant t-crash "
                     "doc doc_k created %lld data {}",
                     KEYS_EVENTS, wht_now_ms() / 1000);
    freeReplyObject(r);
    r = redisCommand(c, "XREADGROUP GROUP %s dead COUNT 10 STREAMS %s >", KEYS_EVENTS_GROUP,
                     KEYS_EVENTS);
    freeReplyObject(r);
    r = redisCommand(c, "EXEC");
    ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
    ck_assert_int_eq(r->element[1]->type, REDIS_REPLY_ARRAY); /* "dead" got the entry */
    freeReplyObject(r);
    cJSON *l = wht_wait_lines(S.log, "k1", 1, 15000); /* idle 1 s + autoclaim every 5 s */
    ck_assert_int_eq(cJSON_GetArraySize(l), 1);
    assert_all_verified(l, "evt_crash1");
    cJSON_Delete(l);
    r = redisCommand(c, "XPENDING %s %s", KEYS_EVENTS, KEYS_EVENTS_GROUP);
    ck_assert_int_eq(r->element[0]->integer, 0);
    freeReplyObject(r);
    redisFree(c);
}
END_TEST

START_TEST(store_endpoints)
{
    redisContext *c = rc();
    cJSON *o = NULL;
    const char *bad_ev[] = {"Document Completed"};
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t-store", "ftp://example.com/", NULL, 0, NULL, 1, &o),
        DP_EINVAL);
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t-store", "https://example.com/", bad_ev, 1, NULL, 1, &o),
        DP_EINVAL);
    ck_assert_int_eq(whstore_endpoint_create(c, "", "https://example.com/", NULL, 0, NULL, 1, &o),
                     DP_EINVAL);
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t-store", "https://example.com/a", NULL, 0, "A", 0, &o), DP_OK);
    char a[WHSTORE_ID_MAX];
    snprintf(a, sizeof a, "%s", sget(o, "id"));
    ck_assert_int_eq(strncmp(a, "wh_", 3), 0);
    ck_assert_str_eq(sget(o, "status"), "enabled");
    cJSON_Delete(o);
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t-store", "https://example.com/b", NULL, 0, NULL, 0, &o),
        DP_OK);
    cJSON_Delete(o);
    ck_assert_int_eq(whstore_endpoint_list(c, "t-store", &o), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(o), 2);
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 0), "secret")); /* shown once */
    cJSON_Delete(o);
    ck_assert_int_eq(whstore_endpoint_get(c, "t-else", a, &o), DP_ENOTFOUND);
    ck_assert_int_eq(whstore_endpoint_delete(c, "t-else", a), DP_ENOTFOUND);
    ck_assert_int_eq(whstore_endpoint_delete(c, "t-store", a), DP_OK);
    ck_assert_int_eq(whstore_endpoint_get(c, "t-store", a, &o), DP_ENOTFOUND);
    ck_assert_int_eq(whstore_endpoint_disable(c, a, "x"), DP_ENOTFOUND);
    ck_assert_int_eq(whstore_endpoint_list(c, "t-store", &o), DP_OK);
    ck_assert_int_eq(cJSON_GetArraySize(o), 1);
    cJSON_Delete(o);

    char s1[WHSIG_SECRET_MAX], s2[WHSIG_SECRET_MAX], s3[WHSIG_SECRET_MAX];
    ck_assert_int_eq(whstore_tenant_secret(c, "t-store", s1, sizeof s1), DP_OK);
    ck_assert_int_eq(whstore_tenant_secret(c, "t-store", s2, sizeof s2), DP_OK);
    ck_assert_int_eq(whstore_tenant_secret(c, "t-store2", s3, sizeof s3), DP_OK);
    ck_assert_str_eq(s1, s2);
    ck_assert_str_ne(s1, s3);

    /* an event with nothing to deliver is consumed and dropped */
    emit(c, "evt_none1", "document.completed", "t-none", NULL);
    long long end = wht_now_ms() + 5000;
    long long len = -1;
    while (wht_now_ms() < end) {
        redisReply *r = redisCommand(c, "XLEN %s", KEYS_EVENTS);
        len = r ? r->integer : -1;
        freeReplyObject(r);
        if (len == 0)
            break;
        wht_sleep_ms(50);
    }
    ck_assert_int_eq(len, 0); /* XACK + XDEL after fan-out */
    redisFree(c);
}
END_TEST

/* ---- SSRF guard on (no allow_private) ---- */

START_TEST(ssrf_refused_with_clear_error)
{
    redisContext *c = rc();
    cJSON *o = NULL;
    char u[256];
    url(u, sizeof u, "127.0.0.1", S.recv_port, "/ok/x1");
    ck_assert_int_eq(whstore_endpoint_create(c, "t-ssrf", u, NULL, 0, NULL, 0, &o), DP_ESSRF);
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t-ssrf", "http://169.254.169.254/", NULL, 0, NULL, 0, &o),
        DP_ESSRF);
    ck_assert_int_eq(
        whstore_endpoint_create(c, "t-ssrf", "file:///etc/passwd", NULL, 0, NULL, 0, &o),
        DP_EINVAL);

    /* Stored anyway (as if DNS changed after creation): the daemon must still refuse them. */
    char x1[WHSTORE_ID_MAX], x2[WHSTORE_ID_MAX], x3[WHSTORE_ID_MAX] = "", cb[256];
    endpoint(c, "t-ssrf", "/ok/x1", "x1", NULL, x1, sizeof x1);
    url(u, sizeof u, "localhost", S.recv_port, "/ok/x2");
    ck_assert_int_eq(whstore_endpoint_create(c, "t-ssrf", u, NULL, 0, NULL, 1, &o), DP_OK);
    snprintf(x2, sizeof x2, "%s", sget(o, "id"));
    cJSON_Delete(o);
    /* A name that is not obviously local but resolves to loopback: only the connect-time check
     * (CURLOPT_OPENSOCKETFUNCTION) can refuse it. This machine's hostname usually does. */
    char host[128] = "";
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (gethostname(host, sizeof host - 1) == 0 && strchr(host, '.') == NULL &&
        getaddrinfo(host, NULL, &hints, &ai) == 0 &&
        (ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr) >> 24) == 127) {
        url(u, sizeof u, host, S.recv_port, "/ok/x3");
        ck_assert_int_eq(whstore_endpoint_create(c, "t-ssrf", u, NULL, 0, NULL, 1, &o), DP_OK);
        snprintf(x3, sizeof x3, "%s", sget(o, "id"));
        cJSON_Delete(o);
    } else {
        fprintf(stderr, "e2e_webhooks: hostname does not resolve to loopback; connect-time "
                        "SSRF case skipped\n");
    }
    if (ai)
        freeaddrinfo(ai);
    /* The spellings of loopback and metadata addresses the issue names: decimal, hex, IPv6,
     * link-local. Stored as if allowed, each must still be refused by the daemon. */
    static const char *const forms[][2] = {
        {"2130706433", "x5"}, {"0x7f.1", "x6"}, {"[::1]", "x7"}, {"169.254.169.254", "x8"}};
    char xf[4][WHSTORE_ID_MAX];
    for (size_t i = 0; i < 4; i++) {
        char path[16];
        snprintf(path, sizeof path, "/ok/%s", forms[i][1]);
        url(u, sizeof u, forms[i][0], S.recv_port, path);
        ck_assert_int_eq(whstore_endpoint_create(c, "t-ssrf", u, NULL, 0, NULL, 1, &o), DP_OK);
        snprintf(xf[i], sizeof xf[i], "%s", sget(o, "id"));
        cJSON_Delete(o);
    }
    url(cb, sizeof cb, "127.0.0.1", S.recv_port, "/ok/x4");
    emit(c, "evt_ssrf1", "document.completed", "t-ssrf", cb);

    cJSON *d = wait_delivery(c, "t-ssrf", x1, "failed", 1);
    ck_assert_str_eq(sget(attempt(d, 0), "error"), "destination address 127.0.0.1 is private");
    cJSON_Delete(d);
    d = wait_delivery(c, "t-ssrf", x2, "failed", 1);
    ck_assert_str_eq(sget(attempt(d, 0), "error"), "destination host localhost is loopback");
    cJSON_Delete(d);
    d = wait_delivery(c, "t-ssrf", WHSTORE_CALLBACK, "failed", 1);
    ck_assert_str_eq(sget(attempt(d, 0), "error"), "destination address 127.0.0.1 is private");
    cJSON_Delete(d);
    if (*x3) {
        d = wait_delivery(c, "t-ssrf", x3, "failed", 1);
        ck_assert_str_eq(sget(attempt(d, 0), "error"), "destination address 127.0.0.1 is private");
        ck_assert_int_eq((int)nget(attempt(d, 0), "status_code"), 0);
        cJSON_Delete(d);
    }
    for (size_t i = 0; i < 4; i++) {
        d = wait_delivery(c, "t-ssrf", xf[i], "failed", 1);
        const char *err = sget(attempt(d, 0), "error");
        ck_assert_msg(strncmp(err, "destination ", 12) == 0, "%s: '%s'", forms[i][0], err);
        ck_assert_int_eq((int)nget(attempt(d, 0), "status_code"), 0);
        cJSON_Delete(d);
    }
    wht_sleep_ms(500);
    const char *names[] = {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"};
    for (size_t i = 0; i < 8; i++) {
        cJSON *l = wht_lines(S.log, names[i]);
        ck_assert_msg(cJSON_GetArraySize(l) == 0, "%s reached the receiver", names[i]);
        cJSON_Delete(l);
    }
    redisFree(c);
}
END_TEST

Suite *e2e_webhooks_suite(void)
{
    Suite *s = suite_create("e2e_webhooks");
    TCase *tc = tcase_create("delivery");
    tcase_add_unchecked_fixture(tc, stack_start_private, stack_stop);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, store_endpoints);
    tcase_add_test(tc, every_delivery_verifies);
    tcase_add_test(tc, failures_are_retried);
    tcase_add_test(tc, gone_disables_endpoint);
    tcase_add_test(tc, receiver_down_then_up);
    tcase_add_test(tc, slow_receiver_does_not_block_others);
    tcase_add_test(tc, crashed_consumer_loses_nothing);
    suite_add_tcase(s, tc);
    TCase *guard = tcase_create("ssrf");
    tcase_add_unchecked_fixture(guard, stack_start_guarded, stack_stop);
    tcase_set_timeout(guard, 60);
    tcase_add_test(guard, ssrf_refused_with_clear_error);
    suite_add_tcase(s, guard);
    return s;
}
