/* xreading.c -- which reading of a line a field trusts: twins, the training evidence, the
 * choice. */
#include "xreading.h"
#include <string.h>
#include "altread.h"

int xreading_slot(int alt)
{
    return alt == ALTREAD_SECOND ? 0 : alt == ALTREAD_LOOK ? 1 : -1;
}

/* The first reading's number of candidate c's first (last: its last) line; a line only
 * another reading has is negative. */
static int doc_line(const struct cand_set *cs, const struct cand *c, int last)
{
    const struct cand_page *cp = &cs->pages[c->cpage];
    const struct cand_line *l = &cp->lines[last ? c->line1 : c->line0];
    return cp->page->words[l->w0].line;
}

int xreading_twins(const struct cand_set *cs, size_t a, size_t b)
{
    const struct cand *x = &cs->c[a], *y = &cs->c[b];
    if (x->alt == y->alt || x->page != y->page || x->kind != y->kind)
        return 0;
    int x0 = doc_line(cs, x, 0), y0 = doc_line(cs, y, 0);
    return x0 >= 0 && x0 == y0 && doc_line(cs, x, 1) == doc_line(cs, y, 1);
}

/* Whether candidate i has twins of reading alt (*any), and whether one of them is exact. */
static int twin_exact(const struct cand_set *cs, size_t i, int alt, const unsigned char *exact,
                      int *any)
{
    *any = 0;
    for (size_t j = 0; j < cs->n; j++) {
        if (cs->c[j].alt != alt || !xreading_twins(cs, i, j))
            continue;
        *any = 1;
        if (exact[j])
            return 1;
    }
    return 0;
}

void xreading_count(const struct cand_set *cs, const unsigned char *exact, uint32_t *wins,
                    uint32_t *losses)
{
    static const int alts[XREADING_N] = {ALTREAD_SECOND, ALTREAD_LOOK};
    int won[XREADING_N] = {0}, lost[XREADING_N] = {0};
    for (size_t i = 0; i < cs->n; i++) {
        if (!exact[i])
            continue;
        int s = xreading_slot(cs->c[i].alt), any;
        if (s >= 0 && !won[s] && !twin_exact(cs, i, 0, exact, &any) && any)
            won[s] = 1;
        for (int k = 0; s < 0 && k < XREADING_N; k++)
            if (!lost[k] && !twin_exact(cs, i, alts[k], exact, &any) && any)
                lost[k] = 1;
    }
    for (int k = 0; k < XREADING_N; k++) {
        wins[k] += (uint32_t)won[k];
        losses[k] += (uint32_t)lost[k];
    }
}

int xreading_prefers(uint32_t wins, uint32_t losses)
{
    return wins > losses && wins >= XREADING_MIN_WINS;
}

/* The next character of s from *i on that is no letter nor space (0 at the end). */
static unsigned char next_mark(const char *s, size_t *i)
{
    for (; s[*i]; (*i)++) {
        unsigned char c = (unsigned char)s[*i];
        if (c != ' ' && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            (*i)++;
            return c;
        }
    }
    return 0;
}

