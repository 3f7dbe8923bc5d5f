/* check_decode.c -- decode: sniffing, caps, image and PDF pages, upscaling, rotation. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>
#include "decode.h"
#include "fixtures.h"

static const char *const lines[] = {
    "The quick brown fox jumps over the lazy dog.",
    "Please send the signed contract back to our office.",
    "Payment is due within thirty days of delivery.",
    "Invoice No 12345 Total EUR 1.234,56",
};
#define NLINES (sizeof lines / sizeof lines[0])

/* ---- helpers ---- */

/* Opens buf with lim, expecting DP_OK and npages pages. */
static struct decoded *open_ok(const unsigned char *buf, size_t len,
                               const struct decode_limits *lim, size_t npages)
{
    struct decoded *d = NULL;
    dp_err e = decode_open(buf, len, lim, &d);
    ck_assert_msg(e == DP_OK, "decode_open: %s (%s)", dp_strerror(e), decode_errstr(d));
    ck_assert_uint_eq(decode_npages(d), npages);
    return d;
}

static void page_ok(struct decoded *d, size_t i, struct decode_page *pg)
{
    dp_err e = decode_page(d, i, pg);
    ck_assert_msg(e == DP_OK, "decode_page %zu: %s (%s)", i, dp_strerror(e), decode_errstr(d));
}

/* Expects decode_open to fail with want; returns nothing, closes the handle. */
static void open_fails(const unsigned char *buf, size_t len, const struct decode_limits *lim,
                       dp_err want)
{
    struct decoded *d = NULL;
    dp_err e = decode_open(buf, len, lim, &d);
    ck_assert_msg(e == want, "decode_open: got %s, want %s", dp_strerror(e), dp_strerror(want));
    ck_assert_ptr_nonnull(d);
    ck_assert_str_ne(decode_errstr(d), "");
    ck_assert_uint_eq(decode_npages(d), 0);
    decode_close(d);
}

static void assert_grey_page(const struct decode_page *pg, int w, int h, int dpi)
{
    ck_assert_int_eq(pg->kind, DECODE_PIX);
    ck_assert_ptr_nonnull(pg->pix);
    ck_assert_int_eq(pixGetDepth(pg->pix), 8);
    ck_assert_int_eq(pixGetWidth(pg->pix), w);
    ck_assert_int_eq(pixGetHeight(pg->pix), h);
    ck_assert_int_eq(pg->dpi, dpi);
    ck_assert_int_eq(pixGetXRes(pg->pix), dpi);
}

/* Fraction of the words of want[] that appear as whole words in Tesseract's reading of pix. */
static double ocr_recall(PIX *pix, const char *const *want, size_t n)
{
    TessBaseAPI *api = TessBaseAPICreate();
    ck_assert_int_eq(TessBaseAPIInit3(api, NULL, "eng"), 0);
    TessBaseAPISetImage2(api, pix);
    TessBaseAPISetSourceResolution(api, pixGetXRes(pix));
    char *text = TessBaseAPIGetUTF8Text(api);
    ck_assert_ptr_nonnull(text);
    size_t total = 0, found = 0;
    for (size_t i = 0; i < n; i++) {
        for (const char *p = want[i]; *p;) {
            size_t wl = strcspn(p, " ");
            if (wl) {
                total++;
                for (const char *q = text; *q; q++)
                    if (strncmp(q, p, wl) == 0 && (q == text || q[-1] == ' ' || q[-1] == '\n') &&
                        strchr(" \n", q[wl] ? q[wl] : ' ')) {
                        found++;
                        break;
                    }
            }
            p += wl + (p[wl] == ' ');
        }
    }
    TessDeleteText(text);
    TessBaseAPIEnd(api);
    TessBaseAPIDelete(api);
    return total ? (double)found / (double)total : 0;
}

/* ---- sniffing ---- */

