/* check_e2e_delivery.c -- webhooks through the whole stack: redis, nginx, API, worker,
 * docproc-webhookd and a Node receiver verifying with the standardwebhooks npm library.
 * Endpoints, the callback secret and delivery logs are driven through the HTTP API only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "e2e_webhooks_util.h"
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"

#define WAIT_MS 40000 /* longest wait for one document or webhook (the machine is shared) */

/* One stack plus one receiver per TCase (unchecked fixtures run in the runner's process). */
static struct stack st;
static struct {
    pid_t pid;
    int port;
    char log[256];     /* one JSON line per request received */
    char secrets[256]; /* receiver name -> secret, read on every request */
    cJSON *map;
    char readonly_key[64]; /* tenant alpha, documents:read only */
} R;

static const char *const page_lines[] = {"Webhook delivery test", "The quick brown fox jumps",
                                         "over the lazy dog 12345"};

static void start(int allow_private)
{
    const char *const env[] = {allow_private ? "DOCPROC_WEBHOOK_ALLOW_PRIVATE=1"
                                             : "DOCPROC_WEBHOOK_ALLOW_PRIVATE=0",
                               "DOCPROC_WEBHOOK_RETRY_SCHEDULE=0,1", /* two attempts, 1 s apart */
                               "DOCPROC_WEBHOOK_TIMEOUT_MS=3000", NULL};
    struct stack_opts o = {.acl = 1, .workers = 1, .env = env, .webhookd = 1};
    char out[128];
    memset(&R, 0, sizeof R);
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
    snprintf(R.log, sizeof R.log, "%s/received.jsonl", st.dir);
    snprintf(R.secrets, sizeof R.secrets, "%s/secrets.json", st.dir);
    R.map = cJSON_CreateObject();
    ck_assert_int_eq(wht_write_secrets(R.secrets, R.map), 0);
    R.pid = wht_receiver_start(st.dir, 0, R.secrets, R.log, &R.port);
    ck_assert_msg(R.pid > 0, "receiver did not start (node, npm ci: see %s)", st.dir);
    ck_assert_int_eq(stack_run(&st, out, sizeof out, "docproc-admin", "key", "create", "--tenant",
                               "alpha", "--scopes", "documents:read", NULL),
                     0);
    snprintf(R.readonly_key, sizeof R.readonly_key, "%.*s", (int)strcspn(out, "\n"), out);
}

static void start_private(void)
{
    start(1);
}

static void start_guarded(void)
{
    start(0);
}

static void stop(void)
{
    wht_stop(R.pid, 2000);
    cJSON_Delete(R.map);
    stack_stop(&st);
}

/* ---- helpers ---- */

static void set_secret(const char *name, const char *secret)
{
    cJSON_DeleteItemFromObject(R.map, name);
    cJSON_AddStringToObject(R.map, name, secret);
    ck_assert_int_eq(wht_write_secrets(R.secrets, R.map), 0);
}

static void recv_url(char *out, size_t outsz, const char *path)
{
    snprintf(out, outsz, "http://127.0.0.1:%d%s", R.port, path);
}

/* method on base + path with key; body may be NULL. Returns the parsed JSON (caller frees) and
 * the status in *status. */
static cJSON *api(const char *method, const char *path, const char *key, const char *body,
                  long *status)
{
    char url[512];
    struct http_resp r;
    const char *hdr[] = {"Content-Type: application/json", NULL};
    snprintf(url, sizeof url, "%s%s", st.base, path);
    ck_assert_int_eq(http_req(method, url, key, hdr, body, body ? strlen(body) : 0, &r), 0);
    *status = r.status;
    cJSON *j = http_json(&r);
    http_resp_free(&r);
    return j;
}

static void page_png(unsigned char **buf, size_t *len)
{
    ck_assert_int_eq(fixture_png(page_lines, 3, buf, len), DP_OK);
}

/* A PNG with a valid signature and header whose image data is cut short: fails to decode. */
static void broken_png(unsigned char **buf, size_t *len)
{
    page_png(buf, len);
    *len = *len / 3;
}

