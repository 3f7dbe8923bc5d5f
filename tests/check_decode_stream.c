/* check_decode_stream.c -- big PNG and TIFF pages read row by row to grey and shrunk: every kind
 * of page (colour, palette, 16-bit, alpha, interlaced PNG; RGB, min-is-white bilevel, palette,
 * 16-bit grey, CMYK pages of a striped multi-page TIFF) comes out as the box average of the grey
 * page it holds, through decode_page when max_decode_bytes is too small for a whole decode. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>
#include "decode.h"
#include "decode_stream.h"
#include "fixtures.h"

static const char *const lines[] = {"Streamed row by row", "Invoice No 12345 Total EUR 1.234,56"};
#define NLINES (sizeof lines / sizeof lines[0])

/* ---- inputs ---- */

/* A letter page of text at 200 dpi, 8-bit grey (caller frees), and a transparent band in it
 * (rows BAND_Y0..BAND_Y1) for the pages with alpha. */
#define BAND_Y0 600
#define BAND_Y1 700
static PIX *text_page(void)
{
    PIX *g = NULL;
    ck_assert_int_eq(fixture_render_page(lines, NLINES, 14, 200, &g), DP_OK);
    ck_assert_int_eq(pixGetDepth(g), 8);
    /* some mid greys, so that averaging and colour weights are seen */
    BOX *b = boxCreate(100, 1000, 400, 300);
    pixSetInRectArbitrary(g, b, 128);
    boxDestroy(&b);
    for (int y = 1400; y < 1500; y++)
        for (int x = 0; x < pixGetWidth(g); x++)
            pixSetPixel(g, x, y, (l_uint32)(x % 256));
    return g;
}

/* What the page should read as when alpha is 0 in the band: white there. */
static PIX *with_white_band(PIX *g)
{
    PIX *w = pixCopy(NULL, g);
    for (int y = BAND_Y0; y < BAND_Y1; y++)
        for (int x = 0; x < pixGetWidth(w); x++)
            pixSetPixel(w, x, y, 255);
    return w;
}

static PIX *rgba_of(PIX *g)
{
    PIX *c = pixConvert8To32(g);
    pixSetSpp(c, 4);
    for (int y = 0; y < pixGetHeight(c); y++)
        for (int x = 0; x < pixGetWidth(c); x++) {
            l_uint32 v;
            pixGetPixel(c, x, y, &v);
            /* colour that weighs to the same grey is hard to make exactly: keep r = g = b */
            pixSetPixel(c, x, y, (v & 0xffffff00) | (y >= BAND_Y0 && y < BAND_Y1 ? 0 : 0xff));
        }
    return c;
}

/* ---- checking ---- */

/* Box average of g (8-bit) over r x r blocks, rounded as the streaming decoder rounds. With
 * odd_rows, only odd source rows count (an interlaced PNG's last pass). Caller frees. */
static PIX *box(PIX *g, int r, int odd_rows)
{
    int w = pixGetWidth(g), h = pixGetHeight(g), ow = (w + r - 1) / r, oh = (h + r - 1) / r;
    PIX *o = pixCreate(ow, oh, 8);
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            unsigned sum = 0, n = 0;
            for (int y = oy * r; y < oy * r + r && y < h; y++)
                for (int x = ox * r; x < ox * r + r && x < w && (!odd_rows || y % 2); x++) {
                    l_uint32 v;
                    pixGetPixel(g, x, y, &v);
                    sum += v, n++;
                }
            l_uint32 above = 255;
            if (!n && oy > 0)
                pixGetPixel(o, ox, oy - 1, &above);
            pixSetPixel(o, ox, oy, n ? (sum + n / 2) / n : above);
        }
    return o;
}

static int worst_diff(PIX *a, PIX *b)
{
    ck_assert_int_eq(pixGetWidth(a), pixGetWidth(b));
    ck_assert_int_eq(pixGetHeight(a), pixGetHeight(b));
    int worst = 0;
    for (int y = 0; y < pixGetHeight(a); y++)
        for (int x = 0; x < pixGetWidth(a); x++) {
            l_uint32 u, v;
            pixGetPixel(a, x, y, &u);
            pixGetPixel(b, x, y, &v);
            int d = (int)u > (int)v ? (int)(u - v) : (int)(v - u);
            worst = d > worst ? d : worst;
        }
    return worst;
}

/* Decodes page index of buf with max_decode_bytes = cap; expects a streamed page at 1/r that
 * matches the box average of want within tol. */
