/* form_table.c -- table links of a form: a column header linked to every number below it in
 * its column, a row label to every number right of it on its line (FUNSD links a table's
 * headers to each of their cells), and the entities of a table cut at its column gutters.
 * Pure over entities and the layout (form_int.h). */
#include <stdlib.h>
#include <string.h>
#include "form_int.h"

#define TAB_DOWN_EM    6.0  /* a column's next cell starts at most this far below the last one */
#define TAB_GROUP_EM   7.0  /* ... or this far when it lies in a row of numbers (a row group) */
#define TAB_FAR_EM     20.0 /* ... or this far when the band between is empty across the table */
#define TAB_RIGHT_EM   10.0 /* a row's next cell starts at most this far right of the last one */
#define TAB_HEAD_KEY   0.3  /* a header's key-likeness, at least */
#define TAB_MIN_CELLS  2    /* cells of a column or row that make it a table's */
#define TAB_TEXT_CELLS 3    /* cells of a column of words (no label among them) that make it one */
#define TAB_TEXT_WORDS 4    /* words of such a cell, at most (more: a paragraph's lines) */
#define TAB_WIDE       2    /* a cell at most this many times as wide as its header's column */
#define GUTTER_EM      6.0  /* lines looked at above and below for a column gutter */
#define CELL           ((size_t)-1) /* runs[j]: j is a cell of a table's column */

static int overlap(int a0, int a1, int b0, int b1)
{
    return (a1 < b1 ? a1 : b1) - (a0 > b0 ? a0 : b0);
}

/* Whether entity j is no cell but a column passes over it: a unit ("%") or a blot. */
static int blot(const struct form_ent *e, size_t j)
{
    return e[j].unit || (e[j].noise && !e[j].numeric);
}

/* The entity right under ents[cur] in the column [cx0,cx1): the nearest one starting below
 * it (on a later line) that overlaps the column in x by half its own width or half the
 * column's, within down em (past units and blots when past_blots); -1 when none. */
static long below(const struct form_ent *e, size_t n, size_t cur, int cx0, int cx1, int em,
                  double down, int past_blots)
{
    long best = -1;
    int lim = e[cur].y1 + (int)(down * em);
    /* entities come line by line, a line's words not all at one height: look a little
     * past the limit before stopping */
    for (size_t j = cur + 1; j < n && e[j].y0 <= lim + 2 * em; j++) {
        if (e[j].line == e[cur].line || e[j].y0 < e[cur].y1 - em / 3 || e[j].y0 > lim ||
            (past_blots && blot(e, j)))
            continue;
        int ov = overlap(e[j].x0, e[j].x1, cx0, cx1);
        int need = (e[j].x1 - e[j].x0 < cx1 - cx0 ? e[j].x1 - e[j].x0 : cx1 - cx0) / 2;
        if (ov > 0 && ov >= need && (best < 0 || e[j].y0 < e[best].y0))
            best = (long)j;
    }
    return best;
}

/* Whether entity j can be a cell of a column headed by h: no written label, read surely,
 * not much wider than the column (a sentence across the page ends the table). */
static int cell_like(const struct form_ent *e, size_t h, size_t j)
{
    int hw = e[h].x1 - e[h].x0;
    return !e[j].colon &&
           (e[j].numeric || (!e[j].noise && e[j].x1 - e[j].x0 <= TAB_WIDE * hw + hw));
}

static int header_like(const struct form_ent *e, size_t h);

/* Whether the line of entity j is a row of headers: at least two entities, all label-like. */
static int header_row(const struct form_ent *e, size_t n, size_t j)
{
    size_t a = j, b = j, k;
    while (a > 0 && e[a - 1].line == e[j].line)
        a--;
    while (b + 1 < n && e[b + 1].line == e[j].line)
        b++;
    for (k = a; k <= b && header_like(e, k); k++)
        ;
    return b > a && k > b;
}

