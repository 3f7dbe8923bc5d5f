/* check_e2e_api.c -- the walking skeleton end to end: real redis-server, nginx, two API processes
 * and a worker; uploads (raw, multipart), results, text, auth, tenants, caps, types, paging. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixtures.h"
#include "harness.h"
#include "testutil.h"
#include "util.h"

static struct stack st;
static const char *const page_lines[] = {"Docproc walking skeleton", "The quick brown fox jumps",
                                         "over the lazy dog 12345"};

static void setup(void)
{
    static const char *const env[] = {"DOCPROC_MAX_UPLOAD_BYTES=400000",
                                      "DOCPROC_AUTH_CACHE_MS=400", NULL};
    struct stack_opts o = {.acl = 1, .n_api = 2, .workers = 1, .env = env};
    ck_assert_msg(stack_start(&st, &o) == 0, "stack did not start");
}

static void teardown(void)
{
    stack_stop(&st);
}

static void png_page(unsigned char **buf, size_t *len)
{
    ck_assert_int_eq(fixture_png(page_lines, 3, buf, len), DP_OK);
}

static int has_word(const cJSON *doc, const char *word)
{
    const cJSON *page, *w;
    cJSON_ArrayForEach(page, cJSON_GetObjectItem(doc, "pages"))
    {
        cJSON_ArrayForEach(w, cJSON_GetObjectItem(page, "words"))
        {
            if (strcmp(json_str(w, "text"), word) == 0)
                return 1;
        }
    }
    return 0;
}

START_TEST(raw_upload_is_read)
{
    unsigned char *png;
    size_t len;
    char url[256], loc[256], id[64];
    struct http_resp r;
    png_page(&png, &len);
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    const char *hdr[] = {"Content-Type: image/png", NULL};
    ck_assert_int_eq(http_req("POST", url, st.key, hdr, png, len, &r), 0);
    ck_assert_int_eq(r.status, 202);
    cJSON *j = http_json(&r);
    snprintf(id, sizeof id, "%s", json_str(j, "id"));
    ck_assert(util_id_valid("doc_", id));
    ck_assert_str_eq(json_str(j, "status"), "queued");
    ck_assert_str_eq(json_str(j, "file.type"), "image/png");
    char sha[UTIL_SHA256_HEX];
    util_sha256_hex(png, len, sha);
    ck_assert_str_eq(json_str(j, "file.sha256"), sha);
    ck_assert_ptr_nonnull(http_header(&r, "Location", loc, sizeof loc));
    ck_assert_str_eq(loc + strlen("/v1/documents/"), id);
    ck_assert_ptr_nonnull(http_header(&r, "X-Request-Id", loc, sizeof loc));
    cJSON_Delete(j);
    http_resp_free(&r);

    cJSON *doc = stack_wait_doc(&st, st.key, id, 60000);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    ck_assert_int_eq((int)json_num(doc, "attempts"), 1);
    ck_assert(has_word(doc, "quick"));
    ck_assert(has_word(doc, "brown"));
    ck_assert(has_word(doc, "12345"));
    const cJSON *p1 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "pages"), 0);
    ck_assert_int_eq((int)json_num(p1, "number"), 1);
    ck_assert_int_eq((int)json_num(p1, "width"), 2550); /* letter at 300 DPI */
    ck_assert_int_eq((int)json_num(p1, "height"), 3300);
    ck_assert(json_num(p1, "confidence") > 0.5 && json_num(p1, "confidence") <= 1.0);
    const cJSON *w0 = cJSON_GetArrayItem(cJSON_GetObjectItem(p1, "words"), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(w0, "bbox")), 4);
    ck_assert(json_num(w0, "conf") > 0);
    ck_assert(strstr(json_str(doc, "text"), "lazy dog") != NULL);
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(doc, "finished_at"));
    cJSON_Delete(doc);

    /* plain text and the original bytes */
    snprintf(url, sizeof url, "%s/v1/documents/%s/text", st.base, id);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "quick brown fox") != NULL);
    ck_assert_ptr_nonnull(http_header(&r, "Content-Type", loc, sizeof loc));
    ck_assert(strncmp(loc, "text/plain", 10) == 0);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/v1/documents/%s/file", st.base, id);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, len);
    ck_assert(memcmp(r.body, png, len) == 0);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/v1/documents/%s/hocr", st.base, id);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "ocrx_word") != NULL && strstr(r.body, "</html>") != NULL);
    http_resp_free(&r);
    free(png);
}
END_TEST

