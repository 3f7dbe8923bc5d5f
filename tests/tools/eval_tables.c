/* eval_tables.c -- table structure and key-value scoring for docproc-eval.
 *
 * Tables: the ICDAR 2013 table competition's measure.  Every non-empty cell is related to its
 * nearest non-empty neighbour to the right (same start row) and below (same start column);
 * a relation is (text, text, direction) with texts normalised to lower-case letters and
 * digits.  Truth relations come from NAME-str.xml, predicted ones from pages[].tables[] of
 * the result; matches are counted as a multiset intersection per document and pooled.
 *
 * Key-value pairs: FUNSD's question -> answer links; a predicted pair (with a value) counts
 * when its key and value each reach EVAL_KV_SIM similarity with a linked pair's texts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "eval.h"

#define REL_TEXT 200 /* bytes of a normalised cell text kept */

/* ---- relations ---- */

struct ecell {
    int r0, c0, r1, c1;
    char t[REL_TEXT];
};

/* Lower-case ASCII letters and digits of s (other bytes dropped). */
static void norm_cell(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < outsz; p++)
        if (isalnum(*p))
            out[k++] = (char)tolower(*p);
    out[k] = '\0';
}

/* Appends "a\x1fb\x1fD\n" for every relation of the grid cells[0..n) to *rels. */
static int grid_relations(const struct ecell *cells, size_t n, char **rels, size_t *len,
                          size_t *cap)
{
    for (size_t i = 0; i < n; i++) {
        const struct ecell *a = &cells[i];
        if (!a->t[0])
            continue;
        for (int dir = 0; dir < 2; dir++) {
            const struct ecell *best = NULL;
            for (size_t j = 0; j < n; j++) {
                const struct ecell *b = &cells[j];
                if (j == i || !b->t[0])
                    continue;
                if (dir == 0 && b->c0 > a->c1 && b->r0 <= a->r0 && b->r1 >= a->r0 &&
                    (!best || b->c0 < best->c0))
                    best = b;
                if (dir == 1 && b->r0 > a->r1 && b->c0 <= a->c0 && b->c1 >= a->c0 &&
                    (!best || b->r0 < best->r0))
                    best = b;
            }
            if (!best)
                continue;
            size_t need = strlen(a->t) + strlen(best->t) + 8;
            if (*len + need + 1 > *cap) {
                size_t nc = (*cap + need) * 2;
                char *nr = realloc(*rels, nc);
                if (!nr)
                    return -1;
                *rels = nr;
                *cap = nc;
            }
            *len += (size_t)snprintf(*rels + *len, *cap - *len, "%s\x1f%s\x1f%c\n", a->t, best->t,
                                     dir ? 'B' : 'R');
        }
    }
    return 0;
}

static int xml_int(xmlNode *n, const char *name, int dflt)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return dflt;
    char *end;
    long x = strtol((const char *)v, &end, 10);
    int bad = end == (char *)v;
    xmlFree(v);
    return bad ? dflt : (int)x;
}

int eval_tables_truth(const char *str_xml, char **rels)
{
    size_t len = 0, cap = 0;
    *rels = NULL;
    xmlDoc *doc = xmlReadFile(str_xml, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    if (!doc)
        return -1;
    int rc = 0;
    struct ecell *cells = NULL;
    size_t ncap = 0;
    for (xmlNode *t = xmlDocGetRootElement(doc)->children; t && !rc; t = t->next) {
        if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "table"))
            continue;
        for (xmlNode *r = t->children; r && !rc; r = r->next) {
            if (r->type != XML_ELEMENT_NODE || strcmp((const char *)r->name, "region"))
                continue;
            size_t n = 0;
            for (xmlNode *c = r->children; c && !rc; c = c->next) {
                if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "cell"))
                    continue;
                if (n == ncap) {
                    ncap = ncap ? ncap * 2 : 64;
                    struct ecell *nc = realloc(cells, ncap * sizeof *nc);
                    if (!nc) {
                        rc = -1;
                        break;
                    }
                    cells = nc;
                }
                struct ecell *e = &cells[n++];
                e->r0 = xml_int(c, "start-row", 0);
                e->c0 = xml_int(c, "start-col", 0);
                e->r1 = xml_int(c, "end-row", e->r0);
                e->c1 = xml_int(c, "end-col", e->c0);
                e->t[0] = '\0';
                for (xmlNode *k = c->children; k; k = k->next)
                    if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "content")) {
                        xmlChar *s = xmlNodeGetContent(k);
                        norm_cell(s ? (const char *)s : "", e->t, sizeof e->t);
                        xmlFree(s);
                    }
            }
            if (!rc && grid_relations(cells, n, rels, &len, &cap))
                rc = -1;
        }
    }
    free(cells);
    xmlFreeDoc(doc);
    if (!rc && !*rels)
        *rels = calloc(1, 1);
    return rc || !*rels ? -1 : 0;
}

