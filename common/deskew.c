/* deskew.c -- the turn of a crooked scan found, and a copy set straight. */
#include "deskew.h"

#define DEG2RAD 0.017453292519943295

int deskew_wanted(float deg, float conf)
{
    float a = deg < 0 ? -deg : deg;
    return a >= DESKEW_MIN_DEG && a <= DESKEW_MAX_DEG && conf >= DESKEW_MIN_CONF;
}

dp_err deskew_find(PIX *pix, float *deg, float *conf)
{
    *deg = 0;
    *conf = 0;
    if (!pix || pixGetWidth(pix) <= 0 || pixGetHeight(pix) <= 0)
        return DP_EINVAL;
    int w = (int)pixGetWidth(pix), h = (int)pixGetHeight(pix), side = w > h ? w : h;
    float f = side > DESKEW_MAX_WORK ? (float)DESKEW_MAX_WORK / (float)side : 1.0f;
    PIX *g = pixConvertTo8(pix, 0);
    PIX *s = g && f < 1.0f ? pixScale(g, f, f) : g ? pixClone(g) : NULL;
    PIX *b = s ? pixThresholdToBinary(s, 160) : NULL;
    pixDestroy(&g);
    pixDestroy(&s);
    if (!b)
        return DP_ENOMEM;
    l_float32 a = 0, c = 0;
    /* Best effort: no angle found (too little text) is no error, the page is read as it is */
    if (pixFindSkew(b, &a, &c) == 0) {
        *deg = a;
        *conf = c;
    }
    pixDestroy(&b);
    return DP_OK;
}

PIX *deskew_rotate(PIX *pix, float deg)
{
    if (!pix)
        return NULL;
    /* width and height 0: turned about the centre within the same frame (else Leptonica
     * embeds the page in a larger one first and everything moves); by sampling, so no new
     * greys (Leptonica shears a 1 bpp image, which it does anyway for sampling) */
    int type = pixGetDepth(pix) == 1 ? L_ROTATE_SHEAR : L_ROTATE_SAMPLING;
    PIX *r = pixRotate(pix, (l_float32)(DEG2RAD * deg), type, L_BRING_IN_WHITE, 0, 0);
    if (r)
        pixCopyResolution(r, pix);
    return r;
}
