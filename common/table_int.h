/* table_int.h -- what the table modules share: the page's words organised into lines and
 * phrases (table_lines.c), used by the unruled detector (table.c), the ruled grid
 * (table_grid.c) and the key-value pairing (form.c).  Internal to common/. */
#ifndef DP_TABLE_INT_H
#define DP_TABLE_INT_H
#include <stddef.h>
#include "page.h"
#include "table.h"

/* Mean OCR confidence (0..100) a table's words need at least: below it, the grid is a chart
 * or picture whose marks were read as letters.  A text layer's words are 100. */
#define TABLE_MIN_CONF 60.0

/* A phrase: consecutive words of one line with no wide gap between them. */
struct tl_seg {
    int x0, x1, y0, y1; /* union box, x1/y1 exclusive */
    size_t w0, nw;      /* words ord[w0 .. w0+nw) of the layout */
};

/* A text line: words whose boxes overlap vertically, left to right. */
struct tl_line {
    int x0, x1, y0, y1; /* union box */
    size_t s0, ns;      /* phrases segs[s0 .. s0+ns) */
};

/* A page's words as lines of phrases, top to bottom. */
struct tl_layout {
    const struct dp_word *words;
    size_t *ord;           /* word indices, line by line, left to right; owned */
    size_t nord;           /* words kept (those with a box and text) */
    struct tl_line *lines; /* owned, nlines, sorted by top */
    size_t nlines;
    struct tl_seg *segs; /* owned, nsegs */
    size_t nsegs;
    int hmed; /* median word height, >= 1 */
    int gap;  /* a gap at least this wide between words splits a phrase */
};

/* Builds the layout of words[0..n) skipping words whose skip flag is set (skip may be NULL).
 * gap_em: the phrase-splitting gap in median word heights.  DP_ENOMEM. */
dp_err tl_build(struct tl_layout *L, const struct dp_word *words, size_t n, const char *skip,
                double gap_em);
void tl_cleanup(struct tl_layout *L);

/* Appends the words ord[w0..w0+nw) of L to a cell text (words joined by ' ', capped at
 * TABLE_MAX_CELL), growing *box by their boxes.  DP_ENOMEM. */
dp_err tl_append(const struct tl_layout *L, size_t w0, size_t nw, char **text,
                 struct table_box *box);

/* Grows *b to hold (x0,y0)-(x1,y1); an empty box (w == 0 && h == 0) takes it whole. */
void tl_box_add(struct table_box *b, int x0, int y0, int x1, int y1);

/* Whether the UTF-8 text is mostly a number (digits, separators, currency, %, signs). */
int tl_numeric(const char *s);

/* Finds ruled tables: grids of intersecting rules, the words of L (built without skips)
 * placed in their cells.  Words used are flagged in used[] (indexed like L->words).  Appends
 * to out[*n], at most TABLE_MAX_TABLES in all.  DP_ENOMEM. */
dp_err table_grid_detect(const struct tl_layout *L, const struct table_rule *rules, size_t nrules,
                         char *used, struct table *out, size_t *n);

/* Leading rows without a number right of the first column are headers: at least one (when
 * the table has two rows or more), at most three, never all. */
int table_guess_headers(const struct table *t);
/* Marks the cells of the first header_rows rows as headers. */
void table_mark_headers(struct table *t);

#endif
