/* check_whsig.c -- Standard Webhooks signatures: spec vector, secrets, rotation, verification. */
#include "testutil.h"
#include <stdio.h>
#include <string.h>
#include "whsig.h"

#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID     "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS     1614265330LL
#define SPEC_BODY   "{\"test\": 2432232314}"
#define SPEC_SIG    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

START_TEST(spec_vector)
{
    char sig[WHSIG_SIG_MAX * 2];
    ck_assert_int_eq(
        whsig_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), sig, sizeof sig),
        DP_OK);
    ck_assert_str_eq(sig, SPEC_SIG);
    /* the key without its prefix signs the same */
    ck_assert_int_eq(whsig_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SPEC_ID, SPEC_TS, SPEC_BODY,
                                strlen(SPEC_BODY), sig, sizeof sig),
                     DP_OK);
    ck_assert_str_eq(sig, SPEC_SIG);
    /* one byte more of body (a trailing newline) changes the signature */
    ck_assert_int_eq(whsig_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY "\n",
                                strlen(SPEC_BODY) + 1, sig, sizeof sig),
                     DP_OK);
    ck_assert_str_ne(sig, SPEC_SIG);
}
END_TEST

START_TEST(verify_spec_vector)
{
    const char *b = SPEC_BODY;
    size_t n = strlen(b);
    ck_assert_int_eq(whsig_verify(SPEC_SECRET, SPEC_ID, "1614265330", SPEC_SIG, b, n, SPEC_TS, 300),
                     DP_OK);
    /* matching one of several signatures is enough (rotation on the sender side) */
    ck_assert_int_eq(whsig_verify(SPEC_SECRET, SPEC_ID, "1614265330",
                                  "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " SPEC_SIG, b, n,
                                  SPEC_TS, 300),
                     DP_OK);
    ck_assert_int_eq(whsig_verify(SPEC_SECRET, SPEC_ID, "1614265330", SPEC_SIG, "{\"test\": 1}", 11,
                                  SPEC_TS, 300),
                     DP_EINVAL);
    ck_assert_int_eq(
        whsig_verify(SPEC_SECRET, "msg_other", "1614265330", SPEC_SIG, b, n, SPEC_TS, 300),
        DP_EINVAL);
    ck_assert_int_eq(
        whsig_verify(SPEC_SECRET, SPEC_ID, "1614265330", SPEC_SIG, b, n, SPEC_TS + 301, 300),
        DP_ETIMEOUT);
    ck_assert_int_eq(
        whsig_verify(SPEC_SECRET, SPEC_ID, "1614265330", SPEC_SIG, b, n, SPEC_TS - 301, 300),
        DP_ETIMEOUT);
    ck_assert_int_eq(whsig_verify(SPEC_SECRET, SPEC_ID, "16x", SPEC_SIG, b, n, SPEC_TS, 300),
                     DP_EPARSE);
    ck_assert_int_eq(whsig_verify(SPEC_SECRET, SPEC_ID, "1614265330", "", b, n, SPEC_TS, 300),
                     DP_EINVAL);
}
END_TEST

