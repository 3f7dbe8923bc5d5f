/* bench_pages.c -- the benchmark's page set: full letter pages of rendered text (fixtures.h),
 * or the images of a folder (BENCH_DATA). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <leptonica/allheaders.h>
#include "bench.h"
#include "fixtures.h"

#define MAX_LINES  64
#define LINE_BYTES 160
#define MAX_IMAGE  (64u << 20)

/* Office-document words; numbers are mixed in by the generator. */
static const char *const vocab[] = {
    "invoice",  "total",       "amount",    "payment", "customer", "order",      "delivery",
    "date",     "account",     "number",    "service", "period",   "the",        "of",
    "and",      "to",          "for",       "with",    "please",   "transfer",   "within",
    "days",     "receipt",     "tax",       "company", "address",  "street",     "office",
    "contract", "agreement",   "party",     "shall",   "report",   "quarter",    "revenue",
    "expenses", "balance",     "due",       "net",     "price",    "unit",       "quantity",
    "item",     "description", "reference", "bank",    "branch",   "manager",    "signed",
    "copy",     "original",    "page",      "section", "terms",    "conditions", "notice",
};

static unsigned long next_rand(unsigned long *s)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return *s >> 33;
}

/* Fills lines[] with text that fits the page width of the 12 pt bitmap font. */
static size_t make_lines(unsigned long seed, char lines[MAX_LINES][LINE_BYTES])
{
    L_BMF *bmf = bmfCreate(NULL, FIXTURE_FONTSIZE);
    if (!bmf)
        return 0;
    int avail_w = (int)((FIXTURE_PAGE_W - 2 * FIXTURE_MARGIN) * FIXTURE_DPI);
    int avail_h = (int)((FIXTURE_PAGE_H - 2 * FIXTURE_MARGIN) * FIXTURE_DPI);
    size_t nlines = (size_t)(avail_h / (bmf->lineheight + bmf->vertlinesep));
    if (nlines > MAX_LINES)
        nlines = MAX_LINES;
    for (size_t i = 0; i < nlines; i++) {
        size_t len = 0;
        lines[i][0] = '\0';
        for (;;) {
            char word[32];
            unsigned long r = next_rand(&seed);
            if (r % 7 == 0)
                snprintf(word, sizeof word, "%lu.%02lu", (r >> 8) % 5000, (r >> 4) % 100);
            else
                snprintf(word, sizeof word, "%s", vocab[r % (sizeof vocab / sizeof vocab[0])]);
            char trial[LINE_BYTES];
            int n = snprintf(trial, sizeof trial, "%s%s%s", lines[i], len ? " " : "", word);
            l_int32 w = 0;
            if (n < 0 || (size_t)n >= sizeof trial || bmfGetStringWidth(bmf, trial, &w) ||
                w > avail_w)
                break;
            memcpy(lines[i], trial, (size_t)n + 1);
            len = (size_t)n;
        }
    }
    bmfDestroy(&bmf);
    return nlines;
}

int bench_pages_render(struct bench_pages *pp, size_t n)
{
    static char lines[MAX_LINES][LINE_BYTES];
    const char *ptrs[MAX_LINES];
    memset(pp, 0, sizeof *pp);
    pp->v = calloc(n, sizeof *pp->v);
    if (!pp->v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t nl = make_lines(0x9e3779b97f4a7c15UL * (i + 1), lines);
        for (size_t k = 0; k < nl; k++)
            ptrs[k] = lines[k];
        /* the renderer refuses the last lines if the page is full: drop lines until it fits */
        while (nl > 0 && fixture_png(ptrs, nl, &pp->v[i].buf, &pp->v[i].len) != DP_OK)
            nl--;
        if (nl == 0) {
            bench_pages_free(pp);
            return -1;
        }
        snprintf(pp->v[i].name, sizeof pp->v[i].name, "fixture-%02zu.png (%zu lines)", i, nl);
        pp->n++;
    }
    return 0;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_image(const struct dirent *e)
{
    const char *d = strrchr(e->d_name, '.');
    return d && (strcasecmp(d, ".png") == 0 || strcasecmp(d, ".jpg") == 0 ||
                 strcasecmp(d, ".jpeg") == 0);
}

int bench_pages_load(struct bench_pages *pp, const char *dir, size_t max)
{
    struct dirent **v;
    int n = scandir(dir, &v, is_image, name_cmp);
    memset(pp, 0, sizeof *pp);
    if (n <= 0)
        return -1;
    pp->v = calloc((size_t)n, sizeof *pp->v);
    for (int i = 0; pp->v && i < n && pp->n < max; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, v[i]->d_name);
        FILE *f = fopen(path, "rb");
        long sz = -1;
        if (f && fseek(f, 0, SEEK_END) == 0)
            sz = ftell(f);
        struct bench_page *p = &pp->v[pp->n];
        if (f && sz > 0 && (unsigned long)sz <= MAX_IMAGE && fseek(f, 0, SEEK_SET) == 0 &&
            (p->buf = malloc((size_t)sz)) != NULL &&
            fread(p->buf, 1, (size_t)sz, f) == (size_t)sz) {
            p->len = (size_t)sz;
            snprintf(p->name, sizeof p->name, "%.100s", v[i]->d_name);
            pp->n++;
        } else if (p->buf) {
            free(p->buf);
            p->buf = NULL;
        }
        if (f)
            fclose(f);
    }
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return pp->n ? 0 : -1;
}

void bench_pages_free(struct bench_pages *pp)
{
    for (size_t i = 0; pp->v && i < pp->n; i++)
        free(pp->v[i].buf);
    free(pp->v);
    memset(pp, 0, sizeof *pp);
}
