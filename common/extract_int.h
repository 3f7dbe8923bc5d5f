/* extract_int.h -- internals shared by the extract*.c files (driver, money, dates, ids,
 * parties). Not a public header: only common/extract*.c include it. */
#ifndef DP_EXTRACT_INT_H
#define DP_EXTRACT_INT_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include "extract.h"

/* Pattern ids. Each module owns a range and a table of sources (extract_*_res below). */
enum extract_re_id {
    /* money: extract_money.c */
    XRE_AMOUNT,     /* one printed amount, optional currency before/after */
    XRE_KW_TOTAL,   /* total-like label; group "strong" set for unmistakable ones */
    XRE_KW_SUB,     /* subtotal / net amount label */
    XRE_KW_TAX,     /* tax label */
    XRE_KW_INCL,    /* "including tax" marker: such a total is not a tax line */
    XRE_KW_NOTOTAL, /* cash tendered, change, quantities: never a total */
    XRE_KW_TAXNOT,  /* tax word used for ids ("GST Reg No", "Tax Invoice") */
    XRE_KW_ROUND,   /* cash-rounding adjustment label */
    /* dates: extract_date.c */
    XRE_DATE_NUM,  /* 25/12/2018, 2018-12-25, 22-04-16 */
    XRE_DATE_DMY,  /* 25 December 2018, 25 déc. 2018 */
    XRE_DATE_MDY,  /* Dec 25, 2018 */
    XRE_KW_DUE,    /* due-date label */
    XRE_KW_DATE,   /* document-date label */
    XRE_KW_NODATE, /* delivery, period, expiry: a weaker document date */
    /* ids: extract_ids.c */
    XRE_IBAN,       /* IBAN-shaped token, spaces allowed */
    XRE_VAT,        /* EU VAT id shape */
    XRE_KW_VAT,     /* VAT id label */
    XRE_INVNO,      /* invoice-number label + value */
    XRE_INVNO_HEAD, /* a line that is only an invoice-number label */
    XRE_INVNO_VAL,  /* a line that starts with an id-like value */
    XRE_EMAIL,      /* e-mail address */
    XRE_URL,        /* http(s) or www. address */
    XRE_PHONE,      /* phone label + number, or +international number */
    /* parties: extract_party.c */
    XRE_LEGAL,      /* legal-form suffix of a company name */
    XRE_ADDR_CUE,   /* street / postcode cue */
    XRE_ADDR_STOP,  /* line that ends an address block (tel, gst, invoice, ...) */
    XRE_NOT_VENDOR, /* title lines that are never the vendor (invoice, receipt, page) */
    XRE_SELLER_LBL, /* a line that opens the seller's block ("Verkäufer", "Vendeur :") */
    XRE_BUYER_LBL,  /* a line that opens the buyer's block ("Käufer", "Client") */
    XRE_NAME_LBL,   /* a "Name:" label inside a party block ("Firma:", "Raison sociale :") */
    XRE_COUNT
};

/* One pattern source. */
struct extract_re {
    enum extract_re_id id;
    const char *src; /* PCRE2 source */
    uint32_t flags;  /* PCRE2 compile options besides UTF and MATCH_INVALID_UTF */
};

extern const struct extract_re extract_money_res[];
extern const size_t extract_money_nres;
extern const struct extract_re extract_date_res[];
extern const size_t extract_date_nres;
extern const struct extract_re extract_ids_res[];
extern const size_t extract_ids_nres;
extern const struct extract_re extract_party_res[];
extern const size_t extract_party_nres;

/* Compiled patterns, index = enum extract_re_id. Immutable after extractor_new(). */
struct extractor {
    pcre2_code *re[XRE_COUNT];
};

/* Byte range of one text line inside its page text (without the '\n'). */
struct extract_line {
    size_t off, len;
};

/* One page as the extractors see it. */
struct extract_page {
    const struct dp_page *pg;   /* the source page, not owned */
    const char *text;           /* pg->text, or owned_text when synthesised from words */
    size_t len;                 /* bytes of text */
    char *owned_text;           /* text joined from words when pg->text is NULL; owned */
    struct extract_line *lines; /* owned array of nlines */
    size_t nlines;
    size_t *woff; /* owned: byte offset of word i in text, SIZE_MAX when not found */
};

/* Where a field was read: a byte range of one page's text. */
struct extract_span {
    size_t page;     /* index into ctx->pages */
    size_t off, len; /* bytes in that page's text */
};

