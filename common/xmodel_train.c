/* xmodel_train.c -- training the tenant's extractor: per field, LIBLINEAR L2-regularised
 * logistic regression on the candidates of the confirmed documents (the learners are in
 * xmodel_fit.c), cross-validated, which also picks each field's learner and from which
 * probability it replaces the rules.
 *
 * Memory: a document has a thousand or more candidates, so only a sample of them keeps its
 * features for training (every positive, every whole line, every short span with a digit,
 * and a stride over the rest: at most about XMODEL_KEEP_PER_DOC); cross-validation rebuilds
 * the held-out document's full candidate set, one document at a time, to score it as the
 * worker would. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "align.h"
#include "cand.h"
#include "util.h"
#include "xfeat.h"
#include "xmodel.h"
#include "xmodel_int.h"

static const char *confirmed_value(const cJSON *confirmed, const char *name)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(confirmed, name);
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "value"));
    return v ? v : cJSON_GetStringValue(o);
}

/* The built-in rules' value for field name in a fields array (the amount of a money value,
 * else the string value, else the text), or NULL. */
static const char *rules_text(const cJSON *rules, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, rules)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "source"));
        if (!n || strcmp(n, name) != 0 || (src && strcmp(src, "rules") != 0))
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
        const char *s = cJSON_IsObject(v)
                            ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "amount"))
                            : cJSON_GetStringValue(v);
        return s ? s : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "text"));
    }
    return NULL;
}

/* Field names confirmed in at least XMODEL_MIN_EXAMPLES documents, in order of appearance. */
static size_t field_names(const struct xmodel_doc *docs, size_t n, char names[][REVIEW_NAME_MAX])
{
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        for (const cJSON *c = docs[i].confirmed ? docs[i].confirmed->child : NULL; c; c = c->next) {
            size_t k = 0;
            while (k < nn && strcmp(names[k], c->string) != 0)
                k++;
            if (k < nn || nn >= REVIEW_MAX_NAMES)
                continue;
            size_t count = 0;
            for (size_t j = i; j < n; j++)
                count += cJSON_GetObjectItemCaseSensitive(docs[j].confirmed, c->string) != NULL;
            if (count >= XMODEL_MIN_EXAMPLES)
                snprintf(names[nn++], REVIEW_NAME_MAX, "%s", c->string);
        }
    }
    return nn;
}

/* The value kind of field name (XFEAT_KIND_*): the kind at least 90 % of its confirmed values
 * have, dates before amounts; 0 when neither. */
static uint32_t field_kind(const struct xmodel_doc *docs, size_t n, const char *name)
{
    size_t values = 0, dates = 0, amounts = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = confirmed_value(docs[i].confirmed, name);
        if (!v)
            continue;
        unsigned k = xfeat_kind(v);
        values++;
        dates += (k & XFEAT_KIND_DATE) != 0;
        amounts += (k & XFEAT_KIND_AMOUNT) != 0;
    }
    if (values && dates * 10 >= values * 9)
        return XFEAT_KIND_DATE;
    if (values && amounts * 10 >= values * 9)
        return XFEAT_KIND_AMOUNT;
    return 0;
}

/* ---- preparing one document ---- */

static int has_digit(const char *s)
{
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            return 1;
    return 0;
}

/* Adds the document's vendor to vendors, aligns every field, picks the candidates to keep (every
 * positive and likely value, then a stride over the rest from offset sample) and computes their
 * features. */