START_TEST(sniff_table)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *mime; /* NULL = unsupported */
    } cases[] = {
        {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, DECODE_MIME_PNG},
        {"\xff\xd8\xff\xe0\0\x10JFIF", 10, DECODE_MIME_JPEG},
        {"II*\0\x08\0\0\0", 8, DECODE_MIME_TIFF},
        {"MM\0*\0\0\0\x08", 8, DECODE_MIME_TIFF},
        {"II+\0\x08\0\0\0", 8, DECODE_MIME_TIFF},
        {"RIFF\x24\0\0\0WEBPVP8 ", 16, DECODE_MIME_WEBP},
        {"%PDF-1.7\n", 9, DECODE_MIME_PDF},
        {"\xef\xbb\xbf\n%PDF-1.4\n", 13, DECODE_MIME_PDF},
        {"", 0, NULL},
        {"hello, world\n", 13, NULL},
        {"\x89PNG\r\n\x1a", 7, NULL}, /* truncated signature */
        {"\xff\xd8", 2, NULL},
        {"II*", 3, NULL},
        {"RIFF\x24\0\0\0WAVEfmt ", 16, NULL},
        {"RIFF\x24\0\0\0WEB", 11, NULL},
        {"BM\x36\0\0\0\0\0\0\0\x36\0", 12, NULL}, /* BMP */
        {"GIF89a\x01\0\x01\0", 10, NULL},
        {"%PDF", 4, NULL},
        {"II\0*", 4, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *mime = "x";
        dp_err e = decode_sniff((const unsigned char *)cases[i].bytes, cases[i].len, &mime);
        if (cases[i].mime) {
            ck_assert_msg(e == DP_OK, "case %zu", i);
            ck_assert_str_eq(mime, cases[i].mime);
        } else {
            ck_assert_msg(e == DP_EUNSUPP, "case %zu sniffed as %s", i, mime);
            ck_assert_ptr_null(mime);
        }
    }
    const char *mime;
    ck_assert_int_eq(decode_sniff(NULL, 0, &mime), DP_EUNSUPP);
    ck_assert_int_eq(decode_sniff((const unsigned char *)"x", 1, NULL), DP_EINVAL);

    /* %PDF- counts within the first 1024 bytes only. */
    unsigned char junk[1100];
    memset(junk, ' ', sizeof junk);
    memcpy(junk + 1019, "%PDF-", 5);
    ck_assert_int_eq(decode_sniff(junk, sizeof junk, &mime), DP_OK);
    memset(junk, ' ', sizeof junk);
    memcpy(junk + 1020, "%PDF-", 5);
    ck_assert_int_eq(decode_sniff(junk, sizeof junk, &mime), DP_EUNSUPP);
}
END_TEST

START_TEST(sniff_rendered_files)
{
    unsigned char *buf;
    size_t len;
    const char *mime;
    const char *const *pages[] = {lines};
    const size_t n[] = {1};
    struct {
        dp_err (*make)(const char *const *, size_t, unsigned char **, size_t *);
        const char *mime;
    } img[] = {{fixture_png, DECODE_MIME_PNG},
               {fixture_jpeg, DECODE_MIME_JPEG},
               {fixture_tiff, DECODE_MIME_TIFF},
               {fixture_webp, DECODE_MIME_WEBP}};
    for (size_t i = 0; i < 4; i++) {
        if (img[i].make(lines, 1, &buf, &len) != DP_OK)
            continue; /* WebP without libwebp */
        ck_assert_int_eq(decode_sniff(buf, len, &mime), DP_OK);
        ck_assert_str_eq(mime, img[i].mime);
        free(buf);
    }
    ck_assert_int_eq(fixture_pdf_text(pages, n, 1, &buf, &len), DP_OK);
    ck_assert_int_eq(decode_sniff(buf, len, &mime), DP_OK);
    ck_assert_str_eq(mime, DECODE_MIME_PDF);
    free(buf);
}
END_TEST

/* ---- images ---- */

