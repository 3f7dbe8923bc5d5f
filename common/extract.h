/* extract.h -- typed field extraction: dates, amounts, ids, parties from a read document.
 *
 * An extractor holds the compiled PCRE2 patterns. It is immutable after extractor_new(), so
 * one extractor may be shared by any number of threads; every extract_fields() call allocates
 * its own match data. The pure helpers below (extract_parse_*, extract_iban_*) work on
 * (buf, len) strings and need no extractor.
 *
 * Output of extract_fields(): a cJSON array of field objects, as DESIGN.md fixes them:
 *   {"name":"total","value":{"amount":"1234.56","currency":"EUR"},"text":"EUR 1.234,56",
 *    "confidence":0.91,"page":1,"bbox":[x,y,w,h],"valid":true}
 * Names: date, due_date (value "YYYY-MM-DD"); total, subtotal, tax (value {amount,currency},
 * currency is an ISO 4217 code or null); invoice_number, company, address, iban, vat_id,
 * email, phone, url (value a string). "page" is 1-based; "bbox" is the union of the boxes of
 * the words the match covers, in page pixels, or null when no word could be mapped.
 * "confidence" (0..1) combines the strength of the rule that fired with the OCR confidence
 * of the covered words. "valid" is the field's own check (calendar date, mod-97, arithmetic
 * subtotal + tax = total, format of a VAT id, ...). Each name appears at most once, except
 * email, phone and url, which are reported once per distinct value (at most 4 each). */
#ifndef DP_EXTRACT_H
#define DP_EXTRACT_H
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "err.h"
#include "page.h"

/* Compiled patterns; opaque. Shareable across threads once built. */
struct extractor;

/* Per-call options. A zeroed struct (or NULL) means "all defaults". */
struct extract_opts {
    const char *default_currency; /* ISO 4217 code used when the document shows none; NULL =
                                     leave currency null. Not owned. */
    int64_t today;                /* reference "now", unix seconds, for date plausibility
                                     (dates later than today + 1 year are refused); 0 = time(NULL) */
    int month_first;              /* date order hint: 0 = infer (default day-first, US documents
                                     month-first), 1 = month-first, -1 = day-first. Unambiguous
                                     dates in the document always win over the hint. */
    const char *phone_country;    /* calling code without '+', e.g. "49", used to write national
                                     numbers ("030 1234") as "+4930..."; NULL = keep digits only */
    const char *lang;             /* the document's language, a Tesseract code ("deu", "fra",
                                     "eng"; "deu+eng" counts as "deu"), NULL or unknown = none.
                                     Its labels count first (English next, others last), its
                                     decimal mark settles "1.234" / "1,234" (English '.', the
                                     others ','), and its date order breaks a tie of the
                                     document's dates (English: month first in US dollars,
                                     the others day first). */
};

/* A calendar date. */
struct extract_date {
    int year;  /* four digits */
    int month; /* 1..12 */
    int day;   /* 1..31 */
};

/* Order of day and month in a numeric date such as 03/04/2026. */
enum extract_order {
    EXTRACT_DAY_FIRST = 0,   /* 03/04/2026 = 3 April */
    EXTRACT_MONTH_FIRST = 1, /* 03/04/2026 = 4 March */
};

/* Builds an extractor (compiles every pattern). On success *out is owned by the caller and
 * freed with extractor_free(). DP_ENOMEM, or DP_EINVAL if a pattern fails to compile. */
dp_err extractor_new(struct extractor **out);
/* Frees an extractor. NULL is a no-op. */
void extractor_free(struct extractor *ex);

/* Extracts the typed fields of doc. ex may be NULL (a temporary extractor is built: slower);
 * opts may be NULL. On success *out is a new cJSON array owned by the caller (possibly
 * empty). DP_EINVAL on NULL doc/out, DP_ENOMEM. */
