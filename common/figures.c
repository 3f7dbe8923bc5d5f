/* figures.c -- picture regions of a text page's rendering, outside its words (figures.h). */
#include "figures.h"
#include "util.h"
#include <stdlib.h>

#define INK_THRESHOLD 160 /* grey below this is ink */
#define JOIN_PX       3   /* dilation (at half size) joining a code's modules into one blob */

static int cmp_area(const void *a, const void *b)
{
    const struct figure_box *x = a, *y = b;
    long ax = (long)x->w * x->h, ay = (long)y->w * y->h;
    return (ay > ax) - (ay < ax);
}

/* A 1-bit image of half pix's size: ink where pixel (2x, 2y) or (2x + 1, 2y) is darker than
 * INK_THRESHOLD. NULL on allocation failure. */
static PIX *half_ink(PIX *pix)
{
    int w = pixGetWidth(pix) / 2, h = pixGetHeight(pix) / 2;
    PIX *out = w > 0 && h > 0 ? pixCreate(w, h, 1) : NULL;
    if (!out)
        return NULL;
    l_uint32 *src = pixGetData(pix), *dst = pixGetData(out);
    int swpl = pixGetWpl(pix), dwpl = pixGetWpl(out);
    for (int y = 0; y < h; y++) {
        const l_uint32 *s = src + (size_t)(2 * y) * (size_t)swpl;
        l_uint32 *d = dst + (size_t)y * (size_t)dwpl;
        /* four pixels a word, the first in the high byte; a white word (most of a page)
         * costs one comparison */
        for (int i = 0; i < (w + 1) / 2 && i < swpl; i++) {
            l_uint32 v = s[i];
            if (v == 0xffffffffu)
                continue;
            if ((v >> 24) < INK_THRESHOLD || ((v >> 16) & 0xff) < INK_THRESHOLD)
                SET_DATA_BIT(d, 2 * i);
            if (2 * i + 1 < w && (((v >> 8) & 0xff) < INK_THRESHOLD || (v & 0xff) < INK_THRESHOLD))
                SET_DATA_BIT(d, 2 * i + 1);
        }
    }
    return out;
}

size_t figures_find(PIX *pix, int dpi, const struct dp_word *words, size_t n, float wscale,
                    struct figure_box *out, size_t max)
{
    PIX *half = NULL, *joined = NULL;
    BOXA *blobs = NULL;
    size_t found = 0;
    if (!pix || pixGetDepth(pix) != 8 || dpi <= 0 || wscale <= 0.0f || !out || !max ||
        n > FIGURES_MAX_WORDS)
        return 0;
    int pw = pixGetWidth(pix), ph = pixGetHeight(pix);
    /* the search runs at half size, on every other row: a pixel is ink when either of two
     * neighbours in the row is (a quarter of the work, and thin rules mostly drop out) */
    if (!(half = half_ink(pix)))
        goto out;
    /* the text is not a picture: blank every word (a pixel more on each side) */
    float k = wscale / 2.0f;
    for (size_t i = 0; i < n; i++) {
        const struct dp_word *w = &words[i];
        BOX *b = boxCreate((int)((float)w->x * k) - 1, (int)((float)w->y * k) - 1,
                           (int)((float)w->w * k) + 3, (int)((float)w->h * k) + 3);
        if (b)
            pixClearInRect(half, b);
        boxDestroy(&b);
    }
    /* a page whose little ink left cannot make one region stops here */
    int min_side = (int)(FIGURES_MIN_IN * dpi / 2 + 0.5), pad = (int)(FIGURES_PAD_IN * dpi + 0.5);
    l_int32 left = 0;
    if (pixCountPixels(half, &left, NULL) || (double)left < FIGURES_MIN_INK * min_side * min_side)
        goto out;
    if (!(joined = pixDilateBrick(NULL, half, JOIN_PX, JOIN_PX)) ||
        !(blobs = pixConnCompBB(joined, 8)))
        goto out;
    struct figure_box cand[64];
    size_t nc = 0;
    for (int i = 0; i < boxaGetCount(blobs); i++) {
        l_int32 x, y, w, h, count = 0;
        if (boxaGetBoxGeometry(blobs, i, &x, &y, &w, &h) || w < min_side || h < min_side)
            continue;
        BOX *b = boxCreate(x, y, w, h);
        if (!b)
            continue;
        pixCountPixelsInRect(half, b, &count, NULL);
        boxDestroy(&b);
        if ((double)count < FIGURES_MIN_INK * (double)w * (double)h)
            continue; /* a frame or a rule around empty space */
        x *= 2, y *= 2, w *= 2, h *= 2;
        int x0 = x - pad < 0 ? 0 : x - pad, y0 = y - pad < 0 ? 0 : y - pad;
        int x1 = x + w + pad > pw ? pw : x + w + pad, y1 = y + h + pad > ph ? ph : y + h + pad;
        struct figure_box fb = {x0, y0, x1 - x0, y1 - y0};
        if (nc < sizeof cand / sizeof *cand) {
            cand[nc++] = fb;
        } else {
            qsort(cand, nc, sizeof *cand, cmp_area); /* keep the larger */
            if ((long)fb.w * fb.h > (long)cand[nc - 1].w * cand[nc - 1].h)
                cand[nc - 1] = fb;
        }
    }
    qsort(cand, nc, sizeof *cand, cmp_area);
    for (size_t i = 0; i < nc && found < max && found < FIGURES_MAX; i++)
        out[found++] = cand[i];
out:
    boxaDestroy(&blobs);
    pixDestroy(&joined);
    pixDestroy(&half);
    return found;
}

size_t figures_find_read(PIX *pix, int dpi, const struct dp_word *words, size_t n, float wscale,
                         struct figure_box *out, size_t max)
{
    if (n > FIGURES_MAX_WORDS)
        return 0;
    struct dp_word *text = malloc((n ? n : 1) * sizeof *text);
    int *h = malloc((n ? n : 1) * sizeof *h);
    size_t k = 0, found = 0;
    if (!text || !h)
        goto out;
    for (size_t i = 0; i < n; i++)
        h[i] = words[i].h;
    qsort(h, n, sizeof *h, util_cmp_int);
    double tall = n ? FIGURES_TEXT_TALL * (double)h[n / 2] : 0;
    for (size_t i = 0; i < n; i++)
        if (words[i].conf >= FIGURES_TEXT_CONF && (double)words[i].h <= tall)
            text[k++] = words[i];
    found = figures_find(pix, dpi, text, k, wscale, out, max);
out:
    free(text);
    free(h);
    return found;
}
