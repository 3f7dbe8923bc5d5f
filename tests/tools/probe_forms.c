/* probe_forms.c -- docproc-formprobe: the worker's reading (worker_decode_pages) in this process
 * over FUNSD's forms or Tesseract's test pages, under two or more configurations interleaved page
 * by page (the load of a shared machine hits them alike), scored as docproc-eval scores OCR words
 * (loose bag of words, eval_words_match), with the CPU time of each reading
 * (CLOCK_PROCESS_CPUTIME_ID). A tool for iterating on reading choices: no stack, no Redis.
 *
 *   docproc-formprobe [--from N] [--limit N] [--every K] [-v] [--dump DIR] -c 'opt=v' -c ... DIR
 *
 * DIR is a FUNSD folder (annotations/NAME.json + images/NAME.png: the words of every entity are
 * the truth) or a folder of NAME.tif + NAME.txt (Tesseract's test pages: the exact text). Pages
 * are taken in name order: --from N skips N, --every K keeps one in K, --limit N stops after N.
 * Each -c is one configuration: config options by name (config_set) and X_NAME=v, which sets
 * DOCPROC_X_NAME for experiments read by the reading code. -v prints each page's text under
 * each configuration; --dump DIR writes every word read (page, box in the page's pixels,
 * confidence, line, text; tab-separated) to DIR/NAME.K.tsv for configuration K. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "config.h"
#include "probe_common.h"
#include "eval.h"
#include "util.h"
#include "../../workers/worker.h"

#define FPROBE_MAX_CONF  8
#define FPROBE_MAX_FILE  (64u << 20)
#define FPROBE_MAX_PAGES 1000
#define FPROBE_PATH      1024

/* The whole file at path (caller frees), *len its size; NULL when unreadable. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(FPROBE_MAX_FILE + 1);
    *len = b ? fread(b, 1, FPROBE_MAX_FILE, f) : 0;
    fclose(f);
    if (b)
        b[*len] = '\0';
    return b;
}

/* FUNSD's truth words of one form (its entities' words joined by blanks), caller frees. */
static char *funsd_words(const char *json_path)
{
    size_t len = 0;
    unsigned char *b = slurp(json_path, &len);
    cJSON *a = b ? cJSON_ParseWithLength((const char *)b, len) : NULL;
    free(b);
    char *out = NULL;
    size_t k = 0, cap = 0;
    const cJSON *ent, *word;
    cJSON_ArrayForEach(ent, cJSON_GetObjectItem(a, "form"))
    {
        cJSON_ArrayForEach(word, cJSON_GetObjectItem(ent, "words"))
        {
            const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(word, "text"));
            size_t tl = t ? strlen(t) : 0;
            if (!tl)
                continue;
            if (k + tl + 2 > cap) {
                char *n = realloc(out, (cap + tl + 2) * 2);
                if (!n)
                    break;
                out = n;
                cap = (cap + tl + 2) * 2;
            }
            memcpy(out + k, t, tl);
            k += tl;
            out[k++] = ' ';
        }
    }
    cJSON_Delete(a);
    if (out)
        out[k] = '\0';
    return out;
}

struct page_ref {
    char image[2 * FPROBE_PATH], truth[2 * FPROBE_PATH], name[256];
    int funsd; /* truth is a FUNSD annotation (else a text file) */
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct page_ref *)a)->name, ((const struct page_ref *)b)->name);
}

/* The pages of dir in name order into v (at most max); returns how many. */
static size_t list_pages(const char *dir, struct page_ref *v, size_t max)
{
    char adir[FPROBE_PATH];
    snprintf(adir, sizeof adir, "%s/annotations", dir);
    int funsd = 1;
    DIR *d = opendir(adir);
    if (!d) {
        funsd = 0;
        d = opendir(dir);
    }
    if (!d)
        return 0;
    size_t n = 0;
    for (struct dirent *e; n < max && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        const char *ext = funsd ? ".json" : ".tif";
        size_t el = strlen(ext);
        if (l <= el || l - el >= sizeof v[n].name || strcmp(e->d_name + l - el, ext) != 0)
            continue;
        struct page_ref *p = &v[n];
        snprintf(p->name, sizeof p->name, "%.*s", (int)(l - el), e->d_name);
        if (funsd) {
            snprintf(p->truth, sizeof p->truth, "%s/%s", adir, e->d_name);
            snprintf(p->image, sizeof p->image, "%s/images/%s.png", dir, p->name);
        } else {
            snprintf(p->truth, sizeof p->truth, "%s/%s.txt", dir, p->name);
            snprintf(p->image, sizeof p->image, "%s/%s", dir, e->d_name);
        }
        p->funsd = funsd;
        n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, by_name);
    return n;
}

/* The text of every page one reading gave, in order. */
struct sink_ctx {
    char *text;
    FILE *dump; /* --dump: every word read, one a line (page x y w h conf line text) */
};

static int s_begin(void *ctx, size_t n)
{
    (void)ctx;
    (void)n;
    return 0;
}

static int s_start(void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
    return 0;
}

