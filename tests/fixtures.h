/* fixtures.h -- test documents rendered on the fly, so no test needs files from outside the repo.
 *
 * Image pages are drawn with Leptonica's compiled-in bitmap fonts (ASCII 32..126 only; a font
 * size is in points at 300 ppi) on a white US-letter page, then encoded as PNG, JPEG, WebP or
 * TIFF.  PDFs are drawn with cairo: either a real text layer (DejaVu Sans via fontconfig) or a
 * "scanned" page that is only an image.  Tesseract reads the rendered text back reliably at the
 * default size (12 pt at 300 DPI); see tests/check_fixtures.c.
 *
 * Ownership: every returned PIX is the caller's (pixDestroy); every returned buffer is the
 * caller's (free).  On error nothing is returned and *out / *buf are left NULL. */
#ifndef DP_FIXTURES_H
#define DP_FIXTURES_H
#include <stddef.h>
#include <stdint.h>
#include <leptonica/allheaders.h>
#include "err.h"

#define FIXTURE_DPI      300 /* default page resolution */
#define FIXTURE_FONTSIZE 12  /* default bitmap font size, points */
#define FIXTURE_PAGE_W   8.5 /* page width, inches (US letter) */
#define FIXTURE_PAGE_H   11.0
#define FIXTURE_MARGIN   1.0 /* left and top margin, inches */

/* Text-layer PDF layout, in PDF points (1/72 in, origin top-left): line i (0-based) of a page
 * starts at x = FIXTURE_PDF_LEFT_PT with its baseline at FIXTURE_PDF_TOP_PT + i * LEADING. */
#define FIXTURE_PDF_FONT_PT    12.0
#define FIXTURE_PDF_LEFT_PT    72.0
#define FIXTURE_PDF_TOP_PT     84.0
#define FIXTURE_PDF_LEADING_PT 18.0

/* ---- pages ---- */

/* Renders nlines lines of text on an 8-bit grey letter page at dpi (resolution set on the PIX).
 * fontsize: 4..20 points (even); text is laid out at 300 ppi and scaled by dpi/300.
 * DP_EINVAL: bad size/dpi, a non-ASCII character, a line wider than the page, too many lines. */
dp_err fixture_render_page(const char *const *lines, size_t nlines, int fontsize, int dpi,
                           PIX **out);

/* Encodes pix as format (IFF_PNG, IFF_JFIF_JPEG, IFF_WEBP, IFF_TIFF_G4, IFF_TIFF_ZIP...).
 * IFF_TIFF_G4 first thresholds the page to 1 bit.  pix is borrowed. */
dp_err fixture_encode(PIX *pix, int format, unsigned char **buf, size_t *len);

/* ---- encoded pages (12 pt, 300 DPI) ---- */

dp_err fixture_png(const char *const *lines, size_t n, unsigned char **buf, size_t *len);
dp_err fixture_jpeg(const char *const *lines, size_t n, unsigned char **buf, size_t *len);
/* DP_EUNSUPP when this Leptonica was built without WebP. */
dp_err fixture_webp(const char *const *lines, size_t n, unsigned char **buf, size_t *len);
/* Single-page 1-bit G4 TIFF. */
dp_err fixture_tiff(const char *const *lines, size_t n, unsigned char **buf, size_t *len);
/* Multi-page 1-bit G4 TIFF: page p has nlines[p] lines pages[p][0..]. */
dp_err fixture_tiff_multipage(const char *const *const *pages, const size_t *nlines, size_t npages,
                              unsigned char **buf, size_t *len);

/* A PNG page turned clockwise by degrees (0, 90, 180, 270): what a sideways scan looks like. */
dp_err fixture_rotated_png(const char *const *lines, size_t n, int degrees, unsigned char **buf,
                           size_t *len);

/* A letter page scanned at a low dpi (e.g. 100) with 10 pt text.  keep_res = 0 leaves the
 * resolution out of the file, so a reader has to guess it from the pixel size. */
dp_err fixture_lowdpi_png(const char *const *lines, size_t n, int dpi, int keep_res,
                          unsigned char **buf, size_t *len);

/* A PNG that is only a signature, an IHDR declaring width x height (8-bit grey) and IEND:
 * enough to test pixel caps that must be checked before any decoding. */
dp_err fixture_png_huge_header(uint32_t width, uint32_t height, unsigned char **buf, size_t *len);

/* pix (32-bit; alpha kept when spp is 4) as an 8-bit RGBA PNG with Adam7 interlacing, which
 * Leptonica does not write.  pix is borrowed. */
dp_err fixture_png_interlaced(PIX *pix, unsigned char **buf, size_t *len);

/* ---- PDFs (letter pages) ---- */

/* A hostile one-page PDF of a few kB: its content draws form X0, form Xi draws X(i+1) twice and
 * the last one shows a word, so rendering or reading it makes 2^depth draws (depth 1..50). */
dp_err fixture_pdf_nested_xobjects(int depth, unsigned char **buf, size_t *len);

/* PDF with a real text layer (cairo_show_text), layout as in FIXTURE_PDF_* above. */
dp_err fixture_pdf_text(const char *const *const *pages, const size_t *nlines, size_t npages,
                        unsigned char **buf, size_t *len);

/* "Scanned" PDF: each page is only an image of its lines rendered at 300 DPI, no text. */
dp_err fixture_pdf_scanned(const char *const *const *pages, const size_t *nlines, size_t npages,
                           unsigned char **buf, size_t *len);

#endif
