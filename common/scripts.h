/* scripts.h -- the Lua scripts docproc runs in Redis, one per file under common/lua/. The
 * Makefile embeds each file at build time ($(BUILD)/lua_scripts.inc: name, SHA1 computed by
 * sha1sum, bytes), so a script is const data: nothing is computed or cached at run time and
 * any thread may use any script. rds_eval runs them by EVALSHA, loading a script into a
 * server that does not know it yet (NOSCRIPT) with EVAL. Each file opens with a comment block
 * saying what it does, its KEYS (every key it touches; see keys.h), its ARGV and its reply.
 *
 * The script in common/lua/NAME.lua is `scripts_NAME`, e.g. scripts_store_enqueue. */
#ifndef DP_SCRIPTS_H
#define DP_SCRIPTS_H
#include <stddef.h>
#include "rds.h"

#define DP_LUA(name, sha1, ...) extern const struct rds_script scripts_##name;
#include "lua_scripts.inc"
#undef DP_LUA

/* Every script, in file name order (tests run them all). */
extern const struct rds_script *const scripts_all[];
extern const size_t scripts_count;

/* The script called name (file name without .lua), or NULL. */
const struct rds_script *scripts_find(const char *name);

#endif
