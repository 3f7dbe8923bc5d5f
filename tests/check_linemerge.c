/* check_linemerge.c -- linemerge: which of two readings of a line to keep. */
#include "testutil.h"
#include <string.h>
#include "linemerge.h"

static int check(const char *t)
{
    return linemerge_token_check(t, strlen(t));
}

START_TEST(tokens_that_validate_or_not)
{
    ck_assert_int_eq(check("25/12/2018"), 1);
    ck_assert_int_eq(check("2018-03-05"), 1);
    ck_assert_int_eq(check("19.10.18"), 1);
    ck_assert_int_eq(check("60.30"), 1);
    ck_assert_int_eq(check("1,234.56"), 1);
    ck_assert_int_eq(check("(60.30)"), 1);
    /* impossible dates, numbers with look-alike letters */
    ck_assert_int_eq(check("31/02/2018"), -1);
    ck_assert_int_eq(check("25/13/2018"), -1);
    ck_assert_int_eq(check("2O18"), -1);
    ck_assert_int_eq(check("6O.3O"), -1);
    ck_assert_int_eq(check("l0.00"), -1);
    /* neither: words, codes, a phone number, short numbers */
    ck_assert_int_eq(check("TOTAL"), 0);
    ck_assert_int_eq(check("SDN"), 0);
    ck_assert_int_eq(check("07-3507405"), 0);
    ck_assert_int_eq(check("MO26588"), 0);
    ck_assert_int_eq(check("1.234.567"), 0);
    ck_assert_int_eq(check("5"), 0);
    ck_assert_int_eq(check(""), 0);
}
END_TEST

START_TEST(date_shapes)
{
    ck_assert_int_eq(linemerge_date_shaped("25/12/2018", 10), 1);
    ck_assert_int_eq(linemerge_date_shaped("09/03/2078", 10), 1); /* shaped, if not likely */
    ck_assert_int_eq(linemerge_date_shaped("(2018-03-05)", 12), 1);
    ck_assert_int_eq(linemerge_date_shaped("31.02.18", 8), 1);
    ck_assert_int_eq(linemerge_date_shaped("60.30", 5), 0);
    ck_assert_int_eq(linemerge_date_shaped("07-3507405", 10), 0);
    ck_assert_int_eq(linemerge_date_shaped("1.234.567", 9), 0);
    ck_assert_int_eq(linemerge_date_shaped("25/12-2018", 10), 0);
    ck_assert_int_eq(linemerge_date_shaped("2O18-03-05", 10), 0);
    ck_assert_int_eq(linemerge_date_shaped("12//", 4), 0);
}
END_TEST

START_TEST(scores)
{
    struct linemerge_word a[] = {{"TOTAL", 90}, {"60.30", 90}};
    /* character-weighted confidence plus a bonus for the amount */
    ck_assert_double_eq_tol(linemerge_score(a, 2), 90 + LINEMERGE_VALID_BONUS, 1e-9);
    struct linemerge_word b[] = {{"TOTAL", 90}, {"6O.3O", 90}};
    ck_assert_double_eq_tol(linemerge_score(b, 2), 90 - LINEMERGE_BROKEN_COST, 1e-9);
    struct linemerge_word c[] = {{"ab", 100}, {"abcdef", 50}};
    ck_assert_double_eq_tol(linemerge_score(c, 2), (200.0 + 300.0) / 8.0, 1e-9);
    ck_assert_double_eq(linemerge_score(NULL, 0), 0.0);
}
END_TEST

START_TEST(better_reading_wins)
{
    struct linemerge_word first[] = {{"Date:", 61}, {"25/I2/2018", 40}};
    struct linemerge_word again[] = {{"Date:", 88}, {"25/12/2018", 85}};
    ck_assert_int_eq(linemerge_prefer(first, 2, again, 2), 1);
    ck_assert_int_eq(linemerge_prefer(again, 2, first, 2), 0);
    /* equally sure, but only one date exists */
    struct linemerge_word bad[] = {{"31/02/2018", 80}};
    struct linemerge_word good[] = {{"31/03/2018", 78}};
    ck_assert_int_eq(linemerge_prefer(bad, 1, good, 1), 1);
    ck_assert_int_eq(linemerge_prefer(good, 1, bad, 1), 0);
    /* a little surer is not enough: the margin */
    struct linemerge_word x[] = {{"JALAN", 70}}, y[] = {{"JALAN", 71}};
    ck_assert_int_eq(linemerge_prefer(x, 1, y, 1), 0);
}
END_TEST

