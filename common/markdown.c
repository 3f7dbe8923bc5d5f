/* markdown.c -- a finished document as Markdown (see markdown.h). */
#include <stdlib.h>
#include <string.h>
#include "markdown.h"

/* ---- output buffer ---- */

struct mdbuf {
    char *p;
    size_t len, alloc, cap;
    dp_err err;
};

static void put(struct mdbuf *b, const char *s, size_t n)
{
    if (b->err)
        return;
    if (n > b->cap - b->len) {
        b->err = DP_ETOOBIG;
        return;
    }
    if (b->len + n + 1 > b->alloc) {
        size_t na = b->alloc ? b->alloc : 4096;
        while (na < b->len + n + 1)
            na *= 2;
        char *np = realloc(b->p, na);
        if (!np) {
            b->err = DP_ENOMEM;
            return;
        }
        b->p = np;
        b->alloc = na;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct mdbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Text with what would change the Markdown structure escaped: '|' in table cells, a leading
 * '#', '>' or list marker in a paragraph; newlines become spaces. */
static void put_text(struct mdbuf *b, const char *s, int cell)
{
    if (!cell && (s[0] == '#' || s[0] == '>'))
        put(b, "\\", 1);
    for (; *s; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t')
            put(b, " ", 1);
        else if (cell && *s == '|')
            put(b, "\\|", 2);
        else
            put(b, s, 1);
    }
}

/* ---- lists ---- */

size_t markdown_list_marker(const char *s, int *ordered)
{
    static const char *const bullets[] = {"-",
                                          "*",
                                          "+",
                                          "\xe2\x80\xa2" /* • */,
                                          "\xc2\xb7" /* · */,
                                          "\xe2\x80\x93" /* – */,
                                          "\xe2\x96\xaa" /* ▪ */,
                                          "\xe2\x96\xa0" /* ■ */};
    *ordered = 0;
    for (size_t i = 0; i < sizeof bullets / sizeof bullets[0]; i++) {
        size_t n = strlen(bullets[i]);
        if (!strncmp(s, bullets[i], n) && s[n] == ' ' && s[n + 1] && s[n + 1] != ' ')
            return n + 1;
    }
    size_t d = 0;
    while (d < 3 && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ' && s[d + 2]) {
        *ordered = 1;
        return d + 2;
    }
    return 0;
}

/* ---- blocks ---- */

static const char *str(const cJSON *o, const char *k)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
    return s ? s : "";
}

static int bbox_h(const cJSON *o)
{
    const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "bbox"), 3);
    return cJSON_IsNumber(h) ? h->valueint : 0;
}

/* Median line height of a heading block. */
static int heading_height(const cJSON *blk)
{
    const cJSON *l;
    int best = 0;
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(blk, "lines"))
    {
        int h = bbox_h(l);
        best = h > best ? h : best;
    }
    return best;
}

/* Lines joined into one paragraph: a word cut by a hyphen at a line end is joined again. */
static void put_joined(struct mdbuf *b, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = lines[i];
        size_t len = strlen(s);
        int hyph = i + 1 < n && len > 1 && s[len - 1] == '-' && s[len - 2] != ' ' &&
                   lines[i + 1][0] >= 'a' && lines[i + 1][0] <= 'z';
        if (i == 0)
            put_text(b, s, 0);
        else {
            put(b, " ", 1);
            put_text(b, s, 1); /* inside the paragraph nothing is structure */
        }
        if (hyph && !b->err && b->len) {
            b->len--; /* drop the hyphen, just written */
            b->p[b->len] = '\0';
            /* the next line continues the word: no space */
            put_text(b, lines[++i], 1);
        }
    }
}

/* A text block: paragraphs, with runs of list items as a list. */
static void put_text_block(struct mdbuf *b, const cJSON *blk)
{
    const cJSON *lines = cJSON_GetObjectItem(blk, "lines");
    size_t n = (size_t)cJSON_GetArraySize(lines), i = 0;
    const char **ls = calloc(n ? n : 1, sizeof *ls);
    if (!ls) {
        b->err = DP_ENOMEM;
        return;
    }
    const cJSON *l;
    size_t k = 0;
    cJSON_ArrayForEach(l, lines) ls[k++] = str(l, "text");
    while (i < n) {
        int ord;
        size_t m = markdown_list_marker(ls[i], &ord);
        if (m) {
            /* one item: its line and the lines after it that are no item of their own */
            size_t j = i + 1;
            int o2;
            while (j < n && !markdown_list_marker(ls[j], &o2))
                j++;
            if (ord) {
                /* keep the number as printed */
                put(b, ls[i], m - 1);
                put(b, " ", 1);
            } else
                put(b, "- ", 2);
            const char *first = ls[i] + m;
            ls[i] = first;
            put_joined(b, ls + i, j - i);
            put(b, "\n", 1);
            i = j;
            if (i >= n || !markdown_list_marker(ls[i], &o2))
                put(b, "\n", 1);
            continue;
        }
        size_t j = i + 1;
        int o2;
        while (j < n && !markdown_list_marker(ls[j], &o2))
            j++;
        put_joined(b, ls + i, j - i);
        put(b, "\n\n", 2);
        i = j;
    }
    free(ls);
}

