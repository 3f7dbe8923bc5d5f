/* check_e2e_openapi.c -- api/openapi.json is true of the running API: every documented route
 * answers (never "no route" or 405) with a documented status, every route the dispatcher knows is
 * documented, and /metrics speaks Prometheus text whose counters move with traffic. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "promtext.h"
#include "testutil.h"
#include "util.h"

static struct stack st;
static const char *const page_lines[] = {"Invoice 2041", "Total due EUR 120.00",
                                         "The quick brown fox"};

static void setup(void)
{
    static const char *const env[] = {"DOCPROC_WEBHOOK_ALLOW_PRIVATE=1",
                                      "DOCPROC_WEBHOOK_RETRY_SCHEDULE=0,1",
                                      "DOCPROC_WEBHOOK_TIMEOUT_MS=2000", NULL};
    struct stack_opts o = {.n_api = 1, .workers = 1, .env = env, .webhookd = 1};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Every route docproc-api dispatches, read from the dispatch code: api_server.c dispatch(),
 * api_docs.c api_docs_route(), api_classifier.c, api_extractor.c, api_webhooks.c
 * api_webhooks_route(), plus GET /v1/stats (the stats branch). HEAD is served wherever GET is and
 * is not listed. */
static const struct {
    const char *method, *path;
} dispatched[] = {
    {"get", "/healthz"},
    {"get", "/readyz"},
    {"get", "/metrics"},
    {"get", "/v1/openapi.json"},
    {"get", "/v1/stats"},
    {"post", "/v1/documents"},
    {"get", "/v1/documents"},
    {"get", "/v1/documents/{id}"},
    {"delete", "/v1/documents/{id}"},
    {"get", "/v1/documents/{id}/text"},
    {"get", "/v1/documents/{id}/hocr"},
    {"get", "/v1/documents/{id}/file"},
    {"post", "/v1/documents/{id}/reprocess"},
    {"post", "/v1/documents/{id}/label"},
    {"delete", "/v1/documents/{id}/label"},
    {"put", "/v1/documents/{id}/fields"},
    {"get", "/v1/extractor"},
    {"post", "/v1/extractor/train"},
    {"get", "/v1/classifier"},
    {"post", "/v1/classifier/train"},
    {"post", "/v1/webhooks"},
    {"get", "/v1/webhooks"},
    {"get", "/v1/webhooks/secret"},
    {"get", "/v1/webhooks/{id}"},
    {"delete", "/v1/webhooks/{id}"},
    {"post", "/v1/webhooks/{id}/rotate-secret"},
    {"get", "/v1/webhooks/{id}/deliveries"},
    {"get", "/v1/webhooks/{id}/deliveries/{delivery}"},
    {"post", "/v1/webhooks/{id}/deliveries/{delivery}/retry"},
};
#define NDISPATCHED (sizeof dispatched / sizeof dispatched[0])

static const char *const http_methods[] = {"get",     "put",  "post",  "delete",
                                           "options", "head", "patch", "trace"};

static int is_method(const char *k)
{
    for (size_t i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++)
        if (!strcmp(k, http_methods[i]))
            return 1;
    return 0;
}

static cJSON *fetch_spec(void)
{
    char url[256], ct[128];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/openapi.json", st.base);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0); /* no key needed */
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(http_header(&r, "Content-Type", ct, sizeof ct));
    ck_assert(strncmp(ct, "application/json", 16) == 0);
    cJSON *j = http_json(&r);
    http_resp_free(&r);
    ck_assert_msg(j != NULL, "/v1/openapi.json does not parse");
    const char *v = json_str(j, "openapi");
    ck_assert_msg(strncmp(v, "3.1", 3) == 0, "openapi is '%s'", v);
    return j;
}

/* The "no route" answers of the dispatcher: 404 not_found "no route for ..." or 405. */
static int no_route(const struct http_resp *r)
{
    if (r->status == 405)
        return 1;
    if (r->status != 404)
        return 0;
    cJSON *j = http_json(r);
    int nr = !strcmp(json_str(j, "error.code"), "not_found") &&
             !strncmp(json_str(j, "error.message"), "no route for", 12);
    cJSON_Delete(j);
    return nr;
}

