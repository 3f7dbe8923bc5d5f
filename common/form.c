/* form.c -- key-value pairs from word boxes: a phrase whose word ends in ':' is a label; its
 * answer is the rest of the phrase, else the next phrase to its right on the line, else the
 * phrase just below it, else a selection mark to its right, else nothing (value: null). */
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "table_int.h"

#define KV_GAP_EM     1.2 /* phrase-splitting gap for forms (labels sit closer to answers) */
#define KV_RIGHT_EM   25  /* an answer to the right starts within this many em of its label */
#define KV_BELOW_EM   1.6 /* an answer below starts within this many em under its label */
#define KV_INDENT_EM  3.0 /* ... and at most this far left or right of the label's start */
#define KV_MAX_KEY    6   /* words in a label */
#define KV_JOIN_EM    2.0 /* an answer goes on across gaps up to this wide */
#define KV_CONT_EM    0.9 /* a continuation line of an answer starts at most this far below */
#define KV_MAX_LINES  8   /* lines of one answer */
#define KV_BARE_WORDS 4
#define KV_BARE_CONF                                                                               \
    0.5 /* a bare label read less surely than this is not trusted */ /* words of a label written   \
                                                                        without a colon */

/* Whether word text ends with a colon (the label mark). */
static int colon_end(const char *t)
{
    size_t n = strlen(t);
    return n > 0 && t[n - 1] == ':';
}

/* Index (in the layout's ord) of the first label-ending word in segment s, or -1. */
static long key_end(const struct tl_layout *L, const struct tl_seg *s)
{
    for (size_t w = s->w0; w < s->w0 + s->nw && w < s->w0 + KV_MAX_KEY; w++)
        if (colon_end(L->words[L->ord[w]].text))
            return (long)w;
    return -1;
}

/* Mean confidence 0..1 of words ord[w0..w0+nw). */
static double mean_conf(const struct tl_layout *L, size_t w0, size_t nw)
{
    double s = 0;
    for (size_t i = 0; i < nw; i++)
        s += L->words[L->ord[w0 + i]].conf;
    return nw ? s / (double)nw / 100.0 : 0.0;
}

/* Trims trailing blanks and a label's colon, and cuts over-long text at a character boundary. */
static void tidy(char *t, int strip_colon)
{
    size_t n = strlen(t);
    if (n > FORM_MAX_TEXT) {
        n = FORM_MAX_TEXT;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
        t[n] = '\0';
    }
    while (n && (t[n - 1] == ' ' || (strip_colon && t[n - 1] == ':')))
        t[--n] = '\0';
}

/* Word ranges of the layout's ord making up a text. */
struct wrange {
    size_t w0, nw;
};

static dp_err set_text(struct form_text *ft, const struct tl_layout *L, const struct wrange *r,
                       size_t nr, int strip_colon)
{
    ft->bbox = (struct table_box){0, 0, 0, 0};
    ft->text = NULL;
    for (size_t i = 0; i < nr; i++)
        if (tl_append(L, r[i].w0, r[i].nw, &ft->text, &ft->bbox))
            return DP_ENOMEM;
    if (!ft->text && !(ft->text = strdup("")))
        return DP_ENOMEM;
    tidy(ft->text, strip_colon);
    return DP_OK;
}

/* Whether segment q holds a word ending in ':' (a label). */
static int has_label(const struct tl_layout *L, size_t q)
{
    for (size_t w = L->segs[q].w0; w < L->segs[q].w0 + L->segs[q].nw; w++)
        if (colon_end(L->words[L->ord[w]].text))
            return 1;
    return 0;
}

/* Line and segment holding word index w of the layout's ord. */
static void locate(const struct tl_layout *L, size_t w, size_t *line, size_t *seg)
{
    *line = *seg = 0;
    for (size_t l = 0; l < L->nlines; l++) {
        const struct tl_line *ln = &L->lines[l];
        for (size_t q = ln->s0; q < ln->s0 + ln->ns; q++)
            if (w >= L->segs[q].w0 && w < L->segs[q].w0 + L->segs[q].nw) {
                *line = l;
                *seg = q;
                return;
            }
    }
}

/* Grows an answer starting at r[0]: across the following phrases of its line (up to the next
 * label or a wide gap) when it ran to its phrase's end, then down the lines that continue it
 * (starting under it, close below, nothing in the label's column, key_x0 on).  Continuation
 * phrases are flagged in taken.  Returns the
 * number of ranges in r (at most KV_MAX_LINES). */
