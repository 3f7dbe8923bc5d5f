/* eval_einv.c -- the e-invoice sets of docproc-eval: NAME.pdf + NAME.truth.json (header fields
 * and line items read from the embedded CII XML). Three sets from the same invoices:
 *   einvoices/pdf         the PDFs as sent (the XML inside: fields should be exact)
 *   einvoices/text-layer  the same pages re-drawn into a new PDF by poppler + cairo: a text
 *                         layer, no attachment (what the rules read from a born-digital invoice)
 *   einvoices/ocr         `pdftoppm -r 200 -gray`, all pages as one TIFF: no XML, no text layer
 * (eval_scans.c adds einvoices/scan: page 1 only, scored for OCR words.)
 * The derived files are made once into build/eval-einvoices/ and reused. */
#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>
#include "eval.h"

#define CACHE_DIR "build/eval-einvoices"
#define SCAN_DPI  200

extern char **environ;

/* snprintf that accepts truncation (a cut path is then simply not found). */
__attribute__((format(printf, 3, 4))) static void fmt(char *out, size_t outsz, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(out, outsz, f, ap);
    va_end(ap);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && st.st_size > 0;
}

/* ---- derived files ---- */

/* Re-draws every page of pdf into out (a PDF with the text and drawings, no attachments). */
static int text_only_pdf(const char *pdf, const char *out)
{
    char *uri = g_filename_to_uri(pdf, NULL, NULL);
    PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL, NULL) : NULL;
    g_free(uri);
    if (!doc)
        return -1;
    cairo_surface_t *surf = cairo_pdf_surface_create(out, 595, 842);
    cairo_t *cr = cairo_create(surf);
    int n = poppler_document_get_n_pages(doc);
    for (int i = 0; i < n; i++) {
        PopplerPage *pg = poppler_document_get_page(doc, i);
        double w, h;
        poppler_page_get_size(pg, &w, &h);
        cairo_pdf_surface_set_size(surf, w, h);
        poppler_page_render_for_printing(pg, cr);
        cairo_show_page(cr);
        g_object_unref(pg);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    int bad = cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surf);
    g_object_unref(doc);
    return bad ? -1 : 0;
}

static int png_page(const struct dirent *e)
{
    const char *dot = strrchr(e->d_name, '.');
    return dot && strcmp(dot, ".png") == 0;
}

