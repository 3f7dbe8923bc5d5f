/* worker_lang.c -- lang=auto without reading the first page twice: once its English read has
 * told the language, only the lines that read weakly in English (the words with letters the
 * English model lacks: ä ö ü ß é è ç...) are read again with the detected pack, and the better
 * reading of each line kept (common/linemerge.c). Measured on German e-invoice scans, the words
 * the German pack reads differently sit in lines with a word below 75 (docs/EVAL.md). */
#include <stdlib.h>
#include <string.h>
#include "linemerge.h"
#include "util.h"
#include "worker.h"

#define LANG_LINE_CONF 85.0f /* a line whose mean word confidence is below this is re-read */
#define LANG_WORD_CONF 75.0f /* ...or one with a word below this */
#define LANG_PAD       0.35  /* margin around the line's box, in line heights */
#define LANG_MAX_WORDS 256   /* words of one line compared, at most */

/* 1 when the digits of words a[0..na) and b[0..nb), in order, are the same. */
static int same_digits(const struct dp_word *a, size_t na, const struct dp_word *b, size_t nb)
{
    size_t i = 0, j = 0;
    const char *p = na ? a[0].text : "", *q = nb ? b[0].text : "";
    for (;;) {
        while (*p && !(*p >= '0' && *p <= '9'))
            p++;
        while (!*p && ++i < na)
            for (p = a[i].text; *p && !(*p >= '0' && *p <= '9');)
                p++;
        while (*q && !(*q >= '0' && *q <= '9'))
            q++;
        while (!*q && ++j < nb)
            for (q = b[j].text; *q && !(*q >= '0' && *q <= '9');)
                q++;
        if (!*p || !*q)
            return !*p && !*q;
        if (*p++ != *q++)
            return 0;
    }
}

/* Reads line l again from pix (page pixels * scale = pix pixels), enlarged by f; keeps the
 * reading in l->alt (boxes in page pixels) when linemerge prefers it. */
static dp_err reread_line(struct ocr *o, PIX *pix, int dpi, float scale, float f,
                          long long budget_ms, const struct dp_page *page, struct worker_span *l)
{
    int lh = l->y1 - l->y0, pad = (int)(LANG_PAD * lh) + 2;
    int W = (int)pixGetWidth(pix), H = (int)pixGetHeight(pix);
    int x0 = (int)((float)(l->x0 - 2 * pad) * scale), y0 = (int)((float)(l->y0 - pad) * scale);
    int x1 = (int)((float)(l->x1 + 2 * pad) * scale + 0.5f);
    int y1 = (int)((float)(l->y1 + pad) * scale + 0.5f);
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0, x1 = x1 > W ? W : x1, y1 = y1 > H ? H : y1;
    if (x1 - x0 < 4 || y1 - y0 < 4)
        return DP_OK;
    struct dp_word *w = NULL;
    size_t n = 0;
    dp_err rc = ocr_line_region(o, pix, dpi, x0, y0, x1, y1, f, budget_ms, &w, &n);
    if (rc)
        return rc;
    struct linemerge_word a[LANG_MAX_WORDS], b[LANG_MAX_WORDS];
    if (l->n > LANG_MAX_WORDS || n > LANG_MAX_WORDS || n == 0) {
        worker_words_free(w, n);
        return DP_OK;
    }
    for (size_t i = 0; i < l->n; i++)
        a[i] =
            (struct linemerge_word){page->words[l->first + i].text, page->words[l->first + i].conf};
    for (size_t i = 0; i < n; i++)
        b[i] = (struct linemerge_word){w[i].text, w[i].conf};
    /* The pack matters for letters, not digits: a re-read that reads other digits (a table
     * row read across its columns as one line) keeps the first read, the amounts and the
     * rows the line items are made of. */
    if (!same_digits(page->words + l->first, l->n, w, n) || !linemerge_prefer(a, l->n, b, n)) {
        worker_words_free(w, n);
        return DP_OK;
    }
    float k = f * scale; /* crop pixels per page pixel */
    for (size_t i = 0; i < n; i++) {
        w[i].x = (int)(((float)x0 * f + (float)w[i].x) / k);
        w[i].y = (int)(((float)y0 * f + (float)w[i].y) / k);
        w[i].w = (int)((float)w[i].w / k + 0.5f);
        w[i].h = (int)((float)w[i].h / k + 0.5f);
        w[i].line = page->words[l->first].line;
        w[i].block = page->words[l->first].block;
    }
    l->alt = w;
    l->nalt = n;
    return DP_OK;
}

/* Puts the kept re-reads into page (words, confidence, text). */
static dp_err splice(struct dp_page *page, struct worker_span *v, size_t nl, size_t *replaced)
{
    size_t total = 0, nrep = 0;
    for (size_t i = 0; i < nl; i++)
        total += v[i].alt ? v[i].nalt : v[i].n;
    struct dp_word *words = calloc(total ? total : 1, sizeof *words);
    if (!words)
        return DP_ENOMEM;
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < nl; i++) {
        struct worker_span *l = &v[i];
        if (l->alt) {
            memcpy(words + k, l->alt, l->nalt * sizeof *words);
            k += l->nalt;
            free(l->alt); /* the texts moved into words */
            l->alt = NULL;
            l->nalt = 0;
            for (size_t j = l->first; j < l->first + l->n; j++)
                free(page->words[j].text);
            nrep++;
        } else {
            memcpy(words + k, page->words + l->first, l->n * sizeof *words);
            k += l->n;
        }
    }
    for (size_t i = 0; i < k; i++)
        sum += words[i].conf;
    free(page->words);
    page->words = words;
    page->nwords = k;
    page->conf = k ? (float)(sum / (double)k) : 0.0f;
    *replaced = nrep;
    return page_text_from_words(page);
}

dp_err worker_lang_reread(struct ocr *o, PIX *pix, int dpi, float scale, float f,
                          long long budget_ms, struct dp_page *page, size_t *nread,
                          size_t *nreplaced)
{
    size_t nl = 0;
    *nread = *nreplaced = 0;
    if (scale <= 0.0f || f <= 0.0f)
        return DP_EINVAL;
    struct worker_span *v = worker_spans_of(page, 0, &nl);
    if (!v)
        return DP_ENOMEM;
    dp_err rc = DP_OK;
    int64_t end = util_mono_ms() + budget_ms;
    for (size_t i = 0; i < nl && !rc; i++) {
        if (v[i].conf >= LANG_LINE_CONF && v[i].minconf >= LANG_WORD_CONF)
            continue;
        long long left = end - util_mono_ms();
        if (left <= 0)
            break;
        rc = reread_line(o, pix, dpi, scale, f, left, page, &v[i]);
        (*nread)++;
    }
    if (rc == DP_ETIMEOUT || rc == DP_EOCR)
        rc = DP_OK; /* Best effort: the English read stands for the lines not re-read. */
    int any = 0;
    for (size_t i = 0; i < nl; i++)
        any |= v[i].alt != NULL;
    if (!rc && any)
        rc = splice(page, v, nl, nreplaced);
    for (size_t i = 0; i < nl; i++)
        worker_words_free(v[i].alt, v[i].nalt);
    free(v);
    return rc;
}
