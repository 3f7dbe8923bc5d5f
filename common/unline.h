/* unline.h -- rules taken out of a page image without cutting the letters that touch them.
 *
 * Forms print their fields on underlines and in boxes, and typed or written answers sit on
 * (or run through) those rules. Tesseract's layout analysis then takes the line of text and
 * its rule for one picture and reads nothing there, or reads the rule as "_" glued to the
 * words. Painting the rule's band white (table_rules_erase) cuts the letters that touch it
 * (FUNSD recall fell). Here only the rule's own pixels go, and of them only those with no
 * letter stroke just above or below: the bottoms of letters standing on a rule stay whole.
 *
 *     PIX *clean = NULL; size_t n = 0;
 *     unline_erase(pix, char_h, &clean, &n);   // clean: a copy with n pixels of rules whitened
 */
#ifndef DP_UNLINE_H
#define DP_UNLINE_H
#include <stddef.h>
#include <leptonica/allheaders.h>
#include "err.h"

#define UNLINE_MIN_CHARS 6.0  /* a rule is a straight run of ink this many char heights long */
#define UNLINE_THICK     0.6  /* ...at most this many char heights thick (else a bar, a box) */
#define UNLINE_STROKE    0.05 /* ink this near (char heights) above/below a rule is a letter's */
#define UNLINE_WOBBLE    0.1  /* ink this near a rule (char heights, at least 2 px) is its own */
#define UNLINE_ALONG     1.0  /* ...and this far along it: its broken ends and gaps */
#define UNLINE_GAP       0.2  /* gaps this short (char heights) do not break a rule */
#define UNLINE_INK       160  /* grey level under which a pixel is ink */
#define UNLINE_HALO      2    /* turned: lighter pixels this near (px) what was erased go too */

#define UNLINE_MIN_RULES 3   /* horizontal rules a page needs to be unlined */
#define UNLINE_MIN_SCALE 1.2 /* ...and the factor it is enlarged by to be read, at least */

/* Pure: whether a page is unlined before it is read: a page read with layout analysis (not a
 * receipt read as one block), enlarged at least UNLINE_MIN_SCALE times (small print: a form
 * scanned at 100 dpi, where the rules are as thick as the letters' strokes and touch them),
 * with at least UNLINE_MIN_RULES horizontal rules found on it. Clean pages read as decoded
 * are never unlined (their CPU stays as it was). */
int unline_wanted(int layout, double scale, size_t nhrules);

/* Pure: the run length a rule must reach (pixels) and the thickness it may not reach, for
 * characters char_h pixels high (<= 0: unknown, then PAGEPREP's target height of 20 px). */
int unline_min_len(double char_h);
int unline_max_thick(double char_h);

/* A copy of pix (8-bit grey, or anything pixConvertTo8 takes; borrowed) in *out (the
 * caller's) with the pixels of its horizontal and vertical rules (runs of ink at least
 * unline_min_len long and under unline_max_thick thick) set to white, except where a stroke
 * of ink continues within UNLINE_STROKE char heights across the rule (a letter standing on it
 * or crossed by it); *nerased: how many pixels were whitened (0: *out is a plain copy).
 * DP_EINVAL for a NULL or empty pix, DP_ENOMEM. */
dp_err unline_erase(PIX *pix, double char_h, PIX **out, size_t *nerased);

/* unline_erase for a page scanned turned by deg degrees (common/deskew.h: the turn that sets
 * it straight): its rules, sloped, step by a pixel every few dozen and no straight run is
 * long enough to be found (stubs of them were left and read as "_", or cut the line read).
 * They are found on a copy set straight and whitened on pix where they are, with the pixels
 * lighter than ink within UNLINE_HALO of them (turned back, the mask misses the rule's edge
 * by a pixel at its steps): the letters are read as scanned (reading a turned copy lost more
 * words than the rules gave: FUNSD first 30 .782 -> .768). deg 0 is unline_erase. */
dp_err unline_erase_turned(PIX *pix, double char_h, float deg, PIX **out, size_t *nerased);

/* ---- check boxes ----
 * An empty check box printed next to its label ("[ ] Yes") is read glued to it: "[_]Yes",
 * "LJYes", "Oyes" (123 boxes on 27 of FUNSD's 149 forms). The boxes are found by their
 * inside: a hole in the ink (white enclosed by ink) about a character high, square, whose
 * edges are straight and corners square (its rows and columns a sixth in from its edges run
 * nearly its whole length and its corners are filled, three sides and corners of four at
 * least; a letter's rounded counter has neither), ringed by thin strokes. Those strokes are
 * whitened; the marks themselves are still found on the page as decoded (form_marks_find). */
#define UNLINE_BOX_MIN    0.75 /* a box's inside: side at least this many char heights */
#define UNLINE_BOX_MAX    2.2  /* ...and at most (larger: a table's cell, a frame) */
#define UNLINE_BOX_ASPECT 1.35 /* longer side / shorter side of the inside, at most */
#define UNLINE_BOX_EDGE                                                                            \
    0.8                        /* share of the inside's rows/columns a sixth in from each          \
                                * edge that is inside (an ellipse's: .75) */
#define UNLINE_BOX_CORNER 0.25 /* share of a corner (a fifth of each side) that is inside */
#define UNLINE_BOX_FILL   0.8  /* share of the inside's bounding box that is inside */
#define UNLINE_BOX_STROKE 0.3  /* a box's side is at most this thick (char heights, >= 2 px) */
#define UNLINE_BOX_REACH  0.35 /* its ink reaches at most this share of its height above/below */
#define UNLINE_BOX_GLUE   6.0  /* ...and at most this many char heights sideways (a label) */
#define UNLINE_MAX_BOXES  512  /* boxes erased per page, at most */

/* Pure: whether a hole of w x h pixels, given as bits (row-major, 1 = inside the hole), is the
 * inside of a check box for characters char_h pixels high (<= 0: unknown, the target). */
int unline_box_inside(const unsigned char *bits, int w, int h, double char_h);

/* Pure: the thickness to whiten of one side of a box, from runs[0..n) of ink measured outward
 * from the inside at n places along it: their median, unless it exceeds cap (a letter or a
 * bar touching the box there): -1. */
int unline_box_side(const int *runs, size_t n, int cap);

/* A copy of pix (8-bit grey or anything pixConvertTo8 takes; borrowed) in *out (the caller's)
 * with the sides of its empty check boxes whitened; *nboxes: how many (0: a plain copy).
 * DP_EINVAL for a NULL or empty pix, DP_ENOMEM. */
dp_err unline_boxes(PIX *pix, double char_h, PIX **out, size_t *nboxes);

#endif
