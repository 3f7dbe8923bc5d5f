/* check_readvote.c -- a value read twice, voted word by word: the other reading's word is taken
 * where it is a confirmed word and the value's is not, or where it is the same word without a
 * misread mark, a letter read for a digit or a digit read for a letter; otherwise, and where
 * the value's word is itself confirmed, the value stands. */
#include <string.h>
#include "readvote.h"
#include "testutil.h"

static const char *const lex[] = {"LIAN HING STATIONERY SDN BHD",
                                  "4-20, JALAN RIA 25/62 TAMAN SRI MUDA, 40400 SHAH ALAM SELANGOR",
                                  "NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR",
                                  "MR. D.I.Y. (M) SDN BHD"};
#define NLEX (sizeof lex / sizeof lex[0])

static void expect(const char *value, const struct readvote_pair *p, size_t np, const char *want,
                   size_t fixes)
{
    char out[256];
    size_t n = readvote_value(value, p, np, lex, NLEX, out, sizeof out);
    ck_assert_msg(strcmp(out, want) == 0, "[%s] -> [%s], want [%s]", value, out, want);
    ck_assert_uint_eq(n, fixes);
}

START_TEST(words)
{
    /* confirmed words win, whatever their shape */
    ck_assert_int_eq(readvote_word("40460", "40400", lex, NLEX), 1);
    ck_assert_int_eq(readvote_word("Alan", "Alam", lex, NLEX), 1);
    ck_assert_int_eq(readvote_word("Alam", "Alan", lex, NLEX), 0); /* the value's is known */
    ck_assert_int_eq(readvote_word("SELANGOR,", "SELANG0R,", lex, NLEX), 0);
    /* unknown words: only a repaired shape */
    ck_assert_int_eq(readvote_word("D.I.Y\xc2\xa5.", "D.I.Y.", lex, NLEX), 1);
    ck_assert_int_eq(readvote_word("D.I.\xc2\xa5.", "D.I.Y.", lex, NLEX), 1);
    ck_assert_int_eq(readvote_word("D.I.Y.", "D.I.Y\xc2\xa5.", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("S3000", "53000", lex, NLEX), 1);
    ck_assert_int_eq(readvote_word("53000", "S3000", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("B0OKS", "BOOKS", lex, NLEX), 1);
    ck_assert_int_eq(readvote_word("BOOKS", "B0OKS", lex, NLEX), 0);
    /* two unknown readings of one shape: no evidence, the value's stands */
    ck_assert_int_eq(readvote_word("KUCHAT", "KUCHAI", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("53100", "53200", lex, NLEX), 0);
    /* a letter that is no digit's look-alike, and words too unlike */
    ck_assert_int_eq(readvote_word("K3000", "53000", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("Sak", "Seksyen", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("XY", "SDN", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("same", "same", lex, NLEX), 0);
    ck_assert_int_eq(readvote_word("", "SDN", lex, NLEX), 0);
}
END_TEST

START_TEST(values)
{
    const struct readvote_pair p[] = {
        {"MR. D.I.Y\xc2\xa5. SDN BHD", "MR. D.I.Y. SDN BHD"},
        {"SETAPAK, S3000 KUALA LUMPUR.", "SETAPAK, 53000 KUALA LUMPUR."},
        {"Seksyen 25, 40460 Shah Alam Selangor :", "Sak KS yen 25, 40400 Shah Alan Selangor"},
        {"TEL: 03-1234", "TEL: 03-1284"},
    };
    expect("MR. D.I.Y\xc2\xa5. SDN BHD", p, 4, "MR. D.I.Y. SDN BHD", 1);
    expect("425, JALAN PAHANG, SETAPAK, S3000 KUALA LUMPUR.", p, 4,
           "425, JALAN PAHANG, SETAPAK, 53000 KUALA LUMPUR.", 1);
    /* the good words of the worse reading are taken, its bad ones are not */
    expect("Taman Sri Muda Seksyen 25, 40460 Shah Alam Selangor", p, 4,
           "Taman Sri Muda Seksyen 25, 40400 Shah Alam Selangor", 1);
    /* a value from the second reading gets the first's words the same way */
    expect("Sak KS yen 25, 40400 Shah Alan Selangor", p, 4,
           "Sak KS yen 25, 40400 Shah Alam Selangor", 1);
    /* a value not from these lines, or holding one word of them only, stays */
    expect("S3000", p, 4, "S3000", 0);
    expect("NO 5, S3000 SETAPAK", p, 4, "NO 5, S3000 SETAPAK", 0);
    /* both unknown numbers: no vote */
    expect("TEL: 03-1234", p, 4, "TEL: 03-1234", 0);
    expect("", p, 4, "", 0);
    expect("SETAPAK, S3000", NULL, 0, "SETAPAK, S3000", 0);
    /* a stray mark at an end of a line only one reading has is left out, with its space */
    const struct readvote_pair q[] = {
        {"NO.22 JALAN PUTERI 2/4 J", "NO.22 JALAN PUTERI 2/4"},
        {"! BANDAR PUTERI 47100", "BANDAR PUTERI 47100"},
        {"JALAN SEITA PRIMA Q U 13/Q", "JALAN SEITA PRIMA U 13/Q"},
        {"LOT 5 &", "LOT 5"},
    };
    expect("NO.22 JALAN PUTERI 2/4 J BANDAR PUTERI 47100", q, 4,
           "NO.22 JALAN PUTERI 2/4 BANDAR PUTERI 47100", 1);
    expect("NO.22 JALAN PUTERI 2/4 J", q, 4, "NO.22 JALAN PUTERI 2/4", 1);
    expect("! BANDAR PUTERI", q, 4, "BANDAR PUTERI", 1);
    /* inside a line, or "&", it stays */
    expect("JALAN SEITA PRIMA Q U 13/Q", q, 4, "JALAN SEITA PRIMA Q U 13/Q", 0);
    expect("LOT 5 &", q, 4, "LOT 5 &", 0);
    /* a mark read for a letter: the one confirmed word it stands for */
    expect("MR. D.I.\xc2\xa5. (KUCHAI) SDN BHD", NULL, 0, "MR. D.I.Y. (KUCHAI) SDN BHD", 1);
    expect("MR. D.I.Y\xc2\xa5. SDN BHD", NULL, 0, "MR. D.I.Y. SDN BHD", 1);
    /* none, or two marks: left */
    expect("TAMAN \xc2\xa5"
           "EW",
           NULL, 0,
           "TAMAN \xc2\xa5"
           "EW",
           0);
    expect("D.\xc2\xa5.\xc2\xa5.", NULL, 0, "D.\xc2\xa5.\xc2\xa5.", 0);
    /* the output is cut to its size */
    char small[8];
    readvote_value("SETAPAK, S3000 KUALA", p, 4, lex, NLEX, small, sizeof small);
    ck_assert_str_eq(small, "SETAPAK");
}
END_TEST

START_TEST(amounts)
{
    ck_assert_int_eq(readvote_cents("64.50", 5), 6450);
    ck_assert_int_eq(readvote_cents("RM141.58", 8), 14158);
    ck_assert_int_eq(readvote_cents("54.50\"", 6), 5450);
    ck_assert_int_eq(readvote_cents("1,234.56", 8), 123456);
    ck_assert_int_eq(readvote_cents("1200", 4), -1);
    ck_assert_int_eq(readvote_cents("12.5", 4), -1);
    ck_assert_int_eq(readvote_cents("TOTAL", 5), -1);
    const struct readvote_pair p[] = {
        {"Total Sales (Inclusive of GST) 64.50\"", "Total Sales (Inclusive of GST) 54.50\""},
        {"Discount 0.00", "Discount : 0.00"},
        {"SUB TOTAL 296.00", "2 SUB TOTAL 295.00"},
    };
    /* subtotal 51.42 + tax 3.08: the second reading's 54.50 fits, the first's 64.50 not */
    const long page[] = {0, 0, 230, 308, 460, 700, 1190, 1190, 5142, 6450};
    ck_assert_int_eq(readvote_amount(6450, p, 3, page, 10), 5450);
    /* the other amount printed again elsewhere fits too */
    const long page2[] = {5142, 5450};
    ck_assert_int_eq(readvote_amount(6450, p, 3, page2, 2), 5450);
    /* a value from the second reading gets the first's amount the same way */
    const long page5[] = {6000, 450};
    ck_assert_int_eq(readvote_amount(5450, p, 3, page5, 2), 6450);
    /* the value fits too (printed again), the other does not fit, or no line reads it */
    const long page3[] = {6450, 6450, 5142, 308};
    ck_assert_int_eq(readvote_amount(6450, p, 3, page3, 4), -1);
    ck_assert_int_eq(readvote_amount(29600, p, 3, page, 10), -1);
    ck_assert_int_eq(readvote_amount(1234, p, 3, page, 10), -1);
    ck_assert_int_eq(readvote_amount(0, p, 3, page, 10), -1);
    ck_assert_int_eq(readvote_amount(6450, NULL, 0, page, 10), -1);
    /* two lines that disagree about it */
    const struct readvote_pair q[] = {{"TOTAL 64.50", "TOTAL 54.50"}, {"CASH 64.50", "CASH 84.50"}};
    const long page4[] = {5142, 308, 10000, 1550};
    ck_assert_int_eq(readvote_amount(6450, q, 2, page4, 4), -1);
    ck_assert_int_eq(readvote_amount(6450, q, 1, page4, 4), 5450);
}
END_TEST

/* A repair (lexfix) undone where both readings of a line read the word so. */
START_TEST(agreed)
{
    const struct readvote_pair p[] = {
        {"UAN HING STATIONERY SDN BHD", "LIAN hing STATIONERY SDN BHD"},
        {"SELANGUR DARUL EHSAN", "SELANGOR DARUL EHSAN"},
    };
    char out[64];
    /* HING read twice: not HENG; SON read once: SDN stands */
    ck_assert_uint_eq(readvote_keep_agreed("LIAN HING STATIONERY SON BHD",
                                           "LIAN HENG STATIONERY SDN BHD", p, 2, out, sizeof out),
                      1);
    ck_assert_str_eq(out, "LIAN HING STATIONERY SDN BHD");
    /* the readings disagree on SELANGUR: the repair stands */
    ck_assert_uint_eq(
        readvote_keep_agreed("SELANGUR DARUL EHSAN", "SELANGOR DARUL EHSAN", p, 2, out, sizeof out),
        0);
    ck_assert_str_eq(out, "SELANGOR DARUL EHSAN");
    /* no lines read twice */
    ck_assert_uint_eq(readvote_keep_agreed("UAN HING", "UAN HENG", NULL, 0, out, sizeof out), 0);
    ck_assert_str_eq(out, "UAN HENG");
    /* another number of words: the repair as it is */
    ck_assert_uint_eq(readvote_keep_agreed("UAN HING", "UAN  HENG X", p, 2, out, sizeof out), 0);
    ck_assert_str_eq(out, "UAN  HENG X");
    /* cut to the size of out */
    char small[6];
    readvote_keep_agreed("LIAN HING", "LIAN HENG", p, 2, small, sizeof small);
    ck_assert_str_eq(small, "LIAN");
}
END_TEST

Suite *readvote_suite(void)
{
    Suite *s = suite_create("readvote");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, words);
    tcase_add_test(tc, values);
    tcase_add_test(tc, amounts);
    tcase_add_test(tc, agreed);
    suite_add_tcase(s, tc);
    return s;
}
