/* check_vtext.c -- vtext: text running up or down a page found from the words read there. */
#include "testutil.h"
#include "vtext.h"

#define MAXW 96

/* A page of words 10 px high: rows of ordinary words (60 x 10, sure) from y = 100 on. */
static size_t text_rows(struct dp_word *w, size_t rows)
{
    size_t n = 0;
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < 4; c++)
            w[n++] =
                (struct dp_word){"word", 94.0f, 60 + c * 80, 100 + (int)r * 20, 60, 10, (int)r, 0};
    return n;
}

START_TEST(a_tall_word_of_garbage_is_a_group)
{
    struct dp_word w[MAXW];
    int g[MAXW];
    size_t n = text_rows(w, 6);
    /* a document number along the right margin read as one tall word, unsure */
    w[n++] = (struct dp_word){"666LT9868", 27.7f, 700, 300, 13, 82, 6, 1};
    w[n++] = (struct dp_word){"end", 95.0f, 60, 500, 30, 10, 7, 2};
    ck_assert_uint_eq(vtext_groups(w, n, g), 1);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(g[i], i == n - 2 ? 0 : -1);
    /* the same read surely is left alone */
    w[n - 2].conf = 96.0f;
    ck_assert_uint_eq(vtext_groups(w, n, g), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(g[i], -1);
}
END_TEST

START_TEST(a_stack_of_letters_is_one_group)
{
    struct dp_word w[MAXW];
    int g[MAXW];
    size_t n = text_rows(w, 6);
    size_t first = n;
    /* a turned line read as short lines of a letter or two, one under the other */
    static const char *const bits[] = {"S", "2)", "G", "a]", "wo", "D", "en"};
    for (int i = 0; i < 7; i++)
        w[n++] = (struct dp_word){(char *)bits[i], 50.0f, 653 + i % 2, 384 + i * 11, 14, 10,
                                  6 + i,           1 + i};
    /* a speck read on a piece's line, below the stack, does not make it a line of text */
    w[n++] = (struct dp_word){"-", 0.0f, 640, 470, 1, 1, 8, 3};
    ck_assert_uint_eq(vtext_groups(w, n, g), 1);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(g[i], i >= first && i < n - 1 ? 0 : -1);
}
END_TEST

START_TEST(two_numbers_read_as_one_line_are_one_group)
{
    struct dp_word w[MAXW];
    int g[MAXW];
    size_t n = text_rows(w, 6);
    /* two numbers one above the other along the margin, a word height apart */
    w[n++] = (struct dp_word){"699TS", 90.0f, 740, 377, 10, 43, 6, 1};
    w[n++] = (struct dp_word){"GETS", 60.0f, 739, 430, 10, 34, 6, 1};
    ck_assert_uint_eq(vtext_groups(w, n, g), 1); /* one line of layout analysis: one group */
    ck_assert_int_eq(g[n - 2], 0);
    ck_assert_int_eq(g[n - 1], 0);
    w[n - 1].line = 7; /* two lines: two groups */
    ck_assert_uint_eq(vtext_groups(w, n, g), 2);
    ck_assert_int_eq(g[n - 2], 0);
    ck_assert_int_eq(g[n - 1], 1);
}
END_TEST

START_TEST(table_columns_and_rows_are_not_groups)
{
    struct dp_word w[MAXW];
    int g[MAXW];
    size_t n = text_rows(w, 6);
    /* a column of figures in a table: narrow, one under the other, a line's pitch apart */
    for (int i = 0; i < 8; i++)
        w[n++] = (struct dp_word){"11", 40.0f, 500, 300 + i * 16, 12, 10, 6 + i, 1};
    /* a rule read as "|": tall enough, but a character is no line of text; and a mark too
     * short for one */
    w[n++] = (struct dp_word){"|", 20.0f, 600, 300, 3, 60, 14, 2};
    w[n++] = (struct dp_word){"[1]", 20.0f, 620, 400, 8, 25, 15, 2};
    /* the short words at the left edge of a paragraph's lines, set tight (2 px apart): each
     * line goes on to the right */
    for (int i = 0; i < 8; i++) {
        w[n++] =
            (struct dp_word){"of", 80.0f, 60 + i % 3, 600 + i * 12, 18 + i % 3 * 6, 10, 20 + i, 4};
        w[n++] = (struct dp_word){"the", 80.0f, 100, 600 + i * 12, 30, 10, 20 + i, 4};
    }
    /* a long word read unsurely: wide, not tall */
    w[n++] = (struct dp_word){"Menthol", 40.0f, 60, 450, 70, 12, 15, 3};
    ck_assert_uint_eq(vtext_groups(w, n, g), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(g[i], -1);
}
END_TEST

START_TEST(groups_are_numbered_in_reading_order_and_capped)
{
    struct dp_word w[MAXW];
    int g[MAXW];
    size_t n = text_rows(w, 4);
    size_t first = n;
    for (int i = 0; i < VTEXT_MAX + 2; i++)
        w[n++] = (struct dp_word){"0b5e", 10.0f, 20 + i * 40, 300, 14, 70, 4 + i, 1 + i};
    ck_assert_uint_eq(vtext_groups(w, n, g), VTEXT_MAX);
    for (int i = 0; i < VTEXT_MAX + 2; i++)
        ck_assert_int_eq(g[first + (size_t)i], i < VTEXT_MAX ? i : -1);
    ck_assert_uint_eq(vtext_groups(w, 2, g), 0); /* too few words for a median */
    ck_assert_int_eq(g[0], -1);
    ck_assert_int_eq(g[1], -1);
}
END_TEST

Suite *vtext_suite(void)
{
    Suite *s = suite_create("vtext");
    TCase *tc = tcase_create("vtext");
    tcase_add_test(tc, a_tall_word_of_garbage_is_a_group);
    tcase_add_test(tc, a_stack_of_letters_is_one_group);
    tcase_add_test(tc, two_numbers_read_as_one_line_are_one_group);
    tcase_add_test(tc, table_columns_and_rows_are_not_groups);
    tcase_add_test(tc, groups_are_numbered_in_reading_order_and_capped);
    suite_add_tcase(s, tc);
    return s;
}
