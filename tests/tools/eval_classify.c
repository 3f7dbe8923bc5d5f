/* eval_classify.c -- the tenant classifier as a tenant would train it: the classes/ set's
 * documents (their result text, what POST /v1/documents/{id}/label keeps) labelled, then
 * (1) stratified 5-fold cross-validation, each fold's model with the "unknown" threshold of its
 * own inner cross-validation (at most 1 % wrong, as POST /v1/classifier/train without a
 * threshold), and (2) one model trained on all of them labelling the documents of the other
 * sets of this run that it has never seen (the rest of sroie/ as receipts, of funsd/ as forms).
 * Right / unknown / wrong per class, the confusion table, and what training and labelling
 * cost; then the same cross-validation with the folds dealt from CV_SEEDS shuffled orders
 * (seed 0 is the standard split above), and their mean: one split moves by a document or two;
 * then the mean over CV_SEEDS_ALL such splits.
 * The shuffle is classify_eval.c's (DP_EVAL_SEED), so the two tools deal the same folds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "classify.h"
#include "eval.h"

#define CV_FOLDS     5
#define MAX_WRONG    0.01
#define CV_SEEDS     5
#define CV_SEEDS_ALL 50

/* One labelled text. */
struct ldoc {
    const char *label; /* borrowed from the set */
    const char *name;  /* borrowed */
    const char *text;  /* borrowed from the runner's cache */
    int cls;           /* index into the tally's labels */
};

/* Counts per truth class: right, unknown, wrong, and the confusion row. */
struct tally {
    char label[EVAL_MAX_LABELS][EVAL_LABEL_MAX];
    size_t n;
    size_t right[EVAL_MAX_LABELS], unknown[EVAL_MAX_LABELS], wrong[EVAL_MAX_LABELS];
    size_t m[EVAL_MAX_LABELS][EVAL_MAX_LABELS + 1]; /* last column: unknown */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int label_index(struct tally *t, const char *label, int add)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->label[i], label) == 0)
            return (int)i;
    if (!add || t->n == EVAL_MAX_LABELS)
        return -1;
    snprintf(t->label[t->n], EVAL_LABEL_MAX, "%s", label);
    return (int)t->n++;
}

static void count(struct tally *t, const struct ldoc *d, const struct classify_result *r,
                  int verbose)
{
    int said = strcmp(r->label, CLASSIFY_UNKNOWN) == 0 ? -1 : label_index(t, r->label, 0);
    t->m[d->cls][said < 0 ? EVAL_MAX_LABELS : said]++;
    if (said == d->cls)
        t->right[d->cls]++;
    else if (said < 0)
        t->unknown[d->cls]++;
    else
        t->wrong[d->cls]++;
    if (said != d->cls && verbose)
        fprintf(stderr, "classify: %s (%s) said %s; best %s %.2f, then %s %.2f\n", d->name,
                d->label, r->label, r->best, r->confidence,
                r->nscores > 1 ? r->scores[1].label : "-", r->nscores > 1 ? r->scores[1].prob : 0);
}

static void report(const struct tally *t, const char *title, cJSON *out)
{
    size_t n = 0, right = 0, unknown = 0, wrong = 0;
    for (size_t i = 0; i < t->n; i++) {
        right += t->right[i];
        unknown += t->unknown[i];
        wrong += t->wrong[i];
    }
    n = right + unknown + wrong;
    if (n == 0)
        return;
    printf("  %s: %zu documents: right %.3f (%zu), unknown %.3f (%zu), wrong %.3f (%zu)\n", title,
           n, (double)right / (double)n, right, (double)unknown / (double)n, unknown,
           (double)wrong / (double)n, wrong);
    printf("    %-11s %5s %5s %7s %5s |", "truth", "docs", "right", "unknown", "wrong");
    for (size_t j = 0; j < t->n; j++)
        printf(" %6.6s", t->label[j]);
    printf(" %7s\n", "unknown");
    cJSON *o = cJSON_AddObjectToObject(out, title);
    cJSON_AddNumberToObject(o, "documents", (double)n);
    cJSON_AddNumberToObject(o, "right", (double)right);
    cJSON_AddNumberToObject(o, "unknown", (double)unknown);
    cJSON_AddNumberToObject(o, "wrong", (double)wrong);
    cJSON *pc = cJSON_AddObjectToObject(o, "classes");
    for (size_t i = 0; i < t->n; i++) {
        size_t ni = t->right[i] + t->unknown[i] + t->wrong[i];
        if (ni == 0)
            continue;
        printf("    %-11s %5zu %5zu %7zu %5zu |", t->label[i], ni, t->right[i], t->unknown[i],
               t->wrong[i]);
        for (size_t j = 0; j < t->n; j++)
            printf(" %6zu", t->m[i][j]);
        printf(" %7zu\n", t->m[i][EVAL_MAX_LABELS]);
        cJSON *c = cJSON_AddObjectToObject(pc, t->label[i]);
        cJSON_AddNumberToObject(c, "right", (double)t->right[i]);
        cJSON_AddNumberToObject(c, "unknown", (double)t->unknown[i]);
        cJSON_AddNumberToObject(c, "wrong", (double)t->wrong[i]);
    }
}

