/* fuzz_paycode.c -- libFuzzer harness: EPC/SPC payment QR payloads, the line-item parser and the
 * VAT id check digits on the same bytes. */
#include <stdint.h>
#include "checks.h"
#include "lineitems.h"
#include "paycode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct paycode pc;
    struct lineitem it;
    const char *s = (const char *)data;
    if (paycode_parse(s, size, &pc) == DP_OK) {
        cJSON *a = cJSON_CreateArray();
        paycode_fields(&pc, 1, NULL, a);
        cJSON_Delete(a);
    }
    (void)lineitems_parse_line(s, size, &it);
    (void)checks_vat_id(s, size);
    return 0;
}
