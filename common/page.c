/* page.c -- ownership helpers for read pages, their text from words, and their wire form
 * (decode child -> worker). */
#include "page.h"
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "form.h"
#include "table.h"

void page_cleanup(struct dp_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nwords; i++)
        free(p->words[i].text);
    free(p->words);
    for (size_t i = 0; i < p->nalt; i++)
        free(p->alt[i].text);
    free(p->alt);
    p->alt = NULL;
    p->nalt = 0;
    for (size_t i = 0; i < p->nbarcodes; i++) {
        free(p->barcodes[i].type);
        free(p->barcodes[i].text);
    }
    free(p->barcodes);
    p->barcodes = NULL;
    p->nbarcodes = 0;
    free(p->text);
    free(p->hocr);
    free(p->reread);
    p->reread = NULL;
    p->nreread = 0;
    table_list_free(p->tables, p->ntables);
    form_kv_list_free(p->kvs, p->nkvs);
    form_mark_list_free(p->marks, p->nmarks);
    free(p->rules);
    p->tables = NULL;
    p->kvs = NULL;
    p->marks = NULL;
    p->rules = NULL;
    p->ntables = p->nkvs = p->nmarks = p->nrules = 0;
    p->words = NULL;
    p->nwords = 0;
    p->text = p->hocr = NULL;
}

void doctext_cleanup(struct dp_doc_text *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->npages; i++)
        page_cleanup(&d->pages[i]);
    free(d->pages);
    free(d->xml);
    d->pages = NULL;
    d->npages = 0;
    d->xml = NULL;
    d->xml_len = 0;
    d->xml_source = NULL;
}

dp_err page_text_from_words(struct dp_page *p)
{
    size_t len = 2;
    for (size_t i = 0; i < p->nwords; i++)
        len += strlen(p->words[i].text) + 2;
    char *t = malloc(len), *q = t;
    if (!t)
        return DP_ENOMEM;
    for (size_t i = 0; i < p->nwords; i++) {
        const struct dp_word *w = &p->words[i];
        if (i) {
            const struct dp_word *prev = &p->words[i - 1];
            if (w->block != prev->block)
                *q++ = '\n';
            *q++ = w->line != prev->line || w->block != prev->block ? '\n' : ' ';
        }
        size_t n = strlen(w->text);
        memcpy(q, w->text, n);
        q += n;
    }
    if (p->nwords)
        *q++ = '\n';
    *q = '\0';
    free(p->text);
    p->text = t;
    return DP_OK;
}

/* ---- wire form ---- */

#define STR_NULL   0xffffffffu
#define STR_MAX    0x7fffffffu /* longest string the format carries */
#define PAGE_FIXED (5 * 4 + 4 + 1 + 4 + 4 + 4 + PAGE_READ_FIXED)
#define PAGE_READ_FIXED                                                                            \
    (4 + 4 + 1 + 4 + 4 + 4 + 4) /* psm scale damaged before replaced nreread lang */
#define WORD_FIXED (4 + 4 + 6 * 4)
#define RULE_FIXED (5 * 4)
#define MARK_FIXED (4 * 4 + 2 + 4)
#define CODE_FIXED (4 + 4 + 4 * 4)

static size_t str_size(const char *s)
{
    return 4 + (s ? strlen(s) : 0);
}

static unsigned char *put(unsigned char *o, const void *v, size_t n)
{
    memcpy(o, v, n);
    return o + n;
}

static unsigned char *put_i32(unsigned char *o, int v)
{
    int32_t x = (int32_t)v;
    return put(o, &x, 4);
}

static unsigned char *put_str(unsigned char *o, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : STR_NULL;
    o = put(o, &n, 4);
    return s ? put(o, s, n) : o;
}

/* u32 count, then per word: str text, f32 conf, i32 x y w h line block. */
static unsigned char *put_words(unsigned char *o, const struct dp_word *ws, size_t n)
{
    uint32_t nw = (uint32_t)n;
    o = put(o, &nw, 4);
    for (size_t i = 0; i < n; i++) {
        const struct dp_word *w = &ws[i];
        o = put_str(o, w->text);
        o = put(o, &w->conf, 4);
        o = put_i32(o, w->x);
        o = put_i32(o, w->y);
        o = put_i32(o, w->w);
        o = put_i32(o, w->h);
        o = put_i32(o, w->line);
        o = put_i32(o, w->block);
    }
    return o;
}

