/* lineitems.c -- line items from the column layout of receipt and invoice lines. */
#include "lineitems.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"
#include "lineitems_int.h"
#include "util.h"

/* ---- one line ---- */

static int letters(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += isalpha((unsigned char)*s) || ((unsigned char)*s >= 0xC0);
    return n;
}

/* Among the numbers num[nums[0..nn)], the rightmost pair (*a < *b, indices into nums) whose
 * product is the amount (within the rounding of the price); 0 when none. */
static int product_pair(char num[][24], const int *dec, const size_t *nums, size_t nn,
                        const char *amount, size_t *a, size_t *b)
{
    char *e;
    double am = strtod(amount, &e);
    for (size_t j = nn; j-- > 1;)
        for (size_t i = j; i-- > 0;) {
            double x = strtod(num[nums[i]], &e), y = strtod(num[nums[j]], &e);
            int d = dec[nums[i]] > dec[nums[j]] ? dec[nums[i]] : dec[nums[j]];
            if (am != 0 && fabs(x * y - am) <= 0.011 + fabs(x < y ? x : y) * 0.5 * pow(10, -d)) {
                *a = i, *b = j;
                return 1;
            }
        }
    return 0;
}

int lineitems_parse_tokens(const char *const *toks, size_t n, struct lineitem *out)
{
    char num[LINEITEMS_MAX_TOKS][24];
    int dec[LINEITEMS_MAX_TOKS];
    enum li_tok kind[LINEITEMS_MAX_TOKS];
    memset(out, 0, sizeof *out);
    if (n > LINEITEMS_MAX_TOKS)
        n = LINEITEMS_MAX_TOKS;
    for (size_t i = 0; i < n; i++) {
        num[i][0] = '\0';
        dec[i] = 0;
        kind[i] = lineitems_token(toks[i], strlen(toks[i]), num[i], sizeof num[i], &dec[i]);
    }
    /* an unknown short unit code between two numbers ("50,0000 H87 5,5000") is a unit */
    for (size_t i = 1; i + 1 < n; i++) {
        size_t l = strlen(toks[i]);
        if (kind[i] == LI_T_WORD && l >= 2 && l <= 3 &&
            strspn(toks[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == l &&
            kind[i - 1] == LI_T_NUM && (kind[i + 1] == LI_T_NUM || kind[i + 1] == LI_T_CUR))
            kind[i] = LI_T_UNIT;
    }
    /* the amount: the last number, allowing a trailing currency or one-letter tax code */
    size_t end = n;
    while (end > 0 && (kind[end - 1] == LI_T_CUR ||
                       (kind[end - 1] == LI_T_WORD && strlen(toks[end - 1]) == 1 &&
                        isupper((unsigned char)toks[end - 1][0]))))
        end--;
    if (end < 2 || kind[end - 1] != LI_T_NUM || dec[end - 1] != 2)
        return 0;
    size_t amt = end - 1;
    /* the numeric zone to its left: numbers, percentages, 'x', currencies, and units that
     * follow a number ("Service hour 2 40,00" keeps its "hour") */
    size_t z = amt;
    while (z > 0 && kind[z - 1] != LI_T_WORD &&
           (kind[z - 1] != LI_T_UNIT || (z >= 2 && kind[z - 2] == LI_T_NUM)))
        z--;
    size_t nums[LINEITEMS_MAX_TOKS], nn = 0;
    int times = 0;
    for (size_t i = z; i < amt; i++) {
        if (kind[i] == LI_T_NUM)
            nums[nn++] = i;
        else if (kind[i] == LI_T_PCT && num[i][0] && !out->tax_rate[0])
            snprintf(out->tax_rate, sizeof out->tax_rate, "%.15s", num[i]);
        else if (kind[i] == LI_T_PCT && i > z && kind[i - 1] == LI_T_NUM && nn)
            snprintf(out->tax_rate, sizeof out->tax_rate, "%.15s", num[nums[--nn]]);
        else if (kind[i] == LI_T_TIMES)
            times = 1;
        else if (kind[i] == LI_T_UNIT && i > z && kind[i - 1] == LI_T_NUM && !out->unit[0])
            snprintf(out->unit, sizeof out->unit, "%.*s", (int)sizeof out->unit - 1, toks[i]);
    }
    /* description: the words before the zone, without a leading position number */
    size_t d0 = 0, d1 = z;
    if (d1 - d0 >= 2 && kind[d0] == LI_T_NUM && strlen(toks[d0]) <= 8) {
        if (nn <= 1 || (d1 - d0 >= 3 && kind[d0 + 1] == LI_T_TIMES)) {
            /* receipt style: "2 Coffee 7.00", "2 x Coffee 3.50 7.00": a quantity */
            snprintf(out->quantity, sizeof out->quantity, "%.15s", num[d0]);
            d0 += kind[d0 + 1] == LI_T_TIMES ? 2 : 1;
        } else {
            d0++; /* a position number */
        }
    }
    char *p = out->description;
    size_t room = sizeof out->description;
    for (size_t i = d0; i < d1; i++) {
        int w = snprintf(p, room, "%s%s", i > d0 ? " " : "", toks[i]);
        if (w < 0 || (size_t)w >= room)
            break;
        p += w, room -= (size_t)w;
    }
    if (letters(out->description) < 2 || lineitems_is_summary(toks + d0, d1 - d0) ||
        (d1 > d0 && strcmp(toks[d1 - 1], ":") == 0))
        return 0; /* a total, or a "label : value" row */
    snprintf(out->amount, sizeof out->amount, "%.15s", num[amt]);
    size_t pa, pb;
    if (nn >= 3 && product_pair(num, dec, nums, nn, num[amt], &pa, &pb)) {
        /* more numbers than a quantity and a price (a packing unit, a tax rate without
         * '%'): the two whose product is the amount; one after them is a tax rate */
        size_t a = nums[pa], b = nums[pb];
        int qb = b + 1 < amt && (kind[b + 1] == LI_T_UNIT || kind[b + 1] == LI_T_TIMES);
        if (qb || (dec[a] > 0 && dec[b] == 0)) {
            size_t t = a;
            a = b, b = t;
        }
        if (!out->quantity[0])
            snprintf(out->quantity, sizeof out->quantity, "%.15s", num[a]);
        snprintf(out->unit_price, sizeof out->unit_price, "%.15s", num[b]);
        char *e;
        double r = pb + 1 < nn ? strtod(num[nums[pb + 1]], &e) : -1;
        if (!out->tax_rate[0] && pb + 2 == nn && r >= 0 && r <= 30 && dec[nums[pb + 1]] <= 2)
            snprintf(out->tax_rate, sizeof out->tax_rate, "%.15s", num[nums[pb + 1]]);
    } else if (nn >= 2) {
        /* quantity then price, unless the layout says otherwise: the number a unit or 'x'
         * follows is the quantity; else a whole number beside a decimal one */
        size_t a = nums[nn - 2], b = nums[nn - 1];
        int qa = a + 1 < amt && (kind[a + 1] == LI_T_UNIT || kind[a + 1] == LI_T_TIMES);
        int qb = b + 1 < amt && (kind[b + 1] == LI_T_UNIT || kind[b + 1] == LI_T_TIMES);
        if ((qb && !qa) || (!qa && !qb && dec[a] > 0 && dec[b] == 0)) {
            size_t t = a;
            a = b, b = t;
        }
        if (!out->quantity[0])
            snprintf(out->quantity, sizeof out->quantity, "%.15s", num[a]);
        snprintf(out->unit_price, sizeof out->unit_price, "%.15s", num[b]);
    } else if (nn == 1) {
        size_t i = nums[0];
        int is_qty = !out->quantity[0] &&
                     (dec[i] == 0 ||
                      (i + 1 < amt && (kind[i + 1] == LI_T_TIMES || kind[i + 1] == LI_T_UNIT)));
        if (is_qty)
            snprintf(out->quantity, sizeof out->quantity, "%.15s", num[i]);
        else
            snprintf(out->unit_price, sizeof out->unit_price, "%.15s", num[i]);
    }
    (void)times;
    out->desc_first = d0;
    out->desc_end = d1;
    out->toks_used = amt + 1;
    return 1;
}

int lineitems_parse_line(const char *buf, size_t len, struct lineitem *out)
{
    char *copy = strndup(buf, len);
    const char *toks[LINEITEMS_MAX_TOKS];
    size_t n = 0;
    if (!copy)
        return 0;
    for (char *s = copy, *save = NULL, *t; n < LINEITEMS_MAX_TOKS; s = NULL) {
        if (!(t = strtok_r(s, " \t\r\n", &save)))
            break;
        toks[n++] = t;
    }
    int ok = lineitems_parse_tokens(toks, n, out);
    free(copy);
    return ok;
}

/* ---- a document ---- */

static cJSON *money(const char *amount, const char *cur)
{
    if (!amount[0])
        return cJSON_CreateNull();
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "amount", amount);
    cJSON_AddItemToObject(m, "currency", cur ? cJSON_CreateString(cur) : cJSON_CreateNull());
    return m;
}

static cJSON *str_or_null(const char *s)
{
    return s[0] ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* The document's currency: the total's, else NULL. */
static const char *doc_currency(const cJSON *fields)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        if (n && strcmp(n, "total") == 0)
            return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(f, "value"), "currency"));
    }
    return NULL;
}

