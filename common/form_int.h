/* form_int.h -- the steps of key-value pairing (form_pair.c), shared with form.c and the unit
 * tests: words -> entities (the phrases a form is filled with) -> a score for every plausible
 * (label, answer) couple from geometry and text shape -> a one-to-one assignment.  Internal
 * to common/. */
#ifndef DP_FORM_INT_H
#define DP_FORM_INT_H
#include <stddef.h>
#include "form.h"
#include "table_int.h"

/* One entity: words of one line, close together, that read as one unit ("Date of birth:",
 * "12/03/1980", "Brown on yellow").  A word ending in ':' ends its entity. */
struct form_ent {
    int x0, y0, x1, y1; /* union box, x1/y1 exclusive */
    size_t w0, nw;      /* words ord[w0 .. w0+nw) of the layout */
    size_t line;        /* its line in the layout */
    int colon;          /* its last word ends in ':' (a written label) */
    int numeric;        /* reads as a number, amount or date */
    int noise;          /* read unsurely (FP_NOISE_CONF) or mostly not letters and digits */
    int unit;           /* reads as a unit ("mm", "mg/cc", "%": form_unit_like) */
    double key;         /* key-likeness from its text alone (form_key_score) */
    int head;           /* a number follows it on its line: a table's row label, which
                           answers no other label (FP_HEAD_GAP) */
};

/* The median gap in pixels between neighbouring words of a line (most are the spaces inside
 * phrases; 0 when there are none). */
int form_word_space(const struct tl_layout *L);

/* Sets an entity's box and text shapes (colon, unit, numeric, key, noise) from its words
 * ord[w0 .. w0+nw) of L.  Pure. */
void form_ent_finish(const struct tl_layout *L, struct form_ent *e);

/* Splits the entities of *e (n of them, the layout's order) where a table's columns were read
 * as one phrase: at a gap between two words that lines within 6 em above and below show as a
 * column gutter (at least two lines with words on both sides and nothing across it, at most
 * a third as many lines across it: a title, a note), and between two whole numbers with
 * decimals ("4.31*** 4.59"; not "1 .089", "13, 1982").  *e is replaced and *n updated.
 * DP_ENOMEM (then *e is unchanged). */
dp_err form_split_gutters(const struct tl_layout *L, struct form_ent **e, size_t *n);

/* Where a phrase t[0..n) that holds a label and its answer is cut (form_split.c): the index of
 * the answer's first word, 0 for no cut.  The head (1 to 5 words, first a letter, no digit,
 * no colon) ends in a word that ends labels (learned from FUNSD's development questions:
 * "Date", "No.", "Name", "by", "#", ...) and the tail reads as a value: a number, a date, an
 * amount, or a change of case ("Tobacco Used SPRING", "NAME Jimmy Bell"), or a name after
 * "by" / "to"; or the head ends in such a word and a dash set apart ("Original - Project
 * File"), or in a word ending in ';' (OCR's reading of a label's ':', "Trade Register;
 * Cologne").  Pure. */
size_t form_label_cut(const char *const *t, size_t n);
/* Whether word t is one that ends labels (form_split.c's list learned from FUNSD's development
 * questions: "Date", "No.", "Name", "Cost", "#", ...).  Pure. */
int form_label_end(const char *t);
/* Whether word t is a leader: at least two of '-', '.', '~', '_' and nothing else.  Pure. */
int form_leader(const char *t);
/* Cuts the entities v[0..n) (a written label stays whole) at leaders (each its own entity)
 * and between a label head and its value (form_label_cut); the parts replace the entity in
 * place, in order.  cap = the room of v (at least the words of all entities).  Returns the
 * new count. */
size_t form_split_labels(const struct tl_layout *L, struct form_ent *v, size_t n, size_t cap);

/* Entities of a layout, in the layout's order (top to bottom, left to right).  *out is a new
 * array of *n (NULL when none); free() it.  DP_ENOMEM. */
dp_err form_entities(const struct tl_layout *L, struct form_ent **out, size_t *n);

/* How much the words t[0..n) read like a label, from their text alone: a final ':' or '?'
 * counts most; a few words without digits, capitals, a final '#' or "No." count some;
 * numbers and long sentences count against.  Pure. */
double form_key_score(const char *const *t, size_t n);

/* Whether the words t[0..n) read as a unit of measure: one or two words, a few lower-case
 * letters or '%', no capitals, digits allowed ("mm", "mg/cc", "gm/ m2").  Pure. */
int form_unit_like(const char *const *t, size_t n);
/* Whether the words t[0..n) are a unit a table's number cell takes with it ("mm", "mg/cc",
 * "%"): form_unit_like, and '%' or at least two letters not all of them digits misread
 * ("l", "ll", "io" are OCR's "1", "11", "10").  Pure. */
