/* check_util.c -- ids (format, validity, time order, none repeated across a fork), API keys, RFC
 * 3339 times, SHA-256, the int comparator. */
#include "testutil.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Milliseconds encoded in the first 10 characters of an id body. */
static int64_t id_time(const char *body)
{
    int64_t t = 0;
    for (int i = 0; i < 10; i++) {
        const char *p = strchr(crockford, body[i]);
        ck_assert_ptr_nonnull(p);
        t = t * 32 + (p - crockford);
    }
    return t;
}

START_TEST(new_id_format)
{
    char id[UTIL_ID_MAX];
    int64_t before = util_now_ms();
    ck_assert_int_eq(util_new_id("doc_", id), DP_OK);
    int64_t after = util_now_ms();
    ck_assert_uint_eq(strlen(id), 4 + 26);
    ck_assert(strncmp(id, "doc_", 4) == 0);
    for (const char *p = id + 4; *p; p++)
        ck_assert_msg(strchr(crockford, *p) != NULL, "bad character %c in %s", *p, id);
    int64_t t = id_time(id + 4);
    ck_assert_int_ge(t, before);
    ck_assert_int_le(t, after);
    ck_assert(util_id_valid("doc_", id));
    /* an empty prefix and the longest prefix that fits */
    ck_assert_int_eq(util_new_id("", id), DP_OK);
    ck_assert_uint_eq(strlen(id), 26);
    ck_assert(util_id_valid("", id));
    char prefix[UTIL_ID_MAX];
    memset(prefix, 'p', sizeof prefix);
    prefix[UTIL_ID_MAX - 27] = '\0';
    ck_assert_int_eq(util_new_id(prefix, id), DP_OK);
    ck_assert_uint_eq(strlen(id), UTIL_ID_MAX - 1);
    prefix[UTIL_ID_MAX - 27] = 'p';
    prefix[UTIL_ID_MAX - 26] = '\0';
    ck_assert_int_eq(util_new_id(prefix, id), DP_EINVAL);
}
END_TEST

START_TEST(new_id_unique_and_random)
{
    enum { N = 500 };
    static char ids[N][UTIL_ID_MAX];
    int seen[32] = {0};
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(util_new_id("wh_", ids[i]), DP_OK);
        for (const char *p = ids[i] + 3 + 10; *p; p++)
            seen[strchr(crockford, *p) - crockford]++;
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            ck_assert_str_ne(ids[i], ids[j]);
    /* 8000 random characters: each of the 32 is expected 250 times */
    for (int c = 0; c < 32; c++)
        ck_assert_msg(seen[c] > 150 && seen[c] < 350, "%c seen %d times", crockford[c], seen[c]);
}
END_TEST

/* The random part of ids comes from a per-thread pool: a forked child must not hand out the
 * parent's next bytes (a worker supervisor forks its workers after it made ids). */
START_TEST(new_id_differs_after_fork)
{
    char before[UTIL_ID_MAX], parent[UTIL_ID_MAX], child[UTIL_ID_MAX] = "";
    ck_assert_int_eq(util_new_id("doc_", before), DP_OK); /* the pool is filled now */
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char id[UTIL_ID_MAX];
        size_t n = util_new_id("doc_", id) == DP_OK ? strlen(id) + 1 : 0;
        _exit(write(pfd[1], id, n) == (ssize_t)n && n ? 0 : 1);
    }
    close(pfd[1]);
    ck_assert_int_eq(util_new_id("doc_", parent), DP_OK);
    ssize_t got = read(pfd[0], child, sizeof child - 1);
    close(pfd[0]);
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ck_assert_int_gt(got, 14);
    /* the 16 random characters after the prefix and the 10 of time */
    ck_assert_str_ne(parent + 4 + 10, child + 4 + 10);
    ck_assert_str_ne(before + 4 + 10, child + 4 + 10);
}
END_TEST

START_TEST(new_id_time_sortable)
{
    char a[UTIL_ID_MAX], b[UTIL_ID_MAX];
    for (int round = 0; round < 5; round++) {
        ck_assert_int_eq(util_new_id("doc_", a), DP_OK);
        int64_t t0 = id_time(a + 4);
        while (util_now_ms() <= t0)
            ;
        ck_assert_int_eq(util_new_id("doc_", b), DP_OK);
        ck_assert_int_gt(id_time(b + 4), t0);
        ck_assert_msg(strcmp(a, b) < 0, "%s sorts before %s", a, b);
    }
}
END_TEST

START_TEST(id_valid)
{
    const char *good = "doc_01JD3ZQ8X7ABCDEFGHJKMNPQRS";
    ck_assert_uint_eq(strlen(good), 30);
    ck_assert(util_id_valid("doc_", good));
    ck_assert(!util_id_valid("wh_", good));
    ck_assert(!util_id_valid("doc_", "doc01JD3ZQ8X7ABCDEFGHJKMNPQRS"));
    ck_assert(!util_id_valid("doc_", "dox_01JD3ZQ8X7ABCDEFGHJKMNPQRS"));
    ck_assert(!util_id_valid("doc_", "DOC_01JD3ZQ8X7ABCDEFGHJKMNPQRS"));
    /* length: 25 and 27 characters */
    ck_assert(!util_id_valid("doc_", "doc_01JD3ZQ8X7ABCDEFGHJKMNPQR"));
    ck_assert(!util_id_valid("doc_", "doc_01JD3ZQ8X7ABCDEFGHJKMNPQRST"));
    ck_assert(!util_id_valid("doc_", "doc_"));
    ck_assert(!util_id_valid("doc_", ""));
    /* alphabet: Crockford excludes I L O U and lower case; no punctuation */
    static const char bad_chars[] = "ILOUabz-_./ \x7f\xc3";
    for (const char *c = bad_chars; *c; c++) {
        char id[32];
        memcpy(id, good, 31);
        id[4 + 13] = *c;
        ck_assert_msg(!util_id_valid("doc_", id), "accepted '%c'", *c);
    }
    /* a path-traversal or key-injection attempt of the right length */
    ck_assert(!util_id_valid("doc_", "doc_../../../../../../../../.."));
    ck_assert(!util_id_valid("doc_", "doc_01JD3ZQ8X7ABCDEFGHJKMNPQ:*"));
}
END_TEST

