/* eval_kvtrain.c -- trains the learned key-value pairing (docproc-eval --kv-train OUT
 * --kv-offline SRC[,SRC] FUNSD_DIR, `make train-kv`): on the development forms 1-100 only,
 * every couple of entities form_feat_cands() proposes is an example, positive when its label
 * entity lies in a FUNSD question and its answer entity in an answer linked to it (an entity's
 * FUNSD entity: the one most of its words belong to; OCR words are placed by their centres).
 * LIBLINEAR's L2 logistic regression learns the weights; the threshold and the multi-answer
 * level are then chosen by pair F1 on the same development forms (first source), and the
 * model is written as text (format: common/form_model.c).  The held-out forms are never read. */
#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"
#include "form_int.h"

#define TRAIN_C     0.5  /* LIBLINEAR cost: a little regularisation for ~100 forms */
#define MAX_LINKS   4096 /* question -> answer links of one form */
#define MAX_SRCS    4
#define TRAIN_STACK 0.5 /* stacked lines joined at or above this probability */

/* The examples gathered so far. */
struct kvdata {
    struct problem prob;
    size_t cap;
    size_t pos, links, reach; /* positives; truth links; links some couple reaches */
};

static void quiet(const char *s)
{
    (void)s;
}

/* FUNSD question -> answer links (answer not blank) of an annotation: from[i] -> to[i]. */
static size_t links_of(const cJSON *a, int *from, int *to, size_t max)
{
    size_t n = 0;
    const cJSON *e, *l;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(a, "form"))
    {
        const char *lab = cJSON_GetStringValue(cJSON_GetObjectItem(e, "label"));
        const cJSON *id = cJSON_GetObjectItem(e, "id");
        if (!lab || strcmp(lab, "question") || !cJSON_IsNumber(id))
            continue;
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(e, "linking"))
        {
            const cJSON *f = cJSON_GetArrayItem(l, 0), *t = cJSON_GetArrayItem(l, 1);
            if (!cJSON_IsNumber(f) || !cJSON_IsNumber(t) || f->valueint != id->valueint)
                continue;
            const cJSON *x, *ans = NULL;
            cJSON_ArrayForEach(x, cJSON_GetObjectItem(a, "form"))
            {
                const cJSON *xid = cJSON_GetObjectItem(x, "id");
                if (cJSON_IsNumber(xid) && xid->valueint == t->valueint)
                    ans = x;
            }
            const char *al = cJSON_GetStringValue(cJSON_GetObjectItem(ans, "label"));
            const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(ans, "text"));
            if (!al || strcmp(al, "answer") || !at || strspn(at, " \t\n") == strlen(at))
                continue;
            if (n < max) {
                from[n] = f->valueint;
                to[n++] = t->valueint;
            }
        }
    }
    return n;
}

/* The FUNSD entity most words of entity e belong to (-1 when under half are in one). */
static int ent_id(const struct tl_layout *L, const struct form_ent *e, const int *wid)
{
    int best = -1, bestn = 0;
    for (size_t i = 0; i < e->nw; i++) {
        int id = wid[L->ord[e->w0 + i]], c = 0;
        if (id < 0)
            continue;
        for (size_t j = 0; j < e->nw; j++)
            c += wid[L->ord[e->w0 + j]] == id;
        if (c > bestn)
            best = id, bestn = c;
    }
    return 2 * (size_t)bestn >= e->nw ? best : -1;
}

static int by_index(const void *pa, const void *pb)
{
    const struct feature_node *a = pa, *b = pb;
    return (a->index > b->index) - (a->index < b->index);
}

