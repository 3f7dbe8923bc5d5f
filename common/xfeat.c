/* xfeat.c -- hashed layout, shape and context features of candidates. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "extract.h"
#include "namesfx.h"
#include "xfeat.h"

/* ---- small helpers ---- */

void xfeat_word(const char *w, char *out, size_t outsz)
{
    size_t n = strlen(w), a = 0, k = 0;
    while (a < n && !((w[a] >= 'a' && w[a] <= 'z') || (w[a] >= 'A' && w[a] <= 'Z') ||
                      (w[a] >= '0' && w[a] <= '9') || (unsigned char)w[a] >= 0x80))
        a++;
    while (n > a &&
           !((w[n - 1] >= 'a' && w[n - 1] <= 'z') || (w[n - 1] >= 'A' && w[n - 1] <= 'Z') ||
             (w[n - 1] >= '0' && w[n - 1] <= '9') || (unsigned char)w[n - 1] >= 0x80))
        n--;
    for (size_t i = a; i < n && k + 1 < outsz; i++) {
        char ch = w[i];
        out[k++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : (ch >= '0' && ch <= '9') ? '0' : ch;
    }
    out[k] = '\0';
}

void xfeat_shape(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; *s && k + 1 < outsz; s++) {
        char ch = *s;
        char c = ch >= 'A' && ch <= 'Z'   ? 'A'
                 : ch >= 'a' && ch <= 'z' ? 'a'
                 : ch >= '0' && ch <= '9' ? '9'
                                          : ch;
        if ((unsigned char)ch >= 0x80)
            c = 'a';
        if (k && out[k - 1] == c)
            continue;
        out[k++] = c;
    }
    out[k] = '\0';
}

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

/* A candidate's features while they are collected. */
struct fb {
    struct feature_node f[XFEAT_MAX];
    size_t n;
};

static void put(struct fb *b, const char *name, double v)
{
    if (b->n + 2 >= XFEAT_MAX) /* room for the bias and the terminator */
        return;
    b->f[b->n].index = (int)(fnv(name) & (XFEAT_DIM - 1)) + 1;
    b->f[b->n].value = v;
    b->n++;
}

static void putf(struct fb *b, const char *prefix, const char *val)
{
    char k[96];
    snprintf(k, sizeof k, "%s=%s", prefix, val);
    put(b, k, 1.0);
}

static void puti(struct fb *b, const char *prefix, int v)
{
    char k[48];
    snprintf(k, sizeof k, "%s=%d", prefix, v);
    put(b, k, 1.0);
}

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

static int bin(int v, const int *edges, int n)
{
    int i = 0;
    while (i < n && v >= edges[i])
        i++;
    return i;
}

/* Words [w0, w1) of page p hashed under prefix (at most max of them). */
static void put_words(struct fb *b, const struct dp_page *p, size_t w0, size_t w1,
                      const char *prefix, size_t max)
{
    char w[32];
    for (size_t i = w0; i < w1 && i - w0 < max; i++) {
        xfeat_word(p->words[i].text ? p->words[i].text : "", w, sizeof w);
        if (*w)
            putf(b, prefix, w);
    }
}

/* ---- amounts: rank of each single-word amount among the document's ---- */

static int is_amount_text(const char *t, char *amt, size_t amtsz)
{
    const char *dot = strpbrk(t, ".,");
    if (!dot || strchr(t, ' ') || strlen(t) > 16)
        return 0;
    size_t digits = 0;
    for (const char *p = dot + 1; *p >= '0' && *p <= '9'; p++)
        digits++;
    return digits == 2 && extract_parse_amount(t, strlen(t), amt, amtsz) == DP_OK;
}

/* Whether w is a printed amount with two decimals: at most three non-digit bytes (a currency
 * sign or code), then digits, commas and dots only, ending in a separator and two digits. */
static int amount_word(const char *w)
{
    size_t n = strlen(w), a = 0;
    while (a < n && a < 4 && !(w[a] >= '0' && w[a] <= '9'))
        a++;
    if (a > 3 || n - a < 4 || n > 20)
        return 0;
    for (size_t i = a; i < n; i++)
        if (!((w[i] >= '0' && w[i] <= '9') || w[i] == ',' || w[i] == '.'))
            return 0;
    return (w[n - 3] == '.' || w[n - 3] == ',') && w[n - 4] >= '0' && w[n - 4] <= '9' &&
           w[n - 2] >= '0' && w[n - 1] >= '0';
}

