/* page.c -- ownership helpers for read pages. */
#include <stdlib.h>
#include <string.h>
#include "page.h"

void page_cleanup(struct dp_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nwords; i++)
        free(p->words[i].text);
    free(p->words);
    free(p->text);
    free(p->hocr);
    free(p->reread);
    p->reread = NULL;
    p->nreread = 0;
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

dp_err page_text_from_words(struct dp_page *p)
{
    size_t len = 2;
    for (size_t i = 0; i < p->nwords; i++)
        len += strlen(p->words[i].text) + 2;
    char *t = malloc(len), *q = t;
    if (!t)
        return DP_ENOMEM;
    for (size_t i = 0; i < p->nwords; i++) {
        const struct dp_word *w = &p->words[i];
        if (i) {
            const struct dp_word *prev = &p->words[i - 1];
            if (w->block != prev->block)
                *q++ = '\n';
            *q++ = w->line != prev->line || w->block != prev->block ? '\n' : ' ';
        }
        size_t n = strlen(w->text);
        memcpy(q, w->text, n);
        q += n;
    }
    if (p->nwords)
        *q++ = '\n';
    *q = '\0';
    free(p->text);
    p->text = t;
    return DP_OK;
}
