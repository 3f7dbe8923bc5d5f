/* extract_date.c -- dates: parsing numeric and month-name dates in four languages, the
 * per-document day/month order, plausibility, and document date versus due date. */
#include "extract_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Month names and abbreviations (en, de, fr, nl); the C table below maps them to numbers. */
#define MON_RE                                                                                     \
    "(?<mon>jan(?:uary|uar|vier|uari|v)?|j[äa]n(?:ner)?|feb(?:ruary|ruar|ruari|r)?|"              \
    "f[ée]v(?:rier|r)?|mar(?:ch|s)?|m[äa]r(?:z|s)|maart|mrt|apr(?:il)?|avr(?:il)?|may|mai|"      \
    "mei|june?|juni|juin|july?|juli|juil(?:let)?|aug(?:ust|ustus)?|ao[uû]t|"                      \
    "sep(?:t(?:ember|embre)?)?|oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|"                \
    "d[ée]c(?:ember|embre)?|dez(?:ember)?)\\.?"

const struct extract_re extract_date_res[] = {
    /* Not glued to a digit before (80101911/26.06.2025 yields only 26.06.2025), nor followed
     * by more digits or another separator and digit. */
    {XRE_DATE_NUM,
     "(?<![0-9])(?<a>[0-9]{1,4})(?<sep>[./\\-])(?<b>[0-9]{1,2})(?P=sep)(?<c>[0-9]{4}|[0-9]{2})"
     "(?![0-9]|[./\\-][0-9])",
     0},
    {XRE_DATE_DMY,
     "(?<![\\p{L}\\p{N}])(?<d>[0-9]{1,2})(?:st|nd|rd|th|er|\\.)?[\\h\\-/]*" MON_RE
     "(?!\\p{L})[\\h,\\-/]*(?<y>[0-9]{4}|[0-9]{2})(?![0-9])",
     PCRE2_CASELESS},
    {XRE_DATE_MDY,
     "(?<![\\p{L}\\p{N}])" MON_RE "(?!\\p{L})[\\h\\-/]*(?<d>[0-9]{1,2})(?:st|nd|rd|th)?,?"
     "[\\h\\-/,]*(?<y>[0-9]{4})(?![0-9])",
     PCRE2_CASELESS},
    {XRE_KW_DUE,
     "(?<!\\p{L})(?:due|f[äa]llig\\w*|zahlbar\\h*bis|[ée]ch[ée]ance|vervaldatum|vervaldag|"
     "pay\\h*by|payable\\h*by|betalen\\h*voor|te\\h*betalen\\h*voor|date\\h*limite)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_DATE,
     "(?<!\\p{L})(?:date|dated|datum|rechnungsdatum|factuurdatum|fecha|tarikh|issued|"
     "le)(?!\\p{L})",
     PCRE2_CASELESS},
    {XRE_KW_NODATE,
     "(?<!\\p{L})(?:deliver\\w*|liefer\\w*|lever\\w*|livraison|period\\w*|p[ée]riode|"
     "zeitraum|expir\\w*|valid\\w*|g[üu]ltig\\w*|birth|geboren|from|until|since|"
     "order\\w*|bestell\\w*|commande|start|end)(?!\\p{L})",
     PCRE2_CASELESS},
};
const size_t extract_date_nres = sizeof extract_date_res / sizeof extract_date_res[0];

/* ---- calendar ---- */

