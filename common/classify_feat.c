/* classify_feat.c -- turns a document's text (and page layout) into the classifier's hashed,
 * log-damped, per-group length-normalised sparse feature vector. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "classify_int.h"

/* Feature groups. Each group's vector is L2-normalised and scaled by its weight, so that
 * e.g. the many character n-grams do not drown the words, and long documents count as
 * much as short ones. The weights were chosen by cross-validation on classes/ and checked
 * on 209 documents the models had not seen (docs/EVAL.md, "Tenant classifier: punctuation
 * and layout"): layout and punctuation carry what little text forms and receipts have.
 * A group's pull on the score is its weight times the square root of its distinct features
 * (the sum of an L2-normalised vector), so the character n-grams of a long page outweigh its
 * few punctuation runs many times over; set 4 weighs the runs 2 instead of 1.5 (branch cls8:
 * make eval's texts and plain Tesseract text of classes/ better or equal on every protocol,
 * e.g. standard split 0.983 -> 0.992 and 0.975 -> 0.983; a prose-like form no longer read as
 * a paper). Heavier still (2.5, 3) did better on the splits but put one more unseen form in a
 * wrong class. With 3-5 examples per class 2 is a little worse than 1.5 (0-10 more of ~300
 * other documents missed), with 10 a little better (docs/EVAL.md); a tenant model takes set 4
 * from 16 examples in its smallest class only (classify_pick_set, branch cls9). */
enum { G_WORD, G_BIGRAM, G_CHAR, G_LAYOUT, G_PUNCT, G_LINE, G_COUNT };    /* G_WORD must stay 0 */
static const double weight_v4[G_COUNT] = {1.0, 0.6, 0.7, 1.0, 2.0, 0.25}; /* CLASSIFY_FEATURES */
static const double weight_v3[G_COUNT] = {1.0, 0.6, 0.7, 1.0, 1.5, 0.25}; /* ..._V3 */
static const double weight_v2[G_COUNT] = {1.0, 0.6, 0.7, 1.0, 1.5, 0.0};  /* ..._V2 */
static const double weight_v1[G_COUNT] = {1.0, 0.6, 1.0, 0.4, 0.0, 0.0};  /* ..._V1 */

#define TOK_MAX 32 /* bytes of a normalised token kept; longer tokens are cut */

/* Growable list of (group << 32 | bucket) feature occurrences. */
struct occ {
    uint64_t *v;
    size_t n, cap;
    uint32_t mask;
    int oom;
    int v1;               /* CLASSIFY_FEATURES_V1: no punctuation runs, the first 7 layout tokens */
    int lines;            /* CLASSIFY_FEATURES_V3 and later: a line-shape token per line */
    const double *weight; /* the feature set's group weights */
};

/* Per-document counters for the layout tokens. */
struct layout {
    size_t nwords, ndigit;          /* tokens; tokens with a digit */
    size_t nlines, namount, ncolon; /* non-empty lines; ending in an amount; in ':' */
    size_t nshort;                  /* lines of 1..3 tokens */
    size_t nalpha, nupper;          /* tokens with 2+ letters; of them, all in capitals */
    size_t line_words;              /* tokens on the current line */
    size_t line_digit, line_caps;   /* of them, with a digit; with letters, all capitals */
    int last_amount, prev_amount;   /* last / second-last token of the line is an amount */
    int last_short_alpha;           /* last token is 1..3 letters (a currency code) */
    unsigned char last_char;        /* last non-blank byte of the line */
};

/* ---- hashing ---- */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_bytes(uint64_t seed, const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return mix64(h);
}

static void emit(struct occ *o, unsigned group, uint64_t h)
{
    if (o->oom)
        return;
    if (o->n == o->cap) {
        size_t ncap = o->cap ? o->cap * 2 : 4096;
        uint64_t *nv = realloc(o->v, ncap * sizeof(*nv));
        if (!nv) {
            o->oom = 1;
            return;
        }
        o->v = nv;
        o->cap = ncap;
    }
    o->v[o->n++] = ((uint64_t)group << 32) | (uint32_t)(h & o->mask);
}

static void emit_str(struct occ *o, unsigned group, const char *s)
{
    emit(o, group, hash_bytes(group, (const unsigned char *)s, strlen(s)));
}

