/* eval.h -- docproc-eval: runs the real stack over a labelled folder and scores what comes back
 * (OCR words, typed fields, classification, seconds per page). Not part of `make test`.
 *
 * Modules: eval_sets.c reads the layouts of ../shared/data into eval_set lists (ground truth
 * normalised to docproc's field names and value forms); eval_score.c holds the pure scorers;
 * eval_run.c drives the stack (upload with bounded concurrency, poll, score, CPU time);
 * eval_main.c parses arguments and prints the report (text and JSON). */
#ifndef DP_EVAL_H
#define DP_EVAL_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "page.h"

#define EVAL_PATH_MAX    1024
#define EVAL_MAX_FIELDS  12  /* truth fields per document */
#define EVAL_VALUE_MAX   512 /* bytes of one truth value */
#define EVAL_MAX_LABELS  16  /* distinct class labels (truth or predicted) */
#define EVAL_MAX_FILE    (64u << 20)
#define EVAL_LABEL_MAX   64
#define EVAL_MAX_PRINTED 4 /* values checked for presence in the OCR text */

/* ---- ground truth ---- */

/* One expected field, under docproc's field name (company, address, date, due_date, total,
 * subtotal, currency, invoice_number, vat_id, iban). Dates are "YYYY-MM-DD" when the printed
 * truth could be read, amounts plain decimals with two places ("9.00"). */
struct eval_truth_field {
    char name[32];
    char value[EVAL_VALUE_MAX];
};

/* One document and what is known about it. */
struct eval_item {
    char path[EVAL_PATH_MAX]; /* the document file */
    char name[128];           /* short name for reports */
    struct eval_truth_field fields[EVAL_MAX_FIELDS];
    size_t nfields;
    char *words;                /* ground-truth words, whitespace separated; owned; NULL = none */
    char label[EVAL_LABEL_MAX]; /* truth class, "" = none */
    /* Values as printed (SROIE company, address, date, total), checked for presence in the
     * OCR text: what extraction could find at best. */
    struct eval_truth_field printed[EVAL_MAX_PRINTED];
    size_t nprinted;
    char *table_rels; /* truth table relations (eval_tables_truth), owned; NULL = none */
    char *kv_pairs;   /* truth key-value pairs (eval_kv_truth), owned; NULL = none */
    char *lines_json; /* truth line items (JSON array text); owned; NULL = none */
};

/* A list of documents scored together ("sroie", "invoices/pdf", ...). */
struct eval_set {
    char name[64];
    struct eval_item *items; /* owned, n of cap */
    size_t n, cap;
};

/* Appends a zeroed item and returns it (NULL when out of memory). */
struct eval_item *eval_set_add(struct eval_set *s);
void eval_set_cleanup(struct eval_set *s);
/* A JSON file parsed (at most EVAL_MAX_FILE bytes), or NULL; caller cJSON_Deletes it. */
cJSON *eval_read_json_file(const char *path);

/* Reads every subset found under dir (dir itself when it is one subset) into sets[0..max).
 * Returns how many sets were filled, -1 if dir holds nothing known. limit > 0 keeps only the
 * first limit documents (by sorted name) of each set. Messages about skipped files go to
 * stderr. */
int eval_sets_load(const char *dir, struct eval_set *sets, int max, int limit);

/* The PDFs of an e-invoice folder (NAME.pdf + NAME.truth.json) as scans: page 1 rendered with
 * pdftoppm -r 200 -gray into a temporary folder, truth words from pdftotext. 0 on success. */
int eval_scans_load(const char *dir, struct eval_set *s, int limit);

/* ---- pure scorers ---- */

/* OCR word counts: multiset intersection of whitespace-separated tokens, added to acc. Exact
 * (case and punctuation kept) or loose (ASCII lower case, punctuation around a token dropped:
 * ASCII marks and the typographic ones OCR writes for them, curly quotes, dashes, ellipsis;
 * tokens that were only punctuation dropped). */
