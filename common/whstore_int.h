/* whstore_int.h -- helpers shared by whstore.c and whstore_dlv.c only (not a public API). */
#ifndef DP_WHSTORE_INT_H
#define DP_WHSTORE_INT_H

#include <stddef.h>
#include <hiredis.h>
#include "err.h"

#define WHSTORE_ARGS_MAX 24 /* most arguments of one command built with whstore_cmd */

/* One Redis command under construction; argv points at memory the builder's caller keeps alive. */
struct whstore_cmd {
    int argc;
    const char *argv[WHSTORE_ARGS_MAX];
    size_t len[WHSTORE_ARGS_MAX];
    char num[WHSTORE_ARGS_MAX][24]; /* storage for numeric arguments */
};

void whstore_cmd_init(struct whstore_cmd *cmd);
void whstore_cmd_str(struct whstore_cmd *cmd, const char *s);
void whstore_cmd_buf(struct whstore_cmd *cmd, const char *s, size_t len);
void whstore_cmd_ll(struct whstore_cmd *cmd, long long v);

/* Run one command. *reply (caller frees with freeReplyObject) on DP_OK; DP_EREDIS on a
 * connection error or an error reply (then nothing to free). */
dp_err whstore_run(redisContext *c, struct whstore_cmd *cmd, redisReply **reply);
/* Copies the string elements of an array reply (ids shorter than WHSTORE_ID_MAX) into ids,
 * at most max; *n counts them. Frees r. */
void whstore_reply_ids(redisReply *r, char (*ids)[WHSTORE_ID_MAX], size_t max, size_t *n);

/* Run cmds[n] inside MULTI/EXEC; DP_EREDIS when any of them failed. */
dp_err whstore_multi(redisContext *c, struct whstore_cmd *cmds, size_t n);

/* Field `name` of an HGETALL reply (array of name/value pairs), or NULL. Borrowed. */
const redisReply *whstore_hfield(const redisReply *r, const char *name);

/* Copy field `name` of an HGETALL reply into out[outsz] ("" when missing); DP_ETOOBIG when it
 * does not fit. */
dp_err whstore_hcopy(const redisReply *r, const char *name, char *out, size_t outsz);

/* Field `name` as an integer (0 when missing or not a number). */
long long whstore_hll(const redisReply *r, const char *name);

/* key = prefix + a (+ b), NUL-terminated in out[outsz]; DP_ETOOBIG when it does not fit. */
dp_err whstore_key(char *out, size_t outsz, const char *prefix, const char *a, const char *b);

/* "<prefix><2*nbytes random hex>" into out[outsz]. */
dp_err whstore_random_id(const char *prefix, size_t nbytes, char *out, size_t outsz);

/* ISO 8601 UTC text of unix seconds t into out[outsz] (21 bytes suffice). */
void whstore_iso8601(long long t, char *out, size_t outsz);

#endif