/* ---- tokens ---- */

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of a UTF-8 separator at p (no-break space, general punctuation such as dashes and
 * curly quotes), or 0. */
static size_t utf8_sep(const unsigned char *p, size_t left)
{
    if (left >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80)
        return 3;
    return 0;
}

/* An amount after normalisation: ends in a decimal separator and two digits, "0.00". */
static int is_amount(const unsigned char *t, size_t n)
{
    return n >= 4 && t[n - 1] == '0' && t[n - 2] == '0' && (t[n - 3] == '.' || t[n - 3] == ',') &&
           t[n - 4] == '0';
}

/* Word unigram, bigram with the previous token, and the character n-grams of "<token>". */
static void emit_token(struct occ *o, const unsigned char *t, size_t n, uint64_t *prev)
{
    uint64_t h = hash_bytes(G_WORD, t, n);
    emit(o, G_WORD, h);
    if (*prev)
        emit(o, G_BIGRAM, mix64(*prev * 31 + h));
    *prev = h;

    unsigned char b[TOK_MAX + 2];
    size_t bn = n + 2;
    b[0] = '<';
    memcpy(b + 1, t, n);
    b[n + 1] = '>';
    for (size_t k = 3; k <= 5; k++)
        for (size_t s = 0; s + k <= bn; s++)
            emit(o, G_CHAR, hash_bytes(G_CHAR + 16 * k, b + s, k));
}

/* The shape of a finished line: how many words (1, 2-3, 4-7, more), how it ends (':', '.',
 * a letter, a digit, other), whether it has a number, whether it is all capitals. "Name:"
 * lines, headings, number columns and prose lines are what forms, papers and letters are
 * made of; the layout tokens only count their shares, this says which lines there are. */
static void emit_line_shape(struct occ *o, const struct layout *l)
{
    size_t w = l->line_words;
    unsigned char c = l->last_char, key[4];
    key[0] = (unsigned char)(w == 1 ? 1 : w <= 3 ? 2 : w <= 7 ? 3 : 4);
    key[1] = (unsigned char)(c == ':'               ? 1
                             : c == '.'             ? 2
                             : c >= 'a' && c <= 'z' ? 3
                             : c == '0'             ? 4
                                                    : 5);
    key[2] = (unsigned char)(l->line_digit > 0);
    key[3] = (unsigned char)(l->line_caps == w);
    emit(o, G_LINE, hash_bytes(G_LINE, key, sizeof key));
}

static void line_end(struct occ *o, struct layout *l)
{
    if (l->line_words > 0 && o->lines)
        emit_line_shape(o, l);
    l->line_digit = l->line_caps = 0;
    if (l->line_words > 0) {
        l->nlines++;
        l->nshort += l->line_words <= 3;
        if (l->last_amount || (l->last_short_alpha && l->prev_amount))
            l->namount++;
        if (l->last_char == ':')
            l->ncolon++;
    }
    l->line_words = 0;
    l->last_amount = l->prev_amount = l->last_short_alpha = 0;
    l->last_char = 0;
}

/* A run of punctuation between words ("___", "[_]", ":", "$"), collapsed (a repeated byte
 * counts once) and capped: fill-in lines, check boxes and "Label:" are what forms are made of,
 * and they survive OCR better than the words around them. */
#define PUNCT_MAX 4
struct punct {
    unsigned char b[PUNCT_MAX];
    size_t n;
};

static void punct_add(struct punct *pr, unsigned char c)
{
    if (pr->n > 0 && pr->b[pr->n - 1] == c)
        return;
    if (pr->n < PUNCT_MAX)
        pr->b[pr->n++] = c;
}

static void punct_flush(struct occ *o, struct punct *pr)
{
    if (pr->n > 0 && !o->v1)
        emit(o, G_PUNCT, hash_bytes(G_PUNCT, pr->b, pr->n));
    pr->n = 0;
}

