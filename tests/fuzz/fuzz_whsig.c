/* fuzz_whsig.c -- libFuzzer harness: whsig_verify; the input is "secrets\nid\ntimestamp\n
 * signature\nbody" (missing parts are empty). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "whsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *part[4] = {"", "", "", ""};
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *p = buf;
    for (int i = 0; i < 4 && p; i++) {
        part[i] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    size_t blen = p ? size - (size_t)(p - buf) : 0;
    (void)whsig_verify(part[0], part[1], part[2], part[3], p ? p : "", blen, 1614265330, 300);
    free(buf);
    return 0;
}
