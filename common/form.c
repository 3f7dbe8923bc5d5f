/* form.c -- key-value pairs of a page from its words and selection marks: labels answered by
 * marks first, then the scored one-to-one assignment of form_pair.c, answers grown over the
 * rest of their line and their continuation lines, written labels left alone as empty pairs. */
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "form_int.h"

#define KV_GAP_EM         1.6 /* phrase-splitting gap for forms, at most (em) */
#define KV_GAP_MIN        1.2 /* ... and at least */
#define KV_GAP_SPACES     2.5 /* ... else this many of the page's word spaces */
#define KV_MIN_SCORE      2.0 /* couples scoring less are no pair (form_pair_score) */
#define KV_JOIN_EM        2.0 /* an answer goes on across gaps up to this wide */
#define KV_UNIT_EM        6.0 /* a number's unit follows it across gaps up to this wide ("84 __ mm") */
#define KV_CONT_EM        0.9  /* a continuation line of an answer starts at most this far below */
#define KV_MAX_LINES      8    /* lines of one answer */
#define KV_SPREAD_GAP_EM  10.0 /* a table spread goes on across gaps up to this wide */
#define KV_SPREAD_DOWN_EM 3.0  /* ... and down to a number at most this far below */
#define KV_SPREAD_KEY     0.5  /* key-likeness of a label that heads a run of numbers */
#define ROLE_MARK         -2   /* an entity taken by a selection mark (its label, or the mark's) */
#define ROLE_ASIDE        -3   /* the answer of a written label beside its band (aside_answer) */
#define KV_ASIDE_DOWN     2.0  /* such an answer starts at most this far below the label (em) */
#define KV_ASIDE_UP       1.0  /* ... or ends at most this far above it */
#define KV_ASIDE_GAP      6.0  /* ... and at most this far right of it */
#define KV_ASIDE_CONF     0.3  /* its couple's score */

/* Mean confidence 0..1 of words ord[w0..w0+nw). */
static double mean_conf(const struct tl_layout *L, size_t w0, size_t nw)
{
    double s = 0;
    for (size_t i = 0; i < nw; i++)
        s += L->words[L->ord[w0 + i]].conf;
    return nw ? s / (double)nw / 100.0 : 0.0;
}

/* Trims trailing blanks and a label's colon, and cuts over-long text at a character boundary. */
static void tidy(char *t, int strip_colon)
{
    size_t n = strlen(t);
    if (n > FORM_MAX_TEXT) {
        n = FORM_MAX_TEXT;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
        t[n] = '\0';
    }
    while (n && (t[n - 1] == ' ' || (strip_colon && t[n - 1] == ':')))
        t[--n] = '\0';
}

/* Word ranges of the layout's ord making up a text. */
struct wrange {
    size_t w0, nw;
};

static dp_err set_text(struct form_text *ft, const struct tl_layout *L, const struct wrange *r,
                       size_t nr, int strip_colon)
{
    ft->bbox = (struct table_box){0, 0, 0, 0};
    ft->text = NULL;
    for (size_t i = 0; i < nr; i++)
        if (tl_append(L, r[i].w0, r[i].nw, &ft->text, &ft->bbox))
            return DP_ENOMEM;
    if (!ft->text && !(ft->text = strdup("")))
        return DP_ENOMEM;
    tidy(ft->text, strip_colon);
    form_tidy_leaders(ft->text, strip_colon); /* "Length ---:" */
    tidy(ft->text, strip_colon);
    return DP_OK;
}

/* The marks right of a label on its line (up to limit_x, the next label): the first ticked
 * one, else the first one; -1 when there is none. */
