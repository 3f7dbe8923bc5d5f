/* eval_errkind.c -- why the tenant extractor got a field wrong on an unseen document: the
 * right value was among the candidates (ranking), or it was not (ceiling): present in the
 * OCR text but no candidate has it, present only with OCR errors (a candidate within
 * EVAL_ERR_NEAR), or nowhere. Plus where the right answers came from (memory) and the wrong
 * memory answers (a shop of the same chain elsewhere, a misread vendor). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cand.h"
#include "eval.h"
#include "harness.h"
#include "review.h"

static const char *const kind_names[EVAL_ERR_NKINDS] = {"right",      "ranking", "not_candidate",
                                                        "ocr_errors", "nowhere", "missing_ranking"};

const char *eval_errkind_name(enum eval_errkind k)
{
    return k < EVAL_ERR_NKINDS ? kind_names[k] : "?";
}

enum eval_errkind eval_errkind_of(int right, int have, int exact_cand, int present, double best_sim)
{
    if (right)
        return EVAL_ERR_RIGHT;
    if (exact_cand)
        return have ? EVAL_ERR_RANKING : EVAL_ERR_MISSING_RANKING;
    if (present)
        return EVAL_ERR_NOT_CAND;
    return best_sim >= EVAL_ERR_NEAR ? EVAL_ERR_OCR : EVAL_ERR_NOWHERE;
}

/* The value a candidate would be output as (review_typed_value), as the scorer reads it. */
static void cand_value(const char *name, const char *text, char *out, size_t outsz)
{
    cJSON *v = review_typed_value(name, text);
    const char *s = cJSON_IsObject(v) ? cJSON_GetStringValue(cJSON_GetObjectItem(v, "amount"))
                                      : cJSON_GetStringValue(v);
    snprintf(out, outsz, "%s", s ? s : text);
    cJSON_Delete(v);
}

/* s upper case without any whitespace. */
static void no_spaces(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; *s && k + 1 < outsz; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            out[k++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    out[k] = '\0';
}

static const cJSON *field_of(const cJSON *fields, const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        if (n && strcmp(n, name) == 0)
            return f;
    }
    return NULL;
}

void eval_errkind_doc(struct eval_errtally *t, const struct eval_item *it, const cJSON *doc,
                      const struct dp_doc_text *text, const cJSON *fields, int verbose)
{
    struct cand_set cs;
    if (cand_generate(text, &cs) != DP_OK)
        return;
    const char *ocr = json_str(doc, "text");
    char *alt = eval_alt_text(doc);
    cJSON *wrap = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(wrap, "fields", (cJSON *)fields);
    for (size_t f = 0; f < it->nfields && f < EVAL_MAX_FIELDS; f++) {
        const char *name = it->fields[f].name, *truth = it->fields[f].value;
        if (!truth[0])
            continue;
        const char *printed = truth;
        for (size_t k = 0; k < it->nprinted; k++)
            if (strcmp(it->printed[k].name, name) == 0)
                printed = it->printed[k].value;
        char pred[EVAL_VALUE_MAX];
        int have = eval_pred_field(wrap, name, pred, sizeof pred);
        int right = have && eval_field_equal(name, truth, pred);
        int exact = 0, exact1 = 0, exact2 = 0; /* any, first reading's, another's (its reading) */
        double best = 0;
        for (size_t i = 0; i < cs.n && !exact1; i++) {
            char v[CAND_TEXT_MAX];
            cand_value(name, cs.c[i].text, v, sizeof v);
            if (eval_field_equal(name, truth, v)) {
                exact = 1;
                exact1 |= !cs.c[i].alt;
                exact2 = exact2 ? exact2 : cs.c[i].alt;
            }
            double s = eval_similarity(truth, cs.c[i].text);
            best = s > best ? s : best;
        }
        int present1 = eval_present_in(ocr, printed);
        int present2 = alt && eval_present_in(alt, printed);
        int present = present1 || present2;
        enum eval_errkind k = eval_errkind_of(right, have, exact, present, best);
        if (!right && !exact1 && !present1 && (exact2 || present2))
            t->second[f]++;
        t->second_exact[f] += (size_t)(!right && exact2 && !exact1);
        if (have && !right) {
            char a[EVAL_VALUE_MAX], b[EVAL_VALUE_MAX];
            no_spaces(truth, a, sizeof a);
            no_spaces(pred, b, sizeof b);
            t->spacing[f] += (size_t)(strcmp(a, b) == 0);
        }
        t->n[f][k]++;
        t->truth[f]++;
        const cJSON *fo = field_of(fields, name);
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItem(fo, "source"));
        /* missing counts as marked: the worker lists a field the extractor knows but did not
         * fill for review (missing_field) */
        int flagged = !fo || cJSON_IsTrue(cJSON_GetObjectItem(fo, "needs_review"));
        t->review_wrong[f] += (size_t)(flagged && !right);
        t->review_right[f] += (size_t)(flagged && right);
        if (src && strcmp(src, "memory") == 0) {
            t->memory[f]++;
            t->memory_wrong[f] += (size_t)!right;
        }
        if (verbose && k != EVAL_ERR_RIGHT)
            fprintf(stderr, "errkind %s %s %s want [%s] got%s [%s] closest %.2f%s\n", it->name,
                    name, eval_errkind_name(k), truth, src ? src : "", have ? pred : "", best,
                    exact2 == 3 && !exact1  ? " (a line-look candidate)"
                    : exact2 && !exact1     ? " (a second-reading candidate)"
                    : !present1 && present2 ? " (in the second reading)"
                                            : "");
    }
    cJSON_Delete(wrap);
    free(alt);
    cand_set_cleanup(&cs);
}

