/* eval_learn.c -- the tenant extractor's learning curve: confirm the truth of the first n
 * documents, train (xmodel_train, as POST /v1/extractor/train does), apply to the others
 * (xmodel_apply, as the worker does) and score them against the built-in rules alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cand.h"
#include "eval.h"
#include "harness.h"
#include "review.h"
#include "xmodel.h"

struct tally {
    size_t truth[EVAL_MAX_FIELDS], pred[EVAL_MAX_FIELDS], correct[EVAL_MAX_FIELDS];
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double f1(size_t c, size_t p, size_t t)
{
    double pr = p ? (double)c / (double)p : 0, rc = t ? (double)c / (double)t : 0;
    return pr + rc > 0 ? 2 * pr * rc / (pr + rc) : 0;
}

/* The confirmed JSON a reviewer would send for item it (its truth fields). */
static cJSON *confirmed_of(const struct eval_item *it)
{
    cJSON *c = cJSON_CreateObject();
    for (size_t i = 0; i < it->nfields; i++) {
        if (!it->fields[i].value[0])
            continue;
        cJSON *o = cJSON_AddObjectToObject(c, it->fields[i].name);
        cJSON_AddStringToObject(o, "value", it->fields[i].value);
    }
    return c;
}

static void score(struct tally *t, const struct eval_item *it, const cJSON *fields)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(doc, "fields", (cJSON *)fields);
    for (size_t i = 0; i < it->nfields && i < EVAL_MAX_FIELDS; i++) {
        char pred[EVAL_VALUE_MAX];
        int have = eval_pred_field(doc, it->fields[i].name, pred, sizeof pred);
        t->truth[i]++;
        t->pred[i] += (size_t)have;
        t->correct[i] +=
            (size_t)(have && eval_field_equal(it->fields[i].name, it->fields[i].value, pred));
    }
    cJSON_Delete(doc);
}

static double mean_f1(const struct tally *t, size_t nf, cJSON *per, const char *const *names)
{
    double sum = 0;
    for (size_t i = 0; i < nf; i++) {
        double f = f1(t->correct[i], t->pred[i], t->truth[i]);
        sum += f;
        if (per)
            cJSON_AddNumberToObject(per, names[i], (double)(int)(f * 1000 + 0.5) / 1000);
    }
    return nf ? sum / (double)nf : 0;
}

/* The split at nt labelled rotated over nfolds offsets of the documents (fold r labels the nt
 * documents from r * n / nfolds on, wrapping round, and scores the others) and trained on
 * nsamples draws of the negatives each (xmodel_train_sample): the mean of the runs' mean F1,
 * their spread, and each field's F1 over every unseen document of every run. One training
 * sample moves a split by about .01, and a fixed split scores the last documents only. */
