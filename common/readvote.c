/* readvote.c -- a company name or address read twice, voted word by word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "lexfix.h"
#include "readvote.h"

/* A word of a text: [s, s + n). */
struct tok {
    const char *s;
    size_t n;
};

/* Splits s at spaces into t (at most READVOTE_MAX_TOKENS); returns the count. */
static size_t split(const char *s, struct tok *t)
{
    size_t n = 0;
    while (s && *s && n < READVOTE_MAX_TOKENS) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n')
            e++;
        t[n++] = (struct tok){s, (size_t)(e - s)};
        s = e;
    }
    return n;
}

static int tok_eq(struct tok a, struct tok b)
{
    return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

static char up(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

/* Whether the n bytes of a and b are the same, letters compared without case. */
static int same_nocase(const char *a, const char *b, size_t n)
{
    size_t j = 0;
    while (j < n && up(a[j]) == up(b[j]))
        j++;
    return j == n;
}

/* 1 - edit distance / longer length of a and b, letters compared without case. */
static double sim(const char *a, size_t na, const char *b, size_t nb)
{
    char ua[READVOTE_TOKEN_MAX], ub[READVOTE_TOKEN_MAX];
    if (na >= sizeof ua || nb >= sizeof ub)
        return 0;
    for (size_t i = 0; i < na; i++)
        ua[i] = up(a[i]);
    for (size_t i = 0; i < nb; i++)
        ub[i] = up(b[i]);
    size_t m = na > nb ? na : nb;
    if (m == 0)
        return 1;
    size_t d = align_distance(ua, na, ub, nb, m);
    return 1.0 - (double)d / (double)m;
}

/* Whether the core of w[0..n) is a whole word of one of lex (cores compared without case). */
static int known(const char *w, size_t n, const char *const *lex, size_t nlex)
{
    size_t a, b;
    lexfix_core(w, n, &a, &b);
    if (a == b)
        return 0;
    for (size_t k = 0; k < nlex; k++) {
        struct tok t[READVOTE_MAX_TOKENS];
        size_t nt = split(lex[k], t);
        for (size_t i = 0; i < nt; i++) {
            size_t c, d;
            lexfix_core(t[i].s, t[i].n, &c, &d);
            if (d - c == b - a && same_nocase(t[i].s + c, w + a, b - a))
                return 1;
        }
    }
    return 0;
}

/* The digit a letter is misread for ('S' for '5'), or 0. */
static char digit_like(char c)
{
    static const char *const from = "SsOoDQIilBZzGbTgqA", *const to = "550000111822667994";
    const char *p = c ? strchr(from, c) : NULL;
    return p ? to[p - from] : 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Whether y is x with letters misread for digits put right (dig = 1: y has no letter, its
 * digits stand where x has digit-like letters) or digits misread for letters put right (dig =
 * 0: y has no digit, its letters stand where x has letter-like digits). Same length. */
static int lookalike(const char *x, size_t nx, const char *y, size_t ny, int dig)
{
    size_t fixed = 0;
    if (nx != ny)
        return 0;
    for (size_t i = 0; i < ny; i++)
        if (dig ? is_letter(y[i]) : is_digit(y[i]))
            return 0;
    for (size_t i = 0; i < nx; i++) {
        if (x[i] == y[i])
            continue;
        int ok = dig ? is_digit(y[i]) && digit_like(x[i]) == y[i]
                     : is_letter(y[i]) && is_digit(x[i]) && digit_like(y[i]) == x[i];
        if (!ok)
            return 0;
        fixed++;
    }
    return fixed > 0;
}

/* Whether y is x without its non-ASCII marks ("D.I.Y¥." / "D.I.Y.", "D.I.¥." / "D.I.Y."): y
 * all ASCII, x with some non-ASCII byte, and one edit at most between x without them and y. */
static int unmarked(const char *x, size_t nx, const char *y, size_t ny)
{
    char s[READVOTE_TOKEN_MAX];
    size_t n = 0, marks = 0;
    for (size_t i = 0; i < ny; i++)
        if ((unsigned char)y[i] >= 0x80)
            return 0;
    for (size_t i = 0; i < nx && n < sizeof s; i++) {
        if ((unsigned char)x[i] >= 0x80)
            marks++;
        else
            s[n++] = x[i];
    }
    return marks > 0 && ny > 0 && align_distance(s, n, y, ny, 1) <= 1;
}

int readvote_word(const char *x, const char *y, const char *const *lex, size_t nlex)
{
    size_t nx = x ? strlen(x) : 0, ny = y ? strlen(y) : 0;
    if (!nx || !ny || nx >= READVOTE_TOKEN_MAX || ny >= READVOTE_TOKEN_MAX ||
        (nx == ny && memcmp(x, y, nx) == 0) || sim(x, nx, y, ny) < READVOTE_MIN_SIM)
        return 0;
    if (known(x, nx, lex, nlex))
        return 0;
    if (known(y, ny, lex, nlex))
        return 1;
    return unmarked(x, nx, y, ny) || lookalike(x, nx, y, ny, 1) || lookalike(x, nx, y, ny, 0);
}

/* ---- aligning the two readings of a line ---- */

/* Aligns the words a[0..na) and b[0..nb) (edit alignment: a substitution of two words
 * READVOTE_MIN_SIM alike costs their unlikeness, other words are left or inserted at 1):
 * ab[i] = the word of b aligned to a[i] (-1: none). */
static void align_words(const struct tok *a, size_t na, const struct tok *b, size_t nb, int *ab)
{
    double(*d)[READVOTE_MAX_TOKENS + 1] = malloc((na + 1) * sizeof *d);
    for (size_t i = 0; i < na; i++)
        ab[i] = -1;
    if (!d)
        return; /* best effort: no words aligned, nothing voted */
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (double)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (double)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            double s = sim(a[i - 1].s, a[i - 1].n, b[j - 1].s, b[j - 1].n);
            double sub = s >= READVOTE_MIN_SIM ? 1.0 - s : 2.0;
            double best = d[i - 1][j - 1] + sub;
            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            d[i][j] = best;
        }
    size_t i = na, j = nb;
    while (i > 0 && j > 0) {
        double s = sim(a[i - 1].s, a[i - 1].n, b[j - 1].s, b[j - 1].n);
        double sub = s >= READVOTE_MIN_SIM ? 1.0 - s : 2.0;
        if (sub < 2.0 && d[i][j] == d[i - 1][j - 1] + sub) {
            ab[i - 1] = (int)(j - 1);
            i--;
            j--;
        } else if (d[i][j] == d[i - 1][j] + 1) {
            i--;
        } else {
            j--;
        }
    }
    free(d);
}

#define DROP (-2) /* repl[i]: the word is left out */

/* Whether x, a word of one reading only at the start or end of its line, is a stray mark:
 * one character, no digit ("J", "!", "_"), or no letter or digit at all ("--"), and not a word
 * of lex. */
static int stray(struct tok x, const char *const *lex, size_t nlex)
{
    int alnum = 0;
    for (size_t i = 0; i < x.n; i++)
        alnum |= is_letter(x.s[i]) || is_digit(x.s[i]) || (unsigned char)x.s[i] >= 0x80;
    if (x.n == 1 && is_digit(x.s[0]))
        return 0;
    return (x.n == 1 || !alnum) && x.s[0] != '&' && !known(x.s, x.n, lex, nlex);
}

/* Votes the words of v (nv) held in a run by x (nx), whose words align to y's (ny) by xy:
 * repl[i] (when still -1) becomes the index of y's word taken for v[i], or DROP for a stray
 * mark at an end of x that y does not read. */
static void vote_line(const struct tok *v, size_t nv, const struct tok *x, size_t nx,
                      const struct tok *y, size_t ny, const int *xy, const char *const *lex,
                      size_t nlex, int *repl)
{
    size_t need = nx < READVOTE_MIN_RUN ? nx : READVOTE_MIN_RUN;
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < nx; j++) {
            if (!tok_eq(v[i], x[j]) || (i > 0 && j > 0 && tok_eq(v[i - 1], x[j - 1])))
                continue; /* not the start of a run */
            size_t run = 0;
            while (i + run < nv && j + run < nx && tok_eq(v[i + run], x[j + run]))
                run++;
            if (run < need || (nx == 1 && x[0].n < 3))
                continue;
            for (size_t t = 0; t < run; t++) {
                int k = xy[j + t];
                char a[READVOTE_TOKEN_MAX], b[READVOTE_TOKEN_MAX];
                size_t xj = j + t;
                if (repl[i + t] != -1)
                    continue;
                /* a mark at an end of the line the other reading, which has words, lacks */
                if (k < 0 && ny > 0 && run >= 2 && (xj == 0 || xj == nx - 1) &&
                    stray(x[xj], lex, nlex)) {
                    repl[i + t] = DROP;
                    continue;
                }
                if (k < 0 || x[xj].n >= sizeof a || y[k].n >= sizeof b)
                    continue;
                memcpy(a, x[xj].s, x[xj].n);
                a[x[xj].n] = '\0';
                memcpy(b, y[k].s, y[k].n);
                b[y[k].n] = '\0';
                if (readvote_word(a, b, lex, nlex))
                    repl[i + t] = k;
            }
        }
}

/* A word of one reading with a non-ASCII mark ("D.I.\u00a5."): the one word of lex that it
 * reads as with each mark left out or read as one letter, into fix (the word's punctuation
 * around it kept); 0 when none or more than one does. */
static int unmark(struct tok w, const char *const *lex, size_t nlex, char *fix, size_t fixsz)
{
    size_t pos[4], len[4], nm = 0;
    for (size_t i = 0; i < w.n && nm < 4;) {
        unsigned char c = (unsigned char)w.s[i];
        size_t l = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (c >= 0x80) {
            pos[nm] = i;
            len[nm++] = l;
        }
        i += l;
    }
    if (nm != 1 || w.n >= fixsz || w.n >= READVOTE_TOKEN_MAX)
        return 0;
    int found = 0;
    char t[READVOTE_TOKEN_MAX];
    for (int r = 0; r <= 26; r++) { /* 0: left out, else the letter 'A' + r - 1 */
        size_t n = 0;
        memcpy(t, w.s, pos[0]);
        n = pos[0];
        if (r > 0)
            t[n++] = (char)('A' + r - 1);
        memcpy(t + n, w.s + pos[0] + len[0], w.n - pos[0] - len[0]);
        n += w.n - pos[0] - len[0];
        t[n] = '\0';
        if (n && known(t, n, lex, nlex)) {
            if (found++)
                return 0;
            memcpy(fix, t, n + 1);
        }
    }
    return found == 1;
}

size_t readvote_value(const char *value, const struct readvote_pair *pairs, size_t npairs,
                      const char *const *lex, size_t nlex, char *out, size_t outsz)
{
    struct tok v[READVOTE_MAX_TOKENS], f[READVOTE_MAX_TOKENS], s[READVOTE_MAX_TOKENS];
    int repl[READVOTE_MAX_TOKENS], fs[READVOTE_MAX_TOKENS], sf[READVOTE_MAX_TOKENS];
    struct tok from[READVOTE_MAX_TOKENS]; /* the word taken for v[i] (into pairs' texts) */
    char fixes[READVOTE_MAX_TOKENS][READVOTE_TOKEN_MAX];
    size_t nv = split(value, v), fixed = 0;
    if (outsz == 0)
        return 0;
    for (size_t i = 0; i < nv; i++)
        repl[i] = -1;
    for (size_t k = 0; k < npairs; k++) {
        size_t nf = split(pairs[k].first, f), ns = split(pairs[k].second, s);
        if (!nf || !ns)
            continue;
        align_words(f, nf, s, ns, fs);
        align_words(s, ns, f, nf, sf);
        int r[READVOTE_MAX_TOKENS];
        for (int dir = 0; dir < 2; dir++) {
            for (size_t i = 0; i < nv; i++)
                r[i] = -1;
            if (dir == 0)
                vote_line(v, nv, f, nf, s, ns, fs, lex, nlex, r);
            else
                vote_line(v, nv, s, ns, f, nf, sf, lex, nlex, r);
            for (size_t i = 0; i < nv; i++)
                if (r[i] != -1 && repl[i] == -1) {
                    repl[i] = r[i];
                    if (r[i] >= 0)
                        from[i] = dir == 0 ? s[r[i]] : f[r[i]];
                }
        }
    }
    /* a mark the vote left: the confirmed word it stands for */
    for (size_t i = 0; i < nv; i++)
        if (repl[i] == -1 && unmark(v[i], lex, nlex, fixes[i], sizeof fixes[i])) {
            repl[i] = 0;
            from[i] = (struct tok){fixes[i], strlen(fixes[i])};
        }
    /* the value with the voted words in place, its own spacing kept */
    size_t n = 0, ti = 0;
    const char *p = value ? value : "";
    while (*p && n + 1 < outsz) {
        if (ti < nv && p == v[ti].s) {
            fixed += repl[ti] != -1;
            if (repl[ti] == DROP) { /* the word and the space after it (before it at the end) */
                p += v[ti].n;
                ti++;
                if (*p == ' ')
                    p++;
                else if (!*p && n > 0 && out[n - 1] == ' ')
                    n--;
                continue;
            }
            const char *w = repl[ti] >= 0 ? from[ti].s : v[ti].s;
            size_t wn = repl[ti] >= 0 ? from[ti].n : v[ti].n;
            if (n + wn >= outsz)
                wn = outsz - 1 - n;
            memcpy(out + n, w, wn);
            n += wn;
            p += v[ti].n;
            ti++;
            continue;
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    return fixed;
}

/* ---- amounts ---- */

/* Whether word w is a word of text t (letters compared without case). */
static int has_word(const char *t, struct tok w)
{
    struct tok tt[READVOTE_MAX_TOKENS];
    size_t n = split(t, tt);
    for (size_t i = 0; i < n; i++)
        if (tt[i].n == w.n && same_nocase(tt[i].s, w.s, w.n))
            return 1;
    return 0;
}

size_t readvote_keep_agreed(const char *value, const char *fixed, const struct readvote_pair *pairs,
                            size_t npairs, char *out, size_t outsz)
{
    struct tok v[READVOTE_MAX_TOKENS], f[READVOTE_MAX_TOKENS];
    size_t nv = split(value, v), nf = split(fixed, f), kept = 0, o = 0;
    if (!outsz)
        return 0;
    if (nv != nf || nv == READVOTE_MAX_TOKENS) {
        snprintf(out, outsz, "%s", fixed ? fixed : "");
        return 0;
    }
    out[0] = 0;
    for (size_t i = 0; i < nf; i++) {
        struct tok w = f[i];
        for (size_t j = 0; !tok_eq(v[i], f[i]) && j < npairs; j++)
            if (has_word(pairs[j].first, v[i]) && has_word(pairs[j].second, v[i])) {
                w = v[i];
                kept++;
                break;
            }
        int m = snprintf(out + o, outsz - o, "%s%.*s", i ? " " : "", (int)w.n, w.s);
        if (m < 0 || (size_t)m >= outsz - o) {
            out[o] = 0; /* whole words only */
            break;
        }
        o += (size_t)m;
    }
    return kept;
}

long readvote_cents(const char *w, size_t n)
{
    size_t a = 0, b = n;
    while (b > 0 && !is_digit(w[b - 1])) /* a quote or mark after it */
        b--;
    while (a < b && !is_digit(w[a])) /* a currency before it */
        a++;
    if (b - a < 4 || b - a > 15 || (w[b - 3] != '.' && w[b - 3] != ',') || !is_digit(w[b - 2]))
        return -1;
    long v = 0;
    for (size_t i = a; i < b; i++) {
        if (is_digit(w[i]))
            v = v * 10 + (w[i] - '0');
        else if (w[i] != '.' && w[i] != ',')
            return -1;
    }
    return v;
}

/* Whether v fits amounts: there at least `repeat` times, or the sum or difference of two of
 * them other than v. */
static int fits(long v, const long *am, size_t n, size_t repeat)
{
    size_t same = 0;
    for (size_t i = 0; i < n; i++)
        same += am[i] == v;
    if (same >= repeat)
        return 1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (am[i] <= 0 || am[j] <= 0 || am[i] == v || am[j] == v || am[i] == am[j])
                continue;
            if (am[i] + am[j] == v || am[i] - am[j] == v || am[j] - am[i] == v)
                return 1;
        }
    return 0;
}

long readvote_amount(long cents, const struct readvote_pair *pairs, size_t npairs,
                     const long *amounts, size_t n)
{
    struct tok f[READVOTE_MAX_TOKENS], s[READVOTE_MAX_TOKENS];
    int fs[READVOTE_MAX_TOKENS], sf[READVOTE_MAX_TOKENS];
    long found = -1;
    if (cents <= 0)
        return -1;
    for (size_t k = 0; k < npairs; k++) {
        size_t nf = split(pairs[k].first, f), ns = split(pairs[k].second, s);
        if (!nf || !ns)
            continue;
        align_words(f, nf, s, ns, fs);
        align_words(s, ns, f, nf, sf);
        for (int dir = 0; dir < 2; dir++) {
            const struct tok *x = dir ? s : f, *y = dir ? f : s;
            const int *xy = dir ? sf : fs;
            for (size_t i = 0; i < (dir ? ns : nf); i++) {
                if (readvote_cents(x[i].s, x[i].n) != cents || xy[i] < 0)
                    continue;
                long other = readvote_cents(y[xy[i]].s, y[xy[i]].n);
                if (other <= 0 || other == cents)
                    continue;
                if (found >= 0 && found != other)
                    return -1; /* the lines disagree */
                found = other;
            }
        }
    }
    if (found < 0 || fits(cents, amounts, n, 2) || !fits(found, amounts, n, 1))
        return -1;
    return found;
}

/* ---- a document's lines read twice ---- */

/* The texts of the words of ws[0..n) on line `line` (block < 0) or in block `block`, joined
 * by spaces; owned, NULL when out of memory. */
static char *join(const struct dp_word *ws, size_t n, int line, int block)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        if (block >= 0 ? ws[i].block == block : ws[i].line == line)
            len += strlen(ws[i].text ? ws[i].text : "") + 1;
    char *s = malloc(len + 1), *q = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(block >= 0 ? ws[i].block == block : ws[i].line == line) || !ws[i].text)
            continue;
        size_t k = strlen(ws[i].text);
        if (q > s)
            *q++ = ' ';
        memcpy(q, ws[i].text, k);
        q += k;
    }
    *q = '\0';
    return s;
}

