/* check_pageprep.c -- pageprep: character height from components, scale, segmentation mode. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "pageprep.h"
#include "table.h"

/* n character-like boxes of height h on a line grid, spread over [x0, x1). */
static struct pageprep_box *grid(size_t n, int h, int x0, int x1)
{
    struct pageprep_box *b = calloc(n, sizeof *b);
    ck_assert_ptr_nonnull(b);
    int per_line = (x1 - x0) / h;
    for (size_t i = 0; i < n; i++)
        b[i] = (struct pageprep_box){x0 + (int)(i % (size_t)per_line) * h,
                                     100 + (int)(i / (size_t)per_line) * 2 * h, h * 2 / 3, h};
    return b;
}

START_TEST(median_of_character_boxes)
{
    struct pageprep_box *b = grid(101, 20, 100, 1100);
    struct pageprep_measure m;
    /* a third of the characters shorter (x-height), a few taller (capitals) */
    for (size_t i = 0; i < 30; i++)
        b[i * 3].h = 14;
    b[1].h = 28;
    ck_assert_int_eq(pageprep_measure_boxes(b, 101, 1275, 1650, &m), DP_OK);
    ck_assert_double_eq_tol(m.char_h, 20.0, 0.01);
    ck_assert_uint_eq(m.nchars, 101);
    ck_assert_int_ge(m.text_x0, 100);
    ck_assert_int_le(m.text_x1, 1100);
    ck_assert_int_ge(m.text_x1, 1000);
    free(b);
}
END_TEST

START_TEST(specks_rules_and_dots_are_not_characters)
{
    /* 40 characters of 20 px, 60 leader dots of 5 px, 3 rules, 2 frames */
    struct pageprep_box *b = grid(105, 20, 100, 1100);
    for (size_t i = 40; i < 100; i++)
        b[i].w = b[i].h = 5;
    for (size_t i = 100; i < 103; i++)
        b[i] = (struct pageprep_box){100, 500 + (int)i, 900, 3};
    b[103] = (struct pageprep_box){50, 50, 1000, 1400};
    b[104] = (struct pageprep_box){60, 60, 900, 300};
    struct pageprep_measure m;
    ck_assert_int_eq(pageprep_measure_boxes(b, 105, 1275, 1650, &m), DP_OK);
    ck_assert_double_eq_tol(m.char_h, 20.0, 0.01);
    ck_assert_uint_eq(m.nchars, 40);
    /* too few characters: no estimate */
    ck_assert_int_eq(pageprep_measure_boxes(b, 19, 1275, 1650, &m), DP_OK);
    ck_assert_double_eq(m.char_h, 0.0);
    ck_assert_int_eq(pageprep_measure_boxes(NULL, 0, 1275, 1650, &m), DP_OK);
    ck_assert_double_eq(m.char_h, 0.0);
    free(b);
}
END_TEST

START_TEST(rows_of_characters)
{
    /* three lines of 10 characters (20 px, baseline jitter), a blurred line of 2 word blobs,
     * a rule and a lone speck */
    struct pageprep_box b[40];
    size_t n = 0;
    for (int line = 0; line < 3; line++)
        for (int c = 0; c < 10; c++)
            b[n++] = (struct pageprep_box){100 + 30 * c, 200 + 60 * line + (c % 3) * 2, 14,
                                           20 - (c % 2) * 6};
    b[n++] = (struct pageprep_box){100, 400, 200, 22};
    b[n++] = (struct pageprep_box){320, 401, 150, 21};
    b[n++] = (struct pageprep_box){50, 500, 900, 3};
    b[n++] = (struct pageprep_box){700, 205, 3, 3};
    struct pageprep_box rows[8];
    ck_assert_uint_eq(pageprep_rows(b, n, 20.0, rows, 8), 4);
    ck_assert_int_eq(rows[0].x, 100);
    ck_assert_int_eq(rows[0].y, 200);
    ck_assert_int_eq(rows[0].w, 284);
    ck_assert_int_eq(rows[1].y, 260);
    ck_assert_int_eq(rows[3].x, 100);
    ck_assert_int_eq(rows[3].w, 370);
    /* two table cells on one line, 200 px apart: two rows */
    struct pageprep_box cells[6];
    for (int c = 0; c < 6; c++)
        cells[c] = (struct pageprep_box){100 + 16 * (c % 3) + (c / 3) * 300, 600, 14, 20};
    ck_assert_uint_eq(pageprep_rows(cells, 6, 20.0, rows, 8), 2);
    ck_assert_int_eq(rows[0].x, 100);
    ck_assert_int_eq(rows[0].w, 46);
    ck_assert_int_eq(rows[1].x, 400);
    /* room for two only; nothing without a character height */
    ck_assert_uint_eq(pageprep_rows(b, n, 20.0, rows, 2), 2);
    ck_assert_uint_eq(pageprep_rows(b, n, 0.0, rows, 8), 0);
}
END_TEST