char *eval_tables_pred(const cJSON *doc)
{
    size_t len = 0, cap = 0;
    char *rels = NULL;
    const cJSON *page, *t, *c;
    cJSON_ArrayForEach(page, cJSON_GetObjectItem(doc, "pages"))
    {
        cJSON_ArrayForEach(t, cJSON_GetObjectItem(page, "tables"))
        {
            size_t n = 0, k = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(t, "cells"));
            struct ecell *cells = calloc(k ? k : 1, sizeof *cells);
            if (!cells)
                continue;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(t, "cells"))
            {
                struct ecell *e = &cells[n++];
                e->r0 = cJSON_GetObjectItem(c, "row")->valueint;
                e->c0 = cJSON_GetObjectItem(c, "col")->valueint;
                e->r1 = e->r0 + cJSON_GetObjectItem(c, "row_span")->valueint - 1;
                e->c1 = e->c0 + cJSON_GetObjectItem(c, "col_span")->valueint - 1;
                const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(c, "text"));
                norm_cell(s ? s : "", e->t, sizeof e->t);
            }
            grid_relations(cells, n, &rels, &len, &cap);
            free(cells);
        }
    }
    return rels ? rels : calloc(1, 1);
}

/* ---- scans of the PDFs ---- */

extern char **environ;

static int png_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".png") == 0;
}

int eval_tables_render(const char *pdf, int dpi, char *out, size_t outsz)
{
    char dir[] = "/tmp/docproc-eval-tables-XXXXXX", res[16], prefix[64];
    if (!mkdtemp(dir))
        return -1;
    snprintf(res, sizeof res, "%d", dpi);
    snprintf(prefix, sizeof prefix, "%s/p", dir);
    char *const argv[] = {"pdftoppm", "-r", res, "-gray", "-png", (char *)pdf, prefix, NULL};
    pid_t pid;
    int status = 0;
    if (posix_spawnp(&pid, "pdftoppm", NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "eval: pdftoppm failed on %s (apt-get install poppler-utils)\n", pdf);
        return -1;
    }
    struct dirent **v;
    int n = scandir(dir, &v, png_name, alphasort), rc = n > 0 ? 0 : -1;
    snprintf(out, outsz, "%s/scan.tif", dir);
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, v[i]->d_name);
        PIX *pix = rc ? NULL : pixRead(path);
        if (pix)
            pixSetResolution(pix, dpi, dpi);
        if (!pix || pixWriteTiff(out, pix, IFF_TIFF_ZIP, i ? "a" : "w"))
            rc = -1;
        pixDestroy(&pix);
        unlink(path);
        free(v[i]);
    }
    if (n >= 0)
        free(v);
    return rc;
}

/* ---- multiset matching of lines ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **split_lines(char *s, size_t *n)
{
    size_t k = 0, cap = 16;
    char **v = malloc(cap * sizeof *v);
    for (char *p = s; v && p && *p;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = '\0';
        if (k == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[k++] = p;
        p = e ? e + 1 : NULL;
    }
    *n = v ? k : 0;
    return v;
}

void eval_rel_match(const char *truth, const char *pred, struct eval_ocr *acc)
{
    char *a = strdup(truth ? truth : ""), *b = strdup(pred ? pred : "");
    size_t na = 0, nb = 0;
    char **va = a ? split_lines(a, &na) : NULL, **vb = b ? split_lines(b, &nb) : NULL;
    if (va && vb) {
        qsort(va, na, sizeof *va, cmp_str);
        qsort(vb, nb, sizeof *vb, cmp_str);
        size_t i = 0, j = 0;
        while (i < na && j < nb) {
            int c = strcmp(va[i], vb[j]);
            if (c == 0) {
                acc->matched++;
                i++;
                j++;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
        acc->truth += na;
        acc->pred += nb;
    }
    free(va);
    free(vb);
    free(a);
    free(b);
}

/* ---- key-value pairs ---- */

