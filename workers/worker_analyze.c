/* worker_analyze.c -- after reading: classify the document and extract typed fields. */
#include <stdio.h>
#include <string.h>
#include "log.h"
#include "worker.h"

dp_err worker_analyze_init(struct worker *w)
{
    w->classes = clsstore_cache_new(CLSSTORE_CACHE_TENANTS);
    if (!w->classes)
        return DP_ENOMEM;
    dp_err rc = barcode_scanner_new(&w->barcodes);
    return rc ? rc : extractor_new(&w->extractor);
}

void worker_analyze_cleanup(struct worker *w)
{
    clsstore_cache_free(w->classes);
    extractor_free(w->extractor);
    barcode_scanner_free(w->barcodes);
    w->barcodes = NULL;
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

dp_err worker_analyze(struct worker *w, const char *tenant, const char *pipeline,
                      const struct dp_doc_text *doc, const char *text, cJSON *result)
{
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
        if (extract_fields(w->extractor, doc, &opts, &fields) == DP_OK && fields)
            cJSON_AddItemToObject(result, "fields", fields);
        worker_invoice(doc, text, result);
    }
    return DP_OK;
}
