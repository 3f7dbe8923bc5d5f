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
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t nt = sizes[si], test = 0, seen = 0, seen_addr = 0;
        double best = 0; /* mean over fields of the share right with a perfect ranker + memory */
        double per[EVAL_MAX_FIELDS] = {0};
        if (nt >= set->n)
            break;
        for (size_t i = nt; i < set->n; i++) {
            const char *c = truth_of(&set->items[i], "company");
            const char *a = truth_of(&set->items[i], "address");
            if (!c)
                continue;
            test++;
            int s = 0, sa = 0;
            for (size_t j = 0; j < nt && !sa; j++) {
                const char *cj = truth_of(&set->items[j], "company");
                const char *aj = truth_of(&set->items[j], "address");
                if (cj && eval_field_equal("company", c, cj)) {
                    s = 1;
                    sa = a && aj && eval_field_equal("address", a, aj);
                }
            }
            seen += (size_t)s;
            seen_addr += (size_t)sa;
            for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++) {
                const char *fn = set->items[i].fields[f].name;
                int mem = (strcmp(fn, "company") == 0 && s) || (strcmp(fn, "address") == 0 && sa);
                best += (exact[i * EVAL_MAX_FIELDS + f] || mem) ? 1.0 / (double)nf : 0;
                per[f] += (exact[i * EVAL_MAX_FIELDS + f] || mem) ? 1.0 : 0;
            }
        }
        best = test ? best / (double)test : 0;
        cJSON *o = cJSON_CreateObject();
        for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++) {
            per[f] = test ? per[f] / (double)test : 0;
            cJSON_AddNumberToObject(o, set->items[0].fields[f].name, per[f]);
        }
        printf("  labelled %3zu: %zu of %zu unseen receipts have a labelled vendor (%zu with the "
               "same address); exact candidate or remembered: mean %.3f (",
               nt, seen, test, seen_addr, best);
        for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++)
            printf("%s%s %.2f", f ? ", " : "", set->items[0].fields[f].name, per[f]);
        printf(")\n");
        cJSON_AddNumberToObject(o, "labelled", (double)nt);
        cJSON_AddNumberToObject(o, "unseen", (double)test);
        cJSON_AddNumberToObject(o, "vendor_seen", (double)seen);
        cJSON_AddNumberToObject(o, "vendor_and_address_seen", (double)seen_addr);
        cJSON_AddNumberToObject(o, "ceiling_mean", best);
        cJSON_AddItemToArray(vs, o);
    }
    free(exact);
}
