/* SPDX-License-Identifier: MIT */
/* One reading of addresses for the agent, the drivers and the collector:
 * host:port, a URL's authority, and what a report shows. */
#include "addr.h"

#include "strutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* -- host:port ----------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int addr_fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The port after a ":": digits only (strtol would take " 80", "+80" and
 * "0x50"'s "0"), at most five of them. */
static int parse_port(const char *s, unsigned flags)
{
	long v = 0;
	size_t n = strlen(s);
	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 65535 || (v == 0 && !(flags & HB_HOSTPORT_ZERO)))
		return -1;
	return (int)v;
}

int hb_split_hostport(const char *in, char *host, size_t hostlen, int *port,
		      int default_port, unsigned flags, char *err,
		      size_t errlen)
{
	static const char want[] = "expected \"host:port\" or \"[v6]:port\"";
	const char *p; /* the ":" before the port, or the end */
	size_t n;
	if (in[0] == '[') {
		const char *close = strchr(in, ']');
		if (!close)
			return addr_fail(err, errlen, "%s (no \"]\" after \"[\")",
					 want);
		p = close + 1;
		if (*p && *p != ':')
			return addr_fail(err, errlen, "%s (\"]\" not followed "
					 "by \":\")", want);
		n = (size_t)(close - in - 1);
		in++;
	} else {
		p = strrchr(in, ':');
		/* A bare IPv6 address has several colons and no port. */
		if (p && strchr(in, ':') != p) {
			if (default_port <= 0)
				return addr_fail(err, errlen, "an IPv6 address "
						 "goes in brackets, as in "
						 "\"[::1]:8080\"");
			p = NULL;
		}
		n = p ? (size_t)(p - in) : strlen(in);
		if (!p)
			p = in + n;
	}
	if (n == 0)
		return addr_fail(err, errlen, "%s (no host)", want);
	if (n >= hostlen)
		return addr_fail(err, errlen, "the host name is too long (at "
				 "most %zu bytes)", hostlen ? hostlen - 1 : 0);
	if (*p != ':' && default_port <= 0)
		return addr_fail(err, errlen, "%s (no port)", want);
	int v = *p == ':' ? parse_port(p + 1, flags) : default_port;
	if (v < 0)
		return addr_fail(err, errlen, "expected a port from %d to 65535 "
				 "after the \":\"",
				 flags & HB_HOSTPORT_ZERO ? 0 : 1);
	memcpy(host, in, n);
	host[n] = '\0';
	*port = v;
	return 0;
}

/* -- a URL's authority ----------------------------------------------------- */

const char *hb_url_authority(const char *p, int default_port,
			     struct hb_authority *a, char *err, size_t errlen)
{
	const char *end = p + strcspn(p, "/?#");
	const char *at = NULL;
	a->user[0] = a->password[0] = a->host[0] = '\0';
	a->has_password = false;
	a->port = default_port;
	for (const char *s = p; s < end; s++)
		if (*s == '@')
			at = s;
	const char *hp = p;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		size_t ulen = colon ? (size_t)(colon - p) : (size_t)(at - p);
		if (hb_pct_decode(p, ulen, a->user, a->user_size) < 0) {
			addr_fail(err, errlen, "bad user name in the URL");
			return NULL;
		}
		if (colon) {
			if (hb_pct_decode(colon + 1, (size_t)(at - colon - 1),
					  a->password, a->password_size) < 0) {
				/* Never quoted: it is a password. */
				addr_fail(err, errlen, "bad password in the URL "
					  "(encode %%, / ? and # as %%25, %%2F, "
					  "%%3F, %%23)");
				return NULL;
			}
			a->has_password = true;
		}
		hp = at + 1;
	}
	char hostport[300], host[HB_HOST_MAX], why[128];
	size_t hlen = (size_t)(end - hp);
	if (hlen == 0 || hlen >= sizeof(hostport)) {
		addr_fail(err, errlen, "expected a host name in the URL");
		return NULL;
	}
	memcpy(hostport, hp, hlen);
	hostport[hlen] = '\0';
	if (hb_split_hostport(hostport, host, sizeof(host), &a->port,
			      default_port, 0, why, sizeof(why)) < 0) {
		addr_fail(err, errlen, "bad host or port \"%.100s\" in the URL: "
			  "%s", hostport, why);
		return NULL;
	}
	if (hb_pct_decode(host, strlen(host), a->host, a->host_size) < 0) {
		addr_fail(err, errlen, "bad host or port \"%.100s\" in the URL: "
			  "bad %%-escape in the host", hostport);
		return NULL;
	}
	return end;
}

