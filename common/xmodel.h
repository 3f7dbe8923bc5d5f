/* xmodel.h -- the extractor a tenant trains from confirmed fields: for every field name, a
 * LIBLINEAR L2-regularised logistic regression that scores the document's candidates
 * (cand.h) by their features (xfeat.h); the best candidate is the field's value, its
 * probability the confidence. Training labels come from aligning each confirmed value to the
 * candidates (align.h). The model also carries the tenant's vendor memory (vendor.h).
 *
 * Why LIBLINEAR: a few hundred thousand sparse, hashed, mostly binary features from 5-100
 * documents is the linear models' home ground; logistic regression gives calibrated
 * probabilities for confidence and review thresholds, trains in well under a second per field,
 * and its model is a weight vector that is cheap to store, load and apply (see docs/EVAL.md).
 * Pure (no Redis): xstore.h keeps models in Redis. */
#ifndef DP_XMODEL_H
#define DP_XMODEL_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "page.h"
#include "review.h"
#include "vendor.h"
#include "xreading.h"

#define XMODEL_MIN_EXAMPLES 2    /* documents confirming a field before it is learnt */
#define XMODEL_FOLDS        5    /* cross-validation folds (fewer when fewer documents) */
#define XMODEL_KEEP_PER_DOC 400  /* candidates per document whose features training keeps */
#define XMODEL_MIN_OUTPUT   0.02 /* a best candidate below this probability is not output */
#define XMODEL_SAME_SIM     0.95 /* a candidate this like the rules' value reads as it */
#define XMODEL_RESPAN_SIM                                                                          \
    0.9 /* where the rules' value of an untyped field stands, the model's best candidate this      \
           like it is output instead (SROIE: 0.8-0.9 alike, 0.95 a little less) */

/* How a field's weights are learnt. Pointwise: every candidate is an example, the value's
 * candidates positive (weighted POS_WEIGHT), the rest negative. Pairwise (RankNet-style):
 * examples are differences positive - negative within a document, so the weights order a
 * document's candidates, which is all argmax needs; the pointwise bias is kept. */
#define XMODEL_POINTWISE 0
#define XMODEL_PAIRWISE  1

/* How a field's value meets the rules' (struct xmodel_field.flags). GATE: the model replaces
 * the rules' value only when it is not as sure of that value too (its probability below
 * replace_above: the receipt's cash is as "total" as its total, and then the rules win); kept
 * per field when the tenant's cross-validation gains more with it than without. SURE_FILL: a
 * value the rules did not find is filled in only from review_below (where 95 % of held-out
 * answers were right), for typed fields (dates, amounts): a receipt whose total the rules miss
 * rarely prints it legibly, and a wrong fill-in costs more than a missing one. */
#define XMODEL_GATE      1u
#define XMODEL_SURE_FILL 2u
/* ...except an amount the model gives at least this and the page prints at least twice as
 * its largest amount so printed, at least half of every amount (a total printed again as the
 * amount due or paid; a repeated tax is small beside the page's amounts): SROIE, one more
 * total right at 10, 25 and 50 labelled, none lost */
#define XMODEL_FILL_REPEATED 0.5
/* ...and a date the model gives at least this, of a year the tenant confirms: a wrong value
 * costs F1 less than a missing one once the odds are even (SROIE at 10 labelled: two dates
 * right, none wrong) */
#define XMODEL_FILL_DATE 0.5
/* The tenant's day/month order, learnt from the confirmed dates of a date field and the dates
 * printed on their pages (XMODEL_ORDER_VOTES more documents for one order than the other): an
 * ambiguous printed date ("06/03/2018") of that field is read in it, whatever the rules chose
 * for the document (they vote by the document's other dates, which OCR garbles). Neither bit:
 * no opinion. */
#define XMODEL_DAY_FIRST   4u
#define XMODEL_MONTH_FIRST 8u
#define XMODEL_FLAGS       15u /* every flag */
#define XMODEL_ORDER_VOTES 2

/* The order in which page text reads as the confirmed date, when only one of day-first and
 * month-first does (a page date that reads the same either way, "25/12/2018", tells nothing)
 * and the confirmed value is itself unambiguous (ISO, a named month, a day over 12):
 * XMODEL_DAY_FIRST or XMODEL_MONTH_FIRST, else 0. Pure. */
uint32_t xmodel_date_order(const char *confirmed, const char *page);

/* The ISO date (YYYY-MM-DD) that text reads as in order (XMODEL_DAY_FIRST or
 * XMODEL_MONTH_FIRST) into iso (>= 11 bytes). 0 when it reads as none. Pure. */
int xmodel_date_in_order(const char *text, uint32_t order, char *iso, size_t isosz);

/* Digits OCR misreads for one another in a printed year: the closed shapes ("2016", "2015",
 * "2019" for 2018). */
#define XMODEL_YEAR_DIGITS "035689"

/* A year as a date field's value has it, repaired: a year outside lo..hi + 1 (the tenant's
 * confirmed years, one year ahead allowed) becomes the year of lo..hi that one misread digit
 * (both in XMODEL_YEAR_DIGITS) away from it reads as - mode when that is one of them, else
 * the only one. 0: no repair (lo 0, the year in range, none or several reachable). Pure. */
