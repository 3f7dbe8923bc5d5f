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

/* A page's words grouped into lines (in the order of their line index). A page read again
 * (dp_page.alt) has one more cand_page per reading kept after the document's: the page as the
 * alternate lines of that reading have it (each in place of the line it stands for, a line
 * only that reading has in its place from top to bottom): the second reading's, then the line
 * look's (altread.h). Each reading is a page of its own: mixing them in one page would make
 * runs of lines no reading read. */
struct cand_page {
    const struct dp_page *page; /* borrowed; for a second reading owned by the set, its words'
                                   texts borrowed from the document */
    struct cand_line *lines;    /* owned, nlines */
    size_t nlines;
    float median_h;     /* median word height, pixels (>= 1) */
    size_t doc_page;    /* the document page it reads (0-based) */
    unsigned char *alt; /* another reading: per line, 1 = an alternate line (owned); NULL */
    int reading;        /* 0 the document's page, else ALTREAD_SECOND or ALTREAD_LOOK */
};

/* One candidate value. */
struct cand {
    char *text;     /* owned, words joined by one space, at most CAND_TEXT_MAX-1 bytes */
    size_t page;    /* 0-based index into the document's pages */
    size_t cpage;   /* index into cand_set.pages (the other readings' after the document's) */
    int alt;        /* 0: the first reading's words; else the reading whose alternate line it
                       takes in (ALTREAD_SECOND 2, ALTREAD_LOOK 3: the line look) */
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
    struct cand_page *pages; /* owned, npages: the document's, then its other readings */
    size_t npages;
    size_t ndoc; /* of them the document's pages */
};

/* Fills *out (zeroed first) from doc, which must outlive it: the candidates of every page and,
 * for a page read again, those of each other reading (the second, the line look) that take
 * in an alternate line of it (the words of a run of lines, one or more of them as that
 * reading has them). DP_ENOMEM. */
dp_err cand_generate(const struct dp_doc_text *doc, struct cand_set *out);
void cand_set_cleanup(struct cand_set *s);

/* Rebuilds pages and words (text, conf, bbox, line) from a result object's "pages", and the
 * other readings' words from "alt_lines" (a line's box shared among its words by their
 * lengths; "reading" 3 numbered from ALTREAD_LOOK_BLOCK as the worker numbers it); the rest
 * of the page is left empty. *out owned by the caller (doctext_cleanup). DP_EPARSE when the
 * result has no pages array, DP_ENOMEM. */
dp_err cand_doc_from_json(const cJSON *result, struct dp_doc_text *out);

#endif