static dp_err prepare(struct xmodel_tdoc *d, const struct xmodel *m, struct vendor_list *vendors,
                      unsigned sample)
{
    struct cand_set cs;
    dp_err rc = cand_generate(d->src->doc, &cs);
    if (rc)
        return rc;
    if ((rc = vendor_add(vendors, d->src->confirmed, &cs))) {
        cand_set_cleanup(&cs);
        return rc;
    }
    size_t n = cs.n, nf = m->nf;
    unsigned char *all = calloc((n ? n : 1) * (nf ? nf : 1), 1);
    unsigned char *keep = calloc(n ? n : 1, 1);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    d->npos = calloc(nf ? nf : 1, sizeof *d->npos);
    d->value = calloc(nf ? nf : 1, sizeof *d->value);
    d->rules_ok = calloc(nf ? nf : 1, 1);
    d->order = calloc(nf ? nf : 1, sizeof *d->order);
    d->reads = calloc((nf ? nf : 1) * 2 * XREADING_N, sizeof *d->reads);
    unsigned char *exact = calloc(n ? n : 1, 1);
    rc = DP_ENOMEM;
    if (!all || !keep || !idx || !d->npos || !d->value || !d->rules_ok || !d->order || !d->reads ||
        !exact)
        goto out;
    for (size_t f = 0; f < nf; f++) {
        d->value[f] = confirmed_value(d->src->confirmed, m->f[f].name);
        if (!d->value[f])
            continue;
        d->npos[f] = align_label(&cs, m->f[f].name, d->value[f], all + f * n, NULL);
        /* which reading of a line held the value exactly (xreading.h) */
        for (size_t i = 0; i < n; i++)
            exact[i] = all[f * n + i] &&
                       align_similarity(m->f[f].name, d->value[f], cs.c[i].text, 1.0) >= 1.0;
        xreading_count(&cs, exact, d->reads + f * 2 * XREADING_N,
                       d->reads + f * 2 * XREADING_N + XREADING_N);
        const char *rt = rules_text(d->src->rules, m->f[f].name);
        d->rules_ok[f] = rt && align_similarity(m->f[f].name, d->value[f], rt, 0.95) >= 0.95;
        /* the order the page prints the date in (one vote per document: its first date that
         * tells) */
        for (size_t i = 0; i < n && m->f[f].kind == XFEAT_KIND_DATE && !d->order[f]; i++)
            if (cs.c[i].kind == 0 && (xfeat_kind(cs.c[i].text) & XFEAT_KIND_DATE))
                d->order[f] = xmodel_date_order(d->value[f], cs.c[i].text);
    }
    size_t nkeep = 0, rest = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cand *c = &cs.c[i];
        for (size_t f = 0; f < nf && !keep[i]; f++)
            keep[i] = all[f * n + i];
        if (!keep[i])
            keep[i] = c->kind == 1 || (c->kind == 0 && c->w1 - c->w0 <= 2 && has_digit(c->text));
        nkeep += keep[i];
    }
    rest = n - nkeep;
    size_t stride = nkeep < XMODEL_KEEP_PER_DOC && rest > XMODEL_KEEP_PER_DOC - nkeep
                        ? (rest + (XMODEL_KEEP_PER_DOC - nkeep) - 1) / (XMODEL_KEEP_PER_DOC - nkeep)
                    : nkeep < XMODEL_KEEP_PER_DOC ? 1
                                                  : 0;
    size_t k = 0, seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep[i] || (stride && seen++ % stride == sample % stride))
            idx[k++] = i;
    }
    rc = xfeat_doc_subset(&cs, d->src->rules, idx, k, &d->fx);
    if (rc)
        goto out;
    d->pos = calloc((k ? k : 1) * (nf ? nf : 1), 1);
    if (!d->pos) {
        rc = DP_ENOMEM;
        goto out;
    }
    for (size_t f = 0; f < nf; f++)
        for (size_t j = 0; j < k; j++)
            d->pos[f * k + j] = all[f * n + idx[j]];
    rc = DP_OK;
out:
    free(all);
    free(keep);
    free(idx);
    free(exact);
    cand_set_cleanup(&cs);
    return rc;
}

static void tdoc_cleanup(struct xmodel_tdoc *d)
{
    xfeat_doc_cleanup(&d->fx);
    free(d->pos);
    free(d->npos);
    free(d->value);
    free(d->rules_ok);
    free(d->order);
    free(d->reads);
}

/* ---- cross-validation ---- */

