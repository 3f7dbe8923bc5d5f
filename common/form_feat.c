/* form_feat.c -- the couples a learned pairing scores and their features: every (label,
 * answer) couple of entities where the answer sits right of the label on its band or below it
 * in its column, described by where it sits (gap buckets, alignment of left edges, x-overlap,
 * what lies between, whether each is the other's nearest), by both text shapes (final ':',
 * '?', digits, dates, capitals, length, unsure reading), by the page around them (columns of
 * labels and of answers, other couples of the same shape, a line of two) and by the label's own
 * words hashed (a label vocabulary learnt from the forms).  The geometry and shape features come in
 * one block per relation, so the model weighs each apart for answers right and below. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "form_int.h"

/* Feature indices inside a relation block (offset 0 for right, FORM_FEAT_REL for below). */
enum {
    F_BIAS = 0,
    F_DIST0 = 1, /* 6 distance buckets */
    F_DIST = 7,
    F_EDGE0 = 8, /* 4 buckets of the left edges' offset */
    F_XOV = 12,
    F_VLEFT = 13,
    F_BLOCK0 = 14, /* 0, 1, 2+ entities between */
    F_RANKK0 = 17, /* v's rank among k's couples of this relation: 0, 1, 2+ */
    F_RANKV0 = 20, /* k's rank among v's couples of this relation: 0, 1, 2+ */
    F_KRIGHT = 23,
    F_KRIGHT_NEAR = 24,
    F_VLEFT_OTHER = 25,
    F_DCY = 26,
    F_HRATIO = 27,
    F_K = 28, /* 16 text-shape features of the label */
    F_V = 44, /* 16 of the answer */
    F_TIGHT = 60,
    F_NEXT = 61,
    F_VRIGHT = 62,
    F_KBELOW_LABEL = 63,
    F_RULE = 64,         /* the hand rules' score of the couple (form_pair_score), scaled */
    F_RULE_OK = 65,      /* ... at least what the rules take as a pair */
    F_RULE_NO = 66,      /* the rules rule it out */
    F_KAFTER_LABEL = 67, /* the entity left of k on its line is a written label */
    F_VAFTER_LABEL = 68, /* ... left of v, and it is not k */
    F_KLINE_N = 69,      /* entities on k's line */
    F_KSTACK = 70,       /* a label-like entity right under k, left edges aligned */
    F_VSTACK_NUM = 71,   /* a number right under v in its column */
    F_KCOL_NUM = 72,     /* a number under k in its column (a column header) */
    F_NUM_RUN = 73,      /* v and everything between (one or more) are numbers: a table run */
    F_KUP_VMIX = 74,     /* k in capitals, v with lower-case letters (`MEDIUM` = `Outdoor`) */
    F_KUP_VUP = 75,      /* both in capitals */
    F_KCOL = 76,         /* entities left-aligned with k on other lines nearby (a label column) */
    F_VCOL = 77,         /* ... with v (a column of answers) */
    F_PARALLEL = 78,     /* another couple repeats this one's shape nearby (form_feat_parallel) */
    F_ALONE2 = 79,       /* right: k and v are all their line holds */
    F_KFIRST = 80,       /* k is first on its line */
    F_VALONE = 81,       /* v is alone on its line */
};
/* Text shape slots (F_K + i, F_V + i). */
enum {
    T_COLON = 0,
    T_QUEST,
    T_HASH,
    T_KEY,
    T_NW1,
    T_NW2,
    T_NW34,
    T_NW57,
    T_NW8,
    T_DIGITS,
    T_NUMERIC,
    T_UPPER,
    T_CAP,
    T_NOISE,
    T_DATE,
    T_LOWER,
};

/* Text facts of one entity, from its words. */
struct etext {
    unsigned char colon, quest, hash, digits, upper, cap, date, lower;
    unsigned char mixed; /* has lower-case letters and upper-case ones */
    unsigned kh0, kh1;   /* hashes of the first and last word (letters and digits, lower case) */
    unsigned char after_label; /* the entity left of it on its line ends in ':' */
    unsigned char stack_label; /* a label-like entity right under it, left edges aligned */
    unsigned char stack_num;   /* a number right under it in its column */
    unsigned char col_num;     /* a number under it in its column within 3 em */
    int line_n;                /* entities on its line */
    int col;                   /* entities left-aligned with it nearby (form_feat_aligned) */
};