static int find_mark(const struct form_mark *marks, size_t nmarks, int x1, int y0, int y1,
                     int limit_x, int *first_x)
{
    int first = -1, ticked = -1;
    for (size_t i = 0; i < nmarks; i++) {
        const struct table_box *b = &marks[i].bbox;
        int cy = b->y + b->h / 2;
        if (cy < y0 || cy > y1 || b->x < x1 || b->x >= limit_x)
            continue;
        if (first < 0 || b->x < marks[first].bbox.x)
            first = (int)i;
        if (marks[i].state == FORM_SELECTED && (ticked < 0 || b->x < marks[ticked].bbox.x))
            ticked = (int)i;
    }
    *first_x = first >= 0 ? marks[first].bbox.x : 1 << 30;
    return ticked >= 0 ? ticked : first;
}

/* Appends a zeroed pair to *kv (growing it); NULL when out of memory or at the cap. */
static struct form_kv *add_pair(struct form_kv **kv, size_t *n, size_t *cap)
{
    if (*n >= FORM_MAX_PAIRS)
        return NULL;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        struct form_kv *nk = realloc(*kv, nc * sizeof *nk);
        if (!nk)
            return NULL;
        *kv = nk;
        *cap = nc;
    }
    struct form_kv *p = &(*kv)[(*n)++];
    memset(p, 0, sizeof *p);
    p->mark = -1;
    return p;
}

/* The entities, their roles and the couples of one page being paired. */
struct pairing {
    const struct tl_layout *L;
    const struct form_model *m; /* NULL: the hand rules score the couples */
    struct form_ent *e;         /* entities, ne */
    size_t ne;
    long *role; /* per entity: -1 none, ROLE_MARK, else the couple's index in c */
    struct form_cand *c;
    size_t nc;
    long *up, *down; /* per entity: the stacked line it continues / that continues it, -1 */
};

#define KV_STACK_MAX 3 /* stacked lines joined to a label above it and below it, each */

/* The word ranges of label k's text: k with the stacked lines above and below it that the
 * model joins (form_stack_links), top to bottom.  Returns how many (1 + 2 * KV_STACK_MAX at
 * most). */
static size_t key_ranges(const struct pairing *P, size_t k, struct wrange *r)
{
    long top = (long)k;
    size_t n = 0, below = 0;
    int passed = 0;
    for (int i = 0; P->up && i < KV_STACK_MAX && P->up[top] >= 0; i++)
        top = P->up[top];
    for (long j = top; j >= 0; j = P->down ? P->down[j] : -1) {
        r[n++] = (struct wrange){P->e[j].w0, P->e[j].nw};
        if (passed && ++below >= KV_STACK_MAX)
            break;
        passed |= j == (long)k;
    }
    return n;
}

/* Grows the answer entity v of label k: across the following entities of its line (no role,
 * no label, gaps up to KV_JOIN_EM), then down the lines that continue it (starting under it,
 * close below, nothing in the label's column).  Entities taken are given the couple's role.
 * Writes word ranges to r; returns how many (at most KV_MAX_LINES). */
static size_t grow_value(struct pairing *P, size_t k, size_t v, struct wrange *r)
{
    const struct tl_layout *L = P->L;
    long role = P->role[v];
    struct form_ent *e = P->e;
    r[0] = (struct wrange){e[v].w0, e[v].nw};
    size_t last = v;
    while (last + 1 < P->ne && e[last + 1].line == e[v].line && P->role[last + 1] == -1 &&
           !e[last + 1].colon && !(e[last].numeric && e[last + 1].numeric) &&
           e[last + 1].x0 - e[last].x1 <=
               (e[last].numeric && e[last + 1].unit ? KV_UNIT_EM : KV_JOIN_EM) * L->hmed &&
           e[last + 1].w0 == r[0].w0 + r[0].nw) {
        last++;
        r[0].nw += e[last].nw;
        P->role[last] = role;
    }
    size_t nr = 1;
    int x0 = e[v].x0, bottom = e[v].y1, left = e[k].x0 < x0 ? e[k].x0 : x0 - 1;
    for (size_t b = last + 1; b < P->ne && nr < KV_MAX_LINES; b++) {
        if (e[b].line == e[last].line)
            continue;
        if (e[b].y0 - bottom > KV_CONT_EM * L->hmed)
            break;
        size_t hit = (size_t)-1;
        int clash = 0;
        for (size_t c = b; c < P->ne && e[c].line == e[b].line; c++) {
            if (hit == (size_t)-1 && abs(e[c].x0 - x0) <= 1.5 * L->hmed)
                hit = c;
            else if (hit == (size_t)-1 && e[c].x1 > left)
                clash = 1; /* something in the label's column: the next row */
        }
        if (hit == (size_t)-1 || clash || P->role[hit] != -1 || e[hit].colon ||
            (e[last].numeric && e[hit].numeric)) /* numbers stacked are cells of a column */
            break;
        r[nr++] = (struct wrange){e[hit].w0, e[hit].nw};
        P->role[hit] = role;
        bottom = e[hit].y1;
        last = hit;
        b = hit;
    }
    return nr;
}

