/* vendor.c -- the tenant's vendor memory: fuzzy name, VAT id and IBAN matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "vendor.h"

static const char *str(const cJSON *confirmed, const char *name)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(confirmed, name);
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "value"));
    return v ? v : cJSON_GetStringValue(o);
}

/* Upper case without spaces (ids). */
static void compact(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    for (; s && *s && k + 1 < outsz; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '-' || *s == '.')
            continue;
        out[k++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
    }
    out[k] = '\0';
}

dp_err vendor_add(struct vendor_list *l, const cJSON *confirmed)
{
    const char *company = str(confirmed, "company");
    if (!company)
        company = str(confirmed, "vendor");
    if (!company || !*company)
        return DP_OK;
    char a[VENDOR_TEXT_MAX], b[VENDOR_TEXT_MAX];
    align_norm(company, a, sizeof a);
    struct vendor *v = NULL;
    for (size_t i = 0; i < l->n && !v; i++) {
        align_norm(l->v[i].company, b, sizeof b);
        if (strcmp(a, b) == 0)
            v = &l->v[i];
    }
    if (!v) {
        if (l->n >= VENDOR_MAX)
            return DP_OK;
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 16;
            struct vendor *nv = realloc(l->v, cap * sizeof *nv);
            if (!nv)
                return DP_ENOMEM;
            l->v = nv;
            l->cap = cap;
        }
        v = &l->v[l->n++];
    }
    memset(v, 0, sizeof *v);
    snprintf(v->company, sizeof v->company, "%s", company); /* the confirmed spelling */
    const char *addr = str(confirmed, "address");
    if (addr)
        snprintf(v->address, sizeof v->address, "%s", addr);
    compact(str(confirmed, "vat_id"), v->vat_id, sizeof v->vat_id);
    compact(str(confirmed, "iban"), v->iban, sizeof v->iban);
    return DP_OK;
}

void vendor_list_cleanup(struct vendor_list *l)
{
    if (!l)
        return;
    free(l->v);
    memset(l, 0, sizeof *l);
}

int vendor_match(const struct vendor_list *l, const struct cand_set *s, size_t *cand, double *sim)
{
    int best = -1;
    double bs = 0;
    char ct[VENDOR_TEXT_MAX];
    for (size_t ci = 0; ci < s->n; ci++) {
        const char *t = s->c[ci].text;
        /* ids are looked for inside whole lines: an IBAN is printed in groups of four */
        int idline = s->c[ci].kind == 1 && strlen(t) < sizeof ct;
        if (idline)
            compact(t, ct, sizeof ct);
        for (size_t vi = 0; vi < l->n; vi++) {
            const struct vendor *v = &l->v[vi];
            double x = 0;
            if (idline && ((strlen(v->vat_id) >= 8 && strstr(ct, v->vat_id)) ||
                           (strlen(v->iban) >= 15 && strstr(ct, v->iban))))
                x = 1.0;
            else if (strlen(v->company) >= VENDOR_MIN_NAME)
                x = align_similarity("company", v->company, t,
                                     bs > VENDOR_MIN_SIM ? bs : VENDOR_MIN_SIM);
            else
                x = align_similarity("company", v->company, t, 0.999);
            if (x >= VENDOR_MIN_SIM && x > bs) {
                bs = x;
                best = (int)vi;
                *cand = ci;
            }
        }
    }
    *sim = bs;
    return best;
}

/* Replaces the unconfirmed field name by a memory field. */
static void set_field(cJSON *fields, const char *name, const char *value, const struct cand *c,
                      const char *text, double conf)
{
    cJSON *it = fields->child;
    while (it) {
        cJSON *next = it->next;
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "source"));
        if (n && strcmp(n, name) == 0) {
            if (src && strcmp(src, "confirmed") == 0)
                return;
            cJSON_Delete(cJSON_DetachItemViaPointer(fields, it));
        }
        it = next;
    }
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "name", name);
    cJSON_AddStringToObject(f, "value", value);
    cJSON_AddStringToObject(f, "text", text);
    cJSON_AddNumberToObject(f, "confidence", (double)(int)(conf * 1000 + 0.5) / 1000);
    if (c) {
        int box[4] = {c->x, c->y, c->w, c->h};
        cJSON_AddNumberToObject(f, "page", (double)c->page + 1);
        cJSON_AddItemToObject(f, "bbox", cJSON_CreateIntArray(box, 4));
    } else {
        cJSON_AddNullToObject(f, "page");
        cJSON_AddNullToObject(f, "bbox");
    }
    cJSON_AddBoolToObject(f, "valid", 1);
    cJSON_AddStringToObject(f, "source", "memory");
    cJSON_AddItemToArray(fields, f);
}

int vendor_apply(const struct vendor_list *l, const struct cand_set *s, cJSON *fields)
{
    size_t ci = 0;
    double sim = 0;
    int vi = vendor_match(l, s, &ci, &sim);
    if (vi < 0 || !cJSON_IsArray(fields))
        return 0;
    const struct vendor *v = &l->v[vi];
    set_field(fields, "company", v->company, &s->c[ci], s->c[ci].text, sim);
    if (v->address[0])
        set_field(fields, "address", v->address, NULL, v->address, sim);
    return 1;
}
