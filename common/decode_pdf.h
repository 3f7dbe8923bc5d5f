/* decode_pdf.h -- the PDF half of decode (poppler-glib): open, text layer or rasterise a page.
 * Internal to common/decode.c; everyone else uses decode.h. */
#ifndef DP_DECODE_PDF_H
#define DP_DECODE_PDF_H
#include <stddef.h>
#include "decode.h"

/* An open PDF (poppler document over borrowed bytes); opaque. */
struct decode_pdf;

/* Opens buf (borrowed until decode_pdf_close) and counts its pages.  On failure writes a reason
 * into errstr[errlen] and leaves *out NULL: DP_EDECODE, DP_EUNSUPP (encrypted), DP_ENOMEM. */
dp_err decode_pdf_open(const unsigned char *buf, size_t len, struct decode_pdf **out,
                       size_t *npages, char *errstr, size_t errlen);

/* Decodes page index as decode_page() documents it, with the (defaults-filled) caps lim. */
dp_err decode_pdf_page(struct decode_pdf *pdf, size_t index, const struct decode_limits *lim,
                       struct decode_page *out, char *errstr, size_t errlen);

/* The first embedded file of at most max bytes for which want(buf, len) says 1: *out (caller
 * frees) and *len. DP_ENOTFOUND when there is none, DP_ETOOBIG when only larger ones exist. */
dp_err decode_pdf_attachment(struct decode_pdf *pdf, int (*want)(const char *, size_t), size_t max,
                             char **out, size_t *len);

/* Frees pdf.  NULL is a no-op. */
void decode_pdf_close(struct decode_pdf *pdf);

#endif
