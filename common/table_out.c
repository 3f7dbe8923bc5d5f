/* table_out.c -- tables out: ownership, grid look-up, JSON and RFC 4180 CSV. */
#include <stdlib.h>
#include <string.h>
#include "table.h"

void table_cleanup(struct table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i].text);
    free(t->cells);
    t->cells = NULL;
    t->ncells = 0;
}

void table_list_free(struct table *t, size_t n)
{
    if (!t)
        return;
    for (size_t i = 0; i < n; i++)
        table_cleanup(&t[i]);
    free(t);
}

const struct table_cell *table_cell_at(const struct table *t, int row, int col)
{
    for (size_t i = 0; i < t->ncells; i++) {
        const struct table_cell *c = &t->cells[i];
        if (row >= c->row && row < c->row + c->row_span && col >= c->col &&
            col < c->col + c->col_span)
            return c;
    }
    return NULL;
}

/* ---- JSON ---- */

static cJSON *box_json(const struct table_box *b)
{
    int v[4] = {b->x, b->y, b->w, b->h};
    return cJSON_CreateIntArray(v, 4);
}

cJSON *table_json(const struct table *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *cells = o ? cJSON_AddArrayToObject(o, "cells") : NULL;
    if (!cells) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "bbox", box_json(&t->bbox));
    cJSON_AddNumberToObject(o, "rows", t->rows);
    cJSON_AddNumberToObject(o, "cols", t->cols);
    cJSON_AddBoolToObject(o, "ruled", t->ruled);
    cJSON_AddNumberToObject(o, "header_rows", t->header_rows);
    for (size_t i = 0; i < t->ncells; i++) {
        const struct table_cell *c = &t->cells[i];
        cJSON *jc = cJSON_CreateObject();
        if (!jc)
            break;
        cJSON_AddNumberToObject(jc, "row", c->row);
        cJSON_AddNumberToObject(jc, "col", c->col);
        cJSON_AddNumberToObject(jc, "row_span", c->row_span);
        cJSON_AddNumberToObject(jc, "col_span", c->col_span);
        cJSON_AddStringToObject(jc, "text", c->text ? c->text : "");
        cJSON_AddItemToObject(jc, "bbox", box_json(&c->bbox));
        cJSON_AddBoolToObject(jc, "header", c->header);
        cJSON_AddItemToArray(cells, jc);
    }
    return o;
}

/* ---- CSV ---- */

/* A growable output buffer. */
struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap : 256);
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_field(struct sbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        put(b, s, strlen(s));
        return;
    }
    put(b, "\"", 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        put(b, s, (size_t)(q - s));
        put(b, "\"\"", 2);
    }
    put(b, s, strlen(s));
    put(b, "\"", 1);
}

/* Writes rows x cols records; text_at(ctx, r, c) is the text to put in slot (r, c). */
static char *csv_grid(int rows, int cols, const char *(*text_at)(const void *, int, int),
                      const void *ctx)
{
    struct sbuf b = {0};
    put(&b, "", 0);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            if (c)
                put(&b, ",", 1);
            put_field(&b, text_at(ctx, r, c));
        }
        put(&b, "\r\n", 2);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static const char *struct_text_at(const void *ctx, int r, int c)
{
    const struct table_cell *cell = table_cell_at(ctx, r, c);
    return cell && cell->row == r && cell->col == c && cell->text ? cell->text : "";
}

char *table_csv(const struct table *t)
{
    return csv_grid(t->rows, t->cols, struct_text_at, t);
}

/* A grid of borrowed texts built from a table's JSON object. */
struct json_grid {
    int rows, cols;
    const char **slot; /* rows * cols, NULL = empty */
};

static const char *json_text_at(const void *ctx, int r, int c)
{
    const struct json_grid *g = ctx;
    const char *s = g->slot[(size_t)r * (size_t)g->cols + (size_t)c];
    return s ? s : "";
}

static int json_int(const cJSON *o, const char *name, int lo, int hi, int *out)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi)
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

char *table_csv_json(const cJSON *table)
{
    struct json_grid g = {0};
    if (json_int(table, "rows", 0, TABLE_MAX_ROWS, &g.rows) ||
        json_int(table, "cols", 0, TABLE_MAX_COLS, &g.cols))
        return NULL;
    g.slot = calloc((size_t)g.rows * (size_t)g.cols + 1, sizeof *g.slot);
    if (!g.slot)
        return NULL;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(table, "cells"))
    {
        int r, k;
        const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(c, "text"));
        if (!text || json_int(c, "row", 0, g.rows - 1, &r) || json_int(c, "col", 0, g.cols - 1, &k))
            continue;
        g.slot[(size_t)r * (size_t)g.cols + (size_t)k] = text;
    }
    char *out = csv_grid(g.rows, g.cols, json_text_at, &g);
    free(g.slot);
    return out;
}
