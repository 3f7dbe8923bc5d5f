/* sealstore.c -- re-sealing every stored content value with the current key (docproc-admin rekey).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "keys.h"
#include "rds.h"
#include "scripts.h"
#include "sealstore.h"
#include "util.h"

/* Re-seals the value v[vlen] of key (field NULL = a string) that opened with aad; counts. */
static dp_err reseal(redisContext *c, const struct seal_keyring *kr, const char *key,
                     const char *field, const char *const *aads, int naads, const char *v,
                     size_t vlen, struct sealstore_counts *n)
{
    char kid[SEAL_KID_LEN + 1];
    if (seal_kid(v, vlen, kid) == DP_OK && strcmp(kid, kr->keys[0].kid) == 0) {
        n->current++;
        return DP_OK;
    }
    char *plain = NULL, *sealed = NULL;
    size_t plen = 0, slen = 0;
    const char *aad = NULL;
    for (int i = 0; i < naads && !aad; i++) {
        if (!seal_is_sealed(v, vlen)) {
            aad = aads[0]; /* plain (stored before encryption was on): seal it now */
            break;
        }
        if (seal_open(kr, aads[i], v, vlen, &plain, &plen) == DP_OK)
            aad = aads[i];
    }
    if (!aad) {
        n->failed++;
        return DP_OK;
    }
    dp_err rc = seal_seal(kr, aad, plain ? plain : v, plain ? plen : vlen, &sealed, &slen);
    free(plain);
    if (rc)
        return rc;
    const char *argv[] = {key, field ? field : "", v, sealed};
    const size_t lens[] = {strlen(key), field ? strlen(field) : 0, vlen, slen};
    redisReply *r = NULL;
    rc = rds_eval(c, &scripts_seal_swap, 1, 3, argv, lens, &r, NULL, 0);
    free(sealed);
    if (!rc && r->type == REDIS_REPLY_INTEGER && r->integer == 1)
        n->resealed++;
    else if (!rc)
        n->raced++;
    freeReplyObject(r);
    return rc;
}

/* The id after prefix in key, into id[UTIL_ID_MAX]; 0 when key is not prefix + an id. */
static int id_after(const char *key, const char *prefix, char id[UTIL_ID_MAX])
{
    size_t p = strlen(prefix);
    if (strncmp(key, prefix, p) != 0 || strlen(key + p) >= UTIL_ID_MAX)
        return 0;
    snprintf(id, UTIL_ID_MAX, "%s", key + p);
    return 1;
}

/* One key found by SCAN: re-seal its content values. */
static dp_err one_key(redisContext *c, const struct seal_keyring *kr, const char *key,
                      struct sealstore_counts *n)
{
    char blobp[KEYS_MAX], docp[KEYS_MAX], evtp[KEYS_MAX], id[UTIL_ID_MAX], aad[2][SEAL_AAD_MAX];
    const char *aads[2] = {aad[0], aad[1]};
    keys_blob(blobp, "");
    keys_doc(docp, "");
    keys_wh_event(evtp, "");
    /* dp:cls:<t>:texts, split around the tenant: the prefix and the suffix */
    char clsp[KEYS_MAX], clss[KEYS_MAX];
    keys_cls(clsp, "\x01", KEYS_CLS_TEXTS);
    char *cut = strchr(clsp, '\x01');
    snprintf(clss, sizeof clss, "%s", cut ? cut + 1 : "");
    if (cut)
        *cut = '\0';
    dp_err rc = DP_OK;
    redisReply *r = NULL;
    if (id_after(key, blobp, id)) {
        r = rds_command(c, "GET %s", key);
        snprintf(aad[0], sizeof aad[0], "%s/blob", id);
        if (r && r->type == REDIS_REPLY_STRING)
            rc = reseal(c, kr, key, NULL, aads, 1, r->str, r->len, n);
    } else if (id_after(key, docp, id)) {
        static const char *const fields[] = {"result", "text", "hocr", "confirmed", "metadata"};
        r = rds_command(c, "HMGET %s result text hocr confirmed metadata duplicate_of", key);
        const char *dup = rds_str(r, 5);
        for (int i = 0; r && r->type == REDIS_REPLY_ARRAY && i < 5 && !rc; i++) {
            const redisReply *v = r->element[i];
            if (v->type != REDIS_REPLY_STRING)
                continue;
            snprintf(aad[0], sizeof aad[0], "%s/%s", id, fields[i]);
            snprintf(aad[1], sizeof aad[1], "%s/%s", dup ? dup : id, fields[i]);
            rc = reseal(c, kr, key, fields[i], aads, dup ? 2 : 1, v->str, v->len, n);
        }
    } else if (strncmp(key, clsp, strlen(clsp)) == 0 && strlen(key) > strlen(clss) &&
               strcmp(key + strlen(key) - strlen(clss), clss) == 0) {
        /* a tenant's training examples: doc id -> sealed text (capped by max_examples) */
        r = rds_command(c, "HGETALL %s", key);
        for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements && !rc;
             i += 2) {
            snprintf(aad[0], sizeof aad[0], "%s/example", r->element[i]->str);
            rc = reseal(c, kr, key, r->element[i]->str, aads, 1, r->element[i + 1]->str,
                        r->element[i + 1]->len, n);
        }
    } else if (id_after(key, evtp, id)) {
        r = rds_command(c, "HGET %s data", key);
        snprintf(aad[0], sizeof aad[0], "%s/data", id);
        if (r && r->type == REDIS_REPLY_STRING)
            rc = reseal(c, kr, key, "data", aads, 1, r->str, r->len, n);
    }
    if (!r)
        rc = DP_EREDIS;
    freeReplyObject(r);
    return rc;
}

dp_err sealstore_rekey(redisContext *c, const struct seal_keyring *kr, struct sealstore_counts *out)
{
    memset(out, 0, sizeof *out);
    if (!kr || kr->n == 0)
        return DP_EINVAL;
    char pats[4][KEYS_MAX];
    keys_blob(pats[0], "*");
    keys_doc(pats[1], "*");
    keys_wh_event(pats[2], "*");
    keys_cls(pats[3], "*", KEYS_CLS_TEXTS);
    for (int p = 0; p < 4; p++) {
        char cursor[32] = "0";
        do {
            redisReply *r = rds_command(c, "SCAN %s MATCH %s COUNT 500", cursor, pats[p]);
            if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
                r->element[0]->type != REDIS_REPLY_STRING) {
                freeReplyObject(r);
                return DP_EREDIS;
            }
            snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
            const redisReply *keys = r->element[1];
            for (size_t i = 0; i < keys->elements; i++) {
                dp_err rc = one_key(c, kr, keys->element[i]->str, out);
                if (rc) {
                    freeReplyObject(r);
                    return rc;
                }
            }
            freeReplyObject(r);
        } while (strcmp(cursor, "0") != 0);
    }
    return DP_OK;
}
