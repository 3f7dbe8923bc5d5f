/* fixtures.c -- test pages and documents rendered on the fly (bitmap fonts, cairo PDFs). */
#include "fixtures.h"
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>

#define BASE_DPI    300                 /* bitmap fonts are point sizes at 300 ppi */
#define MAX_PDF_OUT ((size_t)256 << 20) /* cap on a generated PDF */
#define PT_PER_IN   72.0

/* ---- pages ---- */

static int printable_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || (unsigned char)*s > 126)
            return 0;
    return 1;
}

dp_err fixture_render_page(const char *const *lines, size_t nlines, int fontsize, int dpi,
                           PIX **out)
{
    dp_err err = DP_EINVAL;
    L_BMF *bmf = NULL;
    PIX *pix1 = NULL, *pix8 = NULL;

    if (!out)
        return DP_EINVAL;
    *out = NULL;
    if (fontsize < 4 || fontsize > 20 || fontsize % 2 || dpi < 30 || dpi > 1200 ||
        (!lines && nlines))
        return DP_EINVAL;

    const int w = (int)(FIXTURE_PAGE_W * BASE_DPI), h = (int)(FIXTURE_PAGE_H * BASE_DPI);
    const int margin = (int)(FIXTURE_MARGIN * BASE_DPI);
    err = DP_ENOMEM;
    if (!(bmf = bmfCreate(NULL, fontsize)) || !(pix1 = pixCreate(w, h, 1)))
        goto out;
    err = DP_EINVAL;
    int baseline = margin + bmf->lineheight;
    for (size_t i = 0; i < nlines; i++, baseline += bmf->lineheight + bmf->vertlinesep) {
        const char *line = lines[i] ? lines[i] : "";
        l_int32 lw = 0;
        if (!printable_ascii(line) || baseline > h - margin)
            goto out;
        if (!*line)
            continue;
        if (bmfGetStringWidth(bmf, line, &lw) || lw > w - 2 * margin)
            goto out;
        if (pixSetTextline(pix1, bmf, line, 1, margin, baseline, NULL, NULL))
            goto out;
    }
    err = DP_ENOMEM;
    if (!(pix8 = pixConvert1To8(NULL, pix1, 255, 0)))
        goto out;
    if (dpi != BASE_DPI) {
        float s = (float)dpi / BASE_DPI;
        PIX *scaled = pixScale(pix8, s, s);
        if (!scaled)
            goto out;
        pixDestroy(&pix8);
        pix8 = scaled;
    }
    pixSetResolution(pix8, dpi, dpi);
    *out = pix8;
    pix8 = NULL;
    err = DP_OK;
out:
    pixDestroy(&pix8);
    pixDestroy(&pix1);
    bmfDestroy(&bmf);
    return err;
}

/* Whether this Leptonica was built with libwebp (it lists its image libraries). */
static int have_webp(void)
{
    char *v = getImagelibVersions();
    int yes = v && strstr(v, "libwebp") != NULL;
    free(v);
    return yes;
}

dp_err fixture_encode(PIX *pix, int format, unsigned char **buf, size_t *len)
{
    l_uint8 *data = NULL;
    size_t size = 0;
    l_ok bad;

    if (!buf || !len)
        return DP_EINVAL;
    *buf = NULL;
    *len = 0;
    if (!pix)
        return DP_EINVAL;
    switch (format) {
    case IFF_TIFF_G4: {
        PIX *bin = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo1(pix, 128);
        if (!bin)
            return DP_ENOMEM;
        pixCopyResolution(bin, pix);
        bad = pixWriteMemTiff(&data, &size, bin, IFF_TIFF_G4);
        pixDestroy(&bin);
        break;
    }
    case IFF_JFIF_JPEG:
        bad = pixWriteMemJpeg(&data, &size, pix, 90, 0);
        break;
    case IFF_WEBP:
        if (!have_webp())
            return DP_EUNSUPP;
        bad = pixWriteMemWebP(&data, &size, pix, 90, 0);
        break;
    default:
        bad = pixWriteMem(&data, &size, pix, format);
        break;
    }
    if (bad || !data) {
        free(data);
        return format == IFF_WEBP ? DP_EUNSUPP : DP_EIO;
    }
    *buf = data;
    *len = size;
    return DP_OK;
}

/* Renders a default page (12 pt, 300 DPI) and encodes it. */
static dp_err render_encode(const char *const *lines, size_t n, int format, unsigned char **buf,
                            size_t *len)
{
    PIX *pix = NULL;
    dp_err err = fixture_render_page(lines, n, FIXTURE_FONTSIZE, FIXTURE_DPI, &pix);
    if (err == DP_OK)
        err = fixture_encode(pix, format, buf, len);
    pixDestroy(&pix);
    return err;
}

