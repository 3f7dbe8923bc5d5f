/* extract.c -- field extraction driver: compiles the patterns, maps page text to words,
 * runs the field passes and writes each field with its page, box and confidence. */
#include "extract_int.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Hard cap on the text of one page the extractors look at (bytes). */
#define EXTRACT_MAX_PAGE_TEXT (1u << 20)
/* Match data size: enough pairs for the patterns with the most groups. */
#define EXTRACT_OVEC_PAIRS 32
/* How far ahead of the previous word a word's text is searched for (bytes). */
#define EXTRACT_WORD_WINDOW 4096

/* ---- extractor ---- */

static dp_err compile_table(struct extractor *ex, const struct extract_re *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int code = 0;
        PCRE2_SIZE at = 0;
        uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP | t[i].flags;
        pcre2_code *re =
            pcre2_compile((PCRE2_SPTR)t[i].src, PCRE2_ZERO_TERMINATED, flags, &code, &at, NULL);
        if (!re)
            return code == PCRE2_ERROR_NOMEMORY ? DP_ENOMEM : DP_EINVAL;
        /* Best effort: JIT is a speed-up only; the interpreter is used when it is missing. */
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
        ex->re[t[i].id] = re;
    }
    return DP_OK;
}

dp_err extractor_new(struct extractor **out)
{
    dp_err err = DP_ENOMEM;
    if (!out)
        return DP_EINVAL;
    *out = NULL;
    struct extractor *ex = calloc(1, sizeof *ex);
    if (!ex)
        goto out;
    if ((err = compile_table(ex, extract_money_res, extract_money_nres)) != DP_OK ||
        (err = compile_table(ex, extract_date_res, extract_date_nres)) != DP_OK ||
        (err = compile_table(ex, extract_ids_res, extract_ids_nres)) != DP_OK ||
        (err = compile_table(ex, extract_party_res, extract_party_nres)) != DP_OK)
        goto out;
    for (int i = 0; i < XRE_COUNT; i++)
        if (!ex->re[i]) {
            err = DP_EINVAL; /* a pattern id without a source: programming error */
            goto out;
        }
    *out = ex;
    ex = NULL;
    err = DP_OK;
out:
    extractor_free(ex);
    return err;
}

void extractor_free(struct extractor *ex)
{
    if (!ex)
        return;
    for (int i = 0; i < XRE_COUNT; i++)
        pcre2_code_free(ex->re[i]);
    free(ex);
}

/* ---- matching helpers ---- */

int extract_match(struct extract_ctx *c, enum extract_re_id id, const char *s, size_t len,
                  size_t start)
{
    if (start > len)
        return 0;
    int rc = pcre2_match(c->ex->re[id], (PCRE2_SPTR)s, len, start, 0, c->md, NULL);
    return rc > 0;
}

PCRE2_SIZE *extract_ov(struct extract_ctx *c)
{
    return pcre2_get_ovector_pointer(c->md);
}

int extract_group(struct extract_ctx *c, enum extract_re_id id, const char *name, size_t *so,
                  size_t *eo)
{
    int n = pcre2_substring_number_from_name(c->ex->re[id], (PCRE2_SPTR)name);
    if (n <= 0 || (uint32_t)n >= pcre2_get_ovector_count(c->md))
        return 0;
    PCRE2_SIZE *ov = extract_ov(c);
    if (ov[2 * n] == PCRE2_UNSET)
        return 0;
    *so = ov[2 * n];
    *eo = ov[2 * n + 1];
    return 1;
}

int extract_has(struct extract_ctx *c, enum extract_re_id id, const char *s, size_t len)
{
    return extract_match(c, id, s, len, 0);
}

const char *extract_line_text(const struct extract_ctx *c, size_t pi, size_t li)
{
    return c->pages[pi].text + c->pages[pi].lines[li].off;
}

/* ---- page geometry ---- */

