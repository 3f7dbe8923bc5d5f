/* xcand.c -- a value's text as the tenant writes it: the mark after a whole word. */
#include <string.h>
#include "xcand.h"

static int letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The mark (',' or '.') that ends the whole word s[a, b) when another word follows it, else
 * 0. */
static char word_mark(const char *s, size_t a, size_t b, size_t len)
{
    size_t vowels = 0, i = a;
    for (; i < b && letter(s[i]); i++)
        vowels += strchr("AEIOUaeiou", s[i]) != NULL;
    if (i + 1 != b || i - a < XCAND_WORD_MIN || vowels < 2 || (s[i] != ',' && s[i] != '.'))
        return 0;
    size_t c = b;
    while (c < len && s[c] == ' ')
        c++;
    return c < len ? s[i] : 0;
}

/* The number of whole words of s that end in mark m and have another word after them. */
static size_t count_marks(const char *s, char m)
{
    size_t len = strlen(s), n = 0;
    for (size_t a = 0; a < len;) {
        size_t b = a;
        while (b < len && s[b] != ' ')
            b++;
        char k = b > a ? word_mark(s, a, b, len) : 0;
        n += k && k == m;
        a = b + 1;
    }
    return n;
}

char xcand_mark_habit(const char *const *confirmed, size_t n)
{
    size_t comma = 0, stop = 0;
    for (size_t i = 0; i < n; i++) {
        if (!confirmed[i])
            continue;
        comma += count_marks(confirmed[i], ',');
        stop += count_marks(confirmed[i], '.');
    }
    if (comma >= XCAND_MARK_MIN && comma >= XCAND_MARK_RATIO * stop)
        return ',';
    if (stop >= XCAND_MARK_MIN && stop >= XCAND_MARK_RATIO * comma)
        return '.';
    return 0;
}

size_t xcand_marks(const char *value, char habit, char *out, size_t outsz)
{
    char other = habit == ',' ? '.' : habit == '.' ? ',' : 0;
    size_t n = value && other && outsz ? count_marks(value, other) : 0;
    if (n == 0)
        return 0;
    size_t len = strlen(value), k = 0;
    for (size_t a = 0; a < len && k + 1 < outsz;) {
        size_t b = a;
        while (b < len && value[b] != ' ')
            b++;
        int swap = b > a && word_mark(value, a, b, len) == other;
        for (size_t q = a; q < b && k + 1 < outsz; q++)
            out[k++] = swap && q == b - 1 ? habit : value[q];
        if (b < len && k + 1 < outsz)
            out[k++] = ' ';
        a = b + 1;
    }
    out[k] = '\0';
    return n;
}
