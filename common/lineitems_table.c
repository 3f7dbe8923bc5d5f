/* lineitems_table.c -- line items read from a table of items (pages[].tables[]): columns
 * mapped by their header and by the arithmetic of their values, rows grouped into items. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lineitems.h"
#include "lineitems_int.h"

#define LT_HEADER_ROWS 6  /* rows looked at for a header */
#define LT_MAX_NUMCOLS 12 /* number columns tried in the arithmetic (more: header only) */

/* ---- cells ---- */

/* What a number cell holds: "20 Stk", "9,90 €", "19 %", "EUR 95.00". */
struct cellval {
    int ok;        /* 1: the cell is a number (with unit, currency, % around it) */
    char num[24];  /* plain decimal */
    int dec;       /* digits after the point */
    int pct;       /* written as a percentage */
    char unit[16]; /* a unit after the number, "" when none */
    double v;
};

static void cell_value(const char *text, struct cellval *cv)
{
    memset(cv, 0, sizeof *cv);
    const char *p = text;
    int words = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        char num[24];
        int dec = 0;
        enum li_tok k = lineitems_token(p, n, num, sizeof num, &dec);
        int code = n >= 2 && n <= 3 && strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") >= n;
        if ((k == LI_T_NUM || (k == LI_T_PCT && num[0])) && !cv->ok) {
            cv->ok = 1, cv->dec = dec, cv->pct = k == LI_T_PCT;
            memcpy(cv->num, num, sizeof num);
        } else if (k == LI_T_PCT) {
            cv->pct = 1;
        } else if ((k == LI_T_UNIT || (k == LI_T_WORD && code)) && cv->ok && !cv->unit[0]) {
            size_t m = n < sizeof cv->unit - 1 ? n : sizeof cv->unit - 1;
            memcpy(cv->unit, p, m);
            cv->unit[m] = '\0';
        } else if (k == LI_T_WORD) {
            words++;
        }
        p += n;
    }
    if (words || !cv->ok) {
        cv->ok = 0;
        return;
    }
    char *e;
    cv->v = strtod(cv->num, &e);
}

static int letters(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += isalpha((unsigned char)*s) || (unsigned char)*s >= 0xC0;
    return n;
}

