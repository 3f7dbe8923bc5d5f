/* check_seal.c -- encryption at rest: round trip, wrong key, tampering, truncation, key ids,
 * key rotation and the keyring's configuration. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "seal.h"

/* Two fixed test keys (base64 of 32 bytes each). */
#define KEY_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY_B "H+Hw3ezC9DCFEPtOeK4ve09h3yWqnQahuR3s3HpjQfE="

static void ring(struct seal_keyring *kr, const char *cur, const char *old)
{
    memset(kr, 0, sizeof *kr);
    ck_assert_int_eq(seal_keyring_add_b64(kr, cur, strlen(cur)), DP_OK);
    if (old)
        ck_assert_int_eq(seal_keyring_add_b64(kr, old, strlen(old)), DP_OK);
}

START_TEST(round_trip)
{
    struct seal_keyring kr;
    ring(&kr, KEY_A, NULL);
    const char *msgs[] = {"", "x", "Invoice 2024-001 total EUR 1.234,56", "\0binary\0\xff"};
    size_t lens[] = {0, 1, strlen(msgs[2]), 10};
    for (size_t i = 0; i < 4; i++) {
        char *s = NULL, *p = NULL;
        size_t sl = 0, pl = 0;
        ck_assert_int_eq(seal_seal(&kr, "doc_1/text", msgs[i], lens[i], &s, &sl), DP_OK);
        ck_assert_uint_eq(sl, lens[i] + SEAL_OVERHEAD);
        ck_assert(seal_is_sealed(s, sl));
        ck_assert_int_eq(memcmp(s, "dpenc1:", 7), 0);
        /* the plain text does not appear in the sealed value */
        if (lens[i] > 4)
            ck_assert_ptr_null(memmem(s, sl, msgs[i], lens[i]));
        ck_assert_int_eq(seal_open(&kr, "doc_1/text", s, sl, &p, &pl), DP_OK);
        ck_assert_uint_eq(pl, lens[i]);
        ck_assert_int_eq(memcmp(p, msgs[i], pl), 0);
        ck_assert_int_eq(p[pl], '\0');
        free(s);
        free(p);
    }
}
END_TEST

START_TEST(nonce_differs)
{
    struct seal_keyring kr;
    ring(&kr, KEY_A, NULL);
    char *a, *b;
    size_t al, bl;
    ck_assert_int_eq(seal_seal(&kr, "x", "same", 4, &a, &al), DP_OK);
    ck_assert_int_eq(seal_seal(&kr, "x", "same", 4, &b, &bl), DP_OK);
    ck_assert_uint_eq(al, bl);
    ck_assert_int_ne(memcmp(a, b, al), 0);
    free(a);
    free(b);
}
END_TEST

START_TEST(wrong_key_and_aad)
{
    struct seal_keyring a, b;
    ring(&a, KEY_A, NULL);
    ring(&b, KEY_B, NULL);
    char *s, *p = NULL;
    size_t sl, pl;
    ck_assert_int_eq(seal_seal(&a, "doc_1/blob", "secret bytes", 12, &s, &sl), DP_OK);
    /* a ring without that key id does not know it */
    ck_assert_int_eq(seal_open(&b, "doc_1/blob", s, sl, &p, &pl), DP_ENOTFOUND);
    ck_assert_int_eq(seal_open(NULL, "doc_1/blob", s, sl, &p, &pl), DP_ENOTFOUND);
    /* another record or field does not open it */
    ck_assert_int_eq(seal_open(&a, "doc_2/blob", s, sl, &p, &pl), DP_EINVAL);
    ck_assert_int_eq(seal_open(&a, "doc_1/text", s, sl, &p, &pl), DP_EINVAL);
    ck_assert_ptr_null(p);
    /* a different key claiming the same kid does not authenticate */
    struct seal_keyring forged = b;
    memcpy(forged.keys[0].kid, a.keys[0].kid, sizeof forged.keys[0].kid);
    ck_assert_int_eq(seal_open(&forged, "doc_1/blob", s, sl, &p, &pl), DP_EINVAL);
    free(s);
}
END_TEST

START_TEST(tampered_every_byte)
{
    struct seal_keyring kr;
    ring(&kr, KEY_A, NULL);
    char *s, *p = NULL;
    size_t sl, pl;
    ck_assert_int_eq(seal_seal(&kr, "id", "hello world", 11, &s, &sl), DP_OK);
    for (size_t i = 0; i < sl; i++) {
        s[i] ^= 0x01;
        dp_err rc = seal_open(&kr, "id", s, sl, &p, &pl);
        /* header bytes: not sealed or unknown kid; the rest: authentication fails */
        ck_assert_msg(rc != DP_OK, "byte %zu flipped still opened", i);
        if (i >= SEAL_HEADER)
            ck_assert_int_eq(rc, DP_EINVAL);
        s[i] ^= 0x01;
    }
    ck_assert_int_eq(seal_open(&kr, "id", s, sl, &p, &pl), DP_OK);
    free(p);
    free(s);
}
END_TEST

