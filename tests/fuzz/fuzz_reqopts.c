/* fuzz_reqopts.c -- libFuzzer harness: reqopts_set; byte 0 picks the option name, byte 1 the
 * wait bound, the rest is the value. */
#include <stdint.h>
#include "reqopts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"lang",     "pipeline", "callback_url", "metadata",
                                        "filename", "wait",     "unknown"};
    static struct reqopts o; /* static: 18 kB */
    char err[256];
    if (size < 2)
        return 0;
    reqopts_init(&o);
    (void)reqopts_set(&o, names[data[0] % 7], (const char *)data + 2, size - 2, data[1], err,
                      sizeof err);
    return 0;
}
