/* unline.c -- rules whitened out of a page image, the letters touching them kept. */
#include <stdlib.h>
#include "unline.h"
#include "deskew.h"
#include "pageprep.h"

static double height_or_target(double char_h)
{
    return char_h > 0 ? char_h : PAGEPREP_TARGET_PX;
}

int unline_wanted(int layout, double scale, size_t nhrules)
{
    return layout && scale >= UNLINE_MIN_SCALE && nhrules >= UNLINE_MIN_RULES;
}

int unline_min_len(double char_h)
{
    int n = (int)(UNLINE_MIN_CHARS * height_or_target(char_h) + 0.5);
    return n < 12 ? 12 : n;
}

int unline_max_thick(double char_h)
{
    int n = (int)(UNLINE_THICK * height_or_target(char_h) + 0.5);
    return n < 3 ? 3 : n;
}

/* The rules of ink b in one direction: runs of at least len pixels (horizontal when horiz),
 * without the components that are thick tolerance or more across (bars, filled boxes).
 * NULL on allocation failure. */
static PIX *rules_of(PIX *b, int horiz, int len, int thick, int gap)
{
    /* typed underlines are rows of "_" with gaps between them: closed first */
    PIX *c = horiz ? pixCloseCompBrick(NULL, b, gap, 1) : pixCloseCompBrick(NULL, b, 1, gap);
    PIX *r = !c      ? NULL
             : horiz ? pixOpenCompBrick(NULL, c, len, 1)
                     : pixOpenCompBrick(NULL, c, 1, len);
    pixDestroy(&c);
    PIX *fat =
        r ? (horiz ? pixOpenCompBrick(NULL, r, 1, thick) : pixOpenCompBrick(NULL, r, thick, 1))
          : NULL;
    PIX *whole = fat ? pixSeedfillBinary(NULL, fat, r, 8) : NULL;
    if (!whole) {
        pixDestroy(&r);
        pixDestroy(&fat);
        return NULL;
    }
    pixSubtract(r, r, whole);
    pixDestroy(&fat);
    pixDestroy(&whole);
    /* short pieces standing alone (a typed "____" field, a rule's end typed apart) */
    l_int32 changed = 0;
    PIX *longish =
        pixSelectBySize(b, horiz ? len / 3 : 0, horiz ? 0 : len / 3, 8,
                        horiz ? L_SELECT_WIDTH : L_SELECT_HEIGHT, L_SELECT_IF_GTE, &changed);
    PIX *thin = longish ? pixSelectBySize(longish, horiz ? 0 : thick, horiz ? thick : 0, 8,
                                          horiz ? L_SELECT_HEIGHT : L_SELECT_WIDTH, L_SELECT_IF_LT,
                                          &changed)
                        : NULL;
    if (thin)
        pixOr(r, r, thin);
    else
        pixDestroy(&r);
    pixDestroy(&longish);
    pixDestroy(&thin);
    return r;
}

/* The ink of rules r (one direction) and the pixels next to them across (a scanned rule
 * wobbles by a pixel or two, its steps are no run of its own): ink b within band pixels of r.
 * NULL on allocation failure. */
static PIX *band_of(PIX *b, PIX *r, int horiz, int band, int along)
{
    PIX *near = horiz ? pixDilateCompBrick(NULL, r, 2 * along + 1, 2 * band + 1)
                      : pixDilateCompBrick(NULL, r, 2 * band + 1, 2 * along + 1);
    PIX *ink = near ? pixAnd(NULL, near, b) : NULL;
    pixDestroy(&near);
    return ink;
}

/* Dilation across a rule (vertically for a horizontal one) by n pixels each way. */
static PIX *across(PIX *p, int horiz, int n)
{
    return horiz ? pixDilateCompBrick(NULL, p, 1, 2 * n + 1)
                 : pixDilateCompBrick(NULL, p, 2 * n + 1, 1);
}

