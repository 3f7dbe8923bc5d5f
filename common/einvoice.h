/* einvoice.h -- e-invoices: reads UN/CEFACT CII (ZUGFeRD 1/2, Factur-X, XRechnung CII) and
 * OASIS UBL (XRechnung UBL, Peppol) invoice XML into header fields and line items.
 *
 * Pure: einvoice_parse() works on (buf, len) with libxml2 and no I/O -- no network
 * (XML_PARSE_NONET), no entity substitution, no DTD loading, and a document that declares a
 * DTD at all is refused (e-invoices never carry one; it is how entity bombs arrive).
 * Elements are matched by local name, so the several CII namespace versions read alike.
 * Every value is kept as the XML writes it (trimmed), except dates ("YYYY-MM-DD"). */
#ifndef DP_EINVOICE_H
#define DP_EINVOICE_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"

#define EINVOICE_MAX_BYTES (8u << 20) /* larger XML is refused (DP_ETOOBIG) */
#define EINVOICE_MAX_LINES 2000       /* line items kept; more are dropped */
#define EINVOICE_MAX_TAXES 32         /* tax breakdown entries kept */
#define EINVOICE_MAX_TEXT  512        /* bytes kept of any one value */

/* Which syntax the XML was. */
enum einvoice_syntax { EINVOICE_CII = 1, EINVOICE_UBL = 2 };

/* One invoice line. Strings are owned by the line; NULL when the XML has no such value. */
struct einvoice_line {
    char *description; /* product name (else description) */
    char *quantity;    /* billed quantity, decimal */
    char *unit;        /* UN/ECE rec 20 unit code, e.g. "H87", "HUR" */
    char *unit_price;  /* net price per price_basis units (gross when no net price) */
    char *price_basis; /* units the price is for (usually NULL = 1) */
    char *amount;      /* line net amount (as the XML states it) */
    char *tax_rate;    /* percent, e.g. "19.00" */
};

/* One entry of the tax breakdown: rate x basis = amount. */
struct einvoice_tax {
    char *rate;   /* percent */
    char *basis;  /* taxable amount */
    char *amount; /* tax amount */
};

/* A parsed invoice. Every string is owned by it; NULL when absent. */
struct einvoice {
    enum einvoice_syntax syntax;
    char *number;      /* invoice number */
    char *type_code;   /* UNTDID 1001: 380 invoice, 381 credit note, ... */
    char *issue_date;  /* YYYY-MM-DD */
    char *due_date;    /* YYYY-MM-DD */
    char *currency;    /* ISO 4217 */
    char *seller;      /* seller name */
    char *seller_vat;  /* seller VAT id (scheme VA) */
    char *buyer;       /* buyer name */
    char *buyer_vat;   /* buyer VAT id */
    char *iban;        /* payee account */
    char *bic;         /* payee bank */
    char *line_total;  /* sum of line net amounts */
    char *tax_basis;   /* total without tax (after allowances and charges) */
    char *tax_total;   /* total tax */
    char *grand_total; /* total with tax */
    char *due_payable; /* amount due (grand total minus prepaid) */
    struct einvoice_line *lines;
    size_t nlines;
    struct einvoice_tax *taxes;
    size_t ntaxes;
};

/* 1 if buf[0..len) looks like CII or UBL invoice XML (an XML document whose first 64 kB name
 * a CII root or namespace, or a UBL Invoice/CreditNote namespace), else 0. Cheap: no parse. */
int einvoice_sniff(const char *buf, size_t len);

/* Parses buf[0..len). On success *out is owned by the caller (einvoice_free). DP_ETOOBIG over
 * EINVOICE_MAX_BYTES, DP_EPARSE for XML that is malformed, declares a DTD, or is not a CII or
 * UBL invoice, DP_ENOMEM. */
dp_err einvoice_parse(const char *buf, size_t len, struct einvoice **out);

/* Frees inv and all it owns. NULL is a no-op. */
void einvoice_free(struct einvoice *inv);

/* The invoice as result fields (see extract.h for their shape) with "source": source
 * ("xml" or "embedded_xml"), confidence 1, page and bbox null: invoice_number, date, due_date,
 * company, vat_id, buyer, buyer_vat_id, iban, bic, currency, line_total, subtotal (tax basis),
 * tax, total (grand total), amount_due. Caller owns the array; NULL on ENOMEM. */
cJSON *einvoice_fields(const struct einvoice *inv, const char *source);

/* The line items as result line_items (description, quantity, unit, unit_price, amount,
 * tax_rate, page null, bbox null, confidence 1, source). Caller owns; NULL on ENOMEM. */
cJSON *einvoice_line_items(const struct einvoice *inv, const char *source);

/* The tax breakdown [{rate, basis, amount}] for checks_run(). Caller owns; NULL on ENOMEM. */
cJSON *einvoice_taxes(const struct einvoice *inv);

#endif
