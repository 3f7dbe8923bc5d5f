/* vtext.c -- text running up or down a page, found from the words' boxes (vtext.h). */
#include <stdlib.h>
#include <string.h>
#include "vtext.h"
#include "util.h"

/* The median height of the n words (n > 0); 0 without memory. */
static double median_height(const struct dp_word *w, size_t n)
{
    int *h = malloc(n * sizeof *h);
    if (!h)
        return 0.0;
    for (size_t i = 0; i < n; i++)
        h[i] = w[i].h;
    qsort(h, n, sizeof *h, util_cmp_int);
    double m = h[n / 2];
    free(h);
    return m;
}

static size_t root(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Whether narrow words a and b follow each other in a column: they overlap across by half the
 * narrower one's width and the gap between them is at most gap pixels. */
static int stacked(const struct dp_word *a, const struct dp_word *b, double gap)
{
    int ox = (a->x + a->w < b->x + b->w ? a->x + a->w : b->x + b->w) - (a->x > b->x ? a->x : b->x);
    int narrow = a->w < b->w ? a->w : b->w;
    int dy = (a->y > b->y ? a->y : b->y) - (a->y + a->h < b->y + b->h ? a->y + a->h : b->y + b->h);
    return 2 * ox >= narrow && (double)dy <= gap;
}

size_t vtext_groups(const struct dp_word *w, size_t n, int *group)
{
    for (size_t i = 0; i < n; i++)
        group[i] = -1;
    if (n < 3)
        return 0;
    double mh = median_height(w, n);
    size_t *parent = malloc(n * sizeof *parent);
    if (!parent || mh <= 0) {
        free(parent);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    /* narrow words (a quarter-turned line's letters read as words are about as wide as a
     * line is high) joined when stacked; further apart when layout analysis put them on one
     * line (two numbers one above the other along the margin) */
    for (size_t i = 0; i < n; i++) {
        if ((double)w[i].w > VTEXT_NARROW * mh || w[i].w <= 0 || w[i].h <= 0)
            continue;
        for (size_t j = i + 1; j < n; j++)
            if ((double)w[j].w <= VTEXT_NARROW * mh && w[j].w > 0 && w[j].h > 0 &&
                stacked(&w[i], &w[j],
                        w[i].line == w[j].line ? VTEXT_LINE_GAP * mh : VTEXT_GAP * mh))
                parent[root(parent, j)] = root(parent, i);
    }
    size_t ng = 0;
    unsigned char *seen = calloc(n, 1); /* roots whose group was looked at */
    for (size_t i = 0; seen && i < n && ng < VTEXT_MAX; i++) {
        size_t r = root(parent, i);
        if (seen[r] || (double)w[i].w > VTEXT_NARROW * mh || w[i].w <= 0 || w[i].h <= 0)
            continue; /* each group once, from its first word */
        seen[r] = 1;
        int x0 = w[i].x, y0 = w[i].y, x1 = w[i].x + w[i].w, y1 = w[i].y + w[i].h;
        double conf = 0;
        size_t k = 0, chars = 0;
        for (size_t j = i; j < n; j++) {
            if (root(parent, j) != r)
                continue;
            chars += w[j].text ? strlen(w[j].text) : 0;
            x0 = w[j].x < x0 ? w[j].x : x0;
            y0 = w[j].y < y0 ? w[j].y : y0;
            x1 = w[j].x + w[j].w > x1 ? w[j].x + w[j].w : x1;
            y1 = w[j].y + w[j].h > y1 ? w[j].y + w[j].h : y1;
            conf += (double)w[j].conf;
            k++;
        }
        if ((double)(y1 - y0) < VTEXT_MIN_TALL * mh ||
            (double)(y1 - y0) < VTEXT_ASPECT * (double)(x1 - x0) ||
            conf / (double)k >= VTEXT_SURE || chars < VTEXT_MIN_CHARS)
            continue;
        /* a turned line's pieces are lines of their own: a word of the group that shares its
         * line with other words (not specks) is the start of a line of text (short words at
         * the left edge of a paragraph line up too) */
        int alone = 1;
        for (size_t j = 0; j < n && alone; j++) {
            if (root(parent, j) != r)
                continue;
            for (size_t q = 0; q < n && alone; q++)
                alone = w[q].line != w[j].line || root(parent, q) == r ||
                        ((double)w[q].w < VTEXT_SPECK * mh && (double)w[q].h < VTEXT_SPECK * mh);
        }
        if (!alone)
            continue;
        for (size_t j = i; j < n; j++)
            if (root(parent, j) == r)
                group[j] = (int)ng;
        ng++;
    }
    free(seen);
    free(parent);
    return ng;
}