dp_err page_pack(const struct dp_page *p, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (p->nwords > PAGE_WIRE_MAX_WORDS || (p->text && strlen(p->text) > STR_MAX) ||
        (p->hocr && strlen(p->hocr) > STR_MAX))
        return DP_ETOOBIG;
    if (p->nreread > PAGE_WIRE_MAX_WORDS || p->nrules > TABLE_MAX_RULES ||
        p->nmarks > FORM_MAX_MARKS)
        return DP_ETOOBIG;
    size_t n = PAGE_FIXED + str_size(p->text) + str_size(p->hocr) - 8 + strlen(p->lang) +
               str_size(p->lang_detected) + str_size(p->script) + 4 * p->nreread + 8 +
               p->nrules * RULE_FIXED;
    for (size_t i = 0; i < p->nmarks; i++)
        n += MARK_FIXED + str_size(p->marks[i].label) - 4;
    for (size_t i = 0; i < p->nwords; i++) {
        const char *t = p->words[i].text;
        if (t && strlen(t) > STR_MAX)
            return DP_ETOOBIG;
        n += WORD_FIXED + str_size(t) - 4;
    }
    if (p->nalt > PAGE_WIRE_MAX_WORDS)
        return DP_ETOOBIG;
    n += 4 + 1;
    for (size_t i = 0; i < p->nalt; i++) {
        const char *t = p->alt[i].text;
        if (t && strlen(t) > STR_MAX)
            return DP_ETOOBIG;
        n += WORD_FIXED + str_size(t) - 4;
    }
    if (p->nbarcodes > PAGE_WIRE_MAX_BARCODES)
        return DP_ETOOBIG;
    n += 4;
    for (size_t i = 0; i < p->nbarcodes; i++) {
        const struct dp_barcode *b = &p->barcodes[i];
        if ((b->type && strlen(b->type) > STR_MAX) || (b->text && strlen(b->text) > STR_MAX))
            return DP_ETOOBIG;
        n += CODE_FIXED + str_size(b->type) + str_size(b->text) - 8;
    }
    unsigned char *buf = malloc(n), *o = buf;
    if (!buf)
        return DP_ENOMEM;
    uint8_t src = (uint8_t)p->source;
    o = put_i32(o, p->number);
    o = put_i32(o, p->width);
    o = put_i32(o, p->height);
    o = put_i32(o, p->dpi);
    o = put_i32(o, p->rotation);
    o = put(o, &p->conf, 4);
    o = put(o, &src, 1);
    uint8_t damaged = p->damaged ? 1 : 0;
    uint32_t nrep = (uint32_t)p->nreplaced, nre = (uint32_t)p->nreread;
    o = put_i32(o, p->psm);
    o = put(o, &p->scale, 4);
    o = put(o, &damaged, 1);
    o = put(o, &p->conf_before, 4);
    o = put(o, &nrep, 4);
    o = put(o, &nre, 4);
    for (size_t i = 0; i < p->nreread; i++)
        o = put_i32(o, p->reread[i]);
    o = put_str(o, p->lang);
    o = put_str(o, p->lang_detected);
    o = put_str(o, p->script);
    o = put_str(o, p->text);
    o = put_str(o, p->hocr);
    o = put_words(o, p->words, p->nwords);
    uint32_t nr = (uint32_t)p->nrules, nm = (uint32_t)p->nmarks;
    o = put(o, &nr, 4);
    for (size_t i = 0; i < p->nrules; i++) {
        const struct table_rule *r = &p->rules[i];
        o = put_i32(o, r->x1);
        o = put_i32(o, r->y1);
        o = put_i32(o, r->x2);
        o = put_i32(o, r->y2);
        o = put_i32(o, r->thick);
    }
    o = put(o, &nm, 4);
    for (size_t i = 0; i < p->nmarks; i++) {
        const struct form_mark *m = &p->marks[i];
        uint8_t st = m->state == FORM_SELECTED, rd = m->round != 0;
        o = put_i32(o, m->bbox.x);
        o = put_i32(o, m->bbox.y);
        o = put_i32(o, m->bbox.w);
        o = put_i32(o, m->bbox.h);
        o = put(o, &st, 1);
        o = put(o, &rd, 1);
        o = put_str(o, m->label);
    }
    uint32_t nb = (uint32_t)p->nbarcodes;
    o = put(o, &nb, 4);
    for (size_t i = 0; i < p->nbarcodes; i++) {
        const struct dp_barcode *b = &p->barcodes[i];
        o = put_str(o, b->type);
        o = put_str(o, b->text);
        o = put_i32(o, b->x);
        o = put_i32(o, b->y);
        o = put_i32(o, b->w);
        o = put_i32(o, b->h);
    }
    o = put_words(o, p->alt, p->nalt);
    uint8_t twice = p->read_twice ? 1 : 0;
    o = put(o, &twice, 1);
    *out = buf;
    *len = (size_t)(o - buf);
    return DP_OK;
}

