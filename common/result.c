/* result.c -- JSON encoding of read documents. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "altread.h"
#include "form.h"
#include "layout.h"
#include "result.h"
#include "table.h"

static double round3(double v)
{
    return round(v * 1000.0) / 1000.0;
}

cJSON *result_field(const char *name, cJSON *value, const char *text, double confidence, int page,
                    const int bbox[4], int valid, const char *source)
{
    cJSON *f = value ? cJSON_CreateObject() : NULL;
    if (!f) {
        cJSON_Delete(value);
        return NULL;
    }
    cJSON_AddStringToObject(f, "name", name);
    cJSON_AddItemToObject(f, "value", value);
    cJSON_AddStringToObject(f, "text", text);
    cJSON_AddNumberToObject(f, "confidence", confidence);
    if (page >= 1)
        cJSON_AddNumberToObject(f, "page", page);
    else
        cJSON_AddNullToObject(f, "page");
    cJSON_AddItemToObject(f, "bbox", bbox ? cJSON_CreateIntArray(bbox, 4) : cJSON_CreateNull());
    cJSON_AddBoolToObject(f, "valid", valid != 0);
    /* cJSON's Add* do not report failure: check the last one landed */
    if (!cJSON_AddStringToObject(f, "source", source)) {
        cJSON_Delete(f);
        return NULL;
    }
    return f;
}

double result_garbage_ratio(const char *text)
{
    size_t total = 0, bad = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\f')
            continue;
        total++;
        if (*p >= 0x80) {
            /* count a UTF-8 sequence once, as a letter (accents, currency signs) */
            if ((*p & 0xC0) == 0x80)
                total--;
            continue;
        }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            continue;
        if (strchr(".,:;-/()'\"%&$#@!?+*=", *p))
            continue;
        bad++;
    }
    return total ? (double)bad / (double)total : 0.0;
}

/* pages[].alt_lines: the second reading's lines where it differs from the first (page.h):
 * [{"text", "conf", "bbox", "line", "reading"}], line the line of `words` it stands for or -1,
 * reading 2 (the second reading) or 3 (a receipt's line look, altread.h). */
static cJSON *alt_lines_json(const struct dp_page *p)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < p->nalt;) {
        size_t j = i, len = 1;
        int x0 = p->alt[i].x, y0 = p->alt[i].y, x1 = x0 + p->alt[i].w, y1 = y0 + p->alt[i].h;
        double conf = 0;
        for (; j < p->nalt && p->alt[j].block == p->alt[i].block; j++) {
            const struct dp_word *w = &p->alt[j];
            len += strlen(w->text) + 1;
            conf += w->conf;
            x0 = w->x < x0 ? w->x : x0;
            y0 = w->y < y0 ? w->y : y0;
            x1 = w->x + w->w > x1 ? w->x + w->w : x1;
            y1 = w->y + w->h > y1 ? w->y + w->h : y1;
        }
        char *t = malloc(len), *q = t;
        cJSON *o = cJSON_CreateObject();
        if (!t || !o) {
            free(t);
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
        for (size_t k = i; k < j; k++) {
            size_t n = strlen(p->alt[k].text);
            if (k > i)
                *q++ = ' ';
            memcpy(q, p->alt[k].text, n);
            q += n;
        }
        *q = '\0';
        cJSON_AddStringToObject(o, "text", t);
        free(t);
        cJSON_AddNumberToObject(o, "conf", round3(conf / (double)(j - i) / 100.0));
        int box[4] = {x0, y0, x1 - x0, y1 - y0};
        cJSON_AddItemToObject(o, "bbox", cJSON_CreateIntArray(box, 4));
        cJSON_AddNumberToObject(o, "line", p->alt[i].line);
        cJSON_AddNumberToObject(o, "reading", altread_reading(&p->alt[i]));
        cJSON_AddItemToArray(arr, o);
        i = j;
    }
    return arr;
}

