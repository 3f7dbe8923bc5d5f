/* layout.c -- a page's blocks in reading order from its words and tables (see layout.h). */
#include <stdlib.h>
#include <string.h>
#include "layout.h"
#include "util.h"

const char *layout_kind_name(enum layout_kind k)
{
    static const char *const names[] = {"text", "heading", "table", "image"};
    return (unsigned)k < 4 ? names[k] : "text";
}

void layout_free(struct layout_block *b, size_t n)
{
    if (!b)
        return;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < b[i].nlines; j++)
            free(b[i].lines[j].text);
        free(b[i].lines);
    }
    free(b);
}

/* ---- boxes ---- */

static void box_add(int *x, int *y, int *w, int *h, int bx, int by, int bw, int bh)
{
    if (*w <= 0 && *h <= 0) {
        *x = bx, *y = by, *w = bw, *h = bh;
        return;
    }
    int x2 = *x + *w > bx + bw ? *x + *w : bx + bw, y2 = *y + *h > by + bh ? *y + *h : by + bh;
    *x = *x < bx ? *x : bx;
    *y = *y < by ? *y : by;
    *w = x2 - *x;
    *h = y2 - *y;
}

/* ---- lines ---- */

/* A line while blocks are formed: its finished layout_line and where it belongs. */
struct tline {
    struct layout_line l;
    int block; /* the reader's block index */
    int table; /* index of the table holding its centre, or -1 */
    int heading;
};

struct word_ref {
    const struct dp_word *w;
};

static int cmp_word(const void *a, const void *b)
{
    const struct dp_word *x = ((const struct word_ref *)a)->w, *y = ((const struct word_ref *)b)->w;
    if (x->line != y->line)
        return (x->line > y->line) - (x->line < y->line);
    return (x->x > y->x) - (x->x < y->x);
}

/* The page's lines in the reader's line order. *out owned (texts too). */
static dp_err make_lines(const struct dp_word *words, size_t nwords, struct tline **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct word_ref *ref = malloc((nwords ? nwords : 1) * sizeof *ref);
    struct tline *ls = calloc(nwords ? nwords : 1, sizeof *ls);
    if (!ref || !ls) {
        free(ref);
        free(ls);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i < nwords; i++)
        ref[i].w = &words[i];
    qsort(ref, nwords, sizeof *ref, cmp_word);
    size_t k = 0;
    for (size_t i = 0; i < nwords;) {
        size_t j = i, len = 0;
        while (j < nwords && ref[j].w->line == ref[i].w->line)
            len += strlen(ref[j++].w->text) + 1;
        struct tline *t = &ls[k];
        t->l.text = malloc(len + 1);
        if (!t->l.text) {
            for (size_t m = 0; m < k; m++)
                free(ls[m].l.text);
            free(ls);
            free(ref);
            return DP_ENOMEM;
        }
        size_t o = 0;
        for (size_t m = i; m < j; m++) {
            const struct dp_word *w = ref[m].w;
            size_t wl = strlen(w->text);
            if (o)
                t->l.text[o++] = ' ';
            memcpy(t->l.text + o, w->text, wl);
            o += wl;
            box_add(&t->l.x, &t->l.y, &t->l.w, &t->l.h, w->x, w->y, w->w, w->h);
        }
        t->l.text[o] = '\0';
        t->block = ref[i].w->block;
        t->table = -1;
        k++;
        i = j;
    }
    free(ref);
    *out = ls;
    *n = k;
    return DP_OK;
}

/* Median height of the lines outside tables (0 when none). */
static int body_height(const struct tline *ls, size_t n)
{
    int *h = malloc((n ? n : 1) * sizeof *h), m = 0;
    size_t k = 0;
    if (!h)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ls[i].table < 0)
            h[k++] = ls[i].l.h;
    if (k) {
        qsort(h, k, sizeof *h, util_cmp_int);
        m = h[k / 2];
    }
    free(h);
    return m;
}

/* ---- blocks ---- */

/* Appends line t (its text moves) to block b. */
static dp_err block_add(struct layout_block *b, struct tline *t)
{
    struct layout_line *nl = realloc(b->lines, (b->nlines + 1) * sizeof *nl);
    if (!nl)
        return DP_ENOMEM;
    b->lines = nl;
    b->lines[b->nlines++] = t->l;
    box_add(&b->x, &b->y, &b->w, &b->h, t->l.x, t->l.y, t->l.w, t->l.h);
    t->l.text = NULL;
    return DP_OK;
}

