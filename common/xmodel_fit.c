/* xmodel_fit.c -- the extractor's learners: one field's weights from the training documents'
 * kept candidates, pointwise or pairwise, with LIBLINEAR L2-regularised logistic regression. */
#include <stdlib.h>
#include <string.h>
#include "xmodel_int.h"

#define POS_WEIGHT 10.0 /* positives are rare (one or two among hundreds of candidates) */
#define LR_C       1.0

static void quiet(const char *s)
{
    (void)s;
}

/* Whether candidate j of a feature set may fill a field of kind k. */
int xmodel_kind_ok(const struct xfeat_doc *fx, size_t j, uint32_t k)
{
    return !k || (fx->kind[j] & k);
}

/* ---- fitting one field ---- */

/* Trains weights w (XFEAT_DIM + 1, allocated when NULL) for field f on the documents with
 * use[i] set with learner (XMODEL_POINTWISE or XMODEL_PAIRWISE); DP_EINVAL when they hold no
 * positive. */
static dp_err fit_pairs(float *w, size_t f, uint32_t kind, struct xmodel_tdoc *d, size_t n,
                        const unsigned char *use);

dp_err xmodel_fit(float **w, size_t f, uint32_t kind, struct xmodel_tdoc *d, size_t n,
                  const unsigned char *use, int learner)
{
    size_t l = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i] && d[i].npos[f])
            l += d[i].fx.n;
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
        if (!use[i] || !d[i].npos[f])
            continue;
        /* only candidates of the field's kind, from documents where one of them is the value */
        const unsigned char *pos = d[i].pos + f * d[i].fx.n;
        size_t hit = 0;
        for (size_t j = 0; j < d[i].fx.n; j++)
            hit += pos[j] && xmodel_kind_ok(&d[i].fx, j, kind);
        for (size_t j = 0; j < d[i].fx.n && hit; j++) {
            if (!xmodel_kind_ok(&d[i].fx, j, kind))
                continue;
            prob.y[prob.l] = pos[j] ? 1 : -1;
            prob.x[prob.l] = d[i].fx.x[j];
            prob.l++;
        }
    }
    if (prob.l == 0) {
        free(prob.y);
        free(prob.x);
        return DP_EINVAL;
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
    struct model *lm = train(&prob, &par);
    free(prob.y);
    free(prob.x);
    if (!lm)
        return DP_ENOMEM;
    if (!*w)
        *w = malloc((XFEAT_DIM + 1) * sizeof **w);
    if (!*w) {
        free_and_destroy_model(&lm);
        return DP_ENOMEM;
    }
    /* one weight vector for two classes, oriented towards label[0] */
    double sign = lm->nr_class == 2 && lm->label[0] == 1 ? 1.0 : -1.0;
    for (size_t k = 0; k <= XFEAT_DIM; k++)
        (*w)[k] = lm->nr_class == 2 ? (float)(sign * lm->w[k]) : 0.0f;
    free_and_destroy_model(&lm);
    return learner == XMODEL_PAIRWISE ? fit_pairs(*w, f, kind, d, n, use) : DP_OK;
}

/* Pairwise ranking (RankNet-style with LIBLINEAR's L2 logistic regression): for every document
 * with a positive, examples x(positive) - x(negative) against up to PAIRS_PER_DOC negatives of
 * the field's kind, signs alternating so both classes exist; no bias (a shift does not change
 * the ranking). The weights then order a document's candidates; the bias of the pointwise
 * weights w (already trained) is kept so probabilities stay on the same scale. */
#define PAIRS_PER_DOC 300

/* Writes sign * (a - b) (sorted sparse lists, -1 terminated; the bias index dropped) into out
 * and terminates it; returns the nodes written, terminator included. */