/* State of one extract_fields() call. */
struct extract_ctx {
    const struct extractor *ex;
    pcre2_match_data *md; /* per call: makes a shared extractor thread-safe */
    struct extract_page *pages;
    size_t npages;
    int64_t today;        /* unix seconds */
    int month_first;      /* resolved date order for ambiguous numeric dates */
    const char *currency; /* document currency (ISO 4217, static) or NULL */
    const char *phone_cc; /* opts->phone_country or NULL */
    int order_hint;       /* opts->month_first, or the document language's order */
    int lang;             /* the document's language (enum extract_lang), -1 = unknown */
    char decimal;         /* its decimal mark ('.' or ','), 0 = unknown */
    cJSON *out;           /* the field array being built */
};

/* Runs pattern id on s[0..len) from byte start. Returns 1 on a match (offsets in
 * extract_ov), 0 on none or error. */
int extract_match(struct extract_ctx *c, enum extract_re_id id, const char *s, size_t len,
                  size_t start);
/* Output vector of the last match: pairs of byte offsets; unset groups are PCRE2_UNSET. */
PCRE2_SIZE *extract_ov(struct extract_ctx *c);
/* Offsets of named group `name` of pattern id in the last match; 0 if unset. */
int extract_group(struct extract_ctx *c, enum extract_re_id id, const char *name, size_t *so,
                  size_t *eo);
/* 1 if pattern id matches anywhere in s[0..len). Clobbers the last match. */
int extract_has(struct extract_ctx *c, enum extract_re_id id, const char *s, size_t len);

/* Words on the same visual row as line li of page pi and right of its last word, in x
 * order: up to max word indices into idx; returns how many. Only words found in the page
 * text count. */
size_t extract_row_right(const struct extract_ctx *c, size_t pi, size_t li, size_t *idx,
                         size_t max);

/* The lines of page pi in visual order, as a reader of the printed page meets them: rows from
 * top to bottom (a line joins a row when its vertical centre is above the bottom of the row's
 * first line), left to right within a row. Tesseract's layout analysis gives the text column
 * by column (a label column, then its values; a letterhead on the right after the whole left
 * column): rules that look for "the top of the page" read this order instead. Writes
 * pages[pi].nlines line indices into order and each one's row number (0-based, ascending) into
 * row (NULL: not wanted). A line without words keeps its place after the line before it in
 * the text; without any word boxes the order is the text's, one row per line. DP_ENOMEM. */
dp_err extract_visual_lines(const struct extract_ctx *c, size_t pi, size_t *order, size_t *row);

/* Pointer to the first byte of line li of page pi. */
const char *extract_line_text(const struct extract_ctx *c, size_t pi, size_t li);

/* Appends a field to c->out. value is consumed (freed on failure too). rule is the strength
 * of the rule that found it (0..1); the OCR confidence of the covered words is folded in.
 * DP_ENOMEM on allocation failure. */
dp_err extract_emit(struct extract_ctx *c, const char *name, cJSON *value,
                    const struct extract_span *sp, double rule, int valid);

/* Counts fields named name already emitted. */
int extract_count(const struct extract_ctx *c, const char *name);

/* ---- languages (extract_lang.c) ---- */

/* The languages whose labels and formats the extractors know (Tesseract's order). */
enum extract_lang { EXL_ENG, EXL_DEU, EXL_FRA, EXL_NLD, EXL_SPA, EXL_ITA, EXL_POR, EXL_COUNT };

/* A label of the document's language counts fully; an English one (the fallback every
 * document may carry) this much; one of another language this much. */
#define EXTRACT_W_ENGLISH 0.95
#define EXTRACT_W_FOREIGN 0.85

/* enum extract_lang of a Tesseract code's first language ("deu", "fra+eng"), or -1. */
int extract_lang_index(const char *lang);
/* Bit set (1 << enum extract_lang) of the languages whose label words s[0..len) holds;
 * 0 when none is known (numbers, signs, words every language uses). Pure. */
unsigned extract_label_langs(const char *s, size_t len);
/* How much a label s[0..len) counts in this document: 1 when its language is unknown or the
 * label is in it or in no known language, else EXTRACT_W_ENGLISH or EXTRACT_W_FOREIGN. */
double extract_label_weight(const struct extract_ctx *c, const char *s, size_t len);
/* The decimal mark of a language's amounts: '.' for English, ',' for the others, 0 for -1. */
char extract_lang_decimal(int lang);

/* Module passes, run in this order by extract_fields(). */
dp_err extract_party_run(struct extract_ctx *c);
const char *extract_money_currency(struct extract_ctx *c); /* dominant currency or NULL */
/* A plain decimal from extract_parse_amount ("1234.56") in cents; extract_amount.c. */
int64_t extract_to_cents(const char *a);
/* The digit an OCR'd character stands for in an amount ('O'/'o' -> '0', 'l'/'I' -> '1'), or 0. */
int extract_conf_digit(char ch);
dp_err extract_date_run(struct extract_ctx *c);
dp_err extract_ids_run(struct extract_ctx *c);
dp_err extract_money_run(struct extract_ctx *c);

#endif
