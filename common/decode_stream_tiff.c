/* decode_stream_tiff.c -- the TIFF half of decode_stream: a page read scanline by scanline
 * (grey, RGB, palette; 1..16 bits; alpha flattened on white) or, for other kinds, one RGBA
 * strip at a time, each row turned grey and handed to the shrinker. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include "decode_stream_int.h"

#define CODEC_SLACK (256u << 10) /* libtiff's and its codecs' state: a generous allowance */

/* ---- memory I/O ---- */

struct tmem {
    const unsigned char *buf;
    size_t len;
    uint64_t off;
    char err[128]; /* libtiff's first error */
};

static tmsize_t tm_read(thandle_t h, void *out, tmsize_t n)
{
    struct tmem *m = h;
    if (n < 0 || m->off >= m->len)
        return 0;
    size_t k = (size_t)n < m->len - m->off ? (size_t)n : (size_t)(m->len - m->off);
    memcpy(out, m->buf + m->off, k);
    m->off += k;
    return (tmsize_t)k;
}

static tmsize_t tm_write(thandle_t h, void *in, tmsize_t n)
{
    (void)h, (void)in, (void)n;
    return -1;
}

static toff_t tm_seek(thandle_t h, toff_t off, int whence)
{
    struct tmem *m = h;
    uint64_t base = whence == SEEK_CUR ? m->off : whence == SEEK_END ? m->len : 0;
    if (off > UINT64_MAX - base)
        return (toff_t)-1;
    m->off = base + off;
    return m->off;
}

static int tm_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t tm_size(thandle_t h)
{
    return ((struct tmem *)h)->len;
}

/* The file is already in memory: libtiff reads strips straight from it, without a copy. */
static int tm_map(thandle_t h, void **base, toff_t *size)
{
    struct tmem *m = h;
    *base = (void *)m->buf;
    *size = m->len;
    return 1;
}

static void tm_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h, (void)base, (void)size;
}

static int tm_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    struct tmem *m = user;
    (void)tif, (void)module;
    if (!m->err[0])
        vsnprintf(m->err, sizeof m->err, fmt, ap);
    return 1;
}

static int tm_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif, (void)user, (void)module, (void)fmt, (void)ap;
    return 1; /* Best effort: unknown tags and the like are not worth a line */
}