/* A table as a pipe table: the first row is the header row Markdown requires. */
static void put_table(struct mdbuf *b, const cJSON *t)
{
    const cJSON *jr = cJSON_GetObjectItem(t, "rows"), *jc = cJSON_GetObjectItem(t, "cols");
    int rows = cJSON_IsNumber(jr) ? jr->valueint : 0, cols = cJSON_IsNumber(jc) ? jc->valueint : 0;
    if (rows <= 0 || cols <= 0 || rows > 512 || cols > 64)
        return;
    const char **g = calloc((size_t)rows * (size_t)cols, sizeof *g);
    if (!g) {
        b->err = DP_ENOMEM;
        return;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(t, "cells"))
    {
        const cJSON *r = cJSON_GetObjectItem(c, "row"), *k = cJSON_GetObjectItem(c, "col");
        if (cJSON_IsNumber(r) && cJSON_IsNumber(k) && r->valueint >= 0 && r->valueint < rows &&
            k->valueint >= 0 && k->valueint < cols)
            g[(size_t)r->valueint * (size_t)cols + (size_t)k->valueint] = str(c, "text");
    }
    for (int r = 0; r < rows; r++) {
        put(b, "|", 1);
        for (int k = 0; k < cols; k++) {
            const char *s = g[(size_t)r * (size_t)cols + (size_t)k];
            put(b, " ", 1);
            put_text(b, s ? s : "", 1);
            put(b, " |", 2);
        }
        put(b, "\n", 1);
        if (r == 0) {
            put(b, "|", 1);
            for (int k = 0; k < cols; k++)
                put(b, " --- |", 6);
            put(b, "\n", 1);
        }
    }
    put(b, "\n", 1);
    free(g);
}

/* A page stored without blocks: its text, blank-line separated paragraphs kept. */
static void put_plain(struct mdbuf *b, const char *text)
{
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n) {
            put(b, s, n);
            put(b, "\n", 1);
        } else
            put(b, "\n", 1);
        s += n + (e ? 1 : 0);
    }
    put(b, "\n", 1);
}

dp_err markdown_doc(const cJSON *doc, size_t cap, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    struct mdbuf b = {.cap = cap ? cap : MARKDOWN_MAX_BYTES};
    const cJSON *pages = cJSON_GetObjectItem(doc, "pages"), *pg, *blk;
    int top = 0; /* tallest heading in the document: those get '#', the rest '##' */
    cJSON_ArrayForEach(pg, pages)
    {
        cJSON_ArrayForEach(blk, cJSON_GetObjectItem(pg, "blocks"))
        {
            if (!strcmp(str(blk, "kind"), "heading") && heading_height(blk) > top)
                top = heading_height(blk);
        }
    }
    int first = 1;
    cJSON_ArrayForEach(pg, pages)
    {
        if (!first)
            puts_(&b, "---\n\n");
        first = 0;
        const cJSON *blocks = cJSON_GetObjectItem(pg, "blocks");
        if (!cJSON_IsArray(blocks)) {
            put_plain(&b, str(pg, "text"));
            continue;
        }
        cJSON_ArrayForEach(blk, blocks)
        {
            const char *kind = str(blk, "kind");
            if (!strcmp(kind, "heading")) {
                puts_(&b, 10 * heading_height(blk) >= 9 * top ? "# " : "## ");
                const cJSON *l;
                int n = 0;
                cJSON_ArrayForEach(l, cJSON_GetObjectItem(blk, "lines"))
                {
                    if (n++)
                        put(&b, " ", 1);
                    put_text(&b, str(l, "text"), n > 1);
                }
                puts_(&b, "\n\n");
            } else if (!strcmp(kind, "table")) {
                const cJSON *ti = cJSON_GetObjectItem(blk, "table");
                const cJSON *t =
                    cJSON_IsNumber(ti)
                        ? cJSON_GetArrayItem(cJSON_GetObjectItem(pg, "tables"), ti->valueint)
                        : NULL;
                if (t)
                    put_table(&b, t);
                else
                    put_text_block(&b, blk);
            } else
                put_text_block(&b, blk);
        }
    }
    if (!b.err && !b.p)
        put(&b, "", 0);
    if (b.err) {
        free(b.p);
        return b.err;
    }
    *out = b.p;
    *len = b.len;
    return DP_OK;
}