/* Uploads buf with callback_url (may be NULL) as multipart; the new id into id[64]. Every
 * upload is read anew (dedup=false): these tests upload the same page again and again. */
static void upload(const unsigned char *buf, size_t len, const char *callback, char *id)
{
    char url[256];
    struct http_resp r;
    const char *fields[] = {"dedup", "false", "callback_url", callback, NULL};
    if (!callback)
        fields[2] = NULL;
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    ck_assert_int_eq(http_multipart(url, st.key, buf, len, "page.png", fields, &r), 0);
    ck_assert_msg(r.status == 202, "upload: %ld %s", r.status, r.body);
    cJSON *j = http_json(&r);
    snprintf(id, 64, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    http_resp_free(&r);
}

static void wait_status(const char *id, const char *want)
{
    cJSON *doc = stack_wait_doc(&st, st.key, id, WAIT_MS);
    ck_assert_msg(doc, "document %s did not finish", id);
    ck_assert_str_eq(json_str(doc, "status"), want);
    cJSON_Delete(doc);
}

/* Creates an endpoint through the API; its id into id[64], its secret registered under name. */
static void create_endpoint(const char *name, const char *path, const char *events, char *id)
{
    char url[256], body[512];
    long status = 0;
    recv_url(url, sizeof url, path);
    snprintf(body, sizeof body, "{\"url\":\"%s\",\"description\":\"%s\"%s%s}", url, name,
             events ? ",\"events\":" : "", events ? events : "");
    cJSON *ep = api("POST", "/v1/webhooks", st.key, body, &status);
    ck_assert_msg(status == 201, "create endpoint %s: %ld", name, status);
    ck_assert_str_eq(json_str(ep, "url"), url);
    ck_assert_str_eq(json_str(ep, "status"), "enabled");
    ck_assert_int_eq(strncmp(json_str(ep, "secret"), "whsec_", 6), 0);
    ck_assert_int_eq(strncmp(json_str(ep, "id"), "wh_", 3), 0);
    snprintf(id, 64, "%s", json_str(ep, "id"));
    set_secret(name, json_str(ep, "secret"));
    cJSON_Delete(ep);
}

/* The receiver's requests for name, at least count of them within WAIT_MS (caller frees). */
static cJSON *received(const char *name, int count)
{
    cJSON *lines = wht_wait_lines(R.log, name, count, WAIT_MS);
    ck_assert_msg(cJSON_GetArraySize(lines) >= count, "%s: %d of %d webhooks arrived", name,
                  cJSON_GetArraySize(lines), count);
    return lines;
}

/* Body of received request i, parsed (caller frees); checks the signature verified. */
static cJSON *body_of(const cJSON *lines, int i)
{
    const cJSON *line = cJSON_GetArrayItem(lines, i);
    ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(line, "verified")), "not verified: %s",
                  json_str(line, "error"));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(line, "tampered_verified")));
    ck_assert_str_eq(json_str(line, "content_type"), "application/json");
    cJSON *b = cJSON_Parse(json_str(line, "body"));
    ck_assert_ptr_nonnull(b);
    return b;
}

/* Polls GET /v1/webhooks/{ep}/deliveries until the newest delivery has status want (returns the
 * list, caller frees) or WAIT_MS passes (fails). */
static cJSON *deliveries_until(const char *ep, const char *want)
{
    char path[256];
    long status = 0;
    snprintf(path, sizeof path, "/v1/webhooks/%s/deliveries", ep);
    for (int t = 0; t < WAIT_MS; t += 100) {
        cJSON *l = api("GET", path, st.key, NULL, &status);
        ck_assert_int_eq(status, 200);
        if (strcmp(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(l, "data"), 0), "status"),
                   want) == 0)
            return l;
        cJSON_Delete(l);
        wht_sleep_ms(100);
    }
    ck_abort_msg("%s: no delivery became %s", ep, want);
    return NULL;
}

/* ---- (a) per-document callback_url, signed with the tenant's default secret ---- */

