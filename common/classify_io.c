/* classify_io.c -- classifier_save/classifier_load: the model as a compact, versioned,
 * checksummed byte string (for a Redis value), validated field by field on load.
 *
 * Format 1 (naive Bayes) and 2 (logistic regression) read documents with feature set
 * CLASSIFY_FEATURES_V1; 3 and 4 are the same with CLASSIFY_FEATURES_V2, 5 and 6 with
 * CLASSIFY_FEATURES_V3, 7 and 8 with CLASSIFY_FEATURES (4). All integers little-endian,
 * doubles as IEEE-754 bit patterns: "DPCL" u8 format=1  u8 hash_bits  u16 nclasses  u32 version f64
 * alpha  f64 threshold  f64 min_coverage  u32 min_words  f64 temperature u32 nexamples  u32
 * cv_folds  u32 cv_tested  u32 cv_unknown  f64 cv_accuracy nclasses x { u8 len, label bytes, u32
 * examples, u32 cv_correct } u32 nfeat, nfeat x varint bucket delta (first absolute; later deltas
 * >= 1) nclasses x { u32 nnz, nnz x { varint feature-index delta, f32 count > 0 } } format 2 only
 * (logistic regression): the table holds weights != 0 (either sign), then nclasses x f64 bias u32
 * CRC-32 (IEEE) of everything before it Only nonzero counts are stored, so a model costs about 5-6
 * bytes per (feature, class) actually seen, not 2^hash_bits x classes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "classify_int.h"

#define FORMAT     1 /* naive Bayes: counts > 0 */
#define FORMAT_LR  2 /* logistic regression: weights != 0, then the biases */
#define FORMAT_F2  2 /* added to the format per feature set after the first (3, 4; 5, 6) */
#define MAX_WEIGHT 1e6
#define MAX_COUNT  1e12 /* no real count gets near this */
#define SAVE_LIMIT (CLASSIFY_MAX_MODEL)

/* ---- CRC-32 ---- */

static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t r = i;
        for (int b = 0; b < 8; b++)
            r = (r >> 1) ^ (0xEDB88320u & (0u - (r & 1)));
        table[i] = r;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

/* ---- writer: a capped growable buffer; errors stick ---- */

struct wbuf {
    unsigned char *p;
    size_t n, cap;
    dp_err err;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
    if (w->err)
        return;
    if (n > SAVE_LIMIT - w->n) {
        w->err = DP_ETOOBIG;
        return;
    }
    if (w->n + n > w->cap) {
        size_t ncap = w->cap ? w->cap : 4096;
        while (ncap < w->n + n)
            ncap *= 2;
        unsigned char *np = realloc(w->p, ncap);
        if (!np) {
            w->err = DP_ENOMEM;
            return;
        }
        w->p = np;
        w->cap = ncap;
    }
    memcpy(w->p + w->n, src, n);
    w->n += n;
}

static void put_u(struct wbuf *w, uint64_t v, size_t bytes)
{
    unsigned char b[8];
    for (size_t i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(w, b, bytes);
}

static void put_f64(struct wbuf *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof(v));
    put_u(w, v, 8);
}

static void put_f32(struct wbuf *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof(v));
    put_u(w, v, 4);
}

static void put_varint(struct wbuf *w, uint32_t v)
{
    unsigned char b[5];
    size_t n = 0;
    do {
        b[n] = (unsigned char)(v & 0x7F);
        v >>= 7;
        if (v)
            b[n] |= 0x80;
        n++;
    } while (v);
    put(w, b, n);
}

