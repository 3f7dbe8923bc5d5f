/* form_quest.c -- whether an entity is a question at all: most wrong pairs of the learned
 * pairing have a key that the form links to nothing (an answer, a header, a question left
 * blank), which the couple's own features see only in part.  A logistic model (the quest
 * block of the pairing model file, form_model.c) scores each entity alone from its text shape,
 * size and place on the page, and what lies right of it, under it, left of it and over it
 * (a written label left of it or over it makes it an answer; a value right of it or under
 * it, a label), with its first and last words hashed.  The couples' scores are multiplied by
 * the key's probability to the power alpha (form_learn_candidates): alpha 0 is no block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "form_int.h"

#define QUEST_RIGHT_EM 30.0 /* an entity this close right on the line is its right neighbour */
#define QUEST_BELOW_EM 3.0  /* ... this close under it, overlapping, its neighbour below */

/* Dense features; the hashed words follow from FORM_AUX_DENSE. */
enum {
    Q_SHAPE = 0, /* 8 text shapes (S_*) */
    Q_QUEST = 8,
    Q_HASH = 9,
    Q_KEY = 10,
    Q_NW = 11,     /* 5 buckets of the word count: 1, 2, 3-4, 5-7, 8+ */
    Q_HEIGHT = 16, /* 4 buckets of the height in ems */
    Q_X = 20,      /* 4 buckets of the left edge across the page */
    Q_Y = 24,      /* 4 buckets of the top down the page */
    Q_FIRST = 28,  /* first on its line */
    Q_LAST = 29,   /* last on its line */
    Q_RIGHT = 30,  /* a right neighbour: 4 gap buckets */
    Q_RNUM = 34,   /* ... it is a number, a written label, capitals, has digits, label-like */
    Q_RCOLON = 35,
    Q_RUPPER = 36,
    Q_RDIGITS = 37,
    Q_RKEY = 38,
    Q_BELOW = 39, /* a neighbour below: exists, a number, a written label, close */
    Q_BNUM = 40,
    Q_BCOLON = 41,
    Q_BCLOSE = 42,
    Q_LEFT = 43, /* a left neighbour, and a written label */
    Q_LCOLON = 44,
    Q_ACOLON = 45, /* a written label right over it */
    Q_HEAD = 46,   /* a row label (form_ent.head) */
    Q_UNIT = 47,
};
enum { S_COLON, S_NUMERIC, S_UPPER, S_CAP, S_LOWER, S_PAREN, S_DIGITS, S_NOISE };

static void put(struct form_auxx *x, int i, double v)
{
    if (v != 0.0 && x->nf < FORM_AUX_NZ) {
        x->idx[x->nf] = i;
        x->val[x->nf++] = (float)v;
    }
}

static int bucket4(double v, double a, double b, double c)
{
    return v < a ? 0 : v < b ? 1 : v < c ? 2 : 3;
}

static int overlap(const struct form_ent *a, const struct form_ent *b)
{
    int lo = a->x0 > b->x0 ? a->x0 : b->x0, hi = a->x1 < b->x1 ? a->x1 : b->x1;
    return hi > lo;
}