static TIFF *tm_open(struct tmem *m, uint64_t max_alloc)
{
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts)
        return NULL;
    if (max_alloc && max_alloc < (uint64_t)INT64_MAX)
        TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)max_alloc);
    TIFFOpenOptionsSetErrorHandlerExtR(opts, tm_error, m);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, tm_warning, m);
    TIFF *tif = TIFFClientOpenExt("memory", "r", m, tm_read, tm_write, tm_seek, tm_close, tm_size,
                                  tm_map, tm_unmap, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

/* ---- what a page is ---- */

enum tkind { TK_GREY, TK_RGB, TK_PALETTE, TK_RGBA_STRIP };

struct tpage {
    enum tkind kind;
    uint32_t w, h, rps; /* size, rows per strip (TK_RGBA_STRIP) */
    int bps, spp;
    int white;    /* min-is-white grey */
    int alpha;    /* sample index of the alpha channel, -1 for none */
    int assoc;    /* alpha is premultiplied */
    uint8_t *map; /* TK_PALETTE: 3 x 2^bps 8-bit r,g,b entries (owned) */
    uint64_t scanline;
};

/* Reads page index's tags into *p; fills why when the page cannot be streamed. */
static dp_err tpage_read(TIFF *tif, size_t index, struct tpage *p, char *why, size_t whysz)
{
    uint16_t bps = 1, spp = 1, planar = PLANARCONFIG_CONTIG, photo = 0, comp = 1, nextra = 0;
    uint16_t *extra = NULL;
    memset(p, 0, sizeof *p);
    p->alpha = -1;
    if (index > 65535 || !TIFFSetDirectory(tif, (tdir_t)index) ||
        !TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p->w) ||
        !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p->h) || p->w == 0 || p->h == 0 ||
        p->w > 0x7fffffff || p->h > 0x7fffffff) {
        snprintf(why, whysz, "unreadable TIFF page directory");
        return DP_EDECODE;
    }
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &comp);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photo))
        photo = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    if (TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &nextra, &extra) && nextra > 0 && extra &&
        (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA)) {
        p->alpha = spp - nextra;
        p->assoc = extra[0] == EXTRASAMPLE_ASSOCALPHA;
    }
    if (photo == PHOTOMETRIC_YCBCR && comp == COMPRESSION_JPEG && bps == 8 && spp == 3) {
        TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB); /* libjpeg converts */
        photo = PHOTOMETRIC_RGB;
    }
    p->bps = bps, p->spp = spp;
    int contig = planar == PLANARCONFIG_CONTIG || spp == 1;
    int scan = !TIFFIsTiled(tif) && contig && comp != COMPRESSION_OJPEG;
    if (scan && (photo == PHOTOMETRIC_MINISBLACK || photo == PHOTOMETRIC_MINISWHITE) &&
        (bps == 1 || bps == 2 || bps == 4 || bps == 8 || bps == 16) &&
        (spp == 1 || (spp == 2 && bps >= 8 && p->alpha == 1))) {
        p->kind = TK_GREY;
        p->white = photo == PHOTOMETRIC_MINISWHITE;
    } else if (scan && photo == PHOTOMETRIC_RGB && (bps == 8 || bps == 16) &&
               (spp == 3 || (spp >= 4 && p->alpha >= 3))) {
        p->kind = TK_RGB;
    } else if (scan && photo == PHOTOMETRIC_PALETTE && spp == 1 && bps >= 1 && bps <= 8) {
        uint16_t *r, *g, *b;
        size_t n = (size_t)1 << bps;
        if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &r, &g, &b)) {
            snprintf(why, whysz, "TIFF palette page without a colour map");
            return DP_EDECODE;
        }
        if (!(p->map = malloc(3 * n)))
            return DP_ENOMEM;
        int wide = 0; /* 16-bit entries, as the standard says; old writers put 8-bit ones */
        for (size_t i = 0; i < n; i++)
            wide |= r[i] >= 256 || g[i] >= 256 || b[i] >= 256;
        for (size_t i = 0; i < n; i++) {
            p->map[3 * i] = (uint8_t)(wide ? r[i] >> 8 : r[i]);
            p->map[3 * i + 1] = (uint8_t)(wide ? g[i] >> 8 : g[i]);
            p->map[3 * i + 2] = (uint8_t)(wide ? b[i] >> 8 : b[i]);
        }
        p->kind = TK_PALETTE;
    } else if (!TIFFIsTiled(tif)) {
        char emsg[1024];
        if (!TIFFRGBAImageOK(tif, emsg)) {
            snprintf(why, whysz, "TIFF page of an unsupported kind: %.80s", emsg);
            return DP_EUNSUPP;
        }
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &p->rps);
        if (p->rps == 0 || p->rps > p->h)
            p->rps = p->h;
        p->kind = TK_RGBA_STRIP;
    } else {
        snprintf(why, whysz,
                 "a tiled TIFF page of this kind (photometric %d, %d x %d bits) is not read "
                 "scaled down",
                 photo, spp, bps);
        return DP_EUNSUPP;
    }
    p->scanline = (uint64_t)TIFFScanlineSize64(tif);
    if (p->kind != TK_RGBA_STRIP &&
        p->scanline < ((uint64_t)p->w * (uint64_t)spp * (uint64_t)bps + 7) / 8) {
        snprintf(why, whysz, "TIFF page with an inconsistent row size");
        return DP_EDECODE;
    }
    return DP_OK;
}

dp_err decode_stream_tiff_plan(const unsigned char *buf, size_t len, size_t index,
                               struct decode_stream_plan *plan)
{
    struct tmem m = {buf, len, 0, ""};
    struct tpage p;
    TIFF *tif = tm_open(&m, 0);
    if (!tif) {
        snprintf(plan->why, sizeof plan->why, "unreadable TIFF");
        return DP_EDECODE;
    }
    dp_err rc = tpage_read(tif, index, &p, plan->why, sizeof plan->why);
    if (!rc) {
        plan->min_reduction = 1;
        plan->row_bytes = (uint64_t)p.w * 5 + CODEC_SLACK +
                          (p.kind == TK_RGBA_STRIP ? (uint64_t)p.rps * p.w * 4 : 2 * p.scanline);
    }
    free(p.map);
    TIFFClose(tif);
    return rc;
}

/* ---- rows to grey ---- */

/* Sample c of pixel x of a contiguous row, scaled to 0..255. */
static int sample(const struct tpage *p, const uint8_t *row, uint32_t x, int c)
{
    if (p->bps == 8)
        return row[(size_t)x * (size_t)p->spp + (size_t)c];
    if (p->bps == 16) {
        uint16_t v;
        memcpy(&v, row + 2 * ((size_t)x * (size_t)p->spp + (size_t)c), 2); /* native order */
        return v >> 8;
    }
    /* 1, 2, 4 bits, one sample per pixel, most significant bits first */
    size_t bit = (size_t)x * (size_t)p->bps;
    int mask = (1 << p->bps) - 1;
    int v = (row[bit / 8] >> (8 - p->bps - (int)(bit % 8))) & mask;
    return p->kind == TK_PALETTE ? v : v * 255 / mask;
}

