/* extract_amount.c -- printed amounts and currencies: the currency of a token or of a whole
 * document, and a printed amount ("1.234,56", "1,234.56", "1 234,56", OCR O/0 l/1) as a plain
 * decimal. Choosing which amount is the total is extract_money.c's job. */
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- currencies ---- */

struct cur_tok {
    const char *tok; /* as printed */
    const char *iso; /* ISO 4217 */
    int alpha;       /* letters: must not be glued to other letters; matched caselessly */
};

static const struct cur_tok cur_toks[] = {
    {"US$", "USD", 0}, {"A$", "AUD", 0},  {"C$", "CAD", 0},  {"S$", "SGD", 0},  {"HK$", "HKD", 0},
    {"€", "EUR", 0},   {"$", "USD", 0},   {"£", "GBP", 0},   {"₹", "INR", 0},   {"¥", "JPY", 0},
    {"EUR", "EUR", 1}, {"USD", "USD", 1}, {"GBP", "GBP", 1}, {"INR", "INR", 1}, {"MYR", "MYR", 1},
    {"CHF", "CHF", 1}, {"AUD", "AUD", 1}, {"CAD", "CAD", 1}, {"SGD", "SGD", 1}, {"JPY", "JPY", 1},
    {"CNY", "CNY", 1}, {"SEK", "SEK", 1}, {"NOK", "NOK", 1}, {"DKK", "DKK", 1}, {"PLN", "PLN", 1},
    {"CZK", "CZK", 1}, {"HKD", "HKD", 1}, {"NZD", "NZD", 1}, {"RM", "MYR", 1},  {"Rs.", "INR", 1},
    {"Rs", "INR", 1},
};

static int is_alpha(unsigned char ch)
{
    return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

/* Currency token starting at s[i], or NULL; *adv = its length. */
static const char *currency_at(const char *s, size_t len, size_t i, size_t *adv)
{
    for (size_t k = 0; k < sizeof cur_toks / sizeof cur_toks[0]; k++) {
        const struct cur_tok *t = &cur_toks[k];
        size_t tl = strlen(t->tok);
        if (tl > len - i)
            continue;
        if (t->alpha) {
            if (strncasecmp(s + i, t->tok, tl) != 0)
                continue;
            if ((i > 0 && is_alpha((unsigned char)s[i - 1])) ||
                (i + tl < len && is_alpha((unsigned char)s[i + tl])))
                continue;
        } else if (memcmp(s + i, t->tok, tl) != 0) {
            continue;
        }
        *adv = tl;
        return t->iso;
    }
    return NULL;
}

const char *extract_currency_code(const char *s, size_t len)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        size_t adv;
        const char *iso = currency_at(s, len, i, &adv);
        if (iso)
            return iso;
    }
    return NULL;
}

const char *extract_money_currency(struct extract_ctx *c)
{
    const char *seen[8] = {0};
    int count[8] = {0};
    for (size_t p = 0; p < c->npages; p++)
        for (size_t l = 0; l < c->pages[p].nlines; l++) {
            const char *s = extract_line_text(c, p, l);
            size_t len = c->pages[p].lines[l].len;
            for (size_t i = 0; i < len;) {
                size_t adv = 1;
                const char *iso = currency_at(s, len, i, &adv);
                i += adv;
                for (int k = 0; iso && k < 8; k++)
                    if (!seen[k] || seen[k] == iso) {
                        seen[k] = iso;
                        count[k]++;
                        break;
                    }
            }
        }
    int best = -1;
    for (int k = 0; k < 8 && seen[k]; k++)
        if (best < 0 || count[k] > count[best])
            best = k;
    return best < 0 ? NULL : seen[best];
}

/* ---- amount parsing ---- */

int extract_conf_digit(char ch)
{
    switch (ch) {
    case 'O':
    case 'o':
        return '0';
    case 'l':
    case 'I':
        return '1';
    default:
        return ch >= '0' && ch <= '9' ? ch : 0;
    }
}

/* Bytes of a digit-group separator at s (space, apostrophe, no-break or thin space, ’). */
static size_t gap_len(const char *s, size_t len)
{
    static const char *const gaps[] = {" ", "'", "\u00a0", "\u202f", "\u2009", "\u2019"};
    for (size_t k = 0; k < sizeof gaps / sizeof gaps[0]; k++) {
        size_t gl = strlen(gaps[k]);
        if (gl <= len && memcmp(s, gaps[k], gl) == 0)
            return gl;
    }
    return 0;
}

