/* vendor.h -- a tenant's vendor memory: the company names (with address, VAT id and IBAN) that
 * people confirmed. In a new document a span that fuzzily matches a known name, or that holds
 * a known VAT id or IBAN, gives back the confirmed spelling (source "memory"), which also
 * repairs OCR errors in names that recur. Pure. */
#ifndef DP_VENDOR_H
#define DP_VENDOR_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include "cand.h"
#include "err.h"

#define VENDOR_MAX      5000 /* vendors per tenant (later ones are dropped) */
#define VENDOR_TEXT_MAX 256  /* bytes of one name, address line, id */
#define VENDOR_MIN_SIM  0.8  /* similarity a name must reach */
#define VENDOR_MIN_NAME 5    /* shorter names only match exactly */
#define VENDOR_ADDR_SIM                                                                            \
    0.85 /* a remembered address is given where a line or run of lines of the                      \
            page is this like it (a branch prints another address) */

#define VENDOR_SNAP_SIM                                                                            \
    0.9 /* a company or address read this like a remembered one is given its spelling              \
           (SROIE: 0.85-0.95 gain alike, 0.8 snaps to other vendors' addresses) */

#define VENDOR_IDS       8  /* numbers kept per vendor */
#define VENDOR_ID_MAX    24 /* bytes of one number (digits only, NUL included) */
#define VENDOR_ID_DIGITS 8  /* shortest number kept */
#define VENDOR_ID_FUZZY  10 /* numbers this long may differ in one digit (an OCR error) */

/* One known vendor ("" = unknown part). */
struct vendor {
    char company[VENDOR_TEXT_MAX];
    char address[VENDOR_TEXT_MAX];
    char vat_id[64]; /* upper case, no spaces */
    char iban[64];   /* upper case, no spaces */
    /* registration, tax and phone numbers printed on its confirmed pages (vendor_page_ids):
     * they name the vendor where its name is a logo or misread ("" = unused) */
    char ids[VENDOR_IDS][VENDOR_ID_MAX];
};

struct vendor_list {
    struct vendor *v; /* owned, n of cap */
    size_t n, cap;
};

/* Adds the vendor a confirmed JSON names (company or vendor, address, vat_id, iban) with the
 * numbers of its page (page may be NULL); one with the same normalised company name is
 * replaced, keeping the numbers it had. No company: nothing added. DP_ENOMEM. */
dp_err vendor_add(struct vendor_list *l, const cJSON *confirmed, const struct cand_set *page);

/* Sets each vendor's address to the spelling its confirmed documents give most often (ties:
 * the later one) instead of the last one: a reviewer's typo in one confirmation
 * ("PARINDUSTRIAN" on 2 of 6 receipts of one shop) is not what the memory repeats. confirmed:
 * the n confirmed JSONs the list was built from (vendor_add form). DP_ENOMEM. */
dp_err vendor_vote(struct vendor_list *l, const cJSON *const *confirmed, size_t n);

/* The numbers of a page that name its issuer: on lines with a registration, tax or phone label
 * (GST, SST, VAT, REG, CO., COMPANY, ROC, BRN, TEL, FAX, PHONE), runs of numeric words joined
 * (separators '-', '.', ' ' dropped; '/' ends a run) with at least VENDOR_ID_DIGITS digits,
 * digits only, at most max, no repeats. Returns how many. */
size_t vendor_page_ids(const struct cand_set *s, char ids[][VENDOR_ID_MAX], size_t max);
void vendor_list_cleanup(struct vendor_list *l);

/* The vendor best matching s: by its numbers on the page (each shared number counts one; two
 * vendors sharing one are told apart by their names and other numbers) or else by a candidate
 * whose text is like its name. Its index (-1 when no number is shared and no name reaches
 * VENDOR_MIN_SIM), the candidate most like the name in *cand ((size_t)-1 when it matched by
 * numbers alone and no candidate reaches VENDOR_MIN_SIM) and the confidence in *sim (name
 * similarity, 1 for a shared number). */
int vendor_match(const struct vendor_list *l, const struct cand_set *s, size_t *cand, double *sim);

/* When a vendor matches, sets "company" (and "address" when known and the page shows it,
 * VENDOR_ADDR_SIM) in fields to its confirmed spelling with source "memory", replacing fields
 * of those names that are not confirmed. Returns 1 when it did. */
int vendor_apply(const struct vendor_list *l, const struct cand_set *s, cJSON *fields);

/* Whether a name read on the page is another real spelling of a remembered one rather than
 * a misreading of it (then the page's spelling stands: the vendor memory gave the remembered
 * one to 4 of 11 unseen SROIE receipts at 75 labelled where the page had the right one):
 * - the same letters and digits, only spacing or punctuation differ ("MR.D.I.Y(M)SDN BHD",
 *   "AEON CO. (M) BHD." are printed so; SROIE's labels are as printed), or
 * - their words (letters and digits only, upper case) differ only by whole words left out
 *   inside the name (same first and last words; a word the page adds has two or more
 *   characters): "MR. D.I.Y. SDN BHD" beside a remembered "MR. D.I.Y. (M) SDN BHD" is the
 *   shop of the chain whose receipt it is.
 * "MR D.I.¥. (M) SON BHD" and a name cut short ("HOME MASTER HARDWARE &" for
 * "... & ELECTRICAL") are misreadings. Pure. */
int vendor_own_spelling(const char *page, const char *remembered);

/* The remembered spelling a company name (address = 0) or an address (1) read from a page is
 * an OCR error or two away from: of the vendors' confirmed names (addresses), the one most like
 * value, at least min alike, when no other spelling is as alike; copied into out. Returns its
 * similarity, 0 when there is none (out untouched). */
double vendor_snap(const struct vendor_list *l, int address, const char *value, double min,
                   char *out, size_t outsz);

/* The remembered address (or name) with the page's own words where they are no misreading of
 * it: the two texts' words aligned on the words they share (letters and digits, upper case);
 * each stretch between such words is the remembered one's, unless both hold one and the
 * page's is further from it than OCR goes (an edit distance over half its length, a
 * substitution of look-alike characters - S/3, O/D, I/1 - counting a half): then the page's
 * ("3 FLOOR, AEON ..." for a remembered "3RD FLR, AEON ..."; "... SELANGOR 1245-DESA SRI
 * HARTAMAS" for "... SELANGOR 1076-IJOK": another shop of the chain). Into out; returns 1
 * when a stretch of the page's was taken, else 0 (out then the remembered words). Pure. */
int vendor_merge(const char *page, const char *remembered, char *out, size_t outsz);

#endif