static size_t diff_nodes(const struct feature_node *a, const struct feature_node *b, double sign,
                         struct feature_node *out)
{
    size_t k = 0;
    while (a->index != -1 || b->index != -1) {
        int ia = a->index == -1 ? 1 << 30 : a->index, ib = b->index == -1 ? 1 << 30 : b->index;
        int idx = ia < ib ? ia : ib;
        double v = 0;
        if (ia == idx)
            v += (a++)->value;
        if (ib == idx)
            v -= (b++)->value;
        if (v != 0 && idx <= XFEAT_DIM)
            out[k++] = (struct feature_node){idx, sign * v};
    }
    out[k++] = (struct feature_node){-1, 0};
    return k;
}

static dp_err fit_pairs(float *w, size_t f, uint32_t kind, struct xmodel_tdoc *d, size_t n,
                        const unsigned char *use)
{
    size_t npairs = 0, nnodes = 0;
    for (size_t i = 0; i < n; i++) {
        if (!use[i] || !d[i].npos[f])
            continue;
        const unsigned char *pos = d[i].pos + f * d[i].fx.n;
        size_t np = 0, nn = 0;
        for (size_t j = 0; j < d[i].fx.n; j++)
            if (xmodel_kind_ok(&d[i].fx, j, kind)) {
                np += pos[j] != 0;
                nn += pos[j] == 0;
            }
        if (!np)
            continue;
        nn = nn < PAIRS_PER_DOC ? nn : PAIRS_PER_DOC;
        npairs += nn;
        nnodes += nn * 2 * XFEAT_MAX;
    }
    if (!npairs)
        return DP_EINVAL;
    struct problem prob = {.l = 0, .n = XFEAT_DIM + 1, .bias = -1};
    prob.y = malloc(npairs * sizeof *prob.y);
    prob.x = malloc(npairs * sizeof *prob.x);
    struct feature_node *nodes = malloc(nnodes * sizeof *nodes);
    size_t *off = malloc(npairs * sizeof *off);
    size_t *pidx = malloc(PAIRS_PER_DOC * sizeof *pidx);
    dp_err rc = DP_ENOMEM;
    if (!prob.y || !prob.x || !nodes || !off || !pidx)
        goto out;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (!use[i] || !d[i].npos[f])
            continue;
        const struct xfeat_doc *fx = &d[i].fx;
        const unsigned char *pos = d[i].pos + f * fx->n;
        size_t np = 0, nn = 0, taken = 0;
        for (size_t j = 0; j < fx->n; j++)
            if (xmodel_kind_ok(fx, j, kind)) {
                if (pos[j] && np < PAIRS_PER_DOC)
                    pidx[np++] = j;
                nn += !pos[j];
            }
        if (!np)
            continue;
        size_t stride = nn > PAIRS_PER_DOC ? (nn + PAIRS_PER_DOC - 1) / PAIRS_PER_DOC : 1;
        for (size_t j = 0, seen = 0; j < fx->n && taken < PAIRS_PER_DOC; j++) {
            if (!xmodel_kind_ok(fx, j, kind) || pos[j] || seen++ % stride)
                continue;
            double sign = prob.l % 2 ? -1.0 : 1.0;
            off[prob.l] = used;
            used += diff_nodes(fx->x[pidx[taken % np]], fx->x[j], sign, nodes + used);
            prob.y[prob.l] = sign;
            prob.l++;
            taken++;
        }
    }
    for (size_t k = 0; k < (size_t)prob.l; k++)
        prob.x[k] = nodes + off[k];
    struct parameter par = {.solver_type = L2R_LR, .eps = 0.01, .C = LR_C};
    set_print_string_function(quiet);
    struct model *lm = prob.l ? train(&prob, &par) : NULL;
    rc = prob.l ? DP_ENOMEM : DP_EINVAL;
    if (lm) {
        double sg = lm->nr_class == 2 && lm->label[0] == 1 ? 1.0 : -1.0;
        for (size_t k = 0; k < XFEAT_DIM; k++)
            w[k] = lm->nr_class == 2 ? (float)(sg * lm->w[k]) : 0.0f;
        free_and_destroy_model(&lm);
        rc = DP_OK;
    }
out:
    free(prob.y);
    free(prob.x);
    free(nodes);
    free(off);
    free(pidx);
    return rc;
}
