/* fixtures_xdoc.h -- a read document built in memory for the extractor's tests: one page of
 * lines of words (separated by spaces), 40 px per line, 20 px per character, confidence 90. */
#ifndef DP_FIXTURES_XDOC_H
#define DP_FIXTURES_XDOC_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"

/* Fills *d (doctext_cleanup frees it) with lines[0..n), at most 256 words. */
static inline void xdoc_make(struct dp_doc_text *d, const char *const *lines, size_t n)
{
    memset(d, 0, sizeof *d);
    d->pages = calloc(1, sizeof *d->pages);
    d->npages = 1;
    struct dp_page *p = &d->pages[0];
    p->number = 1;
    p->width = 2000;
    p->height = 40 * (int)n + 200;
    p->words = calloc(256, sizeof *p->words);
    for (size_t li = 0; li < n; li++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", lines[li]);
        int x = 100;
        for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && p->nwords < 256;
             w = strtok_r(NULL, " ", &save)) {
            struct dp_word *dw = &p->words[p->nwords++];
            dw->text = strdup(w);
            dw->conf = 90;
            dw->x = x;
            dw->y = 100 + 40 * (int)li;
            dw->w = 20 * (int)strlen(w);
            dw->h = 30;
            dw->line = (int)li;
            x += dw->w + 20;
        }
    }
}

/* Adds the words of text (separated by spaces) to page 1 of d as an alternate line of the
 * first reading's line `line` (-1: a line it missed), reading block `block` (ALTREAD_LOOK_BLOCK
 * and over for the line look's), at height y, at most 16 words a call. */
static inline void xdoc_add_alt(struct dp_doc_text *d, const char *text, int line, int y, int block)
{
    struct dp_page *p = &d->pages[0];
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    p->alt = realloc(p->alt, (p->nalt + 16) * sizeof *p->alt);
    int x = 100;
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        struct dp_word *dw = &p->alt[p->nalt++];
        *dw = (struct dp_word){strdup(w), 80, x, y, 20 * (int)strlen(w), 30, line, block};
        x += dw->w + 20;
    }
}

#endif