static size_t grow_value(const struct tl_layout *L, struct wrange *r, int key_x0, char *taken)
{
    size_t line, q;
    locate(L, r[0].w0 + r[0].nw - 1, &line, &q);
    const struct tl_line *ln = &L->lines[line];
    while (r[0].w0 + r[0].nw == L->segs[q].w0 + L->segs[q].nw && q + 1 < ln->s0 + ln->ns &&
           L->segs[q + 1].x0 - L->segs[q].x1 <= KV_JOIN_EM * L->hmed && !has_label(L, q + 1)) {
        q++;
        r[0].nw = L->segs[q].w0 + L->segs[q].nw - r[0].w0;
        taken[q] = 1;
    }
    size_t nr = 1;
    int x0 = L->words[L->ord[r[0].w0]].x, bottom = ln->y1;
    for (size_t b = line + 1; b < L->nlines && nr < KV_MAX_LINES; b++) {
        const struct tl_line *bl = &L->lines[b];
        if (bl->y0 - bottom > KV_CONT_EM * L->hmed)
            break;
        size_t hit = (size_t)-1;
        for (size_t c = bl->s0; c < bl->s0 + bl->ns && hit == (size_t)-1; c++)
            if (abs(L->segs[c].x0 - x0) <= KV_INDENT_EM * L->hmed / 2)
                hit = c;
        if (hit == (size_t)-1 || taken[hit] || has_label(L, hit))
            break;
        /* a continuation line has nothing in the label's column (else it is the next row) */
        int left = key_x0 < x0 ? key_x0 : x0 - 1;
        for (size_t c = bl->s0; c < hit && hit != (size_t)-1; c++)
            if (L->segs[c].x1 > left)
                hit = (size_t)-1;
        if (hit == (size_t)-1)
            break;
        r[nr++] = (struct wrange){L->segs[hit].w0, L->segs[hit].nw};
        taken[hit] = 1;
        bottom = bl->y1;
    }
    return nr;
}

/* The segment that answers a label ending at key_w in segment s of line l, looking right on
 * the line, then below.  Returns the segment index or -1; *w0 and *nw are the answer's words. */
static long find_value(const struct tl_layout *L, size_t l, size_t s, size_t *w0, size_t *nw)
{
    const struct tl_line *ln = &L->lines[l];
    const struct tl_seg *k = &L->segs[s];
    if (s + 1 < ln->s0 + ln->ns) {
        const struct tl_seg *r = &L->segs[s + 1];
        long ke = key_end(L, r);
        if (r->x0 - k->x1 <= KV_RIGHT_EM * L->hmed && ke != (long)r->w0) {
            *w0 = r->w0;
            *nw = ke < 0 ? r->nw : (size_t)ke - r->w0;
            return (long)(s + 1);
        }
        return -1; /* the next thing on the line is another label */
    }
    for (size_t b = l + 1; b < L->nlines; b++) {
        const struct tl_line *bl = &L->lines[b];
        if (bl->y0 - k->y1 > KV_BELOW_EM * L->hmed)
            break;
        for (size_t q = bl->s0; q < bl->s0 + bl->ns; q++) {
            const struct tl_seg *c = &L->segs[q];
            if (abs(c->x0 - k->x0) > KV_INDENT_EM * L->hmed)
                continue;
            if (key_end(L, c) >= 0)
                return -1; /* the next label, stacked below */
            *w0 = c->w0;
            *nw = c->nw;
            return (long)q;
        }
    }
    return -1;
}

/* The marks right of a label on its line (up to limit_x, the next label): the first ticked
 * one, else the first one; -1 when there is none. */
static int find_mark(const struct form_mark *marks, size_t nmarks, int x1, int y0, int y1,
                     int limit_x, int *first_x)
{
    int first = -1, ticked = -1;
    for (size_t i = 0; i < nmarks; i++) {
        const struct table_box *b = &marks[i].bbox;
        int cy = b->y + b->h / 2;
        if (cy < y0 || cy > y1 || b->x < x1 || b->x >= limit_x)
            continue;
        if (first < 0 || b->x < marks[first].bbox.x)
            first = (int)i;
        if (marks[i].state == FORM_SELECTED && (ticked < 0 || b->x < marks[ticked].bbox.x))
            ticked = (int)i;
    }
    *first_x = first >= 0 ? marks[first].bbox.x : 1 << 30;
    return ticked >= 0 ? ticked : first;
}

