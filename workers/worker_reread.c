/* worker_reread.c -- the weak lines of a read page read again another way (alone, as one text
 * line, enlarged) and the better reading of each kept (common/linemerge.c); text running up or
 * down the page read again turned (common/vtext.h). Lines that read well are never touched, so
 * clean pages pay only the scan over their words. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "altread.h"
#include "linemerge.h"
#include "pageprep.h"
#include "util.h"
#include "vtext.h"
#include "worker.h"

#define REREAD_LINE_CONF 75.0f /* a line whose mean word confidence is below this is weak */
#define REREAD_WORD_CONF 45.0f /* ...or one with a word below this */
#define REREAD_MAX_LINES 40    /* lines re-read per page, at most */
#define REREAD_SCALE     1.5f  /* the line is enlarged by this for its second read */
#define REREAD_KEY_PX    64.0f /* a key line (a date, a total) is enlarged to this line height */
#define REREAD_KEY_SURE  85.0f /* ...unless every word of it was read at least this sure */
#define REREAD_CLEAN     90.0f /* or the page's mean word confidence is this high (clean print) */
#define REREAD_PAD       0.35  /* margin around the line's box, in line heights */
#define REREAD_COVERED   0.3   /* a row of ink with less of its width under words is missing */
#define REREAD_NEW_SCORE 50.0  /* a missing row's reading must score this to be added */
#define VTEXT_KNOWN      0.8   /* a turned reading this much in words or numbers is upright */

void worker_words_free(struct dp_word *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i].text);
    free(w);
}

struct worker_span *worker_spans_of(const struct dp_page *p, size_t extra, size_t *nspans)
{
    struct worker_span *v = calloc(p->nwords + extra + 1, sizeof *v);
    size_t k = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < p->nwords; i++) {
        const struct dp_word *w = &p->words[i];
        struct worker_span *s = k ? &v[k - 1] : NULL;
        if (!s || p->words[s->first].line != w->line) {
            s = &v[k++];
            s->first = i;
            s->x0 = w->x;
            s->y0 = w->y;
            s->x1 = w->x + w->w;
            s->y1 = w->y + w->h;
            s->minconf = w->conf;
        }
        s->n++;
        s->conf += w->conf;
        s->minconf = w->conf < s->minconf ? w->conf : s->minconf;
        s->x0 = w->x < s->x0 ? w->x : s->x0;
        s->y0 = w->y < s->y0 ? w->y : s->y0;
        s->x1 = w->x + w->w > s->x1 ? w->x + w->w : s->x1;
        s->y1 = w->y + w->h > s->y1 ? w->y + w->h : s->y1;
    }
    for (size_t i = 0; i < k; i++)
        v[i].conf /= (float)v[i].n;
    *nspans = k;
    return v;
}

/* Whether the second reading (dp_page.alt) has an alternate for line. */
static int has_alt(const struct dp_page *page, int line)
{
    for (size_t i = 0; i < page->nalt; i++)
        if (page->alt[i].line == line)
            return 1;
    return 0;
}

static int weak(const struct worker_span *s)
{
    return s->conf < REREAD_LINE_CONF || s->minconf < REREAD_WORD_CONF;
}

/* Whether w's centre falls inside a word the page already has. */
static int known_word(const struct dp_page *page, const struct dp_word *w)
{
    int cx = w->x + w->w / 2, cy = w->y + w->h / 2;
    for (size_t i = 0; i < page->nwords; i++) {
        const struct dp_word *o = &page->words[i];
        if (cx >= o->x && cx < o->x + o->w && cy >= o->y && cy < o->y + o->h)
            return 1;
    }
    return 0;
}