/* The pixels of rule ink r (one direction) to whiten: those with no letter ink within reach
 * across the rule, widened by a pixel across it (the rule's grey edge), never into a letter or
 * what is kept near one.
 * A stroke standing on the rule keeps its foot; one crossing it may lose the rule's middle
 * row or two (keeping the rule under every letter that comes near it left enough of the
 * rule for Tesseract to misread the line: FUNSD recall .775 -> .767 on 30 forms). NULL on
 * allocation failure. */
static PIX *to_erase(PIX *r, PIX *letters, int horiz, int reach)
{
    PIX *near = across(letters, horiz, reach);
    PIX *e = near ? pixSubtract(NULL, r, near) : NULL;
    PIX *wide = e ? across(e, horiz, 1) : NULL;
    if (wide) {
        pixSubtract(wide, wide, letters);
        pixSubtract(wide, wide, near);
    }
    pixDestroy(&near);
    pixDestroy(&e);
    return wide;
}

/* The pixels of the rules of grey image g (8 bpp) to whiten, in *mask (1 bpp, the caller's). */
static dp_err erase_mask(PIX *g, double char_h, PIX **mask)
{
    dp_err rc = DP_ENOMEM;
    PIX *b = NULL, *h = NULL, *v = NULL, *bh = NULL, *bv = NULL, *letters = NULL;
    PIX *eh = NULL, *ev = NULL;
    *mask = NULL;
    int len = unline_min_len(char_h), thick = unline_max_thick(char_h);
    int reach = (int)(UNLINE_STROKE * height_or_target(char_h) + 0.5);
    int along = (int)(UNLINE_ALONG * height_or_target(char_h) + 0.5);
    int gap = (int)(UNLINE_GAP * height_or_target(char_h) + 0.5);
    gap = gap < 2 ? 2 : gap;
    int band = (int)(UNLINE_WOBBLE * height_or_target(char_h) + 0.5);
    band = band < 2 ? 2 : band;
    if (!(b = pixThresholdToBinary(g, UNLINE_INK)))
        goto out;
    if (!(h = rules_of(b, 1, len, thick, gap)) || !(v = rules_of(b, 0, len, thick, gap)))
        goto out;
    if (!(bh = band_of(b, h, 1, band, along)) || !(bv = band_of(b, v, 0, band, along)))
        goto out;
    /* letters: the ink that is no rule */
    if (!(letters = pixSubtract(NULL, b, bh)) || !pixSubtract(letters, letters, bv))
        goto out;
    if (!(eh = to_erase(bh, letters, 1, band + reach)) ||
        !(ev = to_erase(bv, letters, 0, band + reach)))
        goto out;
    pixOr(eh, eh, ev);
    *mask = eh;
    eh = NULL;
    rc = DP_OK;
out:
    pixDestroy(&b);
    pixDestroy(&h);
    pixDestroy(&v);
    pixDestroy(&bh);
    pixDestroy(&bv);
    pixDestroy(&letters);
    pixDestroy(&eh);
    pixDestroy(&ev);
    return rc;
}

