/* classify_eval.c -- measures the classifier on labelled OCR text: stratified 5-fold
 * cross-validation with a confusion matrix for the trainable model, and the built-in
 * cold-start model on the same documents. Not part of `make test`.
 *
 *   cc -O2 -Icommon tests/tools/classify_eval.c build/libdocproc.a -lm -llinear -lcjson \
 *      -o /tmp/classify_eval
 *   /tmp/classify_eval LABELS.csv TEXTDIR [MAX_WRONG [UNSEEN.csv]]
 * DP_CLASSIFY_LR=1 in the environment trains logistic regression (classifier_set_lr)
 * instead of naive Bayes. DP_EVAL_ENSEMBLE=1 also trains LR next to it and keeps a label
 * only where both agree (=2: agreement alone, no threshold). DP_EVAL_SEED=s deals the folds from a
 * shuffled order. DP_EVAL_SPLITS=10 then also cross-validates over the splits of seeds 0..9 and
 * prints the mean of each five (what docs/EVAL.md reports as "x5"); DP_EVAL_FROM=5 measures seeds
 * 5..N-1 only, DP_EVAL_MISSES=1 lists each split's misses. MAX_WRONG (e.g. 0.01): each
 * fold's model takes the "unknown" threshold its own training cross-validation calls for
 * (classifier_cv_threshold), as POST /v1/classifier/train does without an explicit threshold;
 * absent: the default 0.5. UNSEEN.csv (same form): after the cross-validation, one model trained on
 * every document of LABELS.csv (with the threshold of its own cross-validation when MAX_WRONG >= 0)
 * labels these documents, which it has never seen: the tenant's view after labelling LABELS.csv.
 * Every document not labelled right is listed with its top classes.
 * LABELS.csv: header line, then "path,label"; the text of `a/b/c.jpg` is TEXTDIR/a_b_c.jpg.txt
 * (what `tesseract IMG stdout` wrote) or, when there is none, the "text" of a result that
 * `docproc-eval --results TEXTDIR` saved: TEXTDIR/a_b_c.jpg.json (a classes/ document) or
 * TEXTDIR/a_c.json (one read as part of its own set: sroie/img/000.jpg is sroie_000.json), so
 * the texts of a `make eval` run are measured as they are (then link with -lcjson too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "classify.h"

#define MAX_DOCS    2000
#define MAX_TEXT    (1 << 20)
#define FOLDS       5
#define MAX_EVAL_CL 16

struct doc {
    char label[CLASSIFY_LABEL_MAX];
    char path[1024];
    char *text;
    size_t len;
    int cls;
};

static struct doc docs[MAX_DOCS];
static double max_wrong = -1; /* < 0: keep the default threshold */
static char classes[MAX_EVAL_CL + 1][CLASSIFY_LABEL_MAX];
static int nclasses;
static int use_lr; /* DP_CLASSIFY_LR=1 */

static int class_index(const char *label)
{
    for (int i = 0; i < nclasses; i++)
        if (strcmp(classes[i], label) == 0)
            return i;
    if (nclasses == MAX_EVAL_CL)
        return -1;
    snprintf(classes[nclasses], CLASSIFY_LABEL_MAX, "%s", label);
    return nclasses++;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(MAX_TEXT);
    if (buf)
        *len = fread(buf, 1, MAX_TEXT, f);
    fclose(f);
    return buf;
}

/* The whole file (a saved result may be several MB), NUL-terminated, or NULL; caller frees. */
static char *slurp_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)size, f);
        buf[*len] = '\0';
    }
    if (f)
        fclose(f);
    return buf;
}

/* The "text" of the docproc-eval result saved for row (a/b/c.jpg) in dir, or NULL; caller
 * frees. */
static char *result_text(const char *dir, const char *row, size_t *len)
{
    char flat[1024], path[2048], *buf = NULL;
    snprintf(flat, sizeof flat, "%s", row);
    for (char *p = flat; *p; p++)
        if (*p == '/')
            *p = '_';
    snprintf(path, sizeof path, "%s/%s.json", dir, flat);
    buf = slurp_all(path, len);
    if (!buf) { /* first folder and the file's stem: sroie/img/000.jpg -> sroie_000 */
        const char *slash = strchr(row, '/'), *base = strrchr(row, '/'), *dot = strrchr(row, '.');
        if (!slash || !dot || dot < base)
            return NULL;
        snprintf(path, sizeof path, "%s/%.*s_%.*s.json", dir, (int)(slash - row), row,
                 (int)(dot - base - 1), base + 1);
        buf = slurp_all(path, len);
    }
    if (!buf)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(buf, *len);
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(j, "text"));
    char *text = NULL;
    if (t && (*len = strlen(t)) < MAX_TEXT)
        text = strdup(t);
    cJSON_Delete(j);
    free(buf);
    return text;
}

