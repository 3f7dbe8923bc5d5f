/* check_apikey.c -- the pure parts of API keys: Bearer parsing, scopes, tenant names. */
#include "testutil.h"
#include <string.h>
#include "apikey.h"

START_TEST(bearer_ok)
{
    char key[64];
    ck_assert_int_eq(apikey_parse_bearer("Bearer dpk_abc123", key, sizeof key), DP_OK);
    ck_assert_str_eq(key, "dpk_abc123");
    /* the scheme is case-insensitive (RFC 7235); blanks around the token are dropped */
    ck_assert_int_eq(apikey_parse_bearer("bearer dpk_x", key, sizeof key), DP_OK);
    ck_assert_str_eq(key, "dpk_x");
    ck_assert_int_eq(apikey_parse_bearer("BEARER    dpk_y  \t", key, sizeof key), DP_OK);
    ck_assert_str_eq(key, "dpk_y");
    /* token68 characters are allowed */
    ck_assert_int_eq(apikey_parse_bearer("Bearer a-b._~+/c=", key, sizeof key), DP_OK);
    ck_assert_str_eq(key, "a-b._~+/c=");
}
END_TEST

START_TEST(bearer_bad)
{
    static const char *const bad[] = {"",
                                      "Bearer",
                                      "Bearer ",
                                      "Bearer    ",
                                      "Basic dXNlcjpwYXNz",
                                      "Bearerdpk_abc",
                                      "Bearer\tdpk_abc",
                                      "Bearer dpk abc",
                                      "Bearer dpk\tabc",
                                      "Bearer dpk\x01"
                                      "abc",
                                      "Bearer dpk\x7f"
                                      "abc",
                                      "Bearer d\xc3\xa9k",
                                      " Bearer dpk_abc",
                                      "dpk_abc"};
    char key[64];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(key, 'z', sizeof key);
        ck_assert_msg(apikey_parse_bearer(bad[i], key, sizeof key) == DP_EPARSE, "accepted '%s'",
                      bad[i]);
    }
    ck_assert_int_eq(apikey_parse_bearer(NULL, key, sizeof key), DP_EPARSE);
}
END_TEST

START_TEST(bearer_size)
{
    char key[8];
    /* keysz - 1 characters fit, keysz do not (never truncated) */
    memset(key, 'z', sizeof key);
    ck_assert_int_eq(apikey_parse_bearer("Bearer 1234567", key, sizeof key), DP_OK);
    ck_assert_str_eq(key, "1234567");
    memset(key, 'z', sizeof key);
    ck_assert_int_eq(apikey_parse_bearer("Bearer 12345678", key, sizeof key), DP_EPARSE);
    /* trailing blanks do not count against the size */
    ck_assert_int_eq(apikey_parse_bearer("Bearer 1234567     ", key, sizeof key), DP_OK);
    ck_assert_str_eq(key, "1234567");
}
END_TEST

static int has(const char *scopes, const char *scope)
{
    struct apikey_info info;
    memset(&info, 0, sizeof info);
    ck_assert_uint_lt(strlen(scopes), sizeof info.scopes);
    memcpy(info.scopes, scopes, strlen(scopes) + 1);
    return apikey_has_scope(&info, scope);
}

START_TEST(scopes)
{
    ck_assert(has("documents:read", "documents:read"));
    ck_assert(has("documents:write,documents:read", "documents:read"));
    ck_assert(has("documents:write,documents:read", "documents:write"));
    ck_assert(!has("documents:write", "documents:read"));
    ck_assert(!has("", "documents:read"));
    /* whole entries only: no prefixes, no extensions */
    ck_assert(!has("documents", "documents:read"));
    ck_assert(!has("documents:read", "documents"));
    ck_assert(!has("documents:readwrite", "documents:read"));
    ck_assert(!has("xdocuments:read", "documents:read"));
    ck_assert(!has("documents:rea,d", "documents:read"));
    /* admin implies every scope, wherever it is in the list */
    ck_assert(has("admin", "documents:read"));
    ck_assert(has("admin", "documents:write"));
    ck_assert(has("admin", "admin"));
    ck_assert(has("documents:read,admin", "documents:write"));
    ck_assert(has("admin,documents:read", "webhooks:manage"));
    ck_assert(has(APIKEY_DEFAULT_SCOPES, "documents:write"));
    /* ...but only the exact word */
    ck_assert(!has("administrator", "documents:read"));
    ck_assert(!has("admins", "documents:read"));
    ck_assert(!has("adm", "documents:read"));
    ck_assert(!has("Admin", "documents:read"));
    ck_assert(!has("documents:read", "admin"));
    ck_assert(!has("documents:write,,", "documents:read"));
}
END_TEST

START_TEST(tenants)
{
    static const char *const ok[] = {"acme", "a", "Acme-Corp_2.eu", "0", "a.b.c", "x-y_z"};
    static const char *const bad[] = {"",       "a b",         "a:b",  "a/b",  "a*",
                                      "acme\n", "caf\xc3\xa9", "a{b}", "a\tb", "ä"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(apikey_tenant_valid(ok[i]), "refused '%s'", ok[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!apikey_tenant_valid(bad[i]), "accepted '%s'", bad[i]);
    /* 1..63 characters */
    char t[APIKEY_TENANT_MAX + 1];
    memset(t, 'a', sizeof t);
    t[APIKEY_TENANT_MAX - 1] = '\0';
    ck_assert(apikey_tenant_valid(t));
    t[APIKEY_TENANT_MAX - 1] = 'a';
    t[APIKEY_TENANT_MAX] = '\0';
    ck_assert(!apikey_tenant_valid(t));
}
END_TEST

Suite *apikey_suite(void)
{
    Suite *s = suite_create("apikey");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, bearer_ok);
    tcase_add_test(tc, bearer_bad);
    tcase_add_test(tc, bearer_size);
    tcase_add_test(tc, scopes);
    tcase_add_test(tc, tenants);
    suite_add_tcase(s, tc);
    return s;
}
