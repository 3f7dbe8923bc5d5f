/* form_pair.c -- key-value pairing as a scored assignment: words are grouped into entities
 * (phrases of a line, cut after a word ending in ':'), every plausible (label, answer) couple
 * is scored from where the answer sits (right on the label's line band, or below within its
 * column) and from the text shapes (a label ends in ':', is short, has no digits; an answer is
 * no written label), and couples are taken best first, one label to one answer. */
#include <stdlib.h>
#include <string.h>
#include "form_int.h"
#include "util.h"

#define FP_NEG          -1e9
#define FP_COLON_JOIN   3.0  /* a lone ':' this many em right of an entity ends it */
#define FP_RIGHT_MAX    30.0 /* an answer to the right starts within this many em */
#define FP_BELOW_MAX    4.0  /* an answer below starts within this many em under the label */
#define FP_BELOW_SIDE   2.0  /* ... its start at most this far from the label's when no x-overlap */
#define FP_LONG_KEY     7    /* words from which a label is unlikely */
#define FP_UNIT_LETTERS 5    /* letters of a unit after a number ("mm", "mg/cc") */
#define FP_NOISE_CONF   50.0 /* mean word confidence (0..100) under which an entity is noise */
#define FP_NOISE_KEY    2.0  /* ... and how much less it reads as a label */
#define FP_HEAD_GAP     10.0 /* a number this close right of an entity makes it a row label */
/* the score of a couple: the label's key-likeness, plus (answer shape) a number answers well,
 * a label-like answer less; plus (geometry) right of the label on its band, less per em of
 * gap; or below, less per em down, more for x-overlap.  Set on FUNSD forms 1-100. */
#define FP_NUMERIC   0.8
#define FP_VAL_KEY   0.2
#define FP_RIGHT     1.3
#define FP_RIGHT_GAP 0.03
#define FP_BELOW     0.7
#define FP_BELOW_DY  0.2
#define FP_BELOW_OV  0.3
#define FP_PROSE_DY  1.5 /* em below a label from which a long text is not its answer */

static int ends_with(const char *t, char c)
{
    size_t n = strlen(t);
    return n > 0 && t[n - 1] == c;
}

int form_unit_like(const char *const *t, size_t n)
{
    size_t letters = 0;
    if (n == 0 || n > 2)
        return 0;
    for (size_t i = 0; i < n; i++)
        for (const unsigned char *p = (const unsigned char *)t[i]; *p; p++) {
            if ((*p >= 'A' && *p <= 'Z') || *p >= 0x80 || *p == ':')
                return 0;
            letters += *p >= 'a' && *p <= 'z';
        }
    return letters <= FP_UNIT_LETTERS && (letters > 0 || !strcmp(t[0], "%"));
}

int form_marks_only(const char *t)
{
    static const char *const money[] = {"$", "\xc2\xa3", "\xe2\x82\xac", "\xc2\xa5"};
    for (size_t i = 0; i < sizeof money / sizeof *money; i++)
        if (!strcmp(t, money[i]))
            return 0; /* the sign of an amount left blank is what the form says */
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= 0xC3 && *p <= 0xE1) || *p >= 0xE3)
            return 0;
    return 1;
}

