/* checks.c -- arithmetic, IBAN and VAT id checks over a result's fields and line items. */
#include "checks.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"

#define CENT 0.01

/* ---- numbers ---- */

int checks_decimal(const char *s, double *out, int *decimals)
{
    if (!s)
        return -1;
    const char *p = s;
    int digits = 0, dec = 0, point = 0;
    if (*p == '-' || *p == '+')
        p++;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
            dec += point;
        } else if (*p == '.' && !point) {
            point = 1;
        } else {
            return -1;
        }
    }
    if (!digits || digits > 18)
        return -1;
    *out = strtod(s, NULL);
    if (decimals)
        *decimals = dec;
    return 0;
}

/* Half a unit of the last decimal a value was rounded to (0.005 for "0.79"). */
static double half_ulp(int decimals)
{
    return 0.5 * pow(10.0, -(decimals > 6 ? 6 : decimals));
}

static const cJSON *field(const cJSON *fields, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        if (n && strcmp(n, name) == 0)
            return f;
    }
    return NULL;
}

/* The amount of a money value ({amount, currency}) or a plain string. */
static const char *amount_str(const cJSON *v)
{
    if (cJSON_IsObject(v))
        v = cJSON_GetObjectItemCaseSensitive(v, "amount");
    return cJSON_GetStringValue(v);
}

static int field_amount(const cJSON *fields, const char *name, double *out, int *dec)
{
    const cJSON *f = field(fields, name);
    return f ? checks_decimal(amount_str(cJSON_GetObjectItemCaseSensitive(f, "value")), out, dec)
             : -1;
}

static int item_amount(const cJSON *o, const char *key, double *out, int *dec)
{
    return checks_decimal(amount_str(cJSON_GetObjectItemCaseSensitive(o, key)), out, dec);
}

static void add_check(cJSON *arr, const char *name, int ok, const char *detail, int line)
{
    cJSON *c = cJSON_CreateObject();
    if (!c)
        return;
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddBoolToObject(c, "ok", ok);
    cJSON_AddStringToObject(c, "detail", detail);
    if (line > 0)
        cJSON_AddNumberToObject(c, "line", line);
    cJSON_AddItemToArray(arr, c);
}

/* ---- arithmetic ---- */

static void check_lines_sum(cJSON *out, const cJSON *fields, const cJSON *items)
{
    double sum = 0, target, v;
    int n = 0, dec;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        if (item_amount(it, "amount", &v, NULL) == 0)
            sum += v, n++;
    }
    const char *name = "line_total";
    if (!n || (field_amount(fields, name, &target, &dec) &&
               field_amount(fields, name = "subtotal", &target, &dec)))
        return;
    int ok = fabs(sum - target) <= CENT + 0.005 * n;
    char d[160];
    snprintf(d, sizeof d, "%d line amounts add up to %.2f; %s is %.2f", n, sum, name, target);
    add_check(out, "lines_sum_subtotal", ok, d, 0);
}

static void check_subtotal_tax(cJSON *out, const cJSON *fields)
{
    double sub, tax, total;
    if (field_amount(fields, "subtotal", &sub, NULL) || field_amount(fields, "tax", &tax, NULL) ||
        field_amount(fields, "total", &total, NULL))
        return;
    char d[160];
    snprintf(d, sizeof d, "%.2f + %.2f = %.2f; total is %.2f", sub, tax, sub + tax, total);
    add_check(out, "subtotal_tax_total", fabs(sub + tax - total) <= CENT + 1e-9, d, 0);
}

static void check_lines_qty(cJSON *out, const cJSON *items)
{
    const cJSON *it;
    int i = 0;
    cJSON_ArrayForEach(it, items)
    {
        double q, p, a, basis = 1;
        int qd, pd, ad;
        i++;
        if (checks_decimal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "quantity")),
                           &q, &qd) ||
            item_amount(it, "unit_price", &p, &pd) || item_amount(it, "amount", &a, &ad))
            continue;
        const char *b = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "price_basis"));
        if (b && (checks_decimal(b, &basis, NULL) || basis <= 0))
            basis = 1;
        double want = q * p / basis;
        /* the unit price is rounded to its decimals: that error grows with the quantity */
        double tol = CENT + half_ulp(ad) + fabs(q / basis) * half_ulp(pd) + 1e-9;
        char d[200];
        snprintf(d, sizeof d, "%g x %g%s = %.2f; amount is %.2f", q, p,
                 basis != 1 ? " / basis" : "", want, a);
        add_check(out, "qty_x_price", fabs(want - a) <= tol, d, i);
    }
}

