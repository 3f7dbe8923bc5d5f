/* fuzz_kv_model.c -- libFuzzer harness: the key-value pairing model file parser; a model that
 * parses must also score a couple. */
#include <stdint.h>
#include "form.h"
#include "form_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct form_model *m = NULL;
    if (form_model_parse((const char *)data, size, &m) == DP_OK) {
        struct form_fcand c = {.nf = 2, .idx = {0, FORM_FEAT_N - 1}, .val = {1.0f, 0.5f}};
        double p = form_model_prob(m, &c);
        if (!(p >= 0.0 && p <= 1.0))
            __builtin_trap();
        form_model_free(m);
    }
    return 0;
}
