/* eval_ceil.c -- how far the tenant extractor could get on a set at best: per field, the share
 * of documents whose truth is in the OCR text at all (loosely), is exactly some candidate's
 * value (the scorer's equality: what a perfect ranker would score), or nearly so (similarity
 * >= 0.9: an OCR error away), and, per learning-curve split, the share of unseen documents whose
 * vendor (company, then company and address) was among the labelled ones (what the vendor
 * memory can repair). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "cand.h"
#include "eval.h"
#include "harness.h"
#include "review.h"

struct ceil_count {
    size_t truth, present, exact, near;
};

/* The value a candidate would be output as (review_typed_value), as the scorer reads it. */
static void cand_value(const char *name, const char *text, char *out, size_t outsz)
{
    cJSON *v = review_typed_value(name, text);
    const char *s = cJSON_IsObject(v) ? cJSON_GetStringValue(cJSON_GetObjectItem(v, "amount"))
                                      : cJSON_GetStringValue(v);
    snprintf(out, outsz, "%s", s ? s : text);
    cJSON_Delete(v);
}

static const char *truth_of(const struct eval_item *it, const char *name)
{
    for (size_t i = 0; i < it->nfields; i++)
        if (strcmp(it->fields[i].name, name) == 0 && it->fields[i].value[0])
            return it->fields[i].value;
    return NULL;
}

static void doc_ceilings(const struct eval_item *it, const cJSON *doc,
                         const struct dp_doc_text *text, struct ceil_count *cc,
                         unsigned char *exact_of, int verbose)
{
    struct cand_set cs;
    if (cand_generate(text, &cs) != DP_OK)
        return;
    const char *ocr = json_str(doc, "text");
    for (size_t f = 0; f < it->nfields && f < EVAL_MAX_FIELDS; f++) {
        const char *name = it->fields[f].name, *truth = it->fields[f].value;
        if (!truth[0])
            continue;
        cc[f].truth++;
        const char *printed = truth;
        for (size_t k = 0; k < it->nprinted; k++)
            if (strcmp(it->printed[k].name, name) == 0)
                printed = it->printed[k].value;
        cc[f].present += (size_t)eval_present_in(ocr, printed);
        int exact = 0;
        double best = 0;
        size_t bi = 0;
        for (size_t i = 0; i < cs.n && !exact; i++) {
            char v[CAND_TEXT_MAX];
            cand_value(name, cs.c[i].text, v, sizeof v);
            exact = eval_field_equal(name, truth, v);
            if (!exact) {
                double s = eval_similarity(truth, cs.c[i].text);
                if (s > best) {
                    best = s;
                    bi = i;
                }
            }
        }
        cc[f].exact += (size_t)exact;
        exact_of[f] = (unsigned char)exact;
        cc[f].near += (size_t)(exact || best >= 0.9);
        if (verbose && !exact)
            fprintf(stderr, "ceil %s %s want [%s] closest %.2f [%s]\n", it->name, name, truth, best,
                    cs.n ? cs.c[bi].text : "");
    }
    cand_set_cleanup(&cs);
}

/* With the nt documents from off on (wrapping round) labelled: how many of the others have a
 * labelled vendor (and address), and the share of their fields right with a perfect ranker and
 * the memory (sums over the unseen documents). */
struct vendor_ceil {
    size_t test, seen, seen_addr;
    double best, per[EVAL_MAX_FIELDS];
};

static int labelled_at(size_t i, size_t nt, size_t off, size_t n)
{
    return (i + n - off) % n < nt;
}

static void vendor_ceiling(const struct eval_set *set, const unsigned char *exact, size_t nf,
                           size_t nt, size_t off, struct vendor_ceil *v)
{
    size_t n = set->n;
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        if (labelled_at(i, nt, off, n))
            continue;
        const char *c = truth_of(&set->items[i], "company");
        const char *a = truth_of(&set->items[i], "address");
        if (!c)
            continue;
        v->test++;
        int s = 0, sa = 0;
        for (size_t j = 0; j < n && !sa; j++) {
            if (!labelled_at(j, nt, off, n))
                continue;
            const char *cj = truth_of(&set->items[j], "company");
            const char *aj = truth_of(&set->items[j], "address");
            if (cj && eval_field_equal("company", c, cj)) {
                s = 1;
                sa = a && aj && eval_field_equal("address", a, aj);
            }
        }
        v->seen += (size_t)s;
        v->seen_addr += (size_t)sa;
        for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++) {
            const char *fn = set->items[i].fields[f].name;
            int mem = (strcmp(fn, "company") == 0 && s) || (strcmp(fn, "address") == 0 && sa);
            int hit = exact[i * EVAL_MAX_FIELDS + f] || mem;
            v->best += hit ? 1.0 / (double)nf : 0;
            v->per[f] += hit ? 1.0 : 0;
        }
    }
}

