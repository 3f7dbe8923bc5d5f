/* check_decode_fuzz.c -- decode on damaged files: truncations and bit flips end in a clean error
 * (run under `make SANITIZE=address,undefined unit` to catch memory errors). */
#include "testutil.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "decode.h"
#include "fixtures.h"

static const char *const lines[] = {"Invoice No 12345", "Total EUR 1.234,56",
                                    "Payment is due within thirty days."};
#define NLINES (sizeof lines / sizeof lines[0])

/* ---- quiet: libraries print on every damaged file ---- */

static int saved_stderr = -1;
static l_int32 saved_severity;

static void quiet(void)
{
    saved_severity = setMsgSeverity(L_SEVERITY_NONE);
    fflush(stderr);
    saved_stderr = dup(2);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, 2);
        close(null);
    }
}

static void loud(void)
{
    fflush(stderr);
    if (saved_stderr >= 0) {
        dup2(saved_stderr, 2);
        close(saved_stderr);
        saved_stderr = -1;
    }
    setMsgSeverity(saved_severity);
}

/* ---- helpers ---- */

/* Decodes every page of buf; returns the first error (or DP_OK).  Checks every page it gets. */
static dp_err decode_all(const unsigned char *buf, size_t len, const struct decode_limits *lim)
{
    struct decoded *d = NULL;
    dp_err e = decode_open(buf, len, lim, &d);
    for (size_t i = 0; e == DP_OK && i < decode_npages(d); i++) {
        struct decode_page pg;
        e = decode_page(d, i, &pg);
        if (e == DP_OK) {
            if (pg.kind == DECODE_PIX)
                ck_assert(pg.pix && pixGetDepth(pg.pix) == 8 && pg.dpi > 0);
            else
                ck_assert(pg.text.text && pg.text.source == DP_SRC_TEXT_LAYER);
            decode_page_cleanup(&pg);
        }
    }
    decode_close(d);
    return e;
}

static int acceptable(dp_err e)
{
    return e == DP_OK || e == DP_EDECODE || e == DP_ETOOBIG || e == DP_EUNSUPP;
}

/* Variants per file: DP_FUZZ_ITERS from the environment (a longer campaign), else 120. */
static int fuzz_iters(void)
{
    const char *v = getenv("DP_FUZZ_ITERS");
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && end != v && *end == '\0' && n >= 40 && n <= 1000000 ? (int)n : 120;
}

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* A small page (50 DPI) encoded as format. */
static void small_page(int format, unsigned char **buf, size_t *len)
{
    PIX *pix = NULL;
    ck_assert_int_eq(fixture_render_page(lines, NLINES, 12, 50, &pix), DP_OK);
    dp_err e = fixture_encode(pix, format, buf, len);
    pixDestroy(&pix);
    ck_assert(e == DP_OK || (format == IFF_WEBP && e == DP_EUNSUPP));
}

/* ---- tests ---- */

START_TEST(truncated_images_are_decode_errors)
{
    unsigned char *buf;
    size_t len;
    int formats[] = {IFF_PNG, IFF_JFIF_JPEG, IFF_TIFF_G4, IFF_TIFF_ZIP, IFF_WEBP};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        buf = NULL;
        small_page(formats[f], &buf, &len);
        if (!buf)
            continue;
        ck_assert_int_eq(decode_all(buf, len, NULL), DP_OK);
        quiet();
        dp_err half = decode_all(buf, len / 2, NULL);
        dp_err head = decode_all(buf, 20, NULL);
        loud();
        /* A JPEG cut short is read as far as it goes (the page is flagged damaged). */
        ck_assert_msg(half == (formats[f] == IFF_JFIF_JPEG ? DP_OK : DP_EDECODE),
                      "format %d cut in half: %s", formats[f], dp_strerror(half));
        ck_assert_msg(head == DP_EDECODE, "format %d cut to 20 bytes: %s", formats[f],
                      dp_strerror(head));
        free(buf);
    }
}
END_TEST

START_TEST(fuzz_truncations_and_bit_flips)
{
    unsigned char *files[8] = {0};
    size_t lens[8] = {0}, nfiles = 0;
    const char *const *pages[] = {lines, lines};
    const size_t n[] = {NLINES, 1};
    int formats[] = {IFF_PNG, IFF_JFIF_JPEG, IFF_TIFF_G4, IFF_WEBP};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        small_page(formats[f], &files[nfiles], &lens[nfiles]);
        if (files[nfiles])
            nfiles++;
    }
    ck_assert_int_eq(fixture_tiff_multipage(pages, n, 2, &files[nfiles], &lens[nfiles]), DP_OK);
    nfiles++;
    ck_assert_int_eq(fixture_pdf_text(pages, n, 2, &files[nfiles], &lens[nfiles]), DP_OK);
    nfiles++;
    ck_assert_int_eq(fixture_pdf_scanned(pages, n, 1, &files[nfiles], &lens[nfiles]), DP_OK);
    nfiles++;

    const struct decode_limits lim = {.max_pages = 20, .max_page_pixels = 12000000, .pdf_dpi = 30};
    uint32_t seed = 0x9e3779b9u;
    size_t ok = 0;
    const int iters = fuzz_iters();
    /* every format the build can write is in the set (webp may be missing from leptonica) */
    ck_assert_uint_ge(nfiles, 6);
    quiet();
    for (size_t f = 0; f < nfiles; f++) {
        unsigned char *copy = malloc(lens[f]);
        ck_assert_ptr_nonnull(copy);
        /* the undamaged file decodes, and damage is noticed: a decoder that accepted anything
         * (or refused everything) fails here */
        ck_assert_msg(decode_all(files[f], lens[f], &lim) == DP_OK, "file %zu undamaged", f);
        size_t refused = 0;
        for (int i = 0; i < iters; i++) {
            size_t len = lens[f];
            memcpy(copy, files[f], len);
            if (i < 40) {
                len = (size_t)((double)len * i / 40.0); /* truncation */
            } else {
                int flips = 1 + (int)(next_rand(&seed) % 8);
                for (int k = 0; k < flips; k++) {
                    uint32_t r = next_rand(&seed);
                    copy[r % len] ^= (unsigned char)(1u << (r >> 29));
                }
            }
            dp_err e = decode_all(copy, len, &lim);
            ok += e == DP_OK;
            refused += e != DP_OK;
            if (!acceptable(e)) {
                loud();
                ck_abort_msg("file %zu variant %d: %s", f, i, dp_strerror(e));
            }
        }
        free(copy);
        /* cut to 0..39/40 of its length: at least the empty and the shortest cuts are refused */
        if (refused == 0) {
            loud();
            ck_abort_msg("file %zu: no damaged variant was refused", f);
        }
    }
    loud();
    ck_assert_uint_gt(ok, 0); /* the loop did reach decoding: some flips are harmless */
    for (size_t f = 0; f < nfiles; f++)
        free(files[f]);
}
END_TEST