/* The number of entities on the line of entity j that read as numbers. */
static size_t numbers_on_line(const struct form_ent *e, size_t n, size_t j)
{
    size_t a = j, b = j, c = 0;
    while (a > 0 && e[a - 1].line == e[j].line)
        a--;
    while (b + 1 < n && e[b + 1].line == e[j].line)
        b++;
    for (size_t k = a; k <= b; k++)
        c += e[k].numeric ? 1 : 0;
    return c;
}

/* Whether nothing but the table's own rows lies between the lines of entities a and b (b
 * below a) across the x span [x0,x1): the band between two groups of a table's rows holds at
 * most the row labels left of it, units and blots, and rows of numbers (at least two on their
 * line) where this column is blank; a line of text across it ends the table. */
static int empty_band(const struct form_ent *e, size_t n, size_t a, size_t b, int x0, int x1)
{
    for (size_t k = a + 1; k < b && k < n; k++)
        if (e[k].line != e[a].line && e[k].line != e[b].line && e[k].y0 >= e[a].y1 - 2 &&
            e[k].y1 <= e[b].y0 + 2 && overlap(e[k].x0, e[k].x1, x0, x1) > 0 && !blot(e, k) &&
            !(e[k].numeric && numbers_on_line(e, n, k) >= 2))
            return 0;
    return 1;
}

/* The x span of the label-like entities on the line of header h (its header row). */
static void row_span(const struct form_ent *e, size_t n, size_t h, int *x0, int *x1)
{
    *x0 = e[h].x0;
    *x1 = e[h].x1;
    for (size_t k = 0; k < n; k++)
        if (e[k].line == e[h].line && header_like(e, k)) {
            *x0 = e[k].x0 < *x0 ? e[k].x0 : *x0;
            *x1 = e[k].x1 > *x1 ? e[k].x1 : *x1;
        }
}

/* The cells of the column headed by h: written to cells (at most max), their count.  The
 * column ends at a row of headers (the next table).  Past its first cell it goes on across a
 * gap of up to TAB_GROUP_EM to a number on a line of at least two numbers (the table's next
 * group of rows), or up to TAB_FAR_EM when nothing lies between across the header row. */
static size_t column(const struct form_ent *e, size_t n, size_t h, int em, size_t *cells,
                     size_t max)
{
    size_t nc = 0, cur = h;
    int cx0 = e[h].x0, cx1 = e[h].x1, rx0, rx1;
    long j;
    row_span(e, n, h, &rx0, &rx1);
    while (nc < max && ((j = below(e, n, cur, cx0, cx1, em, TAB_DOWN_EM, 0)) >= 0 ||
                        (nc > 0 && (j = below(e, n, cur, cx0, cx1, em, TAB_GROUP_EM, 1)) >= 0 &&
                         e[j].numeric && numbers_on_line(e, n, (size_t)j) >= 2) ||
                        (nc > 0 && (j = below(e, n, cur, cx0, cx1, em, TAB_FAR_EM, 1)) >= 0 &&
                         e[j].numeric && numbers_on_line(e, n, (size_t)j) >= 2 &&
                         empty_band(e, n, cur, (size_t)j, rx0, rx1)))) {
        cur = (size_t)j;
        if (blot(e, (size_t)j))
            continue; /* a column's unit ("%") or a blot: no cell, the column goes on */
        if (!cell_like(e, h, (size_t)j) || header_row(e, n, (size_t)j))
            break;
        cells[nc++] = (size_t)j;
    }
    return nc;
}

/* Whether h can head a column: label-like, no number, no written answer on its own line. */
static int header_like(const struct form_ent *e, size_t h)
{
    return !e[h].numeric && !e[h].noise && !e[h].unit && e[h].key >= TAB_HEAD_KEY && !e[h].colon;
}