START_TEST(multipart_upload_with_options)
{
    unsigned char *png;
    size_t len;
    char url[256];
    struct http_resp r;
    png_page(&png, &len);
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    const char *fields[] = {"lang",  "eng",   "metadata", "{\"customer\":\"c-42\"}",
                            "dedup", "false", NULL};
    ck_assert_int_eq(http_multipart(url, st.key, png, len, "scan.png", fields, &r), 0);
    ck_assert_int_eq(r.status, 202);
    cJSON *j = http_json(&r);
    char id[64];
    snprintf(id, sizeof id, "%s", json_str(j, "id"));
    ck_assert_str_eq(json_str(j, "file.name"), "scan.png");
    ck_assert_int_eq((int)json_num(j, "file.size"), (int)len);
    cJSON_Delete(j);
    http_resp_free(&r);
    cJSON *doc = stack_wait_doc(&st, st.key, id, 60000);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_str(doc, "status"), "done");
    ck_assert_str_eq(json_str(doc, "metadata.customer"), "c-42");
    ck_assert_str_eq(json_str(doc, "options.lang"), "eng");
    ck_assert(has_word(doc, "fox"));
    cJSON_Delete(doc);
    /* a bad option is a 400 naming the rule, and nothing is stored */
    const char *bad[] = {"lang", "eng;rm -rf", NULL};
    ck_assert_int_eq(http_multipart(url, st.key, png, len, "scan.png", bad, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "\"invalid_request\"") && strstr(r.body, "lang"));
    http_resp_free(&r);
    free(png);
}
END_TEST

START_TEST(auth_required)
{
    char url[256];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    ck_assert_int_eq(http_req("POST", url, NULL, NULL, "x", 1, &r), 0);
    ck_assert_int_eq(r.status, 401);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "unauthorized");
    ck_assert(strlen(json_str(j, "error.message")) > 0);
    cJSON_Delete(j);
    http_resp_free(&r);
    ck_assert_int_eq(http_req("GET", url, "dpk_not_a_real_key", NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 401);
    http_resp_free(&r);
    /* a large body without a key: the refusal waits for the body, so nginx relays the 401
     * instead of a 502 from a connection closed under it */
    size_t big = 380000;
    unsigned char *b = calloc(1, big);
    memcpy(b, "\x89PNG\r\n\x1a\n", 8);
    ck_assert_int_eq(http_req("POST", url, "dpk_not_a_real_key", NULL, b, big, &r), 0);
    ck_assert_int_eq(r.status, 401);
    http_resp_free(&r);
    free(b);
    /* health needs no key */
    snprintf(url, sizeof url, "%s/healthz", st.base);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/readyz", st.base);
    ck_assert_int_eq(http_req("GET", url, NULL, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "ready") != NULL);
    http_resp_free(&r);
}
END_TEST

/* A key the API threads trust for auth_cache_ms: a new key works at once (unknown keys are not
 * remembered), a revoked one is refused once that time has passed, on every API process. */
START_TEST(revoked_key_refused_after_auth_cache_ms)
{
    char out[512], key[128], url[256];
    ck_assert_int_eq(stack_run(&st, out, sizeof out, "docproc-admin", "key", "create", "--tenant",
                               "alpha", "--name", "short-lived", NULL),
                     0);
    ck_assert_int_eq(sscanf(out, "%127s", key), 1);
    ck_assert_ptr_nonnull(strstr(key, "dpk_"));
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    struct http_resp r;
    for (int i = 0; i < 8; i++) { /* both API processes, several threads, remember it */
        ck_assert_int_eq(http_req("GET", url, key, NULL, NULL, 0, &r), 0);
        ck_assert_int_eq(r.status, 200);
        http_resp_free(&r);
    }
    ck_assert_int_eq(stack_run(&st, out, sizeof out, "docproc-admin", "key", "revoke", key, NULL),
                     0);
    struct timespec ts = {0, 600 * 1000000L}; /* past auth_cache_ms = 400 */
    nanosleep(&ts, NULL);
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(http_req("GET", url, key, NULL, NULL, 0, &r), 0);
        ck_assert_int_eq(r.status, 401);
        http_resp_free(&r);
    }
}
END_TEST

