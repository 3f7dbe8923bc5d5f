/* altread.c -- a second reading of a page: when, how it lines up with the first, what is kept. */
#include "altread.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "linemerge.h"
#include "util.h"

int altread_wanted(int psm, float conf, size_t nwords)
{
    if (nwords < ALTREAD_MIN_WORDS || nwords > ALTREAD_MAX_WORDS || conf >= ALTREAD_CLEAN_CONF)
        return 0;
    return psm == 6 || conf < ALTREAD_POOR_CONF;
}

int altread_reread_weak(int psm, int read_twice, int differ, float line_conf)
{
    if (!read_twice || psm != 6)
        return 1;
    return differ && line_conf < ALTREAD_BROKEN_CONF;
}

int altread_other_psm(int psm)
{
    /* 6 one block, 7 one line, 8 one word, 13 raw line: the other way is layout analysis */
    return psm == 6 || psm == 7 || psm == 8 || psm == 13 ? 3 : 6;
}

/* ---- the band a receipt's second reading reads ---- */

/* Whether word t names a total (or a sum paid): TOTAL (also misread, as TOT... or T0TAL),
 * AMOUNT, NETT, DUE, JUMLAH (Malay), BALANCE, PAYABLE, ignoring case and punctuation. */
static int total_word(const char *t)
{
    static const char *const words[] = {"TOTAL",  "AMOUNT",  "AMT",     "NETT", "DUE",
                                        "JUMLAH", "BALANCE", "PAYABLE", "GRAND"};
    char u[32];
    size_t k = 0;
    for (; *t && k + 1 < sizeof u; t++) /* a 0 in a word is an O misread (T0TAL) */
        if (isalpha((unsigned char)*t) || *t == '0')
            u[k++] = *t == '0' ? 'O' : (char)toupper((unsigned char)*t);
    u[k] = '\0';
    if (k >= 3 && strncmp(u, "TOT", 3) == 0)
        return 1;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(u, words[i]) == 0)
            return 1;
    return 0;
}

/* Whether word t holds a date-shaped token or a year 1900..2099 (four digits alone). */
static int date_word(const char *t)
{
    size_t len = strlen(t);
    if (linemerge_date_shaped(t, len))
        return 1;
    for (size_t i = 0; i + 4 <= len; i++) {
        int alone = (i == 0 || !isdigit((unsigned char)t[i - 1])) &&
                    (i + 4 == len || !isdigit((unsigned char)t[i + 4]));
        if (alone && isdigit((unsigned char)t[i + 2]) && isdigit((unsigned char)t[i + 3]) &&
            ((t[i] == '1' && t[i + 1] == '9') || (t[i] == '2' && t[i + 1] == '0')))
            return 1;
    }
    return 0;
}

/* Whether word t may be a date misread beyond date_word: three groups of letters or digits
 * joined by two slashes or dashes, at least four digits among them (O7/01/18, 19/62/2O18). */
static int loose_date_word(const char *t)
{
    int seps = 0, digits = 0, group = 0, groups = 0;
    for (; *t; t++) {
        if (*t == '/' || *t == '-') {
            seps++;
            if (!group)
                return 0;
            group = 0;
        } else if (isalnum((unsigned char)*t)) {
            groups += !group;
            group = 1;
            digits += isdigit((unsigned char)*t) != 0;
        } else {
            return 0;
        }
    }
    return seps == 2 && groups == 3 && group && digits >= 4;
}

static int has_digit(const char *t)
{
    for (; *t; t++)
        if (isdigit((unsigned char)*t))
            return 1;
    return 0;
}