/* Adds one example of nfeat features (sparse idx/val, nf of them; y = +1 / -1). */
static int add_sparse(struct kvdata *d, int nf, const int *idx, const float *val, int nfeat, int y)
{
    if ((size_t)d->prob.l == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 4096;
        double *ny = realloc(d->prob.y, nc * sizeof *ny);
        if (ny)
            d->prob.y = ny;
        struct feature_node **nx = realloc(d->prob.x, nc * sizeof *nx);
        if (!ny || !nx)
            return -1;
        d->prob.x = nx;
        d->cap = nc;
    }
    struct feature_node *x = malloc((size_t)(nf + 2) * sizeof *x);
    if (!x)
        return -1;
    int n = 0;
    for (int i = 0; i < nf; i++) {
        int dup = 0;
        for (int j = 0; j < n; j++)
            if (x[j].index == idx[i] + 1) {
                x[j].value += val[i];
                dup = 1;
            }
        if (!dup)
            x[n++] = (struct feature_node){idx[i] + 1, val[i]};
    }
    qsort(x, (size_t)n, sizeof *x, by_index);
    x[n++] = (struct feature_node){nfeat + 1, 1.0}; /* the bias */
    x[n] = (struct feature_node){-1, 0};
    d->prob.y[d->prob.l] = y;
    d->prob.x[d->prob.l++] = x;
    return 0;
}

/* DOCPROC_KV_ON_BUILTIN=1: the built-in model's logit is one feature (index FORM_FEAT_N) and
 * only the couple features it weighs 0 (features added since its training) are learned beside
 * it; the written model folds them back into one set of weights (eval_kv_train). */
static const struct form_model *on_builtin;
static double on_builtin_a; /* the weight learned for its logit */

/* Adds one couple as an example (y = +1 / -1). */
static int add_example(struct kvdata *d, const struct form_fcand *c, int y)
{
    if (!on_builtin)
        return add_sparse(d, c->nf, c->idx, c->val, FORM_FEAT_N, y);
    int idx[FORM_FEAT_NZ + 1], n = 0;
    float val[FORM_FEAT_NZ + 1];
    for (int i = 0; i < c->nf; i++)
        if (c->idx[i] < 2 * FORM_FEAT_REL && on_builtin->w[c->idx[i]] == 0.0) {
            idx[n] = c->idx[i];
            val[n++] = c->val[i];
        }
    double p = form_model_prob(on_builtin, c);
    p = p < 1e-9 ? 1e-9 : p > 1 - 1e-9 ? 1 - 1e-9 : p;
    idx[n] = FORM_FEAT_N;
    val[n++] = (float)log(p / (1 - p));
    return add_sparse(d, n, idx, val, FORM_FEAT_N + 1, y);
}

/* The stacked couples (form_stack_cands) of one form from one source as examples of the stack
 * block: positive when both entities lie in one FUNSD entity. */
static int stack_examples(const struct eval_item *it, const char *src, struct kvdata *d,
                          struct dp_word *w, int *wid, struct form_mark *m)
{
    size_t nm = 0, ne = 0;
    cJSON *j = NULL;
    size_t n = eval_kv_words(it, src, w, FORM_MAX_WORDS, wid, m, FORM_MAX_MARKS, &nm, &j);
    struct form_ent *e = NULL;
    long *up = NULL;
    struct tl_layout L;
    int rc = -1;
    if (!j || n == 0 || form_layout(&L, w, n, m, nm) != DP_OK) {
        cJSON_Delete(j);
        return -1;
    }
    if (form_entities(&L, &e, &ne) || !(up = malloc((ne ? ne : 1) * sizeof *up)))
        goto out;
    form_stack_cands(e, ne, L.hmed, up);
    for (size_t l = 0; l < ne; l++) {
        int a = up[l] >= 0 ? ent_id(&L, &e[up[l]], wid) : -1, b = ent_id(&L, &e[l], wid);
        struct form_auxx x;
        if (a < 0 || b < 0)
            continue;
        form_stack_features(&L, e, ne, (size_t)up[l], l, &x);
        if (add_sparse(d, x.nf, x.idx, x.val, FORM_AUX_N, a == b ? 1 : -1))
            goto out;
        d->pos += a == b;
    }
    rc = 0;
out:
    free(up);
    free(e);
    tl_cleanup(&L);
    cJSON_Delete(j);
    return rc;
}