/* Whether the cells[0..nc) of a header row's column, mostly words, are a table's column of
 * answers (dealers "Acme Supply (120-04)", "Bay Depot (301-17)" under "DEALER"): at least
 * TAB_TEXT_CELLS of them and none that reads as a label (a column of labels under a row of
 * labels is a form's labels, each with its own answer) or has more than TAB_TEXT_WORDS words
 * (the lines of a paragraph). */
static int text_column(const struct form_ent *e, const size_t *cells, size_t nc)
{
    if (nc < TAB_TEXT_CELLS)
        return 0;
    for (size_t i = 0; i < nc; i++)
        if (!e[cells[i]].numeric &&
            (e[cells[i]].key >= TAB_HEAD_KEY || e[cells[i]].nw > TAB_TEXT_WORDS))
            return 0;
    return 1;
}

/* Appends the link (k, v, rel, text) to *out (growing it).  DP_ENOMEM. */
static dp_err push(struct form_link **out, size_t *nl, size_t *cap, size_t k, size_t v,
                   enum form_rel rel, int text)
{
    if (*nl == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct form_link *nlk = realloc(*out, ncap * sizeof *nlk);
        if (!nlk)
            return DP_ENOMEM;
        *out = nlk;
        *cap = ncap;
    }
    (*out)[(*nl)++] = (struct form_link){k, v, rel, text};
    return DP_OK;
}

dp_err form_table_links(const struct form_ent *e, size_t n, int em, struct form_link **out,
                        size_t *nl)
{
    size_t cap = 0, max = n < FORM_MAX_PAIRS ? n : FORM_MAX_PAIRS;
    size_t *cells = malloc((max ? max : 1) * sizeof *cells);
    size_t *runs = calloc(n ? n : 1, sizeof *runs);
    *out = NULL;
    *nl = 0;
    if (!cells || !runs) {
        free(cells);
        free(runs);
        return DP_ENOMEM;
    }
    if (em < 1)
        em = 1;
    /* columns: the length of each header's run of cells */
    for (size_t h = 0; h < n; h++)
        if (header_like(e, h))
            runs[h] = column(e, n, h, em, cells, max);
    dp_err rc = DP_OK;
    for (size_t h = 0; !rc && h < n; h++) {
        if (runs[h] < TAB_MIN_CELLS || runs[h] == CELL)
            continue; /* no column, or itself a cell of a column above */
        /* a table's: a header row (another header on the line with its own column) over a
         * column of numbers (columns of words under a row of labels are more often a form's
         * labels and answers than a table FUNSD links) */
        size_t nc = column(e, n, h, em, cells, max), nnum = 0;
        int row = 0;
        for (size_t i = 0; i < nc; i++)
            nnum += e[cells[i]].numeric ? 1 : 0;
        for (size_t o = 0; o < n && !row; o++)
            row = o != h && e[o].line == e[h].line && runs[o] >= TAB_MIN_CELLS && runs[o] != CELL;
        for (size_t i = 0; row && i < nc; i++)
            runs[cells[i]] = CELL; /* a table's cells, linked or not, head nothing */
        int text = nnum * 2 < nc;
        if (!row || (text && !text_column(e, cells, nc)))
            continue;
        for (size_t i = 0; !rc && i < nc; i++) {
            rc = push(out, nl, &cap, h, cells[i], FORM_REL_BELOW, text);
        }
    }
    /* rows: a label first on its line (or after a written label), no cell of a column,
     * followed by a run of numbers, each within TAB_RIGHT_EM of the last or a cell of a
     * header row's column (a table's grid: "Test Brand Smokers" far left of its cells) */
    for (size_t h = 0; !rc && h < n; h++) {
        if (!header_like(e, h) || runs[h] == CELL ||
            (h > 0 && e[h - 1].line == e[h].line && !e[h - 1].numeric && !e[h - 1].colon))
            continue;
        size_t nc = 0;
        for (size_t j = h + 1; j < n && e[j].line == e[h].line && e[j].numeric && nc < max &&
                               (e[j].x0 - e[j - 1].x1 <= TAB_RIGHT_EM * em || runs[j] == CELL);
             j++)
            cells[nc++] = j;
        if (nc < TAB_MIN_CELLS)
            continue;
        for (size_t i = 0; !rc && i < nc; i++)
            rc = push(out, nl, &cap, h, cells[i], FORM_REL_RIGHT, 0);
    }
    free(cells);
    free(runs);
    if (rc) {
        free(*out);
        *out = NULL;
        *nl = 0;
    }
    return rc;
}

