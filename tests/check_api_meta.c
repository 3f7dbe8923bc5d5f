/* check_api_meta.c -- the API's self-description without a server: the embedded OpenAPI file
 * parses and documents exactly the route table's operations and scopes; route matching and the
 * metrics' route templates;
 * the /metrics text format and its counters, also under concurrent counting. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "../api/api.h"
#include "stats.h"
#include "promtext.h"
#include "testutil.h"

static cJSON *spec(void)
{
    size_t len;
    const char *text = api_openapi_json(&len);
    ck_assert_uint_gt(len, 1000);
    cJSON *j = cJSON_ParseWithLength(text, len);
    ck_assert_msg(j != NULL, "api/openapi.json does not parse");
    return j;
}

/* A concrete path for a template: every {param} becomes a plausible id. */
static void concrete(const char *tmpl, char *out, size_t outsz)
{
    size_t n = 0;
    for (const char *p = tmpl; *p && n + 40 < outsz; p++) {
        if (*p != '{') {
            out[n++] = *p;
            continue;
        }
        const char *id = "doc_01JD3Z7Q8X5V9N2K4M6P8R0T2W";
        memcpy(out + n, id, strlen(id));
        n += strlen(id);
        p = strchr(p, '}');
        ck_assert_ptr_nonnull(p);
    }
    out[n] = '\0';
}

START_TEST(openapi_is_embedded_and_3_1)
{
    cJSON *j = spec();
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(j, "openapi"));
    ck_assert_ptr_nonnull(v);
    ck_assert(strncmp(v, "3.1", 3) == 0);
    cJSON *schemes = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "components"), "securitySchemes");
    ck_assert_str_eq(cJSON_GetStringValue(
                         cJSON_GetObjectItem(cJSON_GetObjectItem(schemes, "bearerAuth"), "scheme")),
                     "bearer");
    cJSON_Delete(j);
}
END_TEST

static const char *const http_methods[] = {"get",     "put",  "post",  "delete",
                                           "options", "head", "patch", "trace"};

static int is_method(const char *k)
{
    for (size_t i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++)
        if (!strcmp(k, http_methods[i]))
            return 1;
    return 0;
}

/* The OpenAPI operation of a route row, or NULL. */
static cJSON *operation(cJSON *paths, const struct api_route *rt)
{
    char m[16];
    size_t n = strlen(rt->method);
    ck_assert_uint_lt(n, sizeof m);
    for (size_t i = 0; i <= n; i++)
        m[i] = (char)(rt->method[i] >= 'A' && rt->method[i] <= 'Z' ? rt->method[i] - 'A' + 'a'
                                                                   : rt->method[i]);
    return cJSON_GetObjectItem(cJSON_GetObjectItem(paths, rt->tmpl), m);
}

/* The route table and api/openapi.json describe the same operations with the same scopes. */
START_TEST(openapi_is_the_route_table)
{
    cJSON *j = spec();
    cJSON *paths = cJSON_GetObjectItem(j, "paths"), *p, *op;
    for (int i = 0; i < API_ROUTES_N; i++) {
        const struct api_route *rt = &api_routes[i];
        op = operation(paths, rt);
        ck_assert_msg(op != NULL, "%s %s is routed but not in api/openapi.json", rt->method,
                      rt->tmpl);
        cJSON *sec = cJSON_GetObjectItem(op, "security");
        const char *desc = cJSON_GetStringValue(cJSON_GetObjectItem(op, "description"));
        if (!rt->scope) {
            ck_assert_msg(cJSON_IsArray(sec) && cJSON_GetArraySize(sec) == 0,
                          "%s %s takes no key: its operation needs \"security\": []", rt->method,
                          rt->tmpl);
        } else {
            char want[64];
            snprintf(want, sizeof want, "Scope: %s.", rt->scope);
            ck_assert_msg(sec == NULL, "%s %s needs a key: no security override", rt->method,
                          rt->tmpl);
            ck_assert_msg(desc && strstr(desc, want), "%s %s: description lacks '%s'", rt->method,
                          rt->tmpl, want);
        }
    }
    /* and the reverse: every documented operation is a row */
    int ops = 0;
    cJSON_ArrayForEach(p, paths)
    {
        cJSON_ArrayForEach(op, p)
        {
            if (!is_method(op->string))
                continue;
            int found = 0;
            for (int i = 0; i < API_ROUTES_N && !found; i++)
                found = operation(paths, &api_routes[i]) == op;
            ck_assert_msg(found, "%s %s is documented but not in the route table", op->string,
                          p->string);
            ops++;
        }
    }
    ck_assert_int_eq(ops, API_ROUTES_N);
    cJSON_Delete(j);
}
END_TEST

