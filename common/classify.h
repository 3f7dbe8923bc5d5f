/* classify.h -- document classifier: hashed text features, multinomial naive Bayes,
 * cross-validated accuracy, calibrated confidence, compact (de)serialisation, and a
 * built-in cold-start model (receipt, invoice, form, letter, other).
 *
 * Why naive Bayes and not logistic regression: measured, not argued (docs/EVAL.md, "Tenant
 * classifier: punctuation and layout"; 120 OCR'd documents of classes/, 6 classes, 5-fold CV
 * and 209 unseen receipts and forms, each model's threshold from its own cross-validation).
 * With the current features and classify_pick_threshold's fractional wrong budget NB is right
 * for 0.992 (CV), 0.990 (mean of five shuffled splits) and 0.990 of the unseen, wrong for 0,
 * 0.2 of 120 and 2 of 209 (docs/EVAL.md, branch clsfive). LIBLINEAR's
 * one-vs-rest L2 logistic regression over the same features has its top class right as often
 * or more (0.995 over five splits) but its held-out confidences separate right from wrong
 * worse: at <= 1 % wrong it leaves 5.8 of 120 `unknown` (right 0.948), so it beats NB on
 * neither right nor wrong. A label only where NB and LR agree was right for 0.990 over five
 * splits but 0.976 of the unseen (same 2 wrong), at the price of an LR training: not adopted
 * either. NB also trains in one pass by summing counts (exact k-fold cross-validation is
 * "all counts minus the held-out documents", 0.5 s for 120 documents) and its model is
 * sparse positive counts. The LR learner stays available (classifier_set_lr) for
 * re-measuring on other data; the built-in cold-start model is NB either way.
 * NB's known weaknesses are addressed the usual way (Rennie et al. 2003): term frequencies
 * are log-damped and every document vector is length-normalised per feature group, so long
 * documents do not dominate; class priors are uniform, because what users choose to label
 * says nothing about the class mix of the stream; features never seen in training are
 * ignored instead of being smoothed towards the smallest class, and with 8 or more examples
 * per class so are features seen in fewer than classify_min_df() training documents (branch
 * cls7: on make eval's texts five shuffled splits 0.980 -> 0.985 right, on plain Tesseract
 * text 0.948 -> 0.968 and unseen 0.962 -> 0.986; the model half the size). NB's raw
 * log-probabilities are badly over-confident, so the confidence is softmax(score / T), with the
 * temperature T fitted on the cross-validated scores (label-smoothed cross-entropy), not guessed.
 *
 * Features (see classify_feat.c): text is normalised (lower-case, digits folded to '0');
 * word unigrams, word bigrams, character 3..5-grams within words, runs of punctuation between
 * words (collapsed: "___", "[_]", ":", "$": what forms are made of), and layout tokens read
 * from the text's lines (`__layout_numeric_high`, amount-ending lines, short lines, line
 * count, share of words in capitals, ...) are hashed into 2^hash_bits buckets. Punctuation
 * and layout weigh as much as the words: on classes/ they took the cross-validated share right
 * from 0.917 to 0.992 and the unseen forms labelled `unknown` from 25 of 129 to 0
 * (docs/EVAL.md). Set 3 adds one token per line for its shape (how many words, how it ends,
 * a number in it, all capitals: "Name:" lines, headings, prose lines), weight 0.25 (branch
 * cls7: plain Tesseract text five splits 0.968 -> 0.975, unseen 0.986 -> 0.990, none lower).
 * Set 4 weighs the punctuation runs 2 instead of 1.5 (branch cls8: standard split 0.983 ->
 * 0.992 on make eval's texts, 0.975 -> 0.983 on plain Tesseract text, none lower, with 20
 * examples per class; with 3-6 a little worse): a tenant model (CLASSIFY_FEATURES_AUTO, the
 * default) trains set 4 once its smallest class has 16 examples and set 3 below
 * (classify_pick_set; branch cls9).
 * The feature set is saved with a model (classify_opts.features): a model trained before
 * keeps reading documents with the features it was trained on.
 *
 * Threads: a classifier is not locked. Predict, save and the getters only read it, so one
 * trained model can serve many threads at once; add/train/setters need exclusive access. */