START_TEST(single_page_images)
{
    dp_err (*make[])(const char *const *, size_t, unsigned char **,
                     size_t *) = {fixture_png, fixture_jpeg, fixture_tiff, fixture_webp};
    for (size_t i = 0; i < sizeof make / sizeof make[0]; i++) {
        unsigned char *buf;
        size_t len;
        dp_err e = make[i](lines, NLINES, &buf, &len);
        if (e == DP_EUNSUPP && make[i] == fixture_webp)
            continue;
        ck_assert_int_eq(e, DP_OK);
        struct decoded *d = open_ok(buf, len, NULL, 1);
        struct decode_page pg;
        page_ok(d, 0, &pg);
        assert_grey_page(&pg, 2550, 3300, 300);
        ck_assert(pg.scale == 1.0f);
        ck_assert_int_eq(pg.src_width, 2550);
        /* Ink where the first line is, white in the bottom margin. */
        l_uint32 v;
        pixGetPixel(pg.pix, 1275, 3200, &v);
        ck_assert_uint_eq(v, 255);
        BOX *box = NULL;
        PIX *bin = pixConvertTo1(pg.pix, 128);
        pixClipToForeground(bin, NULL, &box);
        ck_assert_ptr_nonnull(box);
        ck_assert_int_ge(box->x, 290);
        ck_assert_int_le(box->x, 320);
        boxDestroy(&box);
        pixDestroy(&bin);
        decode_page_cleanup(&pg);
        ck_assert_ptr_null(pg.pix);
        ck_assert_int_eq(decode_page(d, 1, &pg), DP_EINVAL);
        decode_close(d);
        free(buf);
    }
}
END_TEST

START_TEST(damaged_jpeg_is_read_as_far_as_it_goes)
{
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_jpeg(lines, NLINES, &buf, &len), DP_OK);
    struct decode_page pg;
    struct decoded *d = open_ok(buf, len, NULL, 1);
    page_ok(d, 0, &pg);
    ck_assert_int_eq(pg.damaged, 0);
    decode_page_cleanup(&pg);
    decode_close(d);
    /* cut at 70%: the header is intact, the last rows are missing */
    d = open_ok(buf, len * 7 / 10, NULL, 1);
    page_ok(d, 0, &pg);
    ck_assert_int_eq(pg.damaged, 1);
    assert_grey_page(&pg, 2550, 3300, 300);
    /* the text near the top is still there */
    BOX *box = NULL;
    PIX *bin = pixConvertTo1(pg.pix, 128);
    pixClipToForeground(bin, NULL, &box);
    ck_assert_ptr_nonnull(box);
    ck_assert_int_le(box->y, 400);
    boxDestroy(&box);
    pixDestroy(&bin);
    decode_page_cleanup(&pg);
    decode_close(d);
    /* cut at 60% and closed with an end marker: the entropy-coded data ends too soon */
    size_t cut = len * 6 / 10;
    buf[cut] = 0xff;
    buf[cut + 1] = 0xd9;
    d = open_ok(buf, cut + 2, NULL, 1);
    page_ok(d, 0, &pg);
    ck_assert_int_eq(pg.damaged, 1);
    decode_page_cleanup(&pg);
    decode_close(d);
    free(buf);
}
END_TEST

START_TEST(multipage_tiff)
{
    const char *p1[] = {"first page"}, *p2[] = {"second page", "two lines"}, *p3[] = {"third"};
    const char *const *pages[] = {p1, p2, p3};
    const size_t n[] = {1, 2, 1};
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_tiff_multipage(pages, n, 3, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 3);
    ck_assert_str_eq(decode_mime(d), DECODE_MIME_TIFF);
    for (size_t i = 0; i < 3; i++) {
        struct decode_page pg;
        page_ok(d, i, &pg);
        assert_grey_page(&pg, 2550, 3300, 300);
        /* Page 2 has two lines: its ink reaches lower than the others'. */
        BOX *box = NULL;
        PIX *bin = pixConvertTo1(pg.pix, 128);
        pixClipToForeground(bin, NULL, &box);
        ck_assert_ptr_nonnull(box);
        if (i == 1)
            ck_assert_int_gt(box->y + box->h, 300 + 100);
        else
            ck_assert_int_lt(box->y + box->h, 300 + 80);
        boxDestroy(&box);
        pixDestroy(&bin);
        decode_page_cleanup(&pg);
    }
    decode_close(d);

    struct decode_limits lim = {.max_pages = 2};
    open_fails(buf, len, &lim, DP_ETOOBIG);
    lim.max_pages = 3;
    decode_close(open_ok(buf, len, &lim, 3));
    free(buf);
}
END_TEST