/* Rows of one template are adjacent, (method, template) pairs unique, handlers set, and every
 * template's concrete path finds its own first row (so no earlier template shadows it). */
START_TEST(route_table_is_well_formed)
{
    for (int i = 0; i < API_ROUTES_N; i++) {
        const struct api_route *rt = &api_routes[i];
        char path[256], buf[256];
        const char *param[API_ROUTE_PARAMS];
        ck_assert_ptr_nonnull(rt->handler);
        ck_assert(!strcmp(rt->method, "GET") || !strcmp(rt->method, "POST") ||
                  !strcmp(rt->method, "PUT") || !strcmp(rt->method, "PATCH") ||
                  !strcmp(rt->method, "DELETE"));
        for (int k = 0; k < i; k++) {
            ck_assert_msg(strcmp(rt->tmpl, api_routes[k].tmpl) ||
                              strcmp(rt->method, api_routes[k].method),
                          "%s %s twice", rt->method, rt->tmpl);
            ck_assert_msg(strcmp(rt->tmpl, api_routes[k].tmpl) || k == i - 1 ||
                              !strcmp(api_routes[k + 1].tmpl, rt->tmpl),
                          "rows of %s are not adjacent", rt->tmpl);
        }
        concrete(rt->tmpl, path, sizeof path);
        int first = i;
        while (first > 0 && !strcmp(api_routes[first - 1].tmpl, rt->tmpl))
            first--;
        ck_assert_msg(api_route_template(path) == first, "%s finds row %d, want %d", path,
                      api_route_template(path), first);
        ck_assert_int_eq(api_route_find(rt->method, path, buf, sizeof buf, param), i);
        ck_assert_str_eq(api_metrics_route_name(api_metrics_route(path)), rt->tmpl);
    }
    ck_assert_int_eq(API_METRICS_ROUTES, API_ROUTES_N + 1);
}
END_TEST

static int find(const char *method, const char *path, const char **param)
{
    static char buf[512];
    return api_route_find(method, path, buf, sizeof buf, param);
}

START_TEST(route_find)
{
    const char *param[API_ROUTE_PARAMS];
    int i = find("GET", "/v1/webhooks/wh_1/deliveries/dlv_2", param);
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(api_routes[i].tmpl, "/v1/webhooks/{id}/deliveries/{delivery}");
    ck_assert_str_eq(param[0], "wh_1");
    ck_assert_str_eq(param[1], "dlv_2");
    i = find("HEAD", "//v1/documents/doc_9//text/", param); /* HEAD is GET; empty segments */
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(api_routes[i].tmpl, "/v1/documents/{id}/text");
    ck_assert_str_eq(param[0], "doc_9");
    ck_assert_ptr_null(param[1]);
    i = find("DELETE", "/v1/documents/doc_9/label", param);
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(api_routes[i].method, "DELETE");
    ck_assert_str_eq(api_routes[i].scope, "documents:write");
    i = find("GET", "/v1/webhooks/secret", param); /* the literal wins over {id} */
    ck_assert_int_ge(i, 0);
    ck_assert_str_eq(api_routes[i].tmpl, "/v1/webhooks/secret");
    ck_assert_str_eq(api_routes[i].scope, "documents:write");
    i = find("POST", "/v1/documents", param);
    ck_assert_int_ge(i, 0);
    ck_assert(api_routes[i].flags & API_ROUTE_STREAM);
    ck_assert_str_eq(api_routes[i].scope, "documents:write");
    /* a template without the method: 405; no template: 404 */
    ck_assert_int_eq(find("DELETE", "/v1/webhooks/secret", param), API_ROUTE_METHOD);
    ck_assert_int_eq(find("POST", "/v1/stats", param), API_ROUTE_METHOD);
    ck_assert_int_eq(find("PUT", "/v1/documents/doc_1", param), API_ROUTE_METHOD);
    ck_assert_int_eq(find("GET", "/v1/documents/doc_1/nothing", param), API_ROUTE_NONE);
    ck_assert_int_eq(find("GET", "/v1/webhooks/wh_x/nothing", param), API_ROUTE_NONE);
    ck_assert_int_eq(find("GET", "/", param), API_ROUTE_NONE);
    ck_assert_int_eq(find("GET", "", param), API_ROUTE_NONE);
    /* a path longer than the buffer is no route, never an overflow */
    char small[8];
    ck_assert_int_eq(api_route_find("GET", "/v1/documents/doc_1", small, sizeof small, param),
                     API_ROUTE_NONE);
}
END_TEST

