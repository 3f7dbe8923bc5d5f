/* classify_thr.c -- the "unknown" threshold a tenant's own cross-validation calls for. */
#include <math.h>
#include <stdlib.h>
#include "classify_int.h"

#define THR_MAX 0.99 /* never abstain on everything */

/* One held-out prediction. */
struct heldout {
    double conf;
    int wrong; /* answered (coverage allowed it) and wrong */
};

static int by_conf_desc(const void *a, const void *b)
{
    double x = ((const struct heldout *)a)->conf, y = ((const struct heldout *)b)->conf;
    return (x < y) - (x > y);
}

/* The threshold of h (sorted by confidence, highest first) that lets at most `allowed` wrong
 * predictions through: accept from the most confident down while the wrong ones stay within
 * it (ties go together). The threshold lies halfway between the confidence of the last group
 * accepted and that of the first refused: any value between them makes the same held-out
 * decisions, and the middle is the one that leaves a new document the widest margin on either
 * side, where putting it on the last accepted prediction refused every new document just below
 * it (docs/EVAL.md, branch cls8). Nothing refused: the lowest confidence; nothing accepted:
 * THR_MAX. */
static double thr_for(const struct heldout *h, size_t n, size_t allowed)
{
    double thr = THR_MAX;
    size_t wrong = 0;
    for (size_t k = 0; k < n;) {
        size_t j = k, w = 0;
        while (j < n && h[j].conf == h[k].conf) {
            w += (size_t)h[j].wrong;
            j++;
        }
        if (wrong + w > allowed) {
            if (k > 0)
                thr = (h[k - 1].conf + h[k].conf) / 2;
            break;
        }
        wrong += w;
        thr = h[k].conf;
        k = j;
    }
    return fmin(thr, THR_MAX);
}

dp_err classify_pick_threshold(const double *conf, const unsigned char *wrong,
                               const unsigned char *known, size_t n, double max_wrong,
                               double *threshold, size_t *unknown)
{
    if (n == 0 || !(max_wrong >= 0 && max_wrong <= 1))
        return DP_EINVAL;
    struct heldout *h = malloc(n * sizeof *h);
    if (!h)
        return DP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        h[i] = (struct heldout){conf[i], known[i] && wrong[i]};
    qsort(h, n, sizeof *h, by_conf_desc);
    /* The budget max_wrong * n is an expected count, rarely a whole number (1 % of 96 held-out
     * examples is 0.96). Rounding it down made the single most confident wrong example set the
     * threshold whenever n < 100, and the threshold then jumped by whole documents as n grew.
     * The threshold moves instead linearly from the one for floor(budget) wrong examples to
     * the one for one more, by the budget's fraction: continuous and monotone in the budget,
     * and exactly the old rule at whole budgets. */
    double budget = max_wrong * (double)n;
    double whole = floor(budget + 1e-9), frac = budget - whole; /* 1.0 / 7 * 7 is 1 */
    if (frac < 1e-9)
        frac = 0;
    size_t b = (size_t)whole;
    double hi = thr_for(h, n, b), lo = frac > 0 ? thr_for(h, n, b + 1) : hi;
    double thr = hi - frac * (hi - lo);
    size_t unk = 0;
    for (size_t i = 0; i < n; i++)
        unk += !known[i] || conf[i] < thr;
    free(h);
    *threshold = thr;
    if (unknown)
        *unknown = unk;
    return DP_OK;
}

dp_err classifier_cv_threshold(const struct classifier *c, double max_wrong, double *threshold,
                               size_t *unknown)
{
    if (!c || c->ncv == 0)
        return DP_EINVAL;
    unsigned char *wrong = malloc(c->ncv);
    if (!wrong)
        return DP_ENOMEM;
    for (size_t i = 0; i < c->ncv; i++)
        wrong[i] = !c->cv_ok[i];
    dp_err err = classify_pick_threshold(c->cv_conf, wrong, c->cv_known, c->ncv, max_wrong,
                                         threshold, unknown);
    free(wrong);
    return err;
}
