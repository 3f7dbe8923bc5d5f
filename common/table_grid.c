/* table_grid.c -- ruled tables: horizontal and vertical rules that cross each other form a
 * grid; a missing rule between two slots merges them into one spanning cell; the words whose
 * centres fall inside a cell are its text. */
#include <stdlib.h>
#include <string.h>
#include "table_int.h"
#include "util.h"

static int is_h(const struct table_rule *r)
{
    return r->x2 - r->x1 >= r->y2 - r->y1;
}

static int tol_of(const struct table_rule *r)
{
    int t = 2 * r->thick + 3;
    return t < 4 ? 4 : t;
}

static size_t uf_find(size_t *p, size_t i)
{
    while (p[i] != i)
        i = p[i] = p[p[i]];
    return i;
}

/* Whether horizontal h and vertical v touch or cross (with a tolerance for ink gaps). */
static int crosses(const struct table_rule *h, const struct table_rule *v)
{
    int tol = tol_of(h) > tol_of(v) ? tol_of(h) : tol_of(v);
    int vx = (v->x1 + v->x2) / 2, hy = (h->y1 + h->y2) / 2;
    return vx >= h->x1 - tol && vx <= h->x2 + tol && hy >= v->y1 - tol && hy <= v->y2 + tol;
}

/* Sorts v[0..n) and merges values closer than tol; returns the new count. */
static size_t cluster(int *v, size_t n, int tol)
{
    qsort(v, n, sizeof *v, util_cmp_int);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || v[i] - v[k - 1] > tol)
            v[k++] = v[i];
    return k;
}

/* One group of crossing rules as a grid. */
struct rgrid {
    const struct table_rule *rules;
    const size_t *members; /* rule indices of the group */
    size_t nm;
    int *ys, *xs; /* rule positions: ny row lines, nx column lines */
    size_t ny, nx;
    int tol;
    const char *virt; /* per row line: 1 = between two text lines of a band, no rule */
};

/* Whether a rule of the group runs along x = xs[c] through height y (vertical boundary). */
static int has_v(const struct rgrid *g, int x, int y)
{
    for (size_t i = 0; i < g->nm; i++) {
        const struct table_rule *r = &g->rules[g->members[i]];
        if (!is_h(r) && abs((r->x1 + r->x2) / 2 - x) <= g->tol && y >= r->y1 - g->tol &&
            y <= r->y2 + g->tol)
            return 1;
    }
    return 0;
}

static int has_h(const struct rgrid *g, int y, int x)
{
    for (size_t i = 0; i < g->nm; i++) {
        const struct table_rule *r = &g->rules[g->members[i]];
        if (is_h(r) && abs((r->y1 + r->y2) / 2 - y) <= g->tol && x >= r->x1 - g->tol &&
            x <= r->x2 + g->tol)
            return 1;
    }
    return 0;
}

static size_t slot_of(const int *lines, size_t n, int v)
{
    size_t i = 0;
    while (i + 2 < n && v >= lines[i + 1])
        i++;
    return i;
}

