/* eval_itemoff.c -- line items measured without the stack (docproc-eval --items-offline
 * RESULTS_DIR): lineitems_find() run again over the words, tables and fields of results saved
 * by an earlier run (--results) of an e-invoice set, scored as the live run scores them.  What
 * a change of the line-item rules alone does to the same reading, in a second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"
#include "lineitems.h"
#include "table.h"

static int num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(v) ? v->valueint : cJSON_IsTrue(v) ? 1 : 0;
}

static void box_of(const cJSON *a, int *x, int *y, int *w, int *h)
{
    *x = cJSON_GetArraySize(a) == 4 ? cJSON_GetArrayItem(a, 0)->valueint : 0;
    *y = cJSON_GetArraySize(a) == 4 ? cJSON_GetArrayItem(a, 1)->valueint : 0;
    *w = cJSON_GetArraySize(a) == 4 ? cJSON_GetArrayItem(a, 2)->valueint : 0;
    *h = cJSON_GetArraySize(a) == 4 ? cJSON_GetArrayItem(a, 3)->valueint : 0;
}

/* One saved page as a dp_page (words, tables; texts borrowed from j except cell texts). */
static void page_from_json(const cJSON *jp, struct dp_page *pg)
{
    const cJSON *ws = cJSON_GetObjectItem(jp, "words"), *ts = cJSON_GetObjectItem(jp, "tables");
    const cJSON *x;
    memset(pg, 0, sizeof *pg);
    pg->number = num(jp, "number");
    pg->width = num(jp, "width");
    pg->height = num(jp, "height");
    pg->dpi = num(jp, "dpi");
    pg->words = calloc((size_t)cJSON_GetArraySize(ws) + 1, sizeof *pg->words);
    pg->tables = calloc((size_t)cJSON_GetArraySize(ts) + 1, sizeof *pg->tables);
    if (!pg->words || !pg->tables)
        return;
    cJSON_ArrayForEach(x, ws)
    {
        struct dp_word *w = &pg->words[pg->nwords];
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(x, "text"));
        if (!t)
            continue;
        const cJSON *c = cJSON_GetObjectItem(x, "conf");
        w->text = (char *)t;
        w->conf = cJSON_IsNumber(c) ? (float)(100.0 * c->valuedouble) : 90.0f;
        box_of(cJSON_GetObjectItem(x, "bbox"), &w->x, &w->y, &w->w, &w->h);
        w->line = num(x, "line");
        pg->nwords++;
    }
    cJSON_ArrayForEach(x, ts)
    {
        struct table *t = &pg->tables[pg->ntables++];
        const cJSON *cells = cJSON_GetObjectItem(x, "cells"), *c;
        t->rows = num(x, "rows");
        t->cols = num(x, "cols");
        t->ruled = num(x, "ruled");
        t->header_rows = num(x, "header_rows");
        box_of(cJSON_GetObjectItem(x, "bbox"), &t->bbox.x, &t->bbox.y, &t->bbox.w, &t->bbox.h);
        t->cells = calloc((size_t)cJSON_GetArraySize(cells) + 1, sizeof *t->cells);
        const cJSON *cl = t->cells ? cells : NULL;
        cJSON_ArrayForEach(c, cl)
        {
            struct table_cell *k = &t->cells[t->ncells++];
            const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(c, "text"));
            *k = (struct table_cell){num(c, "row"),      num(c, "col"),      num(c, "row_span"),
                                     num(c, "col_span"), strdup(s ? s : ""), {0, 0, 0, 0},
                                     num(c, "header")};
            box_of(cJSON_GetObjectItem(c, "bbox"), &k->bbox.x, &k->bbox.y, &k->bbox.w, &k->bbox.h);
        }
    }
}

int eval_items_offline(const struct eval_set *s, const char *src, int verbose)
{
    size_t nt = 0, np = 0, nm = 0, docs = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct eval_item *it = &s->items[i];
        char name[128], path[EVAL_PATH_MAX + 256];
        if (!it->lines_json)
            continue;
        snprintf(name, sizeof name, "%s", it->name);
        for (char *p = name; *p; p++)
            if (*p == '/')
                *p = '_';
        snprintf(path, sizeof path, "%s/%s.json", src, name);
        cJSON *j = eval_read_json_file(path);
        if (!j)
            continue;
        const cJSON *pages = cJSON_GetObjectItem(j, "pages"), *jp;
        struct dp_doc_text doc = {0};
        doc.pages = calloc((size_t)cJSON_GetArraySize(pages) + 1, sizeof *doc.pages);
        const cJSON *pl = doc.pages ? pages : NULL;
        cJSON_ArrayForEach(jp, pl) page_from_json(jp, &doc.pages[doc.npages++]);
        cJSON *items = lineitems_find(&doc, cJSON_GetObjectItem(j, "fields"));
        cJSON *truth = cJSON_Parse(it->lines_json);
        size_t t = 0, p = 0, m = 0;
        eval_lines_match(truth, items, &t, &p, &m);
        nt += t, np += p, nm += m, docs++;
        if (verbose && (m < t || p > m)) {
            fprintf(stderr, "%s: %zu of %zu matched, %zu read\n", it->name, m, t, p);
            const cJSON *x;
            cJSON_ArrayForEach(x, items)
            {
                const cJSON *a = cJSON_GetObjectItem(cJSON_GetObjectItem(x, "amount"), "amount");
                fprintf(stderr, "   read  %-60.60s %s\n",
                        cJSON_GetStringValue(cJSON_GetObjectItem(x, "description")),
                        cJSON_GetStringValue(a) ? cJSON_GetStringValue(a) : "-");
            }
        }
        cJSON_Delete(truth);
        cJSON_Delete(items);
        for (size_t k = 0; k < doc.npages; k++) {
            for (size_t q = 0; q < doc.pages[k].ntables; q++)
                table_cleanup(&doc.pages[k].tables[q]);
            free(doc.pages[k].tables);
            free(doc.pages[k].words);
        }
        free(doc.pages);
        cJSON_Delete(j);
    }
    double pr = np ? (double)nm / (double)np : 0, rc = nt ? (double)nm / (double)nt : 0;
    printf("line items of %s from %s: %zu documents\n  truth %zu  read %zu  matched %zu  "
           "precision %.3f  recall %.3f  F1 %.3f\n",
           s->name, src, docs, nt, np, nm, pr, rc, pr + rc > 0 ? 2 * pr * rc / (pr + rc) : 0.0);
    return docs ? 0 : -1;
}
