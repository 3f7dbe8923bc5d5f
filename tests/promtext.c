/* promtext.c -- Prometheus text format 0.0.4 checks for tests (see promtext.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "promtext.h"

#define FAMILIES_MAX 128
#define NAME_MAX_LEN 128

struct family {
    char name[NAME_MAX_LEN];
    char type[16];
};

static int name_start(int c)
{
    return isalpha(c) || c == '_' || c == ':';
}

static int name_char(int c)
{
    return isalnum(c) || c == '_' || c == ':';
}

/* Reads a metric or label name at *p into out; 0 when there is none. */
static size_t read_name(const char **p, const char *end, int colon_ok, char *out, size_t outsz)
{
    const char *s = *p;
    if (s >= end || !name_start((unsigned char)*s) || (!colon_ok && *s == ':'))
        return 0;
    while (s < end && name_char((unsigned char)*s) && (colon_ok || *s != ':'))
        s++;
    size_t n = (size_t)(s - *p);
    if (n >= outsz)
        return 0;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p = s;
    return n;
}

static int valid_value(const char *s, const char *end)
{
    char buf[64];
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!strcmp(buf, "+Inf") || !strcmp(buf, "-Inf") || !strcmp(buf, "NaN"))
        return 1;
    char *e;
    strtod(buf, &e);
    return *e == '\0' && !isspace((unsigned char)buf[0]);
}

/* The family a sample name belongs to: itself, or for histograms/summaries its base name. */
static const struct family *family_of(const struct family *f, int nf, const char *name)
{
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (int i = 0; i < nf; i++) {
        if (!strcmp(f[i].name, name))
            return &f[i];
        size_t fl = strlen(f[i].name);
        if (strncmp(name, f[i].name, fl) != 0 ||
            (strcmp(f[i].type, "histogram") != 0 && strcmp(f[i].type, "summary") != 0))
            continue;
        for (size_t k = 0; k < 3; k++)
            if (!strcmp(name + fl, suffixes[k]))
                return &f[i];
    }
    return NULL;
}

static int sample_line(const char *s, const char *end, const struct family *fam, int nf, char *why,
                       size_t whysz)
{
    char name[NAME_MAX_LEN], label[NAME_MAX_LEN];
    if (!read_name(&s, end, 1, name, sizeof name)) {
        snprintf(why, whysz, "bad metric name");
        return -1;
    }
    if (!family_of(fam, nf, name)) {
        snprintf(why, whysz, "sample %s has no preceding # TYPE", name);
        return -1;
    }
    if (s < end && *s == '{') {
        s++;
        while (s < end && *s != '}') {
            if (!read_name(&s, end, 0, label, sizeof label) || s + 1 >= end || s[0] != '=' ||
                s[1] != '"') {
                snprintf(why, whysz, "bad label in %s", name);
                return -1;
            }
            for (s += 2; s < end && *s != '"'; s++)
                if (*s == '\\' && (++s >= end || (*s != '\\' && *s != '"' && *s != 'n'))) {
                    snprintf(why, whysz, "bad escape in %s", name);
                    return -1;
                }
            if (s >= end) {
                snprintf(why, whysz, "unterminated label value in %s", name);
                return -1;
            }
            s++;
            if (s < end && *s == ',')
                s++;
        }
        if (s >= end) {
            snprintf(why, whysz, "unterminated label set in %s", name);
            return -1;
        }
        s++;
    }
    if (s >= end || *s != ' ') {
        snprintf(why, whysz, "no space before the value of %s", name);
        return -1;
    }
    s++;
    const char *v = s;
    while (s < end && *s != ' ')
        s++;
    if (!valid_value(v, s)) {
        snprintf(why, whysz, "bad value of %s", name);
        return -1;
    }
    if (s < end) { /* optional timestamp: an integer */
        s++;
        if (s >= end)
            goto bad_ts;
        for (const char *t = *s == '-' ? s + 1 : s; t < end; t++)
            if (!isdigit((unsigned char)*t))
                goto bad_ts;
    }
    return 0;
bad_ts:
    snprintf(why, whysz, "bad timestamp of %s", name);
    return -1;
}

int promtext_check(const char *buf, size_t len, char *why, size_t whysz)
{
    struct family fam[FAMILIES_MAX];
    int nf = 0, lineno = 0;
    const char *p = buf, *end = buf + len;
    char msg[200] = "";
    if (len == 0 || buf[len - 1] != '\n') {
        snprintf(why, whysz, "empty or not ending with a newline");
        return -1;
    }
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        lineno++;
        if (e == p) {
            p = e + 1;
            continue; /* empty lines are allowed */
        }
        if (!strncmp(p, "# TYPE ", 7)) {
            const char *s = p + 7;
            if (nf >= FAMILIES_MAX || !read_name(&s, e, 1, fam[nf].name, sizeof fam[nf].name) ||
                s >= e || *s != ' ' || (size_t)(e - s - 1) >= sizeof fam[nf].type) {
                snprintf(msg, sizeof msg, "bad # TYPE line");
                goto bad;
            }
            memcpy(fam[nf].type, s + 1, (size_t)(e - s - 1));
            fam[nf].type[e - s - 1] = '\0';
            static const char *const types[] = {"counter", "gauge", "histogram", "summary",
                                                "untyped"};
            int known = 0;
            for (size_t k = 0; k < 5; k++)
                known |= !strcmp(fam[nf].type, types[k]);
            for (int k = 0; k < nf; k++)
                if (!strcmp(fam[k].name, fam[nf].name)) {
                    snprintf(msg, sizeof msg, "second # TYPE for %s", fam[nf].name);
                    goto bad;
                }
            if (!known) {
                snprintf(msg, sizeof msg, "unknown type '%s'", fam[nf].type);
                goto bad;
            }
            nf++;
        } else if (*p != '#') {
            if (sample_line(p, e, fam, nf, msg, sizeof msg))
                goto bad;
        }
        p = e + 1;
    }
    return 0;
bad:
    snprintf(why, whysz, "line %d: %s", lineno, msg);
    return -1;
}

double promtext_value(const char *buf, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (!strncmp(p, series, n) && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

double promtext_sum(const char *buf, const char *prefix)
{
    size_t n = strlen(prefix);
    double sum = 0;
    for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, prefix, n) != 0)
            continue;
        const char *sp = strchr(p + n, ' ');
        const char *nl = strchr(p + n, '\n');
        if (sp && (!nl || sp < nl))
            sum += strtod(sp + 1, NULL);
    }
    return sum;
}
