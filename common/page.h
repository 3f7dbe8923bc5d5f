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

/* A barcode or QR code found on a page. */
struct dp_barcode {
    char *type; /* symbology as zbar names it: "QR-Code", "EAN-13", "CODE-128", ...; owned */
    char *text; /* decoded payload (UTF-8 as encoded); owned */
    int x, y;   /* top-left corner in page pixels */
    int w, h;   /* size in page pixels */
};

/* Where a page's text came from. */
enum dp_page_source { DP_SRC_OCR = 0, DP_SRC_TEXT_LAYER = 1 };

struct table;      /* table.h */
struct table_rule; /* table.h */
struct form_kv;    /* form.h */
struct form_mark;  /* form.h */

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
    size_t nreplaced;       /* of them, lines whose re-read was kept */
    char lang[128];         /* Tesseract languages the page was read with ("" = text layer) */
    char lang_detected[16]; /* language its words are in (lang=auto), "" = not detected,
                               "unknown" = a script no installed pack reads (script) */
    char script[16];        /* the script Tesseract's OSD saw when it was asked for the
                               language (lang=auto, "Cyrillic"...), "" = not asked */
    struct table *tables;   /* owned array of ntables (table.h); NULL when none */
    size_t ntables;
    struct form_kv *kvs; /* owned array of nkvs key-value pairs (form.h) */
    size_t nkvs;
    struct form_mark *marks; /* owned array of nmarks selection marks (form.h) */
    size_t nmarks;
    struct table_rule *rules; /* owned array of nrules ruling lines found on the page image,
                                 in page pixels (table.h); NULL for a text layer */
    size_t nrules;
    struct dp_barcode *barcodes; /* owned array of nbarcodes (raster pages, and the
                                    pictures of text-layer pages) */
    size_t nbarcodes;
    /* A second reading of the page (the other segmentation mode), kept where it differs from
     * the first (common/altread.h): the words of its alternate lines, in page pixels, line by
     * line. In these words `line` is the line of `words` the alternate stands for (-1: a line
     * the first reading has no words on) and `block` numbers the alternate lines from 0.
     * Owned; NULL when the page was read once or both readings agree. */
    struct dp_word *alt;
    size_t nalt;
    int read_twice; /* the second reading was made (alt may still be empty: both agreed) */
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
/* Rebuilds p->text from p->words: words of a line joined by spaces, lines by '\n', blocks by a
 * blank line. DP_ENOMEM leaves the old text. */
dp_err page_text_from_words(struct dp_page *p);

/* Frees every page and the array; leaves *d empty. NULL is a no-op. */
void doctext_cleanup(struct dp_doc_text *d);

/* ---- wire form (a read page sent from the decode child to the worker over a pipe) ----
 * Fixed-width fields in host byte order (both ends are the same binary on the same host):
 *   i32 number width height dpi rotation, f32 conf, u8 source,
 *   i32 number width height dpi rotation, f32 conf, u8 source,
 *   i32 psm, f32 scale, u8 damaged, f32 conf_before, u32 nreplaced, u32 nreread, i32 line
 *   per re-read line, str lang, str lang_detected,
 *   str text, str hocr, u32 nwords, per word: str text, f32 conf, i32 x y w h line block,
 *   u32 nrules, per rule: i32 x1 y1 x2 y2 thick,
 *   u32 nmarks, per selection mark: i32 x y w h, u8 state, u8 round, str label,
 *   u32 nbarcodes, per code: str type, str text, i32 x y w h,
 *   u32 nalt, per alternate word: as a word, u8 read_twice
 * where str = u32 length (0xffffffff = NULL) + bytes.  Tables and key-value pairs are not
 * carried: the worker finds them from the words, rules and marks (worker_layout_text). */

#define PAGE_WIRE_MAX_WORDS    (1u << 20) /* more words than this is refused by page_unpack */
#define PAGE_WIRE_MAX_BARCODES 64         /* likewise barcodes */

/* Packs p into a new buffer (*out, *len; caller frees). DP_ENOMEM, or DP_ETOOBIG when a
 * string or the word count does not fit the format's caps. */
dp_err page_pack(const struct dp_page *p, unsigned char **out, size_t *len);

/* Unpacks exactly len bytes of buf into *out (zeroed first; release with page_cleanup).
 * DP_EPARSE when buf is truncated, has bytes left over, or breaks a cap; DP_ENOMEM. On failure
 * *out is left empty. Pure. */
dp_err page_unpack(const unsigned char *buf, size_t len, struct dp_page *out);

#endif