static void check_tax_rates(cJSON *out, const cJSON *fields, const cJSON *items, const cJSON *taxes)
{
    const cJSON *t;
    char d[200];
    int n = 0;
    cJSON_ArrayForEach(t, taxes)
    {
        double r, b, a;
        int bd, adec;
        if (item_amount(t, "rate", &r, NULL) || item_amount(t, "basis", &b, &bd) ||
            item_amount(t, "amount", &a, &adec))
            continue;
        double want = b * r / 100.0;
        snprintf(d, sizeof d, "%g %% of %.2f = %.2f; tax is %.2f", r, b, want, a);
        add_check(out, "tax_rate_x_base", fabs(want - a) <= CENT + half_ulp(adec) + 1e-9, d, 0);
        n++;
    }
    if (n)
        return;
    /* No breakdown: when every line names the same rate, the tax is that rate of the subtotal. */
    const char *rate = NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const char *r = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "tax_rate"));
        if (!r)
            continue;
        double x, y;
        if (rate && (checks_decimal(rate, &x, NULL) || checks_decimal(r, &y, NULL) || x != y))
            return;
        rate = r;
    }
    double r, sub, tax;
    if (!rate || checks_decimal(rate, &r, NULL) || field_amount(fields, "subtotal", &sub, NULL) ||
        field_amount(fields, "tax", &tax, NULL))
        return;
    snprintf(d, sizeof d, "%g %% of %.2f = %.2f; tax is %.2f", r, sub, sub * r / 100.0, tax);
    add_check(out, "tax_rate_x_base", fabs(sub * r / 100.0 - tax) <= 2 * CENT, d, 0);
}

/* ---- identifiers ---- */

static void check_ids(cJSON *out, const cJSON *fields)
{
    const cJSON *f;
    char d[160];
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "value"));
        if (!n || !v)
            continue;
        if (strcmp(n, "iban") == 0) {
            int ok = extract_iban_valid(v, strlen(v));
            snprintf(d, sizeof d, "IBAN %.40s %s", v,
                     ok ? "has a valid checksum" : "fails the mod-97 checksum");
            add_check(out, "iban_mod97", ok, d, 0);
        } else if (strcmp(n, "vat_id") == 0 || strcmp(n, "buyer_vat_id") == 0) {
            int ok = checks_vat_id(v, strlen(v));
            if (ok < 0)
                continue;
            snprintf(d, sizeof d, "%s %.40s %s", n, v,
                     ok ? "has valid check digits" : "fails its check digits");
            add_check(out, "vat_id", ok, d, 0);
        }
    }
}

cJSON *checks_run(const cJSON *fields, const cJSON *line_items, const cJSON *taxes)
{
    cJSON *out = cJSON_CreateArray();
    if (!out)
        return NULL;
    check_lines_sum(out, fields, line_items);
    check_subtotal_tax(out, fields);
    check_lines_qty(out, line_items);
    check_tax_rates(out, fields, line_items, taxes);
    check_ids(out, fields);
    return out;
}

int checks_any_failed(const cJSON *checks)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, checks)
    {
        if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "ok")))
            return 1;
    }
    return 0;
}

/* ---- VAT id check digits ---- */

static int de_ok(const char *d) /* ISO 7064 MOD 11,10 over 8 digits, 9th is the check */
{
    int p = 10;
    for (int i = 0; i < 8; i++) {
        int s = (d[i] - '0' + p) % 10;
        p = (2 * (s ? s : 10)) % 11;
    }
    int c = 11 - p;
    return (c == 10 ? 0 : c) == d[8] - '0';
}

static int it_ok(const char *d) /* Luhn over 11 digits */
{
    int t = 0;
    for (int i = 0; i < 10; i++) {
        int x = d[i] - '0';
        if (i % 2) {
            x *= 2;
            x -= x > 9 ? 9 : 0;
        }
        t += x;
    }
    return (10 - t % 10) % 10 == d[10] - '0';
}