uint32_t xmodel_year_fix(uint32_t year, uint32_t lo, uint32_t hi, uint32_t mode);

/* Whether year is foreign to date field f: outside its confirmed years (one year either side
 * allowed) and no misread of one (xmodel_year_fix finds none). 0 when nothing was learnt or
 * year is 0. Pure. */
struct xmodel_field;
int xmodel_year_foreign(const struct xmodel_field *f, uint32_t year);

#define XMODEL_DIGIT_RUN 5 /* runs of digits this long are never ruled out (postcodes) */

/* Whether text may be untyped field f's value: none of its runs of digits longer than both
 * the longest in the field's confirmed values (f->digit_run - 1) and XMODEL_DIGIT_RUN - a
 * registration, tax or phone number ("Company Reg. No. 001055194X", "03-40212008") is no part
 * of a name or address whose confirmed values never hold one; a bracketed number that
 * xmodel_strip_id cuts off ("AEON CO. (M) BHD (126928-H)") does not count. Always 1 for typed
 * fields and when nothing was learnt. Pure. */
struct xmodel_field;
int xmodel_shape_ok(const struct xmodel_field *f, const char *text);

/* One learnt field. */
struct xmodel_field {
    char name[REVIEW_NAME_MAX];
    float *w;               /* owned: XFEAT_DIM + 1 weights, the last one the bias */
    double review_below;    /* probability below which the value needs review (from CV) */
    uint32_t examples;      /* documents that confirm the field */
    uint32_t aligned;       /* of them, those whose value was found among the candidates */
    uint32_t cv_docs;       /* documents scored in cross-validation */
    uint32_t cv_correct;    /* of them, those whose best candidate was the confirmed value */
    uint32_t rules_correct; /* documents where the built-in rules already had the value */
    uint32_t cv_wins;       /* held-out documents with a probability >= replace_above that
                               the model got right and the rules wrong */
    uint32_t cv_losses;     /* and the other way round: the model replaces a rules value only
                               when wins - losses > sqrt(wins + losses) (a sign test: clearly
                               better on the tenant's own documents, not by chance) */
    int learner;            /* XMODEL_POINTWISE or XMODEL_PAIRWISE: the one with more held-out
                               hits in the tenant's cross-validation (training only: not
                               stored, a loaded model says pointwise) */
    double replace_above;   /* probability from which the model's value replaces the rules':
                               the threshold with the most held-out wins - losses that passes
                               the sign test (> 1: never) */
    uint32_t kind;          /* XFEAT_KIND_* bit every candidate must have, 0 = any: learnt
                               from the confirmed values (>= 90 % of them dates, or amounts) */
    uint32_t flags;         /* XMODEL_GATE, XMODEL_SURE_FILL: chosen in cross-validation */
    uint32_t year_lo;       /* a date field: the earliest and latest year of its confirmed */
    uint32_t year_hi;       /* values and the commonest (0: none), for xmodel_year_fix */
    uint32_t year_mode;
    uint32_t digit_run; /* an untyped field: 1 + the longest run of digits in its confirmed
                           values (0: not learnt); see xmodel_shape_ok */
    uint32_t read_wins[XREADING_N];   /* documents whose confirmed value only another reading's
                                         twin of a line held, per reading (xreading.h) */
    uint32_t read_losses[XREADING_N]; /* ... only the first reading's twin held */
};

/* A tenant's extractor. */
struct xmodel {
    uint32_t version;       /* stamped by xstore */
    int64_t trained_ms;     /* ms since the epoch */
    double train_s;         /* seconds the training took */
    struct xmodel_field *f; /* owned, nf */
    size_t nf;
    struct vendor_list vendors; /* the tenant's vendor memory */
};

/* One training document: its read pages, the confirmed JSON (review.h form) and the built-in
 * extractors' fields it got (may be NULL). Borrowed. */
struct xmodel_doc {
    const struct dp_doc_text *doc;
    const cJSON *confirmed;
    const cJSON *rules;
};

/* Trains a model on docs (in the given order, so the same examples give the same model):
 * every field name confirmed in at least XMODEL_MIN_EXAMPLES documents, each cross-validated.
 * *out owned by the caller (xmodel_free). DP_EINVAL when no field has enough examples;
 * DP_ENOMEM. */
dp_err xmodel_train(const struct xmodel_doc *docs, size_t n, struct xmodel **out);
/* As xmodel_train, keeping another draw of each page's negatives: where a page has more than
 * training keeps, every stride-th from offset sample (mod the stride; 0 = xmodel_train's).
 * For measuring how much a figure owes to which negatives were kept. */
dp_err xmodel_train_sample(const struct xmodel_doc *docs, size_t n, unsigned sample,
                           struct xmodel **out);
void xmodel_free(struct xmodel *m);