/* Trains the stack block of md over the development forms of every source; its threshold
 * from the environment (DOCPROC_KV_STACK; 0 = no block) or TRAIN_STACK.  0 = ok. */
static int train_stack(const struct eval_set *s, char *const *src, size_t nsrc,
                       struct form_model *md, struct dp_word *w, int *wid, struct form_mark *m)
{
    const char *te = getenv("DOCPROC_KV_STACK");
    double thr = te ? strtod(te, NULL) : TRAIN_STACK;
    struct form_aux *b = &md->stack;
    struct kvdata d = {0};
    size_t docs = 0;
    int rc = -1;
    if (thr <= 0 || thr >= 1)
        return 0;
    for (size_t i = 0; i < s->n && docs < EVAL_KV_DEV; i++) {
        if (!s->items[i].kv_pairs)
            continue;
        docs++;
        for (size_t k = 0; k < nsrc; k++)
            if (stack_examples(&s->items[i], src[k], &d, w, wid, m))
                fprintf(stderr, "kv-train: %s skipped (stack)\n", s->items[i].name);
    }
    struct model *lm = NULL;
    if (d.prob.l > 0 && d.pos > 0) {
        d.prob.n = FORM_AUX_N + 1;
        d.prob.bias = -1;
        struct parameter par = {.solver_type = L2R_LR, .eps = 0.01, .C = TRAIN_C};
        set_print_string_function(quiet);
        lm = train(&d.prob, &par);
    }
    if (lm) {
        double sign = lm->label[0] == 1 ? 1.0 : -1.0;
        for (int i = 0; i < FORM_AUX_N; i++)
            b->w[i] = sign * lm->w[i];
        b->bias = sign * lm->w[FORM_AUX_N];
        b->threshold = thr;
        b->on = 1;
        free_and_destroy_model(&lm);
        size_t tp = 0, pp = 0;
        for (int i = 0; i < d.prob.l; i++) {
            struct form_auxx x = {0, {0}, {0}};
            for (const struct feature_node *f = d.prob.x[i]; f->index > 0; f++)
                if (f->index <= FORM_AUX_N && x.nf < FORM_AUX_NZ) {
                    x.idx[x.nf] = f->index - 1;
                    x.val[x.nf++] = (float)f->value;
                }
            int yes = form_aux_prob(b, &x) >= thr;
            pp += yes;
            tp += yes && d.prob.y[i] > 0;
        }
        printf("kv-train: stacked lines: %d couples, %zu of one FUNSD entity; at %.2f %zu "
               "joined, %zu of them rightly (development forms)\n",
               d.prob.l, d.pos, thr, pp, tp);
        rc = 0;
    }
    for (int i = 0; i < d.prob.l; i++)
        free(d.prob.x[i]);
    free(d.prob.x);
    free(d.prob.y);
    return rc;
}

/* The entities of one form from one source as examples of the quest block: positive when
 * the entity lies in a FUNSD question linked to an answer that is not blank. */