START_TEST(generated_secret_roundtrip)
{
    char s1[WHSIG_SECRET_MAX], s2[WHSIG_SECRET_MAX], both[2 * WHSIG_SECRET_MAX];
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    ck_assert_int_eq(whsig_secret_generate(s1, sizeof s1), DP_OK);
    ck_assert_int_eq(whsig_secret_generate(s2, sizeof s2), DP_OK);
    ck_assert_str_ne(s1, s2);
    ck_assert_int_eq(strncmp(s1, "whsec_", 6), 0);
    ck_assert_int_eq(whsig_secret_parse(s1, strlen(s1), key, sizeof key, &keylen), DP_OK);
    ck_assert_uint_eq(keylen, WHSIG_KEY_BYTES);
    ck_assert_int_eq(whsig_secret_generate(s1, 10), DP_ETOOBIG);

    /* two secrets: two signatures, each verifying under its own secret alone */
    char sig[4 * WHSIG_SIG_MAX];
    snprintf(both, sizeof both, "%s %s", s1, s2);
    ck_assert_int_eq(whsig_sign(both, "evt_1", 1700000000, "{}", 2, sig, sizeof sig), DP_OK);
    ck_assert_ptr_nonnull(strchr(sig, ' '));
    ck_assert_int_eq(whsig_verify(s1, "evt_1", "1700000000", sig, "{}", 2, 1700000000, 300), DP_OK);
    ck_assert_int_eq(whsig_verify(s2, "evt_1", "1700000000", sig, "{}", 2, 1700000000, 300), DP_OK);
    char s3[WHSIG_SECRET_MAX];
    ck_assert_int_eq(whsig_secret_generate(s3, sizeof s3), DP_OK);
    ck_assert_int_eq(whsig_verify(s3, "evt_1", "1700000000", sig, "{}", 2, 1700000000, 300),
                     DP_EINVAL);
    /* output buffer too small for two signatures */
    ck_assert_int_eq(whsig_sign(both, "evt_1", 1700000000, "{}", 2, sig, WHSIG_SIG_MAX),
                     DP_ETOOBIG);
}
END_TEST

START_TEST(secret_parse_rejects)
{
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    ck_assert_int_eq(whsig_secret_parse("whsec_", 6, key, sizeof key, &keylen), DP_EINVAL);
    ck_assert_int_eq(whsig_secret_parse("whsec_ab$d", 10, key, sizeof key, &keylen), DP_EPARSE);
    ck_assert_int_eq(whsig_secret_parse("whsec_a", 7, key, sizeof key, &keylen), DP_EPARSE);
    ck_assert_int_eq(whsig_secret_parse("whsec_QQ=", 9, key, sizeof key, &keylen), DP_EPARSE);
    ck_assert_int_eq(whsig_secret_parse("whsec_QQ==", 10, key, sizeof key, &keylen), DP_OK);
    ck_assert_uint_eq(keylen, 1);
    ck_assert_uint_eq(key[0], 'A');
    /* unpadded form decodes to the same bytes */
    ck_assert_int_eq(whsig_secret_parse("QUJD", 4, key, sizeof key, &keylen), DP_OK);
    ck_assert_uint_eq(keylen, 3);
    ck_assert_int_eq(memcmp(key, "ABC", 3), 0);
    ck_assert_int_eq(whsig_secret_parse("QUI", 3, key, sizeof key, &keylen), DP_OK);
    ck_assert_uint_eq(keylen, 2);
    ck_assert_int_eq(memcmp(key, "AB", 2), 0);
    /* 65 bytes is over the key cap */
    char big[6 + 88 + 4 + 1] = "whsec_";
    memset(big + 6, 'A', 92);
    big[98] = '\0';
    ck_assert_int_eq(whsig_secret_parse(big, strlen(big), key, sizeof key, &keylen), DP_EINVAL);
}
END_TEST

START_TEST(b64_roundtrip_all_lengths)
{
    unsigned char in[40], back[64];
    char enc[64];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 1; len <= sizeof in; len++) {
        size_t outlen = 0;
        ck_assert_int_eq(whsig_b64_encode(in, len, enc, sizeof enc), DP_OK);
        ck_assert_uint_eq(strlen(enc), 4 * ((len + 2) / 3));
        ck_assert_int_eq(whsig_b64_decode(enc, strlen(enc), back, sizeof back, &outlen), DP_OK);
        ck_assert_uint_eq(outlen, len);
        ck_assert_int_eq(memcmp(in, back, len), 0);
    }
    ck_assert_int_eq(whsig_b64_encode(in, 3, enc, 4), DP_ETOOBIG);
}
END_TEST

Suite *whsig_suite(void)
{
    Suite *s = suite_create("whsig");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, spec_vector);
    tcase_add_test(tc, verify_spec_vector);
    tcase_add_test(tc, generated_secret_roundtrip);
    tcase_add_test(tc, secret_parse_rejects);
    tcase_add_test(tc, b64_roundtrip_all_lengths);
    suite_add_tcase(s, tc);
    return s;
}
