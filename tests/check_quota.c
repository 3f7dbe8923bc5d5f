/* check_quota.c -- the pure parts of per-tenant limits: INFO memory parsing, Retry-After. */
#include "testutil.h"
#include <string.h>
#include "quota.h"

START_TEST(info_memory)
{
    static const char info[] = "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n"
                               "used_memory_rss:9000000\r\nmaxmemory:2097152\r\n"
                               "maxmemory_human:2.00M\r\nmaxmemory_policy:noeviction\r\n";
    long long used = -5, max = -5;
    ck_assert_int_eq(quota_info_memory(info, strlen(info), &used, &max), DP_OK);
    ck_assert_int_eq(used, 1048576);
    ck_assert_int_eq(max, 2097152);
    /* a field only as the prefix of another name, or cut short, is missing */
    static const char partial[] = "used_memory_rss:5\r\nmaxmemory_policy:noeviction\r\n";
    ck_assert_int_eq(quota_info_memory(partial, strlen(partial), &used, &max), DP_EPARSE);
    ck_assert_int_eq(quota_info_memory(info, 20, &used, &max), DP_EPARSE);
    ck_assert_int_eq(quota_info_memory("", 0, &used, &max), DP_EPARSE);
    static const char zero[] = "used_memory:10\nmaxmemory:0\n";
    ck_assert_int_eq(quota_info_memory(zero, strlen(zero), &used, &max), DP_OK);
    ck_assert_int_eq(max, 0);
}
END_TEST

START_TEST(retry_after)
{
    ck_assert_int_eq(quota_retry_after(QUOTA_CODE_RATE, 120), 60);
    ck_assert_int_eq(quota_retry_after(QUOTA_CODE_RATE, 179), 1);
    ck_assert_int_gt(quota_retry_after(QUOTA_CODE_QUEUED, 0), 0);
    ck_assert_int_gt(quota_retry_after(QUOTA_CODE_BYTES, 0), 0);
}
END_TEST

Suite *quota_suite(void)
{
    Suite *s = suite_create("quota");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, info_memory);
    tcase_add_test(tc, retry_after);
    suite_add_tcase(s, tc);
    return s;
}