/* Context of entity i from its neighbours (after_label, stack_*, col_num, line_n). */
static void context_of(const struct form_ent *e, size_t n, size_t i, double em, struct etext *t)
{
    const struct form_ent *a = &e[i];
    size_t l0 = i, l1 = i;
    while (l0 > 0 && e[l0 - 1].line == a->line)
        l0--;
    while (l1 + 1 < n && e[l1 + 1].line == a->line)
        l1++;
    t->line_n = (int)(l1 - l0 + 1);
    t->after_label = i > l0 && e[i - 1].colon;
    size_t next_line = l1 + 1, seen = 0;
    for (size_t j = next_line; j < n && seen < 200; j++, seen++) {
        const struct form_ent *b = &e[j];
        if (b->y0 > a->y1 + 3 * em)
            break;
        int xov = (b->x1 < a->x1 ? b->x1 : a->x1) - (b->x0 > a->x0 ? b->x0 : a->x0);
        if (xov <= 0)
            continue;
        int first_below = b->line == e[next_line].line;
        if (first_below && abs(b->x0 - a->x0) <= em && !b->numeric && b->key > 0)
            t->stack_label = 1;
        if (first_below && b->numeric)
            t->stack_num = 1;
        if (b->numeric)
            t->col_num = 1;
    }
}

#define FEAT_COL_EM  4.0 /* a column's neighbours: within this many em above or below */
#define FEAT_COL_MAX 3   /* ... counted up to this many */

static int imin(int a, int b)
{
    return a < b ? a : b;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

/* The entities of e[i]'s line: e[*l0 .. *l1] (the layout's order keeps a line together). */
static void line_of(const struct form_ent *e, size_t n, size_t i, size_t *l0, size_t *l1)
{
    *l0 = *l1 = i;
    while (*l0 > 0 && e[*l0 - 1].line == e[i].line)
        (*l0)--;
    while (*l1 + 1 < n && e[*l1 + 1].line == e[i].line)
        (*l1)++;
}

/* Whether p is on another line than a, its left edge on a's (within half an em). */
static int col_mate(const struct form_ent *a, const struct form_ent *p, double em)
{
    return p->line != a->line && p->nw > 0 && abs(p->x0 - a->x0) <= em / 2;
}

int form_feat_aligned(const struct form_ent *e, size_t n, size_t i, double em)
{
    const struct form_ent *a = &e[i];
    int cnt = 0;
    for (size_t j = i; j-- > 0 && cnt < FEAT_COL_MAX && e[j].y1 >= a->y0 - FEAT_COL_EM * em;)
        cnt += col_mate(a, &e[j], em);
    for (size_t j = i + 1; j < n && cnt < FEAT_COL_MAX && e[j].y0 <= a->y1 + FEAT_COL_EM * em; j++)
        cnt += col_mate(a, &e[j], em);
    return cnt;
}

/* Whether some entity of e[t0 .. t1] other than k, v and p stands to p as v stands to k: its
 * left edge as far from p's as v's is from k's (within 1 em), and right of p when right. */
static int mate_in(const struct form_ent *e, size_t t0, size_t t1, size_t k, size_t v, size_t p,
                   int right, double em)
{
    int dx = e[v].x0 - e[k].x0;
    for (size_t t = t0; t <= t1; t++)
        if (t != k && t != v && t != p && e[t].nw > 0 && (!right || e[t].x0 >= e[p].x1) &&
            abs((e[t].x0 - e[p].x0) - dx) <= em)
            return 1;
    return 0;
}

/* Whether e[j], a column mate of k, is answered on its line as k is by v (right). */
static int row_mate(const struct form_ent *e, size_t n, size_t j, size_t k, size_t v, double em)
{
    size_t l0, l1;
    if (!col_mate(&e[k], &e[j], em))
        return 0;
    line_of(e, n, j, &l0, &l1);
    return mate_in(e, l0, l1, k, v, j, 1, em);
}

int form_feat_parallel(const struct form_ent *e, size_t n, size_t k, size_t v, enum form_rel rel,
                       double em)
{
    const struct form_ent *a = &e[k];
    if (rel == FORM_REL_BELOW) {
        size_t l0, l1, m0, m1; /* a label beside k heading an entity beside v */
        line_of(e, n, k, &l0, &l1);
        line_of(e, n, v, &m0, &m1);
        for (size_t j = l0; j <= l1; j++)
            if (j != k && e[j].nw > 0 && mate_in(e, m0, m1, k, v, j, 0, em))
                return 1;
        return 0;
    }
    /* right: a label left-aligned with k on a line nearby answered on its line like v */
    for (size_t j = k; j-- > 0 && a->y0 - e[j].y1 <= FEAT_COL_EM * em;)
        if (row_mate(e, n, j, k, v, em))
            return 1;
    for (size_t j = k + 1; j < n && e[j].y0 - a->y1 <= FEAT_COL_EM * em; j++)
        if (row_mate(e, n, j, k, v, em))
            return 1;
    return 0;
}

unsigned form_word_hash(const char *t)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        unsigned c = *p;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
            h = (h ^ c) * 16777619u;
    }
    return h;
}

