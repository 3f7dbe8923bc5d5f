/* form_clean.c -- fill-in lines read as text: Tesseract reads a form's blank lines as
 * underscores (or em dashes) glued to the answer written on them ("____June 3, 1995",
 * "__ 300", "Dates of contact__"); the pairing drops them from both ends of each word. */
#include <stdlib.h>
#include <string.h>
#include "form_int.h"

/* Bytes of a fill-in line's character at t: '_' or an em dash; 0 when t is none. */
static size_t fill_char(const char *t)
{
    if (t[0] == '_')
        return 1;
    return (unsigned char)t[0] == 0xE2 && (unsigned char)t[1] == 0x80 && (unsigned char)t[2] == 0x94
               ? 3
               : 0;
}

/* Code points of UTF-8 text t[0..len). */
static size_t code_points(const char *t, size_t len)
{
    size_t c = 0;
    for (size_t i = 0; i < len; i++)
        c += ((unsigned char)t[i] & 0xC0) != 0x80;
    return c;
}

dp_err form_clean_words(const struct dp_word *w, size_t n, struct dp_word **out, char **buf)
{
    size_t total = 0;
    *out = NULL;
    *buf = NULL;
    for (size_t i = 0; i < n; i++)
        total += (w[i].text ? strlen(w[i].text) : 0) + 1;
    struct dp_word *o = malloc((n ? n : 1) * sizeof *o);
    char *b = malloc(total ? total : 1), *p = b;
    if (!o || !b) {
        free(o);
        free(b);
        return DP_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const char *t = w[i].text ? w[i].text : "";
        size_t len = strlen(t), a = 0, z = len, k;
        o[i] = w[i];
        o[i].text = p;
        while (a < z && (k = fill_char(t + a)) > 0)
            a += k;
        for (int more = 1; more && z > a;) { /* trailing: '_', or an em dash's 3 bytes */
            more = 0;
            if (t[z - 1] == '_') {
                z--;
                more = 1;
            } else if (z - a >= 3 && fill_char(t + z - 3) == 3) {
                z -= 3;
                more = 1;
            }
        }
        if (a > 0 || z < len) { /* the box shrinks in proportion to the characters dropped */
            size_t all = code_points(t, len), lead = code_points(t, a),
                   trail = code_points(t + z, len - z);
            if (all > 0) {
                o[i].x = w[i].x + (int)((long)w[i].w * (long)lead / (long)all);
                o[i].w = (int)((long)w[i].w * (long)(all - lead - trail) / (long)all);
            }
        }
        memcpy(p, t + a, z - a);
        p[z - a] = '\0';
        p += z - a + 1;
    }
    *out = o;
    *buf = b;
    return DP_OK;
}

/* Bytes of a leader's character at t ('-', '.', '~', or a fill-in line's); 0 when none. */
static size_t leader_char(const char *t)
{
    return *t == '-' || *t == '.' || *t == '~' ? 1 : fill_char(t);
}

/* Bytes of an opening quote at t (" ' ` or the curly ones); 0 when none. */
static size_t open_quote(const char *t)
{
    const unsigned char *u = (const unsigned char *)t;
    if (*u == '"' || *u == '\'' || *u == '`')
        return 1;
    return u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x98 || u[2] == 0x9C) ? 3 : 0;
}

/* Whether t holds a closing quote (" ' or the curly ones). */
static int has_close_quote(const char *t)
{
    return strchr(t, '"') || strchr(t, '\'') || strstr(t, "\xE2\x80\x99") ||
           strstr(t, "\xE2\x80\x9D");
}

/* Cuts the stray marks OCR reads at a text's start (a rule or a blot: "| PROJECTED",
 * "\OVERALL"; on a label, an opening quote never closed: "‘Sample No.") off t. */
static void strip_marks(char *t, int key)
{
    size_t i = 0, q;
    for (;;) {
        if (t[i] == '|' || t[i] == '\\')
            i++;
        else if (key && (q = open_quote(t + i)) && !has_close_quote(t + i + q))
            i += q;
        else
            break;
        while (t[i] == ' ')
            i++;
    }
    if (i && t[i])
        memmove(t, t + i, strlen(t + i) + 1);
}

void form_tidy_leaders(char *t, int key)
{
    strip_marks(t, key);
    size_t n = strlen(t), chars = 0, i;
    if (key) { /* "Filter Length---", "Circumference--~", "Original --" */
        size_t end = n;
        while (end > 0) {
            size_t b = end - 1;
            while (b > 0 && ((unsigned char)t[b] & 0xC0) == 0x80)
                b--;
            if (!leader_char(t + b))
                break;
            end = b;
            chars++;
        }
        if (chars >= FORM_LEADER_MIN) {
            while (end > 0 && t[end - 1] == ' ')
                end--;
            t[end] = '\0';
        }
        /* marks after a label's end: "Client:,", "No.|", "DATE;" read for its colon */
        for (end = strlen(t); end > 0 && strchr(",;|!", t[end - 1]); end--)
            t[end - 1] = '\0';
        return;
    }
    /* "------ Manufacturing": a leader word before the answer */
    for (i = 0; t[i] && leader_char(t + i); i += leader_char(t + i))
        chars++;
    if (chars >= FORM_LEADER_MIN && t[i] == ' ') {
        while (t[i] == ' ')
            i++;
        memmove(t, t + i, n - i + 1);
    }
    /* ... and a leader word or a '|' after it ("2/22 by courier ..", "1969-105 |") */
    char *last = strrchr(t, ' ');
    if (!last)
        return;
    for (i = 1, chars = 0; last[i] && leader_char(last + i); i += leader_char(last + i))
        chars++;
    if ((!last[i] && chars >= FORM_LEADER_MIN) || !strcmp(last + 1, "|")) {
        while (last > t && last[-1] == ' ')
            last--;
        *last = '\0';
    }
}