static int nl_ok(const char *d) /* 9 digits 'B' 2 digits: mod 11 (companies) or mod 97 */
{
    int t = 0;
    for (int i = 0; i < 8; i++)
        t += (d[i] - '0') * (9 - i);
    if ((t - (d[8] - '0')) % 11 == 0)
        return 1;
    /* sole traders since 2020: "NL" + number read as ISO 7064 mod 97-10 (N=23 L=21 B=11) */
    long r = 2321;
    for (int i = 0; i < 12; i++) {
        if (i == 9)
            r = (r * 100 + 11) % 97;
        else
            r = (r * 10 + (d[i] - '0')) % 97;
    }
    return r == 1;
}

static int es_ok(const char *s) /* NIF, NIE or CIF: 9 characters */
{
    static const char nif[] = "TRWAGMYFPDXBNJZSQVHLCKE";
    char c0 = s[0];
    if (isdigit((unsigned char)c0) || c0 == 'X' || c0 == 'Y' || c0 == 'Z') {
        long n = c0 == 'X' ? 0 : c0 == 'Y' ? 1 : c0 == 'Z' ? 2 : c0 - '0';
        for (int i = 1; i < 8; i++) {
            if (!isdigit((unsigned char)s[i]))
                return 0;
            n = n * 10 + (s[i] - '0');
        }
        return s[8] == nif[n % 23];
    }
    if (!strchr("ABCDEFGHJNPQRSUVW", c0))
        return -1;
    int t = 0;
    for (int i = 1; i < 8; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        int x = s[i] - '0';
        if (i % 2) {
            x *= 2;
            x = x / 10 + x % 10;
        }
        t += x;
    }
    int c = (10 - t % 10) % 10;
    return s[8] == '0' + c || s[8] == "JABCDEFGHI"[c];
}

static int at_ok(const char *d) /* 'U' + 8 digits */
{
    int r = 0;
    for (int i = 0; i < 7; i++) {
        int x = d[i] - '0';
        if (i % 2) {
            x *= 2;
            x = x / 10 + x % 10;
        }
        r += x;
    }
    return (10 - (r + 4) % 10) % 10 == d[7] - '0';
}

static int all_digits(const char *s, size_t n)
{
    return strspn(s, "0123456789") >= n;
}

int checks_vat_id(const char *s, size_t len)
{
    char v[24];
    size_t n = 0;
    for (size_t i = 0; s && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '.' || c == '-')
            continue;
        if (!isalnum(c) || n + 1 >= sizeof v)
            return -1;
        v[n++] = (char)toupper(c);
    }
    v[n] = '\0';
    if (n < 4 || !isalpha((unsigned char)v[0]) || !isalpha((unsigned char)v[1]))
        return -1;
    const char *b = v + 2;
    size_t bn = n - 2;
    if (memcmp(v, "DE", 2) == 0)
        return bn == 9 && all_digits(b, 9) ? de_ok(b) : 0;
    if (memcmp(v, "IT", 2) == 0)
        return bn == 11 && all_digits(b, 11) ? it_ok(b) : 0;
    if (memcmp(v, "AT", 2) == 0)
        return bn == 9 && b[0] == 'U' && all_digits(b + 1, 8) ? at_ok(b + 1) : 0;
    if (memcmp(v, "NL", 2) == 0)
        return bn == 12 && all_digits(b, 9) && b[9] == 'B' && all_digits(b + 10, 2) ? nl_ok(b) : 0;
    if (memcmp(v, "BE", 2) == 0) {
        char t[11];
        if (bn == 9 && all_digits(b, 9))
            t[0] = '0', memcpy(t + 1, b, 9); /* the old 9-digit form */
        else if (bn == 10 && all_digits(b, 10))
            memcpy(t, b, 10);
        else
            return 0;
        long base = strtol((char[9]){t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], 0}, NULL, 10);
        return 97 - base % 97 == (t[8] - '0') * 10 + (t[9] - '0');
    }
    if (memcmp(v, "FR", 2) == 0) {
        if (bn != 11 || !all_digits(b + 2, 9))
            return 0;
        if (!isdigit((unsigned char)b[0]) || !isdigit((unsigned char)b[1]))
            return -1; /* alphanumeric keys (new companies) have no public formula */
        long siren = strtol(b + 2, NULL, 10);
        return (12 + 3 * (siren % 97)) % 97 == (b[0] - '0') * 10 + (b[1] - '0');
    }
    if (memcmp(v, "ES", 2) == 0)
        return bn == 9 ? es_ok(b) : 0;
    return -1;
}

/* ---- the embedded XML against the visible text ---- */