/* Builds the table of one grid; 1 = a table, 0 = not one (too few filled cells), -1 = OOM. */
static int grid_table(const struct rgrid *g, const struct tl_layout *L, char *used, struct table *t)
{
    int rows = (int)g->ny - 1, cols = (int)g->nx - 1;
    size_t ns = (size_t)rows * (size_t)cols;
    size_t *uf = malloc(ns * sizeof *uf);
    int *owner = malloc(ns * sizeof *owner);
    memset(t, 0, sizeof *t);
    t->cells = calloc(ns, sizeof *t->cells);
    if (!uf || !owner || !t->cells) {
        free(uf);
        free(owner);
        table_cleanup(t);
        return -1;
    }
    for (size_t i = 0; i < ns; i++) {
        uf[i] = i;
        owner[i] = -1;
    }
    for (int r = 0; r < rows; r++) {
        int ymid = (g->ys[r] + g->ys[r + 1]) / 2;
        for (int c = 0; c < cols; c++) {
            int xmid = (g->xs[c] + g->xs[c + 1]) / 2;
            size_t s = (size_t)r * (size_t)cols + (size_t)c;
            if (c + 1 < cols && !has_v(g, g->xs[c + 1], ymid))
                uf[uf_find(uf, s + 1)] = uf_find(uf, s);
            if (r + 1 < rows && !(g->virt && g->virt[r + 1]) && !has_h(g, g->ys[r + 1], xmid))
                uf[uf_find(uf, s + (size_t)cols)] = uf_find(uf, s);
        }
    }
    /* each merged group becomes the cell of its bounding slots */
    for (size_t s = 0; s < ns; s++) {
        if (owner[s] >= 0)
            continue;
        size_t root = uf_find(uf, s);
        int r0 = rows, r1 = -1, c0 = cols, c1 = -1;
        for (size_t q = s; q < ns; q++) {
            if (uf_find(uf, q) != root)
                continue;
            int r = (int)(q / (size_t)cols), c = (int)(q % (size_t)cols);
            r0 = r < r0 ? r : r0;
            r1 = r > r1 ? r : r1;
            c0 = c < c0 ? c : c0;
            c1 = c > c1 ? c : c1;
        }
        /* a merged group that is no rectangle (or runs into a cell made already) would
         * overlap another cell: then the slot stands alone */
        for (int r = r0; r <= r1; r++)
            for (int c = c0; c <= c1; c++) {
                size_t q = (size_t)r * (size_t)cols + (size_t)c;
                if (owner[q] >= 0 || uf_find(uf, q) != root) {
                    r0 = r1 = (int)(s / (size_t)cols);
                    c0 = c1 = (int)(s % (size_t)cols);
                }
            }
        int ci = (int)t->ncells++;
        struct table_cell *cell = &t->cells[ci];
        *cell = (struct table_cell){r0, c0, r1 - r0 + 1, c1 - c0 + 1, NULL, {0, 0, 0, 0}, 0};
        for (int r = r0; r <= r1; r++)
            for (int c = c0; c <= c1; c++)
                if (owner[(size_t)r * (size_t)cols + (size_t)c] < 0)
                    owner[(size_t)r * (size_t)cols + (size_t)c] = ci;
    }
    /* words in reading order into the cell under their centre */
    int filled = 0, oom = 0;
    double conf = 0, nconf = 0; /* the words' OCR confidence */
    for (size_t q = 0; q < L->nord && !oom; q++) {
        const struct dp_word *w = &L->words[L->ord[q]];
        int cx = w->x + w->w / 2, cy = w->y + w->h / 2;
        if (cx <= g->xs[0] || cx >= g->xs[g->nx - 1] || cy <= g->ys[0] || cy >= g->ys[g->ny - 1])
            continue;
        size_t r = slot_of(g->ys, g->ny, cy), c = slot_of(g->xs, g->nx, cx);
        struct table_cell *cell = &t->cells[owner[r * (size_t)cols + c]];
        filled += cell->text == NULL;
        conf += w->conf, nconf++;
        oom = tl_append(L, q, 1, &cell->text, &cell->bbox) != DP_OK;
    }
    for (size_t i = 0; i < t->ncells && !oom; i++) {
        struct table_cell *cell = &t->cells[i];
        if (!cell->text) {
            oom = !(cell->text = strdup(""));
            cell->bbox = (struct table_box){g->xs[cell->col], g->ys[cell->row],
                                            g->xs[cell->col + cell->col_span] - g->xs[cell->col],
                                            g->ys[cell->row + cell->row_span] - g->ys[cell->row]};
        }
    }
    free(uf);
    free(owner);
    if (oom) {
        table_cleanup(t);
        return -1;
    }
    /* a chart's grid read as text is mostly guesses (hatching read as letters) */
    if (filled < 2 || t->ncells < 2 || (nconf && conf < TABLE_MIN_CONF * nconf)) {
        table_cleanup(t);
        return 0;
    }
    for (size_t q = 0; q < L->nord; q++) {
        const struct dp_word *w = &L->words[L->ord[q]];
        int cx = w->x + w->w / 2, cy = w->y + w->h / 2;
        if (cx > g->xs[0] && cx < g->xs[g->nx - 1] && cy > g->ys[0] && cy < g->ys[g->ny - 1])
            used[L->ord[q]] = 1;
    }
    t->rows = rows;
    t->cols = cols;
    t->ruled = 1;
    t->bbox = (struct table_box){g->xs[0], g->ys[0], g->xs[g->nx - 1] - g->xs[0],
                                 g->ys[g->ny - 1] - g->ys[0]};
    t->header_rows = table_guess_headers(t);
    table_mark_headers(t);
    return 1;
}

/* ---- rows without rules between them ---- */

/* Whether a word's centre lies in column c of g. */
static int in_col(const struct rgrid *g, const struct dp_word *w, size_t c)
{
    int cx = w->x + w->w / 2;
    return cx > g->xs[c] && cx < g->xs[c + 1];
}

/* The row lines of g with boundaries added inside bands that hold several text lines of
 * tabular data (rules only around a block of rows): a band splits at every text line when
 * two columns or more have words on each of its lines and one of them a number on each (a
 * header wrapped over two lines, or a wrapped cell, has no such column).  out/virt get at
 * most cap lines; returns their number. */
