/* fixtures_layout.h -- test pages drawn from a list of items (text at a position, lines, check
 * boxes), for tables and forms: a PNG "scan" at a resolution, or a PDF with a text layer.
 * Coordinates are PDF points (1/72 in) from the top-left corner of a US-letter page.
 * Ownership: returned buffers and PIXes are the caller's. */
#ifndef DP_FIXTURES_LAYOUT_H
#define DP_FIXTURES_LAYOUT_H
#include <stddef.h>
#include <leptonica/allheaders.h>
#include "err.h"

enum fx_kind {
    FX_TEXT,   /* text (ASCII) with its baseline starting at (x, y), size pt (0 = 11) */
    FX_LINE,   /* a 1 pt line from (x, y) to (x2, y2) */
    FX_BOX,    /* an empty square check box, side size pt, top-left (x, y) */
    FX_TICKED, /* the same box with an X drawn inside */
    FX_CIRCLE, /* an empty radio button, diameter size, top-left (x, y) */
    FX_DOT     /* a selected radio button */
};

struct fx_item {
    enum fx_kind kind;
    double x, y, x2, y2;
    double size;
    const char *text;
};

/* An 8-bit grey page at dpi (white background, black ink). */
dp_err fixture_layout_pix(const struct fx_item *items, size_t n, int dpi, PIX **out);
/* The same page encoded as PNG (resolution recorded). */
dp_err fixture_layout_png(const struct fx_item *items, size_t n, int dpi, unsigned char **buf,
                          size_t *len);
/* A one-page PDF whose text is a real text layer (DejaVu Sans). */
dp_err fixture_layout_pdf(const struct fx_item *items, size_t n, unsigned char **buf, size_t *len);

#endif