/* The row-by-row decoders (decode_stream): pages too big for a whole decode under the budget,
 * damaged. Every kind they read: colour, palette, 16-bit and interlaced PNG; RGB, 16-bit grey
 * and CMYK (RGBA strips) TIFF. */
START_TEST(fuzz_streamed_decoders)
{
    PIX *g = NULL;
    ck_assert_int_eq(fixture_render_page(lines, NLINES, 12, 50, &g), DP_OK);
    PIX *kinds[] = {pixConvert8To32(g), pixConvertGrayToColormap8(g, 8), pixConvert8To16(g, 8)};
    unsigned char *files[8] = {0};
    size_t lens[8] = {0}, nfiles = 0;
    for (size_t k = 0; k < 3; k++) {
        ck_assert_ptr_nonnull(kinds[k]);
        ck_assert_int_eq(fixture_encode(kinds[k], IFF_PNG, &files[nfiles], &lens[nfiles]), DP_OK);
        nfiles++;
    }
    ck_assert_int_eq(fixture_png_interlaced(kinds[0], &files[nfiles], &lens[nfiles]), DP_OK);
    nfiles++;
    ck_assert_int_eq(fixture_encode(kinds[0], IFF_TIFF_ZIP, &files[nfiles], &lens[nfiles]), DP_OK);
    nfiles++;
    ck_assert_int_eq(fixture_encode(kinds[2], IFF_TIFF_ZIP, &files[nfiles], &lens[nfiles]), DP_OK);
    nfiles++;
    /* 425 x 550: a whole decode needs 2 bytes a pixel at least, 400 kB forces rows */
    const struct decode_limits lim = {.max_decode_bytes = 400u << 10, .min_dpi = 1};
    uint32_t seed = 0x2545f491u;
    const int iters = fuzz_iters();
    size_t ok = 0;
    quiet();
    for (size_t f = 0; f < nfiles; f++) {
        unsigned char *copy = malloc(lens[f]);
        ck_assert_ptr_nonnull(copy);
        struct decoded *d = NULL;
        struct decode_page pg;
        /* undamaged: read streamed, at a reduction */
        ck_assert_int_eq(decode_open(files[f], lens[f], &lim, &d), DP_OK);
        dp_err e = decode_page(d, 0, &pg);
        if (e != DP_OK) {
            loud();
            ck_abort_msg("file %zu undamaged: %s (%s)", f, dp_strerror(e), decode_errstr(d));
        }
        ck_assert_msg(pg.scale < 1.0f, "file %zu not streamed", f);
        decode_page_cleanup(&pg);
        decode_close(d);
        size_t refused = 0;
        for (int i = 0; i < iters; i++) {
            size_t len = lens[f];
            memcpy(copy, files[f], len);
            if (i < 40) {
                len = (size_t)((double)len * i / 40.0);
            } else {
                int flips = 1 + (int)(next_rand(&seed) % 8);
                for (int k = 0; k < flips; k++) {
                    uint32_t r = next_rand(&seed);
                    copy[r % len] ^= (unsigned char)(1u << (r >> 29));
                }
            }
            e = decode_all(copy, len, &lim);
            ok += e == DP_OK;
            refused += e != DP_OK;
            if (!acceptable(e)) {
                loud();
                ck_abort_msg("file %zu variant %d: %s", f, i, dp_strerror(e));
            }
        }
        free(copy);
        if (refused == 0) {
            loud();
            ck_abort_msg("file %zu: no damaged variant was refused", f);
        }
    }
    loud();
    ck_assert_uint_gt(ok, 0);
    for (size_t f = 0; f < nfiles; f++)
        free(files[f]);
    for (size_t k = 0; k < 3; k++)
        pixDestroy(&kinds[k]);
    pixDestroy(&g);
}
END_TEST

Suite *decode_fuzz_suite(void)
{
    Suite *s = suite_create("decode_fuzz");
    TCase *tc = tcase_create("damage");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, truncated_images_are_decode_errors);
    tcase_add_test(tc, fuzz_truncations_and_bit_flips);
    tcase_add_test(tc, fuzz_streamed_decoders);
    suite_add_tcase(s, tc);
    return s;
}
