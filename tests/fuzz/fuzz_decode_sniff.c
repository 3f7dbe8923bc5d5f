/* fuzz_decode_sniff.c -- libFuzzer harness: decode_sniff on arbitrary bytes. */
#include <stdint.h>
#include <string.h>
#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *mime = NULL;
    if (decode_sniff(data, size, &mime) == DP_OK && (!mime || !strchr(mime, '/')))
        __builtin_trap(); /* success must name a MIME type */
    return 0;
}