/* Normalises and emits every token of text; counts layout facts on the way. */
static void scan_text(struct occ *o, const unsigned char *p, size_t len, struct layout *l)
{
    uint64_t prev = 0;
    size_t i = 0;
    struct punct pr_run = {{0}, 0}, *pr = &pr_run;
    while (i < len) {
        unsigned char c = p[i];
        if (c == '\n') {
            punct_flush(o, pr);
            line_end(o, l);
            i++;
            continue;
        }
        size_t sep = utf8_sep(p + i, len - i);
        if (sep || !(is_alnum(c) || c >= 0x80)) {
            if (!sep && c != ' ' && c != '\t' && c != '\r') {
                l->last_char = c;
                punct_add(pr, c);
            } else {
                punct_flush(o, pr);
            }
            i += sep ? sep : 1;
            continue;
        }
        punct_flush(o, pr);
        unsigned char t[TOK_MAX];
        size_t n = 0, nalpha = 0, nlower = 0;
        int digit = 0;
        while (i < len) {
            c = p[i];
            unsigned char out[2];
            size_t on = 0, adv = 1;
            if (utf8_sep(p + i, len - i)) {
                break;
            } else if (is_digit(c)) {
                out[on++] = '0';
                digit = 1;
            } else if (c >= 'A' && c <= 'Z') {
                out[on++] = (unsigned char)(c + 32);
                nalpha++;
            } else if (c >= 'a' && c <= 'z') {
                out[on++] = c;
                nalpha++;
                nlower++;
            } else if (c == 0xC3 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9E &&
                       p[i + 1] != 0x97) {
                /* Latin-1 capitals (U+00C0..U+00DE) to lower case */
                out[on++] = c;
                out[on++] = (unsigned char)(p[i + 1] + 0x20);
                adv = 2;
                nalpha++;
            } else if (c >= 0x80) {
                out[on++] = c;
            } else if ((c == '.' || c == ',' || c == ':' || c == '/' || c == '-') && n > 0 &&
                       t[n - 1] == '0' && i + 1 < len && is_digit(p[i + 1])) {
                out[on++] = c; /* keep "12.50", "01/02/2024" as one shaped token */
            } else {
                break;
            }
            if (n + on <= TOK_MAX) {
                memcpy(t + n, out, on);
                n += on;
            }
            i += adv;
        }
        emit_token(o, t, n, &prev);
        l->nwords++;
        l->ndigit += digit;
        l->line_words++;
        l->prev_amount = l->last_amount;
        l->last_amount = is_amount(t, n);
        l->nalpha += nalpha >= 2;
        l->nupper += nalpha >= 2 && nlower == 0;
        l->line_digit += digit;
        l->line_caps += nalpha >= 1 && nlower == 0;
        l->last_short_alpha = nalpha > 0 && nalpha <= 3 && n == nalpha;
        l->last_char = t[n - 1];
    }
    punct_flush(o, pr);
    line_end(o, l);
}

/* ---- layout tokens ---- */

static const char *band(double v, const double *cut, const char *const *name, size_t ncut)
{
    size_t k = 0;
    while (k < ncut && v >= cut[k])
        k++;
    return name[k];
}

