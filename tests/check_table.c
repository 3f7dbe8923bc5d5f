/* check_table.c -- tables: grids from word boxes (columns, wrapped cells, headers, prose that is
 * no table), grids from ruling lines (spans), the CSV writer (quoting, spans, JSON round
 * trip), and ruling lines found on a rendered page. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "fixtures_layout.h"
#include "result.h"
#include "table.h"

#define WSET_CONF 96.0f
#include "fixtures_wset.h"

static const char *cell(const struct table *t, int r, int c)
{
    const struct table_cell *x = table_cell_at(t, r, c);
    return x ? x->text : NULL;
}

/* A paragraph, then a 3-column price table of a header and four rows, then a paragraph. */
static void price_page(struct wset *s)
{
    put(s, 200, 100, "Thank you for your order. Here is what we shipped to you this week.");
    put(s, 200, 300, "Item");
    put(s, 1000, 300, "Qty");
    put(s, 1400, 300, "Price");
    static const char *const items[] = {"Blue pens", "Paper A4 ream", "Stapler", "Ink cartridge"};
    static const char *const qty[] = {"10", "5", "1", "2"};
    static const char *const price[] = {"12.50", "21.95", "7.00", "48.10"};
    for (int i = 0; i < 4; i++) {
        put(s, 200, 370 + 70 * i, items[i]);
        put(s, 1000, 370 + 70 * i, qty[i]);
        put(s, 1400, 370 + 70 * i, price[i]);
    }
    put(s, 200, 900, "Payment is due within thirty days of the invoice date shown above.");
}

START_TEST(unruled_grid_from_words)
{
    struct wset s = {0};
    price_page(&s);
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->rows, 5);
    ck_assert_int_eq(t->cols, 3);
    ck_assert_int_eq(t->ruled, 0);
    ck_assert_int_eq(t->header_rows, 1);
    ck_assert_str_eq(cell(t, 0, 0), "Item");
    ck_assert_str_eq(cell(t, 0, 2), "Price");
    ck_assert_str_eq(cell(t, 2, 0), "Paper A4 ream");
    ck_assert_str_eq(cell(t, 4, 1), "2");
    ck_assert_str_eq(cell(t, 4, 2), "48.10");
    ck_assert(table_cell_at(t, 0, 1)->header);
    ck_assert(!table_cell_at(t, 1, 1)->header);
    /* the box holds the header and the last row, not the paragraphs */
    ck_assert_int_eq(t->bbox.y, 300);
    ck_assert_int_eq(t->bbox.y + t->bbox.h, 370 + 70 * 3 + LH);
    ck_assert_int_eq(t->bbox.x, 200);
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* OCR's blank "words" over a table (where rules were erased) and a word in vertical text are
 * no line of their own: the grid is found as without them. */
START_TEST(unruled_ignores_blank_and_tall_words)
{
    struct wset s = {0};
    price_page(&s);
    s.w[s.n++] = (struct dp_word){strdup(" "), 95.0f, 190, 290, 4, 600, 0, 0};
    s.w[s.n++] = (struct dp_word){strdup("  "), 95.0f, 1700, 290, 3, 600, 0, 0};
    s.w[s.n++] = (struct dp_word){strdup("Confirmed"), 96.0f, 120, 360, LH, 9 * CW, 0, 0};
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->rows, 5);
    ck_assert_int_eq(t->cols, 3);
    ck_assert_str_eq(cell(t, 2, 0), "Paper A4 ream");
    ck_assert_str_eq(cell(t, 4, 2), "48.10");
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* A grid whose words were read with little confidence (a chart's hatching and ticks read as
 * letters) is no table, ruled or not. */
