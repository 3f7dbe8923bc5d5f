/* clsstore.h -- the classifier a tenant trains, kept in Redis: training examples users label,
 * trained models with their statistics and version, and the per-process model cache through
 * which workers classify (a new version is picked up at the next job, without a restart).
 *
 * Keys, per tenant (keys_cls in keys.h):
 *   labels  hash   doc id -> class label of the training example
 *   texts   hash   doc id -> the document's text as it was when labelled (capped)
 *   counts  hash   class label -> examples labelled with it now
 *   model   hash   {version, blob (classifier_save), stats (JSON), trained_at (ms)}
 *   ver     string INCR at every training, so versions only grow
 * One Lua script writes a label (labels, texts, counts never disagree); one Lua script writes a
 * model and refuses a version older than the stored one, so a slow concurrent training can
 * never replace a newer model. Examples keep the text, not the file: deleting the document
 * (DELETE /v1/documents/{id}) also removes its example (clsstore_unlabel).
 *
 * Until a tenant has trained a model, documents are classified by the built-in cold-start
 * model (receipt, invoice, form, letter, other). */
#ifndef DP_CLSSTORE_H
#define DP_CLSSTORE_H
#include <cjson/cJSON.h>
#include <hiredis.h>
#include <stdint.h>
#include "classify.h"
#include "err.h"
#include "page.h"

/* Default caps. Training reads about 0.4 s per MB of example text on one core (features of
 * every example; the cross-validation itself is cheap), and it holds a trainer thread
 * (api_train.c), so the caps bound it to about a minute and the tenant's examples to 160 MB of
 * Redis. 16 kB is four or five pages of text: what a document is shows on its first pages. */
#define CLSSTORE_MAX_EXAMPLES 10000 /* training examples per tenant */
#define CLSSTORE_MAX_TEXT     16384 /* bytes of text kept per example */
#define CLSSTORE_THRESHOLD                                                                         \
    0.5                                /* confidence below which the label is "unknown" when the   \
                                          cross-validation cannot choose (too few examples) */
#define CLSSTORE_THRESHOLD_AUTO (-1.0) /* clsstore_train: choose from cross-validation */
#define CLSSTORE_MAX_WRONG      0.01   /* wrong labels the chosen threshold allows (held out) */
#define CLSSTORE_CACHE_TENANTS  16     /* default tenants whose models a worker keeps loaded */

/* Caps on what a tenant may store. */
struct clsstore_limits {
    size_t max_examples; /* examples per tenant; labelling one more is refused */
    size_t max_text;     /* bytes of a document's text kept (cut at a UTF-8 boundary) */
};

/* The defaults above. */
struct clsstore_limits clsstore_limits_default(void);

/* ---- pure helpers ---- */

/* Whether label[0..len) may name a class: 1..63 of [A-Za-z0-9_.-], not "unknown". */
int clsstore_label_ok(const char *label, size_t len);

/* Parses a label request body: {"class": "invoice"} (label copied out, *remove = 0) or
 * {"class": null} (*remove = 1). Other members are refused, so a typo is not silently ignored.
 * DP_EPARSE: not a JSON object; DP_EINVAL: missing/invalid class (message in err). */
dp_err clsstore_parse_label_body(const char *buf, size_t len, char label[CLASSIFY_LABEL_MAX],
                                 int *remove, char *err, size_t errsz);

/* Parses a training request body: empty, or {"threshold": 0..1}. *threshold is left alone
 * when absent. DP_EPARSE / DP_EINVAL as above. */
dp_err clsstore_parse_train_body(const char *buf, size_t len, double *threshold, char *err,
                                 size_t errsz);

/* The public statistics of a trained model: {"version","trained_at","threshold","examples",
 * "classes":[{"label","examples","cv_correct"}],"cv_accuracy"(null if not computed),
 * "cv_folds","cv_unknown","temperature"}. trained_ms: ms since the epoch. Caller owns it. */
cJSON *clsstore_stats_json(const struct classify_stats *st, double threshold, int64_t trained_ms);

/* ---- examples ---- */

enum clsstore_label_outcome {
    CLSSTORE_LABELLED = 0,      /* stored (or replaced an earlier label of the same document) */
    CLSSTORE_NO_DOC,            /* no such document for this tenant */
    CLSSTORE_NOT_DONE,          /* the document has not finished (status in res->status) */
    CLSSTORE_NO_TEXT,           /* the document has no text to learn from */
    CLSSTORE_TOO_MANY_EXAMPLES, /* the tenant is at limits->max_examples */
    CLSSTORE_TOO_MANY_CLASSES   /* a new class past CLASSIFY_MAX_CLASSES */
};