static void scan_to_grey(const struct tpage *p, const uint8_t *row, uint8_t *grey)
{
    for (uint32_t x = 0; x < p->w; x++) {
        int r, g, b, a = p->alpha >= 0 ? sample(p, row, x, p->alpha) : 255;
        if (p->kind == TK_PALETTE) {
            const uint8_t *e = p->map + 3 * (size_t)sample(p, row, x, 0);
            r = e[0], g = e[1], b = e[2];
        } else if (p->kind == TK_RGB) {
            r = sample(p, row, x, 0), g = sample(p, row, x, 1), b = sample(p, row, x, 2);
        } else {
            r = g = b = p->white ? 255 - sample(p, row, x, 0) : sample(p, row, x, 0);
        }
        if (p->assoc && a > 0) { /* premultiplied: back to plain colour before flattening */
            r = r * 255 / a, g = g * 255 / a, b = b * 255 / a;
            r = r > 255 ? 255 : r, g = g > 255 ? 255 : g, b = b > 255 ? 255 : b;
        }
        grey[x] = decode_stream_lum(r, g, b, a);
    }
}

static dp_err read_scanlines(TIFF *tif, const struct tpage *p, struct decode_stream_shrink *s)
{
    uint8_t *row = malloc((size_t)p->scanline), *grey = malloc(p->w);
    dp_err rc = row && grey ? DP_OK : DP_ENOMEM;
    for (uint32_t y = 0; !rc && y < p->h; y++) {
        if (TIFFReadScanline(tif, row, y, 0) < 0) {
            rc = DP_EDECODE;
            break;
        }
        scan_to_grey(p, row, grey);
        decode_stream_shrink_row(s, (int)y, grey);
    }
    free(row);
    free(grey);
    return rc;
}

/* Other kinds: libtiff's RGBA reader, one strip at a time (rows bottom-up within a strip). */
static dp_err read_rgba_strips(TIFF *tif, const struct tpage *p, struct decode_stream_shrink *s)
{
    uint32_t *raster = malloc((size_t)p->rps * p->w * 4);
    uint8_t *grey = malloc(p->w);
    dp_err rc = raster && grey ? DP_OK : DP_ENOMEM;
    for (uint32_t y0 = 0; !rc && y0 < p->h; y0 += p->rps) {
        uint32_t n = p->h - y0 < p->rps ? p->h - y0 : p->rps;
        if (!TIFFReadRGBAStrip(tif, y0, raster)) {
            rc = DP_EDECODE;
            break;
        }
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t *src = raster + (size_t)(n - 1 - i) * p->w;
            for (uint32_t x = 0; x < p->w; x++) {
                /* libtiff premultiplies alpha (on black): on white is that plus 255 - a */
                int v = decode_stream_lum((int)TIFFGetR(src[x]), (int)TIFFGetG(src[x]),
                                          (int)TIFFGetB(src[x]), 255) +
                        255 - (int)TIFFGetA(src[x]);
                grey[x] = (uint8_t)(v > 255 ? 255 : v);
            }
            decode_stream_shrink_row(s, (int)(y0 + i), grey);
        }
    }
    free(raster);
    free(grey);
    return rc;
}

dp_err decode_stream_tiff_read(const unsigned char *buf, size_t len, size_t index, int r,
                               uint64_t max_alloc, PIX **out, char *err, size_t errsz)
{
    struct tmem m = {buf, len, 0, ""};
    struct tpage p = {0};
    struct decode_stream_shrink s = {0};
    TIFF *tif = tm_open(&m, max_alloc);
    dp_err rc;
    if (!tif) {
        snprintf(err, errsz, "unreadable TIFF: %s", m.err);
        return DP_EDECODE;
    }
    if ((rc = tpage_read(tif, index, &p, err, errsz)))
        goto out;
    if ((rc = decode_stream_shrink_init(&s, (int)p.w, (int)p.h, r)))
        goto out;
    rc = p.kind == TK_RGBA_STRIP ? read_rgba_strips(tif, &p, &s) : read_scanlines(tif, &p, &s);
    if (rc == DP_EDECODE)
        snprintf(err, errsz, "corrupt TIFF data on page %zu: %s", index + 1, m.err);
    if (!rc) {
        float xres = 0;
        uint16_t unit = RESUNIT_INCH;
        *out = decode_stream_shrink_take(&s);
        TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
        if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) && xres > 0 && xres < 100000) {
            float dpi = unit == RESUNIT_CENTIMETER ? xres * 2.54f : xres;
            pixSetResolution(*out, (l_int32)(dpi + 0.5f), (l_int32)(dpi + 0.5f));
        }
    }
out:
    decode_stream_shrink_cleanup(&s);
    free(p.map);
    TIFFClose(tif);
    return rc;
}
