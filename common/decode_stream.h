/* decode_stream.h -- big PNG and TIFF pages decoded row by row straight to 8-bit grey and
 * box-averaged down by an integer factor as the rows arrive, so that decoding costs about one
 * output page plus a few source rows, never the full-size colour image.
 *
 * decode.c uses it only for pages whose ordinary (Leptonica) decoding would cost more than
 * max_decode_bytes:
 *
 *     struct decode_stream_plan plan;
 *     if (decode_stream_plan(buf, len, is_tiff, index, &plan)) -> refuse (plan.why says why)
 *     for (r = plan.min_reduction; decode_stream_cost(&plan, w, h, r) > cap; r++) ...
 *     decode_stream_read(buf, len, is_tiff, index, r, cap, &pix, err, sizeof err);
 *
 * Interlaced PNGs are read from their last Adam7 pass only (every odd row, full width), which
 * is why they need a reduction of at least 2.  TIFF pages are read by scanline (grey, RGB,
 * palette, 1..16 bits, with or without alpha, JPEG-compressed YCbCr as RGB) or, for other
 * kinds, one RGBA strip at a time; a tiled TIFF of another kind is refused. */
#ifndef DP_DECODE_STREAM_H
#define DP_DECODE_STREAM_H
#include <stddef.h>
#include <stdint.h>
#include <leptonica/allheaders.h>
#include "err.h"

#define DECODE_STREAM_MAX_REDUCTION 32 /* an output smaller than 1/32 of the page reads nothing */

/* How a page can be streamed. */
struct decode_stream_plan {
    int min_reduction;  /* smallest factor the decoder supports (2 for interlaced PNG) */
    uint64_t row_bytes; /* bytes the decoder holds whatever the factor: raw and converted
                           rows, an RGBA strip, codec state */
    char why[128];      /* when planning failed: why the page cannot be streamed */
};

/* Plans page index of buf (a PNG, or a TIFF when tiff is set): fills *plan.
 * DP_EUNSUPP when the page's kind cannot be streamed (plan->why says which),
 * DP_EDECODE when its header is unreadable. */
dp_err decode_stream_plan(const unsigned char *buf, size_t len, int tiff, size_t index,
                          struct decode_stream_plan *plan);

/* Bytes a w x h page costs streamed at reduction r: the output page (twice: it is copied once
 * more on its way to OCR), the accumulators, and plan->row_bytes.  Pure. */
uint64_t decode_stream_cost(const struct decode_stream_plan *plan, int w, int h, int r);

/* Decodes page index of buf at reduction r (1..DECODE_STREAM_MAX_REDUCTION) into *out, a new
 * 8-bit grey PIX of ceil(w/r) x ceil(h/r) whose resolution is the source's declared one (0 when
 * none; not divided by r); the caller owns it.  Alpha is flattened on white.  No single
 * allocation of the decoder may exceed max_alloc bytes (0 = no cap).  DP_EDECODE (corrupt or
 * truncated data; err says why), DP_EUNSUPP, DP_ENOMEM, DP_EINVAL. */
dp_err decode_stream_read(const unsigned char *buf, size_t len, int tiff, size_t index, int r,
                          uint64_t max_alloc, PIX **out, char *err, size_t errsz);

#endif
