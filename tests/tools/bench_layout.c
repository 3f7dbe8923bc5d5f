/* bench_layout.c -- what the page-structure step costs next to OCR: in this process, every
 * page of the set is decoded and read as the worker reads it (ruling lines found and erased,
 * Tesseract, then tables, selection marks and key-value pairs), with the CPU time of each part
 * measured separately (CLOCK_PROCESS_CPUTIME_ID, so a loaded machine slows both alike). */
#include <stdlib.h>
#include <time.h>
#include "bench.h"
#include "decode.h"
#include "table.h"
#include "../../workers/worker.h"

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int bench_layout(const struct bench_pages *pp, struct bench_layout_result *out)
{
    struct ocr o;
    *out = (struct bench_layout_result){0};
    if (ocr_init(&o, "", "eng") != DP_OK) {
        ocr_cleanup(&o);
        return -1;
    }
    for (size_t i = 0; i < pp->n; i++) {
        struct decoded *d = NULL;
        struct decode_page pg;
        if (decode_open(pp->v[i].buf, pp->v[i].len, NULL, &d) || decode_page(d, 0, &pg)) {
            decode_close(d);
            continue;
        }
        if (pg.kind != DECODE_PIX) {
            decode_page_cleanup(&pg);
            decode_close(d);
            continue;
        }
        struct table_rule *rules = NULL;
        size_t nrules = 0;
        struct dp_page page;
        PIX *clean = NULL;
        double t0 = cpu_s();
        if (table_rules_find(pg.pix, pg.dpi, &rules, &nrules) == DP_OK && nrules)
            clean = table_rules_erase(pg.pix, rules, nrules);
        double t1 = cpu_s();
        int ok = ocr_page(&o, clean ? clean : pg.pix, pg.dpi, 3, 1, 600000, &page) == DP_OK;
        double t2 = cpu_s();
        dp_err e = DP_EIO;
        if (ok) {
            e = worker_layout_image(&page, pg.pix, pg.scale, rules, nrules); /* takes rules */
            rules = NULL;
        }
        if (!e && worker_layout_text(&page, form_model_builtin()) == DP_OK) {
            double t3 = cpu_s();
            out->pages++;
            out->ocr_s += t2 - t1;
            out->rules_s += t1 - t0;
            out->structure_s += t3 - t2;
            out->tables += page.ntables;
        }
        if (ok)
            page_cleanup(&page);
        free(rules);
        pixDestroy(&clean);
        decode_page_cleanup(&pg);
        decode_close(d);
    }
    ocr_cleanup(&o);
    return out->pages ? 0 : -1;
}
