/* eval_kv.c -- key-value pairing measured without the stack (docproc-eval --kv-offline SRC):
 * form_pairs() run over FUNSD's own word boxes (SRC = "words": pairing alone, no reading) or
 * over the words and selection marks of results saved by an earlier run (SRC = a --results
 * folder: end to end, re-paired in seconds).  Scores the first EVAL_KV_DEV forms (sorted
 * names: the development split) and the rest (held out) apart, and the pairing's CPU time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "eval.h"
#include "form.h"
#include "form_int.h"

static int box4(const cJSON *a, int *v)
{
    for (int i = 0; i < 4; i++) {
        const cJSON *x = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsNumber(x))
            return -1;
        v[i] = x->valueint;
    }
    return 0;
}

/* The annotation file of a FUNSD image path (.../images/S.png -> .../annotations/S.json). */
static void annotation_path(const char *img, char *out, size_t outsz)
{
    const char *slash = strrchr(img, '/'), *dot = strrchr(img, '.');
    const char *dir_end = slash;
    while (dir_end && dir_end > img && dir_end[-1] != '/')
        dir_end--;
    if (!slash || !dot || !dir_end || dot < slash) {
        snprintf(out, outsz, "%s", img);
        return;
    }
    snprintf(out, outsz, "%.*sannotations%.*s.json", (int)(dir_end - img), img, (int)(dot - slash),
             slash);
}

/* Words of a FUNSD annotation (box = x0,y0,x1,y1) as docproc words, conf 95; ents[i] the
 * entity id of word i when ents is given. */
static size_t funsd_words(const cJSON *a, struct dp_word *w, size_t max, int *ents)
{
    size_t n = 0;
    const cJSON *ent, *word;
    cJSON_ArrayForEach(ent, cJSON_GetObjectItem(a, "form"))
        cJSON_ArrayForEach(word, cJSON_GetObjectItem(ent, "words"))
    {
        int b[4];
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(word, "text"));
        if (n >= max || !t || !*t || box4(cJSON_GetObjectItem(word, "box"), b))
            continue;
        if (ents) {
            const cJSON *id = cJSON_GetObjectItem(ent, "id");
            ents[n] = cJSON_IsNumber(id) ? id->valueint : -1;
        }
        w[n++] = (struct dp_word){(char *)t, 95.0f, b[0], b[1], b[2] - b[0], b[3] - b[1], 0, 0};
    }
    return n;
}

static size_t saved_words(const cJSON *page, struct dp_word *w, size_t max, struct form_mark *m,
                          size_t mmax, size_t *nm);

/* The FUNSD entity of a point: the one whose word box holds it, else whose box does; -1. */
static int entity_at(const cJSON *a, int x, int y)
{
    const cJSON *ent, *word;
    int inbox = -1;
    cJSON_ArrayForEach(ent, cJSON_GetObjectItem(a, "form"))
    {
        int b[4];
        const cJSON *id = cJSON_GetObjectItem(ent, "id");
        if (!cJSON_IsNumber(id))
            continue;
        cJSON_ArrayForEach(word, cJSON_GetObjectItem(ent, "words"))
        {
            if (!box4(cJSON_GetObjectItem(word, "box"), b) && x >= b[0] && x <= b[2] && y >= b[1] &&
                y <= b[3])
                return id->valueint;
        }
        if (inbox < 0 && !box4(cJSON_GetObjectItem(ent, "box"), b) && x >= b[0] && x <= b[2] &&
            y >= b[1] && y <= b[3])
            inbox = id->valueint;
    }
    return inbox;
}

cJSON *eval_kv_annotation(const struct eval_item *it)
{
    char path[EVAL_PATH_MAX + 256];
    annotation_path(it->path, path, sizeof path);
    return eval_read_json_file(path);
}

/* Cleans the words' fill-in lines (form_clean_words) in place: the texts only get shorter. */
static void clean_in_place(struct dp_word *w, size_t n)
{
    struct dp_word *c = NULL;
    char *buf = NULL;
    if (form_clean_words(w, n, &c, &buf) != DP_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        memmove(w[i].text, c[i].text, strlen(c[i].text) + 1);
        w[i].x = c[i].x;
        w[i].w = c[i].w;
    }
    free(c);
    free(buf);
}

static size_t kv_words(const struct eval_item *it, const char *src, struct dp_word *w, size_t maxw,
                       int *ents, struct form_mark *m, size_t mmax, size_t *nm, cJSON **json);

size_t eval_kv_words(const struct eval_item *it, const char *src, struct dp_word *w, size_t maxw,
                     int *ents, struct form_mark *m, size_t mmax, size_t *nm, cJSON **json)
{
    size_t n = kv_words(it, src, w, maxw, ents, m, mmax, nm, json);
    clean_in_place(w, n);
    return n;
}