static int quest_examples(const struct eval_item *it, const char *src, struct kvdata *d,
                          struct dp_word *w, int *wid, struct form_mark *m)
{
    static int from[MAX_LINKS], to[MAX_LINKS];
    size_t nm = 0, ne = 0;
    cJSON *j = NULL, *a = eval_kv_annotation(it);
    size_t n = eval_kv_words(it, src, w, FORM_MAX_WORDS, wid, m, FORM_MAX_MARKS, &nm, &j);
    struct form_ent *e = NULL;
    struct tl_layout L;
    int rc = -1;
    if (!a || !j || n == 0 || form_layout(&L, w, n, m, nm) != DP_OK) {
        cJSON_Delete(a);
        cJSON_Delete(j);
        return -1;
    }
    size_t nl = links_of(a, from, to, MAX_LINKS);
    if (form_entities(&L, &e, &ne))
        goto out;
    for (size_t i = 0; i < ne; i++) {
        int id = ent_id(&L, &e[i], wid), y = -1;
        struct form_auxx x;
        for (size_t l = 0; id >= 0 && l < nl; l++)
            y = from[l] == id ? 1 : y;
        form_quest_features(&L, e, ne, i, &x);
        if (add_sparse(d, x.nf, x.idx, x.val, FORM_AUX_N, y))
            goto out;
        d->pos += y > 0;
    }
    rc = 0;
out:
    free(e);
    tl_cleanup(&L);
    cJSON_Delete(a);
    cJSON_Delete(j);
    return rc;
}

/* Trains the quest block of md over the development forms of every source (DOCPROC_KV_QUEST=0:
 * no block).  Its alpha is chosen later with the threshold.  0 = ok. */
static int train_quest(const struct eval_set *s, char *const *src, size_t nsrc,
                       struct form_model *md, struct dp_word *w, int *wid, struct form_mark *m)
{
    const char *qe = getenv("DOCPROC_KV_QUEST");
    struct form_aux *b = &md->quest;
    struct kvdata d = {0};
    size_t docs = 0;
    if (qe && !strcmp(qe, "0"))
        return 0;
    for (size_t i = 0; i < s->n && docs < EVAL_KV_DEV; i++) {
        if (!s->items[i].kv_pairs)
            continue;
        docs++;
        for (size_t k = 0; k < nsrc; k++)
            if (quest_examples(&s->items[i], src[k], &d, w, wid, m))
                fprintf(stderr, "kv-train: %s skipped (quest)\n", s->items[i].name);
    }
    struct model *lm = NULL;
    if (d.prob.l > 0 && d.pos > 0) {
        d.prob.n = FORM_AUX_N + 1;
        d.prob.bias = -1;
        struct parameter par = {.solver_type = L2R_LR, .eps = 0.01, .C = TRAIN_C};
        set_print_string_function(quiet);
        lm = train(&d.prob, &par);
    }
    if (lm) {
        double sign = lm->label[0] == 1 ? 1.0 : -1.0;
        for (int i = 0; i < FORM_AUX_N; i++)
            b->w[i] = sign * lm->w[i];
        b->bias = sign * lm->w[FORM_AUX_N];
        b->on = 1;
        free_and_destroy_model(&lm);
        printf("kv-train: questions: %d entities, %zu questions with an answer (development "
               "forms)\n",
               d.prob.l, d.pos);
    }
    for (int i = 0; i < d.prob.l; i++)
        free(d.prob.x[i]);
    free(d.prob.x);
    free(d.prob.y);
    return 0;
}

