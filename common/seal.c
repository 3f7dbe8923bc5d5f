/* seal.c -- AES-256-GCM sealing of stored values (OpenSSL EVP), with key ids and a keyring. */
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "seal.h"
#include "util.h"
#include "whsig.h"

/* ---- keyring ---- */

dp_err seal_keyring_add_b64(struct seal_keyring *kr, const char *b64, size_t len)
{
    unsigned char raw[64];
    size_t n = 0;
    while (len > 0 && isspace((unsigned char)*b64))
        b64++, len--;
    while (len > 0 && isspace((unsigned char)b64[len - 1]))
        len--;
    if (len == 0 || len > 64 || whsig_b64_decode(b64, len, raw, sizeof raw, &n) != DP_OK ||
        n != SEAL_KEY_BYTES) {
        OPENSSL_cleanse(raw, sizeof raw);
        return DP_EINVAL;
    }
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(raw, SEAL_KEY_BYTES, md, &mdlen, EVP_sha256(), NULL);
    char kid[SEAL_KID_LEN + 1];
    for (int i = 0; i < SEAL_KID_LEN / 2; i++)
        snprintf(kid + 2 * i, 3, "%02x", md[i]);
    for (int i = 0; i < kr->n; i++)
        if (strcmp(kr->keys[i].kid, kid) == 0) {
            OPENSSL_cleanse(raw, sizeof raw);
            return DP_OK;
        }
    if (kr->n >= SEAL_KEYS_MAX) {
        OPENSSL_cleanse(raw, sizeof raw);
        return DP_ETOOBIG;
    }
    memcpy(kr->keys[kr->n].kid, kid, sizeof kid);
    memcpy(kr->keys[kr->n].key, raw, SEAL_KEY_BYTES);
    kr->n++;
    OPENSSL_cleanse(raw, sizeof raw);
    return DP_OK;
}

dp_err seal_keyring_from_config(struct seal_keyring *kr, const struct dp_config *cfg, char *err,
                                size_t errsz)
{
    char line[CONFIG_STR_MAX] = "";
    memset(kr, 0, sizeof *kr);
    if (cfg->encryption_key[0] && cfg->encryption_key_file[0]) {
        snprintf(err, errsz, "set encryption_key or encryption_key_file, not both");
        return DP_EINVAL;
    }
    if (cfg->encryption_key_file[0]) {
        FILE *f = fopen(cfg->encryption_key_file, "r");
        if (!f) {
            snprintf(err, errsz, "encryption_key_file: cannot open %s", cfg->encryption_key_file);
            return DP_EIO;
        }
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    } else {
        snprintf(line, sizeof line, "%s", cfg->encryption_key);
    }
    if (line[0] && seal_keyring_add_b64(kr, line, strlen(line)) != DP_OK) {
        OPENSSL_cleanse(line, sizeof line);
        snprintf(err, errsz, "encryption key: not base64 of %d bytes", SEAL_KEY_BYTES);
        return DP_EINVAL;
    }
    OPENSSL_cleanse(line, sizeof line);
    const char *p = cfg->encryption_old_keys;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (kr->n == 0) {
            snprintf(err, errsz, "encryption_old_keys needs a current encryption_key");
            return DP_EINVAL;
        }
        dp_err rc = seal_keyring_add_b64(kr, p, n);
        if (rc != DP_OK) {
            snprintf(err, errsz, "encryption_old_keys: %s",
                     rc == DP_ETOOBIG ? "too many keys" : "a key is not base64 of 32 bytes");
            seal_keyring_clear(kr);
            return rc;
        }
        p += n + (comma ? 1 : 0);
    }
    return DP_OK;
}

void seal_keyring_clear(struct seal_keyring *kr)
{
    OPENSSL_cleanse(kr, sizeof *kr);
    kr->n = 0;
}

/* ---- values ---- */

static int is_kid(const char *s)
{
    for (int i = 0; i < SEAL_KID_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int seal_is_sealed(const void *buf, size_t len)
{
    const char *b = buf;
    return buf && len >= SEAL_HEADER && memcmp(b, SEAL_PREFIX, sizeof SEAL_PREFIX - 1) == 0 &&
           is_kid(b + sizeof SEAL_PREFIX - 1) && b[SEAL_HEADER - 1] == ':';
}

dp_err seal_kid(const void *buf, size_t len, char kid[SEAL_KID_LEN + 1])
{
    if (!seal_is_sealed(buf, len))
        return DP_EPARSE;
    memcpy(kid, (const char *)buf + sizeof SEAL_PREFIX - 1, SEAL_KID_LEN);
    kid[SEAL_KID_LEN] = '\0';
    return DP_OK;
}

/* One GCM pass. enc: in -> out (same length); tag written (enc) or checked (dec). */
static dp_err gcm(int enc, const unsigned char *key, const unsigned char *nonce, const char *aad,
                  const unsigned char *in, size_t len, unsigned char *out, unsigned char *tag)
{
    size_t alen = strlen(aad);
    if (len > (size_t)0x7fffffff - 64 || alen > SEAL_AAD_MAX)
        return DP_ETOOBIG;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return DP_ENOMEM;
    dp_err rc = DP_EINVAL;
    int n = 0;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SEAL_NONCE, NULL) != 1 ||
        EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1 ||
        EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad, (int)alen) != 1)
        goto out;
    if (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag) != 1)
        goto out;
    if (EVP_CipherFinal_ex(ctx, out + (len > 0 ? n : 0), &n) != 1)
        goto out; /* decrypting: the tag did not match */
    if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, tag) != 1)
        goto out;
    rc = DP_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

