/* SPDX-License-Identifier: MIT */
/* The http kind through a proxy: which request goes through which proxy
 * (decided with core/proxy.h, as the agent decided Landlock's port), the
 * proxy's own name resolved and pinned before the hand-off, and a failure
 * to reach the proxy told apart from one of the target. With a proxy the
 * child connects to the proxy only: the proxy resolves the target's name
 * (an http request names it in its absolute URL, an https one in its
 * CONNECT), so that name never reaches this child's resolver. */
#include "http_int.h"
#include "driver.h"

#include "addr.h"
#include "check.h"
#include "osutil.h"
#include "proxy.h"
#include "resolve.h"
#include "strutil.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

/* The port a request over https (or not) of check c connects to: its
 * proxy's, or direct_port when it goes direct. */
int http_proxy_port(const struct hb_check *c, bool https, long direct_port)
{
	char host[256];
	struct hb_proxy px;
	const char *url;
	if (http_parse_url(c->url, host, sizeof(host), NULL, NULL) < 0 ||
	    !(url = hb_check_proxy(c, host, https)) ||
	    hb_proxy_parse(url, &px, NULL, 0) < 0)
		return (int)direct_port;
	int port = px.port;
	explicit_bzero(&px, sizeof(px));
	return port;
}

static bool is_literal(const char *host)
{
	unsigned char b[16];
	return inet_pton(AF_INET, host, b) == 1 ||
	       inet_pton(AF_INET6, host, b) == 1;
}

/* "http://[::1]:3128": the proxy as curl is given it and a report shows it
 * (user names stay, as hb_redact_url keeps them; passwords never). */
static void proxy_url(char *dst, size_t size, const struct hb_proxy *px,
		      bool user)
{
	bool v6 = strchr(px->host, ':') != NULL;
	snprintf(dst, size, "%s://%s%s%s%s%s:%d", px->https ? "https" : "http",
		 user && px->user[0] ? px->user : "",
		 user && px->user[0] ? "@" : "", v6 ? "[" : "", px->host,
		 v6 ? "]" : "", px->port);
}

/* Sets the proxy of the request in s (its host and scheme): before the
 * first one, and again for each redirect. curl is told exactly which, and
 * reads none of the environment's variables itself: "" turns its own
 * proxy and no_proxy look-ups off. */
int http_proxy_set(const struct hb_check *c, struct http_state *s,
		   struct hb_attempt *a)
{
	const char *url = hb_check_proxy(c, s->host, s->https);
	s->proxied = false;
	s->proxy_https = false;
	s->proxy_literal = false;
	s->proxy[0] = '\0';
	CURLcode e = curl_easy_setopt(s->curl, CURLOPT_NOPROXY, "");
	if (!url) {
		if (e == CURLE_OK)
			e = curl_easy_setopt(s->curl, CURLOPT_PROXY, "");
		goto out;
	}
	struct hb_proxy px;
	char why[256], curl_url[HB_HOST_MAX + 32];
	if (hb_proxy_parse(url, &px, why, sizeof(why)) < 0) {
		/* The agent checked it already. */
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "the proxy of %s: %s",
				hb_check_proxy_source(c, s->https), why);
		return -EINVAL;
	}
	proxy_url(curl_url, sizeof(curl_url), &px, false);
	if (e == CURLE_OK)
		e = curl_easy_setopt(s->curl, CURLOPT_PROXY, curl_url);
	/* Decoded here, so that curl reads no URL's credentials its own
	 * way. */
	if (e == CURLE_OK && (px.user[0] || px.has_password))
		e = curl_easy_setopt(s->curl, CURLOPT_PROXYUSERNAME, px.user);
	if (e == CURLE_OK && (px.user[0] || px.has_password))
		e = curl_easy_setopt(s->curl, CURLOPT_PROXYPASSWORD,
				     px.password);
	/* An https proxy is verified as the target is: the check's CA file
	 * (a cluster's own proxy has the cluster's CA), and not at all only
	 * when the check says insecure. */
	if (e == CURLE_OK && px.https && c->ca_file && *c->ca_file)
		e = curl_easy_setopt(s->curl, CURLOPT_PROXY_CAINFO, c->ca_file);
	if (e == CURLE_OK && px.https && c->insecure)
		e = curl_easy_setopt(s->curl, CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
	if (e == CURLE_OK && px.https && c->insecure)
		e = curl_easy_setopt(s->curl, CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
	proxy_url(s->proxy, sizeof(s->proxy), &px, true);
	s->proxied = true;
	s->proxy_https = px.https;
	s->proxy_literal = is_literal(px.host);
	s->proxy_from = hb_check_proxy_source(c, s->https);
	explicit_bzero(&px, sizeof(px));
out:
	if (e != CURLE_OK) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"setting the proxy: curl_easy_setopt: %s",
				curl_easy_strerror(e));
		return -EINVAL;
	}
	return 0;
}

/* Resolves and pins (http_pin) the proxy of each scheme the check's
 * requests may use: its URL's, and https for one that follows redirects
 * to its own host. *direct says whether one of them goes to the target
 * itself, whose name the caller then resolves. */
