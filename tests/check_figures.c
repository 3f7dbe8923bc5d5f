/* check_figures.c -- pictures on PDF text pages: the regions found on a page image outside its
 * words (figures_find), and decode rendering them again so that a QR code painted or drawn
 * into a born-digital PDF is read (a page of text gets no region: no second rendering); on a
 * page read by OCR, only the words that look like text are blanked (figures_find_read). */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "barcode.h"
#include "decode.h"
#include "figures.h"
#include "fixtures.h"
#include "fixtures_invoice.h"

/* A 100 DPI letter page (850 x 1100) with: a line of "text" (ink blocks under word boxes), a
 * table frame (outline only), a thin rule, and a dense checkered 80 x 80 square. */
static PIX *page_image(struct dp_word *words, size_t *nwords)
{
    PIX *pix = pixCreate(850, 1100, 8);
    pixSetAll(pix);
    pixSetResolution(pix, 100, 100);
    /* words at 300 DPI units (wscale 1/3): ink in their boxes */
    *nwords = 0;
    for (int i = 0; i < 5; i++) {
        words[*nwords] =
            (struct dp_word){.text = "Word", .x = 300 + 300 * i, .y = 300, .w = 240, .h = 90};
        (*nwords)++;
        pixRasterop(pix, 100 + 100 * i, 100, 80, 30, PIX_CLR, NULL, 0, 0);
    }
    /* a table frame 400 x 200 and a rule */
    pixRasterop(pix, 100, 300, 400, 2, PIX_CLR, NULL, 0, 0);
    pixRasterop(pix, 100, 498, 400, 2, PIX_CLR, NULL, 0, 0);
    pixRasterop(pix, 100, 300, 2, 200, PIX_CLR, NULL, 0, 0);
    pixRasterop(pix, 498, 300, 2, 200, PIX_CLR, NULL, 0, 0);
    pixRasterop(pix, 100, 700, 600, 2, PIX_CLR, NULL, 0, 0);
    /* the code: 4-pixel modules, every other one dark */
    for (int y = 0; y < 80; y += 4)
        for (int x = (y / 4) % 2 * 4; x < 80; x += 8)
            pixRasterop(pix, 600 + x, 850 + y, 4, 4, PIX_CLR, NULL, 0, 0);
    return pix;
}

START_TEST(regions_outside_words)
{
    struct dp_word words[8];
    size_t n;
    PIX *pix = page_image(words, &n);
    struct figure_box out[FIGURES_MAX];
    size_t k = figures_find(pix, 100, words, n, 1.0f / 3.0f, out, FIGURES_MAX);
    ck_assert_uint_eq(k, 1); /* not the text, the frame or the rule */
    int pad = 8;             /* FIGURES_PAD_IN at 100 DPI */
    ck_assert_int_le(abs(out[0].x - (600 - pad)), 4);
    ck_assert_int_le(abs(out[0].y - (850 - pad)), 4);
    ck_assert_int_le(abs(out[0].w - (80 + 2 * pad)), 8);
    ck_assert_int_le(abs(out[0].h - (80 + 2 * pad)), 8);
    /* without the word boxes each inked word is a picture too: six, of which the largest
     * FIGURES_MAX are kept, the code first */
    ck_assert_uint_eq(figures_find(pix, 100, NULL, 0, 1.0f, out, FIGURES_MAX), FIGURES_MAX);
    ck_assert_int_le(abs(out[0].y - (850 - pad)), 4);
    ck_assert_int_le(abs(out[1].y - (100 - pad)), 4);
    /* a cap of one keeps the largest: the code */
    ck_assert_uint_eq(figures_find(pix, 100, NULL, 0, 1.0f, out, 1), 1);
    ck_assert_int_le(abs(out[0].y - (850 - pad)), 4);
    /* bad input: nothing */
    ck_assert_uint_eq(figures_find(NULL, 100, words, n, 1.0f, out, FIGURES_MAX), 0);
    ck_assert_uint_eq(figures_find(pix, 0, words, n, 1.0f, out, FIGURES_MAX), 0);
    pixDestroy(&pix);
}
END_TEST

/* On a page read by OCR, the words Tesseract made of a code (a box as tall as the code) are
 * not blanked, so the code stays a region; unsure words are not blanked either. */
START_TEST(regions_outside_read_text)
{
    struct dp_word words[8];
    size_t n;
    PIX *pix = page_image(words, &n);
    for (size_t i = 0; i < n; i++)
        words[i].conf = 93;
    struct figure_box out[FIGURES_MAX];
    /* a sure "word" over the code, 240 page pixels high (the text's 90) */
    words[n++] =
        (struct dp_word){.text = "ll", .conf = 91, .x = 1800, .y = 2550, .w = 240, .h = 240};
    ck_assert_uint_eq(figures_find(pix, 100, words, n, 1.0f / 3.0f, out, FIGURES_MAX), 0);
    ck_assert_uint_eq(figures_find_read(pix, 100, words, n, 1.0f / 3.0f, out, FIGURES_MAX), 1);
    ck_assert_int_le(abs(out[0].y - (850 - 8)), 4);
    /* a word read unsure (garbage over ink) is no text: its ink is a region too */
    words[0].conf = 20;
    ck_assert_uint_eq(figures_find_read(pix, 100, words, n, 1.0f / 3.0f, out, FIGURES_MAX), 2);
    ck_assert_int_le(abs(out[1].y - (100 - 8)), 4);
    /* text only, read sure: nothing to scan */
    words[0].conf = 93;
    pixRasterop(pix, 600, 850, 80, 80, PIX_SET, NULL, 0, 0);
    ck_assert_uint_eq(figures_find_read(pix, 100, words, n, 1.0f / 3.0f, out, FIGURES_MAX), 0);
    ck_assert_uint_eq(figures_find_read(pix, 100, NULL, 0, 1.0f / 3.0f, out, FIGURES_MAX), 4);
    pixDestroy(&pix);
}
END_TEST

