/* worker_alt.c -- the second reading of a page (common/altread.h): read again with the other
 * segmentation mode, lined up with the first, kept where the two differ; and a receipt's line
 * look: its top lines and date lines read once more, each alone. */
#include <stdlib.h>
#include "altread.h"
#include "worker.h"
#include "util.h"

/* Whitens on pix (8-bit grey, as decoded pages are; scaled by r from the first reading's
 * pixels) the words of the first reading's lines outside the band (altread_band), so the
 * second reading reads only the band; *band receives the band (owned, one entry per line)
 * when lines were left out, else NULL. DP_ENOMEM. */
static dp_err keep_band(PIX *pix, const struct dp_page *page, float r, unsigned char **band,
                        size_t *nband)
{
    int maxl = -1;
    for (size_t i = 0; i < page->nwords; i++)
        maxl = page->words[i].line > maxl ? page->words[i].line : maxl;
    if (maxl < 0 || pixGetDepth(pix) != 8 || pixGetColormap(pix))
        return DP_OK;
    size_t nl = (size_t)maxl + 1;
    unsigned char *keep = malloc(nl);
    if (!keep)
        return DP_ENOMEM;
    if (altread_band(page->words, page->nwords, keep, nl) == nl) {
        free(keep);
        return DP_OK;
    }
    *band = keep;
    *nband = nl;
    for (size_t i = 0; i < page->nwords; i++) {
        const struct dp_word *w = &page->words[i];
        if (w->line < 0 || keep[w->line])
            continue;
        BOX *b = boxCreate((int)((float)w->x * r), (int)((float)w->y * r),
                           (int)((float)w->w * r + 1.5f), (int)((float)w->h * r + 1.5f));
        if (!b)
            return DP_ENOMEM; /* the caller frees *band */
        pixSetInRectArbitrary(pix, b, 255);
        boxDestroy(&b);
    }
    return DP_OK;
}

dp_err worker_alt_read(struct ocr *o, PIX *src, int src_dpi, float f, float first_f,
                       long long budget_ms, struct dp_page *page, unsigned char **band,
                       size_t *nband)
{
    *band = NULL;
    *nband = 0;
    if (budget_ms <= 0 || page->rotation != 0 ||
        !altread_wanted(page->psm, page->conf, page->nwords))
        return DP_OK;
    PIX *pix = f == 1.0f ? pixClone(src) : pixScale(src, f, f);
    if (!pix)
        return DP_ENOMEM;
    float g = f == 1.0f ? 1.0f : (float)pixGetWidth(pix) / (float)pixGetWidth(src);
    int dpi = (int)((float)src_dpi * g + 0.5f);
    pixSetResolution(pix, dpi, dpi);
    /* A receipt (one block) is read again only where its values stand: pixClone shares the
     * pixels, so the band is whitened on a copy. */
    if (page->psm == 6) {
        PIX *own = f == 1.0f ? pixCopy(NULL, pix) : pixClone(pix);
        pixDestroy(&pix);
        dp_err brc = own ? keep_band(own, page, g / first_f, band, nband) : DP_ENOMEM;
        if (brc) {
            pixDestroy(&own);
            free(*band);
            *band = NULL;
            *nband = 0;
            return brc;
        }
        pix = own;
    }
    struct dp_page second;
    dp_err rc =
        ocr_page(o, pix, dpi, altread_other_psm(page->psm), page->number, budget_ms, &second);
    pixDestroy(&pix);
    if (rc) /* out of time or Tesseract failed: the first reading stands */
        return rc == DP_ENOMEM ? rc : DP_OK;
    /* boxes into the first reading's pixels */
    float r = first_f / g;
    for (size_t i = 0; r != 1.0f && i < second.nwords; i++) {
        struct dp_word *w = &second.words[i];
        w->x = (int)((float)w->x * r);
        w->y = (int)((float)w->y * r);
        w->w = (int)((float)w->w * r + 0.5f);
        w->h = (int)((float)w->h * r + 0.5f);
    }
    struct dp_word *alt = NULL;
    size_t nalt = 0;
    rc = altread_align(page->words, page->nwords, second.words, second.nwords, &alt, &nalt);
    page_cleanup(&second);
    if (rc)
        return rc;
    altread_words_free(page->alt, page->nalt);
    page->alt = alt;
    page->nalt = nalt;
    page->read_twice = 1;
    return DP_OK;
}

/* ---- the line look ---- */

#define LOOK_PX  40.0 /* a looked-at line is enlarged (or shrunk) to this height, pixels */
#define LOOK_PAD 0.35 /* margin around the line, in line heights (twice that sideways) */