static double item_confidence(const struct lineitem *it, const struct dp_word *const *w, size_t n)
{
    double conf = 0;
    for (size_t i = 0; i < n; i++)
        conf += w[i]->conf;
    conf = n ? conf / (double)n / 100.0 : 0;
    double c = 0.5 + 0.25 * conf;
    char *e;
    double q = it->quantity[0] ? strtod(it->quantity, &e) : 1;
    double p = it->unit_price[0] ? strtod(it->unit_price, &e) : NAN;
    double a = strtod(it->amount, &e);
    if (!isnan(p) && fabs(q * p - a) <= 0.011 + fabs(q) * 0.005)
        c += 0.25;
    return round(c * 100) / 100;
}

static void add_json(cJSON *arr, const struct lineitem *it, const char *cur, int page,
                     const int box[4], double conf)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return;
    cJSON_AddStringToObject(o, "description", it->description);
    cJSON_AddItemToObject(o, "quantity", str_or_null(it->quantity));
    cJSON_AddItemToObject(o, "unit", str_or_null(it->unit));
    cJSON_AddItemToObject(o, "unit_price", money(it->unit_price, cur));
    cJSON_AddItemToObject(o, "amount", money(it->amount, cur));
    cJSON_AddItemToObject(o, "tax_rate", str_or_null(it->tax_rate));
    cJSON_AddNumberToObject(o, "page", page);
    cJSON_AddItemToObject(o, "bbox", cJSON_CreateIntArray(box, 4));
    cJSON_AddNumberToObject(o, "confidence", conf);
    cJSON_AddStringToObject(o, "source", "rules");
    cJSON_AddItemToArray(arr, o);
}

