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

#endif