/* Whether the word ranges a[0..na) and b[0..nb) share a word. */
static int overlap(const struct wrange *a, size_t na, const struct wrange *b, size_t nb)
{
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i].w0 < b[j].w0 + b[j].nw && b[j].w0 < a[i].w0 + a[i].nw)
                return 1;
    return 0;
}

/* Labels answered by selection marks: a written label with a mark right of it on its line
 * (before the next label) and no written answer before the mark.  The label and the marks'
 * own labels take ROLE_MARK; *mark_of[k] is the mark of entity k. */
static void mark_roles(struct pairing *P, const struct form_mark *marks, size_t nmarks,
                       int *mark_of)
{
    struct form_ent *e = P->e;
    for (size_t k = 0; k < P->ne; k++) {
        mark_of[k] = -1;
        if (!e[k].colon || P->role[k] != -1 || nmarks == 0)
            continue;
        int limit = 1 << 30, first_x;
        size_t end = k + 1;
        while (end < P->ne && e[end].line == e[k].line && !e[end].colon)
            end++;
        if (end < P->ne && e[end].line == e[k].line)
            limit = e[end].x0;
        int m = find_mark(marks, nmarks, e[k].x1, e[k].y0, e[k].y1, limit, &first_x);
        if (m < 0 || (k + 1 < end && e[k + 1].x0 < first_x))
            continue; /* none, or a written answer comes first: the marks belong further right */
        mark_of[k] = m;
        for (size_t i = k; i < end; i++)
            P->role[i] = ROLE_MARK;
    }
}

/* The answer of written label k that nothing was paired with, written beside its band: the
 * nearest free entity right of it (within KV_ASIDE_GAP em) whose top lies at most
 * KV_ASIDE_DOWN em under the label or whose bottom at most KV_ASIDE_UP em over it, with nothing
 * on that entity's line between the label and it; no written label, noise or row label.  -1
 * when there is none. */
static long aside_answer(const struct pairing *P, size_t k)
{
    const struct form_ent *e = P->e, *K = &e[k];
    int em = P->L->hmed;
    long best = -1;
    int bestd = 0;
    for (size_t v = 0; v < P->ne; v++) {
        const struct form_ent *V = &e[v];
        int gap = V->x0 - K->x1;
        if (v == k || P->role[v] != -1 || V->colon || V->noise || V->head || gap < -em / 2 ||
            gap > KV_ASIDE_GAP * em || V->y0 > K->y1 + KV_ASIDE_DOWN * em ||
            V->y1 < K->y0 - KV_ASIDE_UP * em)
            continue;
        int clear = 1;
        for (size_t j = 0; j < P->ne && clear; j++)
            clear = j == v || e[j].line != V->line || e[j].x1 <= K->x1 || e[j].x0 >= V->x0;
        int dy = V->y0 > K->y1 ? V->y0 - K->y1 : V->y1 < K->y0 ? K->y0 - V->y1 : 0;
        int d = (gap > 0 ? gap : 0) + 2 * dy;
        if (clear && (best < 0 || d < bestd))
            best = (long)v, bestd = d;
    }
    return best;
}

