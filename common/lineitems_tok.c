/* lineitems_tok.c -- the tokens of an item line: printed numbers, units, currencies, and the
 * words of total, tax and payment lines where item lists end. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lineitems.h"
#include "lineitems_int.h"

/* ---- tokens ---- */

static int ieq(const char *a, size_t n, const char *b)
{
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

static int in_list(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (ieq(s, n, *list))
            return 1;
    return 0;
}

static const char *const units[] = {
    "stk",   "stk.", "stück",    "st",    "st.",     "pcs",  "pc",    "pce",   "ea",
    "each",  "unit", "units",    "h",     "hrs",     "hr",   "std",   "std.",  "kg",
    "g",     "l",    "ltr",      "m",     "m2",      "m²",   "qm",    "km",    "t",
    "pz",    "pz.",  "uds",      "ud",    "ud.",     "u",    "u.",    "pièce", "pièces",
    "stuks", "stuk", "pauschal", "psch",  "pausch.", "lfm",  "tag",   "tage",  "tag(e)",
    "day",   "days", "mon",      "monat", "monate",  "hour", "hours", "x1",    NULL};
static const char *const currencies[] = {"€",   "eur", "$",   "usd", "£",   "gbp", "chf",
                                         "fr.", "rm",  "sek", "dkk", "nok", "pln", NULL};

/* Normalises a printed number ("1.234,56", "20,0000", "-3.50", "€9.90", "198,00-") into a plain
 * decimal in out. *dec receives the digits after the point. 0 on success, -1 if tok is not a
 * number. Grouping separators must group by three. */
int lineitems_number(const char *s, size_t n, char *out, size_t outsz, int *dec)
{
    int neg = 0;
    /* currency signs and codes glued to the number */
    for (int again = 1; again && n;) {
        again = 0;
        for (const char *const *c = currencies; *c; c++) {
            size_t cl = strlen(*c);
            if (n > cl && strncasecmp(s, *c, cl) == 0 && !isdigit((unsigned char)s[0])) {
                s += cl, n -= cl, again = 1;
                break;
            }
            if (n > cl && strncasecmp(s + n - cl, *c, cl) == 0 &&
                !isdigit((unsigned char)s[n - cl])) {
                n -= cl, again = 1;
                break;
            }
        }
    }
    if (n && (s[0] == '-' || s[0] == '+'))
        neg = s[0] == '-', s++, n--;
    else if (n > 3 && (memcmp(s, "\xE2\x80\x90", 3) == 0 || memcmp(s, "\xE2\x80\x93", 3) == 0 ||
                       memcmp(s, "\xE2\x88\x92", 3) == 0))
        neg = 1, s += 3, n -= 3; /* a hyphen, en dash or minus sign as text layers write it */
    if (n && s[n - 1] == '-')
        neg = 1, n--; /* "3,50-" on receipts */
    if (!n || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[n - 1]))
        return -1;
    size_t last = n;
    int seps = 0;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            continue;
        if (s[i] != '.' && s[i] != ',' && s[i] != '\'')
            return -1;
        seps++;
        last = i;
    }
    size_t k = last < n ? n - last - 1 : 0;
    int decimal = last < n && s[last] != '\'' && (k != 3 || (last == 1 && s[0] == '0'));
    if (last < n && k == 3 && seps >= 2) {
        /* "1.234,567" is not a money format; "1,234.567"-like: treat as decimal only when the
         * last separator differs from the others */
        for (size_t i = 0; i < last; i++)
            if (!isdigit((unsigned char)s[i]) && s[i] != s[last])
                decimal = 1;
    }
    if (decimal && k > 4)
        return -1;
    /* grouping separators (all separators but a decimal point) must group by three */
    size_t run = 0, groups_end = decimal ? last : n;
    int grouped = 0;
    for (size_t i = 0; i < groups_end; i++) {
        if (isdigit((unsigned char)s[i])) {
            run++;
            continue;
        }
        if (grouped ? run != 3 : (run < 1 || run > 3))
            return -1;
        if (decimal && s[i] == s[last])
            return -1; /* "1.234.56" */
        grouped = 1, run = 0;
    }
    if (grouped && run != 3)
        return -1;
    char buf[48];
    size_t o = 0;
    if (neg)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < sizeof buf; i++) {
        if (isdigit((unsigned char)s[i]))
            buf[o++] = s[i];
        else if (decimal && i == last)
            buf[o++] = '.';
    }
    buf[o] = '\0';
    if (o + 2 >= sizeof buf || (size_t)snprintf(out, outsz, "%s", buf) >= outsz)
        return -1;
    *dec = decimal ? (int)k : 0;
    return 0;
}