size_t extract_row_right(const struct extract_ctx *c, size_t pi, size_t li, size_t *idx, size_t max)
{
    const struct extract_page *p = &c->pages[pi];
    const struct extract_line *ln = &p->lines[li];
    int y0 = 0, y1 = 0, xr = 0, nin = 0;
    for (size_t i = 0; i < p->pg->nwords; i++) {
        const struct dp_word *w = &p->pg->words[i];
        if (p->woff[i] == SIZE_MAX || p->woff[i] < ln->off || p->woff[i] >= ln->off + ln->len)
            continue;
        y0 = nin == 0 || w->y < y0 ? w->y : y0;
        y1 = nin == 0 || w->y + w->h > y1 ? w->y + w->h : y1;
        xr = nin == 0 || w->x + w->w > xr ? w->x + w->w : xr;
        nin++;
    }
    size_t n = 0;
    if (nin == 0)
        return 0;
    for (size_t i = 0; i < p->pg->nwords && n < max; i++) {
        const struct dp_word *w = &p->pg->words[i];
        /* Same row: centres closer than 3/4 of the row height (tolerates skewed scans). */
        int dy = 2 * w->y + w->h - (y0 + y1);
        if (p->woff[i] == SIZE_MAX || !w->text || w->x < xr || 4 * abs(dy) > 3 * 2 * (y1 - y0) ||
            (p->woff[i] >= ln->off && p->woff[i] < ln->off + ln->len))
            continue;
        size_t k = n++; /* insertion by x */
        for (; k > 0 && p->pg->words[idx[k - 1]].x > w->x; k--)
            idx[k] = idx[k - 1];
        idx[k] = i;
    }
    return n;
}

/* One line's place on the page, for extract_visual_lines(). */
struct vline {
    int top, bottom, left; /* box of its words (or of the boxed line before it) */
    size_t idx;            /* line index in the text */
    size_t row;            /* visual row, once known */
};

static int by_top(const void *a, const void *b)
{
    const struct vline *x = a, *y = b;
    if (x->top != y->top)
        return x->top < y->top ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int by_row_left(const void *a, const void *b)
{
    const struct vline *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->left != y->left)
        return x->left < y->left ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Index of the line holding byte off of page p (lines are in text order). */
static size_t line_of(const struct extract_page *p, size_t off)
{
    size_t lo = 0, hi = p->nlines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->lines[mid].off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

dp_err extract_visual_lines(const struct extract_ctx *c, size_t pi, size_t *order, size_t *row)
{
    const struct extract_page *p = &c->pages[pi];
    struct vline *v = p->nlines ? malloc(p->nlines * sizeof *v) : NULL;
    unsigned char *boxed = p->nlines ? calloc(p->nlines, 1) : NULL;
    if (p->nlines && (!v || !boxed)) {
        free(v);
        free(boxed);
        return DP_ENOMEM;
    }
    for (size_t l = 0; l < p->nlines; l++)
        v[l] = (struct vline){0, 0, 0, l, 0};
    for (size_t i = 0; p->nlines && i < p->pg->nwords; i++) {
        const struct dp_word *w = &p->pg->words[i];
        if (p->woff[i] == SIZE_MAX || !w->text)
            continue;
        struct vline *x = &v[line_of(p, p->woff[i])];
        size_t l = x->idx;
        if (!boxed[l] || w->y < x->top)
            x->top = w->y;
        if (!boxed[l] || w->y + w->h > x->bottom)
            x->bottom = w->y + w->h;
        if (!boxed[l] || w->x < x->left)
            x->left = w->x;
        boxed[l] = 1;
    }
    /* A line without words found (blank, or text the words did not map to) stays where the
     * text puts it: right after the boxed line before it. */
    for (size_t l = 1; l < p->nlines; l++)
        if (!boxed[l])
            v[l].top = v[l - 1].top, v[l].bottom = v[l - 1].bottom, v[l].left = v[l - 1].left;
    free(boxed);
    qsort(v, p->nlines, sizeof *v, by_top);
    /* A row: the lines whose vertical centre lies above the bottom of its first line. */
    size_t r = 0;
    for (size_t k = 0, first = 0; k < p->nlines; k++) {
        if (k > first && v[k].top + v[k].bottom >= 2 * v[first].bottom)
            first = k, r++;
        v[k].row = r;
    }
    qsort(v, p->nlines, sizeof *v, by_row_left);
    for (size_t k = 0; k < p->nlines; k++) {
        order[k] = v[k].idx;
        if (row)
            row[k] = v[k].row;
    }
    free(v);
    return DP_OK;
}

/* ---- page preparation: lines and word offsets ---- */

/* Joins the words of a page into text (one line per word line) and records offsets. */
static dp_err synth_text(struct extract_page *p)
{
    const struct dp_page *pg = p->pg;
    size_t cap = 1;
    for (size_t i = 0; i < pg->nwords; i++)
        cap += (pg->words[i].text ? strlen(pg->words[i].text) : 0) + 1;
    if (cap > EXTRACT_MAX_PAGE_TEXT)
        cap = EXTRACT_MAX_PAGE_TEXT;
    char *t = malloc(cap);
    if (!t)
        return DP_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < pg->nwords; i++) {
        const char *w = pg->words[i].text ? pg->words[i].text : "";
        size_t wl = strlen(w);
        if (n + wl + 2 > cap)
            break;
        if (i > 0)
            t[n++] = pg->words[i].line != pg->words[i - 1].line ? '\n' : ' ';
        p->woff[i] = n;
        memcpy(t + n, w, wl);
        n += wl;
    }
    t[n] = '\0';
    p->owned_text = t;
    p->text = t;
    p->len = n;
    return DP_OK;
}

/* Finds each word's text in the page text, in reading order. */
static void map_words(struct extract_page *p)
{
    size_t cur = 0;
    for (size_t i = 0; i < p->pg->nwords; i++) {
        const char *w = p->pg->words[i].text;
        size_t wl = w ? strlen(w) : 0;
        if (wl == 0 || cur >= p->len)
            continue;
        size_t win = p->len - cur;
        if (win > EXTRACT_WORD_WINDOW + wl)
            win = EXTRACT_WORD_WINDOW + wl;
        const char *hit = memmem(p->text + cur, win, w, wl);
        if (!hit)
            continue;
        p->woff[i] = (size_t)(hit - p->text);
        cur = p->woff[i] + wl;
    }
}

static dp_err split_lines(struct extract_page *p)
{
    size_t n = 1;
    for (size_t i = 0; i < p->len; i++)
        n += p->text[i] == '\n';
    p->lines = calloc(n, sizeof *p->lines);
    if (!p->lines)
        return DP_ENOMEM;
    size_t start = 0;
    for (size_t i = 0; i <= p->len; i++) {
        if (i == p->len || p->text[i] == '\n') {
            size_t e = i;
            if (e > start && p->text[e - 1] == '\r')
                e--;
            p->lines[p->nlines].off = start;
            p->lines[p->nlines].len = e - start;
            p->nlines++;
            start = i + 1;
        }
    }
    return DP_OK;
}

static dp_err prepare_page(struct extract_page *p, const struct dp_page *pg)
{
    p->pg = pg;
    if (pg->nwords) {
        p->woff = malloc(pg->nwords * sizeof *p->woff);
        if (!p->woff)
            return DP_ENOMEM;
        for (size_t i = 0; i < pg->nwords; i++)
            p->woff[i] = SIZE_MAX;
    }
    if (pg->text) {
        p->text = pg->text;
        p->len = strnlen(pg->text, EXTRACT_MAX_PAGE_TEXT);
        map_words(p);
    } else {
        dp_err err = synth_text(p);
        if (err != DP_OK)
            return err;
    }
    return split_lines(p);
}

static void release_pages(struct extract_ctx *c)
{
    for (size_t i = 0; i < c->npages; i++) {
        free(c->pages[i].owned_text);
        free(c->pages[i].lines);
        free(c->pages[i].woff);
    }
    free(c->pages);
    c->pages = NULL;
    c->npages = 0;
}

/* ---- field output ---- */

int extract_count(const struct extract_ctx *c, const char *name)
{
    int n = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, c->out)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(nm) && strcmp(nm->valuestring, name) == 0)
            n++;
    }
    return n;
}

