/* fuzz_extract.c -- libFuzzer harness: extract_fields on the input as the text of a one-page
 * document (one word per blank-separated token, one line per '\n'), plus the pure parsers on
 * the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct extractor *ex;

/* Splits text into words with made-up boxes: 10 px per character, 20 px per line. */
static size_t make_words(char *text, struct dp_word *words, size_t max)
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
                                    .y = line * 20,
                                    .w = (int)len * 10,
                                    .h = 18,
                                    .line = line};
        if (!words[n].text)
            break;
        n++;
        col += (int)len;
        p += len;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAXW = 2048 };
    static struct dp_word words[MAXW];
    char out[64];
    struct extract_date d;
    const char *s = (const char *)data;
    if (!ex && extractor_new(&ex) != DP_OK)
        return 0;
    (void)extract_parse_amount(s, size, out, sizeof out);
    (void)extract_currency_code(s, size);
    (void)extract_parse_date(s, size, size & 1 ? EXTRACT_MONTH_FIRST : EXTRACT_DAY_FIRST, &d);
    (void)extract_iban_valid(s, size);
    (void)extract_iban_normalise(s, size, out, sizeof out);
    (void)extract_normalise_phone(s, size, size & 2 ? "49" : NULL, out, sizeof out);

    char *text = strndup(s, size); /* the page text ends at a NUL byte, as a C string does */
    if (!text)
        return 0;
    struct dp_page page = {.number = 1, .width = 2480, .height = 3508, .dpi = 300, .conf = 90};
    page.text = text;
    page.words = words;
    page.nwords = make_words(text, words, MAXW);
    struct dp_doc_text doc = {&page, 1};
    struct extract_opts opts = {.default_currency = "EUR", .today = 1700000000};
    cJSON *fields = NULL;
    if (extract_fields(ex, &doc, &opts, &fields) == DP_OK)
        cJSON_Delete(fields);
    for (size_t i = 0; i < page.nwords; i++)
        free(words[i].text);
    free(text);
    return 0;
}