/* Applies the model to doc: for every field it knows, the best candidate becomes a field
 * {"name","value","text","confidence","page","bbox","valid","source":"model"} that replaces
 * a rules field of that name when the rules found none, or when its probability is at least
 * replace_above, where the model was clearly better than the rules on the tenant's examples
 * (else, for an untyped field, its best candidate XMODEL_RESPAN_SIM alike the rules' value);
 * then the vendor memory may set company (and address) with source "memory", and the company
 * and address values of the rules or the model lose a registration number printed beside them
 * (xmodel_strip_id) and get their misread words repaired with the
 * memory's confirmed words as the lexicon (lexfix.h). Fields the
 * model knows but found nothing for are listed in *missing (may be NULL; caller owns). A rules
 * value that stands though the model scored another candidate higher (not for amounts) is
 * marked "needs_review" and "model_disagrees". */
dp_err xmodel_apply(const struct xmodel *m, const struct dp_doc_text *doc, cJSON *fields,
                    cJSON **missing);

/* A company name or address without the registration or tax number printed beside it in
 * parentheses: a bracketed group of words holding at least 4 digits, digits at least half of
 * its letters and digits ("(126928-H)", "(Co. No. 113825-W)", "(GST Reg No. 001492992060)"),
 * at the end of a company name ("AEON CO. (M) BHD (126928-H)") or the start of an address
 * ("(867388-U) 12, JALAN TAMPOI"); "(M)", "(JOHOR)" stay. Into out; returns 1 when it cut
 * something (at least two words are left), else 0 (out untouched). Pure. */
int xmodel_strip_id(const char *in, int address, char *out, size_t outsz);

/* Serialisation: a bounded binary form; every truncation or corruption fails to load. */
dp_err xmodel_save(const struct xmodel *m, unsigned char **buf, size_t *len);
dp_err xmodel_load(const unsigned char *buf, size_t len, struct xmodel **out);

/* {"fields":[{"name","examples","aligned","cv_docs","cv_correct","cv_accuracy",
 * "rules_accuracy","cv_wins","cv_losses","replaces_rules","replace_above","rules_gate",
 * "fill_only_sure","date_order","review_below"}],
 * "vendors":n,
 * "train_seconds"}. Caller owns it. */

/* Whether field f's value replaces the built-in rules' value (see cv_wins). */
int xmodel_replaces_rules(const struct xmodel_field *f);
cJSON *xmodel_stats_json(const struct xmodel *m);

/* Whether field f's value of probability p replaces a rules value that the model gives
 * probability pr (-1: none of the candidates reads as it): p at least replace_above, the sign
 * test passed, and with XMODEL_GATE the model not as sure of the rules' value (pr below
 * replace_above). */
int xmodel_replaces(const struct xmodel_field *f, double p, double pr);

/* The probability field f gives value at best among the candidates cs (features fx) that read
 * as it (similarity >= XMODEL_SAME_SIM, typed values equal), or -1 when none does. */
struct xfeat_doc;
double xmodel_value_prob(const struct xmodel_field *f, const struct cand_set *cs,
                         const struct xfeat_doc *fx, const char *value);

/* Whether word labels a payment (cash tendered, change; "CASH", "Change:", "TUNAI"), after
 * which an amount is no total. Pure. */
int xmodel_payment_label(const char *word);

/* Whether an amount printed above a line labelled as the change given back (CHANGE, BAKI,
 * KEMBALI) is the cash tendered, whatever its own label reads as: above - change (cents, both
 * > 0) is among the page's amounts[0..n) (the total it paid for). Pure. */
int xmodel_tendered(long above, long change, const long *amounts, size_t n);

/* Whether text (an amount's text as printed) holds an amount with two decimals once its
 * spaces are dropped ("RM 39. 80", "42,40"; not "26", "343.5"). Pure. */
int xmodel_two_decimals(const char *text);

/* Whether boxes a and b (x, y, w, h) overlap by at least half the smaller one's area: two
 * candidates that take in the same words (a line inside a run of lines). Pure. */
int xmodel_boxes_overlap(int ax, int ay, int aw, int ah, int bx, int by, int bw, int bh);

/* Where a candidate lies: its page and box (pixels). */
struct xmodel_box {
    size_t page;
    int x, y, w, h;
};

#define XMODEL_JOINT_MAX 16 /* untyped fields chosen jointly (the rest: each on its own) */

/* The fields' values chosen jointly: q[k][i] is field k's probability for candidate i (< 0:
 * not allowed), box[i] where candidate i lies. The surest field takes its best candidate;
 * each next field (by its best probability) its best candidate that overlaps none of the
 * surer fields' choices (same page, xmodel_boxes_overlap): one text is not two fields' value
 * (a company name read as a line of the address's run of lines). Into best[k] (-1: none) and
 * prob[k] (0 for none). At most XMODEL_JOINT_MAX fields take part; the others get their
 * best candidate alone. Pure. */
void xmodel_joint(const double *const *q, size_t nf, const struct xmodel_box *box, size_t nc,
                  long *best, double *prob);

/* The probability the model gives field fi for candidate features x (LIBLINEAR form). */
double xmodel_prob(const struct xmodel_field *f, const void *x);

#endif
