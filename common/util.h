/* util.h -- small shared helpers: clocks, SHA-256, random identifiers. */
#ifndef DP_UTIL_H
#define DP_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define UTIL_SHA256_HEX 65 /* 64 hex digits + NUL */
#define UTIL_ID_MAX     48 /* prefix + 26 id characters + NUL fits */

/* Wall clock, milliseconds since the epoch. */
int64_t util_now_ms(void);
/* Monotonic clock, milliseconds. */
int64_t util_mono_ms(void);
/* CPU time this process has used (all its threads), seconds. */
double util_cpu_s(void);

/* qsort comparator: ints in ascending order. */
int util_cmp_int(const void *a, const void *b);

/* Lower-case hex SHA-256 of buf into out[UTIL_SHA256_HEX]. */
void util_sha256_hex(const void *buf, size_t len, char out[UTIL_SHA256_HEX]);

/* Installs handler fn for SIGTERM and SIGINT (without SA_RESTART, so a blocking call returns
 * and the program sees its stop flag). */
void util_on_stop_signals(void (*fn)(int));

/* Cryptographically random bytes (OpenSSL). */
dp_err util_random(void *buf, size_t len);

/* A new time-sortable id: prefix + 10 chars of millisecond time + 16 random chars, Crockford
 * base32 (ULID layout), e.g. "doc_01JD3Z...". out must hold UTIL_ID_MAX bytes. */
dp_err util_new_id(const char *prefix, char out[UTIL_ID_MAX]);

/* An API key: "dpk_" + 32 random base62 characters. out must hold 40 bytes. */
dp_err util_new_api_key(char out[40]);

/* Formats ms since the epoch as RFC 3339 UTC with milliseconds into out[32]. */
void util_iso8601(int64_t ms, char out[32]);

/* Formats unix seconds as RFC 3339 UTC without fractions ("2024-01-31T12:00:00Z") into out[32]. */
void util_iso8601_s(int64_t unix_s, char out[32]);

/* A random lower-case hex id: prefix + 2 * nbytes hex digits (nbytes <= 32), into out[outsz];
 * e.g. webhook endpoint ids "wh_<24 hex>". DP_ETOOBIG when it does not fit, DP_EIO. */
dp_err util_hex_id(const char *prefix, size_t nbytes, char *out, size_t outsz);

/* Whether s is a well-formed id with the given prefix (prefix + 26 Crockford chars). */
int util_id_valid(const char *prefix, const char *s);

#endif
