/* table_lines.c -- a page's words as text lines and phrases, by geometry alone (the reader's
 * own line numbers split table rows into cells on scans and PDFs alike, so they are not used). */
#include <stdlib.h>
#include <string.h>
#include "table_int.h"
#include "util.h"

/* ---- helpers ---- */

void tl_box_add(struct table_box *b, int x0, int y0, int x1, int y1)
{
    if (b->w == 0 && b->h == 0) {
        *b = (struct table_box){x0, y0, x1 - x0, y1 - y0};
        return;
    }
    int bx1 = b->x + b->w, by1 = b->y + b->h;
    if (x0 < b->x)
        b->x = x0;
    if (y0 < b->y)
        b->y = y0;
    b->w = (x1 > bx1 ? x1 : bx1) - b->x;
    b->h = (y1 > by1 ? y1 : by1) - b->y;
}

int tl_numeric(const char *s)
{
    size_t digits = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" .,-+%()$*/:'", *p) && *p < 0x80)
            other++;
        else if (*p >= 0x80 && (*p & 0xC0) != 0x80)
            other++; /* count a UTF-8 letter once; currency signs make it look less numeric */
    }
    return digits > 0 && other <= digits / 4 + (digits >= 2);
}

dp_err tl_append(const struct tl_layout *L, size_t w0, size_t nw, char **text,
                 struct table_box *box)
{
    size_t have = *text ? strlen(*text) : 0, add = 0;
    for (size_t i = 0; i < nw; i++)
        add += strlen(L->words[L->ord[w0 + i]].text) + 1;
    size_t cap = have + add + 1;
    if (cap > TABLE_MAX_CELL)
        cap = TABLE_MAX_CELL;
    char *t = realloc(*text, cap);
    if (!t)
        return DP_ENOMEM;
    *text = t;
    t[have] = '\0';
    for (size_t i = 0; i < nw; i++) {
        const struct dp_word *w = &L->words[L->ord[w0 + i]];
        tl_box_add(box, w->x, w->y, w->x + w->w, w->y + w->h);
        size_t l = strlen(w->text);
        if (have + (have > 0) + l + 1 > cap)
            continue; /* over the cell cap: the rest is dropped (box still grows) */
        if (have)
            t[have++] = ' ';
        memcpy(t + have, w->text, l);
        have += l;
        t[have] = '\0';
    }
    /* never cut inside a UTF-8 sequence: the loop above only copies whole words */
    return DP_OK;
}

/* ---- lines ---- */

struct wref {
    size_t i;
    int cy, x, line;
};

static int by_top(const void *a, const void *b, void *ctx)
{
    const struct dp_word *words = ctx;
    const struct dp_word *x = &words[*(const size_t *)a], *y = &words[*(const size_t *)b];
    return (x->y > y->y) - (x->y < y->y);
}

static int by_line_x(const void *a, const void *b)
{
    const struct wref *x = a, *y = b;
    if (x->line != y->line)
        return (x->line > y->line) - (x->line < y->line);
    return (x->x > y->x) - (x->x < y->x);
}

/* An open line while clustering: running centre and height. */
struct open_line {
    double cy; /* mean centre of its words */
    int h;     /* height of its first word */
    int y0, y1;
    size_t n;
};

/* Lines are judged against the most recent ones only (a page is read top-down). */
#define TL_TALL     3 /* words taller than this many median heights are left out */
#define TL_LOOKBACK 24

