/* check_reqopts.c -- upload options: each option's rule and size cap, NUL bytes, unknown names. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reqopts.h"

static dp_err set(struct reqopts *o, const char *name, const char *value, char *err, size_t errsz)
{
    return reqopts_set(o, name, value, strlen(value), 60, err, errsz);
}

/* A string of n copies of ch (caller frees). */
static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

START_TEST(init_and_known)
{
    struct reqopts o;
    memset(&o, 0x7f, sizeof o);
    reqopts_init(&o);
    ck_assert_str_eq(o.lang, "");
    ck_assert_str_eq(o.pipeline, "");
    ck_assert_str_eq(o.callback_url, "");
    ck_assert_str_eq(o.metadata, "");
    ck_assert_str_eq(o.filename, "");
    ck_assert_int_eq(o.wait_s, -1);
    ck_assert_int_eq(o.psm, 0);
    static const char *const names[] = {"lang", "pipeline", "callback_url", "metadata",
                                        "wait", "filename", "psm"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(reqopts_known(names[i]), "%s is known", names[i]);
    ck_assert(!reqopts_known("file"));
    ck_assert(!reqopts_known("Lang"));
    ck_assert(!reqopts_known("lang "));
    ck_assert(!reqopts_known(""));
}
END_TEST

START_TEST(unknown_names)
{
    struct reqopts o;
    char err[256] = "";
    reqopts_init(&o);
    ck_assert_int_eq(set(&o, "colour", "red", err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "colour"));
    ck_assert_int_eq(set(&o, "LANG", "eng", err, sizeof err), DP_EINVAL);
    ck_assert_str_eq(o.lang, "");
    /* an absurdly long name is cut in the message, which stays bounded */
    char *name = repeat('n', 5000);
    ck_assert_int_eq(set(&o, name, "x", err, sizeof err), DP_EINVAL);
    ck_assert_uint_lt(strlen(err), 100);
    free(name);
}
END_TEST

START_TEST(lang_rule)
{
    static const char *const ok[] = {"eng",          "eng+deu", "chi_sim",
                                     "script/Latin", "Fraktur", "eng+deu+fra+chi_tra"};
    static const char *const bad[] = {"",         "+eng",       "eng+",    "eng++deu", "en g",
                                      "eng1",     "/etc/pass",  "../eng",  "eng+/x",   "eng;rm",
                                      "eng\tdeu", "d\xc3\xa9u", "eng,deu", "eng+.."};
    char err[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        ck_assert_msg(set(&o, "lang", ok[i], err, sizeof err) == DP_OK, "%s: %s", ok[i], err);
        ck_assert_str_eq(o.lang, ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        err[0] = '\0';
        ck_assert_msg(set(&o, "lang", bad[i], err, sizeof err) == DP_EINVAL, "accepted '%s'",
                      bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "lang"));
    }
    /* a code is at most 32 characters */
    struct reqopts o;
    reqopts_init(&o);
    char *code = repeat('a', 32);
    ck_assert_int_eq(set(&o, "lang", code, err, sizeof err), DP_OK);
    free(code);
    code = repeat('a', 33);
    ck_assert_int_eq(set(&o, "lang", code, err, sizeof err), DP_EINVAL);
    free(code);
    /* the whole value is capped at REQOPTS_LANG_MAX - 1 bytes */
    char edge[REQOPTS_LANG_MAX + 1];
    for (size_t i = 0; i < REQOPTS_LANG_MAX; i++)
        edge[i] = i % 2 ? '+' : 'a';
    edge[REQOPTS_LANG_MAX - 1] = '\0'; /* 127 bytes, ends with 'a' */
    ck_assert_int_eq(set(&o, "lang", edge, err, sizeof err), DP_OK);
    ck_assert_uint_eq(strlen(o.lang), REQOPTS_LANG_MAX - 1);
    edge[REQOPTS_LANG_MAX - 1] = 'a'; /* 128 bytes: ...+a+a */
    edge[REQOPTS_LANG_MAX] = '\0';
    ck_assert_int_eq(reqopts_set(&o, "lang", edge, REQOPTS_LANG_MAX, 60, err, sizeof err),
                     DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "longer"));
}
END_TEST