void form_quest_features(const struct tl_layout *L, const struct form_ent *e, size_t n, size_t i,
                         struct form_auxx *x)
{
    const struct form_ent *a = &e[i];
    int em = L->hmed > 0 ? L->hmed : 1, pw = 1, ph = 1;
    struct form_chars c;
    form_ent_chars(L, a, &c);
    const char *first = L->words[L->ord[a->w0]].text;
    const char *last = L->words[L->ord[a->w0 + a->nw - 1]].text;
    size_t ll = strlen(last);
    for (size_t j = 0; j < n; j++) {
        pw = e[j].x1 > pw ? e[j].x1 : pw;
        ph = e[j].y1 > ph ? e[j].y1 : ph;
    }
    x->nf = 0;
    put(x, Q_SHAPE + S_COLON, a->colon);
    put(x, Q_SHAPE + S_NUMERIC, a->numeric);
    put(x, Q_SHAPE + S_UPPER, c.letters > 1 && c.upper == c.letters);
    put(x, Q_SHAPE + S_CAP, first[0] >= 'A' && first[0] <= 'Z');
    put(x, Q_SHAPE + S_LOWER, first[0] >= 'a' && first[0] <= 'z');
    put(x, Q_SHAPE + S_PAREN, first[0] == '(');
    put(x, Q_SHAPE + S_DIGITS, c.digits > 0);
    put(x, Q_SHAPE + S_NOISE, a->noise);
    put(x, Q_QUEST, ll && last[ll - 1] == '?');
    put(x, Q_HASH, (ll && last[ll - 1] == '#') || !strcmp(last, "No.") || !strcmp(last, "NO."));
    put(x, Q_KEY, (a->key < -2 ? -2 : a->key > 3 ? 3 : a->key) / 3.0);
    put(x, Q_NW + (a->nw == 1 ? 0 : a->nw == 2 ? 1 : a->nw <= 4 ? 2 : a->nw <= 7 ? 3 : 4), 1);
    put(x, Q_HEIGHT + bucket4((double)(a->y1 - a->y0) / em, 0.8, 1.2, 1.6), 1);
    put(x, Q_X + bucket4((double)a->x0 / pw, 0.15, 0.4, 0.65), 1);
    put(x, Q_Y + bucket4((double)a->y0 / ph, 0.1, 0.3, 0.8), 1);
    put(x, Q_FIRST, i == 0 || e[i - 1].line != a->line);
    put(x, Q_LAST, i + 1 == n || e[i + 1].line != a->line);
    if (i + 1 < n && e[i + 1].line == a->line && e[i + 1].x0 - a->x1 <= QUEST_RIGHT_EM * em) {
        const struct form_ent *r = &e[i + 1];
        struct form_chars rc;
        form_ent_chars(L, r, &rc);
        put(x, Q_RIGHT + bucket4((double)(r->x0 - a->x1) / em, 2, 6, 15), 1);
        put(x, Q_RNUM, r->numeric);
        put(x, Q_RCOLON, r->colon);
        put(x, Q_RUPPER, rc.letters > 1 && rc.upper == rc.letters);
        put(x, Q_RDIGITS, rc.digits > 0);
        put(x, Q_RKEY, (r->key < -2 ? -2 : r->key > 3 ? 3 : r->key) / 3.0);
    }
    if (i > 0 && e[i - 1].line == a->line) {
        put(x, Q_LEFT, 1);
        put(x, Q_LCOLON, e[i - 1].colon);
    }
    /* the nearest entity under it that overlaps it, within QUEST_BELOW_EM */
    for (size_t j = i + 1; j < n; j++) {
        if (e[j].line == a->line || !overlap(a, &e[j]))
            continue;
        double gap = (double)(e[j].y0 - a->y1) / em;
        if (gap > QUEST_BELOW_EM)
            break;
        put(x, Q_BELOW, 1);
        put(x, Q_BNUM, e[j].numeric);
        put(x, Q_BCOLON, e[j].colon);
        put(x, Q_BCLOSE, gap < 1.5);
        break;
    }
    for (size_t j = i; j-- > 0;) { /* the nearest entity over it that overlaps it */
        if (e[j].line == a->line || !overlap(a, &e[j]))
            continue;
        if ((double)(a->y0 - e[j].y1) / em <= QUEST_BELOW_EM)
            put(x, Q_ACOLON, e[j].colon);
        break;
    }
    put(x, Q_HEAD, a->head);
    put(x, Q_UNIT, a->unit);
    put(x, FORM_AUX_DENSE + (int)(form_word_hash(first) % FORM_AUX_VOCAB), 1);
    put(x, FORM_AUX_DENSE + FORM_AUX_VOCAB + (int)(form_word_hash(last) % FORM_AUX_VOCAB), 1);
}

void form_quest_probs(const struct form_model *m, const struct tl_layout *L,
                      const struct form_ent *e, size_t n, double *q)
{
    for (size_t i = 0; i < n; i++) {
        struct form_auxx x;
        if (!m || !m->quest.on) {
            q[i] = 1.0;
            continue;
        }
        form_quest_features(L, e, n, i, &x);
        q[i] = form_aux_prob(&m->quest, &x);
    }
}

double form_quest_weigh(const struct form_model *m, double p, double qk)
{
    if (!m->quest.on || m->quest_alpha <= 0)
        return p;
    return p * pow(qk, m->quest_alpha);
}
