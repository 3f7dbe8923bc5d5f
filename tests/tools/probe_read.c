/* probe_read.c -- docproc-probe: the worker's reading (worker_decode_pages) in this process over
 * a range of SROIE receipts, under two or more configurations interleaved image by image (so
 * the load of a shared machine hits them alike), with the CPU time of each reading
 * (CLOCK_PROCESS_CPUTIME_ID) and whether each receipt's confirmed company, address, date and
 * total are present in the text, or in the text or its second reading (the eval's measure,
 * docs/EVAL.md). A tool for iterating on reading choices: no stack, no Redis.
 *
 *   docproc-probe [--from N] [--limit N] [-v] -c 'opt=v,X_NAME=v' -c '...' SROIE_DIR
 *   docproc-probe --page FILE -c ... -c ...      (one file: its lines, confidence, re-reads)
 *   --turn 90|180|270: every image turned so first (does the reading turn it back?)
 *
 * Each -c is one configuration: config options by name (config_set), png_fast=0|1
 * (worker_png.c), and X_NAME=v sets the environment variable DOCPROC_X_NAME for experiments
 * read by the reading code. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "altread.h"
#include "config.h"
#include "probe_common.h"
#include "util.h"
#include "../../workers/worker.h"

#define PROBE_MAX_CONF   8
#define PROBE_MAX_PAGES  4
#define PROBE_MAX_FILE   (64u << 20)
#define PROBE_NFIELDS    4
#define PROBE_MAX_IMAGES 1000

static const char *const fields[PROBE_NFIELDS] = {"company", "address", "date", "total"};

/* Upper case, runs of ASCII non-alphanumerics -> one space, trimmed (eval_score.c's
 * present_norm); caller frees. */
static char *norm(const char *s)
{
    size_t k = 0;
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80 && !isalnum(*p)) {
            if (k && out[k - 1] != ' ')
                out[k++] = ' ';
            continue;
        }
        out[k++] = (char)toupper(*p);
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    return out;
}

static int present(const char *text, const char *value)
{
    char *t = norm(text ? text : ""), *v = norm(value ? value : "");
    int yes = t && v && *v && strstr(t, v) != NULL;
    free(t);
    free(v);
    return yes;
}

