/* decode.h -- uploaded file bytes -> pages: an 8-bit grey PIX to OCR, or words already read
 * from a PDF's text layer.
 *
 * The type is sniffed from magic bytes only (never the client's Content-Type).  Caps are checked
 * before any pixel is decoded (image headers via pixReadHeaderMem, PDF page sizes from the page
 * box), and pages are decoded one at a time so a 200-page PDF is never rasterised at once:
 *
 *     struct decoded *d = NULL;
 *     dp_err e = decode_open(buf, len, &limits, &d);
 *     if (e) { report(e, decode_errstr(d)); decode_close(d); return; }
 *     for (size_t i = 0; i < decode_npages(d); i++) {
 *         struct decode_page pg;
 *         if ((e = decode_page(d, i, &pg))) ...;
 *         ... pg.kind == DECODE_PIX ? ocr(pg.pix) : use(&pg.text) ...
 *         decode_page_cleanup(&pg);
 *     }
 *     decode_close(d);
 *
 * Errors: DP_EUNSUPP (not PNG/JPEG/TIFF/WebP/PDF, a WebP without WebP support in Leptonica, an
 * encrypted PDF), DP_ETOOBIG (over a cap), DP_EDECODE (corrupt or truncated data), DP_ENOMEM.
 * A handle is not thread-safe; separate handles may be used from separate threads. */
#ifndef DP_DECODE_H
#define DP_DECODE_H
#include <stddef.h>
#include <stdint.h>
#include <leptonica/allheaders.h>
#include "err.h"
#include "page.h"

/* MIME types decode_sniff() reports (static strings). */
#define DECODE_MIME_PNG  "image/png"
#define DECODE_MIME_JPEG "image/jpeg"
#define DECODE_MIME_TIFF "image/tiff"
#define DECODE_MIME_WEBP "image/webp"
#define DECODE_MIME_PDF  "application/pdf"
#define DECODE_MIME_XML  "application/xml" /* e-invoice XML (CII or UBL) only; it has no pages */

/* Caps and resolutions.  A field left 0 takes the default in brackets. */
struct decode_limits {
    size_t max_pages;         /* more pages than this -> DP_ETOOBIG at open [500] */
    uint64_t max_page_pixels; /* width * height cap per page, checked before decoding [50e6] */
    int pdf_dpi; /* resolution PDF pages are read at (text-layer boxes too), and the resolution
                    low-resolution images are upscaled towards [300]; range 10..1200 */
    int min_dpi; /* images below this (declared or guessed) are upscaled [150] */
    uint64_t max_decode_bytes; /* memory an image page may take to decode (estimated from its
                                  header: decoder buffers, pixels, grey copy); over it ->
                                  DP_ETOOBIG before decoding [0 = no estimate check] */
    int text_raster_dpi;       /* > 0: a PDF page read from its text layer also gets its drawing
                                  rendered at this resolution (ruling lines, check boxes) [0 = no] */
    int code_raster_dpi;       /* > 0 (with text_raster_dpi): the picture regions of such a page
                                  (figures.h: images, drawings) are rendered again at this
                                  resolution, for barcodes and QR codes [0 = no] */
};

/* A part of a PDF text page rendered at code_raster_dpi: a picture that may hold a code. */
struct decode_region {
    PIX *pix;    /* 8-bit grey, resolution set; owned */
    int x, y;    /* its top-left corner in page pixels (the text's units) */
    float scale; /* pix pixels per page pixel */
};

/* What a page decoded to. */
enum decode_kind {
    DECODE_PIX = 0, /* pix holds an image to OCR */
    DECODE_TEXT = 1 /* text holds the words of a PDF text layer; no OCR needed */
};

/* One decoded page.  Owns its pix / text: release with decode_page_cleanup(). */
struct decode_page {
    enum decode_kind kind;
    PIX *pix;      /* DECODE_PIX: 8-bit grey, upright as stored, resolution set to dpi;
                      DECODE_TEXT: the page rendered at text_raster_dpi (resolution set), or
                      NULL when not asked for or not renderable (best effort) */
    int dpi;       /* resolution of pix (after upscaling) or of text's pixel units */
    float scale;   /* pix pixels per source pixel: 1, > 1 when upscaled, < 1 when an image
                      was decoded scaled down to fit max_decode_bytes; divide OCR boxes by it
                      to get source-image pixels */
    int src_width; /* page size as stored: image pixels, or the PDF page in pixels at dpi */
    int src_height;
    int src_dpi; /* resolution the source declared or, when implausible/unset, was guessed */
    int damaged; /* the file's data was corrupt (a JPEG cut short or with bad entropy data):
                    pix holds what could be read, the rest is grey */
    struct dp_page text; /* DECODE_TEXT: number, size and dpi, text, and words with boxes in
                            pixels at dpi, source = DP_SRC_TEXT_LAYER; zeroed for DECODE_PIX */
    struct decode_region *regions; /* DECODE_TEXT with code_raster_dpi: the page's pictures
                                      (owned array of nregions, at most FIGURES_MAX); NULL when
                                      it has none (a page of text has none) */
    size_t nregions;
};