START_TEST(api_key)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    enum { N = 300 };
    int seen[62] = {0};
    char prev[40] = "";
    for (int i = 0; i < N; i++) {
        char key[40];
        memset(key, 0x55, sizeof key);
        ck_assert_int_eq(util_new_api_key(key), DP_OK);
        ck_assert_uint_eq(strlen(key), 36);
        ck_assert(strncmp(key, "dpk_", 4) == 0);
        for (const char *p = key + 4; *p; p++) {
            const char *f = strchr(b62, *p);
            ck_assert_msg(f != NULL, "bad character in %s", key);
            seen[f - b62]++;
        }
        ck_assert_str_ne(key, prev);
        memcpy(prev, key, sizeof prev);
    }
    /* 9600 characters: each of the 62 is expected ~155 times */
    for (int c = 0; c < 62; c++)
        ck_assert_msg(seen[c] > 80 && seen[c] < 240, "%c seen %d times", b62[c], seen[c]);
}
END_TEST

START_TEST(iso8601)
{
    char out[32];
    util_iso8601(0, out);
    ck_assert_str_eq(out, "1970-01-01T00:00:00.000Z");
    util_iso8601(1614265330123LL, out);
    ck_assert_str_eq(out, "2021-02-25T15:02:10.123Z");
    util_iso8601(951782400999LL, out); /* leap day 2000 */
    ck_assert_str_eq(out, "2000-02-29T00:00:00.999Z");
    util_iso8601(253402300799999LL, out);
    ck_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
    util_iso8601(5, out);
    ck_assert_str_eq(out, "1970-01-01T00:00:00.005Z");
    /* before the epoch: still a valid time, milliseconds never negative */
    util_iso8601(-1, out);
    ck_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
    util_iso8601(-1500, out);
    ck_assert_str_eq(out, "1969-12-31T23:59:58.500Z");
    /* out of gmtime's range: bounded output, no crash */
    util_iso8601(INT64_MAX, out);
    ck_assert_uint_lt(strlen(out), 32);
    util_iso8601(INT64_MIN, out);
    ck_assert_uint_lt(strlen(out), 32);
    /* now: well-formed and within reach of the clock */
    util_iso8601(util_now_ms(), out);
    ck_assert_uint_eq(strlen(out), 24);
    ck_assert(out[4] == '-' && out[7] == '-' && out[10] == 'T' && out[13] == ':' &&
              out[16] == ':' && out[19] == '.' && out[23] == 'Z');
}
END_TEST

START_TEST(sha256)
{
    char h[UTIL_SHA256_HEX];
    util_sha256_hex("", 0, h);
    ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    util_sha256_hex("abc", 3, h);
    ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    util_sha256_hex(two, strlen(two), h);
    ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* binary-safe: bytes after a NUL count */
    char h2[UTIL_SHA256_HEX];
    util_sha256_hex("a\0b", 3, h);
    util_sha256_hex("a\0c", 3, h2);
    ck_assert_str_ne(h, h2);
}
END_TEST

START_TEST(clocks)
{
    int64_t w = util_now_ms(), m0 = util_mono_ms();
    ck_assert_int_gt(w, 1600000000000LL); /* after 2020 */
    int64_t m1 = util_mono_ms();
    ck_assert_int_ge(m1, m0);
    unsigned char a[16] = {0}, b[16] = {0};
    ck_assert_int_eq(util_random(a, sizeof a), DP_OK);
    ck_assert_int_eq(util_random(b, sizeof b), DP_OK);
    ck_assert(memcmp(a, b, sizeof a) != 0);
}
END_TEST

/* The comparator orders by value, extremes included (no overflow from a subtraction). */
START_TEST(cmp_int_sorts)
{
    int v[] = {5, INT_MIN, -3, 0, INT_MAX, 5, -3};
    qsort(v, sizeof v / sizeof *v, sizeof *v, util_cmp_int);
    const int want[] = {INT_MIN, -3, -3, 0, 5, 5, INT_MAX};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        ck_assert_int_eq(v[i], want[i]);
    int a = 1, b = 2;
    ck_assert_int_lt(util_cmp_int(&a, &b), 0);
    ck_assert_int_gt(util_cmp_int(&b, &a), 0);
    ck_assert_int_eq(util_cmp_int(&a, &a), 0);
}
END_TEST

Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, new_id_format);
    tcase_add_test(tc, new_id_unique_and_random);
    tcase_add_test(tc, new_id_differs_after_fork);
    tcase_add_test(tc, new_id_time_sortable);
    tcase_add_test(tc, id_valid);
    tcase_add_test(tc, api_key);
    tcase_add_test(tc, iso8601);
    tcase_add_test(tc, sha256);
    tcase_add_test(tc, clocks);
    tcase_add_test(tc, cmp_int_sorts);
    suite_add_tcase(s, tc);
    return s;
}