START_TEST(guessed_text_is_no_table)
{
    struct wset s = {0};
    price_page(&s);
    for (size_t i = 0; i < s.n; i++)
        s.w[i].conf = 35.0f;
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    struct table_rule r[] = {
        {100, 280, 1700, 280, 2},  {100, 360, 1700, 360, 2}, {100, 650, 1700, 650, 2},
        {100, 280, 100, 650, 2},   {900, 280, 900, 650, 2},  {1300, 280, 1300, 650, 2},
        {1700, 280, 1700, 650, 2},
    };
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, r, sizeof r / sizeof r[0], &t, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    for (size_t i = 0; i < s.n; i++)
        s.w[i].conf = 90.0f; /* read well: both are tables */
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, r, sizeof r / sizeof r[0], &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->ruled, 1);
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* Rows spaced wider than usual (tight OCR boxes make the em small): a gap over the usual
 * limit continues the table while it keeps to the table's own spacing. */
START_TEST(unruled_keeps_its_row_spacing)
{
    struct wset s = {0};
    static const int ys[] = {300, 370, 480, 600, 730};
    static const char *const a[] = {"Item", "Pens", "Paper", "Stapler", "Ink"};
    static const char *const b[] = {"Qty", "10", "5", "1", "2"};
    static const char *const c[] = {"Price", "12.50", "21.95", "7.00", "48.10"};
    for (int i = 0; i < 5; i++) {
        put(&s, 200, ys[i], a[i]);
        put(&s, 1000, ys[i], b[i]);
        put(&s, 1400, ys[i], c[i]);
    }
    put(&s, 200, 1200, "Payment is due within thirty days of the invoice date shown above.");
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->rows, 5);
    ck_assert_str_eq(cell(t, 4, 2), "48.10");
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* A label wrapped over two lines with its values on the first, a label printed around its
 * values (vertically centred), and a section row with no values. */
START_TEST(unruled_wrapped_cells_join)
{
    struct wset s = {0};
    put(&s, 200, 100, "Pollutant");
    put(&s, 1000, 100, "Air");
    put(&s, 1400, 100, "Water");
    put(&s, 200, 170, "Carbon dioxide");
    put(&s, 1000, 170, "100");
    put(&s, 1400, 170, "-");
    put(&s, 200, 240, "Chlorine and inorganic");
    put(&s, 200, 290, "compounds");
    put(&s, 1000, 290, "10 000");
    put(&s, 1400, 290, "5");
    put(&s, 200, 340, "(as HCl)");
    put(&s, 200, 410, "Methane");
    put(&s, 1000, 410, "100 000");
    put(&s, 1400, 410, "-");
    put(&s, 200, 480, "Heavy metals");
    put(&s, 200, 550, "Arsenic");
    put(&s, 1000, 550, "20");
    put(&s, 1400, 550, "5");
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->cols, 3);
    ck_assert_int_eq(t->rows, 6);
    ck_assert_str_eq(cell(t, 2, 0), "Chlorine and inorganic compounds (as HCl)");
    ck_assert_str_eq(cell(t, 2, 1), "10 000");
    ck_assert_str_eq(cell(t, 3, 0), "Methane");
    ck_assert_str_eq(cell(t, 4, 0), "Heavy metals");
    ck_assert_ptr_null(cell(t, 4, 1));
    ck_assert_str_eq(cell(t, 5, 2), "5");
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* A spanning header over the value columns stays one cell spanning them. */
START_TEST(unruled_spanning_header)
{
    struct wset s = {0};
    put(&s, 1000, 100, "THRESHOLD FOR RELEASES");
    put(&s, 1000, 170, "air");
    put(&s, 1300, 170, "water");
    put(&s, 1600, 170, "land");
    static const char *const names[] = {"Arsenic", "Cadmium", "Lead", "Zinc"};
    for (int i = 0; i < 4; i++) {
        put(&s, 200, 240 + 60 * i, names[i]);
        put(&s, 1000, 240 + 60 * i, "20");
        put(&s, 1300, 240 + 60 * i, "5");
        put(&s, 1600, 240 + 60 * i, "1");
    }
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->cols, 4);
    const struct table_cell *h = table_cell_at(t, 0, 1);
    ck_assert_ptr_nonnull(h);
    ck_assert_str_eq(h->text, "THRESHOLD FOR RELEASES");
    ck_assert_int_eq(h->col, 1);
    ck_assert_int_ge(h->col_span, 2);
    ck_assert_str_eq(cell(t, 2, 0), "Arsenic");
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