/* A measure of n characters of height h. */
static const struct pageprep_measure *mh_n(double h, size_t n)
{
    static struct pageprep_measure m;
    memset(&m, 0, sizeof m);
    m.char_h = h;
    m.nchars = n;
    return &m;
}

static const struct pageprep_measure *mh(double h)
{
    return mh_n(h, 500);
}

START_TEST(scale_to_target_height)
{
    /* within [16, 32] px: left alone */
    ck_assert_double_eq(pageprep_scale(mh(20), 300, 1000, 1000, 50000000), 1.0);
    ck_assert_double_eq(pageprep_scale(mh(30), 300, 1000, 1000, 50000000), 1.0);
    ck_assert_double_eq(pageprep_scale(mh(0), 300, 1000, 1000, 50000000), 1.0);
    /* small print is enlarged, huge print reduced */
    ck_assert_double_eq_tol(pageprep_scale(mh(10), 300, 1000, 1000, 50000000), 2.0, 1e-9);
    ck_assert_double_eq_tol(pageprep_scale(mh(80), 300, 4000, 6000, 50000000), 0.25, 1e-9);
    /* bounded: never more than 3x, never under 1/4, never over the pixel cap */
    ck_assert_double_eq_tol(pageprep_scale(mh(2), 300, 100, 100, 50000000), 3.0, 1e-9);
    ck_assert_double_eq_tol(pageprep_scale(mh(400), 300, 9000, 9000, 50000000), 0.25, 1e-9);
    double f = pageprep_scale(mh(8), 300, 4000, 5000, 50000000);
    ck_assert_double_le(f * f * 4000.0 * 5000.0, 50000000.0 * 1.0001);
    ck_assert_double_gt(f, 1.0);
    /* a large height from few components (a sideways page) does not shrink the page */
    ck_assert_double_eq(pageprep_scale(mh_n(60, 25), 300, 3300, 2550, 50000000), 1.0);
    ck_assert_double_eq_tol(pageprep_scale(mh_n(10, 25), 300, 1000, 1000, 50000000), 2.0, 1e-9);
    /* nothing measured: a 100 dpi fax is enlarged 3x, a 300 dpi page left alone */
    ck_assert_double_eq_tol(pageprep_scale(mh(0), 100, 850, 1100, 50000000), 3.0, 1e-9);
    ck_assert_double_eq_tol(pageprep_scale(mh(0), 120, 1020, 1320, 50000000), 2.5, 1e-9);
    ck_assert_double_eq(pageprep_scale(mh(0), 300, 2550, 3300, 50000000), 1.0);
    ck_assert_double_eq(pageprep_scale(mh(0), 0, 2550, 3300, 50000000), 1.0);
}
END_TEST

