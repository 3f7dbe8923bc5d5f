/* ssrf.c -- SSRF guard: address range tables for IPv4/IPv6 and URL checks via curl's URL API. */
#include "ssrf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

/* ---- IPv4 ---- */

struct v4_range {
    uint32_t net;  /* network, host byte order */
    unsigned bits; /* prefix length */
};

/* Everything a webhook must never reach (IANA special-purpose registry, not globally reachable). */
static const struct v4_range v4_refused[] = {
    {0x00000000u, 8},  /* 0.0.0.0/8 "this network" */
    {0x0A000000u, 8},  /* 10.0.0.0/8 RFC 1918 */
    {0x64400000u, 10}, /* 100.64.0.0/10 CGNAT */
    {0x7F000000u, 8},  /* 127.0.0.0/8 loopback */
    {0xA9FE0000u, 16}, /* 169.254.0.0/16 link-local (cloud metadata) */
    {0xAC100000u, 12}, /* 172.16.0.0/12 RFC 1918 */
    {0xC0000000u, 24}, /* 192.0.0.0/24 IETF protocol assignments */
    {0xC0000200u, 24}, /* 192.0.2.0/24 TEST-NET-1 */
    {0xC0586300u, 24}, /* 192.88.99.0/24 6to4 relay anycast */
    {0xC0A80000u, 16}, /* 192.168.0.0/16 RFC 1918 */
    {0xC6120000u, 15}, /* 198.18.0.0/15 benchmarking */
    {0xC6336400u, 24}, /* 198.51.100.0/24 TEST-NET-2 */
    {0xCB007100u, 24}, /* 203.0.113.0/24 TEST-NET-3 */
    {0xE0000000u, 4},  /* 224.0.0.0/4 multicast */
    {0xF0000000u, 4},  /* 240.0.0.0/4 reserved, incl. 255.255.255.255 broadcast */
};

static int v4_allowed(uint32_t a)
{
    for (size_t i = 0; i < sizeof v4_refused / sizeof v4_refused[0]; i++) {
        uint32_t mask = 0xFFFFFFFFu << (32 - v4_refused[i].bits);
        if ((a & mask) == v4_refused[i].net)
            return 0;
    }
    return 1;
}

static uint32_t be32_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* ---- IPv6 ---- */

static int v6_prefix(const unsigned char *a, const unsigned char *p, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, p, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (a[full] & mask) == (p[full] & mask);
}

static int v6_allowed(const unsigned char a[16])
{
    static const unsigned char zero[16] = {0};
    static const unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char nat64[16] = {0, 0x64, 0xFF, 0x9B};
    static const unsigned char nat64_local[16] = {0, 0x64, 0xFF, 0x9B, 0, 1};
    static const unsigned char sixto4[16] = {0x20, 0x02};
    static const unsigned char teredo[16] = {0x20, 0x01, 0, 0};
    static const unsigned char doc[16] = {0x20, 0x01, 0x0D, 0xB8};
    static const unsigned char doc2[16] = {0x3F, 0xFF};
    static const unsigned char global[16] = {0x20};

    if (v6_prefix(a, mapped, 96) || v6_prefix(a, nat64, 96))
        return v4_allowed(be32_at(a + 12)); /* the IPv4 address inside decides */
    if (v6_prefix(a, zero, 96))
        return 0; /* ::, ::1 and deprecated IPv4-compatible ::a.b.c.d */
    if (v6_prefix(a, nat64_local, 48))
        return 0; /* 64:ff9b:1::/48 local-use NAT64 */
    if (!v6_prefix(a, global, 3))
        return 0; /* outside 2000::/3 global unicast: ULA fc00::/7, fe80::/10, ff00::/8, ... */
    if (v6_prefix(a, sixto4, 16))
        return v4_allowed(be32_at(a + 2)); /* 2002:V4ADDR::/48 */
    if (v6_prefix(a, teredo, 32))
        return 0; /* Teredo tunnels carry an obfuscated IPv4 client: refuse */
    if (v6_prefix(a, doc, 32) || v6_prefix(a, doc2, 20))
        return 0; /* documentation 2001:db8::/32, 3fff::/20 */
    return 1;
}

int ssrf_addr_allowed(const struct sockaddr *sa, socklen_t len)
{
    if (!sa)
        return 0;
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return v4_allowed(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return v6_allowed(in6->sin6_addr.s6_addr);
    }
    return 0;
}

void ssrf_addr_str(const struct sockaddr *sa, socklen_t len, char *out, size_t outsz)
{
    const char *r = NULL;
    if (outsz == 0)
        return;
    if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
        r = inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)outsz);
    else if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
        r = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                      (socklen_t)outsz);
    if (!r)
        snprintf(out, outsz, "?");
}

/* ---- URLs ---- */

static void set_why(char *why, size_t whysz, const char *msg, const char *arg)
{
    if (why && whysz)
        snprintf(why, whysz, msg, arg);
}

/* Host as curl returns it ("[::1]" for IPv6, trailing dot kept): literal address check. */
static dp_err host_check(const char *host, int allow_private, char *why, size_t whysz)
{
    char buf[256];
    size_t n = strlen(host);
    if (n == 0 || n >= sizeof buf) {
        set_why(why, whysz, "bad host in URL%s", "");
        return DP_EINVAL;
    }
    memcpy(buf, host, n + 1);
    if (buf[0] == '[' && buf[n - 1] == ']') {
        buf[n - 1] = '\0';
        struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
        char *pct = strchr(buf + 1, '%'); /* zone id: only link-local has one; refused anyway */
        if (pct)
            *pct = '\0';
        if (inet_pton(AF_INET6, buf + 1, &in6.sin6_addr) != 1) {
            set_why(why, whysz, "bad IPv6 address in URL%s", "");
            return DP_EINVAL;
        }
        if (!allow_private && !ssrf_addr_allowed((struct sockaddr *)&in6, sizeof in6)) {
            set_why(why, whysz, "destination address %s is private", buf + 1);
            return DP_ESSRF;
        }
        return DP_OK;
    }
    while (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0'; /* "127.0.0.1." and "localhost." resolve like their dotless forms */
    if (allow_private)
        return DP_OK;
    struct sockaddr_in in = {.sin_family = AF_INET};
    if (inet_aton(buf, &in.sin_addr) == 1) { /* every numeric spelling getaddrinfo accepts */
        if (!ssrf_addr_allowed((struct sockaddr *)&in, sizeof in)) {
            char addr[SSRF_ADDR_MAX];
            ssrf_addr_str((struct sockaddr *)&in, sizeof in, addr, sizeof addr);
            set_why(why, whysz, "destination address %s is private", addr);
            return DP_ESSRF;
        }
        return DP_OK;
    }
    const char *dot = strrchr(buf, '.');
    if (strcasecmp(buf, "localhost") == 0 || (dot && strcasecmp(dot, ".localhost") == 0)) {
        set_why(why, whysz, "destination host %s is loopback", buf);
        return DP_ESSRF;
    }
    return DP_OK;
}

dp_err ssrf_url_check(const char *url, int allow_private, char *why, size_t whysz)
{
    dp_err err = DP_EINVAL;
    char *scheme = NULL, *host = NULL;
    CURLU *u = curl_url();
    if (!u)
        return DP_ENOMEM;
    set_why(why, whysz, "%s", "");
    if (!url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        set_why(why, whysz, "malformed URL%s", "");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        set_why(why, whysz, "scheme %s is not allowed (http, https only)", scheme ? scheme : "?");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host) {
        set_why(why, whysz, "URL has no host%s", "");
        goto out;
    }
    err = host_check(host, allow_private, why, whysz);
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return err;
}
