/* worker_prep.c -- the image Tesseract reads: ruling lines and empty check boxes taken out. */
#include <stdlib.h>
#include <string.h>
#include "deskew.h"
#include "table.h"
#include "unline.h"
#include "worker.h"

#define RULE_MIN_CHARS 5.0 /* a rule erased from a one-block page: character heights, at least */
#define RULE_MEET_DIV  30  /* rules of a grid meet within dpi / this (+2) pixels (1/30 inch) */

int worker_layout_psm(int psm)
{
    return psm == 1 || psm == 3 || psm == 4 || psm == 5 || psm == 11 || psm == 12;
}

/* Replaces *pix by clean (its resolution kept) unless clean is NULL. */
static void take(PIX **pix, PIX *clean)
{
    if (!clean)
        return;
    pixCopyResolution(clean, *pix);
    pixDestroy(pix);
    *pix = clean;
}

/* The horizontal rules (*nh) of pix turned by deg set straight: a crooked page's rules are
 * found only there. DP_ENOMEM only. */
static dp_err straight_rules(PIX *pix, int dpi, float deg, size_t *nh)
{
    struct table_rule *rules = NULL;
    size_t n = 0;
    PIX *straight = deskew_rotate(pix, deg);
    if (!straight)
        return DP_ENOMEM;
    dp_err rc = table_rules_find(straight, dpi, &rules, &n);
    pixDestroy(&straight);
    if (rc == DP_ENOMEM)
        return rc;
    *nh = 0;
    for (size_t i = 0; rc == DP_OK && i < n; i++)
        *nh += (size_t)(rules[i].x2 - rules[i].x1 >= rules[i].y2 - rules[i].y1);
    free(rules);
    return DP_OK;
}

dp_err worker_prep_clean(PIX **pix, int dpi, double f, double char_h, int layout,
                         const struct worker_rules *pre)
{
    /* One block (receipts, slips): only rules long next to the text are erased, shorter ones
     * are letter strokes that line up (a low-resolution receipt has dozens; erasing them cuts
     * the letters). Layout analysis: the rules of a ruled grid, it may read nothing inside
     * one; rules outside a grid (underlined text, form fields) stay, erasing them cuts the
     * letters that touch them (FUNSD word recall .748 -> .761 on 30 forms). */
    double min_rule = 0.0;
    if (!layout)
        min_rule = RULE_MIN_CHARS * (char_h > 0 ? char_h : PAGEPREP_TARGET_PX);
    /* Ruling lines are erased from what Tesseract reads (layout analysis may read nothing
     * inside a ruled grid, one block reads a rule as "|"); found on the image as read, where
     * letters are large enough not to pass for rules. */
    struct table_rule *rules = NULL;
    size_t nrules = 0, k = 0;
    dp_err found = DP_ENOMEM;
    if (f == 1.0 && pre && pre->v) {
        if ((rules = malloc(pre->n * sizeof *rules))) {
            memcpy(rules, pre->v, pre->n * sizeof *rules);
            nrules = pre->n;
            found = DP_OK;
        }
    } else if (f == 1.0 && pre) {
        found = DP_OK; /* none on this page */
    } else {
        found = table_rules_find(*pix, dpi, &rules, &nrules);
    }
    size_t nh = 0;
    for (size_t i = 0; found == DP_OK && i < nrules; i++)
        nh += (size_t)(rules[i].x2 - rules[i].x1 >= rules[i].y2 - rules[i].y1);
    if (found == DP_OK)
        for (size_t i = 0; i < nrules; i++) {
            int dx = rules[i].x2 - rules[i].x1, dy = rules[i].y2 - rules[i].y1;
            if ((double)(dx > dy ? dx : dy) >= min_rule)
                rules[k++] = rules[i];
        }
    if (layout)
        k = pageprep_grid_rules(rules, k, 2 + dpi / RULE_MEET_DIV);
    if (k)
        take(pix, table_rules_erase(*pix, rules, k));
    free(rules);
    /* A form scanned small (enlarged to be read) with rules: the rules out, the letters on
     * them kept (common/unline.h); a form fed a little crooked has them found on a copy set
     * straight (common/deskew.h), where they are rules again. Clean print read as decoded is
     * left as it is. */
    float deg = 0, conf = 0;
    if (layout && f >= UNLINE_MIN_SCALE) {
        if (deskew_find(*pix, &deg, &conf) == DP_ENOMEM)
            return DP_ENOMEM;
        if (!deskew_wanted(deg, conf))
            deg = 0;
        if (deg != 0 && !unline_wanted(layout, f, nh)) {
            dp_err rc = straight_rules(*pix, dpi, deg, &nh);
            if (rc)
                return rc;
        }
    }
    if (unline_wanted(layout, f, nh)) {
        PIX *clean = NULL;
        size_t nerased = 0;
        dp_err urc = unline_erase_turned(*pix, char_h, deg, &clean, &nerased);
        if (urc == DP_ENOMEM)
            return urc;
        if (urc == DP_OK)
            take(pix, clean);
    }
    /* Empty check boxes out of enlarged layout pages (forms), so "[ ] Yes" reads "Yes". */
    if (layout && f >= UNLINE_MIN_SCALE) {
        PIX *clean = NULL;
        size_t nboxes = 0;
        dp_err brc = unline_boxes(*pix, char_h, &clean, &nboxes);
        if (brc == DP_ENOMEM)
            return brc;
        if (brc == DP_OK)
            take(pix, clean);
    }
    return DP_OK;
}
