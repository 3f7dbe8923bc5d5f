/* xmodel_io.c -- the extractor's stored form. Little-endian, bounded, checked to the last
 * byte: "DPXM", format 9, version u32, trained_ms i64, train_s f64, nf u32, then per field:
 * name (u8 length + bytes), review_below f64, examples, aligned, cv_docs, cv_correct,
 * rules_correct, cv_wins, cv_losses, kind (u32; not in format 2), replace_above (f64; not
 * in formats 2 and 3), flags (u32, XMODEL_GATE, _SURE_FILL, _DAY_FIRST, _MONTH_FIRST; formats 6
 * on), year_lo, year_hi, year_mode (u32 each; format 7 on: 0, or lo <= mode <= hi), digit_run
 * (u32 <= 64; format 8 on), per reading of XREADING_N its wins and losses (u32 each; format 9
 * on), nnz u32 and nnz
 * (index u32 < XFEAT_DIM + 1, weight f32); then vendors u32 and per vendor four strings (u16 length
 * + bytes) and (format 5) its numbers: u32 count <= VENDOR_IDS, each u8 length + digits; nothing
 * after. */
#include <stdlib.h>
#include <string.h>
#include "xfeat.h"
#include "xmodel.h"

#define FORMAT                                                                                     \
    9 /* 3 added kind, 4 replace_above, 5 the vendors' numbers, 6 flags, 7 years, 8 digit_run,     \
         9 the readings' wins and losses */

/* ---- writing ---- */

struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int bad;
};

