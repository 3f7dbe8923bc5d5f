/* classify.c -- the classifier object: examples, naive Bayes (or, by classifier_set_lr,
 * logistic-regression, classify_lr.c) training with stratified
 * cross-validation and temperature fitting, and prediction. Features are in
 * classify_feat.c, (de)serialisation in classify_io.c, the cold-start model in
 * classify_builtin.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "classify_int.h"

#define CV_LOO_MAX   25 /* up to this many examples: leave-one-out, else 5 folds */
#define CV_FOLDS     5
#define LABEL_SMOOTH 0.1  /* target smoothing when fitting the temperature: caps confidence */
#define T_DEFAULT    0.05 /* temperature when cross-validation was impossible */
#define T_MIN        1e-3
#define T_MAX        10.0
#define T_STEPS      90
#define MIN_DF_MAX   3 /* classify_min_df: never ask for more documents per feature */
#define MIN_DF_PER   8 /* classify_min_df: one more per this many examples of the smallest class */

struct classify_opts classify_opts_default(void)
{
    struct classify_opts o = {.hash_bits = 18,
                              .alpha = 0.01,
                              .threshold = 0.5,
                              .min_coverage = 0.2,
                              .min_words = 5,
                              .features = CLASSIFY_FEATURES_AUTO};
    return o;
}

int classify_opts_ok(const struct classify_opts *o)
{
    return o->hash_bits >= 10 && o->hash_bits <= 24 && o->alpha > 0 && o->alpha <= 100 &&
           o->threshold >= 0 && o->threshold <= 1 && o->min_coverage >= 0 && o->min_coverage <= 1 &&
           o->min_words <= 100000 && o->features <= CLASSIFY_FEATURES;
}

struct classifier *classifier_new_opts(const struct classify_opts *opts)
{
    if (!opts || !classify_opts_ok(opts))
        return NULL;
    struct classifier *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->opts = *opts;
    if (opts->features == CLASSIFY_FEATURES_AUTO) {
        c->auto_set = 1;
        c->opts.features = CLASSIFY_FEATURES; /* until a training picks */
    }
    c->model.temperature = T_DEFAULT;
    c->stats.cv_accuracy = -1;
    c->stats.temperature = T_DEFAULT;
    return c;
}

struct classifier *classifier_new(void)
{
    struct classify_opts o = classify_opts_default();
    return classifier_new_opts(&o);
}

void classify_model_cleanup(struct classify_model *m)
{
    free(m->feat);
    free(m->count);
    free(m->mass);
    free(m->bias);
    m->bias = NULL;
    m->lr = 0;
    m->feat = NULL;
    m->count = NULL;
    m->mass = NULL;
    m->nfeat = m->nclasses = 0;
}

void classifier_free(struct classifier *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nex; i++)
        classify_vec_cleanup(&c->ex[i].vec);
    free(c->ex);
    classify_model_cleanup(&c->model);
    free(c->cv_conf);
    free(c->cv_ok);
    free(c->cv_known);
    free(c);
}

int classify_label_ok(const char *label, size_t len)
{
    if (len == 0 || len >= CLASSIFY_LABEL_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)label[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '.' || ch == '-'))
            return 0;
    }
    return !(len == strlen(CLASSIFY_UNKNOWN) && memcmp(label, CLASSIFY_UNKNOWN, len) == 0);
}

/* ---- examples ---- */

static dp_err add_vec(struct classifier *c, const char *label, struct classify_vec *v)
{
    size_t len = label ? strnlen(label, CLASSIFY_LABEL_MAX) : 0;
    if (!classify_label_ok(label, len))
        return DP_EINVAL;
    if (c->nex >= CLASSIFY_MAX_EXAMPLES || v->n > CLASSIFY_MAX_EX_FEATS - c->nfeats)
        return DP_ETOOBIG;
    size_t k = 0;
    while (k < c->nlabels && strcmp(c->labels[k], label) != 0)
        k++;
    if (k == c->nlabels && k >= CLASSIFY_MAX_CLASSES)
        return DP_ETOOBIG;
    if (c->nex == c->cap_ex) {
        size_t ncap = c->cap_ex ? c->cap_ex * 2 : 16;
        struct classify_example *ne = realloc(c->ex, ncap * sizeof(*ne));
        if (!ne)
            return DP_ENOMEM;
        c->ex = ne;
        c->cap_ex = ncap;
    }
    if (k == c->nlabels)
        memcpy(c->labels[c->nlabels++], label, len + 1);
    c->nfeats += v->n;
    c->ex[c->nex].cls = (int)k;
    c->ex[c->nex++].vec = *v; /* ownership moves into the example */
    memset(v, 0, sizeof(*v));
    return DP_OK;
}