static void add_item(cJSON *arr, const struct lineitem *it, const char *cur, int page,
                     const struct dp_word *const *w, size_t n)
{
    int x0 = w[0]->x, y0 = w[0]->y, x1 = w[0]->x + w[0]->w, y1 = w[0]->y + w[0]->h;
    for (size_t i = 1; i < n; i++) {
        x0 = w[i]->x < x0 ? w[i]->x : x0;
        y0 = w[i]->y < y0 ? w[i]->y : y0;
        x1 = w[i]->x + w[i]->w > x1 ? w[i]->x + w[i]->w : x1;
        y1 = w[i]->y + w[i]->h > y1 ? w[i]->y + w[i]->h : y1;
    }
    int box[4] = {x0, y0, x1 - x0, y1 - y0};
    add_json(arr, it, cur, page, box, item_confidence(it, w, n));
}

/* The items of the page's tables that read as lists of items (lineitems_table), at most max,
 * into items[]; used[t] is set for each table that gave some. */
static size_t table_items(const struct dp_page *pg, struct lineitem *items, size_t max, char *used)
{
    size_t total = 0;
    for (size_t t = 0; t < pg->ntables; t++) {
        size_t n = total < max ? lineitems_table(&pg->tables[t], items + total, max - total) : 0;
        used[t] = n > 0;
        total += n;
    }
    return total;
}

/* Whether word w lies in a table that gave items (its centre inside the table's box). */
static int in_used_table(const struct dp_page *pg, const char *used, const struct dp_word *w)
{
    int cx = w->x + w->w / 2, cy = w->y + w->h / 2;
    for (size_t t = 0; t < pg->ntables; t++) {
        const struct table_box *b = &pg->tables[t].bbox;
        if (used[t] && cx >= b->x && cx < b->x + b->w && cy >= b->y && cy < b->y + b->h)
            return 1;
    }
    return 0;
}

/* ---- visual rows ---- */

static int cmp_center(const void *a, const void *b, void *words)
{
    const struct dp_word *w = words;
    const struct dp_word *x = &w[*(const size_t *)a], *y = &w[*(const size_t *)b];
    int cx = 2 * x->y + x->h, cy = 2 * y->y + y->h;
    return (cx > cy) - (cx < cy);
}

