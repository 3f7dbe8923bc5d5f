/* classify_lr.c -- the classifier's learner: one-vs-rest L2-regularised logistic regression
 * (LIBLINEAR, the library the extractor already uses) over the hashed, length-normalised
 * feature vectors, and the cross-validation that picks its cost C. */
#include <linear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "classify_int.h"

#define LR_EPS 0.01
static const double lr_grid[] = {1.0, 10.0, 100.0, 1000.0}; /* costs tried by classify_lr_cv */
#define LR_NGRID (sizeof(lr_grid) / sizeof(lr_grid[0]))

static void quiet(const char *s)
{
    (void)s;
}

dp_err classify_lr_fit(const struct classifier *c, const struct classify_train *t,
                       const unsigned char *use, double C, float *w, double *bias)
{
    size_t l = 0, nnz = 0, present[CLASSIFY_MAX_CLASSES] = {0}, nk = 0;
    for (size_t i = 0; i < t->nex; i++)
        if (!use || use[i]) {
            l++;
            nnz += t->off[i + 1] - t->off[i] + 2;
            present[c->ex[i].cls]++;
        }
    for (size_t k = 0; k < t->k; k++) {
        nk += present[k] > 0;
        bias[k] = present[k] ? 0 : -INFINITY;
    }
    memset(w, 0, t->nfeat * t->k * sizeof(*w));
    if (nk < 2)
        return DP_OK; /* nothing to separate: the one class present scores 0 */
    struct problem prob = {.l = (int)l, .n = (int)t->nfeat + 1, .bias = 1.0};
    struct feature_node *nodes = malloc(nnz * sizeof(*nodes));
    prob.y = malloc(l * sizeof(*prob.y));
    prob.x = malloc(l * sizeof(*prob.x));
    dp_err err = DP_ENOMEM;
    struct model *lm = NULL;
    if (!nodes || !prob.y || !prob.x)
        goto out;
    size_t r = 0, q = 0;
    for (size_t i = 0; i < t->nex; i++) {
        if (use && !use[i])
            continue;
        const struct classify_example *e = &c->ex[i];
        prob.y[r] = e->cls;
        prob.x[r] = nodes + q;
        for (size_t j = 0; j < e->vec.n; j++) {
            nodes[q].index = (int)t->pos[t->off[i] + j] + 1;
            nodes[q++].value = e->vec.val[j];
        }
        nodes[q].index = (int)t->nfeat + 1; /* the bias feature */
        nodes[q++].value = 1.0;
        nodes[q++].index = -1;
        r++;
    }
    struct parameter par = {.solver_type = L2R_LR, .eps = LR_EPS, .C = C};
    set_print_string_function(quiet);
    lm = train(&prob, &par);
    if (!lm)
        goto out;
    size_t nc = (size_t)lm->nr_class, nw = lm->nr_class == 2 ? 1 : nc;
    for (size_t ci = 0; ci < nc; ci++) {
        size_t k = (size_t)lm->label[ci], col = nw == 1 ? 0 : ci;
        double sign = nw == 1 && ci == 1 ? -1.0 : 1.0; /* two classes share one vector */
        for (size_t p = 0; p < t->nfeat; p++)
            w[p * t->k + k] = (float)(sign * lm->w[p * nw + col]);
        bias[k] = sign * lm->w[t->nfeat * nw + col];
    }
    err = DP_OK;
out:
    free_and_destroy_model(&lm);
    free(nodes);
    free(prob.y);
    free(prob.x);
    return err;
}

/* w.x + b of held-out example i for every class. */
static void lr_score(const struct classifier *c, const struct classify_train *t, size_t i,
                     const float *w, const double *bias, double *score)
{
    const struct classify_example *e = &c->ex[i];
    for (size_t k = 0; k < t->k; k++)
        score[k] = bias[k];
    for (size_t j = 0; j < e->vec.n; j++) {
        size_t p = t->pos[t->off[i] + j];
        for (size_t k = 0; k < t->k; k++)
            score[k] += (double)e->vec.val[j] * w[p * t->k + k];
    }
}

/* Held-out log-loss of scores at the best of a few temperatures (lower is better). */
static double best_loss(const double *scores, const struct classifier *c, size_t n, size_t k)
{
    double best = INFINITY;
    for (int s = 0; s < 30; s++) {
        double temp = 0.01 * pow(1000.0, s / 29.0), loss = 0;
        for (size_t i = 0; i < n; i++) {
            const double *sc = scores + i * k;
            double mx = -INFINITY, sum = 0;
            for (size_t j = 0; j < k; j++)
                mx = fmax(mx, sc[j]);
            for (size_t j = 0; j < k; j++)
                sum += isinf(sc[j]) ? 0 : exp((sc[j] - mx) / temp);
            double st = sc[c->ex[i].cls];
            loss += isinf(st) ? 30 : fmin(30, -((st - mx) / temp - log(sum)));
        }
        best = fmin(best, loss);
    }
    return best;
}

dp_err classify_lr_cv(const struct classifier *c, const struct classify_train *t, const int *fold,
                      int nfolds, double *scores, double *C)
{
    size_t n = t->nex, k = t->k, best_ok = 0;
    double best_l = INFINITY;
    unsigned char *use = malloc(n ? n : 1);
    float *w = malloc((t->nfeat * k + 1) * sizeof(*w));
    double *sc = malloc(n * k * sizeof(*sc)), bias[CLASSIFY_MAX_CLASSES];
    dp_err err = DP_ENOMEM;
    if (!use || !w || !sc)
        goto out;
    *C = lr_grid[0];
    for (size_t g = 0; g < LR_NGRID; g++) {
        for (int f = 0; f < nfolds; f++) {
            for (size_t i = 0; i < n; i++)
                use[i] = fold[i] != f;
            err = classify_lr_fit(c, t, use, lr_grid[g], w, bias);
            if (err)
                goto out;
            for (size_t i = 0; i < n; i++)
                if (!use[i])
                    lr_score(c, t, i, w, bias, sc + i * k);
        }
        size_t ok = 0;
        for (size_t i = 0; i < n; i++) {
            size_t b = 0;
            for (size_t j = 1; j < k; j++)
                if (sc[i * k + j] > sc[i * k + b])
                    b = j;
            ok += (int)b == c->ex[i].cls;
        }
        double l = best_loss(sc, c, n, k);
        if (g == 0 || ok > best_ok || (ok == best_ok && l < best_l)) {
            best_ok = ok;
            best_l = l;
            *C = lr_grid[g];
            memcpy(scores, sc, n * k * sizeof(*sc));
        }
    }
    err = DP_OK;
out:
    free(use);
    free(w);
    free(sc);
    return err;
}