int form_cell_unit(const char *const *t, size_t n)
{
    size_t letters = 0, lookalike = 0;
    if (!form_unit_like(t, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        for (const char *p = t[i]; *p; p++) {
            if (*p == '%')
                return 1;
            letters += *p >= 'a' && *p <= 'z';
            lookalike += *p == 'l' || *p == 'i' || *p == 'o';
        }
    return letters >= 2 && lookalike < letters;
}

double form_key_score(const char *const *t, size_t n)
{
    if (n == 0)
        return FP_NEG;
    const char *last = t[n - 1];
    size_t letters = 0, upper = 0, digits = 0;
    for (size_t i = 0; i < n; i++)
        for (const unsigned char *p = (const unsigned char *)t[i]; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || *p >= 0xC0)
                letters++;
            else if (*p >= 'A' && *p <= 'Z') {
                letters++;
                upper++;
            } else if (*p >= '0' && *p <= '9')
                digits++;
        }
    double s = 0;
    if (ends_with(last, ':'))
        s += 2.0;
    else if (ends_with(last, '?'))
        s += 1.2;
    else if (ends_with(last, '#') || !strcmp(last, "No.") || !strcmp(last, "NO."))
        s += 0.5;
    if (digits == 0)
        s += 0.6;
    else if (digits > letters)
        s -= 1.5;
    else
        s -= 0.4;
    if (letters == 0)
        s -= 1.0;
    if (n <= 4)
        s += 0.3;
    else if (n > FP_LONG_KEY)
        s -= 1.0 + 0.1 * (double)(n - FP_LONG_KEY);
    unsigned char c0 = (unsigned char)t[0][0];
    if (c0 >= 'A' && c0 <= 'Z')
        s += 0.2;
    else if (c0 == '(' || c0 == '-' || c0 == '*')
        s -= 0.5;
    if (letters > 2 && upper == letters)
        s += 0.2;
    if (form_unit_like(t, n))
        s -= 1.5; /* "mm", "mg/cc", "%": the unit of a number */
    return s;
}

/* ---- entities ---- */

int form_word_space(const struct tl_layout *L)
{
    size_t n = 0;
    int *g = malloc((L->nord ? L->nord : 1) * sizeof *g);
    if (!g)
        return 0;
    for (size_t l = 0; l < L->nlines; l++) {
        const struct tl_line *ln = &L->lines[l];
        size_t w0 = L->segs[ln->s0].w0,
               w1 = L->segs[ln->s0 + ln->ns - 1].w0 + L->segs[ln->s0 + ln->ns - 1].nw;
        for (size_t w = w0 + 1; w < w1; w++) {
            const struct dp_word *a = &L->words[L->ord[w - 1]], *b = &L->words[L->ord[w]];
            if (b->x >= a->x + a->w)
                g[n++] = b->x - (a->x + a->w);
        }
    }
    qsort(g, n, sizeof *g, util_cmp_int);
    int med = n ? g[n / 2] : 0;
    free(g);
    return med;
}

/* Whether the entity's words read as a number, an amount or a date. */
static int ent_numeric(const struct tl_layout *L, size_t w0, size_t nw)
{
    size_t num = 0;
    for (size_t i = 0; i < nw; i++)
        num += tl_numeric(L->words[L->ord[w0 + i]].text) != 0;
    return nw > 0 && 2 * num >= nw;
}

void form_ent_finish(const struct tl_layout *L, struct form_ent *e)
{
    const char *t[FP_LONG_KEY + 1] = {""};
    size_t n = e->nw < FP_LONG_KEY + 1 ? e->nw : FP_LONG_KEY + 1;
    /* a label's text shape is in its last words; a long entity is no label anyway */
    for (size_t i = 0; i < n; i++)
        t[i] = L->words[L->ord[e->w0 + e->nw - n + i]].text;
    e->x0 = e->y0 = 1 << 30;
    e->x1 = e->y1 = -(1 << 30);
    for (size_t i = 0; i < e->nw; i++) {
        const struct dp_word *w = &L->words[L->ord[e->w0 + i]];
        e->x0 = w->x < e->x0 ? w->x : e->x0;
        e->y0 = w->y < e->y0 ? w->y : e->y0;
        e->x1 = w->x + w->w > e->x1 ? w->x + w->w : e->x1;
        e->y1 = w->y + w->h > e->y1 ? w->y + w->h : e->y1;
    }
    e->colon = n > 0 && ends_with(t[n - 1], ':');
    e->unit = form_unit_like(t, n);
    e->numeric = ent_numeric(L, e->w0, e->nw);
    e->key = form_key_score(t, n) - (e->nw > n ? 1.0 : 0.0);
    /* what was read unsurely, or is mostly not letters and digits, is no label nor answer */
    size_t alnum = 0, all = 0;
    double conf = 0;
    for (size_t i = 0; i < e->nw; i++) {
        const struct dp_word *w = &L->words[L->ord[e->w0 + i]];
        conf += w->conf;
        for (const unsigned char *p = (const unsigned char *)w->text; *p; p++) {
            all += (*p & 0xC0) != 0x80;
            alnum += (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= 'a' && *p <= 'z') || *p >= 0xC0;
        }
    }
    e->noise = (e->nw && conf / (double)e->nw < FP_NOISE_CONF) || 2 * alnum < all;
    if (e->noise)
        e->key -= FP_NOISE_KEY;
}

/* Flags the row labels: entities followed on their line by a number (form_ent.head). */
static void mark_heads(struct form_ent *v, size_t n, int em)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].numeric)
            continue;
        if (i + 1 < n && v[i + 1].line == v[i].line && v[i + 1].numeric && !v[i + 1].noise &&
            v[i + 1].x0 - v[i].x1 <= FP_HEAD_GAP * em)
            v[i].head = 1;
    }
}