static void expect_streamed(const unsigned char *buf, size_t len, size_t npages, size_t index,
                            uint64_t cap, int r, int odd_rows, PIX *want, int tol)
{
    struct decode_limits lim = {.max_decode_bytes = cap, .min_dpi = 1};
    struct decoded *d = NULL;
    dp_err e = decode_open(buf, len, &lim, &d);
    ck_assert_msg(e == DP_OK, "open: %s (%s)", dp_strerror(e), decode_errstr(d));
    ck_assert_uint_eq(decode_npages(d), npages);
    struct decode_page pg;
    e = decode_page(d, index, &pg);
    ck_assert_msg(e == DP_OK, "page %zu: %s (%s)", index, dp_strerror(e), decode_errstr(d));
    int w = pixGetWidth(want), h = pixGetHeight(want);
    ck_assert_int_eq(pg.kind, DECODE_PIX);
    ck_assert_int_eq(pixGetDepth(pg.pix), 8);
    ck_assert_int_eq(pg.src_width, w);
    ck_assert_int_eq(pg.src_height, h);
    ck_assert_int_eq(pg.src_dpi, 200);
    ck_assert_int_eq(pg.dpi, 200 / r);
    ck_assert_msg(pg.scale == 1.0f / (float)r, "scale %f, want 1/%d", pg.scale, r);
    PIX *ref = box(want, r, odd_rows);
    int worst = worst_diff(pg.pix, ref);
    ck_assert_msg(worst <= tol, "page %zu at 1/%d: differs by up to %d", index, r, worst);
    pixDestroy(&ref);
    decode_page_cleanup(&pg);
    decode_close(d);
}

/* ---- tests ---- */

START_TEST(png_kinds_read_grey_and_shrunk)
{
    PIX *g = text_page(), *white = with_white_band(g);
    int w = pixGetWidth(g), h = pixGetHeight(g);
    uint64_t px = (uint64_t)w * (uint64_t)h;
    pixSetResolution(g, 200, 200);
    struct {
        const char *name;
        PIX *pix;
        PIX *want;
    } kinds[] = {
        {"grey", pixClone(g), g},
        {"rgb", pixConvert8To32(g), g},
        {"palette", pixConvertGrayToColormap8(g, 8), g},
        {"16-bit", pixConvert8To16(g, 8), g},
        {"rgba", rgba_of(g), white},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        unsigned char *buf;
        size_t len;
        ck_assert_ptr_nonnull(kinds[k].pix);
        pixSetResolution(kinds[k].pix, 200, 200);
        ck_assert_int_eq(fixture_encode(kinds[k].pix, IFF_PNG, &buf, &len), DP_OK);
        fprintf(stderr, "decode_stream: png %s\n", kinds[k].name);
        /* a whole decode (at least 2 bytes a pixel) does not fit; half size does */
        expect_streamed(buf, len, 1, 0, px, 2, 0, kinds[k].want, 1);
        /* a quarter of that: 1/4 size */
        expect_streamed(buf, len, 1, 0, px / 4, 4, 0, kinds[k].want, 1);
        /* no budget at all: refused with a reason, not decoded */
        struct decode_limits lim = {.max_decode_bytes = 64u << 10};
        struct decoded *d = NULL;
        ck_assert_int_eq(decode_open(buf, len, &lim, &d), DP_ETOOBIG);
        ck_assert_ptr_nonnull(strstr(decode_errstr(d), "1/32"));
        decode_close(d);
        free(buf);
        pixDestroy(&kinds[k].pix);
    }
    pixDestroy(&white);
    pixDestroy(&g);
}
END_TEST

START_TEST(rgba_streams_at_full_size_when_grey_fits)
{
    /* 9 bytes a pixel to decode whole, 2 + rows streamed: grey at full size, no reduction */
    PIX *g = text_page(), *white = with_white_band(g), *c = rgba_of(g);
    uint64_t px = (uint64_t)pixGetWidth(g) * (uint64_t)pixGetHeight(g);
    pixSetResolution(c, 200, 200);
    unsigned char *buf;
    size_t len;
    ck_assert_int_eq(fixture_encode(c, IFF_PNG, &buf, &len), DP_OK);
    expect_streamed(buf, len, 1, 0, 4 * px, 1, 0, white, 1);
    free(buf);
    pixDestroy(&c);
    pixDestroy(&white);
    pixDestroy(&g);
}
END_TEST

