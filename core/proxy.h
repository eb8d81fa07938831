/* SPDX-License-Identifier: MIT */
/* Which proxy an http check's request goes through, as curl decides it:
 * the spec's "proxy", or the environment's http_proxy, https_proxy and
 * all_proxy, unless no_proxy names the host. Pure: the agent reads the
 * environment into the check (agent/spec_proxy.c), and the agent (Landlock's
 * port, whether TLS is needed) and the check's child (what curl is given)
 * decide from the same fields with the same functions here, so that the
 * port the sandbox allows is the one curl connects to.
 *
 * Usage: hb_check_proxy(c, host, https) names the proxy of a request to
 * host, or NULL; hb_proxy_parse reads it. */
#ifndef HB_PROXY_H
#define HB_PROXY_H

#include "addr.h"

#include <stdbool.h>
#include <stddef.h>

struct hb_check;

/* curl's default ports for a proxy URL without one (CURLOPT_PROXYPORT). */
#define HB_PROXY_PORT 1080
#define HB_PROXY_HTTPS_PORT 443

struct hb_proxy {
	bool https;             /* https://: TLS to the proxy itself */
	char host[HB_HOST_MAX]; /* without brackets */
	int port;
	char user[256];         /* percent-decoded; "" when none */
	char password[256];     /* percent-decoded: wipe it after use */
	bool has_password;
};

/* Reads a proxy URL as curl takes one: "http://[user[:password]@]host
 * [:port][/]", "https://...", or without a scheme "host[:port]" (http).
 * A missing port is curl's default: 1080, or 443 for https. Another scheme
 * (socks5://) is refused. Returns 0, or -EINVAL with err saying what is
 * wrong (never quoting a password). */
int hb_proxy_parse(const char *url, struct hb_proxy *p, char *err,
		   size_t errlen);

/* Whether host (a name, an IPv4 address, or an IPv6 address with or
 * without brackets) is in a no_proxy list as curl 7.88 reads one: "*"
 * alone matches every host; otherwise entries separated by commas or
 * blanks, a name matching itself and its subdomains (".example.com" and
 * "example.com" alike, case-insensitive, a trailing dot ignored), an
 * address matching itself or, with "/bits", its network. */
bool hb_noproxy_match(const char *host, const char *list);

/* The proxy URL a request of check c to host goes through (over https or
 * plain http), or NULL for none (no proxy set, or no_proxy names host). */
const char *hb_check_proxy(const struct hb_check *c, const char *host,
			   bool https);
/* The variable (or "proxy", the spec's field) that proxy of c came from. */
const char *hb_check_proxy_source(const struct hb_check *c, bool https);

/* Whether some proxy of c is an https:// one, which needs TLS whatever
 * the target's scheme. */
bool hb_check_proxy_tls(const struct hb_check *c);

#endif