START_TEST(pixel_cap_before_decoding)
{
    unsigned char *buf;
    size_t len;
    /* Header only, no image data: ETOOBIG (not EDECODE) proves the cap came first. */
    ck_assert_int_eq(fixture_png_huge_header(100000, 100000, &buf, &len), DP_OK);
    open_fails(buf, len, NULL, DP_ETOOBIG);
    free(buf);
    ck_assert_int_eq(fixture_png_huge_header(2000, 1000, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 1); /* under the cap: header fine, data absent */
    struct decode_page pg;
    ck_assert_int_eq(decode_page(d, 0, &pg), DP_EDECODE);
    decode_close(d);
    free(buf);

    ck_assert_int_eq(fixture_jpeg(lines, 1, &buf, &len), DP_OK);
    struct decode_limits lim = {.max_page_pixels = 2550ULL * 3300 - 1};
    open_fails(buf, len, &lim, DP_ETOOBIG);
    lim.max_page_pixels = 2550ULL * 3300;
    decode_close(open_ok(buf, len, &lim, 1));
    free(buf);
}
END_TEST

START_TEST(alpha_is_flattened_on_white)
{
    PIX *pix = pixCreate(64, 64, 32); /* all transparent black */
    pixSetSpp(pix, 4);
    pixRasterop(pix, 10, 10, 8, 8, PIX_SET, NULL, 0, 0); /* opaque white square */
    PIX *dot = pixCreate(4, 4, 32);
    pixSetAllArbitrary(dot, 0x000000ff); /* opaque black */
    pixRasterop(pix, 40, 40, 4, 4, PIX_SRC, dot, 0, 0);
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_encode(pix, IFF_PNG, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 1);
    struct decode_page pg;
    page_ok(d, 0, &pg);
    l_uint32 bg, ink;
    /* Small image: upscaled, so sample through the scale. */
    pixGetPixel(pg.pix, (int)(2 * pg.scale), (int)(2 * pg.scale), &bg);
    pixGetPixel(pg.pix, (int)(41.5 * pg.scale), (int)(41.5 * pg.scale), &ink);
    ck_assert_uint_ge(bg, 250);
    ck_assert_uint_le(ink, 5);
    decode_page_cleanup(&pg);
    decode_close(d);
    free(buf);
    pixDestroy(&dot);
    pixDestroy(&pix);
}
END_TEST

/* A letter page at 200 dpi (no upscaling) in RGBA: gradients of colour and of alpha. */
static PIX *rgba_page(void)
{
    PIX *pix = pixCreate(1700, 2200, 32);
    pixSetSpp(pix, 4);
    for (int y = 0; y < 2200; y++)
        for (int x = 0; x < 1700; x++) {
            l_uint32 v;
            composeRGBAPixel(x % 256, y % 256, (x + y) % 256, (x / 7 + y / 3) % 256, &v);
            pixSetPixel(pix, x, y, v);
        }
    pixSetResolution(pix, 200, 200);
    return pix;
}

START_TEST(rgba_to_grey_in_one_pass)
{
    PIX *pix = rgba_page();
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_encode(pix, IFF_PNG, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 1);
    struct decode_page pg;
    page_ok(d, 0, &pg);
    assert_grey_page(&pg, 1700, 2200, 200);
    /* the two-step way: blend on white into a second 32-bit image, then luminance */
    PIX *blend = pixAlphaBlendUniform(pix, 0xffffff00), *want = pixConvertTo8(blend, 0);
    int worst = 0;
    for (int y = 0; y < 2200; y += 3)
        for (int x = 0; x < 1700; x += 3) {
            l_uint32 a, b;
            pixGetPixel(pg.pix, x, y, &a);
            pixGetPixel(want, x, y, &b);
            int diff = (int)a - (int)b;
            worst = diff < 0 ? -diff > worst ? -diff : worst : diff > worst ? diff : worst;
        }
    ck_assert_int_le(worst, 1);
    decode_page_cleanup(&pg);
    decode_close(d);

    /* what it would cost is judged from the header, before decoding: about 34 MB whole; under
     * 20 MB the page is read row by row straight to grey, the same values at full size */
    struct decode_limits lim = {.max_decode_bytes = 20u << 20};
    d = open_ok(buf, len, &lim, 1);
    page_ok(d, 0, &pg);
    assert_grey_page(&pg, 1700, 2200, 200);
    ck_assert(pg.scale == 1.0f);
    worst = 0;
    for (int y = 0; y < 2200; y += 3)
        for (int x = 0; x < 1700; x += 3) {
            l_uint32 a, b;
            pixGetPixel(pg.pix, x, y, &a);
            pixGetPixel(want, x, y, &b);
            int diff = (int)a - (int)b;
            worst = diff < 0 ? -diff > worst ? -diff : worst : diff > worst ? diff : worst;
        }
    ck_assert_int_le(worst, 1);
    decode_page_cleanup(&pg);
    decode_close(d);
    pixDestroy(&blend);
    pixDestroy(&want);
    /* and with next to nothing, refused before decoding */
    lim.max_decode_bytes = 200u << 10;
    open_fails(buf, len, &lim, DP_ETOOBIG);
    free(buf);
    pixDestroy(&pix);
}
END_TEST

START_TEST(jpeg_read_grey_and_scaled_down)
{
    PIX *grey = NULL, *colour;
    const char *page[] = {"Scaled down to fit its memory budget"};
    ck_assert_int_eq(fixture_render_page(page, 1, 12, 200, &grey), DP_OK);
    colour = pixConvertTo32(grey);
    pixSetResolution(colour, 200, 200);
    int w = pixGetWidth(colour), h = pixGetHeight(colour);
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_encode(colour, IFF_JFIF_JPEG, &buf, &len), DP_OK);
    struct decoded *d = open_ok(buf, len, NULL, 1);
    struct decode_page pg;
    page_ok(d, 0, &pg);
    assert_grey_page(&pg, w, h, 200);
    ck_assert(pg.scale == 1.0f);
    decode_page_cleanup(&pg);
    decode_close(d);
    /* w*h bytes do not fit, a quarter of them do: decoded at half size */
    struct decode_limits lim = {.max_decode_bytes = (uint64_t)w * (uint64_t)h / 3};
    d = open_ok(buf, len, &lim, 1);
    page_ok(d, 0, &pg);
    assert_grey_page(&pg, (w + 1) / 2, (h + 1) / 2, 100);
    ck_assert(pg.scale > 0.49f && pg.scale < 0.51f);
    ck_assert_int_eq(pg.src_width, w);
    ck_assert_int_eq(pg.src_height, h);
    ck_assert_int_eq(pg.src_dpi, 200);
    decode_page_cleanup(&pg);
    decode_close(d);
    /* not even an eighth fits */
    lim.max_decode_bytes = (uint64_t)w * (uint64_t)h / 80;
    open_fails(buf, len, &lim, DP_ETOOBIG);
    free(buf);
    pixDestroy(&grey);
    pixDestroy(&colour);
}
END_TEST