/* Copies src into dst[dstsz], cut at a character boundary when it does not fit. */
static void put(char *dst, size_t dstsz, const char *src)
{
    size_t n = strlen(src);
    if (n >= dstsz) {
        n = dstsz - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* cut at a character boundary */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- the table's shape ---- */

/* Work space: roles per column, body rows, items as row ranges. */
struct lt {
    const struct table *t;
    int cols;
    enum lineitems_col role[TABLE_MAX_COLS];
    int header;       /* 1 when a header row named the columns */
    int body0, body1; /* body rows [body0, body1) */
    int numeric[TABLE_MAX_COLS];
    int *start; /* first row of each item, nitems + 1 entries */
    int nitems;
    const struct table_cell **at; /* rows x cols: the cell whose top-left slot it is, or NULL */
    struct cellval *val;          /* rows x cols: what that cell holds as a number */
};

static const struct table_cell *slot(const struct lt *L, int r, int c)
{
    return L->at[(size_t)r * (size_t)L->cols + (size_t)c];
}

static const struct cellval *vat(const struct lt *L, int r, int c)
{
    return &L->val[(size_t)r * (size_t)L->cols + (size_t)c];
}

/* Indexes t's cells by their top-left slot and reads each as a number. -1 on ENOMEM. */
static int index_cells(struct lt *L)
{
    const struct table *t = L->t;
    size_t n = (size_t)t->rows * (size_t)t->cols;
    L->at = calloc(n, sizeof *L->at);
    L->val = calloc(n, sizeof *L->val);
    if (!L->at || !L->val)
        return -1;
    for (size_t i = 0; i < t->ncells; i++) {
        const struct table_cell *c = &t->cells[i];
        if (c->row < 0 || c->row >= t->rows || c->col < 0 || c->col >= t->cols || !c->text ||
            !c->text[0])
            continue;
        size_t k = (size_t)c->row * (size_t)t->cols + (size_t)c->col;
        L->at[k] = c;
        cell_value(c->text, &L->val[k]);
    }
    return 0;
}

/* Roles named by row r (and r + 1 when it is a second header line without numbers): the
 * number of distinct item roles found. */
static int header_roles(const struct lt *L, int r, enum lineitems_col *role, int *rows_used)
{
    const struct table *t = L->t;
    int distinct = 0, seen[LI_COL_GROSS + 1] = {0};
    *rows_used = 1;
    for (int c = 0; c < t->cols && c < TABLE_MAX_COLS; c++)
        role[c] = LI_COL_NONE;
    for (int pass = 0; pass < 2; pass++) {
        int rr = r + pass, numbers = 0;
        if (rr >= t->rows)
            break;
        for (int c = 0; c < t->cols && c < TABLE_MAX_COLS; c++) {
            numbers += slot(L, rr, c) && vat(L, rr, c)->ok;
        }
        if (pass == 1 && numbers)
            break;
        int found = 0;
        for (int c = 0; c < t->cols && c < TABLE_MAX_COLS; c++) {
            const struct table_cell *cell = slot(L, rr, c);
            if (!cell || role[c] != LI_COL_NONE)
                continue;
            enum lineitems_col k = lineitems_header_role(cell->text);
            if (k == LI_COL_NONE)
                continue;
            role[c] = k, found++;
            if (!seen[k] && k != LI_COL_POS)
                seen[k] = 1, distinct++;
        }
        if (pass == 1 && found)
            *rows_used = 2;
        if (pass == 0 && distinct == 0)
            break;
    }
    return distinct;
}

/* Whether roles name a list of items: an amount with a description, quantity or price, or a
 * description with a quantity and a price ("Steuer | Betrag" is a tax breakdown). */
static int item_header(const enum lineitems_col *role, int cols)
{
    int has[LI_COL_GROSS + 1] = {0};
    for (int c = 0; c < cols && c < TABLE_MAX_COLS; c++)
        has[role[c]] = 1;
    int amount = has[LI_COL_AMOUNT] || has[LI_COL_GROSS];
    return (amount && (has[LI_COL_DESC] || has[LI_COL_QTY] || has[LI_COL_PRICE])) ||
           (has[LI_COL_DESC] && has[LI_COL_QTY] && has[LI_COL_PRICE]);
}

/* A row of labels ending the items ("Summe netto", "Total", "MwSt 19 %"): its first words
 * name a total, tax or payment, and it has no quantity or price. */
static int summary_row(const struct lt *L, int r)
{
    const char *toks[3];
    char buf[128];
    size_t n = 0;
    for (int c = 0; c < L->cols; c++) {
        const struct table_cell *cell = slot(L, r, c);
        struct cellval cv;
        if (!cell)
            continue;
        cv = *vat(L, r, c);
        if (cv.ok && (L->role[c] == LI_COL_QTY || L->role[c] == LI_COL_PRICE))
            return 0; /* it has a quantity or a price: an item */
        if (cv.ok || n)
            continue;
        put(buf, sizeof buf, cell->text);
        for (char *s = buf, *save = NULL, *tk; n < 3; s = NULL) {
            if (!(tk = strtok_r(s, " ", &save)))
                break;
            toks[n++] = tk;
        }
    }
    return n > 0 && lineitems_is_summary(toks, n);
}

/* Number columns: most of their non-empty body cells are numbers. */
static void find_numeric(struct lt *L)
{
    for (int c = 0; c < L->cols; c++) {
        int nonempty = 0, num = 0;
        for (int r = L->body0; r < L->body1; r++) {
            const struct table_cell *cell = slot(L, r, c);
            struct cellval cv;
            if (!cell)
                continue;
            nonempty++;
            cv = *vat(L, r, c);
            num += cv.ok;
        }
        L->numeric[c] = num > 0 && 2 * num >= nonempty;
    }
}

/* Groups the body rows into items: a row starts an item when it has a number in a number
 * column that the item so far already has (a new position, quantity, price or amount);
 * other rows continue the item above. Returns -1 on ENOMEM. */
static int group_rows(struct lt *L)
{
    int filled[TABLE_MAX_COLS];
    L->start = malloc(((size_t)(L->body1 - L->body0) + 2) * sizeof *L->start);
    if (!L->start)
        return -1;
    L->nitems = 0;
    for (int r = L->body0; r < L->body1; r++) {
        int repeat = 0;
        for (int c = 0; c < L->cols; c++) {
            const struct table_cell *cell = slot(L, r, c);
            struct cellval cv;
            if (!cell || !L->numeric[c])
                continue;
            cv = *vat(L, r, c);
            if (!cv.ok)
                continue;
            if (L->nitems && filled[c])
                repeat = 1;
        }
        if (!L->nitems || repeat) {
            memset(filled, 0, sizeof filled);
            L->start[L->nitems++] = r;
        }
        for (int c = 0; c < L->cols; c++) {
            const struct table_cell *cell = slot(L, r, c);
            struct cellval cv;
            if (!cell || !L->numeric[c])
                continue;
            cv = *vat(L, r, c);
            filled[c] |= cv.ok;
        }
    }
    L->start[L->nitems] = L->body1;
    return 0;
}

/* The first number of column c within item i. */
static int item_value(const struct lt *L, int i, int c, struct cellval *cv)
{
    memset(cv, 0, sizeof *cv);
    if (c < 0)
        return 0;
    for (int r = L->start[i]; r < L->start[i + 1]; r++) {
        const struct table_cell *cell = slot(L, r, c);
        if (!cell)
            continue;
        *cv = *vat(L, r, c);
        if (cv->ok)
            return 1;
    }
    return 0;
}

static int close_to(double q, double p, double a, int pdec)
{
    double tol = 0.011 + fabs(q) * 0.5 * pow(10, -(pdec > 0 ? pdec : 0));
    return a != 0 && fabs(q * p - a) <= tol;
}

/* The arithmetic: the columns (qi, pi, ai) where quantity x price = amount on the most items.
 * Returns that count (0 when none). A known amount column is kept when it takes part. */
static int arithmetic(const struct lt *L, int *qi, int *pi, int *ai)
{
    int cand[LT_MAX_NUMCOLS], nc = 0, best = 0, best_named = 0;
    for (int c = 0; c < L->cols && nc < LT_MAX_NUMCOLS; c++)
        if (L->numeric[c] && L->role[c] != LI_COL_TAX)
            cand[nc++] = c;
    for (int a = 0; a < nc; a++)
        for (int x = 0; x < nc; x++)
            for (int y = x + 1; y < nc; y++) {
                if (x == a || y == a)
                    continue;
                int hits = 0;
                for (int i = 0; i < L->nitems; i++) {
                    struct cellval va, vx, vy;
                    if (item_value(L, i, cand[a], &va) && item_value(L, i, cand[x], &vx) &&
                        item_value(L, i, cand[y], &vy) && !vx.pct && !vy.pct &&
                        (close_to(vx.v, vy.v, va.v, vy.dec) || close_to(vy.v, vx.v, va.v, vx.dec)))
                        hits++;
                }
                /* ties: the amount named by the header, else the rightmost */
                int named = L->role[cand[a]] == LI_COL_AMOUNT;
                if (hits > best ||
                    (hits == best && hits > 0 &&
                     (named > best_named || (named == best_named && cand[a] > *ai)))) {
                    best = hits, best_named = named;
                    *ai = cand[a], *qi = cand[x], *pi = cand[y];
                }
            }
    return best;
}

/* Which of two columns whose product is the amount holds the quantity: the header's word,
 * else the one of whole numbers, else the left one. Swaps *q and *p when needed. */
static void order_pair(const struct lt *L, int *q, int *p)
{
    if (L->role[*p] == LI_COL_QTY || L->role[*q] == LI_COL_PRICE) {
        int t = *q;
        *q = *p, *p = t;
        return;
    }
    if (L->role[*q] == LI_COL_QTY || L->role[*p] == LI_COL_PRICE)
        return;
    int qint = 1, pint = 1;
    for (int i = 0; i < L->nitems; i++) {
        struct cellval v;
        if (item_value(L, i, *q, &v) && v.v != floor(v.v))
            qint = 0;
        if (item_value(L, i, *p, &v) && v.v != floor(v.v))
            pint = 0;
    }
    if (pint && !qint) {
        int t = *q;
        *q = *p, *p = t;
    }
}

/* The column of role k: the rightmost for amounts (the line total comes last), else the
 * first; -1 when none. */
static int col_of(const struct lt *L, enum lineitems_col k)
{
    int found = -1;
    for (int c = 0; c < L->cols; c++)
        if (L->role[c] == k) {
            found = c;
            if (k != LI_COL_AMOUNT && k != LI_COL_GROSS)
                break;
        }
    return found;
}

/* The description column: the header's, else the column with the most letters. */
static int desc_column(const struct lt *L)
{
    int d = col_of(L, LI_COL_DESC), best = 0;
    if (d >= 0)
        return d;
    for (int c = 0; c < L->cols; c++) {
        int n = 0;
        if (L->numeric[c] || L->role[c] != LI_COL_NONE)
            continue;
        for (int r = L->body0; r < L->body1; r++) {
            const struct table_cell *cell = slot(L, r, c);
            n += cell ? letters(cell->text) : 0;
        }
        if (n > best)
            best = n, d = c;
    }
    return d;
}

/* ---- items ---- */

/* Fills it from item i of L with the columns q, p, a, d, u, x (tax); 1 when it has an amount
 * and a description with letters. */
static int make_item(const struct lt *L, int i, int q, int p, int a, int d, int u, int x,
                     struct lineitem *it)
{
    struct cellval v;
    memset(it, 0, sizeof *it);
    if (!item_value(L, i, a, &v) || v.pct)
        return 0;
    put(it->amount, sizeof it->amount, v.num);
    if (item_value(L, i, q, &v)) {
        put(it->quantity, sizeof it->quantity, v.num);
        put(it->unit, sizeof it->unit, v.unit);
    }
    if (item_value(L, i, p, &v))
        put(it->unit_price, sizeof it->unit_price, v.num);
    if (item_value(L, i, x, &v))
        put(it->tax_rate, sizeof it->tax_rate, v.num);
    struct table_box box = {0, 0, 0, 0};
    size_t o = 0;
    for (int r = L->start[i]; r < L->start[i + 1]; r++)
        for (int c = 0; c < L->cols; c++) {
            const struct table_cell *cell = slot(L, r, c);
            if (!cell)
                continue;
            const struct table_box *b = &cell->bbox;
            if (box.w == 0 && box.h == 0) {
                box = *b;
            } else {
                int x1 = box.x + box.w > b->x + b->w ? box.x + box.w : b->x + b->w;
                int y1 = box.y + box.h > b->y + b->h ? box.y + box.h : b->y + b->h;
                box.x = b->x < box.x ? b->x : box.x;
                box.y = b->y < box.y ? b->y : box.y;
                box.w = x1 - box.x, box.h = y1 - box.y;
            }
            if (c == u && !it->unit[0])
                put(it->unit, sizeof it->unit, cell->text);
            if (c != d || o + 2 >= sizeof it->description)
                continue;
            if (o)
                it->description[o++] = ' ';
            put(it->description + o, sizeof it->description - o, cell->text);
            o = strlen(it->description);
        }
    it->bbox[0] = box.x, it->bbox[1] = box.y, it->bbox[2] = box.w, it->bbox[3] = box.h;
    if (letters(it->description) < 2)
        return 0;
    char *e;
    double qv = it->quantity[0] ? strtod(it->quantity, &e) : NAN;
    double pv = it->unit_price[0] ? strtod(it->unit_price, &e) : NAN;
    int pdec = 0;
    if (it->unit_price[0] && strchr(it->unit_price, '.'))
        pdec = (int)strlen(strchr(it->unit_price, '.') + 1);
    it->conf =
        0.6f + (L->header ? 0.15f : 0.0f) +
        (!isnan(qv) && !isnan(pv) && close_to(qv, pv, strtod(it->amount, &e), pdec) ? 0.25f : 0.0f);
    return 1;
}

size_t lineitems_table(const struct table *t, struct lineitem *out, size_t max)
{
    struct lt L = {.t = t, .cols = t ? t->cols : 0};
    size_t n = 0;
    if (!t || t->rows < 2 || t->cols < 2 || t->cols > TABLE_MAX_COLS || t->rows > TABLE_MAX_ROWS ||
        !max)
        return 0;
    if (index_cells(&L))
        goto out;
    /* the header: the first of the top rows naming two item roles */
    L.body0 = 0;
    for (int r = 0; r < t->rows && r < LT_HEADER_ROWS; r++) {
        enum lineitems_col role[TABLE_MAX_COLS];
        int used;
        if (header_roles(&L, r, role, &used) >= 2 && item_header(role, t->cols)) {
            memcpy(L.role, role, sizeof role);
            L.header = 1;
            L.body0 = r + used;
            break;
        }
    }
    /* the body: up to the first total row */
    L.body1 = L.body0;
    while (L.body1 < t->rows && !summary_row(&L, L.body1))
        L.body1++;
    if (L.body1 <= L.body0)
        goto out;
    find_numeric(&L);
    if (group_rows(&L))
        goto out;
    int q = -1, p = -1, a = -1;
    int hits = L.nitems > 0 ? arithmetic(&L, &q, &p, &a) : 0;
    if (hits > 0 && (2 * hits >= L.nitems || L.header)) {
        order_pair(&L, &q, &p);
    } else {
        if (!L.header)
            goto out; /* neither named nor adding up: not a table of items */
        q = col_of(&L, LI_COL_QTY), p = col_of(&L, LI_COL_PRICE), a = col_of(&L, LI_COL_AMOUNT);
        if (a < 0)
            a = col_of(&L, LI_COL_GROSS);
    }
    int d = desc_column(&L);
    if (a < 0 || d < 0)
        goto out;
    int u = col_of(&L, LI_COL_UNIT), x = col_of(&L, LI_COL_TAX);
    for (int i = 0; i < L.nitems && n < max; i++)
        n += make_item(&L, i, q, p, a, d, u, x, &out[n]);
out:
    free(L.start);
    free(L.at);
    free(L.val);
    return n;
}