size_t altread_band(const struct dp_word *w, size_t n, unsigned char *keep, size_t nlines)
{
    size_t top = (size_t)(ALTREAD_BAND_TOP_SHARE * (float)nlines + 0.5f);
    if (top < ALTREAD_BAND_TOP_LINES)
        top = ALTREAD_BAND_TOP_LINES;
    if (nlines < ALTREAD_BAND_MIN_LINES)
        top = nlines;
    for (size_t l = 0; l < nlines; l++)
        keep[l] = l < top;
    /* per line: a total word (1), a digit (2) */
    for (size_t i = 0; i < n; i++) {
        if (w[i].line < 0 || (size_t)w[i].line >= nlines || !w[i].text)
            continue;
        size_t l = (size_t)w[i].line;
        if (date_word(w[i].text))
            keep[l] = 1;
        if (total_word(w[i].text)) {
            keep[l] = 1;
            /* the amount may stand on the next line when this one has none */
            int digits = 0;
            for (size_t j = 0; j < n; j++)
                digits |= j != i && w[j].line == w[i].line && w[j].text && has_digit(w[j].text);
            if (!digits && l + 1 < nlines)
                keep[l + 1] = 1;
        }
    }
    size_t k = 0;
    for (size_t l = 0; l < nlines; l++)
        k += keep[l];
    return k;
}

void altread_words_free(struct dp_word *w, size_t n)
{
    if (!w)
        return;
    for (size_t i = 0; i < n; i++)
        free(w[i].text);
    free(w);
}

/* ---- alignment ---- */

/* The box around a line's words. */
struct lbox {
    int x0, y0, x1, y1;
    int has; /* any word */
};

/* Boxes of the lines 0..*nlines of words w[0..n) (an owned array; NULL without memory or
 * words; negative line numbers are left out). */
static struct lbox *line_boxes(const struct dp_word *w, size_t n, size_t *nlines)
{
    int max = -1;
    for (size_t i = 0; i < n; i++)
        max = w[i].line > max ? w[i].line : max;
    *nlines = (size_t)(max + 1);
    if (max < 0)
        return NULL;
    struct lbox *b = calloc(*nlines, sizeof *b);
    if (!b)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (w[i].line < 0)
            continue;
        struct lbox *l = &b[w[i].line];
        int x1 = w[i].x + w[i].w, y1 = w[i].y + w[i].h;
        if (!l->has) {
            *l = (struct lbox){w[i].x, w[i].y, x1, y1, 1};
            continue;
        }
        l->x0 = w[i].x < l->x0 ? w[i].x : l->x0;
        l->y0 = w[i].y < l->y0 ? w[i].y : l->y0;
        l->x1 = x1 > l->x1 ? x1 : l->x1;
        l->y1 = y1 > l->y1 ? y1 : l->y1;
    }
    return b;
}

/* The line of la[0..nl) word w joins, or -1. */
static int join_line(const struct dp_word *w, const struct lbox *la, size_t nl)
{
    int best = -1, best_side = 0;
    double best_v = 0.0;
    for (size_t i = 0; i < nl; i++) {
        const struct lbox *l = &la[i];
        if (!l->has)
            continue;
        int lh = l->y1 - l->y0, top = w->y > l->y0 ? w->y : l->y0;
        int bot = w->y + w->h < l->y1 ? w->y + w->h : l->y1;
        int minh = w->h < lh ? w->h : lh;
        if (minh <= 0 || (double)(bot - top) < ALTREAD_VOVERLAP * minh)
            continue;
        int left = w->x > l->x0 ? w->x : l->x0, right = w->x + w->w < l->x1 ? w->x + w->w : l->x1;
        int side = right > left;
        if (!side && (double)(left - right) > ALTREAD_MAX_GAP * lh)
            continue;
        double v = (double)(bot - top) / minh;
        if (best < 0 || side > best_side || (side == best_side && v > best_v)) {
            best = (int)i;
            best_side = side;
            best_v = v;
        }
    }
    return best;
}

/* Appends the characters of t but spaces to buf[*k..cap). 0 when they do not fit. */
static int put_chars(char *buf, size_t cap, size_t *k, const char *t)
{
    for (; t && *t; t++) {
        if (*t == ' ')
            continue;
        if (*k + 1 >= cap)
            return 0;
        buf[(*k)++] = *t;
    }
    return 1;
}

