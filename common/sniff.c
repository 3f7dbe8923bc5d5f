/* sniff.c -- magic-byte detection of the accepted input types. */
#include <string.h>
#include "sniff.h"

const char *sniff_type(const unsigned char *b, size_t len)
{
    if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return "image/jpeg";
    if (len >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0))
        return "image/tiff";
    if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return "image/webp";
    /* PDF readers accept the header anywhere in the first 1024 bytes. */
    size_t lim = len < 1024 ? len : 1024;
    for (size_t i = 0; i + 5 <= lim; i++)
        if (b[i] == '%' && memcmp(b + i, "%PDF-", 5) == 0)
            return "application/pdf";
    return NULL;
}
