/* check_e2e_openapi.c -- api/openapi.json is true of the running API: every documented route
 * answers (never "no route" or 405) with a documented status, every row of the route table is
 * documented, the served file passes a third-party OpenAPI 3.1 linter, and /metrics speaks
 * Prometheus text whose counters move with traffic. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include "../api/api_routes.h"
#include "fixtures.h"
#include "harness.h"
#include "harness_browser.h"
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
    /* The API on its Unix socket, as make run has it: every route below goes through nginx to
     * it there */
    struct stack_opts o = {
        .acl = 1, .n_api = 1, .workers = 1, .env = env, .webhookd = 1, .api_socket = 1};
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
                        : !strncmp(tmpl, "/v1/batches/", 12)   ? "bat_01ARZ3NDEKTSV4RRFFQ69G5FAV"
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
 * with a documented status. */
static void call_operation(const char *method, const char *tmpl, const cJSON *op, const char *doc,
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
    snprintf(query, sizeof query, "dedup=false&callback_url=http://127.0.0.1:%d/cb",
             harness_free_port());
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
    int called = 0;
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
                call_operation(op->string, path->string, op, doc, w, dlv, png, pnglen);
                called++;
            }
        }
    }
    ck_assert_int_eq(called, API_ROUTES_N);
    /* and the no-route answer this test relies on is real */
    snprintf(url, sizeof url, "%s/v1/no-such-thing", st.base);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert(no_route(&r));
    http_resp_free(&r);
    free(png);
    cJSON_Delete(spec);
}
END_TEST

/* The served spec documents exactly the route table's operations (the table drives the
 * dispatch, so these are the routes the API answers). */
START_TEST(every_dispatched_route_is_documented)
{
    cJSON *spec = fetch_spec();
    cJSON *paths = cJSON_GetObjectItem(spec, "paths"), *path, *op;
    for (size_t i = 0; i < API_ROUTES_N; i++) {
        char m[16];
        snprintf(m, sizeof m, "%s", api_routes[i].method);
        for (char *q = m; *q; q++)
            *q = (char)(*q - 'A' + 'a');
        cJSON *ops = cJSON_GetObjectItem(paths, api_routes[i].tmpl);
        ck_assert_msg(ops && cJSON_GetObjectItem(ops, m),
                      "%s %s is dispatched but not in the served openapi.json", m,
                      api_routes[i].tmpl);
    }
    int n = 0;
    cJSON_ArrayForEach(path, paths)
    {
        cJSON_ArrayForEach(op, path)
        {
            n += is_method(op->string);
        }
    }
    ck_assert_int_eq(n, API_ROUTES_N);
    cJSON_Delete(spec);
}
END_TEST

