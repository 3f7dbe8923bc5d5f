/* pageprep.c -- character height, scale and segmentation mode of a page before OCR. */
#include "pageprep.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"
#include "util.h"

/* ---- pure decisions ---- */

dp_err pageprep_measure_boxes(const struct pageprep_box *boxes, size_t n, int page_w, int page_h,
                              struct pageprep_measure *out)
{
    memset(out, 0, sizeof *out);
    out->page_w = page_w;
    out->page_h = page_h;
    if (n == 0 || page_w <= 0 || page_h <= 0)
        return DP_OK;
    int *hs = malloc(n * sizeof *hs), *x0 = malloc(n * sizeof *x0), *x1 = malloc(n * sizeof *x1);
    if (!hs || !x0 || !x1) {
        free(hs);
        free(x0);
        free(x1);
        return DP_ENOMEM;
    }
    int min_h = page_h / 400 > 3 ? page_h / 400 : 3, max_h = page_h / 8;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct pageprep_box *b = &boxes[i];
        if (b->h < min_h || b->h > max_h || b->w < 1 || b->w > 8 * b->h)
            continue;
        hs[k] = b->h;
        x0[k] = b->x;
        x1[k] = b->x + b->w;
        k++;
    }
    /* Dots, dashes and leader rows ("TOTAL......") would pull the median down: drop what is
     * under 40% of the tall characters' height (90th percentile). */
    if (k >= PAGEPREP_MIN_BOXES) {
        int *tmp = malloc(k * sizeof *tmp);
        if (!tmp) {
            free(hs);
            free(x0);
            free(x1);
            return DP_ENOMEM;
        }
        memcpy(tmp, hs, k * sizeof *tmp);
        qsort(tmp, k, sizeof *tmp, util_cmp_int);
        int floor_h = (int)(0.4 * tmp[k * 9 / 10]);
        free(tmp);
        size_t j = 0;
        for (size_t i = 0; i < k; i++)
            if (hs[i] >= floor_h) {
                hs[j] = hs[i];
                x0[j] = x0[i];
                x1[j] = x1[i];
                j++;
            }
        k = j;
    }
    if (k >= PAGEPREP_MIN_BOXES) {
        qsort(hs, k, sizeof *hs, util_cmp_int);
        qsort(x0, k, sizeof *x0, util_cmp_int);
        qsort(x1, k, sizeof *x1, util_cmp_int);
        out->char_h = k % 2 ? hs[k / 2] : (hs[k / 2 - 1] + hs[k / 2]) / 2.0;
        out->nchars = k;
        out->text_x0 = x0[k / 50];
        out->text_x1 = x1[k - 1 - k / 50];
    }
    free(hs);
    free(x0);
    free(x1);
    return DP_OK;
}

double pageprep_scale(const struct pageprep_measure *m, int dpi, int w, int h, uint64_t max_pixels)
{
    /* Few components (a sideways page runs its letters together) are no ground to shrink. */
    double char_h = m->char_h;
    if (char_h > PAGEPREP_TARGET_PX && m->nchars < PAGEPREP_SURE_BOXES)
        char_h = 0;
    double f;
    if (w <= 0 || h <= 0)
        return 1.0;
    if (char_h <= 0) {
        /* no text measured: a low-resolution image is brought towards 300 dpi */
        if (dpi <= 0 || dpi >= PAGEPREP_LOW_DPI)
            return 1.0;
        f = 300.0 / dpi;
    } else if (char_h >= 0.8 * PAGEPREP_TARGET_PX && char_h <= 1.6 * PAGEPREP_TARGET_PX) {
        return 1.0;
    } else {
        f = PAGEPREP_TARGET_PX / char_h;
    }
    if (f > 3.0)
        f = 3.0;
    if (f < 0.25)
        f = 0.25;
    double room = max_pixels ? sqrt((double)max_pixels / ((double)w * (double)h)) : f;
    if (f > room)
        f = room;
    return f > 1.0 && f < 1.05 ? 1.0 : f;
}