struct pc {
    double p;      /* the best candidate's probability */
    double pr;     /* the probability of the rules' value (-1: none, or not a candidate) */
    int rules_has; /* the rules gave a value */
    int ok;        /* it was the confirmed value */
    int rules_ok;  /* the rules had the confirmed value */
};

static int cmp_pc(const void *a, const void *b)
{
    double x = ((const struct pc *)a)->p, y = ((const struct pc *)b)->p;
    return (x < y) - (x > y); /* descending */
}

/* Scores the held-out document d with every field's fold weights (NULL = not trained), as the
 * worker would: all its candidates, the best one per field. */
static dp_err score_held_out(const struct xmodel_tdoc *d, struct xmodel *m, float *const *w,
                             struct pc **pcs, uint32_t *counts)
{
    struct cand_set cs;
    struct xfeat_doc fx;
    dp_err rc = cand_generate(d->src->doc, &cs);
    if (rc)
        return rc;
    if ((rc = xfeat_doc(&cs, d->src->rules, &fx))) {
        cand_set_cleanup(&cs);
        return rc;
    }
    unsigned char *pos = calloc(cs.n ? cs.n : 1, 1);
    for (size_t f = 0; pos && f < m->nf; f++) {
        if (!d->value[f])
            continue;
        if (d->npos[f])
            align_label(&cs, m->f[f].name, d->value[f], pos, NULL);
        for (size_t lf = f; lf < 2 * m->nf; lf += m->nf) { /* each learner's weights */
            int ok = 0;
            double bp = 0, pr = -1;
            const char *rv = xmodel_rules_value(d->src->rules, m->f[f].name);
            if (w[lf] && d->npos[f]) {
                struct xmodel_field tmp = {.w = w[lf], .kind = m->f[f].kind};
                memcpy(tmp.name, m->f[f].name, sizeof tmp.name);
                if (rv)
                    pr = xmodel_value_prob(&tmp, &cs, &fx, rv);
                long b = -1;
                for (size_t i = 0; i < fx.n; i++) {
                    if (!xmodel_kind_ok(&fx, i, m->f[f].kind))
                        continue;
                    double q = xmodel_prob(&tmp, fx.x[i]);
                    if (q > bp || b < 0) {
                        bp = q;
                        b = (long)i;
                    }
                }
                ok = b >= 0 && pos[b];
            }
            pcs[lf][counts[lf]].p = bp;
            pcs[lf][counts[lf]].pr = pr;
            pcs[lf][counts[lf]].rules_has = rv != NULL;
            pcs[lf][counts[lf]].ok = ok;
            pcs[lf][counts[lf]].rules_ok = d->rules_ok[f];
            counts[lf]++;
        }
    }
    rc = pos ? DP_OK : DP_ENOMEM;
    free(pos);
    xfeat_doc_cleanup(&fx);
    cand_set_cleanup(&cs);
    return rc;
}

/* The probability from which the model's value replaces the rules' (replace_above) and the
 * held-out wins and losses above it: of the thresholds at the held-out probabilities pc[0..n)
 * (sorted descending), the highest one with the largest wins - losses that passes the sign test
 * (xmodel_replaces_rules); none passing: 2 (never replaces) with the counts over all. */
static double replace_gain(const struct pc *pc, size_t n, int gate, double *thr, long *bw, long *bl)
{
    long w = 0, l = 0;
    double best = -1;
    *thr = 2.0;
    for (size_t k = 0; k < n; k++) {
        if (k + 1 < n && pc[k + 1].p == pc[k].p) /* a threshold takes all equal ones */
            continue;
        double t = pc[k].p;
        w = l = 0;
        for (size_t j = 0; j <= k; j++) {
            if (gate && pc[j].pr >= t)
                continue;
            w += pc[j].ok && !pc[j].rules_ok;
            l += !pc[j].ok && pc[j].rules_ok;
        }
        double wd = (double)w, ld = (double)l;
        /* equal gains: the higher threshold (measured on SROIE: the lower one is no better) */
        if (wd - ld > sqrt(wd + ld) && wd - ld > best) {
            best = wd - ld;
            *bw = w;
            *bl = l;
            *thr = t;
        }
    }
    if (best < 0) {
        *bw = w;
        *bl = l;
    }
    return best;
}

