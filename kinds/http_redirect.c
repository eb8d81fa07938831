/* SPDX-License-Identifier: MIT */
/* The http kind's redirects: where a request after one may go (no
 * link-local address, the check's own host unless "any"), the addresses
 * resolved once and handed to curl, and each hop checked and prepared. */
#include "http_int.h"
#include "driver.h"

#include "addr.h"
#include "buf.h"
#include "osutil.h"
#include "resolve.h"
#include "check.h"
#include "strutil.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* -- where a redirect may go ----------------------------------------------- */

/* 169.254.0.0/16, where clouds answer for their metadata (credentials
 * included), and fe80::/10; also as an IPv4-mapped or NAT64 address. */
static bool link_local(const struct ip_addr *ip)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const unsigned char nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
	const unsigned char *b = ip->b;
	if (ip->family == AF_INET6) {
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
			return true;
		if (memcmp(b, mapped, 12) != 0 && memcmp(b, nat64, 12) != 0)
			return false;
		b += 12;
	} else if (ip->family != AF_INET) {
		return false;
	}
	return b[0] == 169 && b[1] == 254;
}

static bool ip_from_sockaddr(const struct sockaddr *sa, struct ip_addr *ip)
{
	const void *p = sa;
	memset(ip, 0, sizeof(*ip));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = p;
		memcpy(ip->b, &in->sin_addr, sizeof(in->sin_addr));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = p;
		memcpy(ip->b, &in6->sin6_addr, sizeof(in6->sin6_addr));
	} else {
		return false;
	}
	ip->family = sa->sa_family;
	return true;
}

/* A URL's host ("[fe80::1]", "169.254.169.254") or CURLINFO_PRIMARY_IP as
 * an address; false for a name (http_on_open sees what that resolves to). */
bool http_ip_from_text(const char *text, struct ip_addr *ip)
{
	char plain[INET6_ADDRSTRLEN];
	size_t n = strlen(text);
	memset(ip, 0, sizeof(*ip));
	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		if (n - 2 >= sizeof(plain))
			return false;
		memcpy(plain, text + 1, n - 2);
		plain[n - 2] = '\0';
		text = plain;
	}
	if (inet_pton(AF_INET, text, ip->b) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, text, ip->b) == 1)
		ip->family = AF_INET6;
	return ip->family != 0;
}

/* Whether a request after a redirect may not go to ip: a link-local
 * address, unless the very one the check's own URL led to (a node-local
 * DNS cache on 169.254.20.10 is a real target, and may redirect to
 * itself). */
static bool ip_refused(const struct http_state *s, const struct ip_addr *ip)
{
	return link_local(ip) && !(ip->family == s->origin_ip.family &&
				   memcmp(ip->b, s->origin_ip.b,
					  sizeof(ip->b)) == 0);
}

/* Each socket the transfer opens, before its connect: the one place that
 * sees the address a name really resolved to, so that a redirect to a name
 * that resolves to a link-local address is refused before a packet leaves
 * (a name can be made to resolve anywhere). It runs under the check's
 * filter: only calls the kind's list allows. The place for anything else
 * that must happen once the address is known and before the connect. */