/* 1 when the words b[idx[0..n)] hold the same characters (spaces aside) as the words of a on
 * line `line`, in order; -1 without memory. */
static int same_text(const struct dp_word *a, size_t na, int line, const struct dp_word *b,
                     const size_t *idx, size_t n)
{
    size_t cap = 1, ka = 0, kb = 0;
    for (size_t i = 0; i < na; i++)
        cap += a[i].line == line && a[i].text ? strlen(a[i].text) : 0;
    for (size_t i = 0; i < n; i++)
        cap += b[idx[i]].text ? strlen(b[idx[i]].text) : 0;
    char *sa = malloc(cap), *sb = malloc(cap);
    int same = -1;
    if (sa && sb) {
        for (size_t i = 0; i < na; i++)
            if (a[i].line == line)
                put_chars(sa, cap, &ka, a[i].text);
        for (size_t i = 0; i < n; i++)
            put_chars(sb, cap, &kb, b[idx[i]].text);
        same = ka == kb && memcmp(sa, sb, ka) == 0;
    }
    free(sa);
    free(sb);
    return same;
}

/* One alternate line while it is built: the words of b it has, where it stands. */
struct aline {
    int line;        /* line of a, -1 missed */
    double ymid;     /* vertical centre */
    size_t first, n; /* idx[first .. first+n) */
};

static int cmp_aline(const void *x, const void *y)
{
    const struct aline *p = x, *q = y;
    if (p->ymid != q->ymid)
        return p->ymid < q->ymid ? -1 : 1;
    /* level: the first reading's line before a missed one */
    if ((p->line < 0) != (q->line < 0))
        return p->line < 0 ? 1 : -1;
    return p->line < q->line ? -1 : p->line > q->line;
}

/* Sorting word indices left to right (qsort has no context: the words ride along). */
struct wref {
    size_t i;
    int x;
};

static int cmp_wref(const void *x, const void *y)
{
    const struct wref *p = x, *q = y;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

dp_err altread_align(const struct dp_word *a, size_t na, const struct dp_word *b, size_t nb,
                     struct dp_word **alt, size_t *nalt)
{
    *alt = NULL;
    *nalt = 0;
    size_t nla = 0, nlb = 0, nal = 0, nout = 0;
    dp_err rc = DP_ENOMEM;
    if (!nb)
        return DP_OK;
    struct lbox *la = line_boxes(a, na, &nla);
    int *join = nb ? malloc(nb * sizeof *join) : NULL;
    struct wref *ord = nb ? malloc(nb * sizeof *ord) : NULL;
    size_t *idx = nb ? malloc(nb * sizeof *idx) : NULL;
    struct aline *al = nb ? malloc(nb * sizeof *al) : NULL;
    struct dp_word *out = NULL;
    if ((nla && !la) || !join || !ord || !idx || !al)
        goto out;
    for (size_t j = 0; j < nb; j++) {
        join[j] = join_line(&b[j], la, nla);
        nlb = b[j].line >= 0 && (size_t)b[j].line + 1 > nlb ? (size_t)b[j].line + 1 : nlb;
    }
    /* words by the line they join (lines of a first, then b's own lines), left to right */
    for (size_t j = 0; j < nb; j++)
        ord[j] = (struct wref){j, b[j].x};
    qsort(ord, nb, sizeof *ord, cmp_wref);
    size_t k = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        size_t nlines = pass == 0 ? nla : nlb;
        for (size_t l = 0; l < nlines; l++) {
            size_t first = k;
            double y0 = 0, y1 = 0;
            for (size_t j = 0; j < nb; j++) {
                const struct dp_word *w = &b[ord[j].i];
                int here =
                    pass == 0 ? join[ord[j].i] == (int)l : join[ord[j].i] < 0 && w->line == (int)l;
                if (!here)
                    continue;
                y0 = k == first || w->y < y0 ? w->y : y0;
                y1 = k == first || w->y + w->h > y1 ? w->y + w->h : y1;
                idx[k++] = ord[j].i;
            }
            if (k == first)
                continue;
            int same = pass == 0 ? same_text(a, na, (int)l, b, idx + first, k - first) : 0;
            if (same < 0)
                goto out;
            if (same) {
                k = first; /* both readings agree */
                continue;
            }
            if (pass == 0)
                y0 = la[l].y0, y1 = la[l].y1; /* it stands where the first reading's line is */
            al[nal++] = (struct aline){pass == 0 ? (int)l : -1, (y0 + y1) / 2.0, first, k - first};
        }
    }
    if (!k) {
        rc = DP_OK;
        goto out;
    }
    qsort(al, nal, sizeof *al, cmp_aline);
    if (!(out = calloc(k, sizeof *out)))
        goto out;
    for (size_t i = 0; i < nal; i++)
        for (size_t j = 0; j < al[i].n; j++) {
            const struct dp_word *w = &b[idx[al[i].first + j]];
            out[nout] = *w;
            out[nout].line = al[i].line;
            out[nout].block = (int)i;
            if (!(out[nout].text = strdup(w->text ? w->text : "")))
                goto out;
            nout++;
        }
    *alt = out;
    *nalt = nout;
    out = NULL;
    rc = DP_OK;
out:
    altread_words_free(out, nout);
    free(la);
    free(join);
    free(ord);
    free(idx);
    free(al);
    return rc;
}