static dp_err add_any(struct classifier *c, const char *label, const char *text, size_t len,
                      const struct dp_doc_text *doc)
{
    struct classify_vec v;
    size_t nwords;
    size_t ll = label ? strnlen(label, CLASSIFY_LABEL_MAX) : 0;
    if (!c || !classify_label_ok(label, ll))
        return DP_EINVAL;
    struct classify_opts fo = c->opts;
    if (c->auto_set)
        fo.features = CLASSIFY_FEATURES; /* examples keep set 4's weights between trainings */
    dp_err err = classify_features(text, len, doc, &fo, &v, &nwords);
    if (err)
        return err;
    err = add_vec(c, label, &v);
    classify_vec_cleanup(&v);
    return err;
}

dp_err classifier_add_text(struct classifier *c, const char *label, const char *text, size_t len)
{
    return add_any(c, label, text, text ? len : 0, NULL);
}

dp_err classifier_add_example(struct classifier *c, const char *label,
                              const struct dp_doc_text *doc)
{
    return add_any(c, label, NULL, 0, doc);
}

size_t classifier_examples(const struct classifier *c)
{
    return c ? c->nex : 0;
}

/* ---- training ---- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void train_cleanup(struct classify_train *t)
{
    free(t->feat);
    free(t->pos);
    free(t->off);
    free(t->count);
    free(t->df);
}

static size_t find_u32(const uint32_t *a, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < n && a[lo] == key) ? lo : (size_t)-1;
}

static dp_err train_build(const struct classifier *c, struct classify_train *t)
{
    size_t total = 0;
    for (size_t i = 0; i < c->nex; i++)
        total += c->ex[i].vec.n;
    t->k = c->nlabels;
    t->nex = c->nex;
    t->feat = malloc((total ? total : 1) * sizeof(*t->feat));
    t->pos = malloc((total ? total : 1) * sizeof(*t->pos));
    t->off = malloc((c->nex + 1) * sizeof(*t->off));
    if (!t->feat || !t->pos || !t->off)
        return DP_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < c->nex; i++) {
        memcpy(t->feat + n, c->ex[i].vec.idx, c->ex[i].vec.n * sizeof(*t->feat));
        n += c->ex[i].vec.n;
    }
    qsort(t->feat, n, sizeof(*t->feat), cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || t->feat[u - 1] != t->feat[i])
            t->feat[u++] = t->feat[i];
    t->nfeat = u;
    if (u * t->k > CLASSIFY_MAX_CELLS)
        return DP_ETOOBIG;
    t->count = calloc((u ? u : 1) * t->k, sizeof(*t->count));
    t->df = calloc(u ? u : 1, sizeof(*t->df));
    if (!t->count || !t->df)
        return DP_ENOMEM;
    n = 0;
    for (size_t i = 0; i < c->nex; i++) {
        const struct classify_example *e = &c->ex[i];
        t->off[i] = n;
        for (size_t j = 0; j < e->vec.n; j++) {
            size_t p = find_u32(t->feat, u, e->vec.idx[j]);
            t->pos[n++] = (uint32_t)p;
            t->count[p * t->k + (size_t)e->cls] += e->vec.val[j];
            t->df[p]++;
            t->mass[e->cls] += e->vec.val[j];
        }
        t->ndocs[e->cls]++;
    }
    t->off[c->nex] = n;
    return DP_OK;
}

/* Adds (sign +1) or removes (-1) one example's counts. */
static void train_apply(struct classify_train *t, const struct classifier *c, size_t i, int sign)
{
    const struct classify_example *e = &c->ex[i];
    for (size_t j = 0; j < e->vec.n; j++) {
        uint32_t p = t->pos[t->off[i] + j];
        t->count[p * t->k + (size_t)e->cls] += sign * (double)e->vec.val[j];
        t->df[p] += sign;
        t->mass[e->cls] += sign * (double)e->vec.val[j];
    }
    t->ndocs[e->cls] = (size_t)((long)t->ndocs[e->cls] + sign);
}