static void rotated(const struct eval_set *set, cJSON *const *docs, const struct dp_doc_text *texts,
                    cJSON *const *conf, const int *ok, size_t nt, long nfolds, long nsamples,
                    const char *const *names, int kinds, int verbose, cJSON *out)
{
    size_t n = set->n, nf = n ? set->items[0].nfields : 0, runs = 0;
    struct xmodel_doc *td = calloc(nt ? nt : 1, sizeof *td);
    unsigned char *lab = malloc(n ? n : 1);
    struct tally all;
    struct eval_errtally et; /* sample 0 of every fold, when kinds */
    memset(&et, 0, sizeof et);
    double sum = 0, rsum = 0, lo = 1, hi = 0, fold_mean[16] = {0};
    memset(&all, 0, sizeof all);
    if (!td || !lab)
        goto done;
    for (long r = 0; r < nfolds && r < 16; r++) {
        size_t off = (size_t)r * n / (size_t)nfolds, k = 0;
        memset(lab, 0, n);
        for (size_t j = 0; j < nt; j++) {
            size_t i = (off + j) % n;
            lab[i] = 1;
            if (ok[i])
                td[k++] =
                    (struct xmodel_doc){&texts[i], conf[i], cJSON_GetObjectItem(docs[i], "fields")};
        }
        for (long s = 0; s < nsamples; s++) {
            struct xmodel *m = NULL;
            struct tally t, rt;
            memset(&t, 0, sizeof t);
            memset(&rt, 0, sizeof rt);
            if (xmodel_train_sample(td, k, (unsigned)s, &m) != DP_OK)
                continue;
            for (size_t i = 0; i < n; i++) {
                if (lab[i] || !ok[i])
                    continue;
                cJSON *base = cJSON_GetObjectItem(docs[i], "fields");
                cJSON *fields = base ? cJSON_Duplicate(base, 1) : cJSON_CreateArray();
                score(&rt, &set->items[i], fields);
                xmodel_apply(m, &texts[i], fields, NULL);
                review_mark_fields(fields, REVIEW_FIELD_THRESHOLD); /* as the worker does */
                score(&t, &set->items[i], fields);
                if (kinds && s == 0)
                    eval_errkind_doc(&et, &set->items[i], docs[i], &texts[i], fields, verbose);
                cJSON_Delete(fields);
            }
            xmodel_free(m);
            double f = mean_f1(&t, nf, NULL, names);
            sum += f;
            rsum += mean_f1(&rt, nf, NULL, names);
            lo = f < lo ? f : lo;
            hi = f > hi ? f : hi;
            fold_mean[r] += f / (double)nsamples;
            runs++;
            for (size_t q = 0; q < nf && q < EVAL_MAX_FIELDS; q++) {
                all.truth[q] += t.truth[q];
                all.pred[q] += t.pred[q];
                all.correct[q] += t.correct[q];
            }
        }
    }
    if (!runs)
        goto done;
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "labelled", (double)nt);
    cJSON_AddNumberToObject(row, "folds", (double)nfolds);
    cJSON_AddNumberToObject(row, "samples", (double)nsamples);
    cJSON_AddNumberToObject(row, "runs", (double)runs);
    cJSON_AddNumberToObject(row, "model_mean_f1", sum / (double)runs);
    cJSON_AddNumberToObject(row, "rules_mean_f1", rsum / (double)runs);
    cJSON_AddNumberToObject(row, "lowest", lo);
    cJSON_AddNumberToObject(row, "highest", hi);
    mean_f1(&all, nf, cJSON_AddObjectToObject(row, "model_f1_pooled"), names);
    printf("  %5zu labelled, %ld folds x %ld samples: mean F1 %.3f (runs %.3f .. %.3f; rules "
           "alone %.3f); folds",
           nt, nfolds, nsamples, sum / (double)runs, lo, hi, rsum / (double)runs);
    for (long r = 0; r < nfolds && r < 16; r++)
        printf(" %.3f", fold_mean[r]);
    printf("; pooled");
    for (size_t q = 0; q < nf; q++)
        printf(" %s %.3f", names[q], f1(all.correct[q], all.pred[q], all.truth[q]));
    printf("\n");
    if (kinds) {
        printf("  rotated, every fold's first sample:\n");
        eval_errkind_print(&et, set, nt, row);
    }
    cJSON_AddItemToArray(out, row);
done:
    free(td);
    free(lab);
}

long eval_learn_folds(void)
{
    const char *e = getenv("DOCPROC_EVAL_LEARN_FOLDS");
    long f = e ? strtol(e, NULL, 10) : 4;
    return f < 1 ? 1 : f > 16 ? 16 : f;
}