static size_t split_bands(const struct rgrid *g, const struct tl_layout *L, int *out, char *virt,
                          size_t cap)
{
    size_t k = 0;
    for (size_t r = 0; r + 1 < g->ny; r++) {
        if (k < cap)
            virt[k] = 0, out[k++] = g->ys[r];
        size_t li[TABLE_MAX_ROWS], nl = 0;
        for (size_t l = 0; l < L->nlines && nl < TABLE_MAX_ROWS; l++) {
            int cy = (L->lines[l].y0 + L->lines[l].y1) / 2;
            if (cy <= g->ys[r] || cy >= g->ys[r + 1])
                continue;
            int any = 0;
            for (size_t s = L->lines[l].s0; s < L->lines[l].s0 + L->lines[l].ns && !any; s++)
                for (size_t q = L->segs[s].w0; q < L->segs[s].w0 + L->segs[s].nw && !any; q++) {
                    const struct dp_word *w = &L->words[L->ord[q]];
                    int cx = w->x + w->w / 2;
                    any = cx > g->xs[0] && cx < g->xs[g->nx - 1];
                }
            if (any)
                li[nl++] = l;
        }
        if (nl < 2 || g->nx - 1 > TABLE_MAX_COLS)
            continue;
        int full = 0, numeric = 0;
        for (size_t c = 0; c + 1 < g->nx; c++) {
            int every = 1, nums = 1;
            for (size_t i = 0; i < nl && every; i++) {
                const struct tl_line *ln = &L->lines[li[i]];
                int has = 0, num = 0;
                for (size_t s = ln->s0; s < ln->s0 + ln->ns; s++)
                    for (size_t q = L->segs[s].w0; q < L->segs[s].w0 + L->segs[s].nw; q++) {
                        const struct dp_word *w = &L->words[L->ord[q]];
                        if (in_col(g, w, c))
                            has = 1, num |= tl_numeric(w->text);
                    }
                every = has;
                nums &= num;
            }
            full += every;
            numeric |= every && nums;
        }
        if (full < 2 || !numeric)
            continue;
        for (size_t i = 0; i + 1 < nl && k < cap; i++)
            virt[k] = 1, out[k++] = (L->lines[li[i]].y1 + L->lines[li[i + 1]].y0) / 2;
    }
    if (k < cap)
        virt[k] = 0, out[k++] = g->ys[g->ny - 1];
    return k;
}

dp_err table_grid_detect(const struct tl_layout *L, const struct table_rule *rules, size_t nrules,
                         char *used, struct table *out, size_t *n)
{
    size_t *uf = malloc((nrules ? nrules : 1) * sizeof *uf);
    size_t *members = malloc((nrules ? nrules : 1) * sizeof *members);
    int *ys = malloc((nrules ? nrules : 1) * sizeof *ys);
    int *xs = malloc((nrules ? nrules : 1) * sizeof *xs);
    char *done = calloc(nrules ? nrules : 1, 1);
    dp_err rc = uf && members && ys && xs && done ? DP_OK : DP_ENOMEM;
    for (size_t i = 0; !rc && i < nrules; i++)
        uf[i] = i;
    for (size_t i = 0; !rc && i < nrules; i++)
        for (size_t j = 0; j < nrules; j++)
            if (is_h(&rules[i]) && !is_h(&rules[j]) && crosses(&rules[i], &rules[j]))
                uf[uf_find(uf, j)] = uf_find(uf, i);
    for (size_t i = 0; !rc && i < nrules && *n < TABLE_MAX_TABLES; i++) {
        if (done[i])
            continue;
        struct rgrid g = {.rules = rules, .members = members, .ys = ys, .xs = xs, .tol = 4};
        size_t root = uf_find(uf, i);
        for (size_t j = i; j < nrules; j++) {
            if (uf_find(uf, j) != root)
                continue;
            done[j] = 1;
            members[g.nm++] = j;
            const struct table_rule *r = &rules[j];
            if (tol_of(r) > g.tol)
                g.tol = tol_of(r);
            if (is_h(r))
                ys[g.ny++] = (r->y1 + r->y2) / 2;
            else
                xs[g.nx++] = (r->x1 + r->x2) / 2;
        }
        g.ny = cluster(ys, g.ny, g.tol);
        g.nx = cluster(xs, g.nx, g.tol);
        if (g.ny < 2 || g.nx < 2 || (g.ny == 2 && g.nx == 2) || g.ny > TABLE_MAX_ROWS + 1 ||
            g.nx > TABLE_MAX_COLS + 1)
            continue;
        size_t cap = TABLE_MAX_ROWS + 1;
        int *ys2 = malloc(cap * sizeof *ys2);
        char *virt = malloc(cap);
        if (!ys2 || !virt) {
            free(ys2);
            free(virt);
            rc = DP_ENOMEM;
            break;
        }
        size_t ny2 = split_bands(&g, L, ys2, virt, cap);
        if (ny2 > g.ny) {
            g.ys = ys2, g.ny = ny2, g.virt = virt;
        }
        int got = grid_table(&g, L, used, &out[*n]);
        g.ys = ys, g.virt = NULL;
        free(ys2);
        free(virt);
        if (got < 0)
            rc = DP_ENOMEM;
        else
            *n += (size_t)got;
    }
    free(uf);
    free(members);
    free(ys);
    free(xs);
    free(done);
    return rc;
}