int pageprep_psm(const struct pageprep_measure *m)
{
    if (!m || m->char_h <= 0 || m->text_x1 <= m->text_x0)
        return PAGEPREP_PSM_AUTO;
    double cols = (double)(m->text_x1 - m->text_x0) / m->char_h;
    if (cols < PAGEPREP_MIN_COLS)
        return PAGEPREP_PSM_AUTO; /* not a column of text: turned text, a stamp, a logo */
    /* A strip at least twice as tall as wide holds one column even when its characters were
     * measured small (faint or dotted print breaks them into pieces). */
    int strip = m->page_w > 0 && m->page_h >= 2 * m->page_w;
    return cols < PAGEPREP_NARROW_COL || (strip && cols < 2 * PAGEPREP_NARROW_COL)
               ? PAGEPREP_PSM_BLOCK
               : PAGEPREP_PSM_AUTO;
}

static int cmp_center(const void *a, const void *b)
{
    const struct pageprep_box *x = a, *y = b;
    int cx = 2 * x->y + x->h, cy = 2 * y->y + y->h;
    return (cx > cy) - (cx < cy);
}

static int cmp_left(const void *a, const void *b)
{
    const struct pageprep_box *x = a, *y = b;
    return (x->x > y->x) - (x->x < y->x);
}

size_t pageprep_rows(const struct pageprep_box *boxes, size_t n, double char_h,
                     struct pageprep_box *rows, size_t max)
{
    if (char_h <= 0 || n == 0 || max == 0)
        return 0;
    struct pageprep_box *v = malloc(n * sizeof *v);
    if (!v)
        return 0; /* Best effort: no rows is "nothing to re-read". */
    size_t k = 0, out = 0;
    for (size_t i = 0; i < n; i++)
        if (boxes[i].h >= 0.5 * char_h && boxes[i].h <= 2.5 * char_h &&
            boxes[i].w <= 30 * boxes[i].h)
            v[k++] = boxes[i];
    qsort(v, k, sizeof *v, cmp_center);
    size_t i = 0;
    while (i < k && out < max) {
        double sum = v[i].y + v[i].h / 2.0;
        size_t m = 1, j = i + 1;
        for (; j < k; j++) {
            double c = v[j].y + v[j].h / 2.0;
            if (c - sum / (double)m > 0.6 * char_h)
                break;
            sum += c;
            m++;
        }
        /* the row's boxes left to right, cut where a gap is wider than 3 character heights
         * (columns, table cells): each piece is a row of its own */
        qsort(v + i, j - i, sizeof *v, cmp_left);
        size_t start = i;
        for (size_t q = i; q < j && out < max; q++) {
            int end = q + 1 < j ? v[q + 1].x : -1, reach = 0;
            for (size_t t = start; t <= q; t++)
                reach = v[t].x + v[t].w > reach ? v[t].x + v[t].w : reach;
            if (q + 1 < j && end - reach <= 3 * char_h)
                continue;
            struct pageprep_box r = v[start];
            for (size_t t = start + 1; t <= q; t++) {
                int x1 = r.x + r.w > v[t].x + v[t].w ? r.x + r.w : v[t].x + v[t].w;
                int y1 = r.y + r.h > v[t].y + v[t].h ? r.y + r.h : v[t].y + v[t].h;
                r.x = r.x < v[t].x ? r.x : v[t].x;
                r.y = r.y < v[t].y ? r.y : v[t].y;
                r.w = x1 - r.x;
                r.h = y1 - r.y;
            }
            if (q + 1 - start >= 3 || r.w >= 4 * char_h) /* blur runs print into word blobs */
                rows[out++] = r;
            start = q + 1;
        }
        i = j;
    }
    free(v);
    return out;
}

static int horizontal(const struct table_rule *r)
{
    return r->x2 - r->x1 >= r->y2 - r->y1;
}

/* Whether horizontal rule h and vertical rule v cross or touch, within tol pixels. */
static int meet(const struct table_rule *h, const struct table_rule *v, int tol)
{
    return v->x1 >= h->x1 - tol && v->x1 <= h->x2 + tol && h->y1 >= v->y1 - tol &&
           h->y1 <= v->y2 + tol;
}