/* A model trained on the documents with fold != skip (skip < 0: all), with the threshold of
 * its own cross-validation; NULL on failure. *train_s: seconds the training took. */
static struct classifier *train(const struct ldoc *d, size_t n, const int *fold, int skip,
                                double *train_s)
{
    struct classifier *c = classifier_new();
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (fold[i] != skip && classifier_add_text(c, d[i].label, d[i].text, strlen(d[i].text))) {
            classifier_free(c);
            return NULL;
        }
    double t0 = now_s(), thr;
    if (classifier_train(c, NULL) != DP_OK) {
        classifier_free(c);
        return NULL;
    }
    if (classifier_cv_threshold(c, MAX_WRONG, &thr, NULL) == DP_OK)
        classifier_set_threshold(c, thr);
    *train_s = now_s() - t0;
    return c;
}

/* Stratified folds of the n documents dealt from the order shuffled by seed (0: in order). */
static void deal_folds(const struct ldoc *d, size_t n, unsigned long seed, int *fold)
{
    size_t *order = malloc(n * sizeof *order), seen[EVAL_MAX_LABELS] = {0};
    if (!order) {
        for (size_t i = 0; i < n; i++)
            fold[i] = (int)(i % CV_FOLDS);
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n - 1; seed && i > 0; i--) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        size_t j = (size_t)((seed >> 33) % (unsigned long)(i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++)
        fold[order[i]] = (int)(seen[d[order[i]].cls]++ % CV_FOLDS);
    free(order);
}

/* One stratified cross-validation over the given folds into t; 0, or -1 when a training
 * failed. *train_s: the summed seconds of the fold trainings. */
static int cross_validate(const struct ldoc *d, size_t n, const int *fold, struct tally *t,
                          int verbose, double *train_s)
{
    double one;
    *train_s = 0;
    for (int f = 0; f < CV_FOLDS; f++) {
        struct classifier *c = train(d, n, fold, f, &one);
        if (!c)
            return -1;
        *train_s += one;
        for (size_t i = 0; i < n; i++) {
            struct classify_result r;
            if (fold[i] == f &&
                classifier_predict(c, d[i].text, strlen(d[i].text), NULL, &r) == DP_OK)
                count(t, &d[i], &r, verbose);
        }
        classifier_free(c);
    }
    return 0;
}

/* The mean over CV_SEEDS shuffled splits (seed 0 = the standard one), each printed; then the
 * mean over CV_SEEDS_ALL (five splits move by 0.2 of a document per split: cls10). */
static void shuffled(const struct ldoc *d, size_t n, const struct tally *labels, cJSON *out,
                     int verbose)
{
    int *fold = malloc(n * sizeof *fold);
    struct tally *t = malloc(sizeof *t);
    double sum[2][3] = {{0}}, s_train; /* [first CV_SEEDS, all][right, unknown, wrong] */
    if (!fold || !t)
        goto out;
    printf("  cross-validated, %d shuffled splits:", CV_SEEDS);
    for (unsigned long seed = 0; seed < CV_SEEDS_ALL; seed++) {
        *t = *labels;
        deal_folds(d, n, seed, fold);
        if (cross_validate(d, n, fold, t, verbose && seed < CV_SEEDS, &s_train))
            goto out;
        size_t r = 0, u = 0, w = 0;
        for (size_t i = 0; i < t->n; i++) {
            r += t->right[i];
            u += t->unknown[i];
            w += t->wrong[i];
        }
        if (seed < CV_SEEDS)
            printf(" %zu/%zu/%zu", r, u, w);
        for (int k = seed < CV_SEEDS ? 0 : 1; k < 2; k++) {
            sum[k][0] += (double)r;
            sum[k][1] += (double)u;
            sum[k][2] += (double)w;
        }
    }
    static const int splits[2] = {CV_SEEDS, CV_SEEDS_ALL};
    static const char *const keys[2] = {"cross_validated_shuffled", "cross_validated_shuffled_all"};
    for (int k = 0; k < 2; k++) {
        double right = sum[k][0] / splits[k], unknown = sum[k][1] / splits[k],
               wrong = sum[k][2] / splits[k];
        if (k == 0)
            printf(" (right/unknown/wrong)\n    mean:");
        else
            printf("  cross-validated, %d shuffled splits (seeds 0-%d), mean:", CV_SEEDS_ALL,
                   CV_SEEDS_ALL - 1);
        printf(" right %.3f (%.1f), unknown %.3f (%.1f), wrong %.3f (%.1f)\n", right / (double)n,
               right, unknown / (double)n, unknown, wrong / (double)n, wrong);
        cJSON *o = cJSON_AddObjectToObject(out, keys[k]);
        cJSON_AddNumberToObject(o, "splits", splits[k]);
        cJSON_AddNumberToObject(o, "documents", (double)n);
        cJSON_AddNumberToObject(o, "right", right);
        cJSON_AddNumberToObject(o, "unknown", unknown);
        cJSON_AddNumberToObject(o, "wrong", wrong);
    }
out:
    free(fold);
    free(t);
}

void eval_classify(const struct eval_set *set, const struct eval_set *all, int nall,
                   struct eval_runner *run, cJSON *report_js, int verbose)
{
    struct ldoc *d = calloc(set->n ? set->n : 1, sizeof *d);
    int *fold = calloc(set->n ? set->n : 1, sizeof *fold);
    struct tally *cv = calloc(1, sizeof *cv), *un = calloc(1, sizeof *un);
    size_t n = 0;
    if (!d || !fold || !cv || !un)
        goto out;
    for (size_t i = 0; i < set->n; i++) {
        const struct eval_item *it = &set->items[i];
        const char *text = eval_runner_text(run, it->path);
        int k = it->label[0] ? label_index(cv, it->label, 1) : -1;
        if (!text || k < 0)
            continue;
        d[n] = (struct ldoc){it->label, it->name, text, k};
        n++;
    }
    if (cv->n < 2 || n < 2 * CV_FOLDS)
        goto out;
    *un = *cv; /* the same labels, no counts yet */
    printf("\n== tenant classifier: %zu labelled documents of %s (%zu classes), each fold's "
           "threshold from its own cross-validation (<= %.0f %% wrong)\n",
           n, set->name, cv->n, MAX_WRONG * 100);
    cJSON *out = cJSON_AddObjectToObject(report_js, "tenant_classifier");
    double train_s = 0, one;
    deal_folds(d, n, 0, fold);
    if (cross_validate(d, n, fold, cv, verbose, &train_s))
        goto out;
    report(cv, "cross-validated", out);
    shuffled(d, n, un, out, 0);

    /* Every document of the other sets with a label this model knows, that it was not
     * trained on: the tenant's stream after labelling the set. */
    int *none = calloc(n, sizeof *none);
    struct classifier *c = none ? train(d, n, none, -1, &one) : NULL;
    free(none);
    if (!c)
        goto out;
    size_t nun = 0;
    double pred_s = 0;
    for (int s = 0; s < nall; s++) {
        if (&all[s] == set)
            continue;
        for (size_t i = 0; i < all[s].n; i++) {
            const struct eval_item *it = &all[s].items[i];
            const char *label = strcmp(all[s].name, "sroie") == 0   ? "receipt"
                                : strcmp(all[s].name, "funsd") == 0 ? "form"
                                                                    : NULL;
            const char *text = eval_runner_text(run, it->path);
            int k = label ? label_index(un, label, 0) : -1, dup = 0;
            for (size_t j = 0; j < set->n && !dup; j++)
                dup = eval_runner_same(run, set->items[j].path, it->path);
            if (k < 0 || !text || dup)
                continue;
            struct ldoc u = {label, it->name, text, k};
            struct classify_result r;
            double t0 = now_s();
            if (classifier_predict(c, text, strlen(text), NULL, &r) != DP_OK)
                continue;
            pred_s += now_s() - t0;
            count(un, &u, &r, verbose);
            nun++;
        }
    }
    classifier_free(c);
    report(un, "unseen", out);
    printf("  cost: one training of %zu documents with its cross-validation %.2f s (mean of %d "
           "folds %.2f s); labelling %.3f ms per document (%zu unseen)\n",
           n, one, CV_FOLDS, train_s / CV_FOLDS, nun ? pred_s * 1000 / (double)nun : 0.0, nun);
    cJSON_AddNumberToObject(out, "train_s", one);
    cJSON_AddNumberToObject(out, "predict_ms", nun ? pred_s * 1000 / (double)nun : 0.0);
out:
    free(d);
    free(fold);
    free(cv);
    free(un);
}