int form_cell_unit(const char *const *t, size_t n);

/* Whether text t (a pair's answer) is only marks -- no letter or digit: "--", ".", "|", "*",
 * "- - -", a blank line or a stray sign read as text, not an answer (a UTF-8 lead byte of
 * Latin-1 symbols, 0xC2, or of punctuation and symbols, 0xE2, is no letter); a currency sign
 * alone ("$": an amount left blank) is kept.  Pure. */
int form_marks_only(const char *t);

/* Where v sits relative to k. */
enum form_rel { FORM_REL_NONE = 0, FORM_REL_RIGHT, FORM_REL_BELOW };

/* Score of v answering k (-1e9 when it cannot: wrong place, too far, v is a written label),
 * from the geometry (gap, offset, alignment, x-overlap, em = median word height in pixels)
 * and the text shapes (k->key, v numeric).  *rel says where v sits.  Blocking entities in
 * between are not looked at here (form_candidates does).  Pure. */
double form_pair_score(const struct form_ent *k, const struct form_ent *v, int em,
                       enum form_rel *rel);

/* One scored couple of entities. */
struct form_cand {
    size_t k, v; /* entity indices */
    double score;
    enum form_rel rel;
};

/* Every couple of ents[0..n) with a score of at least min and nothing between its two
 * entities (right: no entity between them on the line; below: no entity between them that
 * overlaps both in x).  *out is a new array of *nc, best first; free() it.  DP_ENOMEM. */
dp_err form_candidates(const struct form_ent *ents, size_t n, int em, double min,
                       struct form_cand **out, size_t *nc);

/* Greedy one-to-one assignment over cands[0..nc) sorted best first: a couple is taken when
 * neither entity has a role yet (an entity is a label or an answer, never both).  role[i]
 * (n of them) becomes -1 for no role, else the index of the taken couple in cands, for both
 * its entities.  Returns the number of couples taken.  Pure. */
size_t form_assign(const struct form_cand *cands, size_t nc, size_t n, long *role);

/* ---- table links (form_table.c) ---- */

/* One link of a table: header entity k answered by cell entity v (rel: v right of or below k). */
struct form_link {
    size_t k, v;
    enum form_rel rel;
    int text; /* a column of words, not numbers */
};

/* The table links of ents[0..n) (em = median word height): a label-like header (no number,
 * no written label) heading a run of at least two cells down its column (each under the last,
 * within 6 em, or 7 em to a number on a line of numbers, or 20 em to one when the band between
 * holds no text across the header row -- only blots and rows of numbers blank in this column:
 * the table's next group of rows; units and blots passed over; the run ends
 * at a written label, a row of headers or an entity much wider than the header) is linked to each
 * when its line holds another such header (a header row) and the cells are mostly numbers, or are
 * at least 3 phrases none of which reads as a label (key < 0.3 or a number) or has more than 4
 * words (link.text = 1); a label
 * first on its line followed by at least two numbers (a row label), no cell of a column itself, is
 * linked to each.  *out is a new array of *nl (NULL when none), column links first; free() it.
 * DP_ENOMEM. */
dp_err form_table_links(const struct form_ent *ents, size_t n, int em, struct form_link **out,
                        size_t *nl);

/* The lines stacked onto a table's row labels (up / down: the stack block's joins, up[l] = u
 * when l continues u, down[u] = l, -1 where none) end at the next row's label: for each row
 * label of a row link of lk[0..nl) (ents: the links' entities), the chain of its stacked lines
 * is cut above and below it at an entity that is itself a row label (a number follows it, or
 * it heads a row link) -- "SATISFYING" / "(7=More)" is one label, "APTERTASTE" under it heads
 * the next row.  Pure. */
void form_table_row_lines(const struct form_ent *ents, const struct form_link *lk, size_t nl,
                          long *up, long *down);

/* ---- learned pairing: features of a couple (form_feat.c), the model (form_model.c) ---- */
/* FNV-1a of a word's letters and digits, lower-cased (other bytes skipped): the hashed-word
 * features' bucket before the modulo. The trained models depend on it: do not change it. */
unsigned form_word_hash(const char *t);

/* What an entity's words are made of: letters (A-Z, a-z, and UTF-8 lead bytes, 0xC0 and
 * up), of which upper case, digits, and date separators ('/', '-', '.'). */
struct form_chars {
    size_t letters, upper, digits, seps;
};
void form_ent_chars(const struct tl_layout *L, const struct form_ent *e, struct form_chars *c);