static int load_docs(const char *csv, const char *dir, int n)
{
    FILE *f = fopen(csv, "r");
    char line[1024];
    if (!f || !fgets(line, sizeof(line), f)) {
        if (f)
            fclose(f);
        return -1;
    }
    while (n < MAX_DOCS && fgets(line, sizeof(line), f)) {
        char *comma = strchr(line, ',');
        if (!comma)
            continue;
        *comma = '\0';
        char *label = comma + 1;
        label[strcspn(label, "\r\n")] = '\0';
        char path[2048], row[1024];
        snprintf(row, sizeof row, "%s", line);
        for (char *p = line; *p; p++)
            if (*p == '/')
                *p = '_';
        snprintf(path, sizeof(path), "%s/%s.txt", dir, line);
        docs[n].text = slurp(path, &docs[n].len);
        if (!docs[n].text)
            docs[n].text = result_text(dir, row, &docs[n].len);
        docs[n].cls = class_index(label);
        if (!docs[n].text || docs[n].cls < 0) {
            fprintf(stderr, "skipped %s\n", path);
            free(docs[n].text);
            continue;
        }
        snprintf(docs[n].label, sizeof(docs[n].label), "%s", label);
        snprintf(docs[n].path, sizeof(docs[n].path), "%s", line);
        n++;
    }
    fclose(f);
    return n;
}

static void print_matrix(const char *title, int rows, char (*cols)[CLASSIFY_LABEL_MAX], int ncols,
                         int m[][MAX_EVAL_CL + 1])
{
    printf("%s (rows: truth, columns: predicted label)\n%-11s", title, "");
    for (int j = 0; j < ncols; j++)
        printf(" %10.10s", cols[j]);
    printf(" %10s\n", "unknown");
    for (int i = 0; i < rows; i++) {
        printf("%-11s", classes[i]);
        for (int j = 0; j <= ncols; j++)
            printf(" %10d", m[i][j == ncols ? MAX_EVAL_CL : j]);
        printf("\n");
    }
}

static int col_of(const char *label, char (*cols)[CLASSIFY_LABEL_MAX], int ncols)
{
    for (int j = 0; j < ncols; j++)
        if (strcmp(cols[j], label) == 0)
            return j;
    return MAX_EVAL_CL; /* unknown */
}

static void print_miss(const struct doc *d, const struct classify_result *r)
{
    if (strcmp(r->label, d->label) == 0)
        return;
    printf("  miss %-40s %-10s said %-10s %s %.2f, %s %.2f; words %zu cov %.2f\n", d->path,
           d->label, r->label, r->best, r->confidence, r->nscores > 1 ? r->scores[1].label : "-",
           r->nscores > 1 ? r->scores[1].prob : 0.0, r->nwords, r->coverage);
}

/* DP_EVAL_ENSEMBLE=1: a second model, logistic regression on the same examples; a label
 * stands only where both models' top class agree (and one of them is above its threshold) */
static struct classifier *second;
static int agree_only; /* DP_EVAL_ENSEMBLE=2: agreement alone decides, no threshold */

static void ensemble(struct classifier *c, int all, int skip, const int *fold)
{
    const char *e = getenv("DP_EVAL_ENSEMBLE");
    classifier_free(second);
    second = NULL;
    (void)c;
    if (!e || (e[0] != '1' && e[0] != '2'))
        return;
    agree_only = e[0] == '2';
    second = classifier_new();
    classifier_set_lr(second, 1);
    for (int i = 0; i < all; i++)
        if (!fold || fold[i] != skip)
            classifier_add_text(second, docs[i].label, docs[i].text, docs[i].len);
    double thr;
    if (classifier_train(second, NULL) != DP_OK)
        exit(1);
    if (max_wrong >= 0 && classifier_cv_threshold(second, max_wrong, &thr, NULL) == DP_OK)
        classifier_set_threshold(second, thr);
}

static int predict(struct classifier *c, const struct doc *d, struct classify_result *r)
{
    if (classifier_predict(c, d->text, d->len, NULL, r) != DP_OK)
        return -1;
    struct classify_result r2;
    if (!second || classifier_predict(second, d->text, d->len, NULL, &r2) != DP_OK)
        return 0;
    int agree = strcmp(r->best, r2.best) == 0;
    int sure = agree_only || strcmp(r->label, CLASSIFY_UNKNOWN) != 0 ||
               strcmp(r2.label, CLASSIFY_UNKNOWN) != 0;
    snprintf(r->label, sizeof r->label, "%s", agree && sure ? r->best : CLASSIFY_UNKNOWN);
    return 0;
}