dp_err fixture_png(const char *const *lines, size_t n, unsigned char **buf, size_t *len)
{
    return render_encode(lines, n, IFF_PNG, buf, len);
}

dp_err fixture_jpeg(const char *const *lines, size_t n, unsigned char **buf, size_t *len)
{
    return render_encode(lines, n, IFF_JFIF_JPEG, buf, len);
}

dp_err fixture_webp(const char *const *lines, size_t n, unsigned char **buf, size_t *len)
{
    return render_encode(lines, n, IFF_WEBP, buf, len);
}

dp_err fixture_tiff(const char *const *lines, size_t n, unsigned char **buf, size_t *len)
{
    return render_encode(lines, n, IFF_TIFF_G4, buf, len);
}

dp_err fixture_tiff_multipage(const char *const *const *pages, const size_t *nlines, size_t npages,
                              unsigned char **buf, size_t *len)
{
    dp_err err = DP_ENOMEM;
    PIXA *pixa = NULL;
    l_uint8 *data = NULL;
    size_t size = 0;

    if (!buf || !len)
        return DP_EINVAL;
    *buf = NULL;
    *len = 0;
    if (!pages || !nlines || npages == 0)
        return DP_EINVAL;
    if (!(pixa = pixaCreate((l_int32)npages)))
        goto out;
    for (size_t p = 0; p < npages; p++) {
        PIX *pix = NULL, *bin = NULL;
        err = fixture_render_page(pages[p], nlines[p], FIXTURE_FONTSIZE, FIXTURE_DPI, &pix);
        if (err)
            goto out;
        bin = pixConvertTo1(pix, 128);
        if (bin)
            pixCopyResolution(bin, pix);
        pixDestroy(&pix);
        err = DP_ENOMEM;
        if (!bin || pixaAddPix(pixa, bin, L_INSERT)) {
            pixDestroy(&bin);
            goto out;
        }
    }
    err = DP_EIO;
    if (pixaWriteMemMultipageTiff(&data, &size, pixa) || !data)
        goto out;
    *buf = data;
    *len = size;
    data = NULL;
    err = DP_OK;
out:
    free(data);
    pixaDestroy(&pixa);
    return err;
}

dp_err fixture_rotated_png(const char *const *lines, size_t n, int degrees, unsigned char **buf,
                           size_t *len)
{
    PIX *pix = NULL, *rot = NULL;
    dp_err err;

    if (!buf || !len)
        return DP_EINVAL;
    *buf = NULL;
    *len = 0;
    if (degrees < 0 || degrees > 270 || degrees % 90)
        return DP_EINVAL;
    if ((err = fixture_render_page(lines, n, FIXTURE_FONTSIZE, FIXTURE_DPI, &pix)))
        return err;
    rot = pixRotateOrth(pix, degrees / 90);
    err = rot ? fixture_encode(rot, IFF_PNG, buf, len) : DP_ENOMEM;
    pixDestroy(&rot);
    pixDestroy(&pix);
    return err;
}

dp_err fixture_lowdpi_png(const char *const *lines, size_t n, int dpi, int keep_res,
                          unsigned char **buf, size_t *len)
{
    PIX *pix = NULL;
    dp_err err;

    if (!buf || !len)
        return DP_EINVAL;
    *buf = NULL;
    *len = 0;
    if ((err = fixture_render_page(lines, n, 10, dpi, &pix)))
        return err;
    if (!keep_res) { /* pixSetResolution() ignores 0 */
        pixSetXRes(pix, 0);
        pixSetYRes(pix, 0);
    }
    err = fixture_encode(pix, IFF_PNG, buf, len);
    pixDestroy(&pix);
    return err;
}

/* ---- a PNG header with any declared size ---- */

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

dp_err fixture_png_huge_header(uint32_t width, uint32_t height, unsigned char **buf, size_t *len)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    const size_t total = 8 + (4 + 4 + 13 + 4) + (4 + 4 + 0 + 4);
    unsigned char *p;

    if (!buf || !len)
        return DP_EINVAL;
    *buf = NULL;
    *len = 0;
    if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu)
        return DP_EINVAL;
    if (!(p = calloc(1, total)))
        return DP_ENOMEM;
    memcpy(p, sig, 8);
    put_be32(p + 8, 13); /* IHDR: w, h, depth 8, colour type 0 (grey), deflate, no filter/lace */
    memcpy(p + 12, "IHDR", 4);
    put_be32(p + 16, width);
    put_be32(p + 20, height);
    p[24] = 8;
    put_be32(p + 29, crc32_png(p + 12, 4 + 13));
    put_be32(p + 33, 0); /* IEND */
    memcpy(p + 37, "IEND", 4);
    put_be32(p + 41, crc32_png(p + 37, 4));
    *buf = p;
    *len = total;
    return DP_OK;
}

