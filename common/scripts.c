/* scripts.c -- the embedded Lua scripts (see scripts.h; sources in common/lua/). */
#include <string.h>
#include "scripts.h"

/* One definition per script: its bytes (NUL-terminated for EVAL) and its descriptor. */
#define DP_LUA(name, sha1, ...)                                                                    \
    static const unsigned char src_##name[] = {__VA_ARGS__ 0};                                     \
    const struct rds_script scripts_##name = {#name, sha1, (const char *)src_##name,               \
                                              sizeof src_##name - 1};
#include "lua_scripts.inc"
#undef DP_LUA

#define DP_LUA(name, sha1, ...) &scripts_##name,
const struct rds_script *const scripts_all[] = {
#include "lua_scripts.inc"
};
#undef DP_LUA
const size_t scripts_count = sizeof scripts_all / sizeof scripts_all[0];

const struct rds_script *scripts_find(const char *name)
{
    for (size_t i = 0; i < scripts_count; i++)
        if (strcmp(scripts_all[i]->name, name) == 0)
            return scripts_all[i];
    return NULL;
}
