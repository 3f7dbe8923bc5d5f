/* align.h -- where a confirmed value sits among a document's candidates: normalised text,
 * bounded edit distance, typed equality (dates, amounts), and the training labels that follow.
 * Pure. */
#ifndef DP_ALIGN_H
#define DP_ALIGN_H
#include <stddef.h>
#include "cand.h"

#define ALIGN_TEXT_MAX 512  /* bytes compared (longer text is cut) */
#define ALIGN_MIN_SIM  0.75 /* below this similarity a candidate is not the value */

/* Upper case (ASCII), whitespace runs -> one space, trimmed, into out (NUL-terminated).
 * Returns the length written. */
size_t align_norm(const char *s, char *out, size_t outsz);

/* Levenshtein distance of a[0..la) and b[0..lb), or max + 1 as soon as it must exceed max. */
size_t align_distance(const char *a, size_t la, const char *b, size_t lb, size_t max);

/* How alike a candidate text is to a confirmed value of field name, 0..1: 1 when their typed
 * values agree (same calendar date for date names, same amount for total/subtotal/tax, when
 * the candidate is at most three words, two for amounts), else 1 - distance / longer length of the
 * normalised texts. min: a similarity below it may be answered as 0 (saves time). */
double align_similarity(const char *name, const char *value, const char *cand, double min);

/* Marks the training positives of a field among s's candidates: those most alike the value,
 * when that is at least ALIGN_MIN_SIM. pos[i] = 1 for them, else 0 (pos has s->n entries).
 * Returns the number of positives (0: the value is not on the page) and the best
 * similarity in *best (may be NULL). */
size_t align_label(const struct cand_set *s, const char *name, const char *value,
                   unsigned char *pos, double *best);

#endif
