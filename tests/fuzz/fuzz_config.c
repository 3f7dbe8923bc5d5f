/* fuzz_config.c -- libFuzzer harness: config_parse_buf on arbitrary bytes. */
#include <stdint.h>
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dp_config cfg;
    char err[256];
    config_defaults(&cfg);
    (void)config_parse_buf(&cfg, (const char *)data, size, err, sizeof err);
    return 0;
}
