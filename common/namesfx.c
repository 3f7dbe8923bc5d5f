/* namesfx.c -- company names printed over two lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
            snprintf(out, outsz, "%s %s", lines[i - 1], value);
            return 1;
        }
        /* a name never ends in a connector: "HOME MASTER HARDWARE &" / "ELECTRICAL" */
        if (i + 1 < nlines && lines[i + 1] && name_like(lines[i + 1]) &&
            (strcmp(last, "&") == 0 || strcmp(last, "AND") == 0)) {
            snprintf(out, outsz, "%s %s", value, lines[i + 1]);
            return 1;
        }
        if (!closing(last, names, nnames) && i + 1 < nlines && lines[i + 1] &&
            all_closing(lines[i + 1], names, nnames)) {
            snprintf(out, outsz, "%s %s", value, lines[i + 1]);
            return 1;
        }
        return 0;
    }
    return 0;
}

dp_err namesfx_lines_of(const struct dp_doc_text *doc, char ***lines, size_t *n)
{
    size_t cap = 0, k = 0;
    *lines = NULL;
    *n = 0;
    for (size_t p = 0; p < doc->npages; p++)
        cap += doc->pages[p].nwords;
    if (!cap)
        return DP_OK;
    char **v = calloc(cap, sizeof *v);
    if (!v)
        return DP_ENOMEM;
    for (size_t p = 0; p < doc->npages; p++) {
        const struct dp_page *pg = &doc->pages[p];
        for (size_t i = 0; i < pg->nwords;) {
            size_t j = i, len = 0;
            for (; j < pg->nwords && pg->words[j].line == pg->words[i].line; j++)
                len += strlen(pg->words[j].text ? pg->words[j].text : "") + 1;
            len = len < NAMESFX_LINE_MAX ? len : NAMESFX_LINE_MAX;
            char *s = malloc(len + 1);
            if (!s) {
                namesfx_lines_free(v, k);
                return DP_ENOMEM;
            }
            size_t m = 0;
            for (size_t q = i; q < j; q++) {
                const char *t = pg->words[q].text ? pg->words[q].text : "";
                int w = snprintf(s + m, len + 1 - m, "%s%s", m ? " " : "", t);
                if (w < 0 || (size_t)w >= len + 1 - m) {
                    m = len;
                    break;
                }
                m += (size_t)w;
            }
            s[m] = '\0';
            v[k++] = s;
            i = j;
        }
    }
    *lines = v;
    *n = k;
    return DP_OK;
}

void namesfx_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; lines && i < n; i++)
        free(lines[i]);
    free(lines);
}
