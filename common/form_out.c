/* form_out.c -- key-value pairs and selection marks out: ownership and JSON. */
#include <stdlib.h>
#include "form.h"

void form_kv_list_free(struct form_kv *kv, size_t n)
{
    if (!kv)
        return;
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key.text);
        free(kv[i].value.text);
    }
    free(kv);
}

void form_mark_list_free(struct form_mark *m, size_t n)
{
    if (!m)
        return;
    for (size_t i = 0; i < n; i++)
        free(m[i].label);
    free(m);
}

static cJSON *box_json(const struct table_box *b)
{
    int v[4] = {b->x, b->y, b->w, b->h};
    return cJSON_CreateIntArray(v, 4);
}

static cJSON *text_json(const struct form_text *t)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "text", t->text ? t->text : "");
    cJSON_AddItemToObject(o, "bbox", box_json(&t->bbox));
    return o;
}

cJSON *form_kv_json(const struct form_kv *kv)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "key", text_json(&kv->key));
    cJSON_AddItemToObject(o, "value", kv->has_value ? text_json(&kv->value) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "confidence", (double)(int)(kv->confidence * 1000 + 0.5) / 1000);
    if (kv->mark >= 0)
        cJSON_AddNumberToObject(o, "selection_mark", kv->mark);
    return o;
}

cJSON *form_mark_json(const struct form_mark *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "bbox", box_json(&m->bbox));
    cJSON_AddStringToObject(o, "state", m->state == FORM_SELECTED ? "selected" : "unselected");
    cJSON_AddStringToObject(o, "kind", m->round ? "radio" : "checkbox");
    cJSON_AddStringToObject(o, "label", m->label ? m->label : "");
    return o;
}