void eval_learn(const struct eval_set *set, cJSON *const *docs, cJSON *report, int verbose)
{
    static const size_t sizes[] = {10, 25, 50, 75, 100};
    size_t n = set->n;
    struct dp_doc_text *texts = calloc(n ? n : 1, sizeof *texts);
    cJSON **conf = calloc(n ? n : 1, sizeof *conf);
    int *ok = calloc(n ? n : 1, sizeof *ok);
    cJSON *out = cJSON_AddObjectToObject(report, "learning");
    cJSON *curve = cJSON_AddArrayToObject(out, "curve");
    const char *names[EVAL_MAX_FIELDS];
    size_t nf = n ? set->items[0].nfields : 0;
    double busy = 0, pages = 0;
    /* DOCPROC_EVAL_LEARN_AT=N: only the split at N labelled documents (quicker re-runs) */
    const char *at = getenv("DOCPROC_EVAL_LEARN_AT");
    long only = at ? strtol(at, NULL, 10) : 0;
    if (!texts || !conf || !ok)
        goto out;
    for (size_t i = 0; i < nf; i++)
        names[i] = set->items[0].fields[i].name;
    for (size_t i = 0; i < n; i++) {
        ok[i] = docs[i] && strcmp(json_str(docs[i], "status"), "done") == 0 &&
                cand_doc_from_json(docs[i], &texts[i]) == DP_OK;
        conf[i] = confirmed_of(&set->items[i]);
        if (ok[i]) {
            long long a = 0, b = 0;
            struct tm tm;
            /* seconds the worker spent on the document (started_at .. finished_at) */
            const char *s0 = json_str(docs[i], "started_at"),
                       *s1 = json_str(docs[i], "finished_at");
            int ms0 = 0, ms1 = 0;
            memset(&tm, 0, sizeof tm);
            if (strptime(s0, "%Y-%m-%dT%H:%M:%S", &tm))
                a = (long long)timegm(&tm);
            if (strlen(s0) > 20)
                ms0 = (int)strtol(s0 + 20, NULL, 10);
            memset(&tm, 0, sizeof tm);
            if (strptime(s1, "%Y-%m-%dT%H:%M:%S", &tm))
                b = (long long)timegm(&tm);
            if (strlen(s1) > 20)
                ms1 = (int)strtol(s1 + 20, NULL, 10);
            if (a > 0 && b >= a)
                busy += (double)(b - a) + (ms1 - ms0) / 1000.0;
            pages += (double)texts[i].npages;
        }
    }
    eval_ceilings(set, docs, texts, ok, report, verbose);
    printf("\n== learning from confirmed fields (%s, %zu documents): train on the first n, "
           "score the rest\n",
           set->name, n);
    printf("  %5s %5s %8s %8s", "n", "test", "rules", "model");
    for (size_t i = 0; i < nf; i++)
        printf(" %9.9s", names[i]);
    printf(" %8s %10s\n", "train_s", "apply_ms/p");
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t nt = sizes[si] < n ? sizes[si] : n;
        if (only > 0 && (size_t)only != sizes[si])
            continue;
        struct xmodel_doc *td = calloc(nt ? nt : 1, sizeof *td);
        size_t k = 0;
        for (size_t i = 0; i < nt && td; i++)
            if (ok[i])
                td[k++] =
                    (struct xmodel_doc){&texts[i], conf[i], cJSON_GetObjectItem(docs[i], "fields")};
        struct xmodel *m = NULL;
        double t0 = now_s();
        clock_t c0 = clock();
        dp_err rc = td ? xmodel_train(td, k, &m) : DP_ENOMEM;
        double train_s = now_s() - t0, train_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
        free(td);
        if (rc) {
            printf("  %5zu training failed: %s\n", nt, dp_strerror(rc));
            continue;
        }
        struct tally rules = {0}, model = {0}, nomem = {0};
        struct eval_errtally et;
        memset(&et, 0, sizeof et);
        /* the same model without its vendor memory (and so without the repairs that take
         * their lexicon from it): what the memory gains */
        struct xmodel bare = *m;
        bare.vendors.n = 0;
        double apply_s = 0, apply_cpu = 0, tpages = 0;
        size_t test = 0;
        for (size_t i = nt; i < n; i++) {
            if (!ok[i])
                continue;
            cJSON *base = cJSON_GetObjectItem(docs[i], "fields");
            cJSON *fields = base ? cJSON_Duplicate(base, 1) : cJSON_CreateArray();
            score(&rules, &set->items[i], fields);
            double a = now_s();
            clock_t ca = clock();
            xmodel_apply(m, &texts[i], fields, NULL);
            apply_s += now_s() - a;
            apply_cpu += (double)(clock() - ca) / CLOCKS_PER_SEC;
            tpages += (double)texts[i].npages;
            review_mark_fields(fields, REVIEW_FIELD_THRESHOLD); /* as the worker does */
            score(&model, &set->items[i], fields);
            eval_errkind_doc(&et, &set->items[i], docs[i], &texts[i], fields,
                             verbose && nt == (only > 0 ? (size_t)only : 75));
            cJSON *f2 = base ? cJSON_Duplicate(base, 1) : cJSON_CreateArray();
            xmodel_apply(&bare, &texts[i], f2, NULL);
            score(&nomem, &set->items[i], f2);
            cJSON_Delete(f2);
            if (verbose && nt == (only > 0 ? (size_t)only : 75)) {
                const struct eval_item *it = &set->items[i];
                cJSON *dd = cJSON_CreateObject(), *bd = cJSON_CreateObject();
                cJSON_AddItemReferenceToObject(dd, "fields", fields);
                cJSON_AddItemReferenceToObject(bd, "fields", base);
                for (size_t q = 0; q < it->nfields; q++) {
                    char p1[512], p2[512];
                    int h1 = eval_pred_field(bd, it->fields[q].name, p1, sizeof p1);
                    int h2 = eval_pred_field(dd, it->fields[q].name, p2, sizeof p2);
                    int o1 = h1 && eval_field_equal(it->fields[q].name, it->fields[q].value, p1);
                    int o2 = h2 && eval_field_equal(it->fields[q].name, it->fields[q].value, p2);
                    if (o1 != o2 || !o2)
                        fprintf(stderr, "%s %s want [%s] rules%s [%s] model%s [%s]\n", it->name,
                                it->fields[q].name, it->fields[q].value, o1 ? "+" : "-",
                                h1 ? p1 : "", o2 ? "+" : "-", h2 ? p2 : "");
                }
                cJSON_Delete(dd);
                cJSON_Delete(bd);
            }
            cJSON_Delete(fields);
            test++;
        }
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "labelled", (double)nt);
        cJSON_AddNumberToObject(row, "test_documents", (double)test);
        cJSON *pr = cJSON_AddObjectToObject(row, "rules_f1");
        cJSON *pm = cJSON_AddObjectToObject(row, "model_f1");
        double fr = mean_f1(&rules, nf, pr, names), fm = mean_f1(&model, nf, pm, names);
        cJSON_AddNumberToObject(row, "rules_mean_f1", (double)(int)(fr * 1000 + 0.5) / 1000);
        cJSON_AddNumberToObject(row, "model_mean_f1", (double)(int)(fm * 1000 + 0.5) / 1000);
        cJSON_AddNumberToObject(row, "train_seconds", train_s);
        cJSON_AddNumberToObject(row, "train_cpu_seconds", train_cpu);
        double apms = tpages > 0 ? apply_s * 1000 / tpages : 0;
        cJSON_AddNumberToObject(row, "apply_ms_per_page", apms);
        cJSON_AddNumberToObject(row, "apply_cpu_ms_per_page",
                                tpages > 0 ? apply_cpu * 1000 / tpages : 0);
        if (test) {
            printf("  %5zu %5zu %8.3f %8.3f", nt, test, fr, fm);
            for (size_t i = 0; i < nf; i++)
                printf(" %4.2f/%4.2f", f1(rules.correct[i], rules.pred[i], rules.truth[i]),
                       f1(model.correct[i], model.pred[i], model.truth[i]));
            printf(" %8.2f %10.1f  (CPU: training %.2f s, applying %.1f ms/page)\n", train_s, apms,
                   train_cpu, tpages > 0 ? apply_cpu * 1000 / tpages : 0);
            printf("        without the vendor memory and its repairs: mean %.3f (",
                   mean_f1(&nomem, nf, cJSON_AddObjectToObject(row, "no_memory_f1"), names));
            for (size_t i = 0; i < nf; i++)
                printf("%s%s %.2f", i ? ", " : "", names[i],
                       f1(nomem.correct[i], nomem.pred[i], nomem.truth[i]));
            printf(")\n");
            eval_errkind_print(&et, set, nt, row);
            printf("        cross-validated on the labelled:");
            for (size_t q = 0; q < m->nf; q++)
                printf(" %s %u/%u (rules %u, wins %u, losses %u%s%s%s; readings won/lost: "
                       "second %u/%u, look %u/%u)",
                       m->f[q].name, m->f[q].cv_correct, m->f[q].cv_docs, m->f[q].rules_correct,
                       m->f[q].cv_wins, m->f[q].cv_losses,
                       xmodel_replaces_rules(&m->f[q]) ? ", replaces" : "",
                       (m->f[q].flags & XMODEL_GATE) ? ", gated" : "",
                       m->f[q].learner == XMODEL_PAIRWISE ? ", pairwise" : "", m->f[q].read_wins[0],
                       m->f[q].read_losses[0], m->f[q].read_wins[1], m->f[q].read_losses[1]);
            printf("\n");
        } else {
            cJSON *st = xmodel_stats_json(m);
            char *s = cJSON_PrintUnformatted(st);
            printf("  %5zu all documents: trained in %.2f s (%.2f s CPU); %s\n", nt, train_s,
                   train_cpu, s ? s : "");
            cJSON_AddItemToObject(row, "model", st);
            free(s);
        }
        cJSON_AddItemToArray(curve, row);
        xmodel_free(m);
    }
    /* each split again, rotated over DOCPROC_EVAL_LEARN_FOLDS offsets (4 unless set; 1 = the
     * fixed split above only) and trained on DOCPROC_EVAL_LEARN_SAMPLES draws of the negatives
     * (1 unless set) */
    const char *es = getenv("DOCPROC_EVAL_LEARN_SAMPLES");
    long nfolds = eval_learn_folds(), nsamples = es ? strtol(es, NULL, 10) : 1;
    nsamples = nsamples < 1 ? 1 : nsamples > 64 ? 64 : nsamples;
    if (nfolds > 1 || nsamples > 1) {
        cJSON *rot = cJSON_AddArrayToObject(out, "rotated");
        printf("  the same splits rotated over %ld offsets of the documents, %ld training "
               "samples each (mean F1 over company, address, date, total):\n",
               nfolds, nsamples);
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
            if (sizes[si] < n && (only <= 0 || (size_t)only == sizes[si]))
                rotated(set, docs, texts, conf, ok, sizes[si], nfolds, nsamples, names,
                        sizes[si] == (only > 0 ? (size_t)only : 75), verbose, rot);
    }
    if (pages > 0) {
        printf("  worker time per page (OCR and all): %.2f s\n", busy / pages);
        cJSON_AddNumberToObject(out, "worker_seconds_per_page", busy / pages);
    }
out:
    for (size_t i = 0; texts && i < n; i++)
        doctext_cleanup(&texts[i]);
    for (size_t i = 0; conf && i < n; i++)
        cJSON_Delete(conf[i]);
    free(texts);
    free(conf);
    free(ok);
}
