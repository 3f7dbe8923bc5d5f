/* decode.c -- file bytes -> pages: sniffing, caps, image decoding (Leptonica), PDF dispatch. */
#include "decode.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <leptonica/arrayaccess.h>
#include "decode_pdf.h"
#include "decode_stream.h"
#include "einvoice.h"

#define DEF_MAX_PAGES  500
#define DEF_MAX_PIXELS 50000000ULL
#define DEF_PDF_DPI    300
#define DEF_MIN_DPI    150
#define MAX_UPSCALE    4.0  /* never enlarge an image more than this */
#define MIN_UPSCALE    1.25 /* below this an upscale is not worth its cost */
#define PDF_SNIFF_SPAN 1024

enum fmt { FMT_NONE = 0, FMT_PNG, FMT_JPEG, FMT_TIFF, FMT_WEBP, FMT_PDF, FMT_XML };

struct decoded {
    enum fmt fmt;
    const char *mime;         /* static DECODE_MIME_*, NULL until sniffed */
    const unsigned char *buf; /* borrowed file bytes */
    size_t len;
    struct decode_limits lim; /* defaults filled in */
    size_t npages;            /* 0 until open succeeded */
    struct decode_pdf *pdf;   /* FMT_PDF only */
    char errstr[160];         /* last failure, "" if none */
};

/* ---- sniffing ---- */

dp_err decode_sniff(const unsigned char *buf, size_t len, const char **mime)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    if (!mime)
        return DP_EINVAL;
    *mime = NULL;
    if (!buf || len == 0)
        return DP_EUNSUPP;
    if (len >= 8 && memcmp(buf, png, 8) == 0)
        *mime = DECODE_MIME_PNG;
    else if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
        *mime = DECODE_MIME_JPEG;
    else if (len >= 4 &&
             ((buf[0] == 'I' && buf[1] == 'I' && (buf[2] == 42 || buf[2] == 43) && buf[3] == 0) ||
              (buf[0] == 'M' && buf[1] == 'M' && buf[2] == 0 && (buf[3] == 42 || buf[3] == 43))))
        *mime = DECODE_MIME_TIFF;
    else if (len >= 12 && memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBP", 4) == 0)
        *mime = DECODE_MIME_WEBP;
    else if (memmem(buf, len < PDF_SNIFF_SPAN ? len : PDF_SNIFF_SPAN, "%PDF-", 5))
        *mime = DECODE_MIME_PDF;
    else if (einvoice_sniff((const char *)buf, len))
        *mime = DECODE_MIME_XML;
    return *mime ? DP_OK : DP_EUNSUPP;
}

static enum fmt fmt_of(const char *mime)
{
    if (mime == NULL)
        return FMT_NONE;
    if (strcmp(mime, DECODE_MIME_PNG) == 0)
        return FMT_PNG;
    if (strcmp(mime, DECODE_MIME_JPEG) == 0)
        return FMT_JPEG;
    if (strcmp(mime, DECODE_MIME_TIFF) == 0)
        return FMT_TIFF;
    if (strcmp(mime, DECODE_MIME_WEBP) == 0)
        return FMT_WEBP;
    if (strcmp(mime, DECODE_MIME_XML) == 0)
        return FMT_XML;
    return FMT_PDF;
}

/* ---- limits and errors ---- */

void decode_limits_default(struct decode_limits *lim)
{
    lim->max_pages = DEF_MAX_PAGES;
    lim->max_page_pixels = DEF_MAX_PIXELS;
    lim->pdf_dpi = DEF_PDF_DPI;
    lim->min_dpi = DEF_MIN_DPI;
    lim->max_decode_bytes = 0;
    lim->text_raster_dpi = 0;
    lim->code_raster_dpi = 0;
}

static void fill_limits(struct decode_limits *dst, const struct decode_limits *src)
{
    decode_limits_default(dst);
    if (!src)
        return;
    if (src->max_pages)
        dst->max_pages = src->max_pages;
    if (src->max_page_pixels)
        dst->max_page_pixels = src->max_page_pixels;
    if (src->pdf_dpi)
        dst->pdf_dpi = src->pdf_dpi;
    if (src->min_dpi)
        dst->min_dpi = src->min_dpi;
    dst->max_decode_bytes = src->max_decode_bytes;
    if (src->text_raster_dpi >= 10 && src->text_raster_dpi <= 1200)
        dst->text_raster_dpi = src->text_raster_dpi;
    if (src->code_raster_dpi >= 10 && src->code_raster_dpi <= 1200)
        dst->code_raster_dpi = src->code_raster_dpi;
}