dp_err unline_erase_turned(PIX *pix, double char_h, float deg, PIX **out, size_t *nerased)
{
    dp_err rc = DP_ENOMEM;
    PIX *g = NULL, *straight = NULL, *mask = NULL, *back = NULL;
    *out = NULL;
    *nerased = 0;
    if (!pix || pixGetWidth(pix) <= 0 || pixGetHeight(pix) <= 0)
        return DP_EINVAL;
    g = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixCopy(NULL, pix) : pixConvertTo8(pix, 0);
    if (!g)
        goto out;
    pixCopyResolution(g, pix);
    /* the rules are found where they run straight, and erased where they are */
    if (deg != 0.0f && !(straight = deskew_rotate(g, deg)))
        goto out;
    if ((rc = erase_mask(straight ? straight : g, char_h, &mask)))
        goto out;
    rc = DP_ENOMEM;
    if (deg != 0.0f && !(back = deskew_rotate(mask, -deg)))
        goto out;
    l_int32 count = 0;
    PIX *m = back ? back : mask;
    pixCountPixels(m, &count, NULL);
    if (count > 0 && pixSetMasked(g, m, 255))
        goto out;
    if (count > 0 && back) {
        /* found turned and whitened back here, the rule's edge is missed by a pixel where a
         * step falls: what is left next to it and lighter than ink goes too (on a straight
         * page this took letters' grey edges: FUNSD 91161344 lost 23 words) */
        int hr = UNLINE_HALO;
        PIX *halo = pixDilateBrick(NULL, m, 2 * hr + 1, 2 * hr + 1);
        PIX *ink = halo ? pixThresholdToBinary(g, UNLINE_INK) : NULL;
        int bad = !ink || !pixSubtract(halo, halo, ink) || pixSetMasked(g, halo, 255);
        pixDestroy(&halo);
        pixDestroy(&ink);
        if (bad)
            goto out;
    }
    *nerased = (size_t)count;
    *out = g;
    g = NULL;
    rc = DP_OK;
out:
    pixDestroy(&g);
    pixDestroy(&straight);
    pixDestroy(&mask);
    pixDestroy(&back);
    return rc;
}

dp_err unline_erase(PIX *pix, double char_h, PIX **out, size_t *nerased)
{
    return unline_erase_turned(pix, char_h, 0.0f, out, nerased);
}

/* ---- check boxes ---- */

int unline_box_inside(const unsigned char *bits, int w, int h, double char_h)
{
    double ch = height_or_target(char_h);
    if (!bits || w < UNLINE_BOX_MIN * ch || h < UNLINE_BOX_MIN * ch || w > UNLINE_BOX_MAX * ch ||
        h > UNLINE_BOX_MAX * ch || w > UNLINE_BOX_ASPECT * h || h > UNLINE_BOX_ASPECT * w)
        return 0;
    /* the rows and columns a sixth in from each edge, and the corners: a letter's counter
     * (o, D, 0) is rounded, a box square; a scanned box may have a corner filled or a side
     * dented, so three of four must be */
    int dy = h / 6 > 1 ? h / 6 : 1, dx = w / 6 > 1 ? w / 6 : 1;
    int cy = h / 5 > 1 ? h / 5 : 1, cx = w / 5 > 1 ? w / 5 : 1;
    size_t on = 0;
    int edge[4] = {0, 0, 0, 0}, corner[4] = {0, 0, 0, 0};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = bits[(size_t)y * (size_t)w + (size_t)x] != 0;
            on += (size_t)v;
            edge[0] += v && y == dy;
            edge[1] += v && y == h - 1 - dy;
            edge[2] += v && x == dx;
            edge[3] += v && x == w - 1 - dx;
            if (v && (x < cx || x >= w - cx) && (y < cy || y >= h - cy))
                corner[(y >= h - cy) * 2 + (x >= w - cx)]++;
        }
    int nedge = 0, ncorner = 0;
    for (int k = 0; k < 4; k++) {
        nedge += edge[k] >= UNLINE_BOX_EDGE * (k < 2 ? w : h);
        ncorner += corner[k] >= UNLINE_BOX_CORNER * cx * cy;
    }
    return (double)on >= UNLINE_BOX_FILL * w * h && nedge >= 3 && ncorner >= 3;
}

int unline_box_side(const int *runs, size_t n, int cap)
{
    int v[8];
    if (n == 0 || n > 8)
        return -1;
    for (size_t i = 0; i < n; i++) { /* insertion sort: n is a handful */
        size_t j = i;
        for (; j > 0 && v[j - 1] > runs[i]; j--)
            v[j] = v[j - 1];
        v[j] = runs[i];
    }
    int m = v[n / 2];
    return m > cap ? -1 : m < 1 ? 1 : m;
}

#define BOX_PROBES 5 /* places along each side where its thickness is measured */