unsigned xfeat_kind(const char *text)
{
    unsigned k = 0;
    struct extract_date d;
    size_t len = strlen(text);
    if (len && len < 64 && extract_parse_date(text, len, EXTRACT_DAY_FIRST, &d) == DP_OK)
        k |= XFEAT_KIND_DATE;
    /* an amount word, after at most one short word without digits ("RM", "$", "RM:") */
    const char *sp = strchr(text, ' '), *last = sp ? sp + 1 : text;
    int cur_ok = !sp || (sp - text <= 4 && !strchr(last, ' '));
    for (const char *t = text; sp && t < sp; t++)
        cur_ok &= !(*t >= '0' && *t <= '9');
    if (cur_ok && amount_word(last))
        k |= XFEAT_KIND_AMOUNT;
    return k;
}

static double *amount_values(const struct cand_set *s)
{
    double *v = malloc((s->n ? s->n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < s->n; i++) {
        char amt[48];
        v[i] = s->c[i].w1 - s->c[i].w0 == 1 && is_amount_text(s->c[i].text, amt, sizeof amt)
                   ? strtod(amt, NULL)
                   : -1;
    }
    return v;
}

/* ---- label words: money and date labels, OCR-tolerant ---- */

/* The label classes a money or date value is printed after (lower-case stems, matched inside a
 * word so that "subtotal:", "total(rm)" and "totalrm" count; short ones only as the word). */
static const char *const label_stems[] = {
    "total",  "round",  "nett",    "grand", "due",     "incl", "excl",   "gst", "tax",  "cash",
    "change", "tender", "sub",     "disc",  "qty",     "paid", "amount", "bal", "card", "visa",
    "date",   "time",   "invoice", "bill",  "receipt", "no",   "tel",    "net", "rm",   "sst"};

/* Index of the label class of word w (xfeat_word form), or -1. */
static int label_class(const char *w)
{
    size_t n = strlen(w);
    for (size_t k = 0; k < sizeof label_stems / sizeof label_stems[0]; k++) {
        const char *st = label_stems[k];
        size_t sl = strlen(st);
        if (sl <= 3 ? strcmp(w, st) == 0 || (n == sl + 1 && strncmp(w, st, sl) == 0)
                    : strstr(w, st) != NULL)
            return (int)k;
        /* one letter misread, dropped or added in a long label ("fotal", "tota", "totai") */
        if (sl >= 5 && n + 1 >= sl && n <= sl + 1 && align_distance(w, n, st, sl, 1) <= 1)
            return (int)k;
    }
    return -1;
}

/* Label classes among words [w0, w1) of p, as "prefix=stem" (and conjoined with tag when not
 * NULL: the amount's rank, so "total and the largest" differs from "cash and the largest"). */
static void put_labels(struct fb *b, const struct dp_page *p, size_t w0, size_t w1,
                       const char *prefix, const char *tag)
{
    unsigned long seen = 0;
    char w[32], k[64];
    for (size_t i = w0; i < w1; i++) {
        xfeat_word(p->words[i].text ? p->words[i].text : "", w, sizeof w);
        int c = *w ? label_class(w) : -1;
        if (c < 0 || (seen >> c & 1ul))
            continue;
        seen |= 1ul << c;
        putf(b, prefix, label_stems[c]);
        if (tag) {
            snprintf(k, sizeof k, "%s&%s", label_stems[c], tag);
            putf(b, prefix, k);
        }
    }
}

/* ---- one candidate ---- */

/* What line li of a run is like, under prefix: mostly digits (an id, a phone or a date line),
 * letters only, or mixed; its label words; the shapes and words it starts and ends with. A run
 * that takes in a registration number above an address or a phone line below it differs from
 * the address alone only here. */
/* Whether line li of cp holds a word of five digits (punctuation around it dropped): a
 * postcode, which most addresses end in. */
static int postcode_line(const struct cand_page *cp, size_t li)
{
    const struct cand_line *l = &cp->lines[li];
    for (size_t i = l->w0; i < l->w1; i++) {
        const char *t = cp->page->words[i].text ? cp->page->words[i].text : "";
        size_t a = 0, n = strlen(t), d = 0;
        while (a < n && strchr(",.;:()", t[a]))
            a++;
        while (n > a && strchr(",.;:()", t[n - 1]))
            n--;
        for (size_t k = a; k < n; k++)
            d += t[k] >= '0' && t[k] <= '9';
        if (n - a == 5 && d == 5)
            return 1;
    }
    return 0;
}

int xfeat_regno(const char *w)
{
    size_t a = 0, n = strlen(w), d = 0;
    while (a < n && strchr("([:.,;", w[a]))
        a++;
    while (n > a && strchr(")]:.,;", w[n - 1]))
        n--;
    while (a + d < n && w[a + d] >= '0' && w[a + d] <= '9')
        d++;
    return d >= 4 && d <= 12 && a + d + 2 == n && w[a + d] == '-' && w[n - 1] >= 'A' &&
           w[n - 1] <= 'Z';
}

/* What each line of a page holds (XFEAT_LINE_* bits), and its first line with a postcode and
 * its first with a legal form (nlines when none): worked out once a page. */
enum { XFEAT_LINE_LEGAL = 1, XFEAT_LINE_REGNO = 2, XFEAT_LINE_POSTCODE = 4 };
struct pblock {
    const unsigned char *m; /* per line */
    size_t pc, lg;
};

static void page_block(const struct cand_page *cp, unsigned char *m, struct pblock *pb)
{
    pb->m = m;
    pb->pc = pb->lg = cp->nlines;
    for (size_t li = 0; li < cp->nlines; li++) {
        const struct cand_line *l = &cp->lines[li];
        m[li] = postcode_line(cp, li) ? XFEAT_LINE_POSTCODE : 0;
        for (size_t i = l->w0; i < l->w1; i++) {
            const char *t = cp->page->words[i].text ? cp->page->words[i].text : "";
            if (namesfx_legal_form(t))
                m[li] |= XFEAT_LINE_LEGAL;
            if (xfeat_regno(t))
                m[li] |= XFEAT_LINE_REGNO;
        }
        if (pb->pc == cp->nlines && (m[li] & XFEAT_LINE_POSTCODE))
            pb->pc = li;
        if (pb->lg == cp->nlines && (m[li] & XFEAT_LINE_LEGAL))
            pb->lg = li;
    }
}

/* Where a candidate stands against the page's company block: the first line that holds a
 * postcode (the address's end: "pcd", lines from the candidate's last line down to it, "b"
 * when the candidate is below it, "n" when no line holds one), whether a line above holds a
 * legal form ("lga": a name printed above, so this may be a brand, a branch, a mall or a
 * customer's line), and whether the candidate's last line, the line below or the line above
 * holds a registration number ("rgs", "rgb", "rga": the registered name is printed beside or
 * over it). */
static void put_block(struct fb *b, const struct cand_set *s, const struct cand *c,
                      const struct pblock *pb)
{
    const struct cand_page *cp = &s->pages[c->cpage];
    size_t pc = pb->pc;
    if (pc == cp->nlines)
        put(b, "pcd=n", 1);
    else if (pc < c->line0)
        put(b, "pcd=b", 1);
    else
        puti(b, "pcd", pc <= c->line1 ? 0 : pc - c->line1 < 5 ? (int)(pc - c->line1) : 5);
    puti(b, "lga", pb->lg < c->line0);
    puti(b, "rgs", (pb->m[c->line1] & XFEAT_LINE_REGNO) != 0);
    if (c->line1 + 1 < cp->nlines)
        puti(b, "rgb", (pb->m[c->line1 + 1] & XFEAT_LINE_REGNO) != 0);
    if (c->line0 > 0)
        puti(b, "rga", (pb->m[c->line0 - 1] & XFEAT_LINE_REGNO) != 0);
}

static void put_line_kind(struct fb *b, const struct cand_page *cp, size_t li, const char *prefix)
{
    const struct dp_page *p = cp->page;
    const struct cand_line *l = &cp->lines[li];
    size_t dig = 0, alpha = 0;
    char k[16], sh[16];
    for (size_t i = l->w0; i < l->w1; i++)
        for (const char *t = p->words[i].text ? p->words[i].text : ""; *t; t++) {
            dig += *t >= '0' && *t <= '9';
            alpha += (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z');
        }
    snprintf(k, sizeof k, "%sc", prefix);
    putf(b, k, dig >= 6 && alpha <= 3 ? "num" : dig == 0 ? "alpha" : "mix");
    snprintf(k, sizeof k, "%sk", prefix);
    put_labels(b, p, l->w0, l->w1, k, NULL);
    snprintf(k, sizeof k, "%ss0", prefix);
    xfeat_shape(p->words[l->w0].text ? p->words[l->w0].text : "", sh, sizeof sh);
    putf(b, k, sh);
    snprintf(k, sizeof k, "%ss1", prefix);
    xfeat_shape(p->words[l->w1 - 1].text ? p->words[l->w1 - 1].text : "", sh, sizeof sh);
    putf(b, k, sh);
    snprintf(k, sizeof k, "%sw0", prefix);
    put_words(b, p, l->w0, l->w0 + 1, k, 1);
    snprintf(k, sizeof k, "%spc", prefix);
    puti(b, k, postcode_line(cp, li));
}

static void cand_features(const struct cand_set *s, size_t ci, const double *amounts,
                          const struct pblock *pbs, struct fb *b)
{
    static const int line_edges[] = {1, 2, 3, 4, 5, 8, 13};
    const struct cand *c = &s->c[ci];
    const struct cand_page *cp = &s->pages[c->cpage];
    const struct dp_page *p = cp->page;
    const struct cand_line *l0 = &cp->lines[c->line0], *l1 = &cp->lines[c->line1];
    double pw = p->width > 0 ? p->width : 1, ph = p->height > 0 ? p->height : 1;
    double xc = (c->x + c->w / 2.0) / pw, yc = (c->y + c->h / 2.0) / ph;
    b->n = 0;
    puti(b, "k", c->kind);
    puti(b, "nl", (int)(c->line1 - c->line0 + 1));
    if (c->kind != 2)
        puti(b, "nw", (int)(c->w1 - c->w0 < 6 ? c->w1 - c->w0 : 6));
    puti(b, "xb", (int)(xc * 10));
    puti(b, "yb", (int)(yc * 10));
    puti(b, "xl", (int)((double)c->x / pw * 10));
    put(b, "x", xc);
    put(b, "y", yc);
    puti(b, "lt", bin((int)c->line0, line_edges, 7));
    puti(b, "lb", bin((int)(cp->nlines - 1 - c->line1), line_edges, 7));
    double hr = (double)(c->kind == 2 ? l0->h : c->h) / cp->median_h;
    puti(b, "h", hr < 0.8 ? 0 : hr < 1.2 ? 1 : hr < 1.6 ? 2 : 3);
    puti(b, "pg", c->page < 3 ? (int)c->page : 3);
    if (c->alt)
        put(b, "alt", 1); /* it takes in a line of the second reading */
    puti(b, "first", c->kind != 2 && c->w0 == l0->w0);
    puti(b, "last", c->kind != 2 && c->w1 == l1->w1);
    /* shape */
    char sh[16], amt[48];
    xfeat_shape(c->text, sh, sizeof sh);
    putf(b, "sh", sh);
    size_t len = strlen(c->text), dig = 0, alpha = 0, upper = 0;
    for (const char *t = c->text; *t; t++) {
        dig += *t >= '0' && *t <= '9';
        alpha += (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z');
        upper += *t >= 'A' && *t <= 'Z';
    }
    puti(b, "len", len < 4 ? 0 : len < 8 ? 1 : len < 16 ? 2 : len < 32 ? 3 : len < 64 ? 4 : 5);
    puti(b, "dig", dig == 0 ? 0 : dig * 2 < len ? 1 : 2);
    puti(b, "up", alpha == 0 ? 0 : upper == alpha ? 2 : upper * 2 > alpha ? 1 : 3);
    struct extract_date d;
    if (extract_parse_date(c->text, len, EXTRACT_DAY_FIRST, &d) == DP_OK)
        put(b, "date", 1);
    if (is_amount_text(c->text, amt, sizeof amt))
        put(b, "amt", 1);
    if (extract_currency_code(c->text, len))
        put(b, "cur", 1);
    char rtag[16] = "";
    if (amounts[ci] >= 0) {
        int rank = 0, same = 0;
        for (size_t j = 0; j < s->n; j++) {
            if (s->c[j].alt) /* the second reading's copies are not other amounts */
                continue;
            rank += amounts[j] > amounts[ci];
            same += j != ci && amounts[j] == amounts[ci];
        }
        puti(b, "ar", rank < 4 ? rank : 4);
        puti(b, "rep", same < 3 ? same : 3); /* a total is printed again (cash, paid, ...) */
        /* arithmetic: the difference of two other amounts (cash - change) or their sum
         * (subtotal + tax, items) */
        int diff = 0, sum = 0;
        double v[64]; /* the other distinct amounts of the document (the first 64) */
        size_t nv = 0;
        for (size_t j = 0; j < s->n && nv < 64; j++) {
            size_t q = 0;
            if (amounts[j] <= 0 || amounts[j] == amounts[ci] || s->c[j].alt)
                continue;
            while (q < nv && v[q] != amounts[j])
                q++;
            if (q == nv)
                v[nv++] = amounts[j];
        }
        for (size_t j = 0; j < nv; j++)
            for (size_t q = j + 1; q < nv; q++) {
                diff |= fabs(fabs(v[j] - v[q]) - amounts[ci]) < 0.005;
                sum |= fabs(v[j] + v[q] - amounts[ci]) < 0.005;
            }
        put(b, diff ? "adiff=1" : "adiff=0", 1);
        put(b, sum ? "asum=1" : "asum=0", 1);
        long cents = (long)(amounts[ci] * 100 + 0.5);
        put(b, cents % 5 == 0 ? "r5=1" : "r5=0", 1); /* cash totals round to 5 sen */
        snprintf(rtag, sizeof rtag, "ar%d", rank < 4 ? rank : 4);
    }
    /* it ends in a legal form ("SDN BHD", "CO", "(M)"): a company's full name */
    {
        const char *lw = strrchr(c->text, ' ');
        if (namesfx_legal_form(lw ? lw + 1 : c->text))
            put(b, "legal", 1);
    }
    if (!xfeat_kind(c->text)) /* names and addresses: not dates and amounts */
        put_block(b, s, c, &pbs[c->cpage]);
    /* label words inside the candidate (a run of lines that takes in a phone line) */
    for (size_t li = c->line0; li <= c->line1 && c->kind == 2; li++)
        put_labels(b, p, cp->lines[li].w0, cp->lines[li].w1, "in", NULL);
    /* a run's first and last lines: an id line above an address, a phone line below it */
    if (c->kind == 2) {
        put_line_kind(b, cp, c->line0, "f");
        put_line_kind(b, cp, c->line1, "z");
        /* the line below holds a postcode: the run may stop short of the address's end */
        puti(b, "bpc", c->line1 + 1 < cp->nlines && postcode_line(cp, c->line1 + 1));
    }
    /* label words on the line before the value, and on the line above */
    if (c->kind != 2) {
        put_labels(b, p, l0->w0, c->w0, "lk", rtag[0] ? rtag : NULL);
        if (c->line0 > 0)
            put_labels(b, p, cp->lines[c->line0 - 1].w0, cp->lines[c->line0 - 1].w1, "ak", NULL);
    }
    /* words of the candidate (first of each line for runs) */
    if (c->kind == 2) {
        for (size_t li = c->line0; li <= c->line1; li++)
            put_words(b, p, cp->lines[li].w0, cp->lines[li].w1, "w", 2);
    } else {
        put_words(b, p, c->w0, c->w1, "w", 6);
    }
    /* context: left and right on the line, the lines above and below */
    if (c->kind != 2) {
        size_t from = c->w0 > l0->w0 + 3 ? c->w0 - 3 : l0->w0;
        put_words(b, p, from, c->w0, "l", 3);
        if (c->w0 > l0->w0)
            put_words(b, p, c->w0 - 1, c->w0, "l1", 1);
        else
            put(b, "l1=^", 1);
        if (c->w1 < l1->w1)
            put_words(b, p, c->w1, c->w1 + 1, "r1", 1);
        else
            put(b, "r1=$", 1);
    }
    if (c->line0 > 0)
        put_words(b, p, cp->lines[c->line0 - 1].w0, cp->lines[c->line0 - 1].w1, "a", 5);
    else
        put(b, "a=^", 1);
    if (c->line0 > 1)
        put_words(b, p, cp->lines[c->line0 - 2].w0, cp->lines[c->line0 - 2].w1, "a2", 4);
    if (c->line1 + 1 < cp->nlines)
        put_words(b, p, cp->lines[c->line1 + 1].w0, cp->lines[c->line1 + 1].w1, "bl", 4);
    else
        put(b, "bl=$", 1);
}

/* Marks a candidate that is a rules field's match: the same box (page and overlap) or the same
 * text. */
static void rules_features(const struct cand *c, const cJSON *rules, struct fb *b)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, rules)
    {
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "source"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "text"));
        const cJSON *bb = cJSON_GetObjectItemCaseSensitive(f, "bbox");
        const cJSON *pg = cJSON_GetObjectItemCaseSensitive(f, "page");
        if (!name || (src && strcmp(src, "rules") != 0))
            continue;
        if (text && strcmp(text, c->text) == 0)
            putf(b, "rt", name);
        if (cJSON_GetArraySize(bb) == 4 && cJSON_IsNumber(pg) &&
            (size_t)pg->valueint == c->page + 1) {
            int x = cJSON_GetArrayItem(bb, 0)->valueint, y = cJSON_GetArrayItem(bb, 1)->valueint;
            int w = cJSON_GetArrayItem(bb, 2)->valueint, h = cJSON_GetArrayItem(bb, 3)->valueint;
            int ix = (x + w < c->x + c->w ? x + w : c->x + c->w) - (x > c->x ? x : c->x);
            int iy = (y + h < c->y + c->h ? y + h : c->y + c->h) - (y > c->y ? y : c->y);
            double inter = ix > 0 && iy > 0 ? (double)ix * iy : 0;
            double uni = (double)w * h + (double)c->w * c->h - inter;
            if (uni > 0 && inter / uni >= 0.7)
                putf(b, "rb", name);
        }
    }
}