struct eval_ocr {
    size_t truth, pred, matched;
};
void eval_words_match(const char *truth, const char *pred, int loose, struct eval_ocr *acc);

/* Whether value occurs in text once both are upper-cased (ASCII) and every run of characters
 * that are not letters or digits (ASCII; other bytes count as letters) is one space. An empty
 * value is not present. */
int eval_present_in(const char *text, const char *value);
/* The text of a document result as its second reading has it: each page's lines from its
 * words, with pages[].alt_lines in place of the lines they stand for and the lines the first
 * reading missed after them (eval_alt.c). Owned; NULL without memory. */
char *eval_alt_text(const cJSON *doc);

/* Upper case (ASCII), whitespace runs -> one space, trimmed; bounded by outsz. */
void eval_norm_text(const char *s, char *out, size_t outsz);
/* 1 - Levenshtein(a, b) / max(len) over the normalised strings, 0..1 (1 for two empty). */
double eval_similarity(const char *a, const char *b);
/* Reads a printed date day-first ("25/12/2018", "22-04-16", "30 MAR 2018", "20180304")
 * into "YYYY-MM-DD" (out >= 11 bytes). 0 on success, -1 if it is not a date. */
int eval_truth_date(const char *printed, char *out, size_t outsz);
/* Reads a printed amount ("RM 9.00", "$8.20", 1939.0) into "9.00". 0 on success. */
int eval_truth_amount(const char *printed, char *out, size_t outsz);
/* Whether a predicted value matches the truth for field name: dates as calendar dates,
 * amounts as decimals, ids (invoice_number, iban, vat_id) without spaces, currency codes
 * case-insensitive, other text normalised with eval_norm_text. */
int eval_field_equal(const char *name, const char *truth, const char *pred);
/* The predicted value of field name in a document result (fields[] of the result JSON),
 * written as a string; "currency" is the total's currency. 1 if present, 0 if not. */
int eval_pred_field(const cJSON *doc, const char *name, char *out, size_t outsz);

/* Tables (eval_tables.c): the ICDAR 2013 adjacency relations of the tables in a -str.xml
 * file, one "text\x1ftext\x1fR|B" line each (texts normalised to lower-case letters and
 * digits), into *rels (caller frees).  0 on success. */
int eval_tables_truth(const char *str_xml, char **rels);
/* The same relations from pages[].tables[] of a result; caller frees (never NULL unless out
 * of memory). */
char *eval_tables_pred(const cJSON *doc);
/* Renders every page of pdf at dpi (pdftoppm, grey) into one multi-page TIFF in a new temporary
 * folder; its path goes to out.  0 on success. */
int eval_tables_render(const char *pdf, int dpi, char *out, size_t outsz);
/* Multiset intersection of two relation lists, added to acc (truth, pred, matched). */
void eval_rel_match(const char *truth, const char *pred, struct eval_ocr *acc);

/* Key-value pairs: a predicted pair counts when key and value both reach this similarity. */
#define EVAL_KV_SIM 0.8
/* FUNSD forms 1..EVAL_KV_DEV (sorted names) develop and train the pairing; the rest are held
 * out. */
#define EVAL_KV_DEV 100
/* FUNSD question -> answer links of an annotation as "question\x1fanswer" lines. 0 = ok. */
int eval_kv_truth(const cJSON *annotation, char **pairs);
/* Scores pages[].key_values[] (pairs with a value) of a result against truth pairs. */
void eval_kv_match(const char *truth, const cJSON *doc, struct eval_ocr *acc);
/* As eval_kv_match, with blanks ignored inside both texts ("3/ 17/ 97" = "3/17/97": FUNSD's
 * tokenised text spaces what the page prints together): a second, labelled figure; the
 * headline one counts blanks. */
void eval_kv_match_squeezed(const char *truth, const cJSON *doc, struct eval_ocr *acc);

/* Pairs the FUNSD forms of s without the stack (eval_kv.c): src "words" = the annotations'
 * own word boxes, else a --results folder of saved results (their words and marks).  Prints
 * precision/recall/F1 for forms 1-100, the rest, all; verbose dumps each form's pairs to
 * stderr.  0 on success. */