int http_proxy_resolve(const struct hb_check *c, struct http_state *s,
		       struct hb_attempt *a, bool *direct)
{
	bool schemes[2] = { s->https, true };
	size_t n = c->follow_redirects == HB_FOLLOW_SAME && !s->https ? 2 : 1;
	char done[2][HB_HOST_MAX + 8] = { "", "" };
	*direct = false;
	for (size_t i = 0; i < n; i++) {
		const char *url = hb_check_proxy(c, s->host, schemes[i]);
		struct hb_proxy px;
		if (!url) {
			*direct = true;
			continue;
		}
		if (hb_proxy_parse(url, &px, NULL, 0) < 0)
			continue; /* http_proxy_set says why */
		explicit_bzero(px.password, sizeof(px.password));
		snprintf(done[i], sizeof(done[i]), "%s:%d", px.host, px.port);
		/* curl turns an address into one itself (and the resolver's
		 * start callback lets it); one proxy for both schemes is
		 * pinned once. */
		if (is_literal(px.host) || (i == 1 && !strcmp(done[0], done[1])))
			continue;
		int64_t t0 = hb_mono_ns();
		struct addrinfo *ai = hb_resolve(px.host, px.port, c->family, a);
		s->resolve_ms += hb_ms_between(t0, hb_mono_ns());
		a->timing.dns_ms = s->resolve_ms;
		if (!ai) {
			if (a->failure_class == HB_CLASS_DNS_FAILURE)
				hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
						"could not resolve the proxy "
						"\"%s\" (from %s)",
						px.host,
						hb_check_proxy_source(
							c, schemes[i]));
			return -ENOENT;
		}
		long port = px.port;
		int rc = http_pin(&s->pinned, px.host, &port, 1, ai, a);
		freeaddrinfo(ai);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Why a redirect to port over https (or not) is not followed, or NULL:
 * where the sandbox does not let the check connect (Landlock's ports were
 * decided by the agent from the check's own URL and its proxies). Only a
 * check whose URL goes through a proxy and whose https requests go direct
 * (or the other way round) can meet it; "any" allows every port. */
const char *http_proxy_refused(const struct hb_check *c,
			       const struct http_state *s, long port,
			       bool https, char *why, size_t size)
{
	if (c->follow_redirects == HB_FOLLOW_ANY)
		return NULL;
	int to = http_proxy_port(c, https, port);
	if (to == http_proxy_port(c, s->origin_https, s->origin_port) ||
	    (c->follow_redirects == HB_FOLLOW_SAME &&
	     to == http_proxy_port(c, true, 443)))
		return NULL;
	snprintf(why, size,
		 "port %d, which the check's sandbox does not allow: it "
		 "reaches %s through %s and the redirect's request would not",
		 to, s->origin_host,
		 hb_check_proxy(c, s->origin_host, s->origin_https)
			 ? "a proxy"
			 : "no proxy");
	return why;
}

/* The report's proxy detail (the last request's), and the address curl
 * connected to is the proxy's. */
void http_proxy_record(const struct http_state *s, struct hb_attempt *a)
{
	if (!s->proxied)
		return;
	hb_attempt_detail(a, "proxy", "%s", s->proxy);
	hb_attempt_detail(a, "proxy_from", "%s", s->proxy_from);
}

/* A failure to reach the proxy, or the proxy refusing the request, as
 * PROXY_ERROR naming the proxy (not the target): true when rc and status
 * say so and a is filled; false leaves the failure to the target's rules.
 * What comes after the proxy took the request (the target's TLS, its
 * answer) is the target's. */
bool http_proxy_classify(const struct http_state *s, CURLcode rc, long status,
			 const char *limit, struct hb_attempt *a)
{
	if (!s->proxied)
		return false;
	long os_errno = 0, tunnel = 0;
	curl_off_t conn = 0;
	curl_easy_getinfo(s->curl, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(s->curl, CURLINFO_HTTP_CONNECTCODE, &tunnel);
	curl_easy_getinfo(s->curl, CURLINFO_CONNECT_TIME_T, &conn);
	const char *from = s->proxy_from;
	if (rc == CURLE_COULDNT_RESOLVE_PROXY) {
		hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
				"could not resolve the proxy %s (from %s)",
				s->proxy, from);
	} else if (rc == CURLE_COULDNT_CONNECT && tunnel == 0) {
		const char *what = os_errno == ECONNREFUSED ? "refused"
				   : os_errno == ETIMEDOUT  ? "timed out"
							    : NULL;
		if (what)
			hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
					"connect to the proxy %s (from %s) %s",
					s->proxy, from, what);
		else
			hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
					"connect to the proxy %s (from %s): %s",
					s->proxy, from,
					os_errno ? strerror((int)os_errno)
						 : curl_easy_strerror(rc));
	} else if (rc == CURLE_OPERATION_TIMEDOUT && conn == 0 &&
		   !s->tcp_connected) {
		hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
				"connect to the proxy %s (from %s) timed out "
				"after %s",
				s->proxy, from, limit);
	} else if (rc != CURLE_OK && tunnel >= 300) {
		hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
				"the proxy %s (from %s) answered %ld to CONNECT "
				"%s:%ld%s",
				s->proxy, from, tunnel, s->host, s->port,
				tunnel == 407 ? ": it asks for credentials "
						"(user:password@ in the proxy URL)"
					      : "");
	} else if (s->proxy_https && !s->https && tunnel == 0 &&
		   (rc == CURLE_SSL_CONNECT_ERROR ||
		    rc == CURLE_PEER_FAILED_VERIFICATION ||
		    rc == CURLE_SSL_CERTPROBLEM)) {
		/* A plain request's only TLS is the proxy's. */
		hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
				"TLS with the proxy %s (from %s): %s", s->proxy,
				from,
				s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
	} else if (rc == CURLE_OK && status == 407) {
		hb_attempt_fail(a, HB_CLASS_PROXY_ERROR,
				"the proxy %s (from %s) asks for credentials "
				"(407): give them as user:password@ in the "
				"proxy URL",
				s->proxy, from);
	} else {
		return false;
	}
	return true;
}