START_TEST(callback_url_gets_signed_completed_event)
{
    unsigned char *png;
    size_t len;
    char id[64], url[256], secret[128];
    long status = 0;
    cJSON *s1 = api("GET", "/v1/webhooks/secret", st.key, NULL, &status);
    ck_assert_int_eq(status, 200);
    snprintf(secret, sizeof secret, "%s", json_str(s1, "secret"));
    ck_assert_int_eq(strncmp(secret, "whsec_", 6), 0);
    cJSON *s2 = api("GET", "/v1/webhooks/secret", st.key, NULL, &status);
    ck_assert_str_eq(json_str(s2, "secret"), secret); /* created once, then stable */
    cJSON_Delete(s1);
    cJSON_Delete(s2);
    set_secret("cb-a", secret);

    page_png(&png, &len);
    recv_url(url, sizeof url, "/ok/cb-a");
    upload(png, len, url, id);
    free(png);
    wait_status(id, "done");
    cJSON *lines = received("cb-a", 1);
    cJSON *b = body_of(lines, 0);
    ck_assert_str_eq(json_str(b, "type"), "document.completed");
    ck_assert_int_eq(strlen(json_str(b, "timestamp")), 20); /* 2024-01-01T00:00:00Z */
    ck_assert_str_eq(json_str(b, "data.id"), id);
    ck_assert_str_eq(json_str(b, "data.status"), "done");
    ck_assert(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "data"), "class")));
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "data"), "fields")));
    const char *text = json_str(b, "data.result.text");
    ck_assert_msg(strstr(text, "quick") && strstr(text, "fox"), "result text: %s", text);
    const char *evt = json_str(cJSON_GetArrayItem(lines, 0), "id");
    ck_assert_int_eq(strncmp(evt, "evt_", 4), 0);

    /* The attempt is in the callback delivery log. */
    cJSON *l = deliveries_until("callback", "delivered");
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "data"), 0);
    ck_assert_str_eq(json_str(d, "event_id"), evt);
    ck_assert_str_eq(json_str(d, "event_type"), "document.completed");
    ck_assert_str_eq(json_str(d, "url"), url);
    ck_assert_int_eq((int)json_num(d, "attempt_count"), 1);
    ck_assert_int_eq(
        (int)json_num(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "attempts"), 0), "status_code"),
        204);
    cJSON_Delete(l);
    cJSON_Delete(b);
    cJSON_Delete(lines);
}
END_TEST

/* A result over 20 kB travels as a link to the document instead of inline. */
START_TEST(large_result_is_a_link)
{
    static const char *const words[] = {"alpha", "bravo", "delta", "golf", "hotel", "india"};
    char lines[36][80], id[64], url[256], secret[128], want[128];
    const char *lp[36];
    unsigned char *png;
    size_t len;
    long status = 0;
    for (int i = 0; i < 36; i++) {
        snprintf(lines[i], sizeof lines[i], "Row %02d %s %s %s %s %s %s charlie echo", i + 1,
                 words[i % 6], words[(i + 1) % 6], words[(i + 2) % 6], words[(i + 3) % 6],
                 words[(i + 4) % 6], words[(i + 5) % 6]);
        lp[i] = lines[i];
    }
    ck_assert_int_eq(fixture_png(lp, 36, &png, &len), DP_OK);
    cJSON *s = api("GET", "/v1/webhooks/secret", st.key, NULL, &status);
    snprintf(secret, sizeof secret, "%s", json_str(s, "secret"));
    cJSON_Delete(s);
    set_secret("cb-big", secret);
    recv_url(url, sizeof url, "/ok/cb-big");
    upload(png, len, url, id);
    free(png);
    wait_status(id, "done");
    cJSON *lines_got = received("cb-big", 1);
    const char *raw = json_str(cJSON_GetArrayItem(lines_got, 0), "body");
    ck_assert_int_lt(strlen(raw), 20 * 1024);
    cJSON *b = body_of(lines_got, 0);
    snprintf(want, sizeof want, "/v1/documents/%s", id);
    ck_assert_str_eq(json_str(b, "data.result_url"), want);
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "data"), "result"));
    ck_assert_str_eq(json_str(b, "data.status"), "done");
    cJSON *doc = api("GET", want, st.key, NULL, &status); /* the link is the full result */
    ck_assert_int_eq(status, 200);
    char *full = cJSON_PrintUnformatted(doc);
    ck_assert_int_ge(strlen(full), 20 * 1024);
    cJSON_free(full);
    cJSON_Delete(doc);
    cJSON_Delete(b);
    cJSON_Delete(lines_got);
}
END_TEST