int eval_kv_offline(const struct eval_set *s, const char *src, const char *model, int verbose);
/* Where the truth pairs of the FUNSD forms of s are lost, pairing as eval_kv_offline does
 * (eval_kvloss.c): read, cut into phrases, proposed as a couple, ranked; an oracle pairing's
 * F1 and checks of the scorer.  verbose: each lost pair on stderr.  0 on success. */
int eval_kv_loss(const struct eval_set *s, const char *src, const char *model, int verbose);

/* The words (and selection marks) of one FUNSD form from src ("words" or a --results folder):
 * *json is the file they point into (cJSON_Delete it after use; NULL when missing).  With
 * ents != NULL, each word's FUNSD entity id (annotation words: their own; saved words: the
 * annotation word or entity whose box holds the word's centre; -1 none).  Fill-in lines read
 * as text are cleaned as the pairing cleans them (form_clean_words).  Returns the number of
 * words. */
struct form_mark;
size_t eval_kv_words(const struct eval_item *it, const char *src, struct dp_word *w, size_t maxw,
                     int *ents, struct form_mark *m, size_t mmax, size_t *nm, cJSON **json);
/* The annotation (parsed) of a FUNSD form, or NULL. */
cJSON *eval_kv_annotation(const struct eval_item *it);

/* Trains the learned key-value pairing on the development forms (1-100) of s from the sources
 * srcs ("words" and/or --results folders, comma-separated; the first one also chooses the
 * thresholds) and writes the model to out (eval_kvtrain.c).  0 on success. */
int eval_kv_train(const struct eval_set *s, const char *srcs, const char *out, int verbose);
/* Detects the tables of s again without the stack (eval_taboff.c): the words of the results
 * saved in the --results folder src, the ruling lines found again on the page images.  Prints
 * the adjacency-relation precision/recall/F1; verbose: each document's counts on stderr.  0 on
 * success. */
int eval_tables_offline(const struct eval_set *s, const char *src, int verbose);
/* Reads the line items of s again without the stack (eval_itemoff.c): lineitems_find() over
 * the words, tables and fields of the results saved in src.  Prints precision/recall/F1;
 * verbose: each document's misses.  0 on success (a set without saved results: -1). */
int eval_items_offline(const struct eval_set *s, const char *src, int verbose);

/* Line items: truth items with an amount (*nt), predicted items (*np), and truth items matched
 * by a predicted one (description alike -- similarity >= 0.7 or containment -- and amount
 * equal), each predicted item used once; added to the counters. */
void eval_lines_match(const cJSON *truth, const cJSON *pred, size_t *nt, size_t *np, size_t *nm);

/* ---- e-invoices (eval_einv.c) ---- */
/* 1 if dir holds NAME.truth.json files (the einvoices layout). */
int eval_einv_detect(const char *dir);
/* Fills sets[0..3) with einvoices/pdf, /text-layer and /ocr (derived files made once under
 * build/eval-einvoices/). Returns 3, or 0 if max < 3 or the cache folder cannot be made. */
int eval_einv_load(const char *dir, struct eval_set *sets, int max, int limit);

/* Checks the scorers on known answers; prints failures; returns their number. */
int eval_selftest(void);

/* ---- accumulated scores of one set ---- */

struct eval_field_stat {
    char name[32];
    size_t truth;   /* documents whose truth has the field */
    size_t pred;    /* of them, documents where docproc reported it */
    size_t correct; /* of them, reported and equal */
    double sim_sum; /* sum of eval_similarity (0 when not reported), over `truth` documents */
};

struct eval_present {
    char name[32];
    size_t truth;       /* documents with a printed value */
    size_t present;     /* of them, documents whose OCR text contains it (eval_present_in) */
    size_t present_alt; /* of them, documents whose text or second reading (eval_alt_text)
                           contains it */
};

