/* whsig.c -- Standard Webhooks 1.0 signatures over OpenSSL EVP_MAC (HMAC-SHA256) and base64. */
#include "whsig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define HMAC_LEN 32 /* SHA-256 output bytes */

/* ---- base64 ---- */

static int b64_char_ok(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/';
}

dp_err whsig_b64_encode(const unsigned char *in, size_t len, char *out, size_t outsz)
{
    if (len > (size_t)INT32_MAX / 2)
        return DP_ETOOBIG;
    size_t need = 4 * ((len + 2) / 3) + 1;
    if (outsz < need)
        return DP_ETOOBIG;
    EVP_EncodeBlock((unsigned char *)out, in, (int)len); /* writes need bytes incl. NUL */
    return DP_OK;
}

dp_err whsig_b64_decode(const char *in, size_t len, unsigned char *out, size_t outsz,
                        size_t *outlen)
{
    /* EVP_DecodeBlock wants a multiple of 4 and counts padding as zero bytes, so validate the
     * alphabet ourselves, re-pad into a bounded buffer and subtract the padding afterwards. */
    char buf[4 * 64 + 4];
    size_t pad = 0;
    while (len > 0 && in[len - 1] == '=' && pad < 2) {
        len--;
        pad++;
    }
    if (len + 3 > sizeof buf)
        return DP_ETOOBIG;
    if (len == 0 || len % 4 == 1)
        return DP_EPARSE;
    for (size_t i = 0; i < len; i++)
        if (!b64_char_ok((unsigned char)in[i]))
            return DP_EPARSE;
    size_t padded = (len + 3) / 4 * 4;
    if (pad && padded - len != pad)
        return DP_EPARSE; /* wrong amount of padding */
    memcpy(buf, in, len);
    memset(buf + len, '=', padded - len);
    size_t bytes = padded / 4 * 3 - (padded - len);
    if (outsz < padded / 4 * 3)
        return DP_ETOOBIG;
    int n = EVP_DecodeBlock(out, (const unsigned char *)buf, (int)padded);
    if (n < 0 || (size_t)n != padded / 4 * 3)
        return DP_EPARSE;
    *outlen = bytes;
    return DP_OK;
}

/* ---- secrets ---- */

dp_err whsig_secret_generate(char *out, size_t outsz)
{
    unsigned char key[WHSIG_KEY_BYTES];
    size_t plen = strlen(WHSIG_PREFIX);
    if (outsz < WHSIG_SECRET_MAX)
        return DP_ETOOBIG;
    if (RAND_bytes(key, sizeof key) != 1)
        return DP_EIO;
    memcpy(out, WHSIG_PREFIX, plen);
    dp_err err = whsig_b64_encode(key, sizeof key, out + plen, outsz - plen);
    OPENSSL_cleanse(key, sizeof key);
    return err;
}

dp_err whsig_secret_parse(const char *secret, size_t len, unsigned char *key, size_t keysz,
                          size_t *keylen)
{
    size_t plen = strlen(WHSIG_PREFIX);
    if (len >= plen && memcmp(secret, WHSIG_PREFIX, plen) == 0) {
        secret += plen;
        len -= plen;
    }
    if (len == 0)
        return DP_EINVAL;
    unsigned char tmp[WHSIG_KEY_MAX + 3];
    size_t n = 0;
    dp_err err = whsig_b64_decode(secret, len, tmp, sizeof tmp, &n);
    if (err == DP_ETOOBIG)
        return DP_EINVAL;
    if (err != DP_OK)
        return err;
    if (n == 0 || n > WHSIG_KEY_MAX || n > keysz) {
        OPENSSL_cleanse(tmp, sizeof tmp);
        return DP_EINVAL;
    }
    memcpy(key, tmp, n);
    OPENSSL_cleanse(tmp, sizeof tmp);
    *keylen = n;
    return DP_OK;
}

/* ---- signing ---- */

static dp_err hmac_sha256(const unsigned char *key, size_t keylen, const char *id, const char *ts,
                          const char *body, size_t len, unsigned char mac[HMAC_LEN])
{
    dp_err err = DP_EIO;
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = alg ? EVP_MAC_CTX_new(alg) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t outl = 0;
    if (!ctx)
        goto out;
    if (EVP_MAC_init(ctx, key, keylen, params) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)id, strlen(id)) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)".", 1) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)ts, strlen(ts)) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)".", 1) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)body, len) != 1 ||
        EVP_MAC_final(ctx, mac, &outl, HMAC_LEN) != 1 || outl != HMAC_LEN)
        goto out;
    err = DP_OK;
