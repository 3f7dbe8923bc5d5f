/* util.c -- clocks, signals, hashing and ids. */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "util.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void util_on_stop_signals(void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int util_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int64_t util_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t util_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double util_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SHA-256 fetched from the provider once: EVP_sha256() makes every EVP_Digest look the
 * algorithm up again under OpenSSL 3's store lock, which the API's threads then share. Kept
 * for the process's life. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

void util_sha256_hex(const void *buf, size_t len, char out[UTIL_SHA256_HEX])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    pthread_once(&sha256_once, sha256_fetch);
    EVP_Digest(buf, len, md, &mdlen, sha256_md ? sha256_md : EVP_sha256(), NULL);
    static const char hex[] = "0123456789abcdef"; /* every upload hashes twice: no snprintf */
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

dp_err util_random(void *buf, size_t len)
{
    return RAND_bytes(buf, (int)len) == 1 ? DP_OK : DP_EIO;
}

/* ---- ids ---- */

/* The random part of ids comes from a per-thread pool refilled by one RAND_bytes call per
 * ID_POOL bytes: an upload names three ids (request, document, event), one call instead of
 * three. A fork empties the pool in the child (pthread_atfork), so a forked worker never
 * repeats its parent's ids. Keys and secrets take util_random directly. */
#define ID_RANDOM 10 /* bytes of one id */
#define ID_POOL   (24 * ID_RANDOM)
static atomic_uint id_fork_gen;
static pthread_once_t id_once = PTHREAD_ONCE_INIT;
static _Thread_local unsigned char id_pool[ID_POOL];
static _Thread_local size_t id_used = ID_POOL;
static _Thread_local unsigned id_gen;

static void id_forked(void)
{
    atomic_fetch_add(&id_fork_gen, 1);
}

static void id_atfork(void)
{
    pthread_atfork(NULL, NULL, id_forked);
}

static dp_err id_random(unsigned char out[ID_RANDOM])
{
    pthread_once(&id_once, id_atfork);
    unsigned gen = atomic_load(&id_fork_gen);
    if (id_gen != gen || id_used + ID_RANDOM > ID_POOL) {
        if (RAND_bytes(id_pool, ID_POOL) != 1)
            return DP_EIO;
        id_used = 0;
        id_gen = gen;
    }
    memcpy(out, id_pool + id_used, ID_RANDOM);
    memset(id_pool + id_used, 0, ID_RANDOM); /* handed out once */
    id_used += ID_RANDOM;
    return DP_OK;
}

dp_err util_new_id(const char *prefix, char out[UTIL_ID_MAX])
{
    unsigned char rnd[ID_RANDOM];
    size_t plen = strlen(prefix);
    if (plen + 27 > UTIL_ID_MAX)
        return DP_EINVAL;
    if (id_random(rnd))
        return DP_EIO;
    memcpy(out, prefix, plen);
    char *p = out + plen;
    uint64_t t = (uint64_t)util_now_ms();
    for (int i = 9; i >= 0; i--) {
        p[i] = crockford[t & 31];
        t >>= 5;
    }
    /* 80 random bits -> 16 characters of 5 bits */
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 5; i++)
        hi = hi << 8 | rnd[i];
    for (int i = 5; i < 10; i++)
        lo = lo << 8 | rnd[i];
    for (int i = 7; i >= 0; i--) {
        p[10 + i] = crockford[hi & 31];
        hi >>= 5;
        p[18 + i] = crockford[lo & 31];
        lo >>= 5;
    }
    p[26] = '\0';
    return DP_OK;
}

int util_id_valid(const char *prefix, const char *s)
{
    size_t plen = strlen(prefix);
    if (strncmp(s, prefix, plen) != 0 || strlen(s) != plen + 26)
        return 0;
    for (const char *p = s + plen; *p; p++)
        if (!strchr(crockford, *p))
            return 0;
    return 1;
}

dp_err util_new_api_key(char out[40])
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned char rnd[32];
    memcpy(out, "dpk_", 4);
    for (int i = 0; i < 32; i++) {
        /* rejection sampling keeps the characters uniform */
        do {
            if (util_random(&rnd[i], 1))
                return DP_EIO;
        } while (rnd[i] >= 248);
        out[4 + i] = b62[rnd[i] % 62];
    }
    out[36] = '\0';
    return DP_OK;
}

/* "YYYY-MM-DDTHH:MM:SS" of unix seconds into out[32]; returns its length. */
static size_t iso_seconds(int64_t sec, char out[32])
{
    time_t s = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&s, &tm))
        memset(&tm, 0, sizeof tm); /* year out of range: a fixed, well-formed answer */
    return strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

void util_iso8601(int64_t ms, char out[32])
{
    /* floor division: before the epoch the milliseconds still count up from a whole second */
    int64_t sec = ms / 1000, frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        sec--;
    }
    size_t n = iso_seconds(sec, out);
    snprintf(out + n, 32 - n, ".%03dZ", (int)frac);
}

void util_iso8601_s(int64_t unix_s, char out[32])
{
    size_t n = iso_seconds(unix_s, out);
    snprintf(out + n, 32 - n, "Z");
}

dp_err util_hex_id(const char *prefix, size_t nbytes, char *out, size_t outsz)
{
    unsigned char raw[32];
    size_t plen = strlen(prefix);
    if (nbytes > sizeof raw || plen + 2 * nbytes + 1 > outsz)
        return DP_ETOOBIG;
    if (util_random(raw, nbytes))
        return DP_EIO;
    memcpy(out, prefix, plen);
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + plen + 2 * i, 3, "%02x", raw[i]);
    return DP_OK;
}