/* Reads span s of pix again as one enlarged line; fills s->alt when that reading is better. */
static dp_err reread_one(struct ocr *o, PIX *pix, int dpi, long long budget_ms,
                         const struct dp_page *page, struct worker_span *s)
{
    int lh = s->y1 - s->y0, pad = (int)(REREAD_PAD * lh) + 2;
    int W = (int)pixGetWidth(pix), H = (int)pixGetHeight(pix);
    int x0 = s->x0 - 2 * pad < 0 ? 0 : s->x0 - 2 * pad, y0 = s->y0 - pad < 0 ? 0 : s->y0 - pad;
    int x1 = s->x1 + 2 * pad > W ? W : s->x1 + 2 * pad, y1 = s->y1 + pad > H ? H : s->y1 + pad;
    if (x1 - x0 < 4 || y1 - y0 < 4)
        return DP_OK;
    /* Digits misread at reading size (2018 -> 2078) read right larger: key lines go larger. */
    float f = REREAD_SCALE;
    if (s->key && lh > 0 && REREAD_KEY_PX / (float)lh > f)
        f = REREAD_KEY_PX / (float)lh > 4.0f ? 4.0f : REREAD_KEY_PX / (float)lh;
    struct dp_word *w = NULL;
    size_t n = 0;
    dp_err rc = ocr_line_region(o, pix, dpi, x0, y0, x1, y1, f, budget_ms, &w, &n);
    s->reread = 1;
    if (rc)
        return rc;
    struct linemerge_word a[256], b[256];
    size_t na = s->n < 256 ? s->n : 256, nb = n < 256 ? n : 256;
    for (size_t i = 0; i < na; i++)
        a[i] =
            (struct linemerge_word){page->words[s->first + i].text, page->words[s->first + i].conf};
    for (size_t i = 0; i < nb; i++)
        b[i] = (struct linemerge_word){w[i].text, w[i].conf};
    int take = n <= 256 && linemerge_prefer(a, na, b, nb);
    if (take && s->missing && linemerge_score(b, nb) < REREAD_NEW_SCORE)
        take = 0; /* a picture, a rule, noise: not text worth adding */
    if (take) {
        for (size_t i = 0; i < n; i++) {
            w[i].x = x0 + (int)((float)w[i].x / f);
            w[i].y = y0 + (int)((float)w[i].y / f);
            w[i].w = (int)((float)w[i].w / f + 0.5f);
            w[i].h = (int)((float)w[i].h / f + 0.5f);
        }
        /* A missing row may hold words the first read did find (a table row: words far apart
         * cover little of the row's width): keep only the words that are new. */
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (s->missing && known_word(page, &w[i])) {
                free(w[i].text);
                continue;
            }
            w[k++] = w[i];
        }
        n = k;
        take = n > 0;
    }
    if (take) {
        s->alt = w;
        s->nalt = n;
    } else {
        worker_words_free(w, n);
    }
    return DP_OK;
}

/* Key lines first, then the weakest. */
static int by_conf(const void *a, const void *b, void *ctx)
{
    const struct worker_span *v = ctx, *p = &v[*(const size_t *)a], *q = &v[*(const size_t *)b];
    if (p->key != q->key)
        return q->key - p->key;
    return (p->conf > q->conf) - (p->conf < q->conf);
}

/* Whether the line holds a date-shaped token or the word total: the values a document is read
 * for, where one misread digit costs the most. */
static int key_line(const struct dp_page *page, const struct worker_span *s)
{
    for (size_t i = s->first; i < s->first + s->n; i++) {
        const char *t = page->words[i].text;
        if (linemerge_date_shaped(t, strlen(t)) || strcasestr(t, "total"))
            return 1;
    }
    return 0;
}

/* Marks the rows of ink that no word covers as missing lines, appended to v (room for
 * nrows more). Returns the new count. */
static size_t add_missing(const struct dp_page *page, struct worker_span *v, size_t nspans,
                          const struct pageprep_box *rows, size_t nrows)
{
    size_t k = nspans;
    for (size_t r = 0; r < nrows; r++) {
        const struct pageprep_box *b = &rows[r];
        long covered = 0;
        int inside = 0; /* words centred in the row */
        for (size_t i = 0; i < page->nwords; i++) {
            const struct dp_word *w = &page->words[i];
            int cy = w->y + w->h / 2, cx = w->x + w->w / 2;
            if (cy < b->y || cy > b->y + b->h)
                continue;
            int x0 = w->x > b->x ? w->x : b->x;
            int x1 = w->x + w->w < b->x + b->w ? w->x + w->w : b->x + b->w;
            covered += x1 > x0 ? x1 - x0 : 0;
            inside += cx >= b->x && cx <= b->x + b->w;
        }
        /* A row some words were read in is not missing, however sparse (a table row's cells
         * cover a fraction of its width): re-reading it whole would read those words twice. */
        if (inside > 0 || (double)covered >= REREAD_COVERED * b->w)
            continue;
        struct worker_span *s = &v[k++];
        memset(s, 0, sizeof *s);
        s->missing = 1;
        s->x0 = b->x;
        s->y0 = b->y;
        s->x1 = b->x + b->w;
        s->y1 = b->y + b->h;
    }
    return k;
}

/* Reading position of a missing span: before the first line below it that overlaps it
 * horizontally, else at the end. */