/* 1 when line t starts a new block after line p (same kind of run otherwise). */
static int breaks(const struct tline *p, const struct tline *t, int body)
{
    if (p->block != t->block || p->heading != t->heading)
        return 1;
    int h = p->l.h < t->l.h ? p->l.h : t->l.h;
    if (h < body)
        h = body;
    /* more than a line's height of space (a blank line; 1.5 spacing stays one paragraph), or a
     * line that starts above the last one (a new column) */
    return t->l.y - (p->l.y + p->l.h) > h || t->l.y + t->l.h / 2 < p->l.y;
}

/* ---- reading order: recursive XY cut ---- */

struct ord {
    int i;    /* block index */
    int a, b; /* the extent along the axis being cut: start, end */
};

static int cmp_ord(const void *x, const void *y)
{
    const struct ord *p = x, *q = y;
    if (p->a != q->a)
        return (p->a > q->a) - (p->a < q->a);
    return (p->i > q->i) - (p->i < q->i);
}

static size_t count_lines(const struct layout_block *bl, const struct ord *o, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += bl[o[i].i].nlines;
    return c;
}

/* Vertical span [lo, hi) of the blocks o[0..n). */
static void yspan(const struct layout_block *bl, const struct ord *o, size_t n, int *lo, int *hi)
{
    *lo = bl[o[0].i].y;
    *hi = bl[o[0].i].y + bl[o[0].i].h;
    for (size_t i = 1; i < n; i++) {
        const struct layout_block *b = &bl[o[i].i];
        *lo = b->y < *lo ? b->y : *lo;
        *hi = b->y + b->h > *hi ? b->y + b->h : *hi;
    }
}

/* Where to cut o[0..n) sorted along an axis: the first gap of at least min that no block
 * crosses (and, for columns, with text beside text), or 0 for none. */
static size_t find_cut(const struct layout_block *bl, const struct ord *o, size_t n, int min,
                       int columns)
{
    int end = o[0].b;
    for (size_t i = 1; i < n; i++) {
        if (o[i].a - end >= min) {
            if (!columns)
                return i;
            /* columns: both sides hold a few lines and stand side by side (their vertical spans
             * overlap by half the shorter one), not a label beside a value */
            int l0, l1, r0, r1;
            yspan(bl, o, i, &l0, &l1);
            yspan(bl, o + i, n - i, &r0, &r1);
            int ov = (l1 < r1 ? l1 : r1) - (l0 > r0 ? l0 : r0);
            int shorter = l1 - l0 < r1 - r0 ? l1 - l0 : r1 - r0;
            if (count_lines(bl, o, i) >= 3 && count_lines(bl, o + i, n - i) >= 3 &&
                2 * ov >= shorter)
                return i;
        }
        end = o[i].b > end ? o[i].b : end;
    }
    return 0;
}

/* Appends the indices of o[0..n) in reading order to out[*k]. o is scratch. */
static void xy_cut(const struct layout_block *bl, struct ord *o, size_t n, int min, int *out,
                   size_t *k)
{
    if (n > 1) {
        for (size_t i = 0; i < n; i++)
            o[i].a = bl[o[i].i].x, o[i].b = bl[o[i].i].x + bl[o[i].i].w;
        qsort(o, n, sizeof *o, cmp_ord);
        size_t c = find_cut(bl, o, n, min, 1);
        if (!c) {
            for (size_t i = 0; i < n; i++)
                o[i].a = bl[o[i].i].y, o[i].b = bl[o[i].i].y + bl[o[i].i].h;
            qsort(o, n, sizeof *o, cmp_ord);
            c = find_cut(bl, o, n, 1, 0);
        }
        if (c) {
            xy_cut(bl, o, c, min, out, k);
            xy_cut(bl, o + c, n - c, min, out, k);
            return;
        }
        /* no clean cut: top to bottom (o is sorted by y here) */
    }
    for (size_t i = 0; i < n; i++)
        out[(*k)++] = o[i].i;
}

