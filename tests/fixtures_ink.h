/* fixtures_ink.h -- drawing on grey test pages for the page-preparation suites (unline, deskew):
 * a white page and black rectangles, each step asserted. Check suites only. */
#ifndef DP_FIXTURES_INK_H
#define DP_FIXTURES_INK_H
#include <leptonica/allheaders.h>
#include "testutil.h"

/* A w x h 8-bit page, all white. Caller destroys. */
static inline PIX *white_page(int w, int h)
{
    PIX *p = pixCreate(w, h, 8);
    ck_assert_ptr_nonnull(p);
    pixSetAllArbitrary(p, 255);
    return p;
}

/* Black rectangle (x, y, w, h) on p. */
static inline void ink(PIX *p, int x, int y, int w, int h)
{
    BOX *b = boxCreate(x, y, w, h);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(pixSetInRectArbitrary(p, b, 0), 0);
    boxDestroy(&b);
}

#endif
