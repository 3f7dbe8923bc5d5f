/* page.c -- ownership helpers for read pages. */
#include <stdlib.h>
#include "form.h"
#include "page.h"
#include "table.h"

void page_cleanup(struct dp_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nwords; i++)
        free(p->words[i].text);
    free(p->words);
    free(p->text);
    free(p->hocr);
    table_list_free(p->tables, p->ntables);
    form_kv_list_free(p->kvs, p->nkvs);
    form_mark_list_free(p->marks, p->nmarks);
    p->tables = NULL;
    p->kvs = NULL;
    p->marks = NULL;
    p->ntables = p->nkvs = p->nmarks = 0;
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
    d->pages = NULL;
    d->npages = 0;
}
