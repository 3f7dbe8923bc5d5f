/* check_pdfout.c -- the searchable-PDF writer: words placed at their boxes are found there by
 * poppler, grey pages go in as JPEG and bilevel ones as G4, the size cap holds. */
#include <math.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "pdfout.h"
#include "testutil.h"

static PopplerDocument *open_pdf(const char *buf, size_t len)
{
    GBytes *b = g_bytes_new(buf, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(b, NULL, NULL);
    g_bytes_unref(b);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

static int has(const char *buf, size_t len, const char *needle)
{
    return memmem(buf, len, needle, strlen(needle)) != NULL;
}

/* A page (grey, or thresholded to black/white) with two words at given boxes. */
static void write_page(int bilevel, char **pdf, size_t *len)
{
    PIX *pix = pixCreate(850, 1100, 8);
    pixSetAll(pix);
    pixSetResolution(pix, 100, 100);
    /* some ink, grey or black */
    BOX *b = boxCreate(100, 100, 300, 40);
    pixClearInRect(pix, b);
    boxDestroy(&b);
    if (!bilevel) {
        b = boxCreate(100, 300, 300, 40);
        pixSetInRectArbitrary(pix, b, 128);
        boxDestroy(&b);
    }
    static const struct pdfout_word w[] = {{"Invoice", 100, 100, 300, 40},
                                           {"Totalamount", 400, 600, 200, 30}};
    struct pdfout *p = NULL;
    ck_assert_int_eq(pdfout_new(0, &p), DP_OK);
    ck_assert_int_eq(pdfout_page(p, pix, w, 2, 850, 1100, 100), DP_OK);
    ck_assert_int_eq(pdfout_finish(p, pdf, len), DP_OK);
    pdfout_free(p);
    pixDestroy(&pix);
}

START_TEST(words_at_their_boxes)
{
    char *pdf;
    size_t len;
    write_page(0, &pdf, &len);
    PopplerDocument *doc = open_pdf(pdf, len);
    ck_assert_int_eq(poppler_document_get_n_pages(doc), 1);
    PopplerPage *pg = poppler_document_get_page(doc, 0);
    double w, h;
    poppler_page_get_size(pg, &w, &h);
    ck_assert(fabs(w - 612) < 0.5 && fabs(h - 792) < 0.5); /* 850 x 1100 px at 100 dpi */
    GList *hits = poppler_page_find_text(pg, "Totalamount");
    ck_assert_int_eq((int)g_list_length(hits), 1);
    const PopplerRectangle *r = hits->data;
    /* box 400,600 200x30 px = 288,432 144x21.6 pt from the top left */
    ck_assert_msg(fabs(r->x1 - 288) < 2 && fabs(r->x2 - 432) < 2, "x %f..%f", r->x1, r->x2);
    double top = h - r->y2, bot = h - r->y1;
    ck_assert_msg(top > 432 - 6 && bot < 432 + 21.6 + 6, "y %f..%f", top, bot);
    poppler_rectangle_free(hits->data);
    g_list_free(hits);
    g_object_unref(pg);
    g_object_unref(doc);
    ck_assert(has(pdf, len, "/DCTDecode"));
    ck_assert(!has(pdf, len, "/CCITTFaxDecode"));
    free(pdf);
}
END_TEST

START_TEST(bilevel_page_is_g4)
{
    char *pdf;
    size_t len;
    write_page(1, &pdf, &len);
    ck_assert(has(pdf, len, "/CCITTFaxDecode"));
    ck_assert(!has(pdf, len, "/DCTDecode"));
    PopplerDocument *doc = open_pdf(pdf, len);
    PopplerPage *pg = poppler_document_get_page(doc, 0);
    char *t = poppler_page_get_text(pg);
    ck_assert_ptr_nonnull(strstr(t, "Invoice"));
    g_free(t);
    g_object_unref(pg);
    g_object_unref(doc);
    free(pdf);
}
END_TEST

START_TEST(cap_and_bad_input)
{
    PIX *pix = pixCreate(400, 400, 8);
    pixSetAll(pix);
    struct pdfout *p = NULL;
    ck_assert_int_eq(pdfout_new(500, &p), DP_OK);
    ck_assert_int_eq(pdfout_page(p, pix, NULL, 0, 400, 400, 10), DP_EINVAL);
    dp_err rc = pdfout_page(p, pix, NULL, 0, 400, 400, 100);
    char *buf = NULL;
    size_t len = 0;
    if (!rc)
        rc = pdfout_finish(p, &buf, &len);
    ck_assert_int_eq(rc, DP_ETOOBIG);
    ck_assert_ptr_null(buf);
    pdfout_free(p);
    pixDestroy(&pix);
}
END_TEST

Suite *pdfout_suite(void)
{
    Suite *s = suite_create("pdfout");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, words_at_their_boxes);
    tcase_add_test(tc, bilevel_page_is_g4);
    tcase_add_test(tc, cap_and_bad_input);
    suite_add_tcase(s, tc);
    return s;
}