/* ---- (b) a tenant endpoint with an events filter ---- */

START_TEST(endpoint_filter_receives_only_failures)
{
    unsigned char *good, *bad;
    size_t glen, blen;
    char fail_ep[64], all_ep[64], gid[64], bid[64], path[256];
    long status = 0;
    create_endpoint("ep-fail", "/ok/ep-fail", "[\"document.failed\"]", fail_ep);
    create_endpoint("ep-all", "/ok/ep-all", NULL, all_ep);

    /* Listing and reading never show a secret; another tenant sees nothing. */
    cJSON *list = api("GET", "/v1/webhooks", st.key, NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_int_ge(cJSON_GetArraySize(cJSON_GetObjectItem(list, "data")), 2);
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "data"))
    {
        ck_assert_str_ne(json_str(it, "id"), "");
        ck_assert_ptr_null(cJSON_GetObjectItem(it, "secret"));
    }
    cJSON_Delete(list);
    snprintf(path, sizeof path, "/v1/webhooks/%s", fail_ep);
    cJSON *one = api("GET", path, st.key, NULL, &status);
    ck_assert_int_eq(status, 200);
    const cJSON *events = cJSON_GetObjectItem(one, "events");
    ck_assert_int_eq(cJSON_GetArraySize(events), 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(events, 0)), "document.failed");
    ck_assert_ptr_null(cJSON_GetObjectItem(one, "secret"));
    cJSON_Delete(one);
    cJSON_Delete(api("GET", path, st.key2, NULL, &status));
    ck_assert_int_eq(status, 404);
    cJSON_Delete(api("DELETE", path, st.key2, NULL, &status));
    ck_assert_int_eq(status, 404);

    page_png(&good, &glen);
    broken_png(&bad, &blen);
    upload(good, glen, NULL, gid);
    upload(bad, blen, NULL, bid);
    free(good);
    free(bad);
    wait_status(bid, "failed");
    wait_status(gid, "done");

    /* ep-all sees both events, so both were fanned out; ep-fail only the failure. */
    cJSON *all = received("ep-all", 2);
    cJSON *fails = received("ep-fail", 1);
    ck_assert_int_eq(cJSON_GetArraySize(fails), 1);
    cJSON *b = body_of(fails, 0);
    ck_assert_str_eq(json_str(b, "type"), "document.failed");
    ck_assert_str_eq(json_str(b, "data.id"), bid);
    ck_assert_str_eq(json_str(b, "data.status"), "failed");
    ck_assert_str_ne(json_str(b, "data.error.code"), "");
    cJSON_Delete(b);
    cJSON *l = deliveries_until(fail_ep, "delivered");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(l, "data")), 1);
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(l, "data"), 0), "event_type"),
                     "document.failed");
    cJSON_Delete(l);
    cJSON_Delete(all);
    cJSON_Delete(fails);

    /* Delete: gone for good, and no longer listed. */
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/v1/webhooks/%s", i ? all_ep : fail_ep);
        cJSON *d = api("DELETE", path, st.key, NULL, &status);
        ck_assert_int_eq(status, 200);
        ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d, "deleted")));
        cJSON_Delete(d);
        cJSON_Delete(api("GET", path, st.key, NULL, &status));
        ck_assert_int_eq(status, 404);
    }
}
END_TEST

/* ---- (c) the delivery log and redelivery through the API ---- */

