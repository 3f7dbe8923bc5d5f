/* check_unline.c -- unline: rules whitened out of a page, the letters standing on them kept. */
#include "testutil.h"
#include <leptonica/allheaders.h>
#include "unline.h"

#define CH 20.0 /* character height the drawings are made for: rules >= 120 px, < 12 px thick */

static PIX *white_page(int w, int h)
{
    PIX *p = pixCreate(w, h, 8);
    ck_assert_ptr_nonnull(p);
    pixSetAllArbitrary(p, 255);
    return p;
}

static void ink(PIX *p, int x, int y, int w, int h)
{
    BOX *b = boxCreate(x, y, w, h);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(pixSetInRectArbitrary(p, b, 0), 0);
    boxDestroy(&b);
}

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

Suite *unline_suite(void)
{
    Suite *s = suite_create("unline");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, wanted_only_on_enlarged_layout_pages_with_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("leptonica");
    tcase_add_test(tc, rules_go_letters_on_them_stay);
    tcase_add_test(tc, page_without_rules_is_unchanged);
    suite_add_tcase(s, tc);
    return s;
}