dp_err seal_seal(const struct seal_keyring *kr, const char *aad, const void *in, size_t len,
                 char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (!kr || kr->n == 0)
        return DP_EINVAL;
    if (len > (size_t)0x7fffffff - SEAL_OVERHEAD - 64)
        return DP_ETOOBIG;
    size_t total = len + SEAL_OVERHEAD;
    unsigned char *b = malloc(total + 1);
    if (!b)
        return DP_ENOMEM;
    memcpy(b, SEAL_PREFIX, sizeof SEAL_PREFIX - 1);
    memcpy(b + sizeof SEAL_PREFIX - 1, kr->keys[0].kid, SEAL_KID_LEN);
    b[SEAL_HEADER - 1] = ':';
    unsigned char *nonce = b + SEAL_HEADER, *ct = nonce + SEAL_NONCE, *tag = ct + len;
    dp_err rc = RAND_bytes(nonce, SEAL_NONCE) == 1 ? DP_OK : DP_EIO;
    if (!rc)
        rc = gcm(1, kr->keys[0].key, nonce, aad, in, len, ct, tag);
    if (rc) {
        free(b);
        return rc;
    }
    b[total] = '\0';
    *out = (char *)b;
    *outlen = total;
    return DP_OK;
}

dp_err seal_open(const struct seal_keyring *kr, const char *aad, const void *in, size_t len,
                 char **out, size_t *outlen)
{
    char kid[SEAL_KID_LEN + 1];
    *out = NULL;
    *outlen = 0;
    if (seal_kid(in, len, kid) != DP_OK || len < SEAL_OVERHEAD)
        return DP_EPARSE;
    const struct seal_key *k = NULL;
    for (int i = 0; kr && i < kr->n && !k; i++)
        if (strcmp(kr->keys[i].kid, kid) == 0)
            k = &kr->keys[i];
    if (!k)
        return DP_ENOTFOUND;
    const unsigned char *nonce = (const unsigned char *)in + SEAL_HEADER;
    size_t plen = len - SEAL_OVERHEAD;
    unsigned char tag[SEAL_TAG];
    memcpy(tag, nonce + SEAL_NONCE + plen, SEAL_TAG);
    unsigned char *p = malloc(plen + 1);
    if (!p)
        return DP_ENOMEM;
    dp_err rc = gcm(0, k->key, nonce, aad, nonce + SEAL_NONCE, plen, p, tag);
    if (rc) {
        OPENSSL_cleanse(p, plen);
        free(p);
        return rc;
    }
    p[plen] = '\0';
    *out = (char *)p;
    *outlen = plen;
    return DP_OK;
}

/* ---- the process's keyring ---- */

static struct seal_keyring process_ring; /* set once by seal_setup, then only read */

dp_err seal_setup(const struct dp_config *cfg, char *err, size_t errsz)
{
    return seal_keyring_from_config(&process_ring, cfg, err, errsz);
}

const struct seal_keyring *seal_active(void)
{
    return process_ring.n > 0 ? &process_ring : NULL;
}

dp_err seal_maybe(const char *aad, const char **buf, size_t *len, char **owned)
{
    *owned = NULL;
    if (!seal_active() || !*buf)
        return DP_OK;
    size_t n = 0;
    dp_err rc = seal_seal(seal_active(), aad, *buf, *len, owned, &n);
    if (rc)
        return rc;
    *buf = *owned;
    *len = n;
    return DP_OK;
}

dp_err seal_open_inplace(const char *aad, char **str, size_t *len)
{
    if (!*str || !seal_is_sealed(*str, *len))
        return DP_OK;
    char *plain = NULL;
    size_t n = 0;
    dp_err rc = seal_open(seal_active(), aad, *str, *len, &plain, &n);
    if (rc)
        return rc;
    free(*str);
    *str = plain;
    *len = n;
    return DP_OK;
}

dp_err seal_open_field(const char *id, const char *dup_of, const char *field, char **str,
                       size_t *len)
{
    char aad[SEAL_AAD_MAX];
    snprintf(aad, sizeof aad, "%s/%s", id, field);
    dp_err rc = seal_open_inplace(aad, str, len);
    if (rc == DP_EINVAL && dup_of && *dup_of) {
        snprintf(aad, sizeof aad, "%s/%s", dup_of, field);
        rc = seal_open_inplace(aad, str, len);
    }
    return rc;
}
