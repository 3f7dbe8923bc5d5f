/* decode_stream.c -- big pages decoded row by row to grey and shrunk as they arrive: the row
 * shrinker, the PNG decoder (libpng, one row at a time) and the dispatch to the TIFF half. */
#include "decode_stream.h"
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode_stream_int.h"

#define CODEC_SLACK (256u << 10) /* zlib window, libtiff/libjpeg state: a generous allowance */

/* ---- the shrinker ---- */

dp_err decode_stream_shrink_init(struct decode_stream_shrink *s, int w, int h, int r)
{
    memset(s, 0, sizeof *s);
    if (w <= 0 || h <= 0 || r < 1 || r > DECODE_STREAM_MAX_REDUCTION)
        return DP_EINVAL;
    s->w = w, s->h = h, s->r = r;
    s->ow = (w + r - 1) / r;
    s->oh = (h + r - 1) / r;
    s->acc = calloc((size_t)s->ow, sizeof *s->acc);
    s->out = pixCreate(s->ow, s->oh, 8);
    if (!s->acc || !s->out) {
        decode_stream_shrink_cleanup(s);
        return DP_ENOMEM;
    }
    return DP_OK;
}

/* Writes output row s->oy from the sums and starts the next one. */
static void shrink_emit(struct decode_stream_shrink *s)
{
    l_uint32 *data = pixGetData(s->out);
    int wpl = pixGetWpl(s->out);
    l_uint32 *line = data + (size_t)s->oy * (size_t)wpl;
    for (int ox = 0; ox < s->ow; ox++) {
        int cols = s->w - ox * s->r < s->r ? s->w - ox * s->r : s->r;
        uint32_t n = (uint32_t)cols * (uint32_t)s->rows, v = 255;
        if (n)
            v = (s->acc[ox] + n / 2) / n;
        else if (s->oy > 0) /* no source row in this box (interlaced, skipped): the row above */
            v = GET_DATA_BYTE(line - wpl, ox);
        SET_DATA_BYTE(line, ox, v);
    }
    memset(s->acc, 0, (size_t)s->ow * sizeof *s->acc);
    s->rows = 0;
    s->oy++;
}

void decode_stream_shrink_row(struct decode_stream_shrink *s, int y, const uint8_t *grey)
{
    if (y < 0 || y >= s->h || y / s->r < s->oy)
        return;
    while (s->oy < y / s->r)
        shrink_emit(s);
    int r = s->r, x = 0;
    for (int ox = 0; ox < s->ow; ox++) {
        uint32_t sum = 0;
        for (int k = 0; k < r && x < s->w; k++, x++)
            sum += grey[x];
        s->acc[ox] += sum;
    }
    s->rows++;
}

PIX *decode_stream_shrink_take(struct decode_stream_shrink *s)
{
    while (s->oy < s->oh)
        shrink_emit(s);
    PIX *p = s->out;
    s->out = NULL;
    return p;
}

void decode_stream_shrink_cleanup(struct decode_stream_shrink *s)
{
    free(s->acc);
    s->acc = NULL;
    pixDestroy(&s->out);
}

/* ---- PNG ---- */

/* Everything one PNG read holds, on the heap so that it survives libpng's longjmp intact. */
struct png_job {
    const unsigned char *buf;
    size_t len, off;
    uint64_t max_alloc;
    png_structp png;
    png_infop info;
    uint8_t *row;  /* one row as RGBA, 8 bits each */
    uint8_t *grey; /* the same row as grey */
    struct decode_stream_shrink s;
    char err[128];
};

static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
    struct png_job *j = png_get_io_ptr(png);
    if (n > j->len - j->off)
        png_error(png, "data cut short");
    memcpy(out, j->buf + j->off, n);
    j->off += n;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    struct png_job *j = png_get_error_ptr(png);
    snprintf(j->err, sizeof j->err, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png, (void)msg; /* Best effort: warnings (bad CRC in an ancillary chunk) are not fatal */
}

/* Bytes of one raw row: what libpng holds twice (this row and the previous, for filters). */
static uint64_t png_raw_row(uint32_t w, int depth, int colour)
{
    int ch = colour == 2 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 1;
    return ((uint64_t)w * (uint64_t)ch * (uint64_t)depth + 7) / 8 + 1;
}

static dp_err png_plan(const unsigned char *buf, size_t len, struct decode_stream_plan *plan)
{
    /* signature, IHDR length and type, then width, height, depth, colour type, compression,
     * filter, interlace */
    if (len < 33 || memcmp(buf + 12, "IHDR", 4) != 0) {
        snprintf(plan->why, sizeof plan->why, "unreadable PNG header");
        return DP_EDECODE;
    }
    uint32_t w =
        (uint32_t)buf[16] << 24 | (uint32_t)buf[17] << 16 | (uint32_t)buf[18] << 8 | buf[19];
    int depth = buf[24], colour = buf[25], interlace = buf[28];
    if (w == 0 || w > 0x7fffffff || depth < 1 || depth > 16) {
        snprintf(plan->why, sizeof plan->why, "unreadable PNG header");
        return DP_EDECODE;
    }
    plan->min_reduction = interlace ? 2 : 1;
    plan->row_bytes = 2 * png_raw_row(w, depth, colour) + (uint64_t)w * 5 + CODEC_SLACK;
    return DP_OK;
}