struct eval_class {
    char truth[EVAL_MAX_LABELS][EVAL_LABEL_MAX]; /* row labels, in order of appearance */
    char pred[EVAL_MAX_LABELS][EVAL_LABEL_MAX];  /* column labels */
    size_t ntruth, npred;
    size_t m[EVAL_MAX_LABELS][EVAL_MAX_LABELS]; /* m[row][col] documents */
};

struct eval_score {
    char set[64];
    size_t docs, failed, pages, reused; /* reused: class labels taken from an earlier set */
    double wall_s;                      /* first upload to last result */
    double cpu_s;                       /* worker processes' user+system CPU during the set */
    double busy_s;                      /* sum of started_at..finished_at of the documents */
    struct eval_ocr ocr, ocr_loose;     /* exact and loose word matching */
    struct eval_field_stat fields[EVAL_MAX_FIELDS];
    size_t nfields;
    struct eval_present present[EVAL_MAX_PRINTED];
    size_t npresent;
    struct eval_class cls;
    struct eval_ocr tables; /* table adjacency relations: truth, predicted, matched */
    struct eval_ocr kv;     /* key-value pairs: truth links, predicted pairs, matched */
    struct eval_ocr kv_nb;  /* the same with blanks ignored inside texts */
    size_t li_truth, li_pred, li_matched; /* line items (eval_lines_match) */
};

/* Adds one finished document (its GET /v1/documents/{id} JSON) to the score. verbose prints
 * the mismatches of the document to stderr. */
void eval_score_doc(struct eval_score *sc, const struct eval_item *it, const cJSON *doc,
                    int verbose);
/* Adds a classification only (a label reused from an earlier set). */
void eval_score_label(struct eval_score *sc, const char *truth, const char *pred);

/* ---- running the stack ---- */

struct eval_cache; /* path -> predicted class label, shared between sets of one run */

struct eval_opts {
    int workers;      /* worker processes */
    int inflight;     /* documents uploaded and not yet finished, at most */
    int timeout_s;    /* per document */
    const char *lang; /* "lang" upload option, NULL = server default */
    int verbose;
    const char *results_dir; /* when set: each finished document's JSON is saved there as
                                <name>.json and read back instead of uploading it again */
    cJSON **keep;            /* when set: keep[i] receives (owns) item i's document JSON */
};

struct eval_runner; /* opaque: the stack and the cache */

/* Starts the stack (harness); NULL on failure. eval_runner_free stops it. */
struct eval_runner *eval_runner_new(const struct eval_opts *o);
void eval_runner_free(struct eval_runner *r);
/* Sets (or clears, NULL) where the next runs keep their documents (eval_opts.keep). */
void eval_runner_keep(struct eval_runner *r, cJSON **keep);

/* ---- learning from confirmed fields (eval_learn.c) ---- */

/* The learning curve of the tenant extractor on a set with truth fields (sroie): for each
 * size in sizes, the first n documents' truth becomes their confirmed fields, the extractor
 * is trained on them (the code path of POST /v1/extractor/train) and applied to the rest
 * (that of the worker); printed next to the built-in rules on the same documents, and added
 * to report under "learning". docs[i]: item i's document JSON (NULL = failed). verbose prints
 * to stderr, for the 75-document model, each test field the rules or the model got wrong. */
void eval_learn(const struct eval_set *set, cJSON *const *docs, cJSON *report, int verbose);
/* DOCPROC_EVAL_LEARN_FOLDS (4 unless set; 1..16): the offsets the learning curve's splits are
 * rotated over (eval_learn.c). */
long eval_learn_folds(void);
/* eval_ceil.c: the best the extractor could do on set, printed and added to report under
 * "ceilings": per field, truth present in the OCR text, exactly or nearly a candidate's value;
 * per split, unseen documents whose vendor was labelled. texts/ok: the documents' pages as
 * eval_learn rebuilds them (ok[i] = usable). verbose: every field with no exact candidate. */
