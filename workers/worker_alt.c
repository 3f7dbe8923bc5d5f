/* worker_alt.c -- the second reading of a page (common/altread.h): read again with the other
 * segmentation mode, lined up with the first, kept where the two differ. */
#include "altread.h"
#include "worker.h"

dp_err worker_alt_read(struct ocr *o, PIX *pix, int dpi, long long budget_ms, struct dp_page *page)
{
    if (budget_ms <= 0 || page->rotation != 0 ||
        !altread_wanted(page->psm, page->conf, page->nwords))
        return DP_OK;
    struct dp_page second;
    dp_err rc =
        ocr_page(o, pix, dpi, altread_other_psm(page->psm), page->number, budget_ms, &second);
    if (rc) /* out of time or Tesseract failed: the first reading stands */
        return rc == DP_ENOMEM ? rc : DP_OK;
    struct dp_word *alt = NULL;
    size_t nalt = 0;
    rc = altread_align(page->words, page->nwords, second.words, second.nwords, &alt, &nalt);
    page_cleanup(&second);
    if (rc)
        return rc;
    altread_words_free(page->alt, page->nalt);
    page->alt = alt;
    page->nalt = nalt;
    return DP_OK;
}
