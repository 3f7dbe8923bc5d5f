/* check_fixtures.c -- the rendered test documents are what they claim, and Tesseract reads them. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include "fixtures.h"

static const char *const sentences[] = {
    "The quick brown fox jumps over the lazy dog.",
    "Please send the signed contract back to our office.",
    "We thank you for your order and your trust.",
    "Payment is due within thirty days of delivery.",
    "Invoice No 12345 Total EUR 1.234,56",
};
#define NSENT (sizeof sentences / sizeof sentences[0])

/* ---- helpers ---- */

/* OCRs pix with a fresh Tesseract (eng); returns malloc'd UTF-8 text. */
static char *ocr(PIX *pix)
{
    TessBaseAPI *api = TessBaseAPICreate();
    ck_assert_ptr_nonnull(api);
    ck_assert_int_eq(TessBaseAPIInit3(api, NULL, "eng"), 0);
    TessBaseAPISetImage2(api, pix);
    if (pixGetXRes(pix) > 0)
        TessBaseAPISetSourceResolution(api, pixGetXRes(pix));
    char *t = TessBaseAPIGetUTF8Text(api);
    ck_assert_ptr_nonnull(t);
    char *copy = strdup(t);
    TessDeleteText(t);
    TessBaseAPIEnd(api);
    TessBaseAPIDelete(api);
    return copy;
}

/* Fraction of the whitespace-separated words of lines[] found (as whole words) in text. */
static double word_recall(const char *const *lines, size_t n, const char *text)
{
    size_t want = 0, found = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = lines[i];
        while (*p) {
            while (*p == ' ')
                p++;
            size_t wl = strcspn(p, " ");
            if (wl == 0)
                break;
            want++;
            for (const char *q = text; *q; q++) {
                if (strncmp(q, p, wl) == 0 && (q == text || q[-1] == ' ' || q[-1] == '\n') &&
                    (q[wl] == ' ' || q[wl] == '\n' || q[wl] == '\0')) {
                    found++;
                    break;
                }
            }
            p += wl;
        }
    }
    return want ? (double)found / (double)want : 0.0;
}

static PIX *decode_mem(const unsigned char *buf, size_t len)
{
    PIX *pix = pixReadMem(buf, len);
    ck_assert_ptr_nonnull(pix);
    return pix;
}

/* ---- tests ---- */

START_TEST(page_has_ink_where_text_is)
{
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_render_page(sentences, NSENT, 12, 300, &pix), DP_OK);
    ck_assert_int_eq(pixGetWidth(pix), 2550);
    ck_assert_int_eq(pixGetHeight(pix), 3300);
    ck_assert_int_eq(pixGetDepth(pix), 8);
    ck_assert_int_eq(pixGetXRes(pix), 300);
    BOX *box = NULL;
    PIX *bin = pixConvertTo1(pix, 128);
    ck_assert_int_eq(pixClipToForeground(bin, NULL, &box), 0);
    l_int32 x, y, w, h;
    boxGetGeometry(box, &x, &y, &w, &h);
    ck_assert_int_ge(x, 295); /* 1 inch margin */
    ck_assert_int_le(x, 320);
    ck_assert_int_ge(y, 300);
    ck_assert_int_lt(y + h, 300 + 6 * 65 + 50);
    boxDestroy(&box);
    pixDestroy(&bin);
    pixDestroy(&pix);

    ck_assert_int_eq(fixture_render_page(sentences, NSENT, 10, 100, &pix), DP_OK);
    ck_assert_int_eq(pixGetWidth(pix), 850);
    ck_assert_int_eq(pixGetXRes(pix), 100);
    pixDestroy(&pix);
}
END_TEST

START_TEST(render_rejects_what_it_cannot_draw)
{
    PIX *pix = NULL;
    const char *wide[] = {"This line is far too long to fit on a letter page at twenty points "
                          "so it must be refused"};
    const char *utf8[] = {"Gr\xc3\xbc\xc3\x9f"};
    ck_assert_int_eq(fixture_render_page(wide, 1, 20, 300, &pix), DP_EINVAL);
    ck_assert_int_eq(fixture_render_page(utf8, 1, 12, 300, &pix), DP_EINVAL);
    ck_assert_int_eq(fixture_render_page(sentences, NSENT, 13, 300, &pix), DP_EINVAL);
    ck_assert_ptr_null(pix);
}
END_TEST

