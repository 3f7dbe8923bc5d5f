/* fuzz_einvoice.c -- libFuzzer harness: the CII/UBL reader, its JSON, and the checks over it. */
#include <stdint.h>
#include "checks.h"
#include "einvoice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct einvoice *inv = NULL;
    (void)einvoice_sniff((const char *)data, size);
    if (einvoice_parse((const char *)data, size, &inv) != DP_OK)
        return 0;
    cJSON *f = einvoice_fields(inv, "xml"), *l = einvoice_line_items(inv, "xml");
    cJSON *t = einvoice_taxes(inv), *c = checks_run(f, l, t);
    cJSON_Delete(checks_xml_vs_text(f, "RE-1 1.234,56 EUR"));
    cJSON_Delete(c);
    cJSON_Delete(t);
    cJSON_Delete(l);
    cJSON_Delete(f);
    einvoice_free(inv);
    return 0;
}