/* The pages one reading gave: the text and the text with the second reading's lines. */
struct sink_ctx {
    int lines; /* print each page's lines (mean confidence, re-read, text) */
    char *text;
    char *alt;
    int read_twice;
    size_t nalt;
    int turned;          /* a page came out turned (rotation != 0) */
    float conf0, scale0; /* the first page's first-reading confidence and reading scale */
    int psm0;
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

static char *join(char *a, const char *b)
{
    size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0;
    char *r = realloc(a, la + lb + 2);
    if (!r)
        return a;
    memcpy(r + la, b ? b : "", lb);
    r[la + lb] = '\n';
    r[la + lb + 1] = '\0';
    return r;
}

static int s_page(void *ctx, size_t i, struct dp_page *pg, double ocr_s)
{
    struct sink_ctx *c = ctx;
    struct dp_page v;
    (void)ocr_s;
    c->text = join(c->text, pg->text);
    for (size_t k = 0; c->lines && k < pg->nwords;) {
        size_t e = k;
        double sum = 0;
        int re = 0;
        while (e < pg->nwords && pg->words[e].line == pg->words[k].line)
            sum += pg->words[e++].conf;
        for (size_t r = 0; r < pg->nreread; r++)
            re |= pg->reread[r] == pg->words[k].line;
        printf("  line %3d conf %5.1f %s ", pg->words[k].line, sum / (double)(e - k),
               re ? "re-read" : "       ");
        for (; k < e; k++)
            printf(" %s", pg->words[k].text);
        printf("\n");
    }
    for (size_t k = 0; c->lines && k < pg->nalt;) { /* the second reading's lines kept */
        printf("  alt %3d               ", pg->alt[k].line);
        size_t e = k;
        while (e < pg->nalt && pg->alt[e].block == pg->alt[k].block)
            printf(" %s", pg->alt[e++].text);
        printf("\n");
        k = e;
    }
    if (c->lines)
        printf("  psm %d conf %.1f rotation %d read twice %d alt words %zu\n", pg->psm,
               (double)pg->conf, pg->rotation, pg->read_twice, pg->nalt);
    c->read_twice |= pg->read_twice;
    c->turned |= pg->rotation != 0;
    if (i == 0) {
        c->conf0 = pg->conf_before;
        c->scale0 = pg->scale;
        c->psm0 = pg->psm;
    }
    c->nalt += pg->nalt;
    /* each reading kept: the second reading's lines, the line look's (altread.h) */
    static const int readings[] = {ALTREAD_SECOND, ALTREAD_LOOK};
    for (size_t k = 0; pg->nalt && k < (altread_has_look(pg) ? 2u : 1u); k++)
        if (altread_variant_of(pg, readings[k], &v) == DP_OK) {
            c->alt = join(c->alt, v.text);
            page_cleanup(&v);
        }
    if (!pg->nalt)
        c->alt = join(c->alt, pg->text);
    page_cleanup(pg);
    return 0;
}

struct conf {
    const char *spec;
    struct dp_config cfg;
    double cpu;
    size_t twice;
    size_t osd;    /* pages that asked OSD (ocr_orientation) */
    size_t turned; /* receipts that came out turned */
    size_t in_text[PROBE_NFIELDS], in_alt[PROBE_NFIELDS];
};

/* The file at path (owned by the caller), turned by turn degrees clockwise (0, 90, 180, 270:
 * decoded, turned and written again as PNG), to see whether the reading turns it back. */
static unsigned char *slurp(const char *path, size_t *len, int turn)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *b = malloc(PROBE_MAX_FILE);
    *len = b ? fread(b, 1, PROBE_MAX_FILE, f) : 0;
    fclose(f);
    if (!b || turn % 360 == 0)
        return b;
    PIX *pix = pixReadMem(b, *len), *t = pix ? pixRotateOrth(pix, (turn / 90) % 4) : NULL;
    unsigned char *png = NULL;
    size_t plen = 0;
    free(b);
    b = NULL;
    if (t && pixWriteMem(&png, &plen, t, IFF_PNG) == 0) {
        b = png;
        *len = plen;
    }
    pixDestroy(&pix);
    pixDestroy(&t);
    return b;
}

