/* check_batch.c -- the POST /v1/batches body parser (pure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "testutil.h"

#define ID1 "doc_01ARZ3NDEKTSV4RRFFQ69G5FAV"
#define ID2 "doc_01ARZ3NDEKTSV4RRFFQ69G5FAW"

static dp_err parse(const char *body, struct batch_request *r, char *err)
{
    return batch_parse_request(body, strlen(body), r, err, 200);
}

START_TEST(accepts_ids_and_callback)
{
    struct batch_request r;
    char err[200] = "";
    ck_assert_int_eq(parse("{\"documents\":[\"" ID1 "\",\"" ID2
                           "\"],\"callback_url\":\"https://example.com/cb\"}",
                           &r, err),
                     DP_OK);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_str_eq(r.ids[0], ID1);
    ck_assert_str_eq(r.ids[1], ID2);
    ck_assert_str_eq(r.callback_url, "https://example.com/cb");
    batch_request_cleanup(&r);
    ck_assert_ptr_null(r.ids);
}
END_TEST

START_TEST(refuses_what_is_not_a_batch)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{}",
        "{\"documents\":[]}",
        "{\"documents\":\"" ID1 "\"}",
        "{\"documents\":[\"nope\"]}",
        "{\"documents\":[1]}",
        "{\"documents\":[\"" ID1 "\",\"" ID1 "\"]}",
        "{\"documents\":[\"" ID1 "\"],\"callback_url\":\"ftp://x\"}",
        "{\"documents\":[\"" ID1 "\"],\"other\":1}",
        "{\"documents\":[\"" ID1 "\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct batch_request r;
        char err[200] = "";
        ck_assert_msg(parse(bad[i], &r, err) == DP_EINVAL, "accepted: %s", bad[i]);
        ck_assert_msg(err[0], "no message for: %s", bad[i]);
        ck_assert_ptr_null(r.ids);
    }
}
END_TEST

START_TEST(caps_the_number_of_documents)
{
    size_t cap = 64 + (BATCH_MAX_DOCS + 1) * 40;
    char *body = malloc(cap);
    size_t k = (size_t)snprintf(body, cap, "{\"documents\":[");
    for (int i = 0; i <= BATCH_MAX_DOCS; i++)
        k += (size_t)snprintf(body + k, cap - k, "%s\"doc_01ARZ3NDEKTSV4RRFF%08d\"", i ? "," : "",
                              i);
    snprintf(body + k, cap - k, "]}");
    struct batch_request r;
    char err[200] = "";
    ck_assert_int_eq(parse(body, &r, err), DP_EINVAL);
    free(body);
}
END_TEST

Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, accepts_ids_and_callback);
    tcase_add_test(tc, refuses_what_is_not_a_batch);
    tcase_add_test(tc, caps_the_number_of_documents);
    suite_add_tcase(s, tc);
    return s;
}