/* Records why d failed and returns err, so failures read `return fail(d, DP_X, "...", ...)`. */
__attribute__((format(printf, 3, 4))) static dp_err fail(struct decoded *d, dp_err err,
                                                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->errstr, sizeof d->errstr, fmt, ap);
    va_end(ap);
    return err;
}

const char *decode_errstr(const struct decoded *d)
{
    return d ? d->errstr : "";
}

/* Whether this Leptonica was built with libwebp (it lists its image libraries). */
static int have_webp(void)
{
    char *v = getImagelibVersions();
    int yes = v && strstr(v, "libwebp") != NULL;
    free(v);
    return yes;
}

/* ---- open / close ---- */

/* Number of directories (pages) of a TIFF in memory, via Leptonica on a memory stream. */
static dp_err tiff_count(const unsigned char *buf, size_t len, size_t *n)
{
    l_int32 count = 0;
    FILE *f = fmemopen((void *)buf, len, "rb");
    if (!f)
        return DP_ENOMEM;
    l_ok bad = tiffGetCount(f, &count);
    fclose(f);
    if (bad || count <= 0)
        return DP_EDECODE;
    *n = (size_t)count;
    return DP_OK;
}

/* What decoding an image page costs, from its header: bytes the decoder holds at its peak
 * (Leptonica's PNG reader keeps every row and the PIX at once; TIFF and WebP a raster and the
 * PIX), plus the 8-bit grey page made from it. JPEG is read as luminance only, so its PIX is
 * the grey page; reduction (1, 2, 4, 8) shrinks it on both axes. */
static uint64_t decode_cost(enum fmt fmt, int w, int h, int bps, int spp, int cmap, int reduction)
{
    uint64_t px = (uint64_t)w * (uint64_t)h, bytes_ps = bps > 8 ? 2 : 1;
    if (fmt == FMT_JPEG) /* CMYK is not read as luminance: a 32-bit PIX, then grey */
        return px * (spp == 4 ? 5 : 1) / ((uint64_t)reduction * (uint64_t)reduction) +
               (uint64_t)w * 64;
    if (spp >= 2) /* colour and/or alpha: a 32-bit PIX, then grey */
        return px * (uint64_t)spp * bytes_ps + px * 4 + px;
    uint64_t rows = fmt == FMT_PNG ? (px * (uint64_t)(bps > 0 ? bps : 8) + 7) / 8 : 0;
    uint64_t grey = bps == 8 && !cmap ? 0 : px;
    return rows + px * bytes_ps + grey + (fmt == FMT_WEBP ? px * 8 : 0);
}

/* Header of image page index: size, declared resolution (0 if unknown), the reduction that
 * keeps it within max_decode_bytes (1 otherwise) and whether that takes the streaming decoder
 * (*stream: a PNG or TIFF page read row by row to grey), or an error. */
