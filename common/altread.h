/* altread.h -- a second reading of a page kept beside the first: when to read a page twice,
 * how the second reading's lines line up with the first's (by box overlap), which of them are
 * kept (where the two differ) as alternate lines, and the page as the alternates would have it
 * (for the extractors, which look for a field in the first reading and then in that one).
 *
 * The measurement: SROIE receipts hold their confirmed company, address, date and
 * total in the first reading alone for .55/.41/.85/.89 of the receipts, in the first or a
 * second reading with the other segmentation mode for about .69/.50/.91/.92. Replacing a line
 * by the surer of two readings recovers little of that (the misreads are confident ones);
 * keeping both does. The first reading stays the page's text; the second is in dp_page.alt.
 *
 * Pure functions over words; the reading itself is the worker's (worker_alt.c). */
#ifndef DP_ALTREAD_H
#define DP_ALTREAD_H
#include <stddef.h>
#include "err.h"
#include "page.h"

#define ALTREAD_CLEAN_CONF 88.0f /* first read this sure (mean word confidence): never twice */
#define ALTREAD_POOR_CONF  70.0f /* first read under this: read twice whatever the layout */
#define ALTREAD_MIN_WORDS  3     /* a page with fewer words than this is not read twice */
#define ALTREAD_MAX_WORDS  4000  /* nor one with more (a dense page: the cost doubles) */
#define ALTREAD_VOVERLAP                                                                           \
    0.5                     /* a word joins a line overlapping it by this share of the             \
                               lower of the two heights, vertically */
#define ALTREAD_MAX_GAP 4.0 /* ... and within this many line heights of it sideways */
#define ALTREAD_SCALE                                                                              \
    1.4f /* the second reading's scale against the first's (characters                             \
            about 28 px): at one scale both readings make the same                                 \
            misreads (SROIE, first 30, with alternates: company/address/                           \
            date/total .53/.40/.93/.90 at 1x, .53/.43/.97/.93 at 1.4x,                             \
            .53/.33/.97/.87 at 0.7x) */

/* Pure: whether a page first read with segmentation mode psm (Tesseract's: 6 one block, 3
 * layout analysis...), mean word confidence conf (0..100) and nwords words is read a second
 * time: pages read as one block (narrow single columns: receipts, slips) and pages read
 * poorly (under ALTREAD_POOR_CONF), never a page read surely (ALTREAD_CLEAN_CONF and over),
 * nor one of under ALTREAD_MIN_WORDS or over ALTREAD_MAX_WORDS words. */
int altread_wanted(int psm, float conf, size_t nwords);

#define ALTREAD_BROKEN_CONF                                                                        \
    50.0f /* a weak line read this badly (mean word confidence) is read a third time even on a     \
             page read twice: both readings are likely garbage there (a smeared line) */

/* Pure: whether a weak line (worker_reread.c: mean word confidence or one word low) is read
 * again alone and enlarged, for a page read with segmentation mode psm, twice or not
 * (read_twice), the two readings of the line differing or not (differ) and its mean word
 * confidence line_conf. A page read once, or with layout analysis, re-reads every weak line.
 * On a one-block page (a receipt) read twice, the second reading already keeps its own
 * reading of every line where the two differ, so only a line both read apart and under
 * ALTREAD_BROKEN_CONF is read a third time (SROIE probe, docs/EVAL.md branch `recpu`: re-reading
 * every weak line the readings differ on cost 4-8 % more reading CPU for no more values
 * present). Key lines (dates, totals) and rows no word covers are the caller's. */
int altread_reread_weak(int psm, int read_twice, int differ, float line_conf);

#define ALTREAD_BAND_MIN_LINES 20    /* a page of fewer lines is read again whole */
#define ALTREAD_BAND_TOP_LINES 8     /* the band holds at least this many top lines */
#define ALTREAD_BAND_TOP_SHARE 0.30f /* ... or this share of the page's lines, if more */

/* Pure: which lines of a one-block first reading w[0..n) (`line` numbers 0..nlines-1, top to
 * bottom) the second reading reads again: the band where a receipt's values stand. Sets
 * keep[l] (nlines entries) to 1 for the top max(ALTREAD_BAND_TOP_LINES, ALTREAD_BAND_TOP_SHARE
 * of the lines) lines (the company, its address and usually the date), lines holding a
 * total-like word (TOTAL, AMOUNT, NETT, DUE, JUMLAH, BALANCE, also misread as TOT...) and the
 * next line when that one has no digit, and lines holding a date-shaped token or a year (19xx,
 * 20xx); 0 for the rest (the items). Returns the number of lines kept. The second reading
 * costs what it reads (Tesseract's cost is the text): SROIE's item lines, about a third of a
 * receipt's text, never held a value only the second reading found (docs/EVAL.md, branch
 * `rcpt6`). A page of fewer than ALTREAD_BAND_MIN_LINES lines is kept whole (little to
 * save, and what Tesseract reads of the lines kept changes with what is left out). */
size_t altread_band(const struct dp_word *w, size_t n, unsigned char *keep, size_t nlines);

/* Pure: the segmentation mode of the second reading: layout analysis (3) after one block (6,
 * or any mode that reads one block, line or word), one block (6) after layout analysis. */