#define FORM_FEAT_REL        82  /* features of one relation block (right, below) */
#define FORM_FEAT_VOCAB      384 /* hashed words: the label's first and last, the answer's first */
#define FORM_FEAT_N          (2 * FORM_FEAT_REL + FORM_FEAT_VOCAB)
#define FORM_FEAT_NZ         80    /* non-zero features of one couple, at most */
#define FORM_FEAT_MAX_CANDS  20000 /* couples of one page, at most (the nearest kept) */
#define FORM_FEAT_RIGHT_MAX  30.0  /* an answer to the right starts within this many em */
#define FORM_FEAT_BELOW_MAX  6.0   /* an answer below starts within this many em under the label */
#define FORM_FEAT_COLUMN_MAX 40.0  /* ... or this many when it overlaps the label's column */
#define FORM_FEAT_ASIDE_BAND 2.0   /* a label with no answer on its band: centres this many em */
#define FORM_FEAT_ASIDE_MAX  12.0  /* ... apart and the answer within this many em right */

/* One plausible couple (label k, answer v) and its sparse features. */
struct form_fcand {
    size_t k, v;
    enum form_rel rel;
    double dist; /* em: the gap right, or down (plus a little per em of side offset) */
    int between; /* entities between the two, counted up to 2 */
    int nf;
    int idx[FORM_FEAT_NZ]; /* feature indices 0 .. FORM_FEAT_N-1, ascending not required */
    float val[FORM_FEAT_NZ];
};

/* Entities of e[0..n) (the layout's order) on other lines within 4 em above or below e[i]
 * whose left edge is within half an em of e[i]'s (a column of labels or of answers), counted
 * up to 3.  Pure. */
int form_feat_aligned(const struct form_ent *e, size_t n, size_t i, double em);
/* Whether another couple of e[0..n) repeats the shape of k answered by v: right, a label
 * left-aligned with k on a line within 4 em with an entity right of it on its line whose left
 * edge is as far from that label's as v's from k's (within 1 em: rows of a form's labels and
 * answers); below, another entity of k's line with one of v's line as far from it (a header
 * row over a row of cells).  Pure. */
int form_feat_parallel(const struct form_ent *e, size_t n, size_t k, size_t v, enum form_rel rel,
                       double em);

/* Every couple of ents[0..n) where v sits right of k on its band (within FORM_FEAT_RIGHT_MAX)
 * or below it in its column (within FORM_FEAT_BELOW_MAX, x-overlap or left edges close), and,
 * for a label with no couple on its band and an entity that is no label's couple to the right,
 * right of it a little above or below (centres within FORM_FEAT_ASIDE_BAND em, within
 * FORM_FEAT_ASIDE_MAX em right: scored as right couples), with
 * its features: geometry (gap buckets, alignment, what lies between, whether v is k's nearest
 * and k v's nearest), both text shapes, the label's words hashed.  *out is a new array of *nc
 * (NULL when none); free() it.  DP_ENOMEM. */
dp_err form_feat_cands(const struct tl_layout *L, const struct form_ent *ents, size_t n,
                       struct form_fcand **out, size_t *nc);

/* ---- labels over two lines (form_stack.c) ---- */

#define FORM_AUX_DENSE 48  /* features of two stacked entities */
#define FORM_AUX_VOCAB 128 /* hashed words: the upper one's last, the lower one's first */
#define FORM_AUX_N     (FORM_AUX_DENSE + 2 * FORM_AUX_VOCAB)
#define FORM_AUX_NZ    48 /* non-zero features of one example, at most */

/* The sparse features of one stacked couple. */
struct form_auxx {
    int nf;
    int idx[FORM_AUX_NZ]; /* 0 .. FORM_AUX_N-1 */
    float val[FORM_AUX_NZ];
};

/* A small logistic model of the pairing model file (form_model.c); on = 0: not there. */
struct form_aux {
    int on;
    double bias;
    double threshold; /* a probability at or above this says yes */
    double w[FORM_AUX_N];
};

/* A logistic model over the couple features (file format: form_model.c), with an optional
 * block that joins a label's stacked lines (stack). */
struct form_model {
    double bias;
    double threshold; /* a couple with probability under this is no pair */
    double multi;     /* a label with an answer takes further answers at or above this */
    double w[FORM_FEAT_N];
    struct form_aux stack;
    struct form_aux quest; /* is the key a question at all (form_quest.c); threshold unused */
    double quest_alpha;    /* a couple's probability times the key's quest probability ^ this */
};

/* Probability 0..1 of block b (b->on) for features x (form_stack.c). */
double form_aux_prob(const struct form_aux *b, const struct form_auxx *x);