START_TEST(pipeline_rule)
{
    struct {
        const char *in, *out;
    } ok[] = {{"ocr", "ocr"},
              {"ocr,classify,extract", "ocr,classify,extract"},
              {"extract,ocr", "ocr,extract"},
              {"classify,extract,ocr", "ocr,classify,extract"},
              {"ocr,ocr", "ocr"},
              {"extract,ocr,classify,extract", "ocr,classify,extract"}};
    static const char *const bad[] = {
        "",    "classify",     "classify,extract", ",ocr",          "ocr,,extract",
        "OCR", "ocr, extract", "ocr;extract",      "ocr,translate", "oc",
        "ocrx"};
    char err[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        ck_assert_msg(set(&o, "pipeline", ok[i].in, err, sizeof err) == DP_OK, "%s: %s", ok[i].in,
                      err);
        ck_assert_str_eq(o.pipeline, ok[i].out);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        err[0] = '\0';
        ck_assert_msg(set(&o, "pipeline", bad[i], err, sizeof err) == DP_EINVAL, "accepted '%s'",
                      bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "pipeline"));
    }
    struct reqopts o;
    reqopts_init(&o);
    ck_assert_int_eq(set(&o, "pipeline", "classify,extract", err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "must include ocr"));
    char *lng = repeat('o', REQOPTS_PIPELINE_MAX);
    ck_assert_int_eq(set(&o, "pipeline", lng, err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "longer"));
    free(lng);
}
END_TEST

START_TEST(callback_url_rule)
{
    static const char *const ok[] = {
        "http://example.com/hook", "https://example.com", "HTTPS://Example.com:8443/a?b=c#d",
        "http://10.0.0.1:80/x",    "http://[::1]:8080/",  "http://user@host/"};
    static const char *const bad[] = {"ftp://example.com/",
                                      "example.com/hook",
                                      "http:/example.com",
                                      "http://",
                                      "https://",
                                      "http:///path",
                                      "http://exa mple.com",
                                      "http://example.com/a b",
                                      "http://ex\tample.com",
                                      "http://ex\x7f"
                                      "ample.com",
                                      "http://b\xc3\xa4r.de/",
                                      "javascript:alert(1)",
                                      "http://:8080/",
                                      "http://?q=1",
                                      "http://#frag",
                                      ""};
    char err[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        ck_assert_msg(set(&o, "callback_url", ok[i], err, sizeof err) == DP_OK, "%s: %s", ok[i],
                      err);
        ck_assert_str_eq(o.callback_url, ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        err[0] = '\0';
        ck_assert_msg(set(&o, "callback_url", bad[i], err, sizeof err) == DP_EINVAL,
                      "accepted '%s'", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "callback_url"));
    }
    /* the cap: REQOPTS_URL_MAX - 1 bytes fit */
    char *url = repeat('a', REQOPTS_URL_MAX - 1);
    memcpy(url, "https://example.com/", 20);
    struct reqopts o;
    reqopts_init(&o);
    ck_assert_int_eq(set(&o, "callback_url", url, err, sizeof err), DP_OK);
    free(url);
    url = repeat('a', REQOPTS_URL_MAX);
    memcpy(url, "https://example.com/", 20);
    ck_assert_int_eq(set(&o, "callback_url", url, err, sizeof err), DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "longer"));
    free(url);
}
END_TEST

