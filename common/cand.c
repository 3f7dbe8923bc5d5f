/* cand.c -- candidate values of a document: word spans, lines, runs of lines. */
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "cand.h"
#include "namesfx.h"

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Groups a page's words into lines: consecutive words with the same line index. */
static dp_err group_lines(const struct dp_page *p, struct cand_page *cp)
{
    size_t nw = p->nwords < CAND_MAX_WORDS ? p->nwords : CAND_MAX_WORDS;
    cp->page = p;
    cp->median_h = 1;
    if (nw == 0)
        return DP_OK;
    cp->lines = calloc(nw, sizeof *cp->lines);
    float *hs = malloc(nw * sizeof *hs);
    if (!cp->lines || !hs) {
        free(hs);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i < nw; i++) {
        const struct dp_word *w = &p->words[i];
        hs[i] = (float)w->h;
        struct cand_line *l = cp->nlines ? &cp->lines[cp->nlines - 1] : NULL;
        if (l && p->words[l->w0].line == w->line) {
            int x1 = l->x + l->w > w->x + w->w ? l->x + l->w : w->x + w->w;
            int y1 = l->y + l->h > w->y + w->h ? l->y + l->h : w->y + w->h;
            l->x = l->x < w->x ? l->x : w->x;
            l->y = l->y < w->y ? l->y : w->y;
            l->w = x1 - l->x;
            l->h = y1 - l->y;
            l->w1 = i + 1;
            continue;
        }
        if (cp->nlines >= CAND_LINES_MAX)
            break;
        l = &cp->lines[cp->nlines++];
        *l = (struct cand_line){i, i + 1, w->x, w->y, w->w, w->h};
    }
    qsort(hs, nw, sizeof *hs, cmp_float);
    cp->median_h = hs[nw / 2] >= 1 ? hs[nw / 2] : 1;
    free(hs);
    return DP_OK;
}

/* Whether a word is OCR debris: only rules, bullets, quotes, brackets and stray punctuation
 * ("|", "*", "_", ":", "‘"), never part of a value when it stands alone. */
static int debris(const char *t)
{
    static const char *const marks[] = {"\xe2\x80\x98", "\xe2\x80\x99", "\xe2\x80\x9c",
                                        "\xe2\x80\x9d", "\xe2\x80\xa2", "\xc2\xb7",
                                        "\xe2\x80\x94"};
    if (!*t)
        return 1;
    while (*t) {
        if (strchr("|*_~`^'\"{}[]():;,.!", *t)) {
            t++;
            continue;
        }
        size_t k = 0;
        while (k < sizeof marks / sizeof marks[0] && strncmp(t, marks[k], strlen(marks[k])) != 0)
            k++;
        if (k == sizeof marks / sizeof marks[0])
            return 0;
        t += strlen(marks[k]);
    }
    return 1;
}

/* Appends the words [w0, w1) of page p as text to buf (NUL-terminated, capped), without
 * debris words. */
static size_t join_words(const struct dp_page *p, size_t w0, size_t w1, char *buf, size_t cap,
                         size_t n)
{
    for (size_t i = w0; i < w1; i++) {
        const char *t = p->words[i].text ? p->words[i].text : "";
        size_t tl = strlen(t);
        if (debris(t))
            continue;
        if (n && n + 1 < cap)
            buf[n++] = ' ';
        if (n + tl >= cap)
            tl = cap - 1 - n;
        memcpy(buf + n, t, tl);
        n += tl;
    }
    buf[n] = '\0';
    return n;
}

static dp_err add(struct cand_set *s, const struct cand *c, const char *text)
{
    if (s->n >= CAND_MAX || !*text)
        return DP_OK;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct cand *nc = realloc(s->c, cap * sizeof *nc);
        if (!nc)
            return DP_ENOMEM;
        s->c = nc;
        s->cap = cap;
    }
    /* a reading's speck beside a legal form is no part of the value ("POPULAR BOOK." over
     * "CO. (M) SDN BHD") */
    char clean[CAND_TEXT_MAX];
    char *t = strdup(namesfx_unmark(text, clean, sizeof clean) ? clean : text);
    if (!t)
        return DP_ENOMEM;
    s->c[s->n] = *c;
    s->c[s->n].text = t;
    s->n++;
    return DP_OK;
}

/* Box and mean confidence of words [w0, w1). */
static void span_box(const struct dp_page *p, size_t w0, size_t w1, struct cand *c)
{
    int x0 = 1 << 30, y0 = 1 << 30, x1 = 0, y1 = 0;
    float conf = 0;
    for (size_t i = w0; i < w1; i++) {
        const struct dp_word *w = &p->words[i];
        x0 = w->x < x0 ? w->x : x0;
        y0 = w->y < y0 ? w->y : y0;
        x1 = w->x + w->w > x1 ? w->x + w->w : x1;
        y1 = w->y + w->h > y1 ? w->y + w->h : y1;
        conf += w->conf;
    }
    c->x = x0;
    c->y = y0;
    c->w = x1 - x0;
    c->h = y1 - y0;
    c->conf = w1 > w0 ? conf / (float)(w1 - w0) / 100.0f : 0;
}