/* Confidence 0..1 of a couple's score, times how surely the label was read. */
static double confidence(const struct pairing *P, const struct form_ent *k, double score)
{
    const struct tl_layout *L = P->L;
    double c = P->m ? score : 0.5 + 0.45 * (score - KV_MIN_SCORE) / 3.0;
    c = c > 0.95 ? 0.95 : c < 0.3 ? 0.3 : c;
    return c * (0.5 + 0.5 * mean_conf(L, k->w0, k->nw));
}

/* Adds the pair of label entity k: answered by entity v (>= 0), by mark (>= 0), or empty. */
static dp_err emit(struct pairing *P, size_t k, long v, int mark, double score,
                   const struct form_mark *marks, struct form_kv **kv, size_t *n, size_t *cap)
{
    struct form_kv *p = add_pair(kv, n, cap);
    if (!p)
        return *n >= FORM_MAX_PAIRS ? DP_OK : DP_ENOMEM;
    struct wrange kr[1 + 2 * KV_STACK_MAX], vr[KV_MAX_LINES];
    size_t nkr = key_ranges(P, k, kr);
    if (set_text(&p->key, P->L, kr, nkr, 1))
        return DP_ENOMEM;
    p->mark = mark;
    if (mark >= 0) { /* ticked boxes answer the label: the ticked one's label */
        p->confidence = 0.8 * (0.5 + 0.5 * mean_conf(P->L, P->e[k].w0, P->e[k].nw));
        if (marks[mark].state == FORM_SELECTED) {
            p->value.bbox = marks[mark].bbox;
            if (!(p->value.text = strdup(marks[mark].label ? marks[mark].label : "")))
                return DP_ENOMEM;
            p->has_value = 1;
        }
    } else if (v >= 0) {
        size_t nvr = grow_value(P, k, (size_t)v, vr);
        if (overlap(kr, nkr, vr, nvr)) { /* the answer is part of the label's own text */
            free(p->key.text);
            (*n)--;
            return DP_OK;
        }
        if (set_text(&p->value, P->L, vr, nvr, 0))
            return DP_ENOMEM;
        if (form_marks_only(p->value.text)) { /* "--", "*": the answer left blank */
            free(p->value.text);
            p->value.text = NULL;
            if (!P->e[k].colon) { /* a bare label with a blank is no pair we can tell */
                free(p->key.text);
                (*n)--;
                return DP_OK;
            }
            p->confidence = 0.6 * (0.5 + 0.5 * mean_conf(P->L, P->e[k].w0, P->e[k].nw));
            return DP_OK;
        }
        if (!strcmp(p->key.text, p->value.text)) { /* a header repeated, not its answer */
            free(p->key.text);
            free(p->value.text);
            (*n)--;
            return DP_OK;
        }
        p->has_value = 1;
        p->confidence = confidence(P, &P->e[k], score);
    } else {
        p->confidence = 0.6 * (0.5 + 0.5 * mean_conf(P->L, P->e[k].w0, P->e[k].nw));
    }
    return DP_OK;
}

/* The entity of e[0..n) (the layout's order) holding word ord[w]. */
static size_t entity_of(const struct form_ent *e, size_t n, size_t w)
{
    size_t o = 0;
    while (o + 1 < n && e[o + 1].w0 <= w)
        o++;
    return o;
}

/* The words of the unit that follows number entity j of e[0..ne) (the page's entities, or a
 * copy cut at a table's gutters; whole: the page's P->ne entities) on its line ("99 __ mm"): the
 * next entity, a unit (form_cell_unit) within KV_UNIT_EM and right after j's words, that is no
 * label of a couple on the page; 0 when there is none. */
