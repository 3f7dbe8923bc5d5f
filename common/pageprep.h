/* pageprep.h -- how to look at a page before Tesseract reads it: the median character height
 * (from connected components), the scale that brings it to the height Tesseract reads best,
 * and the page segmentation mode (one block for narrow single-column pages such as receipts,
 * layout analysis for the rest).
 *
 * The measuring step uses Leptonica (pageprep_measure); the decisions are pure functions over
 * the measured numbers (pageprep_measure_boxes, pageprep_scale, pageprep_psm) so they can be
 * tested on made-up boxes. */
#ifndef DP_PAGEPREP_H
#define DP_PAGEPREP_H
#include <stddef.h>
#include <stdint.h>
#include <leptonica/allheaders.h>
#include "err.h"

#define PAGEPREP_TARGET_PX  20.0 /* median character height Tesseract is fed, pixels */
#define PAGEPREP_LOW_DPI    150  /* below this an unmeasured page is enlarged towards 300 */
#define PAGEPREP_MIN_BOXES  20   /* fewer character-like components: no estimate */
#define PAGEPREP_SURE_BOXES 50   /* fewer: the estimate may enlarge a page, never shrink it */
#define PAGEPREP_MIN_COLS   8.0  /* narrower text (in char heights) is no column */
#define PAGEPREP_NARROW_COL 45.0 /* text column narrower than this many char heights = slip */
#define PAGEPREP_MAX_WORK   2000 /* the measuring copy's longer side, pixels, about */
#define PAGEPREP_PSM_AUTO   3    /* Tesseract PSM_AUTO: layout analysis */
#define PAGEPREP_PSM_BLOCK  6    /* Tesseract PSM_SINGLE_BLOCK */
#define PAGEPREP_PSM_LINE   7    /* Tesseract PSM_SINGLE_LINE (re-reading one line) */

/* One connected component's box, in pixels. */
struct pageprep_box {
    int x, y, w, h;
};

#define PAGEPREP_MAX_ROWS 512 /* text rows kept per page */

/* What was measured on a page, in the page's own pixels. */
struct pageprep_measure {
    double char_h; /* median height of character-like components; 0 = not enough text */
    size_t nchars; /* character-like components counted */
    int text_x0;   /* horizontal extent of the text (2nd..98th percentile of the boxes) */
    int text_x1;
    int page_w, page_h;                          /* the page measured */
    struct pageprep_box rows[PAGEPREP_MAX_ROWS]; /* rows of characters, top to bottom */
    size_t nrows;
};

/* Pure: measures boxes[0..n) of a page of width page_w and height page_h. Components that
 * cannot be characters are left out: specks (under 3 px or 1/400 of the page height), rules
 * and frames (wider than 8 heights, taller than 1/8 of the page), and dots and dashes (under
 * 40% of the 90th-percentile height). DP_ENOMEM only. */
dp_err pageprep_measure_boxes(const struct pageprep_box *boxes, size_t n, int page_w, int page_h,
                              struct pageprep_measure *out);

/* Pure: groups the boxes of character height (0.5..2.5 char_h, at most 30 times as wide as
 * high: letters, or words run together by blur) of boxes[0..n) into rows (vertical centres within
 * 0.6 char_h of the row's mean), top to bottom, and writes the box around each row of at least 3
 * boxes or 4 char_h of width to rows[0..max). Returns the number written. */
size_t pageprep_rows(const struct pageprep_box *boxes, size_t n, double char_h,
                     struct pageprep_box *rows, size_t max);

/* Measures pix (8-bit grey, or anything pixConvertTo8 takes; borrowed): a copy halved until its
 * longer side is at most 5/4 of PAGEPREP_MAX_WORK pixels is binarised (Otsu on a background-
 * normalised image), closed with a 1x3 brick so dotted and broken characters hold together
 * (vertically only: letters must not merge into words), and its connected components go to
 * pageprep_measure_boxes; the result is in pix's pixels. DP_ENOMEM, or DP_EINVAL for a NULL or
 * empty pix. A page without text measures char_h 0. */
dp_err pageprep_measure(PIX *pix, struct pageprep_measure *out);

/* Pure: the factor to scale a w x h page of dpi (0 = unknown) measured m by so that its
 * characters (m->char_h pixels) become about PAGEPREP_TARGET_PX high. 1 when they are already
 * within [0.8, 1.6] of the target (scaling costs and gains little there); with char_h unknown
 * (0, or large but from fewer than PAGEPREP_SURE_BOXES components), 300 / dpi for pages under
 * PAGEPREP_LOW_DPI, else 1. Always between 1/4 and 3, and lowered so the result has at most
 * max_pixels pixels. */
double pageprep_scale(const struct pageprep_measure *m, int dpi, int w, int h, uint64_t max_pixels);

/* Pure: the page segmentation mode for a measured page: PAGEPREP_PSM_BLOCK when the text
 * forms one narrow column (text width under PAGEPREP_NARROW_COL character heights: receipts,
 * slips, labels; or under twice that on a strip twice as tall as wide), else
 * PAGEPREP_PSM_AUTO (columns, forms, letters). Unknown measure, or text narrower than
 * PAGEPREP_MIN_COLS character heights (turned text, stamps): AUTO. */
int pageprep_psm(const struct pageprep_measure *m);

/* Pure: moves to the front of rules[0..n) (stable) the ruling lines that belong to a ruled
 * grid, and returns how many. A rule belongs when at least two rules of the other direction
 * meet it (cross or touch it, within tol pixels); and there is a grid only when at least two
 * horizontal and two vertical rules belong (else 0). Underlines, a box around a line, rules
 * between sections or letter strokes that happen to line up are no grid: erasing them cuts
 * the text they touch and gains the layout analysis nothing. */
struct table_rule;
size_t pageprep_grid_rules(struct table_rule *rules, size_t n, int tol);

#endif
