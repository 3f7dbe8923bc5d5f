/* check_unline.c -- unline: rules whitened out of a page, the letters standing on them kept. */
#include "testutil.h"
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include "fixtures_ink.h"
#include "unline.h"

#define CH 20.0 /* character height the drawings are made for: rules >= 120 px, < 12 px thick */

static int at(PIX *p, int x, int y)
{
    l_uint32 v = 0;
    ck_assert_int_eq(pixGetPixel(p, x, y, &v), 0);
    return (int)v;
}

START_TEST(wanted_only_on_enlarged_layout_pages_with_rules)
{
    ck_assert_int_eq(unline_wanted(1, 2.0, UNLINE_MIN_RULES), 1);
    ck_assert_int_eq(unline_wanted(0, 2.0, 20), 0);                   /* one block: receipts */
    ck_assert_int_eq(unline_wanted(1, 1.0, 20), 0);                   /* clean print as read */
    ck_assert_int_eq(unline_wanted(1, 2.0, UNLINE_MIN_RULES - 1), 0); /* a rule or two */
    ck_assert_int_eq(unline_min_len(CH), 120);
    ck_assert_int_eq(unline_max_thick(CH), 12);
    ck_assert_int_eq(unline_min_len(0), unline_min_len(20.0)); /* unknown height: the target */
}
END_TEST

START_TEST(rules_go_letters_on_them_stay)
{
    PIX *p = white_page(640, 400);
    ink(p, 20, 100, 560, 3);  /* an underline */
    ink(p, 200, 70, 4, 30);   /* a letter's stem standing on it */
    ink(p, 250, 80, 4, 50);   /* a descender through it */
    ink(p, 300, 60, 3, 200);  /* a vertical rule (a box side) */
    ink(p, 40, 300, 300, 30); /* a bar: no rule */
    /* a typed underline: "_" pieces of 16 px with 2 px between them */
    for (int x = 360; x < 620; x += 18)
        ink(p, x, 200, 16, 2);
    PIX *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(unline_erase(p, CH, &out, &n), DP_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(at(out, 400, 101), 255); /* the underline, away from letters */
    ck_assert_int_eq(at(out, 30, 101), 255);
    ck_assert_int_eq(at(out, 202, 80), 0);  /* the stem */
    ck_assert_int_eq(at(out, 202, 99), 0);  /* ...down to its foot on the rule */
    ck_assert_int_eq(at(out, 251, 100), 0); /* the descender, into the rule */
    ck_assert_int_eq(at(out, 251, 102), 0);
    ck_assert_int_eq(at(out, 251, 125), 0);
    ck_assert_int_eq(at(out, 301, 230), 255); /* the vertical rule */
    ck_assert_int_eq(at(out, 100, 315), 0);   /* the bar */
    ck_assert_int_eq(at(out, 370, 200), 255); /* the typed underline */
    ck_assert_int_eq(at(out, 500, 201), 255);
    pixDestroy(&out);
    pixDestroy(&p);
}
END_TEST

START_TEST(page_without_rules_is_unchanged)
{
    PIX *p = white_page(400, 200);
    for (int x = 20; x < 380; x += 14) /* a row of letters: stems and bars, no long run */
        ink(p, x, 50, 8, 20);
    ink(p, 20, 120, 30, 3); /* a dash (1.5 character heights): no rule */
    PIX *out = NULL;
    size_t n = 1;
    ck_assert_int_eq(unline_erase(p, CH, &out, &n), DP_OK);
    l_int32 same = 0;
    pixEqual(p, out, &same);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(same, 1);
    pixDestroy(&out);
    pixDestroy(&p);
    ck_assert_int_eq(unline_erase(NULL, CH, &out, &n), DP_EINVAL);
}
END_TEST

/* A w x h hole bitmap: 1 inside the ellipse inscribed in it (ell), else the whole rectangle
 * less its corners' single pixels cut (a scanned box's rounded corners). */
static unsigned char *hole(int w, int h, int ell)
{
    unsigned char *b = calloc((size_t)w * (size_t)h, 1);
    ck_assert_ptr_nonnull(b);
    double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double dx = (x - cx) / (w / 2.0), dy = (y - cy) / (h / 2.0);
            int corner = (x == 0 || x == w - 1) && (y == 0 || y == h - 1);
            b[(size_t)y * (size_t)w + (size_t)x] = ell ? dx * dx + dy * dy <= 1.0 : !corner;
        }
    return b;
}