/* ---- the line look ---- */

size_t altread_look_lines(const struct dp_word *w, size_t n, unsigned char *keep, size_t nlines)
{
    memset(keep, 0, nlines);
    size_t top = 0;
    for (size_t l = 0; l < nlines && top < ALTREAD_LOOK_TOP; l++) {
        int letter = 0;
        for (size_t i = 0; i < n && !letter; i++)
            for (const char *t = w[i].line == (int)l ? w[i].text : NULL; t && *t && !letter; t++)
                letter = isalpha((unsigned char)*t) != 0;
        keep[l] = letter ? ALTREAD_LOOK_NAME : 0;
        top += (size_t)letter;
    }
    for (size_t i = 0; i < n; i++)
        if (w[i].line >= 0 && (size_t)w[i].line < nlines && w[i].text &&
            (date_word(w[i].text) || loose_date_word(w[i].text)))
            keep[w[i].line] = ALTREAD_LOOK_DATE;
    size_t k = 0, dates = 0;
    for (size_t l = 0; l < nlines; l++) {
        if (keep[l] == ALTREAD_LOOK_DATE && ++dates > ALTREAD_LOOK_MAX_DATES)
            keep[l] = 0; /* a statement's dated rows: the first ones are looked at */
        k += keep[l] != 0;
    }
    return k;
}

/* Whether t holds at least two letters or digits: a word, not a speck or a rule read as ~ or -. */
static int solid(const char *t)
{
    int k = 0;
    for (; t && *t && k < 2; t++)
        k += isalnum((unsigned char)*t) != 0;
    return k >= 2;
}

int altread_line_rows(const struct dp_word *w, size_t n, int line, int *y0, int *y1)
{
    int mid[ALTREAD_LINE_WORDS], hgt[ALTREAD_LINE_WORDS];
    size_t k = 0;
    for (int pass = 0; pass < 2 && !k; pass++) /* solid words, else every word */
        for (size_t i = 0; i < n && k < ALTREAD_LINE_WORDS; i++)
            if (w[i].line == line && w[i].h > 0 && (pass || solid(w[i].text))) {
                mid[k] = 2 * w[i].y + w[i].h; /* twice the centre: whole pixels */
                hgt[k++] = w[i].h;
            }
    if (!k)
        return 0;
    qsort(mid, k, sizeof *mid, util_cmp_int);
    qsort(hgt, k, sizeof *hgt, util_cmp_int);
    int c2 = mid[k / 2], h = hgt[k / 2];
    *y0 = (c2 - h) / 2;
    *y1 = *y0 + h;
    return 1;
}

