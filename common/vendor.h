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

/* One known vendor ("" = unknown part). */
struct vendor {
    char company[VENDOR_TEXT_MAX];
    char address[VENDOR_TEXT_MAX];
    char vat_id[64]; /* upper case, no spaces */
    char iban[64];   /* upper case, no spaces */
};

struct vendor_list {
    struct vendor *v; /* owned, n of cap */
    size_t n, cap;
};

/* Adds the vendor a confirmed JSON names (company or vendor, address, vat_id, iban); one with
 * the same normalised company name is replaced. No company: nothing added. DP_ENOMEM. */
dp_err vendor_add(struct vendor_list *l, const cJSON *confirmed);
void vendor_list_cleanup(struct vendor_list *l);

/* The vendor best matching a candidate of s: its index (-1 when none reaches VENDOR_MIN_SIM),
 * the candidate in *cand and the similarity in *sim. */
int vendor_match(const struct vendor_list *l, const struct cand_set *s, size_t *cand, double *sim);

/* When a vendor matches, sets "company" (and "address" when known) in fields to its
 * confirmed spelling with source "memory", replacing fields of those names that are not
 * confirmed. Returns 1 when it did. */
int vendor_apply(const struct vendor_list *l, const struct cand_set *s, cJSON *fields);

#endif