size_t classify_min_df(size_t smallest)
{
    size_t m = 1 + smallest / MIN_DF_PER;
    return m < MIN_DF_MAX ? m : MIN_DF_MAX;
}

/* A feature of the table the model keeps: seen in at least min_df training documents. */
static int kept(const struct classify_train *t, size_t p)
{
    return t->df[p] > 0 && (size_t)t->df[p] >= t->min_df;
}

/* The features the current table keeps (*seen) and each class's mass over them (mass[]). */
static void train_kept(const struct classify_train *t, size_t *seen, double *mass)
{
    *seen = 0;
    for (size_t k = 0; k < t->k; k++)
        mass[k] = 0;
    for (size_t p = 0; p < t->nfeat; p++) {
        if (!kept(t, p))
            continue;
        (*seen)++;
        for (size_t k = 0; k < t->k; k++)
            mass[k] += t->count[p * t->k + k];
    }
}

/* Normalised NB scores of held-out example i against the current table's kept features
 * (seen of them, mass[] per class; classes without training documents get -INFINITY).
 * Returns its word coverage: the share of its word unigram mass that the table keeps. */
static double train_score(const struct classify_train *t, const struct classifier *c, size_t i,
                          size_t seen, const double *mass, double *score)
{
    const struct classify_example *e = &c->ex[i];
    double alpha = c->opts.alpha, lden[CLASSIFY_MAX_CLASSES], known = 0, wall = 0, wknown = 0;
    for (size_t k = 0; k < t->k; k++) {
        lden[k] = log(fmax(mass[k], 0) + alpha * (double)(seen ? seen : 1));
        score[k] = 0;
    }
    for (size_t j = 0; j < e->vec.n; j++) {
        uint32_t p = t->pos[t->off[i] + j];
        double x = e->vec.val[j];
        int word = (e->vec.grp[j] & CLASSIFY_GRP_WORD) != 0;
        wall += word ? x : 0;
        if (!kept(t, p))
            continue; /* unseen (or too rare) in this fold's training part */
        known += x;
        wknown += word ? x : 0;
        for (size_t k = 0; k < t->k; k++)
            score[k] += x * (log(fmax(t->count[p * t->k + k], 0) + alpha) - lden[k]);
    }
    for (size_t k = 0; k < t->k; k++)
        score[k] = t->ndocs[k] == 0 ? -INFINITY : (known > 0 ? score[k] / known : 0);
    return wall > 0 ? wknown / wall : 0;
}

/* Softmax of score / temp into prob; returns the index of the top class. */
static size_t softmax(const double *score, size_t k, double temp, double *prob)
{
    size_t best = 0;
    for (size_t i = 1; i < k; i++)
        if (score[i] > score[best])
            best = i;
    double sum = 0;
    for (size_t i = 0; i < k; i++) {
        prob[i] = isinf(score[i]) ? 0 : exp((score[i] - score[best]) / temp);
        sum += prob[i];
    }
    for (size_t i = 0; i < k; i++)
        prob[i] /= sum;
    return best;
}

/* The temperature minimising label-smoothed cross-entropy of the held-out scores. */
static double fit_temperature(const double *scores, const int *truth, size_t n, size_t k)
{
    double best_t = T_DEFAULT, best_loss = INFINITY, prob[CLASSIFY_MAX_CLASSES];
    for (int s = 0; s < T_STEPS; s++) {
        double temp = T_MIN * pow(T_MAX / T_MIN, (double)s / (T_STEPS - 1)), loss = 0;
        for (size_t i = 0; i < n; i++) {
            softmax(scores + i * k, k, temp, prob);
            for (size_t j = 0; j < k; j++) {
                double target =
                    LABEL_SMOOTH / (double)k + ((int)j == truth[i] ? 1 - LABEL_SMOOTH : 0);
                loss -= target * log(fmax(prob[j], 1e-12));
            }
        }
        if (loss < best_loss) {
            best_loss = loss;
            best_t = temp;
        }
    }
    return best_t;
}

/* Stratified folds: examples of a class are dealt round-robin, continuing across classes. */
static void assign_folds(const struct classifier *c, int nfolds, int *fold)
{
    int next = 0;
    for (size_t k = 0; k < c->nlabels; k++)
        for (size_t i = 0; i < c->nex; i++)
            if ((size_t)c->ex[i].cls == k) {
                fold[i] = next;
                next = (next + 1) % nfolds;
            }
}