START_TEST(other_tenant_sees_404)
{
    unsigned char *png;
    size_t len;
    char id[64], url[256];
    struct http_resp r;
    png_page(&png, &len);
    ck_assert_int_eq(stack_upload(&st, st.key, png, len, "dedup=false", id), 202);
    static const char *const suffix[] = {"", "/text", "/file", "/hocr"};
    for (int i = 0; i < 4; i++) {
        snprintf(url, sizeof url, "%s/v1/documents/%s%s", st.base, id, suffix[i]);
        ck_assert_int_eq(http_req("GET", url, st.key2, NULL, NULL, 0, &r), 0);
        ck_assert_int_eq(r.status, 404);
        ck_assert(strstr(r.body, "\"not_found\"") != NULL);
        http_resp_free(&r);
    }
    snprintf(url, sizeof url, "%s/v1/documents/%s", st.base, id);
    ck_assert_int_eq(http_req("DELETE", url, st.key2, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    /* the owner still has it; beta's list does not show it */
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    ck_assert_int_eq(http_req("GET", url, st.key2, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, id) == NULL);
    http_resp_free(&r);
    free(png);
}
END_TEST

START_TEST(over_the_cap_is_413)
{
    size_t len = 500000; /* cap is 400000 in this suite */
    unsigned char *big = calloc(1, len);
    char url[256];
    struct http_resp r;
    memcpy(big, "\x89PNG\r\n\x1a\n", 8);
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, big, len, &r), 0);
    ck_assert_int_eq(r.status, 413);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "too_large");
    cJSON_Delete(j);
    http_resp_free(&r);
    /* the same through multipart: the cap applies to the file's bytes as they stream */
    ck_assert_int_eq(http_multipart(url, st.key, big, len, "big.png", NULL, &r), 0);
    ck_assert_int_eq(r.status, 413);
    http_resp_free(&r);
    /* chunked, no Content-Length: counted while streaming */
    const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
    ck_assert_int_eq(http_req("POST", url, st.key, chunked, big, len, &r), 0);
    ck_assert_int_eq(r.status, 413);
    http_resp_free(&r);
    free(big);
}
END_TEST

START_TEST(unsupported_type_is_415)
{
    char url[256];
    struct http_resp r;
    const char *text = "just some plain text, not a document image";
    snprintf(url, sizeof url, "%s/v1/documents", st.base);
    /* The client's Content-Type is not trusted: claiming PNG does not make it one. */
    const char *hdr[] = {"Content-Type: image/png", NULL};
    ck_assert_int_eq(http_req("POST", url, st.key, hdr, text, strlen(text), &r), 0);
    ck_assert_int_eq(r.status, 415);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "unsupported_type");
    cJSON_Delete(j);
    http_resp_free(&r);
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, "", 0, &r), 0);
    ck_assert_int_eq(r.status, 400);
    http_resp_free(&r);
}
END_TEST

START_TEST(status_moves_queued_processing_done)
{
    const char *const p1[] = {"Page one of three", "alpha bravo charlie"};
    const char *const p2[] = {"Page two of three", "delta echo foxtrot"};
    const char *const p3[] = {"Page three of three", "golf hotel india"};
    const char *const *pages[] = {p1, p2, p3};
    size_t n[] = {2, 2, 2};
    unsigned char *tif;
    size_t len;
    char id[64], url[256];
    ck_assert_int_eq(fixture_tiff_multipage(pages, n, 3, &tif, &len), DP_OK);
    ck_assert_int_eq(stack_upload(&st, st.key, tif, len, NULL, id), 202);
    snprintf(url, sizeof url, "%s/v1/documents/%s", st.base, id);
    int seen_processing = 0, seen_done = 0;
    for (int t = 0; t < 3000 && !seen_done; t++) {
        struct http_resp r;
        ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
        cJSON *j = http_json(&r);
        const char *s = json_str(j, "status");
        if (strcmp(s, "processing") == 0) {
            seen_processing = 1;
            ck_assert(json_num(j, "progress.pages_done") >= 0);
        } else if (strcmp(s, "done") == 0) {
            seen_done = 1;
            ck_assert_int_eq((int)json_num(j, "file.pages"), 3);
            ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "pages")), 3);
            ck_assert(strstr(json_str(j, "text"), "foxtrot") != NULL);
            ck_assert(strstr(json_str(j, "text"), "india") != NULL);
        } else {
            ck_assert_msg(strcmp(s, "queued") == 0, "unexpected status %s", s);
            ck_assert_msg(!seen_processing, "went back to queued");
        }
        cJSON_Delete(j);
        http_resp_free(&r);
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert(seen_processing);
    ck_assert(seen_done);
    free(tif);
}
END_TEST