/* An open document; opaque. */
struct decoded;

/* Type of buf by magic bytes only: PNG, JPEG, TIFF (II*\0, MM\0*, BigTIFF), WebP
 * (RIFF....WEBP), PDF (%PDF- within the first 1024 bytes), e-invoice XML (einvoice_sniff:
 * CII or UBL; other XML is unsupported).  *mime is a static DECODE_MIME_*.
 * Anything else (text, empty, truncated signatures, BMP, GIF...) -> DP_EUNSUPP.  Pure. */
dp_err decode_sniff(const unsigned char *buf, size_t len, const char **mime);

/* Fills *lim with the defaults above. */
void decode_limits_default(struct decode_limits *lim);

/* Opens buf (borrowed: it must stay valid and unchanged until decode_close) with the caps of
 * lim (NULL = defaults).  Counts pages and checks the page cap and the first page's header.
 * *out is set whenever memory allowed, on failure too, so that decode_errstr() can say why:
 * the caller always calls decode_close(*out).  DP_ENOMEM leaves *out NULL. */
dp_err decode_open(const unsigned char *buf, size_t len, const struct decode_limits *lim,
                   struct decoded **out);

/* Number of pages (0 for a handle whose open failed). */
size_t decode_npages(const struct decoded *d);

/* The sniffed MIME type (static string), or NULL if sniffing failed. */
const char *decode_mime(const struct decoded *d);

/* Decodes page index (0-based) into *out (overwritten; cleaned up by the caller on DP_OK only).
 * Images: header checked against max_page_pixels and, when set, max_decode_bytes: a JPEG that
 * does not fit is decoded at 1/2, 1/4 or 1/8 size, a PNG or TIFF page is read row by row
 * straight to grey and box-averaged down by the smallest integer factor that fits
 * (decode_stream.h; scale = 1/factor), else DP_ETOOBIG.  Decoded (JPEG as luminance only),
 * alpha flattened on white, converted to 8-bit grey (each colour image freed before the next
 * step allocates), upscaled when below min_dpi (not when streamed).  PDF: a page with a usable text
 * layer (>= 20 printable non-space characters, >= 90% of them real text) becomes DECODE_TEXT; other
 * pages are rasterised at pdf_dpi (lowered to fit max_page_pixels, DP_ETOOBIG below 72). */
dp_err decode_page(struct decoded *d, size_t index, struct decode_page *out);

/* The e-invoice XML the document carries: for an XML upload the file itself (*source "xml"),
 * for a PDF the first embedded file that is CII or UBL (ZUGFeRD, Factur-X; *source
 * "embedded_xml"), at most EINVOICE_MAX_BYTES. *xml is a copy the caller frees.
 * DP_ENOTFOUND when there is none, DP_ETOOBIG, DP_ENOMEM. */
dp_err decode_embedded_xml(struct decoded *d, char **xml, size_t *len, const char **source);

/* Frees what a page owns and zeroes it.  NULL is a no-op. */
void decode_page_cleanup(struct decode_page *p);

/* Text of the last failure on d ("" if none); valid until the next call on d. */
const char *decode_errstr(const struct decoded *d);

/* Closes d and frees everything it holds.  NULL is a no-op. */
void decode_close(struct decoded *d);

/* A new PIX: pix turned clockwise by degrees (0, 90, 180, 270, or the same +/- 360).  pix is
 * borrowed; the caller owns the result.  NULL for other angles or on allocation failure. */
PIX *decode_rotate(PIX *pix, int degrees);

/* Resolution to assume for a w x h image that declares declared_dpi (0 = none): the declared
 * value if it makes the short side a plausible page (2..17 inches), else short side / 8.5 in
 * (a letter/A4 page).  Exposed for tests.  Pure. */
int decode_guess_dpi(int w, int h, int declared_dpi);

#endif
