/* fixtures_layout.c -- pages drawn with cairo from item lists (see fixtures_layout.h). */
#include <cairo.h>
#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures_layout.h"

#define PAGE_W_PT 612.0
#define PAGE_H_PT 792.0
#define OUT_MAX   (32u << 20)

static void draw(cairo_t *cr, const struct fx_item *items, size_t n)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_line_width(cr, 1.0);
    for (size_t i = 0; i < n; i++) {
        const struct fx_item *it = &items[i];
        double s = it->size > 0 ? it->size : 11.0;
        switch (it->kind) {
        case FX_TEXT:
            cairo_set_font_size(cr, s);
            cairo_move_to(cr, it->x, it->y);
            cairo_show_text(cr, it->text ? it->text : "");
            break;
        case FX_LINE:
            cairo_move_to(cr, it->x, it->y);
            cairo_line_to(cr, it->x2, it->y2);
            cairo_stroke(cr);
            break;
        case FX_BOX:
        case FX_TICKED:
            cairo_rectangle(cr, it->x, it->y, s, s);
            cairo_stroke(cr);
            if (it->kind == FX_TICKED) {
                cairo_set_line_width(cr, 1.5);
                cairo_move_to(cr, it->x + s * 0.2, it->y + s * 0.2);
                cairo_line_to(cr, it->x + s * 0.8, it->y + s * 0.8);
                cairo_move_to(cr, it->x + s * 0.8, it->y + s * 0.2);
                cairo_line_to(cr, it->x + s * 0.2, it->y + s * 0.8);
                cairo_stroke(cr);
                cairo_set_line_width(cr, 1.0);
            }
            break;
        case FX_CIRCLE:
        case FX_DOT:
            cairo_new_sub_path(cr);
            cairo_arc(cr, it->x + s / 2, it->y + s / 2, s / 2, 0, 6.283185307);
            cairo_stroke(cr);
            if (it->kind == FX_DOT) {
                cairo_arc(cr, it->x + s / 2, it->y + s / 2, s / 4, 0, 6.283185307);
                cairo_fill(cr);
            }
            break;
        }
    }
}

dp_err fixture_layout_pix(const struct fx_item *items, size_t n, int dpi, PIX **out)
{
    *out = NULL;
    if (dpi < 50 || dpi > 600)
        return DP_EINVAL;
    int w = (int)(PAGE_W_PT * dpi / 72.0), h = (int)(PAGE_H_PT * dpi / 72.0);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return DP_ENOMEM;
    }
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, dpi / 72.0, dpi / 72.0);
    draw(cr, items, n);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    PIX *pix = pixCreate(w, h, 8);
    if (!pix) {
        cairo_surface_destroy(surf);
        return DP_ENOMEM;
    }
    const unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    l_uint32 *dst = pixGetData(pix);
    int wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t px = row[x];
            int grey =
                (int)((((px >> 16) & 0xff) * 30 + ((px >> 8) & 0xff) * 59 + (px & 0xff) * 11) /
                      100);
            SET_DATA_BYTE(dst + (size_t)y * (size_t)wpl, x, grey);
        }
    }
    cairo_surface_destroy(surf);
    pixSetResolution(pix, dpi, dpi);
    *out = pix;
    return DP_OK;
}

dp_err fixture_layout_png(const struct fx_item *items, size_t n, int dpi, unsigned char **buf,
                          size_t *len)
{
    PIX *pix = NULL;
    *buf = NULL;
    *len = 0;
    dp_err rc = fixture_layout_pix(items, n, dpi, &pix);
    if (rc)
        return rc;
    l_uint8 *data = NULL;
    size_t size = 0;
    int bad = pixWriteMem(&data, &size, pix, IFF_PNG);
    pixDestroy(&pix);
    if (bad || !data)
        return DP_ENOMEM;
    *buf = malloc(size);
    if (*buf) {
        memcpy(*buf, data, size);
        *len = size;
    }
    lept_free(data);
    return *buf ? DP_OK : DP_ENOMEM;
}

struct outbuf {
    unsigned char *p;
    size_t len, cap;
    int err;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int n)
{
    struct outbuf *o = closure;
    if (o->len + n > OUT_MAX) {
        o->err = 1;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n)
            cap *= 2;
        unsigned char *np = realloc(o->p, cap);
        if (!np) {
            o->err = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, data, n);
    o->len += n;
    return CAIRO_STATUS_SUCCESS;
}

dp_err fixture_layout_pdf(const struct fx_item *items, size_t n, unsigned char **buf, size_t *len)
{
    struct outbuf o = {0};
    cairo_surface_t *surf =
        cairo_pdf_surface_create_for_stream(write_out, &o, PAGE_W_PT, PAGE_H_PT);
    cairo_t *cr = cairo_create(surf);
    draw(cr, items, n);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    int bad = cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS || o.err;
    cairo_surface_destroy(surf);
    if (bad) {
        free(o.p);
        *buf = NULL;
        *len = 0;
        return DP_ENOMEM;
    }
    *buf = o.p;
    *len = o.len;
    return DP_OK;
}