START_TEST(low_dpi_is_upscaled)
{
    for (int keep_res = 1; keep_res >= 0; keep_res--) {
        unsigned char *buf;
        size_t len;
        ck_assert_int_eq(fixture_lowdpi_png(lines, NLINES, 100, keep_res, &buf, &len), DP_OK);
        struct decoded *d = open_ok(buf, len, NULL, 1);
        struct decode_page pg;
        page_ok(d, 0, &pg);
        ck_assert_int_eq(pg.src_dpi, 100); /* declared, or guessed from 850 px wide */
        ck_assert_int_eq(pg.src_width, 850);
        ck_assert_float_eq_tol(pg.scale, 3.0f, 0.01f);
        assert_grey_page(&pg, 2550, 3300, 300);
        if (keep_res) { /* the upscaled page still reads */
            double r = ocr_recall(pg.pix, lines, NLINES);
            ck_assert_msg(r >= 0.8, "recall after upscaling %.2f", r);
        }
        decode_page_cleanup(&pg);
        decode_close(d);

        /* min_dpi at or below the page's resolution: left alone. */
        struct decode_limits lim = {.min_dpi = 100};
        d = open_ok(buf, len, &lim, 1);
        page_ok(d, 0, &pg);
        assert_grey_page(&pg, 850, 1100, 100);
        ck_assert(pg.scale == 1.0f);
        decode_page_cleanup(&pg);
        decode_close(d);
        free(buf);
    }
}
END_TEST

