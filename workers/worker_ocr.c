/* worker_ocr.c -- Tesseract C API: an engine per process (and a spare with the languages used
 * before), words with boxes, hOCR, deadlines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "reqopts.h"
#include "util.h"
#include "worker.h"

dp_err ocr_init(struct ocr *o, const char *tessdata, const char *lang)
{
    memset(o, 0, sizeof *o);
    worker_png_fast(1);
    snprintf(o->tessdata, sizeof o->tessdata, "%s", tessdata ? tessdata : "");
    char err[256]; /* the engine is made as the spare, which ocr_use_lang swaps in */
    return ocr_use_lang(o, lang, err, sizeof err);
}

/* Loads lang into the spare engine (made on first need); the current one is kept. */
static dp_err load_spare(struct ocr *o, const char *lang, char *err, size_t errsz)
{
    char missing[64];
    if (!reqopts_lang_installed(o->tessdata, lang, missing, sizeof missing)) {
        snprintf(err, errsz,
                 "language pack '%s' is not installed (apt-get install tesseract-ocr-%s)", missing,
                 missing);
        return DP_EINVAL;
    }
    if (!o->spare && !(o->spare = TessBaseAPICreate()))
        return DP_ENOMEM;
    if (TessBaseAPIInit3(o->spare, o->tessdata[0] ? o->tessdata : NULL, lang) != 0) {
        o->spare_lang[0] = '\0';
        snprintf(err, errsz, "Tesseract could not load '%s'", lang);
        return DP_EOCR;
    }
    snprintf(o->spare_lang, sizeof o->spare_lang, "%s", lang);
    return DP_OK;
}

/* The spare engine becomes the current one and the current one the spare. */
static void swap_engines(struct ocr *o)
{
    TessBaseAPI *a = o->api;
    char l[sizeof o->lang];
    o->api = o->spare;
    o->spare = a;
    memcpy(l, o->lang, sizeof l);
    memcpy(o->lang, o->spare_lang, sizeof o->lang);
    memcpy(o->spare_lang, l, sizeof o->spare_lang);
}

dp_err ocr_use_lang(struct ocr *o, const char *lang, char *err, size_t errsz)
{
    if (strcmp(lang, "auto") == 0)
        lang = "eng"; /* lang=auto reads in English first (worker_decode_pages) */
    if (strcmp(o->lang, lang) == 0)
        return DP_OK;
    if (!o->spare_lang[0] || strcmp(o->spare_lang, lang) != 0) {
        dp_err rc = load_spare(o, lang, err, errsz);
        if (rc)
            return rc;
    }
    swap_engines(o);
    return DP_OK;
}

dp_err ocr_preload(struct ocr *o, const char *lang)
{
    char err[256];
    if (strcmp(o->lang, lang) == 0 || strcmp(o->spare_lang, lang) == 0)
        return DP_OK;
    return load_spare(o, lang, err, sizeof err);
}

/* Words of the last recognition into an owned array (*words, *nwords); known (NULL: not
 * counted) receives the characters of the words Tesseract found in its dictionary or read as
 * numbers. */
static dp_err collect_words(TessBaseAPI *api, struct dp_word **words, size_t *nwords, size_t *known)
{
    *words = NULL;
    *nwords = 0;
    if (known)
        *known = 0;
    TessResultIterator *it = TessBaseAPIGetIterator(api);
    if (!it)
        return DP_OK; /* empty page */
    TessPageIterator *pi = TessResultIteratorGetPageIterator(it);
    size_t cap = 256;
    size_t n = 0;
    struct dp_word *ws = calloc(cap, sizeof *ws);
    if (!ws) {
        TessResultIteratorDelete(it);
        return DP_ENOMEM;
    }
    int line = -1, block = -1;
    dp_err rc = DP_OK;
    do {
        /* each of these asks copy the iterator and walk to the line's start: a block starts
         * only where a line does, so the block is asked only there */
        if (TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE)) {
            line++;
            if (TessPageIteratorIsAtBeginningOf(pi, RIL_BLOCK))
                block++;
        }
        char *text = TessResultIteratorGetUTF8Text(it, RIL_WORD);
        if (!text)
            continue;
        /* An empty word, or one of blanks: Tesseract gives these (sure, 95) for a text line
         * it segmented but could not read, such as a line of print with its underline
         * through the letters. They carry no text; kept, they would pass for words covering
         * the line, which would then never be read again (worker_reread.c). */
        if (!text[strspn(text, " \t\r\n")]) {
            TessDeleteText(text);
            continue;
        }
        if (n == cap) {
            struct dp_word *nw = realloc(ws, 2 * cap * sizeof *nw);
            if (!nw) {
                TessDeleteText(text);
                rc = DP_ENOMEM;
                break;
            }
            ws = nw;
            cap *= 2;
        }
        struct dp_word *w = &ws[n];
        int l = 0, t = 0, r = 0, b = 0;
        TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &t, &r, &b);
        w->text = strdup(text);
        TessDeleteText(text);
        if (!w->text) {
            rc = DP_ENOMEM;
            break;
        }
        w->conf = TessResultIteratorConfidence(it, RIL_WORD);
        if (known &&
            (TessResultIteratorWordIsFromDictionary(it) || TessResultIteratorWordIsNumeric(it)))
            *known += strlen(w->text);
        w->x = l;
        w->y = t;
        w->w = r - l;
        w->h = b - t;
        w->line = line < 0 ? 0 : line;
        w->block = block < 0 ? 0 : block;
        n++;
    } while (TessResultIteratorNext(it, RIL_WORD));
    TessResultIteratorDelete(it);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(ws[i].text);
        free(ws);
        return rc;
    }
    *words = ws;
    *nwords = n;
    return DP_OK;
}

