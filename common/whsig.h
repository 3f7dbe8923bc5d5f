/* whsig.h -- Standard Webhooks 1.0 signatures: secrets, signing, verification (OpenSSL). */
#ifndef DP_WHSIG_H
#define DP_WHSIG_H

#include <stddef.h>
#include "err.h"

/*
 * A secret is "whsec_" + base64 of WHSIG_KEY_BYTES random bytes (the decoded bytes are the HMAC
 * key). A signature is "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)); with several
 * secrets (rotation) the header carries the signatures space-separated, newest secret first.
 */
#define WHSIG_PREFIX      "whsec_"
#define WHSIG_KEY_BYTES   24  /* random bytes in a generated secret (spec: 24..64) */
#define WHSIG_KEY_MAX     64  /* largest decoded key accepted */
#define WHSIG_SECRET_MAX  100 /* buffer for one textual secret incl. NUL (6 + 88 + 1 fits 64 B) */
#define WHSIG_SIG_MAX     48  /* buffer for one "v1,<44 base64 chars>" incl. NUL */
#define WHSIG_SECRETS_MAX 4   /* most secrets signed with at once */
#define WHSIG_TOLERANCE_S 300 /* default verify window around now, seconds */

/* Write a fresh secret (RAND_bytes) into out[outsz]; outsz >= WHSIG_SECRET_MAX. */
dp_err whsig_secret_generate(char *out, size_t outsz);

/* Decode secret[len] (with or without "whsec_", base64 padded or not) into key[keysz];
 * *keylen = key bytes. DP_EPARSE on bad base64, DP_EINVAL on an empty or too long key. */
dp_err whsig_secret_parse(const char *secret, size_t len, unsigned char *key, size_t keysz,
                          size_t *keylen);

/* Sign one message with one decoded key into out[outsz] ("v1,..." NUL-terminated).
 * id is the webhook-id, timestamp the webhook-timestamp (unix seconds); body[len] exactly
 * the bytes sent. */
dp_err whsig_sign_key(const unsigned char *key, size_t keylen, const char *id, long long timestamp,
                      const char *body, size_t len, char *out, size_t outsz);

/* Sign with every secret in `secrets`, a space-separated list of "whsec_..." (at most
 * WHSIG_SECRETS_MAX), writing the webhook-signature header value into out[outsz]. */
dp_err whsig_sign(const char *secrets, const char *id, long long timestamp, const char *body,
                  size_t len, char *out, size_t outsz);

/* Check a received message: `secrets` as for whsig_sign; ts_header and sig_header are the
 * webhook-timestamp and webhook-signature values; now and tolerance_s in seconds.
 * DP_OK when one v1 signature matches one secret (constant-time compare) and |now - ts| <=
 * tolerance_s; DP_ETIMEOUT when the timestamp is out of the window; DP_EPARSE when the headers
 * are malformed; DP_EINVAL when no signature matches. */
dp_err whsig_verify(const char *secrets, const char *id, const char *ts_header,
                    const char *sig_header, const char *body, size_t len, long long now,
                    long long tolerance_s);

/* ---- base64 helpers (standard alphabet, padded output) ---- */

/* Encode in[len] into out[outsz] NUL-terminated; DP_ETOOBIG when outsz < 4*ceil(len/3)+1. */
dp_err whsig_b64_encode(const unsigned char *in, size_t len, char *out, size_t outsz);

/* Decode in[len] (padding optional, no whitespace) into out[outsz]; *outlen = bytes. */
dp_err whsig_b64_decode(const char *in, size_t len, unsigned char *out, size_t outsz,
                        size_t *outlen);

#endif
