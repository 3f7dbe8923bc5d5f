/* fuzz_page_unpack.c -- libFuzzer harness: page_unpack on the input; a page that unpacks must
 * pack, and its packed form must unpack and pack again to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dp_page p, q;
    unsigned char *once = NULL, *twice = NULL;
    size_t n1 = 0, n2 = 0;
    if (page_unpack(data, size, &p) != DP_OK)
        return 0;
    if (page_pack(&p, &once, &n1) != DP_OK)
        abort();
    if (page_unpack(once, n1, &q) != DP_OK || page_pack(&q, &twice, &n2) != DP_OK || n1 != n2 ||
        memcmp(once, twice, n1) != 0)
        abort();
    free(once);
    free(twice);
    page_cleanup(&p);
    page_cleanup(&q);
    return 0;
}
