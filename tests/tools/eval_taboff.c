/* eval_taboff.c -- table detection measured without the stack (docproc-eval --tables-offline
 * RESULTS_DIR): table_detect() run again over the words of results saved by an earlier run
 * (--results), with the ruling lines found again on the page images (the scan set's TIFF, or
 * the PDF rendered at TABOFF_RULE_DPI as the decode child does for a text layer).  Scores the
 * ICDAR 2013 adjacency relations as the live run does, in seconds instead of minutes: what a
 * change of the detector alone does to the same reading. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <leptonica/allheaders.h>
#include "eval.h"
#include "decode.h"
#include "table.h"

#define TABOFF_RULE_DPI  100 /* what the decode child renders a text-layer page at for rules */
#define TABOFF_MAX_PAGES 16

/* Words of one saved page (bbox = x,y,w,h; conf 0..1 -> 0..100); texts borrowed from page. */
static struct dp_word *page_words(const cJSON *page, size_t *n)
{
    const cJSON *ws = cJSON_GetObjectItem(page, "words"), *x;
    size_t k = (size_t)cJSON_GetArraySize(ws);
    struct dp_word *w = calloc(k ? k : 1, sizeof *w);
    *n = 0;
    if (!w)
        return NULL;
    cJSON_ArrayForEach(x, ws)
    {
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(x, "text"));
        const cJSON *b = cJSON_GetObjectItem(x, "bbox"), *c = cJSON_GetObjectItem(x, "conf");
        const cJSON *l = cJSON_GetObjectItem(x, "line");
        if (!t || !*t || cJSON_GetArraySize(b) != 4)
            continue;
        w[(*n)++] = (struct dp_word){(char *)t,
                                     cJSON_IsNumber(c) ? (float)(100.0 * c->valuedouble) : 90.0f,
                                     cJSON_GetArrayItem(b, 0)->valueint,
                                     cJSON_GetArrayItem(b, 1)->valueint,
                                     cJSON_GetArrayItem(b, 2)->valueint,
                                     cJSON_GetArrayItem(b, 3)->valueint,
                                     cJSON_IsNumber(l) ? l->valueint : 0,
                                     0};
    }
    return w;
}

/* The page images of an item as the worker's decoder gives them: a scan's pages, or a PDF
 * text page's drawing rendered at the worker's rule resolution.  *dpi is the images'
 * resolution.  Caller destroys the PIXA; NULL when the file cannot be read. */
static PIXA *item_pages(const struct eval_item *it, int *dpi)
{
    FILE *f = fopen(it->path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, n;
    while (f && len < EVAL_MAX_FILE) {
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap = cap ? 2 * cap : 1 << 20);
            if (!nb)
                break;
            buf = nb;
        }
        if ((n = fread(buf + len, 1, cap - len, f)) == 0)
            break;
        len += n;
    }
    if (f)
        fclose(f);
    struct decode_limits lim;
    decode_limits_default(&lim);
    lim.min_dpi = 1; /* as the worker: no upscaling by dpi */
    lim.text_raster_dpi = TABOFF_RULE_DPI;
    struct decoded *d = NULL;
    PIXA *pa = buf && decode_open(buf, len, &lim, &d) == DP_OK ? pixaCreate(0) : NULL;
    *dpi = 0;
    for (size_t i = 0; pa && i < decode_npages(d) && i < TABOFF_MAX_PAGES; i++) {
        struct decode_page pg;
        if (decode_page(d, i, &pg) != DP_OK) {
            pixaAddPix(pa, pixCreate(1, 1, 8), L_INSERT);
            continue;
        }
        if (pg.pix && !*dpi)
            *dpi = pixGetXRes(pg.pix);
        pixaAddPix(pa, pg.pix ? pg.pix : pixCreate(1, 1, 8), L_COPY);
        decode_page_cleanup(&pg);
    }
    decode_close(d);
    free(buf);
    if (*dpi <= 0)
        *dpi = TABOFF_RULE_DPI;
    return pa;
}

