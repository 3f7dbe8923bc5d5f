/* fuzz_classifier_load.c -- libFuzzer harness: classifier_load on the input as is, then with a
 * correct CRC-32 appended (so mutations reach the parser behind the checksum); a model that
 * loads must also predict and save. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return crc ^ 0xFFFFFFFFu;
}

static void try_load(const char *buf, size_t len)
{
    struct classifier *c = NULL;
    if (classifier_load(buf, len, &c) != DP_OK)
        return;
    static struct classify_result res;
    static const char text[] = "Invoice no 17 total EUR 12,50 due 2024-03-01 thank you";
    (void)classifier_predict(c, text, sizeof text - 1, NULL, &res);
    char *out = NULL;
    size_t outlen = 0;
    if (classifier_save(c, &out, &outlen) == DP_OK)
        free(out);
    classifier_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try_load((const char *)data, size);
    uint8_t *buf = malloc(size + 4);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    uint32_t crc = crc32_ieee(data, size);
    for (int i = 0; i < 4; i++)
        buf[size + (size_t)i] = (uint8_t)(crc >> (8 * i));
    try_load((const char *)buf, size + 4);
    free(buf);
    return 0;
}
