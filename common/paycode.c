/* paycode.c -- EPC (GiroCode) and Swiss QR-bill payloads -> payment fields. */
#include "paycode.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "extract.h"
#include "result.h"

#define MAX_LINES 40

struct lines {
    const char *s[MAX_LINES];
    size_t n[MAX_LINES];
    size_t count;
};

/* Splits at LF (a CR before it is dropped). Up to MAX_LINES; more lines are an error. */
static int split(const char *buf, size_t len, struct lines *l)
{
    l->count = 0;
    size_t i = 0;
    while (i <= len) {
        if (l->count >= MAX_LINES)
            return -1;
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t n = end - i;
        if (n && buf[i + n - 1] == '\r')
            n--;
        l->s[l->count] = buf + i;
        l->n[l->count++] = n;
        if (!nl)
            break;
        i = end + 1;
    }
    /* a trailing newline does not make an extra (empty) line */
    if (l->count > 1 && l->n[l->count - 1] == 0 && len && buf[len - 1] == '\n')
        l->count--;
    return 0;
}

static int eq(const struct lines *l, size_t i, const char *want)
{
    return i < l->count && l->n[i] == strlen(want) && memcmp(l->s[i], want, l->n[i]) == 0;
}

/* Copies line i into dst (cap bytes with the NUL); -1 if it does not fit or holds a control
 * character. An absent line is "". */
static int copy(const struct lines *l, size_t i, char *dst, size_t cap)
{
    dst[0] = '\0';
    if (i >= l->count)
        return 0;
    if (l->n[i] >= cap)
        return -1;
    for (size_t k = 0; k < l->n[i]; k++)
        if ((unsigned char)l->s[i][k] < 0x20)
            return -1;
    memcpy(dst, l->s[i], l->n[i]);
    dst[l->n[i]] = '\0';
    return 0;
}

/* IBAN: letters and digits (spaces dropped), upper-cased, 15..34 characters. */
static int copy_iban(const struct lines *l, size_t i, char *dst, size_t cap)
{
    size_t o = 0;
    if (i >= l->count)
        return -1;
    for (size_t k = 0; k < l->n[i]; k++) {
        unsigned char c = (unsigned char)l->s[i][k];
        if (c == ' ')
            continue;
        if (!isalnum(c) || o + 1 >= cap)
            return -1;
        dst[o++] = (char)toupper(c);
    }
    dst[o] = '\0';
    return o >= 15 && o <= 34 && isalpha((unsigned char)dst[0]) && isalpha((unsigned char)dst[1])
               ? 0
               : -1;
}

/* A plain amount "12", "12.3", "1234.56": digits, at most one point and two decimals,
 * 0.01 .. 999999999.99. Written with two decimals. */
static int amount_ok(const char *s, size_t n, char *dst, size_t cap)
{
    size_t i = 0, digits = 0, dec = 0;
    int point = 0;
    for (; i < n; i++) {
        if (isdigit((unsigned char)s[i])) {
            if (point)
                dec++;
            else
                digits++;
        } else if (s[i] == '.' && !point) {
            point = 1;
        } else {
            return -1;
        }
    }
    if (!digits || digits > 9 || dec > 2 || (point && !dec))
        return -1;
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%.*s", (int)n, s);
    size_t tl = strlen(tmp);
    if (!point)
        snprintf(tmp + tl, sizeof tmp - tl, ".00");
    else if (dec == 1)
        snprintf(tmp + tl, sizeof tmp - tl, "0");
    if (strspn(tmp, "0.") == strlen(tmp))
        return -1; /* zero */
    /* drop leading zeros of the whole part */
    const char *t = tmp;
    while (t[0] == '0' && t[1] != '.')
        t++;
    if ((size_t)snprintf(dst, cap, "%s", t) >= cap)
        return -1;
    return 0;
}