START_TEST(segmentation_choice)
{
    struct pageprep_measure m = {.char_h = 20, .nchars = 400, .page_w = 600, .page_h = 1000};
    /* a receipt: 30 character heights wide */
    m.text_x0 = 20;
    m.text_x1 = 620;
    ck_assert_int_eq(pageprep_psm(&m), PAGEPREP_PSM_BLOCK);
    /* a letter page: 80 character heights */
    m.page_w = 2550;
    m.page_h = 3300;
    m.text_x1 = 20 + 80 * 20;
    ck_assert_int_eq(pageprep_psm(&m), PAGEPREP_PSM_AUTO);
    /* the same measure on a long strip (faint print measured small): one column */
    m.page_w = 1700;
    m.page_h = 3500;
    ck_assert_int_eq(pageprep_psm(&m), PAGEPREP_PSM_BLOCK);
    /* three character heights wide is no column (turned text, a stamp) */
    m.page_w = 600;
    m.page_h = 1000;
    m.text_x1 = 20 + 3 * 20;
    ck_assert_int_eq(pageprep_psm(&m), PAGEPREP_PSM_AUTO);
    /* unknown: layout analysis */
    struct pageprep_measure none = {0};
    ck_assert_int_eq(pageprep_psm(&none), PAGEPREP_PSM_AUTO);
    ck_assert_int_eq(pageprep_psm(NULL), PAGEPREP_PSM_AUTO);
}
END_TEST

static const char *const prose[] = {
    "The quick brown fox jumps over the lazy dog while the",
    "farmer counts his sheep and the rain falls on the hills.",
    "Payment is due within thirty days of the invoice date.",
    "Please keep this letter with your records for next year.",
    "Our office is open from nine to five on working days.",
};

/* Renders the prose at fontsize and measures it. */
static struct pageprep_measure measure_rendered(int fontsize, PIX **keep)
{
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_render_page(prose, 5, fontsize, 300, &pix), DP_OK);
    struct pageprep_measure m;
    ck_assert_int_eq(pageprep_measure(pix, &m), DP_OK);
    if (keep)
        *keep = pix;
    else
        pixDestroy(&pix);
    return m;
}

START_TEST(measured_on_rendered_pages)
{
    PIX *page = NULL;
    struct pageprep_measure small = measure_rendered(8, NULL);
    struct pageprep_measure big = measure_rendered(16, &page);
    ck_assert_double_gt(small.char_h, 5.0);
    /* twice the font size measures about twice as high */
    ck_assert_double_ge(big.char_h / small.char_h, 1.6);
    ck_assert_double_le(big.char_h / small.char_h, 2.4);
    ck_assert_int_eq(pageprep_psm(&big), PAGEPREP_PSM_AUTO);
    /* the page at half size: the estimate follows (measured on the page's own pixels) */
    PIX *half = pixScale(page, 0.5f, 0.5f);
    struct pageprep_measure h;
    ck_assert_int_eq(pageprep_measure(half, &h), DP_OK);
    ck_assert_double_eq_tol(h.char_h, big.char_h / 2, big.char_h * 0.2);
    /* a blank page has no characters */
    PIX *blank = pixCreate(1000, 1300, 8);
    pixSetAll(blank);
    ck_assert_int_eq(pageprep_measure(blank, &h), DP_OK);
    ck_assert_double_eq(h.char_h, 0.0);
    ck_assert_int_eq(pageprep_measure(NULL, &h), DP_EINVAL);
    pixDestroy(&blank);
    pixDestroy(&half);
    pixDestroy(&page);
}
END_TEST

START_TEST(narrow_slip_is_one_block)
{
    static const char *const slip[] = {
        "CORNER SHOP SDN BHD", "12 JALAN BESAR",     "TEL 03-1234567",    "RECEIPT 0042",
        "MILK 1L      4.20",   "BREAD         3.10", "EGGS 10      5.90", "TOTAL       13.20",
        "CASH        20.00",   "CHANGE       6.80",  "THANK YOU",         "PLEASE COME AGAIN",
    };
    PIX *page = NULL;
    ck_assert_int_eq(fixture_render_page(slip, 12, 12, 300, &page), DP_OK);
    /* keep the left strip the text is on, as a receipt scan would be */
    BOX *box = boxCreate(0, 0, 1100, (int)pixGetHeight(page) / 2);
    PIX *strip = pixClipRectangle(page, box, NULL);
    struct pageprep_measure m;
    ck_assert_int_eq(pageprep_measure(strip, &m), DP_OK);
    ck_assert_double_gt(m.char_h, 0.0);
    ck_assert_int_eq(pageprep_psm(&m), PAGEPREP_PSM_BLOCK);
    boxDestroy(&box);
    pixDestroy(&strip);
    pixDestroy(&page);
}
END_TEST

