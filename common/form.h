/* form.h -- what a filled-in form says: key-value pairs ("Name: John", a label with its answer
 * to the right or below) and selection marks (checkboxes, radio buttons) with their state.
 *
 * form_pairs() is pure over word boxes; form_marks_find() reads the page image (Leptonica
 * connected components) and form_mark_classify() judges one mark's pixels. */
#ifndef DP_FORM_H
#define DP_FORM_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "err.h"
#include "page.h"
#include "table.h"

#define FORM_MAX_WORDS 20000 /* words considered per page; more -> no pairs */
#define FORM_MAX_PAIRS 1024  /* pairs per page */
#define FORM_MAX_MARKS 512   /* selection marks per page */
#define FORM_MAX_TEXT  1024  /* bytes of a key's or value's text */

/* A piece of text on the page: words joined by ' ', and their union box. */
struct form_text {
    char *text; /* UTF-8, owned, never NULL */
    struct table_box bbox;
};

/* One key-value pair.  has_value = 0 means the label's answer is empty (value: null). */
struct form_kv {
    struct form_text key;
    struct form_text value; /* meaningful when has_value */
    int has_value;
    double confidence; /* 0..1 */
    int mark;          /* index of the selection mark that answers it, -1 = none */
};

enum form_mark_state { FORM_UNSELECTED = 0, FORM_SELECTED = 1 };

/* One checkbox or radio button. */
struct form_mark {
    struct table_box bbox;
    enum form_mark_state state;
    int round;   /* 1 = radio button (round), 0 = checkbox (square) */
    char *label; /* the words to its right (or left) on its line; owned, "" when none */
};

/* Pairs keys with values on one page from its words (any order) and, when given, its
 * selection marks (a mark to the right of a key answers it).  *out is a new array of *n pairs
 * (NULL when none); free with form_kv_list_free().  DP_ENOMEM. */
dp_err form_pairs(const struct dp_word *words, size_t nwords, const struct form_mark *marks,
                  size_t nmarks, struct form_kv **out, size_t *n);
void form_kv_list_free(struct form_kv *kv, size_t n);

/* ---- the learned pairing (form_learn.c, form_model.c) ---- */

#define FORM_MODEL_MAX_BYTES (1 << 20) /* a pairing model file, at most */

/* A learned pairing model (opaque; form_int.h). */
struct form_model;

/* As form_pairs(), but the couples are scored by model m (borrowed) instead of the hand rules;
 * m == NULL pairs by the rules.  The selection marks, answers grown over their line and
 * continuation lines, and empty written labels are as in form_pairs(). */
dp_err form_pairs_model(const struct form_model *m, const struct dp_word *words, size_t nwords,
                        const struct form_mark *marks, size_t nmarks, struct form_kv **out,
                        size_t *n);

/* Parses a model file's bytes (format: form_model.c).  *out is new; free with
 * form_model_free().  DP_EPARSE (malformed, truncated, other features), DP_ETOOBIG (over
 * FORM_MODEL_MAX_BYTES), DP_ENOMEM. */
dp_err form_model_parse(const char *buf, size_t len, struct form_model **out);
/* Reads and parses a model file: as form_model_parse, plus DP_EIO. */
dp_err form_model_load(const char *path, struct form_model **out);
void form_model_free(struct form_model *m);

/* The model built into the programs (config/kv_model.txt at build time), parsed at the first
 * call; NULL (and an error logged once) when it is missing or unusable: pair by the rules.
 * Owned by the module, never freed. */
const struct form_model *form_model_builtin(void);

/* Whether a mark candidate is ticked, from its binary pixels: bits is a w x h bitmap (one byte
 * per pixel, non-zero = ink) of the candidate's bounding box.  Returns 1 when it looks like an
 * empty or filled square/circle outline (writes *state and *round), 0 when it is not a mark
 * at all (a letter, a blot).  Pure. */
int form_mark_classify(const unsigned char *bits, int w, int h, enum form_mark_state *state,
                       int *round);

/* Finds selection marks on a page image (any depth; borrowed) of dpi pixels per inch and
 * scale pixels per word pixel (> 1 for an image upscaled for OCR, < 1 for a text-layer page
 * rendered small), and labels
 * each from words.  Boxes are in word pixels.  *out is a new array of *n marks (NULL when none);
 * free with form_mark_list_free().  DP_ENOMEM, DP_EINVAL. */
struct Pix;
dp_err form_marks_find(struct Pix *pix, int dpi, float scale, const struct dp_word *words,
                       size_t nwords, struct form_mark **out, size_t *n);
void form_mark_list_free(struct form_mark *m, size_t n);

/* Flags in skip[nwords] the words that are selection marks misread as text ("[]", "L]", "O"):
 * centre inside a mark's box and not much wider than it.  Pure. */
void form_mark_words(const struct dp_word *words, size_t nwords, const struct form_mark *marks,
                     size_t nmarks, char *skip);

/* {"key":{"text","bbox"},"value":{"text","bbox"}|null,"confidence"[,"selection_mark":i]} and
 * {"bbox","state","label"}.  Caller owns them. */
cJSON *form_kv_json(const struct form_kv *kv);
cJSON *form_mark_json(const struct form_mark *m);

#endif
