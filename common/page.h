/* page.h -- what reading a document produces: pages of words with boxes and confidences.
 * Filled by the worker (Tesseract or a PDF text layer); read by the extractors, the
 * classifier and the result encoder. */
#ifndef DP_PAGE_H
#define DP_PAGE_H
#include <stddef.h>
#include "err.h"

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
    /* How an OCR page was read (zero for a text layer). */
    int psm;           /* Tesseract page segmentation mode of the first read: 3 auto, 6 block */
    float scale;       /* factor the page was scaled by for OCR (1 = as decoded; 0 = unset) */
    int damaged;       /* decoded from a file with corrupt data: what was readable */
    float conf_before; /* mean word confidence of the first read (before re-reading lines) */
    int *reread;       /* owned: indices of the lines read again, nreread of them */
    size_t nreread;
    size_t nreplaced; /* of them, lines whose re-read was kept */
    char lang[128];   /* Tesseract languages the page was read with ("" = text layer) */
};

/* A read document: an owned array of pages. */
struct dp_doc_text {
    struct dp_page *pages;
    size_t npages;
    char language[16]; /* language detected from the words (lang=auto), "" = not detected */
};

/* Frees everything a page owns (not the page struct itself). NULL is a no-op. */
void page_cleanup(struct dp_page *p);
/* Rebuilds p->text from p->words: words of a line joined by spaces, lines by '\n', blocks by a
 * blank line. DP_ENOMEM leaves the old text. */
dp_err page_text_from_words(struct dp_page *p);

/* Frees every page and the array; leaves *d empty. NULL is a no-op. */
void doctext_cleanup(struct dp_doc_text *d);

#endif