struct dp_doc_text;
void eval_ceilings(const struct eval_set *set, cJSON *const *docs, const struct dp_doc_text *texts,
                   const int *ok, cJSON *report, int verbose);
/* eval_errkind.c: why a field of an unseen document is wrong. RIGHT; RANKING: the right value
 * was a candidate's and another was output; MISSING_RANKING: it was, and nothing was output;
 * NOT_CAND: present in the OCR text (or second reading, punctuation ignored) but no candidate
 * has it exactly; OCR: only a candidate EVAL_ERR_NEAR alike (an OCR error or two); NOWHERE. */
enum eval_errkind {
    EVAL_ERR_RIGHT,
    EVAL_ERR_RANKING,
    EVAL_ERR_NOT_CAND,
    EVAL_ERR_OCR,
    EVAL_ERR_NOWHERE,
    EVAL_ERR_MISSING_RANKING,
    EVAL_ERR_NKINDS
};
#define EVAL_ERR_NEAR 0.8 /* similarity of the closest candidate that counts as an OCR error */
struct eval_errtally {
    size_t truth[EVAL_MAX_FIELDS];
    size_t n[EVAL_MAX_FIELDS][EVAL_ERR_NKINDS];
    size_t memory[EVAL_MAX_FIELDS];       /* answers with source "memory" */
    size_t memory_wrong[EVAL_MAX_FIELDS]; /* of them wrong (false memory) */
    size_t review_wrong[EVAL_MAX_FIELDS]; /* wrong or missing answers marked needs_review */
    size_t review_right[EVAL_MAX_FIELDS]; /* right answers marked needs_review */
    size_t spacing[EVAL_MAX_FIELDS];      /* wrong answers equal to the truth once every space
                                             is dropped ("BAHRU, JOHOR" for "BAHRU,JOHOR") */
    size_t second[EVAL_MAX_FIELDS];       /* wrong answers whose truth only the second reading
                                             holds (in its text or a candidate of it, neither
                                             in the first reading's text nor a candidate) */
    size_t second_exact[EVAL_MAX_FIELDS]; /* wrong answers whose truth is exactly a candidate
                                             of the second reading's and of no first's */
};
/* The kind (pure): right, an output at all, an exact candidate, present in the text, the
 * closest candidate's similarity. */
enum eval_errkind eval_errkind_of(int right, int have, int exact_cand, int present,
                                  double best_sim);
const char *eval_errkind_name(enum eval_errkind k);
/* Classifies every truth field of item it (document doc, pages text) against fields (what
 * the extractor output) into t; verbose prints each wrong one to stderr. */
void eval_errkind_doc(struct eval_errtally *t, const struct eval_item *it, const cJSON *doc,
                      const struct dp_doc_text *text, const cJSON *fields, int verbose);
/* Prints the table of t and adds it to out (may be NULL) as "error_kinds". */
void eval_errkind_print(const struct eval_errtally *t, const struct eval_set *set, size_t labelled,
                        cJSON *out);
/* Runs every document of set through the stack and fills sc. 0 on success. */
int eval_runner_run(struct eval_runner *r, const struct eval_set *set, struct eval_score *sc);
/* The text of a document read in this run (by path; the same file by another path is the
 * same document), NULL if it was not read or had none. Owned by the runner. */
const char *eval_runner_text(const struct eval_runner *r, const char *file);
/* True if the two paths name the same file. */
int eval_runner_same(const struct eval_runner *r, const char *a, const char *b);

/* ---- the tenant classifier (eval_classify.c) ---- */

/* Cross-validates the tenant classifier on set (the labelled classes/ documents read in this
 * run), then labels with one model trained on all of them the documents of the other sets
 * in all[0..nall) (sroie as receipts, funsd as forms) it was not trained on. Prints right /
 * unknown / wrong per class and adds "tenant_classifier" to report. verbose: every document
 * not labelled right, to stderr. */
void eval_classify(const struct eval_set *set, const struct eval_set *all, int nall,
                   struct eval_runner *run, cJSON *report, int verbose);

#endif