/* The probability from which the model's value replaces the rules' (replace_above), whether
 * it is gated (XMODEL_GATE) and the held-out wins and losses above it: of the thresholds at the
 * held-out probabilities pc[0..n) (sorted descending), the highest one with the largest
 * wins - losses that passes the sign test (xmodel_replaces_rules), with and without the gate
 * (the gate kept when it gains as much: it keeps the rules' value more often); none passing:
 * 2 (never replaces) with the counts over all. */
static void choose_replace(struct xmodel_field *xf, const struct pc *pc, size_t n)
{
    long w0 = 0, l0 = 0, w1 = 0, l1 = 0;
    double t0, t1;
    double g0 = replace_gain(pc, n, 0, &t0, &w0, &l0), g1 = replace_gain(pc, n, 1, &t1, &w1, &l1);
    int gate = g1 >= g0 && g1 >= 0;
    xf->flags = (xf->flags & ~XMODEL_GATE) | (gate ? XMODEL_GATE : 0);
    xf->replace_above = gate ? t1 : t0;
    xf->cv_wins = (uint32_t)(gate ? w1 : w0);
    xf->cv_losses = (uint32_t)(gate ? l1 : l0);
}

/* K-fold over the documents (fold = index mod K), for both learners: each field keeps the
 * learner with more held-out hits (pointwise on a tie), and its cv_docs, cv_correct,
 * replace_above and review_below (the lowest probability above which at least 95 % of the
 * answers were right). */
static dp_err cross_validate(struct xmodel *m, struct xmodel_tdoc *d, size_t n)
{
    size_t folds = n < XMODEL_FOLDS ? n : XMODEL_FOLDS, nl = 2 * m->nf;
    unsigned char *use = calloc(n ? n : 1, 1);
    float **w = calloc(nl ? nl : 1, sizeof *w); /* [learner * nf + field] */
    struct pc **pcs = calloc(nl ? nl : 1, sizeof *pcs);
    uint32_t *counts = calloc(nl ? nl : 1, sizeof *counts);
    dp_err rc = DP_ENOMEM;
    if (!use || !w || !pcs || !counts)
        goto out;
    for (size_t f = 0; f < nl; f++)
        if (!(pcs[f] = calloc(n ? n : 1, sizeof **pcs)))
            goto out;
    for (size_t fo = 0; fo < folds; fo++) {
        for (size_t i = 0; i < n; i++)
            use[i] = d[i].fold != fo;
        for (size_t lf = 0; lf < nl; lf++) {
            size_t f = lf % m->nf;
            rc = xmodel_fit(&w[lf], f, m->f[f].kind, d, n, use,
                            lf < m->nf ? XMODEL_POINTWISE : XMODEL_PAIRWISE);
            if (rc == DP_ENOMEM)
                goto out;
            if (rc) { /* no positive outside this fold: nothing to score with */
                free(w[lf]);
                w[lf] = NULL;
            }
        }
        for (size_t i = 0; i < n; i++)
            if (d[i].fold == fo && (rc = score_held_out(&d[i], m, w, pcs, counts)))
                goto out;
    }
    for (size_t f = 0; f < m->nf; f++) {
        struct xmodel_field *xf = &m->f[f];
        uint32_t hits[2] = {0, 0};
        for (int l = 0; l < 2; l++)
            for (size_t k = 0; k < counts[l * m->nf + f]; k++)
                hits[l] += (uint32_t)pcs[l * m->nf + f][k].ok;
        xf->learner = hits[1] > hits[0] ? XMODEL_PAIRWISE : XMODEL_POINTWISE;
        size_t lf = xf->learner == XMODEL_PAIRWISE ? m->nf + f : f;
        xf->cv_docs = counts[lf];
        xf->cv_correct = hits[xf->learner == XMODEL_PAIRWISE];
        xf->review_below = 0.5;
        qsort(pcs[lf], counts[lf], sizeof **pcs, cmp_pc);
        choose_replace(xf, pcs[lf], counts[lf]);
        if (counts[lf] >= 4) {
            size_t right = 0;
            xf->review_below = 1.0;
            for (size_t k = 0; k < counts[lf]; k++) {
                right += (size_t)pcs[lf][k].ok;
                if ((double)right >= 0.95 * (double)(k + 1))
                    xf->review_below = pcs[lf][k].p;
            }
        }
    }
    rc = DP_OK;
out:
    for (size_t f = 0; f < nl; f++) {
        if (w)
            free(w[f]);
        if (pcs)
            free(pcs[f]);
    }
    free(w);
    free(pcs);
    free(counts);
    free(use);
    return rc;
}

