/* xreading.c -- which reading of a line a field trusts: twins, the training evidence, the
 * choice. */
#include "xreading.h"
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