int extract_date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Days since 1970-01-01 (civil-from-days inverse, Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int is_letter_ascii(unsigned char ch)
{
    return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

/* Month number of a month name or abbreviation (any of the four languages), else 0. */
static int month_number(const char *s, size_t len)
{
    char f[8]; /* ASCII-folded lower-case prefix: é->e, ä->a, û->u */
    size_t n = 0;
    for (size_t i = 0; i < len && n < sizeof f - 1;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0xc3 && i + 1 < len) {
            unsigned char x = (unsigned char)s[i + 1] | 0x20;
            f[n++] = x == 0xa9 || x == 0xa8   ? 'e'
                     : x == 0xa4 || x == 0xa2 ? 'a'
                     : x == 0xbb || x == 0xbc ? 'u'
                                              : '?';
            i += 2;
        } else if (is_letter_ascii(ch)) {
            f[n++] = (char)(ch | 0x20);
            i++;
        } else {
            break;
        }
    }
    f[n] = '\0';
    static const struct {
        const char *pre;
        int m;
    } tab[] = {{"juil", 7}, {"juin", 6}, {"jan", 1},  {"feb", 2},  {"fev", 2}, {"maa", 3},
               {"mar", 3},  {"mrt", 3},  {"apr", 4},  {"avr", 4},  {"may", 5}, {"mai", 5},
               {"mei", 5},  {"jun", 6},  {"jul", 7},  {"aug", 8},  {"aou", 8}, {"sep", 9},
               {"oct", 10}, {"okt", 10}, {"nov", 11}, {"dec", 12}, {"dez", 12}};
    if (n < 3)
        return 0;
    for (size_t k = 0; k < sizeof tab / sizeof tab[0]; k++)
        if (strncmp(f, tab[k].pre, strlen(tab[k].pre)) == 0)
            return tab[k].m;
    return 0;
}

/* ---- parsing one date ---- */

/* A date split into its printed parts. */
struct date_parts {
    int a, b, y;    /* numeric: first, second, year; month-name: day, month, year */
    int alen, ylen; /* digits in a and in the year */
    int named;      /* month given by name: a = day, b = month, no ambiguity */
    int year_first; /* 2018-12-25 */
};

/* Splits s into numbers and one optional month name. 0 on success. */
static int split_date(const char *s, size_t len, struct date_parts *dp)
{
    int num[3], nlen[3], nn = 0, mon = 0, mon_at = -1;
    memset(dp, 0, sizeof *dp);
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= '0' && ch <= '9') {
            int v = 0, l = 0;
            while (i < len && s[i] >= '0' && s[i] <= '9' && l < 5)
                v = v * 10 + (s[i++] - '0'), l++;
            if (nn == 3 || (i < len && s[i] >= '0' && s[i] <= '9'))
                return -1;
            num[nn] = v, nlen[nn++] = l;
        } else if (is_letter_ascii(ch) || ch >= 0x80) {
            size_t j = i;
            while (j < len && (is_letter_ascii((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80))
                j++;
            int m = month_number(s + i, j - i);
            int ordinal = nn > 0 && mon_at != nn && j - i == 2 &&
                          (strncasecmp(s + i, "st", 2) == 0 || strncasecmp(s + i, "nd", 2) == 0 ||
                           strncasecmp(s + i, "rd", 2) == 0 || strncasecmp(s + i, "th", 2) == 0 ||
                           strncasecmp(s + i, "er", 2) == 0);
            if (!ordinal) {
                if (!m || mon)
                    return -1;
                mon = m, mon_at = nn;
            }
            i = j;
        } else if (ch == ' ' || ch == '.' || ch == '/' || ch == '-' || ch == ',' || ch == '\t') {
            i++;
        } else {
            return -1;
        }
    }
    if (mon) {
        if (nn != 2)
            return -1;
        dp->named = 1;
        dp->a = num[0], dp->alen = nlen[0], dp->b = mon;
        dp->y = num[1], dp->ylen = nlen[1];
        return dp->alen <= 2 && (dp->ylen == 2 || dp->ylen == 4) ? 0 : -1;
    }
    if (nn != 3)
        return -1;
    if (nlen[0] == 4) {
        dp->year_first = 1;
        dp->y = num[0], dp->ylen = 4, dp->a = num[2], dp->alen = nlen[2], dp->b = num[1];
        return nlen[1] <= 2 && nlen[2] <= 2 ? 0 : -1;
    }
    if (nlen[0] > 2 || nlen[1] > 2 || (nlen[2] != 2 && nlen[2] != 4))
        return -1;
    dp->a = num[0], dp->alen = nlen[0], dp->b = num[1], dp->y = num[2], dp->ylen = nlen[2];
    return 0;
}

/* Order a numeric date forces by a component over 12; -1 if it forces none. */
static int forced_order(const struct date_parts *dp)
{
    if (dp->named || dp->year_first)
        return -1;
    if (dp->a > 12 && dp->b <= 12)
        return EXTRACT_DAY_FIRST;
    if (dp->b > 12 && dp->a <= 12)
        return EXTRACT_MONTH_FIRST;
    return -1;
}

static int resolve(const struct date_parts *dp, enum extract_order order, struct extract_date *out)
{
    int f = forced_order(dp);
    if (f >= 0)
        order = (enum extract_order)f;
    int day = dp->a, mon = dp->b;
    if (!dp->named && !dp->year_first && order == EXTRACT_MONTH_FIRST)
        day = dp->b, mon = dp->a;
    int y = dp->ylen == 2 ? 2000 + dp->y : dp->y;
    if (!extract_date_valid(y, mon, day))
        return -1;
    out->year = y, out->month = mon, out->day = day;
    return 0;
}

dp_err extract_parse_date(const char *s, size_t len, enum extract_order order,
                          struct extract_date *out)
{
    struct date_parts dp;
    if (!s || !out)
        return DP_EINVAL;
    if (split_date(s, len, &dp) != 0 || resolve(&dp, order, out) != 0)
        return DP_EPARSE;
    return DP_OK;
}

/* ---- finding dates in a document ---- */

struct date_cand {
    struct extract_span sp;
    size_t line;
    struct date_parts parts;
    int due;         /* labelled as a due date */
    double strength; /* 0..1 */
};

#define DATE_MAX_CANDS 128

/* Column (in characters) of byte offset off in s. */
static size_t column(const char *s, size_t off)
{
    size_t col = 0;
    for (size_t i = 0; i < off; i++)
        col += ((unsigned char)s[i] & 0xc0) != 0x80;
    return col;
}

/* Distance in columns from col to the nearest match of pattern id in s; SIZE_MAX if none. */
static size_t label_distance(struct extract_ctx *c, enum extract_re_id id, const char *s,
                             size_t len, size_t col)
{
    size_t best = SIZE_MAX;
    for (size_t pos = 0; extract_match(c, id, s, len, pos);) {
        PCRE2_SIZE *ov = extract_ov(c);
        size_t kc = column(s, ov[0]);
        size_t d = kc > col ? kc - col : col - kc;
        best = d < best ? d : best;
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    return best;
}

/* Label of a date from the text before it on its line, or from the line above when the
 * date starts its line (labels printed above values; with columns, the nearest label). */
static void label_date(struct extract_ctx *c, struct date_cand *d, const char *line, size_t from)
{
    size_t ms = d->sp.off - c->pages[d->sp.page].lines[d->line].off;
    const char *pre = line + from;
    size_t plen = ms - from;
    if (extract_has(c, XRE_KW_DUE, pre, plen)) {
        d->due = 1, d->strength = 1.0;
        return;
    }
    if (extract_match(c, XRE_KW_DATE, pre, plen, 0)) {
        size_t ks = extract_ov(c)[0], ke = extract_ov(c)[1];
        double w = extract_label_weight(c, pre + ks, ke - ks);
        d->strength = extract_has(c, XRE_KW_NODATE, pre, plen) ? 0.5 : w;
        return;
    }
    if (extract_has(c, XRE_KW_NODATE, pre, plen)) {
        d->strength = 0.5;
        return;
    }
    d->strength = 0.75;
    int blank = 1;
    for (size_t i = 0; i < ms; i++)
        blank &= line[i] == ' ' || line[i] == '\t';
    if (!blank || d->line == 0)
        return;
    const struct extract_page *pg = &c->pages[d->sp.page];
    const char *up = extract_line_text(c, d->sp.page, d->line - 1);
    size_t ulen = pg->lines[d->line - 1].len, col = column(line, ms);
    size_t due = label_distance(c, XRE_KW_DUE, up, ulen, col);
    size_t dat = label_distance(c, XRE_KW_DATE, up, ulen, col);
    if (due != SIZE_MAX && due <= dat)
        d->due = 1, d->strength = 0.9;
    else if (dat != SIZE_MAX)
        d->strength = 0.9;
}

static const enum extract_re_id date_res[] = {XRE_DATE_NUM, XRE_DATE_DMY, XRE_DATE_MDY};

/* Collects the dates of one line, in order of position. */
static void scan_line(struct extract_ctx *c, struct date_cand *cand, size_t *n, size_t p, size_t l)
{
    const char *s = extract_line_text(c, p, l);
    size_t len = c->pages[p].lines[l].len, first = *n;
    for (size_t r = 0; r < sizeof date_res / sizeof date_res[0]; r++)
        for (size_t pos = 0; *n < DATE_MAX_CANDS && extract_match(c, date_res[r], s, len, pos);) {
            PCRE2_SIZE *ov = extract_ov(c);
            size_t ms = ov[0], me = ov[1];
            pos = me;
            int overlap = 0;
            for (size_t k = first; k < *n; k++) {
                size_t ks = cand[k].sp.off - c->pages[p].lines[l].off;
                overlap |= ms < ks + cand[k].sp.len && ks < me;
            }
            struct date_cand *d = &cand[*n];
            if (overlap || split_date(s + ms, me - ms, &d->parts) != 0)
                continue;
            d->sp.page = p, d->sp.off = c->pages[p].lines[l].off + ms, d->sp.len = me - ms;
            d->line = l, d->due = 0, d->strength = 0;
            (*n)++;
        }
    /* Sort this line's dates by position, then label each from the text before it. */
    for (size_t i = first + 1; i < *n; i++)
        for (size_t j = i; j > first && cand[j].sp.off < cand[j - 1].sp.off; j--) {
            struct date_cand t = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = t;
        }
    size_t from = 0;
    for (size_t i = first; i < *n; i++) {
        label_date(c, &cand[i], s, from);
        from = cand[i].sp.off - c->pages[p].lines[l].off + cand[i].sp.len;
    }
}

/* Plausible: from 1990 to one year after today. A two-digit year that lands in the future
 * is read as 19yy instead. */
static int plausible(const struct extract_ctx *c, const struct date_parts *dp,
                     struct extract_date *dt)
{
    int64_t limit = c->today / 86400 + 366;
    if (dt->year >= 1990 && days_from_civil(dt->year, dt->month, dt->day) <= limit)
        return 1;
    if (dp->ylen == 2 && dt->year >= 2000) {
        dt->year -= 100;
        return dt->year >= 1990 && extract_date_valid(dt->year, dt->month, dt->day);
    }
    return 0;
}

static dp_err emit_date(struct extract_ctx *c, const char *name, const struct date_cand *d,
                        const struct extract_date *dt)
{
    char iso[16];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
    return extract_emit(c, name, cJSON_CreateString(iso), &d->sp, d->strength, 1);
}

dp_err extract_date_run(struct extract_ctx *c)
{
    struct date_cand *cand = calloc(DATE_MAX_CANDS, sizeof *cand);
    size_t n = 0;
    if (!cand)
        return DP_ENOMEM;
    for (size_t p = 0; p < c->npages; p++)
        for (size_t l = 0; l < c->pages[p].nlines; l++)
            scan_line(c, cand, &n, p, l);
    /* Day/month order per document: unambiguous dates vote; else the hint; else day-first
     * unless the document is in US dollars. */
    int votes[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int f = forced_order(&cand[i].parts);
        if (f >= 0)
            votes[f]++;
    }
    enum extract_order order = EXTRACT_DAY_FIRST;
    if (votes[EXTRACT_MONTH_FIRST] > votes[EXTRACT_DAY_FIRST])
        order = EXTRACT_MONTH_FIRST;
    else if (votes[EXTRACT_MONTH_FIRST] == votes[EXTRACT_DAY_FIRST])
        order = c->order_hint > 0                                ? EXTRACT_MONTH_FIRST
                : c->order_hint < 0                              ? EXTRACT_DAY_FIRST
                : c->currency && strcmp(c->currency, "USD") == 0 ? EXTRACT_MONTH_FIRST
                                                                 : EXTRACT_DAY_FIRST;
    c->month_first = order == EXTRACT_MONTH_FIRST;
    const struct date_cand *best[2] = {NULL, NULL}; /* [0] document date, [1] due date */
    struct extract_date bdt[2];
    for (size_t i = 0; i < n; i++) {
        struct extract_date dt;
        if (resolve(&cand[i].parts, order, &dt) != 0 || !plausible(c, &cand[i].parts, &dt))
            continue;
        int k = cand[i].due;
        if (!best[k] || cand[i].strength > best[k]->strength)
            best[k] = &cand[i], bdt[k] = dt;
    }
    dp_err err = DP_OK;
    if (best[0])
        err = emit_date(c, "date", best[0], &bdt[0]);
    if (err == DP_OK && best[1])
        err = emit_date(c, "due_date", best[1], &bdt[1]);
    free(cand);
    return err;
}