START_TEST(interlaced_png_read_from_its_last_pass)
{
    PIX *g = text_page(), *white = with_white_band(g), *c = rgba_of(g);
    uint64_t px = (uint64_t)pixGetWidth(g) * (uint64_t)pixGetHeight(g);
    size_t len;
    unsigned char *buf = NULL;
    pixSetResolution(c, 200, 200);
    ck_assert_int_eq(fixture_png_interlaced(c, &buf, &len), DP_OK);
    /* r = 1 would fit the budget, but an interlaced page is read at half size at least */
    expect_streamed(buf, len, 1, 0, 4 * px, 2, 1, white, 1);
    expect_streamed(buf, len, 1, 0, px / 4, 4, 1, white, 1);
    /* whole, it decodes as before (Leptonica) */
    struct decoded *d = NULL;
    struct decode_page pg;
    ck_assert_int_eq(decode_open(buf, len, NULL, &d), DP_OK);
    ck_assert_int_eq(decode_page(d, 0, &pg), DP_OK);
    ck_assert(pg.scale == 1.0f);
    ck_assert_int_le(worst_diff(pg.pix, white), 1);
    decode_page_cleanup(&pg);
    decode_close(d);
    /* cut short: a clean error */
    ck_assert_int_eq(decode_open(buf, len / 2, &(struct decode_limits){.max_decode_bytes = px}, &d),
                     DP_OK);
    ck_assert_int_eq(decode_page(d, 0, &pg), DP_EDECODE);
    ck_assert_str_ne(decode_errstr(d), "");
    decode_close(d);
    free(buf);
    pixDestroy(&c);
    pixDestroy(&white);
    pixDestroy(&g);
}
END_TEST

/* ---- TIFF: written here with libtiff, one kind per page, 16 rows per strip ---- */

enum tkind { T_RGB, T_BILEVEL_WHITE, T_PALETTE4, T_GREY16, T_CMYK, T_RGBA_ASSOC, T_COUNT };

static void tiff_page(TIFF *t, PIX *g, enum tkind kind, int pageno)
{
    uint32_t w = (uint32_t)pixGetWidth(g), h = (uint32_t)pixGetHeight(g);
    uint16_t spp = kind == T_RGB ? 3 : kind == T_CMYK || kind == T_RGBA_ASSOC ? 4 : 1;
    uint16_t bps = kind == T_BILEVEL_WHITE ? 1 : kind == T_PALETTE4 ? 4 : kind == T_GREY16 ? 16 : 8;
    uint16_t photo = kind == T_RGB || kind == T_RGBA_ASSOC ? PHOTOMETRIC_RGB
                     : kind == T_BILEVEL_WHITE             ? PHOTOMETRIC_MINISWHITE
                     : kind == T_PALETTE4                  ? PHOTOMETRIC_PALETTE
                     : kind == T_CMYK                      ? PHOTOMETRIC_SEPARATED
                                                           : PHOTOMETRIC_MINISBLACK;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bps);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photo);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 16);
    TIFFSetField(t, TIFFTAG_COMPRESSION,
                 kind == T_BILEVEL_WHITE ? COMPRESSION_CCITTFAX4 : COMPRESSION_LZW);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, 200.0f);
    TIFFSetField(t, TIFFTAG_YRESOLUTION, 200.0f);
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(t, TIFFTAG_PAGENUMBER, (uint16_t)pageno, (uint16_t)T_COUNT);
    if (kind == T_RGBA_ASSOC) {
        uint16_t extra = EXTRASAMPLE_ASSOCALPHA;
        TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, &extra);
    }
    if (kind == T_PALETTE4) { /* 16 greys */
        uint16_t r[16], gg[16], b[16];
        for (int i = 0; i < 16; i++)
            r[i] = gg[i] = b[i] = (uint16_t)(i * 17 * 257);
        TIFFSetField(t, TIFFTAG_COLORMAP, r, gg, b);
    }
    size_t rowbytes = ((size_t)w * spp * bps + 7) / 8;
    unsigned char *row = malloc(rowbytes);
    for (uint32_t y = 0; y < h; y++) {
        memset(row, 0, rowbytes);
        for (uint32_t x = 0; x < w; x++) {
            l_uint32 v;
            pixGetPixel(g, (int)x, (int)y, &v);
            int alpha = y >= BAND_Y0 && y < BAND_Y1 ? 0 : 255;
            switch (kind) {
            case T_RGB:
                row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = (unsigned char)v;
                break;
            case T_RGBA_ASSOC: /* premultiplied */
                row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = (unsigned char)(v * alpha / 255);
                row[4 * x + 3] = (unsigned char)alpha;
                break;
            case T_BILEVEL_WHITE: /* 1 = black */
                if (v < 128)
                    row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
                break;
            case T_PALETTE4:
                row[x / 2] |= (unsigned char)((v / 17) << (x % 2 ? 0 : 4));
                break;
            case T_GREY16: {
                uint16_t s = (uint16_t)(v * 257);
                memcpy(row + 2 * x, &s, 2);
                break;
            }
            case T_CMYK:
                row[4 * x + 3] = (unsigned char)(255 - v);
                break;
            case T_COUNT:
                break;
            }
        }
        ck_assert_int_eq(TIFFWriteScanline(t, row, y, 0), 1);
    }
    free(row);
    ck_assert_int_eq(TIFFWriteDirectory(t), 1);
}

