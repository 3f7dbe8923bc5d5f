/* sniff.h -- a file's type from its first bytes; the client's Content-Type is never trusted. */
#ifndef DP_SNIFF_H
#define DP_SNIFF_H
#include <stddef.h>

/* The MIME type of buf (image/png, image/jpeg, image/tiff, image/webp, application/pdf), or NULL
 * when it is none of the types docproc reads. Pure. */
const char *sniff_type(const unsigned char *buf, size_t len);

#endif