static int cmp_x(const void *a, const void *b, void *words)
{
    const struct dp_word *w = words;
    const struct dp_word *x = &w[*(const size_t *)a], *y = &w[*(const size_t *)b];
    return (x->x > y->x) - (x->x < y->x);
}

#define LI_TALL 3 /* a word this many median heights tall is no part of a text row */

/* The median word height of pg (>= 1), using tmp[0..nwords) as scratch. */
static int median_height(const struct dp_page *pg, size_t *tmp)
{
    int *h = (int *)tmp; /* sizeof(size_t) >= sizeof(int) */
    size_t n = pg->nwords;
    for (size_t i = 0; i < n; i++)
        h[i] = pg->words[i].h;
    qsort(h, n, sizeof *h, util_cmp_int);
    return n && h[n / 2] > 0 ? h[n / 2] : 1;
}

/* Orders the words of pg into visual rows: idx[] gets word indices row by row (left to right),
 * starts[r] the first position of row r; returns the number of rows. A word joins a row when
 * its vertical centre lies within the row's band (the page's text order may run column by
 * column, as PDF text layers do). */
static size_t make_rows(const struct dp_page *pg, size_t *idx, size_t *starts)
{
    size_t n = 0, rows = 0, tall = 0;
    /* words far taller than the text (a vertical banner in the margin) would join every
     * line they pass: each stands alone, after the rows */
    int hmed = median_height(pg, idx);
    for (size_t i = 0; i < pg->nwords; i++)
        if (pg->words[i].h <= LI_TALL * hmed)
            idx[n++] = i;
    for (size_t i = 0; i < pg->nwords; i++)
        if (pg->words[i].h > LI_TALL * hmed)
            idx[n + tall++] = i;
    qsort_r(idx, n, sizeof *idx, cmp_center, pg->words);
    for (size_t i = 0; i < n;) {
        const struct dp_word *w = &pg->words[idx[i]];
        int top = w->y, bottom = w->y + (w->h > 0 ? w->h : 1);
        size_t j = i + 1;
        while (j < n) {
            const struct dp_word *v = &pg->words[idx[j]];
            int c = v->y + v->h / 2;
            if (c < top || c > bottom)
                break;
            j++;
        }
        qsort_r(idx + i, j - i, sizeof *idx, cmp_x, pg->words);
        starts[rows++] = i;
        i = j;
    }
    for (size_t t = 0; t < tall; t++)
        starts[rows++] = n + t;
    starts[rows] = n + tall;
    return rows;
}

/* The tokens of row positions [a, b) not masked by skip (may be NULL) appended to toks[n..]. */
static size_t row_tokens(const struct dp_page *pg, const size_t *idx, const char *skip, size_t a,
                         size_t b, const char **toks, size_t n)
{
    for (size_t k = a; k < b && n < LINEITEMS_MAX_TOKS; k++)
        if (!skip || !skip[idx[k]])
            toks[n++] = pg->words[idx[k]].text ? pg->words[idx[k]].text : "";
    return n;
}

/* A row of at most two tokens ending in an amount: the amount column of an item whose other
 * columns stand on the row above ("4012345001235  198,00" under "Trennblätter A4 9,90 20 Stk"). */
static int amount_row(const char *const *toks, size_t n)
{
    struct lineitem it;
    const char *probe[2] = {"item", toks[n - 1]};
    return n >= 1 && n <= 2 && lineitems_parse_tokens(probe, 2, &it) == 1 &&
           strcmp(it.description, "item") == 0 && !it.quantity[0] && !it.unit_price[0];
}

/* Whether toks[0..n) has a number after a word (a quantity or a price waiting for its
 * amount, not only a position number). */
static int has_number(const char *const *toks, size_t n)
{
    int word = 0;
    for (size_t i = 0; i < n; i++) {
        char num[24];
        int dec;
        enum li_tok k = lineitems_token(toks[i], strlen(toks[i]), num, sizeof num, &dec);
        if (k == LI_T_NUM && word)
            return 1;
        word |= k == LI_T_WORD && letters(toks[i]) >= 2;
    }
    return 0;
}

/* Whether toks[0..n) has a price after a word (a number with decimals: "5,4900"), not only
 * a count in a note ("Lieferung in 4 Kartons"). */
