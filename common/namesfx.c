/* namesfx.c -- company names printed over two lines, and specks beside their legal forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "namesfx.h"

#define MAX_WORDS 32

/* The upper-case core of the i-th word of s (punctuation around it dropped) into w; the
 * number of words of s when w is NULL. */
static size_t word_at(const char *s, size_t i, char *w, size_t wsz)
{
    size_t k = 0;
    while (s && *s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if (w && k == i) {
            const char *a = s, *b = e;
            while (a < b && strchr(",.;:()[]'\"", *a))
                a++;
            while (b > a && strchr(",.;:()[]'\"", b[-1]))
                b--;
            size_t n = 0;
            for (; a < b && n + 1 < wsz; a++)
                w[n++] = (char)(*a >= 'a' && *a <= 'z' ? *a - 32 : *a);
            w[n] = '\0';
            return 1;
        }
        k++;
        s = e;
    }
    if (w && wsz)
        w[0] = '\0';
    return k;
}

/* Legal forms that close a company name anywhere ("(M)" reads as its core "M"): a name
 * printed over two lines ends in them whether or not the tenant confirmed one so. */
static const char *const legal_forms[] = {"SDN",     "BHD", "BERHAD",  "S/B", "CO",
                                          "COMPANY", "LTD", "LIMITED", "INC", "LLC",
                                          "PLC",     "PTE", "GMBH",    "M"};

int namesfx_legal_form(const char *word)
{
    char w[64];
    word_at(word, 0, w, sizeof w);
    for (size_t k = 0; *w && k < sizeof legal_forms / sizeof legal_forms[0]; k++)
        if (strcmp(w, legal_forms[k]) == 0)
            return 1;
    return 0;
}

/* Whether word w (upper-case core) is a legal form or ends at least NAMESFX_MIN_NAMES of
 * names. */
static int closing(const char *w, const char *const *names, size_t nnames)
{
    size_t hits = 0;
    if (!*w)
        return 0;
    for (size_t k = 0; k < sizeof legal_forms / sizeof legal_forms[0]; k++)
        if (strcmp(w, legal_forms[k]) == 0)
            return 1;
    for (size_t k = 0; k < nnames && hits < NAMESFX_MIN_NAMES; k++) {
        size_t nw = word_at(names[k], 0, NULL, 0);
        for (size_t i = nw > NAMESFX_TAIL ? nw - NAMESFX_TAIL : 0; i < nw; i++) {
            char x[64];
            word_at(names[k], i, x, sizeof x);
            if (strcmp(x, w) == 0) {
                hits++;
                break;
            }
        }
    }
    return hits >= NAMESFX_MIN_NAMES;
}

/* Whether every word of s closes names (and s has one). */
static int all_closing(const char *s, const char *const *names, size_t nnames)
{
    size_t nw = word_at(s, 0, NULL, 0);
    if (!nw || nw > MAX_WORDS)
        return 0;
    for (size_t i = 0; i < nw; i++) {
        char w[64];
        word_at(s, i, w, sizeof w);
        if (!closing(w, names, nnames))
            return 0;
    }
    return 1;
}

/* Whether s holds a word of three letters and no digit. */
static int name_like(const char *s)
{
    size_t run = 0, best = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            return 0;
        run = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ? run + 1 : 0;
        best = run > best ? run : best;
    }
    return best >= 3;
}

/* Writes "a b" into out without a speck beside a legal form at the join (namesfx_unmark);
 * returns 1 (a line taken in). */
static int join(const char *a, const char *b, char *out, size_t outsz)
{
    char j[2 * NAMESFX_LINE_MAX + 2];
    snprintf(j, sizeof j, "%s %s", a, b);
    if (!namesfx_unmark(j, out, outsz))
        snprintf(out, outsz, "%s", j);
    return 1;
}

int namesfx_extend(const char *value, const char *const *names, size_t nnames,
                   const char *const *lines, size_t nlines, char *out, size_t outsz)
{
    if (!value || !*value || !nnames || outsz == 0)
        return 0;
    for (size_t i = 0; i < nlines; i++) {
        if (!lines[i] || !strstr(lines[i], value))
            continue;
        size_t nv = word_at(value, 0, NULL, 0);
        char last[64];
        word_at(value, nv ? nv - 1 : 0, last, sizeof last);
        if (all_closing(value, names, nnames)) {
            if (i == 0 || !lines[i - 1] || !name_like(lines[i - 1]) ||
                all_closing(lines[i - 1], names, nnames))
                return 0;
            return join(lines[i - 1], value, out, outsz);
        }
        /* a name never ends in a connector: "HOME MASTER HARDWARE &" / "ELECTRICAL" */
        if (i + 1 < nlines && lines[i + 1] && name_like(lines[i + 1]) &&
            (strcmp(last, "&") == 0 || strcmp(last, "AND") == 0)) {
            return join(value, lines[i + 1], out, outsz);
        }
        if (!closing(last, names, nnames) && i + 1 < nlines && lines[i + 1] &&
            all_closing(lines[i + 1], names, nnames)) {
            return join(value, lines[i + 1], out, outsz);
        }
        return 0;
    }
    return 0;
}

/* ---- specks beside legal forms ---- */

static int ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Whether s[a, b) is a legal form (namesfx_legal_form of a bounded copy). */
static int legal_at(const char *s, size_t a, size_t b)
{
    char w[64];
    size_t n = b - a < sizeof w - 1 ? b - a : sizeof w - 1;
    memcpy(w, s + a, n);
    w[n] = '\0';
    return namesfx_legal_form(w);
}

