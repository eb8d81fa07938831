/* SPDX-License-Identifier: MIT */
/* Which proxy an http check's request goes through (proxy.h): curl's rules,
 * written once for the agent and the check's child. Pure, no I/O. */
#include "proxy.h"

#include "check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int proxy_fail(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

int hb_proxy_parse(const char *url, struct hb_proxy *p, char *err,
		   size_t errlen)
{
	memset(p, 0, sizeof(*p));
	const char *sep = strstr(url, "://");
	const char *auth = url;
	if (sep) {
		size_t n = (size_t)(sep - url);
		if (n == 5 && strncasecmp(url, "https", 5) == 0)
			p->https = true;
		else if (n != 4 || strncasecmp(url, "http", 4) != 0)
			return proxy_fail(err, errlen,
					  "expected an http:// or https:// "
					  "proxy (hookbox speaks no SOCKS)");
		auth = sep + 3;
	}
	struct hb_authority a = {
		.user = p->user,
		.user_size = sizeof(p->user),
		.password = p->password,
		.password_size = sizeof(p->password),
		.host = p->host,
		.host_size = sizeof(p->host),
	};
	char why[256];
	const char *rest = hb_url_authority(
		auth, p->https ? HB_PROXY_HTTPS_PORT : HB_PROXY_PORT, &a, why,
		sizeof(why));
	if (!rest) {
		if (err && errlen)
			snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	/* curl reads no path of a proxy URL: only "/" may follow. */
	if (*rest && strcmp(rest, "/") != 0)
		return proxy_fail(err, errlen,
				  "a proxy URL has no path, query or fragment");
	p->port = a.port;
	p->has_password = a.has_password;
	return 0;
}

/* -- no_proxy ------------------------------------------------------------- */

/* An address in network byte order, 4 or 16 bytes; false for a name. */
static bool parse_ip(const char *s, size_t n, unsigned char *b, size_t *len)
{
	char text[INET6_ADDRSTRLEN + 2];
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, b) == 1) {
		*len = 4;
		return true;
	}
	if (inet_pton(AF_INET6, text, b) == 1) {
		*len = 16;
		return true;
	}
	return false;
}

/* Whether the first bits of two addresses agree; bits 0 means all. */
static bool same_network(const unsigned char *a, const unsigned char *b,
			 size_t len, unsigned long bits)
{
	if (bits == 0 || bits > len * 8)
		bits = len * 8;
	size_t whole = bits / 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	unsigned rest = (unsigned)(bits % 8);
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* One entry against an address: "10.0.0.0/8", "::1", "[::1]". */
static bool match_ip(const unsigned char *ip, size_t iplen, const char *tok,
		     size_t n)
{
	const char *slash = memchr(tok, '/', n);
	unsigned long bits = 0;
	if (slash) {
		char *end;
		char digits[8];
		size_t dn = n - (size_t)(slash - tok) - 1;
		if (dn == 0 || dn >= sizeof(digits))
			return false;
		memcpy(digits, slash + 1, dn);
		digits[dn] = '\0';
		bits = strtoul(digits, &end, 10);
		if (*end)
			return false;
		n = (size_t)(slash - tok);
	}
	unsigned char net[16];
	size_t netlen;
	return parse_ip(tok, n, net, &netlen) && netlen == iplen &&
	       same_network(ip, net, iplen, bits);
}

/* One entry against a name: itself, or a domain it is in. */
static bool match_name(const char *name, size_t n, const char *tok,
		       size_t tn)
{
	if (tn && tok[tn - 1] == '.')
		tn--;
	if (tn && tok[0] == '.') {
		tok++;
		tn--;
	}
	if (!tn || tn > n)
		return false;
	if (tn == n)
		return strncasecmp(tok, name, n) == 0;
	return name[n - tn - 1] == '.' &&
	       strncasecmp(tok, name + n - tn, tn) == 0;
}

bool hb_noproxy_match(const char *host, const char *list)
{
	if (!host || !*host || !list || !*list)
		return false;
	if (strcmp(list, "*") == 0)
		return true;
	unsigned char ip[16];
	size_t iplen = 0, n = strlen(host);
	bool is_ip = parse_ip(host, n, ip, &iplen);
	if (!is_ip && host[n - 1] == '.')
		n--;
	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		size_t tn = strcspn(p, " \t,");
		if (tn && (is_ip ? match_ip(ip, iplen, p, tn)
				 : match_name(host, n, p, tn)))
			return true;
		p += tn;
	}
	return false;
}

/* -- a check's proxy ------------------------------------------------------ */

const char *hb_check_proxy(const struct hb_check *c, const char *host,
			   bool https)
{
	const char *proxy = https ? c->https_proxy : c->http_proxy;
	if (!proxy || !*proxy || hb_noproxy_match(host, c->no_proxy))
		return NULL;
	return proxy;
}

const char *hb_check_proxy_source(const struct hb_check *c, bool https)
{
	const char *from = https ? c->https_proxy_from : c->http_proxy_from;
	return from ? from : "proxy";
}

static bool is_https(const char *url)
{
	return url && strncasecmp(url, "https://", 8) == 0;
}

bool hb_check_proxy_tls(const struct hb_check *c)
{
	return is_https(c->http_proxy) || is_https(c->https_proxy);
}
