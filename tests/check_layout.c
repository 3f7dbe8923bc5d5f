/* check_layout.c -- blocks in reading order: a heading over its body, paragraphs split at a
 * blank line, two columns read one after the other under a full-width title, label/value pairs
 * that are no columns, a table's lines as one table block, and the JSON form. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layout.h"

#define CW 10 /* pixels per character */

struct wset {
    struct dp_word w[256];
    size_t n;
};

/* Adds the words of text on line (index) of block, top y, word height h, starting at x. */
static void put(struct wset *s, int line, int block, int x, int y, int h, const char *text)
{
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++, x += CW;
        size_t l = strcspn(p, " ");
        if (!l)
            break;
        struct dp_word *w = &s->w[s->n++];
        *w = (struct dp_word){strndup(p, l), 90, x, y, (int)l * CW * h / 20, h, line, block};
        x += (int)l * CW * h / 20;
        p += l;
    }
}

static void wfree(struct wset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->w[i].text);
}

static struct layout_block *run(struct wset *s, const struct table *t, size_t nt, size_t *n)
{
    struct layout_block *b = NULL;
    ck_assert_int_eq(layout_blocks(s->w, s->n, t, nt, &b, n), DP_OK);
    return b;
}

START_TEST(heading_then_paragraphs)
{
    struct wset s = {0};
    put(&s, 0, 0, 100, 100, 40, "Annual Report");
    put(&s, 1, 1, 100, 180, 20, "The year went well for the company");
    put(&s, 2, 1, 100, 210, 20, "and its customers in every region.");
    /* a blank line's worth of space, then a new paragraph in the same reader block */
    put(&s, 3, 1, 100, 280, 20, "Costs fell by a tenth.");
    size_t n;
    struct layout_block *b = run(&s, NULL, 0, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(b[0].kind, LAYOUT_HEADING);
    ck_assert_str_eq(b[0].lines[0].text, "Annual Report");
    ck_assert_int_eq(b[1].kind, LAYOUT_TEXT);
    ck_assert_uint_eq(b[1].nlines, 2);
    ck_assert_str_eq(b[1].lines[1].text, "and its customers in every region.");
    ck_assert_int_eq(b[1].x, 100);
    ck_assert_int_eq(b[1].y, 180);
    ck_assert_int_eq(b[1].h, 50);
    ck_assert_int_eq(b[2].kind, LAYOUT_TEXT);
    ck_assert_str_eq(b[2].lines[0].text, "Costs fell by a tenth.");
    layout_free(b, n);
    wfree(&s);
}
END_TEST

START_TEST(two_columns_under_a_title)
{
    /* the reader interleaved the columns line by line (as a text layer does): reading order
     * must still be the title, the whole left column, then the right one */
    struct wset s = {0};
    put(&s, 0, 0, 100, 50, 20, "Both columns share this title line across the page");
    for (int i = 0; i < 4; i++) {
        char l[32], r[32];
        snprintf(l, sizeof l, "left line %d", i + 1);
        snprintf(r, sizeof r, "right line %d", i + 1);
        put(&s, 1 + 2 * i, 1 + 2 * i, 100, 100 + 30 * i, 20, l);
        put(&s, 2 + 2 * i, 2 + 2 * i, 600, 100 + 30 * i, 20, r);
    }
    size_t n;
    struct layout_block *b = run(&s, NULL, 0, &n);
    const char *want[] = {"Both columns share this title line across the page",
                          "left line 1",
                          "left line 2",
                          "left line 3",
                          "left line 4",
                          "right line 1",
                          "right line 2",
                          "right line 3",
                          "right line 4"};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < b[i].nlines; j++) {
            ck_assert_uint_lt(k, 9);
            ck_assert_str_eq(b[i].lines[j].text, want[k++]);
        }
    ck_assert_uint_eq(k, 9);
    layout_free(b, n);
    wfree(&s);
}
END_TEST

START_TEST(label_value_pairs_are_no_columns)
{
    struct wset s = {0};
    put(&s, 0, 0, 100, 100, 20, "Name:");
    put(&s, 1, 1, 500, 100, 20, "Jane Doe");
    put(&s, 2, 2, 100, 130, 20, "City:");
    put(&s, 3, 3, 500, 130, 20, "Paris");
    size_t n;
    struct layout_block *b = run(&s, NULL, 0, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(b[0].lines[0].text, "Name:");
    ck_assert_str_eq(b[1].lines[0].text, "Jane Doe");
    ck_assert_str_eq(b[2].lines[0].text, "City:");
    ck_assert_str_eq(b[3].lines[0].text, "Paris");
    layout_free(b, n);
    wfree(&s);
}
END_TEST

START_TEST(table_lines_form_one_block)
{
    struct wset s = {0};
    put(&s, 0, 0, 100, 100, 20, "Sales by region follow.");
    put(&s, 1, 1, 100, 150, 20, "North 1200");
    put(&s, 2, 1, 100, 180, 20, "South 980");
    put(&s, 3, 2, 100, 250, 20, "That is all.");
    struct table t = {.bbox = {90, 140, 300, 70}, .rows = 2, .cols = 2};
    size_t n;
    struct layout_block *b = run(&s, &t, 1, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(b[0].kind, LAYOUT_TEXT);
    ck_assert_int_eq(b[1].kind, LAYOUT_TABLE);
    ck_assert_int_eq(b[1].table, 0);
    ck_assert_uint_eq(b[1].nlines, 2);
    ck_assert_int_eq(b[1].x, 90);
    ck_assert_int_eq(b[2].kind, LAYOUT_TEXT);
    ck_assert_int_eq(b[2].table, -1);
    layout_free(b, n);

    /* the JSON form */
    struct dp_page p = {.words = s.w, .nwords = s.n, .tables = &t, .ntables = 1};
    cJSON *j = layout_json(&p);
    ck_assert_int_eq(cJSON_GetArraySize(j), 3);
    const cJSON *tb = cJSON_GetArrayItem(j, 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(tb, "kind")), "table");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(tb, "bbox")), 4);
    const cJSON *l0 = cJSON_GetArrayItem(cJSON_GetObjectItem(tb, "lines"), 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(l0, "text")), "North 1200");
    cJSON_Delete(j);
    wfree(&s);
}
END_TEST

START_TEST(empty_page)
{
    size_t n = 1;
    struct layout_block *b = (void *)1;
    ck_assert_int_eq(layout_blocks(NULL, 0, NULL, 0, &b, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    layout_free(b, n);
}
END_TEST

Suite *layout_suite(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, heading_then_paragraphs);
    tcase_add_test(tc, two_columns_under_a_title);
    tcase_add_test(tc, label_value_pairs_are_no_columns);
    tcase_add_test(tc, table_lines_form_one_block);
    tcase_add_test(tc, empty_page);
    suite_add_tcase(s, tc);
    return s;
}