void eval_errkind_print(const struct eval_errtally *t, const struct eval_set *set, size_t labelled,
                        cJSON *out)
{
    size_t nf = set->n ? set->items[0].nfields : 0;
    printf("  errors by kind at %zu labelled (right; wrong with the value among the candidates: "
           "ranking, and no output though it was; ceiling: present in the OCR text but no "
           "candidate, present only with OCR errors (a candidate >= %.2f alike), nowhere; memory "
           "answers and of them wrong; wrong answers equal to the truth once every space is "
           "dropped; needs_review: wrong or missing answers marked (missing counts as marked), "
           "right ones marked; second reading: wrong answers whose truth only the second "
           "reading holds, and of them as a candidate's exact value)\n",
           labelled, EVAL_ERR_NEAR);
    printf("  %-9s %5s", "field", "truth");
    for (int k = 0; k < EVAL_ERR_NKINDS; k++)
        printf(" %9.9s", kind_names[k]);
    printf(" %6s %6s %7s %9s %9s %6s %9s\n", "memory", "wrong", "spacing", "rev_wrong", "rev_right",
           "second", "sec_exact");
    cJSON *arr = out ? cJSON_AddArrayToObject(out, "error_kinds") : NULL;
    for (size_t f = 0; f < nf && f < EVAL_MAX_FIELDS; f++) {
        printf("  %-9s %5zu", set->items[0].fields[f].name, t->truth[f]);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "field", set->items[0].fields[f].name);
        cJSON_AddNumberToObject(o, "truth", (double)t->truth[f]);
        for (int k = 0; k < EVAL_ERR_NKINDS; k++) {
            printf(" %9zu", t->n[f][k]);
            cJSON_AddNumberToObject(o, kind_names[k], (double)t->n[f][k]);
        }
        printf(" %6zu %6zu %7zu %9zu %9zu %6zu %9zu\n", t->memory[f], t->memory_wrong[f],
               t->spacing[f], t->review_wrong[f], t->review_right[f], t->second[f],
               t->second_exact[f]);
        cJSON_AddNumberToObject(o, "second_reading_only", (double)t->second[f]);
        cJSON_AddNumberToObject(o, "second_reading_exact", (double)t->second_exact[f]);
        cJSON_AddNumberToObject(o, "review_wrong", (double)t->review_wrong[f]);
        cJSON_AddNumberToObject(o, "review_right", (double)t->review_right[f]);
        cJSON_AddNumberToObject(o, "spacing_only", (double)t->spacing[f]);
        cJSON_AddNumberToObject(o, "memory", (double)t->memory[f]);
        cJSON_AddNumberToObject(o, "memory_wrong", (double)t->memory_wrong[f]);
        if (arr)
            cJSON_AddItemToArray(arr, o);
        else
            cJSON_Delete(o);
    }
}