static dp_err image_header(struct decoded *d, size_t index, int *w, int *h, int *res,
                           int *reduction, int *stream)
{
    l_int32 fmt = 0, bps = 0, spp = 0, cmap = 0, r = 0;
    l_ok bad;

    *w = *h = *res = *stream = 0;
    *reduction = 1;
    if (d->fmt == FMT_TIFF)
        bad = index > INT32_MAX ||
              readHeaderMemTiff(d->buf, d->len, (l_int32)index, w, h, &bps, &spp, &r, &cmap, &fmt);
    else
        bad = pixReadHeaderMem(d->buf, d->len, &fmt, w, h, &bps, &spp, &cmap);
    if (bad || *w <= 0 || *h <= 0)
        return fail(d, DP_EDECODE, "page %zu: unreadable %s header", index + 1, d->mime);
    if ((uint64_t)*w * (uint64_t)*h > d->lim.max_page_pixels)
        return fail(d, DP_ETOOBIG, "page %zu: %dx%d pixels is over the cap of %llu", index + 1, *w,
                    *h, (unsigned long long)d->lim.max_page_pixels);
    *res = r;
    uint64_t cap = d->lim.max_decode_bytes,
             cost = decode_cost(d->fmt, *w, *h, bps, spp, cmap, *reduction);
    if (!cap || cost <= cap)
        return DP_OK;
    if (d->fmt == FMT_PNG || d->fmt == FMT_TIFF) {
        /* Too big to decode whole: to grey row by row, shrunk as far as it takes. */
        struct decode_stream_plan plan;
        dp_err err = decode_stream_plan(d->buf, d->len, d->fmt == FMT_TIFF, index, &plan);
        if (err == DP_EUNSUPP)
            return fail(d, DP_ETOOBIG,
                        "page %zu: decoding %dx%d pixels needs about %llu MB, "
                        "over the %llu MB it may use, and %s",
                        index + 1, *w, *h, (unsigned long long)(cost >> 20),
                        (unsigned long long)(cap >> 20), plan.why);
        if (err)
            return fail(d, err, "page %zu: %s", index + 1, plan.why);
        for (int k = plan.min_reduction; k <= DECODE_STREAM_MAX_REDUCTION; k++)
            if (decode_stream_cost(&plan, *w, *h, k) <= cap) {
                *reduction = k;
                *stream = 1;
                return DP_OK;
            }
        return fail(d, DP_ETOOBIG,
                    "page %zu: %dx%d pixels do not fit the %llu MB decoding may "
                    "use even at 1/%d size",
                    index + 1, *w, *h, (unsigned long long)(cap >> 20),
                    DECODE_STREAM_MAX_REDUCTION);
    }
    while (decode_cost(d->fmt, *w, *h, bps, spp, cmap, *reduction) > cap) {
        if (d->fmt != FMT_JPEG || *reduction == 8)
            return fail(
                d, DP_ETOOBIG,
                "page %zu: decoding %dx%d pixels (%d x %d bits) needs about %llu MB, "
                "over the %llu MB it may use",
                index + 1, *w, *h, spp, bps,
                (unsigned long long)(decode_cost(d->fmt, *w, *h, bps, spp, cmap, *reduction) >> 20),
                (unsigned long long)(cap >> 20));
        *reduction *= 2;
    }
    return DP_OK;
}

dp_err decode_open(const unsigned char *buf, size_t len, const struct decode_limits *lim,
                   struct decoded **out)
{
    struct decoded *d;
    dp_err err;
    int w, h, res, reduction, stream;

    if (!out)
        return DP_EINVAL;
    if (!(*out = d = calloc(1, sizeof *d)))
        return DP_ENOMEM;
    fill_limits(&d->lim, lim);
    d->buf = buf;
    d->len = len;
    if (d->lim.pdf_dpi < 10 || d->lim.pdf_dpi > 1200 || d->lim.min_dpi < 1)
        return fail(d, DP_EINVAL, "pdf_dpi must be 10..1200 and min_dpi positive");
    if (decode_sniff(buf, len, &d->mime) != DP_OK)
        return fail(d, DP_EUNSUPP, "not a PNG, JPEG, TIFF, WebP, PDF or e-invoice XML file");
    d->fmt = fmt_of(d->mime);

    size_t n = 1;
    switch (d->fmt) {
    case FMT_WEBP:
        if (!have_webp())
            return fail(d, DP_EUNSUPP, "WebP is not supported: Leptonica was built without it");
        break;
    case FMT_TIFF:
        if ((err = tiff_count(buf, len, &n)))
            return fail(d, err, "unreadable TIFF: no page directory");
        break;
    case FMT_PDF:
        if ((err = decode_pdf_open(buf, len, &d->pdf, &n, d->errstr, sizeof d->errstr)))
            return err;
        break;
    case FMT_XML:
        if (len > EINVOICE_MAX_BYTES)
            return fail(d, DP_ETOOBIG, "XML of %zu bytes is over the cap of %u", len,
                        EINVOICE_MAX_BYTES);
        n = 0; /* read by einvoice, not page by page */
        break;
    default:
        break;
    }
    if (n > d->lim.max_pages)
        return fail(d, DP_ETOOBIG, "%zu pages is over the cap of %zu", n, d->lim.max_pages);
    if (d->fmt != FMT_PDF && d->fmt != FMT_XML &&
        (err = image_header(d, 0, &w, &h, &res, &reduction, &stream)))
        return err;
    d->npages = n;
    return DP_OK;
}

size_t decode_npages(const struct decoded *d)
{
    return d ? d->npages : 0;
}

const char *decode_mime(const struct decoded *d)
{
    return d ? d->mime : NULL;
}

