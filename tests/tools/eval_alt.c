/* eval_alt.c -- the text of a result as its second reading has it (pages[].alt_lines in place of
 * the lines they stand for, lines the first reading missed after each page's): what "present in
 * OCR with alternates" searches beside the result's text (issue 10's "both texts kept"). A page
 * with line look alternates (alt_lines[].reading 3, altread.h) gives a second such text, its
 * lines in place of theirs: each reading kept is searched as a whole (an address over three
 * lines stays whole in each). */
#include <stdlib.h>
#include <string.h>
#include "eval.h"

#define ALT_MAX_LINES 20000 /* lines of one page looked at */

/* Appends s and a separator to the growing buffer (*buf, *len, *cap). 0 without memory. */
static int append(char **buf, size_t *len, size_t *cap, const char *s, char sep)
{
    size_t n = strlen(s);
    if (*len + n + 2 > *cap) {
        size_t c = (*len + n + 2) * 2;
        char *b = realloc(*buf, c);
        if (!b)
            return 0;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[(*len)++] = sep;
    (*buf)[*len] = '\0';
    return 1;
}

/* The words of line l of page pg joined by spaces, appended. */
static int append_line(char **buf, size_t *len, size_t *cap, const cJSON *words, int l)
{
    const cJSON *w;
    int any = 0;
    cJSON_ArrayForEach(w, words)
    {
        const cJSON *jl = cJSON_GetObjectItem(w, "line");
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(w, "text"));
        if (!cJSON_IsNumber(jl) || (int)jl->valuedouble != l || !t)
            continue;
        if (!append(buf, len, cap, t, ' '))
            return 0;
        any = 1;
    }
    if (any)
        (*buf)[*len - 1] = '\n';
    return 1;
}

/* The reading an alternate line is of: 3 the line look, else 2 (the second reading). */
static int reading_of(const cJSON *a)
{
    const cJSON *r = cJSON_GetObjectItem(a, "reading");
    return cJSON_IsNumber(r) && (int)r->valuedouble == 3 ? 3 : 2;
}

char *eval_alt_text(const cJSON *doc)
{
    size_t len = 0, cap = 256;
    char *buf = malloc(cap);
    const cJSON *pg;
    if (!buf)
        return NULL;
    buf[0] = '\0';
    cJSON_ArrayForEach(pg, cJSON_GetObjectItem(doc, "pages"))
    {
        const cJSON *words = cJSON_GetObjectItem(pg, "words"),
                    *alts = cJSON_GetObjectItem(pg, "alt_lines");
        const cJSON *w, *a;
        int maxl = -1;
        cJSON_ArrayForEach(w, words)
        {
            const cJSON *jl = cJSON_GetObjectItem(w, "line");
            if (cJSON_IsNumber(jl) && jl->valuedouble > maxl && jl->valuedouble < ALT_MAX_LINES)
                maxl = (int)jl->valuedouble;
        }
        /* one text per reading kept: the second reading's lines, then, when there are any,
         * the line look's (alt_lines[].reading 3, altread.h) */
        int look = 0;
        cJSON_ArrayForEach(a, alts)
        {
            look |= reading_of(a) == 3;
        }
        for (int r = 2; r <= (look ? 3 : 2); r++) {
            for (int l = 0; l <= maxl; l++) {
                const char *alt = NULL;
                cJSON_ArrayForEach(a, alts)
                {
                    const cJSON *jl = cJSON_GetObjectItem(a, "line");
                    if (!alt && cJSON_IsNumber(jl) && (int)jl->valuedouble == l &&
                        reading_of(a) == r)
                        alt = cJSON_GetStringValue(cJSON_GetObjectItem(a, "text"));
                }
                if (alt ? !append(&buf, &len, &cap, alt, '\n')
                        : !append_line(&buf, &len, &cap, words, l))
                    goto fail;
            }
            cJSON_ArrayForEach(a, alts)
            {
                const cJSON *jl = cJSON_GetObjectItem(a, "line");
                const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(a, "text"));
                if (cJSON_IsNumber(jl) && jl->valuedouble < 0 && t && reading_of(a) == r &&
                    !append(&buf, &len, &cap, t, '\n'))
                    goto fail;
            }
            if (r == 2 && look && !append(&buf, &len, &cap, "", '\f'))
                goto fail;
        }
        if (!append(&buf, &len, &cap, "", '\f'))
            goto fail;
    }
    return buf;
fail:
    free(buf);
    return NULL;
}
