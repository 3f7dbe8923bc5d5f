/* check_clsstore.c -- the pure parts of clsstore: class names, request bodies, stats JSON. */
#include <string.h>
#include "clsstore.h"
#include "testutil.h"

#define S(lit) lit, strlen(lit)

START_TEST(label_names)
{
    ck_assert(clsstore_label_ok(S("invoice")));
    ck_assert(clsstore_label_ok(S("Purchase-order_v2.1")));
    ck_assert(clsstore_label_ok(S("x")));
    ck_assert(!clsstore_label_ok(S("")));
    ck_assert(!clsstore_label_ok(S("unknown"))); /* reserved for "not sure" */
    ck_assert(clsstore_label_ok(S("unknown2")));
    ck_assert(!clsstore_label_ok(S("bad name")));
    ck_assert(!clsstore_label_ok(S("a:b")));
    ck_assert(!clsstore_label_ok(S("caf\xc3\xa9")));
    ck_assert(!clsstore_label_ok(NULL, 3));
    char long_label[80];
    memset(long_label, 'a', sizeof long_label);
    ck_assert(clsstore_label_ok(long_label, CLASSIFY_LABEL_MAX - 1));
    ck_assert(!clsstore_label_ok(long_label, CLASSIFY_LABEL_MAX));
    /* length is what counts, not a NUL: "invoice" inside a longer buffer */
    ck_assert(clsstore_label_ok("invoice!!", 7));
}
END_TEST

START_TEST(label_body)
{
    char label[CLASSIFY_LABEL_MAX], err[200];
    int remove = -1;
    ck_assert_int_eq(
        clsstore_parse_label_body(S("{\"class\":\"invoice\"}"), label, &remove, err, sizeof err),
        DP_OK);
    ck_assert_str_eq(label, "invoice");
    ck_assert_int_eq(remove, 0);
    ck_assert_int_eq(
        clsstore_parse_label_body(S(" { \"class\" : null } "), label, &remove, err, sizeof err),
        DP_OK);
    ck_assert_int_eq(remove, 1);
    ck_assert_str_eq(label, "");
    /* malformed JSON and non-objects are parse errors */
    static const char *const bad_json[] = {"", "{", "[\"invoice\"]", "\"invoice\"", "null"};
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++)
        ck_assert_msg(clsstore_parse_label_body(bad_json[i], strlen(bad_json[i]), label, &remove,
                                                err, sizeof err) == DP_EPARSE,
                      "%s", bad_json[i]);
    /* well-formed but wrong: invalid requests with a message */
    static const char *const bad[] = {"{}",
                                      "{\"class\":\"unknown\"}",
                                      "{\"class\":\"two words\"}",
                                      "{\"class\":\"\"}",
                                      "{\"class\":42}",
                                      "{\"class\":[\"a\"]}",
                                      "{\"class\":\"invoice\",\"clas\":\"x\"}",
                                      "{\"label\":\"invoice\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(clsstore_parse_label_body(bad[i], strlen(bad[i]), label, &remove, err,
                                                sizeof err) == DP_EINVAL,
                      "%s", bad[i]);
        ck_assert_msg(strlen(err) > 10, "no message for %s", bad[i]);
    }
    /* the body need not be NUL-terminated: only len bytes are read */
    const char buf[] = "{\"class\":\"letter\"}garbage";
    ck_assert_int_eq(clsstore_parse_label_body(buf, 18, label, &remove, err, sizeof err), DP_OK);
    ck_assert_str_eq(label, "letter");
}
END_TEST

START_TEST(train_body)
{
    char err[200];
    double t = 0.5;
    ck_assert_int_eq(clsstore_parse_train_body("", 0, &t, err, sizeof err), DP_OK);
    ck_assert(t == 0.5);
    ck_assert_int_eq(clsstore_parse_train_body(S("{}"), &t, err, sizeof err), DP_OK);
    ck_assert(t == 0.5);
    ck_assert_int_eq(clsstore_parse_train_body(S("{\"threshold\":0.7}"), &t, err, sizeof err),
                     DP_OK);
    ck_assert(t == 0.7);
    ck_assert_int_eq(clsstore_parse_train_body(S("{\"threshold\":1.5}"), &t, err, sizeof err),
                     DP_EINVAL);
    ck_assert_int_eq(clsstore_parse_train_body(S("{\"threshold\":\"0.6\"}"), &t, err, sizeof err),
                     DP_EINVAL);
    ck_assert_int_eq(clsstore_parse_train_body(S("{\"folds\":3}"), &t, err, sizeof err), DP_EINVAL);
    ck_assert_int_eq(clsstore_parse_train_body(S("nope"), &t, err, sizeof err), DP_EPARSE);
    ck_assert(t == 0.7);
}
END_TEST

START_TEST(stats_json)
{
    struct classify_stats st;
    memset(&st, 0, sizeof st);
    st.nexamples = 7;
    st.nclasses = 2;
    st.cv_folds = 7;
    st.cv_tested = 7;
    st.cv_accuracy = 6.0 / 7;
    st.cv_unknown = 1;
    st.temperature = 0.61234;
    st.version = 3;
    snprintf(st.classes[0].label, CLASSIFY_LABEL_MAX, "invoice");
    st.classes[0].examples = 4;
    st.classes[0].cv_correct = 4;
    snprintf(st.classes[1].label, CLASSIFY_LABEL_MAX, "recipe");
    st.classes[1].examples = 3;
    st.classes[1].cv_correct = 2;
    cJSON *o = clsstore_stats_json(&st, 0.6, 1700000000123LL);
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq((int)cJSON_GetObjectItem(o, "version")->valuedouble, 3);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(o, "trained_at")),
                     "2023-11-14T22:13:20.123Z");
    ck_assert(cJSON_GetObjectItem(o, "threshold")->valuedouble == 0.6);
    ck_assert_int_eq((int)cJSON_GetObjectItem(o, "examples")->valuedouble, 7);
    ck_assert(cJSON_GetObjectItem(o, "cv_accuracy")->valuedouble == 0.857);
    ck_assert(cJSON_GetObjectItem(o, "temperature")->valuedouble == 0.612);
    const cJSON *cls = cJSON_GetObjectItem(o, "classes");
    ck_assert_int_eq(cJSON_GetArraySize(cls), 2);
    const cJSON *c1 = cJSON_GetArrayItem(cls, 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(c1, "label")), "recipe");
    ck_assert_int_eq((int)cJSON_GetObjectItem(c1, "examples")->valuedouble, 3);
    ck_assert_int_eq((int)cJSON_GetObjectItem(c1, "cv_correct")->valuedouble, 2);
    cJSON_Delete(o);
    /* no cross-validation: accuracy is null, not a made-up number */
    st.cv_folds = 0;
    st.cv_accuracy = -1;
    o = clsstore_stats_json(&st, 0.5, 0);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "cv_accuracy")));
    cJSON_Delete(o);
}
END_TEST

START_TEST(limits_default)
{
    struct clsstore_limits l = clsstore_limits_default();
    ck_assert_uint_eq(l.max_examples, CLSSTORE_MAX_EXAMPLES);
    ck_assert_uint_eq(l.max_text, CLSSTORE_MAX_TEXT);
}
END_TEST

Suite *clsstore_suite(void)
{
    Suite *s = suite_create("clsstore");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, label_names);
    tcase_add_test(tc, label_body);
    tcase_add_test(tc, train_body);
    tcase_add_test(tc, stats_json);
    tcase_add_test(tc, limits_default);
    suite_add_tcase(s, tc);
    return s;
}
