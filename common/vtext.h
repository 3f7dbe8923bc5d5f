/* vtext.h -- text printed running up or down a page (a document number along the margin, a
 * stamp), found from the words Tesseract read there.
 *
 * Layout analysis reads a line printed turned a quarter as one tall word of garbage, usually
 * the right letters read the wrong way up (`666LT9868` for 89817999), or as a stack of short
 * lines of a letter or two. 87 of FUNSD's 149 forms carry such a number (93 words, 0.4 % of
 * their words). The groups are found here from the words' boxes alone; the worker reads each
 * again turned both ways and keeps the better reading (worker_reread_vertical).
 *
 *     int *g = calloc(n, sizeof *g);
 *     size_t ng = vtext_groups(words, n, g);   // g[i]: word i's group, or -1
 */
#ifndef DP_VTEXT_H
#define DP_VTEXT_H
#include <stddef.h>
#include "page.h"

#define VTEXT_MIN_TALL  3.0  /* a group is at least this many (median) word heights tall */
#define VTEXT_ASPECT    2.5  /* ...and at least this many times as tall as it is wide */
#define VTEXT_NARROW    3.0  /* a word of a group is at most this many word heights wide */
#define VTEXT_GAP       0.5  /* words of a group follow each other this many word heights apart */
#define VTEXT_LINE_GAP  3.0  /* ...or this many when layout analysis read them as one line */
#define VTEXT_SURE      95.0 /* a group read this surely (mean confidence) is left alone */
#define VTEXT_MAX       8    /* groups per page, at most (the first in reading order) */
#define VTEXT_MIN_CHARS 3    /* characters read in a group, at least (a rule read as "|": none) */
#define VTEXT_SPECK     0.5  /* a "word" under this many word heights each way is a speck */

/* Pure: the groups of words[0..n) that look like one line of text running up or down the page:
 * narrow words stacked in a column (each at most VTEXT_GAP word heights from the next, or
 * VTEXT_LINE_GAP when on one line, and overlapping it across by half the narrower one's width),
 * together at least VTEXT_MIN_TALL median word heights tall and VTEXT_ASPECT times as tall as
 * wide, read with a mean confidence under VTEXT_SURE as VTEXT_MIN_CHARS characters or more, and
 * no word of them sharing its line (dp_word.line) with a word outside them but specks (under
 * VTEXT_SPECK word heights each way). group[i] (n entries, the caller's) receives word i's
 * group (0-based, numbered in the order of their first words) or -1; returns the number of
 * groups (at most VTEXT_MAX). Fewer than 3 words: none (no median). */
size_t vtext_groups(const struct dp_word *w, size_t n, int *group);

#endif