static size_t unit_after(const struct pairing *P, const struct form_ent *whole,
                         const struct form_ent *e, size_t ne, size_t j)
{
    size_t u = j + 1;
    const char *t[2];
    if (u >= ne || !e[j].numeric || !e[u].unit || e[u].nw > 2 || e[u].line != e[j].line ||
        e[u].w0 != e[j].w0 + e[j].nw || e[u].x0 - e[j].x1 > KV_UNIT_EM * P->L->hmed)
        return 0;
    for (size_t i = 0; i < e[u].nw; i++)
        t[i] = P->L->words[P->L->ord[e[u].w0 + i]].text;
    if (!form_cell_unit(t, e[u].nw))
        return 0;
    size_t w = entity_of(whole, P->ne, e[u].w0);
    long r = P->role[w];
    if (r == ROLE_MARK || (r >= 0 && P->c[r].k == w))
        return 0;
    return e[u].nw;
}

/* Adds the pair (label k, entity j) of a table spread: j's text alone, and unit words of
 * j's unit after it (unit_after). */
static dp_err emit_cell(struct pairing *P, size_t k, size_t j, size_t unit, struct form_kv **kv,
                        size_t *n, size_t *cap)
{
    struct wrange kr[1 + 2 * KV_STACK_MAX], vr = {P->e[j].w0, P->e[j].nw + unit};
    size_t nkr = key_ranges(P, k, kr);
    if (overlap(kr, nkr, &vr, 1))
        return DP_OK; /* the cell is part of the header's own text */
    struct form_kv *p = add_pair(kv, n, cap);
    if (!p)
        return *n >= FORM_MAX_PAIRS ? DP_OK : DP_ENOMEM;
    if (set_text(&p->key, P->L, kr, nkr, 1) || set_text(&p->value, P->L, &vr, 1, 0))
        return DP_ENOMEM;
    if (form_marks_only(p->value.text) || !strcmp(p->key.text, p->value.text)) {
        /* a blank cell ("--"), or a header repeated: not its cell */
        free(p->key.text);
        free(p->value.text);
        (*n)--;
        return DP_OK;
    }
    p->mark = -1;
    p->has_value = 1;
    p->confidence = 0.4 * (0.5 + 0.5 * mean_conf(P->L, P->e[k].w0, P->e[k].nw));
    return DP_OK;
}

/* Whether entity j may answer a label once more in a table spread: a number that is no label
 * of a couple and not yet in a spread of this direction (bit dir of used). */
static int spreadable(const struct pairing *P, size_t j, const char *used, int dir)
{
    long r = P->role[j];
    return P->e[j].numeric && !(used[j] & dir) && (r == -1 || (r >= 0 && P->c[r].v == j));
}

/* The next cell after entity cur in a table run: the next entity of its line within
 * KV_SPREAD_GAP_EM (dir 1), or the nearest entity below overlapping it in x within
 * KV_SPREAD_DOWN_EM (dir 2); -1 when none. */
static long next_cell(const struct pairing *P, size_t cur, int dir)
{
    const struct form_ent *e = P->e;
    int em = P->L->hmed;
    if (dir == 1) {
        size_t j = cur + 1;
        return j < P->ne && e[j].line == e[cur].line && e[j].x0 - e[cur].x1 <= KV_SPREAD_GAP_EM * em
                   ? (long)j
                   : -1;
    }
    long best = -1;
    for (size_t j = cur + 1; j < P->ne && e[j].y0 <= e[cur].y1 + KV_SPREAD_DOWN_EM * em; j++) {
        int xov = (e[j].x1 < e[cur].x1 ? e[j].x1 : e[cur].x1) -
                  (e[j].x0 > e[cur].x0 ? e[j].x0 : e[cur].x0);
        if (e[j].y0 >= e[cur].y1 - em / 3 && xov > 0 && (best < 0 || e[j].y0 < e[best].y0))
            best = (long)j;
    }
    return best;
}

