/* table.c -- tables from word boxes: runs of text lines split into phrases by wide gaps, whose
 * phrases line up into columns (a vertical projection with empty stripes between them), become
 * grids; wrapped cell text is joined back into its row.  Ruled grids come first (table_grid.c)
 * and keep their words. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "table_int.h"

/* Tuning, in median word heights (em) unless said otherwise. */
#define GAP_EM       1.0  /* a gap this wide between words ends a phrase (column gaps are wider) */
#define ROW_GAP_EM   2.2  /* a vertical gap this tall between lines ends a table */
#define WRAP_GAP_EM  1.0  /* a wrapped cell line follows its row at most this far below */
#define MIN_ROWS     3    /* lines with two or more phrases a table needs */
#define MAX_INNER    2    /* single-phrase lines tolerated in a row inside a table */
#define PROSE_WORDS  6.0  /* two columns averaging more words per cell than this are prose */
#define PROSE_SINGLE 0.5  /* a single phrase wider than this share of the page is prose */
#define MIN_FILL     0.35 /* share of grid slots a table's cells fill at least */

/* A piece of a phrase assigned to columns c0..c1. */
struct piece {
    size_t line;   /* layout line */
    size_t w0, nw; /* words ord[w0..w0+nw) */
    int x0, x1;
    int c0, c1;
};

/* A column: an x interval that phrases cover, with empty stripes on either side. */
struct col {
    int x0, x1;
};

/* Work space of one candidate table. */
struct grid {
    const struct tl_layout *L;
    size_t l0, l1; /* lines [l0, l1) */
    struct col *cols;
    int ncols;
    struct piece *pieces;
    size_t npieces;
    int *row_of; /* per line in [l0,l1): grid row */
    int nrows;
};

/* ---- columns ---- */

/* Columns from the phrases of the lines with at least two phrases: stripes covered by at most
 * thr phrases separate columns (one spanning header does not join two columns). */
static int find_cols(struct grid *g, int page_w)
{
    const struct tl_layout *L = g->L;
    int x0 = page_w, x1 = 0, ncand = 0;
    for (size_t l = g->l0; l < g->l1; l++) {
        const struct tl_line *ln = &L->lines[l];
        if (ln->ns < 2)
            continue;
        ncand++;
        if (ln->x0 < x0)
            x0 = ln->x0;
        if (ln->x1 > x1)
            x1 = ln->x1;
    }
    if (x0 < 0)
        x0 = 0;
    if (x1 <= x0)
        return 0;
    int *cov = calloc((size_t)(x1 - x0 + 1), sizeof *cov);
    if (!cov)
        return -1;
    for (size_t l = g->l0; l < g->l1; l++) {
        const struct tl_line *ln = &L->lines[l];
        if (ln->ns < 2)
            continue;
        for (size_t s = ln->s0; s < ln->s0 + ln->ns; s++)
            for (int x = L->segs[s].x0; x < L->segs[s].x1; x++)
                if (x >= x0 && x <= x1)
                    cov[x - x0]++;
    }
    int thr = ncand >= 8 ? ncand / 8 : ncand >= 4 ? 1 : 0;
    g->ncols = 0;
    g->cols = malloc(TABLE_MAX_COLS * sizeof *g->cols);
    if (!g->cols) {
        free(cov);
        return -1;
    }
    for (int x = x0; x <= x1;) {
        if (cov[x - x0] <= thr) {
            x++;
            continue;
        }
        int s = x;
        while (x <= x1 && cov[x - x0] > thr)
            x++;
        if (g->ncols == TABLE_MAX_COLS)
            break;
        g->cols[g->ncols++] = (struct col){s, x};
    }
    free(cov);
    return g->ncols;
}

/* First column [a,b) overlaps, else the nearest one; *last the last one it overlaps (the
 * nearest when none). */
static int col_of(const struct grid *g, int a, int b, int *last)
{
    int first = -1, near = 0, near_d = 1 << 30;
    *last = -1;
    for (int c = 0; c < g->ncols; c++) {
        int ov = (b < g->cols[c].x1 ? b : g->cols[c].x1) - (a > g->cols[c].x0 ? a : g->cols[c].x0);
        if (ov > 0) {
            if (first < 0)
                first = c;
            *last = c;
        }
        int d = a >= g->cols[c].x1 ? a - g->cols[c].x1 : g->cols[c].x0 - b;
        if (d < near_d) {
            near_d = d;
            near = c;
        }
    }
    if (first < 0) {
        *last = near;
        return near;
    }
    return first;
}