static dp_err recognize(TessBaseAPI *api, long long deadline_ms)
{
    ETEXT_DESC *mon = TessMonitorCreate();
    if (!mon)
        return DP_ENOMEM;
    TessMonitorSetDeadlineMSecs(mon, (int)(deadline_ms > 0x7fffffff ? 0x7fffffff : deadline_ms));
    int64_t t0 = util_mono_ms();
    int rc = TessBaseAPIRecognize(api, mon);
    TessMonitorDelete(mon);
    if (rc != 0) {
        TessBaseAPIClear(api);
        return util_mono_ms() - t0 >= deadline_ms - 5 ? DP_ETIMEOUT : DP_EOCR;
    }
    return DP_OK;
}

dp_err ocr_line_known(struct ocr *o, PIX *pix, int dpi, long long deadline_ms,
                      struct dp_word **words, size_t *nwords, size_t *known)
{
    *words = NULL;
    *nwords = 0;
    TessBaseAPISetPageSegMode(o->api, PSM_SINGLE_LINE);
    TessBaseAPISetImage2(o->api, pix);
    TessBaseAPISetSourceResolution(o->api, dpi);
    dp_err err = recognize(o->api, deadline_ms);
    if (!err)
        err = collect_words(o->api, words, nwords, known);
    TessBaseAPIClear(o->api);
    return err;
}

dp_err ocr_line(struct ocr *o, PIX *pix, int dpi, long long deadline_ms, struct dp_word **words,
                size_t *nwords)
{
    return ocr_line_known(o, pix, dpi, deadline_ms, words, nwords, NULL);
}

dp_err ocr_line_region(struct ocr *o, PIX *pix, int dpi, int x0, int y0, int x1, int y1, float f,
                       long long deadline_ms, struct dp_word **words, size_t *nwords)
{
    *words = NULL;
    *nwords = 0;
    BOX *box = boxCreate(x0, y0, x1 - x0, y1 - y0);
    PIX *crop = box ? pixClipRectangle(pix, box, NULL) : NULL;
    PIX *big = crop && f != 1.0f ? pixScale(crop, f, f) : crop ? pixClone(crop) : NULL;
    boxDestroy(&box);
    pixDestroy(&crop);
    if (!big)
        return DP_ENOMEM;
    dp_err rc = ocr_line(o, big, (int)((float)dpi * f), deadline_ms, words, nwords);
    pixDestroy(&big);
    return rc;
}

dp_err ocr_page(struct ocr *o, PIX *pix, int dpi, int psm, int page_no, long long deadline_ms,
                struct dp_page *page)
{
    memset(page, 0, sizeof *page);
    page->number = page_no;
    page->width = (int)pixGetWidth(pix);
    page->height = (int)pixGetHeight(pix);
    page->dpi = dpi;
    page->source = DP_SRC_OCR;
    page->psm = psm;
    snprintf(page->lang, sizeof page->lang, "%s", o->lang);
    TessBaseAPISetPageSegMode(o->api, (TessPageSegMode)psm);
    TessBaseAPISetImage2(o->api, pix);
    TessBaseAPISetSourceResolution(o->api, dpi);
    dp_err err = recognize(o->api, deadline_ms);
    if (err)
        return err;
    err = collect_words(o->api, &page->words, &page->nwords, NULL);
    /* The text is written from the words (as Tesseract's would be, one line per line, a blank
     * line between blocks); the hOCR once the page is final (worker_pages.c): asking Tesseract
     * for either walks its results again, ~5 % of a clean page's OCR time. */
    if (!err)
        err = page_text_from_words(page);
    double sum = 0;
    for (size_t i = 0; i < page->nwords; i++)
        sum += page->words[i].conf;
    page->conf = page->nwords ? (float)(sum / (double)page->nwords) : 0.0f;
    page->conf_before = page->conf;
    TessBaseAPIClear(o->api);
    if (err)
        page_cleanup(page);
    return err;
}

dp_err ocr_orientation(struct ocr *o, PIX *pix, int dpi, int *degrees, float *conf)
{
    if (!o->osd) {
        o->osd = TessBaseAPICreate();
        if (!o->osd || TessBaseAPIInit3(o->osd, o->tessdata[0] ? o->tessdata : NULL, "osd")) {
            TessBaseAPIDelete(o->osd);
            o->osd = NULL;
            return DP_EOCR;
        }
        TessBaseAPISetPageSegMode(o->osd, PSM_OSD_ONLY);
    }
    const char *script = NULL;
    float script_conf = 0;
    TessBaseAPISetImage2(o->osd, pix);
    TessBaseAPISetSourceResolution(o->osd, dpi);
    int ok = TessBaseAPIDetectOrientationScript(o->osd, degrees, conf, &script, &script_conf);
    o->osd_calls++;
    snprintf(o->script, sizeof o->script, "%s", ok && script ? script : "");
    o->script_conf = ok ? script_conf : 0.0f;
    TessBaseAPIClear(o->osd);
    return ok ? DP_OK : DP_EOCR;
}

void ocr_cleanup(struct ocr *o)
{
    if (o->osd) {
        TessBaseAPIEnd(o->osd);
        TessBaseAPIDelete(o->osd);
    }
    o->osd = NULL;
    if (o->api) {
        TessBaseAPIEnd(o->api);
        TessBaseAPIDelete(o->api);
    }
    o->api = NULL;
    if (o->spare) {
        TessBaseAPIEnd(o->spare);
        TessBaseAPIDelete(o->spare);
    }
    o->spare = NULL;
}