/* Runs argv with the stack's environment, output to dir/log; its exit status, or -1. */
static int run_logged(const char *log, char *const argv[])
{
    pid_t p = stack_spawn(&st, log, argv);
    int status = 0;
    if (p < 0 || waitpid(p, &status, 0) != p)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Prints the end of st.dir/name (a failing tool's log). */
static void tail_log(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", st.dir, name);
    log_tail(path);
}

/* Writes j to dir/name; the path goes to out. */
static void write_json(const cJSON *j, const char *name, char *out, size_t outsz)
{
    char *text = cJSON_Print(j);
    ck_assert_ptr_nonnull(text);
    snprintf(out, outsz, "%s/%s", st.dir, name);
    FILE *f = fopen(out, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
    free(text);
}

/* The spec the API serves passes a third-party OpenAPI 3.1 linter (Redocly's openapi-core,
 * recommended rules, pinned in tests/openapi-lint/package-lock.json), and the linter is real:
 * a copy with a duplicated operationId and a dangling $ref fails it. */
START_TEST(served_spec_passes_openapi_lint)
{
    const char *src = getenv("DOCPROC_SRC_DIR");
    char setup_sh[600], lint_js[600], good[600], bad[600];
    src = src && *src ? src : ".";
    snprintf(setup_sh, sizeof setup_sh, "%s/tests/openapi-lint/setup.sh", src);
    snprintf(lint_js, sizeof lint_js, "%s/tests/openapi-lint/lint.js", src);
    char *setup_argv[] = {"sh", setup_sh, NULL};
    int rc = run_logged("openapi-lint-setup.log", setup_argv);
    if (rc != 0)
        tail_log("openapi-lint-setup.log");
    ck_assert_msg(rc == 0, "npm ci in tests/openapi-lint failed (%d)", rc);

    cJSON *spec = fetch_spec();
    write_json(spec, "openapi.json", good, sizeof good);
    char *good_argv[] = {"node", lint_js, good, NULL};
    rc = run_logged("openapi-lint.log", good_argv);
    if (rc != 0)
        tail_log("openapi-lint.log");
    ck_assert_msg(rc == 0, "the served openapi.json fails the OpenAPI linter (exit %d)", rc);

    cJSON *get = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "paths"), "/v1/stats"), "get");
    ck_assert_ptr_nonnull(get);
    cJSON_ReplaceItemInObject(get, "operationId", cJSON_CreateString("getClassifier"));
    cJSON *ok = cJSON_GetObjectItem(cJSON_GetObjectItem(get, "responses"), "200");
    cJSON_ReplaceItemInObject(ok, "content",
                              cJSON_Parse("{\"application/json\":{\"schema\":"
                                          "{\"$ref\":\"#/components/schemas/"
                                          "NoSuchSchema\"}}}"));
    write_json(spec, "openapi-broken.json", bad, sizeof bad);
    char *bad_argv[] = {"node", lint_js, bad, NULL};
    rc = run_logged("openapi-lint-broken.log", bad_argv);
    ck_assert_msg(rc == 1, "the linter accepted a broken spec (exit %d)", rc);
    char path[700], text[8192];
    snprintf(path, sizeof path, "%s/openapi-lint-broken.log", st.dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    ck_assert_msg(strstr(text, "operation-operationId-unique") &&
                      strstr(text, "no-unresolved-refs"),
                  "linter output: %s", text);
    cJSON_Delete(spec);
}
END_TEST

/* GET /metrics at base, or on the API's own socket when base is NULL; checks status, type and
 * the text format; caller frees. */
static char *scrape(const char *base)
{
    char url[256], sock[200], ct[128], why[256];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/metrics", base ? base : "");
    stack_api_socket(&st, 0, sock, sizeof sock);
    ck_assert_int_eq(base ? http_req("GET", url, NULL, NULL, NULL, 0, &r)
                          : http_req_unix(sock, "GET", "/metrics", NULL, NULL, 0, &r),
                     0);
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
    char url[256], doc[64], series[256];
    unsigned char *png;
    size_t pnglen;
    struct http_resp r;
    const char *api = NULL; /* the API process itself, over its socket */
    free(scrape(st.base));  /* through nginx too */
    char *before = scrape(api);
    png_page(&png, &pnglen);
    char query[128];
    snprintf(query, sizeof query, "dedup=false&callback_url=http://127.0.0.1:%d/cb",
             harness_free_port());
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
    /* requests by route template, method and status; never the raw path */
    const char *ok = "docproc_http_requests_total{route=\"/v1/documents/{id}\",method=\"GET\","
                     "status=\"200\"}";
    const char *nf = "docproc_http_requests_total{route=\"/v1/documents/{id}\",method=\"GET\","
                     "status=\"404\"}";
    /* A request is counted when MHD reports it complete, which can come just after the client
     * has its answer: scrape again (briefly) until the last one is in. */
    double nf_mid = promtext_value(mid, nf) < 0 ? 0 : promtext_value(mid, nf);
    char *after = scrape(api);
    for (int t = 0; t < 50 && (promtext_value(after, nf) - nf_mid < 1 ||
                               promtext_value(after, ok) - promtext_value(mid, ok) < 3);
         t++) {
        free(after);
        msleep(50);
        after = scrape(api);
    }
    ck_assert(promtext_value(after, ok) - promtext_value(mid, ok) == 3);
    ck_assert(promtext_value(after, nf) - nf_mid == 1);
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
    tcase_add_test(tc, served_spec_passes_openapi_lint);
    tcase_add_test(tc, metrics_move_with_traffic);
    tcase_add_test(tc, every_documented_route_exists);
    suite_add_tcase(s, tc);
    return s;
}
