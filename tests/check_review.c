/* check_review.c -- confirmed fields: body parsing and its refusals, typed values, how confirmed
 * values replace extracted ones, per-field needs_review. */
#include <string.h>
#include "review.h"
#include "testutil.h"

static cJSON *parse_ok(const char *body)
{
    cJSON *out = NULL;
    char err[256] = "";
    dp_err rc = review_parse_body(body, strlen(body), &out, err, sizeof err);
    ck_assert_msg(rc == DP_OK, "refused %s: %s", body, err);
    return out;
}

static void parse_bad(const char *body, dp_err want, const char *needle)
{
    cJSON *out = NULL;
    char err[256] = "";
    ck_assert_int_eq(review_parse_body(body, strlen(body), &out, err, sizeof err), want);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err, needle) != NULL, "'%s' lacks '%s'", err, needle);
}

START_TEST(names)
{
    ck_assert(review_name_ok("po_number", 9));
    ck_assert(review_name_ok("a1", 2));
    ck_assert(!review_name_ok("PO", 2));
    ck_assert(!review_name_ok("1abc", 4));
    ck_assert(!review_name_ok("po-number", 9));
    ck_assert(!review_name_ok("", 0));
    char longname[64];
    memset(longname, 'a', sizeof longname);
    ck_assert(review_name_ok(longname, REVIEW_NAME_MAX - 1));
    ck_assert(!review_name_ok(longname, REVIEW_NAME_MAX));
}
END_TEST

START_TEST(parse_forms)
{
    cJSON *c =
        parse_ok("{\"fields\":{\"company\":\"ACME GMBH\",\"po_number\":{\"value\":\"PO-4471\","
                 "\"page\":1,\"bbox\":[10,20,30,40]}}}");
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "company"), "value")),
        "ACME GMBH");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "company"), "page")));
    cJSON *po = cJSON_GetObjectItem(c, "po_number");
    ck_assert_int_eq(cJSON_GetObjectItem(po, "page")->valueint, 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(po, "bbox")), 4);
    ck_assert_int_eq(cJSON_GetArraySize(c), 2);
    cJSON_Delete(c);
}
END_TEST

START_TEST(parse_refusals)
{
    parse_bad("", DP_EPARSE, "JSON object");
    parse_bad("[1]", DP_EPARSE, "JSON object");
    parse_bad("{\"fields\":{}}", DP_EINVAL, "non-empty");
    parse_bad("{\"fieldz\":{\"a\":\"b\"}}", DP_EINVAL, "unknown member");
    parse_bad("{\"fields\":{\"Total\":\"9.00\"}}", DP_EINVAL, "lower-case");
    parse_bad("{\"fields\":{\"total\":9}}", DP_EINVAL, "must be a string");
    parse_bad("{\"fields\":{\"total\":\"\"}}", DP_EINVAL, "1..");
    parse_bad("{\"fields\":{\"total\":{\"value\":\"1\",\"page\":0}}}", DP_EINVAL, "page");
    parse_bad("{\"fields\":{\"total\":{\"value\":\"1\",\"bbox\":[1,2,3]}}}", DP_EINVAL, "bbox");
    parse_bad("{\"fields\":{\"total\":{\"value\":\"1\",\"colour\":1}}}", DP_EINVAL, "colour");
    parse_bad("{\"fields\":{\"total\":\"1\",\"total\":\"2\"}}", DP_EINVAL, "twice");
    /* 65 names */
    char body[4096];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"fields\":{");
    for (int i = 0; i <= REVIEW_MAX_NAMES; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%s\"f%d\":\"x\"", i ? "," : "", i);
    snprintf(body + n, sizeof body - n, "}}");
    parse_bad(body, DP_EINVAL, "at most");
    /* a value at the cap */
    static char big[REVIEW_VALUE_MAX + 64];
    n = (size_t)snprintf(big, sizeof big, "{\"fields\":{\"note\":\"");
    memset(big + n, 'x', REVIEW_VALUE_MAX);
    snprintf(big + n + REVIEW_VALUE_MAX, sizeof big - n - REVIEW_VALUE_MAX, "\"}}");
    parse_bad(big, DP_EINVAL, "bytes");
}
END_TEST