/* x of the next label right of segment s on line l, or a very large x. */
static int next_label_x(const struct tl_layout *L, size_t l, size_t s)
{
    const struct tl_line *ln = &L->lines[l];
    for (size_t q = s + 1; q < ln->s0 + ln->ns; q++)
        for (size_t w = L->segs[q].w0; w < L->segs[q].w0 + L->segs[q].nw; w++)
            if (colon_end(L->words[L->ord[w]].text))
                return L->words[L->ord[L->segs[q].w0]].x;
    return 1 << 30;
}

/* Appends a zeroed pair to *kv (growing it); NULL when out of memory or at the cap. */
static struct form_kv *add_pair(struct form_kv **kv, size_t *n, size_t *cap)
{
    if (*n >= FORM_MAX_PAIRS)
        return NULL;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        struct form_kv *nk = realloc(*kv, nc * sizeof *nk);
        if (!nk)
            return NULL;
        *kv = nk;
        *cap = nc;
    }
    struct form_kv *p = &(*kv)[(*n)++];
    memset(p, 0, sizeof *p);
    p->mark = -1;
    return p;
}

/* The pairs of one phrase: each label in it (a word ending in ':' within KV_MAX_KEY words of
 * the label's start) with the words up to the next label, or the answer found around. */
static dp_err phrase_pairs(const struct tl_layout *L, size_t l, size_t s, char *taken,
                           const struct form_mark *marks, size_t nmarks, struct form_kv **kv,
                           size_t *n, size_t *cap)
{
    const struct tl_seg *sg = &L->segs[s];
    size_t end = sg->w0 + sg->nw, pos = sg->w0;
    while (pos < end) {
        long ke = -1;
        for (size_t w = pos; w < end && w < pos + KV_MAX_KEY && ke < 0; w++)
            if (colon_end(L->words[L->ord[w]].text))
                ke = (long)w;
        if (ke < 0)
            return DP_OK;
        size_t kn = (size_t)ke + 1 - pos, vw0 = (size_t)ke + 1, vnw = 0;
        double conf = 0.9;
        long vs = -1;
        /* the answer runs to the next label (taken to be its colon word alone) */
        while (vw0 + vnw < end && !colon_end(L->words[L->ord[vw0 + vnw]].text))
            vnw++;
        if (vnw == 0 && vw0 == end && (vs = find_value(L, l, s, &vw0, &vnw)) >= 0)
            conf = L->segs[vs].y0 >= sg->y1 ? 0.7 : 0.85;
        size_t next = vs >= 0 ? end : vw0 + vnw;
        if (kn == 1 && strlen(L->words[L->ord[pos]].text) == 1) { /* a lone ':' */
            pos = next > pos ? next : pos + 1;
            continue;
        }
        struct form_kv *p = add_pair(kv, n, cap);
        if (!p)
            return *n >= FORM_MAX_PAIRS ? DP_OK : DP_ENOMEM;
        const struct dp_word *kw = &L->words[L->ord[ke]];
        int first_x;
        p->mark = find_mark(marks, nmarks, kw->x + kw->w, sg->y0, sg->y1, next_label_x(L, l, s),
                            &first_x);
        if (p->mark >= 0 && vnw && first_x > L->words[L->ord[vw0]].x)
            p->mark = -1; /* a written answer comes first; the marks belong further right */
        struct wrange kr = {pos, kn}, vr[KV_MAX_LINES] = {{vw0, vnw}};
        if (set_text(&p->key, L, &kr, 1, 1))
            return DP_ENOMEM;
        if (p->mark >= 0) { /* ticked boxes answer the label: the ticked one's label */
            const struct form_mark *m = &marks[p->mark];
            conf = 0.8;
            if (m->state == FORM_SELECTED) {
                p->value.bbox = m->bbox;
                if (!(p->value.text = strdup(m->label ? m->label : "")))
                    return DP_ENOMEM;
                p->has_value = 1;
            }
        } else if (vnw) {
            if (vs >= 0 && vnw == L->segs[vs].nw)
                taken[vs] = 1;
            size_t nvr = grow_value(L, vr, L->words[L->ord[pos]].x, taken);
            if (vs < 0 && vr[0].nw > vnw)
                next = end; /* the answer ran on past this phrase */
            if (set_text(&p->value, L, vr, nvr, 0))
                return DP_ENOMEM;
            p->has_value = 1;
        } else {
            conf = 0.6;
        }
        p->confidence = conf * (0.5 + 0.5 * mean_conf(L, pos, kn));
        pos = next > pos ? next : pos + 1;
    }
    return DP_OK;
}

