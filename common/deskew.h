/* deskew.h -- how far a page was turned when it was scanned (a degree or two), and a copy of it
 * set straight.
 *
 * A form fed crooked through a scanner keeps its rules sloped: runs of ink step by a pixel
 * every few hundred, unline (common/unline.h) finds and erases straight runs only and leaves
 * stubs of the rules that Tesseract reads as "_" or that cut the line of text in two (FUNSD:
 * 47 of 149 forms turned by 0.5 degrees or more, 15 by 1 or more). The rules are found on a
 * copy set straight (unline_erase_turned); the page itself is read as scanned (turning it
 * costs its small letters more than the rules: FUNSD first 30 forms .782 -> .768), so every
 * box stays in the page's own frame.
 *
 *     float deg = 0, conf = 0;
 *     if (deskew_find(pix, &deg, &conf) == DP_OK && deskew_wanted(deg, conf))
 *         straight = deskew_rotate(pix, deg);
 */
#ifndef DP_DESKEW_H
#define DP_DESKEW_H
#include <leptonica/allheaders.h>
#include "err.h"

#define DESKEW_MIN_DEG  1.3f /* turned less: read as it is (see below) */
#define DESKEW_MAX_DEG  3.0f /* more: no scan this crooked, rather a drawing's slanted lines */
#define DESKEW_MIN_CONF 3.0f /* pixFindSkew's confidence needed to act on its angle */
#define DESKEW_MAX_WORK 1200 /* the copy the angle is searched on: longer side, about, pixels */

/* Pure: whether a page found turned by deg degrees (found with confidence conf) is set
 * straight before it is read: DESKEW_MIN_DEG <= |deg| <= DESKEW_MAX_DEG, conf >= DESKEW_MIN_CONF.
 */
int deskew_wanted(float deg, float conf);

/* The angle (degrees, the turn that sets pix straight; Leptonica's sign: positive is clockwise)
 * by which pix (any depth; borrowed) is turned, and the confidence of that answer, found on a
 * binary copy reduced to about DESKEW_MAX_WORK pixels. *deg = *conf = 0 when no angle was
 * found (a page without text lines). DP_EINVAL for a NULL or empty pix, DP_ENOMEM. */
dp_err deskew_find(PIX *pix, float *deg, float *conf);

/* A new image (the caller's): pix (borrowed, any depth) turned by deg degrees about its
 * centre, same size, corners brought in white; turned by -deg, the copy goes back to pix's
 * frame (to a pixel). NULL on failure. */
PIX *deskew_rotate(PIX *pix, float deg);

#endif
