/* form_marks.c -- selection marks: connected components of checkbox size whose outline is a
 * square (four straight inked sides) or a circle (an inked ring with empty corners), ticked
 * when their inside holds ink. */
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "table_int.h"

#define MARK_MIN_IN    0.10 /* side of a mark, inches */
#define MARK_MAX_IN    0.40
#define MARK_ASPECT    1.3   /* longer side / shorter side at most */
#define SIDE_INKED     0.80  /* share of a side's length that must be inked (square) */
#define TICK_FILL      0.10  /* inside ink share from which a mark is selected */
#define RING_SAMPLES   16    /* directions probed for a circle's ring */
#define CORNER_EMPTY   0.12  /* a circle's corners hold at most this share of ink */
#define LABEL_GAP_EM   3.0   /* a label starts within this many em of its mark */
#define MARK_WORD_SURE 60.0f /* a word read less sure than this may hide a mark */

static int ink(const unsigned char *b, int w, int x, int y)
{
    return b[(size_t)y * (size_t)w + (size_t)x] != 0;
}

/* Share of positions along one side that have ink within the side's band of depth d. */
static double side_share(const unsigned char *b, int w, int h, int side, int d)
{
    int len = side < 2 ? w : h, hit = 0;
    for (int i = 0; i < len; i++) {
        int any = 0;
        for (int k = 0; k < d && !any; k++) {
            int x = side == 0 || side == 1 ? i : side == 2 ? k : w - 1 - k;
            int y = side == 0 ? k : side == 1 ? h - 1 - k : i;
            any = ink(b, w, x, y);
        }
        hit += any;
    }
    return len ? (double)hit / len : 0.0;
}

/* Ink share of the rectangle [x0,x1) x [y0,y1). */
static double fill(const unsigned char *b, int w, int x0, int y0, int x1, int y1)
{
    int n = 0, on = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            n++;
            on += ink(b, w, x, y);
        }
    return n ? (double)on / n : 0.0;
}

void form_mark_words(const struct dp_word *words, size_t nwords, const struct form_mark *marks,
                     size_t nmarks, char *skip)
{
    for (size_t i = 0; i < nwords; i++) {
        const struct dp_word *w = &words[i];
        int cx = w->x + w->w / 2, cy = w->y + w->h / 2;
        skip[i] = 0;
        for (size_t k = 0; k < nmarks && !skip[i]; k++) {
            const struct table_box *b = &marks[k].bbox;
            skip[i] = cx >= b->x && cx < b->x + b->w && cy >= b->y && cy < b->y + b->h &&
                      2 * w->w <= 3 * b->w;
        }
    }
}