/* Table spread: a label followed by a run of numbers -- on its line (a row label, dir 1) or
 * down its column (a column header, dir 2) -- is answered by each of them (FUNSD links a
 * table's headers to every cell of their row or column).  skip is the label's own answer
 * (already a pair), or -1. */
static dp_err spread(struct pairing *P, size_t k, int dir, long skip, char *used,
                     struct form_kv **kv, size_t *n, size_t *cap)
{
    dp_err rc = DP_OK;
    long j;
    for (size_t cur = k; !rc && (j = next_cell(P, cur, dir)) >= 0; cur = (size_t)j) {
        if (!spreadable(P, (size_t)j, used, dir))
            break;
        used[j] |= (char)dir;
        if (j != skip)
            rc = emit_cell(P, k, (size_t)j, 0, kv, n, cap);
    }
    return rc;
}

/* Whether entity k is a lone ':' (no label). */
static int lone_colon(const struct pairing *P, size_t k)
{
    return P->e[k].nw == 1 && strlen(P->L->words[P->L->ord[P->e[k].w0]].text) == 1;
}

/* A label with an answer takes the further couples the model is sure of (score >= multi)
 * whose answer has no role: a table's header linked to the cells of its column or row. */
static dp_err multi_answers(struct pairing *P, char *used, struct form_kv **kv, size_t *n,
                            size_t *cap)
{
    dp_err rc = DP_OK;
    for (size_t i = 0; !rc && i < P->nc && P->c[i].score >= P->m->multi; i++) {
        size_t k = P->c[i].k, v = P->c[i].v;
        long r = P->role[k];
        long rv = P->role[v];
        /* v free, or the answer of another label (a cell under its column header and right
         * of its row label) */
        if (r < 0 || P->c[r].k != k || used[v] ||
            (rv != -1 && (rv < 0 || P->c[rv].v != v || P->c[rv].k == k)))
            continue;
        used[v] = 1;
        rc = emit_cell(P, k, v, unit_after(P, P->e, P->e, P->ne, v), kv, n, cap);
    }
    return rc;
}

