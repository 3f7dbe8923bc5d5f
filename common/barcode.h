/* barcode.h -- barcodes and QR codes on a page image, read with zbar (Debian libzbar).
 *
 * A scanner is made once per process (barcode_scanner_new) and used for one image at a time; it
 * is not thread-safe. The image is scanned on every second row and column (zbar's density 2),
 * which finds codes whose modules are at least two pixels wide; pages of BARCODE_HALF_DPI and
 * more are first halved, so codes need modules of about 0.4 mm (a 2 cm EPC code of 45
 * modules has 0.44 mm). On a 300 DPI letter page of text this costs about 1 % of OCR. */
#ifndef DP_BARCODE_H
#define DP_BARCODE_H
#include <stddef.h>
#include <leptonica/allheaders.h>
#include "err.h"
#include "page.h"

#define BARCODE_MAX_PER_PAGE 32   /* codes kept per page */
#define BARCODE_MAX_TEXT     4096 /* bytes kept of a payload */
#define BARCODE_HALF_DPI     250  /* images at this resolution or more are read at half size */

struct barcode_scanner;

/* A scanner with every symbology enabled. *out is the caller's (barcode_scanner_free).
 * DP_ENOMEM. */
dp_err barcode_scanner_new(struct barcode_scanner **out);
void barcode_scanner_free(struct barcode_scanner *s);

/* Scans pix (8-bit grey, as decode hands it out; other depths are converted) and appends what
 * it finds to page->barcodes with boxes in pix pixels divided by scale (decode_page's scale:
 * the boxes land in source-image pixels like the words'). DP_ENOMEM. Nothing found is DP_OK. */
dp_err barcode_scan(struct barcode_scanner *s, PIX *pix, float scale, struct dp_page *page);

#endif
