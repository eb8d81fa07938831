/* SPDX-License-Identifier: MIT */
/* Name resolution and connecting with a deadline, shared by the TCP and DNS
 * kinds (the library-backed kinds resolve through their libraries). */
#ifndef HB_RESOLVE_H
#define HB_RESOLVE_H

#include <netdb.h>
#include <stdint.h>

struct hb_attempt;

/* getaddrinfo for host:port; on failure fills a as DNS_FAILURE and returns
 * NULL. family is 0, 4 or 6. */
struct addrinfo *hb_resolve(const char *host, int port, int family,
			    struct hb_attempt *a);
/* Formats an address as "127.0.0.1:80" or "[::1]:80" (port 0: no port). */
void hb_format_addr(const struct sockaddr *sa, char *dst, size_t size,
		    int with_port);
/* Connects to the first address that accepts, by deadline (monotonic ns).
 * Returns a connected blocking socket, or -1 with a filled in
 * (CONNECTION_REFUSED, CONNECT_TIMEOUT, NETWORK_ERROR). */
int hb_connect_any(const struct addrinfo *ai, int64_t deadline_ns,
		   const char *display, struct hb_attempt *a);

#endif
