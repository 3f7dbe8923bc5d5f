/* extract_alt.c -- fields from a page's second reading (common/altread.h): the fields of the
 * first reading stand; the page as its alternate lines have it fills the fields the first
 * reading lacks or reads invalid, at a small confidence penalty. */
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "extract.h"

/* Names reported once per distinct value: not filled from the second reading. */
static int multi_valued(const char *name)
{
    return strcmp(name, "email") == 0 || strcmp(name, "phone") == 0 || strcmp(name, "url") == 0;
}

static cJSON *field_named(cJSON *fields, const char *name)
{
    cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        if (n && strcmp(n, name) == 0)
            return f;
    }
    return NULL;
}

static double conf_of(const cJSON *f)
{
    const cJSON *c = cJSON_GetObjectItem(f, "confidence");
    return cJSON_IsNumber(c) ? c->valuedouble : 0.0;
}

/* Whether the second reading's field f (penalised) should stand for the first's, have. */
static int better(const cJSON *have, const cJSON *f)
{
    if (!have)
        return 1;
    int valid = cJSON_IsTrue(cJSON_GetObjectItem(f, "valid"));
    if (!cJSON_IsTrue(cJSON_GetObjectItem(have, "valid")))
        return valid;
    /* both valid, other values: the surer reading (a total of 1320 read unsure from "13.20") */
    return valid &&
           !cJSON_Compare(cJSON_GetObjectItem(have, "value"), cJSON_GetObjectItem(f, "value"), 1) &&
           conf_of(f) * EXTRACT_ALT_PENALTY >= conf_of(have) + EXTRACT_ALT_MARGIN;
}

/* Moves into fields what alt_fields adds: a field of a name fields lacks, a valid one where
 * fields has it invalid, or another valid value read surer. Returns how many were taken. */
static size_t merge(cJSON *fields, cJSON *alt_fields)
{
    size_t taken = 0;
    cJSON *f = alt_fields ? alt_fields->child : NULL;
    while (f) {
        cJSON *next = f->next;
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        cJSON *have = name ? field_named(fields, name) : NULL;
        int take = name && !multi_valued(name) && better(have, f);
        if (take) {
            cJSON *conf = cJSON_GetObjectItem(f, "confidence");
            if (cJSON_IsNumber(conf))
                cJSON_SetNumberValue(
                    conf,
                    (double)(int)(conf->valuedouble * EXTRACT_ALT_PENALTY * 100.0 + 0.5) / 100.0);
            cJSON_AddStringToObject(f, "reading", "alternate");
            cJSON_DetachItemViaPointer(alt_fields, f);
            if (have)
                cJSON_ReplaceItemViaPointer(fields, have, f);
            else
                cJSON_AddItemToArray(fields, f);
            taken++;
        }
        f = next;
    }
    return taken;
}

dp_err extract_fields_alt(const struct extractor *ex, const struct dp_doc_text *doc,
                          const struct extract_opts *opts, cJSON **out)
{
    dp_err err = extract_fields(ex, doc, opts, out);
    size_t nalt = 0;
    if (err)
        return err;
    for (size_t i = 0; i < doc->npages; i++)
        nalt += doc->pages[i].nalt;
    if (!nalt)
        return DP_OK;
    /* the document as the second reading has it: pages with alternates rebuilt, the others
     * borrowed (own[i] = 0) */
    struct dp_doc_text v = {0};
    unsigned char *own = calloc(doc->npages, 1);
    cJSON *alt_fields = NULL;
    err = DP_ENOMEM;
    if (!own || !(v.pages = calloc(doc->npages, sizeof *v.pages)))
        goto out;
    v.npages = doc->npages;
    for (size_t i = 0; i < doc->npages; i++) {
        if (!doc->pages[i].nalt) {
            v.pages[i] = doc->pages[i];
            continue;
        }
        if ((err = altread_variant(&doc->pages[i], &v.pages[i])))
            goto out;
        own[i] = 1;
    }
    if ((err = extract_fields(ex, &v, opts, &alt_fields)))
        goto out;
    merge(*out, alt_fields);
    err = DP_OK;
out:
    for (size_t i = 0; v.pages && i < v.npages; i++)
        if (own[i])
            page_cleanup(&v.pages[i]);
    free(v.pages);
    free(own);
    cJSON_Delete(alt_fields);
    if (err) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    return err;
}