static void put(struct wbuf *b, const void *src, size_t len)
{
    if (b->bad)
        return;
    if (b->n + len > b->cap) {
        size_t cap = (b->n + len) * 2;
        unsigned char *np = realloc(b->p, cap);
        if (!np) {
            b->bad = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, len);
    b->n += len;
}

static void put_u32(struct wbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(b, x, 4);
}

static void put_u64(struct wbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f64(struct wbuf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put_u64(b, v);
}

static void put_str(struct wbuf *b, const char *s, int wide)
{
    size_t n = strlen(s);
    if (wide) {
        unsigned char x[2] = {(unsigned char)n, (unsigned char)(n >> 8)};
        put(b, x, 2);
    } else {
        unsigned char x = (unsigned char)n;
        put(b, &x, 1);
    }
    put(b, s, n);
}

dp_err xmodel_save(const struct xmodel *m, unsigned char **buf, size_t *len)
{
    struct wbuf b = {0};
    put(&b, "DPXM", 4);
    put_u32(&b, FORMAT);
    put_u32(&b, m->version);
    put_u64(&b, (uint64_t)m->trained_ms);
    put_f64(&b, m->train_s);
    put_u32(&b, (uint32_t)m->nf);
    for (size_t i = 0; i < m->nf; i++) {
        const struct xmodel_field *f = &m->f[i];
        put_str(&b, f->name, 0);
        put_f64(&b, f->review_below);
        put_u32(&b, f->examples);
        put_u32(&b, f->aligned);
        put_u32(&b, f->cv_docs);
        put_u32(&b, f->cv_correct);
        put_u32(&b, f->rules_correct);
        put_u32(&b, f->cv_wins);
        put_u32(&b, f->cv_losses);
        put_u32(&b, f->kind);
        put_f64(&b, f->replace_above);
        put_u32(&b, f->flags);
        put_u32(&b, f->year_lo);
        put_u32(&b, f->year_hi);
        put_u32(&b, f->year_mode);
        put_u32(&b, f->digit_run);
        for (size_t k = 0; k < XREADING_N; k++) {
            put_u32(&b, f->read_wins[k]);
            put_u32(&b, f->read_losses[k]);
        }
        uint32_t nnz = 0;
        for (size_t k = 0; k <= XFEAT_DIM; k++)
            nnz += f->w[k] != 0.0f;
        put_u32(&b, nnz);
        for (size_t k = 0; k <= XFEAT_DIM; k++) {
            if (f->w[k] == 0.0f)
                continue;
            uint32_t bits;
            memcpy(&bits, &f->w[k], sizeof bits);
            put_u32(&b, (uint32_t)k);
            put_u32(&b, bits);
        }
    }
    put_u32(&b, (uint32_t)m->vendors.n);
    for (size_t i = 0; i < m->vendors.n; i++) {
        const struct vendor *v = &m->vendors.v[i];
        put_str(&b, v->company, 1);
        put_str(&b, v->address, 1);
        put_str(&b, v->vat_id, 1);
        put_str(&b, v->iban, 1);
        size_t nid = 0;
        while (nid < VENDOR_IDS && v->ids[nid][0])
            nid++;
        put_u32(&b, (uint32_t)nid);
        for (size_t k = 0; k < nid; k++)
            put_str(&b, v->ids[k], 0);
    }
    if (b.bad) {
        free(b.p);
        return DP_ENOMEM;
    }
    *buf = b.p;
    *len = b.n;
    return DP_OK;
}

/* ---- reading ---- */

struct rbuf {
    const unsigned char *p;
    size_t n, pos;
    int bad;
};

static const unsigned char *take(struct rbuf *r, size_t len)
{
    if (r->bad || len > r->n - r->pos) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->pos;
    r->pos += len;
    return p;
}

static uint32_t get_u32(struct rbuf *r)
{
    const unsigned char *x = take(r, 4);
    return x ? (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24
             : 0;
}

static uint64_t get_u64(struct rbuf *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(struct rbuf *r)
{
    uint64_t v = get_u64(r);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

static void get_str(struct rbuf *r, char *out, size_t outsz, int wide)
{
    size_t n;
    if (wide) {
        const unsigned char *x = take(r, 2);
        n = x ? (size_t)x[0] | (size_t)x[1] << 8 : 0;
    } else {
        const unsigned char *x = take(r, 1);
        n = x ? x[0] : 0;
    }
    const unsigned char *s = take(r, n);
    if (!s || n >= outsz || memchr(s, '\0', n)) {
        r->bad = 1;
        out[0] = '\0';
        return;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

dp_err xmodel_load(const unsigned char *buf, size_t len, struct xmodel **out)
{
    struct rbuf r = {buf, len, 0, 0};
    *out = NULL;
    const unsigned char *magic = take(&r, 4);
    uint32_t format = magic && memcmp(magic, "DPXM", 4) == 0 ? get_u32(&r) : 0;
    if (format < 2 || format > FORMAT)
        return DP_EPARSE;
    struct xmodel *m = calloc(1, sizeof *m);
    if (!m)
        return DP_ENOMEM;
    m->version = get_u32(&r);
    m->trained_ms = (int64_t)get_u64(&r);
    m->train_s = get_f64(&r);
    uint32_t nf = get_u32(&r);
    if (r.bad || nf > REVIEW_MAX_NAMES)
        goto bad;
    m->f = calloc(nf ? nf : 1, sizeof *m->f);
    if (!m->f)
        goto nomem;
    for (uint32_t i = 0; i < nf; i++) {
        struct xmodel_field *f = &m->f[i];
        get_str(&r, f->name, sizeof f->name, 0);
        f->review_below = get_f64(&r);
        f->examples = get_u32(&r);
        f->aligned = get_u32(&r);
        f->cv_docs = get_u32(&r);
        f->cv_correct = get_u32(&r);
        f->rules_correct = get_u32(&r);
        f->cv_wins = get_u32(&r);
        f->cv_losses = get_u32(&r);
        f->kind = format >= 3 ? get_u32(&r) : 0;
        f->replace_above = format >= 4 ? get_f64(&r) : 0.5; /* the rule before format 4 */
        f->flags = format >= 6 ? get_u32(&r) : 0;
        f->year_lo = format >= 7 ? get_u32(&r) : 0;
        f->year_hi = format >= 7 ? get_u32(&r) : 0;
        f->year_mode = format >= 7 ? get_u32(&r) : 0;
        f->digit_run = format >= 8 ? get_u32(&r) : 0;
        for (size_t k = 0; k < XREADING_N && format >= 9; k++) {
            f->read_wins[k] = get_u32(&r);
            f->read_losses[k] = get_u32(&r);
        }
        uint32_t nnz = get_u32(&r);
        int years_ok = (!f->year_lo && !f->year_hi && !f->year_mode) ||
                       (f->year_lo <= f->year_mode && f->year_mode <= f->year_hi &&
                        f->year_lo >= 1900 && f->year_hi <= 2200);
        if (r.bad || !years_ok || f->digit_run > 64 ||
            f->kind > (XFEAT_KIND_DATE | XFEAT_KIND_AMOUNT) || f->flags > XMODEL_FLAGS ||
            !review_name_ok(f->name, strlen(f->name)) || nnz > XFEAT_DIM + 1 ||
            (size_t)nnz * 8 > r.n - r.pos)
            goto bad;
        f->w = calloc(XFEAT_DIM + 1, sizeof *f->w);
        if (!f->w)
            goto nomem;
        m->nf++;
        for (uint32_t k = 0; k < nnz; k++) {
            uint32_t idx = get_u32(&r), bits = get_u32(&r);
            if (idx > XFEAT_DIM)
                goto bad;
            memcpy(&f->w[idx], &bits, sizeof bits);
        }
    }
    uint32_t nv = get_u32(&r);
    if (r.bad || nv > VENDOR_MAX || (size_t)nv * 8 > r.n - r.pos)
        goto bad;
    m->vendors.v = calloc(nv ? nv : 1, sizeof *m->vendors.v);
    if (!m->vendors.v)
        goto nomem;
    m->vendors.cap = nv ? nv : 1;
    for (uint32_t i = 0; i < nv; i++) {
        struct vendor *v = &m->vendors.v[i];
        get_str(&r, v->company, sizeof v->company, 1);
        get_str(&r, v->address, sizeof v->address, 1);
        get_str(&r, v->vat_id, sizeof v->vat_id, 1);
        get_str(&r, v->iban, sizeof v->iban, 1);
        uint32_t nid = format >= 5 ? get_u32(&r) : 0;
        if (nid > VENDOR_IDS)
            goto bad;
        for (uint32_t k = 0; k < nid; k++) {
            get_str(&r, v->ids[k], sizeof v->ids[k], 0);
            if (!v->ids[k][0])
                goto bad;
        }
        m->vendors.n++;
    }
    if (r.bad || r.pos != r.n)
        goto bad;
    *out = m;
    return DP_OK;
bad:
    xmodel_free(m);
    return DP_EPARSE;
nomem:
    xmodel_free(m);
    return DP_ENOMEM;
}