/* A bounded reader over (buf, len); any overrun sets bad and yields zeros. */
struct rd {
    const unsigned char *p;
    size_t left;
    int bad;
};

static void get(struct rd *r, void *v, size_t n)
{
    if (r->bad || r->left < n) {
        r->bad = 1;
        memset(v, 0, n);
        return;
    }
    memcpy(v, r->p, n);
    r->p += n;
    r->left -= n;
}

static int get_i32(struct rd *r)
{
    int32_t x;
    get(r, &x, 4);
    return (int)x;
}

/* A string: *s = NULL for the NULL marker, else an owned copy. DP_ENOMEM or DP_EPARSE. */
static dp_err get_str(struct rd *r, char **s)
{
    uint32_t n;
    *s = NULL;
    get(r, &n, 4);
    if (r->bad)
        return DP_EPARSE;
    if (n == STR_NULL)
        return DP_OK;
    if (n > r->left || memchr(r->p, '\0', n)) {
        r->bad = 1;
        return DP_EPARSE;
    }
    if (!(*s = malloc((size_t)n + 1)))
        return DP_ENOMEM;
    memcpy(*s, r->p, n);
    (*s)[n] = '\0';
    r->p += n;
    r->left -= n;
    return DP_OK;
}

/* u32 count and the words (put_words) into an owned array *ws of *n (on failure *ws holds
 * the *n words read so far, for the caller to free). DP_EPARSE, DP_ENOMEM. */
static dp_err get_words(struct rd *r, struct dp_word **ws, size_t *n)
{
    uint32_t nw = 0;
    dp_err rc;
    get(r, &nw, 4);
    /* Each word takes at least WORD_FIXED bytes: a count the rest cannot hold is a lie. */
    if (r->bad || nw > PAGE_WIRE_MAX_WORDS || (size_t)nw > r->left / WORD_FIXED)
        return DP_EPARSE;
    if (nw && !(*ws = calloc(nw, sizeof **ws)))
        return DP_ENOMEM;
    for (uint32_t i = 0; i < nw; i++) {
        struct dp_word *w = &(*ws)[i];
        if ((rc = get_str(r, &w->text)))
            return rc;
        (*n)++;
        get(r, &w->conf, 4);
        w->x = get_i32(r);
        w->y = get_i32(r);
        w->w = get_i32(r);
        w->h = get_i32(r);
        w->line = get_i32(r);
        w->block = get_i32(r);
    }
    return r->bad ? DP_EPARSE : DP_OK;
}

/* The ruling lines and selection marks after the words. */
static dp_err unpack_structure(struct rd *r, struct dp_page *out)
{
    uint32_t nr = 0, nm = 0;
    dp_err rc;
    get(r, &nr, 4);
    if (r->bad || nr > TABLE_MAX_RULES || (size_t)nr > r->left / RULE_FIXED)
        return DP_EPARSE;
    if (nr && !(out->rules = calloc(nr, sizeof *out->rules)))
        return DP_ENOMEM;
    out->nrules = nr;
    for (uint32_t i = 0; i < nr; i++) {
        struct table_rule *t = &out->rules[i];
        t->x1 = get_i32(r);
        t->y1 = get_i32(r);
        t->x2 = get_i32(r);
        t->y2 = get_i32(r);
        t->thick = get_i32(r);
    }
    get(r, &nm, 4);
    if (r->bad || nm > FORM_MAX_MARKS || (size_t)nm > r->left / MARK_FIXED)
        return DP_EPARSE;
    if (nm && !(out->marks = calloc(nm, sizeof *out->marks)))
        return DP_ENOMEM;
    for (uint32_t i = 0; i < nm; i++) {
        struct form_mark *m = &out->marks[i];
        uint8_t st = 0, rd = 0;
        m->bbox.x = get_i32(r);
        m->bbox.y = get_i32(r);
        m->bbox.w = get_i32(r);
        m->bbox.h = get_i32(r);
        get(r, &st, 1);
        get(r, &rd, 1);
        if (st > 1 || rd > 1)
            return DP_EPARSE;
        m->state = st ? FORM_SELECTED : FORM_UNSELECTED;
        m->round = rd;
        out->nmarks++;
        if ((rc = get_str(r, &m->label)))
            return rc;
        if (!m->label && !(m->label = strdup("")))
            return DP_ENOMEM;
    }
    return r->bad ? DP_EPARSE : DP_OK;
}