static const char *const lines[] = {"Muster Lieferant GmbH", "Invoice No: RE-2026-0815",
                                    "Total: 208.25 EUR", "Pay with your banking app:"};
#define PAYLOAD                                                                                    \
    "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMuster Lieferant GmbH\nDE89370400440532013000\nEUR208.25\n\n"  \
    "\nRE-2026-0815"

/* Decodes page 1 of pdf as the worker asks (text page drawn at 100 DPI, pictures at 200). */
static void decode_first(const unsigned char *pdf, size_t len, int code_dpi, struct decode_page *pg,
                         struct decoded **d)
{
    struct decode_limits lim;
    decode_limits_default(&lim);
    lim.text_raster_dpi = 100;
    lim.code_raster_dpi = code_dpi;
    ck_assert_int_eq(decode_open(pdf, len, &lim, d), DP_OK);
    ck_assert_int_eq(decode_page(*d, 0, pg), DP_OK);
    ck_assert_int_eq(pg->kind, DECODE_TEXT);
}

START_TEST(qr_code_in_a_text_pdf)
{
    struct barcode_scanner *sc = NULL;
    ck_assert_int_eq(barcode_scanner_new(&sc), DP_OK);
    for (int vector = 0; vector <= 1; vector++) {
        unsigned char *pdf;
        size_t len;
        struct decoded *d = NULL;
        struct decode_page pg;
        /* a 2 cm code (57 pt) at (400, 200) pt: pixels at 300 DPI x 1667, y 833, side 236 */
        ck_assert_int_eq(fixture_qr_pdf(lines, 4, PAYLOAD, 400, 200, 57, vector, &pdf, &len),
                         DP_OK);
        decode_first(pdf, len, 200, &pg, &d);
        ck_assert_uint_eq(pg.nregions, 1);
        const struct decode_region *r = &pg.regions[0];
        ck_assert_int_eq((int)pixGetXRes(r->pix), 200);
        ck_assert(r->scale > 0.66f && r->scale < 0.67f); /* 200 / 300 */
        ck_assert_int_le(abs(r->x - 1667), 40);
        ck_assert_int_le(abs(r->y - 833), 40);
        struct dp_page page = {0};
        ck_assert_int_eq(barcode_scan(sc, r->pix, r->scale, &page), DP_OK);
        ck_assert_uint_eq(page.nbarcodes, 1);
        ck_assert_str_eq(page.barcodes[0].text, PAYLOAD);
        /* its box, moved by the region's corner, is on the page where the code was drawn
         * (within the 2-module quiet zone) */
        ck_assert_int_le(abs(page.barcodes[0].x + r->x - 1667), 25);
        ck_assert_int_le(abs(page.barcodes[0].y + r->y - 833), 25);
        ck_assert_int_le(abs(page.barcodes[0].w - 236), 30);
        page_cleanup(&page);
        decode_page_cleanup(&pg);
        decode_close(d);

        /* not asked for: no region */
        decode_first(pdf, len, 0, &pg, &d);
        ck_assert_uint_eq(pg.nregions, 0);
        ck_assert_ptr_null(pg.regions);
        decode_page_cleanup(&pg);
        decode_close(d);
        free(pdf);
    }
    barcode_scanner_free(sc);
}
END_TEST

START_TEST(text_pdf_gets_no_second_rendering)
{
    static const char *const text[] = {"Invoice No 12345", "Total EUR 1.234,56",
                                       "Payment is due within thirty days."};
    static const char *const *const pages[] = {text};
    static const size_t nlines[] = {3};
    unsigned char *pdf;
    size_t len;
    struct decoded *d = NULL;
    struct decode_page pg;
    ck_assert_int_eq(fixture_pdf_text(pages, nlines, 1, &pdf, &len), DP_OK);
    decode_first(pdf, len, 200, &pg, &d);
    ck_assert_ptr_nonnull(pg.pix); /* the drawing at 100 DPI, as before */
    ck_assert_uint_eq(pg.nregions, 0);
    decode_page_cleanup(&pg);
    decode_close(d);
    free(pdf);
}
END_TEST

Suite *figures_suite(void)
{
    Suite *s = suite_create("figures");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, regions_outside_words);
    tcase_add_test(tc, regions_outside_read_text);
    tcase_add_test(tc, qr_code_in_a_text_pdf);
    tcase_add_test(tc, text_pdf_gets_no_second_rendering);
    suite_add_tcase(s, tc);
    return s;
}