/* -- credentials ----------------------------------------------------------- */

bool hb_url_has_userinfo(const char *url)
{
	const char *start = strstr(url, "://");
	if (!start)
		return false;
	start += 3;
	return memchr(start, '@', strcspn(start, "/?#")) != NULL;
}

const char *hb_url_userinfo_problem(const char *url)
{
	const char *start = strstr(url, "://");
	if (!start)
		return NULL;
	start += 3;
	const char *end = start + strcspn(start, "/?#");
	const char *at = memchr(start, '@', (size_t)(end - start));
	if (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
		return "the user name or password has a raw \"@\"";
	if (at) {
		for (const char *p = start; p < at; p++)
			if (*p == '%' && !(isxdigit((unsigned char)p[1]) &&
					     isxdigit((unsigned char)p[2])))
				return "the user name or password has a \"%\" "
				       "that is no %XX escape";
		/* "user:p@ss/word@host": the first "@" ended the
		 * credentials, and the password's tail became the host. */
		if (strchr(end, '@'))
			return "an \"@\" follows the credentials: a raw \"@\", "
			       "\"/\", \"?\" or \"#\" in the password ended them "
			       "early";
		return NULL;
	}
	if (!strchr(end, '@'))
		return NULL;
	/* The port: after the last ":" (past "]" for an IPv6 address). */
	const char *host_end = start;
	if (*start == '[') {
		const char *rb = memchr(start, ']', (size_t)(end - start));
		host_end = rb ? rb : end;
	}
	const char *colon = NULL;
	for (const char *p = host_end; p < end; p++)
		if (*p == ':')
			colon = p;
	if (!colon)
		return NULL;
	bool digits = colon + 1 < end;
	for (const char *p = colon + 1; p < end; p++)
		digits = digits && *p >= '0' && *p <= '9';
	if (digits)
		return NULL;
	return "a \"/\", \"?\" or \"#\" in the user name or password ends "
	       "the host early";
}

/* -- what a report shows -------------------------------------------------- */

/* Appends n bytes of s to dst (size > 0 bytes, *j used), as many as fit. */
static void put(char *dst, size_t size, size_t *j, const char *s, size_t n)
{
	size_t room = size - 1 - *j;
	if (n > room)
		n = room;
	memcpy(dst + *j, s, n);
	*j += n;
	dst[*j] = '\0';
}

/* Whether a parameter's name says it holds a password ("password",
 * libpq's "sslpassword"). A URL's query is read percent-decoded, as libpq
 * reads it, and a name that does not decode is assumed to; a connection
 * string's keywords are taken as written, as libpq takes them. */
static bool secret_param(const char *k, size_t n, bool decode)
{
	if (!decode)
		return n >= 8 && strncasecmp(k + n - 8, "password", 8) == 0;
	char *name = malloc(n + 1);
	bool secret = !name || hb_pct_decode(k, n, name, n + 1) < 0;
	size_t len = secret ? 0 : strlen(name);
	secret = secret || (len >= 8 && strcasecmp(name + len - 8, "password") == 0);
	free(name);
	return secret;
}

void hb_redact_url(char *dst, size_t size, const char *url)
{
	if (!size)
		return;
	const char *scheme = strstr(url, "://");
	const char *start = scheme ? scheme + 3 : url;
	/* libpq ends the credentials at the first "@" before the first "/"
	 * ("?" and "#" included), knows no fragment, and starts a parameter
	 * at any "?" or "&" after them (as far as its password goes). */
	bool libpq = strncasecmp(url, "postgres://", 11) == 0 ||
		     strncasecmp(url, "postgresql://", 13) == 0;
	const char *end = start + strcspn(start, libpq ? "/" : "/?#");
	const char *at = libpq ? memchr(start, '@', (size_t)(end - start)) : NULL;
	for (const char *p = start; !libpq && p < end; p++)
		if (*p == '@')
			at = p;
	const char *colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;
	const char *rest = url, *q = strchr(at ? at : start, '?');
	size_t j = 0;
	dst[0] = '\0';
	/* Keep the user name, drop the password: "postgres://app@db/app".
	 * An "@" right after "://" would read as an empty user name: drop it
	 * ("redis://:pw@cache" is shown "redis://cache"). */
	size_t skip = scheme && *start == '@';
	if (scheme && colon == start) {
		put(dst, size, &j, url, (size_t)(start - url));
		rest = at + 1;
	} else if (colon) {
		put(dst, size, &j, url, (size_t)(start - url));
		put(dst, size, &j, start + skip, (size_t)(colon - start) - skip);
		rest = at;
	} else if (skip) {
		put(dst, size, &j, url, (size_t)(start - url));
		rest = start + 1;
	}
	if (!q) {
		put(dst, size, &j, rest, strlen(rest));
		return;
	}
	put(dst, size, &j, rest, (size_t)(q - rest));
	const char *qend = libpq ? q + strlen(q) : q + strcspn(q, "#");
	bool first = true;
	for (const char *r = q; r < qend;) {
		const char *v = r + 1;
		size_t len = strcspn(v, libpq ? "?&" : "&");
		if (len > (size_t)(qend - v))
			len = (size_t)(qend - v);
		const char *eq = memchr(v, '=', len);
		if (!secret_param(v, eq ? (size_t)(eq - v) : len, true)) {
			put(dst, size, &j, first ? "?" : r, 1);
			put(dst, size, &j, v, len);
			first = false;
		}
		r = v + len;
	}
	put(dst, size, &j, qend, strlen(qend));
}

char *hb_redact_target(const char *url)
{
	size_t n = strlen(url) + 1;
	/* Pairs are joined by one space, also where the input had none
	 * ("a='x'b=y"): twice the input is always enough. */
	char *tmp = malloc(n), *out = malloc(2 * n);
	if (!tmp || !out)
		goto oom;
	size_t j = 0;
	if (strstr(url, "://")) {
		/* The credentials and the "?password=" of libpq too. */
		hb_redact_url(tmp, n, url);
		free(out);
		return tmp;
	}
	/* "host=db password='a b' dbname=app": keyword = value pairs, values
	 * quoted with '' and escaped with \ as libpq parses them. */
	free(tmp);
	const char *s = url;
	for (;;) {
		while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
			s++;
		if (!*s)
			break;
		const char *tok = s;
		size_t klen = strcspn(s, "= \t\n\v\f\r");
		s += klen;
		while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
			s++;
		bool pair = *s == '=';
		if (pair) {
			s++;
			while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
				s++;
			if (*s == '\'') {
				s++;
				while (*s && *s != '\'') {
					if (*s == '\\' && s[1])
						s++;
					s++;
				}
				if (*s)
					s++;
			} else {
				while (*s && *s != ' ' &&
				       !(*s >= '\t' && *s <= '\r')) {
					if (*s == '\\' && s[1])
						s++;
					s++;
				}
			}
		}
		/* A word without "=" is no parameter (libpq rejects it) but
		 * may be the tail of a badly quoted password: leave it out. */
		if (pair && !secret_param(tok, klen, false)) {
			if (j)
				out[j++] = ' ';
			memcpy(out + j, tok, (size_t)(s - tok));
			j += (size_t)(s - tok);
		}
	}
	out[j] = '\0';
	return out;
oom:
	free(tmp);
	free(out);
	return NULL;
}

int hb_address_port(const char *address)
{
	char host[HB_HOST_MAX];
	int port = 0;
	if (!address || hb_split_hostport(address, host, sizeof(host), &port,
					  0, 0, NULL, 0) < 0)
		return 0;
	return port;
}
