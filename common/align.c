/* align.c -- aligning confirmed values to candidates by edit distance and typed equality. */
#include <stdlib.h>
#include <string.h>
#include "align.h"
#include "extract.h"

size_t align_norm(const char *s, char *out, size_t outsz)
{
    size_t n = 0;
    int space = 0;
    if (outsz == 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < outsz; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < outsz)
            out[n++] = ' ';
        space = 0;
        out[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    }
    out[n] = '\0';
    return n;
}

size_t align_distance(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
    if (la > ALIGN_TEXT_MAX)
        la = ALIGN_TEXT_MAX;
    if (lb > ALIGN_TEXT_MAX)
        lb = ALIGN_TEXT_MAX;
    if ((la > lb ? la - lb : lb - la) > max)
        return max + 1;
    size_t prev[ALIGN_TEXT_MAX + 1], cur[ALIGN_TEXT_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t rowmin = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t v = del < ins ? del : ins;
            cur[j] = v < sub ? v : sub;
            rowmin = cur[j] < rowmin ? cur[j] : rowmin;
        }
        if (rowmin > max)
            return max + 1;
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb] > max ? max + 1 : prev[lb];
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int words(const char *s)
{
    int n = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* 1 when both parse as the same typed value of name, 0 when they differ, -1 when not typed. */
static int typed_equal(const char *name, const char *value, const char *cand)
{
    int nw = words(cand);
    if (nw > 3)
        return -1;
    if (strcmp(name, "date") == 0 || ends_with(name, "_date")) {
        struct extract_date a, b;
        if (extract_parse_date(value, strlen(value), EXTRACT_DAY_FIRST, &a) != DP_OK ||
            extract_parse_date(cand, strlen(cand), EXTRACT_DAY_FIRST, &b) != DP_OK)
            return -1;
        return a.year == b.year && a.month == b.month && a.day == b.day;
    }
    if (nw > 2)
        return -1;
    if (strcmp(name, "total") == 0 || strcmp(name, "subtotal") == 0 || strcmp(name, "tax") == 0) {
        char a[48], b[48];
        if (extract_parse_amount(value, strlen(value), a, sizeof a) != DP_OK ||
            extract_parse_amount(cand, strlen(cand), b, sizeof b) != DP_OK)
            return -1;
        return strcmp(a, b) == 0;
    }
    return -1;
}

double align_similarity(const char *name, const char *value, const char *cand, double min)
{
    int t = typed_equal(name, value, cand);
    if (t == 1)
        return 1.0;
    char a[ALIGN_TEXT_MAX + 1], b[ALIGN_TEXT_MAX + 1];
    size_t la = align_norm(value, a, sizeof a), lb = align_norm(cand, b, sizeof b);
    size_t longer = la > lb ? la : lb;
    if (longer == 0)
        return 1.0;
    double allowed = (1.0 - min) * (double)longer;
    size_t max = allowed < 0 ? 0 : (size_t)allowed;
    size_t d = align_distance(a, la, b, lb, max);
    if (d > max)
        return 0.0;
    double sim = 1.0 - (double)d / (double)longer;
    /* same text but a different typed value (a date that differs in a digit) is not it */
    return t == 0 && sim < 1.0 ? sim * 0.5 : sim;
}

size_t align_label(const struct cand_set *s, const char *name, const char *value,
                   unsigned char *pos, double *best_out)
{
    double best = 0;
    double *sim = malloc((s->n ? s->n : 1) * sizeof *sim);
    if (!sim) {
        memset(pos, 0, s->n);
        return 0;
    }
    for (size_t i = 0; i < s->n; i++) {
        double floor = best > ALIGN_MIN_SIM ? best : ALIGN_MIN_SIM;
        sim[i] = align_similarity(name, value, s->c[i].text, floor - 1e-9);
        if (sim[i] > best)
            best = sim[i];
    }
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        pos[i] = best >= ALIGN_MIN_SIM && sim[i] >= best - 1e-9;
        n += pos[i];
    }
    free(sim);
    if (best_out)
        *best_out = best;
    return n;
}