/* The characters but spaces of the words v[0..n) that are on line `line` (by_block: of
 * alternate block `line`), into an owned string; NULL without memory. */
static char *chars_of(const struct dp_word *v, size_t n, int line, int by_block)
{
    size_t cap = 1, k = 0;
    for (size_t i = 0; i < n; i++)
        cap += (by_block ? v[i].block : v[i].line) == line && v[i].text ? strlen(v[i].text) : 0;
    char *s = malloc(cap);
    for (size_t i = 0; s && i < n; i++)
        if ((by_block ? v[i].block : v[i].line) == line)
            put_chars(s, cap, &k, v[i].text);
    if (s)
        s[k] = '\0';
    return s;
}

dp_err altread_add_look(struct dp_page *p, int line, struct dp_word *w, size_t n, int *kept)
{
    *kept = 0;
    int block = ALTREAD_LOOK_BLOCK; /* the new alternate's number: after every block */
    for (size_t i = 0; i < p->nalt; i++)
        block = p->alt[i].block + 1 > block ? p->alt[i].block + 1 : block;
    for (size_t i = 0; i < n; i++)
        w[i].block = -1; /* the look's own block, for chars_of */
    char *look = chars_of(w, n, -1, 1), *have = chars_of(p->words, p->nwords, line, 0);
    dp_err rc = look && have ? DP_OK : DP_ENOMEM;
    int differ = !rc && *look && strcmp(look, have) != 0;
    for (size_t i = 0; differ && i < p->nalt; i++) {
        if (p->alt[i].line != line || (i > 0 && p->alt[i].block == p->alt[i - 1].block))
            continue;
        char *a = chars_of(p->alt, p->nalt, p->alt[i].block, 1);
        if (!a)
            rc = DP_ENOMEM;
        differ = a && strcmp(look, a) != 0;
        free(a);
    }
    free(look);
    free(have);
    struct dp_word *grown = NULL;
    if (!rc && differ && !(grown = realloc(p->alt, (p->nalt + n) * sizeof *grown)))
        rc = DP_ENOMEM;
    if (rc || !differ) {
        altread_words_free(w, n);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        grown[p->nalt + i] = w[i];
        grown[p->nalt + i].line = line;
        grown[p->nalt + i].block = block;
    }
    free(w); /* the texts moved */
    p->alt = grown;
    p->nalt += n;
    *kept = 1;
    return DP_OK;
}

/* ---- the page as the alternates have it ---- */

int altread_reading(const struct dp_word *a)
{
    return a->block >= ALTREAD_LOOK_BLOCK ? ALTREAD_LOOK : ALTREAD_SECOND;
}

int altread_has_look(const struct dp_page *p)
{
    for (size_t i = 0; i < p->nalt; i++)
        if (altread_reading(&p->alt[i]) == ALTREAD_LOOK)
            return 1;
    return 0;
}

dp_err altread_variant(const struct dp_page *p, struct dp_page *out)
{
    return altread_variant_of(p, ALTREAD_ANY, out);
}

