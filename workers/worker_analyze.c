/* worker_analyze.c -- after reading: classify the document and extract typed fields. */
#include <stdio.h>
#include <string.h>
#include "langdetect.h"
#include "log.h"
#include "review.h"
#include "worker.h"

dp_err worker_analyze_init(struct worker *w)
{
    w->classes = clsstore_cache_new(CLSSTORE_CACHE_TENANTS);
    w->fields = xstore_cache_new();
    if (!w->classes || !w->fields)
        return DP_ENOMEM;
    dp_err rc = barcode_scanner_new(&w->barcodes);
    if (rc)
        return rc;
    /* Key-value pairing: the configured model file, else the built-in model; one that cannot
     * be used leaves the hand rules (logged), never a failed start. */
    if (w->cfg.kv_model_file[0]) {
        dp_err e = form_model_load(w->cfg.kv_model_file, &w->kv_own);
        if (e)
            log_kv(LOG_ERROR, "kv model: cannot use the file, pairing by rules", "file",
                   w->cfg.kv_model_file, "error", dp_strerror(e), NULL);
        w->kvm = w->kv_own;
    } else {
        w->kvm = form_model_builtin();
    }
    return extractor_new(&w->extractor);
}

void worker_analyze_cleanup(struct worker *w)
{
    clsstore_cache_free(w->classes);
    xstore_cache_free(w->fields);
    extractor_free(w->extractor);
    barcode_scanner_free(w->barcodes);
    form_model_free(w->kv_own);
    w->kv_own = NULL;
    w->kvm = NULL;
    w->barcodes = NULL;
    w->fields = NULL;
    w->classes = NULL;
    w->extractor = NULL;
}

static int has_step(const char *pipeline, const char *step)
{
    size_t n = strlen(step);
    for (const char *p = pipeline; (p = strstr(p, step)) != NULL; p += n)
        if ((p == pipeline || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* {"label","confidence","scores":{...},"model_version","model"} from a prediction. */
static cJSON *class_json(const struct classify_result *cr, const char *model)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", cr->label);
    cJSON_AddNumberToObject(o, "confidence", (double)(int)(cr->confidence * 1000 + 0.5) / 1000);
    cJSON *scores = cJSON_AddObjectToObject(o, "scores");
    for (size_t i = 0; i < cr->nscores; i++)
        cJSON_AddNumberToObject(scores, cr->scores[i].label,
                                (double)(int)(cr->scores[i].prob * 1000 + 0.5) / 1000);
    cJSON_AddNumberToObject(o, "model_version", cr->model_version);
    cJSON_AddStringToObject(o, "model", model);
    return o;
}

/* Every field gets its source and, below its threshold, needs_review; the document needs
 * review when a page read poorly, a field is unsure, a check failed or a field the tenant's
 * extractor knows is missing ("review_reasons"). */
static void mark_review(cJSON *result, const cJSON *missing)
{
    cJSON *reasons = cJSON_CreateArray();
    if (cJSON_IsTrue(cJSON_GetObjectItem(result, "needs_review")))
        cJSON_AddItemToArray(reasons, cJSON_CreateString("low_quality_page"));
    cJSON *fields = cJSON_GetObjectItem(result, "fields");
    if (fields && review_mark_fields(fields, REVIEW_FIELD_THRESHOLD) > 0)
        cJSON_AddItemToArray(reasons, cJSON_CreateString("low_confidence_field"));
    const cJSON *chk;
    int failed = 0;
    cJSON_ArrayForEach(chk, cJSON_GetObjectItem(result, "checks"))
    {
        failed |= cJSON_IsFalse(cJSON_GetObjectItem(chk, "ok"));
    }
    if (failed)
        cJSON_AddItemToArray(reasons, cJSON_CreateString("failed_check"));
    if (cJSON_GetArraySize(missing) > 0) {
        cJSON_AddItemToArray(reasons, cJSON_CreateString("missing_field"));
        cJSON_AddItemToObject(result, "missing_fields", cJSON_Duplicate(missing, 1));
    }
    cJSON_DeleteItemFromObject(result, "needs_review");
    cJSON_AddBoolToObject(result, "needs_review", cJSON_GetArraySize(reasons) > 0);
    cJSON_AddItemToObject(result, "review_reasons", reasons);
}

/* The document's language for the extractors: what lang=auto found on the OCR pages, else
 * what the words of the whole text say (PDF text layers, an explicit lang); NULL = unknown.
 * Static or borrowed from doc. */
static const char *doc_language(const struct dp_doc_text *doc, const char *text)
{
    for (size_t i = 0; i < doc->npages; i++)
        if (doc->pages[i].lang_detected[0])
            return strcmp(doc->pages[i].lang_detected, "unknown") == 0
                       ? NULL
                       : doc->pages[i].lang_detected;
    return langdetect_guess(text, strlen(text), NULL);
}

dp_err worker_analyze(struct worker *w, const char *tenant, const char *pipeline,
                      const struct dp_doc_text *doc, const char *text, cJSON *result)
{
    cJSON *missing = NULL;
    if (has_step(pipeline, "classify")) {
        struct classify_result cr;
        const char *model = "builtin";
        dp_err rc =
            clsstore_classify(w->classes, w->redis, tenant, doc, text, strlen(text), &cr, &model);
        if (rc == DP_EREDIS)
            return rc;
        if (rc == DP_OK)
            cJSON_AddItemToObject(result, "class", class_json(&cr, model));
    }
    if (has_step(pipeline, "extract")) {
        cJSON *fields = NULL;
        struct extract_opts opts = {0};
        opts.lang = doc_language(doc, text);
        /* the language the labels were read in, when the reading did not already say */
        if (opts.lang && !cJSON_GetObjectItem(result, "language"))
            cJSON_AddStringToObject(result, "language", opts.lang);
        if (extract_fields_alt(w->extractor, doc, &opts, &fields) != DP_OK || !fields)
            fields = cJSON_CreateArray();
        cJSON_AddItemToObject(result, "fields", fields);
        review_mark_fields(fields, REVIEW_FIELD_THRESHOLD); /* rules' fields: source, review */
        unsigned version = 0;
        dp_err rc = xstore_apply(w->fields, w->redis, tenant, doc, fields, &missing, &version);
        if (rc == DP_EREDIS) {
            cJSON_Delete(missing);
            return rc;
        }
        if (version) /* which of the tenant's extractors read it */
            cJSON_AddNumberToObject(result, "extractor_version", version);
        worker_invoice(doc, text, result); /* XML, QR codes, line items, checks */
    }
    mark_review(result, missing);
    cJSON_Delete(missing);
    return DP_OK;
}
