/* bench_figures.c -- what looking for barcodes costs on PDF pages with a text layer: in this
 * process, letter pages drawn with cairo (40 lines of text and a ruled frame; the same with a
 * 2 cm code-like picture painted in) are decoded as the worker decodes them, without and with
 * their pictures rendered again (decode_limits.code_raster_dpi), and the pictures scanned with
 * zbar. CPU time (CLOCK_PROCESS_CPUTIME_ID), best of a few rounds per page kind. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include "barcode.h"
#include "bench.h"
#include "decode.h"
#include "../../workers/worker.h"

#define ROUNDS 5

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct mem {
    unsigned char *buf;
    size_t len, cap;
};

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct mem *m = closure;
    if (m->len + length > m->cap) {
        size_t cap = (m->len + length) * 2;
        unsigned char *nb = realloc(m->buf, cap);
        if (!nb)
            return CAIRO_STATUS_WRITE_ERROR;
        m->buf = nb, m->cap = cap;
    }
    memcpy(m->buf + m->len, data, length);
    m->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* A one-page letter PDF of text and a ruled frame; picture: also a 2 cm image of 29 x 29
 * pseudo-random modules (a QR code's look) at the bottom right. */
static int make_page(int picture, struct mem *m)
{
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(mem_write, m, 612, 792);
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    char line[96];
    for (int i = 0; i < 40; i++) {
        snprintf(line, sizeof line, "Line %d of the page: item %d, quantity %d, amount %d.%02d EUR",
                 i + 1, 1000 + i * 7, i % 9 + 1, 10 + i * 3, (i * 37) % 100);
        cairo_move_to(cr, 72, 80 + 15.0 * i);
        cairo_show_text(cr, line);
    }
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, 60, 60, 492, 620);
    cairo_stroke(cr);
    if (picture) {
        cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 29 * 6, 29 * 6);
        unsigned char *data = cairo_image_surface_get_data(img);
        int stride = cairo_image_surface_get_stride(img);
        uint32_t seed = 12345;
        cairo_surface_flush(img);
        for (int my = 0; my < 29; my++)
            for (int mx = 0; mx < 29; mx++) {
                seed = seed * 1103515245u + 12345u;
                uint32_t v = (seed >> 16) & 1 ? 0x000000u : 0xFFFFFFu;
                for (int y = 0; y < 6; y++)
                    for (int x = 0; x < 6; x++)
                        ((uint32_t *)(void *)(data + (size_t)(my * 6 + y) *
                                                         (size_t)stride))[mx * 6 + x] = v;
            }
        cairo_surface_mark_dirty(img);
        cairo_translate(cr, 460, 700);
        cairo_scale(cr, 57.0 / (29 * 6), 57.0 / (29 * 6));
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_surface_destroy(img);
    }
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    int bad = cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(surf);
    return bad ? -1 : 0;
}

/* CPU seconds to decode the page (and scan its regions), best of ROUNDS; *nregions. */
static double decode_cost(const struct mem *m, int code_dpi, struct barcode_scanner *sc,
                          size_t *nregions)
{
    double best = -1;
    for (int r = 0; r < ROUNDS; r++) {
        struct decode_limits lim;
        struct decoded *d = NULL;
        struct decode_page pg;
        decode_limits_default(&lim);
        lim.text_raster_dpi = WORKER_TEXT_RASTER_DPI;
        lim.code_raster_dpi = code_dpi;
        if (decode_open(m->buf, m->len, &lim, &d))
            return -1;
        double t0 = cpu_s();
        if (decode_page(d, 0, &pg) || pg.kind != DECODE_TEXT) {
            decode_close(d);
            return -1;
        }
        struct dp_page page = {0};
        for (size_t i = 0; i < pg.nregions; i++)
            barcode_scan(sc, pg.regions[i].pix, pg.regions[i].scale, &page);
        double t = cpu_s() - t0;
        *nregions = pg.nregions;
        page_cleanup(&page);
        decode_page_cleanup(&pg);
        decode_close(d);
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

int bench_figures(void)
{
    struct barcode_scanner *sc = NULL;
    int rc = -1;
    if (barcode_scanner_new(&sc))
        return -1;
    printf("\nbarcodes on PDF text-layer pages, in one process (CPU per page, best of %d):\n",
           ROUNDS);
    for (int picture = 0; picture <= 1; picture++) {
        struct mem m = {0};
        size_t n0 = 0, n1 = 0;
        if (make_page(picture, &m)) {
            free(m.buf);
            goto out;
        }
        double off = decode_cost(&m, 0, sc, &n0),
               on = decode_cost(&m, WORKER_CODE_RASTER_DPI, sc, &n1);
        free(m.buf);
        if (off < 0 || on < 0)
            goto out;
        printf("  %-28s decode %.1f ms; with pictures rendered at %d DPI and scanned %.1f ms "
               "(%+.1f ms, %zu region%s)\n",
               picture ? "text + a 2 cm picture:" : "text and a frame only:", off * 1000,
               WORKER_CODE_RASTER_DPI, on * 1000, (on - off) * 1000, n1, n1 == 1 ? "" : "s");
    }
    rc = 0;
out:
    barcode_scanner_free(sc);
    return rc;
}
