/* check_err.c -- dp_strerror covers every code. */
#include "testutil.h"
#include <string.h>
#include "err.h"

START_TEST(every_code_has_text)
{
    for (int e = 0; e < DP_ERR_COUNT; e++)
        ck_assert_str_ne(dp_strerror((dp_err)e), "unknown error");
    ck_assert_str_eq(dp_strerror((dp_err)9999), "unknown error");
    ck_assert_str_eq(dp_strerror(DP_OK), "success");
}
END_TEST

Suite *err_suite(void)
{
    Suite *s = suite_create("err");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_code_has_text);
    suite_add_tcase(s, tc);
    return s;
}
