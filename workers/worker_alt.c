/* worker_alt.c -- the second reading of a page (common/altread.h): read again with the other
 * segmentation mode, lined up with the first, kept where the two differ. */
#include "altread.h"
#include "worker.h"

dp_err worker_alt_read(struct ocr *o, PIX *src, int src_dpi, float f, float first_f,
                       long long budget_ms, struct dp_page *page)
{
    if (budget_ms <= 0 || page->rotation != 0 ||
        !altread_wanted(page->psm, page->conf, page->nwords))
        return DP_OK;
    PIX *pix = f == 1.0f ? pixClone(src) : pixScale(src, f, f);
    if (!pix)
        return DP_ENOMEM;
    float g = f == 1.0f ? 1.0f : (float)pixGetWidth(pix) / (float)pixGetWidth(src);
    int dpi = (int)((float)src_dpi * g + 0.5f);
    pixSetResolution(pix, dpi, dpi);
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
