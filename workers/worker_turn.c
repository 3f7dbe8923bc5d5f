/* worker_turn.c -- a read page that may be turned (common/turn.h): strips read turned decide,
 * OSD only for text that did not measure as rows; the page read again upright when turned. */
#include "turn.h"
#include <stdlib.h>
#include "util.h"
#include "worker.h"

#define TURN_MIN_OSD_CONF 2.0f /* OSD's orientation confidence needed to act on it */

static double read_score(const struct dp_page *p)
{
    return (double)p->conf * (double)p->nwords;
}

/* Moves the edges of strip s of pix (to be turned by deg) to the rows (columns for a quarter
 * turn) with the least ink within a line pitch (2 char heights), so that no line of text is cut
 * in two: a cut line reads as garbage either way up. */
static void snap_strip(PIX *pix, struct turn_strip *s, int deg, double char_h)
{
    PIX *bin = NULL;
    if (pixOtsuAdaptiveThreshold(pix, 4000, 4000, 0, 0, 0.1f, NULL, &bin) || !bin)
        return;
    int side = deg == 90 || deg == 270;
    NUMA *na = side ? pixCountPixelsByColumn(bin) : pixCountPixelsByRow(bin, NULL);
    pixDestroy(&bin);
    l_int32 n = na ? numaGetCount(na) : 0;
    int *ink = n > 0 ? malloc((size_t)n * sizeof *ink) : NULL;
    for (l_int32 i = 0; ink && i < n; i++)
        numaGetIValue(na, i, &ink[i]);
    numaDestroy(&na);
    if (!ink)
        return;
    int reach = (int)(2.0 * (char_h > 0 ? char_h : 20.0));
    int a = side ? s->x : s->y, b = a + (side ? s->w : s->h);
    a = turn_snap(ink, (size_t)n, a, reach);
    b = turn_snap(ink, (size_t)n, b, reach);
    free(ink);
    if (b - a < 8)
        return;
    if (side) {
        s->x = a;
        s->w = b - a;
    } else {
        s->y = a;
        s->h = b - a;
    }
}

/* Reads strip s of pix turned by deg as one block; *conf its mean word confidence (0 when
 * nothing was read). */
static dp_err trial(struct ocr *o, PIX *pix, int dpi, struct turn_strip s, int deg,
                    long long budget, float *conf)
{
    *conf = 0.0f;
    BOX *b = boxCreate(s.x, s.y, s.w, s.h);
    PIX *clip = b ? pixClipRectangle(pix, b, NULL) : NULL;
    PIX *t = clip ? pixRotateOrth(clip, deg / 90) : NULL;
    boxDestroy(&b);
    pixDestroy(&clip);
    if (!t)
        return DP_ENOMEM;
    pixSetResolution(t, dpi, dpi);
    struct dp_page p;
    dp_err rc = ocr_page(o, t, dpi, PAGEPREP_PSM_BLOCK, 0, budget, &p);
    pixDestroy(&t);
    if (rc)
        return rc == DP_ENOMEM || rc == DP_ETIMEOUT ? rc : DP_OK;
    *conf = p.nwords ? p.conf : 0.0f;
    page_cleanup(&p);
    return DP_OK;
}

/* The turn OSD sees (degrees clockwise that upright the page; 0 = none or unsure). */
static int osd_turn(struct ocr *o, PIX *pix, int dpi)
{
    int deg = 0;
    float conf = 0;
    if (ocr_orientation(o, pix, dpi, &deg, &conf) || conf < TURN_MIN_OSD_CONF)
        return 0;
    return (360 - deg) % 360; /* OSD says how far the page was turned clockwise */
}

dp_err worker_turn_check(struct ocr *o, PIX *pix, int dpi, double char_h, int page_no,
                         long long budget, int suspect, struct dp_page *page)
{
    if (budget <= 0)
        return DP_OK;
    int64_t t0 = util_mono_ms();
    int sideways = turn_sideways(page->words, page->nwords), cand[TURN_MAX_CANDIDATE];
    float conf[TURN_MAX_CANDIDATE];
    size_t nc = turn_candidates(page->conf, page->nwords, sideways, cand);
    int pw = (int)pixGetWidth(pix), ph = (int)pixGetHeight(pix), deg = 0, cx = -1, cy = -1;
    if (nc && turn_text_centre(page->words, page->nwords, &cx, &cy))
        return DP_ENOMEM;
    for (size_t i = 0; i < nc; i++) {
        struct turn_strip s = turn_strip_of(pw, ph, char_h, cand[i], cx, cy);
        snap_strip(pix, &s, cand[i], char_h);
        dp_err rc = trial(o, pix, dpi, s, cand[i], budget - (util_mono_ms() - t0), &conf[i]);
        if (rc)
            return rc == DP_ETIMEOUT ? DP_OK : rc; /* out of time: the page stands as read */
    }
    if (nc) {
        struct turn_strip up = turn_strip_of(pw, ph, char_h, 0, cx, cy);
        int k = turn_pick(cand, conf, nc,
                          turn_strip_conf(page->words, page->nwords, up, page->conf), sideways);
        deg = k < 0 ? 0 : cand[k];
    }
    /* text that did not measure as rows (a column narrower than PAGEPREP_MIN_COLS character
     * heights): OSD, as no strip of rows can be chosen on it */
    if (!deg && suspect)
        deg = osd_turn(o, pix, dpi);
    if (!deg)
        return DP_OK;
    PIX *up = pixRotateOrth(pix, deg / 90);
    if (!up)
        return DP_ENOMEM;
    /* turned a quarter, the page's column may now be narrow (a receipt): measured again */
    int psm = page->psm;
    struct pageprep_measure *m = deg != 180 ? malloc(sizeof *m) : NULL;
    if (m && pageprep_measure(up, m) == DP_OK)
        psm = pageprep_psm(m);
    free(m);
    struct dp_page second;
    dp_err rc = ocr_page(o, up, dpi, psm, page_no, budget - (util_mono_ms() - t0), &second);
    pixDestroy(&up);
    if (rc)
        return rc == DP_ETIMEOUT || rc == DP_ENOMEM ? rc : DP_OK;
    /* the trial (or OSD) said turned: upright wins ties */
    if (read_score(&second) > 0.9 * read_score(page)) {
        page_cleanup(page);
        *page = second;
        page->rotation = deg;
    } else {
        page_cleanup(&second);
    }
    return DP_OK;
}