START_TEST(box_inside_is_square_letter_counters_are_not)
{
    unsigned char *sq = hole(20, 19, 0), *ov = hole(20, 19, 1), *tall = hole(12, 24, 0);
    ck_assert_int_eq(unline_box_inside(sq, 20, 19, CH), 1);
    ck_assert_int_eq(unline_box_inside(ov, 20, 19, CH), 0);   /* an o's counter */
    ck_assert_int_eq(unline_box_inside(tall, 12, 24, CH), 0); /* a 0's, a D's: narrow */
    ck_assert_int_eq(unline_box_inside(sq, 20, 19, 40.0), 0); /* small for large print */
    ck_assert_int_eq(unline_box_inside(sq, 20, 19, 6.0), 0);  /* a cell for small print */
    /* a corner filled and a side dented by the scan: still a box */
    for (int y = 0; y < 4; y++)
        for (int x = 16; x < 20; x++)
            sq[y * 20 + x] = 0;
    ck_assert_int_eq(unline_box_inside(sq, 20, 19, CH), 1);
    ck_assert_int_eq(unline_box_inside(NULL, 20, 19, CH), 0);
    free(sq);
    free(ov);
    free(tall);
}
END_TEST

START_TEST(box_side_is_the_median_run_unless_thick)
{
    const int thin[5] = {3, 2, 3, 4, 3}, glued[5] = {3, 9, 9, 9, 2}, gap[5] = {0, 0, 0, 1, 2};
    ck_assert_int_eq(unline_box_side(thin, 5, 6), 3);
    ck_assert_int_eq(unline_box_side(glued, 5, 6), -1); /* a letter on that side */
    ck_assert_int_eq(unline_box_side(gap, 5, 6), 1);    /* at least a pixel */
    ck_assert_int_eq(unline_box_side(thin, 0, 6), -1);
}
END_TEST

/* Draws an empty box of side s (outside), stroke t, top-left (x, y). */
static void box(PIX *p, int x, int y, int s, int t)
{
    ink(p, x, y, s, t);
    ink(p, x, y + s - t, s, t);
    ink(p, x, y, t, s);
    ink(p, x + s - t, y, t, s);
}

