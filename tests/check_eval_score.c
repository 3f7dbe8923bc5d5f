/* check_eval_score.c -- the eval tool's word scorer (tests/tools/eval_score.c): strict and
 * loose matching, where loose ignores case and the punctuation around a word, ASCII or the
 * typographic marks OCR writes for it. */
#include "testutil.h"
#include "tools/eval.h"

static struct eval_ocr match(const char *truth, const char *pred, int loose)
{
    struct eval_ocr m = {0};
    eval_words_match(truth, pred, loose, &m);
    return m;
}

START_TEST(strict_words)
{
    struct eval_ocr m = match("Total 12.00 total", "Total 12.00 Total Total", 0);
    ck_assert_uint_eq(m.truth, 3);
    ck_assert_uint_eq(m.pred, 4);
    ck_assert_uint_eq(m.matched, 2); /* "12.00" and one "Total" (a word counts as often as the
                                        truth has it; case kept) */
    m = match("\"LUCKY STRIKE\"", "\xE2\x80\x9CLUCKY STRIKE\xE2\x80\x9D", 0);
    ck_assert_uint_eq(m.matched, 0);
}
END_TEST

START_TEST(loose_words)
{
    /* case and ASCII marks around a word */
    struct eval_ocr m = match("Name: (Phone) DATE", "name Phone, date.", 1);
    ck_assert_uint_eq(m.matched, 3);
    /* typographic quotes, dashes and an ellipsis count as the ASCII marks */
    m = match("\"LUCKY STRIKE\" -- 'Pear' etc...",
              "\xE2\x80\x9CLUCKY STRIKE\xE2\x80\x9D \xE2\x80\x94 \xE2\x80\x98Pear\xE2\x80\x99 "
              "etc\xE2\x80\xA6",
              1);
    ck_assert_uint_eq(m.truth, 4); /* "--" is punctuation only: no word */
    ck_assert_uint_eq(m.pred, 4);
    ck_assert_uint_eq(m.matched, 4);
    /* marks inside a word stay, and letters are never stripped: accents, non-Latin */
    m = match("co-op caf\xC3\xA9 \xC3\xA9t\xC3\xA9", "coop cafe \xC3\xA9t\xC3\xA9\xE2\x80\x9D", 1);
    ck_assert_uint_eq(m.matched, 1);
    /* a lone or cut UTF-8 lead byte is no mark (no read past the end) */
    m = match("x\xE2", "x\xE2", 1);
    ck_assert_uint_eq(m.matched, 1);
    m = match("\xC2\xAB"
              "Bonjour"
              "\xC2\xBB",
              "Bonjour", 1);
    ck_assert_uint_eq(m.matched, 1);
}
END_TEST

Suite *eval_score_suite(void)
{
    Suite *s = suite_create("eval_score");
    TCase *tc = tcase_create("words");
    tcase_add_test(tc, strict_words);
    tcase_add_test(tc, loose_words);
    suite_add_tcase(s, tc);
    return s;
}