dp_err readvote_lines_of(const struct dp_doc_text *doc, struct readvote_lines *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < doc->npages; i++)
        cap += doc->pages[i].nalt; /* blocks <= words */
    if (!cap)
        return DP_OK;
    if (!(out->p = calloc(cap, sizeof *out->p)))
        return DP_ENOMEM;
    for (size_t i = 0; i < doc->npages; i++) {
        const struct dp_page *pg = &doc->pages[i];
        for (size_t a = 0; a < pg->nalt;) {
            size_t b = a;
            while (b < pg->nalt && pg->alt[b].block == pg->alt[a].block)
                b++;
            if (pg->alt[a].line >= 0 && out->n < cap) {
                char *f = join(pg->words, pg->nwords, pg->alt[a].line, -1);
                char *s = join(pg->alt + a, b - a, 0, pg->alt[a].block);
                if (!f || !s) {
                    free(f);
                    free(s);
                    readvote_lines_cleanup(out);
                    return DP_ENOMEM;
                }
                out->p[out->n++] = (struct readvote_pair){f, s};
            }
            a = b;
        }
    }
    return DP_OK;
}

void readvote_lines_cleanup(struct readvote_lines *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->p[i].first);
        free((char *)l->p[i].second);
    }
    free(l->p);
    memset(l, 0, sizeof *l);
}