dp_err classifier_save(const struct classifier *c, char **buf, size_t *len)
{
    const struct classify_model *m = &c->model;
    const struct classify_stats *st = &c->stats;
    struct wbuf w = {0};

    *buf = NULL;
    *len = 0;
    put(&w, "DPCL", 4);
    put_u(&w, (m->lr ? FORMAT_LR : FORMAT) + FORMAT_F2 * (c->opts.features - CLASSIFY_FEATURES_V1),
          1);
    put_u(&w, c->opts.hash_bits, 1);
    put_u(&w, m->nclasses, 2);
    put_u(&w, c->version, 4);
    put_f64(&w, c->opts.alpha);
    put_f64(&w, c->opts.threshold);
    put_f64(&w, c->opts.min_coverage);
    put_u(&w, c->opts.min_words, 4);
    put_f64(&w, m->temperature);
    put_u(&w, st->nexamples, 4);
    put_u(&w, (uint32_t)st->cv_folds, 4);
    put_u(&w, st->cv_tested, 4);
    put_u(&w, st->cv_unknown, 4);
    put_f64(&w, st->cv_accuracy);
    for (size_t k = 0; k < m->nclasses; k++) {
        size_t ll = strlen(c->labels[k]);
        put_u(&w, ll, 1);
        put(&w, c->labels[k], ll);
        put_u(&w, k < st->nclasses ? st->classes[k].examples : 0, 4);
        put_u(&w, k < st->nclasses ? st->classes[k].cv_correct : 0, 4);
    }
    put_u(&w, m->nfeat, 4);
    for (size_t p = 0; p < m->nfeat; p++)
        put_varint(&w, p ? m->feat[p] - m->feat[p - 1] : m->feat[0]);
    for (size_t k = 0; k < m->nclasses; k++) {
        uint32_t nnz = 0;
        for (size_t p = 0; p < m->nfeat; p++)
            nnz += m->lr ? m->count[p * m->nclasses + k] != 0 : m->count[p * m->nclasses + k] > 0;
        put_u(&w, nnz, 4);
        size_t last = 0;
        int first = 1;
        for (size_t p = 0; p < m->nfeat; p++) {
            float v = m->count[p * m->nclasses + k];
            if (m->lr ? v == 0 : !(v > 0))
                continue;
            put_varint(&w, (uint32_t)(first ? p : p - last));
            put_f32(&w, v);
            last = p;
            first = 0;
        }
    }
    for (size_t k = 0; m->lr && k < m->nclasses; k++)
        put_f64(&w, m->bias[k]);
    if (!w.err)
        put_u(&w, crc32_ieee(w.p, w.n), 4);
    if (w.err) {
        free(w.p);
        return w.err;
    }
    *buf = (char *)w.p;
    *len = w.n;
    return DP_OK;
}

/* ---- reader: bounds-checked cursor; any short read sets bad ---- */

struct rbuf {
    const unsigned char *p;
    size_t n, off;
    int bad;
};

static uint64_t get_u(struct rbuf *r, size_t bytes)
{
    if (r->bad || r->n - r->off < bytes) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[r->off + i] << (8 * i);
    r->off += bytes;
    return v;
}

static double get_f64(struct rbuf *r)
{
    uint64_t v = get_u(r, 8);
    double d;
    memcpy(&d, &v, sizeof(d));
    return d;
}

static float get_f32(struct rbuf *r)
{
    uint32_t v = (uint32_t)get_u(r, 4);
    float f;
    memcpy(&f, &v, sizeof(f));
    return f;
}

static uint32_t get_varint(struct rbuf *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        uint64_t b = get_u(r, 1);
        if (r->bad)
            return 0;
        v |= (b & 0x7F) << shift;
        if (!(b & 0x80)) {
            if (v > UINT32_MAX)
                break;
            return (uint32_t)v;
        }
    }
    r->bad = 1;
    return 0;
}

static int finite_in(double v, double lo, double hi)
{
    return isfinite(v) && v >= lo && v <= hi;
}

/* Header, options and stats into c; nclasses into *ncls. */
static int read_head(struct rbuf *r, struct classifier *c, size_t *ncls)
{
    struct classify_stats *st = &c->stats;
    if (get_u(r, 4) != ((uint64_t)'D' | 'P' << 8 | 'C' << 16 | (uint64_t)'L' << 24))
        return 0;
    uint64_t format = get_u(r, 1);
    if (format < FORMAT || format > FORMAT_LR + FORMAT_F2 * (CLASSIFY_FEATURES - 1))
        return 0;
    c->opts.features = CLASSIFY_FEATURES_V1 + (unsigned)((format - FORMAT) / FORMAT_F2);
    c->model.lr = (format - FORMAT) % FORMAT_F2 == FORMAT_LR - FORMAT;
    c->opts.hash_bits = (unsigned)get_u(r, 1);
    *ncls = (size_t)get_u(r, 2);
    c->version = (uint32_t)get_u(r, 4);
    c->opts.alpha = get_f64(r);
    c->opts.threshold = get_f64(r);
    c->opts.min_coverage = get_f64(r);
    c->opts.min_words = (unsigned)get_u(r, 4);
    c->model.temperature = get_f64(r);
    st->nexamples = (size_t)get_u(r, 4);
    st->cv_folds = (int)get_u(r, 4);
    st->cv_tested = (size_t)get_u(r, 4);
    st->cv_unknown = (size_t)get_u(r, 4);
    st->cv_accuracy = get_f64(r);
    st->temperature = c->model.temperature;
    st->version = c->version;
    return !r->bad && classify_opts_ok(&c->opts) && *ncls <= CLASSIFY_MAX_CLASSES &&
           finite_in(c->model.temperature, 1e-6, 1e6) && st->nexamples <= CLASSIFY_MAX_EXAMPLES &&
           st->cv_folds >= 0 && (size_t)st->cv_folds <= CLASSIFY_MAX_EXAMPLES &&
           st->cv_tested <= st->nexamples && st->cv_unknown <= st->cv_tested &&
           (st->cv_accuracy == -1 || finite_in(st->cv_accuracy, 0, 1));
}