dp_err extract_parse_amount(const char *s, size_t len, char *out, size_t outsz)
{
    return extract_parse_amount_dec(s, len, 0, out, outsz);
}

dp_err extract_parse_amount_dec(const char *s, size_t len, char dec, char *out, size_t outsz)
{
    char dig[48];   /* digits only, confusions mapped */
    size_t nd = 0;  /* digits in dig */
    size_t sep[16]; /* index in dig where each '.'/',' separator stood */
    char sepc[16];
    size_t ns = 0;
    int neg = 0;
    size_t gl;
    if (!s || !out || outsz == 0)
        return DP_EINVAL;
    size_t i = 0;
    while (i < len && !(s[i] >= '0' && s[i] <= '9'))
        i++;
    if (i == len)
        return DP_EPARSE;
    /* Leading OCR confusions ("l2.50", "I,234.00"), but not the end of a word. */
    for (;;) {
        size_t j = i;
        if (j > 0 && (s[j - 1] == ',' || s[j - 1] == '.'))
            j--;
        if (j == 0 || !extract_conf_digit(s[j - 1]) || (j > 1 && is_alpha((unsigned char)s[j - 2])))
            break;
        i = j - 1;
    }
    neg = i > 0 && s[i - 1] == '-';
    for (; i < len; i++) {
        char ch = s[i];
        int d = extract_conf_digit(ch);
        if (d) {
            if (nd + 1 >= sizeof dig)
                return DP_EPARSE;
            dig[nd++] = (char)d;
        } else if ((ch == '.' || ch == ',') && nd &&
                   ((i + 1 < len && extract_conf_digit(s[i + 1])) ||
                    (i + 2 < len && s[i + 1] == ' ' && extract_conf_digit(s[i + 2])))) {
            if (ns == sizeof sep / sizeof sep[0])
                return DP_EPARSE;
            sep[ns] = nd;
            sepc[ns++] = ch;
        } else if (nd && (gl = gap_len(s + i, len - i)) > 0 && i + gl < len && s[i + gl] >= '0' &&
                   s[i + gl] <= '9') {
            i += gl - 1; /* digit grouping: space, no-break space, apostrophe */
        } else {
            break;
        }
    }
    /* Which separator (if any) is the decimal point. */
    size_t dec_at = nd; /* index in dig where decimals start; nd = none */
    if (ns > 0) {
        size_t k = nd - sep[ns - 1]; /* digits after the last separator */
        int mixed = 0;
        for (size_t j = 0; j + 1 < ns; j++)
            mixed |= sepc[j] != sepc[ns - 1];
        if (mixed) {
            if (k > 2)
                return DP_EPARSE;
            dec_at = sep[ns - 1];
        } else if (ns > 1) {
            dec_at = k <= 2 ? sep[ns - 1] : nd;
        } else if (k <= 2) {
            dec_at = sep[0];
        } else if (k == 3 && dec == sepc[0]) {
            dec_at = sep[0]; /* 1.234 in English, 1,234 in German: three decimals */
        } else if (k == 3 && !(sep[0] == 1 && dig[0] == '0')) {
            dec_at = nd; /* 1,234 or 1.234: thousands */
        } else if (k == 3) {
            dec_at = sep[0]; /* 0,500 */
        } else {
            return DP_EPARSE;
        }
    }
    /* Integer part and two decimals, rounded half up on the third. */
    if (dec_at == 0 || dec_at > 15)
        return dec_at == 0 ? DP_EPARSE : DP_ETOOBIG;
    long long cents = 0;
    for (size_t j = 0; j < dec_at; j++)
        cents = cents * 10 + (dig[j] - '0');
    for (size_t f = 0; f < 3; f++) {
        int d = dec_at + f < nd ? dig[dec_at + f] - '0' : 0;
        if (f < 2)
            cents = cents * 10 + d;
        else
            cents += d >= 5;
    }
    int w = snprintf(out, outsz, "%s%lld.%02lld", neg ? "-" : "", cents / 100, cents % 100);
    if (w < 0 || (size_t)w >= outsz)
        return DP_ETOOBIG;
    return DP_OK;
}

/* "1234.56" -> 123456 cents. */
int64_t extract_to_cents(const char *a)
{
    int64_t v = 0;
    int neg = *a == '-';
    for (const char *p = a + neg; *p; p++)
        if (*p >= '0' && *p <= '9')
            v = v * 10 + (*p - '0');
    return neg ? -v : v;
}
