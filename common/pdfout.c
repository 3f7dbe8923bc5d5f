/* pdfout.c -- a searchable PDF from page images and word boxes (see pdfout.h).  cairo writes the
 * PDF; the image goes in as the JPEG/G4 bytes attached as mime data, so cairo embeds them as they
 * are.  The text sits under the opaque image: cairo drops drawing with a clear source, and text
 * under the image is what viewers search and select all the same. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include "pdfout.h"

#define PDFOUT_DEFAULT_CAP ((size_t)256 << 20)

struct pdfout {
    cairo_surface_t *surf; /* the PDF surface, NULL once finished */
    char *buf;             /* bytes written so far; owned until pdfout_finish hands them over */
    size_t len, alloc, cap;
    int over;  /* the cap was passed */
    int pages; /* pages written */
};

/* cairo's write callback: appends within the cap. */
static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int n)
{
    struct pdfout *p = closure;
    if (p->over || n > p->cap - p->len) {
        p->over = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    if (p->len + n > p->alloc) {
        size_t na = p->alloc ? p->alloc : 65536;
        while (na < p->len + n)
            na *= 2;
        if (na > p->cap)
            na = p->cap;
        char *nb = realloc(p->buf, na);
        if (!nb)
            return CAIRO_STATUS_NO_MEMORY;
        p->buf = nb;
        p->alloc = na;
    }
    memcpy(p->buf + p->len, data, n);
    p->len += n;
    return CAIRO_STATUS_SUCCESS;
}

dp_err pdfout_new(size_t cap, struct pdfout **out)
{
    *out = NULL;
    struct pdfout *p = calloc(1, sizeof *p);
    if (!p)
        return DP_ENOMEM;
    p->cap = cap ? cap : PDFOUT_DEFAULT_CAP;
    /* the first page sets its own size (cairo_pdf_surface_set_size) */
    p->surf = cairo_pdf_surface_create_for_stream(sink, p, 612, 792);
    if (cairo_surface_status(p->surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p->surf);
        free(p);
        return DP_ENOMEM;
    }
    cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATOR, "docproc");
    *out = p;
    return DP_OK;
}

static dp_err status_err(const struct pdfout *p, cairo_status_t st)
{
    if (st == CAIRO_STATUS_SUCCESS)
        return DP_OK;
    if (p->over)
        return DP_ETOOBIG;
    return st == CAIRO_STATUS_NO_MEMORY ? DP_ENOMEM : DP_EIO;
}

/* ---- the page image ---- */

/* 1 when every pixel of the 8-bit grey pix is 0 or 255 (a bilevel scan stored as grey). */
static int is_bilevel(PIX *g)
{
    NUMA *hist = pixGetGrayHistogram(g, 1);
    if (!hist)
        return 0;
    int n = numaGetCount(hist), mid = 0;
    for (int i = 1; i < n - 1; i++) {
        float v = 0;
        numaGetFValue(hist, i, &v);
        if (v > 0)
            mid = 1;
    }
    numaDestroy(&hist);
    return !mid;
}

static void free_bytes(void *data)
{
    free(data);
}

/* An RGB24 cairo surface with g's pixels (cairo's fallback) and, as mime data, the compressed
 * bytes it embeds instead: G4 when bilevel, else JPEG. NULL on failure. */