int form_mark_classify(const unsigned char *bits, int w, int h, enum form_mark_state *state,
                       int *round)
{
    if (!bits || w < 6 || h < 6 || w > 4 * h || h > 4 * w)
        return 0;
    int d = (w < h ? w : h) / 8 + 1;
    int cw = w * 15 / 100 + 1, ch = h * 15 / 100 + 1;
    double sides = 1.0;
    for (int s = 0; s < 4; s++) {
        double v = side_share(bits, w, h, s, d);
        sides = v < sides ? v : sides;
    }
    double corners = (fill(bits, w, 0, 0, cw, ch) + fill(bits, w, w - cw, 0, w, ch) +
                      fill(bits, w, 0, h - ch, cw, h) + fill(bits, w, w - cw, h - ch, w, h)) /
                     4;
    /* outlines are drawn with thin strokes; letters (o, D, 0) have thick ones */
    int stroke = 0, maxs = (w < h ? w : h) * 18 / 100 + 2;
    for (int side = 0; side < 4; side++) {
        int run = 0, len = side < 2 ? w : h;
        for (int k = 0; k < len / 2; k++) {
            int x = side == 0 ? k : side == 1 ? w - 1 - k : w / 2;
            int y = side < 2 ? h / 2 : side == 2 ? k : h - 1 - k;
            if (ink(bits, w, x, y))
                run++;
            else if (run)
                break;
        }
        stroke = run > stroke ? run : stroke;
    }
    if (stroke > maxs)
        return 0;
    int ix = w / 4, iy = h / 4;
    double inside = fill(bits, w, ix, iy, w - ix, h - iy);
    if (inside > 0.85)
        return 0; /* a solid blob (a bullet, a filled bar) */
    if (sides >= SIDE_INKED && corners > CORNER_EMPTY) {
        *round = 0;
        *state = inside >= TICK_FILL ? FORM_SELECTED : FORM_UNSELECTED;
        return 1;
    }
    if (corners > CORNER_EMPTY)
        return 0;
    /* a ring: every direction from the centre meets ink in the outer third */
    double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    static const double dirs[RING_SAMPLES][2] = {
        {1, 0},  {0.924, 0.383},   {0.707, 0.707},   {0.383, 0.924},
        {0, 1},  {-0.383, 0.924},  {-0.707, 0.707},  {-0.924, 0.383},
        {-1, 0}, {-0.924, -0.383}, {-0.707, -0.707}, {-0.383, -0.924},
        {0, -1}, {0.383, -0.924},  {0.707, -0.707},  {0.924, -0.383}};
    for (int i = 0; i < RING_SAMPLES; i++) {
        int hit = 0;
        for (double r = 0.6; r <= 1.0 && !hit; r += 0.05) {
            int x = (int)(cx + dirs[i][0] * r * cx + 0.5),
                y = (int)(cy + dirs[i][1] * r * cy + 0.5);
            hit = x >= 0 && y >= 0 && x < w && y < h && ink(bits, w, x, y);
        }
        if (!hit)
            return 0;
    }
    int rx = w * 3 / 10, ry = h * 3 / 10;
    double core = fill(bits, w, rx, ry, w - rx, h - ry);
    *round = 1;
    *state = core >= 2 * TICK_FILL ? FORM_SELECTED : FORM_UNSELECTED;
    return 1;
}

/* ---- finding marks on a page ---- */

/* Whether the box's centre lies inside a recognised word of two or more characters that is
 * clearly wider than the box and was read with some confidence (a letter 'o' or 'D' of a word
 * is no mark; a box the reader took for a word, "[]" or "L]", may be, and so may a box an
 * unsure word swallowed: "Yes" read at 51 with its box starting at the check box). */
static int inside_word(const struct dp_word *words, size_t nwords, int x, int y, int w, int h)
{
    int cx = x + w / 2, cy = y + h / 2;
    for (size_t i = 0; i < nwords; i++) {
        const struct dp_word *wd = &words[i];
        if (cx >= wd->x && cx < wd->x + wd->w && cy >= wd->y && cy < wd->y + wd->h &&
            strlen(wd->text) >= 2 && 2 * wd->w > 3 * w && wd->conf >= MARK_WORD_SURE)
            return 1;
    }
    return 0;
}

/* The label of a mark: the phrase starting right of it on its line, else the one ending left
 * of it. */
static dp_err mark_label(const struct tl_layout *L, struct form_mark *m)
{
    int cy = m->bbox.y + m->bbox.h / 2, best = -1, best_d = (int)(LABEL_GAP_EM * L->hmed) + 1;
    int left = 0;
    for (size_t s = 0; s < L->nsegs; s++) {
        const struct tl_seg *sg = &L->segs[s];
        if (cy < sg->y0 || cy > sg->y1)
            continue;
        int dr = sg->x0 - (m->bbox.x + m->bbox.w), dl = m->bbox.x - sg->x1;
        /* a phrase whose first word swallowed the mark (its box starts at the mark's left) */
        if (sg->x0 >= m->bbox.x - m->bbox.w / 2 && sg->x0 < m->bbox.x + m->bbox.w / 2)
            dr = 0;
        if (dr >= -m->bbox.w / 2 && dr < best_d) {
            best = (int)s;
            best_d = dr;
            left = 0;
        } else if (dl >= 0 && dl < best_d && (best < 0 || left)) {
            best = (int)s;
            best_d = dl;
            left = 1;
        }
    }
    struct table_box b = {0, 0, 0, 0};
    if (best >= 0 && tl_append(L, L->segs[best].w0, L->segs[best].nw, &m->label, &b))
        return DP_ENOMEM;
    if (!m->label && !(m->label = strdup("")))
        return DP_ENOMEM;
    return DP_OK;
}

