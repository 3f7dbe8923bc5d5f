/* hocr.h -- an hOCR fragment written from a page's words, for pages whose words no longer match
 * what Tesseract's own hOCR says (scaled for reading and mapped back, lines re-read). Pure. */
#ifndef DP_HOCR_H
#define DP_HOCR_H
#include "err.h"
#include "page.h"

/* Writes p's words as one ocr_page div (ocr_carea + ocr_par per block, ocr_line per line,
 * ocrx_word with bbox and x_wconf; text XML-escaped) into a new string *out (caller frees).
 * DP_ENOMEM. */
dp_err hocr_from_page(const struct dp_page *p, char **out);

#endif
