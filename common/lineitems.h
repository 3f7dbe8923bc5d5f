/* lineitems.h -- line items from the column layout of a page: a description, then quantity,
 * unit, unit price, tax rate and amount in any of the usual orders, as receipts and invoice
 * tables print them ("2 x Coffee 3.50 7.00", "1 Trennblätter A4 20 Stk 9,90 19 % 198,00").
 *
 * lineitems_parse_line() is pure over one line of text; lineitems_find() runs it over every
 * line of a read document, between the column header (if any) and the first total line. */
#ifndef DP_LINEITEMS_H
#define DP_LINEITEMS_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "page.h"

#define LINEITEMS_MAX      500 /* items kept per document */
#define LINEITEMS_MAX_TOKS 64  /* tokens looked at per line */

/* One item read from a line. Decimals are plain ("1234.56"); "" when absent. */
struct lineitem {
    char description[256];
    char quantity[24];
    char unit[16];
    char unit_price[24];
    char amount[24];
    char tax_rate[16];
    size_t desc_first, desc_end; /* token range [first, end) of the description */
    size_t toks_used;            /* tokens of the line up to the amount (inclusive) */
};

/* Reads toks[0..n) (the blank-separated tokens of one line) as a line item. 1 and *out filled
 * when the line ends with an amount (two decimals) after a description with letters and is
 * not a total, tax, payment or subtotal line; else 0. */
int lineitems_parse_tokens(const char *const *toks, size_t n, struct lineitem *out);

/* The same over one line of text buf[0..len) (split at blanks). */
int lineitems_parse_line(const char *buf, size_t len, struct lineitem *out);

/* 1 when the line's words name a total, subtotal, tax, payment or balance (where item lists
 * end), else 0. */
int lineitems_is_summary(const char *const *toks, size_t n);

/* Line items of doc as result JSON [{description, quantity, unit, unit_price, amount,
 * tax_rate, page, bbox, confidence, source:"rules"}]; currency from the fields' total when it
 * has one. Caller owns; NULL on ENOMEM. */
cJSON *lineitems_find(const struct dp_doc_text *doc, const cJSON *fields);

#endif