START_TEST(rereads_that_lose_text_lose)
{
    struct linemerge_word first[] = {{"GF-TABLE", 55}, {"LAMP/STITCH", 50}, {"<i>", 30}};
    struct linemerge_word lost[] = {{"GF-TABLE", 96}};
    ck_assert_int_eq(linemerge_prefer(first, 3, lost, 1), 0);
    ck_assert_int_eq(linemerge_prefer(first, 3, NULL, 0), 0);
    /* a line the first read found nothing in takes any reading */
    ck_assert_int_eq(linemerge_prefer(NULL, 0, lost, 1), 1);
}
END_TEST

static int garbled(const char *t)
{
    return linemerge_garbled(t, strlen(t));
}

START_TEST(garbled_tokens)
{
    /* words, numbers, codes, signs */
    ck_assert_int_eq(garbled("Travel"), 0);
    ck_assert_int_eq(garbled("Checklist:"), 0);
    ck_assert_int_eq(garbled("McDonald's"), 0);
    ck_assert_int_eq(garbled("60.30"), 0);
    ck_assert_int_eq(garbled("U13/X"), 0);
    ck_assert_int_eq(garbled("47G"), 0);
    ck_assert_int_eq(garbled("2HotCakes"), 0);
    ck_assert_int_eq(garbled("SA03711951-F"), 0);
    ck_assert_int_eq(garbled("-"), 0);
    ck_assert_int_eq(garbled("&"), 0);
    ck_assert_int_eq(garbled("(RM)"), 0);
    ck_assert_int_eq(garbled("\xe2\x80\x94"), 0); /* an em dash */
    ck_assert_int_eq(garbled("\xe2\x82\xac"), 0); /* the euro sign */
    ck_assert_int_eq(garbled("Gr\xc3\xbc\xc3\x9f"
                             "e"),
                     0); /* Grüße */
    /* stray marks, specks read as characters, letters and digits alternating */
    ck_assert_int_eq(garbled("~"), 1);
    ck_assert_int_eq(garbled("|"), 1);
    ck_assert_int_eq(garbled("\xe2\x80\x9c"), 1); /* a lone opening quote */
    ck_assert_int_eq(garbled("C11ec<"), 1);
    ck_assert_int_eq(garbled("C11ec"), 1);
    ck_assert_int_eq(garbled("5G0ML"), 1);
    ck_assert_int_eq(garbled("rave|"), 1);
    ck_assert_int_eq(garbled("{tum"), 1);
    ck_assert_int_eq(garbled(""), 0);
}
END_TEST

START_TEST(sure_garbage_does_not_win)
{
    /* a heading of large type: the first read unsure of real words, a re-read of a damaged
     * copy sure of garbage (what a 24 pt heading became once its strokes were erased as
     * rules): the words stay */
    struct linemerge_word first[] = {{"Travel", 58}, {"Checklist", 45}};
    struct linemerge_word again[] = {{"~", 57}, {"rave", 93}, {"C11ec<", 62}, {"Is:", 84}};
    ck_assert_double_gt(linemerge_score(first, 2), 0.0);
    ck_assert_int_eq(linemerge_prefer(first, 2, again, 4), 0);
    /* a re-read of words as sure as the garbage was replaces it */
    struct linemerge_word words2[] = {{"Travel", 75}, {"Checklist", 70}};
    ck_assert_int_eq(linemerge_prefer(again, 4, words2, 2), 1);
    /* garbage scores below the same confidences on words */
    struct linemerge_word words[] = {{"ab", 80}, {"cdef", 80}};
    struct linemerge_word junk[] = {{"ab", 80}, {"c1d2", 80}};
    ck_assert_double_eq_tol(linemerge_score(words, 2) - linemerge_score(junk, 2),
                            LINEMERGE_GARBLE_COST, 1e-9);
}
END_TEST

Suite *linemerge_suite(void)
{
    Suite *s = suite_create("linemerge");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, tokens_that_validate_or_not);
    tcase_add_test(tc, date_shapes);
    tcase_add_test(tc, scores);
    tcase_add_test(tc, better_reading_wins);
    tcase_add_test(tc, rereads_that_lose_text_lose);
    tcase_add_test(tc, garbled_tokens);
    tcase_add_test(tc, sure_garbage_does_not_win);
    suite_add_tcase(s, tc);
    return s;
}