static dp_err cross_validate(struct classifier *c, struct classify_train *t,
                             struct classify_stats *st, double *lr_c)
{
    int nfolds = c->nex <= CV_LOO_MAX ? (int)c->nex : CV_FOLDS;
    int *fold = malloc(c->nex * sizeof(*fold)), *truth = malloc(c->nex * sizeof(*truth));
    double *scores = malloc(c->nex * t->k * sizeof(*scores)), prob[CLASSIFY_MAX_CLASSES];
    double *cov = malloc(c->nex * sizeof(*cov));
    dp_err err = DP_ENOMEM;
    if (!fold || !truth || !scores || !cov)
        goto out;
    assign_folds(c, nfolds, fold);
    for (int f = 0; f < nfolds; f++) {
        for (size_t i = 0; i < c->nex; i++)
            if (fold[i] == f)
                train_apply(t, c, i, -1);
        size_t seen;
        double mass[CLASSIFY_MAX_CLASSES];
        train_kept(t, &seen, mass);
        for (size_t i = 0; i < c->nex; i++)
            if (fold[i] == f)
                cov[i] = train_score(t, c, i, seen, mass, scores + i * t->k);
        for (size_t i = 0; i < c->nex; i++)
            if (fold[i] == f)
                train_apply(t, c, i, +1);
    }
    if (c->lr) { /* the coverage above stays; the scores are logistic regression's */
        err = classify_lr_cv(c, t, fold, nfolds, scores, lr_c);
        if (err)
            goto out;
    }
    size_t correct = 0;
    for (size_t i = 0; i < c->nex; i++) {
        truth[i] = c->ex[i].cls;
        size_t best = softmax(scores + i * t->k, t->k, 1.0, prob);
        if ((int)best == truth[i]) {
            correct++;
            st->classes[truth[i]].cv_correct++;
        }
    }
    st->temperature = fit_temperature(scores, truth, c->nex, t->k);
    free(c->cv_conf);
    free(c->cv_ok);
    free(c->cv_known);
    c->cv_conf = malloc(c->nex * sizeof *c->cv_conf);
    c->cv_ok = malloc(c->nex);
    c->cv_known = malloc(c->nex);
    c->ncv = c->cv_conf && c->cv_ok && c->cv_known ? c->nex : 0;
    for (size_t i = 0; i < c->nex; i++) {
        size_t best = softmax(scores + i * t->k, t->k, st->temperature, prob);
        if (prob[best] < c->opts.threshold || cov[i] < c->opts.min_coverage)
            st->cv_unknown++;
        if (i < c->ncv) {
            c->cv_conf[i] = prob[best];
            c->cv_ok[i] = (int)best == truth[i];
            c->cv_known[i] = cov[i] >= c->opts.min_coverage;
        }
    }
    st->cv_folds = nfolds;
    st->cv_tested = c->nex;
    st->cv_accuracy = (double)correct / (double)c->nex;
    err = DP_OK;
out:
    free(fold);
    free(truth);
    free(scores);
    free(cov);
    return err;
}

dp_err classify_model_finish(struct classify_model *m)
{
    if (m->nfeat * m->nclasses > CLASSIFY_MAX_CELLS)
        return DP_ETOOBIG;
    for (size_t k = 0; k < m->nclasses; k++) {
        double sum = 0;
        for (size_t p = 0; p < m->nfeat; p++)
            sum += m->count[p * m->nclasses + k];
        m->mass[k] = sum;
    }
    return DP_OK;
}

/* Drops labels without examples (e.g. of a loaded model) so the classes are exactly the
 * labels of the examples. */
static void compact_labels(struct classifier *c)
{
    int map[CLASSIFY_MAX_CLASSES];
    size_t used[CLASSIFY_MAX_CLASSES] = {0}, n = 0;
    for (size_t i = 0; i < c->nex; i++)
        used[c->ex[i].cls]++;
    for (size_t k = 0; k < c->nlabels; k++) {
        map[k] = used[k] ? (int)n : -1;
        if (used[k] && n != k)
            memcpy(c->labels[n], c->labels[k], CLASSIFY_LABEL_MAX);
        n += used[k] > 0;
    }
    c->nlabels = n;
    for (size_t i = 0; i < c->nex; i++)
        c->ex[i].cls = map[c->ex[i].cls];
}

