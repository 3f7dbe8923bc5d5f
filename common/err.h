/* err.h -- the one error convention of docproc: dp_err codes and their text. */
#ifndef DP_ERR_H
#define DP_ERR_H

/* Every fallible function in docproc returns a dp_err (0 = success). */
typedef enum dp_err {
    DP_OK = 0,
    DP_ENOMEM,    /* allocation failed */
    DP_EIO,       /* file/socket I/O failed */
    DP_EPARSE,    /* malformed input */
    DP_EREDIS,    /* Redis unreachable or replied with an error */
    DP_EOCR,      /* Tesseract failed */
    DP_ETOOBIG,   /* input over a configured cap */
    DP_ETIMEOUT,  /* deadline passed */
    DP_ENOTFOUND, /* no such object */
    DP_EINVAL,    /* invalid argument or option value */
    DP_EUNSUPP,   /* unsupported type or feature */
    DP_ECONFLICT, /* conflicts with existing state (idempotency key reuse) */
    DP_EBUSY,     /* over capacity, try later */
    DP_EDECODE,   /* file could not be decoded */
    DP_ESSRF,     /* destination address refused by the SSRF guard */
    DP_ERR_COUNT
} dp_err;

/* Static English text for an error code; never NULL. */
const char *dp_strerror(dp_err err);

#endif
