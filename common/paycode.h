/* paycode.h -- payment QR codes: EPC / GiroCode (service tag "BCD", EPC069-12) and the Swiss
 * QR-bill ("SPC", Swiss Payment Standards 2.x), parsed from a decoded QR payload.
 *
 * Pure: paycode_parse() works on (buf, len) (lines split at LF or CRLF), checks the structure
 * each standard fixes (tag, version, line count, field lengths, amount format) and copies the
 * payment fields out. paycode_fields() turns them into result fields with source "qr". */
#ifndef DP_PAYCODE_H
#define DP_PAYCODE_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"

#define PAYCODE_MAX_BYTES 1024 /* SPC allows 997 characters, EPC 331 bytes */

enum paycode_kind { PAYCODE_EPC = 1, PAYCODE_SPC = 2 };

/* One payment code. Strings are NUL-terminated, "" when absent. */
struct paycode {
    enum paycode_kind kind;
    char iban[35];      /* as encoded, spaces removed, upper case */
    char bic[12];       /* EPC only */
    char name[71];      /* beneficiary / creditor (70 characters at most) */
    char amount[20];    /* plain decimal "12.30", "" when the code leaves it open */
    char currency[4];   /* "EUR" (EPC), "CHF" or "EUR" (SPC) */
    char reference[36]; /* structured reference (EPC RF..., SPC QRR/SCOR) */
    char text[141];     /* unstructured remittance text / message */
    char purpose[5];    /* EPC purpose code */
};

/* Parses a QR payload. DP_OK with *out filled; DP_EPARSE when buf is not a well-formed EPC or
 * SPC payload (wrong tag or version, too few lines, a field over its length, a bad amount);
 * DP_ETOOBIG over PAYCODE_MAX_BYTES. */
dp_err paycode_parse(const char *buf, size_t len, struct paycode *out);

/* The code as result fields (shape as extract.h; confidence 1, "valid" = IBAN checksum for
 * iban, "source":"qr"): iban, bic, payee, amount_due ({amount,currency}), payment_reference,
 * payment_text. page and bbox as given (bbox NULL = null). Appends to arr. */
void paycode_fields(const struct paycode *pc, int page, const int *bbox, cJSON *arr);

#endif
