/* eval_main.c -- docproc-eval: arguments -> sets -> stack -> scores -> report (text, JSON).
 *
 *   docproc-eval [--limit N] [--json FILE] [--workers N] [--inflight N] [--lang L]
 *                [--timeout S] [-v] DIR
 *   docproc-eval --selftest
 * DIR is ../shared/data (every subset found) or one subset folder. Needs DOCPROC_BIN_DIR and
 * DOCPROC_SRC_DIR like the e2e tests (`make eval` sets them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <curl/curl.h>
#include <tesseract/capi.h>
#include "classify.h"
#include "eval.h"

#define MAX_SETS 16

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static double f1(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* ---- machine ---- */

static void cpu_model(char *out, size_t outsz)
{
    char line[256];
    FILE *f = fopen("/proc/cpuinfo", "r");
    snprintf(out, outsz, "unknown CPU");
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            const char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ')
                    v++;
                snprintf(out, outsz, "%.*s", (int)strcspn(v, "\n"), v);
            }
            break;
        }
    }
    if (f)
        fclose(f);
}

/* Labels of the built-in model (what the worker classifies with). */
static size_t model_classes(char (*out)[EVAL_LABEL_MAX], size_t max)
{
    struct classifier *c = classifier_builtin();
    struct classify_stats *st = calloc(1, sizeof *st);
    size_t n = 0;
    if (c && st) {
        classifier_stats(c, st);
        for (size_t i = 0; i < st->nclasses && n < max; i++)
            snprintf(out[n++], EVAL_LABEL_MAX, "%s", st->classes[i].label);
    }
    free(st);
    classifier_free(c);
    return n;
}

