/* check_decode_pdf.c -- decode on PDFs: text-layer words and boxes, scanned pages, caps. */
#include "testutil.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include "decode.h"
#include "fixtures.h"

static const char *const page1[] = {
    "Invoice No 12345",
    "Total EUR 1.234,56",
    "Payment is due within thirty days.",
};
static const char *const page2[] = {"Page two"}; /* under 20 characters: no usable layer */
static const char *const *const pages[] = {page1, page2};
static const size_t nlines[] = {3, 1};

static struct decoded *open_ok(const unsigned char *buf, size_t len,
                               const struct decode_limits *lim, size_t npages)
{
    struct decoded *d = NULL;
    dp_err e = decode_open(buf, len, lim, &d);
    ck_assert_msg(e == DP_OK, "decode_open: %s (%s)", dp_strerror(e), decode_errstr(d));
    ck_assert_uint_eq(decode_npages(d), npages);
    ck_assert_str_eq(decode_mime(d), DECODE_MIME_PDF);
    return d;
}

static void page_ok(struct decoded *d, size_t i, struct decode_page *pg)
{
    dp_err e = decode_page(d, i, pg);
    ck_assert_msg(e == DP_OK, "decode_page %zu: %s (%s)", i, dp_strerror(e), decode_errstr(d));
}

/* Pixels at 300 DPI for a length in PDF points. */
static double px(double pt)
{
    return pt * 300.0 / 72.0;
}

START_TEST(text_layer_words_and_boxes)
{
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_text(pages, nlines, 2, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 2);
    struct decode_page pg;
    page_ok(d, 0, &pg);
    ck_assert_int_eq(pg.kind, DECODE_TEXT);
    ck_assert_ptr_null(pg.pix);
    ck_assert_int_eq(pg.dpi, 300);
    const struct dp_page *t = &pg.text;
    ck_assert_int_eq(t->source, DP_SRC_TEXT_LAYER);
    ck_assert_int_eq(t->number, 1);
    ck_assert_int_eq(t->width, 2550);
    ck_assert_int_eq(t->height, 3300);
    ck_assert_int_eq(t->dpi, 300);
    ck_assert_str_eq(t->text, "Invoice No 12345\nTotal EUR 1.234,56\n"
                              "Payment is due within thirty days.");

    /* Words in order, each on its line, boxes in pixels where cairo drew them. */
    size_t k = 0;
    for (int line = 0; line < 3; line++) {
        const char *p = page1[line];
        double baseline = px(FIXTURE_PDF_TOP_PT + line * FIXTURE_PDF_LEADING_PT);
        int prev_right = 0;
        while (*p) {
            size_t wl = strcspn(p, " ");
            ck_assert_uint_lt(k, t->nwords);
            const struct dp_word *w = &t->words[k];
            ck_assert_uint_eq(strlen(w->text), wl);
            ck_assert_int_eq(strncmp(w->text, p, wl), 0);
            ck_assert_int_eq(w->line, line);
            ck_assert_int_eq(w->block, 0);
            ck_assert(w->conf == 100.0f);
            ck_assert_int_lt(w->y, baseline);
            ck_assert_int_gt(w->y + w->h, baseline);
            ck_assert_int_ge(w->h, (int)px(FIXTURE_PDF_FONT_PT * 0.9));
            ck_assert_int_le(w->h, (int)px(FIXTURE_PDF_FONT_PT * 1.4));
            /* DejaVu Sans glyphs are 0.3 to 1.0 em wide. */
            ck_assert_int_ge(w->w, (int)(wl * px(FIXTURE_PDF_FONT_PT) * 0.3));
            ck_assert_int_le(w->w, (int)(wl * px(FIXTURE_PDF_FONT_PT) * 1.0) + 2);
            if (prev_right == 0)
                ck_assert_int_le(fabs(w->x - px(FIXTURE_PDF_LEFT_PT)), 3);
            else
                ck_assert_int_gt(w->x, prev_right);
            prev_right = w->x + w->w;
            k++;
            p += wl + (p[wl] == ' ');
        }
    }
    ck_assert_uint_eq(k, t->nwords);
    decode_page_cleanup(&pg);
    ck_assert_uint_eq(pg.text.nwords, 0);

    /* Page two has too little text for a layer: rasterised for OCR instead. */
    page_ok(d, 1, &pg);
    ck_assert_int_eq(pg.kind, DECODE_PIX);
    ck_assert_int_eq(pixGetWidth(pg.pix), 2550);
    ck_assert_int_eq(pixGetDepth(pg.pix), 8);
    decode_page_cleanup(&pg);
    decode_close(d);
    free(buf);
}
END_TEST