static size_t slot_of(const struct worker_span *v, size_t nspans, const struct worker_span *m)
{
    for (size_t i = 0; i < nspans; i++)
        if (v[i].y0 >= (m->y0 + m->y1) / 2 && v[i].x0 < m->x1 && m->x0 < v[i].x1)
            return i;
    return nspans;
}

/* Puts the kept re-reads into page: new word array (lines numbered anew when a missing line
 * was added), confidence, text, re-read line list. */
static dp_err splice(struct dp_page *page, struct worker_span *v, size_t nspans, size_t nall)
{
    size_t total = 0, nre = 0, nrep = 0, added = 0;
    for (size_t i = 0; i < nall; i++) {
        total += v[i].alt ? v[i].nalt : v[i].n;
        nre += (size_t)(v[i].reread && (!v[i].missing || v[i].alt));
        added += (size_t)(v[i].missing && v[i].alt);
    }
    struct dp_word *words = calloc(total ? total : 1, sizeof *words);
    int *re = calloc(nre ? nre : 1, sizeof *re);
    struct worker_span **order = calloc(nall ? nall : 1, sizeof *order);
    if (!words || !re || !order) {
        free(words);
        free(re);
        free(order);
        return DP_ENOMEM;
    }
    /* reading order: the first read's lines, each added line before the line below it */
    size_t no = 0;
    for (size_t i = 0; i <= nspans; i++) {
        for (size_t j = nspans; j < nall; j++)
            if (v[j].alt && slot_of(v, nspans, &v[j]) == i)
                order[no++] = &v[j];
        if (i < nspans)
            order[no++] = &v[i];
    }
    size_t k = 0, r = 0;
    double sum = 0;
    for (size_t i = 0; i < no; i++) {
        struct worker_span *s = order[i];
        int line = added ? (int)i : page->words[s->first].line;
        int block = s->n                            ? page->words[s->first].block
                    : i + 1 < no && order[i + 1]->n ? page->words[order[i + 1]->first].block
                    : k                             ? words[k - 1].block
                                                    : 0;
        if (s->reread && (!s->missing || s->alt))
            re[r++] = line;
        if (s->alt) {
            for (size_t j = 0; j < s->nalt; j++) {
                s->alt[j].line = line;
                s->alt[j].block = block;
            }
            memcpy(words + k, s->alt, s->nalt * sizeof *words);
            k += s->nalt;
            free(s->alt); /* the texts moved into words */
            s->alt = NULL;
            s->nalt = 0;
            nrep++;
            for (size_t j = s->first; j < s->first + s->n; j++)
                free(page->words[j].text);
        } else {
            memcpy(words + k, page->words + s->first, s->n * sizeof *words);
            for (size_t j = 0; j < s->n; j++)
                words[k + j].line = line;
            k += s->n;
        }
    }
    /* the second reading's lines follow their lines to their new numbers */
    int maxl = -1;
    for (size_t i = 0; added && i < page->nwords; i++)
        maxl = page->words[i].line > maxl ? page->words[i].line : maxl;
    int *map = maxl >= 0 ? malloc(((size_t)maxl + 1) * sizeof *map) : NULL;
    for (int i = 0; map && i <= maxl; i++)
        map[i] = -1;
    for (size_t i = 0; map && i < no; i++)
        if (order[i]->n)
            map[page->words[order[i]->first].line] = (int)i;
    for (size_t i = 0; map && i < page->nalt; i++)
        if (page->alt[i].line >= 0 && page->alt[i].line <= maxl)
            page->alt[i].line = map[page->alt[i].line];
    free(map);
    free(order);
    for (size_t i = 0; i < k; i++)
        sum += words[i].conf;
    free(page->words);
    page->words = words;
    page->nwords = k;
    page->conf = k ? (float)(sum / (double)k) : 0.0f;
    free(page->reread);
    page->reread = re;
    page->nreread = r;
    page->nreplaced = nrep;
    return nrep ? page_text_from_words(page) : DP_OK;
}

