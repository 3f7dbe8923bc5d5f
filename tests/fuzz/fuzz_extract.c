/* fuzz_extract.c -- libFuzzer harness: extract_fields on the input as the text of a one-page
 * document (one word per blank-separated token, one line per '\n'), plus the pure parsers on
 * the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_words.h"
#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct extractor *ex;

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
    page.nwords = fuzz_words(text, words, MAXW, 20, 18, 0);
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