START_TEST(typed_values)
{
    cJSON *c = parse_ok("{\"fields\":{\"date\":\"25/12/2018\",\"total\":\"EUR 1.234,50\","
                        "\"company\":\"ACME\",\"due_date\":\"not a date\"}}");
    cJSON *f = review_field_json("date", cJSON_GetObjectItem(c, "date"));
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "2018-12-25");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "text")), "25/12/2018");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "source")), "confirmed");
    ck_assert(cJSON_GetObjectItem(f, "confidence")->valuedouble == 1.0);
    cJSON_Delete(f);
    f = review_field_json("total", cJSON_GetObjectItem(c, "total"));
    cJSON *v = cJSON_GetObjectItem(f, "value");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(v, "amount")), "1234.50");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(v, "currency")), "EUR");
    cJSON_Delete(f);
    f = review_field_json("due_date", cJSON_GetObjectItem(c, "due_date"));
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "not a date");
    cJSON_Delete(f);
    cJSON_Delete(c);
}
END_TEST

START_TEST(apply_replaces)
{
    cJSON *fields = cJSON_Parse("[{\"name\":\"total\",\"value\":{\"amount\":\"8.00\"},"
                                "\"confidence\":0.3,\"source\":\"rules\"},"
                                "{\"name\":\"email\",\"value\":\"a@b.c\",\"confidence\":0.9},"
                                "{\"name\":\"total\",\"value\":{\"amount\":\"7.00\"}}]");
    cJSON *c = parse_ok("{\"fields\":{\"total\":\"9.00\",\"po_number\":\"PO-4471\"}}");
    review_apply(fields, c);
    ck_assert_int_eq(cJSON_GetArraySize(fields), 3);
    int totals = 0, po = 0;
    cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItem(f, "source"));
        if (!strcmp(n, "total")) {
            totals++;
            ck_assert_str_eq(src, "confirmed");
            ck_assert_str_eq(cJSON_GetStringValue(
                                 cJSON_GetObjectItem(cJSON_GetObjectItem(f, "value"), "amount")),
                             "9.00");
        }
        if (!strcmp(n, "po_number")) {
            po++;
            ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(f, "value")), "PO-4471");
        }
    }
    ck_assert_int_eq(totals, 1);
    ck_assert_int_eq(po, 1);
    cJSON_Delete(c);
    cJSON_Delete(fields);
}
END_TEST

START_TEST(mark_fields)
{
    cJSON *fields = cJSON_Parse("[{\"name\":\"total\",\"confidence\":0.3},"
                                "{\"name\":\"date\",\"confidence\":0.8},"
                                "{\"name\":\"po\",\"confidence\":0.2,\"source\":\"model\","
                                "\"needs_review\":true},"
                                "{\"name\":\"inv\",\"confidence\":0.3,\"source\":\"model\"},"
                                "{\"name\":\"x\",\"confidence\":0.1,\"source\":\"confirmed\"}]");
    ck_assert_int_eq(review_mark_fields(fields, 0.5), 2); /* total (rules) and po (model) */
    cJSON *t = cJSON_GetArrayItem(fields, 0), *d = cJSON_GetArrayItem(fields, 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(t, "source")), "rules");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(t, "needs_review")));
    ck_assert_ptr_null(cJSON_GetObjectItem(d, "needs_review"));
    ck_assert_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 2), "source")),
        "model");
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 3), "needs_review"));
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 4), "needs_review"));
    /* idempotent: marking again does not duplicate the flag */
    ck_assert_int_eq(review_mark_fields(fields, 0.5), 2);
    ck_assert_int_eq(cJSON_GetArraySize(t), 4);
    cJSON_Delete(fields);
}
END_TEST

Suite *review_suite(void)
{
    Suite *s = suite_create("review");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, names);
    tcase_add_test(tc, parse_forms);
    tcase_add_test(tc, parse_refusals);
    tcase_add_test(tc, typed_values);
    tcase_add_test(tc, apply_replaces);
    tcase_add_test(tc, mark_fields);
    suite_add_tcase(s, tc);
    return s;
}
