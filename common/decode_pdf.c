/* decode_pdf.c -- PDF pages via poppler-glib: a usable text layer as words, else a cairo raster. */
#include "decode_pdf.h"
#include "figures.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <poppler.h>

#define PT_PER_IN       72.0
#define MIN_RASTER_DPI  72    /* below this a page is refused rather than blurred */
#define CAIRO_MAX_SIDE  32767 /* cairo image surfaces are limited to this many pixels a side */
#define MIN_LAYER_CHARS 20    /* printable non-space characters for a usable text layer */
#define MAX_WORDS       (1u << 20)

struct decode_pdf {
    GBytes *bytes; /* wraps the caller's buffer without copying */
    PopplerDocument *doc;
};

__attribute__((format(printf, 4, 5))) static dp_err fail(char *errstr, size_t errlen, dp_err err,
                                                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errlen, fmt, ap);
    va_end(ap);
    return err;
}

/* ---- open / close ---- */

dp_err decode_pdf_open(const unsigned char *buf, size_t len, struct decode_pdf **out,
                       size_t *npages, char *errstr, size_t errlen)
{
    GError *gerr = NULL;
    struct decode_pdf *pdf;

    *out = NULL;
    if (!(pdf = calloc(1, sizeof *pdf)))
        return DP_ENOMEM;
    pdf->bytes = g_bytes_new_static(buf, len);
    pdf->doc = poppler_document_new_from_bytes(pdf->bytes, NULL, &gerr);
    if (!pdf->doc) {
        int locked = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
        dp_err err = fail(errstr, errlen, locked ? DP_EUNSUPP : DP_EDECODE, "PDF: %s",
                          locked ? "password-protected"
                          : gerr ? gerr->message
                                 : "unreadable");
        g_clear_error(&gerr);
        decode_pdf_close(pdf);
        return err;
    }
    int n = poppler_document_get_n_pages(pdf->doc);
    if (n <= 0) {
        decode_pdf_close(pdf);
        return fail(errstr, errlen, DP_EDECODE, "PDF: no pages");
    }
    *npages = (size_t)n;
    *out = pdf;
    return DP_OK;
}

void decode_pdf_close(struct decode_pdf *pdf)
{
    if (!pdf)
        return;
    if (pdf->doc)
        g_object_unref(pdf->doc);
    if (pdf->bytes)
        g_bytes_unref(pdf->bytes);
    free(pdf);
}

/* ---- text layer ---- */

/* Whether a character is real text (not a control, private-use or replacement character,
 * which is what fonts without a ToUnicode map produce). */
static int real_char(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return c != 0xfffd && t != G_UNICODE_CONTROL && t != G_UNICODE_PRIVATE_USE &&
           t != G_UNICODE_UNASSIGNED && t != G_UNICODE_SURROGATE;
}

/* The text-layer test: enough characters, and nearly all of them real. */
static int usable_layer(const char *text)
{
    size_t nonspace = 0, real = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c))
            continue;
        nonspace++;
        real += (size_t)real_char(c);
    }
    return real >= MIN_LAYER_CHARS && real * 10 >= nonspace * 9;
}

/* Builds page words and text while walking characters and their rectangles. */
struct builder {
    struct dp_page *pg;
    size_t cap;
    double k;        /* pixels per point */
    int line, block; /* current indices */
    int line_started;
    double prev_bottom, prev_height; /* last finished line, points */
    double cur_top, cur_bottom;      /* current line, points */
};

static dp_err add_word(struct builder *b, const char *start, const char *end, double x1, double y1,
                       double x2, double y2)
{
    struct dp_page *pg = b->pg;
    if (pg->nwords == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        if (cap > MAX_WORDS)
            return DP_ETOOBIG;
        struct dp_word *w = realloc(pg->words, cap * sizeof *w);
        if (!w)
            return DP_ENOMEM;
        pg->words = w;
        b->cap = cap;
    }
    if (!b->line_started) { /* first word of a line: a gap taller than a line starts a block */
        if (b->line > 0 && y1 - b->prev_bottom > b->prev_height)
            b->block++;
        b->line_started = 1;
        b->cur_top = y1;
        b->cur_bottom = y2;
    }
    b->cur_top = fmin(b->cur_top, y1);
    b->cur_bottom = fmax(b->cur_bottom, y2);
    struct dp_word *w = &pg->words[pg->nwords];
    if (!(w->text = strndup(start, (size_t)(end - start))))
        return DP_ENOMEM;
    w->conf = 100.0f;
    w->x = (int)floor(x1 * b->k);
    w->y = (int)floor(y1 * b->k);
    w->w = (int)ceil(x2 * b->k) - w->x;
    w->h = (int)ceil(y2 * b->k) - w->y;
    w->line = b->line;
    w->block = b->block;
    pg->nwords++;
    return DP_OK;
}