START_TEST(metadata_rule)
{
    static const char *const ok[] = {"{}", "{\"a\":1}", " { \"k\" : [1, {\"n\": null}] } ",
                                     "{\"s\":\"caf\xc3\xa9\"}", "{}\n"};
    static const char *const bad[] = {"",    "[]",       "null",  "1",   "\"x\"",        "{",
                                      "{]",  "{\"a\":}", "{} {}", "{}x", "{\"a\":1}, 2", "{'a':1}",
                                      "true"};
    char err[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        ck_assert_msg(set(&o, "metadata", ok[i], err, sizeof err) == DP_OK, "'%s': %s", ok[i], err);
        ck_assert_str_eq(o.metadata, ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct reqopts o;
        reqopts_init(&o);
        err[0] = '\0';
        ck_assert_msg(set(&o, "metadata", bad[i], err, sizeof err) == DP_EINVAL, "accepted '%s'",
                      bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "metadata"));
    }
    /* only len bytes are parsed: a valid object followed by bytes outside len is fine */
    struct reqopts o;
    reqopts_init(&o);
    ck_assert_int_eq(reqopts_set(&o, "metadata", "{\"a\":1}garbage", 7, 60, err, sizeof err),
                     DP_OK);
    ck_assert_str_eq(o.metadata, "{\"a\":1}");
    /* ...but a prefix that is not an object is not */
    ck_assert_int_eq(reqopts_set(&o, "metadata", "{\"a\":1}", 6, 60, err, sizeof err), DP_EINVAL);
    /* the cap: an object of REQOPTS_META_MAX - 1 bytes fits, one byte more does not */
    char *big = repeat(' ', REQOPTS_META_MAX);
    big[0] = '{';
    memcpy(big + 1, "\"k\":\"", 5);
    big[REQOPTS_META_MAX - 3] = '"';
    big[REQOPTS_META_MAX - 2] = '}';
    big[REQOPTS_META_MAX - 1] = '\0';
    ck_assert_int_eq(set(&o, "metadata", big, err, sizeof err), DP_OK);
    ck_assert_uint_eq(strlen(o.metadata), REQOPTS_META_MAX - 1);
    big[REQOPTS_META_MAX - 1] = ' ';
    ck_assert_int_eq(reqopts_set(&o, "metadata", big, REQOPTS_META_MAX, 60, err, sizeof err),
                     DP_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "longer"));
    free(big);
}
END_TEST

START_TEST(psm_rule)
{
    struct reqopts o;
    char err[256];
    reqopts_init(&o);
    ck_assert_int_eq(reqopts_set(&o, "psm", "6", 1, 30, err, sizeof err), DP_OK);
    ck_assert_int_eq(o.psm, 6);
    ck_assert_int_eq(reqopts_set(&o, "psm", "13", 2, 30, err, sizeof err), DP_OK);
    ck_assert_int_eq(o.psm, 13);
    ck_assert_int_eq(reqopts_set(&o, "psm", "1", 1, 30, err, sizeof err), DP_OK);
    /* 0 (orientation only) and 2 (layout, no text) read nothing; the rest is not a mode */
    static const char *const bad[] = {"0", "2", "14", "-3", "+3", "", "six", "6 ", "3.0", "99999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(reqopts_set(&o, "psm", bad[i], strlen(bad[i]), 30, err, sizeof err) ==
                          DP_EINVAL,
                      "accepted '%s'", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "psm"));
        ck_assert_int_eq(o.psm, 1); /* unchanged */
    }
    ck_assert(reqopts_psm_valid(3) && reqopts_psm_valid(7) && !reqopts_psm_valid(2));
    /* the same bytes read with another mode are another reading (dedup) */
    char a[REQOPTS_FP_HEX], b[REQOPTS_FP_HEX], c[REQOPTS_FP_HEX];
    reqopts_fingerprint(&o, "auto", a);
    o.psm = 6;
    reqopts_fingerprint(&o, "auto", b);
    o.psm = 0;
    reqopts_fingerprint(&o, "auto", c);
    ck_assert_str_ne(a, b);
    ck_assert_str_ne(b, c);
}
END_TEST

