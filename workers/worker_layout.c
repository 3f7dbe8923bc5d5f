/* worker_layout.c -- the structure of a read page: tables (ruling lines from the page image,
 * alignment of the words), selection marks and key-value pairs.  Runs once per page after it
 * was read, on the image the OCR saw (or none for a PDF text layer). */
#include <stdlib.h>
#include "form.h"
#include "log.h"
#include "table.h"
#include "worker.h"

/* Maps rule and mark boxes found on an upscaled image back to the page's pixels. */
static int unscale_i(int v, float scale)
{
    return scale > 1.0f ? (int)((float)v / scale) : v;
}

dp_err worker_layout(struct dp_page *page, PIX *pix, float scale, struct table_rule *rules,
                     size_t nrules)
{
    dp_err rc;
    /* the image is only usable when the words are in its frame (an OSD-turned page is not) */
    int img = pix && page->rotation == 0;
    if (!img)
        nrules = 0;
    for (size_t i = 0; i < nrules; i++) {
        struct table_rule *r = &rules[i];
        *r = (struct table_rule){unscale_i(r->x1, scale), unscale_i(r->y1, scale),
                                 unscale_i(r->x2, scale), unscale_i(r->y2, scale),
                                 unscale_i(r->thick, scale)};
    }
    rc = table_detect(page->words, page->nwords, page->width, page->height, rules, nrules,
                      &page->tables, &page->ntables);
    if (rc)
        return rc;
    if (img) {
        rc = form_marks_find(pix, (int)((float)page->dpi * (scale > 1.0f ? scale : 1.0f)), scale,
                             page->words, page->nwords, &page->marks, &page->nmarks);
        if (rc)
            return rc;
    }
    return form_pairs(page->words, page->nwords, page->marks, page->nmarks, &page->kvs,
                      &page->nkvs);
}