/* The candidates of s->pages[pi]; of another reading only those that take in one of its
 * alternate lines (the rest are the first reading's). */
static dp_err page_cands(struct cand_set *s, size_t pi)
{
    const struct cand_page *cp = &s->pages[pi];
    const struct dp_page *p = cp->page;
    char buf[CAND_TEXT_MAX];
    dp_err rc = DP_OK;
    int alt = cp->alt != NULL ? cp->reading : 0;
    for (size_t li = 0; li < cp->nlines && !rc; li++) {
        const struct cand_line *l = &cp->lines[li];
        size_t k = l->w1 - l->w0;
        int mine = !alt || cp->alt[li]; /* a line this page adds */
        for (size_t a = l->w0; a < l->w1 && !rc && mine; a++) {
            for (size_t b = a + 1; b <= l->w1 && b - a <= CAND_MAX_SPAN && !rc; b++) {
                struct cand c = {.page = cp->doc_page,
                                 .cpage = pi,
                                 .alt = alt,
                                 .line0 = li,
                                 .line1 = li,
                                 .w0 = a,
                                 .w1 = b};
                c.kind = (a == l->w0 && b == l->w1) ? 1 : 0;
                span_box(p, a, b, &c);
                join_words(p, a, b, buf, sizeof buf, 0);
                rc = add(s, &c, buf);
            }
        }
        if (k > CAND_MAX_SPAN && !rc && mine) {
            struct cand c = {.page = cp->doc_page,
                             .cpage = pi,
                             .alt = alt,
                             .line0 = li,
                             .line1 = li,
                             .w0 = l->w0,
                             .w1 = l->w1};
            c.kind = 1;
            span_box(p, l->w0, l->w1, &c);
            join_words(p, l->w0, l->w1, buf, sizeof buf, 0);
            rc = add(s, &c, buf);
        }
        for (size_t r = 2; r <= CAND_MAX_RUN && li + r <= cp->nlines && !rc; r++) {
            const struct cand_line *last = &cp->lines[li + r - 1];
            mine = !alt;
            for (size_t j = li; j < li + r && !mine; j++)
                mine = cp->alt[j];
            if (!mine)
                continue;
            struct cand c = {.page = cp->doc_page,
                             .cpage = pi,
                             .alt = alt,
                             .line0 = li,
                             .line1 = li + r - 1,
                             .w0 = l->w0,
                             .w1 = last->w1,
                             .kind = 2};
            span_box(p, l->w0, last->w1, &c);
            size_t n = 0;
            for (size_t j = li; j < li + r; j++)
                n = join_words(p, cp->lines[j].w0, cp->lines[j].w1, buf, sizeof buf, n);
            rc = add(s, &c, buf);
        }
    }
    return rc;
}

/* ---- the other readings ---- */

/* Emits alternate block a (words [a, b) of p->alt) as line `line` into v, marked in wa. */
static void emit_alt(const struct dp_page *p, size_t a, size_t b, int line, struct dp_page *v,
                     unsigned char *wa, unsigned char *used)
{
    for (size_t k = a; k < b; k++) {
        v->words[v->nwords] = p->alt[k];
        v->words[v->nwords].line = line;
        wa[v->nwords++] = 1;
        used[k] = 1;
    }
}

/* The end of the alternate block that starts at a. */
static size_t alt_end(const struct dp_page *p, size_t a)
{
    size_t b = a;
    while (b < p->nalt && p->alt[b].block == p->alt[a].block)
        b++;
    return b;
}

/* Whether alternate word a is of reading r (ALTREAD_SECOND, ALTREAD_LOOK). */
static int of_reading(const struct dp_page *p, size_t a, int r)
{
    return altread_reading(&p->alt[a]) == r;
}

/* Builds *v: p's words with each alternate line of reading r in place of the line it stands
 * for and each line only that reading has before the first line below its centre; wa[k] = 1
 * for v's words from that reading (wa: p->nwords + p->nalt entries). Texts borrowed. */