static size_t kv_words(const struct eval_item *it, const char *src, struct dp_word *w, size_t maxw,
                       int *ents, struct form_mark *m, size_t mmax, size_t *nm, cJSON **json)
{
    size_t n = 0;
    *nm = 0;
    *json = NULL;
    if (strcmp(src, "words") == 0) {
        if ((*json = eval_kv_annotation(it)))
            n = funsd_words(*json, w, maxw, ents);
        return n;
    }
    char path[EVAL_PATH_MAX + 256], name[128];
    snprintf(name, sizeof name, "%s", it->name);
    for (char *p = name; *p; p++)
        if (*p == '/')
            *p = '_';
    snprintf(path, sizeof path, "%s/%s.json", src, name);
    if (!(*json = eval_read_json_file(path)))
        return 0;
    n = saved_words(cJSON_GetArrayItem(cJSON_GetObjectItem(*json, "pages"), 0), w, maxw, m, mmax,
                    nm);
    if (ents) {
        cJSON *a = eval_kv_annotation(it);
        for (size_t i = 0; i < n; i++)
            ents[i] = a ? entity_at(a, w[i].x + w[i].w / 2, w[i].y + w[i].h / 2) : -1;
        cJSON_Delete(a);
    }
    return n;
}

/* Words and marks of page 1 of a saved result (bbox = x,y,w,h). */
static size_t saved_words(const cJSON *page, struct dp_word *w, size_t max, struct form_mark *m,
                          size_t mmax, size_t *nm)
{
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(page, "words"))
    {
        int b[4];
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(x, "text"));
        const cJSON *c = cJSON_GetObjectItem(x, "conf");
        if (n >= max || !t || !*t || box4(cJSON_GetObjectItem(x, "bbox"), b))
            continue;
        /* the result's conf is 0..1, a word's 0..100 */
        w[n++] =
            (struct dp_word){(char *)t, cJSON_IsNumber(c) ? (float)(100.0 * c->valuedouble) : 90.0f,
                             b[0],      b[1],
                             b[2],      b[3],
                             0,         0};
    }
    *nm = 0;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(page, "selection_marks"))
    {
        int b[4];
        if (*nm >= mmax || box4(cJSON_GetObjectItem(x, "bbox"), b))
            continue;
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(x, "state"));
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(x, "kind"));
        const char *lab = cJSON_GetStringValue(cJSON_GetObjectItem(x, "label"));
        m[(*nm)++] =
            (struct form_mark){{b[0], b[1], b[2], b[3]},
                               st && !strcmp(st, "selected") ? FORM_SELECTED : FORM_UNSELECTED,
                               kind && !strcmp(kind, "radio"),
                               (char *)(lab ? lab : "")};
    }
    return n;
}

/* Prints the truth pairs of a form (found or not, with where the answer sits) and the pairs
 * found that match none. */
static void dump(const struct eval_item *it, const cJSON *doc)
{
    char *t = strdup(it->kv_pairs ? it->kv_pairs : "");
    const cJSON *kvs =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "pages"), 0), "key_values");
    int nk = cJSON_GetArraySize(kvs);
    char *hit = calloc((size_t)nk + 1, 1);
    fprintf(stderr, "== %s\n", it->name);
    for (char *p = t, *e; hit && p && *p; p = e ? e + 1 : NULL) {
        if ((e = strchr(p, '\n')))
            *e = '\0';
        char *sep = strchr(p, '\x1f');
        if (!sep)
            continue;
        *sep = '\0';
        const char *why = "MISS";
        char got[160] = "";
        for (int i = 0; i < nk; i++) {
            const cJSON *kv = cJSON_GetArrayItem(kvs, i);
            const char *k =
                cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(kv, "key"), "text"));
            const char *v =
                cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(kv, "value"), "text"));
            char q[512];
            snprintf(q, sizeof q, "%s", p);
            size_t ql = strlen(q);
            while (ql && (q[ql - 1] == ':' || q[ql - 1] == ' '))
                q[--ql] = '\0';
            int kok = k && eval_similarity(q, k) >= EVAL_KV_SIM;
            int vok = v && eval_similarity(sep + 1, v) >= EVAL_KV_SIM;
            if (kok && vok) {
                why = "ok  ";
                hit[i] = 1;
                break;
            }
            if (kok)
                snprintf(got, sizeof got, " -> got [%s]", v ? v : "null");
            else if (vok && !*got)
                snprintf(got, sizeof got, " <- by key [%s]", k ? k : "");
        }
        fprintf(stderr, "  %s [%s] = [%s]%s\n", why, p, sep + 1, got);
    }
    for (int i = 0; hit && i < nk; i++) {
        const cJSON *kv = cJSON_GetArrayItem(kvs, i);
        const char *v =
            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(kv, "value"), "text"));
        if (!hit[i] && v)
            fprintf(
                stderr, "  xtra [%s] = [%s]\n",
                cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(kv, "key"), "text")),
                v);
    }
    free(hit);
    free(t);
}