/* What clsstore_label did. */
struct clsstore_label_res {
    enum clsstore_label_outcome outcome;
    char previous[CLASSIFY_LABEL_MAX]; /* the label it replaced, "" if none */
    char status[16];                   /* document status when CLSSTORE_NOT_DONE */
    size_t text_bytes;                 /* bytes of text stored */
    int truncated;                     /* 1 when the text was cut to limits->max_text */
    size_t examples;                   /* the tenant's examples afterwards */
    size_t classes;                    /* distinct classes among them */
};

/* Stores the text of the tenant's finished document doc_id as a training example of label
 * (replacing any earlier label of it). Reading the record and writing the example happen in
 * one script. A refusal is an outcome in *res with DP_OK; DP_EINVAL: bad label or limits;
 * DP_EREDIS: Redis failed. limits NULL = defaults. */
dp_err clsstore_label(redisContext *c, const char *tenant, const char *doc_id, const char *label,
                      const struct clsstore_limits *limits, struct clsstore_label_res *res);

/* Removes the tenant's example of doc_id; *removed = 1 if there was one (previous then holds
 * its label, may be NULL). */
dp_err clsstore_unlabel(redisContext *c, const char *tenant, const char *doc_id, int *removed,
                        char previous[CLASSIFY_LABEL_MAX]);

/* ---- training and info ---- */

/* Trains the tenant's model on all its examples (in document-id order, so a retraining on the
 * same examples gives the same model), stamps it with a new version from INCR and stores
 * blob + stats + version in one script. threshold: 0..1, or CLSSTORE_THRESHOLD_AUTO: the lowest
 * that keeps wrong labels within CLSSTORE_MAX_WRONG of the held-out examples
 * (classifier_cv_threshold), CLSSTORE_THRESHOLD when there was no cross-validation. Fills *out
 * (version included). DP_EINVAL when the examples span fewer than two classes (nothing stored;
 * out->classes lists what there is); DP_ECONFLICT when a newer version was stored meanwhile;
 * DP_EREDIS; DP_ENOMEM; DP_ETOOBIG from the classifier's caps. */
dp_err clsstore_train(redisContext *c, const char *tenant, double threshold,
                      struct classify_stats *out);

/* The tenant's classifier as GET /v1/classifier shows it: the trained model's statistics
 * (clsstore_stats_json plus "model":"tenant") or, untrained, {"model":"builtin","version":0,
 * "classes":[...builtin labels]}; plus "labelled": {label: count} and "labelled_total" for the
 * examples stored now (what the next training would use). builtin (borrowed, may be NULL)
 * supplies the built-in class list. *out owned by the caller. */
dp_err clsstore_info(redisContext *c, const char *tenant, const struct classifier *builtin,
                     cJSON **out);

/* ---- the worker's model cache ----
 * Not locked: one cache per worker process (workers are single-threaded). */

struct clsstore_cache; /* opaque */

/* Counters, for logs and tests. */
struct clsstore_cache_stats {
    size_t tenants;                 /* models held now */
    unsigned long long lookups;     /* clsstore_classify calls that asked Redis for a version */
    unsigned long long loads;       /* models fetched and deserialised */
    unsigned long long evictions;   /* models dropped for room (least recently used first) */
    unsigned long long load_errors; /* stored models that failed to load (built-in used) */
};

/* A cache holding up to ntenants tenant models (0 = CLSSTORE_CACHE_TENANTS) plus its own
 * built-in model. Caller owns it (clsstore_cache_free). NULL on ENOMEM. */
struct clsstore_cache *clsstore_cache_new(size_t ntenants);
void clsstore_cache_free(struct clsstore_cache *cache);
void clsstore_cache_stats(const struct clsstore_cache *cache, struct clsstore_cache_stats *out);

/* Classifies a document for tenant: one HGET of the tenant's model version per call; the model
 * is fetched and loaded only when that version differs from the cached one. A tenant without
 * a model (or whose stored model does not load) gets the built-in model. The tenant model sees
 * the text only, as in training; the built-in one also gets doc's layout (doc may be NULL).
 * *model is set to "tenant" or "builtin" (static strings). DP_EREDIS when Redis failed (the
 * caller should retry the job later), DP_ENOMEM. */
dp_err clsstore_classify(struct clsstore_cache *cache, redisContext *c, const char *tenant,
                         const struct dp_doc_text *doc, const char *text, size_t len,
                         struct classify_result *out, const char **model);

#endif