/* Whether a column gap lies inside the space (a, b) between two words. */
static int gap_inside(const struct grid *g, int a, int b)
{
    for (int c = 0; c + 1 < g->ncols; c++)
        if (g->cols[c].x1 >= a - 1 && g->cols[c + 1].x0 <= b + 1)
            return 1;
    return 0;
}

/* Cuts every phrase of the table's lines at column gaps and assigns the pieces to columns. */
static int make_pieces(struct grid *g)
{
    const struct tl_layout *L = g->L;
    size_t cap = 0;
    for (size_t l = g->l0; l < g->l1; l++)
        for (size_t s = L->lines[l].s0; s < L->lines[l].s0 + L->lines[l].ns; s++)
            cap += L->segs[s].nw;
    g->pieces = malloc((cap ? cap : 1) * sizeof *g->pieces);
    if (!g->pieces)
        return -1;
    for (size_t l = g->l0; l < g->l1; l++) {
        for (size_t s = L->lines[l].s0; s < L->lines[l].s0 + L->lines[l].ns; s++) {
            const struct tl_seg *sg = &L->segs[s];
            size_t start = sg->w0;
            for (size_t w = sg->w0; w < sg->w0 + sg->nw; w++) {
                const struct dp_word *cur = &L->words[L->ord[w]];
                int end = w + 1 == sg->w0 + sg->nw;
                if (!end) {
                    const struct dp_word *nx = &L->words[L->ord[w + 1]];
                    if (!gap_inside(g, cur->x + cur->w, nx->x))
                        continue;
                }
                struct piece *p = &g->pieces[g->npieces++];
                const struct dp_word *first = &L->words[L->ord[start]];
                *p = (struct piece){l, start, w + 1 - start, first->x, cur->x + cur->w, 0, 0};
                p->c0 = col_of(g, p->x0, p->x1, &p->c1);
                start = w + 1;
            }
        }
    }
    return 0;
}

/* ---- rows ---- */

static int starts_lower(const struct grid *g, const struct piece *p)
{
    const unsigned char *t = (const unsigned char *)g->L->words[g->L->ord[p->w0]].text;
    return islower(*t) || *t == '(' || *t == '[' || *t == '&';
}

/* Per-line facts used to join wrapped lines into rows. */
struct line_info {
    int only0;    /* pieces only in the first column */
    int no0;      /* no piece in the first column */
    int all_cont; /* every piece starts like a continuation (lower case, bracket) */
    int c0_cont;  /* the first column's piece starts like a continuation */
};

static void line_info(const struct grid *g, size_t l, struct line_info *li)
{
    *li = (struct line_info){1, 1, 1, 0};
    int any = 0;
    for (size_t i = 0; i < g->npieces; i++) {
        const struct piece *p = &g->pieces[i];
        if (p->line != l)
            continue;
        any = 1;
        if (p->c0 != 0 || p->c1 != 0)
            li->only0 = 0;
        if (p->c0 == 0) {
            li->no0 = 0;
            li->c0_cont = starts_lower(g, p);
        }
        if (!starts_lower(g, p))
            li->all_cont = 0;
    }
    if (!any)
        *li = (struct line_info){0, 0, 0, 0};
}

/* Whether every piece of line l sits under a piece of the same columns in lines
 * [first, l) (a wrapped cell continues its own column, never a spanning header). */