cJSON *result_encode_page(const struct dp_page *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    double conf = round3(p->conf / 100.0);
    double garbage = round3(result_garbage_ratio(p->text ? p->text : ""));
    cJSON_AddNumberToObject(o, "number", p->number);
    cJSON_AddNumberToObject(o, "width", p->width);
    cJSON_AddNumberToObject(o, "height", p->height);
    cJSON_AddNumberToObject(o, "dpi", p->dpi);
    cJSON_AddNumberToObject(o, "rotation", p->rotation);
    cJSON_AddStringToObject(o, "source", p->source == DP_SRC_TEXT_LAYER ? "text_layer" : "ocr");
    cJSON_AddNumberToObject(o, "confidence", conf);
    cJSON *q = cJSON_AddObjectToObject(o, "quality");
    cJSON_AddNumberToObject(q, "mean_confidence", conf);
    cJSON_AddNumberToObject(q, "garbage_ratio", garbage);
    cJSON_AddBoolToObject(q, "needs_review",
                          p->nwords == 0 || conf < RESULT_REVIEW_CONF ||
                              garbage > RESULT_REVIEW_GARBAGE);
    if (p->source == DP_SRC_OCR) {
        cJSON_AddNumberToObject(q, "mean_confidence_before", round3(p->conf_before / 100.0));
        cJSON *rl = cJSON_AddArrayToObject(q, "reread_lines");
        for (size_t i = 0; i < p->nreread; i++)
            cJSON_AddItemToArray(rl, cJSON_CreateNumber(p->reread[i]));
        cJSON_AddNumberToObject(q, "lines_replaced", (double)p->nreplaced);
        cJSON_AddBoolToObject(q, "second_reading", p->read_twice);
        if (p->psm)
            cJSON_AddNumberToObject(o, "psm", p->psm);
        if (p->scale > 0)
            cJSON_AddNumberToObject(o, "ocr_scale", round3(p->scale));
        if (p->lang[0])
            cJSON_AddStringToObject(o, "lang", p->lang);
        if (p->script[0])
            cJSON_AddStringToObject(o, "script", p->script);
        cJSON_AddBoolToObject(o, "damaged", p->damaged);
    }
    cJSON_AddStringToObject(o, "text", p->text ? p->text : "");
    cJSON *words = cJSON_AddArrayToObject(o, "words");
    for (size_t i = 0; i < p->nwords; i++) {
        const struct dp_word *w = &p->words[i];
        cJSON *jw = cJSON_CreateObject();
        cJSON_AddStringToObject(jw, "text", w->text);
        cJSON_AddNumberToObject(jw, "conf", round3(w->conf / 100.0));
        int box[4] = {w->x, w->y, w->w, w->h};
        cJSON_AddItemToObject(jw, "bbox", cJSON_CreateIntArray(box, 4));
        cJSON_AddNumberToObject(jw, "line", w->line);
        cJSON_AddItemToArray(words, jw);
    }
    if (p->source == DP_SRC_OCR) {
        cJSON *alt = alt_lines_json(p);
        cJSON_AddItemToObject(o, "alt_lines", alt ? alt : cJSON_CreateArray());
    }
    cJSON *tables = cJSON_AddArrayToObject(o, "tables");
    for (size_t i = 0; i < p->ntables; i++)
        cJSON_AddItemToArray(tables, table_json(&p->tables[i]));
    cJSON *blocks = layout_json(p);
    cJSON_AddItemToObject(o, "blocks", blocks ? blocks : cJSON_CreateArray());
    cJSON *kvs = cJSON_AddArrayToObject(o, "key_values");
    for (size_t i = 0; i < p->nkvs; i++)
        cJSON_AddItemToArray(kvs, form_kv_json(&p->kvs[i]));
    cJSON *marks = cJSON_AddArrayToObject(o, "selection_marks");
    for (size_t i = 0; i < p->nmarks; i++)
        cJSON_AddItemToArray(marks, form_mark_json(&p->marks[i]));
    cJSON *codes = cJSON_AddArrayToObject(o, "barcodes");
    for (size_t i = 0; i < p->nbarcodes; i++) {
        const struct dp_barcode *b = &p->barcodes[i];
        cJSON *jb = cJSON_CreateObject();
        cJSON_AddStringToObject(jb, "type", b->type);
        cJSON_AddStringToObject(jb, "text", b->text);
        int box[4] = {b->x, b->y, b->w, b->h};
        cJSON_AddItemToObject(jb, "bbox", cJSON_CreateIntArray(box, 4));
        cJSON_AddItemToArray(codes, jb);
    }
    return o;
}

char *result_join_text(const struct dp_doc_text *doc)
{
    size_t len = 1;
    for (size_t i = 0; i < doc->npages; i++)
        len += (doc->pages[i].text ? strlen(doc->pages[i].text) : 0) + 1;
    char *out = malloc(len), *p = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < doc->npages; i++) {
        if (i)
            *p++ = '\f';
        size_t n = doc->pages[i].text ? strlen(doc->pages[i].text) : 0;
        if (n)
            memcpy(p, doc->pages[i].text, n);
        p += n;
    }
    *p = '\0';
    return out;
}

cJSON *result_encode(const struct dp_doc_text *doc)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON *pages = cJSON_AddArrayToObject(o, "pages");
    int review = 0;
    for (size_t i = 0; i < doc->npages; i++) {
        cJSON *p = result_encode_page(&doc->pages[i]);
        cJSON *q = cJSON_GetObjectItem(p, "quality");
        review |= cJSON_IsTrue(cJSON_GetObjectItem(q, "needs_review"));
        cJSON_AddItemToArray(pages, p);
    }
    char *text = result_join_text(doc);
    cJSON_AddStringToObject(o, "text", text ? text : "");
    free(text);
    cJSON_AddBoolToObject(o, "needs_review", review);
    for (size_t i = 0; i < doc->npages; i++)
        if (doc->pages[i].lang_detected[0]) {
            const struct dp_page *p = &doc->pages[i];
            cJSON_AddStringToObject(o, "language", p->lang_detected);
            if (strcmp(p->lang_detected, "unknown") == 0) {
                char msg[160];
                snprintf(msg, sizeof msg,
                         "page %d is in %s script, which no installed language pack reads: it "
                         "was read as English",
                         p->number, p->script[0] ? p->script : "another");
                cJSON *warn = cJSON_AddArrayToObject(o, "warnings");
                cJSON_AddItemToArray(warn, cJSON_CreateString(msg));
            }
            break;
        }
    return o;
}

char *result_join_hocr(const struct dp_doc_text *doc)
{
    static const char head[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
        "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n<head>\n"
        "<title>docproc</title>\n"
        "<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
        "<meta name=\"ocr-system\" content=\"docproc (tesseract)\"/>\n"
        "<meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line "
        "ocrx_word ocrp_wconf\"/>\n</head>\n<body>\n";
    static const char tail[] = "</body>\n</html>\n";
    size_t len = sizeof head + sizeof tail;
    for (size_t i = 0; i < doc->npages; i++)
        len += doc->pages[i].hocr ? strlen(doc->pages[i].hocr) : 0;
    char *out = malloc(len), *p = out;
    if (!out)
        return NULL;
    memcpy(p, head, sizeof head - 1);
    p += sizeof head - 1;
    for (size_t i = 0; i < doc->npages; i++) {
        size_t n = doc->pages[i].hocr ? strlen(doc->pages[i].hocr) : 0;
        if (n)
            memcpy(p, doc->pages[i].hocr, n);
        p += n;
    }
    memcpy(p, tail, sizeof tail);
    return out;
}