int main(int argc, char **argv)
{
    struct conf confs[PROBE_MAX_CONF];
    size_t nconf = 0;
    long from = 0, limit = 30, turn = 0;
    int verbose = 0;
    const char *dir = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && nconf < PROBE_MAX_CONF)
            confs[nconf++] = (struct conf){.spec = argv[++i]};
        else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            from = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
            limit = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--turn") == 0 && i + 1 < argc)
            turn = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--page") == 0 && i + 1 < argc)
            file = argv[++i];
        else if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            dir = argv[i];
    }
    if ((!dir && !file) || nconf == 0 || from < 0 || limit <= 0 || limit > PROBE_MAX_IMAGES ||
        turn < 0 || turn % 90 != 0) {
        fprintf(stderr,
                "usage: %s [--from N] [--limit N] [--turn DEG] [-v] -c SPEC [-c SPEC...] "
                "SROIE_DIR\n",
                argv[0]);
        return 2;
    }
    struct worker w;
    memset(&w, 0, sizeof w);
    config_defaults(&w.cfg);
    if (ocr_init(&w.ocr, "", "eng") != DP_OK) {
        fprintf(stderr, "probe: Tesseract did not start\n");
        return 1;
    }
    w.decode_budget = (uint64_t)1 << 31;
    if (file) { /* one page file: its lines under each configuration */
        size_t len = 0;
        unsigned char *buf = slurp(file, &len, (int)turn);
        for (size_t c = 0; buf && c < nconf; c++) {
            if (probe_apply(&confs[c].cfg, confs[c].spec, 1, "probe"))
                return 2;
            w.cfg = confs[c].cfg;
            struct sink_ctx sc = {.lines = 1};
            struct page_sink sink = {&sc, s_begin, s_start, s_page, NULL};
            struct worker_failure f = {0};
            printf("[%zu] %s\n", c, confs[c].spec);
            worker_decode_pages(&w, buf, len, "eng", 0, &sink, &f);
            probe_apply(&confs[c].cfg, confs[c].spec, 0, "probe");
            free(sc.text);
            free(sc.alt);
        }
        free(buf);
        ocr_cleanup(&w.ocr);
        return buf ? 0 : 1;
    }
    size_t nimg = 0;
    for (long n = from; n < from + limit; n++) {
        char path[1024], kpath[1024];
        snprintf(path, sizeof path, "%s/img/%03ld.jpg", dir, n);
        snprintf(kpath, sizeof kpath, "%s/key/%03ld.json", dir, n);
        size_t len = 0, klen = 0;
        unsigned char *buf = slurp(path, &len, (int)turn), *key = slurp(kpath, &klen, 0);
        cJSON *k = key ? cJSON_ParseWithLength((const char *)key, klen) : NULL;
        if (!buf || !k) {
            free(buf);
            free(key);
            cJSON_Delete(k);
            continue;
        }
        nimg++;
        printf("%03ld", n);
        for (size_t c = 0; c < nconf; c++) {
            struct conf *cf = &confs[c];
            if (probe_apply(&cf->cfg, cf->spec, 1, "probe")) {
                fprintf(stderr, "probe: bad spec '%s'\n", cf->spec);
                return 2;
            }
            w.cfg = cf->cfg;
            struct sink_ctx sc = {0};
            struct page_sink sink = {&sc, s_begin, s_start, s_page, NULL};
            struct worker_failure f = {0};
            unsigned osd0 = w.ocr.osd_calls;
            double t0 = probe_cpu_s();
            dp_err rc = worker_decode_pages(&w, buf, len, "eng", 0, &sink, &f);
            double dt = probe_cpu_s() - t0;
            int osd = w.ocr.osd_calls != osd0;
            cf->osd += (size_t)osd;
            cf->turned += (size_t)sc.turned;
            probe_apply(&cf->cfg, cf->spec, 0, "probe");
            cf->cpu += dt;
            cf->twice += (size_t)sc.read_twice;
            char flags[2 * PROBE_NFIELDS + 1];
            for (size_t j = 0; j < PROBE_NFIELDS; j++) {
                const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(k, fields[j]));
                int t = present(sc.text, v), a = t || present(sc.alt, v);
                cf->in_text[j] += (size_t)t;
                cf->in_alt[j] += (size_t)a;
                flags[j] = t ? (char)toupper(fields[j][0]) : '.';
                flags[PROBE_NFIELDS + j] = a ? (char)toupper(fields[j][0]) : '.';
            }
            flags[2 * PROBE_NFIELDS] = '\0';
            printf("  %5.2fs %.4s|%.4s%s%s%s%s", dt, flags, flags + PROBE_NFIELDS,
                   sc.read_twice ? "2" : " ", osd ? "o" : " ", sc.turned ? "t" : " ",
                   rc ? "!" : "");
            if (c == 0) /* what the first configuration's reading looked like */
                printf(" [psm %d conf %.0f x%.2f]", sc.psm0, (double)sc.conf0, (double)sc.scale0);
            if (verbose)
                printf("\n--- %s\n%s\n--- alt\n%s\n", cf->spec, sc.text ? sc.text : "",
                       sc.alt ? sc.alt : "");
            free(sc.text);
            free(sc.alt);
        }
        printf("\n");
        fflush(stdout);
        free(buf);
        free(key);
        cJSON_Delete(k);
    }
    printf("\n%zu receipts\n", nimg);
    for (size_t c = 0; c < nconf; c++) {
        struct conf *cf = &confs[c];
        double n = nimg ? (double)nimg : 1.0;
        printf("[%zu] %-40s cpu %.3f s/page (%.2fx [0]) read twice %zu, OSD %zu, turned %zu\n    "
               "text %.3f / %.3f / "
               "%.3f / %.3f   with alt %.3f / %.3f / %.3f / %.3f\n",
               c, cf->spec, cf->cpu / n, confs[0].cpu > 0 ? cf->cpu / confs[0].cpu : 0.0, cf->twice,
               cf->osd, cf->turned, (double)cf->in_text[0] / n, (double)cf->in_text[1] / n,
               (double)cf->in_text[2] / n, (double)cf->in_text[3] / n, (double)cf->in_alt[0] / n,
               (double)cf->in_alt[1] / n, (double)cf->in_alt[2] / n, (double)cf->in_alt[3] / n);
    }
    ocr_cleanup(&w.ocr);
    return 0;
}
