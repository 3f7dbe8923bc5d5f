/* result.h -- the result JSON of a read document (pages, words, text, quality), as DESIGN.md
 * fixes it. Pure: builds cJSON from struct dp_doc_text. */
#ifndef DP_RESULT_H
#define DP_RESULT_H
#include <cjson/cJSON.h>
#include "page.h"

/* Below this mean word confidence (0..1) or above this garbage share a page needs review. */
#define RESULT_REVIEW_CONF    0.60
#define RESULT_REVIEW_GARBAGE 0.25

/* {"pages":[...], "text": all pages joined by "\f", "needs_review": bool}. Caller owns it. */
cJSON *result_encode(const struct dp_doc_text *doc);

/* One page object {number,width,height,dpi,rotation,source,confidence,quality,text,words}. */
cJSON *result_encode_page(const struct dp_page *p);

/* One field of a result's "fields": {name, value, text, confidence, page, bbox, valid, source}
 * in that order. value is taken over (deleted when out of memory); page < 1 and bbox NULL
 * write null; confidence is written as given (callers round). NULL when out of memory. */
cJSON *result_field(const char *name, cJSON *value, const char *text, double confidence, int page,
                    const int bbox[4], int valid, const char *source);

/* Share of characters in text that are neither letters, digits, common punctuation nor space
 * (a cheap garbage score for OCR output). 0 for empty text. */
double result_garbage_ratio(const char *text);

/* All pages' text joined by form feeds; caller frees. */
char *result_join_text(const struct dp_doc_text *doc);

/* A whole hOCR document around every page's hOCR fragment; caller frees. */
char *result_join_hocr(const struct dp_doc_text *doc);

#endif