/* ---- training ---- */

/* The earliest, latest and commonest year of date field xf's confirmed values (read in its
 * order, day first without one). */
static void date_years(struct xmodel_field *xf, const struct xmodel_tdoc *d, size_t n, size_t f)
{
    uint32_t order = (xf->flags & XMODEL_MONTH_FIRST) ? XMODEL_MONTH_FIRST : XMODEL_DAY_FIRST;
    uint32_t y[256], cnt[256];
    size_t ny = 0;
    for (size_t i = 0; i < n; i++) {
        char iso[16];
        if (!d[i].value[f] || !xmodel_date_in_order(d[i].value[f], order, iso, sizeof iso))
            continue;
        uint32_t yr = (uint32_t)strtoul(iso, NULL, 10);
        size_t k = 0;
        while (k < ny && y[k] != yr)
            k++;
        if (k == ny && ny < 256) {
            y[ny] = yr;
            cnt[ny++] = 0;
        }
        if (k < ny)
            cnt[k]++;
    }
    for (size_t k = 0; k < ny; k++) {
        if (y[k] < 1900 || y[k] > 2200)
            continue;
        if (!xf->year_lo || y[k] < xf->year_lo)
            xf->year_lo = y[k];
        if (y[k] > xf->year_hi)
            xf->year_hi = y[k];
    }
    size_t best = 0;
    for (size_t k = 0; k < ny; k++)
        if (y[k] >= 1900 && y[k] <= 2200 &&
            (cnt[k] > best || (cnt[k] == best && y[k] > xf->year_mode))) {
            best = cnt[k];
            xf->year_mode = y[k];
        }
}

/* 1 + the longest run of digits in untyped field xf's confirmed values. */
static void digit_runs(struct xmodel_field *xf, const struct xmodel_tdoc *d, size_t n, size_t f)
{
    size_t best = 0, seen = 0;
    for (size_t i = 0; i < n; i++) {
        size_t run = 0;
        if (!d[i].value[f])
            continue;
        seen++;
        for (const char *t = d[i].value[f]; *t; t++) {
            run = *t >= '0' && *t <= '9' ? run + 1 : 0;
            best = run > best ? run : best;
        }
    }
    xf->digit_run = seen ? (uint32_t)(best < 63 ? best : 63) + 1 : 0;
}