static void end_line(struct builder *b)
{
    if (!b->line_started)
        return;
    b->prev_bottom = b->cur_bottom;
    b->prev_height = b->cur_bottom - b->cur_top;
    b->line_started = 0;
    b->line++;
}

/* Page text from the words: words joined by ' ', lines by '\n'. */
static dp_err join_words(struct dp_page *pg)
{
    size_t n = 1;
    for (size_t i = 0; i < pg->nwords; i++)
        n += strlen(pg->words[i].text) + 1;
    if (!(pg->text = malloc(n)))
        return DP_ENOMEM;
    char *p = pg->text;
    for (size_t i = 0; i < pg->nwords; i++) {
        if (i > 0)
            *p++ = pg->words[i].line != pg->words[i - 1].line ? '\n' : ' ';
        size_t l = strlen(pg->words[i].text);
        memcpy(p, pg->words[i].text, l);
        p += l;
    }
    *p = '\0';
    return DP_OK;
}

/* Fills pg with the words of text; rects[i] is the box of the i-th character, in points. */
static dp_err layer_words(const char *text, const PopplerRectangle *rects, guint nrects, double k,
                          struct dp_page *pg)
{
    struct builder b = {.pg = pg, .k = k};
    const char *start = NULL;
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    dp_err err = DP_OK;
    guint i = 0;
    const char *p = text;

    for (; *p && i < nrects; p = g_utf8_next_char(p), i++) {
        gunichar c = g_utf8_get_char(p);
        const PopplerRectangle *r = &rects[i];
        if (g_unichar_isspace(c)) {
            if (start && (err = add_word(&b, start, p, x1, y1, x2, y2)))
                return err;
            start = NULL;
            if (c == '\n')
                end_line(&b);
            continue;
        }
        /* poppler's text has no space between cells drawn apart (table columns): a gap wider
         * than half the character's height, or a jump back or down, also ends a word */
        double ch = r->y2 - r->y1;
        if (start && (r->x1 - x2 > 0.5 * ch || r->x1 < x1 - 0.5 * ch || r->y1 >= y2)) {
            if ((err = add_word(&b, start, p, x1, y1, x2, y2)))
                return err;
            start = NULL;
        }
        if (!start) {
            start = p;
            x1 = r->x1, y1 = r->y1, x2 = r->x2, y2 = r->y2;
        } else {
            x1 = fmin(x1, r->x1), y1 = fmin(y1, r->y1);
            x2 = fmax(x2, r->x2), y2 = fmax(y2, r->y2);
        }
    }
    if (start && (err = add_word(&b, start, p, x1, y1, x2, y2)))
        return err;
    return join_words(pg);
}

/* ---- rasterising ---- */

/* Renders the w x h pixels of page at dpi whose top-left corner is (ox, oy) into an 8-bit grey
 * PIX (white background). */
static dp_err rasterise(PopplerPage *page, int dpi, int ox, int oy, int w, int h, PIX **out)
{
    dp_err err = DP_ENOMEM;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = NULL;
    PIX *pix = NULL;

    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        goto out;
    cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_translate(cr, -ox, -oy);
    cairo_scale(cr, dpi / PT_PER_IN, dpi / PT_PER_IN);
    poppler_page_render(page, cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        err = DP_EDECODE;
        goto out;
    }
    cairo_surface_flush(surf);
    if (!(pix = pixCreate(w, h, 8)))
        goto out;
    const unsigned char *data = cairo_image_surface_get_data(surf);
    const int stride = cairo_image_surface_get_stride(surf);
    l_uint32 *dst = pixGetData(pix);
    const l_int32 wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        l_uint32 *line = dst + (size_t)y * (size_t)wpl;
        for (int x = 0; x < w; x++) {
            uint32_t v = row[x];
            uint32_t grey =
                (77 * ((v >> 16) & 0xff) + 150 * ((v >> 8) & 0xff) + 29 * (v & 0xff)) >> 8;
            SET_DATA_BYTE(line, x, grey);
        }
    }
    pixSetResolution(pix, dpi, dpi);
    *out = pix;
    pix = NULL;
    err = DP_OK;