START_TEST(route_templates)
{
    static const struct {
        const char *path, *want;
    } cases[] = {
        {"/v1/documents", "/v1/documents"},
        {"/v1/documents/", "/v1/documents"},
        {"//v1//documents", "/v1/documents"},
        {"/v1/documents/doc_01JD3Z7Q8X5V9N2K4M6P8R0T2W", "/v1/documents/{id}"},
        {"/v1/documents/anything/text", "/v1/documents/{id}/text"},
        {"/v1/documents/x/label", "/v1/documents/{id}/label"},
        {"/v1/webhooks/secret", "/v1/webhooks/secret"},
        {"/v1/webhooks/wh_abc", "/v1/webhooks/{id}"},
        {"/v1/webhooks/callback/deliveries/dlv_1/retry",
         "/v1/webhooks/{id}/deliveries/{delivery}/retry"},
        {"/metrics", "/metrics"},
        {"/v1/openapi.json", "/v1/openapi.json"},
        {"/", "other"},
        {"", "other"},
        {"/v1/nothing-here", "other"},
        {"/v1/documents/a/b/c", "other"},
        {"/v1/documents/a/texts", "other"},
        {"/healthzz", "other"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(
            !strcmp(api_metrics_route_name(api_metrics_route(cases[i].path)), cases[i].want),
            "%s -> %s, want %s", cases[i].path,
            api_metrics_route_name(api_metrics_route(cases[i].path)), cases[i].want);
    ck_assert_str_eq(api_metrics_route_name(-1), "other");
    ck_assert_str_eq(api_metrics_route_name(API_METRICS_ROUTES), "other");
}
END_TEST

static cJSON *fake_queue(void)
{
    return cJSON_Parse("{\"stream_length\":7,\"queued\":5,\"pending\":2,\"oldest_pending_age_s\":"
                       "1.5,\"dead\":1,\"consumers\":[{\"name\":\"a\",\"pending\":2,\"idle_ms\":3}"
                       "],\"totals\":{\"accepted\":40,\"done\":30,\"failed\":4,"
                       "\"dead_lettered\":1}}");
}

static cJSON *fake_counters(void)
{
    return cJSON_Parse("{\"page_seconds\":{\"bounds\":[0.5,1,2],\"counts\":[1,2,0,3],\"sum\":9.25,"
                       "\"count\":6},\"webhook_attempts\":{\"delivered\":5,\"retrying\":2,"
                       "\"failed\":0,\"exhausted\":0},\"restarts\":{\"api-0\":2,\"worker\":1,"
                       "\"bad\\\"}\\nname\":7}}");
}

START_TEST(program_names)
{
    static const char *const good[] = {
        "api-0",    "worker", "redis",      "nginx",
        "webhookd", "a",      "api-12.x_y", "abcdefghijklmnopqrstuvwxyz012345"};
    static const char *const bad[] = {
        "",     "0api", "-x",   "API",  "a b",
        "a\"b", "a\\b", "a\nb", "a{b}", "abcdefghijklmnopqrstuvwxyz0123456"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(stats_program_valid(good[i], strlen(good[i])), "%s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!stats_program_valid(bad[i], strlen(bad[i])), "%s", bad[i]);
    /* the length is what counts, not a NUL */
    ck_assert(stats_program_valid("api-0 trailing", 5));
    ck_assert(!stats_program_valid("api\0x", 5));
    ck_assert(!stats_program_valid(NULL, 0));
}
END_TEST

START_TEST(metrics_text)
{
    struct api_metrics *m = calloc(1, sizeof *m);
    char *text = NULL, why[200];
    size_t len = 0;
    api_metrics_count(m, "GET", "/v1/documents/doc_1", 404, 1500, 0);
    api_metrics_count(m, "GET", "/v1/documents/doc_2", 404, 300000, 0);
    api_metrics_count(m, "GET", "/v1/documents/doc_2", 200, 20000000, 0);
    api_metrics_count(m, "POST", "/v1/documents", 202, 40000, 12345);
    api_metrics_count(m, "PATCH", "/nowhere", 405, 10, 0);
    api_metrics_count(m, "POST", "/v1/documents", 418, 10, 5);
    cJSON *q = fake_queue(), *c = fake_counters();
    ck_assert_int_eq(api_metrics_render(m, q, c, 1, &text, &len), DP_OK);
    ck_assert_uint_eq(strlen(text), len);
    ck_assert_msg(promtext_check(text, len, why, sizeof why) == 0, "%s\n%s", why, text);
    ck_assert(promtext_value(text, "docproc_http_requests_total{route=\"/v1/documents/{id}\","
                                   "method=\"GET\",status=\"404\"}") == 2);
    ck_assert(promtext_value(text, "docproc_http_requests_total{route=\"/v1/documents\","
                                   "method=\"POST\",status=\"202\"}") == 1);
    ck_assert(promtext_value(text, "docproc_http_requests_total{route=\"other\","
                                   "method=\"other\",status=\"405\"}") == 1);
    ck_assert(promtext_value(text, "docproc_http_requests_total{route=\"/v1/documents\","
                                   "method=\"POST\",status=\"other\"}") == 1);
    /* the histogram is cumulative and its +Inf bucket is the count */
    const char *h = "docproc_http_request_duration_seconds";
    char series[200];
    snprintf(series, sizeof series, "%s_bucket{route=\"/v1/documents/{id}\",le=\"0.0025\"}", h);
    ck_assert(promtext_value(text, series) == 1);
    snprintf(series, sizeof series, "%s_bucket{route=\"/v1/documents/{id}\",le=\"0.5\"}", h);
    ck_assert(promtext_value(text, series) == 2);
    snprintf(series, sizeof series, "%s_bucket{route=\"/v1/documents/{id}\",le=\"10\"}", h);
    ck_assert(promtext_value(text, series) == 2);
    snprintf(series, sizeof series, "%s_bucket{route=\"/v1/documents/{id}\",le=\"+Inf\"}", h);
    ck_assert(promtext_value(text, series) == 3);
    snprintf(series, sizeof series, "%s_count{route=\"/v1/documents/{id}\"}", h);
    ck_assert(promtext_value(text, series) == 3);
    snprintf(series, sizeof series, "%s_sum{route=\"/v1/documents/{id}\"}", h);
    ck_assert(promtext_value(text, series) > 20.30 && promtext_value(text, series) < 20.31);
    ck_assert(promtext_value(text, "docproc_upload_bytes_total") == 12350);
    /* from Redis */
    ck_assert(promtext_value(text, "docproc_redis_up") == 1);
    ck_assert(promtext_value(text, "docproc_queue_depth") == 5);
    ck_assert(promtext_value(text, "docproc_queue_pending") == 2);
    ck_assert(promtext_value(text, "docproc_queue_dead") == 1);
    ck_assert(promtext_value(text, "docproc_oldest_pending_age_seconds") == 1.5);
    ck_assert(promtext_value(text, "docproc_jobs_total{outcome=\"done\"}") == 30);
    ck_assert(promtext_value(text, "docproc_jobs_total{outcome=\"dead_lettered\"}") == 1);
    ck_assert(promtext_value(text, "docproc_documents_accepted_total") == 40);
    ck_assert(promtext_value(text, "docproc_page_seconds_bucket{le=\"0.5\"}") == 1);
    ck_assert(promtext_value(text, "docproc_page_seconds_bucket{le=\"2\"}") == 3);
    ck_assert(promtext_value(text, "docproc_page_seconds_bucket{le=\"+Inf\"}") == 6);
    ck_assert(promtext_value(text, "docproc_page_seconds_count") == 6);
    ck_assert(promtext_value(text, "docproc_page_seconds_sum") == 9.25);
    ck_assert(promtext_value(text, "docproc_webhook_attempts_total{outcome=\"delivered\"}") == 5);
    /* restarts by program, with their HELP/TYPE; a name that is no program is left out */
    ck_assert(strstr(text, "# TYPE docproc_process_restarts_total counter\n") != NULL);
    ck_assert(promtext_value(text, "docproc_process_restarts_total{program=\"api-0\"}") == 2);
    ck_assert(promtext_value(text, "docproc_process_restarts_total{program=\"worker\"}") == 1);
    ck_assert(strstr(text, "bad") == NULL);
    free(text);
    /* without Redis: the process's own counters only */
    ck_assert_int_eq(api_metrics_render(m, NULL, NULL, 0, &text, &len), DP_OK);
    ck_assert_msg(promtext_check(text, len, why, sizeof why) == 0, "%s", why);
    ck_assert(promtext_value(text, "docproc_redis_up") == 0);
    ck_assert(promtext_value(text, "docproc_queue_depth") == -1);
    ck_assert(promtext_value(text, "docproc_upload_bytes_total") == 12350);
    free(text);
    cJSON_Delete(q);
    cJSON_Delete(c);
    free(m);
}
END_TEST

START_TEST(promtext_rejects_bad_lines)
{
    static const char *const bad[] = {
        "x 1\n",                                     /* no # TYPE */
        "# TYPE x counter\nx{a=\"b} 1\n",            /* unterminated value */
        "# TYPE x counter\nx{a=\"b\"}1\n",           /* no space */
        "# TYPE x counter\nx one\n",                 /* not a number */
        "# TYPE x counter\n# TYPE x counter\nx 1\n", /* declared twice */
        "# TYPE x countr\nx 1\n",                    /* unknown type */
        "# TYPE x counter\nx 1",                     /* no final newline */
        "# TYPE x gauge\nx_bucket 1\n",              /* suffix of a non-histogram */
    };
    char why[200];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(promtext_check(bad[i], strlen(bad[i]), why, sizeof why) != 0, "accepted %s",
                      bad[i]);
    const char *good = "# HELP x help\n# TYPE x histogram\nx_bucket{le=\"+Inf\",} 2\nx_sum 1.5\n"
                       "x_count 2 1700000000000\n\n# a comment\n";
    ck_assert_msg(promtext_check(good, strlen(good), why, sizeof why) == 0, "%s", why);
}
END_TEST

#define COUNT_THREADS 4
#define COUNT_EACH    50000

static void *count_many(void *arg)
{
    struct api_metrics *m = arg;
    for (int i = 0; i < COUNT_EACH; i++)
        api_metrics_count(m, "GET", "/v1/classifier", 200, i % 3000, 1);
    return NULL;
}

START_TEST(counting_is_thread_safe)
{
    struct api_metrics *m = calloc(1, sizeof *m);
    pthread_t t[COUNT_THREADS];
    for (int i = 0; i < COUNT_THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, count_many, m), 0);
    for (int i = 0; i < COUNT_THREADS; i++)
        pthread_join(t[i], NULL);
    char *text = NULL;
    size_t len;
    ck_assert_int_eq(api_metrics_render(m, NULL, NULL, 0, &text, &len), DP_OK);
    double want = (double)COUNT_THREADS * COUNT_EACH;
    ck_assert(promtext_value(text, "docproc_http_requests_total{route=\"/v1/classifier\","
                                   "method=\"GET\",status=\"200\"}") == want);
    ck_assert(promtext_value(text, "docproc_http_request_duration_seconds_count{route=\"/v1/"
                                   "classifier\"}") == want);
    ck_assert(promtext_value(text, "docproc_upload_bytes_total") == want);
    free(text);
    free(m);
}
END_TEST

Suite *api_meta_suite(void)
{
    Suite *s = suite_create("api_meta");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, openapi_is_embedded_and_3_1);
    tcase_add_test(tc, openapi_is_the_route_table);
    tcase_add_test(tc, route_table_is_well_formed);
    tcase_add_test(tc, route_find);
    tcase_add_test(tc, route_templates);
    tcase_add_test(tc, metrics_text);
    tcase_add_test(tc, program_names);
    tcase_add_test(tc, promtext_rejects_bad_lines);
    tcase_add_test(tc, counting_is_thread_safe);
    suite_add_tcase(s, tc);
    return s;
}