#ifndef DP_CLASSIFY_H
#define DP_CLASSIFY_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "page.h"

#define CLASSIFY_LABEL_MAX    64          /* bytes per label incl. NUL: 1..63 of [A-Za-z0-9_.-] */
#define CLASSIFY_MAX_CLASSES  64          /* classes per model */
#define CLASSIFY_MAX_EXAMPLES 20000       /* examples held for training */
#define CLASSIFY_MAX_TEXT     262144      /* bytes of text read per document; the rest is ignored */
#define CLASSIFY_MAX_MODEL    (64u << 20) /* largest serialised model accepted by load */
#define CLASSIFY_UNKNOWN      "unknown"   /* the label for "not sure"; reserved */

struct classifier; /* opaque */

/* Model parameters, fixed when the classifier is created (and stored with the model). */
struct classify_opts {
    unsigned hash_bits;  /* feature buckets = 2^hash_bits; 10..24, default 18 */
    double alpha;        /* Lidstone smoothing added to every (class, feature) count; > 0,
                            default 0.01 (counts are per-document normalised weights) */
    double threshold;    /* below this confidence (0..1) the label is "unknown"; default 0.5 */
    double min_coverage; /* below this share of the document's (damped, normalised) word
                            mass that the model has seen, the label is "unknown"; 0..1,
                            default 0.2 */
    unsigned min_words;  /* fewer words than this: "unknown"; default 5 */
    unsigned features;   /* feature set: CLASSIFY_FEATURES_AUTO (default), CLASSIFY_FEATURES,
                            _V3, _V2 or _V1; the set trained is saved with the model, so a
                            model always reads documents the way it was trained */
};

#define CLASSIFY_FEATURES_V1                                                                       \
    1u /* words, bigrams, char n-grams, 7 layout tokens (until 12/2026; the built-in model keeps   \
          it: docs/EVAL.md) */
#define CLASSIFY_FEATURES_V2                                                                       \
    2u /* V1 + punctuation runs + 3 more layout tokens, reweighed (12/2026) */
#define CLASSIFY_FEATURES_V3 3u /* V2 + a line-shape token per line (branch cls7) */
#define CLASSIFY_FEATURES                                                                          \
    4u /* V3 with punctuation runs weighing 2 instead of 1.5 (branch cls8); formats 7/8 */

#define CLASSIFY_FEATURES_AUTO                                                                     \
    0u /* set 3 or 4 by the size of the smallest class (classify_pick_set), chosen at each         \
          training; the model is saved as the set it trained (branch cls9) */

/* Why a prediction came out as it did. */
enum classify_why {
    CLASSIFY_OK = 0,       /* label is the top class */
    CLASSIFY_LOW_CONF,     /* confidence below the threshold */
    CLASSIFY_TOO_SHORT,    /* fewer than min_words words (or no text) */
    CLASSIFY_LOW_COVERAGE, /* the text is mostly words the model never saw */
    CLASSIFY_UNTRAINED     /* the model has fewer than two trained classes */
};

/* One class's calibrated probability. */
struct classify_score {
    char label[CLASSIFY_LABEL_MAX];
    double prob; /* 0..1; the scores of one result sum to 1 */
};

/* What predict returns; plain data, no ownership (embed it or put it on the stack). */
struct classify_result {
    char label[CLASSIFY_LABEL_MAX]; /* the top class, or "unknown" */
    char best[CLASSIFY_LABEL_MAX];  /* the top class even when label is "unknown"; "" if none */
    double confidence;              /* calibrated probability of `best`, 0..1 */
    double coverage;                /* share of the document's word mass the model knows */
    size_t nwords;                  /* words (tokens) read from the text */
    enum classify_why why;          /* reason for `label` */
    uint32_t model_version;         /* classifier_version() of the model that answered */
    size_t nscores;                 /* entries in scores, sorted by prob, highest first */
    struct classify_score scores[CLASSIFY_MAX_CLASSES];
};

/* Per-class line of the training statistics. */
struct classify_class_stats {
    char label[CLASSIFY_LABEL_MAX];
    size_t examples;   /* training examples of this class */
    size_t cv_correct; /* of them, predicted correctly (top class) when held out */
};