static void emit_layout(struct occ *o, const struct layout *l, const struct dp_doc_text *doc)
{
    static const char *const size_n[] = {"__layout_words_tiny", "__layout_words_few",
                                         "__layout_words_some", "__layout_words_many",
                                         "__layout_words_huge"};
    static const double size_c[] = {20, 80, 250, 800};
    static const char *const num_n[] = {"__layout_numeric_low", "__layout_numeric_mid",
                                        "__layout_numeric_high"};
    static const double num_c[] = {0.08, 0.25};
    static const char *const amt_n[] = {"__layout_amountlines_none", "__layout_amountlines_low",
                                        "__layout_amountlines_mid", "__layout_amountlines_high"};
    static const double amt_c[] = {1e-9, 0.1, 0.3};
    static const char *const wpl_n[] = {"__layout_linewords_short", "__layout_linewords_mid",
                                        "__layout_linewords_long", "__layout_linewords_prose"};
    static const double wpl_c[] = {3, 7, 12};
    static const char *const col_n[] = {"__layout_colonlines_low", "__layout_colonlines_mid",
                                        "__layout_colonlines_high"};
    static const double col_c[] = {0.05, 0.2};
    static const char *const pg_n[] = {"__layout_pages_1", "__layout_pages_2", "__layout_pages_few",
                                       "__layout_pages_many"};
    static const double pg_c[] = {2, 3, 6};
    static const char *const wpp_n[] = {"__layout_pagewords_sparse", "__layout_pagewords_low",
                                        "__layout_pagewords_mid", "__layout_pagewords_dense"};
    static const double wpp_c[] = {50, 200, 500};
    static const char *const sh_n[] = {"__layout_shortlines_low", "__layout_shortlines_mid",
                                       "__layout_shortlines_high"};
    static const double sh_c[] = {0.15, 0.4};
    static const char *const up_n[] = {"__layout_caps_low", "__layout_caps_mid",
                                       "__layout_caps_high", "__layout_caps_most"};
    static const double up_c[] = {0.1, 0.3, 0.6};
    static const char *const ln_n[] = {"__layout_lines_few", "__layout_lines_some",
                                       "__layout_lines_many", "__layout_lines_lots"};
    static const double ln_c[] = {15, 40, 80};

    if (l->nwords == 0)
        return;
    double lines = l->nlines ? (double)l->nlines : 1.0;
    emit_str(o, G_LAYOUT, band((double)l->nwords, size_c, size_n, 4));
    emit_str(o, G_LAYOUT, band((double)l->ndigit / (double)l->nwords, num_c, num_n, 2));
    emit_str(o, G_LAYOUT, band((double)l->namount / lines, amt_c, amt_n, 3));
    emit_str(o, G_LAYOUT, band((double)l->nwords / lines, wpl_c, wpl_n, 3));
    emit_str(o, G_LAYOUT, band((double)l->ncolon / lines, col_c, col_n, 2));
    if (!o->v1)
        emit_str(o, G_LAYOUT, band((double)l->nshort / lines, sh_c, sh_n, 2));
    if (!o->v1)
        emit_str(o, G_LAYOUT, band((double)l->nlines, ln_c, ln_n, 3));
    if (l->nalpha > 0 && !o->v1)
        emit_str(o, G_LAYOUT, band((double)l->nupper / (double)l->nalpha, up_c, up_n, 3));
    if (doc && doc->npages > 0) {
        size_t words = 0;
        for (size_t i = 0; i < doc->npages; i++)
            words += doc->pages[i].nwords;
        emit_str(o, G_LAYOUT, band((double)doc->npages, pg_c, pg_n, 3));
        emit_str(o, G_LAYOUT, band((double)words / (double)doc->npages, wpp_c, wpp_n, 3));
    }
}

/* ---- occurrences to a normalised vector ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts the occurrences, damps the counts (1 + log tf), normalises each group, and merges
 * groups that hashed to the same bucket. */
static dp_err build_vec(struct occ *o, struct classify_vec *out)
{
    if (o->n > 0)
        qsort(o->v, o->n, sizeof(*o->v), cmp_u64);
    double sumsq[G_COUNT] = {0};
    size_t nu = 0; /* unique (group, bucket) pairs, compacted to the front with their tf */
    float *tf = malloc((o->n ? o->n : 1) * sizeof(*tf));
    if (!tf)
        return DP_ENOMEM;
    for (size_t i = 0; i < o->n;) {
        size_t j = i;
        while (j < o->n && o->v[j] == o->v[i])
            j++;
        double x = 1.0 + log((double)(j - i));
        o->v[nu] = o->v[i];
        tf[nu++] = (float)x;
        sumsq[o->v[i] >> 32] += x * x;
        i = j;
    }
    /* re-key by bucket so the groups can be merged */
    for (size_t i = 0; i < nu; i++) {
        unsigned g = (unsigned)(o->v[i] >> 32);
        float w = (float)(o->weight[g] * tf[i] / sqrt(sumsq[g]));
        uint32_t wbits;
        memcpy(&wbits, &w, sizeof(wbits));
        o->v[i] = ((o->v[i] & 0xffffffffULL) << 35) | ((uint64_t)g << 32) | wbits;
    }
    free(tf);
    if (nu > 0)
        qsort(o->v, nu, sizeof(*o->v), cmp_u64);
    out->idx = malloc((nu ? nu : 1) * sizeof(*out->idx));
    out->val = malloc((nu ? nu : 1) * sizeof(*out->val));
    out->grp = malloc(nu ? nu : 1);
    if (!out->idx || !out->val || !out->grp) {
        classify_vec_cleanup(out);
        return DP_ENOMEM;
    }
    size_t np = 0;
    for (size_t i = 0; i < nu; i++)
        np += ((o->v[i] >> 32) & 7) == G_PUNCT;
    out->pj = malloc((np ? np : 1) * sizeof(*out->pj));
    out->pu = malloc((np ? np : 1) * sizeof(*out->pu));
    if (!out->pj || !out->pu) {
        classify_vec_cleanup(out);
        return DP_ENOMEM;
    }
    out->n = 0;
    for (size_t i = 0; i < nu; i++) {
        uint32_t b = (uint32_t)(o->v[i] >> 35), wbits = (uint32_t)o->v[i];
        unsigned gi = (unsigned)((o->v[i] >> 32) & 7);
        unsigned char g = (unsigned char)(1u << gi);
        float w;
        memcpy(&w, &wbits, sizeof(w));
        if (out->n > 0 && out->idx[out->n - 1] == b) {
            out->val[out->n - 1] += w;
            out->grp[out->n - 1] |= g;
        } else {
            out->idx[out->n] = b;
            out->grp[out->n] = g;
            out->val[out->n++] = w;
        }
        if (gi == G_PUNCT && o->weight[G_PUNCT] > 0) {
            out->pj[out->np] = (uint32_t)(out->n - 1);
            out->pu[out->np++] = (float)(w / o->weight[G_PUNCT]);
        }
    }
    return DP_OK;
}