static int under_same_cols(const struct grid *g, size_t first, size_t l)
{
    for (size_t i = 0; i < g->npieces; i++) {
        const struct piece *p = &g->pieces[i];
        if (p->line != l)
            continue;
        int found = 0;
        for (size_t j = 0; j < g->npieces && !found; j++) {
            const struct piece *q = &g->pieces[j];
            found = q->line >= first && q->line < l && q->c0 == p->c0 && q->c1 == p->c1;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* Joins lines into rows: lines that continue the cells above (lower-case starts, same
 * columns), a label wrapped around its values (label line, then the values with no label or
 * with the label's lower-case continuation). */
static int make_rows(struct grid *g)
{
    const struct tl_layout *L = g->L;
    size_t n = g->l1 - g->l0;
    struct line_info *li = malloc((n ? n : 1) * sizeof *li);
    g->row_of = malloc((n ? n : 1) * sizeof *g->row_of);
    if (!li || !g->row_of) {
        free(li);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        line_info(g, g->l0 + i, &li[i]);
    int wrap = (int)(WRAP_GAP_EM * L->hmed + 0.5);
    int row = -1;
    size_t row_first = g->l0; /* first line of the current row */
    for (size_t i = 0; i < n; i++) {
        size_t l = g->l0 + i;
        int tight = i > 0 && L->lines[l].y0 - L->lines[l - 1].y1 <= wrap;
        /* the row so far is one line holding only a label */
        int lone_label = i > 0 && li[i - 1].only0 && row_first == l - 1;
        if (tight && li[i].all_cont && under_same_cols(g, row_first, l)) {
            g->row_of[i] = row; /* continues the row above */
            continue;
        }
        if (tight && lone_label && (li[i].no0 || li[i].c0_cont)) {
            g->row_of[i] = row; /* the values of a label printed above them */
            continue;
        }
        g->row_of[i] = ++row;
        row_first = l;
    }
    g->nrows = row + 1;
    free(li);
    return 0;
}

/* ---- output ---- */

static int cell_cmp(const void *a, const void *b)
{
    const struct table_cell *x = a, *y = b;
    if (x->row != y->row)
        return (x->row > y->row) - (x->row < y->row);
    return (x->col > y->col) - (x->col < y->col);
}

void table_mark_headers(struct table *t)
{
    for (size_t i = 0; i < t->ncells; i++)
        t->cells[i].header = t->cells[i].row < t->header_rows;
}

int table_guess_headers(const struct table *t)
{
    int h = 0;
    for (; h < t->rows && h < 3; h++) {
        int num = 0;
        for (size_t i = 0; i < t->ncells; i++)
            if (t->cells[i].row == h && t->cells[i].col > 0 && tl_numeric(t->cells[i].text))
                num = 1;
        if (num)
            break;
    }
    if (h == 0 || h == t->rows)
        h = t->rows > 1 ? 1 : 0;
    return h;
}

/* Builds the table from the grid's pieces; 1 when it is a table, 0 when rejected, -1 OOM. */
static int emit(struct grid *g, struct table *t)
{
    memset(t, 0, sizeof *t);
    int rows = g->nrows > TABLE_MAX_ROWS ? TABLE_MAX_ROWS : g->nrows;
    int *map = malloc((size_t)rows * (size_t)g->ncols * sizeof *map);
    t->cells = calloc(g->npieces ? g->npieces : 1, sizeof *t->cells);
    if (!map || !t->cells) {
        free(map);
        table_cleanup(t);
        return -1;
    }
    for (size_t i = 0; i < (size_t)rows * (size_t)g->ncols; i++)
        map[i] = -1;
    size_t words = 0;
    double conf = 0;
    for (size_t i = 0; i < g->npieces; i++) {
        const struct piece *p = &g->pieces[i];
        int r = g->row_of[p->line - g->l0];
        if (r >= rows)
            continue;
        int *slot = &map[(size_t)r * (size_t)g->ncols];
        int ci = slot[p->c0];
        if (ci < 0) {
            ci = (int)t->ncells++;
            t->cells[ci] = (struct table_cell){r, p->c0, 1, 1, NULL, {0, 0, 0, 0}, 0};
            slot[p->c0] = ci;
        }
        struct table_cell *c = &t->cells[ci];
        while (c->col + c->col_span <= p->c1 && slot[c->col + c->col_span] < 0)
            slot[c->col + c->col_span++] = ci;
        if (tl_append(g->L, p->w0, p->nw, &c->text, &c->bbox)) {
            free(map);
            table_cleanup(t);
            return -1;
        }
        words += p->nw;
        for (size_t k = 0; k < p->nw; k++)
            conf += g->L->words[g->L->ord[p->w0 + k]].conf;
    }
    free(map);
    t->rows = rows;
    t->cols = g->ncols;
    /* prose in two columns (a two-column page, a bulleted list) is not a table */
    /* nor is a sparse grid: the labels and ticks of charts, scattered text, nor text read
     * with little confidence (a chart's hatching read as letters) */
    if (t->ncells == 0 ||
        (t->cols == 2 && (double)words / (double)t->ncells > PROSE_WORDS && t->rows > 1) ||
        (double)t->ncells < MIN_FILL * (double)rows * (double)t->cols ||
        (words && conf < TABLE_MIN_CONF * (double)words)) {
        table_cleanup(t);
        return 0;
    }
    qsort(t->cells, t->ncells, sizeof *t->cells, cell_cmp);
    for (size_t i = 0; i < t->ncells; i++) {
        const struct table_box *b = &t->cells[i].bbox;
        tl_box_add(&t->bbox, b->x, b->y, b->x + b->w, b->y + b->h);
    }
    t->header_rows = table_guess_headers(t);
    table_mark_headers(t);
    return 1;
}

static void grid_cleanup(struct grid *g)
{
    free(g->cols);
    free(g->pieces);
    free(g->row_of);
}

/* ---- regions ---- */

/* Lines above l0 that belong to the table: headers that span the value columns (they start
 * right of the first column) and multi-phrase lines. */
static size_t extend_up(const struct grid *g, size_t l0)
{
    const struct tl_layout *L = g->L;
    int gap = (int)(ROW_GAP_EM * L->hmed + 0.5);
    while (l0 > 0 && g->ncols > 0) {
        const struct tl_line *up = &L->lines[l0 - 1];
        if (L->lines[l0].y0 - up->y1 > gap || up->ns != 1 || up->x0 < g->cols[0].x1 ||
            up->x1 > g->cols[g->ncols - 1].x1 + L->hmed)
            break;
        l0--;
    }
    return l0;
}

#define PITCH_N 64 /* line gaps remembered per candidate table */

/* The largest of v[0..n) (n >= 1). */
static int max_of(const int *v, int n)
{
    int m = v[0];
    for (int i = 1; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static dp_err unruled(const struct tl_layout *L, int page_w, struct table *out, size_t *n)
{
    int gap = (int)(ROW_GAP_EM * L->hmed + 0.5);
    size_t i = 0;
    while (i < L->nlines && *n < TABLE_MAX_TABLES) {
        if (L->lines[i].ns < 2) {
            i++;
            continue;
        }
        size_t last = i, ncand = 1;
        int pitch[PITCH_N], np = 0; /* gaps between the table's lines so far */
        for (size_t j = i + 1; j < L->nlines; j++) {
            const struct tl_line *ln = &L->lines[j];
            int dy = ln->y0 - L->lines[j - 1].y1;
            /* rows spaced wider than the usual gap continue while they keep to the
             * table's own spacing (tight OCR boxes make the em small) */
            if (dy > gap && (np < 2 || 4 * dy > 5 * max_of(pitch, np)))
                break;
            if (np < PITCH_N && dy > 0)
                pitch[np++] = dy;
            if (ln->ns >= 2) {
                last = j;
                ncand++;
            } else if (j - last > MAX_INNER || ln->x1 - ln->x0 > PROSE_SINGLE * page_w) {
                break;
            }
        }
        if (ncand >= MIN_ROWS) {
            struct grid g = {.L = L, .l0 = i, .l1 = last + 1};
            int nc = find_cols(&g, page_w);
            if (nc >= 2) {
                g.l0 = extend_up(&g, i);
            }
            int rc = nc < 0 ? -1 : nc < 2 ? 0 : make_pieces(&g) || make_rows(&g) ? -1 : 1;
            if (rc > 0)
                rc = emit(&g, &out[*n]);
            grid_cleanup(&g);
            if (rc < 0)
                return DP_ENOMEM;
            *n += (size_t)rc;
        }
        i = last + 1;
    }
    return DP_OK;
}

/* ---- entry ---- */

dp_err table_detect(const struct dp_word *words, size_t nwords, int page_w, int page_h,
                    const struct table_rule *rules, size_t nrules, struct table **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    (void)page_h;
    if (nwords == 0 || nwords > TABLE_MAX_WORDS)
        return DP_OK;
    if (nrules > TABLE_MAX_RULES)
        nrules = TABLE_MAX_RULES;
    struct table *t = calloc(TABLE_MAX_TABLES, sizeof *t);
    char *used = calloc(nwords, 1);
    struct tl_layout L;
    dp_err rc = t && used ? DP_OK : DP_ENOMEM;
    if (!rc && nrules && !(rc = tl_build(&L, words, nwords, NULL, GAP_EM))) {
        rc = table_grid_detect(&L, rules, nrules, used, t, n);
        tl_cleanup(&L);
    }
    if (!rc && !(rc = tl_build(&L, words, nwords, used, GAP_EM))) {
        rc = unruled(&L, page_w > 0 ? page_w : 1, t, n);
        tl_cleanup(&L);
    }
    free(used);
    if (rc || *n == 0) {
        table_list_free(t, *n);
        *n = 0;
        return rc;
    }
    *out = t;
    return DP_OK;
}
