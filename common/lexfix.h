/* lexfix.h -- repairs OCR misreadings in a value with the words of values people confirmed: a
 * word the lexicon does not hold, one edit away from exactly one word it holds at least
 * LEXFIX_MIN_COUNT times, becomes that word ("SELANGUR" -> "SELANGOR", "SON BHD" -> "SDN BHD").
 * The tenant's extractor uses its vendor memory (confirmed company names and addresses) as the
 * lexicon. Only words of letters (one other character allowed in a misread word) are touched:
 * numbers such as postcodes differ by one digit between real places. Pure. */
#ifndef DP_LEXFIX_H
#define DP_LEXFIX_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define LEXFIX_MAX_WORDS 20000 /* distinct words kept (later ones are dropped) */
#define LEXFIX_WORD_MAX  32    /* bytes of a word, NUL included (longer words are skipped) */
#define LEXFIX_MIN_COUNT 2     /* texts a word must occur in to correct others */
#define LEXFIX_MIN_LEN   3     /* shorter words are never corrected */

struct lexfix_word {
    char w[LEXFIX_WORD_MAX]; /* upper case (ASCII) */
    uint32_t count;          /* texts it occurs in */
};

/* A lexicon; zero-initialised is empty. */
struct lexfix {
    struct lexfix_word *v; /* owned, n of cap */
    size_t n, cap;
};

/* Counts the words of letters of text (each once per text). DP_ENOMEM. */
dp_err lexfix_add_text(struct lexfix *lx, const char *text);
void lexfix_cleanup(struct lexfix *lx);

/* Writes in with its misread words repaired into out (NUL-terminated; a repaired word is
 * written in the lexicon's upper case, punctuation around it kept; outsz >= 1). Returns how
 * many words it repaired (0: out is a copy of in, cut to outsz - 1 bytes). */
size_t lexfix_correct(const struct lexfix *lx, const char *in, char *out, size_t outsz);

/* The core of the word w[0..n): [*a, *b) without the punctuation around it (,.;:()[]{}'"!?*|). */
void lexfix_core(const char *w, size_t n, size_t *a, size_t *b);

#endif