/* The table of the examples as weighed now, with the min_df of their smallest class. */
static dp_err train_prepare(const struct classifier *c, struct classify_train *t)
{
    dp_err err = train_build(c, t);
    if (err)
        return err;
    size_t smallest = c->nex;
    for (size_t k = 0; k < c->nlabels; k++)
        smallest = t->ndocs[k] < smallest ? t->ndocs[k] : smallest;
    t->min_df = c->lr ? 1 : classify_min_df(smallest); /* LR weighs rare features itself */
    return DP_OK;
}

unsigned classify_pick_set(size_t smallest)
{
    return classify_min_df(smallest) >= MIN_DF_MAX ? CLASSIFY_FEATURES : CLASSIFY_FEATURES_V3;
}

/* Reweighs every example from set `from` to set `to` (they differ in punctuation only). */
static void reweigh_examples(struct classifier *c, unsigned from, unsigned to)
{
    double wf = classify_punct_weight(from), wt = classify_punct_weight(to);
    if (wf == wt)
        return;
    for (size_t i = 0; i < c->nex; i++)
        classify_vec_reweigh(&c->ex[i].vec, wf, wt);
}

/* CLASSIFY_FEATURES_AUTO: leaves the examples, which come in with set 4's weights, and
 * c->opts.features at the set classify_pick_set gives for their smallest class. */
static void pick_set(struct classifier *c)
{
    size_t n[CLASSIFY_MAX_CLASSES] = {0}, smallest = c->nex;
    for (size_t i = 0; i < c->nex; i++)
        n[c->ex[i].cls]++;
    for (size_t k = 0; k < c->nlabels; k++)
        smallest = n[k] < smallest ? n[k] : smallest;
    unsigned want = classify_pick_set(smallest);
    reweigh_examples(c, CLASSIFY_FEATURES, want);
    c->opts.features = want;
}

dp_err classifier_train(struct classifier *c, struct classify_stats *out)
{
    struct classify_train t = {0};
    struct classify_model m = {0};
    struct classify_stats st = {0};
    dp_err err = DP_EINVAL;
    int compacted = 0;
    double lr_c = 10.0; /* LR cost when there is no cross-validation to choose it */
    if (!c || c->nex == 0)
        goto out;
    compact_labels(c);
    compacted = 1;
    if (c->auto_set)
        pick_set(c);
    err = train_prepare(c, &t);
    if (err)
        goto out;
    st.nexamples = c->nex;
    st.nclasses = c->nlabels;
    st.cv_accuracy = -1;
    st.temperature = T_DEFAULT;
    for (size_t k = 0; k < c->nlabels; k++) {
        memcpy(st.classes[k].label, c->labels[k], CLASSIFY_LABEL_MAX);
        st.classes[k].examples = t.ndocs[k];
    }
    if (c->nlabels >= 2 && c->nex >= 2) {
        err = cross_validate(c, &t, &st, &lr_c);
        if (err)
            goto out;
    }
    err = DP_ENOMEM;
    m.nclasses = t.k;
    m.nfeat = t.nfeat;
    m.feat = malloc((t.nfeat ? t.nfeat : 1) * sizeof(*m.feat));
    m.count = malloc((t.nfeat * t.k + 1) * sizeof(*m.count));
    m.mass = malloc(t.k * sizeof(*m.mass));
    if (!m.feat || !m.count || !m.mass)
        goto out;
    memcpy(m.feat, t.feat, t.nfeat * sizeof(*m.feat));
    for (size_t i = 0; i < t.nfeat * t.k; i++)
        m.count[i] = (float)t.count[i];
    if (!c->lr) { /* the features rarer than min_df leave the model */
        size_t u = 0;
        for (size_t p = 0; p < t.nfeat; p++) {
            if (!kept(&t, p))
                continue;
            m.feat[u] = t.feat[p];
            memmove(m.count + u * t.k, m.count + p * t.k, t.k * sizeof(*m.count));
            u++;
        }
        m.nfeat = u;
    }
    if (c->lr) {
        m.lr = 1;
        m.bias = malloc(t.k * sizeof(*m.bias));
        if (!m.bias)
            goto out;
        err = classify_lr_fit(c, &t, NULL, lr_c, m.count, m.bias);
        if (err)
            goto out;
    }
    m.temperature = st.temperature;
    err = classify_model_finish(&m);
    if (err)
        goto out;
    classify_model_cleanup(&c->model);
    c->model = m;
    memset(&m, 0, sizeof(m));
    c->version++;
    st.version = c->version;
    c->stats = st;
    if (out)
        *out = st;
    err = DP_OK;
out:
    if (c && c->auto_set) /* the examples go back to set 4's weights; the model keeps its set */
        reweigh_examples(c, c->opts.features, CLASSIFY_FEATURES);
    if (err && compacted)
        classify_model_cleanup(&c->model); /* its labels may have moved: drop it */
    train_cleanup(&t);
    classify_model_cleanup(&m);
    return err;
}

