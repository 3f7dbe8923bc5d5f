/* page.h -- what reading a document produces: pages of words with boxes and confidences.
 * Filled by the worker (Tesseract or a PDF text layer); read by the extractors, the
 * classifier and the result encoder. */
#ifndef DP_PAGE_H
#define DP_PAGE_H
#include <stddef.h>

/* One recognised word. */
struct dp_word {
    char *text; /* UTF-8, owned by the word */
    float conf; /* 0..100 (Tesseract's scale); 100 for a PDF text layer */
    int x, y;   /* top-left corner in page pixels (PDF: points at the page's dpi) */
    int w, h;   /* size in page pixels */
    int line;   /* line index within the page, 0-based, in reading order */
    int block;  /* block (paragraph) index within the page, 0-based */
};

/* Where a page's text came from. */
enum dp_page_source { DP_SRC_OCR = 0, DP_SRC_TEXT_LAYER = 1 };

struct table;     /* table.h */
struct form_kv;   /* form.h */
struct form_mark; /* form.h */

/* One page of a document. */
struct dp_page {
    int number;                 /* 1-based */
    int width, height;          /* pixels as read (after rotation) */
    int dpi;                    /* resolution the text was read at */
    int rotation;               /* degrees clockwise applied to upright the page: 0/90/180/270 */
    float conf;                 /* mean word confidence 0..100 */
    enum dp_page_source source; /* OCR or PDF text layer */
    char *text;                 /* UTF-8 page text, lines separated by '\n'; owned */
    char *hocr;                 /* hOCR fragment for the page or NULL; owned */
    struct dp_word *words;      /* owned array of nwords */
    size_t nwords;
    struct table *tables; /* owned array of ntables (table.h); NULL when none */
    size_t ntables;
    struct form_kv *kvs; /* owned array of nkvs key-value pairs (form.h) */
    size_t nkvs;
    struct form_mark *marks; /* owned array of nmarks selection marks (form.h) */
    size_t nmarks;
};

/* A read document: an owned array of pages. */
struct dp_doc_text {
    struct dp_page *pages;
    size_t npages;
};

/* Frees everything a page owns (not the page struct itself). NULL is a no-op. */
void page_cleanup(struct dp_page *p);
/* Frees every page and the array; leaves *d empty. NULL is a no-op. */
void doctext_cleanup(struct dp_doc_text *d);

#endif