curl_socket_t http_on_open(void *userdata, curlsocktype purpose,
			   struct curl_sockaddr *addr)
{
	struct http_state *s = userdata;
	struct ip_addr ip;
	if (purpose == CURLSOCKTYPE_IPCXN && s->hops > 0 &&
	    ip_from_sockaddr(&addr->addr, &ip) && ip_refused(s, &ip)) {
		s->refused = ip;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* -- resolving ------------------------------------------------------------- */

/* Whether a URL's host (as http_parse_url gives it) is an address, which curl
 * turns into one without a resolver. */
static bool is_address(const char *host)
{
	unsigned char bin[4];
	return host[0] == '[' || inet_pton(AF_INET, host, bin) == 1;
}

/* Once the addresses are handed over, curl must not look a name up: the
 * sandbox took the resolver's sockets away. A name it has no address for
 * (a redirect's) fails the transfer here, instead of a system call the
 * filter stops. curl announces an address too (7.88, Curl_resolv), which
 * it then converts itself: that one may go on. */
static int on_resolver_start(void *resolver_state, void *reserved,
			     void *userdata)
{
	struct http_state *s = userdata;
	char *url = NULL, host[256];
	(void)resolver_state;
	(void)reserved;
	/* Through a proxy curl looks up the proxy's name only. */
	if (s->proxy_literal)
		return 0;
	if (curl_easy_getinfo(s->curl, CURLINFO_EFFECTIVE_URL, &url) ==
		    CURLE_OK &&
	    url && http_parse_url(url, host, sizeof(host), NULL, NULL) == 0 &&
	    is_address(host))
		return 0;
	s->resolve_refused = true;
	return 1;
}

/* "host:port:addr,addr,...", curl's CURLOPT_RESOLVE entry, for each of
 * the ports the check may reach that host on (its URL's, and 80 and 443,
 * where a redirect to the same host may lead; a proxy's). */
int http_pin(struct curl_slist **pinned, const char *host, const long *ports,
	     size_t n_ports, const struct addrinfo *ai, struct hb_attempt *a)
{
	struct hb_buf addrs, line;
	hb_buf_init(&addrs, 1 << 20);
	hb_buf_init(&line, 1 << 20);
	int rc = 0;
	for (const struct addrinfo *p = ai; rc == 0 && p; p = p->ai_next) {
		char ip[INET6_ADDRSTRLEN];
		bool v6 = p->ai_family == AF_INET6;
		hb_format_addr(p->ai_addr, ip, sizeof(ip), 0);
		rc = hb_buf_printf(&addrs, "%s%s%s%s", addrs.len ? "," : "",
				   v6 ? "[" : "", ip, v6 ? "]" : "");
	}
	for (size_t i = 0; rc == 0 && i < n_ports; i++) {
		if (i > 0 && ports[i] == ports[0])
			continue;
		hb_buf_reset(&line);
		rc = hb_buf_printf(&line, "%s:%ld:%s", host, ports[i],
				   hb_buf_str(&addrs));
		struct curl_slist *l =
			rc == 0 ? curl_slist_append(*pinned, hb_buf_str(&line))
				: NULL;
		if (l)
			*pinned = l;
		else
			rc = -ENOMEM;
	}
	hb_buf_release(&addrs);
	hb_buf_release(&line);
	if (rc < 0)
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"handing curl the addresses of \"%s\": %s",
				host, strerror(-rc));
	return rc;
}

/* Under the kind's filter: resolves the URL's host, in this child as curl
 * would, and hands curl the addresses, so that curl itself resolves
 * nothing and the sandbox can take the resolver's sockets away before the
 * first connect. A literal address needs nothing; through a proxy, the
 * proxy's name is resolved instead (http_proxy_resolve). */
int http_resolve(const struct hb_check *c, void *state,
		 struct hb_attempt *a)
{
	struct http_state *s = state;
	if (http_keeps_resolver(c))
		return HB_RESOLVE_KEEP;
	CURLcode cc = curl_easy_setopt(s->curl, CURLOPT_RESOLVER_START_FUNCTION,
				       on_resolver_start);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(s->curl, CURLOPT_RESOLVER_START_DATA, s);
	bool direct = true;
	if (cc == CURLE_OK) {
		int rc = http_proxy_resolve(c, s, a, &direct);
		if (rc < 0)
			return rc;
	}
	bool name = direct && !is_address(s->host);
	/* A name outside ASCII curl refuses itself (curl_pruned.c: no IDN),
	 * before any lookup. */
	for (const char *p = s->host; name && *p; p++)
		name = (unsigned char)*p < 0x80;
	if (cc != CURLE_OK || !name)
		goto out;
	int64_t t0 = hb_mono_ns();
	struct addrinfo *ai = hb_resolve(s->host, (int)s->port, c->family, a);
	s->resolve_ms += hb_ms_between(t0, hb_mono_ns());
	a->timing.dns_ms = s->resolve_ms;
	if (!ai) {
		/* Worded as curl's own failure was (classify_transfer). */
		if (a->failure_class == HB_CLASS_DNS_FAILURE)
			hb_attempt_fail(a, HB_CLASS_DNS_FAILURE,
					"could not resolve \"%s\"", s->host);
		return -ENOENT;
	}
	const long ports[] = { s->port, 80, 443 };
	int rc = http_pin(&s->pinned, s->host, ports, HB_ARRAY_SIZE(ports), ai,
			  a);
	freeaddrinfo(ai);
	if (rc < 0)
		return rc;
out:
	if (cc == CURLE_OK && s->pinned)
		cc = curl_easy_setopt(s->curl, CURLOPT_RESOLVE, s->pinned);
	if (cc != CURLE_OK) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_easy_setopt: %s",
				curl_easy_strerror(cc));
		return -EINVAL;
	}
	return HB_RESOLVED;
}