START_TEST(encodings_round_trip)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    l_int32 fmt, w, h, bps, spp, cmap;

    ck_assert_int_eq(fixture_png(sentences, NSENT, &buf, &len), DP_OK);
    ck_assert_int_eq(pixReadHeaderMem(buf, len, &fmt, &w, &h, &bps, &spp, &cmap), 0);
    ck_assert_int_eq(fmt, IFF_PNG);
    ck_assert_int_eq(w, 2550);
    PIX *pix = decode_mem(buf, len);
    ck_assert_int_eq(pixGetXRes(pix), 300);
    pixDestroy(&pix);
    free(buf);

    ck_assert_int_eq(fixture_jpeg(sentences, NSENT, &buf, &len), DP_OK);
    ck_assert_int_eq(pixReadHeaderMem(buf, len, &fmt, &w, &h, &bps, &spp, &cmap), 0);
    ck_assert_int_eq(fmt, IFF_JFIF_JPEG);
    free(buf);

    ck_assert_int_eq(fixture_tiff(sentences, NSENT, &buf, &len), DP_OK);
    ck_assert_int_eq(pixReadHeaderMem(buf, len, &fmt, &w, &h, &bps, &spp, &cmap), 0);
    ck_assert_int_eq(fmt, IFF_TIFF_G4);
    ck_assert_int_eq(bps, 1);
    free(buf);

    dp_err e = fixture_webp(sentences, NSENT, &buf, &len);
    ck_assert(e == DP_OK || e == DP_EUNSUPP);
    if (e == DP_OK) {
        ck_assert_int_eq(pixReadHeaderMem(buf, len, &fmt, &w, &h, &bps, &spp, &cmap), 0);
        ck_assert_int_eq(fmt, IFF_WEBP);
        ck_assert_int_eq(h, 3300);
        free(buf);
    }

    ck_assert_int_eq(fixture_rotated_png(sentences, 2, 90, &buf, &len), DP_OK);
    pix = decode_mem(buf, len);
    ck_assert_int_eq(pixGetWidth(pix), 3300);
    ck_assert_int_eq(pixGetHeight(pix), 2550);
    pixDestroy(&pix);
    free(buf);

    ck_assert_int_eq(fixture_lowdpi_png(sentences, NSENT, 100, 0, &buf, &len), DP_OK);
    pix = decode_mem(buf, len);
    ck_assert_int_eq(pixGetWidth(pix), 850);
    ck_assert_int_eq(pixGetXRes(pix), 0);
    pixDestroy(&pix);
    free(buf);
}
END_TEST

START_TEST(multipage_tiff_has_every_page)
{
    const char *p1[] = {"first page"}, *p2[] = {"second page"}, *p3[] = {"third", "page"};
    const char *const *pages[] = {p1, p2, p3};
    const size_t n[] = {1, 1, 2};
    unsigned char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(fixture_tiff_multipage(pages, n, 3, &buf, &len), DP_OK);
    PIXA *pixa = pixaReadMemMultipageTiff(buf, len);
    ck_assert_ptr_nonnull(pixa);
    ck_assert_int_eq(pixaGetCount(pixa), 3);
    pixaDestroy(&pixa);
    free(buf);
}
END_TEST

START_TEST(huge_header_declares_size)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    l_int32 fmt, w, h, bps, spp, cmap;
    ck_assert_int_eq(fixture_png_huge_header(100000, 90000, &buf, &len), DP_OK);
    ck_assert_int_eq(pixReadHeaderMem(buf, len, &fmt, &w, &h, &bps, &spp, &cmap), 0);
    ck_assert_int_eq(w, 100000);
    ck_assert_int_eq(h, 90000);
    free(buf);
}
END_TEST

START_TEST(pdfs_are_pdfs)
{
    const char *const *pages[] = {sentences, sentences};
    const size_t n[] = {NSENT, 2};
    unsigned char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(fixture_pdf_text(pages, n, 2, &buf, &len), DP_OK);
    ck_assert_uint_gt(len, 500);
    ck_assert_int_eq(memcmp(buf, "%PDF-", 5), 0);
    ck_assert_ptr_nonnull(memmem(buf, len, "/Count 2", 8));
    free(buf);
    ck_assert_int_eq(fixture_pdf_scanned(pages, n, 1, &buf, &len), DP_OK);
    ck_assert_int_eq(memcmp(buf, "%PDF-", 5), 0);
    ck_assert_ptr_nonnull(memmem(buf, len, "/Image", 6));
    free(buf);
}
END_TEST

START_TEST(tesseract_reads_png_page)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(fixture_png(sentences, NSENT, &buf, &len), DP_OK);
    PIX *pix = decode_mem(buf, len);
    char *text = ocr(pix);
    double r = word_recall(sentences, NSENT, text);
    ck_assert_msg(r >= 0.9, "word recall %.2f: %s", r, text);
    const char *inv[] = {"Invoice No 12345 Total EUR 1.234,56"};
    ck_assert_msg(word_recall(inv, 1, text) == 1.0, "invoice line misread: %s", text);
    free(text);
    pixDestroy(&pix);
    free(buf);
}
END_TEST

START_TEST(tesseract_reads_g4_tiff_page)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    ck_assert_int_eq(fixture_tiff(sentences + 3, 2, &buf, &len), DP_OK);
    PIX *pix = decode_mem(buf, len);
    char *text = ocr(pix);
    double r = word_recall(sentences + 3, 2, text);
    ck_assert_msg(r >= 0.9, "word recall %.2f: %s", r, text);
    free(text);
    pixDestroy(&pix);
    free(buf);
}
END_TEST

Suite *fixtures_suite(void)
{
    Suite *s = suite_create("fixtures");
    TCase *tc = tcase_create("render");
    /* encoding every format of a full page takes seconds on a loaded machine */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, page_has_ink_where_text_is);
    tcase_add_test(tc, render_rejects_what_it_cannot_draw);
    tcase_add_test(tc, encodings_round_trip);
    tcase_add_test(tc, multipage_tiff_has_every_page);
    tcase_add_test(tc, huge_header_declares_size);
    tcase_add_test(tc, pdfs_are_pdfs);
    suite_add_tcase(s, tc);
    TCase *ocr_tc = tcase_create("tesseract");
    tcase_set_timeout(ocr_tc, 120);
    tcase_add_test(ocr_tc, tesseract_reads_png_page);
    tcase_add_test(ocr_tc, tesseract_reads_g4_tiff_page);
    suite_add_tcase(s, ocr_tc);
    return s;
}
