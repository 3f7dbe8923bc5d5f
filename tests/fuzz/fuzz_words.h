/* fuzz_words.h -- the fuzz harnesses' page of words from raw bytes: one word per
 * blank-separated token, 10 px per character (so runs of blanks are gaps), line_px per line;
 * with jitter, a word's top moves by len % 3 px and its height grows by len % 5 px. */
#ifndef DP_FUZZ_WORDS_H
#define DP_FUZZ_WORDS_H
#include <stdlib.h>
#include <string.h>
#include "page.h"

/* Fills words[0..max-1] from text (NUL-terminated); the count. The texts are strndup'ed. */
static inline size_t fuzz_words(char *text, struct dp_word *words, size_t max, int line_px,
                                int height, int jitter)
{
    size_t n = 0;
    int line = 0, col = 0;
    for (char *p = text; *p && n < max;) {
        if (*p == '\n' || *p == ' ' || *p == '\t') {
            line += *p == '\n';
            col = *p == '\n' ? 0 : col + 1;
            p++;
            continue;
        }
        size_t len = strcspn(p, " \t\n");
        words[n] = (struct dp_word){.text = strndup(p, len),
                                    .conf = (float)(len * 7 % 101),
                                    .x = col * 10,
                                    .y = line * line_px + (jitter ? (int)(len % 3) : 0),
                                    .w = (int)len * 10,
                                    .h = height + (jitter ? (int)(len % 5) : 0),
                                    .line = line};
        if (!words[n].text)
            break;
        n++;
        col += (int)len;
        p += len;
    }
    return n;
}

#endif
