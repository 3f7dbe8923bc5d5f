/* fuzz_seal.c -- libFuzzer harness: seal_open on arbitrary bytes with a fixed keyring, and a
 * seal/open round trip of the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char key[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    struct seal_keyring kr;
    memset(&kr, 0, sizeof kr);
    if (seal_keyring_add_b64(&kr, key, strlen(key)) != DP_OK)
        abort();
    char *p = NULL, *s = NULL;
    size_t pl = 0, sl = 0;
    if (seal_open(&kr, "doc_x/text", data, size, &p, &pl) == DP_OK)
        free(p);
    if (seal_seal(&kr, "doc_x/text", data, size, &s, &sl) != DP_OK)
        abort();
    if (seal_open(&kr, "doc_x/text", s, sl, &p, &pl) != DP_OK || pl != size ||
        (size && memcmp(p, data, size) != 0))
        abort();
    free(p);
    free(s);
    return 0;
}