static void add_ocr(struct eval_ocr *to, const struct eval_ocr *x)
{
    to->truth += x->truth;
    to->pred += x->pred;
    to->matched += x->matched;
}

static double kv_f1(size_t matched, size_t pred, size_t truth)
{
    double p = pred ? (double)matched / (double)pred : 0.0;
    double r = truth ? (double)matched / (double)truth : 0.0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

/* The headline figures (blanks counted) and, labelled apart, F1 with blanks ignored inside
 * the texts (nb: eval_kv_match_squeezed). */
static void report(const char *what, const struct eval_ocr *a, const struct eval_ocr *nb)
{
    double p = a->pred ? (double)a->matched / (double)a->pred : 0.0;
    double r = a->truth ? (double)a->matched / (double)a->truth : 0.0;
    printf("  %-22s truth %5zu  found %5zu  matched %5zu  precision %.3f  recall %.3f  F1 "
           "%.3f  | blanks ignored: matched %5zu  F1 %.3f\n",
           what, a->truth, a->pred, a->matched, p, r, kv_f1(a->matched, a->pred, a->truth),
           nb->matched, kv_f1(nb->matched, nb->pred, nb->truth));
}

int eval_kv_offline(const struct eval_set *s, const char *src, const char *model, int verbose)
{
    enum { MAXW = FORM_MAX_WORDS, MAXM = FORM_MAX_MARKS };
    struct dp_word *w = malloc(MAXW * sizeof *w);
    struct form_mark *m = malloc(MAXM * sizeof *m);
    struct eval_ocr dev = {0, 0, 0}, held = {0, 0, 0}, all = {0, 0, 0};
    struct eval_ocr dev_nb = {0, 0, 0}, held_nb = {0, 0, 0}, all_nb = {0, 0, 0};
    struct form_model *own = NULL;
    const struct form_model *fm = NULL;
    double cpu = 0;
    size_t docs = 0, words = 0, nth = 0;
    int from_words = strcmp(src, "words") == 0;
    if (!w || !m) {
        free(w);
        free(m);
        return -1;
    }
    if (!model) {
        fm = form_model_builtin();
    } else if (strcmp(model, "rules") != 0) {
        dp_err e = form_model_load(model, &own);
        if (e) {
            fprintf(stderr, "kv: model %s: %s\n", model, dp_strerror(e));
            free(w);
            free(m);
            return -1;
        }
        fm = own;
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct eval_item *it = &s->items[i];
        if (!it->kv_pairs)
            continue;
        /* the split follows the form's place in the set, not the forms read: a form missing
         * from a results folder (failed in its run) moves no held-out form into dev */
        int is_dev = ++nth <= EVAL_KV_DEV;
        cJSON *j = NULL;
        size_t nm = 0;
        size_t n = eval_kv_words(it, src, w, MAXW, NULL, m, MAXM, &nm, &j);
        if (!j) {
            fprintf(stderr, "kv: no words for %s in %s\n", it->name, src);
            continue;
        }
        struct form_kv *kv = NULL;
        size_t nkv = 0;
        clock_t c0 = clock();
        dp_err rc = form_pairs_model(fm, w, n, m, nm, &kv, &nkv);
        cpu += (double)(clock() - c0) / CLOCKS_PER_SEC;
        docs++;
        words += n;
        cJSON *doc = cJSON_CreateObject(), *pages = cJSON_AddArrayToObject(doc, "pages");
        cJSON *page = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(page, "key_values");
        cJSON_AddItemToArray(pages, page);
        for (size_t k = 0; !rc && k < nkv; k++)
            cJSON_AddItemToArray(arr, form_kv_json(&kv[k]));
        form_kv_list_free(kv, nkv);
        struct eval_ocr one = {0, 0, 0}, one_nb = {0, 0, 0};
        eval_kv_match(it->kv_pairs, doc, &one);
        eval_kv_match_squeezed(it->kv_pairs, doc, &one_nb);
        add_ocr(is_dev ? &dev : &held, &one);
        add_ocr(&all, &one);
        add_ocr(is_dev ? &dev_nb : &held_nb, &one_nb);
        add_ocr(&all_nb, &one_nb);
        if (verbose)
            dump(it, doc);
        cJSON_Delete(doc);
        cJSON_Delete(j);
    }
    printf("key-value pairs of %s from %s, %s: %zu forms, %zu words, pairing CPU %.2f ms/form\n",
           s->name, from_words ? "the annotations' words" : src,
           fm ? (own ? model : "the built-in model") : "the rules", docs, words,
           docs ? 1000.0 * cpu / (double)docs : 0.0);
    report("forms 1-100 (dev)", &dev, &dev_nb);
    report("forms 101- (held out)", &held, &held_nb);
    report("all", &all, &all_nb);
    form_model_free(own);
    free(w);
    free(m);
    return 0;
}