size_t pageprep_grid_rules(struct table_rule *rules, size_t n, int tol)
{
    if (n < 4)
        return 0;
    unsigned char *in = calloc(n, 1);
    if (!in)
        return 0; /* Best effort: no grid is "erase nothing". */
    size_t nh = 0, nv = 0;
    for (size_t i = 0; i < n; i++) {
        int hi = horizontal(&rules[i]), met = 0;
        for (size_t j = 0; j < n && met < 2; j++) {
            if (j == i || horizontal(&rules[j]) == hi)
                continue;
            met += hi ? meet(&rules[i], &rules[j], tol) : meet(&rules[j], &rules[i], tol);
        }
        in[i] = met >= 2;
        nh += (size_t)(in[i] && hi);
        nv += (size_t)(in[i] && !hi);
    }
    size_t k = 0;
    if (nh >= 2 && nv >= 2) {
        /* stable partition: the grid's rules first, in their order, then the rest */
        struct table_rule *rest = malloc(n * sizeof *rest);
        if (!rest) {
            free(in);
            return 0;
        }
        size_t r = 0;
        for (size_t i = 0; i < n; i++) {
            if (in[i])
                rules[k++] = rules[i];
            else
                rest[r++] = rules[i];
        }
        memcpy(rules + k, rest, r * sizeof *rest);
        free(rest);
    }
    free(in);
    return k;
}

/* ---- measuring with Leptonica ---- */

dp_err pageprep_measure(PIX *pix, struct pageprep_measure *out)
{
    dp_err rc = DP_ENOMEM;
    PIX *grey = NULL, *small = NULL, *bin = NULL, *closed = NULL;
    BOXA *boxa = NULL;
    struct pageprep_box *boxes = NULL;

    memset(out, 0, sizeof *out);
    if (!pix || pixGetWidth(pix) <= 0 || pixGetHeight(pix) <= 0)
        return DP_EINVAL;
    int w = pixGetWidth(pix), h = pixGetHeight(pix), side = w > h ? w : h;
    grey = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixClone(pix) : pixConvertTo8(pix, 0);
    if (!grey)
        goto out;
    /* halved (2x2 means: a tenth of the cost of an arbitrary factor) while the longer side is
     * over 5/4 of the limit */
    double r = 1.0;
    small = pixClone(grey);
    while (small && side * r > 1.25 * PAGEPREP_MAX_WORK) {
        PIX *half = pixScaleAreaMap2(small);
        pixDestroy(&small);
        small = half;
        r /= 2;
    }
    if (!small)
        goto out;
    /* Tiles of 10x15, foreground threshold 100, at least 50 background pixels per tile: the
     * values of Leptonica's own examples for scanned text. */
    bin = pixOtsuThreshOnBackgroundNorm(small, NULL, 10, 15, 100, 50, 255, 2, 2, 0.1f, NULL);
    if (!bin) {
        rc = DP_OK; /* Best effort: a page Leptonica cannot binarise is left unmeasured. */
        goto out;
    }
    if (!(closed = pixCloseBrick(NULL, bin, 1, 3)))
        goto out;
    boxa = pixConnCompBB(closed, 8);
    if (!boxa)
        goto out;
    l_int32 n = boxaGetCount(boxa);
    boxes = malloc((n > 0 ? (size_t)n : 1) * sizeof *boxes);
    if (!boxes)
        goto out;
    for (l_int32 i = 0; i < n; i++) {
        l_int32 bx = 0, by = 0, bw = 0, bh = 0;
        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        boxes[i] = (struct pageprep_box){bx, by, bw, bh};
    }
    rc = pageprep_measure_boxes(boxes, (size_t)n, pixGetWidth(small), pixGetHeight(small), out);
    if (!rc)
        out->nrows = pageprep_rows(boxes, (size_t)n, out->char_h, out->rows, PAGEPREP_MAX_ROWS);
    if (!rc && r < 1.0) {
        out->page_w = w;
        out->page_h = h;
        out->char_h /= r;
        out->text_x0 = (int)lround(out->text_x0 / r);
        out->text_x1 = (int)lround(out->text_x1 / r);
        for (size_t i = 0; i < out->nrows; i++) {
            struct pageprep_box *b = &out->rows[i];
            int x1 = (int)lround((b->x + b->w) / r), y1 = (int)lround((b->y + b->h) / r);
            b->x = (int)(b->x / r);
            b->y = (int)(b->y / r);
            b->w = x1 - b->x;
            b->h = y1 - b->y;
        }
    }
out:
    free(boxes);
    boxaDestroy(&boxa);
    pixDestroy(&closed);
    pixDestroy(&bin);
    pixDestroy(&small);
    pixDestroy(&grey);
    return rc;
}
