/* check_lexfix.c -- OCR repairs from a lexicon of confirmed words: a misread word one edit from
 * one well-attested word is repaired, punctuation around it kept; short words only next to a
 * neighbour the lexicon knows; numbers, known words, ambiguous and rare targets are left. */
#include <string.h>
#include "lexfix.h"
#include "testutil.h"

static struct lexfix lexicon(void)
{
    static const char *const texts[] = {
        "LIAN HING STATIONERY SDN BHD",
        "MR. D.I.Y. SDN BHD",
        "POPULAR BOOK CO. (M) SDN BHD",
        "4-20, JALAN RIA 25/62 TAMAN SRI MUDA, 40400 SHAH ALAM SELANGOR",
        "NO 2, JALAN SRI PERMAS, 81750 MASAI, JOHOR",
        "LOT 5, JALAN KAPAR, 42200 KLANG, SELANGOR.",
        "BANDAR MASAK",
        "TAMAN MASAK",
        "MASAI JAYA",
        "KEDAI RUNCIT"};
    struct lexfix lx = {0};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        ck_assert_int_eq(lexfix_add_text(&lx, texts[i]), DP_OK);
    return lx;
}

static void expect(const struct lexfix *lx, const char *in, const char *want, size_t fixes)
{
    char out[256];
    size_t n = lexfix_correct(lx, in, out, sizeof out);
    ck_assert_msg(strcmp(out, want) == 0, "[%s] -> [%s], want [%s]", in, out, want);
    ck_assert_uint_eq(n, fixes);
}

START_TEST(repairs)
{
    struct lexfix lx = lexicon();
    expect(&lx, "MR. D.I.Y. SON BHD", "MR. D.I.Y. SDN BHD", 1); /* SDN next to BHD */
    expect(&lx, "Shah Alam, SELANGUR.", "Shah Alam, SELANGOR.", 1);
    expect(&lx, "Jalan Ria, Taman Sri Muda", "Jalan Ria, Taman Sri Muda", 0); /* known words */
    expect(&lx, "1ALAN KAPAR", "JALAN KAPAR", 1);              /* a letter read as a digit */
    expect(&lx, "STATIONERY SDNBHD", "STATIONERY SDN BHD", 1); /* two words run together */
    ck_assert_int_eq(lexfix_add_text(&lx, NULL), DP_OK);
    lexfix_cleanup(&lx);
}
END_TEST

START_TEST(leaves_alone)
{
    struct lexfix lx = lexicon();
    /* TRI is one letter from SRI, but SRI never stands before SHAAS */
    expect(&lx, "TRI SHAAS SDN BHD", "TRI SHAAS SDN BHD", 0);
    /* postcodes and other numbers differ by a digit between real places */
    expect(&lx, "81200 JOHOR", "81200 JOHOR", 0);
    /* MASAJ is one edit from MASAI and from MASAK: ambiguous */
    expect(&lx, "MASAJ", "MASAJ", 0);
    /* RUNCIT occurs once only: too weak to correct RUNCIX */
    expect(&lx, "RUNCIX", "RUNCIX", 0);
    /* two edits away, and words of letters mixed with more than one other character */
    expect(&lx, "SELANG0P", "SELANG0P", 0);
    expect(&lx, "U13/BG", "U13/BG", 0);
    expect(&lx, "", "", 0);
    /* the output is cut to its size */
    char small[6];
    lexfix_correct(&lx, "SELANGUR", small, sizeof small);
    ck_assert_str_eq(small, "SELAN");
    lexfix_cleanup(&lx);
    /* an empty lexicon changes nothing */
    struct lexfix none = {0};
    expect(&none, "SON BHD", "SON BHD", 0);
    lexfix_cleanup(&none);
    lexfix_cleanup(NULL);
}
END_TEST

Suite *lexfix_suite(void)
{
    Suite *s = suite_create("lexfix");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, repairs);
    tcase_add_test(tc, leaves_alone);
    suite_add_tcase(s, tc);
    return s;
}
