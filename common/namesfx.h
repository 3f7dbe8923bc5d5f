/* namesfx.h -- a company name printed over two lines, put together: the tenant's confirmed
 * names give the words its names end in ("SDN BHD", "ENTERPRISE", "(M)": the last three words
 * of at least NAMESFX_MIN_NAMES names), and legal forms (SDN, BHD, CO, LTD, INC, GMBH, (M),
 * ...) close names whatever the tenant confirmed; a value that is only such words takes in
 * the line above it ("SDN BHD" under "PASARAYA BORONG PINTAR", "CO. (M) SDN BHD" under
 * "POPULAR BOOK"), a value not ending in one takes in the line below it when that line is
 * only such words, and a value ending in a connector ("&", "AND") takes in the line below it
 * when that reads as a name. Pure functions over strings. */
#ifndef DP_NAMESFX_H
#define DP_NAMESFX_H
#include <stddef.h>
#include "err.h"
#include "page.h"

#define NAMESFX_MIN_NAMES 2   /* confirmed names a closing word must end */
#define NAMESFX_TAIL      3   /* last words of a name looked at */
#define NAMESFX_LINE_MAX  256 /* bytes of a line looked at */
/* letters, two of them vowels, of a word whose final mark is a speck (namesfx_unmark):
 * shorter or vowel-poor words are abbreviations */
#define NAMESFX_UNMARK_MIN 4

/* Writes into out (NUL-terminated, outsz >= 1) value with the line above or below it taken in
 * as said above, when value is the whole or a part of one of lines[0..nlines) (texts of the
 * page's lines in order; the line above must hold a word of three letters and no digit).
 * names[0..nnames): confirmed company names. Returns 1 when it took a line in, else 0 (out
 * untouched). */
int namesfx_extend(const char *value, const char *const *names, size_t nnames,
                   const char *const *lines, size_t nlines, char *out, size_t outsz);

/* Whether the first word of word (punctuation around it dropped, any case) is a legal form
 * that closes company names ("SDN", "Bhd.", "(M)", "LTD"). Pure. */
int namesfx_legal_form(const char *word);

/* Writes s into out (NUL-terminated, cut to outsz - 1 bytes) without a reading's speck
 * beside a legal form: a mark (. , - : ;) that ends a word of NAMESFX_UNMARK_MIN letters
 * or more, two of them vowels (a whole word, no abbreviation: "INTL.", "MFG."), with no
 * other mark and itself no legal form, before a word that is a legal form
 * ("POPULAR BOOK. CO. (M)" -> "POPULAR BOOK CO. (M)"), or that joins such a word to a legal
 * form ("INTERNATIONAL.SDN BHD" -> "INTERNATIONAL SDN BHD"). Abbreviations keep their
 * marks ("MR.", "D.I.Y.", "SDN. BHD.", "AEON CO."). Returns 1 when it changed s (out
 * written), else 0 (out untouched). Pure. */
int namesfx_unmark(const char *s, char *out, size_t outsz);

/* The texts of doc's lines into *lines (owned, each owned: namesfx_lines_free) and *n: the
 * first reading's (words joined by spaces, page after page), then for each page read again
 * each other reading's (altread.h: the second, the line look), the first reading's lines
 * with that reading's in place, after an empty line, so that a value another reading read
 * finds its own neighbours. DP_ENOMEM. */
dp_err namesfx_lines_of(const struct dp_doc_text *doc, char ***lines, size_t *n);
void namesfx_lines_free(char **lines, size_t n);

#endif