static cairo_surface_t *page_image(PIX *g)
{
    int w = (int)pixGetWidth(g), h = (int)pixGetHeight(g);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    cairo_surface_flush(img);
    unsigned char *dst = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    l_uint32 *src = pixGetData(g);
    int wpl = pixGetWpl(g);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(dst + (size_t)y * (size_t)stride);
        l_uint32 *line = src + (size_t)y * (size_t)wpl;
        for (int x = 0; x < w; x++) {
            uint32_t v = GET_DATA_BYTE(line, x);
            row[x] = (v << 16) | (v << 8) | v;
        }
    }
    cairo_surface_mark_dirty(img);
    cairo_status_t st = CAIRO_STATUS_NO_MEMORY;
    if (is_bilevel(g)) {
        PIX *b = pixThresholdToBinary(g, 128);
        L_COMP_DATA *cid = NULL;
        if (b && pixGenerateCIData(b, L_G4_ENCODE, 0, 0, &cid) == 0 && cid) {
            char params[128];
            snprintf(params, sizeof params, "Columns=%d Rows=%d K=-1 BlackIs1=%s", cid->w, cid->h,
                     cid->minisblack ? "true" : "false");
            unsigned char *data = malloc(cid->nbytescomp ? cid->nbytescomp : 1);
            if (data) {
                memcpy(data, cid->datacomp, cid->nbytescomp);
                st = cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_CCITT_FAX, data,
                                                 cid->nbytescomp, free_bytes, data);
                if (st != CAIRO_STATUS_SUCCESS)
                    free(data);
                else {
                    char *pp = strdup(params);
                    st = pp ? cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_CCITT_FAX_PARAMS,
                                                          (unsigned char *)pp, strlen(pp),
                                                          free_bytes, pp)
                            : CAIRO_STATUS_NO_MEMORY;
                    if (st != CAIRO_STATUS_SUCCESS)
                        free(pp);
                }
            }
        }
        l_CIDataDestroy(&cid);
        pixDestroy(&b);
    } else {
        l_uint8 *jpg = NULL;
        size_t jn = 0;
        if (pixWriteMemJpeg(&jpg, &jn, g, PDFOUT_JPEG_QUALITY, 0) == 0 && jpg) {
            st = cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, jpg, jn, free_bytes, jpg);
            if (st != CAIRO_STATUS_SUCCESS)
                free(jpg);
        }
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    return img;
}

/* ---- pages ---- */

/* The words, each stretched to its box (font size = box height, width scaled to the box). */
static void draw_words(cairo_t *cr, const struct pdfout_word *words, size_t nwords)
{
    cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < nwords; i++) {
        const struct pdfout_word *w = &words[i];
        if (!w->text || !w->text[0] || w->w <= 0 || w->h <= 0)
            continue;
        cairo_matrix_t m;
        cairo_matrix_init_scale(&m, w->h, w->h);
        cairo_set_font_matrix(cr, &m);
        cairo_text_extents_t ext;
        cairo_text_extents(cr, w->text, &ext);
        if (ext.x_advance > 0)
            m.xx = (double)w->h * (double)w->w / ext.x_advance;
        cairo_set_font_matrix(cr, &m);
        /* baseline where a box of ascent+descent puts it: ~80 % down */
        cairo_move_to(cr, w->x, (double)w->y + 0.8 * (double)w->h);
        cairo_show_text(cr, w->text);
    }
}

dp_err pdfout_page(struct pdfout *p, PIX *pix, const struct pdfout_word *words, size_t nwords,
                   int width, int height, int dpi)
{
    if (!p->surf || !pix || width <= 0 || height <= 0 || dpi < 72 || dpi > 1200)
        return DP_EINVAL;
    PIX *g = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixClone(pix) : pixConvertTo8(pix, 0);
    double px = (double)pixGetWidth(pix) * (double)pixGetHeight(pix);
    if (g && px > PDFOUT_MAX_PIXELS) {
        /* a camera-sized page: the text layer needs no more, and the image surface is 4 B/px */
        float f = (float)sqrt(PDFOUT_MAX_PIXELS / px);
        PIX *s = pixScale(g, f, f);
        pixDestroy(&g);
        g = s;
    }
    if (!g)
        return DP_ENOMEM;
    cairo_surface_t *img = page_image(g);
    int iw = (int)pixGetWidth(g), ih = (int)pixGetHeight(g);
    pixDestroy(&g);
    if (!img)
        return DP_ENOMEM;
    double pt = 72.0 / dpi;
    cairo_pdf_surface_set_size(p->surf, width * pt, height * pt);
    cairo_t *cr = cairo_create(p->surf);
    cairo_scale(cr, pt, pt);
    draw_words(cr, words, nwords);
    cairo_save(cr);
    cairo_scale(cr, (double)width / iw, (double)height / ih);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(p->surf);
    dp_err rc = status_err(p, st);
    if (!rc)
        p->pages++;
    return rc;
}

dp_err pdfout_finish(struct pdfout *p, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    if (!p->surf || !p->pages)
        return DP_EINVAL;
    cairo_surface_finish(p->surf);
    cairo_status_t st = cairo_surface_status(p->surf);
    cairo_surface_destroy(p->surf);
    p->surf = NULL;
    dp_err rc = p->over ? DP_ETOOBIG : status_err(p, st);
    if (rc)
        return rc;
    *buf = p->buf;
    *len = p->len;
    p->buf = NULL;
    return DP_OK;
}

void pdfout_free(struct pdfout *p)
{
    if (!p)
        return;
    if (p->surf)
        cairo_surface_destroy(p->surf);
    free(p->buf);
    free(p);
}