START_TEST(text_layer_blocks_and_dpi)
{
    const char *lines[] = {
        "First paragraph line one here", "and its second line follows", "", "", "",
        "Second paragraph after a gap"};
    const char *const *pg_lines[] = {lines};
    const size_t n[] = {6};
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_text(pg_lines, n, 1, &buf, &len), DP_OK);
    struct decode_limits lim = {.pdf_dpi = 150};
    struct decoded *d = open_ok(buf, len, &lim, 1);
    struct decode_page pg;
    page_ok(d, 0, &pg);
    ck_assert_int_eq(pg.kind, DECODE_TEXT);
    ck_assert_int_eq(pg.text.width, 1275);
    ck_assert_int_eq(pg.text.dpi, 150);
    const struct dp_word *first = &pg.text.words[0];
    const struct dp_word *last = &pg.text.words[pg.text.nwords - 1];
    ck_assert_int_le(abs(first->x - 150), 2); /* 72 pt at 150 DPI */
    ck_assert_str_eq(last->text, "gap");
    ck_assert_int_eq(last->line, 2);
    ck_assert_int_eq(last->block, 1);
    ck_assert_int_eq(pg.text.words[5].line, 1); /* "and" */
    ck_assert_int_eq(pg.text.words[5].block, 0);
    decode_page_cleanup(&pg);
    decode_close(d);
    free(buf);
}
END_TEST

START_TEST(scanned_pdf_is_rasterised)
{
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_scanned(pages, nlines, 2, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 2);
    struct decode_page pg;
    page_ok(d, 0, &pg);
    ck_assert_int_eq(pg.kind, DECODE_PIX);
    ck_assert_int_eq(pg.dpi, 300);
    ck_assert_int_eq(pixGetWidth(pg.pix), 2550);
    ck_assert_int_eq(pixGetHeight(pg.pix), 3300);
    ck_assert_int_eq(pixGetXRes(pg.pix), 300);
    ck_assert_uint_eq(pg.text.nwords, 0);

    TessBaseAPI *api = TessBaseAPICreate();
    ck_assert_int_eq(TessBaseAPIInit3(api, NULL, "eng"), 0);
    TessBaseAPISetImage2(api, pg.pix);
    TessBaseAPISetSourceResolution(api, pg.dpi);
    char *text = TessBaseAPIGetUTF8Text(api);
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(strstr(text, page1[i]), "OCR of the raster lacks '%s': %s", page1[i], text);
    TessDeleteText(text);
    TessBaseAPIEnd(api);
    TessBaseAPIDelete(api);
    decode_page_cleanup(&pg);

    /* Pixel cap: the page is rendered at a lower resolution that fits. */
    decode_close(d);
    struct decode_limits lim = {.max_page_pixels = 2550ULL * 3300 / 4};
    d = open_ok(buf, len, &lim, 2);
    page_ok(d, 1, &pg);
    ck_assert_int_eq(pg.dpi, 150);
    ck_assert_int_eq(pixGetWidth(pg.pix), 1275);
    ck_assert_uint_le((uint64_t)pixGetWidth(pg.pix) * pixGetHeight(pg.pix), lim.max_page_pixels);
    decode_page_cleanup(&pg);
    decode_close(d);

    /* ... but not below 72 DPI. */
    lim.max_page_pixels = 100000;
    d = open_ok(buf, len, &lim, 2);
    ck_assert_int_eq(decode_page(d, 0, &pg), DP_ETOOBIG);
    ck_assert_str_ne(decode_errstr(d), "");
    decode_close(d);
    free(buf);
}
END_TEST

START_TEST(pdf_page_cap_and_damage)
{
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_pdf_text(pages, nlines, 2, &buf, &len), DP_OK);
    struct decode_limits lim = {.max_pages = 1};
    struct decoded *d = NULL;
    ck_assert_int_eq(decode_open(buf, len, &lim, &d), DP_ETOOBIG);
    ck_assert_ptr_nonnull(strstr(decode_errstr(d), "2 pages"));
    decode_close(d);

    /* The header alone is a PDF by its magic, but not a readable one. */
    d = NULL;
    ck_assert_int_eq(decode_open(buf, 64, NULL, &d), DP_EDECODE);
    decode_close(d);
    static const char junk[] = "%PDF-1.4\nthis is not a PDF at all\n%%EOF\n";
    d = NULL;
    ck_assert_int_eq(decode_open((const unsigned char *)junk, sizeof junk - 1, NULL, &d),
                     DP_EDECODE);
    decode_close(d);
    free(buf);
}
END_TEST

Suite *decode_pdf_suite(void)
{
    Suite *s = suite_create("decode_pdf");
    TCase *tc = tcase_create("pdf");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, text_layer_words_and_boxes);
    tcase_add_test(tc, text_layer_blocks_and_dpi);
    tcase_add_test(tc, scanned_pdf_is_rasterised);
    tcase_add_test(tc, pdf_page_cap_and_damage);
    suite_add_tcase(s, tc);
    return s;
}
