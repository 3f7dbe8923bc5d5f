/* fixtures_wset.h -- words placed on a page for the layout tests (forms, key-value pairs,
 * tables): CW pixels per character, LH pixels per word height, confidence WSET_CONF (90 unless
 * the test defines it before including this). */
#ifndef DP_FIXTURES_WSET_H
#define DP_FIXTURES_WSET_H
#include "testutil.h"
#include <stdlib.h>
#include <string.h>
#include "page.h"

#define CW 20 /* pixels per character */
#define LH 40 /* word height */
#ifndef WSET_CONF
#define WSET_CONF 90.0f
#endif
#define WSET_MAX 512

struct wset {
    struct dp_word w[WSET_MAX];
    size_t n;
};

/* Adds the words of text (split at spaces; each space one character) starting at x on the line
 * whose top is y. */
static inline void put(struct wset *s, int x, int y, const char *text)
{
    for (const char *p = text; *p;) {
        while (*p == ' ') {
            p++;
            x += CW;
        }
        size_t l = strcspn(p, " ");
        if (!l)
            break;
        ck_assert(s->n < WSET_MAX);
        s->w[s->n++] = (struct dp_word){strndup(p, l), WSET_CONF, x, y, (int)l * CW, LH, 0, 0};
        x += (int)l * CW;
        p += l;
    }
}

/* Frees the words' texts; the set is empty again. */
static inline void wset_free(struct wset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->w[i].text);
    s->n = 0;
}
#endif
