/* ssrf.h -- server-side request forgery guard: which destination addresses and URLs are allowed. */
#ifndef DP_SSRF_H
#define DP_SSRF_H

#include <stddef.h>
#include <sys/socket.h>
#include "err.h"

/*
 * Two layers. ssrf_url_check() runs when a URL is accepted (endpoint creation, callback_url) and
 * refuses what can be seen in the text: schemes other than http/https, literal private addresses
 * in any spelling curl accepts (2130706433, 0x7f.1, [::ffff:127.0.0.1]) and the name localhost.
 * ssrf_addr_allowed() is the real guard: the delivery daemon calls it from
 * CURLOPT_OPENSOCKETFUNCTION on the address curl is about to connect to, which defeats DNS
 * names that resolve (or rebind) to private addresses.
 */

#define SSRF_WHY_MAX  160 /* buffer for a refusal reason incl. NUL */
#define SSRF_ADDR_MAX 64  /* buffer for a printed address incl. NUL (INET6_ADDRSTRLEN fits) */

/* 1 when sa (AF_INET or AF_INET6, len bytes) is a public unicast address, 0 when it is
 * loopback, unspecified, private (RFC 1918, ULA), CGNAT, link-local, multicast, broadcast,
 * reserved, benchmarking, documentation, or an IPv6 form embedding such an IPv4 address
 * (::ffff:0:0/96 mapped, ::/96 compatible, 64:ff9b::/96 NAT64, 2002::/16 6to4) or Teredo.
 * Any other address family is refused. */
int ssrf_addr_allowed(const struct sockaddr *sa, socklen_t len);

/* Print sa's address (no port) into out[outsz]; "?" when it cannot be printed. */
void ssrf_addr_str(const struct sockaddr *sa, socklen_t len, char *out, size_t outsz);

/* Check url (NUL-terminated, parsed with curl_url). DP_OK when acceptable; DP_EINVAL when it is
 * malformed, has no host or its scheme is not http/https; DP_ESSRF when the host is a literal
 * refused address or localhost and allow_private is 0. why[whysz] (may be NULL) gets a reason
 * a person can read, e.g. "destination address 127.0.0.1 is private". */
dp_err ssrf_url_check(const char *url, int allow_private, char *why, size_t whysz);

#endif