dp_err worker_reread_lines(struct ocr *o, PIX *pix, int dpi, long long budget_ms,
                           const struct pageprep_box *rows, size_t nrows, const unsigned char *band,
                           size_t nband, struct dp_page *page)
{
    size_t nspans = 0, nweak = 0;
    struct worker_span *v = worker_spans_of(page, nrows, &nspans);
    if (!v)
        return DP_ENOMEM;
    size_t nall = add_missing(page, v, nspans, rows, nrows);
    size_t *order = calloc(nall ? nall : 1, sizeof *order);
    if (!order) {
        free(v);
        return DP_ENOMEM;
    }
    /* Key lines are re-read for the digits misread at reading size on poor pages (receipts,
     * photos); on clean print, or when every word of the line is sure, the re-read is kept
     * about once in 20 times (on 30 receipts), so it is not worth its cost. */
    int keys = page->conf < REREAD_CLEAN;
    for (size_t i = 0; i < nall; i++) {
        v[i].key = keys && !v[i].missing && v[i].minconf < REREAD_KEY_SURE && key_line(page, &v[i]);
        /* On a one-block page (a receipt) read twice, a weak line is read a third time only
         * when the two readings differ on it and it is broken (e2e_reading's blurred line):
         * the second reading is kept for the others (altread_reread_weak); a line outside
         * the second reading's band was read once. Key lines and rows no word covers are
         * read as before. */
        int line = v[i].missing ? -1 : page->words[v[i].first].line;
        int twice = page->read_twice &&
                    (!band || line < 0 || (size_t)line >= nband || band[line]); /* in the band */
        int spared =
            !v[i].missing && !altread_reread_weak(page->psm, twice, has_alt(page, line), v[i].conf);
        if (v[i].missing || v[i].key || (weak(&v[i]) && !spared))
            order[nweak++] = i;
    }
    dp_err rc = DP_OK;
    if (nweak) {
        qsort_r(order, nweak, sizeof *order, by_conf, v);
        int64_t end = util_mono_ms() + budget_ms;
        for (size_t i = 0; i < nweak && i < REREAD_MAX_LINES && !rc; i++) {
            long long left = end - util_mono_ms();
            if (left <= 0)
                break;
            rc = reread_one(o, pix, dpi, left, page, &v[order[i]]);
        }
        if (rc == DP_ETIMEOUT || rc == DP_EOCR)
            rc = DP_OK; /* Best effort: the first read stands for the lines not re-read. */
        if (!rc)
            rc = splice(page, v, nspans, nall);
    }
    for (size_t i = 0; i < nall; i++)
        worker_words_free(v[i].alt, v[i].nalt);
    free(order);
    free(v);
    return rc;
}

/* ---- text running up or down the page ---- */

/* Maps the words w[0..n) read on a crop (cw x ch pixels, at x0, y0 of the page) turned by quads
 * quarter turns clockwise (1 or 3) and enlarged f times back to the page's pixels. */
static void unturn_words(struct dp_word *w, size_t n, int quads, float f, int x0, int y0, int cw,
                         int ch)
{
    for (size_t i = 0; i < n; i++) {
        int rx = (int)((float)w[i].x / f), ry = (int)((float)w[i].y / f);
        int rw = (int)((float)w[i].w / f + 0.5f), rh = (int)((float)w[i].h / f + 0.5f);
        if (quads == 1) { /* turned clockwise: x' = ch - 1 - y, y' = x */
            w[i].x = x0 + ry;
            w[i].y = y0 + ch - rx - rw;
        } else { /* counter-clockwise: x' = y, y' = cw - 1 - x */
            w[i].x = x0 + cw - ry - rh;
            w[i].y = y0 + rx;
        }
        w[i].w = rh;
        w[i].h = rw;
    }
}

/* Reads the box x0,y0-x1,y1 of pix turned a quarter clockwise (quads 1) or counter-clockwise
 * (3), enlarged REREAD_SCALE times, as one line: the words in *w, *n (page pixels), *known
 * their characters in words of the dictionary or numbers (ocr_line_known). */
static dp_err read_turned(struct ocr *o, PIX *pix, int dpi, long long budget_ms, int x0, int y0,
                          int x1, int y1, int quads, struct dp_word **w, size_t *n, size_t *known)
{
    *w = NULL;
    *n = 0;
    BOX *box = boxCreate(x0, y0, x1 - x0, y1 - y0);
    PIX *crop = box ? pixClipRectangle(pix, box, NULL) : NULL;
    PIX *turned = crop ? pixRotateOrth(crop, quads) : NULL;
    PIX *big = turned ? pixScale(turned, REREAD_SCALE, REREAD_SCALE) : NULL;
    boxDestroy(&box);
    pixDestroy(&crop);
    pixDestroy(&turned);
    if (!big)
        return DP_ENOMEM;
    dp_err rc = ocr_line_known(o, big, (int)((float)dpi * REREAD_SCALE), budget_ms, w, n, known);
    pixDestroy(&big);
    if (!rc)
        unturn_words(*w, *n, quads, REREAD_SCALE, x0, y0, x1 - x0, y1 - y0);
    return rc;
}