/* ---- PDFs ---- */

/* Growable output for cairo's stream writer, capped at MAX_PDF_OUT. */
struct outbuf {
    unsigned char *data;
    size_t len, cap;
};

static cairo_status_t outbuf_write(void *closure, const unsigned char *data, unsigned int n)
{
    struct outbuf *o = closure;
    if (n > MAX_PDF_OUT - o->len)
        return CAIRO_STATUS_WRITE_ERROR;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n)
            cap *= 2;
        unsigned char *d = realloc(o->data, cap);
        if (!d)
            return CAIRO_STATUS_NO_MEMORY;
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, data, n);
    o->len += n;
    return CAIRO_STATUS_SUCCESS;
}

/* Paints an 8-bit grey page image to fill the current letter-size PDF page. */
static dp_err paint_page_image(cairo_t *cr, PIX *pix)
{
    const int w = pixGetWidth(pix), h = pixGetHeight(pix);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return DP_ENOMEM;
    }
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            l_uint32 g = 0;
            pixGetPixel(pix, x, y, &g);
            row[x] = (uint32_t)g << 16 | (uint32_t)g << 8 | (uint32_t)g;
        }
    }
    cairo_surface_mark_dirty(img);
    cairo_save(cr);
    cairo_scale(cr, FIXTURE_PAGE_W * PT_PER_IN / w, FIXTURE_PAGE_H * PT_PER_IN / h);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    return DP_OK;
}

static dp_err make_pdf(const char *const *const *pages, const size_t *nlines, size_t npages,
                       int scanned, unsigned char **buf, size_t *len)
{
    struct outbuf o = {0};
    dp_err err = DP_EINVAL;

    if (!buf || !len)
        return DP_EINVAL;
    *buf = NULL;
    *len = 0;
    if (!pages || !nlines || npages == 0)
        return DP_EINVAL;
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(
        outbuf_write, &o, FIXTURE_PAGE_W * PT_PER_IN, FIXTURE_PAGE_H * PT_PER_IN);
    cairo_t *cr = cairo_create(surf);
    for (size_t p = 0; p < npages; p++) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        if (scanned) {
            PIX *pix = NULL;
            err = fixture_render_page(pages[p], nlines[p], FIXTURE_FONTSIZE, FIXTURE_DPI, &pix);
            if (err == DP_OK)
                err = paint_page_image(cr, pix);
            pixDestroy(&pix);
            if (err)
                goto out;
        } else {
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                   CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size(cr, FIXTURE_PDF_FONT_PT);
            for (size_t i = 0; i < nlines[p]; i++) {
                cairo_move_to(cr, FIXTURE_PDF_LEFT_PT,
                              FIXTURE_PDF_TOP_PT + (double)i * FIXTURE_PDF_LEADING_PT);
                cairo_show_text(cr, pages[p][i] ? pages[p][i] : "");
            }
        }
        cairo_show_page(cr);
    }
    err = DP_OK;
out:
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (err == DP_OK && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        err = DP_EIO;
    cairo_surface_destroy(surf);
    if (err) {
        free(o.data);
        return err;
    }
    *buf = o.data;
    *len = o.len;
    return DP_OK;
}

dp_err fixture_pdf_text(const char *const *const *pages, const size_t *nlines, size_t npages,
                        unsigned char **buf, size_t *len)
{
    return make_pdf(pages, nlines, npages, 0, buf, len);
}

dp_err fixture_pdf_scanned(const char *const *const *pages, const size_t *nlines, size_t npages,
                           unsigned char **buf, size_t *len)
{
    return make_pdf(pages, nlines, npages, 1, buf, len);
}

/* ---- interlaced PNG (libpng: Leptonica does not write them) ---- */

struct png_out {
    unsigned char *buf;
    size_t len, cap;
    int oom;
};

static void png_out_write(png_structp png, png_bytep data, size_t n)
{
    struct png_out *m = png_get_io_ptr(png);
    if (m->len + n > m->cap) {
        size_t cap = (m->len + n) * 2;
        unsigned char *nb = realloc(m->buf, cap);
        if (!nb) {
            m->oom = 1;
            png_error(png, "out of memory");
        }
        m->buf = nb, m->cap = cap;
    }
    memcpy(m->buf + m->len, data, n);
    m->len += n;
}

static void png_out_flush(png_structp png)
{
    (void)png;
}