static dp_err variant_of(const struct dp_page *p, int r, struct dp_page *v, unsigned char *wa)
{
    size_t cap = p->nwords + p->nalt;
    unsigned char *used = calloc(p->nalt ? p->nalt : 1, 1);
    memset(v, 0, sizeof *v);
    v->number = p->number;
    v->width = p->width;
    v->height = p->height;
    v->dpi = p->dpi;
    v->words = calloc(cap ? cap : 1, sizeof *v->words);
    if (!v->words || !used) {
        free(used);
        free(v->words);
        v->words = NULL;
        return DP_ENOMEM;
    }
    for (size_t i = 0;;) {
        size_t j = i;
        while (j < p->nwords && p->words[j].line == p->words[i].line)
            j++;
        double yc = i < p->nwords ? p->words[i].y + p->words[i].h / 2.0 : 1e18;
        for (size_t a = 0; a < p->nalt; a = alt_end(p, a)) /* missed lines above it */
            if (!used[a] && p->alt[a].line < 0 && of_reading(p, a, r) &&
                p->alt[a].y + p->alt[a].h / 2.0 < yc)
                emit_alt(p, a, alt_end(p, a), -2 - p->alt[a].block, v, wa, used);
        if (i >= p->nwords)
            break;
        size_t a = 0;
        while (a < p->nalt &&
               (used[a] || p->alt[a].line != p->words[i].line || !of_reading(p, a, r)))
            a = alt_end(p, a);
        if (a < p->nalt) {
            emit_alt(p, a, alt_end(p, a), p->words[i].line, v, wa, used);
        } else {
            for (size_t k = i; k < j; k++) {
                v->words[v->nwords] = p->words[k];
                wa[v->nwords++] = 0;
            }
        }
        i = j;
    }
    free(used);
    return DP_OK;
}

/* Adds reading r of document page di as s->pages[pi]. */
static dp_err add_variant(struct cand_set *s, const struct dp_page *p, int r, size_t di, size_t pi)
{
    struct dp_page *v = calloc(1, sizeof *v);
    unsigned char *wa = calloc(p->nwords + p->nalt + 1, 1);
    struct cand_page *cp = &s->pages[pi];
    dp_err rc = v && wa ? variant_of(p, r, v, wa) : DP_ENOMEM;
    if (!rc)
        rc = group_lines(v, cp);
    cp->page = v; /* owned here: freed by cand_set_cleanup */
    cp->doc_page = di;
    cp->reading = r;
    if (!rc && !(cp->alt = calloc(cp->nlines ? cp->nlines : 1, 1)))
        rc = DP_ENOMEM;
    for (size_t li = 0; !rc && li < cp->nlines; li++)
        for (size_t k = cp->lines[li].w0; k < cp->lines[li].w1; k++)
            cp->alt[li] |= wa[k];
    if (!v)
        cp->page = NULL;
    free(wa);
    return rc;
}

/* Whether page p has alternate lines of reading r. */
static int has_reading(const struct dp_page *p, int r)
{
    for (size_t a = 0; p->nwords > 0 && a < p->nalt; a++)
        if (of_reading(p, a, r))
            return 1;
    return 0;
}

static const int readings[] = {ALTREAD_SECOND, ALTREAD_LOOK};
#define NREADINGS (sizeof readings / sizeof readings[0])

dp_err cand_generate(const struct dp_doc_text *doc, struct cand_set *out)
{
    memset(out, 0, sizeof *out);
    if (doc->npages == 0)
        return DP_OK;
    size_t nalt = 0;
    for (size_t i = 0; i < doc->npages; i++)
        for (size_t r = 0; r < NREADINGS; r++)
            nalt += (size_t)has_reading(&doc->pages[i], readings[r]);
    out->pages = calloc(doc->npages + nalt, sizeof *out->pages);
    if (!out->pages)
        return DP_ENOMEM;
    out->npages = doc->npages;
    out->ndoc = doc->npages;
    dp_err rc = DP_OK;
    for (size_t i = 0; i < doc->npages && !rc; i++) {
        rc = group_lines(&doc->pages[i], &out->pages[i]);
        out->pages[i].doc_page = i;
    }
    for (size_t i = 0; i < doc->npages && !rc; i++)
        for (size_t r = 0; r < NREADINGS && !rc; r++)
            if (has_reading(&doc->pages[i], readings[r]))
                rc = add_variant(out, &doc->pages[i], readings[r], i, out->npages++);
    for (size_t i = 0; i < out->npages && !rc; i++)
        rc = page_cands(out, i);
    if (rc)
        cand_set_cleanup(out);
    return rc;
}

void cand_set_cleanup(struct cand_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->c[i].text);
    free(s->c);
    for (size_t i = 0; i < s->npages; i++) {
        free(s->pages[i].lines);
        free(s->pages[i].alt);
        if (i >= s->ndoc && s->pages[i].page) { /* another reading's page: texts borrowed */
            struct dp_page *v = (struct dp_page *)s->pages[i].page;
            free(v->words);
            free(v);
        }
    }
    free(s->pages);
    memset(s, 0, sizeof *s);
}

/* ---- from a stored result ---- */

static int num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valueint : 0;
}

