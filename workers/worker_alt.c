/* worker_alt.c -- the second reading of a page (common/altread.h): read again with the other
 * segmentation mode, lined up with the first, kept where the two differ. */
#include <stdlib.h>
#include "altread.h"
#include "worker.h"

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