static const double *set_weights(unsigned features)
{
    return features == CLASSIFY_FEATURES_V1   ? weight_v1
           : features == CLASSIFY_FEATURES_V2 ? weight_v2
           : features == CLASSIFY_FEATURES_V3 ? weight_v3
                                              : weight_v4;
}

double classify_punct_weight(unsigned features)
{
    return set_weights(features)[G_PUNCT];
}

void classify_vec_reweigh(struct classify_vec *v, double from, double to)
{
    for (size_t i = 0; i < v->np; i++)
        v->val[v->pj[i]] = (float)((double)v->val[v->pj[i]] + (to - from) * (double)v->pu[i]);
}

/* Joins the pages' text with newlines, capped at CLASSIFY_MAX_TEXT; caller frees. */
static char *join_pages(const struct dp_doc_text *doc, size_t *len)
{
    char *buf = malloc(CLASSIFY_MAX_TEXT);
    if (!buf)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < doc->npages && n < CLASSIFY_MAX_TEXT; i++) {
        const char *t = doc->pages[i].text;
        size_t tl = t ? strlen(t) : 0;
        if (tl > CLASSIFY_MAX_TEXT - n)
            tl = CLASSIFY_MAX_TEXT - n;
        memcpy(buf + n, t ? t : "", tl);
        n += tl;
        if (n < CLASSIFY_MAX_TEXT)
            buf[n++] = '\n';
    }
    *len = n;
    return buf;
}

dp_err classify_features(const char *text, size_t len, const struct dp_doc_text *doc,
                         const struct classify_opts *opts, struct classify_vec *out, size_t *nwords)
{
    struct occ o = {.mask = (uint32_t)((1ULL << opts->hash_bits) - 1),
                    .v1 = opts->features == CLASSIFY_FEATURES_V1,
                    .lines = opts->features >= CLASSIFY_FEATURES_V3};
    o.weight = set_weights(opts->features);
    struct layout l = {0};
    char *joined = NULL;
    dp_err err = DP_ENOMEM;

    memset(out, 0, sizeof(*out));
    *nwords = 0;
    if (!text && doc) {
        joined = join_pages(doc, &len);
        if (!joined)
            goto out;
        text = joined;
    }
    if (!text)
        len = 0;
    if (len > CLASSIFY_MAX_TEXT)
        len = CLASSIFY_MAX_TEXT; /* best effort: the head of a document decides its class */
    scan_text(&o, (const unsigned char *)(text ? text : ""), len, &l);
    emit_layout(&o, &l, doc);
    if (o.oom)
        goto out;
    err = build_vec(&o, out);
    *nwords = l.nwords;
out:
    free(o.v);
    free(joined);
    return err;
}

void classify_vec_cleanup(struct classify_vec *v)
{
    if (!v)
        return;
    free(v->idx);
    free(v->val);
    free(v->grp);
    free(v->pj);
    free(v->pu);
    v->idx = NULL;
    v->val = NULL;
    v->grp = NULL;
    v->pj = NULL;
    v->pu = NULL;
    v->n = v->np = 0;
}
