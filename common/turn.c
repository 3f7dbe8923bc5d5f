/* turn.c -- whether a read page may be turned: candidates, trial strips, the winner. */
#include "turn.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

int turn_sideways(const struct dp_word *w, size_t n)
{
    size_t nlong = 0, tall = 0;
    for (size_t i = 0; i < n; i++) {
        if (!w[i].text || strlen(w[i].text) < TURN_LONG_CHARS)
            continue;
        nlong++;
        tall += (size_t)(w[i].h > w[i].w);
    }
    return nlong >= TURN_MIN_LONG && (double)tall >= TURN_SIDEWAYS * (double)nlong;
}

size_t turn_candidates(float conf, size_t nwords, int sideways, int *out)
{
    if (sideways) {
        out[0] = 90;
        out[1] = 270;
        return 2;
    }
    if (conf < TURN_POOR_CONF || nwords < TURN_MIN_WORDS) {
        out[0] = 180; /* upside down first: a quarter turn mostly reads sideways */
        out[1] = 90;
        out[2] = 270;
        return 3;
    }
    return 0;
}

dp_err turn_text_centre(const struct dp_word *w, size_t n, int *cx, int *cy)
{
    *cx = *cy = -1;
    if (n == 0)
        return DP_OK;
    int *v = malloc(2 * n * sizeof *v);
    if (!v)
        return DP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        v[i] = w[i].x + w[i].w / 2;
        v[n + i] = w[i].y + w[i].h / 2;
    }
    qsort(v, n, sizeof *v, util_cmp_int);
    qsort(v + n, n, sizeof *v, util_cmp_int);
    *cx = v[n / 2];
    *cy = v[n + n / 2];
    free(v);
    return DP_OK;
}

struct turn_strip turn_strip_of(int page_w, int page_h, double char_h, int deg, int cx, int cy)
{
    int side = deg == 90 || deg == 270; /* the turned page's rows are the page's columns */
    int across = side ? page_w : page_h, mid = side ? cx : cy;
    int s = (int)(TURN_STRIP_LINES * 2.0 * (char_h > 0 ? char_h : 20.0) + 0.5);
    s = s > across ? across : s < 1 ? 1 : s;
    int at = mid < 0 ? (across - s) / 2 : mid - s / 2;
    at = at < 0 ? 0 : at + s > across ? across - s : at;
    struct turn_strip r = {0, at, page_w, s};
    if (side)
        r = (struct turn_strip){at, 0, s, page_h};
    return r;
}

int turn_snap(const int *ink, size_t n, int at, int reach)
{
    if (n == 0)
        return at;
    at = at < 0 ? 0 : at >= (int)n ? (int)n - 1 : at;
    int best = at;
    for (int d = 1; d <= reach; d++) {
        int c[2] = {at - d, at + d};
        for (int k = 0; k < 2; k++)
            if (c[k] >= 0 && c[k] < (int)n && ink[c[k]] < ink[best])
                best = c[k];
    }
    return best;
}

float turn_strip_conf(const struct dp_word *w, size_t n, struct turn_strip s, float fallback)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int cx = w[i].x + w[i].w / 2, cy = w[i].y + w[i].h / 2;
        if (cx < s.x || cx >= s.x + s.w || cy < s.y || cy >= s.y + s.h)
            continue;
        sum += w[i].conf;
        k++;
    }
    return k < TURN_MIN_WORDS ? fallback : (float)(sum / (double)k);
}

int turn_pick(const int *deg, const float *conf, size_t n, float upright_conf, int sideways)
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        if (deg[i] && (best < 0 || conf[i] > conf[best]))
            best = (int)i;
    if (best < 0)
        return -1;
    float bar = sideways ? TURN_POOR_CONF : upright_conf + TURN_GAIN;
    return conf[best] >= bar ? best : -1;
}