/* Whether entity j is a row label: a number follows it on its line, or it heads a row link of
 * lk[0..nl). */
static int row_head(const struct form_ent *e, const struct form_link *lk, size_t nl, size_t j)
{
    if (e[j].head)
        return 1;
    for (size_t i = 0; i < nl; i++)
        if (lk[i].k == j && lk[i].rel == FORM_REL_RIGHT)
            return 1;
    return 0;
}

void form_table_row_lines(const struct form_ent *e, const struct form_link *lk, size_t nl, long *up,
                          long *down)
{
    for (size_t i = 0; i < nl; i++) {
        size_t k = lk[i].k;
        if (lk[i].rel != FORM_REL_RIGHT || (i > 0 && lk[i - 1].k == k))
            continue; /* a column's header, or a row label already seen */
        for (long p = (long)k, j = down[k]; j >= 0; p = j, j = down[j])
            if (row_head(e, lk, nl, (size_t)j)) {
                down[p] = -1;
                up[j] = -1;
                break;
            }
        for (long p = (long)k, j = up[k]; j >= 0; p = j, j = up[j])
            if (row_head(e, lk, nl, (size_t)j)) {
                up[p] = -1;
                down[j] = -1;
                break;
            }
    }
}

/* Whether the gap (gx0, gx1) inside entity k is a column gutter: of the lines within GUTTER_EM
 * above and below it, at least two have words on both sides of it (under or over the entity)
 * and at most a third as many have a word across its middle (a title, a note under the
 * table), the first line under the entity not among them. */
static int gutter(const struct tl_layout *L, const struct form_ent *k, int gx0, int gx1, int em)
{
    int both = 0, across = 0, mid = (gx0 + gx1) / 2, next = 1;
    for (size_t l = 0; l < L->nlines; l++) {
        const struct tl_line *ln = &L->lines[l];
        if (l == k->line || ln->ns == 0 || ln->y1 < k->y0 - GUTTER_EM * em ||
            ln->y0 > k->y1 + GUTTER_EM * em)
            continue;
        const struct tl_seg *a = &L->segs[ln->s0], *b = &L->segs[ln->s0 + ln->ns - 1];
        int left = 0, right = 0, cross = 0;
        for (size_t w = a->w0; w < b->w0 + b->nw; w++) {
            const struct dp_word *d = &L->words[L->ord[w]];
            cross |= d->x < mid && d->x + d->w > mid;
            left |= overlap(d->x, d->x + d->w, k->x0, gx0) > 0;
            right |= overlap(d->x, d->x + d->w, gx1, k->x1) > 0;
        }
        if (l > k->line && next && (left || right || cross)) {
            if (cross)
                return 0; /* the line right under it goes across: no table under it */
            next = 0;
        }
        across += cross;
        both += left && right && !cross;
    }
    return both >= 2 && 3 * across <= both;
}

/* Whether words a and b next to each other are two numbers of a row ("4.31***" "4.59"), not
 * one number read in pieces ("1" ".089", "13," "1982", "21-" "34"). */
static int two_numbers(const char *a, const char *b)
{
    size_t la = strlen(a);
    if (!tl_numeric(a) || !tl_numeric(b) || la == 0 || strchr(".,-/:", a[la - 1]) ||
        strchr(".,-/:%", b[0]))
        return 0;
    return strpbrk(a, ".,") != NULL && strpbrk(b, ".,") != NULL;
}