/* text with every space, NBSP and thin space removed; caller frees. */
static char *squeeze(const char *text)
{
    size_t n = strlen(text);
    char *o = malloc(n + 1), *p = o;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
            continue;
        if (c == 0xC2 && (unsigned char)text[i + 1] == 0xA0) { /* NBSP */
            i++;
            continue;
        }
        if (c == 0xE2 && (unsigned char)text[i + 1] == 0x80 &&
            ((unsigned char)text[i + 2] == 0xAF || (unsigned char)text[i + 2] == 0x89)) {
            i += 2; /* narrow NBSP, thin space */
            continue;
        }
        *p++ = (char)c;
    }
    *p = '\0';
    return o;
}

/* Whether the squeezed text prints amount a (abs value, 2 decimals) in a usual form, as a
 * whole number (not inside a longer one). */
static int prints_amount(const char *sq, double a)
{
    char forms[5][48], whole[32], grouped[40];
    long long cents = llround(fabs(a) * 100);
    snprintf(whole, sizeof whole, "%lld", cents / 100);
    size_t wl = strlen(whole), g = 0;
    for (size_t i = 0; i < wl; i++) {
        if (i && (wl - i) % 3 == 0)
            grouped[g++] = '#';
        grouped[g++] = whole[i];
    }
    grouped[g] = '\0';
    int cc = (int)(cents % 100);
    snprintf(forms[0], sizeof forms[0], "%s.%02d", whole, cc);
    snprintf(forms[1], sizeof forms[1], "%s,%02d", whole, cc);
    snprintf(forms[2], sizeof forms[2], "%s.%02d", grouped, cc); /* 1,234.56 */
    snprintf(forms[3], sizeof forms[3], "%s,%02d", grouped, cc); /* 1.234,56 */
    snprintf(forms[4], sizeof forms[4], "%s'%02d", grouped, cc);
    for (size_t i = 0; forms[2][i]; i++)
        if (forms[2][i] == '#')
            forms[2][i] = ',';
    for (size_t i = 0; forms[3][i]; i++)
        if (forms[3][i] == '#')
            forms[3][i] = '.';
    for (size_t i = 0; forms[4][i]; i++)
        if (forms[4][i] == '#')
            forms[4][i] = '\'';
    for (int k = 0; k < 5; k++) {
        size_t fl = strlen(forms[k]);
        for (const char *p = sq; (p = strstr(p, forms[k])) != NULL; p++) {
            int before = p > sq && isdigit((unsigned char)p[-1]);
            int after = isdigit((unsigned char)p[fl]);
            if (!before && !after)
                return 1;
        }
    }
    return 0;
}

cJSON *checks_xml_vs_text(const cJSON *xml_fields, const char *text)
{
    if (!text)
        return NULL;
    char *sq = squeeze(text);
    if (!sq)
        return NULL;
    if (!*sq) {
        free(sq);
        return NULL;
    }
    char detail[400] = "", *d = detail;
    size_t room = sizeof detail;
    int compared = 0, bad = 0;
    static const char *const ids[] = {"invoice_number", "iban"};
    for (int k = 0; k < 2; k++) {
        const char *v = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(field(xml_fields, ids[k]), "value"));
        char *sv = v ? squeeze(v) : NULL;
        if (sv && *sv) {
            compared++;
            if (!strcasestr(sq, sv)) {
                bad++;
                int w = snprintf(d, room, "%s %.60s not in the text; ", ids[k], v);
                d += w > 0 && (size_t)w < room ? w : 0, room -= w > 0 && (size_t)w < room ? w : 0;
            }
        }
        free(sv);
    }
    static const char *const sums[] = {"total", "amount_due"};
    for (int k = 0; k < 2; k++) {
        double a;
        if (field_amount(xml_fields, sums[k], &a, NULL))
            continue;
        compared++;
        if (!prints_amount(sq, a)) {
            bad++;
            int w = snprintf(d, room, "%s %.2f not in the text; ", sums[k], a);
            d += w > 0 && (size_t)w < room ? w : 0, room -= w > 0 && (size_t)w < room ? w : 0;
        }
    }
    free(sq);
    if (!compared)
        return NULL;
    if (!bad)
        snprintf(detail, sizeof detail, "%d values of the XML appear in the text", compared);
    else if (d > detail && d[-2] == ';')
        d[-2] = '\0';
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", "xml_vs_text");
    cJSON_AddBoolToObject(c, "ok", !bad);
    cJSON_AddStringToObject(c, "detail", detail);
    return c;
}