/* Sorts, merges duplicate indices (summing), appends the bias and the terminator. */
static size_t finish(struct fb *b, struct feature_node *out)
{
    qsort(b->f, b->n, sizeof b->f[0], cmp_node);
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (k && out[k - 1].index == b->f[i].index)
            out[k - 1].value += b->f[i].value;
        else
            out[k++] = b->f[i];
    }
    out[k].index = XFEAT_DIM + 1;
    out[k].value = 1.0;
    out[k + 1].index = -1;
    out[k + 1].value = 0;
    return k + 2;
}

dp_err xfeat_doc_subset(const struct cand_set *s, const cJSON *rules, const size_t *idx, size_t n,
                        struct xfeat_doc *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = (n ? n : 1) * 48; /* a typical candidate has 30-60 features: grown on demand */
    size_t *off = malloc((n ? n : 1) * sizeof *off);
    out->x = calloc(n ? n : 1, sizeof *out->x);
    out->nodes = malloc(cap * sizeof *out->nodes);
    out->kind = malloc(n ? n : 1);
    double *amounts = amount_values(s);
    struct fb *b = malloc(sizeof *b);
    size_t nl = 0;
    for (size_t p = 0; p < s->npages; p++)
        nl += s->pages[p].nlines;
    struct pblock *pbs = malloc((s->npages ? s->npages : 1) * sizeof *pbs);
    unsigned char *marks = malloc(nl ? nl : 1);
    dp_err rc = DP_ENOMEM;
    if (!off || !out->x || !out->nodes || !out->kind || !amounts || !b || !pbs || !marks)
        goto out;
    nl = 0;
    for (size_t p = 0; p < s->npages; p++) {
        page_block(&s->pages[p], marks + nl, &pbs[p]);
        nl += s->pages[p].nlines;
    }
    size_t used = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = idx ? idx[k] : k;
        cand_features(s, i, amounts, pbs, b);
        out->kind[k] = (unsigned char)xfeat_kind(s->c[i].text);
        if (rules)
            rules_features(&s->c[i], rules, b);
        if (used + XFEAT_MAX > cap) {
            cap = (used + XFEAT_MAX) * 2;
            struct feature_node *nn = realloc(out->nodes, cap * sizeof *nn);
            if (!nn)
                goto out;
            out->nodes = nn;
        }
        off[k] = used;
        used += finish(b, out->nodes + used);
    }
    struct feature_node *fit = realloc(out->nodes, (used ? used : 1) * sizeof *fit);
    if (fit)
        out->nodes = fit;
    for (size_t k = 0; k < n; k++) /* pointers only once the buffer stopped moving */
        out->x[k] = out->nodes + off[k];
    out->n = n;
    rc = DP_OK;
out:
    free(off);
    free(amounts);
    free(b);
    free(pbs);
    free(marks);
    if (rc)
        xfeat_doc_cleanup(out);
    return rc;
}

dp_err xfeat_doc(const struct cand_set *s, const cJSON *rules, struct xfeat_doc *out)
{
    return xfeat_doc_subset(s, rules, NULL, s->n, out);
}

void xfeat_doc_cleanup(struct xfeat_doc *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->nodes);
    free(d->kind);
    memset(d, 0, sizeof *d);
}
