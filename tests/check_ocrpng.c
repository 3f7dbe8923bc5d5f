/* check_ocrpng.c -- worker_png: the line images Tesseract keeps as PNGs are written stored
 * (zlib level 0) in the worker, pixel for pixel the same, and Leptonica's other formats are
 * untouched. */
#include "testutil.h"
#include <stdlib.h>
#include <leptonica/allheaders.h>
#include "fixtures.h"
#include "../workers/worker.h"

START_TEST(png_stored_same_pixels)
{
    const char *lines[] = {"TOTAL RM 12.50", "25/12/2018 10:41", "THANK YOU"};
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_render_page(lines, 3, 12, 150, &pix), DP_OK);
    l_uint8 *d0 = NULL, *d1 = NULL, *dj = NULL;
    size_t n0 = 0, n1 = 0, nj = 0;
    /* off: Leptonica's own writer, zlib's default level */
    worker_png_fast(0);
    unsigned long w0 = worker_png_writes();
    ck_assert_int_eq(pixWriteMem(&d0, &n0, pix, IFF_PNG), 0);
    ck_assert_uint_eq(worker_png_writes(), w0);
    /* on: stored, so much larger for a page of white paper, and the same pixels */
    worker_png_fast(1);
    ck_assert_int_eq(pixWriteMem(&d1, &n1, pix, IFF_PNG), 0);
    ck_assert_uint_eq(worker_png_writes(), w0 + 1);
    ck_assert_msg(n1 > 4 * n0, "stored %zu bytes, compressed %zu", n1, n0);
    PIX *back = pixReadMem(d1, n1);
    ck_assert_ptr_nonnull(back);
    l_int32 same = 0;
    ck_assert_int_eq(pixEqual(pix, back, &same), 0);
    ck_assert_int_eq(same, 1);
    /* a call from inside a library (as Tesseract's ImageData makes) reaches it too */
    PIXC *pc = pixcompCreateFromPix(pix, IFF_PNG);
    ck_assert_ptr_nonnull(pc);
    ck_assert_uint_eq(worker_png_writes(), w0 + 2);
    /* other formats are Leptonica's */
    ck_assert_int_eq(pixWriteMem(&dj, &nj, pix, IFF_JFIF_JPEG), 0);
    ck_assert_uint_eq(worker_png_writes(), w0 + 2);
    ck_assert(nj > 2 && dj[0] == 0xFF && dj[1] == 0xD8);
    pixcompDestroy(&pc);
    pixDestroy(&back);
    pixDestroy(&pix);
    free(d0);
    free(d1);
    free(dj);
}
END_TEST

Suite *ocrpng_suite(void)
{
    Suite *s = suite_create("ocrpng");
    TCase *tc = tcase_create("png");
    tcase_add_test(tc, png_stored_same_pixels);
    suite_add_tcase(s, tc);
    return s;
}