/* The other readings' words of a page from its "alt_lines"
 * ([{"text","conf","bbox","line","reading"}]): each line's words share its box by their
 * lengths; `block` numbers the lines, from ALTREAD_LOOK_BLOCK for the line look's (reading 3),
 * as the worker numbers them (altread_reading). At most CAND_MAX_WORDS words. DP_ENOMEM. */
static dp_err alt_from_json(const cJSON *alts, struct dp_page *p)
{
    size_t cap = 0;
    const cJSON *aj;
    cJSON_ArrayForEach(aj, alts)
    {
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(aj, "text"));
        for (int in = 0; t && *t; t++) {
            cap += *t != ' ' && !in;
            in = *t != ' ';
        }
    }
    cap = cap < CAND_MAX_WORDS ? cap : CAND_MAX_WORDS;
    if (cap == 0)
        return DP_OK;
    if (!(p->alt = calloc(cap, sizeof *p->alt)))
        return DP_ENOMEM;
    int block = 0;
    cJSON_ArrayForEach(aj, alts)
    {
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(aj, "text"));
        const cJSON *bb = cJSON_GetObjectItemCaseSensitive(aj, "bbox");
        const cJSON *cf = cJSON_GetObjectItemCaseSensitive(aj, "conf");
        size_t len = t ? strlen(t) : 0;
        if (!len || cJSON_GetArraySize(bb) != 4)
            continue;
        int x = cJSON_GetArrayItem(bb, 0)->valueint, y = cJSON_GetArrayItem(bb, 1)->valueint;
        int w = cJSON_GetArrayItem(bb, 2)->valueint, h = cJSON_GetArrayItem(bb, 3)->valueint;
        for (size_t i = 0; i < len && p->nalt < cap;) {
            size_t j = i;
            while (j < len && t[j] != ' ')
                j++;
            if (j > i) {
                struct dp_word *dw = &p->alt[p->nalt];
                if (!(dw->text = strndup(t + i, j - i)))
                    return DP_ENOMEM;
                p->nalt++;
                dw->x = x + (int)((double)w * (double)i / (double)len);
                dw->w = (int)((double)w * (double)(j - i) / (double)len);
                dw->y = y;
                dw->h = h;
                dw->conf = cJSON_IsNumber(cf) ? (float)(cf->valuedouble * 100.0) : 0;
                dw->line = num(aj, "line");
                dw->block = num(aj, "reading") == ALTREAD_LOOK ? ALTREAD_LOOK_BLOCK + block : block;
            }
            i = j + 1;
        }
        block++;
    }
    return DP_OK;
}

dp_err cand_doc_from_json(const cJSON *result, struct dp_doc_text *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *pages = cJSON_GetObjectItemCaseSensitive(result, "pages");
    if (!cJSON_IsArray(pages))
        return DP_EPARSE;
    size_t np = (size_t)cJSON_GetArraySize(pages);
    if (np == 0)
        return DP_OK;
    out->pages = calloc(np, sizeof *out->pages);
    if (!out->pages)
        return DP_ENOMEM;
    out->npages = np;
    size_t pi = 0;
    const cJSON *pj;
    cJSON_ArrayForEach(pj, pages)
    {
        struct dp_page *p = &out->pages[pi++];
        p->number = num(pj, "number");
        p->width = num(pj, "width");
        p->height = num(pj, "height");
        p->dpi = num(pj, "dpi");
        const cJSON *words = cJSON_GetObjectItemCaseSensitive(pj, "words");
        size_t nw = cJSON_IsArray(words) ? (size_t)cJSON_GetArraySize(words) : 0;
        if (alt_from_json(cJSON_GetObjectItemCaseSensitive(pj, "alt_lines"), p) != DP_OK)
            goto nomem;
        if (nw == 0)
            continue;
        p->words = calloc(nw, sizeof *p->words);
        if (!p->words)
            goto nomem;
        const cJSON *wj;
        cJSON_ArrayForEach(wj, words)
        {
            const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(wj, "text"));
            const cJSON *bb = cJSON_GetObjectItemCaseSensitive(wj, "bbox");
            const cJSON *cf = cJSON_GetObjectItemCaseSensitive(wj, "conf");
            struct dp_word *w = &p->words[p->nwords];
            w->text = strdup(t ? t : "");
            if (!w->text)
                goto nomem;
            p->nwords++;
            w->conf = cJSON_IsNumber(cf) ? (float)(cf->valuedouble * 100.0) : 0;
            w->line = num(wj, "line");
            if (cJSON_GetArraySize(bb) == 4) {
                w->x = cJSON_GetArrayItem(bb, 0)->valueint;
                w->y = cJSON_GetArrayItem(bb, 1)->valueint;
                w->w = cJSON_GetArrayItem(bb, 2)->valueint;
                w->h = cJSON_GetArrayItem(bb, 3)->valueint;
            }
        }
    }
    return DP_OK;
nomem:
    doctext_cleanup(out);
    return DP_ENOMEM;
}