START_TEST(list_pages_with_cursor)
{
    unsigned char *png;
    size_t len;
    char ids[5][64], url[320];
    png_page(&png, &len);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(stack_upload(&st, st.key2, png, len, NULL, ids[i]), 202);
    /* beta's newest first, 2 per page: ids[4], ids[3] | ids[2], ids[1] | ids[0] */
    char cursor[64] = "";
    int seen = 0;
    for (int pg = 0; pg < 3; pg++) {
        struct http_resp r;
        snprintf(url, sizeof url, "%s/v1/documents?limit=2%s%s", st.base,
                 cursor[0] ? "&cursor=" : "", cursor);
        ck_assert_int_eq(http_req("GET", url, st.key2, NULL, NULL, 0, &r), 0);
        ck_assert_int_eq(r.status, 200);
        cJSON *j = http_json(&r);
        const cJSON *d;
        cJSON_ArrayForEach(d, cJSON_GetObjectItem(j, "data"))
        {
            ck_assert_str_eq(json_str(d, "id"), ids[4 - seen]);
            seen++;
        }
        const cJSON *nc = cJSON_GetObjectItem(j, "next_cursor");
        if (pg < 2)
            snprintf(cursor, sizeof cursor, "%s", cJSON_GetStringValue(nc));
        else
            ck_assert(cJSON_IsNull(nc));
        cJSON_Delete(j);
        http_resp_free(&r);
    }
    ck_assert_int_eq(seen, 5);
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/documents?limit=0", st.base);
    ck_assert_int_eq(http_req("GET", url, st.key2, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 400);
    http_resp_free(&r);
    /* delete erases it */
    snprintf(url, sizeof url, "%s/v1/documents/%s", st.base, ids[0]);
    ck_assert_int_eq(http_req("DELETE", url, st.key2, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    ck_assert_int_eq(http_req("GET", url, st.key2, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    free(png);
}
END_TEST

START_TEST(wait_returns_the_finished_document)
{
    unsigned char *png;
    size_t len;
    char url[256];
    struct http_resp r;
    png_page(&png, &len);
    snprintf(url, sizeof url, "%s/v1/documents?wait=60", st.base);
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, png, len, &r), 0);
    ck_assert_int_eq(r.status, 200); /* finished within the wait: 200 with the result */
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "status"), "done");
    ck_assert(strstr(json_str(j, "text"), "quick brown") != NULL);
    cJSON_Delete(j);
    http_resp_free(&r);
    snprintf(url, sizeof url, "%s/v1/documents?wait=100000", st.base);
    ck_assert_int_eq(http_req("POST", url, st.key, NULL, png, len, &r), 0);
    ck_assert_int_eq(r.status, 400); /* over max_wait_s */
    http_resp_free(&r);
    free(png);
}
END_TEST

START_TEST(unknown_route_is_json_404)
{
    char url[256];
    struct http_resp r;
    snprintf(url, sizeof url, "%s/v1/nothing-here", st.base);
    ck_assert_int_eq(http_req("GET", url, st.key, NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 404);
    cJSON *j = http_json(&r);
    ck_assert_str_eq(json_str(j, "error.code"), "not_found");
    cJSON_Delete(j);
    http_resp_free(&r);
}
END_TEST

Suite *e2e_api_suite(void)
{
    Suite *s = suite_create("e2e_api");
    TCase *tc = tcase_create("stack");
    tcase_set_timeout(tc, 180);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, raw_upload_is_read);
    tcase_add_test(tc, multipart_upload_with_options);
    tcase_add_test(tc, auth_required);
    tcase_add_test(tc, revoked_key_refused_after_auth_cache_ms);
    tcase_add_test(tc, other_tenant_sees_404);
    tcase_add_test(tc, over_the_cap_is_413);
    tcase_add_test(tc, unsupported_type_is_415);
    tcase_add_test(tc, status_moves_queued_processing_done);
    tcase_add_test(tc, list_pages_with_cursor);
    tcase_add_test(tc, wait_returns_the_finished_document);
    tcase_add_test(tc, unknown_route_is_json_404);
    suite_add_tcase(s, tc);
    return s;
}