/* Horizontal rule from (x1,y) to (x2,y), vertical from (x,y1) to (x,y2), 3 px thick. */
#define HR(x1, x2, y) ((struct table_rule){(x1), (y), (x2), (y), 3})
#define VR(x, y1, y2) ((struct table_rule){(x), (y1), (x), (y2), 3})

START_TEST(only_grid_rules_are_erased)
{
    /* a 3x2 ruled table (4 horizontal rules, 3 vertical ones) among an underline and a rule
     * between sections: the grid's 7 rules come first, in their order */
    struct table_rule r[] = {
        HR(100, 900, 50),   /* section rule: meets no vertical */
        HR(200, 800, 300),  /* grid */
        VR(200, 300, 600),  /* grid */
        HR(300, 500, 1200), /* underline */
        HR(200, 800, 400),  /* grid */
        VR(500, 298, 602),  /* grid, ends within tolerance */
        HR(200, 800, 500),  /* grid */
        VR(800, 300, 600),  /* grid */
        HR(203, 797, 600),  /* grid */
        VR(950, 1000, 1100) /* a lone vertical */
    };
    size_t n = sizeof r / sizeof r[0];
    ck_assert_uint_eq(pageprep_grid_rules(r, n, 5), 7);
    ck_assert_int_eq(r[0].y1, 300);
    ck_assert_int_eq(r[1].x1, 200);
    ck_assert_int_eq(r[2].y1, 400);
    ck_assert_int_eq(r[3].x1, 500);
    ck_assert_int_eq(r[6].y1, 600);
    /* the rest keeps its order behind */
    ck_assert_int_eq(r[7].y1, 50);
    ck_assert_int_eq(r[8].y1, 1200);
    ck_assert_int_eq(r[9].x1, 950);
    /* a frame around one cell is a grid too (rules that touch meet with no tolerance) */
    struct table_rule r2[] = {HR(200, 800, 300), VR(200, 300, 600), HR(200, 800, 600),
                              VR(800, 300, 600)};
    ck_assert_uint_eq(pageprep_grid_rules(r2, 4, 0), 4);
    /* underlines and section rules alone: no grid, nothing to erase */
    struct table_rule u[] = {HR(100, 900, 50), HR(100, 900, 500), HR(100, 900, 900),
                             HR(100, 400, 950), VR(50, 40, 60)};
    ck_assert_uint_eq(pageprep_grid_rules(u, 5, 5), 0);
    ck_assert_int_eq(u[0].y1, 50);
    /* letter strokes that line up: short verticals under one long rule meet it once each,
     * the rule meets many but no vertical meets two horizontals */
    struct table_rule s2[] = {HR(100, 900, 100), VR(150, 90, 130), VR(190, 90, 130),
                              VR(230, 90, 130),  VR(270, 90, 130), HR(100, 900, 400)};
    ck_assert_uint_eq(pageprep_grid_rules(s2, 6, 5), 0);
    ck_assert_uint_eq(pageprep_grid_rules(s2, 3, 5), 0); /* too few to be a grid */
    ck_assert_uint_eq(pageprep_grid_rules(NULL, 0, 5), 0);
}
END_TEST

Suite *pageprep_suite(void)
{
    Suite *s = suite_create("pageprep");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, median_of_character_boxes);
    tcase_add_test(tc, specks_rules_and_dots_are_not_characters);
    tcase_add_test(tc, rows_of_characters);
    tcase_add_test(tc, scale_to_target_height);
    tcase_add_test(tc, segmentation_choice);
    tcase_add_test(tc, only_grid_rules_are_erased);
    suite_add_tcase(s, tc);
    tc = tcase_create("leptonica");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, measured_on_rendered_pages);
    tcase_add_test(tc, narrow_slip_is_one_block);
    suite_add_tcase(s, tc);
    return s;
}
