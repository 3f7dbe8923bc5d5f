/* page.c -- ownership helpers for read pages. */
#include <stdlib.h>
#include "page.h"

void page_cleanup(struct dp_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nwords; i++)
        free(p->words[i].text);
    free(p->words);
    for (size_t i = 0; i < p->nbarcodes; i++) {
        free(p->barcodes[i].type);
        free(p->barcodes[i].text);
    }
    free(p->barcodes);
    p->barcodes = NULL;
    p->nbarcodes = 0;
    free(p->text);
    free(p->hocr);
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
