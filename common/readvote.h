/* readvote.h -- a value read twice: where the two readings of a page (dp_page.words and the
 * alternate lines of dp_page.alt, altread.h) read a word of a company name or an address
 * differently, the word of the other reading is taken when it validates and the value's own
 * does not: a word the tenant confirmed before (its vendor memory's names and addresses), or
 * the same word without a misread mark ("D.I.Y¥." / "D.I.Y."), a number without a letter read
 * for a digit ("S3000" / "53000"), a word of letters without a digit read for a letter. Where
 * neither validates, or both do, the value's own reading stands: two readings give no
 * majority, so only evidence outside them decides.
 *
 * Pure functions over strings; xmodel.c feeds them a page's line pairs and the memory. */
#ifndef DP_READVOTE_H
#define DP_READVOTE_H
#include <stddef.h>
#include "err.h"
#include "page.h"

#define READVOTE_MAX_TOKENS 96  /* words of a value or a line looked at (the rest kept) */
#define READVOTE_TOKEN_MAX  48  /* bytes of a word (longer words are never replaced) */
#define READVOTE_MIN_SIM    0.5 /* two words this alike (characters) are readings of one */
#define READVOTE_MIN_RUN    2   /* words of a line the value must hold in a row to be from it */

/* One line read twice: the first reading's text and the second's (words joined by spaces).
 * Borrowed. */
struct readvote_pair {
    const char *first;
    const char *second;
};

/* Whether the word y of the other reading is taken for the value's word x: y known (a whole
 * word of one of lex[0..nlex), letters compared without case, punctuation around a word
 * ignored) where x is not; else, neither known, y the same word without a non-ASCII mark, or
 * with digits where x has digit-like letters (S O I L B Z G), or with letters where x has
 * letter-like digits (0 1 5 8 2 6). 0 when x and y are equal. Pure. */
int readvote_word(const char *x, const char *y, const char *const *lex, size_t nlex);

/* Writes value into out (NUL-terminated, at most outsz - 1 bytes) with its words voted: a run
 * of at least READVOTE_MIN_RUN words of the value (or a whole shorter line) equal to the words
 * of one reading of pairs[k] takes, word for word, the other reading's word aligned to it
 * (a word-level edit alignment of the two readings of the line; words at least
 * READVOTE_MIN_SIM alike) where readvote_word says so, and loses a stray mark at an end of
 * that line ("J", "!": one character other than a digit or "&", or no letter or digit) that
 * the other reading does not have. The value may come from either reading. Then a word with
 * one non-ASCII mark becomes the one word of lex it reads as with the mark left out or read
 * as a letter ("D.I.\u00a5." -> "D.I.Y."). Returns how many words it changed (0: out is a
 * copy of value). Pure. */
size_t readvote_value(const char *value, const struct readvote_pair *pairs, size_t npairs,
                      const char *const *lex, size_t nlex, char *out, size_t outsz);

/* Pure: fixed, a repair of value word for word (lexfix.h), written into out (NUL-terminated,
 * words joined by one space) with value's own word back wherever the repair changed a word
 * that both readings of a line read so (letters compared without case): two readings that
 * agree are no misreading ("LIAN HING" read alike twice, not HENG of a confirmed "TEO HENG").
 * Returns how many words it put back; with another number of words, out is fixed and 0. Cut
 * to outsz at a whole word. */
size_t readvote_keep_agreed(const char *value, const char *fixed, const struct readvote_pair *pairs,
                            size_t npairs, char *out, size_t outsz);

/* An amount read twice: where one reading of a line reads cents (an amount with two
 * decimals, "64.50") and the other reads another amount in its place (word-aligned), that one
 * (its cents) when it fits the page's other amounts amounts[0..n) (cents, the first reading's)
 * and cents does not: it equals another amount of the page, or the sum or difference of two
 * others (subtotal + tax, cash - change). -1 when no line reads it so, both or neither fit, or
 * the lines disagree. Pure. */
long readvote_amount(long cents, const struct readvote_pair *pairs, size_t npairs,
                     const long *amounts, size_t n);

/* The cents of a word printed as an amount with two decimals ("64.50", "RM141.58", "54.50\""),
 * or -1. Pure. */
long readvote_cents(const char *w, size_t n);

/* The lines of a document read twice: one pair per alternate line that stands for a line of
 * the first reading (dp_page.alt words of one block whose `line` is that line's). */
struct readvote_lines {
    struct readvote_pair *p; /* owned, n; the texts owned too */
    size_t n;
};

/* Fills *out (zeroed first) from doc's pages. DP_ENOMEM (out left empty). */
dp_err readvote_lines_of(const struct dp_doc_text *doc, struct readvote_lines *out);
void readvote_lines_cleanup(struct readvote_lines *l);

#endif