static dp_err parse_epc(const struct lines *l, struct paycode *pc)
{
    /* BCD, version 001|002, charset 1..8, SCT|INST, BIC, name, IBAN, [amount, purpose,
     * reference, text, info] */
    if (!(eq(l, 1, "001") || eq(l, 1, "002")) || l->count < 7 || l->count > 12)
        return DP_EPARSE;
    if (l->n[2] != 1 || l->s[2][0] < '1' || l->s[2][0] > '8')
        return DP_EPARSE;
    if (!eq(l, 3, "SCT") && !eq(l, 3, "INST"))
        return DP_EPARSE;
    pc->kind = PAYCODE_EPC;
    if (copy(l, 4, pc->bic, sizeof pc->bic) ||
        (pc->bic[0] && strlen(pc->bic) != 8 && strlen(pc->bic) != 11))
        return DP_EPARSE;
    if (eq(l, 1, "001") && !pc->bic[0])
        return DP_EPARSE; /* version 001 requires the BIC */
    if (copy(l, 5, pc->name, sizeof pc->name) || !pc->name[0])
        return DP_EPARSE;
    if (copy_iban(l, 6, pc->iban, sizeof pc->iban))
        return DP_EPARSE;
    if (l->count > 7 && l->n[7]) {
        if (l->n[7] < 4 || memcmp(l->s[7], "EUR", 3) != 0 ||
            amount_ok(l->s[7] + 3, l->n[7] - 3, pc->amount, sizeof pc->amount))
            return DP_EPARSE;
        snprintf(pc->currency, sizeof pc->currency, "EUR");
    }
    if (copy(l, 8, pc->purpose, sizeof pc->purpose) ||
        copy(l, 9, pc->reference, sizeof pc->reference) || copy(l, 10, pc->text, sizeof pc->text))
        return DP_EPARSE;
    if (pc->reference[0] && pc->text[0])
        return DP_EPARSE; /* one or the other, never both */
    return DP_OK;
}

static dp_err parse_spc(const struct lines *l, struct paycode *pc)
{
    /* SPC, 02xx, coding 1, IBAN, creditor (7 lines: type, name, 5 address lines), ultimate
     * creditor (7, empty), amount, currency, debtor (7), reference type, reference, message,
     * EPD, [bill information, alternative schemes] */
    if (l->count < 31 || l->n[1] != 4 || memcmp(l->s[1], "02", 2) != 0 || !eq(l, 2, "1"))
        return DP_EPARSE;
    if (!eq(l, 30, "EPD"))
        return DP_EPARSE;
    pc->kind = PAYCODE_SPC;
    if (copy_iban(l, 3, pc->iban, sizeof pc->iban) ||
        (memcmp(pc->iban, "CH", 2) != 0 && memcmp(pc->iban, "LI", 2) != 0))
        return DP_EPARSE;
    if (copy(l, 5, pc->name, sizeof pc->name) || !pc->name[0])
        return DP_EPARSE;
    if (l->n[18] && amount_ok(l->s[18], l->n[18], pc->amount, sizeof pc->amount))
        return DP_EPARSE;
    if (!eq(l, 19, "CHF") && !eq(l, 19, "EUR"))
        return DP_EPARSE;
    copy(l, 19, pc->currency, sizeof pc->currency);
    if (!eq(l, 27, "QRR") && !eq(l, 27, "SCOR") && !eq(l, 27, "NON"))
        return DP_EPARSE;
    if (copy(l, 28, pc->reference, sizeof pc->reference) || copy(l, 29, pc->text, sizeof pc->text))
        return DP_EPARSE;
    if (eq(l, 27, "NON") != !pc->reference[0])
        return DP_EPARSE; /* a reference exactly when the type says so */
    return DP_OK;
}

dp_err paycode_parse(const char *buf, size_t len, struct paycode *out)
{
    struct lines l;
    memset(out, 0, sizeof *out);
    if (!buf)
        return DP_EPARSE;
    if (len > PAYCODE_MAX_BYTES)
        return DP_ETOOBIG;
    if (split(buf, len, &l))
        return DP_EPARSE;
    dp_err rc = eq(&l, 0, "BCD")   ? parse_epc(&l, out)
                : eq(&l, 0, "SPC") ? parse_spc(&l, out)
                                   : DP_EPARSE;
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

/* ---- result fields ---- */

static void add(cJSON *arr, const char *name, cJSON *value, const char *text, int valid, int page,
                const int *bbox)
{
    cJSON *f = result_field(name, value, text, 1, page, bbox, valid, "qr");
    if (f)
        cJSON_AddItemToArray(arr, f);
}

void paycode_fields(const struct paycode *pc, int page, const int *bbox, cJSON *arr)
{
    add(arr, "iban", cJSON_CreateString(pc->iban), pc->iban,
        extract_iban_valid(pc->iban, strlen(pc->iban)), page, bbox);
    if (pc->bic[0])
        add(arr, "bic", cJSON_CreateString(pc->bic), pc->bic, 1, page, bbox);
    if (pc->name[0])
        add(arr, "payee", cJSON_CreateString(pc->name), pc->name, 1, page, bbox);
    if (pc->amount[0]) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "amount", pc->amount);
        cJSON_AddStringToObject(m, "currency", pc->currency);
        add(arr, "amount_due", m, pc->amount, 1, page, bbox);
    }
    if (pc->reference[0])
        add(arr, "payment_reference", cJSON_CreateString(pc->reference), pc->reference, 1, page,
            bbox);
    if (pc->text[0])
        add(arr, "payment_text", cJSON_CreateString(pc->text), pc->text, 1, page, bbox);
}
