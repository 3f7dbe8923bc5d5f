/* lineitems.h -- line items from the column layout of a page: a description, then quantity,
 * unit, unit price, tax rate and amount in any of the usual orders, as receipts and invoice
 * tables print them ("2 x Coffee 3.50 7.00", "1 Trennblätter A4 20 Stk 9,90 19 % 198,00").
 *
 * lineitems_parse_line() is pure over one line of text; lineitems_table() reads a table of
 * items (pages[].tables[]); lineitems_find() uses the tables of a page that read as items, and
 * the lines of the other pages, between the column header (if any) and the first total line. */
#ifndef DP_LINEITEMS_H
#define DP_LINEITEMS_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "page.h"
#include "table.h"

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
    int bbox[4];                 /* lineitems_table: the item's cells [x,y,w,h] in page pixels */
    float conf;                  /* lineitems_table: 0..1; 0 from the line parser */
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

/* Column roles of a table of items, from a header cell's text. */
enum lineitems_col {
    LI_COL_NONE = 0, /* not an item column, or not known */
    LI_COL_POS,      /* position, article or item number */
    LI_COL_DESC,     /* description */
    LI_COL_QTY,      /* quantity */
    LI_COL_UNIT,     /* unit of measure */
    LI_COL_PRICE,    /* unit price */
    LI_COL_TAX,      /* tax rate */
    LI_COL_AMOUNT,   /* line amount (net, or the only one) */
    LI_COL_GROSS     /* line amount with tax (used when there is no net one) */
};

/* The role a table header cell's text names, in English, German, French, Dutch, Spanish or
 * Italian ("Unit price", "Einzelpreis", "Prix unitaire", "Aantal", "Importe", "MwSt %"...);
 * LI_COL_NONE when it names none. Pure. */
enum lineitems_col lineitems_header_role(const char *text);

/* Reads table t as a list of line items into out[0..max): the columns are mapped by a header
 * row (lineitems_header_role) and by the shape of their values (a pair of columns whose
 * product is a third: quantity x unit price = amount); a body row without a value in the
 * number columns it would repeat continues the item above (a description on several rows, an
 * amount on the row below); a total, subtotal or tax row ends the items. Returns the number
 * of items (each with bbox and conf), 0 when the table is not a list of items. Pure. */
size_t lineitems_table(const struct table *t, struct lineitem *out, size_t max);

/* Line items of doc as result JSON [{description, quantity, unit, unit_price, amount,
 * tax_rate, page, bbox, confidence, source:"rules"}]: from the page's tables where one reads
 * as items (lineitems_table), else from its lines; currency from the fields' total when it has
 * one. Caller owns; NULL on ENOMEM. */
cJSON *lineitems_find(const struct dp_doc_text *doc, const cJSON *fields);

#endif