/* -- refusing ------------------------------------------------------------- */

/* A redirect the check does not follow: the server's answer is then one
 * it did not expect, and what it pointed at is named. */
static void refuse(struct hb_attempt *a, const char *url, const char *why)
{
	char shown[256];
	hb_redact_url(shown, sizeof(shown), url);
	hb_attempt_fail(a, HB_CLASS_HTTP_STATUS,
			"redirect to \"%s\" not followed: %s", shown, why);
}

void http_refuse_address(struct http_state *s, struct hb_attempt *a)
{
	char ip[INET6_ADDRSTRLEN] = "?", why[HB_MSG_MAX];
	inet_ntop(s->refused.family, s->refused.b, ip, sizeof(ip));
	snprintf(why, sizeof(why), "\"%s\" is %s, a link-local address",
		 s->host, ip);
	refuse(a, s->url, why);
}

/* -- redirects ------------------------------------------------------------ */

bool http_is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	       status == 307 || status == 308;
}

/* Why the check does not follow a redirect to host and port (over https
 * or not), or NULL when it does; why is room for the reason. */
static const char *redirect_refused(const struct hb_check *c,
				    const struct http_state *s,
				    const char *host, long port, bool https,
				    char *why, size_t size)
{
	struct ip_addr ip;
	if (http_ip_from_text(host, &ip) && ip_refused(s, &ip))
		return "a link-local address";
	if (c->follow_redirects == HB_FOLLOW_ANY)
		return NULL;
	if (strcasecmp(host, s->origin_host) != 0) {
		snprintf(why, size,
			 "another host than the check's \"%s\" "
			 "(follow_redirects \"any\" allows it)",
			 s->origin_host);
		return why;
	}
	if (s->origin_https && !https)
		return "from https to plain http";
	/* The check's port, or https's own (http://app to https://app). */
	if (port != s->origin_port && !(https && port == 443)) {
		snprintf(why, size,
			 "port %ld, neither the check's %ld nor https's 443 "
			 "(follow_redirects \"any\" allows it)",
			 port, s->origin_port);
		return why;
	}
	return NULL;
}

/* The user and password of the check's URL, for a redirect to its own host
 * that names none: the first request sent them there already. */