/* Ink of binary b (w x h) from (x, y) on in steps (dx, dy), at most lim pixels. */
static int ink_run(PIX *b, int x, int y, int dx, int dy, int lim)
{
    int n = 0, w = (int)pixGetWidth(b), h = (int)pixGetHeight(b);
    l_uint32 v = 0;
    while (n <= lim && x >= 0 && y >= 0 && x < w && y < h && !pixGetPixel(b, x, y, &v) && v) {
        n++;
        x += dx;
        y += dy;
    }
    return n;
}

/* The thicknesses of the four sides (top, bottom, left, right) of the box whose inside is
 * (x, y, w, h) on binary b; 0 when fewer than three sides are thin strokes. A letter glued to
 * one side (no gap at this resolution) makes that side look thick: it gets the thickest of
 * the other sides, and the letter beyond it stays; glued[s] says which. */
static int box_sides(PIX *b, int x, int y, int w, int h, int cap, int t[4], int glued[4])
{
    int nok = 0, most = 0;
    for (int s = 0; s < 4; s++) {
        int runs[BOX_PROBES];
        for (int k = 0; k < BOX_PROBES; k++) {
            int px = x + w * (k + 1) / (BOX_PROBES + 1), py = y + h * (k + 1) / (BOX_PROBES + 1);
            runs[k] = s == 0   ? ink_run(b, px, y - 1, 0, -1, cap)
                      : s == 1 ? ink_run(b, px, y + h, 0, 1, cap)
                      : s == 2 ? ink_run(b, x - 1, py, -1, 0, cap)
                               : ink_run(b, x + w, py, 1, 0, cap);
        }
        t[s] = unline_box_side(runs, BOX_PROBES, cap);
        nok += t[s] >= 0;
        most = t[s] > most ? t[s] : most;
    }
    for (int s = 0; s < 4; s++) {
        glued[s] = t[s] < 0;
        t[s] = t[s] < 0 ? most : t[s];
    }
    return nok >= 3;
}

/* Whether the ink around the box whose inside is (x, y, w, h), sides t (top, bottom, left,
 * right), on binary b stands alone: above and below it reaches at most UNLINE_BOX_REACH of the
 * inside's height beyond the sides (a letter's counter has its stem or bowl beyond: P, R, B),
 * sideways at most UNLINE_BOX_GLUE char heights (a label glued on; a rule through it runs on).
 * -1 on allocation failure. */
static int box_alone(PIX *b, int x, int y, int w, int h, const int t[4], double ch)
{
    int mx = (int)(UNLINE_BOX_GLUE * ch) + t[2] + t[3], my = h / 2 + t[0] + t[1] + 2;
    BOX *win = boxCreate(x - mx, y - my, w + 2 * mx, h + 2 * my), *got = NULL;
    PIX *clip = win ? pixClipRectangle(b, win, &got) : NULL;
    PIX *seed = clip ? pixCreateTemplate(clip) : NULL;
    int alone = -1;
    if (!seed)
        goto out;
    l_int32 gx, gy, gw, gh;
    boxGetGeometry(got, &gx, &gy, &gw, &gh);
    /* the seed: ink right around the inside (the sides) */
    pixRasterop(seed, x - gx - 1, y - gy - 1, w + 2, h + 2, PIX_SET, NULL, 0, 0);
    pixRasterop(seed, x - gx, y - gy, w, h, PIX_CLR, NULL, 0, 0);
    pixAnd(seed, seed, clip);
    PIX *fill = pixSeedfillBinary(NULL, seed, clip, 8);
    BOX *bb = NULL;
    if (!fill)
        goto out;
    alone = 0;
    if (pixClipToForeground(fill, NULL, &bb) == 0 && bb) {
        l_int32 bx, by, bw, bh;
        boxGetGeometry(bb, &bx, &by, &bw, &bh);
        int up = (y - gy) - t[0] - by, down = (by + bh) - (y - gy + h + t[1]);
        int reach = (int)(UNLINE_BOX_REACH * h + 0.5) + 1;
        alone = up <= reach && down <= reach && bx > 0 && bx + bw < gw;
    }
    boxDestroy(&bb);
    pixDestroy(&fill);
out:
    pixDestroy(&seed);
    pixDestroy(&clip);
    boxDestroy(&got);
    boxDestroy(&win);
    return alone;
}