/* Union box and mean OCR confidence (0..1) of the words overlapping the span. */
static int span_words(const struct extract_page *p, const struct extract_span *sp, int box[4],
                      double *ocr)
{
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0, n = 0, nconf = 0;
    double sum = 0;
    for (size_t i = 0; i < p->pg->nwords; i++) {
        const struct dp_word *w = &p->pg->words[i];
        if (p->woff[i] == SIZE_MAX || !w->text)
            continue;
        size_t ws = p->woff[i], we = ws + strlen(w->text);
        if (we <= sp->off || ws >= sp->off + sp->len)
            continue;
        if (n == 0) {
            x0 = w->x, y0 = w->y, x1 = w->x + w->w, y1 = w->y + w->h;
        } else {
            x0 = w->x < x0 ? w->x : x0;
            y0 = w->y < y0 ? w->y : y0;
            x1 = w->x + w->w > x1 ? w->x + w->w : x1;
            y1 = w->y + w->h > y1 ? w->y + w->h : y1;
        }
        n++;
        if (w->conf >= 0) {
            sum += w->conf > 100 ? 1.0 : w->conf / 100.0;
            nconf++;
        }
    }
    box[0] = x0, box[1] = y0, box[2] = x1 - x0, box[3] = y1 - y0;
    if (nconf)
        *ocr = sum / nconf;
    else if (p->pg->conf > 0)
        *ocr = p->pg->conf > 100 ? 1.0 : p->pg->conf / 100.0;
    else
        *ocr = 1.0;
    return n;
}