/* The URL for a template with its parameters filled in. */
static void fill(const char *tmpl, const char *doc, const char *wh, const char *dlv, char *out,
                 size_t outsz)
{
    size_t n = (size_t)snprintf(out, outsz, "%s", st.base);
    for (const char *p = tmpl; *p && n + 64 < outsz; p++) {
        if (*p != '{') {
            out[n++] = *p;
            continue;
        }
        const char *v = !strncmp(p, "{delivery}", 10)          ? dlv
                        : !strncmp(tmpl, "/v1/webhooks/", 13)  ? wh
                        : !strncmp(tmpl, "/v1/documents/", 14) ? doc
                                                               : NULL;
        ck_assert_msg(v != NULL, "no value for a parameter of %s", tmpl);
        n += (size_t)snprintf(out + n, outsz - n, "%s", v);
        p = strchr(p, '}');
    }
    out[n] = '\0';
}

static void png_page(unsigned char **buf, size_t *len)
{
    ck_assert_int_eq(fixture_png(page_lines, 3, buf, len), DP_OK);
}

/* Calls one documented operation with a body that fits it; asserts it exists and answered
 * with a documented status. Returns 0 when skipped (GET /v1/stats not built yet). */
static int call_operation(const char *method, const char *tmpl, const cJSON *op, const char *doc,
                          const char *wh, const char *dlv, const unsigned char *png, size_t pnglen)
{
    char url[512], m[16];
    struct http_resp r;
    const char *const json_hdr[] = {"Content-Type: application/json", NULL};
    const char *const png_hdr[] = {"Content-Type: image/png", NULL};
    const char *const *hdr = NULL;
    const void *body = NULL;
    size_t len = 0;
    fill(tmpl, doc, wh, dlv, url, sizeof url);
    for (size_t i = 0; i < sizeof m - 1 && method[i]; i++)
        m[i] = (char)(method[i] - 'a' + 'A'), m[i + 1] = '\0';
    if (!strcmp(method, "put") && !strcmp(tmpl, "/v1/documents/{id}/fields"))
        hdr = json_hdr, body = "{\"fields\":{\"po_number\":\"PO-1\"}}", len = strlen(body);
    if (!strcmp(method, "post")) {
        if (!strcmp(tmpl, "/v1/documents")) {
            hdr = png_hdr, body = png, len = pnglen;
        } else if (!strcmp(tmpl, "/v1/documents/{id}/label")) {
            hdr = json_hdr, body = "{\"class\":\"invoice\"}", len = strlen(body);
        } else if (!strcmp(tmpl, "/v1/webhooks")) {
            hdr = json_hdr, body = "{\"url\":\"http://127.0.0.1:9/hook\"}", len = strlen(body);
        } else if (!strcmp(tmpl, "/v1/documents/{id}/reprocess") ||
                   !strcmp(tmpl, "/v1/classifier/train")) {
            hdr = json_hdr, body = "{}", len = 2;
        }
    }
    ck_assert_int_eq(http_req(m, url, st.key, hdr, body, len, &r), 0);
    if (!strcmp(tmpl, "/v1/stats") && no_route(&r)) {
        fprintf(stderr, "e2e_openapi: GET /v1/stats is not served by this build; skipped\n");
        http_resp_free(&r);
        return 0;
    }
    ck_assert_msg(!no_route(&r), "%s %s is documented but answers %ld: %.200s", m, tmpl, r.status,
                  r.body ? r.body : "");
    char code[8];
    snprintf(code, sizeof code, "%ld", r.status);
    ck_assert_msg(cJSON_GetObjectItem(cJSON_GetObjectItem(op, "responses"), code) != NULL,
                  "%s %s answered %ld, which is not documented: %.200s", m, tmpl, r.status,
                  r.body ? r.body : "");
    if (r.status >= 400) { /* the Error schema */
        cJSON *j = http_json(&r);
        ck_assert_msg(j && *json_str(j, "error.code") && *json_str(j, "error.message") &&
                          *json_str(j, "error.request_id"),
                      "%s %s: error body %.200s", m, tmpl, r.body ? r.body : "");
        cJSON_Delete(j);
    }
    http_resp_free(&r);
    return 1;
}

