/* linemerge.c -- picking the better of two readings of a line. */
#include "linemerge.h"
#include <ctype.h>
#include <string.h>
#include "extract.h"

/* Letters OCR reads in place of digits (O/o/D/Q for 0, l/I/i/| for 1, S for 5, B for 8, Z for
 * 2, G for 6). */
static int digit_lookalike(unsigned char c)
{
    return c && strchr("OoDQlIi|SBZG", c) != NULL;
}

int linemerge_date_shaped(const char *t, size_t len)
{
    while (len && strchr("([{\"':;,", t[0]))
        t++, len--;
    while (len && strchr(")]}\"':;,", t[len - 1]))
        len--;
    /* d/m/y, y-m-d: two equal separators, a middle part of one or two digits */
    char sc = 0;
    size_t nsep = 0, first = 0, mid = 0, last = 0;
    int mixed = 0;
    for (size_t i = 0; i < len; i++) {
        if (strchr("/-.", t[i])) {
            sc = sc ? sc : t[i];
            mixed |= t[i] != sc;
            nsep += t[i] == sc;
        } else if (!isdigit((unsigned char)t[i])) {
            return 0;
        } else if (nsep == 0) {
            first++;
        } else if (nsep == 1) {
            mid++;
        } else {
            last++;
        }
    }
    return sc && nsep == 2 && !mixed && first >= 1 && first <= 4 && mid >= 1 && mid <= 2 &&
           last >= 1 && len <= 10;
}

int linemerge_token_check(const char *t, size_t len)
{
    /* trim punctuation around the token, keep a leading minus */
    while (len && strchr("([{\"':;,", t[0]))
        t++, len--;
    while (len && strchr(")]}\"':;,", t[len - 1]))
        len--;
    size_t digits = 0, seps = 0, alpha = 0, lookalike = 0, other = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (isdigit(c))
            digits++;
        else if (c == '.' || c == ',' || c == '/' || c == '-')
            seps++;
        else if (digit_lookalike(c))
            lookalike++;
        else if (isalpha(c))
            alpha++;
        else
            other++;
    }
    if (digits < 2)
        return 0;
    /* "2O18", "6O.3l": digits with only look-alike letters between them */
    if (lookalike && !alpha && !other && lookalike <= digits)
        return -1;
    if (alpha || lookalike || other)
        return 0;
    /* only digits and separators: a date or an amount? */
    if (linemerge_date_shaped(t, len)) {
        struct extract_date d;
        return extract_parse_date(t, len, EXTRACT_DAY_FIRST, &d) == DP_OK ? 1 : -1;
    }
    /* an amount: ...digits [.,] two digits at the end */
    if (len >= 4 && (t[len - 3] == '.' || t[len - 3] == ',') &&
        isdigit((unsigned char)t[len - 2]) && isdigit((unsigned char)t[len - 1])) {
        char out[64];
        return extract_parse_amount(t, len, out, sizeof out) == DP_OK ? 1 : 0;
    }
    return 0;
}

int linemerge_garbled(const char *t, size_t len)
{
    size_t alnum = 0, changes = 0;
    int noise = 0, last = 0; /* last: 1 letter, 2 digit, 0 other */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        int cls = isalpha(c) ? 1 : isdigit(c) ? 2 : 0;
        alnum += cls != 0;
        noise |= c < 0x80 && strchr("~<>|\\^_`{}", c) != NULL;
        /* letter <-> digit changes inside one run of letters and digits */
        if (cls && last && cls != last)
            changes++;
        if (!cls)
            last = 0;
        else
            last = cls;
        /* a change back (letter, digit, letter) in the same run is what counts */
        if (changes >= 2)
            return 1;
        if (!cls)
            changes = 0;
    }
    if (alnum == 0 && len > 0) { /* on its own: dashes, bullets and signs, not marks */
        static const char *const fine[] = {"\xe2\x80\x94", "\xe2\x80\x93", "\xe2\x80\xa2",
                                           "\xe2\x82\xac", "\xc2\xa3"}; /* — – • € £ */
        for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
            if (len == strlen(fine[i]) && memcmp(t, fine[i], len) == 0)
                return 0;
        return noise || strspn(t, "-.:;,*#&/+=%$!?()") < len;
    }
    return noise;
}

static size_t nonspace(const struct linemerge_word *w, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (const char *p = w[i].text; p && *p; p++)
            k += !isspace((unsigned char)*p) && ((unsigned char)*p & 0xC0) != 0x80;
    return k;
}

double linemerge_score(const struct linemerge_word *w, size_t n)
{
    double sum = 0, weight = 0, adj = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = w[i].text ? strlen(w[i].text) : 0;
        if (!len)
            continue;
        sum += (double)w[i].conf * (double)len;
        weight += (double)len;
        int c = linemerge_token_check(w[i].text, len);
        adj += c > 0 ? LINEMERGE_VALID_BONUS : c < 0 ? -LINEMERGE_BROKEN_COST : 0.0;
        if (c == 0 && linemerge_garbled(w[i].text, len))
            adj -= LINEMERGE_GARBLE_COST;
    }
    return weight > 0 ? sum / weight + adj : 0.0;
}

int linemerge_prefer(const struct linemerge_word *a, size_t na, const struct linemerge_word *b,
                     size_t nb)
{
    if (nb == 0)
        return 0;
    if (na == 0)
        return 1;
    if ((double)nonspace(b, nb) < LINEMERGE_MIN_KEPT * (double)nonspace(a, na))
        return 0;
    return linemerge_score(b, nb) >= linemerge_score(a, na) + LINEMERGE_MARGIN;
}