dp_err form_marks_find(struct Pix *pix, int dpi, float scale, const struct dp_word *words,
                       size_t nwords, struct form_mark **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!pix)
        return DP_EINVAL;
    if (dpi < 50 || dpi > 1200)
        dpi = 300;
    if (!(scale > 0.0f))
        scale = 1.0f;
    int lo = (int)(MARK_MIN_IN * dpi), hi = (int)(MARK_MAX_IN * dpi) + 1;
    PIX *g = pixGetDepth(pix) == 1 ? pixClone(pix) : pixConvertTo8(pix, 0);
    PIX *b = g && pixGetDepth(g) != 1 ? pixThresholdToBinary(g, 160) : pixClone(g);
    pixDestroy(&g);
    BOXA *boxa = b ? pixConnCompBB(b, 8) : NULL;
    if (!boxa) {
        pixDestroy(&b);
        return DP_ENOMEM;
    }
    /* marks are judged on the page's pixels in their box: a tick drawn apart from the outline
     * is another component but belongs to the mark */
    l_uint32 *data = pixGetData(b);
    int wpl = pixGetWpl(b);
    struct form_mark *v = NULL;
    size_t cap = 0;
    dp_err rc = DP_OK;
    unsigned char *bits = malloc((size_t)hi * (size_t)hi);
    if (!bits)
        rc = DP_ENOMEM;
    int nb = boxaGetCount(boxa);
    for (int i = 0; !rc && i < nb && *n < FORM_MAX_MARKS; i++) {
        l_int32 x, y, w, h;
        if (boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h) || w < lo || h < lo || w > hi || h > hi ||
            w > MARK_ASPECT * h || h > MARK_ASPECT * w)
            continue;
        struct table_box pb = {(int)((float)x / scale), (int)((float)y / scale),
                               (int)((float)w / scale + 0.5f), (int)((float)h / scale + 0.5f)};
        if (inside_word(words, nwords, pb.x, pb.y, pb.w, pb.h))
            continue;
        for (int yy = 0; yy < h; yy++) {
            const l_uint32 *line = data + (size_t)(y + yy) * (size_t)wpl;
            for (int xx = 0; xx < w; xx++)
                bits[(size_t)yy * (size_t)w + (size_t)xx] =
                    (unsigned char)GET_DATA_BIT(line, x + xx);
        }
        enum form_mark_state st;
        int round;
        if (!form_mark_classify(bits, w, h, &st, &round))
            continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            struct form_mark *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                rc = DP_ENOMEM;
                break;
            }
            v = nv;
            cap = nc;
        }
        v[(*n)++] = (struct form_mark){pb, st, round, NULL};
    }
    free(bits);
    boxaDestroy(&boxa);
    pixDestroy(&b);
    struct tl_layout L;
    char *skip = !rc && *n ? malloc(nwords ? nwords : 1) : NULL;
    if (!rc && *n && !skip)
        rc = DP_ENOMEM;
    if (skip)
        form_mark_words(words, nwords, v, *n, skip);
    if (!rc && *n && !(rc = tl_build(&L, words, nwords, skip, 1.0))) {
        for (size_t i = 0; !rc && i < *n; i++)
            rc = mark_label(&L, &v[i]);
        tl_cleanup(&L);
    }
    free(skip);
    if (rc || *n == 0) {
        form_mark_list_free(v, *n);
        *n = 0;
        return rc;
    }
    *out = v;
    return DP_OK;
}