START_TEST(truncated)
{
    struct seal_keyring kr;
    ring(&kr, KEY_A, NULL);
    char *s, *p = NULL;
    size_t sl, pl;
    ck_assert_int_eq(seal_seal(&kr, "id", "hello world", 11, &s, &sl), DP_OK);
    for (size_t n = 0; n < sl; n++) {
        dp_err rc = seal_open(&kr, "id", s, n, &p, &pl);
        ck_assert_msg(rc == DP_EPARSE || rc == DP_EINVAL, "length %zu: %d", n, rc);
        ck_assert_ptr_null(p);
    }
    ck_assert_int_eq(seal_open(&kr, "id", s, SEAL_OVERHEAD - 1, &p, &pl), DP_EPARSE);
    free(s);
}
END_TEST

START_TEST(old_key_id)
{
    struct seal_keyring old, rotated;
    ring(&old, KEY_A, NULL);
    ring(&rotated, KEY_B, KEY_A);
    ck_assert_int_eq(rotated.n, 2);
    char *s, *p, *s2, kid[SEAL_KID_LEN + 1], kid2[SEAL_KID_LEN + 1];
    size_t sl, pl, s2l;
    ck_assert_int_eq(seal_seal(&old, "doc_9/result", "{\"a\":1}", 7, &s, &sl), DP_OK);
    ck_assert_int_eq(seal_kid(s, sl, kid), DP_OK);
    ck_assert_str_eq(kid, old.keys[0].kid);
    /* the rotated ring opens what the old key sealed, and seals with the new one */
    ck_assert_int_eq(seal_open(&rotated, "doc_9/result", s, sl, &p, &pl), DP_OK);
    ck_assert_str_eq(p, "{\"a\":1}");
    ck_assert_int_eq(seal_seal(&rotated, "doc_9/result", p, pl, &s2, &s2l), DP_OK);
    ck_assert_int_eq(seal_kid(s2, s2l, kid2), DP_OK);
    ck_assert_str_eq(kid2, rotated.keys[0].kid);
    ck_assert_str_ne(kid, kid2);
    /* the old ring cannot open the re-sealed value */
    char *q = NULL;
    ck_assert_int_eq(seal_open(&old, "doc_9/result", s2, s2l, &q, &pl), DP_ENOTFOUND);
    free(s);
    free(p);
    free(s2);
}
END_TEST

START_TEST(keyring_config)
{
    struct dp_config cfg;
    struct seal_keyring kr;
    char err[256] = "";
    config_defaults(&cfg);
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_OK);
    ck_assert_int_eq(kr.n, 0); /* off by default */
    snprintf(cfg.encryption_key, sizeof cfg.encryption_key, " %s\n", KEY_B);
    snprintf(cfg.encryption_old_keys, sizeof cfg.encryption_old_keys, "%s,%s", KEY_A, KEY_B);
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_OK);
    ck_assert_int_eq(kr.n, 2); /* the current key listed again as old is not added twice */
    /* not 32 bytes, not base64 */
    snprintf(cfg.encryption_key, sizeof cfg.encryption_key, "%s", "AAECAwQFBgcICQoLDA0ODw==");
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_EINVAL);
    snprintf(cfg.encryption_key, sizeof cfg.encryption_key, "%s", "not base64 at all!!");
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_EINVAL);
    /* old keys without a current one */
    cfg.encryption_key[0] = '\0';
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_EINVAL);
    /* from a file */
    char path[] = "/tmp/dpsealXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, KEY_A "\n", strlen(KEY_A) + 1), (ssize_t)strlen(KEY_A) + 1);
    close(fd);
    cfg.encryption_old_keys[0] = '\0';
    snprintf(cfg.encryption_key_file, sizeof cfg.encryption_key_file, "%s", path);
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_OK);
    ck_assert_int_eq(kr.n, 1);
    struct seal_keyring a;
    ring(&a, KEY_A, NULL);
    ck_assert_str_eq(kr.keys[0].kid, a.keys[0].kid);
    unlink(path);
    ck_assert_int_eq(seal_keyring_from_config(&kr, &cfg, err, sizeof err), DP_EIO);
}
END_TEST

START_TEST(not_sealed_passes)
{
    ck_assert(!seal_is_sealed("dpenc1:", 7));
    ck_assert(!seal_is_sealed("dpenc1:zzzzzzzz:", 16));
    ck_assert(seal_is_sealed("dpenc1:0123abcd:", 16));
    char *s = strdup("plain text");
    size_t n = strlen(s);
    ck_assert_int_eq(seal_open_inplace("id", &s, &n), DP_OK);
    ck_assert_str_eq(s, "plain text");
    free(s);
}
END_TEST

Suite *seal_suite(void)
{
    Suite *s = suite_create("seal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, nonce_differs);
    tcase_add_test(tc, wrong_key_and_aad);
    tcase_add_test(tc, tampered_every_byte);
    tcase_add_test(tc, truncated);
    tcase_add_test(tc, old_key_id);
    tcase_add_test(tc, keyring_config);
    tcase_add_test(tc, not_sealed_passes);
    suite_add_tcase(s, tc);
    return s;
}