START_TEST(guess_dpi)
{
    ck_assert_int_eq(decode_guess_dpi(2550, 3300, 300), 300);
    ck_assert_int_eq(decode_guess_dpi(850, 1100, 0), 100);
    ck_assert_int_eq(decode_guess_dpi(1100, 850, 0), 100);   /* landscape */
    ck_assert_int_eq(decode_guess_dpi(3000, 4000, 72), 353); /* phone photo "72 dpi" */
    ck_assert_int_eq(decode_guess_dpi(2480, 3508, 0), 292);  /* A4 at 300 */
    ck_assert_int_eq(decode_guess_dpi(900, 2700, 300), 300); /* 3 in receipt */
    ck_assert_int_eq(decode_guess_dpi(0, 10, 0), 1);
}
END_TEST

START_TEST(rotate)
{
    PIX *pix = pixCreate(40, 20, 8);
    pixSetAllArbitrary(pix, 255);
    pixSetPixel(pix, 0, 0, 0); /* top-left */
    pixSetResolution(pix, 300, 300);
    PIX *r = decode_rotate(pix, 90);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(pixGetWidth(r), 20);
    ck_assert_int_eq(pixGetHeight(r), 40);
    l_uint32 v;
    pixGetPixel(r, 19, 0, &v); /* clockwise: top-left goes top-right */
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(pixGetXRes(r), 300);
    pixDestroy(&r);
    r = decode_rotate(pix, -90);
    pixGetPixel(r, 0, 39, &v);
    ck_assert_uint_eq(v, 0);
    pixDestroy(&r);
    r = decode_rotate(pix, 180);
    pixGetPixel(r, 39, 19, &v);
    ck_assert_uint_eq(v, 0);
    pixDestroy(&r);
    r = decode_rotate(pix, 360);
    ck_assert_int_eq(pixGetWidth(r), 40);
    pixDestroy(&r);
    ck_assert_ptr_null(decode_rotate(pix, 45));
    ck_assert_ptr_null(decode_rotate(NULL, 90));
    pixDestroy(&pix);
}
END_TEST

Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("sniff");
    tcase_add_test(tc, sniff_table);
    tcase_add_test(tc, sniff_rendered_files);
    suite_add_tcase(s, tc);
    tc = tcase_create("images");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, single_page_images);
    tcase_add_test(tc, multipage_tiff);
    tcase_add_test(tc, damaged_jpeg_is_read_as_far_as_it_goes);
    tcase_add_test(tc, pixel_cap_before_decoding);
    tcase_add_test(tc, alpha_is_flattened_on_white);
    tcase_add_test(tc, rgba_to_grey_in_one_pass);
    tcase_add_test(tc, jpeg_read_grey_and_scaled_down);
    tcase_add_test(tc, low_dpi_is_upscaled);
    tcase_add_test(tc, guess_dpi);
    tcase_add_test(tc, rotate);
    suite_add_tcase(s, tc);
    return s;
}