/* Reorders bl[0..n) into reading order. */
static dp_err order_blocks(struct layout_block *bl, size_t n, int body)
{
    if (n < 2)
        return DP_OK;
    struct ord *o = malloc(n * sizeof *o);
    int *seq = malloc(n * sizeof *seq);
    struct layout_block *tmp = malloc(n * sizeof *tmp);
    if (!o || !seq || !tmp) {
        free(o);
        free(seq);
        free(tmp);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        o[i] = (struct ord){(int)i, bl[i].y, bl[i].x};
    size_t k = 0;
    if (n > LAYOUT_MAX_BLOCKS) {
        qsort(o, n, sizeof *o, cmp_ord);
        for (size_t i = 0; i < n; i++)
            seq[k++] = o[i].i;
    } else
        xy_cut(bl, o, n, body > 1 ? body : 1, seq, &k);
    for (size_t i = 0; i < n; i++)
        tmp[i] = bl[seq[i]];
    memcpy(bl, tmp, n * sizeof *bl);
    free(o);
    free(seq);
    free(tmp);
    return DP_OK;
}

dp_err layout_blocks(const struct dp_word *words, size_t nwords, const struct table *tables,
                     size_t ntables, struct layout_block **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct tline *ls = NULL;
    size_t nl = 0, nb = 0;
    dp_err rc = make_lines(words, nwords, &ls, &nl);
    if (rc)
        return rc;
    for (size_t i = 0; i < nl; i++) {
        int cx = ls[i].l.x + ls[i].l.w / 2, cy = ls[i].l.y + ls[i].l.h / 2;
        for (size_t t = 0; t < ntables && ls[i].table < 0; t++) {
            const struct table_box *b = &tables[t].bbox;
            if (cx >= b->x && cx < b->x + b->w && cy >= b->y && cy < b->y + b->h)
                ls[i].table = (int)t;
        }
    }
    int body = body_height(ls, nl);
    for (size_t i = 0; i < nl; i++)
        ls[i].heading =
            ls[i].table < 0 && body > 0 && (double)ls[i].l.h >= LAYOUT_HEADING_RATIO * (double)body;
    struct layout_block *bl = calloc(nl + ntables + 1, sizeof *bl);
    int *tblock = calloc(ntables + 1, sizeof *tblock); /* block of table t, + 1; 0 = none yet */
    if (!bl || !tblock) {
        rc = DP_ENOMEM;
        goto out;
    }
    const struct tline *prev = NULL;
    for (size_t i = 0; i < nl && !rc; i++) {
        struct tline *t = &ls[i];
        struct layout_block *b;
        if (t->table >= 0) {
            if (!tblock[t->table]) {
                b = &bl[nb++];
                b->kind = LAYOUT_TABLE;
                b->table = t->table;
                const struct table_box *tb = &tables[t->table].bbox;
                box_add(&b->x, &b->y, &b->w, &b->h, tb->x, tb->y, tb->w, tb->h);
                tblock[t->table] = (int)nb;
            }
            b = &bl[tblock[t->table] - 1];
            prev = NULL;
        } else if (!prev || breaks(prev, t, body)) {
            b = &bl[nb++];
            b->kind = t->heading ? LAYOUT_HEADING : LAYOUT_TEXT;
            b->table = -1;
        } else
            b = &bl[nb - 1];
        rc = block_add(b, t);
        if (t->table < 0)
            prev = t;
    }
    if (!rc)
        rc = order_blocks(bl, nb, body);
out:
    for (size_t i = 0; i < nl; i++)
        free(ls[i].l.text);
    free(ls);
    free(tblock);
    if (rc) {
        layout_free(bl, nb);
        return rc;
    }
    *out = bl;
    *n = nb;
    return DP_OK;
}

/* ---- JSON ---- */

static cJSON *bbox_json(int x, int y, int w, int h)
{
    const int v[4] = {x, y, w, h};
    return cJSON_CreateIntArray(v, 4);
}

cJSON *layout_json(const struct dp_page *p)
{
    struct layout_block *bl = NULL;
    size_t n = 0;
    if (layout_blocks(p->words, p->nwords, p->tables, p->ntables, &bl, &n))
        return NULL;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        const struct layout_block *b = &bl[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddStringToObject(o, "kind", layout_kind_name(b->kind));
        cJSON_AddItemToObject(o, "bbox", bbox_json(b->x, b->y, b->w, b->h));
        if (b->kind == LAYOUT_TABLE)
            cJSON_AddNumberToObject(o, "table", b->table);
        cJSON *lines = cJSON_AddArrayToObject(o, "lines");
        for (size_t j = 0; lines && j < b->nlines; j++) {
            const struct layout_line *l = &b->lines[j];
            cJSON *jl = cJSON_CreateObject();
            cJSON_AddStringToObject(jl, "text", l->text);
            cJSON_AddItemToObject(jl, "bbox", bbox_json(l->x, l->y, l->w, l->h));
            cJSON_AddItemToArray(lines, jl);
        }
        cJSON_AddItemToArray(arr, o);
    }
    layout_free(bl, n);
    return arr;
}
