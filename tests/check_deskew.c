/* check_deskew.c -- deskew: the turn of a crooked page found and undone. */
#include "testutil.h"
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include "deskew.h"
#include "fixtures_ink.h"

/* The box around the ink of p (one blob). */
static void ink_box(PIX *p, int *x, int *y, int *w, int *h)
{
    PIX *b = pixThresholdToBinary(p, 128);
    ck_assert_ptr_nonnull(b);
    BOX *bb = NULL;
    ck_assert_int_eq(pixClipToForeground(b, NULL, &bb), 0);
    ck_assert_int_eq(boxGetGeometry(bb, x, y, w, h), 0);
    boxDestroy(&bb);
    pixDestroy(&b);
}

/* A page of text-like rows: words as bars of a character's height, turned by deg. */
static PIX *text_page(float deg)
{
    PIX *p = white_page(1000, 1300);
    for (int y = 100; y < 1200; y += 40)
        for (int x = 80; x < 900; x += 70)
            ink(p, x, y, 50 + (x + y) % 13, 14);
    if (deg == 0.0f)
        return p;
    PIX *t = deskew_rotate(p, deg);
    ck_assert_ptr_nonnull(t);
    pixDestroy(&p);
    return t;
}

START_TEST(wanted_between_1_3_and_3_degrees)
{
    ck_assert_int_eq(deskew_wanted(1.5f, 10.0f), 1);
    ck_assert_int_eq(deskew_wanted(-2.5f, 10.0f), 1);
    ck_assert_int_eq(deskew_wanted(1.0f, 10.0f), 0);  /* its rules still run straight enough */
    ck_assert_int_eq(deskew_wanted(-5.0f, 10.0f), 0); /* slanted lines, not a crooked scan */
    ck_assert_int_eq(deskew_wanted(2.0f, 1.0f), 0);   /* an unsure angle */
}
END_TEST

START_TEST(turned_and_back_is_the_page_again)
{
    for (int k = 0; k < 2; k++) {
        float deg = k ? 1.5f : -2.0f;
        PIX *p = white_page(1000, 1300);
        ink(p, 800, 120, 40, 20);
        PIX *s = deskew_rotate(p, deg);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_eq(pixGetWidth(s), 1000);
        ck_assert_int_eq(pixGetHeight(s), 1300);
        int x, y, w, h;
        ink_box(s, &x, &y, &w, &h);
        ck_assert_int_gt(abs(x - 800) + abs(y - 120), 5); /* it moved, about the centre */
        PIX *back = deskew_rotate(s, -deg);
        ck_assert_ptr_nonnull(back);
        ink_box(back, &x, &y, &w, &h);
        ck_assert_int_le(abs(x - 800) + abs(y - 120) + abs(w - 40) + abs(h - 20), 4);
        pixDestroy(&back);
        pixDestroy(&s);
        pixDestroy(&p);
    }
}
END_TEST

START_TEST(the_turn_is_found_and_undone)
{
    float deg = 9, conf = 0;
    PIX *p = text_page(0.0f);
    ck_assert_int_eq(deskew_find(p, &deg, &conf), DP_OK);
    ck_assert_int_eq(deskew_wanted(deg, conf), 0); /* straight */
    pixDestroy(&p);
    p = text_page(1.8f);
    ck_assert_int_eq(deskew_find(p, &deg, &conf), DP_OK);
    ck_assert_int_eq(deskew_wanted(deg, conf), 1);
    ck_assert_float_eq_tol(deg, -1.8f, 0.15f); /* the turn that sets it straight */
    PIX *s = deskew_rotate(p, deg);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(deskew_find(s, &deg, &conf), DP_OK);
    ck_assert_int_eq(deskew_wanted(deg, conf), 0);
    pixDestroy(&s);
    pixDestroy(&p);
    /* a blank page: no angle, no error */
    p = white_page(300, 300);
    ck_assert_int_eq(deskew_find(p, &deg, &conf), DP_OK);
    ck_assert_int_eq(deskew_wanted(deg, conf), 0);
    pixDestroy(&p);
    ck_assert_int_eq(deskew_find(NULL, &deg, &conf), DP_EINVAL);
}
END_TEST

Suite *deskew_suite(void)
{
    Suite *s = suite_create("deskew");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, wanted_between_1_3_and_3_degrees);
    suite_add_tcase(s, tc);
    tc = tcase_create("leptonica");
    tcase_add_test(tc, turned_and_back_is_the_page_again);
    tcase_add_test(tc, the_turn_is_found_and_undone);
    suite_add_tcase(s, tc);
    return s;
}
