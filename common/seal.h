/* seal.h -- encryption at rest: AES-256-GCM sealing of values before they reach Redis.
 *
 * A sealed value is binary: the header "dpenc1:<kid>:" (kid = 8 lowercase hex digits, the
 * first 4 bytes of SHA-256 of the key, so a key names itself and no one has to pick ids),
 * then a random 96-bit nonce, the ciphertext and the 16-byte GCM tag. The caller passes an
 * associated text (the record id and field, e.g. "doc_x/blob") that must be the same to open
 * it: a sealed value moved to another record or field does not open.
 *
 * A keyring holds the current key (seals) and older keys (still open), so a key can be
 * replaced while old values are read; `docproc-admin rekey` re-seals them with the current one.
 * Without a key (empty keyring) nothing is sealed and values are stored as they come; a value
 * that is not sealed is always read as it is (data from before encryption was switched on). */
#ifndef DP_SEAL_H
#define DP_SEAL_H
#include <stddef.h>
#include "config.h"
#include "err.h"

#define SEAL_KEY_BYTES 32
#define SEAL_KID_LEN   8 /* hex digits */
#define SEAL_NONCE     12
#define SEAL_TAG       16
#define SEAL_KEYS_MAX  8 /* current + older keys */
#define SEAL_PREFIX    "dpenc1:"
#define SEAL_HEADER    (sizeof SEAL_PREFIX - 1 + SEAL_KID_LEN + 1) /* "dpenc1:<kid>:" */
#define SEAL_OVERHEAD  (SEAL_HEADER + SEAL_NONCE + SEAL_TAG)
#define SEAL_AAD_MAX   256 /* longest associated text */

struct seal_key {
    char kid[SEAL_KID_LEN + 1];        /* hex id derived from the key */
    unsigned char key[SEAL_KEY_BYTES]; /* AES-256 key */
};

struct seal_keyring {
    struct seal_key keys[SEAL_KEYS_MAX]; /* keys[0] seals; all of them open */
    int n;                               /* 0 = encryption off */
};

/* ---- keyring ---- */

/* Adds a key given as base64 of 32 bytes (surrounding whitespace ignored); the first key added
 * is the current one. DP_EINVAL when it is not 32 bytes of base64, DP_ETOOBIG when the ring is
 * full. A key already in the ring is not added twice. */
dp_err seal_keyring_add_b64(struct seal_keyring *kr, const char *b64, size_t len);

/* Builds the keyring from the configuration: encryption_key (or the first line of the file
 * encryption_key_file), then the comma-separated encryption_old_keys. Empty = off (kr->n 0). */
dp_err seal_keyring_from_config(struct seal_keyring *kr, const struct dp_config *cfg, char *err,
                                size_t errsz);

/* Wipes the key bytes. */
void seal_keyring_clear(struct seal_keyring *kr);

/* ---- values (pure over buffers) ---- */

/* 1 when buf[len] starts with a sealed value's header. */
int seal_is_sealed(const void *buf, size_t len);

/* The kid of a sealed value into kid[SEAL_KID_LEN+1]; DP_EPARSE when not sealed. */
dp_err seal_kid(const void *buf, size_t len, char kid[SEAL_KID_LEN + 1]);

/* Seals in[len] with the current key and associated text aad. *out (malloc'd, caller frees)
 * receives len + SEAL_OVERHEAD bytes plus a NUL not counted in *outlen. DP_EINVAL without a
 * key. */
dp_err seal_seal(const struct seal_keyring *kr, const char *aad, const void *in, size_t len,
                 char **out, size_t *outlen);

/* Opens a sealed value. *out (malloc'd, caller frees) receives the plain bytes plus a NUL not
 * counted in *outlen. DP_EPARSE: not a well-formed sealed value (too short, bad header);
 * DP_ENOTFOUND: its key is not in the ring; DP_EINVAL: it does not authenticate (tampered,
 * wrong key or other aad). */
dp_err seal_open(const struct seal_keyring *kr, const char *aad, const void *in, size_t len,
                 char **out, size_t *outlen);

/* ---- the process's keyring ---- */

/* The keyring every program uses, loaded once at startup before any thread starts and only
 * read afterwards (a deliberate process-wide constant, like the locale: threading it through
 * every store/queue/webhook call would change forty signatures for one read-only value).
 * seal_setup loads it from cfg; seal_active() is NULL when encryption is off. */
dp_err seal_setup(const struct dp_config *cfg, char *err, size_t errsz);
const struct seal_keyring *seal_active(void);

/* Seals in place for storage when encryption is on: on success *buf and *len point at a
 * malloc'd sealed copy stored into *owned (caller frees *owned; NULL when nothing was sealed and
 * *buf is unchanged). */
dp_err seal_maybe(const char *aad, const char **buf, size_t *len, char **owned);

/* Opens a value read from Redis in place: when (*str,*len) is sealed, it is replaced by a
 * malloc'd plain copy (the old buffer freed with free, as hiredis reply strings are). A value
 * that is not sealed is left as it is. DP_EINVAL/DP_ENOTFOUND as seal_open, or when a sealed
 * value meets a process without keys. */
dp_err seal_open_inplace(const char *aad, char **str, size_t *len);

/* seal_open_inplace for field of document id, with associated text "<id>/<field>"; a
 * duplicate's copied result/text/hOCR (sealed for the earlier document dup_of, may be NULL) open
 * with "<dup_of>/<field>". */
dp_err seal_open_field(const char *id, const char *dup_of, const char *field, char **str,
                       size_t *len);

#endif
