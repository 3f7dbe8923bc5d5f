/* err.c -- text for dp_err codes. */
#include "err.h"

static const char *const dp_err_text[DP_ERR_COUNT] = {
    [DP_OK] = "success",
    [DP_ENOMEM] = "out of memory",
    [DP_EIO] = "input/output error",
    [DP_EPARSE] = "malformed input",
    [DP_EREDIS] = "redis error",
    [DP_EOCR] = "OCR engine error",
    [DP_ETOOBIG] = "over the configured size limit",
    [DP_ETIMEOUT] = "deadline exceeded",
    [DP_ENOTFOUND] = "not found",
    [DP_EINVAL] = "invalid argument",
    [DP_EUNSUPP] = "unsupported",
    [DP_ECONFLICT] = "conflict",
    [DP_EBUSY] = "busy, try again later",
    [DP_EDECODE] = "could not decode",
    [DP_ESSRF] = "destination refused",
};

const char *dp_strerror(dp_err err)
{
    if ((unsigned)err >= DP_ERR_COUNT || !dp_err_text[err])
        return "unknown error";
    return dp_err_text[err];
}