out:
    pixDestroy(&pix);
    if (cr)
        cairo_destroy(cr);
    cairo_surface_destroy(surf);
    return err;
}

/* ---- pictures on a text page ---- */

/* Best effort: the picture regions of a text page (figures_find on its rendering at tdpi,
 * out->pix) rendered again at lim->code_raster_dpi into out->regions, within the page's pixel
 * cap in all; a region that cannot be rendered is left out. */
static void render_figures(PopplerPage *page, const struct decode_limits *lim, int tdpi, int dpi,
                           struct decode_page *out)
{
    struct figure_box fig[FIGURES_MAX];
    const struct dp_page *pg = &out->text;
    size_t n = figures_find(out->pix, tdpi, pg->words, pg->nwords, (float)tdpi / (float)dpi, fig,
                            FIGURES_MAX);
    int cdpi = lim->code_raster_dpi;
    uint64_t budget = lim->max_page_pixels;
    /* each rendering walks the whole page: regions close together are rendered as one */
    if (n > 1) {
        struct figure_box u = fig[0];
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            int x1 = u.x + u.w > fig[i].x + fig[i].w ? u.x + u.w : fig[i].x + fig[i].w;
            int y1 = u.y + u.h > fig[i].y + fig[i].h ? u.y + u.h : fig[i].y + fig[i].h;
            u.x = fig[i].x < u.x ? fig[i].x : u.x;
            u.y = fig[i].y < u.y ? fig[i].y : u.y;
            u.w = x1 - u.x, u.h = y1 - u.y;
            sum += (double)fig[i].w * fig[i].h;
        }
        if ((double)u.w * u.h <= 2.0 * sum)
            fig[0] = u, n = 1;
    }
    if (!n || !(out->regions = calloc(n, sizeof *out->regions)))
        return;
    for (size_t i = 0; i < n; i++) {
        double k = (double)cdpi / tdpi; /* region pixels per rendering pixel */
        int x = (int)floor(fig[i].x * k), y = (int)floor(fig[i].y * k);
        int w = (int)ceil(fig[i].w * k), h = (int)ceil(fig[i].h * k);
        if (w <= 0 || h <= 0 || w > CAIRO_MAX_SIDE || h > CAIRO_MAX_SIDE ||
            (uint64_t)w * (uint64_t)h > budget)
            continue;
        struct decode_region *r = &out->regions[out->nregions];
        if (rasterise(page, cdpi, x, y, w, h, &r->pix) != DP_OK)
            continue;
        budget -= (uint64_t)w * (uint64_t)h;
        r->scale = (float)cdpi / (float)dpi;
        r->x = (int)((double)x / r->scale + 0.5);
        r->y = (int)((double)y / r->scale + 0.5);
        out->nregions++;
    }
    if (!out->nregions) {
        free(out->regions);
        out->regions = NULL;
    }
}

/* ---- one page ---- */

dp_err decode_pdf_page(struct decode_pdf *pdf, size_t index, const struct decode_limits *lim,
                       struct decode_page *out, char *errstr, size_t errlen)
{
    PopplerPage *page = NULL;
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    char *text = NULL;
    dp_err err;
    double wpt = 0, hpt = 0;

    if (index > INT32_MAX || !(page = poppler_document_get_page(pdf->doc, (int)index)))
        return fail(errstr, errlen, DP_EDECODE, "PDF page %zu: unreadable", index + 1);
    poppler_page_get_size(page, &wpt, &hpt);
    if (!(wpt > 0 && hpt > 0 && wpt < 1e6 && hpt < 1e6)) {
        err = fail(errstr, errlen, DP_EDECODE, "PDF page %zu: bad page size", index + 1);
        goto out;
    }