static int in_list(char (*v)[EVAL_LABEL_MAX], size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

/* ---- report ---- */

struct report {
    char model[EVAL_MAX_LABELS][EVAL_LABEL_MAX]; /* the built-in classes */
    size_t nmodel;
};

static void print_class(const struct report *rp, const struct eval_class *c, cJSON *js)
{
    size_t in = 0, in_ok = 0, out = 0, out_false = 0, all = 0, all_ok = 0;
    for (size_t r = 0; r < c->ntruth; r++) {
        int known = in_list((char(*)[EVAL_LABEL_MAX])rp->model, rp->nmodel, c->truth[r]);
        for (size_t k = 0; k < c->npred; k++) {
            size_t n = c->m[r][k];
            int same = strcmp(c->truth[r], c->pred[k]) == 0;
            /* a false alarm: an out-of-model document put into a class this data set has */
            int alarm = in_list((char(*)[EVAL_LABEL_MAX])c->truth, c->ntruth, c->pred[k]);
            all += n;
            all_ok += same ? n : 0;
            in += known ? n : 0;
            in_ok += known && same ? n : 0;
            out += known ? 0 : n;
            out_false += !known && alarm ? n : 0;
        }
    }
    printf("  classification: accuracy %.3f (%zu/%zu) over the documents whose label is a class "
           "of the built-in model\n",
           ratio(in_ok, in), in_ok, in);
    if (out)
        printf("  out-of-model documents (%zu) put into a labelled class of this set: %zu\n", out,
               out_false);
    printf("  %-12s", "truth\\pred");
    for (size_t k = 0; k < c->npred; k++)
        printf(" %9s", c->pred[k]);
    printf("\n");
    cJSON *conf = cJSON_CreateObject();
    for (size_t r = 0; r < c->ntruth; r++) {
        cJSON *row = cJSON_AddObjectToObject(conf, c->truth[r]);
        printf("  %-12s", c->truth[r]);
        for (size_t k = 0; k < c->npred; k++) {
            printf(" %9zu", c->m[r][k]);
            cJSON_AddNumberToObject(row, c->pred[k], (double)c->m[r][k]);
        }
        printf("\n");
    }
    cJSON *o = cJSON_AddObjectToObject(js, "classification");
    cJSON_AddNumberToObject(o, "documents", (double)all);
    cJSON_AddNumberToObject(o, "accuracy_all_labels", ratio(all_ok, all));
    cJSON_AddNumberToObject(o, "in_model_documents", (double)in);
    cJSON_AddNumberToObject(o, "accuracy", ratio(in_ok, in));
    cJSON_AddNumberToObject(o, "out_of_model_documents", (double)out);
    cJSON_AddNumberToObject(o, "out_of_model_false_alarms", (double)out_false);
    cJSON_AddItemToObject(o, "confusion", conf);
}

/* Precision, recall and F1 of matched items (pooled over the set's documents). */
static void print_prf(cJSON *js, const char *key, const char *what, const struct eval_ocr *m)
{
    if (!m->truth && !m->pred)
        return;
    double p = ratio(m->matched, m->pred), r = ratio(m->matched, m->truth);
    printf("  %s: precision %.3f  recall %.3f  F1 %.3f  (truth %zu, found %zu, matched %zu)\n",
           what, p, r, f1(p, r), m->truth, m->pred, m->matched);
    cJSON *o = cJSON_AddObjectToObject(js, key);
    cJSON_AddNumberToObject(o, "truth", (double)m->truth);
    cJSON_AddNumberToObject(o, "found", (double)m->pred);
    cJSON_AddNumberToObject(o, "matched", (double)m->matched);
    cJSON_AddNumberToObject(o, "precision", p);
    cJSON_AddNumberToObject(o, "recall", r);
    cJSON_AddNumberToObject(o, "f1", f1(p, r));
}

static void print_score(const struct report *rp, const struct eval_score *sc, cJSON *arr)
{
    cJSON *js = cJSON_CreateObject();
    double pages = sc->pages ? (double)sc->pages : 1.0;
    cJSON_AddItemToArray(arr, js);
    cJSON_AddStringToObject(js, "set", sc->set);
    cJSON_AddNumberToObject(js, "documents", (double)sc->docs);
    cJSON_AddNumberToObject(js, "reused", (double)sc->reused);
    cJSON_AddNumberToObject(js, "failed", (double)sc->failed);
    cJSON_AddNumberToObject(js, "pages", (double)sc->pages);
    cJSON_AddNumberToObject(js, "wall_s", sc->wall_s);
    cJSON_AddNumberToObject(js, "wall_s_per_page", sc->wall_s / pages);
    cJSON_AddNumberToObject(js, "worker_cpu_s_per_page", sc->cpu_s / pages);
    cJSON_AddNumberToObject(js, "busy_s_per_page", sc->busy_s / pages);
    printf("\n== %s: %zu documents read, %zu pages, %zu failed", sc->set, sc->docs, sc->pages,
           sc->failed);
    if (sc->reused)
        printf(", %zu labels reused from earlier sets", sc->reused);
    printf("\n");
    if (sc->docs)
        printf("  time: wall %.1f s = %.2f s/page; worker CPU %.2f s/page; "
               "job time (started..finished) %.2f s/page\n",
               sc->wall_s, sc->wall_s / pages, sc->cpu_s / pages, sc->busy_s / pages);
    if (sc->ocr.truth) {
        double r = ratio(sc->ocr.matched, sc->ocr.truth), p = ratio(sc->ocr.matched, sc->ocr.pred);
        printf("  OCR words: recall %.3f  precision %.3f  F1 %.3f  (truth %zu, read %zu, "
               "matched %zu)\n",
               r, p, f1(p, r), sc->ocr.truth, sc->ocr.pred, sc->ocr.matched);
        const struct eval_ocr *l = &sc->ocr_loose;
        double lr = ratio(l->matched, l->truth), lp = ratio(l->matched, l->pred);
        printf("  OCR words, loose (lower case, no edge punctuation): recall %.3f  precision "
               "%.3f  F1 %.3f\n",
               lr, lp, f1(lp, lr));
        cJSON *o = cJSON_AddObjectToObject(js, "ocr_words");
        cJSON_AddNumberToObject(o, "truth", (double)sc->ocr.truth);
        cJSON_AddNumberToObject(o, "read", (double)sc->ocr.pred);
        cJSON_AddNumberToObject(o, "matched", (double)sc->ocr.matched);
        cJSON_AddNumberToObject(o, "recall", r);
        cJSON_AddNumberToObject(o, "precision", p);
        cJSON_AddNumberToObject(o, "loose_recall", lr);
        cJSON_AddNumberToObject(o, "loose_precision", lp);
    }
    if (sc->li_truth) {
        double p = ratio(sc->li_matched, sc->li_pred), r = ratio(sc->li_matched, sc->li_truth);
        printf("  line items: precision %.3f  recall %.3f  F1 %.3f  (truth %zu, read %zu, "
               "matched %zu)\n",
               p, r, f1(p, r), sc->li_truth, sc->li_pred, sc->li_matched);
        cJSON *o = cJSON_AddObjectToObject(js, "line_items");
        cJSON_AddNumberToObject(o, "truth", (double)sc->li_truth);
        cJSON_AddNumberToObject(o, "read", (double)sc->li_pred);
        cJSON_AddNumberToObject(o, "matched", (double)sc->li_matched);
        cJSON_AddNumberToObject(o, "precision", p);
        cJSON_AddNumberToObject(o, "recall", r);
    }
    if (sc->npresent) {
        cJSON *o = cJSON_AddObjectToObject(js, "present_in_ocr");
        printf("  present in OCR text (upper case, non-alphanumerics -> space):");
        for (size_t i = 0; i < sc->npresent; i++) {
            const struct eval_present *p = &sc->present[i];
            printf(" %s %.3f", p->name, ratio(p->present, p->truth));
            cJSON_AddNumberToObject(o, p->name, ratio(p->present, p->truth));
        }
        printf("\n");
        o = cJSON_AddObjectToObject(js, "present_in_ocr_with_alternates");
        printf("  present in text or second reading (pages[].alt_lines):");
        for (size_t i = 0; i < sc->npresent; i++) {
            const struct eval_present *p = &sc->present[i];
            printf(" %s %.3f", p->name, ratio(p->present_alt, p->truth));
            cJSON_AddNumberToObject(o, p->name, ratio(p->present_alt, p->truth));
        }
        printf("\n");
    }
    if (sc->nfields) {
        cJSON *o = cJSON_AddObjectToObject(js, "fields");
        printf("  %-15s %6s %6s %7s %9s %7s %6s %6s\n", "field", "truth", "found", "correct",
               "precision", "recall", "F1", "sim");
        for (size_t i = 0; i < sc->nfields; i++) {
            const struct eval_field_stat *f = &sc->fields[i];
            double p = ratio(f->correct, f->pred), r = ratio(f->correct, f->truth);
            double sim = f->truth ? f->sim_sum / (double)f->truth : 0.0;
            printf("  %-15s %6zu %6zu %7zu %9.3f %7.3f %6.3f %6.3f\n", f->name, f->truth, f->pred,
                   f->correct, p, r, f1(p, r), sim);
            cJSON *x = cJSON_AddObjectToObject(o, f->name);
            cJSON_AddNumberToObject(x, "truth", (double)f->truth);
            cJSON_AddNumberToObject(x, "found", (double)f->pred);
            cJSON_AddNumberToObject(x, "correct", (double)f->correct);
            cJSON_AddNumberToObject(x, "precision", p);
            cJSON_AddNumberToObject(x, "recall", r);
            cJSON_AddNumberToObject(x, "f1", f1(p, r));
            cJSON_AddNumberToObject(x, "similarity", sim);
        }
    }
    if (sc->cls.ntruth)
        print_class(rp, &sc->cls, js);
    print_prf(js, "tables", "table adjacency relations (ICDAR 2013)", &sc->tables);
    print_prf(js, "key_values", "key-value pairs (FUNSD links, similarity >= 0.8)", &sc->kv);
    print_prf(js, "key_values_blanks_ignored",
              "key-value pairs, blanks ignored inside texts (3/ 17/ 97 = 3/17/97)", &sc->kv_nb);
}

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--limit N] [--json FILE] [--workers N] [--inflight N] [--lang L]\n"
            "          [--timeout S] [--results DIR] [--no-learn] [-v] DIR\n"
            "       %s [--limit N] [-v] [--kv-model FILE|rules] [--kv-loss] --kv-offline "
            "words|RESULTS_DIR "
            "FUNSD_DIR\n"
            "       %s [-v] --kv-train MODEL_OUT --kv-offline SRC[,SRC...] FUNSD_DIR\n"
            "       %s [--limit N] [-v] --tables-offline RESULTS_DIR TABLES_DIR\n"
            "       %s [--limit N] [-v] --items-offline RESULTS_DIR EINVOICES_DIR\n"
            "       %s --selftest\n"
            "DIR: a folder of labelled subsets (sroie, funsd, invoices, tess, classes) or one.\n",
            prog, prog, prog, prog, prog, prog);
    return 2;
}