START_TEST(every_documented_route_exists)
{
    unsigned char *png;
    size_t pnglen;
    char doc[64], url[256], wh[64] = "", dlv[64] = "dlv_00000000000000000000000000000000";
    struct http_resp r;
    cJSON *spec = fetch_spec();
    png_page(&png, &pnglen);
    /* a finished document, an endpoint, and a delivery (of the callback), to name in paths */
    char query[128];
    snprintf(query, sizeof query, "callback_url=http://127.0.0.1:%d/cb", harness_free_port());
    ck_assert_int_eq(stack_upload(&st, st.key, png, pnglen, query, doc), 202);
    cJSON *d = stack_wait_doc(&st, st.key, doc, 60000);
    ck_assert_str_eq(json_str(d, "status"), "done");
    cJSON_Delete(d);
    snprintf(url, sizeof url, "%s/v1/webhooks", st.base);
    const char *body = "{\"url\":\"http://127.0.0.1:9/endpoint\"}";
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, body, strlen(body), &r), 0);
    ck_assert_int_eq(r.status, 201);
    cJSON *j = http_json(&r);
    snprintf(wh, sizeof wh, "%s", json_str(j, "id"));
    cJSON_Delete(j);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/v1/webhooks/callback/deliveries", st.base);
    for (int t = 0; t < 100; t++) {
        ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
        j = http_json(&r);
        const char *id = json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "data"), 0), "id");
        if (*id)
            snprintf(dlv, sizeof dlv, "%s", id);
        cJSON_Delete(j);
        http_resp_free(&r);
        if (strncmp(dlv, "dlv_0000", 8) != 0)
            break;
        msleep(100);
    }
    /* every operation; deletions last so the rest see the document and endpoint */
    int called = 0, skipped = 0;
    for (int pass = 0; pass < 2; pass++) {
        cJSON *path, *op;
        cJSON_ArrayForEach(path, cJSON_GetObjectItem(spec, "paths"))
        {
            cJSON_ArrayForEach(op, path)
            {
                if (!is_method(op->string) || (strcmp(op->string, "delete") == 0) != pass)
                    continue;
                /* the per-document routes use the callback endpoint's deliveries */
                const char *w = strstr(path->string, "{delivery}") ? "callback" : wh;
                if (call_operation(op->string, path->string, op, doc, w, dlv, png, pnglen))
                    called++;
                else
                    skipped++;
            }
        }
    }
    ck_assert_int_ge(called, (int)NDISPATCHED - 1);
    ck_assert_int_le(skipped, 1);
    /* and the no-route answer this test relies on is real */
    snprintf(url, sizeof url, "%s/v1/no-such-thing", st.base);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert(no_route(&r));
    http_resp_free(&r);
    free(png);
    cJSON_Delete(spec);
}
END_TEST

START_TEST(every_dispatched_route_is_documented)
{
    cJSON *spec = fetch_spec();
    cJSON *paths = cJSON_GetObjectItem(spec, "paths"), *path, *op;
    for (size_t i = 0; i < NDISPATCHED; i++) {
        cJSON *ops = cJSON_GetObjectItem(paths, dispatched[i].path);
        ck_assert_msg(ops && cJSON_GetObjectItem(ops, dispatched[i].method),
                      "%s %s is dispatched but not in api/openapi.json", dispatched[i].method,
                      dispatched[i].path);
    }
    /* and the list above is complete: nothing documented that it lacks */
    cJSON_ArrayForEach(path, paths)
    {
        cJSON_ArrayForEach(op, path)
        {
            if (!is_method(op->string))
                continue;
            int found = 0;
            for (size_t i = 0; i < NDISPATCHED && !found; i++)
                found = !strcmp(dispatched[i].path, path->string) &&
                        !strcmp(dispatched[i].method, op->string);
            ck_assert_msg(found, "%s %s is documented but missing from the dispatched list",
                          op->string, path->string);
        }
    }
    cJSON_Delete(spec);
}
END_TEST

/* GET /metrics at base; checks status, type and the text format; caller frees. */
static char *scrape(const char *base)
{
    char url[256], ct[128], why[256];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/metrics", base);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(http_header(&r, "Content-Type", ct, sizeof ct));
    ck_assert_msg(strncmp(ct, "text/plain; version=0.0.4", 25) == 0, "Content-Type %s", ct);
    ck_assert_msg(promtext_check(r.body, r.len, why, sizeof why) == 0, "%s", why);
    char *text = strndup(r.body, r.len);
    http_resp_free(&r);
    return text;
}

