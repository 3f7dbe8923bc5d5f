/* fuzz_decode_stream.c -- libFuzzer harness: the row-by-row PNG/TIFF decoders on arbitrary
 * bytes. The first byte picks the decoder (bit 0: TIFF) and the reduction (bits 1-3: 1..8). */
#include <stdint.h>
#include <stdlib.h>
#include "decode_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    PIX *pix = NULL;
    char err[128];
    int tiff = data[0] & 1, r = 1 + ((data[0] >> 1) & 7);
    dp_err rc =
        decode_stream_read(data + 1, size - 1, tiff, 0, r, 64u << 20, &pix, err, sizeof err);
    if (rc == DP_OK && (!pix || pixGetDepth(pix) != 8))
        __builtin_trap(); /* success is an 8-bit grey page */
    pixDestroy(&pix);
    return 0;
}