/* Stacked couples: for each entity l of e[0..n), the entity right above it that it may
 * continue (the nearest line above within FORM_STACK_GAP em, overlapping it in x, the one
 * overlapping most), when that one is also l's best below: up[l] (-1 none).  Pure. */
#define FORM_STACK_GAP 1.0
void form_stack_cands(const struct form_ent *e, size_t n, int em, long *up);
/* Features of upper entity u continued by lower entity l.  Pure. */
void form_stack_features(const struct tl_layout *L, const struct form_ent *e, size_t n, size_t u,
                         size_t l, struct form_auxx *x);
/* Whether u over l (l's stacked candidate above, form_stack_cands) is a column header over two
 * lines ("Est." over "Travel", "PM6" over "SCORES"): neither is a number, a written label,
 * noise or a row label, each has at most FORM_STACK_HEADER_WORDS words, and a number lies
 * under l in its column.  The stack block joins these whatever it scores.  Pure. */
#define FORM_STACK_HEADER_WORDS 3
int form_stack_header(const struct form_ent *e, size_t n, size_t u, size_t l, int em);
/* Whether word t is a count in brackets, a column's base: "(99)", "(n=205)", "(N= 96)" (at
 * most FORM_STACK_COUNT_DIGITS digits, no sign, no decimals).  Pure. */
#define FORM_STACK_COUNT_DIGITS 5
int form_stack_count(const char *t);
/* The stacked lines m's stack block joins (and the column headers over two lines whose upper
 * line ends in no word that ends labels, form_label_end, or over their base, "Male" over
 * "(99)", whatever it says; never a line under a closed note in brackets, "(7=More)", unless
 * it is a note too): up[l] = u when l continues u (a label
 * over two lines, "NO. OF" over "STORES"), down[u] = l; -1 elsewhere.  All -1 when m is NULL or has
 * no stack block.  up and down hold n each. */
void form_stack_links(const struct form_model *m, const struct tl_layout *L,
                      const struct form_ent *e, size_t n, long *up, long *down);

/* ---- is an entity a question at all (form_quest.c) ---- */

/* Features of entity i of e[0..n) alone: text shape, size, place on the page, and what lies
 * right of it, under it, left of it and over it; its first and last words hashed.  Pure. */
void form_quest_features(const struct tl_layout *L, const struct form_ent *e, size_t n, size_t i,
                         struct form_auxx *x);
/* q[i] (n of them): the probability that entity i is a question with an answer, by m's quest
 * block; 1 for every entity when m has none. */
void form_quest_probs(const struct form_model *m, const struct tl_layout *L,
                      const struct form_ent *e, size_t n, double *q);
/* A couple's probability p weighed by its key's quest probability qk: p * qk ^ alpha (p when
 * m has no quest block). */
double form_quest_weigh(const struct form_model *m, double p, double qk);

/* Probability 0..1 that the couple is a pair. */
double form_model_prob(const struct form_model *m, const struct form_fcand *c);

/* The couples of ents[0..n) scored by model m (score = probability, at least m->threshold),
 * best first, as form_candidates() gives them for the rules.  DP_ENOMEM. */
dp_err form_learn_candidates(const struct form_model *m, const struct tl_layout *L,
                             const struct form_ent *ents, size_t n, struct form_cand **out,
                             size_t *nc);

/* Fill-in lines read as text ("____June 3, 1995", "__ 300", "—___409"): the runs of '_' and
 * em dashes at either end of each word of w[0..n) are dropped and its box shrunk in proportion;
 * a word of nothing else becomes "" (a blank, skipped by form_layout).  *out is a new array of
 * n words whose texts point into *buf; free() both.  Pure.  DP_ENOMEM. */
dp_err form_clean_words(const struct dp_word *w, size_t n, struct dp_word **out, char **buf);

/* Leaders and stray marks around a pair's texts ("Filter Length---" = "------ 84 mm"): a
 * label's trailing run of '-', '.', '~', '_' or em dashes (FORM_LEADER_MIN or more: "No."
 * keeps its dot), an answer's first or last word made only of them (or a last '|'), and
 * the marks OCR reads before
 * a text ('|', '\', and on a label an opening quote never closed: "| PROJECTED", "‘State")
 * or after a label (',', ';', '|', '!': "Client:,") are cut off t in place (key = 1 for a label);
 * the pair's box still spans them.  Pure. */
#define FORM_LEADER_MIN 2
void form_tidy_leaders(char *t, int key);

/* The words of a page organised for pairing: selection-mark words and blanks skipped, phrases
 * split at a gap measured on the page.  L is initialised (tl_cleanup it).  DP_ENOMEM. */
dp_err form_layout(struct tl_layout *L, const struct dp_word *words, size_t nwords,
                   const struct form_mark *marks, size_t nmarks);

#endif
