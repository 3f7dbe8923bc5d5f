/* turn.h -- whether a read page may be turned (sideways or upside down), decided from its
 * first reading instead of asking Tesseract's OSD on every doubtful page: which turns to try,
 * where to try them (a strip of a few lines), and which trial wins.
 *
 * OSD costs about as much as a reading on a receipt photo (0.35-0.45 s of CPU on SROIE's, 9 of
 * 100 asked) and is unsure there: on SROIE receipts turned 180 degrees it answered 0 or 180
 * with a confidence under its threshold, so a turned receipt stayed upside down. Reading a
 * strip of six lines turned costs a fifth of that and Tesseract's own confidence tells a
 * turned strip (garbage, 30s) from an upright one (60-90). Pure functions; the reading is the
 * worker's (worker_turn.c). */
#ifndef DP_TURN_H
#define DP_TURN_H
#include <stddef.h>
#include "err.h"
#include "page.h"

#define TURN_POOR_CONF     60.0f /* a first reading under this (mean word confidence) may be turned */
#define TURN_MIN_WORDS     3     /* ... as may one of fewer words */
#define TURN_LONG_CHARS    4     /* words this long (bytes) show which way the text runs */
#define TURN_MIN_LONG      5     /* ... when there are at least this many */
#define TURN_SIDEWAYS      0.6   /* share of them taller than wide: the text runs vertically */
#define TURN_STRIP_LINES   6.0   /* a trial reads a strip this many lines high (2 char heights) */
#define TURN_GAIN          10.0f /* a turned strip must read this much surer than upright */
#define TURN_MAX_CANDIDATE 3

/* Pure: whether the words w[0..n) of a reading run vertically: at least TURN_MIN_LONG words
 * of TURN_LONG_CHARS or more bytes, and TURN_SIDEWAYS of them taller than wide (layout analysis
 * reads a page turned 90 degrees line by line, surely, with the words' boxes standing up). */
int turn_sideways(const struct dp_word *w, size_t n);

/* Pure: the turns (degrees clockwise that would make it upright: 90, 180, 270) worth trying
 * on a page read with mean word confidence conf, nwords words, sideways (turn_sideways):
 * 90 and 270 for sideways text; 180, 90 and 270 for a poor reading (under TURN_POOR_CONF or
 * fewer than TURN_MIN_WORDS words: one block reads a quarter-turned receipt as garbage of
 * any shape); none for a fair reading of rows. Writes them to out (room for
 * TURN_MAX_CANDIDATE) and returns how many. */
size_t turn_candidates(float conf, size_t nwords, int sideways, int *out);

/* A strip of the page, in the pixels of the page as read: x, y, w, h. */
struct turn_strip {
    int x, y, w, h;
};

/* Pure: the strip of a page_w x page_h page (characters char_h pixels high, 0 = unknown: 20)
 * that, turned by deg, is TURN_STRIP_LINES lines of the turned page around the text's middle
 * (cx, cy: the median centre of the words read; -1 = the page's): a band across the page,
 * horizontal for 0 and 180, vertical for 90 and 270; clamped to the page. */
struct turn_strip turn_strip_of(int page_w, int page_h, double char_h, int deg, int cx, int cy);

/* Pure: the median centre of words w[0..n) into *cx, *cy (-1 without words). DP_ENOMEM. */
dp_err turn_text_centre(const struct dp_word *w, size_t n, int *cx, int *cy);

/* Pure: the row (or column) of ink[0..n) (dark pixels per row) nearest to at, within reach of
 * it, with the least ink: where a strip's edge cuts no line of text. */
int turn_snap(const int *ink, size_t n, int at, int reach);

/* Pure: the mean confidence of the words of w[0..n) whose centre lies in strip s; fallback
 * when fewer than TURN_MIN_WORDS words lie there. */
float turn_strip_conf(const struct dp_word *w, size_t n, struct turn_strip s, float fallback);

/* Pure: which of n trials (turn deg[i] read with mean confidence conf[i]) to take for a page
 * whose upright strip reads upright_conf (sideways: the page's text runs vertically, so the
 * upright reading is no measure): the surest trial, when it reads TURN_GAIN surer than
 * upright (sideways: surer than TURN_POOR_CONF); -1 for none. */
int turn_pick(const int *deg, const float *conf, size_t n, float upright_conf, int sideways);

#endif