dp_err altread_variant_of(const struct dp_page *p, int reading, struct dp_page *out)
{
    memset(out, 0, sizeof *out);
    out->number = p->number;
    out->width = p->width;
    out->height = p->height;
    out->dpi = p->dpi;
    out->source = p->source;
    out->conf = p->conf;
    out->psm = p->psm;
    out->scale = p->scale;
    memcpy(out->lang, p->lang, sizeof out->lang);
    int maxl = -1;
    for (size_t i = 0; i < p->nwords; i++)
        maxl = p->words[i].line > maxl ? p->words[i].line : maxl;
    for (size_t i = 0; i < p->nalt; i++)
        maxl = p->alt[i].line > maxl ? p->alt[i].line : maxl;
    size_t nl = (size_t)(maxl + 1);
    /* per line of p: where its alternate starts in p->alt (SIZE_MAX none) */
    size_t *alt_at = nl ? malloc(nl * sizeof *alt_at) : NULL;
    /* per alternate word of a missed line: the word of p it follows (SIZE_MAX: first) */
    size_t *after = p->nalt ? malloc(p->nalt * sizeof *after) : NULL;
    struct dp_word *w = calloc(p->nwords + p->nalt + 1, sizeof *w);
    size_t n = 0;
    dp_err rc = DP_ENOMEM;
    if ((nl && !alt_at) || (p->nalt && !after) || !w)
        goto out;
    for (size_t i = 0; i < nl; i++)
        alt_at[i] = SIZE_MAX;
    for (size_t i = 0; i < p->nalt; i++) {
        const struct dp_word *aw = &p->alt[i];
        int start = i == 0 || aw->block != p->alt[i - 1].block;
        int of = reading == ALTREAD_ANY || altread_reading(aw) == reading;
        if (aw->line >= 0 && start && of && alt_at[aw->line] == SIZE_MAX)
            alt_at[aw->line] = i;
        after[i] = SIZE_MAX;
        if (aw->line >= 0 || !of)
            continue;
        /* a missed line follows the last word of the line of p whose centre is the lowest
         * one above its own */
        double ym = aw->y + aw->h / 2.0, best = -1.0;
        for (size_t j = 0; j < p->nwords; j++) {
            double yj = p->words[j].y + p->words[j].h / 2.0;
            int last = j + 1 == p->nwords || p->words[j + 1].line != p->words[j].line;
            if (last && yj <= ym && yj >= best) {
                best = yj;
                after[i] = j;
            }
        }
        if (!start)
            after[i] = after[i - 1];
    }
    int line = -1;
    /* missed lines before every line of p, then each line of p (or its alternate) and the
     * missed lines after it */
    for (size_t j = 0; j <= p->nwords; j++) {
        size_t anchor = j == 0 ? SIZE_MAX : j - 1;
        int ends = j == 0 || j == p->nwords || p->words[j].line != p->words[j - 1].line;
        if (!ends)
            continue;
        for (size_t i = 0; i < p->nalt; i++) {
            if (p->alt[i].line >= 0 || after[i] != anchor ||
                (reading != ALTREAD_ANY && altread_reading(&p->alt[i]) != reading))
                continue;
            if (i == 0 || p->alt[i].block != p->alt[i - 1].block || after[i - 1] != anchor)
                line++;
            w[n] = p->alt[i];
            w[n].line = line;
            w[n].block =
                anchor == SIZE_MAX ? (p->nwords ? p->words[0].block : 0) : p->words[anchor].block;
            if (!(w[n].text = strdup(p->alt[i].text ? p->alt[i].text : "")))
                goto out;
            n++;
        }
        if (j == p->nwords)
            break;
        int pl = p->words[j].line, blk = p->words[j].block;
        line++;
        size_t at = pl >= 0 ? alt_at[pl] : SIZE_MAX;
        if (at == SIZE_MAX) {
            for (size_t k = j; k < p->nwords && p->words[k].line == pl; k++) {
                w[n] = p->words[k];
                w[n].line = line;
                if (!(w[n].text = strdup(p->words[k].text ? p->words[k].text : "")))
                    goto out;
                n++;
            }
            continue;
        }
        for (size_t k = at; k < p->nalt && p->alt[k].block == p->alt[at].block; k++) {
            w[n] = p->alt[k];
            w[n].line = line;
            w[n].block = blk;
            if (!(w[n].text = strdup(p->alt[k].text ? p->alt[k].text : "")))
                goto out;
            n++;
        }
    }
    out->words = w;
    out->nwords = n;
    w = NULL;
    rc = page_text_from_words(out);
out:
    altread_words_free(w, n);
    free(alt_at);
    free(after);
    if (rc)
        page_cleanup(out);
    return rc;
}