enum li_tok lineitems_token(const char *s, size_t n, char *num, size_t numsz, int *dec)
{
    if (ieq(s, n, "x") || ieq(s, n, "×") || ieq(s, n, "@") || ieq(s, n, "*") || ieq(s, n, "à"))
        return LI_T_TIMES;
    if (n > 1 && s[n - 1] == '%' && lineitems_number(s, n - 1, num, numsz, dec) == 0)
        return LI_T_PCT;
    if (ieq(s, n, "%"))
        return LI_T_PCT;
    if (lineitems_number(s, n, num, numsz, dec) == 0)
        return LI_T_NUM;
    if (n > 1 && (s[n - 1] == 'x' || s[n - 1] == 'X') &&
        lineitems_number(s, n - 1, num, numsz, dec) == 0)
        return LI_T_NUM; /* "2x" */
    if (in_list(s, n, currencies))
        return LI_T_CUR;
    if (in_list(s, n, units))
        return LI_T_UNIT;
    return LI_T_WORD;
}

/* ---- summary lines ---- */

static const char *const summary_words[] = {"total",
                                            "totals",
                                            "subtotal",
                                            "sub-total",
                                            "summe",
                                            "zwischensumme",
                                            "gesamt",
                                            "netto",
                                            "brutto",
                                            "mwst",
                                            "mwst.",
                                            "ust",
                                            "ust.",
                                            "vat",
                                            "tax",
                                            "tva",
                                            "iva",
                                            "btw",
                                            "ttc",
                                            "ht",
                                            "totaal",
                                            "subtotaal",
                                            "totale",
                                            "importe",
                                            "imponibile",
                                            "rounding",
                                            "change",
                                            "cash",
                                            "balance",
                                            "betrag",
                                            "payment",
                                            "paid",
                                            "tip",
                                            "skonto",
                                            "iban",
                                            "bic",
                                            "tel",
                                            "tel.",
                                            "telefon",
                                            "phone",
                                            "tél",
                                            "tél.",
                                            "telephone",
                                            "fax",
                                            "montant",
                                            "net",
                                            "übertrag",
                                            "due",
                                            "gst",
                                            "sst",
                                            "saldo",
                                            "zahlbetrag",
                                            "rechnungsbetrag",
                                            "endbetrag",
                                            "nettobetrag",
                                            "bruttobetrag",
                                            "gesamtbetrag",
                                            "umsatzsteuer",
                                            "mehrwertsteuer",
                                            "steuer",
                                            "totalbetrag",
                                            "rückgeld",
                                            "bar",
                                            "visa",
                                            "mastercard",
                                            "ec",
                                            "subtotale",
                                            "imposta",
                                            "acompte",
                                            "anzahlung",
                                            "anzahlungen",
                                            "vorauszahlung",
                                            "abschlagszahlung",
                                            "acomptes",
                                            "prepayment",
                                            "prepaid",
                                            NULL};

/* Discounts, and the base they are computed on: rows that are no items but do not end a
 * list (an item's own discount stands between items). */
static const char *const discount_words[] = {"rabatt", "discount", "remise", "korting", "descuento",
                                             "sconto", "skonto",   "base",   "basis",   NULL};

/* 0: no summary word in toks[0..n); 1: only discount words; 2: a total, tax or payment. */
static int summary_kind(const char *const *toks, size_t n)
{
    int kind = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = toks[i];
        size_t len = strlen(s);
        while (len && strchr(":.,;()", s[len - 1]))
            len--;
        /* German compounds: Artikelrabatt, Mengenrabatt */
        int disc = (len && in_list(s, len, discount_words)) ||
                   (len > 6 && strncasecmp(s + len - 6, "rabatt", 6) == 0);
        if (disc) {
            kind = kind ? kind : 1;
            continue;
        }
        if (len && in_list(s, len, summary_words))
            return 2;
        /* German compounds: Positionssumme, Rechnungsbetrag, Bruttosumme, ... */
        if ((len > 6 && strncasecmp(s + len - 5, "summe", 5) == 0) ||
            (len > 7 && strncasecmp(s + len - 6, "summen", 6) == 0) ||
            (len > 7 && strncasecmp(s + len - 6, "betrag", 6) == 0))
            return 2;
    }
    return kind;
}

int lineitems_is_summary(const char *const *toks, size_t n)
{
    return summary_kind(toks, n) > 0;
}

int lineitems_ends_list(const char *const *toks, size_t n)
{
    return summary_kind(toks, n) == 2;
}