void eval_ceilings(const struct eval_set *set, cJSON *const *docs, const struct dp_doc_text *texts,
                   const int *ok, cJSON *report, int verbose)
{
    static const size_t sizes[] = {10, 25, 50, 75};
    struct ceil_count cc[EVAL_MAX_FIELDS];
    size_t nf = set->n ? set->items[0].nfields : 0;
    unsigned char *exact = calloc((set->n ? set->n : 1) * EVAL_MAX_FIELDS, 1);
    if (!exact)
        return;
    memset(cc, 0, sizeof cc);
    for (size_t i = 0; i < set->n; i++)
        if (ok[i])
            doc_ceilings(&set->items[i], docs[i], &texts[i], cc, exact + i * EVAL_MAX_FIELDS,
                         verbose);
    cJSON *out = cJSON_AddObjectToObject(report, "ceilings");
    printf("\n== ceilings (%s): share of documents whose truth is in the OCR text (loose), "
           "exactly a candidate's value, within 0.9 similarity of one\n",
           set->name);
    for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++) {
        double t = cc[f].truth ? (double)cc[f].truth : 1;
        const char *name = set->items[0].fields[f].name;
        printf("  %-10s %5zu  present %.2f  exact candidate %.2f  near candidate %.2f\n", name,
               cc[f].truth, cc[f].present / t, cc[f].exact / t, cc[f].near / t);
        cJSON *o = cJSON_AddObjectToObject(out, name);
        cJSON_AddNumberToObject(o, "present", cc[f].present / t);
        cJSON_AddNumberToObject(o, "exact_candidate", cc[f].exact / t);
        cJSON_AddNumberToObject(o, "near_candidate", cc[f].near / t);
    }
    /* vendors of the unseen documents among the labelled ones */
    cJSON *vs = cJSON_AddArrayToObject(out, "vendor_seen");
    long nfolds = eval_learn_folds();
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t nt = sizes[si];
        if (nt >= set->n)
            break;
        struct vendor_ceil fixed, rot;
        memset(&fixed, 0, sizeof fixed);
        memset(&rot, 0, sizeof rot);
        for (long r = 0; r < nfolds; r++) {
            struct vendor_ceil v;
            vendor_ceiling(set, exact, nf, nt, (size_t)r * set->n / (size_t)nfolds, &v);
            if (r == 0)
                fixed = v;
            rot.test += v.test;
            rot.seen += v.seen;
            rot.seen_addr += v.seen_addr;
            rot.best += v.best;
            for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++)
                rot.per[f] += v.per[f];
        }
        cJSON *o = cJSON_CreateObject();
        printf("  labelled %3zu: %zu of %zu unseen receipts have a labelled vendor (%zu with the "
               "same address); exact candidate or remembered: mean %.3f (",
               nt, fixed.seen, fixed.test, fixed.seen_addr,
               fixed.test ? fixed.best / (double)fixed.test : 0);
        for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++) {
            double p = fixed.test ? fixed.per[f] / (double)fixed.test : 0;
            printf("%s%s %.2f", f ? ", " : "", set->items[0].fields[f].name, p);
            cJSON_AddNumberToObject(o, set->items[0].fields[f].name, p);
        }
        printf(")\n");
        if (nfolds > 1) {
            printf("      rotated over %ld folds: %zu of %zu have a labelled vendor (%zu with the "
                   "same address); exact candidate or remembered: mean %.3f (",
                   nfolds, rot.seen, rot.test, rot.seen_addr,
                   rot.test ? rot.best / (double)rot.test : 0);
            for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++)
                printf("%s%s %.2f", f ? ", " : "", set->items[0].fields[f].name,
                       rot.test ? rot.per[f] / (double)rot.test : 0);
            printf(")\n");
            cJSON_AddNumberToObject(o, "rotated_ceiling_mean",
                                    rot.test ? rot.best / (double)rot.test : 0);
        }
        cJSON_AddNumberToObject(o, "labelled", (double)nt);
        cJSON_AddNumberToObject(o, "unseen", (double)fixed.test);
        cJSON_AddNumberToObject(o, "vendor_seen", (double)fixed.seen);
        cJSON_AddNumberToObject(o, "vendor_and_address_seen", (double)fixed.seen_addr);
        cJSON_AddNumberToObject(o, "ceiling_mean",
                                fixed.test ? fixed.best / (double)fixed.test : 0);
        cJSON_AddItemToArray(vs, o);
    }
    free(exact);
}
