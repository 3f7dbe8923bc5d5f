/* unline.c -- rules whitened out of a page image, the letters touching them kept. */
#include "unline.h"
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

dp_err unline_erase(PIX *pix, double char_h, PIX **out, size_t *nerased)
{
    dp_err rc = DP_ENOMEM;
    PIX *g = NULL, *b = NULL, *h = NULL, *v = NULL, *bh = NULL, *bv = NULL, *letters = NULL;
    PIX *eh = NULL, *ev = NULL;
    *out = NULL;
    *nerased = 0;
    if (!pix || pixGetWidth(pix) <= 0 || pixGetHeight(pix) <= 0)
        return DP_EINVAL;
    int len = unline_min_len(char_h), thick = unline_max_thick(char_h);
    int reach = (int)(UNLINE_STROKE * height_or_target(char_h) + 0.5);
    int along = (int)(UNLINE_ALONG * height_or_target(char_h) + 0.5);
    int gap = (int)(UNLINE_GAP * height_or_target(char_h) + 0.5);
    gap = gap < 2 ? 2 : gap;
    int band = (int)(UNLINE_WOBBLE * height_or_target(char_h) + 0.5);
    band = band < 2 ? 2 : band;
    g = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixCopy(NULL, pix) : pixConvertTo8(pix, 0);
    if (!g)
        goto out;
    pixCopyResolution(g, pix);
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
    l_int32 count = 0;
    pixCountPixels(eh, &count, NULL);
    if (count > 0 && pixSetMasked(g, eh, 255))
        goto out;
    *nerased = (size_t)count;
    *out = g;
    g = NULL;
    rc = DP_OK;
out:
    pixDestroy(&g);
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