/* Writes the rows of the image (heap struct: survives libpng's longjmp). */
struct png_img {
    struct png_out out;
    png_structp png;
    png_infop info;
    unsigned char *img;
    png_bytep *rows;
};

dp_err fixture_png_interlaced(PIX *pix, unsigned char **buf, size_t *len)
{
    *buf = NULL, *len = 0;
    if (!pix || pixGetDepth(pix) != 32)
        return DP_EINVAL;
    int w = pixGetWidth(pix), h = pixGetHeight(pix), alpha = pixGetSpp(pix) == 4;
    struct png_img *j = calloc(1, sizeof *j);
    dp_err rc = DP_ENOMEM;
    if (!j)
        return rc;
    j->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    j->info = j->png ? png_create_info_struct(j->png) : NULL;
    j->img = malloc((size_t)w * (size_t)h * 4);
    j->rows = malloc((size_t)h * sizeof *j->rows);
    if (!j->info || !j->img || !j->rows)
        goto out;
    for (int y = 0; y < h; y++) {
        j->rows[y] = j->img + (size_t)y * (size_t)w * 4;
        for (int x = 0; x < w; x++) {
            l_int32 r, g, b, a;
            l_uint32 v;
            pixGetPixel(pix, x, y, &v);
            extractRGBAValues(v, &r, &g, &b, &a);
            unsigned char *p = j->rows[y] + 4 * x;
            p[0] = (unsigned char)r, p[1] = (unsigned char)g, p[2] = (unsigned char)b;
            p[3] = (unsigned char)(alpha ? a : 255);
        }
    }
    if (setjmp(png_jmpbuf(j->png))) {
        rc = j->out.oom ? DP_ENOMEM : DP_EIO;
        goto out;
    }
    png_set_write_fn(j->png, &j->out, png_out_write, png_out_flush);
    png_set_IHDR(j->png, j->info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_ADAM7, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (pixGetXRes(pix) > 0) {
        png_uint_32 ppm = (png_uint_32)(pixGetXRes(pix) / 0.0254 + 0.5);
        png_set_pHYs(j->png, j->info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    png_write_info(j->png, j->info);
    png_write_image(j->png, j->rows);
    png_write_end(j->png, NULL);
    *buf = j->out.buf, *len = j->out.len;
    j->out.buf = NULL;
    rc = DP_OK;
out:
    png_destroy_write_struct(&j->png, &j->info);
    free(j->out.buf);
    free(j->img);
    free(j->rows);
    free(j);
    return rc;
}

/* ---- a hostile PDF ---- */

dp_err fixture_pdf_nested_xobjects(int depth, unsigned char **buf, size_t *len)
{
    size_t cap = 64 * 1024, n = 0, off[64];
    int nobj = 5 + depth + 1; /* catalog, pages, page, font, content, forms 0..depth */
    *buf = NULL, *len = 0;
    if (depth < 1 || nobj >= 64)
        return DP_EINVAL;
    char *b = malloc(cap);
    if (!b)
        return DP_ENOMEM;
#define OUT(...)                                                                                   \
    do {                                                                                           \
        n += (size_t)snprintf(b + n, cap - n, __VA_ARGS__);                                        \
        if (n >= cap) {                                                                            \
            free(b);                                                                               \
            return DP_ETOOBIG;                                                                     \
        }                                                                                          \
    } while (0)
    OUT("%%PDF-1.4\n");
    off[1] = n;
    OUT("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = n;
    OUT("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = n;
    OUT("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        "/Resources << /XObject << /X 6 0 R >> /Font << /F1 4 0 R >> >> >>\nendobj\n");
    off[4] = n;
    OUT("4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    off[5] = n;
    OUT("5 0 obj\n<< /Length 6 >>\nstream\n/X Do\nendstream\nendobj\n");
    for (int i = 0; i <= depth; i++) {
        const char *body = i < depth ? "q /X Do Q q 1 0 0 1 0.5 0 cm /X Do Q\n"
                                     : "BT /F1 12 Tf 72 720 Td (Deep) Tj ET\n";
        int obj = 6 + i;
        off[obj] = n;
        OUT("%d 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            "/Resources << /Font << /F1 4 0 R >>",
            obj);
        if (i < depth)
            OUT(" /XObject << /X %d 0 R >>", obj + 1);
        OUT(" >> /Length %zu >>\nstream\n%sendstream\nendobj\n", strlen(body), body);
    }
    size_t xref = n;
    OUT("xref\n0 %d\n0000000000 65535 f \n", nobj);
    for (int i = 1; i < nobj; i++)
        OUT("%010zu 00000 n \n", off[i]);
    OUT("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj, xref);
#undef OUT
    *buf = (unsigned char *)b;
    *len = n;
    return DP_OK;
}
