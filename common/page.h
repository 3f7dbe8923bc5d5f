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

/* A barcode or QR code found on a page. */
struct dp_barcode {
    char *type; /* symbology as zbar names it: "QR-Code", "EAN-13", "CODE-128", ...; owned */
    char *text; /* decoded payload (UTF-8 as encoded); owned */
    int x, y;   /* top-left corner in page pixels */
    int w, h;   /* size in page pixels */
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
    struct dp_barcode *barcodes; /* owned array of nbarcodes (raster pages only) */
    size_t nbarcodes;
};

/* A read document: an owned array of pages, and the e-invoice XML it carried, if any. */
struct dp_doc_text {
    struct dp_page *pages;
    size_t npages;
    char *xml;              /* owned copy of the CII/UBL XML (the upload, or a PDF's embedded
                               file), or NULL */
    size_t xml_len;         /* bytes of xml */
    const char *xml_source; /* static: "xml" (the upload) or "embedded_xml"; NULL without xml */
};

/* Frees everything a page owns (not the page struct itself). NULL is a no-op. */
void page_cleanup(struct dp_page *p);
/* Frees every page and the array; leaves *d empty. NULL is a no-op. */
void doctext_cleanup(struct dp_doc_text *d);

#endif