int altread_other_psm(int psm);

/* Pure: aligns a second reading b[0..nb) of a page to its first reading a[0..na) (both in the
 * same pixels; `line` numbers each reading's lines). Each word of b joins the line of a that
 * overlaps it most vertically (at least ALTREAD_VOVERLAP of the lower height) among those it
 * overlaps sideways, or else lies within ALTREAD_MAX_GAP line heights of; the words that join
 * no line keep their own line of b, as a line the first reading missed. The words joining a
 * line of a, left to right, are its alternate when their characters (spaces aside) differ
 * from the line's; a missed line is always one. Writes to *alt (owned, caller frees with
 * altread_words_free; NULL when none) the *nalt words of the alternate lines, as dp_page.alt has
 * them: `line` the line of a (-1 missed), `block` the alternate line's number, lines ordered
 * by their vertical centre, words left to right. DP_ENOMEM. */
dp_err altread_align(const struct dp_word *a, size_t na, const struct dp_word *b, size_t nb,
                     struct dp_word **alt, size_t *nalt);

/* Builds into *out (zeroed first; release with page_cleanup) p as its alternates would have
 * it: the words of p with each alternate line in place of the line it stands for, and each
 * missed line after the line of p above it; lines renumbered in order, the text rebuilt from
 * the words. number, size, dpi, source, conf, lang are copied; tables, marks, codes and alt
 * are not. DP_ENOMEM. */
dp_err altread_variant(const struct dp_page *p, struct dp_page *out);

/* ---- the line look: a receipt's company and date lines read once more, alone ---- */

#define ALTREAD_LOOK_TOP  3 /* the top lines looked at again (the company's name) */
#define ALTREAD_LOOK_NAME 1 /* altread_look_lines: a top line */
#define ALTREAD_LOOK_DATE 2 /* ... a line with a date (a top one too) */
#define ALTREAD_LOOK_MAX_DATES                                                                     \
    6 /* date lines looked at, at most, the first ones (a receipt has one to three; a page of      \
         dated rows read as one block pays for six) */

/* Pure: which lines of a one-block first reading w[0..n) (`line` numbers 0..nlines-1, top to
 * bottom) a receipt's line look reads again, each alone as one line at another scale: the top
 * ALTREAD_LOOK_TOP lines holding a letter (the company: its large header type is misread by
 * a character, SDN -> SON, DECO -> BECO, at both readings' scales) and the lines holding a
 * date-shaped token or a year (2018 -> 2016), or three groups of letters or digits joined by two
 * slashes or dashes with four digits or more (a date misread: O7/01/18; SROIE probe: date .90
 * -> .91 at no measurable cost). Sets keep[l] (nlines entries) to ALTREAD_LOOK_DATE
 * for a date line, ALTREAD_LOOK_NAME for another top line, 0 for the rest; returns how many
 * were kept. */
size_t altread_look_lines(const struct dp_word *w, size_t n, unsigned char *keep, size_t nlines);

#define ALTREAD_LINE_WORDS 256 /* words of a line looked at for its rows */

/* Pure: the rows [*y0, *y1) a line of words w[0..n) (those with `line`) stands on: the median
 * centre and median height of its words of two letters or digits or more (of all its words
 * when it has none; the first ALTREAD_LINE_WORDS). A speck or a rule read as a word (~, -, |)
 * at the line's side makes the box around its words two lines tall; the median does not
 * follow it. 0 when the line has no words. */
int altread_line_rows(const struct dp_word *w, size_t n, int line, int *y0, int *y1);

#define ALTREAD_LOOK_BLOCK 1000000 /* dp_word.block of the line look's alternates: from here */

/* The readings an alternate line is of (altread_reading), and all of them (altread_variant_of) */
enum { ALTREAD_ANY = 0, ALTREAD_SECOND = 2, ALTREAD_LOOK = 3 };

/* Adds the words w[0..n) (owned: taken, freed when not kept; in p's pixels) of a line look at
 * line `line` of p to p->alt as one more alternate line of it (block ALTREAD_LOOK_BLOCK or
 * over), when their characters (spaces aside) differ from the line's own and from every
 * alternate p has for it already; a line may so have two alternates (the second reading's
 * first). *kept says whether it was added. DP_ENOMEM (w freed). */
dp_err altread_add_look(struct dp_page *p, int line, struct dp_word *w, size_t n, int *kept);

/* Pure: the reading alternate word a is of: ALTREAD_SECOND or ALTREAD_LOOK (its block). */
int altread_reading(const struct dp_word *a);

/* Pure: whether p has an alternate line of the line look. */
int altread_has_look(const struct dp_page *p);

/* As altread_variant, with only the alternates of one reading (ALTREAD_SECOND: the second
 * reading's, its missed lines included; ALTREAD_LOOK: the line look's) in place; ALTREAD_ANY
 * is altread_variant (a line with two alternates takes the second reading's). A value is in
 * some reading when it is in the text or in one of these (the measure). DP_ENOMEM. */
dp_err altread_variant_of(const struct dp_page *p, int reading, struct dp_page *out);

/* Frees n words and their texts. NULL is a no-op. */
void altread_words_free(struct dp_word *w, size_t n);

#endif