dp_err xmodel_train_sample(const struct xmodel_doc *docs, size_t n, unsigned sample,
                           struct xmodel **out)
{
    char names[REVIEW_MAX_NAMES][REVIEW_NAME_MAX];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *out = NULL;
    size_t nn = field_names(docs, n, names);
    if (nn == 0)
        return DP_EINVAL;
    struct xmodel *m = calloc(1, sizeof *m);
    struct xmodel_tdoc *d = calloc(n ? n : 1, sizeof *d);
    unsigned char *use = malloc(n ? n : 1);
    dp_err rc = DP_ENOMEM;
    if (!m || !d || !use || !(m->f = calloc(nn, sizeof *m->f)))
        goto out;
    m->nf = nn;
    for (size_t f = 0; f < nn; f++) {
        memcpy(m->f[f].name, names[f], REVIEW_NAME_MAX); /* both NUL-terminated, same size */
        m->f[f].kind = field_kind(docs, n, names[f]);
        m->f[f].flags = m->f[f].kind ? XMODEL_SURE_FILL : 0;
    }
    size_t folds = n < XMODEL_FOLDS ? n : XMODEL_FOLDS;
    for (size_t i = 0; i < n; i++) {
        d[i].src = &docs[i];
        d[i].fold = i % (folds ? folds : 1);
        if ((rc = prepare(&d[i], m, &m->vendors, sample)))
            goto out;
        use[i] = 1;
    }
    /* each date field's day/month order, where the pages clearly tell */
    for (size_t f = 0; f < nn; f++) {
        size_t v[2] = {0, 0};
        for (size_t i = 0; i < n; i++) {
            v[0] += d[i].order[f] == XMODEL_DAY_FIRST;
            v[1] += d[i].order[f] == XMODEL_MONTH_FIRST;
        }
        if (v[0] >= v[1] + XMODEL_ORDER_VOTES)
            m->f[f].flags |= XMODEL_DAY_FIRST;
        else if (v[1] >= v[0] + XMODEL_ORDER_VOTES)
            m->f[f].flags |= XMODEL_MONTH_FIRST;
    }
    /* which reading of a line each field's confirmed values side with */
    for (size_t f = 0; f < nn; f++)
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < XREADING_N; k++) {
                m->f[f].read_wins[k] += d[i].reads[f * 2 * XREADING_N + k];
                m->f[f].read_losses[k] += d[i].reads[f * 2 * XREADING_N + XREADING_N + k];
            }
    for (size_t f = 0; f < nn; f++)
        if (m->f[f].kind == XFEAT_KIND_DATE)
            date_years(&m->f[f], d, n, f);
        else if (!m->f[f].kind)
            digit_runs(&m->f[f], d, n, f);
    /* each vendor's address as its documents confirm it most often */
    const cJSON **conf = malloc((n ? n : 1) * sizeof *conf);
    if (!conf) {
        rc = DP_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        conf[i] = docs[i].confirmed;
    rc = vendor_vote(&m->vendors, conf, n);
    free(conf);
    if (rc)
        goto out;
    /* what each field learns from; the rules' own record on the same documents */
    for (size_t f = 0; f < nn; f++) {
        struct xmodel_field *xf = &m->f[f];
        for (size_t i = 0; i < n; i++) {
            if (!d[i].value[f])
                continue;
            xf->examples++;
            xf->aligned += d[i].npos[f] > 0;
            xf->rules_correct += d[i].rules_ok[f];
        }
    }
    if ((rc = cross_validate(m, d, n)))
        goto out;
    /* the final weights, on every document; fields never found on a page are dropped */
    size_t kept = 0;
    for (size_t f = 0; f < nn; f++) {
        rc = xmodel_fit(&m->f[f].w, f, m->f[f].kind, d, n, use, m->f[f].learner);
        if (rc == DP_ENOMEM)
            goto out;
        if (rc == DP_OK) {
            m->f[kept] = m->f[f];
            if (kept++ != f)
                m->f[f].w = NULL;
        } else {
            free(m->f[f].w);
            m->f[f].w = NULL;
        }
    }
    m->nf = kept;
    rc = kept ? DP_OK : DP_EINVAL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    m->train_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    m->trained_ms = util_now_ms();
out:
    for (size_t i = 0; d && i < n; i++)
        tdoc_cleanup(&d[i]);
    free(d);
    free(use);
    if (rc) {
        xmodel_free(m);
        m = NULL;
    }
    *out = m;
    return rc;
}

dp_err xmodel_train(const struct xmodel_doc *docs, size_t n, struct xmodel **out)
{
    return xmodel_train_sample(docs, n, 0, out);
}
