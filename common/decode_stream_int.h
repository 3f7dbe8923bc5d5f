/* decode_stream_int.h -- what the PNG and TIFF halves of decode_stream share: the row shrinker
 * (grey rows in, box averages out) and the grey value of an RGBA pixel.  Not for other modules. */
#ifndef DP_DECODE_STREAM_INT_H
#define DP_DECODE_STREAM_INT_H
#include <stdint.h>
#include <leptonica/allheaders.h>
#include "decode_stream.h"

/* Box-averages source rows of width w into an output PIX, r x r source pixels per output
 * pixel, as the rows arrive (in order; rows may be skipped). */
struct decode_stream_shrink {
    int w, h, r;   /* source size, reduction */
    int ow, oh;    /* output size: ceil(w / r) x ceil(h / r) */
    uint32_t *acc; /* ow sums of the output row being built (owned) */
    int rows;      /* source rows summed into acc */
    int oy;        /* output row being built */
    PIX *out;      /* the output page (owned until taken) */
};

/* 0, or DP_ENOMEM. */
dp_err decode_stream_shrink_init(struct decode_stream_shrink *s, int w, int h, int r);
/* Adds source row y (w grey bytes); rows must come in increasing y. */
void decode_stream_shrink_row(struct decode_stream_shrink *s, int y, const uint8_t *grey);
/* Finishes the last rows (a box no row reached repeats the row above it, or is white) and
 * hands over the output page. */
PIX *decode_stream_shrink_take(struct decode_stream_shrink *s);
void decode_stream_shrink_cleanup(struct decode_stream_shrink *s);

/* 8-bit grey of an RGBA pixel flattened on white: the same value as Leptonica's alpha blend on
 * white followed by its luminance (decode.c's rgba_to_grey).  a = 255 is opaque. */
static inline uint8_t decode_stream_lum(int r, int g, int b, int a)
{
    if (a == 0)
        return 255;
    if (a == 255) { /* most pixels: nothing to blend (the same value, without divisions) */
        double v = L_RED_WEIGHT * r + L_GREEN_WEIGHT * g + L_BLUE_WEIGHT * b + 0.5;
        return v > 255 ? 255 : (uint8_t)v;
    }
    double lum = L_RED_WEIGHT * (double)(255 + (r - 255) * a / 255) +
                 L_GREEN_WEIGHT * (double)(255 + (g - 255) * a / 255) +
                 L_BLUE_WEIGHT * (double)(255 + (b - 255) * a / 255) + 0.5;
    return lum > 255 ? 255 : (uint8_t)lum;
}

/* The TIFF half (decode_stream_tiff.c). */
dp_err decode_stream_tiff_plan(const unsigned char *buf, size_t len, size_t index,
                               struct decode_stream_plan *plan);
dp_err decode_stream_tiff_read(const unsigned char *buf, size_t len, size_t index, int r,
                               uint64_t max_alloc, PIX **out, char *err, size_t errsz);

#endif