/* The relations of one document's tables, detected again page by page. */
static char *detect_doc(const cJSON *doc, PIXA *pa, int img_dpi, double *cpu)
{
    cJSON *out = cJSON_CreateObject(), *pages = cJSON_AddArrayToObject(out, "pages");
    const cJSON *page;
    int pno = 0;
    cJSON_ArrayForEach(page, cJSON_GetObjectItem(doc, "pages"))
    {
        size_t nw = 0, nr = 0, nt = 0;
        struct dp_word *w = page_words(page, &nw);
        const cJSON *jw = cJSON_GetObjectItem(page, "width"),
                    *jh = cJSON_GetObjectItem(page, "height");
        const cJSON *jd = cJSON_GetObjectItem(page, "dpi");
        int pdpi = cJSON_IsNumber(jd) && jd->valueint > 0 ? jd->valueint : img_dpi;
        struct table_rule *rules = NULL;
        PIX *pix = pa && pno < pixaGetCount(pa) ? pixaGetPix(pa, pno, L_CLONE) : NULL;
        if (pix && table_rules_find(pix, img_dpi, &rules, &nr) != DP_OK)
            nr = 0;
        pixDestroy(&pix);
        double f = (double)pdpi / (double)img_dpi;
        for (size_t i = 0; f != 1.0 && i < nr; i++) {
            struct table_rule *r = &rules[i];
            *r = (struct table_rule){(int)(r->x1 * f + 0.5), (int)(r->y1 * f + 0.5),
                                     (int)(r->x2 * f + 0.5), (int)(r->y2 * f + 0.5),
                                     (int)(r->thick * f + 0.5)};
        }
        struct table *t = NULL;
        clock_t c0 = clock();
        dp_err rc = w ? table_detect(w, nw, cJSON_IsNumber(jw) ? jw->valueint : 0,
                                     cJSON_IsNumber(jh) ? jh->valueint : 0, rules, nr, &t, &nt)
                      : DP_ENOMEM;
        *cpu += (double)(clock() - c0) / CLOCKS_PER_SEC;
        cJSON *jp = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(jp, "tables");
        cJSON_AddItemToArray(pages, jp);
        for (size_t k = 0; !rc && k < nt; k++)
            cJSON_AddItemToArray(arr, table_json(&t[k]));
        if (getenv("DOCPROC_EVAL_TABOFF_DEBUG"))
            for (size_t k = 0; !rc && k < nt; k++)
                fprintf(stderr, "  page %d: %zu rules, table %dx%d ruled %d at %d,%d %dx%d\n",
                        pno + 1, nr, t[k].rows, t[k].cols, t[k].ruled, t[k].bbox.x, t[k].bbox.y,
                        t[k].bbox.w, t[k].bbox.h);
        table_list_free(t, nt);
        free(rules);
        free(w);
        pno++;
        if (pno >= TABOFF_MAX_PAGES)
            break;
    }
    char *rels = eval_tables_pred(out);
    cJSON_Delete(out);
    return rels;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits a copy of rels into sorted lines; *n of them.  Free (*v)[0]'s buffer via *buf. */
static char **sorted_lines(const char *rels, char **buf, size_t *n)
{
    size_t cap = 1;
    for (const char *p = rels; *p; p++)
        cap += *p == '\n';
    char **v = malloc(cap * sizeof *v);
    *buf = strdup(rels);
    *n = 0;
    for (char *p = *buf, *e; v && p && *p; p = e + 1) {
        if (!(e = strchr(p, '\n')))
            break;
        *e = '\0';
        v[(*n)++] = p;
    }
    if (v)
        qsort(v, *n, sizeof *v, cmp_line);
    return v;
}

/* Prints the relations only the truth has ("-") and only the found tables have ("+"). */
static void dump_diff(const char *name, const char *truth, const char *found)
{
    char *tb = NULL, *fb = NULL;
    size_t nt = 0, nf = 0, i = 0, j = 0;
    char **t = sorted_lines(truth, &tb, &nt), **f = sorted_lines(found, &fb, &nf);
    while (t && f && (i < nt || j < nf)) {
        int c = i == nt ? 1 : j == nf ? -1 : strcmp(t[i], f[j]);
        const char *s = c < 0 ? t[i++] : f[j++];
        if (c == 0) {
            i++;
            continue;
        }
        fprintf(stderr, "  %s %c ", name, c < 0 ? '-' : '+');
        for (; *s; s++)
            fputc(*s == '\x1f' ? '|' : *s, stderr);
        fputc('\n', stderr);
    }
    free(t);
    free(f);
    free(tb);
    free(fb);
}

int eval_tables_offline(const struct eval_set *s, const char *src, int verbose)
{
    struct eval_ocr all = {0, 0, 0};
    double cpu = 0;
    size_t docs = 0;
    setMsgSeverity(L_SEVERITY_WARNING);
    for (size_t i = 0; i < s->n; i++) {
        const struct eval_item *it = &s->items[i];
        char name[128], path[EVAL_PATH_MAX + 256];
        if (!it->table_rels)
            continue;
        snprintf(name, sizeof name, "%s", it->name);
        for (char *p = name; *p; p++)
            if (*p == '/')
                *p = '_';
        snprintf(path, sizeof path, "%s/%s.json", src, name);
        cJSON *j = eval_read_json_file(path);
        if (!j) {
            fprintf(stderr, "tables: no %s\n", path);
            continue;
        }
        int dpi = 0;
        PIXA *pa = item_pages(it, &dpi);
        char *rels = detect_doc(j, pa, dpi, &cpu);
        struct eval_ocr one = {0, 0, 0};
        eval_rel_match(it->table_rels, rels, &one);
        all.truth += one.truth;
        all.pred += one.pred;
        all.matched += one.matched;
        docs++;
        if (verbose)
            fprintf(stderr, "%-28s truth %5zu found %5zu matched %5zu\n", it->name, one.truth,
                    one.pred, one.matched);
        if (verbose > 1 || getenv("DOCPROC_EVAL_TABOFF_DIFF"))
            dump_diff(it->name, it->table_rels, rels);
        free(rels);
        pixaDestroy(&pa);
        cJSON_Delete(j);
    }
    double p = all.pred ? (double)all.matched / (double)all.pred : 0.0;
    double r = all.truth ? (double)all.matched / (double)all.truth : 0.0;
    printf("tables of %s from %s: %zu documents, detection CPU %.2f ms/document\n", s->name, src,
           docs, docs ? 1000.0 * cpu / (double)docs : 0.0);
    printf("  relations  truth %5zu  found %5zu  matched %5zu  precision %.3f  recall %.3f  F1 "
           "%.3f\n",
           all.truth, all.pred, all.matched, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0.0);
    return docs ? 0 : -1;
}