static int carry_credentials(const char *from, CURLU *to)
{
	char *user = NULL, *password = NULL;
	int rc = -1;
	CURLU *f = curl_url();
	if (curl_url_get(to, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		rc = 0; /* its own */
		goto out;
	}
	if (!f || curl_url_set(f, CURLUPART_URL, from, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(f, CURLUPART_USER, &user, 0) == CURLUE_OK &&
	    curl_url_set(to, CURLUPART_USER, user, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(f, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK &&
	    curl_url_set(to, CURLUPART_PASSWORD, password, 0) != CURLUE_OK)
		goto out;
	rc = 0;
out:
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(f);
	return rc;
}

/* The request after a redirect to url (CURLINFO_REDIRECT_URL, resolved
 * against the last one's): checked against the check's rules (only http
 * and https, no link-local address, the same host unless "any"), then
 * prepared on the handle, with the check's headers and credentials only
 * when the host is the check's own and https does not turn into http.
 * Returns 0, or -1 with a failed. */
int http_redirect(const struct hb_check *c, struct http_state *s,
		  long status, const char *url, struct hb_attempt *a)
{
	char *next = NULL, *scheme = NULL, *host = NULL, *port = NULL;
	char why[HB_MSG_MAX];
	const char *refused = NULL;
	int rc = -1;
	CURLU *u = curl_url();
	if (!u) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_url: out of memory");
		return -1;
	}
	/* Any scheme parses, so that a "file:" one is named and refused
	 * rather than misread; odd bytes are escaped (it comes from the
	 * server, and goes into the report). */
	if (curl_url_set(u, CURLUPART_URL, url,
			 CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) !=
		    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &next, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		refuse(a, url, "not a URL");
		goto out;
	}
	bool https = strcmp(scheme, "https") == 0;
	if (!https && strcmp(scheme, "http") != 0) {
		refuse(a, next, "only http and https redirects are followed");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK) {
		refuse(a, next, "not a URL");
		goto out;
	}
	if (s->hops == MAX_REDIRECTS) {
		snprintf(why, sizeof(why), "more than %d redirects",
			 MAX_REDIRECTS);
		refuse(a, next, why);
		goto out;
	}
	long portnum = strtol(port, NULL, 10);
	refused = redirect_refused(c, s, host, portnum, https, why,
				   sizeof(why));
	if (!refused)
		refused = http_proxy_refused(c, s, portnum, https, why,
					     sizeof(why));
	if (refused) {
		refuse(a, next, refused);
		goto out;
	}

	/* A user and password in a URL are credentials too: the check's go
	 * where its headers go, and another host gets none. */
	bool trusted = strcasecmp(host, s->origin_host) == 0 &&
		       (https || !s->origin_https);
	CURLUcode uc = CURLUE_OK;
	if (trusted && carry_credentials(c->url, u) < 0)
		uc = CURLUE_OUT_OF_MEMORY;
	if (!trusted)
		uc = curl_url_set(u, CURLUPART_USER, NULL, 0);
	if (!trusted && uc == CURLUE_OK)
		uc = curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_free(next);
	next = NULL;
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_URL, &next, 0);
	if (uc != CURLUE_OK) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_url: %s",
				curl_url_strerror(uc));
		goto out;
	}
	char *copy = strdup(next);
	if (!copy) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "strdup: out of memory");
		goto out;
	}
	free(s->url);
	s->url = copy;
	hb_strlcpy(s->host, host, sizeof(s->host));
	s->port = portnum;
	s->https = https;
	s->hops++;

	/* What browsers do (RFC 9110 15.4): 303 asks for a GET, and 301 and
	 * 302 turn a POST into one; 307 and 308 repeat the request. */
	bool get = (status == 303 && !s->head) ||
		   ((status == 301 || status == 302) && s->posting);
	CURLcode e = curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	if (e == CURLE_OK)
		e = curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER,
				     trusted ? s->headers : s->bare);
	/* Basic auth's user and password (the check's "user"), as its
	 * headers: to its own host only. */
	if (e == CURLE_OK && c->user)
		e = curl_easy_setopt(s->curl, CURLOPT_USERNAME,
				     trusted ? c->user : NULL);
	if (e == CURLE_OK && c->user)
		e = curl_easy_setopt(s->curl, CURLOPT_PASSWORD,
				     trusted && c->password ? c->password
							    : NULL);
	if (e == CURLE_OK && get) {
		s->posting = false;
		e = curl_easy_setopt(s->curl, CURLOPT_HTTPGET, 1L);
		if (e == CURLE_OK)
			e = curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST,
					     (char *)NULL);
	}
	if (e == CURLE_OK && https)
		e = curl_easy_setopt(s->curl, CURLOPT_CERTINFO, 1L);
	if (e != CURLE_OK) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"curl_easy_setopt: %s", curl_easy_strerror(e));
		goto out;
	}
	if (http_proxy_set(c, s, a) < 0)
		goto out;
	rc = 0;
out:
	curl_free(next);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}