int main(int argc, char **argv)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct eval_opts o = {.workers = cores > 0 ? (int)cores : 1, .timeout_s = 900};
    const char *dir = NULL, *json_path = NULL, *kv_src = NULL, *kv_model = NULL, *kv_train = NULL;
    const char *tab_src = NULL, *item_src = NULL;
    int limit = 0, rc = 1, nsets = 0, no_learn = 0, kv_loss = 0;
    struct eval_set sets[MAX_SETS];
    struct eval_runner *run = NULL;
    cJSON *report = NULL;
    struct report rp;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--selftest") == 0) {
            int fails = eval_selftest();
            printf("selftest: %s\n", fails ? "FAILED" : "ok");
            return fails ? 1 : 0;
        } else if (strcmp(a, "-v") == 0) {
            o.verbose = 1;
        } else if (strcmp(a, "--limit") == 0 && v && parse_int(v, 1, 1000000, &limit) == 0) {
            i++;
        } else if (strcmp(a, "--workers") == 0 && v && parse_int(v, 1, 64, &o.workers) == 0) {
            i++;
        } else if (strcmp(a, "--inflight") == 0 && v && parse_int(v, 1, 64, &o.inflight) == 0) {
            i++;
        } else if (strcmp(a, "--timeout") == 0 && v && parse_int(v, 1, 86400, &o.timeout_s) == 0) {
            i++;
        } else if (strcmp(a, "--json") == 0 && v) {
            json_path = argv[++i];
        } else if (strcmp(a, "--lang") == 0 && v) {
            o.lang = argv[++i];
        } else if (strcmp(a, "--results") == 0 && v) {
            o.results_dir = argv[++i];
        } else if (strcmp(a, "--kv-offline") == 0 && v) {
            kv_src = argv[++i];
        } else if (strcmp(a, "--kv-model") == 0 && v) {
            kv_model = argv[++i];
        } else if (strcmp(a, "--kv-loss") == 0) {
            kv_loss = 1;
        } else if (strcmp(a, "--kv-train") == 0 && v) {
            kv_train = argv[++i];
        } else if (strcmp(a, "--tables-offline") == 0 && v) {
            tab_src = argv[++i];
        } else if (strcmp(a, "--items-offline") == 0 && v) {
            item_src = argv[++i];
        } else if (strcmp(a, "--no-learn") == 0) {
            no_learn = 1;
        } else if (a[0] != '-' && !dir) {
            dir = a;
        } else {
            return usage(argv[0]);
        }
    }
    if (!dir)
        return usage(argv[0]);
    /* the results are saved there as they come in: a folder that is not there yet is made
     * (its parent must exist), so a run never reads pages it cannot keep */
    if (o.results_dir && mkdir(o.results_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "eval: cannot make the results folder %s: %s\n", o.results_dir,
                strerror(errno));
        return 1;
    }
    if (!o.inflight)
        o.inflight = 2 * o.workers + 2; /* keeps every worker fed, the queue short */
    nsets = eval_sets_load(dir, sets, MAX_SETS, limit);
    if (nsets <= 0) {
        fprintf(stderr, "eval: no labelled subset found in %s\n", dir);
        return 1;
    }
    if (kv_src || tab_src || item_src) { /* one step again over saved results, no stack */
        rc = 0;
        for (int i = 0; i < nsets; i++)
            if (kv_src    ? (kv_train  ? eval_kv_train(&sets[i], kv_src, kv_train, o.verbose)
                             : kv_loss ? eval_kv_loss(&sets[i], kv_src, kv_model, o.verbose)
                                       : eval_kv_offline(&sets[i], kv_src, kv_model, o.verbose))
                : tab_src ? eval_tables_offline(&sets[i], tab_src, o.verbose)
                          : eval_items_offline(&sets[i], item_src, o.verbose))
                rc = 1;
        for (int i = 0; i < nsets; i++)
            eval_set_cleanup(&sets[i]);
        return rc;
    }
    rp.nmodel = model_classes(rp.model, EVAL_MAX_LABELS);
    curl_global_init(CURL_GLOBAL_ALL);
    run = eval_runner_new(&o);
    if (!run) {
        fprintf(stderr, "eval: the stack did not start (is DOCPROC_BIN_DIR set? make eval)\n");
        goto out;
    }
    char date[32], cpu[128];
    time_t t = time(NULL);
    struct tm tm;
    struct utsname un;
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
    cpu_model(cpu, sizeof cpu);
    uname(&un);
    report = cJSON_CreateObject();
    cJSON_AddStringToObject(report, "date", date);
    cJSON_AddStringToObject(report, "data", dir);
    cJSON_AddNumberToObject(report, "cores", (double)cores);
    cJSON_AddStringToObject(report, "cpu", cpu);
    cJSON_AddStringToObject(report, "kernel", un.release);
    cJSON_AddStringToObject(report, "tesseract", TessVersion());
    cJSON_AddNumberToObject(report, "workers", o.workers);
    cJSON_AddNumberToObject(report, "inflight", o.inflight);
    cJSON_AddNumberToObject(report, "limit", limit);
    cJSON *arr = cJSON_AddArrayToObject(report, "sets");
    printf("docproc eval  %s  data %s\n", date, dir);
    printf("machine: %ld cores, %s, Linux %s; tesseract %s; %d workers, %d documents in flight\n",
           cores, cpu, un.release, TessVersion(), o.workers, o.inflight);
    printf("built-in classes:");
    for (size_t i = 0; i < rp.nmodel; i++)
        printf(" %s", rp.model[i]);
    printf("\n");
    fflush(stdout);
    size_t tdocs = 0, tpages = 0, tfailed = 0;
    double twall = 0, tcpu = 0;
    for (int i = 0; i < nsets; i++) {
        struct eval_score *sc = calloc(1, sizeof *sc);
        int learn = strcmp(sets[i].name, "sroie") == 0 && !no_learn;
        cJSON **keep = learn ? calloc(sets[i].n ? sets[i].n : 1, sizeof *keep) : NULL;
        eval_runner_keep(run, keep);
        if (!sc || eval_runner_run(run, &sets[i], sc) != 0) {
            free(sc);
            free(keep);
            goto out;
        }
        eval_runner_keep(run, NULL);
        print_score(&rp, sc, arr);
        fflush(stdout);
        if (keep) {
            eval_learn(&sets[i], keep, report, o.verbose);
            for (size_t k = 0; k < sets[i].n; k++)
                cJSON_Delete(keep[k]);
            free(keep);
            fflush(stdout);
        }
        if (strcmp(sets[i].name, "classes") == 0) {
            eval_classify(&sets[i], sets, nsets, run, report, o.verbose);
            fflush(stdout);
        }
        tdocs += sc->docs;
        tpages += sc->pages;
        tfailed += sc->failed;
        twall += sc->wall_s;
        tcpu += sc->cpu_s;
        free(sc);
    }
    printf("\n== all: %zu documents, %zu pages, %zu failed; wall %.1f s = %.2f s/page; worker CPU "
           "%.2f s/page\n",
           tdocs, tpages, tfailed, twall, tpages ? twall / (double)tpages : 0.0,
           tpages ? tcpu / (double)tpages : 0.0);
    if (json_path) {
        char *s = cJSON_Print(report);
        FILE *f = fopen(json_path, "w");
        if (!s || !f || fputs(s, f) < 0) {
            fprintf(stderr, "eval: cannot write %s\n", json_path);
            free(s);
            if (f)
                fclose(f);
            goto out;
        }
        free(s);
        fclose(f);
    }
    rc = 0;
out:
    eval_runner_free(run);
    cJSON_Delete(report);
    for (int i = 0; i < nsets; i++)
        eval_set_cleanup(&sets[i]);
    curl_global_cleanup();
    return rc;
}