dp_err unline_boxes(PIX *pix, double char_h, PIX **out, size_t *nboxes)
{
    dp_err rc = DP_ENOMEM;
    PIX *g = NULL, *b = NULL, *c = NULL, *holes = NULL;
    BOXA *boxa = NULL;
    unsigned char *bits = NULL;
    *out = NULL;
    *nboxes = 0;
    if (!pix || pixGetWidth(pix) <= 0 || pixGetHeight(pix) <= 0)
        return DP_EINVAL;
    double ch = height_or_target(char_h);
    int cap = (int)(UNLINE_BOX_STROKE * ch + 0.5), close = (int)(0.1 * ch + 0.5);
    int margin = (int)(UNLINE_WOBBLE * ch + 0.5) + 1;
    cap = cap < 2 ? 2 : cap;
    close = close < 2 ? 2 : close;
    int hi = (int)(UNLINE_BOX_MAX * ch) + 1;
    g = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixCopy(NULL, pix) : pixConvertTo8(pix, 0);
    if (!g)
        goto out;
    pixCopyResolution(g, pix);
    /* a side broken by the scan (a pixel's gap) still encloses the inside once closed */
    if (!(b = pixThresholdToBinary(g, UNLINE_INK)) || !(c = pixCloseBrick(NULL, b, close, close)))
        goto out;
    if (!(holes = pixHolesByFilling(c, 8)) || !(boxa = pixConnCompBB(holes, 4)))
        goto out;
    if (!(bits = malloc((size_t)hi * (size_t)hi)))
        goto out;
    int nb = boxaGetCount(boxa);
    l_uint32 *data = pixGetData(holes);
    int wpl = pixGetWpl(holes);
    for (int i = 0; i < nb && *nboxes < UNLINE_MAX_BOXES; i++) {
        l_int32 x, y, w, h;
        if (boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h) || w > hi || h > hi ||
            w < UNLINE_BOX_MIN * ch || h < UNLINE_BOX_MIN * ch)
            continue;
        for (int yy = 0; yy < h; yy++) {
            const l_uint32 *line = data + (size_t)(y + yy) * (size_t)wpl;
            for (int xx = 0; xx < w; xx++)
                bits[(size_t)yy * (size_t)w + (size_t)xx] =
                    (unsigned char)GET_DATA_BIT(line, x + xx);
        }
        int t[4] = {0, 0, 0, 0}, gl[4] = {0, 0, 0, 0};
        if (!unline_box_inside(bits, w, h, ch) || !box_sides(c, x, y, w, h, cap, t, gl))
            continue;
        int alone = box_alone(c, x, y, w, h, t, ch);
        if (alone < 0)
            goto out;
        if (!alone)
            continue;
        /* the sides and their grey edge (a scanned side wobbles); a pixel only where a letter
         * is glued on */
        int e[4];
        for (int s = 0; s < 4; s++)
            e[s] = t[s] + (gl[s] ? 1 : margin);
        BOX *r = boxCreate(x - e[2], y - e[0], w + e[2] + e[3], h + e[0] + e[1]);
        if (!r || pixSetInRectArbitrary(g, r, 255)) {
            boxDestroy(&r);
            goto out;
        }
        boxDestroy(&r);
        (*nboxes)++;
    }
    *out = g;
    g = NULL;
    rc = DP_OK;
out:
    if (rc)
        *nboxes = 0;
    free(bits);
    boxaDestroy(&boxa);
    pixDestroy(&g);
    pixDestroy(&b);
    pixDestroy(&c);
    pixDestroy(&holes);
    return rc;
}