static int has_price(const char *const *toks, size_t n)
{
    int word = 0;
    for (size_t i = 0; i < n; i++) {
        char num[24];
        int dec = 0;
        enum li_tok k = lineitems_token(toks[i], strlen(toks[i]), num, sizeof num, &dec);
        if (k == LI_T_NUM && word && dec >= 2)
            return 1;
        word |= k == LI_T_WORD && letters(toks[i]) >= 2;
    }
    return 0;
}

/* Whether a token of toks[0..n) ends a label ("Bruttopreis :", "Rabatt:"). */
static int has_label(const char *const *toks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(toks[i]);
        if (len && toks[i][len - 1] == ':')
            return 1;
    }
    return 0;
}

/* Appends toks[0..n) to it's description, without a leading article or EAN number (8 or
 * more digits), as far as it fits. */
static void append_words(struct lineitem *it, const char *const *toks, size_t n)
{
    size_t i = 0, o = strlen(it->description);
    if (n && strlen(toks[0]) >= 8 && strspn(toks[0], "0123456789") == strlen(toks[0]))
        i = 1;
    for (; i < n; i++) {
        size_t len = strlen(toks[i]);
        if (o + len + 2 > sizeof it->description)
            break;
        it->description[o++] = ' ';
        memcpy(it->description + o, toks[i], len + 1);
        o += len;
    }
}

/* Whether row r holds an item's numbers without its description (an article number,
 * quantity, price, amount) and row r + 1 the description alone ("4123456000014 28997
 * 100,0000 Stk. 1 1,0000 19,0 100,00" over "Zitronensäure 100ml"): then *it is that item. */
static int desc_below(const struct dp_page *pg, const size_t *idx, const char *skip,
                      const size_t *starts, size_t rows, size_t r, struct lineitem *it)
{
    const char *toks[2 * LINEITEMS_MAX_TOKS], *cur[LINEITEMS_MAX_TOKS];
    if (r + 1 >= rows)
        return 0;
    size_t n = row_tokens(pg, idx, skip, starts[r], starts[r + 1], cur, 0);
    if (n < 3 || !amount_row(cur + n - 1, 1) ||
        (lineitems_parse_tokens(cur, n, it) && letters(it->description) >= 3) ||
        lineitems_is_summary(cur, n) || has_label(cur, n))
        return 0; /* no numbers row, or one with its own description */
    size_t m = row_tokens(pg, idx, skip, starts[r + 1], starts[r + 2], toks, 0);
    int let = 0;
    for (size_t i = 0; i < m; i++)
        let += letters(toks[i]);
    if (m == 0 || let < 3 || amount_row(toks + m - 1, 1) || lineitems_is_summary(toks, m) ||
        has_label(toks, m))
        return 0;
    size_t words = m;
    for (size_t i = 0; i < n && m < 2 * LINEITEMS_MAX_TOKS; i++)
        toks[m++] = cur[i];
    if (!lineitems_parse_tokens(toks, m, it))
        return 0;
    /* the description is the row below, without the numbers row's article codes */
    size_t o = 0;
    for (size_t i = 0; i < words; i++) {
        size_t len = strlen(toks[i]);
        if (o + len + 2 > sizeof it->description)
            break;
        if (o)
            it->description[o++] = ' ';
        memcpy(it->description + o, toks[i], len + 1);
        o += len;
    }
    return 1;
}

/* Line items of one page into arr: its tables' items (tab[0..ntab), in reading order with
 * the others), and items from the lines outside those tables (skip masks their words). */
