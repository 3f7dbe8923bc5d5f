/* check_hocr.c -- hocr: a page's words as an hOCR fragment. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "hocr.h"

START_TEST(words_blocks_and_lines)
{
    struct dp_word words[] = {
        {"Total", 91.6f, 100, 200, 80, 30, 0, 0},
        {"<12.50>", 88.0f, 200, 200, 90, 30, 0, 0},
        {"A&B's", 70.2f, 100, 250, 70, 30, 1, 0},
        {"Thanks", 95.0f, 100, 400, 100, 32, 2, 1},
    };
    struct dp_page p = {.number = 2, .width = 1000, .height = 1400, .words = words, .nwords = 4};
    char *h = NULL;
    ck_assert_int_eq(hocr_from_page(&p, &h), DP_OK);
    ck_assert_ptr_nonnull(strstr(h, "<div class='ocr_page' id='page_2' title='bbox 0 0 1000 "
                                    "1400; ppageno 1'>"));
    /* block 1 holds lines 1 and 2; its box covers both */
    ck_assert_ptr_nonnull(strstr(h, "id='block_2_1' title='bbox 100 200 290 280'"));
    ck_assert_ptr_nonnull(strstr(h, "id='line_2_1' title='bbox 100 200 290 230'"));
    ck_assert_ptr_nonnull(strstr(h, "id='block_2_2' title='bbox 100 400 200 432'"));
    ck_assert_ptr_nonnull(strstr(h, "title='bbox 100 200 180 230; x_wconf 92'>Total</span>"));
    /* text escaped */
    ck_assert_ptr_nonnull(strstr(h, ">&lt;12.50&gt;<"));
    ck_assert_ptr_nonnull(strstr(h, ">A&amp;B&#39;s<"));
    /* one word element per word, closed divs */
    size_t nw = 0;
    for (const char *q = h; (q = strstr(q, "ocrx_word")); q++)
        nw++;
    ck_assert_uint_eq(nw, 4);
    ck_assert_ptr_nonnull(strstr(h, "</p>\n   </div>\n  </div>\n"));
    free(h);
    /* an empty page is an empty ocr_page */
    struct dp_page e = {.number = 1, .width = 10, .height = 10};
    ck_assert_int_eq(hocr_from_page(&e, &h), DP_OK);
    ck_assert_ptr_null(strstr(h, "ocr_carea"));
    free(h);
}
END_TEST

Suite *hocr_suite(void)
{
    Suite *s = suite_create("hocr");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, words_blocks_and_lines);
    suite_add_tcase(s, tc);
    return s;
}
