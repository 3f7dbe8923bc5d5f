/* check_ssrf.c -- SSRF guard: address ranges (v4, v6, embedded v4) and URL spellings. */
#include "testutil.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include "ssrf.h"

static int v4(const char *s)
{
    struct sockaddr_in in = {.sin_family = AF_INET};
    ck_assert_int_eq(inet_pton(AF_INET, s, &in.sin_addr), 1);
    return ssrf_addr_allowed((struct sockaddr *)&in, sizeof in);
}

static int v6(const char *s)
{
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
    ck_assert_int_eq(inet_pton(AF_INET6, s, &in6.sin6_addr), 1);
    return ssrf_addr_allowed((struct sockaddr *)&in6, sizeof in6);
}

START_TEST(ipv4_ranges)
{
    static const char *refused[] = {
        "127.0.0.1",       "127.255.255.254", "0.0.0.0",        "0.1.2.3",     "10.0.0.1",
        "10.255.255.255",  "172.16.0.1",      "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1",      "100.127.255.255", "224.0.0.1",      "239.1.2.3",   "240.0.0.1",
        "255.255.255.255", "198.18.0.1",      "198.19.255.255", "192.0.2.1",   "198.51.100.7",
        "203.0.113.9",     "192.0.0.8",       "192.88.99.1",
    };
    static const char *allowed[] = {"1.1.1.1",        "8.8.8.8",         "172.15.255.255",
                                    "172.32.0.1",     "100.63.255.255",  "100.128.0.1",
                                    "198.17.255.255", "198.20.0.1",      "169.253.0.1",
                                    "11.0.0.1",       "223.255.255.254", "93.184.216.34"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        ck_assert_msg(!v4(refused[i]), "%s should be refused", refused[i]);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        ck_assert_msg(v4(allowed[i]), "%s should be allowed", allowed[i]);
}
END_TEST

START_TEST(ipv6_ranges)
{
    static const char *refused[] = {
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "febf::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::a00:1",
        "64:ff9b:1::1",
        "2002:7f00:1::1",
        "2002:c0a8:101::1",
        "2001:db8::1",
        "2001::1",
        "3fff::1",
        "100::1",
        "fec0::1",
    };
    static const char *allowed[] = {"2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
                                    "::ffff:8.8.8.8",       "64:ff9b::808:808",
                                    "2002:808:808::1",      "2001:4860::8888"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        ck_assert_msg(!v6(refused[i]), "%s should be refused", refused[i]);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        ck_assert_msg(v6(allowed[i]), "%s should be allowed", allowed[i]);
}
END_TEST

START_TEST(other_families_refused)
{
    struct sockaddr sa = {.sa_family = AF_UNIX};
    ck_assert_int_eq(ssrf_addr_allowed(&sa, sizeof sa), 0);
    struct sockaddr_in in = {.sin_family = AF_INET};
    ck_assert_int_eq(inet_pton(AF_INET, "8.8.8.8", &in.sin_addr), 1);
    ck_assert_int_eq(ssrf_addr_allowed((struct sockaddr *)&in, 4), 0); /* truncated */
    ck_assert_int_eq(ssrf_addr_allowed(NULL, 0), 0);
    char buf[SSRF_ADDR_MAX];
    ssrf_addr_str((struct sockaddr *)&in, sizeof in, buf, sizeof buf);
    ck_assert_str_eq(buf, "8.8.8.8");
}
END_TEST

START_TEST(urls)
{
    char why[SSRF_WHY_MAX];
    static const char *private_urls[] = {
        "http://127.0.0.1",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://2130706433",
        "http://0x7f.1",
        "http://017700000001/",
        "https://10.1.2.3:8443/x",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1%25eth0]/",
        "http://127.0.0.1./",
        "http://localhost:8080/hook",
        "http://LOCALHOST./",
        "http://foo.localhost/",
        "http://user:pw@127.1/",
    };
    for (size_t i = 0; i < sizeof private_urls / sizeof private_urls[0]; i++) {
        ck_assert_msg(ssrf_url_check(private_urls[i], 0, why, sizeof why) == DP_ESSRF,
                      "%s should be refused", private_urls[i]);
        ck_assert_msg(ssrf_url_check(private_urls[i], 1, NULL, 0) == DP_OK,
                      "%s allowed with allow_private", private_urls[i]);
    }
    ck_assert_int_eq(ssrf_url_check("http://127.0.0.1/", 0, why, sizeof why), DP_ESSRF);
    ck_assert_str_eq(why, "destination address 127.0.0.1 is private");
    ck_assert_int_eq(ssrf_url_check("http://2130706433/", 0, why, sizeof why), DP_ESSRF);
    ck_assert_str_eq(why, "destination address 127.0.0.1 is private");
    ck_assert_int_eq(ssrf_url_check("http://[::1]/", 0, why, sizeof why), DP_ESSRF);
    ck_assert_str_eq(why, "destination address ::1 is private");

    static const char *bad[] = {"ftp://example.com/x",
                                "file:///etc/passwd",
                                "gopher://x/",
                                "dict://127.0.0.1:11211/",
                                "not a url",
                                "http://",
                                ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(ssrf_url_check(bad[i], 1, why, sizeof why) == DP_EINVAL,
                      "%s should be invalid", bad[i]);
        ck_assert_msg(why[0] != '\0', "%s has a reason", bad[i]);
    }
    ck_assert_int_eq(ssrf_url_check("ftp://example.com/x", 1, why, sizeof why), DP_EINVAL);
    ck_assert_str_eq(why, "scheme ftp is not allowed (http, https only)");
    ck_assert_int_eq(ssrf_url_check(NULL, 0, NULL, 0), DP_EINVAL);

    static const char *ok[] = {"https://example.com/hooks", "http://8.8.8.8:8080/",
                               "HTTPS://Example.COM/x?y=1", "http://[2606:4700:4700::1111]/"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(ssrf_url_check(ok[i], 0, why, sizeof why) == DP_OK, "%s allowed: %s", ok[i],
                      why);
}
END_TEST

Suite *ssrf_suite(void)
{
    Suite *s = suite_create("ssrf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ipv4_ranges);
    tcase_add_test(tc, ipv6_ranges);
    tcase_add_test(tc, other_families_refused);
    tcase_add_test(tc, urls);
    suite_add_tcase(s, tc);
    return s;
}
