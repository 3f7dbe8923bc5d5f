/* xreading.h -- which reading of a line a field of the tenant's extractor trusts. A page read
 * again (altread.h) has lines read twice or three times: the first reading's candidates of a
 * line range and another reading's of the same range (cand.h: the second reading's page, the
 * line look's) are twins. They sit at one place with one shape; only their letters differ, so
 * the learner's weights cannot tell which is right. The field's confirmed values can: at
 * training, a document whose confirmed value is exactly a twin of another reading and none of
 * the first reading's twins is a win of that reading, the other way round a loss. Where a
 * field's wins and losses side with a reading (xreading_prefers), its choice takes that
 * reading's twin of the line it chose, when the two differ in letters only.
 *
 * SROIE, company lines where the readings differ and one of them holds the name: the line
 * look right and the first reading wrong 9 times, the other way round 5 times; the second
 * reading 6 and 10 (the look reads the header alone and enlarged; the second reading the
 * whole page at another scale). The look also reads the specks at a line's edges ("_ADVANCO",
 * "RESTAURANT = >") and the second reading misreads digits ("1351-A" for "1851-A"): a twin that
 * reads another mark or digit is never taken (docs/EVAL.md, branch xtr8).
 *
 * Pure functions over candidate sets and strings. */
#ifndef DP_XREADING_H
#define DP_XREADING_H
#include <stddef.h>
#include <stdint.h>
#include "cand.h"

#define XREADING_N        2 /* readings counted: slot 0 the second reading, 1 the line look */
#define XREADING_MIN_WINS 2 /* documents a reading must win at least to be preferred */

/* Pure: the slot (0, 1) of a candidate's reading (cand.alt: ALTREAD_SECOND, ALTREAD_LOOK),
 * -1 for the first reading's. */
int xreading_slot(int alt);

/* Pure: whether candidates a and b of cs are twins: read by different readings, of the same
 * document page and kind (span, line, run), their first and last lines the same lines of the
 * first reading. */
int xreading_twins(const struct cand_set *cs, size_t a, size_t b);

/* Pure: adds one training document's evidence for a field: exact[i] (cs->n entries) = 1
 * where candidate i is exactly the confirmed value. For each reading slot, wins[slot] + 1
 * when an exact candidate of that reading has first-reading twins and none of them is exact,
 * losses[slot] + 1 when an exact first-reading candidate has twins of that reading and none of
 * them is exact (at most one of each per document). */
void xreading_count(const struct cand_set *cs, const unsigned char *exact, uint32_t *wins,
                    uint32_t *losses);

/* Pure: whether a field whose documents a reading won `wins` times and lost `losses` times
 * prefers that reading's twins to the first reading's: more wins than losses and at least
 * XREADING_MIN_WINS (swap the two: whether it prefers the first reading's). */
int xreading_prefers(uint32_t wins, uint32_t losses);

/* Pure: whether texts a and b differ in letters only: the same digits and marks (every
 * character but letters and spaces) in the same order ("UAN HING" / "LIAN HING"), not a
 * stray mark at an edge ("ADVANCO" / "_ADVANCO"), a symbol for a letter ("D.I.Y" /
 * "D.1.\u00a5") or another digit ("1851-A" / "1351-A"). NULL is no text. */
int xreading_letters_only(const char *a, const char *b);

/* Pure: the reading (cand.alt: 0 the first, ALTREAD_SECOND, ALTREAD_LOOK) whose twin of
 * candidate best the field with wins and losses (XREADING_N each) takes instead, or -1 to keep
 * best: unless best is of a reading the field prefers, the line look's twin, else the second
 * reading's, when the field prefers that reading (also for a candidate of the other one: the
 * model may choose the second reading's twin of a line the look read right); else, for
 * another reading's candidate, the first reading's twin when the field prefers the first
 * reading to that one. Only readings with a twin of best that differs from it in letters only
 * (xreading_letters_only) and in as many words (xreading_twin). */
int xreading_side(const struct cand_set *cs, size_t best, const uint32_t *wins,
                  const uint32_t *losses);

/* Pure: the twin of candidate best that reading r's page has and that differs from it in
 * letters only, in as many words (the line look reads a speck at a line's edge as a word of
 * letters: "fae TRI SHAAS SDN BHD", SROIE 090), the one with the highest q[i] (q: cs->n scores; a
 * negative score is no candidate: another kind of value); best when there is none. */
size_t xreading_twin(const struct cand_set *cs, size_t best, int r, const double *q);

/* Pure: whether candidate i reads the digits of one of its lines otherwise than most readings
 * of that line do: of the line's versions (the first reading's, another reading's alternate
 * line; at least three), more read another digit string than read i's ("25/62" twice, "29/62"
 * once: SROIE 090's address, its second reading). With two readings a disagreement is a tie:
 * nothing tells which is right. */
int xreading_outvoted(const struct cand_set *cs, size_t i);

#endif