dp_err extract_emit(struct extract_ctx *c, const char *name, cJSON *value,
                    const struct extract_span *sp, double rule, int valid)
{
    const struct extract_page *p = &c->pages[sp->page];
    cJSON *f = cJSON_CreateObject();
    if (!f || !value)
        goto fail;
    cJSON_AddItemToObject(f, "name", cJSON_CreateString(name));
    cJSON_AddItemToObject(f, "value", value);
    value = NULL;
    char *txt = strndup(p->text + sp->off, sp->len);
    if (!txt)
        goto fail;
    for (char *q = txt; *q; q++)
        if (*q == '\n' || *q == '\r' || *q == '\t')
            *q = ' ';
    cJSON_AddItemToObject(f, "text", cJSON_CreateString(txt));
    free(txt);
    int box[4];
    double ocr = 1.0;
    int nw = span_words(p, sp, box, &ocr);
    double conf = rule * (0.4 + 0.6 * ocr);
    conf = conf < 0 ? 0 : conf > 1 ? 1 : conf;
    cJSON_AddItemToObject(f, "confidence", cJSON_CreateNumber(round(conf * 100) / 100));
    cJSON_AddItemToObject(
        f, "page", cJSON_CreateNumber(p->pg->number > 0 ? p->pg->number : (int)sp->page + 1));
    if (nw > 0)
        cJSON_AddItemToObject(f, "bbox", cJSON_CreateIntArray(box, 4));
    else
        cJSON_AddItemToObject(f, "bbox", cJSON_CreateNull());
    cJSON_AddItemToObject(f, "valid", cJSON_CreateBool(valid != 0));
    /* cJSON's Add* do not report failure: check the last one landed. */
    if (!cJSON_GetObjectItemCaseSensitive(f, "valid") || !cJSON_AddItemToArray(c->out, f))
        goto fail;
    return DP_OK;
fail:
    cJSON_Delete(value);
    cJSON_Delete(f);
    return DP_ENOMEM;
}

/* ---- driver ---- */

dp_err extract_fields(const struct extractor *ex, const struct dp_doc_text *doc,
                      const struct extract_opts *opts, cJSON **out)
{
    static const struct extract_opts no_opts;
    struct extractor *tmp = NULL;
    struct extract_ctx c = {0};
    dp_err err = DP_EINVAL;
    if (!doc || !out)
        return DP_EINVAL;
    *out = NULL;
    if (!opts)
        opts = &no_opts;
    if (!ex) {
        if ((err = extractor_new(&tmp)) != DP_OK)
            return err;
        ex = tmp;
    }
    err = DP_ENOMEM;
    c.ex = ex;
    c.today = opts->today ? opts->today : (int64_t)time(NULL);
    c.lang = extract_lang_index(opts->lang);
    c.decimal = extract_lang_decimal(c.lang);
    /* A language other than English prints day first; English leaves it to the currency. */
    c.order_hint = opts->month_first ? opts->month_first : c.lang > EXL_ENG ? -1 : 0;
    c.phone_cc = opts->phone_country;
    c.md = pcre2_match_data_create(EXTRACT_OVEC_PAIRS, NULL);
    c.out = cJSON_CreateArray();
    if (!c.md || !c.out)
        goto out;
    if (doc->npages) {
        c.pages = calloc(doc->npages, sizeof *c.pages);
        if (!c.pages)
            goto out;
        c.npages = doc->npages;
        for (size_t i = 0; i < doc->npages; i++)
            if ((err = prepare_page(&c.pages[i], &doc->pages[i])) != DP_OK)
                goto out;
    }
    c.currency = extract_money_currency(&c);
    if (!c.currency && opts->default_currency) {
        const char *d = opts->default_currency;
        c.currency = extract_currency_code(d, strlen(d));
        if (!c.currency && strlen(d) == 3 && d[0] >= 'A' && d[0] <= 'Z' && d[1] >= 'A' &&
            d[1] <= 'Z' && d[2] >= 'A' && d[2] <= 'Z')
            c.currency = d; /* any ISO 4217 code; lives as long as opts */
    }
    if ((err = extract_party_run(&c)) != DP_OK || (err = extract_date_run(&c)) != DP_OK ||
        (err = extract_money_run(&c)) != DP_OK || (err = extract_ids_run(&c)) != DP_OK)
        goto out;
    *out = c.out;
    c.out = NULL;
    err = DP_OK;
out:
    release_pages(&c);
    cJSON_Delete(c.out);
    pcre2_match_data_free(c.md);
    extractor_free(tmp);
    return err;
}
