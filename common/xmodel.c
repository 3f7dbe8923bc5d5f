/* xmodel.c -- training (LIBLINEAR logistic regression per field, cross-validated) and
 * applying the tenant's extractor (serialisation: xmodel_io.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "align.h"
#include "cand.h"
#include "util.h"
#include "xfeat.h"
#include "xmodel.h"

#define POS_WEIGHT 10.0 /* positives are rare (one or two among thousands of candidates) */
#define LR_C       1.0

/* A training document once its candidates and features are known. */
struct tdoc {
    struct cand_set cs;
    struct xfeat_doc fx;
    const cJSON *confirmed;
    const cJSON *rules; /* the built-in extractors' fields of the document (may be NULL) */
    unsigned char *pos; /* positives of the field being learnt, cs.n entries */
    size_t npos;
    const char *value; /* its confirmed value, NULL when the document does not confirm it */
};

static void quiet(const char *s)
{
    (void)s;
}

double xmodel_prob(const struct xmodel_field *f, const void *xv)
{
    const struct feature_node *x = xv;
    double s = 0;
    for (; x->index != -1; x++)
        if (x->index >= 1 && x->index <= XFEAT_DIM + 1)
            s += f->w[x->index - 1] * x->value;
    return 1.0 / (1.0 + exp(-s));
}

/* The best candidate of d for f: index (or -1) and probability. */
static long best_cand(const struct xmodel_field *f, const struct xfeat_doc *fx, double *p)
{
    long best = -1;
    double bp = -1;
    for (size_t i = 0; i < fx->n; i++) {
        double q = xmodel_prob(f, fx->x[i]);
        if (q > bp) {
            bp = q;
            best = (long)i;
        }
    }
    *p = bp < 0 ? 0 : bp;
    return best;
}

static const char *confirmed_value(const cJSON *confirmed, const char *name)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(confirmed, name);
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "value"));
    return v ? v : cJSON_GetStringValue(o);
}

/* ---- training one field ---- */

/* Trains weights for f on the documents d[i] with use[i] set; DP_EINVAL when they hold no
 * positive. */
static dp_err fit(struct xmodel_field *f, struct tdoc *d, size_t n, const unsigned char *use)
{
    size_t l = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i] && d[i].npos)
            l += d[i].npos + (d[i].cs.n - d[i].npos < XMODEL_NEG_PER_DOC ? d[i].cs.n - d[i].npos
                                                                         : XMODEL_NEG_PER_DOC);
    if (l == 0)
        return DP_EINVAL;
    struct problem prob = {.l = 0, .n = XFEAT_DIM + 1, .bias = 1.0};
    prob.y = malloc(l * sizeof *prob.y);
    prob.x = malloc(l * sizeof *prob.x);
    if (!prob.y || !prob.x) {
        free(prob.y);
        free(prob.x);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (!use[i] || !d[i].npos)
            continue;
        size_t nneg = d[i].cs.n - d[i].npos,
               stride = (nneg + XMODEL_NEG_PER_DOC - 1) / XMODEL_NEG_PER_DOC;
        size_t k = 0;
        for (size_t j = 0; j < d[i].cs.n && (size_t)prob.l < l; j++) {
            if (!d[i].pos[j] && (k++ % (stride ? stride : 1)) != 0)
                continue;
            prob.y[prob.l] = d[i].pos[j] ? 1 : -1;
            prob.x[prob.l] = d[i].fx.x[j];
            prob.l++;
        }
    }
    int wl[1] = {1};
    double wv[1] = {POS_WEIGHT};
    struct parameter par = {.solver_type = L2R_LR,
                            .eps = 0.01,
                            .C = LR_C,
                            .nr_weight = 1,
                            .weight_label = wl,
                            .weight = wv};
    set_print_string_function(quiet);
    struct model *m = train(&prob, &par);
    free(prob.y);
    free(prob.x);
    if (!m)
        return DP_ENOMEM;
    if (!f->w)
        f->w = malloc((XFEAT_DIM + 1) * sizeof *f->w);
    if (!f->w) {
        free_and_destroy_model(&m);
        return DP_ENOMEM;
    }
    double sign = m->nr_class == 2 && m->label[0] == 1 ? 1.0 : -1.0;
    for (size_t k = 0; k <= XFEAT_DIM; k++)
        f->w[k] = m->nr_class == 2 ? (float)(sign * m->w[k]) : 0.0f;
    free_and_destroy_model(&m);
    return DP_OK;
}