/* Whether a word of the lines within GUTTER_EM under entity k lies between x positions
 * m1 < m2. */
static int words_between(const struct tl_layout *L, const struct form_ent *k, int m1, int m2,
                         int em)
{
    for (size_t l = 0; l < L->nlines; l++) {
        const struct tl_line *ln = &L->lines[l];
        if (l <= k->line || ln->ns == 0 || ln->y0 > k->y1 + GUTTER_EM * em)
            continue;
        const struct tl_seg *a = &L->segs[ln->s0], *b = &L->segs[ln->s0 + ln->ns - 1];
        for (size_t w = a->w0; w < b->w0 + b->nw; w++) {
            const struct dp_word *d = &L->words[L->ord[w]];
            if (d->x + d->w > m1 && d->x < m2)
                return 1;
        }
    }
    return 0;
}

/* Appends e to *v (growing it).  DP_ENOMEM. */
static dp_err put_ent(struct form_ent **v, size_t *m, size_t *cap, const struct form_ent *e)
{
    if (*m == *cap) {
        struct form_ent *nv = realloc(*v, *cap * 2 * sizeof *nv);
        if (!nv)
            return DP_ENOMEM;
        *v = nv;
        *cap *= 2;
    }
    (*v)[(*m)++] = *e;
    return DP_OK;
}

dp_err form_split_gutters(const struct tl_layout *L, struct form_ent **e, size_t *n)
{
    size_t cap = *n + 16, m = 0;
    struct form_ent *v = malloc(cap * sizeof *v);
    char *cut = malloc(L->nord ? L->nord : 1); /* per word: 1 split before it (gutter), 2 forced */
    if (!v || !cut) {
        free(v);
        free(cut);
        return DP_ENOMEM;
    }
    int em = L->hmed > 0 ? L->hmed : 1;
    for (size_t k = 0; k < *n; k++) {
        struct form_ent cur = (*e)[k];
        size_t last = 0; /* the last gutter cut, 0 = none */
        for (size_t w = cur.w0 + 1; w < cur.w0 + cur.nw; w++) {
            const struct dp_word *a = &L->words[L->ord[w - 1]], *b = &L->words[L->ord[w]];
            cut[w] = two_numbers(a->text, b->text)                                  ? 2
                     : b->x > a->x + a->w && gutter(L, &cur, a->x + a->w, b->x, em) ? 1
                                                                                    : 0;
            if (cut[w] != 1)
                continue;
            /* two cuts in one gutter ("Present | Sample | Mean" over two columns): the wider */
            if (last) {
                const struct dp_word *pa = &L->words[L->ord[last - 1]],
                                     *pb = &L->words[L->ord[last]];
                int pm = (pa->x + pa->w + pb->x) / 2, mm = (a->x + a->w + b->x) / 2;
                if (!words_between(L, &cur, pm, mm, em)) {
                    if (b->x - (a->x + a->w) > pb->x - (pa->x + pa->w))
                        cut[last] = 0;
                    else {
                        cut[w] = 0;
                        continue;
                    }
                }
            }
            last = w;
        }
        size_t start = cur.w0;
        dp_err rc = DP_OK;
        for (size_t w = cur.w0 + 1; !rc && w < cur.w0 + cur.nw; w++) {
            if (!cut[w])
                continue;
            struct form_ent part = cur;
            part.w0 = start;
            part.nw = w - start;
            part.head = 0;
            form_ent_finish(L, &part);
            rc = put_ent(&v, &m, &cap, &part);
            start = w;
        }
        if (!rc && start != cur.w0) {
            cur.nw = cur.w0 + cur.nw - start;
            cur.w0 = start;
            cur.head = 0;
            form_ent_finish(L, &cur);
        }
        if (rc || put_ent(&v, &m, &cap, &cur)) {
            free(v);
            free(cut);
            return DP_ENOMEM;
        }
    }
    free(cut);
    free(*e);
    *e = v;
    *n = m;
    return DP_OK;
}