START_TEST(prose_is_no_table)
{
    struct wset s = {0};
    /* a single-column paragraph */
    for (int i = 0; i < 8; i++)
        put(&s, 200, 100 + 50 * i, "The quick brown fox jumps over the lazy dog again and again");
    /* a two-column page: long lines of prose side by side */
    for (int i = 0; i < 8; i++) {
        put(&s, 200, 800 + 50 * i, "Lorem ipsum dolor sit amet consectetur adipiscing");
        put(&s, 1400, 800 + 50 * i, "sed do eiusmod tempor incididunt ut labore et");
    }
    struct table *t = NULL;
    size_t n = 9;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(t);
    /* and no words at all */
    ck_assert_int_eq(table_detect(NULL, 0, 2550, 3300, NULL, 0, &t, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    wset_free(&s);
}
END_TEST

/* Rules: a 3 x 3 grid whose first row has no rule between columns 1 and 2 (a spanning cell). */
START_TEST(ruled_grid_with_span)
{
    struct table_rule r[] = {
        {100, 100, 1600, 100, 2},  {100, 200, 1600, 200, 2}, {100, 300, 1600, 300, 2},
        {100, 400, 1600, 400, 2},  {100, 100, 100, 400, 2},  {600, 100, 600, 400, 2},
        {1100, 200, 1100, 400, 2}, /* starts below the first row */
        {1600, 100, 1600, 400, 2},
    };
    struct wset s = {0};
    put(&s, 120, 130, "Name");
    put(&s, 620, 130, "Amounts");
    put(&s, 120, 230, "Apples");
    put(&s, 620, 230, "3");
    put(&s, 1120, 230, "1.20");
    put(&s, 120, 330, "Pears");
    put(&s, 1120, 330, "0.80");
    put(&s, 200, 900, "Some text under the table");
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, r, sizeof r / sizeof r[0], &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->ruled, 1);
    ck_assert_int_eq(t->rows, 3);
    ck_assert_int_eq(t->cols, 3);
    const struct table_cell *h = table_cell_at(t, 0, 2);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(h->col, 1);
    ck_assert_int_eq(h->col_span, 2);
    ck_assert_str_eq(h->text, "Amounts");
    ck_assert_str_eq(cell(t, 1, 2), "1.20");
    ck_assert_str_eq(cell(t, 2, 0), "Pears");
    ck_assert_str_eq(cell(t, 2, 1), ""); /* a ruled cell with nothing in it */
    ck_assert_int_eq(t->bbox.x, 100);
    ck_assert_int_eq(t->bbox.w, 1500);
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* Rules around the header and the body only: the body's text lines of numbers are its rows;
 * a header wrapped over two lines in every column stays one row. */
START_TEST(ruled_grid_rows_without_rules)
{
    struct table_rule r[] = {
        {100, 100, 1600, 100, 2},  {100, 220, 1600, 220, 2}, {100, 500, 1600, 500, 2},
        {100, 100, 100, 500, 2},   {600, 100, 600, 500, 2},  {1100, 100, 1100, 500, 2},
        {1600, 100, 1600, 500, 2},
    };
    struct wset s = {0};
    put(&s, 120, 110, "Age");
    put(&s, 620, 110, "Head Start");
    put(&s, 1120, 110, "Control");
    put(&s, 120, 165, "cohort");
    put(&s, 620, 165, "group");
    put(&s, 1120, 165, "group");
    put(&s, 120, 250, "3-year-olds");
    put(&s, 620, 250, "1,530");
    put(&s, 1120, 250, "1,029");
    put(&s, 120, 330, "4-year-olds");
    put(&s, 620, 330, "1,253");
    put(&s, 1120, 330, "855");
    put(&s, 120, 410, "Total");
    put(&s, 620, 410, "2,783");
    put(&s, 1120, 410, "1,884");
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, r, sizeof r / sizeof r[0], &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(t->ruled, 1);
    ck_assert_int_eq(t->rows, 4);
    ck_assert_int_eq(t->cols, 3);
    ck_assert_str_eq(cell(t, 0, 1), "Head Start group");
    ck_assert_str_eq(cell(t, 1, 0), "3-year-olds");
    ck_assert_str_eq(cell(t, 2, 2), "855");
    ck_assert_str_eq(cell(t, 3, 1), "2,783");
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

/* Missing rules that merge slots into an L shape: cells never overlap (each slot is covered
 * by one cell at most) and the CSV from the JSON is the CSV of the table. */
START_TEST(ruled_grid_l_shape_no_overlap)
{
    struct table_rule r[] = {
        {100, 100, 700, 100, 2}, {100, 400, 700, 400, 2},
        {100, 700, 700, 700, 2}, {100, 100, 100, 700, 2},
        {700, 100, 700, 700, 2}, {400, 400, 400, 700, 2}, /* no rule between the top two slots */
        {100, 400, 400, 400, 2}, /* and none under the top-right slot: the first row rule is */
    };
    r[1] = (struct table_rule){100, 400, 400, 400, 2};
    struct wset s = {0};
    put(&s, 150, 200, "alpha");
    put(&s, 450, 200, "beta");
    put(&s, 150, 500, "gamma");
    put(&s, 450, 500, "delta");
    struct table *t = NULL;
    size_t n = 0;
    ck_assert_int_eq(table_detect(s.w, s.n, 2550, 3300, r, sizeof r / sizeof r[0], &t, &n), DP_OK);
    ck_assert_uint_eq(n, 1);
    for (int row = 0; row < t->rows; row++)
        for (int col = 0; col < t->cols; col++) {
            int cover = 0;
            for (size_t i = 0; i < t->ncells; i++) {
                const struct table_cell *c = &t->cells[i];
                cover += row >= c->row && row < c->row + c->row_span && col >= c->col &&
                         col < c->col + c->col_span;
            }
            ck_assert_int_le(cover, 1);
        }
    char *csv = table_csv(t);
    cJSON *j = table_json(t);
    char *again = table_csv_json(j);
    ck_assert_str_eq(csv, again);
    ck_assert_ptr_nonnull(strstr(csv, "gamma"));
    free(csv);
    free(again);
    cJSON_Delete(j);
    table_list_free(t, n);
    wset_free(&s);
}
END_TEST

START_TEST(csv_quotes_and_spans)
{
    struct table_cell cells[] = {
        {0, 0, 1, 2, "Name, first", {0, 0, 0, 0}, 1},
        {0, 2, 1, 1, "Say \"hi\"", {0, 0, 0, 0}, 1},
        {1, 0, 1, 1, "a", {0, 0, 0, 0}, 0},
        {1, 2, 1, 1, "two\nlines", {0, 0, 0, 0}, 0},
    };
    struct table t = {{0, 0, 10, 10}, 2, 3, 0, 1, cells, 4};
    char *csv = table_csv(&t);
    ck_assert_str_eq(csv, "\"Name, first\",,\"Say \"\"hi\"\"\"\r\na,,\"two\nlines\"\r\n");
    cJSON *j = table_json(&t);
    ck_assert_int_eq(cJSON_GetObjectItem(j, "rows")->valueint, 2);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "cells")), 4);
    char *again = table_csv_json(j);
    ck_assert_str_eq(again, csv);
    /* a cell outside the declared grid is ignored, a grid over the cap refused */
    cJSON_AddItemToArray(cJSON_GetObjectItem(j, "cells"),
                         cJSON_Parse("{\"row\":7,\"col\":0,\"text\":\"x\"}"));
    char *third = table_csv_json(j);
    ck_assert_str_eq(third, csv);
    cJSON_ReplaceItemInObject(j, "rows", cJSON_CreateNumber(TABLE_MAX_ROWS + 1));
    ck_assert_ptr_null(table_csv_json(j));
    free(csv);
    free(again);
    free(third);
    cJSON_Delete(j);
}
END_TEST

