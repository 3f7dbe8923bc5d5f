/* api_openapi.c -- GET /v1/openapi.json: api/openapi.json, embedded at build time (the Makefile
 * turns it into $(BUILD)/openapi.inc, a list of byte values, with od). */
#include "api.h"

static const unsigned char spec[] = {
#include "openapi.inc"
};

const char *api_openapi_json(size_t *len)
{
    *len = sizeof spec;
    return (const char *)spec;
}

enum MHD_Result api_openapi_reply(struct api_req *r, redisContext *c, const char *const *param)
{
    (void)c;
    (void)param;
    size_t len;
    const char *text = api_openapi_json(&len);
    return api_reply_bytes(r, 200, "application/json", text, len);
}