/* What training reports (also kept in the model and saved with it). */
struct classify_stats {
    size_t nexamples;   /* examples trained on */
    size_t nclasses;    /* entries in classes */
    int cv_folds;       /* folds used: 5, or nexamples for leave-one-out; 0 = not computed
                           (fewer than two classes or two examples) */
    size_t cv_tested;   /* held-out predictions made */
    double cv_accuracy; /* share of held-out examples whose top class was right; -1 if none */
    size_t cv_unknown;  /* held-out predictions whose confidence was below the threshold */
    double temperature; /* the fitted softmax temperature */
    uint32_t version;   /* model version after training */
    struct classify_class_stats classes[CLASSIFY_MAX_CLASSES];
};

/* Defaults for classifier_new_opts(). */
struct classify_opts classify_opts_default(void);

/* A new, empty, untrained classifier; caller owns it (classifier_free). NULL on ENOMEM. */
struct classifier *classifier_new(void);
/* Same with explicit options; NULL when out of memory or an option is out of range. */
struct classifier *classifier_new_opts(const struct classify_opts *opts);
/* Frees the classifier; NULL is a no-op. */
void classifier_free(struct classifier *c);

/* Adds a training example: the document's text (len bytes, need not be NUL-terminated; at
 * most CLASSIFY_MAX_TEXT are read) under `label`. Only its hashed features are kept, not the
 * text. It takes effect at the next classifier_train(). DP_EINVAL for a bad or reserved label,
 * DP_ETOOBIG past CLASSIFY_MAX_EXAMPLES, CLASSIFY_MAX_CLASSES or ~32M stored features
 * (about 300 MB) over all examples. */
dp_err classifier_add_text(struct classifier *c, const char *label, const char *text, size_t len);
/* Same from a read document: page texts joined, plus page-layout features. */
dp_err classifier_add_example(struct classifier *c, const char *label,
                              const struct dp_doc_text *doc);
/* Number of examples added since creation (or load). */
size_t classifier_examples(const struct classifier *c);

/* Trains the model on all added examples (replacing any loaded model), runs stratified
 * cross-validation (5-fold; leave-one-out with 25 examples or fewer), fits the confidence
 * temperature and bumps the version. `out` may be NULL. With fewer than two classes the
 * model is trained but predicts "unknown" (why = CLASSIFY_UNTRAINED). DP_EINVAL when there
 * are no examples at all. */
dp_err classifier_train(struct classifier *c, struct classify_stats *out);
/* Copies the statistics of the current model (as trained or loaded). */
void classifier_stats(const struct classifier *c, struct classify_stats *out);

/* Classifies a document given as text (len bytes) and/or a read document: when text is NULL
 * the pages' text is used; doc, when given, adds layout features. Fills *out. Never fails on
 * odd input: no text, an untrained model or gibberish give label "unknown" with DP_OK.
 * DP_ENOMEM only. */
dp_err classifier_predict(const struct classifier *c, const char *text, size_t len,
                          const struct dp_doc_text *doc, struct classify_result *out);

/* The model version: 0 = never trained; classifier_train() adds 1. It is saved and loaded.
 * set_version lets the caller stamp a globally unique number (e.g. from a Redis INCR). */
uint32_t classifier_version(const struct classifier *c);
void classifier_set_version(struct classifier *c, uint32_t version);
/* The "unknown" threshold at which the held-out predictions of the last classifier_train()
 * would have put at most max_wrong (0..1) of all examples into a wrong class, chosen by
 * classify_pick_threshold: *threshold (0..0.99), and *unknown the held-out examples it leaves
 * unknown (may be NULL). This is how a tenant's threshold follows from its own cross-validation
 * instead of a fixed 0.5. DP_EINVAL when there are no held-out predictions (not trained, or
 * loaded). */
dp_err classifier_cv_threshold(const struct classifier *c, double max_wrong, double *threshold,
                               size_t *unknown);