START_TEST(wait_rule)
{
    struct reqopts o;
    char err[256];
    reqopts_init(&o);
    ck_assert_int_eq(reqopts_set(&o, "wait", "0", 1, 30, err, sizeof err), DP_OK);
    ck_assert_int_eq(o.wait_s, 0);
    ck_assert_int_eq(reqopts_set(&o, "wait", "30", 2, 30, err, sizeof err), DP_OK);
    ck_assert_int_eq(o.wait_s, 30);
    static const char *const bad[] = {
        "31", "-1", "", "5s", "1.5", "abc", "0x5", "1e1", "99999999999999999999", "3 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(reqopts_set(&o, "wait", bad[i], strlen(bad[i]), 30, err, sizeof err) ==
                          DP_EINVAL,
                      "accepted '%s'", bad[i]);
        ck_assert_ptr_nonnull(strstr(err, "wait"));
        ck_assert_int_eq(o.wait_s, 30); /* unchanged */
    }
    /* max_wait 0 allows only 0 */
    ck_assert_int_eq(reqopts_set(&o, "wait", "1", 1, 0, err, sizeof err), DP_EINVAL);
    ck_assert_int_eq(reqopts_set(&o, "wait", "0", 1, 0, err, sizeof err), DP_OK);
    /* only len bytes count: "12" with len 1 is 1 */
    ck_assert_int_eq(reqopts_set(&o, "wait", "12", 1, 30, err, sizeof err), DP_OK);
    ck_assert_int_eq(o.wait_s, 1);
}
END_TEST

START_TEST(filename_rule)
{
    struct reqopts o;
    char err[256];
    reqopts_init(&o);
    ck_assert_int_eq(set(&o, "filename", "Rechnung März 2024.pdf", err, sizeof err), DP_OK);
    ck_assert_str_eq(o.filename, "Rechnung März 2024.pdf");
    char *name = repeat('n', REQOPTS_NAME_MAX - 1);
    ck_assert_int_eq(set(&o, "filename", name, err, sizeof err), DP_OK);
    free(name);
    name = repeat('n', REQOPTS_NAME_MAX);
    ck_assert_int_eq(set(&o, "filename", name, err, sizeof err), DP_EINVAL);
    free(name);
}
END_TEST

START_TEST(nul_bytes_refused)
{
    static const char *const names[] = {"lang",     "pipeline", "callback_url",
                                        "metadata", "wait",     "filename"};
    static const struct {
        const char *v;
        size_t len;
    } vals[] = {{"eng\0deu", 7}, {"ocr\0", 4}, {"http://a.b/\0x", 13},
                {"{}\0", 3},     {"1\0", 2},   {"a.pdf\0.exe", 10}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct reqopts o;
        char err[256] = "";
        reqopts_init(&o);
        ck_assert_msg(reqopts_set(&o, names[i], vals[i].v, vals[i].len, 60, err, sizeof err) ==
                          DP_EINVAL,
                      "%s accepted a NUL byte", names[i]);
        ck_assert_msg(strstr(err, "NUL") != NULL, "%s: %s", names[i], err);
        /* the same value without the NUL and what follows is accepted */
        ck_assert_msg(
            reqopts_set(&o, names[i], vals[i].v, strlen(vals[i].v), 60, err, sizeof err) == DP_OK,
            "%s: %s", names[i], err);
    }
}
END_TEST

Suite *reqopts_suite(void)
{
    Suite *s = suite_create("reqopts");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, init_and_known);
    tcase_add_test(tc, unknown_names);
    tcase_add_test(tc, lang_rule);
    tcase_add_test(tc, pipeline_rule);
    tcase_add_test(tc, callback_url_rule);
    tcase_add_test(tc, metadata_rule);
    tcase_add_test(tc, wait_rule);
    tcase_add_test(tc, psm_rule);
    tcase_add_test(tc, filename_rule);
    tcase_add_test(tc, nul_bytes_refused);
    suite_add_tcase(s, tc);
    return s;
}