void form_ent_chars(const struct tl_layout *L, const struct form_ent *e, struct form_chars *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < e->nw; i++)
        for (const unsigned char *p = (const unsigned char *)L->words[L->ord[e->w0 + i]].text; *p;
             p++) {
            if (*p >= 'A' && *p <= 'Z')
                c->letters++, c->upper++;
            else if ((*p >= 'a' && *p <= 'z') || *p >= 0xC0)
                c->letters++;
            else if (*p >= '0' && *p <= '9')
                c->digits++;
            else if (*p == '/' || *p == '-' || *p == '.')
                c->seps++;
        }
}

static void etext_of(const struct tl_layout *L, const struct form_ent *e, struct etext *t)
{
    memset(t, 0, sizeof *t);
    struct form_chars c;
    form_ent_chars(L, e, &c);
    const char *first = e->nw ? L->words[L->ord[e->w0]].text : "";
    const char *last = e->nw ? L->words[L->ord[e->w0 + e->nw - 1]].text : "";
    size_t ll = strlen(last);
    t->colon = (unsigned char)e->colon;
    t->quest = ll && last[ll - 1] == '?';
    t->hash = (ll && last[ll - 1] == '#') || !strcmp(last, "No.") || !strcmp(last, "NO.");
    t->digits = c.digits > 0;
    t->upper = c.letters > 2 && c.upper == c.letters;
    t->cap = first[0] >= 'A' && first[0] <= 'Z';
    t->lower = first[0] >= 'a' && first[0] <= 'z';
    t->mixed = c.upper > 0 && c.upper < c.letters;
    t->date = c.digits >= 3 && c.seps >= 1 && c.letters <= 4;
    t->kh0 = form_word_hash(first);
    t->kh1 = form_word_hash(last);
}

/* Appends feature i = v to c (ignored past FORM_FEAT_NZ). */
static void put(struct form_fcand *c, int i, double v)
{
    if (c->nf < FORM_FEAT_NZ && v != 0.0) {
        c->idx[c->nf] = i;
        c->val[c->nf++] = (float)v;
    }
}

static void put_text(struct form_fcand *c, int base, const struct form_ent *e,
                     const struct etext *t)
{
    put(c, base + T_COLON, t->colon);
    put(c, base + T_QUEST, t->quest);
    put(c, base + T_HASH, t->hash);
    put(c, base + T_KEY, e->key < -3 ? -1.0 : e->key / 3.0);
    int nw = (int)e->nw;
    put(c,
        base + (nw <= 1   ? T_NW1
                : nw == 2 ? T_NW2
                : nw <= 4 ? T_NW34
                : nw <= 7 ? T_NW57
                          : T_NW8),
        1);
    put(c, base + T_DIGITS, t->digits);
    put(c, base + T_NUMERIC, e->numeric);
    put(c, base + T_UPPER, t->upper);
    put(c, base + T_CAP, t->cap);
    put(c, base + T_NOISE, e->noise);
    put(c, base + T_DATE, t->date);
    put(c, base + T_LOWER, t->lower);
}