START_TEST(deliveries_are_logged_and_retried)
{
    unsigned char *png;
    size_t len;
    char ep[64], id[64], dlv[64], path[256];
    long status = 0;
    /* The receiver answers 500 twice: both scheduled attempts fail, then a retry succeeds. */
    create_endpoint("ep-retry", "/flaky/2/ep-retry", "[\"document.completed\"]", ep);
    page_png(&png, &len);
    upload(png, len, NULL, id);
    free(png);
    wait_status(id, "done");
    cJSON *l = deliveries_until(ep, "exhausted");
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "data"), 0);
    const cJSON *atts = cJSON_GetObjectItem(d, "attempts");
    ck_assert_int_eq((int)json_num(d, "attempt_count"), 2);
    ck_assert_int_eq(cJSON_GetArraySize(atts), 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq((int)json_num(cJSON_GetArrayItem(atts, i), "status_code"), 500);
        ck_assert_str_eq(json_str(cJSON_GetArrayItem(atts, i), "error"), "HTTP 500");
    }
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(d, "next_attempt_at")));
    snprintf(dlv, sizeof dlv, "%s", json_str(d, "id"));
    cJSON_Delete(l);

    /* Retry: not for another tenant, not with a read-only key. */
    snprintf(path, sizeof path, "/v1/webhooks/%s/deliveries/%s/retry", ep, dlv);
    cJSON_Delete(api("POST", path, st.key2, NULL, &status));
    ck_assert_int_eq(status, 404);
    cJSON_Delete(api("POST", path, R.readonly_key, NULL, &status));
    ck_assert_int_eq(status, 403);
    cJSON *r = api("POST", path, st.key, NULL, &status);
    ck_assert_int_eq(status, 202);
    ck_assert_str_eq(json_str(r, "id"), dlv);
    cJSON_Delete(r);

    cJSON *lines = received("ep-retry", 3);
    const char *evt = json_str(cJSON_GetArrayItem(lines, 0), "id");
    for (int i = 0; i < 3; i++) { /* same webhook-id on every attempt, each signed */
        const cJSON *line = cJSON_GetArrayItem(lines, i);
        ck_assert_str_eq(json_str(line, "id"), evt);
        ck_assert_int_eq((int)json_num(line, "answered"), i < 2 ? 500 : 204);
        cJSON_Delete(body_of(lines, i));
    }
    cJSON_Delete(lines);
    l = deliveries_until(ep, "delivered");
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "data"), 0);
    ck_assert_int_eq((int)json_num(d, "attempt_count"), 3);
    ck_assert_int_eq(
        (int)json_num(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "attempts"), 0), "status_code"),
        204);
    cJSON_Delete(l);
    snprintf(path, sizeof path, "/v1/webhooks/%s/deliveries/%s", ep, dlv);
    cJSON *one = api("GET", path, R.readonly_key, NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_str_eq(json_str(one, "status"), "delivered");
    cJSON_Delete(one);

    /* Scopes: documents:read lists, documents:write manages and sees secrets. */
    cJSON_Delete(api("GET", "/v1/webhooks", R.readonly_key, NULL, &status));
    ck_assert_int_eq(status, 200);
    cJSON_Delete(
        api("POST", "/v1/webhooks", R.readonly_key, "{\"url\":\"http://x.example/\"}", &status));
    ck_assert_int_eq(status, 403);
    cJSON_Delete(api("GET", "/v1/webhooks/secret", R.readonly_key, NULL, &status));
    ck_assert_int_eq(status, 403);
    cJSON_Delete(api("GET", "/v1/webhooks/secret", NULL, NULL, &status));
    ck_assert_int_eq(status, 401);
}
END_TEST

/* ---- (d) the SSRF guard with webhook_allow_private off ---- */