dp_err decode_embedded_xml(struct decoded *d, char **xml, size_t *len, const char **source)
{
    *xml = NULL, *len = 0, *source = NULL;
    if (!d)
        return DP_ENOTFOUND;
    if (d->fmt == FMT_XML) {
        if (!(*xml = malloc(d->len ? d->len : 1)))
            return DP_ENOMEM;
        memcpy(*xml, d->buf, d->len);
        *len = d->len, *source = "xml";
        return DP_OK;
    }
    if (d->fmt != FMT_PDF || !d->pdf)
        return DP_ENOTFOUND;
    dp_err rc = decode_pdf_attachment(d->pdf, einvoice_sniff, EINVOICE_MAX_BYTES, xml, len);
    if (!rc)
        *source = "embedded_xml";
    return rc;
}

void decode_close(struct decoded *d)
{
    if (!d)
        return;
    decode_pdf_close(d->pdf);
    free(d);
}

void decode_page_cleanup(struct decode_page *p)
{
    if (!p)
        return;
    pixDestroy(&p->pix);
    page_cleanup(&p->text);
    for (size_t i = 0; i < p->nregions; i++)
        pixDestroy(&p->regions[i].pix);
    free(p->regions);
    memset(p, 0, sizeof *p);
}

/* ---- images ---- */

int decode_guess_dpi(int w, int h, int declared_dpi)
{
    int side = w < h ? w : h;
    if (side <= 0)
        return 1;
    if (declared_dpi > 0) {
        double inches = (double)side / declared_dpi;
        if (inches >= 2.0 && inches <= 17.0)
            return declared_dpi;
    }
    int guess = (int)lround(side / 8.5);
    return guess > 0 ? guess : 1;
}

/* RGBA -> 8-bit grey in one pass, alpha flattened on white: the same values as blending on
 * white and then taking the luminance, without a second 32-bit image. NULL when out of memory. */
static PIX *rgba_to_grey(PIX *pix)
{
    int w = pixGetWidth(pix), h = pixGetHeight(pix);
    PIX *g = pixCreate(w, h, 8);
    if (!g)
        return NULL;
    pixCopyResolution(g, pix);
    l_uint32 *src = pixGetData(pix), *dst = pixGetData(g);
    int swpl = pixGetWpl(pix), dwpl = pixGetWpl(g);
    for (int y = 0; y < h; y++) {
        const l_uint32 *s = src + (size_t)y * (size_t)swpl;
        l_uint32 *o = dst + (size_t)y * (size_t)dwpl;
        for (int x = 0; x < w; x++) {
            l_int32 r, gr, b, a;
            extractRGBAValues(s[x], &r, &gr, &b, &a);
            /* blend each channel on white, as pixAlphaBlendUniform does, then weigh */
            double lum = L_RED_WEIGHT * (double)(255 + (r - 255) * a / 255) +
                         L_GREEN_WEIGHT * (double)(255 + (gr - 255) * a / 255) +
                         L_BLUE_WEIGHT * (double)(255 + (b - 255) * a / 255) + 0.5;
            SET_DATA_BYTE(o, x, lum > 255 ? 255 : (l_int32)lum);
        }
    }
    return g;
}

/* Takes ownership of *pix and leaves an 8-bit grey image there (alpha flattened on white).
 * Each step frees the image it came from before the next one allocates. */
static dp_err to_grey(PIX **pix)
{
    PIX *cur = *pix, *next;
    if (pixGetDepth(cur) == 32 && pixGetSpp(cur) == 4) {
        if (!(next = rgba_to_grey(cur)))
            return DP_ENOMEM;
        pixDestroy(&cur);
        cur = next;
    }
    if (pixGetDepth(cur) != 8 || pixGetColormap(cur)) {
        if (!(next = pixConvertTo8(cur, 0))) {
            *pix = cur;
            return DP_EDECODE;
        }
        pixCopyResolution(next, cur);
        pixDestroy(&cur);
        cur = next;
    }
    *pix = cur;
    return DP_OK;
}