START_TEST(boxes_go_letters_stay)
{
    PIX *p = white_page(400, 200);
    box(p, 20, 40, 24, 3);  /* a box, its label 6 px to the right */
    ink(p, 50, 40, 4, 24);  /* the label's first stem */
    box(p, 120, 40, 24, 3); /* a box with a letter glued on its right side */
    ink(p, 144, 40, 4, 24);
    box(p, 220, 40, 24, 3); /* a box crossed by a rule: no check box */
    ink(p, 200, 52, 100, 2);
    /* a letter "P": a square counter with its stem running on below */
    box(p, 320, 40, 24, 3);
    ink(p, 320, 40, 4, 50);
    box(p, 20, 120, 120, 3); /* a frame: too large */
    PIX *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(unline_boxes(p, CH, &out, &n), DP_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(at(out, 21, 50), 255); /* the sides of the first box */
    ck_assert_int_eq(at(out, 42, 50), 255);
    ck_assert_int_eq(at(out, 30, 41), 255);
    ck_assert_int_eq(at(out, 51, 50), 0);    /* its label */
    ck_assert_int_eq(at(out, 121, 50), 255); /* the glued one */
    ck_assert_int_eq(at(out, 146, 50), 0);   /* ...its letter */
    ck_assert_int_eq(at(out, 221, 45), 0);   /* the crossed box stays */
    ck_assert_int_eq(at(out, 330, 41), 0);   /* the P */
    ck_assert_int_eq(at(out, 80, 121), 0);   /* the frame */
    pixDestroy(&out);
    /* no boxes: a plain copy */
    PIX *q = white_page(100, 50);
    ink(q, 10, 10, 30, 20);
    ck_assert_int_eq(unline_boxes(q, CH, &out, &n), DP_OK);
    ck_assert_uint_eq(n, 0);
    l_int32 same = 0;
    pixEqual(q, out, &same);
    ck_assert_int_eq(same, 1);
    pixDestroy(&out);
    pixDestroy(&q);
    pixDestroy(&p);
    ck_assert_int_eq(unline_boxes(NULL, CH, &out, &n), DP_EINVAL);
}
END_TEST

/* Ink pixels (under 128) of p in the rectangle. */
static int ink_in(PIX *p, int x, int y, int w, int h)
{
    int n = 0;
    for (int yy = y; yy < y + h; yy++)
        for (int xx = x; xx < x + w; xx++)
            n += at(p, xx, yy) < 128;
    return n;
}

START_TEST(rules_of_a_turned_page_go_too)
{
    /* thin rules with letters standing on them, scanned 2 degrees turned: no straight run of
     * a rule is a rule's length */
    PIX *p = white_page(900, 700);
    for (int y = 150; y < 600; y += 100) {
        ink(p, 50, y, 800, 2);
        for (int x = 100; x < 800; x += 60) /* stems standing on the rule */
            ink(p, x, y - 20, 4, 20);
    }
    PIX *t = pixRotate(p, (l_float32)(2.0 * 3.14159265 / 180), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE,
                       0, 0);
    ck_assert_ptr_nonnull(t);
    PIX *flat = NULL, *turned = NULL;
    size_t n0 = 0, n1 = 0;
    ck_assert_int_eq(unline_erase(t, CH, &flat, &n0), DP_OK);
    ck_assert_int_eq(unline_erase_turned(t, CH, -2.0f, &turned, &n1), DP_OK);
    ck_assert_uint_gt(n1, n0);
    /* the ink left away from the stems, along the middle rule (turned with the page) */
    int left_flat = 0, left_turned = 0, stems = 0, on_rule = 0;
    for (int x = 60; x < 840; x += 2) {
        if ((x - 100) % 60 < 12 && x >= 96)
            continue;
        double dy = (x - 450) * 0.03492; /* tan 2 degrees */
        int y = (int)(350 + 1 + dy) - 4;
        left_flat += ink_in(flat, x, y, 1, 9) > 0;
        left_turned += ink_in(turned, x, y, 1, 9) > 0;
        on_rule += ink_in(t, x, y, 1, 9) > 0;
    }
    for (int x = 100; x < 800; x += 60) {
        double dy = (x + 2 - 450) * 0.03492;
        stems += ink_in(turned, x - 2, (int)(340 + dy) - 3, 8, 6) > 0;
    }
    ck_assert_int_gt(on_rule, 300);               /* the probe is on the rule */
    ck_assert_int_lt(left_turned * 4, left_flat); /* unline_erase left it, turned: gone */
    ck_assert_int_eq(stems, 12);                  /* the letters' stems stay */
    pixDestroy(&flat);
    pixDestroy(&turned);
    pixDestroy(&t);
    pixDestroy(&p);
}
END_TEST

Suite *unline_suite(void)
{
    Suite *s = suite_create("unline");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, wanted_only_on_enlarged_layout_pages_with_rules);
    tcase_add_test(tc, box_inside_is_square_letter_counters_are_not);
    tcase_add_test(tc, box_side_is_the_median_run_unless_thick);
    suite_add_tcase(s, tc);
    tc = tcase_create("leptonica");
    tcase_add_test(tc, rules_go_letters_on_them_stay);
    tcase_add_test(tc, page_without_rules_is_unchanged);
    tcase_add_test(tc, boxes_go_letters_stay);
    tcase_add_test(tc, rules_of_a_turned_page_go_too);
    suite_add_tcase(s, tc);
    return s;
}
