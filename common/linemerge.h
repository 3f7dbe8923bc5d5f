/* linemerge.h -- choosing between two readings of the same text line: the first read of a
 * page and a re-read of one weak line (another segmentation mode, another scale). A reading is
 * judged by its confidence and by what validates in it: a date that exists in the calendar,
 * an amount written as one, against numbers with letters in them ("2O18", "6O.3l") or dates
 * that cannot be. Pure. */
#ifndef DP_LINEMERGE_H
#define DP_LINEMERGE_H
#include <stddef.h>

/* One word of a reading (borrowed text). */
struct linemerge_word {
    const char *text; /* UTF-8 */
    float conf;       /* 0..100 */
};

#define LINEMERGE_VALID_BONUS 8.0  /* per token that validates (date, amount) */
#define LINEMERGE_BROKEN_COST 12.0 /* per token that looks like a misread number or date */
#define LINEMERGE_GARBLE_COST 12.0 /* per token that cannot be a word, number or code */
#define LINEMERGE_MARGIN      3.0  /* the re-read must win by this much */
#define LINEMERGE_MIN_KEPT    0.6  /* the re-read must keep this share of the characters */

/* Score of a reading: character-weighted mean confidence, plus LINEMERGE_VALID_BONUS per
 * valid date or amount token, minus LINEMERGE_BROKEN_COST per broken one and
 * LINEMERGE_GARBLE_COST per garbled one (linemerge_garbled). Tesseract can be sure of garbage
 * (a cut or damaged line of large type read as "~ rave C11ec<"): what the characters are
 * must count, not only how sure it was. Empty: 0. */
double linemerge_score(const struct linemerge_word *w, size_t n);

/* 1 when reading b should replace reading a: b scores at least LINEMERGE_MARGIN higher and
 * keeps at least LINEMERGE_MIN_KEPT of a's non-space characters (a re-read that drops half
 * the line is no better however sure it is). */
int linemerge_prefer(const struct linemerge_word *a, size_t na, const struct linemerge_word *b,
                     size_t nb);

/* How a token reads: 1 valid (a real date, an amount), -1 broken (digits mixed with letters
 * that OCR confuses for digits, an impossible date), 0 neither. Exposed for tests. */
int linemerge_token_check(const char *t, size_t len);

/* 1 when token t[0..len) cannot be a word, a number or a code: a stray mark on its own ("~",
 * "|", a quote), a character OCR makes of specks and strokes (~ < > | \\ ^ _ ` { }) next to
 * letters or digits, or letters and digits alternating within one run ("C11ec", "5G0ML"; one
 * change, as in "U13", "47G", "2HotCakes", is a code). Exposed for tests. */
int linemerge_garbled(const char *t, size_t len);

/* 1 when t[0..len) (punctuation around it ignored) has the shape of a numeric date: digits in
 * three parts split by two equal separators (/ - .), the middle part one or two digits, at
 * most 10 characters; whether or not it is a real date. */
int linemerge_date_shaped(const char *t, size_t len);

#endif