dp_err page_unpack(const unsigned char *buf, size_t len, struct dp_page *out)
{
    struct rd r = {buf, len, 0};
    uint8_t src = 0;
    dp_err rc;
    memset(out, 0, sizeof *out);
    out->number = get_i32(&r);
    out->width = get_i32(&r);
    out->height = get_i32(&r);
    out->dpi = get_i32(&r);
    out->rotation = get_i32(&r);
    get(&r, &out->conf, 4);
    get(&r, &src, 1);
    out->source = src ? DP_SRC_TEXT_LAYER : DP_SRC_OCR;
    if (src > 1) {
        rc = DP_EPARSE;
        goto fail;
    }
    uint8_t damaged = 0;
    uint32_t nrep = 0, nre = 0;
    out->psm = get_i32(&r);
    get(&r, &out->scale, 4);
    get(&r, &damaged, 1);
    get(&r, &out->conf_before, 4);
    get(&r, &nrep, 4);
    get(&r, &nre, 4);
    if (r.bad || damaged > 1 || nre > PAGE_WIRE_MAX_WORDS || (size_t)nre > r.left / 4) {
        rc = DP_EPARSE;
        goto fail;
    }
    out->damaged = damaged;
    out->nreplaced = nrep;
    if (nre && !(out->reread = calloc(nre, sizeof *out->reread))) {
        rc = DP_ENOMEM;
        goto fail;
    }
    for (uint32_t i = 0; i < nre; i++)
        out->reread[out->nreread++] = get_i32(&r);
    char *lang = NULL, *detected = NULL, *script = NULL;
    if ((rc = get_str(&r, &lang)) || (rc = get_str(&r, &detected)) || (rc = get_str(&r, &script)) ||
        (lang && strlen(lang) >= sizeof out->lang) ||
        (detected && strlen(detected) >= sizeof out->lang_detected) ||
        (script && strlen(script) >= sizeof out->script)) {
        free(lang);
        free(detected);
        free(script);
        rc = rc ? rc : DP_EPARSE;
        goto fail;
    }
    snprintf(out->lang, sizeof out->lang, "%s", lang ? lang : "");
    snprintf(out->lang_detected, sizeof out->lang_detected, "%s", detected ? detected : "");
    snprintf(out->script, sizeof out->script, "%s", script ? script : "");
    free(lang);
    free(detected);
    free(script);
    if ((rc = get_str(&r, &out->text)) || (rc = get_str(&r, &out->hocr)))
        goto fail;
    if ((rc = get_words(&r, &out->words, &out->nwords)))
        goto fail;
    if ((rc = unpack_structure(&r, out)))
        goto fail;
    uint32_t nb = 0;
    get(&r, &nb, 4);
    if (r.bad || nb > PAGE_WIRE_MAX_BARCODES || (size_t)nb > r.left / CODE_FIXED) {
        rc = DP_EPARSE;
        goto fail;
    }
    if (nb && !(out->barcodes = calloc(nb, sizeof *out->barcodes))) {
        rc = DP_ENOMEM;
        goto fail;
    }
    for (uint32_t i = 0; i < nb; i++) {
        struct dp_barcode *b = &out->barcodes[i];
        out->nbarcodes++;
        if ((rc = get_str(&r, &b->type)) || (rc = get_str(&r, &b->text)))
            goto fail;
        b->x = get_i32(&r);
        b->y = get_i32(&r);
        b->w = get_i32(&r);
        b->h = get_i32(&r);
        if (!b->type || !b->text) {
            rc = DP_EPARSE;
            goto fail;
        }
    }
    uint8_t twice = 0;
    if ((rc = get_words(&r, &out->alt, &out->nalt)))
        goto fail;
    get(&r, &twice, 1);
    if (twice > 1) {
        rc = DP_EPARSE;
        goto fail;
    }
    out->read_twice = twice;
    if (r.bad || r.left) {
        rc = DP_EPARSE;
        goto fail;
    }
    return DP_OK;
fail:
    page_cleanup(out);
    memset(out, 0, sizeof *out);
    return rc;
}
