/* lexfix.c -- OCR repairs from a lexicon of confirmed words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "lexfix.h"

void lexfix_core(const char *w, size_t n, size_t *a, size_t *b)
{
    static const char *const edge = ",.;:()[]{}'\"!?*|";
    *a = 0;
    *b = n;
    while (*a < *b && strchr(edge, w[*a]))
        (*a)++;
    while (*b > *a && strchr(edge, w[*b - 1]))
        (*b)--;
}

/* Upper-cases w[0..n) into out; returns the count of letters, -1 when it does not fit. */
static int upper(const char *w, size_t n, char *out)
{
    int letters = 0;
    if (n >= LEXFIX_WORD_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        c = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
        letters += c >= 'A' && c <= 'Z';
        out[i] = c;
    }
    out[n] = '\0';
    return letters;
}

static long find(const struct lexfix *lx, const char *w)
{
    for (size_t i = 0; i < lx->n; i++)
        if (strcmp(lx->v[i].w, w) == 0)
            return (long)i;
    return -1;
}

/* Counts u once for this text (seen[0..*nseen) the entries counted already). */
static dp_err count(struct lexfix *lx, const char *u, long **seen, size_t *nseen, size_t *cap)
{
    long k = find(lx, u);
    for (size_t i = 0; i < *nseen && k >= 0; i++)
        if ((*seen)[i] == k)
            return DP_OK;
    if (k < 0) {
        if (lx->n >= LEXFIX_MAX_WORDS)
            return DP_OK;
        if (lx->n == lx->cap) {
            size_t nc = lx->cap ? lx->cap * 2 : 256;
            struct lexfix_word *nv = realloc(lx->v, nc * sizeof *nv);
            if (!nv)
                return DP_ENOMEM;
            lx->v = nv;
            lx->cap = nc;
        }
        k = (long)lx->n++;
        snprintf(lx->v[k].w, sizeof lx->v[k].w, "%s", u);
        lx->v[k].count = 0;
    }
    lx->v[k].count++;
    if (*nseen == *cap) {
        long *ns = realloc(*seen, 2 * *cap * sizeof *ns);
        if (!ns)
            return DP_ENOMEM;
        *seen = ns;
        *cap *= 2;
    }
    (*seen)[(*nseen)++] = k;
    return DP_OK;
}

dp_err lexfix_add_text(struct lexfix *lx, const char *text)
{
    size_t cap = 64, nseen = 0;
    long *seen = malloc(cap * sizeof *seen);
    char prev[LEXFIX_WORD_MAX] = "", pair[2 * LEXFIX_WORD_MAX];
    if (!seen)
        return DP_ENOMEM;
    dp_err rc = DP_OK;
    const char *p = text ? text : "";
    while (*p && !rc) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t a, b;
        char u[LEXFIX_WORD_MAX];
        lexfix_core(w, (size_t)(p - w), &a, &b);
        int letters = b > a ? upper(w + a, b - a, u) : -1;
        if (letters < 0 || (size_t)letters != b - a || b - a == 0) {
            prev[0] = '\0'; /* only words of letters, and pairs of them side by side */
            continue;
        }
        if (b - a >= LEXFIX_MIN_LEN)
            rc = count(lx, u, &seen, &nseen, &cap);
        if (!rc && prev[0] && strlen(prev) + 1 + (b - a) < LEXFIX_WORD_MAX) {
            snprintf(pair, sizeof pair, "%s %s", prev, u);
            rc = count(lx, pair, &seen, &nseen, &cap);
        }
        memcpy(prev, u, sizeof u);
    }
    free(seen);
    return rc;
}

void lexfix_cleanup(struct lexfix *lx)
{
    if (!lx)
        return;
    free(lx->v);
    memset(lx, 0, sizeof *lx);
}

/* The one lexicon word at least LEXFIX_MIN_COUNT strong that is one edit from u (n bytes, not
 * itself in the lexicon), or NULL when there is none or more than one. */
static const char *repair(const struct lexfix *lx, const char *u, size_t n)
{
    const char *hit = NULL;
    for (size_t i = 0; i < lx->n; i++) {
        const struct lexfix_word *x = &lx->v[i];
        size_t xl = strlen(x->w);
        if (x->count < LEXFIX_MIN_COUNT || xl + 1 < n || xl > n + 1)
            continue;
        /* a short word only by a changed letter (SON -> SDN), never by one more or less */
        if ((n <= 3 || xl <= 3) && xl != n)
            continue;
        if (align_distance(u, n, x->w, xl, 1) <= 1) {
            if (hit && strcmp(hit, x->w) != 0)
                return NULL;
            hit = x->w;
        }
    }
    return hit;
}

/* The upper-case core of the next word of letters after p ("" when the next word is not
 * one). */
static void next_word(const char *p, char *u)
{
    u[0] = '\0';
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n')
        p++;
    size_t a, b;
    lexfix_core(w, (size_t)(p - w), &a, &b);
    if (b > a && upper(w + a, b - a, u) != (int)(b - a))
        u[0] = '\0';
}

/* Whether "a b" is a pair the lexicon holds. */
static int has_pair(const struct lexfix *lx, const char *a, const char *b)
{
    char pair[2 * LEXFIX_WORD_MAX];
    if (!a[0] || !b[0])
        return 0;
    snprintf(pair, sizeof pair, "%s %s", a, b);
    return find(lx, pair) >= 0;
}

size_t lexfix_correct(const struct lexfix *lx, const char *in, char *out, size_t outsz)
{
    size_t k = 0, fixed = 0;
    const char *p = in;
    char prev[LEXFIX_WORD_MAX] = "", next[LEXFIX_WORD_MAX];
    while (*p && k + 1 < outsz) {
        if (*p == ' ' || *p == '\t' || *p == '\n') {
            out[k++] = *p++;
            continue;
        }
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t n = (size_t)(p - w), a, b;
        char u[LEXFIX_WORD_MAX];
        const char *rep = NULL;
        lexfix_core(w, n, &a, &b);
        int letters = b > a ? upper(w + a, b - a, u) : -1;
        /* letters, perhaps one misread as another character ("1ALAN", "SELANG0R") */
        if (letters >= 0 && b - a >= LEXFIX_MIN_LEN && (size_t)letters + 1 >= b - a &&
            letters >= 2 && find(lx, u) < 0)
            rep = repair(lx, u, b - a);
        /* a short word only where the lexicon has it next to its neighbour ("SDN BHD") */
        if (rep && b - a <= 3) {
            next_word(p, next);
            if (!has_pair(lx, prev, rep) && !has_pair(lx, rep, next))
                rep = NULL;
        }
        if (letters >= 0 && (size_t)letters == b - a)
            memcpy(prev, rep ? rep : u, LEXFIX_WORD_MAX);
        else
            prev[0] = '\0';
        const char *src = rep ? rep : w + a;
        size_t sl = rep ? strlen(rep) : b - a;
        size_t parts[3][2] = {{0, a}, {0, 0}, {b, n}};
        for (int part = 0; part < 3; part++) {
            const char *s = part == 1 ? src : w + parts[part][0];
            size_t len = part == 1 ? sl : parts[part][1] - parts[part][0];
            for (size_t i = 0; i < len && k + 1 < outsz; i++)
                out[k++] = s[i];
        }
        fixed += rep != NULL;
    }
    out[k] = '\0';
    return fixed;
}
