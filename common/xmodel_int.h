/* xmodel_int.h -- what the extractor's training (xmodel_train.c) and its learners
 * (xmodel_fit.c) share; not for other modules. */
#ifndef DP_XMODEL_INT_H
#define DP_XMODEL_INT_H
#include <stddef.h>
#include <stdint.h>
#include "xfeat.h"
#include "xmodel.h"

/* A training document once its kept candidates' features are known. */
struct xmodel_tdoc {
    const struct xmodel_doc *src;
    struct xfeat_doc fx;     /* features of the kept candidates */
    unsigned char *pos;      /* nf rows of fx.n: 1 = a positive of that field */
    size_t *npos;            /* positives per field (0: not confirmed, or not on the page) */
    const char **value;      /* per field: the confirmed value, NULL when not confirmed */
    unsigned char *rules_ok; /* per field: the built-in rules had the confirmed value */
    uint32_t *order;         /* per field: the day/month order its page prints the confirmed
                                date in (xmodel_date_order; 0 = none or not a date field) */
    uint32_t *reads;         /* per field: 2 * XREADING_N, the wins then the losses of each
                                reading on this document (xreading_count) */
    size_t fold;
};

/* The rules' value of field name in a fields array (its text as printed, else its string
 * value), or NULL when the rules gave none. Borrowed from fields. */
const char *xmodel_rules_value(const cJSON *fields, const char *name);

/* Whether candidate j of a feature set may fill a field of kind k (XFEAT_KIND_*, 0 = any). */
int xmodel_kind_ok(const struct xfeat_doc *fx, size_t j, uint32_t k);

/* Trains weights *w (XFEAT_DIM + 1 floats, allocated when NULL) for field f of kind kind on the
 * documents d[i] with use[i] set, with learner (XMODEL_POINTWISE or XMODEL_PAIRWISE).
 * DP_EINVAL when they hold no positive of the kind, DP_ENOMEM. */
dp_err xmodel_fit(float **w, size_t f, uint32_t kind, struct xmodel_tdoc *d, size_t n,
                  const unsigned char *use, int learner);

#endif