/* One pass of namesfx_unmark: the number of specks dropped; writes the result into out when
 * out is not NULL. */
static size_t unmark_pass(const char *s, char *out, size_t outsz)
{
    size_t len = strlen(s), n = 0, k = 0;
    for (size_t a = 0; a <= len;) {
        size_t b = a;
        while (b < len && s[b] != ' ')
            b++;
        size_t i = a, vowels = 0, cut = b; /* cut: the token's bytes kept before its rest */
        const char *sep = "";              /* put between the kept bytes and the rest */
        for (; i < b && ascii_letter(s[i]); i++)
            vowels += strchr("AEIOUaeiou", s[i]) != NULL;
        if (i - a >= NAMESFX_UNMARK_MIN && vowels >= 2 && i < b && strchr(".,-:;", s[i]) &&
            !legal_at(s, a, i)) {
            size_t c = b + 1, d = c; /* the next token [c, d) */
            while (d < len && s[d] != ' ')
                d++;
            if (i + 1 == b && b < len && legal_at(s, c, d))
                cut = i; /* "BOOK." before "CO." */
            else if (i + 1 < b && ascii_letter(s[i + 1]) && legal_at(s, i + 1, b)) {
                cut = i; /* "INTERNATIONAL.SDN" */
                sep = " ";
            }
        }
        n += cut < b;
        for (size_t q = a; out && q < b; q++) {
            const char *t = q == cut ? sep : s + q; /* the mark gives way to sep */
            for (size_t m = q == cut ? strlen(sep) : 1; m > 0 && k + 1 < outsz; m--)
                out[k++] = *t++;
        }
        if (out && b < len && k + 1 < outsz)
            out[k++] = ' ';
        a = b + 1;
    }
    if (out && outsz)
        out[k] = '\0';
    return n;
}

int namesfx_unmark(const char *s, char *out, size_t outsz)
{
    if (!s || !outsz || unmark_pass(s, NULL, 0) == 0)
        return 0;
    unmark_pass(s, out, outsz);
    return 1;
}

/* ---- the page's lines ---- */

/* A line's text: words [i, j) of w joined by spaces, cut to NAMESFX_LINE_MAX bytes; owned by
 * the caller. NULL on ENOMEM. */
static char *line_text(const struct dp_word *w, size_t i, size_t j)
{
    size_t len = 0;
    for (size_t q = i; q < j; q++)
        len += strlen(w[q].text ? w[q].text : "") + 1;
    len = len < NAMESFX_LINE_MAX ? len : NAMESFX_LINE_MAX;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    size_t m = 0;
    for (size_t q = i; q < j; q++) {
        int n = snprintf(s + m, len + 1 - m, "%s%s", m ? " " : "", w[q].text ? w[q].text : "");
        if (n < 0 || (size_t)n >= len + 1 - m) {
            m = len;
            break;
        }
        m += (size_t)n;
    }
    s[m] = '\0';
    return s;
}

/* The alternate line of reading r that stands for line `line` of pg: its words [*i, *j) of
 * pg->alt; 0 when there is none. */
static int alt_line(const struct dp_page *pg, int r, int line, size_t *i, size_t *j)
{
    for (size_t a = 0; a < pg->nalt;) {
        size_t b = a;
        while (b < pg->nalt && pg->alt[b].block == pg->alt[a].block)
            b++;
        if (pg->alt[a].line == line && altread_reading(&pg->alt[a]) == r) {
            *i = a;
            *j = b;
            return 1;
        }
        a = b;
    }
    return 0;
}

static const int other_readings[] = {ALTREAD_SECOND, ALTREAD_LOOK};
#define NOTHER (sizeof other_readings / sizeof other_readings[0])

dp_err namesfx_lines_of(const struct dp_doc_text *doc, char ***lines, size_t *n)
{
    size_t cap = 0, k = 0;
    *lines = NULL;
    *n = 0;
    for (size_t p = 0; p < doc->npages; p++)
        cap += (doc->pages[p].nwords + 1) * (1 + NOTHER);
    if (!cap)
        return DP_OK;
    char **v = calloc(cap, sizeof *v);
    if (!v)
        return DP_ENOMEM;
    /* r 0: the first reading of every page; then each other reading of each page */
    for (size_t pass = 0; pass <= NOTHER * doc->npages; pass++) {
        size_t p0 = pass ? (pass - 1) / NOTHER : 0, p1 = pass ? p0 + 1 : doc->npages;
        int r = pass ? other_readings[(pass - 1) % NOTHER] : 0;
        for (size_t p = p0; p < p1; p++) {
            const struct dp_page *pg = &doc->pages[p];
            size_t ai, aj;
            int has = !r;
            for (size_t a = 0; r && a < pg->nalt && !has; a++)
                has = altread_reading(&pg->alt[a]) == r && pg->alt[a].line >= 0;
            if (!has || !pg->nwords)
                continue;
            if (r && !(v[k++] = strdup(""))) /* no line above the reading's first */
                goto nomem;
            for (size_t i = 0; i < pg->nwords;) {
                size_t j = i;
                while (j < pg->nwords && pg->words[j].line == pg->words[i].line)
                    j++;
                v[k] = r && alt_line(pg, r, pg->words[i].line, &ai, &aj)
                           ? line_text(pg->alt, ai, aj)
                           : line_text(pg->words, i, j);
                if (!v[k++])
                    goto nomem;
                i = j;
            }
        }
    }
    *lines = v;
    *n = k;
    return DP_OK;
nomem:
    namesfx_lines_free(v, k);
    return DP_ENOMEM;
}

void namesfx_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; lines && i < n; i++)
        free(lines[i]);
    free(lines);
}