/* A page image with a drawn 4 x 3 grid: rules are found where they were drawn. */
START_TEST(rules_from_image)
{
    struct fx_item it[16];
    size_t n = 0;
    for (int i = 0; i < 5; i++)
        it[n++] = (struct fx_item){FX_LINE, 72, 100 + 30 * i, 540, 100 + 30 * i, 0, NULL};
    for (int i = 0; i < 4; i++)
        it[n++] = (struct fx_item){FX_LINE, 72 + 156 * i, 100, 72 + 156 * i, 220, 0, NULL};
    it[n++] = (struct fx_item){FX_TEXT, 80, 400, 0, 0, 11, "Some words that are no rule."};
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_layout_pix(it, n, 300, &pix), DP_OK);
    struct table_rule *r = NULL;
    size_t nr = 0;
    ck_assert_int_eq(table_rules_find(pix, 300, &r, &nr), DP_OK);
    int h = 0, v = 0;
    for (size_t i = 0; i < nr; i++) {
        if (r[i].y2 - r[i].y1 < r[i].x2 - r[i].x1) {
            h++;
            ck_assert_int_lt(abs(r[i].x1 - 300), 12);
            ck_assert_int_lt(abs(r[i].x2 - 2250), 12);
        } else {
            v++;
            ck_assert_int_lt(abs(r[i].y1 - 416), 12);
        }
    }
    ck_assert_int_eq(h, 5);
    ck_assert_int_eq(v, 4);
    free(r);
    pixDestroy(&pix);
    ck_assert_int_eq(table_rules_find(NULL, 300, &r, &nr), DP_EINVAL);
}
END_TEST