/* pdftoppm -r 200 -gray -png into a scratch folder, then one multi-page ZIP TIFF. */
static int scan_tiff(const char *pdf, const char *out)
{
    char dir[EVAL_PATH_MAX], prefix[EVAL_PATH_MAX + 8];
    fmt(dir, sizeof dir, "%s.d", out);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return -1;
    fmt(prefix, sizeof prefix, "%s/p", dir);
    char dpi[8];
    fmt(dpi, sizeof dpi, "%d", SCAN_DPI);
    char *argv[] = {"pdftoppm", "-r", dpi, "-gray", "-png", (char *)pdf, prefix, NULL};
    pid_t pid;
    int st = 0;
    if (posix_spawnp(&pid, "pdftoppm", NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    struct dirent **v;
    int n = scandir(dir, &v, png_page, alphasort), rc = n > 0 ? 0 : -1;
    for (int i = 0; i < n; i++) {
        char p[EVAL_PATH_MAX + 300];
        fmt(p, sizeof p, "%s/%s", dir, v[i]->d_name);
        PIX *pix = rc ? NULL : pixRead(p);
        if (!pix)
            rc = -1;
        else {
            pixSetResolution(pix, SCAN_DPI, SCAN_DPI);
            if (pixWriteTiff(out, pix, IFF_TIFF_ZIP, i ? "a" : "w"))
                rc = -1;
        }
        pixDestroy(&pix);
        unlink(p);
        free(v[i]);
    }
    free(v);
    rmdir(dir);
    return rc;
}

/* ---- truth ---- */

static void add_field(struct eval_item *it, const char *name, const cJSON *v)
{
    const char *s = cJSON_GetStringValue(v);
    if (!s || !*s || it->nfields >= EVAL_MAX_FIELDS)
        return;
    struct eval_truth_field *f = &it->fields[it->nfields++];
    fmt(f->name, sizeof f->name, "%s", name);
    fmt(f->value, sizeof f->value, "%s", s);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[65536];
    size_t r;
    while (m && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, r, m);
    if (m)
        fclose(m);
    fclose(f);
    return buf;
}

static void fill_truth(struct eval_item *it, const cJSON *t)
{
    static const char *const names[] = {"invoice_number", "date",  "company", "vat_id",
                                        "iban",           "total", "currency"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        add_field(it, names[i], cJSON_GetObjectItem(t, names[i]));
    const cJSON *lines = cJSON_GetObjectItem(t, "line_items");
    if (cJSON_IsArray(lines))
        it->lines_json = cJSON_PrintUnformatted(lines);
}

static int truth_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 11 && strcmp(e->d_name + n - 11, ".truth.json") == 0;
}

int eval_einv_detect(const char *dir)
{
    struct dirent **v;
    int n = scandir(dir, &v, truth_file, alphasort);
    for (int i = 0; i < n; i++)
        free(v[i]);
    if (n > 0)
        free(v);
    return n > 0;
}

int eval_einv_load(const char *dir, struct eval_set *sets, int max, int limit)
{
    static const char *const kinds[] = {"pdf", "text-layer", "ocr"};
    if (max < 3)
        return 0;
    if ((mkdir("build", 0755) != 0 && errno != EEXIST) ||
        (mkdir(CACHE_DIR, 0755) != 0 && errno != EEXIST)) {
        fprintf(stderr, "eval: cannot make %s\n", CACHE_DIR);
        return 0;
    }
    for (int k = 0; k < 3; k++) {
        memset(&sets[k], 0, sizeof sets[k]);
        fmt(sets[k].name, sizeof sets[k].name, "einvoices/%s", kinds[k]);
    }
    struct dirent **v;
    int n = scandir(dir, &v, truth_file, alphasort);
    for (int i = 0; i < n; i++) {
        char stem[256], pdf[EVAL_PATH_MAX], truth[EVAL_PATH_MAX];
        fmt(stem, sizeof stem, "%.*s", (int)(strlen(v[i]->d_name) - 11), v[i]->d_name);
        fmt(pdf, sizeof pdf, "%s/%s.pdf", dir, stem);
        fmt(truth, sizeof truth, "%s/%s", dir, v[i]->d_name);
        free(v[i]);
        char *tj = exists(pdf) && (limit <= 0 || (int)sets[0].n < limit) ? slurp(truth) : NULL;
        cJSON *t = tj ? cJSON_Parse(tj) : NULL;
        free(tj);
        if (!t)
            continue;
        char paths[3][EVAL_PATH_MAX];
        fmt(paths[0], sizeof paths[0], "%s", pdf);
        fmt(paths[1], sizeof paths[1], "%s/%s.text.pdf", CACHE_DIR, stem);
        fmt(paths[2], sizeof paths[2], "%s/%s.scan.tif", CACHE_DIR, stem);
        if (!exists(paths[1]) && text_only_pdf(pdf, paths[1]))
            fprintf(stderr, "eval: could not re-draw %s\n", pdf);
        if (!exists(paths[2]) && scan_tiff(pdf, paths[2]))
            fprintf(stderr, "eval: could not scan %s (pdftoppm)\n", pdf);
        for (int k = 0; k < 3; k++) {
            struct eval_item *it = exists(paths[k]) ? eval_set_add(&sets[k]) : NULL;
            if (!it)
                continue;
            fmt(it->path, sizeof it->path, "%s", paths[k]);
            fmt(it->name, sizeof it->name, "einvoices/%s/%s", kinds[k], stem);
            fill_truth(it, t);
        }
        cJSON_Delete(t);
    }
    if (n > 0)
        free(v);
    return 3;
}

/* ---- line items ---- */

static const char *amount_of(const cJSON *v)
{
    if (cJSON_IsObject(v))
        v = cJSON_GetObjectItem(v, "amount");
    return cJSON_GetStringValue(v);
}

/* Description alike (similarity >= 0.7, or one contains the other) and amount equal. */
static int line_equal(const cJSON *t, const cJSON *p)
{
    const char *td = cJSON_GetStringValue(cJSON_GetObjectItem(t, "description"));
    const char *pd = cJSON_GetStringValue(cJSON_GetObjectItem(p, "description"));
    const char *ta = amount_of(cJSON_GetObjectItem(t, "amount"));
    const char *pa = amount_of(cJSON_GetObjectItem(p, "amount"));
    if (!td || !pd || !ta || !pa || !eval_field_equal("total", ta, pa))
        return 0;
    char a[EVAL_VALUE_MAX], b[EVAL_VALUE_MAX];
    eval_norm_text(td, a, sizeof a);
    eval_norm_text(pd, b, sizeof b);
    return eval_similarity(td, pd) >= 0.7 || (*a && *b && (strstr(a, b) || strstr(b, a)));
}

void eval_lines_match(const cJSON *truth, const cJSON *pred, size_t *nt, size_t *np, size_t *nm)
{
    int used[4096] = {0};
    const cJSON *t, *p;
    cJSON_ArrayForEach(t, truth)
    {
        if (!amount_of(cJSON_GetObjectItem(t, "amount")))
            continue; /* a note line without an amount */
        (*nt)++;
        int k = 0;
        cJSON_ArrayForEach(p, pred)
        {
            if (k < 4096 && !used[k] && line_equal(t, p)) {
                used[k] = 1;
                (*nm)++;
                break;
            }
            k++;
        }
    }
    *np += (size_t)cJSON_GetArraySize(pred);
}
