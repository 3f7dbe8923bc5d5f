/* layout.h -- a page's text as blocks in reading order: paragraphs (text), headings (lines
 * clearly taller than the page's body text), tables (where table detection found one), each with
 * its lines.  Pure: computed from the words (their line and block indices) and the tables, so the
 * result encoder adds pages[].blocks[] and the Markdown renderer reads them.
 *
 * Reading order: recursive XY cut over the blocks' boxes, trying a vertical cut (a column gap no
 * block crosses, with text beside text on both sides) before a horizontal one, so columns are
 * read left to right, each top to bottom, and a full-width heading stays above them. */
#ifndef DP_LAYOUT_H
#define DP_LAYOUT_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"
#include "page.h"
#include "table.h"

#define LAYOUT_HEADING_RATIO 1.3  /* line height over the body's median that makes a heading */
#define LAYOUT_MAX_BLOCKS    4096 /* blocks beyond this are ordered top to bottom, no XY cut */

enum layout_kind { LAYOUT_TEXT = 0, LAYOUT_HEADING, LAYOUT_TABLE, LAYOUT_IMAGE };

struct layout_line {
    char *text; /* the words joined by single spaces, left to right; owned */
    int x, y, w, h;
};

struct layout_block {
    enum layout_kind kind;
    int x, y, w, h;
    int table;                 /* LAYOUT_TABLE: index into the page's tables, else -1 */
    struct layout_line *lines; /* owned array of nlines, top to bottom */
    size_t nlines;
};

/* The blocks of a page in reading order: *out (free with layout_free) of *n blocks. words with
 * their line/block indices as the reader set them; tables may be NULL. DP_ENOMEM. */
dp_err layout_blocks(const struct dp_word *words, size_t nwords, const struct table *tables,
                     size_t ntables, struct layout_block **out, size_t *n);

/* Frees n blocks and the array. NULL is a no-op. */
void layout_free(struct layout_block *b, size_t n);

/* Name of a kind: "text", "heading", "table", "image" (static). */
const char *layout_kind_name(enum layout_kind k);

/* pages[].blocks[] of page p: [{kind, bbox:[x,y,w,h], lines:[{text,bbox}]}] (caller owns), or
 * NULL when memory ran out. */
cJSON *layout_json(const struct dp_page *p);

#endif