out:
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(alg);
    return err;
}

dp_err whsig_sign_key(const unsigned char *key, size_t keylen, const char *id, long long timestamp,
                      const char *body, size_t len, char *out, size_t outsz)
{
    unsigned char mac[HMAC_LEN];
    char ts[24];
    if (!id || !body || outsz < WHSIG_SIG_MAX)
        return DP_EINVAL;
    snprintf(ts, sizeof ts, "%lld", timestamp);
    dp_err err = hmac_sha256(key, keylen, id, ts, body, len, mac);
    if (err != DP_OK)
        return err;
    memcpy(out, "v1,", 3);
    return whsig_b64_encode(mac, sizeof mac, out + 3, outsz - 3);
}

/* Next space-separated token of list starting at *pos: sets *tok, *toklen; 0 at the end. */
static int next_token(const char *list, size_t *pos, const char **tok, size_t *toklen)
{
    size_t i = *pos;
    while (list[i] == ' ')
        i++;
    if (!list[i])
        return 0;
    size_t start = i;
    while (list[i] && list[i] != ' ')
        i++;
    *tok = list + start;
    *toklen = i - start;
    *pos = i;
    return 1;
}

dp_err whsig_sign(const char *secrets, const char *id, long long timestamp, const char *body,
                  size_t len, char *out, size_t outsz)
{
    size_t pos = 0, used = 0, toklen = 0, nsec = 0;
    const char *tok = NULL;
    if (!secrets || outsz == 0)
        return DP_EINVAL;
    out[0] = '\0';
    while (next_token(secrets, &pos, &tok, &toklen)) {
        unsigned char key[WHSIG_KEY_MAX];
        size_t keylen = 0;
        char sig[WHSIG_SIG_MAX];
        if (++nsec > WHSIG_SECRETS_MAX)
            return DP_ETOOBIG;
        dp_err err = whsig_secret_parse(tok, toklen, key, sizeof key, &keylen);
        if (err == DP_OK)
            err = whsig_sign_key(key, keylen, id, timestamp, body, len, sig, sizeof sig);
        OPENSSL_cleanse(key, sizeof key);
        if (err != DP_OK)
            return err;
        int n = snprintf(out + used, outsz - used, "%s%s", used ? " " : "", sig);
        if (n < 0 || (size_t)n >= outsz - used)
            return DP_ETOOBIG;
        used += (size_t)n;
    }
    return nsec ? DP_OK : DP_EINVAL;
}

/* ---- verification ---- */

static dp_err parse_ts(const char *s, long long *ts)
{
    char *end = NULL;
    if (!s || !*s)
        return DP_EPARSE;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return DP_EPARSE;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0)
        return DP_EPARSE;
    *ts = v;
    return DP_OK;
}

dp_err whsig_verify(const char *secrets, const char *id, const char *ts_header,
                    const char *sig_header, const char *body, size_t len, long long now,
                    long long tolerance_s)
{
    long long ts = 0;
    size_t spos = 0, stoklen = 0, nsec = 0;
    const char *stok = NULL;
    if (!secrets || !id || !sig_header || !body)
        return DP_EINVAL;
    if (parse_ts(ts_header, &ts) != DP_OK)
        return DP_EPARSE;
    if (ts > now + tolerance_s || ts < now - tolerance_s)
        return DP_ETIMEOUT;
    while (next_token(secrets, &spos, &stok, &stoklen)) {
        unsigned char key[WHSIG_KEY_MAX];
        size_t keylen = 0, hpos = 0, htoklen = 0;
        const char *htok = NULL;
        char want[WHSIG_SIG_MAX];
        if (++nsec > WHSIG_SECRETS_MAX)
            return DP_ETOOBIG;
        dp_err err = whsig_secret_parse(stok, stoklen, key, sizeof key, &keylen);
        if (err == DP_OK)
            err = whsig_sign_key(key, keylen, id, ts, body, len, want, sizeof want);
        OPENSSL_cleanse(key, sizeof key);
        if (err != DP_OK)
            return err;
        size_t wlen = strlen(want);
        int match = 0;
        while (next_token(sig_header, &hpos, &htok, &htoklen))
            if (htoklen == wlen && CRYPTO_memcmp(htok, want, wlen) == 0)
                match = 1; /* keep scanning: time does not depend on the position */
        if (match)
            return DP_OK;
    }
    return DP_EINVAL;
}
