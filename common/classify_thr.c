/* classify_thr.c -- the "unknown" threshold a tenant's own cross-validation calls for. */
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

dp_err classifier_cv_threshold(const struct classifier *c, double max_wrong, double *threshold,
                               size_t *unknown)
{
    if (!c || c->ncv == 0 || !(max_wrong >= 0 && max_wrong <= 1))
        return DP_EINVAL;
    struct heldout *h = malloc(c->ncv * sizeof *h);
    if (!h)
        return DP_ENOMEM;
    for (size_t i = 0; i < c->ncv; i++)
        h[i] = (struct heldout){c->cv_conf[i], c->cv_known[i] && !c->cv_ok[i]};
    qsort(h, c->ncv, sizeof *h, by_conf_desc);
    /* Accept predictions from the most confident down while the wrong ones stay within the
     * budget; the threshold is the confidence of the last one accepted (ties go together). */
    double budget = max_wrong * (double)c->ncv, thr = THR_MAX;
    size_t wrong = 0;
    for (size_t k = 0; k < c->ncv;) {
        size_t j = k, w = 0;
        while (j < c->ncv && h[j].conf == h[k].conf) {
            w += (size_t)h[j].wrong;
            j++;
        }
        if ((double)(wrong + w) > budget)
            break;
        wrong += w;
        thr = h[k].conf;
        k = j;
    }
    if (thr > THR_MAX)
        thr = THR_MAX;
    size_t unk = 0;
    for (size_t i = 0; i < c->ncv; i++)
        unk += !c->cv_known[i] || c->cv_conf[i] < thr;
    free(h);
    *threshold = thr;
    if (unknown)
        *unknown = unk;
    return DP_OK;
}