static int read_labels(struct rbuf *r, struct classifier *c, size_t ncls)
{
    for (size_t k = 0; k < ncls; k++) {
        size_t ll = (size_t)get_u(r, 1);
        if (r->bad || r->n - r->off < ll || !classify_label_ok((const char *)r->p + r->off, ll))
            return 0;
        memcpy(c->labels[k], r->p + r->off, ll);
        c->labels[k][ll] = '\0';
        r->off += ll;
        for (size_t j = 0; j < k; j++)
            if (strcmp(c->labels[j], c->labels[k]) == 0)
                return 0;
        memcpy(c->stats.classes[k].label, c->labels[k], CLASSIFY_LABEL_MAX);
        c->stats.classes[k].examples = (size_t)get_u(r, 4);
        c->stats.classes[k].cv_correct = (size_t)get_u(r, 4);
        if (c->stats.classes[k].cv_correct > c->stats.classes[k].examples)
            return 0;
    }
    c->nlabels = ncls;
    c->stats.nclasses = ncls;
    return !r->bad;
}

/* The sparse table: features then per-class counts. */
static dp_err read_table(struct rbuf *r, struct classifier *c, size_t ncls)
{
    struct classify_model *m = &c->model;
    uint64_t nbuckets = 1ULL << c->opts.hash_bits;
    size_t nfeat = (size_t)get_u(r, 4);
    if (r->bad || nfeat > nbuckets || nfeat > r->n - r->off || nfeat * ncls > CLASSIFY_MAX_CELLS)
        return DP_EPARSE;
    m->nclasses = ncls;
    m->nfeat = nfeat;
    m->feat = malloc((nfeat ? nfeat : 1) * sizeof(*m->feat));
    m->count = calloc(nfeat * ncls + 1, sizeof(*m->count));
    m->mass = calloc(ncls ? ncls : 1, sizeof(*m->mass));
    m->bias = m->lr ? calloc(ncls ? ncls : 1, sizeof(*m->bias)) : NULL;
    if (!m->feat || !m->count || !m->mass || (m->lr && !m->bias))
        return DP_ENOMEM;
    uint64_t b = 0;
    for (size_t p = 0; p < nfeat; p++) {
        uint32_t d = get_varint(r);
        if (r->bad || (p > 0 && d == 0))
            return DP_EPARSE;
        b += d;
        if (b >= nbuckets)
            return DP_EPARSE;
        m->feat[p] = (uint32_t)b;
    }
    for (size_t k = 0; k < ncls; k++) {
        size_t nnz = (size_t)get_u(r, 4);
        if (r->bad || nnz > nfeat)
            return DP_EPARSE;
        uint64_t p = 0;
        for (size_t j = 0; j < nnz; j++) {
            uint32_t d = get_varint(r);
            float v = get_f32(r);
            int bad = m->lr ? v == 0 || !finite_in(v, -MAX_WEIGHT, MAX_WEIGHT)
                            : !finite_in(v, 1e-30, MAX_COUNT);
            if (r->bad || (j > 0 && d == 0) || bad)
                return DP_EPARSE;
            p += d;
            if (p >= nfeat)
                return DP_EPARSE;
            m->count[p * ncls + k] = v;
        }
    }
    for (size_t k = 0; m->lr && k < ncls; k++) {
        m->bias[k] = get_f64(r);
        if (r->bad || !finite_in(m->bias[k], -MAX_WEIGHT, MAX_WEIGHT))
            return DP_EPARSE;
    }
    return DP_OK;
}

dp_err classifier_load(const char *buf, size_t len, struct classifier **out)
{
    struct rbuf r = {.p = (const unsigned char *)buf, .n = len};
    struct classify_opts o = classify_opts_default();
    struct classifier *c = NULL;
    size_t ncls = 0;
    o.features = CLASSIFY_FEATURES; /* read_head sets the model's own set */
    dp_err err = DP_ETOOBIG;

    *out = NULL;
    if (len > CLASSIFY_MAX_MODEL)
        goto out;
    err = DP_EPARSE;
    if (!buf || len < 8)
        goto out;
    uint32_t want = 0;
    for (int i = 0; i < 4; i++)
        want |= (uint32_t)r.p[len - 4 + (size_t)i] << (8 * i);
    if (crc32_ieee(r.p, len - 4) != want)
        goto out;
    r.n = len - 4;
    err = DP_ENOMEM;
    c = classifier_new_opts(&o);
    if (!c)
        goto out;
    err = DP_EPARSE;
    if (!read_head(&r, c, &ncls) || !read_labels(&r, c, ncls))
        goto out;
    err = read_table(&r, c, ncls);
    if (err)
        goto out;
    err = DP_EPARSE;
    if (r.off != r.n)
        goto out; /* trailing bytes */
    err = classify_model_finish(&c->model);
    if (err)
        goto out;
    *out = c;
    c = NULL;
out:
    classifier_free(c);
    return err;
}