/* The rule behind classifier_cv_threshold, over n held-out predictions: conf[i] the
 * confidence of the top class, wrong[i] nonzero if it was not the true class, known[i] zero if
 * the prediction was "unknown" whatever the threshold (coverage). The threshold lets at most
 * max_wrong * n wrong predictions through and lies halfway between the last prediction it
 * accepts and the first it refuses (the widest margin for new documents on either side; branch
 * cls8: plain Tesseract text, five shuffled splits 0.975 -> 0.977 right, nothing lower on
 * make eval's texts or the unseen); a fractional budget moves it linearly between the
 * thresholds for the whole numbers around it (1 % of 96 is 0.96: 96 % of the way from the
 * threshold for 0 wrong to the one for 1). *unknown (may be NULL): predictions below it or
 * not known. DP_EINVAL for n == 0 or max_wrong outside 0..1. */
dp_err classify_pick_threshold(const double *conf, const unsigned char *wrong,
                               const unsigned char *known, size_t n, double max_wrong,
                               double *threshold, size_t *unknown);

/* How many training documents a feature must appear in for a naive Bayes model to keep it:
 * 1 + smallest / 8, at most 3, where smallest is the number of examples of the smallest
 * class (so 1 below 8 examples per class, 3 from 16). A word, n-gram or punctuation run that
 * only one document has is mostly that document's OCR noise or names, and NB trusts it as
 * much as a class's common words; with 20 examples per class dropping them took make eval's
 * cross-validated share right on classes/ from 0.980 to 0.985-0.988 (docs/EVAL.md, branch
 * cls7), while with 3-5 examples per class it lost documents: hence the scale. The features
 * dropped in training are unknown to the model, so they also leave the coverage. */
size_t classify_min_df(size_t smallest);

/* The feature set a CLASSIFY_FEATURES_AUTO training uses, from the number of examples of its
 * smallest class: set 4 (punctuation runs weighing 2) once classify_min_df is at its cap (16
 * examples), set 3 (1.5) below. A document has a dozen punctuation runs against thousands of
 * n-grams, so a class's punctuation profile rests on few observations; weighing it more pays
 * when it is learnt from enough documents and amplifies its noise when not, as dropping rare
 * features does. Measured (docs/EVAL.md, branch cls9; five random draws of k examples per
 * class, the other documents of classes/ and 209 unseen labelled, k = 3..14: 8,310
 * predictions) set 3 had 7,831 right and 109 wrong against set 4's 7,811 and 100 on make
 * eval's texts, 7,447 and 165 against 7,416 and 182 on plain Tesseract text; at 16 (ten
 * draws, 2,330 predictions) set 4 had 1 right fewer and 1 wrong more on make eval's texts and 9
 * right more, 3 wrong fewer on plain Tesseract text, and the 20-per-class protocols, whose
 * trainings have 16 per class, are better with it (branch cls8). */
unsigned classify_pick_set(size_t smallest);

/* Makes the next classifier_train() learn one-vs-rest L2 logistic regression (LIBLINEAR,
 * cost C chosen by cross-validation from a small grid, bias on) over the same features
 * instead of naive Bayes (on = 0, the default). Not the default: on classes/ it was not
 * better (docs/EVAL.md, "Logistic regression vs naive Bayes"). Saved as model format 2. */
void classifier_set_lr(struct classifier *c, int on);

/* Changes the "unknown" threshold (0..1) of a model, e.g. from configuration after load. */
dp_err classifier_set_threshold(struct classifier *c, double threshold);

/* Serialises the trained model (options, classes, sparse counts, stats, version; not the
 * examples) into a versioned, checksummed byte string. *buf is malloc'd, caller frees it. */
dp_err classifier_save(const struct classifier *c, char **buf, size_t *len);
/* Rebuilds a model from classifier_save() output; *out is owned by the caller. Every field is
 * validated: truncated, corrupted or oversized input gives DP_EPARSE (DP_ETOOBIG over
 * CLASSIFY_MAX_MODEL), never a crash. The loaded model predicts; added examples plus train
 * replace it. */
dp_err classifier_load(const char *buf, size_t len, struct classifier **out);

/* The built-in cold-start model (receipt, invoice, form, letter, other), trained on short
 * synthetic texts embedded in classify_builtin.c; caller owns it. NULL on ENOMEM. Its
 * "unknown" threshold is the default 0.5 (see classify_builtin.c). */
struct classifier *classifier_builtin(void);

#endif
