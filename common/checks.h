/* checks.h -- the arithmetic and check-digit checks of an invoice or receipt result.
 *
 * Pure: reads the result's fields, line items and tax breakdown (cJSON, as result JSON shapes
 * them) and returns `checks: [{"name","ok","detail"}]`. A check is only reported when the
 * document carries what it needs; a failed one means the document needs review. Names:
 *   lines_sum_subtotal  line amounts add up to the line total (else the subtotal)
 *   subtotal_tax_total  subtotal + tax = total
 *   qty_x_price         quantity x unit price (per price basis) = amount, one per line ("line")
 *   tax_rate_x_base     rate x basis = tax, one per tax breakdown entry (or the lines' one rate)
 *   iban_mod97          ISO 13616 checksum of every IBAN field
 *   vat_id              check digits of vat_id / buyer_vat_id where the country defines them
 *   xml_vs_text         (checks_xml_vs_text) the embedded XML agrees with the visible text
 * "Within rounding": amounts are compared with a tolerance of a cent plus half a unit of the
 * last printed decimal of each rounded operand. */
#ifndef DP_CHECKS_H
#define DP_CHECKS_H
#include <stddef.h>
#include <cjson/cJSON.h>

/* Runs every check that fields/line_items/taxes allow. Any argument may be NULL. taxes is
 * [{rate, basis, amount}] (einvoice_taxes()). Caller owns the returned array; NULL on ENOMEM. */
cJSON *checks_run(const cJSON *fields, const cJSON *line_items, const cJSON *taxes);

/* Compares the e-invoice fields (invoice_number, total, amount_due, iban) with the document's
 * visible text: each must appear in it as printed (amounts in any usual format: "1234.56",
 * "1.234,56", "1 234,56", ...). NULL when text is NULL or blank (nothing to compare, e.g. an
 * XML upload); else one check object, caller owns it. */
cJSON *checks_xml_vs_text(const cJSON *xml_fields, const char *text);

/* 1 when any check in checks failed, else 0. */
int checks_any_failed(const cJSON *checks);

/* Check digits of a VAT id ("DE123456789", "FR40303265045", spaces and dots ignored):
 * 1 valid, 0 invalid, -1 when the country has no rule here (known: DE, FR, IT, NL, BE, ES,
 * AT) or s is not a VAT id at all. */
int checks_vat_id(const char *s, size_t len);

/* A plain decimal ("-12.50", "3", "0.7900") into *out; 0 on success, -1 if s is not one.
 * *decimals receives the digits after the point (may be NULL). */
int checks_decimal(const char *s, double *out, int *decimals);

#endif