START_TEST(private_receivers_are_refused)
{
    unsigned char *bad;
    size_t blen;
    char url[256], body[512], id[64];
    long status = 0;
    recv_url(url, sizeof url, "/ok/ep-private");
    snprintf(body, sizeof body, "{\"url\":\"%s\"}", url);
    cJSON *e = api("POST", "/v1/webhooks", st.key, body, &status);
    ck_assert_int_eq(status, 422);
    ck_assert_str_eq(json_str(e, "error.code"), "url_refused");
    ck_assert_ptr_nonnull(strstr(json_str(e, "error.message"), "127.0.0.1"));
    ck_assert_ptr_nonnull(strstr(json_str(e, "error.message"), "webhook_allow_private"));
    cJSON_Delete(e);
    static const struct {
        const char *body;
        long status;
        const char *code;
    } bad_bodies[] = {
        {"{\"url\":\"http://localhost:9/x\"}", 422, "url_refused"},
        {"{\"url\":\"http://[::ffff:10.0.0.1]/x\"}", 422, "url_refused"},
        {"{\"url\":\"ftp://example.com/x\"}", 400, "invalid_url"},
        {"{\"events\":[\"document.failed\"]}", 400, "invalid_url"},
        {"{\"url\":\"https://example.com/x\",\"events\":[\"document.bogus\"]}", 400,
         "invalid_events"},
        {"{\"url\":\"https://example.com/x\",\"events\":\"document.failed\"}", 400,
         "invalid_request"},
        {"not json", 400, "invalid_json"},
    };
    for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
        e = api("POST", "/v1/webhooks", st.key, bad_bodies[i].body, &status);
        ck_assert_msg(status == bad_bodies[i].status, "%s: %ld", bad_bodies[i].body, status);
        ck_assert_str_eq(json_str(e, "error.code"), bad_bodies[i].code);
        cJSON_Delete(e);
    }
    e = api("GET", "/v1/webhooks", st.key, NULL, &status);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(e, "data")), 0);
    cJSON_Delete(e);

    /* A public URL is accepted; its secret can be rotated (shown once, different). */
    e = api("POST", "/v1/webhooks", st.key, "{\"url\":\"https://example.com/hook\"}", &status);
    ck_assert_int_eq(status, 201);
    char path[256], first[128];
    snprintf(first, sizeof first, "%s", json_str(e, "secret"));
    snprintf(path, sizeof path, "/v1/webhooks/%s/rotate-secret", json_str(e, "id"));
    cJSON_Delete(e);
    e = api("POST", path, st.key, NULL, &status);
    ck_assert_int_eq(status, 200);
    ck_assert_int_eq(strncmp(json_str(e, "secret"), "whsec_", 6), 0);
    ck_assert_str_ne(json_str(e, "secret"), first);
    cJSON_Delete(e);
    cJSON_Delete(api("DELETE", "/v1/webhooks", st.key, NULL, &status));
    ck_assert_int_eq(status, 405);
    cJSON_Delete(api("GET", "/v1/webhooks/wh_x/deliveries/dlv_x/retry", st.key, NULL, &status));
    ck_assert_int_eq(status, 405);
    cJSON_Delete(api("GET", "/v1/webhooks/wh_x/nothing", st.key, NULL, &status));
    ck_assert_int_eq(status, 404);

    /* A callback_url is accepted at upload, but the daemon refuses to connect: the refusal is
     * the delivery's attempt in GET /v1/webhooks/callback/deliveries; nothing reaches it. */
    set_secret("cb-private", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    recv_url(url, sizeof url, "/ok/cb-private");
    broken_png(&bad, &blen);
    upload(bad, blen, url, id);
    free(bad);
    wait_status(id, "failed");
    cJSON *l = deliveries_until("callback", "failed");
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "data"), 0);
    const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "attempts"), 0);
    ck_assert_str_eq(json_str(d, "event_type"), "document.failed");
    ck_assert_str_eq(json_str(d, "url"), url);
    ck_assert_int_eq((int)json_num(d, "attempt_count"), 1);
    ck_assert_int_eq((int)json_num(a, "status_code"), 0);
    ck_assert_str_eq(json_str(a, "error"), "destination address 127.0.0.1 is private");
    cJSON_Delete(l);
    cJSON *lines = wht_lines(R.log, "cb-private");
    ck_assert_int_eq(cJSON_GetArraySize(lines), 0);
    cJSON_Delete(lines);
}
END_TEST

Suite *e2e_delivery_suite(void)
{
    Suite *s = suite_create("e2e_delivery");
    TCase *tc = tcase_create("allow_private");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, start_private, stop);
    tcase_add_test(tc, callback_url_gets_signed_completed_event);
    tcase_add_test(tc, large_result_is_a_link);
    tcase_add_test(tc, endpoint_filter_receives_only_failures);
    tcase_add_test(tc, deliveries_are_logged_and_retried);
    suite_add_tcase(s, tc);
    tc = tcase_create("guarded");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, start_guarded, stop);
    tcase_add_test(tc, private_receivers_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