struct pc {
    double p;
    int ok;
};

static int cmp_pc(const void *a, const void *b)
{
    double x = ((const struct pc *)a)->p, y = ((const struct pc *)b)->p;
    return (x < y) - (x > y); /* descending */
}

/* Cross-validates f over the documents that confirm it; sets cv_docs, cv_correct and
 * review_below (the lowest probability above which at least 95 % of answers were right). */
static dp_err cross_validate(struct xmodel_field *f, struct tdoc *d, size_t n)
{
    size_t ndocs = 0;
    for (size_t i = 0; i < n; i++)
        ndocs += d[i].value != NULL;
    size_t folds = ndocs < XMODEL_FOLDS ? ndocs : XMODEL_FOLDS;
    unsigned char *use = calloc(n ? n : 1, 1);
    size_t *fold = calloc(n ? n : 1, sizeof *fold);
    struct pc *pcs = calloc(ndocs ? ndocs : 1, sizeof *pcs);
    struct xmodel_field tmp = {0};
    dp_err rc = DP_ENOMEM;
    if (!use || !fold || !pcs)
        goto out;
    for (size_t i = 0, k = 0; i < n; i++)
        fold[i] = d[i].value ? k++ % (folds ? folds : 1) : (size_t)-1;
    f->cv_docs = f->cv_correct = 0;
    for (size_t fo = 0; fo < folds; fo++) {
        for (size_t i = 0; i < n; i++)
            use[i] = d[i].value && fold[i] != fo;
        rc = fit(&tmp, d, n, use);
        if (rc == DP_ENOMEM)
            goto out;
        for (size_t i = 0; i < n; i++) {
            if (!d[i].value || fold[i] != fo)
                continue;
            double p = 0;
            long b = rc == DP_OK ? best_cand(&tmp, &d[i].fx, &p) : -1;
            int ok = b >= 0 && d[i].pos[b];
            pcs[f->cv_docs].p = p;
            pcs[f->cv_docs].ok = ok;
            f->cv_docs++;
            f->cv_correct += (uint32_t)ok;
        }
    }
    f->review_below = 0.5;
    if (f->cv_docs >= 4) {
        qsort(pcs, f->cv_docs, sizeof *pcs, cmp_pc);
        size_t right = 0;
        f->review_below = 1.0;
        for (size_t i = 0; i < f->cv_docs; i++) {
            right += (size_t)pcs[i].ok;
            if ((double)right >= 0.95 * (double)(i + 1))
                f->review_below = pcs[i].p;
        }
    }
    rc = DP_OK;
out:
    free(tmp.w);
    free(use);
    free(fold);
    free(pcs);
    return rc;
}

/* The built-in rules' value for field name in a fields array (the amount of a money value,
 * else the string value, else the text), or NULL. */
static const char *rules_text(const cJSON *rules, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, rules)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "source"));
        if (!n || strcmp(n, name) != 0 || (src && strcmp(src, "rules") != 0))
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
        const char *s = cJSON_IsObject(v)
                            ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "amount"))
                            : cJSON_GetStringValue(v);
        return s ? s : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "text"));
    }
    return NULL;
}

static dp_err learn_field(struct xmodel_field *f, struct tdoc *d, size_t n)
{
    dp_err rc = DP_OK;
    f->examples = f->aligned = f->rules_correct = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        d[i].value = confirmed_value(d[i].confirmed, f->name);
        d[i].npos = 0;
        if (!d[i].value)
            continue;
        f->examples++;
        const char *rt = rules_text(d[i].rules, f->name);
        f->rules_correct += rt && align_similarity(f->name, d[i].value, rt, 0.95) >= 0.95;
        d[i].npos = align_label(&d[i].cs, f->name, d[i].value, d[i].pos, NULL);
        f->aligned += d[i].npos > 0;
    }
    unsigned char *use = malloc(n ? n : 1);
    if (!use)
        return DP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        use[i] = d[i].value != NULL;
    rc = fit(f, d, n, use);
    free(use);
    if (rc)
        return rc;
    return cross_validate(f, d, n);
}