static dp_err image_page(struct decoded *d, size_t index, struct decode_page *out)
{
    dp_err err;
    int w, h, res, reduction, stream;
    PIX *pix = NULL;

    if ((err = image_header(d, index, &w, &h, &res, &reduction, &stream)))
        return err;
    int damaged = 0;
    if (stream) {
        char why[160];
        err = decode_stream_read(d->buf, d->len, d->fmt == FMT_TIFF, index, reduction,
                                 d->lim.max_decode_bytes, &pix, why, sizeof why);
        if (err)
            return fail(d, err, "page %zu: %s", index + 1, why[0] ? why : dp_strerror(err));
    } else if (d->fmt == FMT_TIFF) {
        pix = pixReadMemTiff(d->buf, d->len, (l_int32)index);
    } else if (d->fmt == FMT_JPEG) {
        /* Grey straight from the decoder, scaled down if need be. A JPEG cut short or with bad
         * entropy data still holds the rows before the damage (libjpeg fills the rest with
         * grey): read what is there and say so. */
        l_int32 nwarn = 0;
        pix = pixReadMemJpeg(d->buf, d->len, 0, reduction, &nwarn,
                             L_JPEG_READ_LUMINANCE | L_JPEG_CONTINUE_WITH_BAD_DATA);
        damaged = pix && nwarn > 0;
    } else {
        pix = pixReadMem(d->buf, d->len);
    }
    if (!pix)
        return fail(d, DP_EDECODE, "page %zu: corrupt %s data", index + 1, d->mime);
    if (pixGetWidth(pix) != (w + reduction - 1) / reduction ||
        pixGetHeight(pix) != (h + reduction - 1) / reduction) {
        pixDestroy(&pix);
        return fail(d, DP_EDECODE, "page %zu: size differs from the header", index + 1);
    }
    if (res <= 0)
        res = pixGetXRes(pix);
    if ((err = to_grey(&pix))) {
        pixDestroy(&pix);
        return fail(d, err, "page %zu: cannot convert to grey", index + 1);
    }

    int src_dpi = decode_guess_dpi(w, h, res), dpi = src_dpi;
    float scale = 1.0f;
    if (stream && reduction > 1) {
        scale = 1.0f / (float)reduction; /* r x r source pixels per pixel, exactly */
        dpi = (int)lround(src_dpi * (double)scale);
        if (dpi < 1)
            dpi = 1;
    } else if (reduction > 1) {
        scale = (float)pixGetWidth(pix) / (float)w;
        dpi = (int)lround(src_dpi * (double)scale);
        if (dpi < 1)
            dpi = 1;
    } else if (!stream && src_dpi < d->lim.min_dpi) { /* streamed: over budget already */
        double f = (double)d->lim.pdf_dpi / src_dpi;
        double room = sqrt((double)d->lim.max_page_pixels / ((double)w * (double)h));
        if (f > MAX_UPSCALE)
            f = MAX_UPSCALE;
        if (f > room)
            f = room;
        if (f >= MIN_UPSCALE) {
            PIX *big = pixScale(pix, (float)f, (float)f);
            if (!big) {
                pixDestroy(&pix);
                return fail(d, DP_ENOMEM, "page %zu: cannot upscale", index + 1);
            }
            pixDestroy(&pix);
            pix = big;
            scale = (float)pixGetWidth(pix) / (float)w;
            dpi = (int)lround(src_dpi * (double)scale);
        }
    }
    pixSetResolution(pix, dpi, dpi);
    out->kind = DECODE_PIX;
    out->pix = pix;
    out->dpi = dpi;
    out->scale = scale;
    out->src_width = w;
    out->src_height = h;
    out->src_dpi = src_dpi;
    out->damaged = damaged;
    return DP_OK;
}

dp_err decode_page(struct decoded *d, size_t index, struct decode_page *out)
{
    if (!out)
        return DP_EINVAL;
    memset(out, 0, sizeof *out);
    if (!d)
        return DP_EINVAL;
    d->errstr[0] = '\0';
    if (index >= d->npages)
        return fail(d, DP_EINVAL, "page %zu does not exist (%zu pages)", index + 1, d->npages);
    if (d->fmt == FMT_PDF)
        return decode_pdf_page(d->pdf, index, &d->lim, out, d->errstr, sizeof d->errstr);
    return image_page(d, index, out);
}

PIX *decode_rotate(PIX *pix, int degrees)
{
    if (!pix)
        return NULL;
    degrees %= 360;
    if (degrees < 0)
        degrees += 360;
    if (degrees % 90)
        return NULL;
    PIX *r = pixRotateOrth(pix, degrees / 90);
    if (r)
        pixCopyResolution(r, pix);
    return r;
}
