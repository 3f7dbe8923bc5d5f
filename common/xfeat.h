/* xfeat.h -- the features the tenant's extractor scores a candidate by: position on the page,
 * line index from top and bottom, height against the page's median, value shape (digits,
 * letters, date, amount, upper case), the candidate's words, the words left of it, right of
 * it, above and below it (labels such as "Total", "Invoice No", "PO"), the rank of its amount
 * among the document's amounts, the page number, whether it ends in a legal form ("SDN BHD",
 * "CO", "(M)": namesfx.h), whether a run of lines' first, last and next line hold a postcode
 * (a word of five digits), where it stands against the page's company block (lines down to the
 * first postcode line, a legal form printed above, a registration number beside, below or
 * above), and which built-in extractor's match it is. Words
 * and the rest are hashed into XFEAT_DIM dimensions (LIBLINEAR feature_node form: ascending 1-based
 * indices, -1 ends). Pure. */
#ifndef DP_XFEAT_H
#define DP_XFEAT_H
#include <cjson/cJSON.h>
#include <linear.h>
#include <stddef.h>
#include "cand.h"

#define XFEAT_BITS 17
#define XFEAT_DIM  (1 << XFEAT_BITS) /* hashed feature space; index XFEAT_DIM + 1 is the bias */
#define XFEAT_MAX  96                /* features per candidate, bias and terminator included */

/* The features of every candidate of a set: x[i] is candidate i's list (bias node included,
 * index -1 terminated), all in one allocation sized to what they hold. */
struct xfeat_doc {
    struct feature_node **x; /* owned: n pointers into nodes */
    struct feature_node *nodes;
    unsigned char *kind; /* owned: n value kinds (XFEAT_KIND_* bits, xfeat_kind) */
    size_t n;
};

#define XFEAT_KIND_DATE   1u /* the text is exactly one date */
#define XFEAT_KIND_AMOUNT 2u /* an amount with two decimals, after at most one currency word */

/* The value kinds of a text (XFEAT_KIND_* bits, 0 for none): what a field whose confirmed
 * values are all dates or all amounts may be filled from. */
unsigned xfeat_kind(const char *text);

/* Computes the features of every candidate of s (nothing borrowed: copied out). rules: the
 * built-in extractors' fields array for the document (may be NULL): a candidate in the box of
 * a rules field, or with its text, is marked as that field's rules match. DP_ENOMEM. */
dp_err xfeat_doc(const struct cand_set *s, const cJSON *rules, struct xfeat_doc *out);
void xfeat_doc_cleanup(struct xfeat_doc *d);
/* The same for the candidates idx[0..n) of s only (x[k] belongs to candidate idx[k]); idx NULL
 * means the first n. */
dp_err xfeat_doc_subset(const struct cand_set *s, const cJSON *rules, const size_t *idx, size_t n,
                        struct xfeat_doc *out);

/* Lower-cased ASCII word with digits turned to '0' and punctuation around it dropped, into
 * out (outsz >= 2); "" when nothing is left. For hashing context words. */
void xfeat_word(const char *w, char *out, size_t outsz);

/* Whether word w is a company registration number as printed: four to twelve digits, '-' and
 * one upper-case letter, inside marks ("(532154-V)", "1234567-X:"). Pure. */
int xfeat_regno(const char *w);

/* Shape of a text: A for an upper-case letter, a lower-case, 9 digit, other bytes as is, runs
 * collapsed ("PO-4471" -> "A-9"), at most outsz - 1 bytes. */
void xfeat_shape(const char *s, char *out, size_t outsz);

#endif