/* The result JSON of a page carries its tables, pairs and marks (empty arrays when none). */
START_TEST(result_page_carries_tables)
{
    struct wset s = {0};
    price_page(&s);
    struct dp_page p = {.number = 1, .width = 2550, .height = 3300, .dpi = 300, .text = "x"};
    p.words = s.w;
    p.nwords = s.n;
    ck_assert_int_eq(
        table_detect(p.words, p.nwords, p.width, p.height, NULL, 0, &p.tables, &p.ntables), DP_OK);
    cJSON *j = result_encode_page(&p);
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "tables"), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(t, "rows")->valueint, 5);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(t, "bbox")), 4);
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(j, "key_values")));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "selection_marks")), 0);
    cJSON_Delete(j);
    table_list_free(p.tables, p.ntables);
    wset_free(&s);
}
END_TEST

Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, unruled_grid_from_words);
    tcase_add_test(tc, unruled_ignores_blank_and_tall_words);
    tcase_add_test(tc, unruled_keeps_its_row_spacing);
    tcase_add_test(tc, guessed_text_is_no_table);
    tcase_add_test(tc, unruled_wrapped_cells_join);
    tcase_add_test(tc, unruled_spanning_header);
    tcase_add_test(tc, prose_is_no_table);
    tcase_add_test(tc, ruled_grid_with_span);
    tcase_add_test(tc, ruled_grid_rows_without_rules);
    tcase_add_test(tc, ruled_grid_l_shape_no_overlap);
    tcase_add_test(tc, csv_quotes_and_spans);
    tcase_add_test(tc, rules_from_image);
    tcase_add_test(tc, result_page_carries_tables);
    suite_add_tcase(s, tc);
    return s;
}