dp_err form_entities(const struct tl_layout *L, struct form_ent **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct form_ent *v = malloc((L->nord ? L->nord : 1) * sizeof *v);
    if (!v)
        return DP_ENOMEM;
    for (size_t l = 0; l < L->nlines; l++) {
        const struct tl_line *ln = &L->lines[l];
        size_t line_first = *n;
        for (size_t q = ln->s0; q < ln->s0 + ln->ns; q++) {
            const struct tl_seg *sg = &L->segs[q];
            size_t start = sg->w0;
            for (size_t w = sg->w0; w < sg->w0 + sg->nw; w++) {
                const char *t = L->words[L->ord[w]].text;
                int last = w + 1 == sg->w0 + sg->nw;
                if (!last && !ends_with(t, ':'))
                    continue;
                struct form_ent *prev = *n > line_first ? &v[*n - 1] : NULL;
                /* "City: Paris Zip: 75001" -- after a label in the phrase, the next label is
                 * its colon word alone (with a ':' set apart, the word before it) */
                size_t lab = w > start && !strcmp(t, ":") ? w - 1 : w;
                if (ends_with(t, ':') && lab > start && prev && prev->colon &&
                    prev->w0 + prev->nw == start && prev->w0 >= sg->w0) {
                    struct form_ent a = {.w0 = start, .nw = lab - start, .line = l};
                    form_ent_finish(L, &a);
                    v[(*n)++] = a;
                    start = lab;
                    prev = &v[*n - 1];
                }
                struct form_ent e = {.w0 = start, .nw = w + 1 - start, .line = l};
                form_ent_finish(L, &e);
                /* "Date   :" -- a colon set apart still ends its label */
                if (e.nw == 1 && !strcmp(t, ":") && prev && !prev->colon &&
                    e.x0 - prev->x1 <= FP_COLON_JOIN * L->hmed && prev->w0 + prev->nw == e.w0) {
                    prev->nw++;
                    form_ent_finish(L, prev);
                } else {
                    v[(*n)++] = e;
                }
                start = w + 1;
            }
        }
    }
    if (*n == 0) {
        free(v);
        return DP_OK;
    }
    *n = form_split_labels(L, v, *n, L->nord);
    mark_heads(v, *n, L->hmed);
    *out = v;
    return DP_OK;
}

/* ---- scoring ---- */

