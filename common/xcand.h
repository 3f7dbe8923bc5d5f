/* xcand.h -- a value's text as the tenant writes it. The reading confuses a comma and a full
 * stop after a word ("TAMAN AIR BIRU. 81700" for a printed "BIRU,"); the tenant's confirmed
 * values say which of the two it writes after a whole word inside a value, and a value of the
 * page takes that one where it has the other. Learnt from the confirmed values themselves, so
 * a tenant that writes full stops there keeps them. Pure functions over strings; xmodel.c
 * feeds them the vendor memory's confirmed addresses. */
#ifndef DP_XCAND_H
#define DP_XCAND_H
#include <stddef.h>

#define XCAND_MARK_MIN   3  /* confirmed marks of a kind before it is a habit */
#define XCAND_MARK_RATIO 10 /* ...and at least this many times the other kind */
#define XCAND_WORD_MIN   4  /* letters (two of them vowels) of a whole word: no abbreviation */

/* The mark the confirmed values confirmed[0..n) write after a whole word (XCAND_WORD_MIN
 * letters, two vowels, letters only) followed by another word: ',' or '.', or 0 when neither
 * is a habit (fewer than XCAND_MARK_MIN, or fewer than XCAND_MARK_RATIO times the other). */
char xcand_mark_habit(const char *const *confirmed, size_t n);

/* Writes value into out (NUL-terminated, cut to outsz - 1 bytes) with the other mark after
 * each whole word followed by another word replaced by habit (',' or '.'). Returns how many
 * it replaced (a cut one included); 0 (out untouched) for none or habit 0. */
size_t xcand_marks(const char *value, char habit, char *out, size_t outsz);

#endif