/* ---- training ---- */

/* Field names confirmed in at least XMODEL_MIN_EXAMPLES documents, in order of appearance. */
static size_t field_names(const struct xmodel_doc *docs, size_t n, char names[][REVIEW_NAME_MAX])
{
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        for (const cJSON *c = docs[i].confirmed ? docs[i].confirmed->child : NULL; c; c = c->next) {
            size_t k = 0;
            while (k < nn && strcmp(names[k], c->string) != 0)
                k++;
            if (k < nn || nn >= REVIEW_MAX_NAMES)
                continue;
            size_t count = 0;
            for (size_t j = i; j < n; j++)
                count += cJSON_GetObjectItemCaseSensitive(docs[j].confirmed, c->string) != NULL;
            if (count >= XMODEL_MIN_EXAMPLES)
                snprintf(names[nn++], REVIEW_NAME_MAX, "%s", c->string);
        }
    }
    return nn;
}

dp_err xmodel_train(const struct xmodel_doc *docs, size_t n, struct xmodel **out)
{
    char names[REVIEW_MAX_NAMES][REVIEW_NAME_MAX];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *out = NULL;
    size_t nn = field_names(docs, n, names);
    if (nn == 0)
        return DP_EINVAL;
    struct xmodel *m = calloc(1, sizeof *m);
    struct tdoc *d = calloc(n, sizeof *d);
    dp_err rc = DP_ENOMEM;
    if (!m || !d)
        goto out;
    m->f = calloc(nn, sizeof *m->f);
    if (!m->f)
        goto out;
    for (size_t i = 0; i < n; i++) {
        d[i].confirmed = docs[i].confirmed;
        d[i].rules = docs[i].rules;
        if ((rc = cand_generate(docs[i].doc, &d[i].cs)) ||
            (rc = xfeat_doc(&d[i].cs, docs[i].rules, &d[i].fx)))
            goto out;
        d[i].pos = calloc(d[i].cs.n ? d[i].cs.n : 1, 1);
        if (!d[i].pos || (rc = vendor_add(&m->vendors, docs[i].confirmed))) {
            rc = DP_ENOMEM;
            goto out;
        }
    }
    for (size_t k = 0; k < nn; k++) {
        struct xmodel_field *f = &m->f[m->nf];
        snprintf(f->name, sizeof f->name, "%s", names[k]);
        rc = learn_field(f, d, n);
        if (rc == DP_EINVAL) { /* never found on the page: nothing to learn from */
            free(f->w);
            memset(f, 0, sizeof *f);
            continue;
        }
        if (rc)
            goto out;
        m->nf++;
    }
    rc = m->nf ? DP_OK : DP_EINVAL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    m->train_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    m->trained_ms = util_now_ms();
out:
    for (size_t i = 0; d && i < n; i++) {
        cand_set_cleanup(&d[i].cs);
        xfeat_doc_cleanup(&d[i].fx);
        free(d[i].pos);
    }
    free(d);
    if (rc) {
        xmodel_free(m);
        m = NULL;
    }
    *out = m;
    return rc;
}

void xmodel_free(struct xmodel *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nf; i++)
        free(m->f[i].w);
    free(m->f);
    vendor_list_cleanup(&m->vendors);
    free(m);
}

/* ---- applying ---- */

/* Replaces the unconfirmed fields named name by f unless keep_rules and a rules field exists;
 * takes f (freed when not used). */