static int imin(int a, int b)
{
    return a < b ? a : b;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

double form_pair_score(const struct form_ent *k, const struct form_ent *v, int em,
                       enum form_rel *rel)
{
    *rel = FORM_REL_NONE;
    if (em < 1)
        em = 1;
    if (v->colon || k == v || v->head || v->noise)
        return FP_NEG;
    double e = em;
    int ov = imin(k->y1, v->y1) - imax(k->y0, v->y0);
    int mh = imin(k->y1 - k->y0, v->y1 - v->y0);
    double text = k->key + (v->numeric ? FP_NUMERIC : 0.0) - FP_VAL_KEY * (v->key > 0 ? v->key : 0);
    double geo;
    if (ov >= mh / 2 && v->x0 >= k->x1 - em / 2) {
        double g = (v->x0 - k->x1) / e;
        if (g > FP_RIGHT_MAX)
            return FP_NEG;
        geo = FP_RIGHT - FP_RIGHT_GAP * (g > 0 ? g : 0);
        *rel = FORM_REL_RIGHT;
    } else if (v->y0 >= k->y1 - (int)(0.3 * e)) {
        double dy = (v->y0 - k->y1) / e;
        int xov = imin(k->x1, v->x1) - imax(k->x0, v->x0);
        double side = abs(v->x0 - k->x0) / e;
        if (dy > FP_BELOW_MAX || (xov <= 0 && side > FP_BELOW_SIDE))
            return FP_NEG;
        int mw = imin(k->x1 - k->x0, v->x1 - v->x0);
        geo = FP_BELOW - FP_BELOW_DY * (dy > 0 ? dy : 0) +
              FP_BELOW_OV * (xov > 0 && mw > 0 ? (double)xov / mw : 0) - 0.05 * side;
        if (v->nw > FP_LONG_KEY && dy > FP_PROSE_DY)
            return FP_NEG; /* a sentence well below a label is running text, not its answer */
        *rel = FORM_REL_BELOW;
    } else {
        return FP_NEG;
    }
    return text + geo;
}

/* The entities ordered by top (y0), to look only at those within a band of the page. */
struct yorder {
    size_t *i; /* entity indices, by y0 */
    int maxh;  /* tallest entity */
};

/* First position in yo whose entity starts at or below y. */
static size_t y_from(const struct form_ent *ents, const struct yorder *yo, size_t n, int y)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ents[yo->i[mid]].y0 < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether an entity other than k and v lies between them. */
static int blocked(const struct form_ent *ents, const struct yorder *yo, size_t n, size_t k,
                   size_t v, enum form_rel rel)
{
    const struct form_ent *a = &ents[k], *b = &ents[v];
    int top = rel == FORM_REL_RIGHT ? a->y0 - yo->maxh : a->y1;
    int bottom = rel == FORM_REL_RIGHT ? a->y1 : b->y0;
    for (size_t t = y_from(ents, yo, n, top); t < n && ents[yo->i[t]].y0 <= bottom; t++) {
        size_t i = yo->i[t];
        const struct form_ent *e = &ents[i];
        if (i == k || i == v)
            continue;
        if (rel == FORM_REL_RIGHT) {
            int ov = imin(a->y1, e->y1) - imax(a->y0, e->y0);
            if (ov > 0 && e->x0 >= a->x1 && e->x1 <= b->x0)
                return 1;
        } else {
            int xov = imin(b->x1, e->x1) - imax(b->x0, e->x0);
            if (xov > 0 && e->y0 >= a->y1 && e->y1 <= b->y0)
                return 1;
        }
    }
    return 0;
}

static int by_top(const void *pa, const void *pb, void *ctx)
{
    const struct form_ent *e = ctx;
    int a = e[*(const size_t *)pa].y0, b = e[*(const size_t *)pb].y0;
    return (a > b) - (a < b);
}

static int by_score(const void *pa, const void *pb)
{
    const struct form_cand *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return a->v < b->v ? -1 : a->v > b->v;
}

dp_err form_candidates(const struct form_ent *ents, size_t n, int em, double min,
                       struct form_cand **out, size_t *nc)
{
    size_t cap = 0;
    struct form_cand *v = NULL;
    struct yorder yo = {malloc((n ? n : 1) * sizeof *yo.i), 0};
    *out = NULL;
    *nc = 0;
    if (!yo.i)
        return DP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        yo.i[i] = i;
        yo.maxh = imax(yo.maxh, ents[i].y1 - ents[i].y0);
    }
    qsort_r(yo.i, n, sizeof *yo.i, by_top, (void *)ents);
    for (size_t k = 0; k < n; k++) {
        if (ents[k].key + 2.0 < min)
            continue; /* geometry and shape add at most about 2 */
        int bottom = ents[k].y1 + (int)((FP_BELOW_MAX + 1) * em);
        for (size_t t = y_from(ents, &yo, n, ents[k].y0 - yo.maxh);
             t < n && ents[yo.i[t]].y0 <= bottom; t++) {
            size_t j = yo.i[t];
            const struct form_ent *b = &ents[j];
            if (b->y1 < ents[k].y0)
                continue;
            enum form_rel rel;
            double s = form_pair_score(&ents[k], b, em, &rel);
            if (s < min || blocked(ents, &yo, n, k, j, rel))
                continue;
            if (*nc == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                struct form_cand *nv = realloc(v, ncap * sizeof *nv);
                if (!nv) {
                    free(v);
                    free(yo.i);
                    *nc = 0;
                    return DP_ENOMEM;
                }
                v = nv;
                cap = ncap;
            }
            v[(*nc)++] = (struct form_cand){k, j, s, rel};
        }
    }
    if (*nc)
        qsort(v, *nc, sizeof *v, by_score);
    free(yo.i);
    *out = v;
    return DP_OK;
}

size_t form_assign(const struct form_cand *cands, size_t nc, size_t n, long *role)
{
    size_t taken = 0;
    for (size_t i = 0; i < nc; i++) {
        const struct form_cand *c = &cands[i];
        if (c->k >= n || c->v >= n || role[c->k] != -1 || role[c->v] != -1)
            continue;
        role[c->k] = role[c->v] = (long)i;
        taken++;
    }
    return taken;
}