/* Characters of words[0..n), or only its letters and digits (alnum). */
static size_t chars_of(const struct dp_word *w, size_t n, int alnum)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (const unsigned char *p = (const unsigned char *)w[i].text; *p; p++)
            k += (size_t)(!alnum || isalnum(*p));
    return k;
}

/* Scores words[0..n) as common/linemerge.h does (at most 256 of them). */
static double score_of(const struct dp_word *w, size_t n)
{
    struct linemerge_word v[256];
    size_t k = n < 256 ? n : 256;
    for (size_t i = 0; i < k; i++)
        v[i] = (struct linemerge_word){w[i].text, w[i].conf};
    return linemerge_score(v, k);
}

/* Replaces the words of group g ((*group)[i] == g) in page by nw[0..nn) (taken over), placed
 * where the group's first word was, on its line and block; *group is replaced by the tags of
 * the new word list (-1 for the new words), so the other groups' tags stay on their words.
 * DP_ENOMEM (nothing changed). */
static dp_err replace_group(struct dp_page *page, int **group, int g, struct dp_word *nw, size_t nn)
{
    size_t total = page->nwords + nn, k = 0;
    struct dp_word *v = calloc(total ? total : 1, sizeof *v);
    int *tags = malloc((total ? total : 1) * sizeof *tags);
    if (!v || !tags) {
        free(v);
        free(tags);
        return DP_ENOMEM;
    }
    int placed = 0;
    for (size_t i = 0; i < page->nwords; i++) {
        if ((*group)[i] != g) {
            tags[k] = (*group)[i];
            v[k++] = page->words[i];
            continue;
        }
        if (!placed) {
            for (size_t j = 0; j < nn; j++) {
                v[k] = nw[j];
                v[k].line = page->words[i].line;
                v[k].block = page->words[i].block;
                tags[k++] = -1;
            }
            placed = 1;
        }
        free(page->words[i].text);
    }
    free(page->words);
    free(nw); /* the texts moved into v */
    free(*group);
    *group = tags;
    page->words = v;
    page->nwords = k;
    return DP_OK;
}

/* Numbers page's lines 0, 1, ... again in reading order once groups spanning several lines
 * were replaced (the lines re-read and the second reading's lines follow). */
static dp_err renumber_lines(struct dp_page *page)
{
    int maxl = -1;
    for (size_t i = 0; i < page->nwords; i++)
        maxl = page->words[i].line > maxl ? page->words[i].line : maxl;
    for (size_t i = 0; i < page->nalt; i++)
        maxl = page->alt[i].line > maxl ? page->alt[i].line : maxl;
    for (size_t i = 0; i < page->nreread; i++)
        maxl = page->reread[i] > maxl ? page->reread[i] : maxl;
    if (maxl < 0)
        return DP_OK;
    int *map = malloc(((size_t)maxl + 1) * sizeof *map), next = 0;
    if (!map)
        return DP_ENOMEM;
    for (int i = 0; i <= maxl; i++)
        map[i] = -1;
    for (size_t i = 0; i < page->nwords; i++)
        if (page->words[i].line >= 0 && map[page->words[i].line] < 0)
            map[page->words[i].line] = next++;
    for (size_t i = 0; i < page->nwords; i++)
        page->words[i].line = page->words[i].line >= 0 ? map[page->words[i].line] : -1;
    for (size_t i = 0; i < page->nalt; i++)
        page->alt[i].line = page->alt[i].line >= 0 ? map[page->alt[i].line] : -1;
    size_t r = 0;
    for (size_t i = 0; i < page->nreread; i++)
        if (page->reread[i] >= 0 && map[page->reread[i]] >= 0)
            page->reread[r++] = map[page->reread[i]];
    page->nreread = r;
    free(map);
    return DP_OK;
}

/* Adds line to page's re-read lines (quality.reread_lines). DP_ENOMEM. */
static dp_err add_reread(struct dp_page *page, int line)
{
    for (size_t i = 0; i < page->nreread; i++)
        if (page->reread[i] == line)
            return DP_OK;
    int *v = realloc(page->reread, (page->nreread + 1) * sizeof *v);
    if (!v)
        return DP_ENOMEM;
    v[page->nreread++] = line;
    page->reread = v;
    return DP_OK;
}