/* The part of the read that may longjmp back to png_stream_read. */
static void png_stream_body(struct png_job *j, int r)
{
    png_uint_32 w, h;
    int depth, colour, interlace;
    png_read_info(j->png, j->info);
    png_get_IHDR(j->png, j->info, &w, &h, &depth, &colour, &interlace, NULL, NULL);
    /* every kind of PNG becomes 8-bit RGBA rows */
    png_set_strip_16(j->png);
    if (colour == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(j->png);
    if (colour == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(j->png);
    int alpha = (colour & PNG_COLOR_MASK_ALPHA) != 0;
    if (png_get_valid(j->png, j->info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(j->png);
        alpha = 1;
    }
    if (!(colour & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(j->png);
    if (!alpha)
        png_set_filler(j->png, 0xff, PNG_FILLER_AFTER);
    png_read_update_info(j->png, j->info);
    if (w > 0x7fffffff || h > 0x7fffffff || png_get_rowbytes(j->png, j->info) != (size_t)w * 4)
        png_error(j->png, "unexpected row layout");
    if (interlace != PNG_INTERLACE_NONE && r < 2)
        png_error(j->png, "an interlaced PNG is only read reduced");
    if (decode_stream_shrink_init(&j->s, (int)w, (int)h, r) || !(j->row = malloc((size_t)w * 4)) ||
        !(j->grey = malloc(w)))
        png_error(j->png, "out of memory");
    /* Interlaced: the seventh Adam7 pass holds every odd row at full width; the earlier passes
     * are read (they come first in the stream) and dropped. */
    int passes = interlace != PNG_INTERLACE_NONE ? PNG_INTERLACE_ADAM7_PASSES : 1;
    for (int pass = 0; pass < passes; pass++) {
        png_uint_32 rows = h;
        if (passes > 1)
            rows = PNG_PASS_COLS(w, pass) ? PNG_PASS_ROWS(h, pass) : 0;
        for (png_uint_32 i = 0; i < rows; i++) {
            png_read_row(j->png, j->row, NULL);
            if (passes > 1 && pass != PNG_INTERLACE_ADAM7_PASSES - 1)
                continue;
            png_uint_32 y = passes > 1 ? PNG_ROW_FROM_PASS_ROW(i, pass) : i;
            const uint8_t *p = j->row;
            for (png_uint_32 x = 0; x < w; x++, p += 4)
                j->grey[x] = decode_stream_lum(p[0], p[1], p[2], p[3]);
            decode_stream_shrink_row(&j->s, (int)y, j->grey);
        }
    }
}

static png_voidp png_alloc(png_structp png, png_alloc_size_t n)
{
    struct png_job *j = png_get_mem_ptr(png);
    if (j->max_alloc && n > j->max_alloc)
        return NULL;
    return malloc(n);
}

static void png_dealloc(png_structp png, png_voidp p)
{
    (void)png;
    free(p);
}

static dp_err png_stream_read(const unsigned char *buf, size_t len, int r, uint64_t max_alloc,
                              PIX **out, char *err, size_t errsz)
{
    struct png_job *j = calloc(1, sizeof *j);
    dp_err rc = DP_ENOMEM;
    if (!j)
        return rc;
    j->buf = buf, j->len = len, j->max_alloc = max_alloc;
    j->png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, j, png_on_error, png_on_warning, j,
                                      png_alloc, png_dealloc);
    if (!j->png || !(j->info = png_create_info_struct(j->png)))
        goto out;
    if (setjmp(png_jmpbuf(j->png))) {
        snprintf(err, errsz, "corrupt PNG data: %s", j->err);
        rc = DP_EDECODE;
        goto out;
    }
    png_set_read_fn(j->png, j, png_read_mem);
    png_stream_body(j, r);
    /* the declared resolution, if any, as Leptonica would read it */
    png_uint_32 xres = png_get_x_pixels_per_inch(j->png, j->info);
    *out = decode_stream_shrink_take(&j->s);
    if (xres > 0 && xres < 100000)
        pixSetResolution(*out, (l_int32)xres, (l_int32)xres);
    rc = DP_OK;
out:
    png_destroy_read_struct(&j->png, &j->info, NULL);
    decode_stream_shrink_cleanup(&j->s);
    free(j->row);
    free(j->grey);
    free(j);
    return rc;
}

/* ---- dispatch ---- */

dp_err decode_stream_plan(const unsigned char *buf, size_t len, int tiff, size_t index,
                          struct decode_stream_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (!buf)
        return DP_EINVAL;
    return tiff ? decode_stream_tiff_plan(buf, len, index, plan) : png_plan(buf, len, plan);
}

uint64_t decode_stream_cost(const struct decode_stream_plan *plan, int w, int h, int r)
{
    if (w <= 0 || h <= 0 || r < 1)
        return UINT64_MAX;
    uint64_t ow = ((uint64_t)w + (uint64_t)r - 1) / (uint64_t)r;
    uint64_t oh = ((uint64_t)h + (uint64_t)r - 1) / (uint64_t)r;
    return 2 * ow * oh + ow * 4 + plan->row_bytes;
}

dp_err decode_stream_read(const unsigned char *buf, size_t len, int tiff, size_t index, int r,
                          uint64_t max_alloc, PIX **out, char *err, size_t errsz)
{
    *out = NULL;
    if (errsz)
        err[0] = '\0';
    if (!buf || r < 1 || r > DECODE_STREAM_MAX_REDUCTION)
        return DP_EINVAL;
    if (tiff)
        return decode_stream_tiff_read(buf, len, index, r, max_alloc, out, err, errsz);
    return png_stream_read(buf, len, r, max_alloc, out, err, errsz);
}