/* Counts of one cross-validation. */
struct split_counts {
    int top, right, unknown, wrong;
};

/* One stratified FOLDS-fold cross-validation with the folds dealt from the order shuffled by
 * seed (0: in order) into *k and conf (may be NULL); verbose: print thresholds and misses. */
static void split(int n, unsigned long seed, int verbose, struct split_counts *k,
                  int (*conf)[MAX_EVAL_CL + 1])
{
    int fold[MAX_DOCS], seen[MAX_EVAL_CL] = {0}, order[MAX_DOCS];
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = n - 1; seed && i > 0; i--) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        int j = (int)((seed >> 33) % (unsigned long)(i + 1)), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < n; i++)
        fold[order[i]] = seen[docs[order[i]].cls]++ % FOLDS;
    memset(k, 0, sizeof *k);
    for (int f = 0; f < FOLDS; f++) {
        struct classifier *c = classifier_new();
        if (c)
            classifier_set_lr(c, use_lr);
        for (int i = 0; i < n; i++)
            if (fold[i] != f)
                classifier_add_text(c, docs[i].label, docs[i].text, docs[i].len);
        if (classifier_train(c, NULL) != DP_OK)
            exit(1);
        double thr;
        if (max_wrong >= 0 && classifier_cv_threshold(c, max_wrong, &thr, NULL) == DP_OK) {
            classifier_set_threshold(c, thr);
            if (verbose)
                printf("  fold %d: threshold %.3f from its training cross-validation\n", f, thr);
        }
        ensemble(c, n, f, fold);
        for (int i = 0; i < n; i++) {
            struct classify_result r;
            if (fold[i] != f || predict(c, &docs[i], &r))
                continue;
            if (conf)
                conf[docs[i].cls][col_of(r.label, classes, nclasses)]++;
            if (verbose)
                print_miss(&docs[i], &r);
            k->top += strcmp(r.best, docs[i].label) == 0;
            k->right += strcmp(r.label, docs[i].label) == 0;
            k->unknown += strcmp(r.label, CLASSIFY_UNKNOWN) == 0;
            k->wrong +=
                strcmp(r.label, CLASSIFY_UNKNOWN) != 0 && strcmp(r.label, docs[i].label) != 0;
        }
        classifier_free(c);
    }
}

/* DP_EVAL_SPLITS=N: the cross-validation over the splits of seeds 0..N-1 (seed 0 = the
 * standard one), each split's right/unknown/wrong and the mean of every five. DP_EVAL_FROM=f
 * starts at seed f (a multiple of 5: 5 measures seeds 5..N-1 only, a half that can guide
 * choices while 0-4 stay unseen); DP_EVAL_MISSES=1 lists every split's misses. */
static void splits(int n, int nsplits)
{
    struct split_counts sum = {0}, k;
    const char *fe = getenv("DP_EVAL_FROM"), *me = getenv("DP_EVAL_MISSES");
    long from = fe ? strtol(fe, NULL, 10) : 0;
    int misses = me && me[0] == '1';
    if (from < 0 || from >= nsplits || from % 5)
        from = 0;
    printf("%d shuffled splits (right/unknown/wrong of %d):", nsplits - (int)from, n);
    for (int s = (int)from; s < nsplits; s++) {
        if (misses)
            printf("\n  seed %d:\n", s);
        split(n, (unsigned long)s, misses, &k, NULL);
        printf(" %d/%d/%d", k.right, k.unknown, k.wrong);
        sum.top += k.top;
        sum.right += k.right;
        sum.unknown += k.unknown;
        sum.wrong += k.wrong;
        if (s % 5 == 4 || s == nsplits - 1) {
            int m = s % 5 + 1;
            printf(
                "\n  mean of seeds %d-%d: top class %.3f; right %.3f, unknown %.1f, wrong %.1f\n",
                s + 1 - m, s, (double)sum.top / m / n, (double)sum.right / m / n,
                (double)sum.unknown / m, (double)sum.wrong / m);
            memset(&sum, 0, sizeof sum);
            if (s < nsplits - 1)
                printf(" ");
        }
    }
}