/* Whether boxes a and b share some area. */
static int boxes_meet(const struct table_box *a, const struct table_box *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Whether the pairs kv[0..n) hold p again: its key text with its value's text and place (a
 * table's two cells that read alike, "7" and "7" under one header, are two pairs). */
static int has_pair(const struct form_kv *kv, size_t n, const struct form_kv *p)
{
    for (size_t i = 0; i < n; i++)
        if (kv[i].has_value && !strcmp(kv[i].key.text, p->key.text) &&
            !strcmp(kv[i].value.text, p->value.text) &&
            boxes_meet(&kv[i].value.bbox, &p->value.bbox))
            return 1;
    return 0;
}

/* The table links (form_table.c) over the entities cut at the table's gutters, not yet among
 * the pairs: a header with each of its cells.  A link is taken when its header, as the
 * page's entity, has a couple in that direction (the model's or the rules' -- a header
 * nothing would pair is no header; for a column of words, a couple in any direction: the
 * model rarely scores a header over words below it), and neither end belongs to a selection
 * mark. */
static dp_err table_pairs(struct pairing *P, struct form_kv **kv, size_t *n, size_t *cap)
{
    struct form_link *lk = NULL;
    size_t nl = 0, ne = P->ne;
    struct form_ent *whole = P->e, *cut = malloc(ne * sizeof *cut);
    if (!cut)
        return DP_ENOMEM;
    memcpy(cut, whole, ne * sizeof *cut);
    dp_err rc = form_split_gutters(P->L, &cut, &ne);
    if (rc) {
        free(cut);
        return rc;
    }
    rc = form_table_links(cut, ne, P->L->hmed, &lk, &nl);
    long *wup = P->up, *wdown = P->down, *cup = malloc(ne * sizeof *cup),
         *cdown = malloc(ne * sizeof *cdown);
    if (!rc && (!cup || !cdown))
        rc = DP_ENOMEM;
    if (!rc)
        form_stack_links(P->m, P->L, cut, ne, cup, cdown);
    if (!rc)
        form_table_row_lines(cut, lk, nl, cup, cdown);
    P->e = cut; /* emit_cell reads the cut entities' words */
    P->up = cup;
    P->down = cdown;
    for (size_t i = 0; !rc && i < nl; i++) {
        size_t k = entity_of(whole, P->ne, cut[lk[i].k].w0);
        size_t v = entity_of(whole, P->ne, cut[lk[i].v].w0);
        size_t c = 0;
        while (c < P->nc && !(P->c[c].k == k && (lk[i].text || P->c[c].rel == lk[i].rel)))
            c++;
        if (c == P->nc || P->role[k] == ROLE_MARK || P->role[v] == ROLE_MARK)
            continue;
        size_t before = *n;
        rc = emit_cell(P, lk[i].k, lk[i].v, unit_after(P, whole, cut, ne, lk[i].v), kv, n, cap);
        if (!rc && *n > before && has_pair(*kv, before, &(*kv)[before])) {
            (*n)--; /* already there: drop the copy */
            free((*kv)[before].key.text);
            free((*kv)[before].value.text);
        }
    }
    P->e = whole;
    P->up = wup;
    P->down = wdown;
    free(cup);
    free(cdown);
    free(lk);
    free(cut);
    return rc;
}

/* Drops from c[0..nc) the couples of a label with its own stacked line (up / down: the
 * lines the stack block joins into one label, "Est." over "Travel"): the key's text holds the
 * answer's.  Returns the couples left, in order. */
static size_t drop_own_lines(struct form_cand *c, size_t nc, const long *up, const long *down)
{
    size_t o = 0;
    for (size_t i = 0; i < nc; i++)
        if (down[c[i].k] != (long)c[i].v && up[c[i].k] != (long)c[i].v)
            c[o++] = c[i];
    return o;
}

static dp_err pair_layout(const struct tl_layout *L, const struct form_model *m,
                          const struct form_mark *marks, size_t nmarks, struct form_kv **kv,
                          size_t *n)
{
    struct pairing P = {L, m, NULL, 0, NULL, NULL, 0, NULL, NULL};
    size_t cap = 0;
    int *mark_of = NULL;
    char *used = NULL;
    dp_err rc = form_entities(L, &P.e, &P.ne);
    if (rc || P.ne == 0)
        return rc;
    P.role = malloc(P.ne * sizeof *P.role);
    mark_of = malloc(P.ne * sizeof *mark_of);
    used = calloc(P.ne, 1);
    P.up = malloc(P.ne * sizeof *P.up);
    P.down = malloc(P.ne * sizeof *P.down);
    if (!P.role || !mark_of || !used || !P.up || !P.down) {
        rc = DP_ENOMEM;
        goto out;
    }
    form_stack_links(m, L, P.e, P.ne, P.up, P.down);
    for (size_t i = 0; i < P.ne; i++)
        P.role[i] = -1;
    mark_roles(&P, marks, nmarks, mark_of);
    rc = m ? form_learn_candidates(m, L, P.e, P.ne, &P.c, &P.nc)
           : form_candidates(P.e, P.ne, L->hmed, KV_MIN_SCORE, &P.c, &P.nc);
    if (rc)
        goto out;
    P.nc = drop_own_lines(P.c, P.nc, P.up, P.down);
    form_assign(P.c, P.nc, P.ne, P.role);
    /* pairs in the order of their labels on the page */
    for (size_t k = 0; !rc && k < P.ne; k++) {
        long r = P.role[k];
        if (mark_of[k] >= 0)
            rc = emit(&P, k, -1, mark_of[k], 0, marks, kv, n, &cap);
        else if (r >= 0 && P.c[r].k == k)
            rc = emit(&P, k, (long)P.c[r].v, -1, P.c[r].score, marks, kv, n, &cap);
        else if (r == -1 && P.e[k].colon && !lone_colon(&P, k)) {
            long v = m ? aside_answer(&P, k) : -1;
            if (v >= 0)
                P.role[v] = ROLE_ASIDE;
            rc = emit(&P, k, v, -1, KV_ASIDE_CONF, marks, kv, n, &cap);
        }
    }
    if (m) {
        /* the rules' own table spread is better on the rules' pairs than these links */
        if (!rc)
            rc = multi_answers(&P, used, kv, n, &cap);
        if (!rc)
            rc = table_pairs(&P, kv, n, &cap);
        goto out;
    }
    for (size_t k = 0; !rc && k < P.ne; k++) {
        long r = P.role[k], own = r >= 0 && P.c[r].k == k ? (long)P.c[r].v : -1;
        if ((r == -1 || own >= 0) && !P.e[k].numeric && P.e[k].key >= KV_SPREAD_KEY)
            for (int dir = 1; !rc && dir <= 2; dir++)
                rc = spread(&P, k, dir, own, used, kv, n, &cap);
    }
out:
    free(P.up);
    free(P.down);
    free(used);
    free(mark_of);
    free(P.role);
    free(P.c);
    free(P.e);
    return rc;
}

dp_err form_layout(struct tl_layout *L, const struct dp_word *words, size_t nwords,
                   const struct form_mark *marks, size_t nmarks)
{
    char *skip = malloc(nwords ? nwords : 1);
    if (!skip)
        return DP_ENOMEM;
    form_mark_words(words, nwords, marks, nmarks, skip);
    for (size_t i = 0; i < nwords; i++) /* blank "words" (a logo, a stamp) are no text */
        if (words[i].text && strspn(words[i].text, " \t") == strlen(words[i].text))
            skip[i] = 1;
    dp_err rc = tl_build(L, words, nwords, skip, KV_GAP_EM);
    /* phrases split at a gap of some spaces: word boxes are tight (OCR) or padded
     * (annotations), so the space is measured on the page */
    if (!rc) {
        double g = KV_GAP_SPACES * form_word_space(L) / L->hmed;
        g = g < KV_GAP_MIN ? KV_GAP_MIN : g > KV_GAP_EM ? KV_GAP_EM : g;
        tl_cleanup(L);
        rc = tl_build(L, words, nwords, skip, g);
    }
    free(skip);
    return rc ? DP_ENOMEM : DP_OK;
}

dp_err form_pairs_model(const struct form_model *m, const struct dp_word *raw, size_t nwords,
                        const struct form_mark *marks, size_t nmarks, struct form_kv **out,
                        size_t *n)
{
    *out = NULL;
    *n = 0;
    if (nwords == 0 || nwords > FORM_MAX_WORDS)
        return DP_OK;
    struct tl_layout L;
    struct dp_word *words = NULL;
    char *texts = NULL;
    dp_err rc = form_clean_words(raw, nwords, &words, &texts);
    if (!rc)
        rc = form_layout(&L, words, nwords, marks, nmarks);
    if (rc) {
        free(words);
        free(texts);
        return rc;
    }
    struct form_kv *kv = NULL;
    rc = pair_layout(&L, m, marks, nmarks, &kv, n);
    tl_cleanup(&L);
    free(words);
    free(texts);
    if (rc || *n == 0) {
        form_kv_list_free(kv, *n);
        *n = 0;
        return rc;
    }
    *out = kv;
    return DP_OK;
}

dp_err form_pairs(const struct dp_word *words, size_t nwords, const struct form_mark *marks,
                  size_t nmarks, struct form_kv **out, size_t *n)
{
    return form_pairs_model(NULL, words, nwords, marks, nmarks, out, n);
}