/* ---- couples ---- */

/* Where v sits relative to k (and how far, in em), or FORM_REL_NONE. */
static enum form_rel place(const struct form_ent *k, const struct form_ent *v, double em,
                           double *dist)
{
    int ov = imin(k->y1, v->y1) - imax(k->y0, v->y0);
    int mh = imin(k->y1 - k->y0, v->y1 - v->y0);
    if (ov >= mh / 2 && v->x0 >= k->x1 - (int)(em / 2)) {
        double g = (v->x0 - k->x1) / em;
        *dist = g > 0 ? g : 0;
        return g <= FORM_FEAT_RIGHT_MAX ? FORM_REL_RIGHT : FORM_REL_NONE;
    }
    if (v->y0 >= k->y1 - (int)(0.3 * em)) {
        double dy = (v->y0 - k->y1) / em, side = abs(v->x0 - k->x0) / em;
        int xov = imin(k->x1, v->x1) - imax(k->x0, v->x0);
        if (dy > FORM_FEAT_COLUMN_MAX || (xov <= 0 && (side > 3.0 || dy > FORM_FEAT_BELOW_MAX)))
            return FORM_REL_NONE; /* far below only in the label's column (a table's cells) */
        *dist = (dy > 0 ? dy : 0) + 0.1 * side;
        return FORM_REL_BELOW;
    }
    return FORM_REL_NONE;
}

/* Entities other than k and v between them (right: on k's band; below: over v's columns),
 * counted up to 2; *numeric = 1 when there is one or more and all are numbers.  byy: entity
 * indices by top. */
static int between(const struct form_ent *e, const size_t *byy, size_t n, size_t k, size_t v,
                   enum form_rel rel, int maxh, int *numeric)
{
    int all_num = 1, any = 0;
    const struct form_ent *a = &e[k], *b = &e[v];
    int top = rel == FORM_REL_RIGHT ? a->y0 - maxh : a->y1 - maxh, cnt = 0;
    int bottom = rel == FORM_REL_RIGHT ? a->y1 : b->y0;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[byy[mid]].y0 < top)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t t = lo; t < n && e[byy[t]].y0 <= bottom && (cnt < 2 || all_num); t++) {
        size_t i = byy[t];
        const struct form_ent *x = &e[i];
        if (i == k || i == v)
            continue;
        int in;
        if (rel == FORM_REL_RIGHT) {
            int ov = imin(a->y1, x->y1) - imax(a->y0, x->y0);
            in = ov > 0 && x->x0 >= a->x1 - 1 && x->x1 <= b->x0 + 1;
        } else {
            int xov = imin(b->x1, x->x1) - imax(b->x0, x->x0);
            in = xov > 0 && x->y0 >= a->y1 - 1 && x->y1 <= b->y0 + 1;
        }
        if (in) {
            cnt += cnt < 2;
            any = 1;
            all_num &= x->numeric;
        }
    }
    *numeric = any && all_num;
    return cnt;
}

static int by_top(const void *pa, const void *pb, void *ctx)
{
    const struct form_ent *e = ctx;
    int a = e[*(const size_t *)pa].y0, b = e[*(const size_t *)pb].y0;
    return (a > b) - (a < b);
}