/* The examples of one form from one source. */
static int form_examples(const struct eval_item *it, const char *src, struct kvdata *d,
                         struct dp_word *w, int *wid, struct form_mark *m)
{
    static int from[MAX_LINKS], to[MAX_LINKS];
    size_t nm = 0, nf = 0, ne = 0;
    cJSON *j = NULL, *a = eval_kv_annotation(it);
    size_t n = eval_kv_words(it, src, w, FORM_MAX_WORDS, wid, m, FORM_MAX_MARKS, &nm, &j);
    struct form_ent *e = NULL;
    struct form_fcand *f = NULL;
    int *eid = NULL, rc = -1;
    char *reached = NULL;
    struct tl_layout L;
    if (!a || !j) {
        fprintf(stderr, "kv-train: no words or annotation for %s in %s\n", it->name, src);
        goto out_json;
    }
    size_t nl = links_of(a, from, to, MAX_LINKS);
    if (n == 0 || form_layout(&L, w, n, m, nm) != DP_OK)
        goto out_json;
    if (form_entities(&L, &e, &ne) || form_feat_cands(&L, e, ne, &f, &nf))
        goto out;
    eid = malloc((ne ? ne : 1) * sizeof *eid);
    reached = calloc(nl ? nl : 1, 1);
    if (!eid || !reached)
        goto out;
    for (size_t i = 0; i < ne; i++)
        eid[i] = ent_id(&L, &e[i], wid);
    d->links += nl;
    for (size_t i = 0; i < nf; i++) {
        int y = -1, ik = eid[f[i].k], iv = eid[f[i].v];
        for (size_t l = 0; ik >= 0 && iv >= 0 && l < nl; l++)
            if (from[l] == ik && to[l] == iv) {
                y = 1;
                reached[l] = 1;
            }
        d->pos += y > 0;
        if (add_example(d, &f[i], y))
            goto out;
    }
    for (size_t l = 0; l < nl; l++)
        d->reach += reached[l];
    rc = 0;
out:
    tl_cleanup(&L);
out_json:
    free(reached);
    free(eid);
    free(f);
    free(e);
    cJSON_Delete(a);
    cJSON_Delete(j);
    return rc;
}

/* One development form's words and marks, kept to re-pair it under many thresholds. */
struct devform {
    const struct eval_item *it;
    cJSON *json; /* the words' texts point into it */
    struct dp_word *w;
    size_t n;
    struct form_mark *m;
    size_t nm;
};

/* Loads the development forms of s from src into *out (*n of them).  0 = ok. */
static int dev_load(const struct eval_set *s, const char *src, struct devform **out, size_t *n,
                    struct dp_word *w, struct form_mark *m)
{
    struct devform *v = calloc(EVAL_KV_DEV, sizeof *v);
    *out = v;
    *n = 0;
    if (!v)
        return -1;
    for (size_t i = 0; i < s->n && *n < EVAL_KV_DEV; i++) {
        const struct eval_item *it = &s->items[i];
        if (!it->kv_pairs)
            continue;
        struct devform *f = &v[(*n)++];
        f->it = it;
        f->n = eval_kv_words(it, src, w, FORM_MAX_WORDS, NULL, m, FORM_MAX_MARKS, &f->nm, &f->json);
        f->w = malloc((f->n ? f->n : 1) * sizeof *f->w);
        f->m = malloc((f->nm ? f->nm : 1) * sizeof *f->m);
        if (!f->w || !f->m)
            return -1;
        memcpy(f->w, w, f->n * sizeof *w);
        memcpy(f->m, m, f->nm * sizeof *m);
    }
    return 0;
}

static void dev_free(struct devform *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        cJSON_Delete(v[i].json);
        free(v[i].w);
        free(v[i].m);
    }
    free(v);
}