int eval_kv_truth(const cJSON *annotation, char **pairs)
{
    size_t len = 0, cap = 0;
    *pairs = NULL;
    const cJSON *form = cJSON_GetObjectItem(annotation, "form"), *e, *l;
    cJSON_ArrayForEach(e, form)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "label")) ?: "", "question"))
            continue;
        int id = cJSON_GetObjectItem(e, "id") ? cJSON_GetObjectItem(e, "id")->valueint : -1;
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(e, "linking"))
        {
            const cJSON *from = cJSON_GetArrayItem(l, 0), *to = cJSON_GetArrayItem(l, 1);
            if (!from || !to || from->valueint != id)
                continue;
            const cJSON *ans = NULL, *x;
            cJSON_ArrayForEach(x, form)
            {
                const cJSON *xid = cJSON_GetObjectItem(x, "id");
                if (xid && xid->valueint == to->valueint)
                    ans = x;
            }
            const char *lab = cJSON_GetStringValue(cJSON_GetObjectItem(ans, "label"));
            const char *q = cJSON_GetStringValue(cJSON_GetObjectItem(e, "text"));
            const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(ans, "text"));
            if (!lab || strcmp(lab, "answer") || !q || !a || strspn(a, " \t\n") == strlen(a))
                continue;
            size_t need = strlen(q) + strlen(a) + 4;
            if (len + need > cap) {
                size_t nc = (cap + need) * 2;
                char *np = realloc(*pairs, nc);
                if (!np)
                    return -1;
                *pairs = np;
                cap = nc;
            }
            len += (size_t)snprintf(*pairs + len, cap - len, "%s\x1f%s\n", q, a);
        }
    }
    if (!*pairs)
        *pairs = calloc(1, 1);
    return *pairs ? 0 : -1;
}

/* The key text of a FUNSD question, as a label reads once its colon is dropped. */
static void key_norm(const char *s, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s", s);
    size_t n = strlen(out);
    while (n && (out[n - 1] == ':' || out[n - 1] == ' '))
        out[--n] = '\0';
}

/* s without its blanks ("3/ 17/ 97" -> "3/17/97"), into out. */
static void kv_squeeze(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; *s && k + 1 < outsz; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n')
            out[k++] = *s;
    out[k] = '\0';
}

/* Whether truth text t and output text o reach EVAL_KV_SIM, blanks counted or (squeeze)
 * ignored inside both. */
static int kv_sim_ok(const char *t, const char *o, int squeeze)
{
    char a[512], b[2048];
    if (!squeeze)
        return eval_similarity(t, o) >= EVAL_KV_SIM;
    kv_squeeze(t, a, sizeof a);
    kv_squeeze(o, b, sizeof b);
    return eval_similarity(a, b) >= EVAL_KV_SIM;
}

static void kv_match(const char *truth, const cJSON *doc, int squeeze, struct eval_ocr *acc)
{
    char *t = strdup(truth ? truth : "");
    size_t nt = 0;
    char **vt = t ? split_lines(t, &nt) : NULL;
    char *used = calloc(nt ? nt : 1, 1);
    const cJSON *page, *kv;
    if (!vt || !used)
        goto out;
    acc->truth += nt;
    cJSON_ArrayForEach(page, cJSON_GetObjectItem(doc, "pages"))
    {
        cJSON_ArrayForEach(kv, cJSON_GetObjectItem(page, "key_values"))
        {
            const char *k =
                cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(kv, "key"), "text"));
            const cJSON *val = cJSON_GetObjectItem(kv, "value");
            const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(val, "text"));
            if (!k || !v)
                continue; /* a label with an empty answer is no pair to score */
            acc->pred++;
            for (size_t i = 0; i < nt; i++) {
                char q[512], a[512], kk[512];
                const char *sep = strchr(vt[i], '\x1f');
                if (used[i] || !sep)
                    continue;
                snprintf(q, sizeof q, "%.*s", (int)(sep - vt[i]), vt[i]);
                snprintf(a, sizeof a, "%s", sep + 1);
                key_norm(q, kk, sizeof kk);
                if (kv_sim_ok(kk, k, squeeze) && kv_sim_ok(a, v, squeeze)) {
                    used[i] = 1;
                    acc->matched++;
                    break;
                }
            }
        }
    }
out:
    free(used);
    free(vt);
    free(t);
}

void eval_kv_match(const char *truth, const cJSON *doc, struct eval_ocr *acc)
{
    kv_match(truth, doc, 0, acc);
}

void eval_kv_match_squeezed(const char *truth, const cJSON *doc, struct eval_ocr *acc)
{
    kv_match(truth, doc, 1, acc);
}