    /* Resolution: pdf_dpi, lowered until the page fits the pixel cap. */
    int dpi = lim->pdf_dpi;
    double px = (wpt * dpi / PT_PER_IN) * (hpt * dpi / PT_PER_IN);
    if (px > (double)lim->max_page_pixels)
        dpi = (int)floor(dpi * sqrt((double)lim->max_page_pixels / px));
    int w = (int)ceil(wpt * dpi / PT_PER_IN), h = (int)ceil(hpt * dpi / PT_PER_IN);
    while (dpi > 1 && (uint64_t)w * (uint64_t)h > lim->max_page_pixels) { /* ceil() rounding */
        dpi--;
        w = (int)ceil(wpt * dpi / PT_PER_IN);
        h = (int)ceil(hpt * dpi / PT_PER_IN);
    }
    if (dpi < MIN_RASTER_DPI && dpi < lim->pdf_dpi) {
        err = fail(errstr, errlen, DP_ETOOBIG, "PDF page %zu: %.0fx%.0f pt is over the pixel cap",
                   index + 1, wpt, hpt);
        goto out;
    }
    if (w > CAIRO_MAX_SIDE || h > CAIRO_MAX_SIDE) {
        err = fail(errstr, errlen, DP_ETOOBIG, "PDF page %zu: %dx%d pixels is too large", index + 1,
                   w, h);
        goto out;
    }
    out->dpi = out->src_dpi = dpi;
    out->scale = 1.0f;
    out->src_width = w;
    out->src_height = h;

    text = poppler_page_get_text(page);
    if (text && usable_layer(text) && poppler_page_get_text_layout(page, &rects, &nrects) &&
        nrects > 0) {
        struct dp_page *pg = &out->text;
        pg->number = (int)index + 1;
        pg->width = w;
        pg->height = h;
        pg->dpi = dpi;
        pg->conf = 100.0f;
        pg->source = DP_SRC_TEXT_LAYER;
        if ((err = layer_words(text, rects, nrects, dpi / PT_PER_IN, pg))) {
            page_cleanup(pg);
            fail(errstr, errlen, err, "PDF page %zu: cannot collect the text layer", index + 1);
            goto out;
        }
        out->kind = DECODE_TEXT;
        err = DP_OK;
        int tdpi = lim->text_raster_dpi;
        int tw = (int)ceil(wpt * tdpi / PT_PER_IN), th = (int)ceil(hpt * tdpi / PT_PER_IN);
        /* Best effort: the drawing for ruling lines; a page that cannot be rendered has none */
        if (tdpi > 0 && tdpi <= dpi && rasterise(page, tdpi, 0, 0, tw, th, &out->pix) != DP_OK)
            out->pix = NULL;
        if (out->pix && lim->code_raster_dpi > 0)
            render_figures(page, lim, tdpi, dpi, out);
        goto out;
    }
    out->kind = DECODE_PIX;
    if ((err = rasterise(page, dpi, 0, 0, w, h, &out->pix)))
        fail(errstr, errlen, err, "PDF page %zu: cannot render", index + 1);
out:
    g_free(rects);
    g_free(text);
    g_object_unref(page);
    if (err)
        memset(out, 0, sizeof *out);
    return err;
}

/* ---- embedded files (ZUGFeRD / Factur-X) ---- */

struct sink {
    char *buf;
    size_t len, cap, max;
    int over; /* the attachment ran over max */
};

static gboolean sink_write(const gchar *data, gsize n, gpointer user, GError **error)
{
    struct sink *s = user;
    if (n > s->max - s->len) {
        s->over = 1;
        g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "attachment over the cap");
        return FALSE;
    }
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n)
            cap *= 2;
        char *p = realloc(s->buf, cap > s->max ? s->max : cap);
        if (!p) {
            g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "out of memory");
            return FALSE;
        }
        s->buf = p, s->cap = cap > s->max ? s->max : cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    return TRUE;
}

dp_err decode_pdf_attachment(struct decode_pdf *pdf, int (*want)(const char *, size_t), size_t max,
                             char **out, size_t *len)
{
    dp_err rc = DP_ENOTFOUND;
    *out = NULL;
    *len = 0;
    if (!pdf || !poppler_document_has_attachments(pdf->doc))
        return DP_ENOTFOUND;
    GList *list = poppler_document_get_attachments(pdf->doc);
    for (GList *l = list; l && rc != DP_OK; l = l->next) {
        PopplerAttachment *a = l->data;
        struct sink s = {.max = max};
        GError *gerr = NULL;
        /* a->size comes from the file's own /Params and may be missing or false: the cap is
         * enforced while the bytes stream instead */
        if (poppler_attachment_save_to_callback(a, sink_write, &s, &gerr) && want(s.buf, s.len)) {
            *out = s.buf, *len = s.len;
            rc = DP_OK;
        } else {
            if (s.over)
                rc = DP_ETOOBIG;
            free(s.buf);
        }
        g_clear_error(&gerr);
    }
    g_list_free_full(list, g_object_unref);
    return rc;
}