/* Pair F1 of model md over the development forms. */
static double dev_f1(const struct devform *v, size_t nv, const struct form_model *md, double *p,
                     double *r)
{
    struct eval_ocr acc = {0, 0, 0};
    for (size_t i = 0; i < nv; i++) {
        size_t nkv = 0;
        struct form_kv *kv = NULL;
        if (v[i].json &&
            form_pairs_model(md, v[i].w, v[i].n, v[i].m, v[i].nm, &kv, &nkv) == DP_OK) {
            cJSON *doc = cJSON_CreateObject(), *pages = cJSON_AddArrayToObject(doc, "pages");
            cJSON *page = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(page, "key_values");
            cJSON_AddItemToArray(pages, page);
            for (size_t k = 0; k < nkv; k++)
                cJSON_AddItemToArray(arr, form_kv_json(&kv[k]));
            eval_kv_match(v[i].it->kv_pairs, doc, &acc);
            cJSON_Delete(doc);
        }
        form_kv_list_free(kv, nkv);
    }
    *p = acc.pred ? (double)acc.matched / (double)acc.pred : 0;
    *r = acc.truth ? (double)acc.matched / (double)acc.truth : 0;
    return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

static int write_model(const char *path, const struct form_model *md, const char *srcs,
                       size_t examples, size_t pos)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f,
            "# docproc key-value pairing model (common/form_model.c, common/form_feat.c):\n"
            "# L2 logistic regression (LIBLINEAR, C %.2f) over %zu couples (%zu pairs) of the\n"
            "# FUNSD development forms 1-%d, sources: %s; with the stack block (labels over\n"
            "# two lines, common/form_stack.c) and the quest block (is the key a question,\n"
            "# common/form_quest.c) when they follow the weights.  Written by make train-kv.\n",
            TRAIN_C, examples, pos, EVAL_KV_DEV, srcs);
    if (on_builtin)
        fprintf(
            f,
            "# Trained on the model built in at the time (DOCPROC_KV_ON_BUILTIN=1): its logit\n"
            "# one feature (weighed %.3f), the couple features it weighed 0 learned beside it,\n"
            "# its stack and quest blocks kept.\n",
            on_builtin_a);
    fprintf(f, "docproc-kv-model 1\nfeatures %d\nbias %.6g\nthreshold %.3g\nmulti %.3g\n",
            FORM_FEAT_N, md->bias, md->threshold, md->multi);
    for (int i = 0; i < FORM_FEAT_N; i++)
        fprintf(f, "w %.6g\n", md->w[i]);
    if (md->stack.on) {
        fprintf(f, "stack %d\nstack_bias %.6g\nstack_threshold %.3g\n", FORM_AUX_N, md->stack.bias,
                md->stack.threshold);
        for (int i = 0; i < FORM_AUX_N; i++)
            fprintf(f, "s %.6g\n", md->stack.w[i]);
    }
    if (md->quest.on) {
        fprintf(f, "quest %d\nquest_bias %.6g\nquest_alpha %.3g\n", FORM_AUX_N, md->quest.bias,
                md->quest_alpha);
        for (int i = 0; i < FORM_AUX_N; i++)
            fprintf(f, "q %.6g\n", md->quest.w[i]);
    }
    fprintf(f, "end\n");
    return fclose(f) == 0 ? 0 : -1;
}

