/* worker_invoice.c -- the invoice layer of a result: e-invoice XML fields and line items, line
 * items found on the pages, and the checks that decide whether a person must look. */
#include <stdlib.h>
#include <string.h>
#include "checks.h"
#include "einvoice.h"
#include "lineitems.h"
#include "log.h"
#include "paycode.h"
#include "worker.h"

/* Replaces rule fields by the XML's fields of the same name; keeps the others. */
static void merge_fields(cJSON *fields, cJSON *xml_fields)
{
    cJSON *x;
    cJSON_ArrayForEach(x, xml_fields)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "name"));
        for (int i = cJSON_GetArraySize(fields) - 1; name && i >= 0; i--) {
            const char *n = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(fields, i), "name"));
            if (n && strcmp(n, name) == 0)
                cJSON_DeleteItemFromArray(fields, i);
        }
    }
    while (cJSON_GetArraySize(xml_fields) > 0)
        cJSON_AddItemToArray(fields, cJSON_DetachItemFromArray(xml_fields, 0));
}

static void add_failed(cJSON *checks, const char *name, const char *detail)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddFalseToObject(c, "ok");
    cJSON_AddStringToObject(c, "detail", detail);
    cJSON_AddItemToArray(checks, c);
}

/* An XML upload has no text to classify: it is an invoice (a credit note for UNTDID type
 * codes 381 and 396), said with full confidence by the "xml" model. Only when a class was
 * asked for. */
static void classify_xml_upload(const struct dp_doc_text *doc, cJSON *result)
{
    cJSON *cls = cJSON_GetObjectItemCaseSensitive(result, "class");
    if (doc->npages > 0 || !cls)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", "invoice");
    cJSON_AddNumberToObject(o, "confidence", 1);
    cJSON_AddItemToObject(o, "scores", cJSON_CreateObject());
    cJSON_AddNumberToObject(o, "model_version", 0);
    cJSON_AddStringToObject(o, "model", "xml");
    cJSON_ReplaceItemInObjectCaseSensitive(result, "class", o);
}

void worker_invoice(const struct dp_doc_text *doc, const char *text, cJSON *result)
{
    cJSON *fields = cJSON_GetObjectItemCaseSensitive(result, "fields");
    cJSON *items = NULL, *taxes = NULL, *checks = cJSON_CreateArray(), *vs = NULL;
    if (!fields)
        fields = cJSON_AddArrayToObject(result, "fields");
    if (!fields || !checks)
        goto out;
    cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (!cJSON_GetObjectItemCaseSensitive(f, "source"))
            cJSON_AddStringToObject(f, "source", "rules"); /* read from the text */
    }
    /* payment QR codes (exact: they replace what the rules read from the text) */
    for (size_t p = 0; p < doc->npages; p++)
        for (size_t b = 0; b < doc->pages[p].nbarcodes; b++) {
            const struct dp_barcode *bc = &doc->pages[p].barcodes[b];
            struct paycode pc;
            if (paycode_parse(bc->text, strlen(bc->text), &pc) != DP_OK)
                continue;
            cJSON *qf = cJSON_CreateArray();
            int box[4] = {bc->x, bc->y, bc->w, bc->h};
            paycode_fields(&pc, doc->pages[p].number, box, qf);
            merge_fields(fields, qf);
            cJSON_Delete(qf);
        }
    if (doc->xml) {
        struct einvoice *inv = NULL;
        dp_err rc = einvoice_parse(doc->xml, doc->xml_len, &inv);
        if (rc) {
            add_failed(checks, "xml_parse",
                       rc == DP_ETOOBIG ? "the invoice XML is over the size cap"
                                        : "the invoice XML is not a readable CII or UBL invoice");
        } else {
            cJSON *xf = einvoice_fields(inv, doc->xml_source);
            items = einvoice_line_items(inv, doc->xml_source);
            taxes = einvoice_taxes(inv);
            if (xf) {
                vs = checks_xml_vs_text(xf, text);
                merge_fields(fields, xf);
            }
            cJSON_Delete(xf);
            classify_xml_upload(doc, result);
        }
        einvoice_free(inv);
    }
    if (!items)
        items = lineitems_find(doc, fields);
    cJSON *run = checks_run(fields, items, taxes);
    while (run && cJSON_GetArraySize(run) > 0)
        cJSON_AddItemToArray(checks, cJSON_DetachItemFromArray(run, 0));
    cJSON_Delete(run);
    if (vs)
        cJSON_AddItemToArray(checks, vs);
    vs = NULL;
    cJSON_AddItemToObject(result, "line_items", items ? items : cJSON_CreateArray());
    items = NULL;
    cJSON_AddItemToObject(result, "checks", checks);
    checks = NULL;
out:
    cJSON_Delete(items);
    cJSON_Delete(taxes);
    cJSON_Delete(checks);
    cJSON_Delete(vs);
}