dp_err extract_fields(const struct extractor *ex, const struct dp_doc_text *doc,
                      const struct extract_opts *opts, cJSON **out);

/* As extract_fields, then once more over the document as its pages' second readings have it
 * (dp_page.alt, common/altread.h): a field the first reading lacks, or reads invalid where
 * the second reads it valid, or reads as another valid value less surely (by
 * EXTRACT_ALT_MARGIN after the penalty), is taken from there with its confidence times
 * EXTRACT_ALT_PENALTY and "reading": "alternate" (email, phone and url are not). Without
 * alternates it is extract_fields. */
#define EXTRACT_ALT_PENALTY 0.9
#define EXTRACT_ALT_MARGIN  0.1
dp_err extract_fields_alt(const struct extractor *ex, const struct dp_doc_text *doc,
                          const struct extract_opts *opts, cJSON **out);

/* ---- pure helpers (unit-testable on strings) ---- */

/* Parses a printed amount ("1.234,56", "1,234.56", "1 234,56", "1234", "EUR 12,5",
 * "l2.5O" with OCR confusions O->0, l/I->1) into a plain decimal with two decimals
 * ("1234.56", "-3.00") written NUL-terminated into out. Currency symbols and codes around
 * the number are ignored. DP_EPARSE if s holds no amount, DP_ETOOBIG if outsz is too small. */
dp_err extract_parse_amount(const char *s, size_t len, char *out, size_t outsz);
/* The same with the document's decimal mark dec ('.' or ','; 0 = unknown): it decides the
 * one case the printing leaves open, a single separator followed by three digits ("1.234" is
 * 1.23 with dec '.', 1234.00 with dec ','; unknown: thousands). */
dp_err extract_parse_amount_dec(const char *s, size_t len, char dec, char *out, size_t outsz);

/* ISO 4217 code for a currency sign or code found in s[0..len) ("€", "RM", "usd", "Rs."),
 * or NULL if there is none. The result is a static string. */
const char *extract_currency_code(const char *s, size_t len);

/* Parses one printed date: numeric ("25/12/2018", "22-04-16", "2018-12-25", "25.12.2018")
 * or with a month name in English, German, French or Dutch ("Dec 25, 2018", "25 déc. 2018",
 * "3. März 2024"). order resolves d/m ambiguity of numeric dates whose year is last; a
 * component over 12 overrides it. Two-digit years are 20xx. DP_EPARSE unless s is exactly
 * one date (surrounding whitespace allowed) that exists in the calendar. */
dp_err extract_parse_date(const char *s, size_t len, enum extract_order order,
                          struct extract_date *out);
/* 1 if y-m-d exists in the proleptic Gregorian calendar (1 <= y <= 9999), else 0. */
int extract_date_valid(int y, int m, int d);

/* 1 if s[0..len) is an IBAN with a correct ISO 13616 mod-97 checksum and the length its
 * country prescribes (spaces ignored, case-insensitive), else 0. No OCR repair. */
int extract_iban_valid(const char *s, size_t len);
/* Normalises an IBAN (spaces removed, upper case) into out. If the checksum fails as read,
 * OCR confusions O/o->0, I/l->1 are tried in the positions that hold them; a combination
 * that passes is written instead. Returns 1 if the written IBAN is valid, 0 if not, -1 if
 * s does not look like an IBAN at all or outsz (>= 35 recommended) is too small. */
int extract_iban_normalise(const char *s, size_t len, char *out, size_t outsz);

/* Writes the digits of a phone number with a leading '+' when the international prefix is
 * known ("+49 (0)30 1234-5" -> "+493012345", "0049 30..." -> "+4930...", a national number
 * "030 1234" with cc "49" -> "+49301234"); cc NULL keeps a national number as digits.
 * DP_EPARSE unless 7..15 digits remain; DP_ETOOBIG if outsz is too small. */
dp_err extract_normalise_phone(const char *s, size_t len, const char *cc, char *out, size_t outsz);

#endif
