/* table.h -- tables on a page: grids found from the alignment of word boxes (unruled tables)
 * and from ruling lines (ruled tables), with cells, spans and header rows.
 *
 * Pure: the detectors read word boxes and line segments, never pixels (table_rules.c turns a
 * page image into segments with Leptonica morphology).  Everything is in page pixels, the
 * units of struct dp_word.  Typical use:
 *
 *     struct table_rule *rules = NULL; size_t nrules = 0;
 *     table_rules_find(pix, dpi, &rules, &nrules);             // optional: ruled tables
 *     struct table *t = NULL; size_t n = 0;
 *     table_detect(page->words, page->nwords, page->width, page->height, rules, nrules, &t, &n);
 *     ... t[i].cells ...
 *     table_list_free(t, n);
 */
#ifndef DP_TABLE_H
#define DP_TABLE_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"
#include "page.h"

/* Caps: every input has one. */
#define TABLE_MAX_WORDS  20000 /* words considered per page; more -> no tables */
#define TABLE_MAX_RULES  4096  /* line segments considered per page */
#define TABLE_MAX_TABLES 64    /* tables per page */
#define TABLE_MAX_ROWS   512   /* rows per table (a taller grid is cut) */
#define TABLE_MAX_COLS   64    /* columns per table */
#define TABLE_MAX_CELL   4096  /* bytes of one cell's text (cut at a character boundary) */

/* An axis-aligned box in page pixels. */
struct table_box {
    int x, y; /* top-left */
    int w, h;
};

/* One cell of a table's grid.  A cell covering several grid slots has spans > 1; slots no
 * cell covers are empty and not listed. */
struct table_cell {
    int row, col;           /* top-left grid slot, 0-based */
    int row_span, col_span; /* >= 1 */
    char *text;             /* UTF-8, words joined by ' ' (lines by ' '); owned, never NULL */
    struct table_box bbox;  /* union of the cell's words, or the ruled cell when empty */
    int header;             /* 1 when the cell is in a header row */
};

/* One table. */
struct table {
    struct table_box bbox;    /* the whole grid */
    int rows, cols;           /* grid size */
    int ruled;                /* 1 = found from ruling lines, 0 = from word alignment */
    int header_rows;          /* leading rows that are headers (0..rows) */
    struct table_cell *cells; /* owned array of ncells, row-major by (row, col) */
    size_t ncells;
};

/* A ruling line: a horizontal (y1 == y2 up to its thickness) or vertical segment. */
struct table_rule {
    int x1, y1, x2, y2; /* x1 <= x2, y1 <= y2 */
    int thick;          /* thickness in pixels */
};

/* Finds the ruling lines of a page image (any depth; borrowed): ink runs at least about half
 * an inch long and a few pixels thick, found by morphological opening with long thin bricks on
 * a 2x-reduced binary image.  *out is a new array of *n segments (NULL when none) in pix's
 * pixels, at most TABLE_MAX_RULES; caller frees it with free().  DP_ENOMEM, DP_EINVAL (no
 * image). */
struct Pix;
dp_err table_rules_find(struct Pix *pix, int dpi, struct table_rule **out, size_t *n);

/* A copy of pix (8-bit grey, or 1-bit as given) with the rules painted white: what to OCR,
 * since ruled cells confuse Tesseract's page layout (it may read none of their text).  The
 * caller owns the result; NULL on allocation failure. */
struct Pix *table_rules_erase(struct Pix *pix, const struct table_rule *rules, size_t n);

/* Finds the tables of one page from its words (any order) and optional ruling lines (NULL/0 =
 * none).  *out is a new array of *n tables (NULL when none) the caller frees with
 * table_list_free().  DP_ENOMEM on allocation failure (nothing allocated then).  Over the
 * TABLE_MAX_WORDS cap it finds nothing and returns DP_OK. */
dp_err table_detect(const struct dp_word *words, size_t nwords, int page_w, int page_h,
                    const struct table_rule *rules, size_t nrules, struct table **out, size_t *n);

/* Frees what a table owns (not the struct itself).  NULL is a no-op. */
void table_cleanup(struct table *t);
/* Frees n tables and the array.  NULL is a no-op. */
void table_list_free(struct table *t, size_t n);

/* The cell that covers grid slot (row, col), or NULL when the slot is empty. */
const struct table_cell *table_cell_at(const struct table *t, int row, int col);

/* The table as RFC 4180 CSV: one record per grid row, CRLF line ends, a field quoted when it
 * holds a comma, quote, CR or LF (quotes doubled); a spanning cell's text is in its top-left
 * slot, the other slots it covers are empty.  Caller frees; NULL on allocation failure. */
char *table_csv(const struct table *t);

/* The same from the table's JSON object (as table_json() writes it and the API reads it back
 * from a stored result): NULL when the object is not a table or memory runs out. */
char *table_csv_json(const cJSON *table);

/* {"bbox":[x,y,w,h],"rows","cols","ruled","header_rows","cells":[{"row","col","row_span",
 * "col_span","text","bbox","header"}]}.  Caller owns it; NULL on allocation failure. */
cJSON *table_json(const struct table *t);

#endif