dp_err worker_reread_vertical(struct ocr *o, PIX *pix, int dpi, long long budget_ms,
                              struct dp_page *page)
{
    if (page->nwords < 3)
        return DP_OK;
    int *group = calloc(page->nwords, sizeof *group);
    if (!group)
        return DP_ENOMEM;
    size_t ng = vtext_groups(page->words, page->nwords, group), nrep = 0;
    int W = (int)pixGetWidth(pix), H = (int)pixGetHeight(pix);
    int64_t end = util_mono_ms() + budget_ms;
    dp_err rc = DP_OK;
    for (int g = (int)ng - 1; g >= 0 && !rc; g--) {
        int x0 = W, y0 = H, x1 = 0, y1 = 0;
        struct dp_word old[256];
        size_t nold = 0;
        for (size_t i = 0; i < page->nwords; i++) {
            const struct dp_word *w = &page->words[i];
            if (group[i] != g)
                continue;
            x0 = w->x < x0 ? w->x : x0;
            y0 = w->y < y0 ? w->y : y0;
            x1 = w->x + w->w > x1 ? w->x + w->w : x1;
            y1 = w->y + w->h > y1 ? w->y + w->h : y1;
            if (nold < 256)
                old[nold++] = *w;
        }
        int pad = (int)(REREAD_PAD * (x1 - x0)) + 2; /* the turned line's height is its width */
        x0 = x0 - pad < 0 ? 0 : x0 - pad;
        y0 = y0 - pad < 0 ? 0 : y0 - pad;
        x1 = x1 + pad > W ? W : x1 + pad;
        y1 = y1 + pad > H ? H : y1 + pad;
        if (x1 - x0 < 4 || y1 - y0 < 4)
            continue;
        /* Both ways: Tesseract reads a line the wrong way up about as surely as the right way
         * (`POSLETTO` 80 against `01197604` 79), so the way that reads words of its dictionary
         * or numbers wins, and the surer when neither or both do. */
        struct dp_word *tw[2] = {NULL, NULL};
        size_t tn[2] = {0, 0}, tk[2] = {0, 0};
        double ts[2] = {0, 0};
        for (int k = 0; k < 2 && !rc; k++) {
            long long left = end - util_mono_ms();
            if (left <= 0)
                break;
            rc = read_turned(o, pix, dpi, left, x0, y0, x1, y1, 1 + 2 * k, &tw[k], &tn[k], &tk[k]);
            ts[k] = rc || !tn[k] ? 0.0 : score_of(tw[k], tn[k]);
        }
        int b = tk[1] > tk[0] || (tk[1] == tk[0] && ts[1] > ts[0]);
        size_t nc = chars_of(tw[b], tn[b], 0), na = chars_of(tw[b], tn[b], 1);
        /* surer than the first read (and text), or the only way that reads as words or
         * numbers, all of it (a number read the right way up may come out unsure: 5) */
        int take =
            na >= VTEXT_MIN_CHARS &&
            ((ts[b] >= REREAD_NEW_SCORE &&
              (tk[b] > tk[1 - b] || ts[b] >= score_of(old, nold) + LINEMERGE_MARGIN)) ||
             (ts[b] >= 0.0 && (double)tk[b] >= VTEXT_KNOWN * (double)nc && 2 * tk[1 - b] < tk[b]));
        struct dp_word *best = take ? tw[b] : NULL;
        size_t nbest = take ? tn[b] : 0;
        worker_words_free(tw[1 - b], tn[1 - b]);
        if (!take)
            worker_words_free(tw[b], tn[b]);
        if (rc == DP_ETIMEOUT || rc == DP_EOCR)
            rc = DP_OK; /* Best effort: the first read stands. */
        if (best && !rc) {
            int line = -1;
            for (size_t i = 0; i < page->nwords && line < 0; i++)
                line = group[i] == g ? page->words[i].line : -1;
            rc = replace_group(page, &group, g, best, nbest);
            if (rc)
                worker_words_free(best, nbest);
            else
                rc = add_reread(page, line);
            nrep += (size_t)!rc;
        } else {
            worker_words_free(best, nbest);
        }
    }
    free(group);
    if (rc || !nrep)
        return rc;
    rc = renumber_lines(page);
    double sum = 0;
    for (size_t i = 0; i < page->nwords; i++)
        sum += page->words[i].conf;
    page->conf = page->nwords ? (float)(sum / (double)page->nwords) : 0.0f;
    page->nreplaced += nrep;
    return rc ? rc : page_text_from_words(page);
}