int eval_kv_train(const struct eval_set *s, const char *srcs, const char *out, int verbose)
{
    char list[1024], *src[MAX_SRCS];
    size_t nsrc = 0, docs = 0;
    struct kvdata d = {0};
    struct dp_word *w = malloc(FORM_MAX_WORDS * sizeof *w);
    int *wid = malloc(FORM_MAX_WORDS * sizeof *wid);
    struct form_mark *m = malloc(FORM_MAX_MARKS * sizeof *m);
    struct form_model *md = calloc(1, sizeof *md);
    int rc = -1;
    snprintf(list, sizeof list, "%s", srcs);
    const char *ob = getenv("DOCPROC_KV_ON_BUILTIN");
    on_builtin = ob && !strcmp(ob, "1") ? form_model_builtin() : NULL;
    if (ob && !strcmp(ob, "1") && !on_builtin) {
        fprintf(stderr, "kv-train: no built-in model to train on\n");
        goto out;
    }
    for (char *p = list, *c; p && nsrc < MAX_SRCS; p = c ? c + 1 : NULL) {
        if ((c = strchr(p, ',')))
            *c = '\0';
        src[nsrc++] = p;
    }
    if (!w || !wid || !m || !md)
        goto out;
    if (on_builtin) { /* the built-in model's stack and quest blocks */
        md->stack = on_builtin->stack;
        md->quest = on_builtin->quest;
    } else if (train_stack(s, src, nsrc, md, w, wid, m) ||
               train_quest(s, src, nsrc, md, w, wid, m)) {
        goto out;
    }
    for (size_t i = 0; i < s->n && docs < EVAL_KV_DEV; i++) {
        if (!s->items[i].kv_pairs)
            continue;
        docs++;
        for (size_t k = 0; k < nsrc; k++)
            if (form_examples(&s->items[i], src[k], &d, w, wid, m))
                fprintf(stderr, "kv-train: %s skipped\n", s->items[i].name);
    }
    printf("kv-train: %zu development forms, %d couples, %zu pairs; %zu of %zu truth links "
           "reachable by a couple (%.3f)\n",
           docs, d.prob.l, d.pos, d.reach, d.links, d.links ? (double)d.reach / d.links : 0.0);
    if (d.prob.l == 0 || d.pos == 0)
        goto out;
    d.prob.n = FORM_FEAT_N + 1 + (on_builtin != NULL);
    d.prob.bias = -1; /* the bias is the last feature, written by add_example */
    const char *ce = getenv("DOCPROC_KV_C"); /* experiments: another cost */
    struct parameter par = {
        .solver_type = L2R_LR, .eps = 0.01, .C = ce ? strtod(ce, NULL) : TRAIN_C};
    set_print_string_function(quiet);
    struct model *lm = train(&d.prob, &par);
    if (!lm)
        goto out;
    double sign = lm->label[0] == 1 ? 1.0 : -1.0;
    for (int i = 0; i < FORM_FEAT_N; i++)
        md->w[i] = sign * lm->w[i];
    md->bias = sign * lm->w[FORM_FEAT_N];
    if (on_builtin) { /* w = a * built-in + the new features' own; the built-in's blocks kept */
        double a = on_builtin_a = sign * lm->w[FORM_FEAT_N];
        for (int i = 0; i < FORM_FEAT_N; i++)
            md->w[i] += a * on_builtin->w[i];
        md->bias = a * on_builtin->bias + sign * lm->w[FORM_FEAT_N + 1];
        printf("kv-train: on the built-in model, its logit weighed %.3f\n", a);
    }
    free_and_destroy_model(&lm);
    /* the threshold and the multi-answer level, by F1 on the development forms */
    double best = -1, bt = 0.5, bm = 1.0, ba = 0.0, p, r;
    struct devform *dv = NULL;
    size_t ndv = 0;
    if (dev_load(s, src[0], &dv, &ndv, w, m)) {
        dev_free(dv, ndv);
        goto out;
    }
    static const double alphas[] = {0.0, 0.5, 1.0, 2.0};
    for (size_t ai = 0; ai < (md->quest.on ? sizeof alphas / sizeof *alphas : 1); ai++)
        for (double t = 0.05; t < 0.71; t += 0.05)
            for (double mu = 0.2; mu < 1.01; mu += 0.1) {
                if (mu < t)
                    continue;
                md->threshold = t;
                md->multi = mu > 0.99 ? 1.0 : mu;
                md->quest_alpha = alphas[ai];
                double f1 = dev_f1(dv, ndv, md, &p, &r);
                if (verbose)
                    fprintf(stderr,
                            "kv-train: alpha %.1f threshold %.2f multi %.2f: P %.3f R %.3f F1 "
                            "%.3f\n",
                            alphas[ai], t, md->multi, p, r, f1);
                if (f1 > best)
                    best = f1, bt = t, bm = md->multi, ba = alphas[ai];
            }
    dev_free(dv, ndv);
    md->threshold = bt;
    md->multi = bm;
    md->quest_alpha = ba;
    printf("kv-train: threshold %.2f, multi %.2f, quest alpha %.1f: development F1 %.3f (%s)\n", bt,
           bm, ba, best, src[0]);
    rc = write_model(out, md, srcs, (size_t)d.prob.l, d.pos);
    if (rc)
        fprintf(stderr, "kv-train: cannot write %s\n", out);
out:
    for (int i = 0; i < d.prob.l; i++)
        free(d.prob.x[i]);
    free(d.prob.x);
    free(d.prob.y);
    free(md);
    free(m);
    free(wid);
    free(w);
    return rc;
}
