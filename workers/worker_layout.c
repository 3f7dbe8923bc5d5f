/* worker_layout.c -- the structure of a read page: tables (ruling lines from the page image,
 * alignment of the words), selection marks and key-value pairs.  The image part runs in the
 * decode child, which has the pixels; the rest in the worker, from the words and what the
 * child found (both travel in the page's wire form). */
#include <stdlib.h>
#include "form.h"
#include "log.h"
#include "table.h"
#include "worker.h"

/* Maps rule and mark boxes found on an upscaled image back to the page's pixels. */
static int unscale_i(int v, float scale)
{
    return scale > 0.0f && scale != 1.0f ? (int)((float)v / scale + 0.5f) : v;
}

dp_err worker_layout_image(struct dp_page *page, PIX *pix, float scale, struct table_rule *rules,
                           size_t nrules)
{
    /* the image is only usable when the words are in its frame (an OSD-turned page is not) */
    if (!pix || page->rotation != 0) {
        free(rules);
        return DP_OK;
    }
    for (size_t i = 0; i < nrules; i++) {
        struct table_rule *r = &rules[i];
        *r = (struct table_rule){unscale_i(r->x1, scale), unscale_i(r->y1, scale),
                                 unscale_i(r->x2, scale), unscale_i(r->y2, scale),
                                 unscale_i(r->thick, scale)};
    }
    page->rules = rules;
    page->nrules = nrules;
    return form_marks_find(pix, (int)((float)page->dpi * (scale > 0.0f ? scale : 1.0f) + 0.5f),
                           scale, page->words, page->nwords, &page->marks, &page->nmarks);
}

dp_err worker_layout_text(struct dp_page *page, const struct form_model *kvm)
{
    dp_err rc = table_detect(page->words, page->nwords, page->width, page->height, page->rules,
                             page->nrules, &page->tables, &page->ntables);
    if (rc)
        return rc;
    /* the learned pairing (kv_model_file or the built-in model); NULL = the hand rules */
    return form_pairs_model(kvm, page->words, page->nwords, page->marks, page->nmarks, &page->kvs,
                            &page->nkvs);
}
