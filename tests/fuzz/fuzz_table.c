/* fuzz_table.c -- libFuzzer harness: the input as a page of words (one per blank-separated
 * token, 10 px per character so runs of blanks are gaps, 50 px per line) and, from its first
 * bytes, ruling lines; then table_detect, form_pairs, the CSV and JSON writers and the CSV
 * reader of the JSON, each table read as line items (lineitems_table), and form_mark_classify
 * on the bytes as a bitmap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_words.h"
#include "form.h"
#include "lineitems.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAXW = 2048, MAXR = 32 };
    static struct dp_word words[MAXW];
    struct table_rule rules[MAXR];
    size_t nr = 0;
    for (size_t i = 0; i + 4 <= size && i < 4 * MAXR && nr < MAXR; i += 4) {
        int a = data[i] * 8, b = data[i + 1] * 8, c = data[i + 2] * 8;
        rules[nr++] = data[i + 3] & 1 ? (struct table_rule){a, b, a + c, b, 2}
                                      : (struct table_rule){a, b, a, b + c, 2};
    }
    char *text = strndup((const char *)data, size);
    if (!text)
        return 0;
    size_t nw = fuzz_words(text, words, MAXW, 50, 30, 1);
    struct table *t = NULL;
    size_t nt = 0;
    if (table_detect(words, nw, 2550, 3300, size & 1 ? rules : NULL, size & 1 ? nr : 0, &t, &nt) ==
        DP_OK) {
        for (size_t i = 0; i < nt; i++) {
            char *csv = table_csv(&t[i]);
            cJSON *j = table_json(&t[i]);
            char *again = j ? table_csv_json(j) : NULL;
            if (csv && again && strcmp(csv, again) != 0)
                abort(); /* the stored JSON must give the same CSV */
            struct lineitem li[8];
            if (lineitems_table(&t[i], li, 8) > 8)
                abort();
            free(csv);
            free(again);
            cJSON_Delete(j);
        }
        table_list_free(t, nt);
    }
    struct form_mark m = {{0, 0, 40, 40}, FORM_SELECTED, 0, "x"};
    struct form_kv *kv = NULL;
    size_t nk = 0;
    if (form_pairs(words, nw, &m, 1, &kv, &nk) == DP_OK) {
        for (size_t i = 0; i < nk; i++)
            cJSON_Delete(form_kv_json(&kv[i]));
        form_kv_list_free(kv, nk);
    }
    if (size > 2) {
        int w = data[0] % 64 + 1, h = (int)((size - 1) / (size_t)w);
        enum form_mark_state st;
        int round;
        if (h > 0)
            (void)form_mark_classify(data + 1, w, h > 64 ? 64 : h, &st, &round);
    }
    for (size_t i = 0; i < nw; i++)
        free(words[i].text);
    free(text);
    return 0;
}