static int s_page(void *ctx, size_t i, struct dp_page *pg, double ocr_s)
{
    struct sink_ctx *c = ctx;
    (void)ocr_s;
    for (size_t k = 0; c->dump && k < pg->nwords; k++) {
        const struct dp_word *d = &pg->words[k];
        fprintf(c->dump, "%zu\t%d\t%d\t%d\t%d\t%.1f\t%d\t%s\n", i, d->x, d->y, d->w, d->h,
                (double)d->conf, d->line, d->text);
    }
    size_t la = c->text ? strlen(c->text) : 0, lb = pg->text ? strlen(pg->text) : 0;
    char *r = realloc(c->text, la + lb + 2);
    if (r) {
        memcpy(r + la, pg->text ? pg->text : "", lb);
        r[la + lb] = '\n';
        r[la + lb + 1] = '\0';
        c->text = r;
    }
    page_cleanup(pg);
    return 0;
}

struct conf {
    const char *spec;
    struct dp_config cfg;
    double cpu;
    struct eval_ocr all, dev; /* every page; FUNSD's development forms 1..EVAL_KV_DEV */
};

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

int main(int argc, char **argv)
{
    static struct page_ref pages[FPROBE_MAX_PAGES];
    struct conf confs[FPROBE_MAX_CONF];
    size_t nconf = 0;
    long from = 0, limit = FPROBE_MAX_PAGES, every = 1;
    int verbose = 0;
    const char *dir = NULL, *dump = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && nconf < FPROBE_MAX_CONF)
            confs[nconf++] = (struct conf){.spec = argv[++i]};
        else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            from = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
            limit = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--every") == 0 && i + 1 < argc)
            every = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = argv[++i];
        else if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            dir = argv[i];
    }
    if (!dir || nconf == 0 || from < 0 || limit <= 0 || every <= 0) {
        fprintf(
            stderr,
            "usage: %s [--from N] [--limit N] [--every K] [-v] [--dump DIR] -c SPEC [-c SPEC...] "
            "FUNSD_DIR|TESS_DIR\n",
            argv[0]);
        return 2;
    }
    size_t np = list_pages(dir, pages, FPROBE_MAX_PAGES);
    struct worker w;
    memset(&w, 0, sizeof w);
    config_defaults(&w.cfg);
    if (ocr_init(&w.ocr, "", "eng") != DP_OK) {
        fprintf(stderr, "formprobe: Tesseract did not start\n");
        return 1;
    }
    w.decode_budget = (uint64_t)1 << 31;
    size_t nread = 0;
    for (size_t n = (size_t)from; n < np && nread < (size_t)limit; n += (size_t)every) {
        const struct page_ref *p = &pages[n];
        size_t len = 0, tlen = 0;
        unsigned char *buf = slurp(p->image, &len);
        char *truth = p->funsd ? funsd_words(p->truth) : (char *)slurp(p->truth, &tlen);
        if (!buf || !truth) {
            free(buf);
            free(truth);
            continue;
        }
        nread++;
        printf("%4zu %-14s", n + 1, p->name);
        for (size_t c = 0; c < nconf; c++) {
            struct conf *cf = &confs[c];
            if (probe_apply(&cf->cfg, cf->spec, 1, "formprobe")) {
                fprintf(stderr, "formprobe: bad spec '%s'\n", cf->spec);
                return 2;
            }
            w.cfg = cf->cfg;
            struct sink_ctx sc = {0};
            if (dump) {
                char dp[2 * FPROBE_PATH];
                snprintf(dp, sizeof dp, "%s/%s.%zu.tsv", dump, p->name, c);
                sc.dump = fopen(dp, "w");
            }
            struct page_sink sink = {&sc, s_begin, s_start, s_page, NULL};
            struct worker_failure f = {0};
            double t0 = probe_cpu_s();
            dp_err rc = worker_decode_pages(&w, buf, len, "eng", 0, &sink, &f);
            double dt = probe_cpu_s() - t0;
            if (sc.dump)
                fclose(sc.dump);
            probe_apply(&cf->cfg, cf->spec, 0, "formprobe");
            cf->cpu += dt;
            struct eval_ocr one = {0};
            eval_words_match(truth, sc.text ? sc.text : "", 1, &one);
            cf->all.truth += one.truth;
            cf->all.pred += one.pred;
            cf->all.matched += one.matched;
            if (p->funsd && n < EVAL_KV_DEV) {
                cf->dev.truth += one.truth;
                cf->dev.pred += one.pred;
                cf->dev.matched += one.matched;
            }
            printf("  %5.2fs %4zu/%4zu%s", dt, one.matched, one.truth, rc ? "!" : "");
            if (verbose)
                printf("\n--- %s\n%s\n", cf->spec, sc.text ? sc.text : "");
            free(sc.text);
        }
        printf("\n");
        fflush(stdout);
        free(buf);
        free(truth);
    }
    printf("\n%zu pages\n", nread);
    for (size_t c = 0; c < nconf; c++) {
        struct conf *cf = &confs[c];
        double n = nread ? (double)nread : 1.0;
        printf("[%zu] %-40s cpu %.3f s/page (%.3fx [0])  recall %.4f (%zu/%zu) precision %.4f", c,
               cf->spec, cf->cpu / n, confs[0].cpu > 0 ? cf->cpu / confs[0].cpu : 0.0,
               ratio(cf->all.matched, cf->all.truth), cf->all.matched, cf->all.truth,
               ratio(cf->all.matched, cf->all.pred));
        if (cf->dev.truth)
            printf("  forms 1-%d recall %.4f", EVAL_KV_DEV, ratio(cf->dev.matched, cf->dev.truth));
        printf("\n");
    }
    ocr_cleanup(&w.ocr);
    return 0;
}