static void put_field(cJSON *fields, const char *name, cJSON *f, int keep_rules)
{
    cJSON *it = fields->child;
    while (it) {
        cJSON *next = it->next;
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        if (n && strcmp(n, name) == 0) {
            if (keep_rules || (src && strcmp(src, "confirmed") == 0)) {
                cJSON_Delete(f);
                return;
            }
            cJSON_Delete(cJSON_DetachItemViaPointer(fields, it));
        }
        it = next;
    }
    cJSON_AddItemToArray(fields, f);
}

dp_err xmodel_apply(const struct xmodel *m, const struct dp_doc_text *doc, cJSON *fields,
                    cJSON **missing)
{
    struct cand_set cs;
    struct xfeat_doc fx;
    if (missing)
        *missing = NULL;
    if (!cJSON_IsArray(fields))
        return DP_EINVAL;
    dp_err rc = cand_generate(doc, &cs);
    if (rc)
        return rc;
    if ((rc = xfeat_doc(&cs, fields, &fx))) {
        cand_set_cleanup(&cs);
        return rc;
    }
    for (size_t k = 0; k < m->nf; k++) {
        const struct xmodel_field *mf = &m->f[k];
        double p = 0;
        long b = best_cand(mf, &fx, &p);
        if (b < 0 || p < XMODEL_MIN_OUTPUT) {
            if (missing && !*missing)
                *missing = cJSON_CreateArray();
            if (missing && *missing)
                cJSON_AddItemToArray(*missing, cJSON_CreateString(mf->name));
            continue;
        }
        const struct cand *c = &cs.c[b];
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", mf->name);
        cJSON_AddItemToObject(f, "value", review_typed_value(mf->name, c->text));
        cJSON_AddStringToObject(f, "text", c->text);
        cJSON_AddNumberToObject(f, "confidence", (double)(int)(p * 1000 + 0.5) / 1000);
        cJSON_AddNumberToObject(f, "page", (double)c->page + 1);
        int box[4] = {c->x, c->y, c->w, c->h};
        cJSON_AddItemToObject(f, "bbox", cJSON_CreateIntArray(box, 4));
        cJSON_AddBoolToObject(f, "valid", 1);
        cJSON_AddStringToObject(f, "source", "model");
        if (p < mf->review_below)
            cJSON_AddBoolToObject(f, "needs_review", 1);
        /* the rules keep their value unless the model beat them on the tenant's examples */
        int rules_better = (double)mf->rules_correct * mf->cv_docs >=
                           (double)mf->cv_correct * (mf->examples ? mf->examples : 1);
        put_field(fields, mf->name, f, p < 0.5 || rules_better);
    }
    vendor_apply(&m->vendors, &cs, fields);
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    return DP_OK;
}

cJSON *xmodel_stats_json(const struct xmodel *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *fs = cJSON_AddArrayToObject(o, "fields");
    for (size_t i = 0; i < m->nf; i++) {
        const struct xmodel_field *f = &m->f[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", f->name);
        cJSON_AddNumberToObject(j, "examples", f->examples);
        cJSON_AddNumberToObject(j, "aligned", f->aligned);
        cJSON_AddNumberToObject(j, "cv_docs", f->cv_docs);
        cJSON_AddNumberToObject(j, "cv_correct", f->cv_correct);
        if (f->cv_docs)
            cJSON_AddNumberToObject(
                j, "cv_accuracy", (double)(int)(1000.0 * f->cv_correct / f->cv_docs + 0.5) / 1000);
        else
            cJSON_AddNullToObject(j, "cv_accuracy");
        cJSON_AddNumberToObject(j, "rules_correct", f->rules_correct);
        cJSON_AddNumberToObject(
            j, "rules_accuracy",
            f->examples ? (double)(int)(1000.0 * f->rules_correct / f->examples + 0.5) / 1000 : 0);
        cJSON_AddNumberToObject(j, "review_below", (double)(int)(f->review_below * 1000) / 1000);
        cJSON_AddItemToArray(fs, j);
    }
    cJSON_AddNumberToObject(o, "vendors", (double)m->vendors.n);
    cJSON_AddNumberToObject(o, "train_seconds", (double)(int)(m->train_s * 1000) / 1000);
    return o;
}