START_TEST(metrics_move_with_traffic)
{
    char api[64], url[256], doc[64], series[256];
    unsigned char *png;
    size_t pnglen;
    struct http_resp r;
    snprintf(api, sizeof api, "http://127.0.0.1:%d", st.api_ports[0]);
    free(scrape(st.base)); /* through nginx too */
    char *before = scrape(api);
    png_page(&png, &pnglen);
    char query[128];
    snprintf(query, sizeof query, "callback_url=http://127.0.0.1:%d/cb", harness_free_port());
    ck_assert_int_eq(stack_upload(&st, st.key, png, pnglen, query, doc), 202);
    cJSON_Delete(stack_wait_doc(&st, st.key, doc, 60000));
    char *mid = scrape(api);
    snprintf(url, sizeof url, "%s/v1/documents/%s", st.base, doc);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
        ck_assert_int_eq(r.status, 200);
        http_resp_free(&r);
    }
    snprintf(url, sizeof url, "%s/v1/documents/doc_00000000000000000000000000", st.base);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    char *after = scrape(api);

    /* requests by route template, method and status; never the raw path */
    const char *ok = "docproc_http_requests_total{route=\"/v1/documents/{id}\",method=\"GET\","
                     "status=\"200\"}";
    const char *nf = "docproc_http_requests_total{route=\"/v1/documents/{id}\",method=\"GET\","
                     "status=\"404\"}";
    ck_assert(promtext_value(after, ok) - promtext_value(mid, ok) == 3);
    ck_assert(promtext_value(after, nf) -
                  (promtext_value(mid, nf) < 0 ? 0 : promtext_value(mid, nf)) ==
              1);
    ck_assert(strstr(after, doc) == NULL);
    snprintf(series, sizeof series,
             "docproc_http_request_duration_seconds_count{route=\"/v1/documents/{id}\"}");
    ck_assert(promtext_value(after, series) - promtext_value(mid, series) == 4);
    snprintf(series, sizeof series,
             "docproc_http_request_duration_seconds_bucket{route=\"/v1/documents/{id}\","
             "le=\"+Inf\"}");
    ck_assert(promtext_value(after, series) - promtext_value(mid, series) == 4);
    const char *up = "docproc_http_requests_total{route=\"/v1/documents\",method=\"POST\","
                     "status=\"202\"}";
    ck_assert(promtext_value(mid, up) -
                  (promtext_value(before, up) < 0 ? 0 : promtext_value(before, up)) ==
              1);
    ck_assert(promtext_value(mid, "docproc_upload_bytes_total") -
                  promtext_value(before, "docproc_upload_bytes_total") ==
              (double)pnglen);
    ck_assert(promtext_sum(after, "docproc_http_requests_total{route=\"/metrics\"") >= 2);
    /* from Redis */
    ck_assert(promtext_value(after, "docproc_redis_up") == 1);
    ck_assert(promtext_value(mid, "docproc_documents_accepted_total") -
                  promtext_value(before, "docproc_documents_accepted_total") ==
              1);
    ck_assert(promtext_value(mid, "docproc_jobs_total{outcome=\"done\"}") -
                  promtext_value(before, "docproc_jobs_total{outcome=\"done\"}") ==
              1);
    ck_assert(promtext_value(mid, "docproc_page_seconds_count") -
                  promtext_value(before, "docproc_page_seconds_count") ==
              1);
    ck_assert(promtext_value(mid, "docproc_page_seconds_sum") >
              promtext_value(before, "docproc_page_seconds_sum"));
    ck_assert(promtext_value(after, "docproc_queue_depth") >= 0);
    ck_assert(promtext_value(after, "docproc_queue_pending") >= 0);
    ck_assert(promtext_value(after, "docproc_queue_dead") >= 0);
    ck_assert(promtext_value(after, "docproc_oldest_pending_age_seconds") >= 0);
    ck_assert(promtext_value(after, "docproc_jobs_total{outcome=\"dead_lettered\"}") >= 0);
    /* the callback goes to a closed port: attempts show up as retrying, then exhausted */
    double was = promtext_sum(before, "docproc_webhook_attempts_total{"), now = was;
    for (int t = 0; t < 100 && now < was + 2; t++) {
        msleep(100);
        char *m = scrape(api);
        now = promtext_sum(m, "docproc_webhook_attempts_total{");
        free(m);
    }
    ck_assert_msg(now >= was + 2, "webhook attempts did not move (%g -> %g)", was, now);
    char *last = scrape(api);
    ck_assert(promtext_value(last, "docproc_webhook_attempts_total{outcome=\"retrying\"}") >= 1);
    ck_assert(promtext_value(last, "docproc_webhook_attempts_total{outcome=\"exhausted\"}") >= 1);
    free(last);
    free(before);
    free(mid);
    free(after);
    free(png);
}
END_TEST

Suite *e2e_openapi_suite(void)
{
    Suite *s = suite_create("e2e_openapi");
    TCase *tc = tcase_create("stack");
    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_dispatched_route_is_documented);
    tcase_add_test(tc, metrics_move_with_traffic);
    tcase_add_test(tc, every_documented_route_exists);
    suite_add_tcase(s, tc);
    return s;
}