dp_err tl_build(struct tl_layout *L, const struct dp_word *words, size_t n, const char *skip,
                double gap_em)
{
    memset(L, 0, sizeof *L);
    L->words = words;
    L->hmed = 1;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    struct wref *refs = malloc((n ? n : 1) * sizeof *refs);
    struct open_line *ol = malloc((n ? n : 1) * sizeof *ol);
    int *hs = malloc((n ? n : 1) * sizeof *hs);
    if (!idx || !refs || !ol || !hs)
        goto oom;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        /* OCR reports blank "words" over pictures and erased rules, as tall as a table */
        if ((skip && skip[i]) || words[i].w <= 0 || words[i].h <= 0 || !words[i].text ||
            !words[i].text[strspn(words[i].text, " \t\r\n")])
            continue;
        idx[k] = i;
        hs[k++] = words[i].h;
    }
    if (k) {
        qsort(hs, k, sizeof *hs, util_cmp_int);
        L->hmed = hs[k / 2] > 0 ? hs[k / 2] : 1;
    }
    /* a word many lines tall (vertical text, a misread picture) would make one line of
     * every line it passes: left out */
    size_t kept = 0;
    for (size_t j = 0; j < k; j++)
        if (words[idx[j]].h <= TL_TALL * L->hmed)
            idx[kept++] = idx[j];
    k = kept;
    L->nord = k;
    qsort_r(idx, k, sizeof *idx, by_top, (void *)words);
    size_t nl = 0;
    for (size_t j = 0; j < k; j++) {
        const struct dp_word *w = &words[idx[j]];
        double cy = w->y + w->h / 2.0;
        size_t best = (size_t)-1;
        double best_ov = 0;
        for (size_t l = nl > TL_LOOKBACK ? nl - TL_LOOKBACK : 0; l < nl; l++) {
            double top = ol[l].cy - ol[l].h / 2.0, bot = ol[l].cy + ol[l].h / 2.0;
            double ov = (bot < w->y + w->h ? bot : w->y + w->h) - (top > w->y ? top : w->y);
            int mh = w->h < ol[l].h ? w->h : ol[l].h;
            if (ov >= 0.5 * mh && ov > best_ov) {
                best_ov = ov;
                best = l;
            }
        }
        if (best == (size_t)-1) {
            best = nl++;
            ol[best] = (struct open_line){cy, w->h, w->y, w->y + w->h, 0};
        }
        struct open_line *o = &ol[best];
        o->cy = (o->cy * (double)o->n + cy) / (double)(o->n + 1);
        o->n++;
        refs[j] = (struct wref){idx[j], (int)cy, w->x, (int)best};
    }
    /* lines were created in order of their first word's top: that is top-down order */
    qsort(refs, k, sizeof *refs, by_line_x);
    L->ord = idx;
    idx = NULL;
    L->lines = calloc(nl ? nl : 1, sizeof *L->lines);
    L->segs = calloc(k ? k : 1, sizeof *L->segs);
    if (!L->lines || !L->segs)
        goto oom;
    L->gap = (int)(gap_em * L->hmed + 0.5);
    if (L->gap < 2)
        L->gap = 2;
    size_t j = 0;
    while (j < k) {
        size_t e = j;
        while (e < k && refs[e].line == refs[j].line)
            e++;
        struct tl_line *ln = &L->lines[L->nlines++];
        ln->s0 = L->nsegs;
        ln->x0 = ln->y0 = 1 << 30;
        ln->x1 = ln->y1 = -(1 << 30);
        for (size_t q = j; q < e; q++) {
            const struct dp_word *w = &words[refs[q].i];
            L->ord[q] = refs[q].i;
            struct tl_seg *s = L->nsegs > ln->s0 ? &L->segs[L->nsegs - 1] : NULL;
            if (!s || w->x - s->x1 >= L->gap) {
                s = &L->segs[L->nsegs++];
                *s = (struct tl_seg){w->x, w->x + w->w, w->y, w->y + w->h, q, 0};
            }
            s->nw++;
            if (w->x + w->w > s->x1)
                s->x1 = w->x + w->w;
            if (w->y < s->y0)
                s->y0 = w->y;
            if (w->y + w->h > s->y1)
                s->y1 = w->y + w->h;
            if (w->x < ln->x0)
                ln->x0 = w->x;
            if (w->x + w->w > ln->x1)
                ln->x1 = w->x + w->w;
            if (w->y < ln->y0)
                ln->y0 = w->y;
            if (w->y + w->h > ln->y1)
                ln->y1 = w->y + w->h;
        }
        ln->ns = L->nsegs - ln->s0;
        j = e;
    }
    free(refs);
    free(ol);
    free(hs);
    return DP_OK;
oom:
    free(idx);
    free(refs);
    free(ol);
    free(hs);
    tl_cleanup(L);
    return DP_ENOMEM;
}

void tl_cleanup(struct tl_layout *L)
{
    free(L->ord);
    free(L->lines);
    free(L->segs);
    memset(L, 0, sizeof *L);
}