void classifier_stats(const struct classifier *c, struct classify_stats *out)
{
    *out = c->stats;
    out->version = c->version;
}

/* ---- prediction ---- */

static void set_label(char *dst, const char *src)
{
    size_t n = strnlen(src, CLASSIFY_LABEL_MAX - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int cmp_score(const void *a, const void *b)
{
    const struct classify_score *x = a, *y = b;
    if (x->prob != y->prob)
        return x->prob < y->prob ? 1 : -1;
    return strcmp(x->label, y->label);
}

dp_err classifier_predict(const struct classifier *c, const char *text, size_t len,
                          const struct dp_doc_text *doc, struct classify_result *out)
{
    const struct classify_model *m = &c->model;
    struct classify_vec v;
    double score[CLASSIFY_MAX_CLASSES] = {0}, prob[CLASSIFY_MAX_CLASSES], known = 0;
    double wall = 0, wknown = 0; /* word-unigram mass: all, and seen by the model */

    memset(out, 0, sizeof(*out));
    set_label(out->label, CLASSIFY_UNKNOWN);
    out->model_version = c->version;
    double lden[CLASSIFY_MAX_CLASSES];
    for (size_t k = 0; k < m->nclasses; k++)
        lden[k] = log(m->mass[k] + c->opts.alpha * (double)(m->nfeat ? m->nfeat : 1));
    dp_err err = classify_features(text, text ? len : 0, doc, &c->opts, &v, &out->nwords);
    if (err)
        return err;
    for (size_t j = 0; j < v.n; j++) {
        int word = (v.grp[j] & CLASSIFY_GRP_WORD) != 0;
        wall += word ? v.val[j] : 0;
        size_t p = find_u32(m->feat, m->nfeat, v.idx[j]);
        if (p == (size_t)-1)
            continue;
        known += v.val[j];
        wknown += word ? v.val[j] : 0;
        for (size_t k = 0; k < m->nclasses; k++)
            score[k] +=
                m->lr ? v.val[j] * (double)m->count[p * m->nclasses + k]
                      : v.val[j] *
                            (log((double)m->count[p * m->nclasses + k] + c->opts.alpha) - lden[k]);
    }
    classify_vec_cleanup(&v);
    out->coverage = wall > 0 ? wknown / wall : 0;
    for (size_t k = 0; k < m->nclasses; k++)
        score[k] = m->lr ? score[k] + m->bias[k] : (known > 0 ? score[k] / known : 0);
    if (m->nclasses > 0) {
        size_t best = softmax(score, m->nclasses, m->temperature, prob);
        set_label(out->best, c->labels[best]);
        out->confidence = prob[best];
        out->nscores = m->nclasses;
        for (size_t k = 0; k < m->nclasses; k++) {
            set_label(out->scores[k].label, c->labels[k]);
            out->scores[k].prob = prob[k];
        }
        qsort(out->scores, out->nscores, sizeof(out->scores[0]), cmp_score);
    }
    if (m->nclasses < 2)
        out->why = CLASSIFY_UNTRAINED;
    else if (out->nwords < c->opts.min_words)
        out->why = CLASSIFY_TOO_SHORT;
    else if (out->coverage < c->opts.min_coverage)
        out->why = CLASSIFY_LOW_COVERAGE;
    else if (out->confidence < c->opts.threshold)
        out->why = CLASSIFY_LOW_CONF;
    else
        set_label(out->label, out->best);
    return DP_OK;
}

/* ---- small accessors ---- */

uint32_t classifier_version(const struct classifier *c)
{
    return c->version;
}

void classifier_set_version(struct classifier *c, uint32_t version)
{
    c->version = version;
    c->stats.version = version;
}

void classifier_set_lr(struct classifier *c, int on)
{
    c->lr = on != 0;
}

dp_err classifier_set_threshold(struct classifier *c, double threshold)
{
    if (!(threshold >= 0 && threshold <= 1))
        return DP_EINVAL;
    c->opts.threshold = threshold;
    return DP_OK;
}
