/* classify_int.h -- internal to the classify_* files: the classifier's state, the sparse
 * feature vector, and the feature extractor. Not for use outside common/classify*.c. */
#ifndef DP_CLASSIFY_INT_H
#define DP_CLASSIFY_INT_H
#include <stddef.h>
#include <stdint.h>
#include "classify.h"

#define CLASSIFY_MAX_CELLS    (1u << 24) /* features x classes of a model table */
#define CLASSIFY_MAX_EX_FEATS (1u << 25) /* features held over all examples (~9 bytes each) */

#define CLASSIFY_GRP_WORD 1u /* grp bit of word-unigram features */

/* A document as hashed features: sorted, unique bucket ids with positive weights. */
struct classify_vec {
    uint32_t *idx;      /* owned, n entries, strictly increasing, < 2^hash_bits */
    float *val;         /* owned, n entries, > 0 */
    unsigned char *grp; /* owned, n entries: bit mask of the feature groups that hashed here;
                           CLASSIFY_GRP_WORD marks word unigrams */
    size_t n;
    /* the punctuation runs' part of val, so that a vector can be reweighed to another set's
       punctuation weight (classify_vec_reweigh) without its text */
    uint32_t *pj; /* owned, np entries: indices into idx/val, increasing */
    float *pu;    /* owned, np entries: the part of val[pj[i]] a punctuation weight of 1 gives */
    size_t np;
};

/* One training example. */
struct classify_example {
    int cls;                 /* index into classifier.labels */
    struct classify_vec vec; /* owned */
};

/* The trained model: a dense (feature x class) table over the features seen in training. */
struct classify_model {
    size_t nclasses; /* classes in the model (a prefix of classifier.labels) */
    size_t nfeat;    /* features seen in training */
    uint32_t *feat;  /* owned, nfeat sorted bucket ids */
    float *count;    /* owned, nfeat * nclasses: summed feature weights per class */
    double *mass;    /* owned, nclasses: total weight per class (sum of its counts) */
    double temperature;
    int lr;       /* 0: count holds naive Bayes counts; 1: logistic-regression weights */
    double *bias; /* owned, nclasses, LR only (NULL for NB): the per-class intercept */
};

struct classifier {
    struct classify_opts opts;
    uint32_t version;
    size_t nlabels; /* labels known (examples or model) */
    char labels[CLASSIFY_MAX_CLASSES][CLASSIFY_LABEL_MAX];
    struct classify_example *ex; /* owned array */
    size_t nex, cap_ex;
    size_t nfeats;               /* sum of the examples' vec.n */
    struct classify_model model; /* empty until trained or loaded */
    struct classify_stats stats; /* of the current model */
    /* held-out predictions of the last training (classifier_cv_threshold); not saved */
    double *cv_conf;         /* owned, ncv: calibrated confidence of the top class */
    unsigned char *cv_ok;    /* owned, ncv: the top class was the true one */
    unsigned char *cv_known; /* owned, ncv: coverage allowed an answer at all */
    size_t ncv;
    int lr; /* train logistic regression instead of naive Bayes (classifier_set_lr) */
    /* created with CLASSIFY_FEATURES_AUTO: the examples are read with CLASSIFY_FEATURES and
       each training picks set 3 or 4 by its smallest class (classify_pick_set) */
    int auto_set;
};

/* Working state of one training run: the feature table over all examples in doubles, so
 * that a cross-validation fold can subtract its held-out examples exactly. */
struct classify_train {
    size_t k, nfeat, nex;
    uint32_t *feat; /* sorted union of the examples' buckets */
    uint32_t *pos;  /* per example nonzero: index into feat; example i starts at off[i] */
    size_t *off;    /* nex + 1 offsets into pos */
    double *count;  /* nfeat * k */
    int *df;        /* nfeat: examples containing the feature */
    size_t min_df;  /* features in fewer examples are left out (classify_min_df); NB only */
    double mass[CLASSIFY_MAX_CLASSES];
    size_t ndocs[CLASSIFY_MAX_CLASSES];
};

/* ---- features (classify_feat.c) ---- */

/* Extracts the features (set opts->features, 2^opts->hash_bits buckets) of text[0..len)
 * (capped at CLASSIFY_MAX_TEXT) and, when doc is not NULL, its layout; text may be NULL to use the
 * pages' text. *out is owned by the caller (classify_vec_cleanup); *nwords receives the number of
 * word tokens. */
dp_err classify_features(const char *text, size_t len, const struct dp_doc_text *doc,
                         const struct classify_opts *opts, struct classify_vec *out,
                         size_t *nwords);
void classify_vec_cleanup(struct classify_vec *v);
/* The punctuation runs' weight of a feature set (CLASSIFY_FEATURES_V1 .. CLASSIFY_FEATURES). */
double classify_punct_weight(unsigned features);
/* Changes v's punctuation runs from weight `from` to weight `to` (v->val[v->pj[i]] gains
 * (to - from) * v->pu[i]): a vector read with one set becomes the vector of a set that differs
 * from it only in that weight (3 and 4). */
void classify_vec_reweigh(struct classify_vec *v, double from, double to);

/* ---- model (classify.c) ---- */

/* Frees the model's arrays and leaves it empty. */
void classify_model_cleanup(struct classify_model *m);
/* Recomputes m->mass from m->count (so a saved and a loaded model compute alike);
 * DP_ETOOBIG over CLASSIFY_MAX_CELLS. */
dp_err classify_model_finish(struct classify_model *m);
/* ---- logistic regression (classify_lr.c) ---- */

/* Fits one-vs-rest L2-regularised logistic regression (LIBLINEAR, bias on) with cost C on
 * the examples with use[i] set (use NULL = all): w (t->nfeat * t->k, feature-major like the
 * model table) and bias (t->k; -INFINITY for a class without training examples). */
dp_err classify_lr_fit(const struct classifier *c, const struct classify_train *t,
                       const unsigned char *use, double C, float *w, double *bias);
/* Cross-validates the cost C over a small grid with the given folds and keeps the best
 * (held-out accuracy, then held-out log-loss): its held-out scores w.x + b into scores
 * (t->nex * t->k) and the cost into *C. */
dp_err classify_lr_cv(const struct classifier *c, const struct classify_train *t, const int *fold,
                      int nfolds, double *scores, double *C);
/* True if every option is within its documented range. */
int classify_opts_ok(const struct classify_opts *o);
/* True if a label is well-formed (1..63 of [A-Za-z0-9_.-]) and not "unknown". */
int classify_label_ok(const char *label, size_t len);

#endif
