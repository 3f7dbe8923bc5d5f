/* pdfout.h -- a searchable PDF from page images and word boxes: each page is its image (JPEG
 * for grey pages, CCITT G4 for bilevel ones, embedded compressed as cairo passes them through)
 * with the words drawn underneath it, each scaled to its box, so viewers find and select the
 * text where it is on the image while only the image shows.
 *
 *     struct pdfout *p = NULL;
 *     if (pdfout_new(cap, &p)) ...;
 *     for each page: pdfout_page(p, pix, words, nwords, width, height, dpi);
 *     pdfout_finish(p, &buf, &len);   // buf owned by the caller
 *     pdfout_free(p);
 */
#ifndef DP_PDFOUT_H
#define DP_PDFOUT_H
#include <stddef.h>
#include <leptonica/allheaders.h>
#include "err.h"

#define PDFOUT_JPEG_QUALITY 60                 /* grey pages: small, text still crisp at 300 dpi */
#define PDFOUT_MAX_PIXELS   (24 * 1000 * 1000) /* larger page images are scaled down to this */

/* One word to place: its text (borrowed, UTF-8) and box in page pixels. */
struct pdfout_word {
    const char *text;
    int x, y, w, h;
};

/* A PDF being written; opaque. */
struct pdfout;

/* A new empty PDF whose bytes may not exceed cap (0 = 256 MiB). *out owned by the caller
 * (pdfout_free). DP_ENOMEM. */
dp_err pdfout_new(size_t cap, struct pdfout **out);

/* Appends a page of width x height pixels at dpi (72..1200): pix (borrowed; 1, 8 or 32 bpp, any
 * size: it is stretched over the page, and scaled down first when over PDFOUT_MAX_PIXELS) under
 * the words (boxes in the same page pixels).
 * A pix whose grey values are all black or white is written bilevel (G4), others as JPEG.
 * DP_EINVAL for a bad size, DP_ETOOBIG when the PDF passes its cap, DP_ENOMEM, DP_EIO. */
dp_err pdfout_page(struct pdfout *p, PIX *pix, const struct pdfout_word *words, size_t nwords,
                   int width, int height, int dpi);

/* Ends the document: *buf (caller frees) and *len hold the PDF. p may only be freed after.
 * DP_ETOOBIG, DP_EIO, DP_ENOMEM. */
dp_err pdfout_finish(struct pdfout *p, char **buf, size_t *len);

/* Frees p (and the bytes unless pdfout_finish handed them over). NULL is a no-op. */
void pdfout_free(struct pdfout *p);

#endif