/* Whether segment q reads like a label without a colon: a capital first, a few words, no
 * digits. */
static int label_like(const struct tl_layout *L, size_t q)
{
    const struct tl_seg *sg = &L->segs[q];
    const char *t = L->words[L->ord[sg->w0]].text;
    if (sg->nw > KV_BARE_WORDS || !(*t >= 'A' && *t <= 'Z'))
        return 0;
    for (size_t w = sg->w0; w < sg->w0 + sg->nw; w++)
        if (strpbrk(L->words[L->ord[w]].text, "0123456789"))
            return 0;
    return 1;
}

/* Bare labels on a line of phrases: a line of two phrases whose first is label-like is one
 * pair ("Brand   PHOENIX"); on longer lines each label-like phrase followed by one that is not
 * ("Tar   9.1   Nicotine   0.8") is. */
static dp_err bare_pairs(const struct tl_layout *L, size_t l, char *taken, struct form_kv **kv,
                         size_t *n, size_t *cap)
{
    const struct tl_line *ln = &L->lines[l];
    if (ln->ns < 2)
        return DP_OK;
    for (size_t a = ln->s0; a + 1 < ln->s0 + ln->ns; a++) {
        size_t b = a + 1;
        if (taken[a] || taken[b] || has_label(L, a) || has_label(L, b) || !label_like(L, a) ||
            (ln->ns > 2 && label_like(L, b)) ||
            mean_conf(L, L->segs[a].w0, L->segs[a].nw) < KV_BARE_CONF)
            continue;
        struct form_kv *p = add_pair(kv, n, cap);
        if (!p)
            return *n >= FORM_MAX_PAIRS ? DP_OK : DP_ENOMEM;
        struct wrange kr = {L->segs[a].w0, L->segs[a].nw};
        struct wrange vr[KV_MAX_LINES] = {{L->segs[b].w0, L->segs[b].nw}};
        taken[a] = taken[b] = 1;
        size_t nvr = ln->ns == 2 ? grow_value(L, vr, L->segs[a].x0, taken) : 1;
        if (set_text(&p->key, L, &kr, 1, 0) || set_text(&p->value, L, vr, nvr, 0))
            return DP_ENOMEM;
        p->has_value = 1;
        p->confidence = 0.5 * (0.5 + 0.5 * mean_conf(L, kr.w0, kr.nw));
        a++;
    }
    return DP_OK;
}

dp_err form_pairs(const struct dp_word *words, size_t nwords, const struct form_mark *marks,
                  size_t nmarks, struct form_kv **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (nwords == 0 || nwords > FORM_MAX_WORDS)
        return DP_OK;
    struct tl_layout L;
    char *skip = malloc(nwords);
    if (!skip)
        return DP_ENOMEM;
    form_mark_words(words, nwords, marks, nmarks, skip);
    dp_err built = tl_build(&L, words, nwords, skip, KV_GAP_EM);
    free(skip);
    if (built)
        return DP_ENOMEM;
    struct form_kv *kv = NULL;
    size_t cap = 0;
    char *taken = calloc(L.nsegs ? L.nsegs : 1, 1);
    dp_err rc = taken ? DP_OK : DP_ENOMEM;
    for (size_t l = 0; !rc && l < L.nlines; l++)
        for (size_t s = L.lines[l].s0; !rc && s < L.lines[l].s0 + L.lines[l].ns; s++)
            if (!taken[s])
                rc = phrase_pairs(&L, l, s, taken, marks, nmarks, &kv, n, &cap);
    for (size_t l = 0; !rc && l < L.nlines; l++)
        rc = bare_pairs(&L, l, taken, &kv, n, &cap);
    free(taken);
    tl_cleanup(&L);
    if (rc || *n == 0) {
        form_kv_list_free(kv, *n);
        *n = 0;
        return rc;
    }
    *out = kv;
    return DP_OK;
}
