/* figures.h -- where a PDF page with a text layer has pictures: images or drawings (a QR code,
 * a barcode, a logo) found on a low-resolution rendering of the page once its words are
 * blanked out, so that only those regions need rendering at a resolution that decodes codes;
 * on a page read by OCR, the only regions zbar needs to scan.
 *
 * Pure: reads a grey image and word boxes, never the PDF.  A page of text, rules and table
 * frames has none, which is what keeps text-only PDFs from being rendered again. */
#ifndef DP_FIGURES_H
#define DP_FIGURES_H
#include <stddef.h>
#include <leptonica/allheaders.h>
#include "page.h"

#define FIGURES_MAX       4     /* regions kept per page (the largest) */
#define FIGURES_MIN_IN    0.25  /* a region's short side is at least this many inches */
#define FIGURES_MIN_INK   0.12  /* share of a region's pixels that is ink (a frame has less) */
#define FIGURES_PAD_IN    0.08  /* margin added around a region (a code's quiet zone) */
#define FIGURES_MAX_WORDS 20000 /* more words than this: no regions (nothing is looked at) */

/* A region in the image's pixels. */
struct figure_box {
    int x, y; /* top-left */
    int w, h;
};

/* Finds the picture regions of pix (8-bit grey, resolution dpi > 0, borrowed) outside the
 * words[0..n) whose boxes are in page pixels; wscale = pix pixels per page pixel.  Writes at
 * most max regions (the largest first, padded, clipped to the image) into out and returns
 * how many; 0 on any failure (allocation: a best-effort search). */
size_t figures_find(PIX *pix, int dpi, const struct dp_word *words, size_t n, float wscale,
                    struct figure_box *out, size_t max);

/* The same for a page read by OCR (pix the image it was read from): Tesseract reads a code's
 * modules as words too, so only the words that look like text are blanked: confidence at
 * least FIGURES_TEXT_CONF and height at most FIGURES_TEXT_TALL times the median word height
 * (a code 2 cm high is five to ten text lines).  Same results and failures as figures_find. */
#define FIGURES_TEXT_CONF 50.0f
#define FIGURES_TEXT_TALL 2.0
size_t figures_find_read(PIX *pix, int dpi, const struct dp_word *words, size_t n, float wscale,
                         struct figure_box *out, size_t max);

#endif
