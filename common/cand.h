/* cand.h -- candidate values of a read document for the tenant's extractor: every span of up
 * to CAND_MAX_SPAN words within a line, every whole line, and runs of 2..CAND_MAX_RUN lines
 * (names and addresses span lines). Each candidate keeps its text, box, page and line range so
 * the feature builder (xfeat.h) can look at its neighbourhood.
 * Pure: works on struct dp_doc_text, which cand_doc_from_json rebuilds from a stored result. */
#ifndef DP_CAND_H
#define DP_CAND_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include "err.h"
#include "page.h"

#define CAND_MAX_SPAN  5    /* words in a within-line span */
#define CAND_MAX_RUN   4    /* lines in a multi-line run */
#define CAND_MAX       6000 /* candidates per document (the rest are dropped) */
#define CAND_TEXT_MAX  512  /* bytes of a candidate's text */
#define CAND_MAX_WORDS 8000 /* words per page looked at */
#define CAND_LINES_MAX 2000 /* lines per page looked at */

/* One line of a page: words [w0, w1) of the page's word array. */
struct cand_line {
    size_t w0, w1;
    int x, y, w, h; /* union box */
};

/* A page's words grouped into lines (in the order of their line index). A page read a second
 * time (dp_page.alt) has a second cand_page after the document's: the page as its alternate
 * lines have it (each in place of the line it stands for, a line only the second reading has
 * in its place from top to bottom). */
struct cand_page {
    const struct dp_page *page; /* borrowed; for a second reading owned by the set, its words'
                                   texts borrowed from the document */
    struct cand_line *lines;    /* owned, nlines */
    size_t nlines;
    float median_h;     /* median word height, pixels (>= 1) */
    size_t doc_page;    /* the document page it reads (0-based) */
    unsigned char *alt; /* second reading: per line, 1 = an alternate line (owned); NULL */
};

/* One candidate value. */
struct cand {
    char *text;     /* owned, words joined by one space, at most CAND_TEXT_MAX-1 bytes */
    size_t page;    /* 0-based index into the document's pages */
    size_t cpage;   /* index into cand_set.pages (the second reading's after the document's) */
    int alt;        /* 1: it takes in a line of the second reading */
    size_t line0;   /* first line (index into cand_page.lines) */
    size_t line1;   /* last line, inclusive */
    size_t w0, w1;  /* words [w0, w1) of the page when within one line; whole lines else */
    int x, y, w, h; /* union box, page pixels */
    float conf;     /* mean word confidence 0..1 */
    int kind;       /* 0 span within a line, 1 whole line, 2 run of lines */
};

/* All candidates of a document, plus its pages grouped in lines. */
struct cand_set {
    struct cand *c; /* owned, n of cap */
    size_t n, cap;
    struct cand_page *pages; /* owned, npages: the document's, then its second readings */
    size_t npages;
    size_t ndoc; /* of them the document's pages */
};

/* Fills *out (zeroed first) from doc, which must outlive it: the candidates of every page and,
 * for a page read twice, those of its second reading that take in an alternate line (the
 * words of a run of lines, one or more of them as the second reading has them). DP_ENOMEM. */
dp_err cand_generate(const struct dp_doc_text *doc, struct cand_set *out);
void cand_set_cleanup(struct cand_set *s);

/* Rebuilds pages and words (text, conf, bbox, line) from a result object's "pages", and the
 * second reading's words from "alt_lines" (a line's box shared among its words by their
 * lengths); the rest of the page is left empty. *out owned by the caller (doctext_cleanup).
 * DP_EPARSE when the result has no pages array, DP_ENOMEM. */
dp_err cand_doc_from_json(const cJSON *result, struct dp_doc_text *out);

#endif