/* What page kind holds, as grey. Caller frees. */
static PIX *tiff_want(PIX *g, PIX *white, enum tkind kind)
{
    PIX *o = pixCopy(NULL, kind == T_RGBA_ASSOC ? white : g);
    for (int y = 0; y < pixGetHeight(o); y++)
        for (int x = 0; x < pixGetWidth(o); x++) {
            l_uint32 v;
            pixGetPixel(o, x, y, &v);
            if (kind == T_BILEVEL_WHITE)
                pixSetPixel(o, x, y, v < 128 ? 0 : 255);
            else if (kind == T_PALETTE4)
                pixSetPixel(o, x, y, v / 17 * 17);
        }
    return o;
}

START_TEST(striped_multipage_tiff_kinds)
{
    PIX *g = text_page(), *white = with_white_band(g);
    uint64_t px = (uint64_t)pixGetWidth(g) * (uint64_t)pixGetHeight(g);
    char path[] = "/tmp/dp-stream-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    TIFF *t = TIFFOpen(path, "w");
    ck_assert_ptr_nonnull(t);
    for (int k = 0; k < T_COUNT; k++)
        tiff_page(t, g, (enum tkind)k, k);
    TIFFClose(t);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char *buf = malloc(32u << 20);
    size_t len = fread(buf, 1, 32u << 20, f);
    fclose(f);
    unlink(path);
    ck_assert_uint_gt(len, 0);
    for (int k = 0; k < T_COUNT; k++) {
        PIX *want = tiff_want(g, white, (enum tkind)k);
        fprintf(stderr, "decode_stream: tiff page %d\n", k + 1);
        /* CMYK to RGB in libtiff rounds once more */
        expect_streamed(buf, len, T_COUNT, (size_t)k, px, 2, 0, want, k == T_CMYK ? 2 : 1);
        expect_streamed(buf, len, T_COUNT, (size_t)k, px / 4, 4, 0, want, k == T_CMYK ? 2 : 1);
        pixDestroy(&want);
    }
    /* a page cut off: a clean error */
    struct decoded *d = NULL;
    struct decode_page pg;
    struct decode_limits lim = {.max_decode_bytes = px};
    if (decode_open(buf, len * 3 / 4, &lim, &d) == DP_OK) {
        dp_err e = DP_OK;
        for (size_t i = 0; i < decode_npages(d) && e == DP_OK; i++)
            if ((e = decode_page(d, i, &pg)) == DP_OK)
                decode_page_cleanup(&pg);
        ck_assert_msg(e == DP_EDECODE || e == DP_OK, "%s", dp_strerror(e));
    }
    decode_close(d);
    free(buf);
    pixDestroy(&white);
    pixDestroy(&g);
}
END_TEST

START_TEST(shrink_cost_and_plan)
{
    struct decode_stream_plan plan = {.min_reduction = 1, .row_bytes = 1000};
    ck_assert_uint_eq(decode_stream_cost(&plan, 10, 10, 1), 2 * 100 + 40 + 1000);
    ck_assert_uint_eq(decode_stream_cost(&plan, 10, 10, 3), 2 * 16 + 16 + 1000);
    ck_assert_uint_eq(decode_stream_cost(&plan, 0, 10, 1), UINT64_MAX);
    /* not a PNG at all / a truncated header */
    static const unsigned char junk[40] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    ck_assert_int_eq(decode_stream_plan(junk, sizeof junk, 0, 0, &plan), DP_EDECODE);
    ck_assert_str_ne(plan.why, "");
    ck_assert_int_eq(decode_stream_plan(junk, sizeof junk, 1, 0, &plan), DP_EDECODE);
    PIX *out = NULL;
    char err[128];
    ck_assert_int_eq(decode_stream_read(junk, sizeof junk, 0, 0, 0, 0, &out, err, sizeof err),
                     DP_EINVAL);
    ck_assert_int_eq(decode_stream_read(junk, sizeof junk, 0, 0, 2, 0, &out, err, sizeof err),
                     DP_EDECODE);
    ck_assert_ptr_null(out);
}
END_TEST

Suite *decode_stream_suite(void)
{
    Suite *s = suite_create("decode_stream");
    TCase *tc = tcase_create("stream");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shrink_cost_and_plan);
    tcase_add_test(tc, png_kinds_read_grey_and_shrunk);
    tcase_add_test(tc, rgba_streams_at_full_size_when_grey_fits);
    tcase_add_test(tc, interlaced_png_read_from_its_last_pass);
    tcase_add_test(tc, striped_multipage_tiff_kinds);
    suite_add_tcase(s, tc);
    return s;
}