int xreading_letters_only(const char *a, const char *b)
{
    size_t i = 0, j = 0;
    if (!a || !b)
        return 0;
    for (;;) {
        unsigned char x = next_mark(a, &i), y = next_mark(b, &j);
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

/* The number of words of s (runs of characters but spaces). */
static size_t nwords(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i++)
        n += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return n;
}

size_t xreading_twin(const struct cand_set *cs, size_t best, int r, const double *q)
{
    size_t t = best;
    for (size_t i = 0; best < cs->n && i < cs->n; i++)
        if (cs->c[i].alt == r && (!q || q[i] >= 0) && xreading_twins(cs, best, i) &&
            xreading_letters_only(cs->c[best].text, cs->c[i].text) &&
            nwords(cs->c[best].text) == nwords(cs->c[i].text) && (t == best || !q || q[i] > q[t]))
            t = i;
    return t;
}

int xreading_side(const struct cand_set *cs, size_t best, const uint32_t *wins,
                  const uint32_t *losses)
{
    if (best >= cs->n)
        return -1;
    int s = xreading_slot(cs->c[best].alt);
    static const int order[XREADING_N] = {ALTREAD_LOOK, ALTREAD_SECOND}; /* the look first */
    /* another reading the field prefers, unless it prefers best's own */
    for (int k = 0; k < XREADING_N && (s < 0 || !xreading_prefers(wins[s], losses[s])); k++) {
        int slot = xreading_slot(order[k]);
        if (order[k] != cs->c[best].alt && xreading_prefers(wins[slot], losses[slot]) &&
            xreading_twin(cs, best, order[k], NULL) != best)
            return order[k];
    }
    /* the first reading, preferred to best's */
    return s >= 0 && xreading_prefers(losses[s], wins[s]) &&
                   xreading_twin(cs, best, 0, NULL) != best
               ? 0
               : -1;
}

/* ---- the readings' vote on a line's digits ---- */

#define DIGITS_MAX 64 /* digits of a line compared (the rest ignored) */

/* The digits of words [w0, w1) of page p, in order, into out (DIGITS_MAX + 1 bytes). */
static void line_digits(const struct dp_page *p, size_t w0, size_t w1, char *out)
{
    size_t k = 0;
    for (size_t i = w0; i < w1; i++)
        for (const char *t = p->words[i].text; t && *t && k < DIGITS_MAX; t++)
            if (*t >= '0' && *t <= '9')
                out[k++] = *t;
    out[k] = '\0';
}

/* Whether reading page cp's version of line li (document line dl of doc page dp) is one of
 * dl's readings: the first reading's page's line, another reading's alternate line. */
static int reads_line(const struct cand_page *cp, size_t li, size_t dp, int dl)
{
    const struct cand_line *l = &cp->lines[li];
    return cp->doc_page == dp && l->w1 > l->w0 && cp->page->words[l->w0].line == dl &&
           (cp->reading == 0 || (cp->alt && cp->alt[li]));
}

int xreading_outvoted(const struct cand_set *cs, size_t i)
{
    if (i >= cs->n)
        return 0;
    const struct cand *c = &cs->c[i];
    const struct cand_page *own = &cs->pages[c->cpage];
    for (size_t li = c->line0; li <= c->line1 && li < own->nlines; li++) {
        const struct cand_line *l = &own->lines[li];
        int dl = l->w1 > l->w0 ? own->page->words[l->w0].line : -1;
        char mine[DIGITS_MAX + 1], other[DIGITS_MAX + 1];
        if (dl < 0)
            continue;
        line_digits(own->page, l->w0, l->w1, mine);
        size_t same = 0, versions = 0, best_other = 0;
        char others[XREADING_N + 1][DIGITS_MAX + 1];
        size_t nothers = 0, count[XREADING_N + 1] = {0};
        for (size_t pi = 0; pi < cs->npages; pi++) {
            const struct cand_page *cp = &cs->pages[pi];
            for (size_t lj = 0; lj < cp->nlines; lj++) {
                if (!reads_line(cp, lj, own->doc_page, dl))
                    continue;
                versions++;
                line_digits(cp->page, cp->lines[lj].w0, cp->lines[lj].w1, other);
                if (strlen(other) != strlen(mine)) {
                    versions--; /* a digit more or less: a letter read as one ("C0." for
                                   "CO."), no vote on the digits */
                    continue;
                }
                if (strcmp(other, mine) == 0) {
                    same++;
                    continue;
                }
                size_t k = 0;
                while (k < nothers && strcmp(others[k], other) != 0)
                    k++;
                if (k == nothers && nothers <= XREADING_N)
                    memcpy(others[nothers++], other, sizeof other);
                if (k < nothers && ++count[k] > best_other)
                    best_other = count[k];
            }
        }
        if (versions >= 3 && best_other > same)
            return 1;
    }
    return 0;
}