static int by_dist(const void *pa, const void *pb)
{
    const struct form_fcand *a = pa, *b = pb;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

static int by_kv(const void *pa, const void *pb)
{
    const struct form_fcand *a = pa, *b = pb;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return (a->v > b->v) - (a->v < b->v);
}

/* Appends couple (k, v, rel, dist) to *c (cnt used of cap, grown); DP_ENOMEM. */
static dp_err push(struct form_fcand **c, size_t *cnt, size_t *cap, size_t k, size_t v,
                   enum form_rel rel, double dist)
{
    if (*cnt == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        struct form_fcand *nv = realloc(*c, ncap * sizeof *nv);
        if (!nv)
            return DP_ENOMEM;
        *c = nv;
        *cap = ncap;
    }
    (*c)[(*cnt)++] = (struct form_fcand){.k = k, .v = v, .rel = rel, .dist = dist};
    return DP_OK;
}

/* Couples beside a label's band (FORM_FEAT_ASIDE_BAND): label k that has no couple to its right
 * (place()'s band: half the height overlapping) and an entity v right of it, within
 * FORM_FEAT_ASIDE_MAX em, that is no label's couple to the right either, their centres at most
 * FORM_FEAT_ASIDE_BAND em apart: an answer typed a little above or below the label's line
 * ("PROJECT LEADER:" and "E. P. Barbee" half a line up).  They join c[0..*cnt) as right
 * couples; the couples there are the band's.  byy: entity indices by top; maxh: the tallest.
 * DP_ENOMEM. */
static dp_err aside_couples(const struct form_ent *e, size_t n, const size_t *byy, int maxh,
                            double em, struct form_fcand **c, size_t *cnt, size_t *cap)
{
    char *keyed = calloc(n, 1), *answered = calloc(n, 1);
    dp_err rc = DP_ENOMEM;
    if (!keyed || !answered)
        goto out;
    for (size_t i = 0; i < *cnt; i++)
        if ((*c)[i].rel == FORM_REL_RIGHT)
            keyed[(*c)[i].k] = answered[(*c)[i].v] = 1;
    rc = DP_OK;
    int band = (int)(FORM_FEAT_ASIDE_BAND * em);
    for (size_t k = 0; k < n && !rc && *cnt < FORM_FEAT_MAX_CANDS; k++) {
        const struct form_ent *K = &e[k];
        if (keyed[k] || K->nw == 0 || K->numeric || K->noise)
            continue;
        int cy2 = K->y0 + K->y1; /* twice the centre */
        size_t lo = 0, hi = n;
        while (lo < hi) { /* the first entity that may reach the band from above */
            size_t mid = lo + (hi - lo) / 2;
            if (e[byy[mid]].y0 < K->y0 - band - maxh)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t t = lo;
             t < n && e[byy[t]].y0 <= K->y1 + band && !rc && *cnt < FORM_FEAT_MAX_CANDS; t++) {
            size_t v = byy[t];
            const struct form_ent *V = &e[v];
            double gap = (V->x0 - K->x1) / em;
            if (v == k || answered[v] || abs(V->y0 + V->y1 - cy2) > 2 * band || gap < -0.5 ||
                gap > FORM_FEAT_ASIDE_MAX)
                continue;
            rc = push(c, cnt, cap, k, v, FORM_REL_RIGHT, gap > 0 ? gap : 0);
        }
    }
out:
    free(keyed);
    free(answered);
    return rc;
}

/* The features of couple c (its k, v, rel, dist set); rk, rv: the ranks. */
static void features(const struct tl_layout *L, const struct form_ent *e, size_t n,
                     const struct etext *tx, struct form_fcand *c, int rk, int rv, int blocked,
                     int num_run)
{
    const struct form_ent *k = &e[c->k], *v = &e[c->v];
    double em = L->hmed > 0 ? L->hmed : 1;
    int o = c->rel == FORM_REL_RIGHT ? 0 : FORM_FEAT_REL;
    static const double right_b[5] = {0.5, 1.5, 3, 6, 12}, below_b[5] = {0.3, 0.8, 1.5, 3, 6};
    const double *bk = c->rel == FORM_REL_RIGHT ? right_b : below_b;
    int b = 0;
    while (b < 5 && c->dist >= bk[b])
        b++;
    c->nf = 0;
    put(c, o + F_BIAS, 1);
    put(c, o + F_DIST0 + b, 1);
    double d = c->dist / (c->rel == FORM_REL_RIGHT ? 10.0 : 4.0);
    put(c, o + F_DIST, d > 3 ? 3 : d);
    double edge = abs(v->x0 - k->x0) / em;
    put(c, o + F_EDGE0 + (edge < 0.5 ? 0 : edge < 2 ? 1 : edge < 6 ? 2 : 3), 1);
    int xov = imin(k->x1, v->x1) - imax(k->x0, v->x0), mw = imin(k->x1 - k->x0, v->x1 - v->x0);
    put(c, o + F_XOV, xov > 0 && mw > 0 ? (double)xov / mw : 0);
    put(c, o + F_VLEFT, v->x0 < k->x0 - em / 2);
    put(c, o + F_BLOCK0 + blocked, 1);
    put(c, o + F_RANKK0 + (rk < 2 ? rk : 2), 1);
    put(c, o + F_RANKV0 + (rv < 2 ? rv : 2), 1);
    size_t kn = c->k + 1;
    int kright = kn < n && e[kn].line == k->line;
    put(c, o + F_KRIGHT, kright);
    put(c, o + F_KRIGHT_NEAR, kright && e[kn].x0 - k->x1 < 3 * em);
    put(c, o + F_VLEFT_OTHER, c->v > 0 && e[c->v - 1].line == v->line && c->v - 1 != c->k);
    double dcy = fabs((k->y0 + k->y1) / 2.0 - (v->y0 + v->y1) / 2.0) / em;
    put(c, o + F_DCY, c->rel == FORM_REL_RIGHT ? (dcy > 2 ? 2 : dcy) : 0);
    double hr = log((double)(v->y1 - v->y0 + 1) / (double)(k->y1 - k->y0 + 1));
    put(c, o + F_HRATIO, hr > 1 ? 1 : hr < -1 ? -1 : hr);
    put_text(c, o + F_K, k, &tx[c->k]);
    put_text(c, o + F_V, v, &tx[c->v]);
    put(c, o + F_TIGHT, c->rel == FORM_REL_RIGHT && !blocked && c->dist < 1.5);
    put(c, o + F_NEXT, c->v == c->k + 1 && v->line == k->line);
    put(c, o + F_VRIGHT, c->v + 1 < n && e[c->v + 1].line == v->line);
    put(c, o + F_KBELOW_LABEL, v->head);
    put(c, o + F_KAFTER_LABEL, tx[c->k].after_label);
    put(c, o + F_VAFTER_LABEL, tx[c->v].after_label && c->v != c->k + 1);
    put(c, o + F_KLINE_N, tx[c->k].line_n > 8 ? 2.0 : tx[c->k].line_n / 4.0);
    put(c, o + F_KSTACK, tx[c->k].stack_label);
    put(c, o + F_VSTACK_NUM, tx[c->v].stack_num);
    put(c, o + F_KCOL_NUM, tx[c->k].col_num);
    put(c, o + F_NUM_RUN, num_run && v->numeric);
    put(c, o + F_KUP_VMIX, tx[c->k].upper && tx[c->v].mixed);
    put(c, o + F_KUP_VUP, tx[c->k].upper && tx[c->v].upper);
    put(c, o + F_KCOL, tx[c->k].col / (double)FEAT_COL_MAX);
    put(c, o + F_VCOL, tx[c->v].col / (double)FEAT_COL_MAX);
    put(c, o + F_PARALLEL, form_feat_parallel(e, n, c->k, c->v, c->rel, em));
    put(c, o + F_ALONE2,
        c->rel == FORM_REL_RIGHT && tx[c->k].line_n == 2 && c->v == c->k + 1 && v->line == k->line);
    put(c, o + F_KFIRST, c->k == 0 || e[c->k - 1].line != k->line);
    put(c, o + F_VALONE, tx[c->v].line_n == 1);
    enum form_rel rrel;
    double rs = form_pair_score(k, v, L->hmed, &rrel);
    if (rs < -100 || rrel != c->rel) {
        put(c, o + F_RULE_NO, 1);
    } else {
        put(c, o + F_RULE, rs / 4.0);
        put(c, o + F_RULE_OK, rs >= 2.0);
    }
    int vb = 2 * FORM_FEAT_REL;
    const int part = FORM_FEAT_VOCAB / 3;
    put(c, vb + (int)(tx[c->k].kh1 % part), 1);
    if (k->nw > 1)
        put(c, vb + part + (int)(tx[c->k].kh0 % part), 1);
    put(c, vb + 2 * part + (int)(tx[c->v].kh0 % part), 1);
}

/* Ranks of each couple among those of its label (by_k) or its answer, by distance, within its
 * relation: written to rk[] / rv[] indexed like c. */
static void ranks(const struct form_fcand *c, size_t nc, size_t ne, int *rk, int *rv)
{
    /* c is sorted by distance: count, per entity and relation, the couples seen so far */
    int *seen_k = calloc(2 * ne, sizeof *seen_k);
    int *seen_v = calloc(2 * ne, sizeof *seen_v);
    for (size_t i = 0; seen_k && seen_v && i < nc; i++) {
        size_t r = c[i].rel == FORM_REL_RIGHT ? 0 : 1;
        rk[i] = seen_k[2 * c[i].k + r]++;
        rv[i] = seen_v[2 * c[i].v + r]++;
    }
    free(seen_k);
    free(seen_v);
}

dp_err form_feat_cands(const struct tl_layout *L, const struct form_ent *e, size_t n,
                       struct form_fcand **out, size_t *nc)
{
    *out = NULL;
    *nc = 0;
    if (n < 2)
        return DP_OK;
    double em = L->hmed > 0 ? L->hmed : 1;
    size_t cap = 0, cnt = 0;
    struct form_fcand *c = NULL;
    int *rk = NULL, *rv = NULL, maxh = 0;
    size_t *byy = malloc(n * sizeof *byy);
    struct etext *tx = malloc(n * sizeof *tx);
    dp_err rc = DP_ENOMEM;
    if (!byy || !tx)
        goto out;
    for (size_t i = 0; i < n; i++) {
        byy[i] = i;
        maxh = imax(maxh, e[i].y1 - e[i].y0);
        etext_of(L, &e[i], &tx[i]);
        context_of(e, n, i, em, &tx[i]);
        tx[i].col = form_feat_aligned(e, n, i, em);
    }
    qsort_r(byy, n, sizeof *byy, by_top, (void *)e);
    for (size_t k = 0; k < n && cnt < FORM_FEAT_MAX_CANDS; k++) {
        if (e[k].nw == 0)
            continue;
        int top = e[k].y0 - maxh, bottom = e[k].y1 + (int)((FORM_FEAT_COLUMN_MAX + 1) * em);
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (e[byy[mid]].y0 < top)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t t = lo; t < n && e[byy[t]].y0 <= bottom && cnt < FORM_FEAT_MAX_CANDS; t++) {
            size_t v = byy[t];
            double dist = 0;
            enum form_rel rel;
            if (v == k || (rel = place(&e[k], &e[v], em, &dist)) == FORM_REL_NONE)
                continue;
            if (push(&c, &cnt, &cap, k, v, rel, dist))
                goto out;
        }
    }
    if (aside_couples(e, n, byy, maxh, em, &c, &cnt, &cap))
        goto out;
    if (cnt == 0) {
        rc = DP_OK;
        goto out;
    }
    qsort(c, cnt, sizeof *c, by_dist);
    rk = malloc(cnt * sizeof *rk);
    rv = malloc(cnt * sizeof *rv);
    if (!rk || !rv)
        goto out;
    memset(rk, 0, cnt * sizeof *rk);
    memset(rv, 0, cnt * sizeof *rv);
    ranks(c, cnt, n, rk, rv);
    for (size_t i = 0; i < cnt; i++) {
        int num_run = 0;
        c[i].between = between(e, byy, n, c[i].k, c[i].v, c[i].rel, maxh, &num_run);
        features(L, e, n, tx, &c[i], rk[i], rv[i], c[i].between, num_run);
    }
    qsort(c, cnt, sizeof *c, by_kv);
    *out = c;
    *nc = cnt;
    c = NULL;
    rc = DP_OK;
out:
    free(c);
    free(rk);
    free(rv);
    free(byy);
    free(tx);
    return rc;
}
