/* table_rules.c -- ruling lines of a page image: binarise, halve (any ink keeps a pixel, so
 * hairlines survive), open with a long thin brick in each direction, and take the connected
 * components that remain as segments. */
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include "table.h"

#define RULE_H_IN     0.5  /* a horizontal rule is at least this long (inches) */
#define RULE_V_IN     0.22 /* a vertical rule: one table row high is enough */
#define RULE_THICK_IN 0.04 /* thicker than this is a bar or a filled area, not a rule */

/* Appends the components of the opened image b (reduced by 2) as rules. */
static dp_err collect(PIX *b, int horizontal, int max_thick, struct table_rule **v, size_t *n,
                      size_t *cap)
{
    BOXA *boxa = pixConnCompBB(b, 8);
    if (!boxa)
        return DP_ENOMEM;
    int nb = boxaGetCount(boxa);
    dp_err rc = DP_OK;
    for (int i = 0; i < nb && *n < TABLE_MAX_RULES; i++) {
        l_int32 x, y, w, h;
        if (boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h))
            continue;
        int thick = horizontal ? h : w;
        if (thick * 2 > max_thick)
            continue;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            struct table_rule *nv = realloc(*v, nc * sizeof *nv);
            if (!nv) {
                rc = DP_ENOMEM;
                break;
            }
            *v = nv;
            *cap = nc;
        }
        struct table_rule *r = &(*v)[(*n)++];
        if (horizontal)
            *r = (struct table_rule){2 * x, 2 * y + h, 2 * (x + w), 2 * y + h, 2 * h};
        else
            *r = (struct table_rule){2 * x + w, 2 * y, 2 * x + w, 2 * (y + h), 2 * w};
    }
    boxaDestroy(&boxa);
    return rc;
}

dp_err table_rules_find(struct Pix *pix, int dpi, struct table_rule **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!pix)
        return DP_EINVAL;
    if (dpi < 50 || dpi > 1200)
        dpi = 300;
    PIX *g = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo8(pix, 0);
    PIX *b = g && pixGetDepth(g) != 1 ? pixThresholdToBinary(g, 160) : pixClone(g);
    PIX *r = b ? pixReduceRankBinary2(b, 1, NULL) : NULL;
    pixDestroy(&g);
    pixDestroy(&b);
    if (!r)
        return DP_ENOMEM;
    int hl = (int)(RULE_H_IN * dpi / 2), vl = (int)(RULE_V_IN * dpi / 2);
    int thick = (int)(RULE_THICK_IN * dpi) + 2;
    PIX *h = pixOpenBrick(NULL, r, hl, 1), *v = pixOpenBrick(NULL, r, 1, vl);
    size_t cap = 0;
    dp_err rc = h && v ? DP_OK : DP_ENOMEM;
    if (!rc)
        rc = collect(h, 1, thick, out, n, &cap);
    if (!rc)
        rc = collect(v, 0, thick, out, n, &cap);
    pixDestroy(&h);
    pixDestroy(&v);
    pixDestroy(&r);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

struct Pix *table_rules_erase(struct Pix *pix, const struct table_rule *rules, size_t n)
{
    PIX *out =
        pixGetDepth(pix) == 8 || pixGetDepth(pix) == 1 ? pixCopy(NULL, pix) : pixConvertTo8(pix, 0);
    if (!out)
        return NULL;
    l_uint32 white = pixGetDepth(out) == 1 ? 0 : 255;
    for (size_t i = 0; i < n; i++) {
        const struct table_rule *r = &rules[i];
        int pad = r->thick / 2 + 3;
        int h = r->x2 - r->x1 >= r->y2 - r->y1;
        BOX *b = h ? boxCreate(r->x1 - 2, r->y1 - pad, r->x2 - r->x1 + 4, 2 * pad)
                   : boxCreate(r->x1 - pad, r->y1 - 2, 2 * pad, r->y2 - r->y1 + 4);
        if (b)
            pixSetInRectArbitrary(out, b, white);
        boxDestroy(&b);
    }
    return out;
}
