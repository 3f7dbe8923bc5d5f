/* barcode.c -- zbar over a Leptonica page image. */
#include "barcode.h"
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

struct barcode_scanner {
    zbar_image_scanner_t *zs;
};

dp_err barcode_scanner_new(struct barcode_scanner **out)
{
    struct barcode_scanner *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s || !(s->zs = zbar_image_scanner_create())) {
        free(s);
        return DP_ENOMEM;
    }
    zbar_image_scanner_set_config(s->zs, ZBAR_NONE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(s->zs, ZBAR_NONE, ZBAR_CFG_X_DENSITY, 2);
    zbar_image_scanner_set_config(s->zs, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, 2);
    *out = s;
    return DP_OK;
}

void barcode_scanner_free(struct barcode_scanner *s)
{
    if (!s)
        return;
    zbar_image_scanner_destroy(s->zs);
    free(s);
}

/* The Y800 (one byte per pixel, rows packed) copy zbar reads; caller frees. */
static unsigned char *y800(PIX *pix, int *w, int *h)
{
    PIX *g = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixClone(pix) : pixConvertTo8(pix, 0);
    if (!g)
        return NULL;
    *w = pixGetWidth(g), *h = pixGetHeight(g);
    unsigned char *buf = malloc((size_t)*w * (size_t)*h);
    if (buf) {
        l_uint32 *data = pixGetData(g);
        int wpl = pixGetWpl(g);
        for (int y = 0; y < *h; y++) {
            l_uint32 *line = data + (size_t)y * (size_t)wpl;
            unsigned char *row = buf + (size_t)y * (size_t)*w;
            for (int x = 0; x < *w; x++)
                row[x] = (unsigned char)GET_DATA_BYTE(line, x);
        }
    }
    pixDestroy(&g);
    return buf;
}

static dp_err add(struct dp_page *page, const zbar_symbol_t *sym, float scale)
{
    if (page->nbarcodes >= BARCODE_MAX_PER_PAGE)
        return DP_OK;
    unsigned n = zbar_symbol_get_loc_size(sym);
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    for (unsigned i = 0; i < n; i++) {
        int x = zbar_symbol_get_loc_x(sym, i), y = zbar_symbol_get_loc_y(sym, i);
        if (i == 0 || x < x0)
            x0 = x;
        if (i == 0 || y < y0)
            y0 = y;
        if (i == 0 || x > x1)
            x1 = x;
        if (i == 0 || y > y1)
            y1 = y;
    }
    void *p = realloc(page->barcodes, (page->nbarcodes + 1) * sizeof *page->barcodes);
    if (!p)
        return DP_ENOMEM;
    page->barcodes = p;
    struct dp_barcode *b = &page->barcodes[page->nbarcodes];
    unsigned len = zbar_symbol_get_data_length(sym);
    if (len > BARCODE_MAX_TEXT)
        len = BARCODE_MAX_TEXT;
    b->type = strdup(zbar_get_symbol_name(zbar_symbol_get_type(sym)));
    b->text = strndup(zbar_symbol_get_data(sym), len);
    if (!b->type || !b->text) {
        free(b->type);
        free(b->text);
        return DP_ENOMEM;
    }
    float k = scale > 0 ? scale : 1.0f;
    b->x = (int)((float)x0 / k), b->y = (int)((float)y0 / k);
    b->w = (int)((float)(x1 - x0 + 1) / k + 0.5f), b->h = (int)((float)(y1 - y0 + 1) / k + 0.5f);
    page->nbarcodes++;
    return DP_OK;
}

dp_err barcode_scan(struct barcode_scanner *s, PIX *pix, float scale, struct dp_page *page)
{
    int w, h;
    dp_err rc = DP_OK;
    if (!s || !pix || !page)
        return DP_EINVAL;
    /* 250 DPI and up: read at half resolution (a third of the cost; modules of 0.4 mm and
     * more stay two pixels wide) */
    PIX *half = NULL;
    if (pixGetXRes(pix) >= BARCODE_HALF_DPI && pixGetDepth(pix) == 8 && !pixGetColormap(pix) &&
        (half = pixScaleAreaMap2(pix)) != NULL)
        scale /= 2.0f;
    unsigned char *buf = y800(half ? half : pix, &w, &h);
    pixDestroy(&half);
    if (!buf)
        return DP_ENOMEM;
    zbar_image_t *img = zbar_image_create();
    if (!img) {
        free(buf);
        return DP_ENOMEM;
    }
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, buf, (unsigned long)w * (unsigned long)h, NULL);
    if (zbar_scan_image(s->zs, img) > 0)
        for (const zbar_symbol_t *sym = zbar_image_first_symbol(img); sym && !rc;
             sym = zbar_symbol_next(sym))
            rc = add(page, sym, scale);
    zbar_image_destroy(img);
    free(buf);
    return rc;
}