/* Reads the box (x0, y0)-(x1, y1) of src scaled by g as one line, its dark strokes thickened
 * by a 3x3 grey erosion after, when even_out, its contrast was evened (pixContrastNorm): the
 * thin, faded header type of a till roll (DECO read BECO, UNIHAKKA read UNIHARKKA at both
 * readings' scales) reads whole so; a page not 8-bit grey is read as it is. Words into *w
 * (owned), in the scaled box's pixels. */
static dp_err look_read(struct ocr *o, PIX *src, int src_dpi, int x0, int y0, int x1, int y1,
                        float g, int even_out, long long budget_ms, struct dp_word **w, size_t *n)
{
    BOX *bx = boxCreate(x0, y0, x1 - x0, y1 - y0);
    PIX *crop = bx ? pixClipRectangle(src, bx, NULL) : NULL;
    PIX *big = crop ? pixScale(crop, g, g) : NULL, *even = NULL, *thick = NULL;
    boxDestroy(&bx);
    pixDestroy(&crop);
    if (big && pixGetDepth(big) == 8 && !pixGetColormap(big)) {
        even = even_out ? pixContrastNorm(NULL, big, 10, 10, 40, 2, 2) : pixClone(big);
        thick = even ? pixErodeGray(even, 3, 3) : NULL;
    }
    PIX *use = thick ? thick : big;
    dp_err rc = use ? ocr_line(o, use, (int)((float)src_dpi * g), budget_ms, w, n) : DP_ENOMEM;
    pixDestroy(&thick);
    pixDestroy(&even);
    pixDestroy(&big);
    return rc;
}

dp_err worker_alt_look(struct ocr *o, PIX *src, int src_dpi, float first_f, long long budget_ms,
                       struct dp_page *page)
{
    if (budget_ms <= 0 || !page->read_twice || page->psm != 6 || page->rotation != 0 ||
        first_f <= 0.0f)
        return DP_OK;
    size_t nspans = 0;
    struct worker_span *v = worker_spans_of(page, 0, &nspans);
    if (!v)
        return DP_ENOMEM;
    int maxl = -1;
    for (size_t i = 0; i < page->nwords; i++)
        maxl = page->words[i].line > maxl ? page->words[i].line : maxl;
    size_t nl = (size_t)(maxl + 1);
    unsigned char *keep = nl ? malloc(nl) : NULL;
    if (nl && !keep) {
        free(v);
        return DP_ENOMEM;
    }
    if (nl)
        altread_look_lines(page->words, page->nwords, keep, nl);
    int W = (int)pixGetWidth(src), H = (int)pixGetHeight(src);
    int64_t end = util_mono_ms() + budget_ms;
    dp_err rc = DP_OK;
    for (size_t i = 0; i < nspans && !rc; i++) {
        int line = page->words[v[i].first].line, r0 = v[i].y0, r1 = v[i].y1;
        if (line < 0 || (size_t)line >= nl || !keep[line])
            continue;
        long long left = end - util_mono_ms();
        if (left <= 0)
            break;
        /* the rows the line's words stand on (not a speck's beside them), in src's pixels */
        altread_line_rows(page->words, page->nwords, line, &r0, &r1);
        double lh = (double)(r1 - r0) / first_f, pad = LOOK_PAD * lh + 2;
        int x0 = (int)(v[i].x0 / first_f - 2 * pad), y0 = (int)(r0 / first_f - pad);
        int x1 = (int)(v[i].x1 / first_f + 2 * pad + 1), y1 = (int)(r1 / first_f + pad + 1);
        x0 = x0 < 0 ? 0 : x0;
        y0 = y0 < 0 ? 0 : y0;
        x1 = x1 > W ? W : x1;
        y1 = y1 > H ? H : y1;
        if (x1 - x0 < 4 || y1 - y0 < 4 || lh <= 0)
            continue;
        float g = (float)(LOOK_PX / lh);
        g = g < 0.5f ? 0.5f : g > 4.0f ? 4.0f : g;
        struct dp_word *w = NULL;
        size_t n = 0;
        /* a date line's digits read best thickened alone (SROIE probe: date .89 -> .90) */
        rc = look_read(o, src, src_dpi, x0, y0, x1, y1, g, keep[line] == ALTREAD_LOOK_NAME, left,
                       &w, &n);
        if (rc) {
            rc = rc == DP_ENOMEM ? rc : DP_OK; /* Best effort: out of time, the readings stand */
            break;
        }
        for (size_t k = 0; k < n; k++) { /* into the first reading's pixels */
            w[k].x = (int)(((float)x0 + (float)w[k].x / g) * first_f);
            w[k].y = (int)(((float)y0 + (float)w[k].y / g) * first_f);
            w[k].w = (int)((float)w[k].w / g * first_f + 0.5f);
            w[k].h = (int)((float)w[k].h / g * first_f + 0.5f);
        }
        int kept = 0;
        rc = altread_add_look(page, line, w, n, &kept);
    }
    free(keep);
    free(v);
    return rc;
}