static void cross_validate(int n)
{
    static int conf[MAX_EVAL_CL][MAX_EVAL_CL + 1];
    /* DP_EVAL_SEED=s (> 0): deal the folds from a shuffled order, to see how much a figure
     * owes to one split */
    const char *seed_env = getenv("DP_EVAL_SEED");
    struct split_counts k;
    split(n, seed_env ? strtoul(seed_env, NULL, 10) : 0, 1, &k, conf);
    int top = k.top, right = k.right, unknown = k.unknown, wrong = k.wrong;
    printf("trainable model, %d documents, %d-fold stratified CV:\n", n, FOLDS);
    printf("  top-class accuracy %.3f; label accuracy %.3f (\"unknown\" counted wrong); "
           "unknown %d, wrong %d\n",
           (double)top / n, (double)right / n, unknown, wrong);
    print_matrix("  confusion", nclasses, classes, nclasses, conf);

    struct classifier *c = classifier_new();
    if (c)
        classifier_set_lr(c, use_lr);
    struct classify_stats st;
    for (int i = 0; i < n; i++)
        classifier_add_text(c, docs[i].label, docs[i].text, docs[i].len);
    classifier_train(c, &st);
    char *buf = NULL;
    size_t len = 0;
    classifier_save(c, &buf, &len);
    printf("  classifier_train's own CV: %d folds, accuracy %.3f, unknown %zu, T %.3f; "
           "saved model %zu bytes\n",
           st.cv_folds, st.cv_accuracy, st.cv_unknown, st.temperature, len);
    free(buf);
    classifier_free(c);
}

/* One model on all n labelled documents; labels docs[n..n+nu). */
static void unseen(int n, int nu)
{
    static int conf[MAX_EVAL_CL][MAX_EVAL_CL + 1];
    int top = 0, right = 0, unknown = 0, wrong = 0;
    struct classifier *c = classifier_new();
    if (!c)
        exit(1);
    classifier_set_lr(c, use_lr);
    for (int i = 0; i < n; i++)
        classifier_add_text(c, docs[i].label, docs[i].text, docs[i].len);
    if (classifier_train(c, NULL) != DP_OK)
        exit(1);
    double thr;
    if (max_wrong >= 0 && classifier_cv_threshold(c, max_wrong, &thr, NULL) == DP_OK) {
        classifier_set_threshold(c, thr);
        printf("  threshold %.3f from its training cross-validation\n", thr);
    }
    ensemble(c, n, -1, NULL);
    for (int i = n; i < n + nu; i++) {
        struct classify_result r;
        if (predict(c, &docs[i], &r))
            continue;
        conf[docs[i].cls][col_of(r.label, classes, nclasses)]++;
        top += strcmp(r.best, docs[i].label) == 0;
        right += strcmp(r.label, docs[i].label) == 0;
        unknown += strcmp(r.label, CLASSIFY_UNKNOWN) == 0;
        wrong += strcmp(r.label, CLASSIFY_UNKNOWN) != 0 && strcmp(r.label, docs[i].label) != 0;
        print_miss(&docs[i], &r);
    }
    printf("model trained on all %d, %d unseen documents: top class %.3f; right %.3f (%d), "
           "unknown %d, wrong %d\n",
           n, nu, (double)top / nu, (double)right / nu, right, unknown, wrong);
    print_matrix("  confusion", nclasses, classes, nclasses, conf);
    classifier_free(c);
}

static void builtin(int n)
{
    static int conf[MAX_EVAL_CL][MAX_EVAL_CL + 1];
    char cols[5][CLASSIFY_LABEL_MAX] = {"receipt", "invoice", "form", "letter", "other"};
    struct classifier *b = classifier_builtin();
    if (!b)
        exit(1);
    for (int i = 0; i < n; i++) {
        struct classify_result r;
        if (classifier_predict(b, docs[i].text, docs[i].len, NULL, &r) == DP_OK)
            conf[docs[i].cls][col_of(r.label, cols, 5)]++;
    }
    print_matrix("built-in model", nclasses, cols, 5, conf);
    classifier_free(b);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s LABELS.csv TEXTDIR [MAX_WRONG [UNSEEN.csv]]\n", argv[0]);
        return 2;
    }
    const char *lr = getenv("DP_CLASSIFY_LR");
    use_lr = lr && lr[0] == '1';
    if (argc >= 4)
        max_wrong = strtod(argv[3], NULL);
    int n = load_docs(argv[1], argv[2], 0), nu = 0;
    if (n <= 0) {
        fprintf(stderr, "no documents\n");
        return 1;
    }
    if (argc == 5 && (nu = load_docs(argv[4], argv[2], n) - n) <= 0) {
        fprintf(stderr, "no unseen documents\n");
        return 1;
    }
    cross_validate(n);
    const char *ns = getenv("DP_EVAL_SPLITS");
    long nsplits = ns ? strtol(ns, NULL, 10) : 0;
    if (nsplits > 0 && nsplits <= 1000)
        splits(n, (int)nsplits);
    if (nu > 0)
        unseen(n, nu);
    else
        builtin(n);
    for (int i = 0; i < n + nu; i++)
        free(docs[i].text);
    return 0;
}
