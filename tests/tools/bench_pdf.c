/* bench_pdf.c -- the searchable PDF against OCRmyPDF on the same scans: size, time and the text
 * each PDF gives back (word recall against the transcription), one table row per file.
 *
 * Files: DIR/tess/NAME.tif with NAME.txt (Tesseract's test pages) and the first few
 * DIR/sroie/img/NNN.jpg with the transcripts of DIR/sroie/box/NNN.csv. docproc's time is the
 * upload read to done (OCR in the worker) plus GET /pdf (built from what is stored); OCRmyPDF
 * runs as `ocrmypdf -q -j 1 --output-type pdf --image-dpi 300 IN OUT` (plain PDF: the PDF/A
 * conversion through Ghostscript would only add time). */
#include <ctype.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"
#include "harness.h"

#define PDF_MAX_FILE ((size_t)64 << 20)
#define PDF_SROIE_N  4

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(PDF_MAX_FILE);
    size_t n = buf ? fread(buf, 1, PDF_MAX_FILE - 1, f) : 0;
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- text ---- */

/* Lower-case alphanumeric tokens of s, sorted: *out (caller frees each and the array). */
static size_t tokens(const char *s, char ***out)
{
    size_t n = 0, cap = 256;
    char **v = malloc(cap * sizeof *v);
    while (v && *s) {
        while (*s && !isalnum((unsigned char)*s))
            s++;
        const char *b = s;
        while (*s && isalnum((unsigned char)*s))
            s++;
        if (s == b)
            continue;
        if (n == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        char *t = strndup(b, (size_t)(s - b));
        for (char *p = t; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (t)
            v[n++] = t;
    }
    *out = v;
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Share of truth's words (as a multiset) found in hyp. */
static double recall(const char *truth, const char *hyp)
{
    char **t, **h;
    size_t nt = tokens(truth, &t), nh = tokens(hyp, &h), i = 0, j = 0, hit = 0;
    qsort(t, nt, sizeof *t, cmp_str);
    qsort(h, nh, sizeof *h, cmp_str);
    while (i < nt && j < nh) {
        int c = strcmp(t[i], h[j]);
        if (!c)
            hit++, i++, j++;
        else if (c < 0)
            i++;
        else
            j++;
    }
    for (i = 0; i < nt; i++)
        free(t[i]);
    for (j = 0; j < nh; j++)
        free(h[j]);
    free(t);
    free(h);
    return nt ? (double)hit / (double)nt : 0;
}

/* All pages' text of a PDF (caller frees), NULL when it does not open. */
static char *pdf_text(const char *buf, size_t len)
{
    GBytes *b = g_bytes_new(buf, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(b, NULL, NULL);
    g_bytes_unref(b);
    if (!doc)
        return NULL;
    GString *s = g_string_new("");
    for (int i = 0; i < poppler_document_get_n_pages(doc); i++) {
        PopplerPage *pg = poppler_document_get_page(doc, i);
        char *t = poppler_page_get_text(pg);
        g_string_append(s, t ? t : "");
        g_string_append_c(s, '\n');
        g_free(t);
        g_object_unref(pg);
    }
    g_object_unref(doc);
    char *out = strdup(s->str);
    g_string_free(s, TRUE);
    return out;
}

/* The transcripts of a SROIE box file: the text after the eighth comma of each line. */
static char *sroie_truth(const char *csv)
{
    size_t n = strlen(csv), o = 0;
    char *out = malloc(n + 1);
    for (const char *s = csv; out && *s;) {
        const char *e = strchr(s, '\n');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        int commas = 0;
        size_t k = 0;
        while (k < l && commas < 8)
            commas += s[k++] == ',';
        memcpy(out + o, s + k, l - k);
        o += l - k;
        out[o++] = '\n';
        s += l + (e ? 1 : 0);
    }
    if (out)
        out[o] = '\0';
    return out;
}

/* ---- the two pipelines ---- */

struct pdf_row {
    size_t in, ours, theirs;           /* bytes */
    double ours_s, build_s, theirs_s;  /* wall seconds */
    double theirs_cpu;                 /* CPU seconds of ocrmypdf and its children */
    double ours_recall, theirs_recall; /* word recall of each PDF's text */
};

static int run_docproc(struct stack *st, const char *buf, size_t len, const char *truth,
                       struct pdf_row *r)
{
    char id[64], url[256];
    double t0 = now_s();
    if (stack_upload(st, st->key, buf, len, "dedup=false", id) != 202)
        return -1;
    cJSON *d = stack_wait_doc(st, st->key, id, 600000);
    int ok = d && !strcmp(json_str(d, "status"), "done");
    cJSON_Delete(d);
    if (!ok)
        return -1;
    double t1 = now_s();
    struct http_resp resp = {0};
    snprintf(url, sizeof url, "%s/v1/documents/%s/pdf", st->base, id);
    if (http_req("GET", url, st->key, NULL, NULL, 0, &resp) != 0 || resp.status != 200) {
        http_resp_free(&resp);
        return -1;
    }
    r->build_s = now_s() - t1;
    r->ours_s = now_s() - t0;
    r->ours = resp.len;
    char *text = pdf_text(resp.body, resp.len);
    r->ours_recall = text ? recall(truth, text) : 0;
    free(text);
    http_resp_free(&resp);
    return 0;
}

static int run_ocrmypdf(const char *path, const char *truth, struct pdf_row *r)
{
    char out[] = "/tmp/bench_pdf_XXXXXX";
    int fd = mkstemp(out);
    if (fd < 0)
        return -1;
    close(fd);
    struct rusage ru0, ru1;
    getrusage(RUSAGE_CHILDREN, &ru0);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        execlp("ocrmypdf", "ocrmypdf", "-q", "-j", "1", "--output-type", "pdf", "--image-dpi",
               "300", path, out, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        unlink(out);
        return -1;
    }
    r->theirs_s = now_s() - t0;
    getrusage(RUSAGE_CHILDREN, &ru1);
    r->theirs_cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
                    (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
                    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6 +
                    (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
    size_t len = 0;
    char *pdf = slurp(out, &len);
    unlink(out);
    if (!pdf)
        return -1;
    r->theirs = len;
    char *text = pdf_text(pdf, len);
    r->theirs_recall = text ? recall(truth, text) : 0;
    free(text);
    free(pdf);
    return 0;
}

static void one(struct stack *st, const char *name, const char *img, const char *truth, double *sum)
{
    size_t len = 0;
    char *buf = slurp(img, &len);
    struct pdf_row r = {0};
    if (!buf || !truth || run_docproc(st, buf, len, truth, &r) != 0 ||
        run_ocrmypdf(img, truth, &r) != 0) {
        printf("| %s | failed | | | | | | | |\n", name);
        free(buf);
        return;
    }
    r.in = len;
    printf("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f (%.2f CPU) | %.3f | %.3f |\n", name,
           (double)r.in / 1024, (double)r.ours / 1024, (double)r.theirs / 1024, r.ours_s, r.build_s,
           r.theirs_s, r.theirs_cpu, r.ours_recall, r.theirs_recall);
    double v[] = {(double)r.in, (double)r.ours, (double)r.theirs, r.ours_s, r.build_s,
                  r.theirs_s,   r.ours_recall,  r.theirs_recall,  1};
    for (int i = 0; i < 9; i++)
        sum[i] += v[i];
    fflush(stdout);
    free(buf);
}

int bench_pdf(struct stack *st, const char *dir)
{
    static const char *const tess[] = {"phototest", "eurotext", "8071_093.3B", "8087_054.3B"};
    double sum[9] = {0};
    char img[1024], txt[1024], name[64];
    printf("\nSearchable PDF: docproc (OCR in the worker + GET /pdf) vs ocrmypdf -j 1 "
           "--output-type pdf, one file at a time\n\n");
    printf("| file | input KiB | docproc PDF KiB | ocrmypdf PDF KiB | docproc s | of it GET /pdf s "
           "| ocrmypdf s | docproc recall | ocrmypdf recall |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < sizeof tess / sizeof tess[0]; i++) {
        snprintf(img, sizeof img, "%s/tess/%s.tif", dir, tess[i]);
        snprintf(txt, sizeof txt, "%s/tess/%s.txt", dir, tess[i]);
        size_t tl;
        char *truth = slurp(txt, &tl);
        snprintf(name, sizeof name, "tess/%s.tif", tess[i]);
        one(st, name, img, truth, sum);
        free(truth);
    }
    for (int i = 0; i < PDF_SROIE_N; i++) {
        snprintf(img, sizeof img, "%s/sroie/img/%03d.jpg", dir, i);
        snprintf(txt, sizeof txt, "%s/sroie/box/%03d.csv", dir, i);
        size_t tl;
        char *csv = slurp(txt, &tl), *truth = csv ? sroie_truth(csv) : NULL;
        snprintf(name, sizeof name, "sroie/%03d.jpg", i);
        one(st, name, img, truth, sum);
        free(truth);
        free(csv);
    }
    if (sum[8] > 0)
        printf("| **total / mean** | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.3f | %.3f |\n",
               sum[0] / 1024, sum[1] / 1024, sum[2] / 1024, sum[3], sum[4], sum[5], sum[6] / sum[8],
               sum[7] / sum[8]);
    return sum[8] > 0 ? 0 : -1;
}