static void page_items(cJSON *arr, const struct dp_page *pg, const char *cur,
                       const struct lineitem *tab, size_t ntab, const char *skip, size_t *idx,
                       size_t *starts, const struct dp_word **ws)
{
    size_t rows = make_rows(pg, idx, starts), next_tab = 0;
    int found = 0;
    for (size_t r = 0; r < rows; r++) {
        const char *toks[2 * LINEITEMS_MAX_TOKS];
        const struct dp_word *top = &pg->words[idx[starts[r]]];
        for (; next_tab < ntab && tab[next_tab].bbox[1] <= top->y; next_tab++, found++)
            add_json(arr, &tab[next_tab], cur, pg->number, tab[next_tab].bbox,
                     round(tab[next_tab].conf * 100.0) / 100.0);
        size_t n = row_tokens(pg, idx, skip, starts[r], starts[r + 1], toks, 0), used_rows = 1;
        struct lineitem it;
        if (n == 0)
            continue; /* inside a table read above */
        int ok = lineitems_parse_tokens(toks, n, &it);
        struct lineitem below;
        if ((!ok || letters(it.description) < 3) &&
            desc_below(pg, idx, skip, starts, rows, r, &below)) {
            it = below; /* the row's description (if any) is only an article code */
            ok = 1;
            used_rows = 2;
        } else if (!ok && r + 1 < rows && !lineitems_is_summary(toks, n)) {
            /* the amount may stand alone on the row below */
            const char *next[LINEITEMS_MAX_TOKS];
            size_t m = row_tokens(pg, idx, skip, starts[r + 1], starts[r + 2], next, 0);
            if (m && amount_row(next, m) && n < LINEITEMS_MAX_TOKS) {
                toks[n++] = next[m - 1];
                ok = lineitems_parse_tokens(toks, n, &it);
                used_rows = 2;
            } else if (m >= 2 && n < LINEITEMS_MAX_TOKS && has_number(toks, n) &&
                       amount_row(next + m - 1, 1) && !lineitems_is_summary(next, m) &&
                       !has_label(next, m) && !has_label(toks, n) &&
                       (has_price(toks, n) ||
                        !desc_below(pg, idx, skip, starts, rows, r + 1, &below))) {
                /* or end a row that continues the description ("12 x 1,0l PET  109,80"
                 * under "GTRWA5 Mineralwasser Medium 5,4900 20 Stk 7%") */
                toks[n++] = next[m - 1];
                if ((ok = lineitems_parse_tokens(toks, n, &it)) != 0) {
                    append_words(&it, next, m - 1);
                    used_rows = 2;
                }
            }
        }
        if (ok) {
            if (cJSON_GetArraySize(arr) >= LINEITEMS_MAX)
                break;
            size_t nw = 0;
            for (size_t k = starts[r]; k < starts[r + used_rows] && nw < 2 * LINEITEMS_MAX_TOKS;
                 k++)
                if (!skip[idx[k]])
                    ws[nw++] = &pg->words[idx[k]];
            add_item(arr, &it, cur, pg->number, ws, nw);
            found++;
            r += used_rows - 1;
        } else if (found && lineitems_ends_list(toks, n)) {
            break; /* the totals below the items: this page's list has ended */
        }
    }
    for (; next_tab < ntab && cJSON_GetArraySize(arr) < LINEITEMS_MAX; next_tab++)
        add_json(arr, &tab[next_tab], cur, pg->number, tab[next_tab].bbox,
                 round(tab[next_tab].conf * 100.0) / 100.0);
}

static int cmp_item_y(const void *a, const void *b)
{
    const struct lineitem *x = a, *y = b;
    return (x->bbox[1] > y->bbox[1]) - (x->bbox[1] < y->bbox[1]);
}

cJSON *lineitems_find(const struct dp_doc_text *doc, const cJSON *fields)
{
    cJSON *arr = cJSON_CreateArray();
    const char *cur = doc_currency(fields);
    struct lineitem *tab = malloc(LINEITEMS_MAX * sizeof *tab);
    for (size_t p = 0; arr && tab && doc && p < doc->npages; p++) {
        const struct dp_page *pg = &doc->pages[p];
        size_t *idx = malloc((pg->nwords + 1) * sizeof *idx);
        size_t *starts = malloc((pg->nwords + 2) * sizeof *starts);
        const struct dp_word **ws = malloc((2 * LINEITEMS_MAX_TOKS + 1) * sizeof *ws);
        char *used = calloc(pg->ntables + 1, 1), *skip = calloc(pg->nwords + 1, 1);
        if (!idx || !starts || !ws || !used || !skip) {
            free(idx), free(starts), free(ws), free(used), free(skip);
            break;
        }
        size_t room = LINEITEMS_MAX - (size_t)cJSON_GetArraySize(arr);
        size_t ntab = table_items(pg, tab, room, used);
        qsort(tab, ntab, sizeof *tab, cmp_item_y);
        for (size_t i = 0; ntab && i < pg->nwords; i++)
            skip[i] = (char)in_used_table(pg, used, &pg->words[i]);
        if (pg->nwords)
            page_items(arr, pg, cur, tab, ntab, skip, idx, starts, ws);
        free(idx), free(starts), free(ws), free(used), free(skip);
    }
    free(tab);
    return arr;
}
