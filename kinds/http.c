/* SPDX-License-Identifier: MIT */
/* The http check kind: one libcurl request (and the redirects the check
 * allows, followed here hop by hop, each checked in http_redirect.c), a
 * bounded read of the answer, and its status, body, JSON, latency and
 * certificate checked (http_expect.c). */
#include "http_int.h"
#include "jq_expect.h"
#include "pattern.h"
#include "driver.h"

#include "addr.h"
#include "buf.h"
#include "curl_notls.h"
#include "osutil.h"
#ifndef HB_HTTP_PLAIN
#include "ossl.h"
#endif
#include "osutil.h"
#include "check.h"
#include "strutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef HB_VERSION
#define HB_VERSION "0.1.0"
#endif

/* -- URL ----------------------------------------------------------------- */

/* Host, port (scheme default when absent) and scheme of a URL. Returns 0 or
 * -EINVAL. Pure parsing: usable in the agent and in a filtered child. */
int http_parse_url(const char *url, char *host, size_t hostlen, long *port,
		   bool *https)
{
	CURLU *u = curl_url();
	char *h = NULL, *p = NULL, *s = NULL;
	int rc = -EINVAL;
	if (!u || !url)
		goto out;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK)
		goto out;
	if (host)
		hb_strlcpy(host, h, hostlen);
	if (port)
		*port = strtol(p, NULL, 10);
	if (https)
		*https = strcmp(s, "https") == 0;
	rc = 0;
out:
	curl_free(h);
	curl_free(p);
	curl_free(s);
	curl_url_cleanup(u);
	return rc;
}

/* Landlock's TCP ports: the URL's, and with redirects followed to the
 * same host, https's 443 (http_extra_port); with "any" every port, as a
 * redirect may name any. Through a proxy, the proxy's instead: the check
 * then never connects to its target itself (http_proxy.c). */
int http_port(const struct hb_check *c)
{
	long port = 0;
	bool https = false;
	if (c->follow_redirects == HB_FOLLOW_ANY ||
	    http_parse_url(c->url, NULL, 0, &port, &https) < 0)
		return 0;
	return http_proxy_port(c, https, port);
}

static int http_extra_port(const struct hb_check *c)
{
	return c->follow_redirects == HB_FOLLOW_SAME
		       ? http_proxy_port(c, true, 443)
		       : 0;
}

/* Whether the check must keep its resolver's sockets to the end: when a
 * redirect may lead to another host ("any"), curl looks that name up after
 * the first connect, so the addresses cannot all be handed over
 * beforehand. The same host's redirects (the default) reach the addresses
 * http_resolve pinned for the URL's port, 80 and 443. */
bool http_keeps_resolver(const struct hb_check *c)
{
	return c->follow_redirects == HB_FOLLOW_ANY;
}

size_t http_read_paths(const struct hb_check *c, const char **paths,
		       size_t max)
{
	const char *files[] = { c->ca_file, c->cert_file, c->key_file };
	size_t n = 0;
	for (size_t i = 0; i < HB_ARRAY_SIZE(files) && n < max; i++)
		if (files[i] && *files[i])
			paths[n++] = files[i];
	return n;
}

/* -- set-up ---------------------------------------------------------------- */

/* curl_global_init starts OpenSSL with its configuration and engines, 0.8
 * ms of a one-check run (bench/run.sh), of which a run whose checks are all
 * plain http:// needs nothing: then OpenSSL is started bare first (ossl.h),
 * and libcurl's own start finds that part done. */
int http_init(bool tls, char *errbuf, size_t errlen)
{
#ifdef HB_HTTP_PLAIN
	/* The loader picks this build only for a run that needs no TLS. */
	if (tls) {
		snprintf(errbuf, errlen,
			 "hookbox-http-plain.so has no TLS, and a check or the "
			 "collector needs it");
		return -ENOTSUP;
	}
#else
	if (!tls && !hb_openssl_start(false)) {
		snprintf(errbuf, errlen, "initialising OpenSSL failed");
		return -EIO;
	}
#endif
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK) {
		snprintf(errbuf, errlen, "curl_global_init: %s",
			 curl_easy_strerror(rc));
		return -EIO;
	}
	/* The synchronous resolver would need signals (SIGALRM) for its
	 * timeout, which CURLOPT_NOSIGNAL turns off: a name that never
	 * resolves would then outlive the check's deadline. */
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_ASYNCHDNS)) {
		snprintf(errbuf, errlen,
			 "libcurl %s lacks an asynchronous resolver",
			 v->version);
		return -ENOTSUP;
	}
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *userdata)
{
	struct http_state *s = userdata;
	size_t len = size * n;
	s->body_total += (curl_off_t)len;
	if (!s->keep_body)
		return len;
	size_t room = BODY_CAP - s->body.len;
	size_t take = len < room ? len : room;
	if (take < len)
		s->truncated = true;
	if (take && hb_buf_append(&s->body, p, take) < 0) {
		/* Only ENOMEM is possible here (take fits the cap):
		 * returning short makes curl stop with CURLE_WRITE_ERROR. */
		s->body_oom = true;
		return 0;
	}
	return len;
}

/* curl 7.88 counts CURLINFO_CONNECT_TIME only once TLS is up too, so a
 * server that accepts and then never speaks TLS would look like one that
 * never accepted. Whether the socket had a peer when curl dropped it tells
 * the two apart (ENOTCONN while the SYN is unanswered): userdata is the
 * bool it sets. */
int http_on_close(void *userdata, curl_socket_t fd)
{
	bool *tcp_connected = userdata;
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
		*tcp_connected = true;
	return close(fd);
}

/* Counts the answer's header bytes against HEADERS_CAP, and notes when
 * they are complete. */
static size_t on_header(char *p, size_t size, size_t n, void *userdata)
{
	struct http_state *s = userdata;
	size_t len = size * n;
	s->header_bytes += len;
	if (s->header_bytes > HEADERS_CAP) {
		/* Returning short stops the transfer (CURLE_WRITE_ERROR). */
		s->headers_over = true;
		return 0;
	}
	/* The blank line ends a block: a 1xx answer's, then the final
	 * one's; the next status line starts another. */
	s->headers_done = len <= 2 && (p[0] == '\r' || p[0] == '\n');
	return len;
}

int http_add_line(struct curl_slist **list, const char *line,
		  struct hb_attempt *a)
{
	struct curl_slist *l = curl_slist_append(*list, line);
	if (!l) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"curl_slist_append: out of memory");
		return -ENOMEM;
	}
	*list = l;
	return 0;
}

static int add_header(struct http_state *s, const char *name, const char *value,
		      struct hb_attempt *a)
{
	char line[8192];
	/* curl drops "Name:" (an empty value means "remove this header");
	 * "Name;" is its spelling for sending it empty. */
	if (value && *value)
		snprintf(line, sizeof(line), "%s: %s", name, value);
	else
		snprintf(line, sizeof(line), "%s;", name);
	return http_add_line(&s->headers, line, a);
}

/* "Authorization: Bearer <token>" on the check's own header list. The
 * line is built to the token's size (a ServiceAccount's is 1 to 2 KiB),
 * and wiped once curl has its copy. */
static int add_bearer(struct http_state *s, const char *token,
		      struct hb_attempt *a)
{
	static const char prefix[] = "Authorization: Bearer ";
	size_t len = sizeof(prefix) + strlen(token);
	char *line = malloc(len);
	if (!line) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "malloc: out of memory");
		return -ENOMEM;
	}
	snprintf(line, len, "%s%s", prefix, token);
	int rc = http_add_line(&s->headers, line, a);
	hb_secret_free(line);
	return rc;
}

static int configure(const struct hb_check *c, struct http_state *s,
		     struct hb_attempt *a)
{
	SETOPT(s, CURLOPT_URL, c->url);
	SETOPT(s, CURLOPT_ERRORBUFFER, s->errbuf);
	/* Signals belong to the sandbox (SIGSYS, the deadline's SIGKILL);
	 * the threaded resolver needs no SIGALRM. */
	SETOPT(s, CURLOPT_NOSIGNAL, 1L);
	SETOPT(s, CURLOPT_PROTOCOLS_STR, HB_CURL_PROTOCOLS);
	SETOPT(s, CURLOPT_USERAGENT, "hookbox/" HB_VERSION);
	/* The proxy the agent decided on (http_proxy.c), or none: curl
	 * reads no proxy variable itself. */
	if (http_proxy_set(c, s, a) < 0)
		return -EINVAL;
	/* CURLOPT_TIMEOUT_MS: before each request (perform), what is left
	 * of the attempt's deadline. */
	SETOPT(s, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(s, CURLOPT_WRITEDATA, s);
	SETOPT(s, CURLOPT_CLOSESOCKETFUNCTION, http_on_close);
	SETOPT(s, CURLOPT_CLOSESOCKETDATA, &s->tcp_connected);
	SETOPT(s, CURLOPT_OPENSOCKETFUNCTION, http_on_open);
	SETOPT(s, CURLOPT_OPENSOCKETDATA, s);
	SETOPT(s, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(s, CURLOPT_HEADERDATA, s);
	/* Redirects are followed by http_run, not by libcurl: each one is
	 * checked against the check's rules, gets only what its host may
	 * get, and a failure names it (CURLOPT_FOLLOWLOCATION stays off). */

	if (c->body) {
		SETOPT(s, CURLOPT_POSTFIELDSIZE_LARGE,
		       (curl_off_t)strlen(c->body));
		SETOPT(s, CURLOPT_POSTFIELDS, c->body);
		/* Without this curl waits up to a second for a "100
		 * Continue" before sending a larger body ("Expect:" with no
		 * value removes the header). */
		if (http_add_line(&s->headers, "Expect:", a) < 0 ||
		    http_add_line(&s->bare, "Expect:", a) < 0)
			return -ENOMEM;
	}
	s->head = c->method && strcmp(c->method, "HEAD") == 0;
	s->posting = c->body && (!c->method || strcmp(c->method, "POST") == 0);
	if (s->head)
		SETOPT(s, CURLOPT_NOBODY, 1L);
	else if (c->method && strcmp(c->method, c->body ? "POST" : "GET") != 0)
		SETOPT(s, CURLOPT_CUSTOMREQUEST, c->method);
	for (size_t i = 0; i < c->n_headers; i++)
		if (add_header(s, c->headers[i].name, c->headers[i].value, a) <
		    0)
			return -ENOMEM;
	/* Credentials go only where the check's headers go: the header
	 * list a redirect to another host does not get (s->bare), and
	 * basic auth's user and password, which http_redirect takes off
	 * the handle for such a host. */
	if (c->bearer_token && add_bearer(s, c->bearer_token, a) < 0)
		return -ENOMEM;
	if (c->user) {
		SETOPT(s, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SETOPT(s, CURLOPT_USERNAME, c->user);
		SETOPT(s, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	if (s->headers)
		SETOPT(s, CURLOPT_HTTPHEADER, s->headers);

	if (http_set_tls(s->curl, c, a) < 0)
		return -EINVAL;
	if (s->https)
		SETOPT(s, CURLOPT_CERTINFO, 1L);
	return 0;
}

int http_set_tls(CURL *curl, const struct hb_check *c, struct hb_attempt *a)
{
	CURLcode rc = CURLE_OK;
	/* Without a ca_file, the bundle OpenSSL's SSL_CERT_FILE names, as
	 * curl's own tool reads it: libcurl takes only the path it was built
	 * with, which the image of a bundle's agent may not have (bundle.c). */
	const char *ca = c->ca_file && *c->ca_file ? c->ca_file : getenv("SSL_CERT_FILE");
	if (ca && *ca)
		rc = curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	if (rc == CURLE_OK && c->cert_file && *c->cert_file)
		rc = curl_easy_setopt(curl, CURLOPT_SSLCERT, c->cert_file);
	if (rc == CURLE_OK && c->key_file && *c->key_file)
		rc = curl_easy_setopt(curl, CURLOPT_SSLKEY, c->key_file);
	/* Verification is off only when the check says so, and then both
	 * halves: the chain and the name. */
	if (rc == CURLE_OK && c->insecure)
		rc = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
	if (rc == CURLE_OK && c->insecure)
		rc = curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	if (rc == CURLE_OK)
		return 0;
	hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_easy_setopt (TLS): %s",
			curl_easy_strerror(rc));
	return -EINVAL;
}

/* Everything that allocates much or reads configuration happens here,
 * before the filter: the handle, the header list, the compiled regex. */
int http_prepare(const struct hb_check *c, void **state,
		 struct hb_attempt *a)
{
	struct http_state *s = calloc(1, sizeof(*s));
	if (!s) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "calloc: out of memory");
		return -ENOMEM;
	}
	*state = s;
	hb_buf_init(&s->body, BODY_CAP);
	if (http_parse_url(c->url, s->host, sizeof(s->host), &s->port,
			   &s->https) < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "bad URL \"%s\"",
				c->target);
		return -EINVAL;
	}
	s->url = strdup(c->url);
	if (!s->url) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "strdup: out of memory");
		return -ENOMEM;
	}
	hb_strlcpy(s->origin_host, s->host, sizeof(s->origin_host));
	s->origin_port = s->port;
	s->origin_https = s->https;
	const struct hb_expect *e = &c->expect;
	s->keep_body = (e->body && *e->body) || e->contains || e->jq ||
		       e->n_json;
	char why[200];
	if (e->body && *e->body &&
	    !(s->re = hb_pattern_new(e->body, why, sizeof(why)))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "regex \"%s\": %s",
				e->body, why);
		return -EINVAL;
	}
	/* Compiled by the agent, which is what libjq 1.6 spends its time on
	 * (it builds its builtins: about 40 ms of CPU); else here, before
	 * the filter. */
	if (c->jq_compiled)
		s->jq = c->jq_compiled;
	else if (e->jq && !(s->jq = s->jq_own = hb_jq_new(e->jq, why,
							   sizeof(why)))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "jq \"%s\": %s", e->jq,
				why);
		return -EINVAL;
	}
	s->curl = curl_easy_init();
	if (!s->curl) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_easy_init failed");
		return -ENOMEM;
	}
	return configure(c, s, a);
}

/* -- describing what happened ---------------------------------------------- */

/* "2s", "1.5s", "250ms" */
void http_fmt_ms(char *dst, size_t size, int64_t ms)
{
	if (ms >= 1000 && ms % 1000 == 0)
		snprintf(dst, size, "%llds", (long long)(ms / 1000));
	else if (ms >= 1000)
		snprintf(dst, size, "%.1fs", (double)ms / 1000.0);
	else
		snprintf(dst, size, "%lldms", (long long)ms);
}

/* "Mar  1 12:00:00 2030 GMT", OpenSSL's ASN1_TIME_print, into days left
 * (negative once expired). Returns 0 or -EINVAL. */
static int cert_days_left(const char *expire, long *days)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(expire, "%b %d %H:%M:%S %Y", &tm);
	if (!end)
		return -EINVAL;
	time_t not_after = timegm(&tm);
	time_t now = time(NULL);
	double left = difftime(not_after, now) / 86400.0;
	/* Whole days that remain (floor): 3.9 days is "3 days", -0.5 is
	 * "-1", so that 0 still means "expires today". */
	long whole = (long)left;
	if ((double)whole > left)
		whole--;
	*days = whole;
	return 0;
}

/* The leaf certificate's "Expire date" from CURLINFO_CERTINFO. */
static bool leaf_expiry(CURL *curl, char *dst, size_t size)
{
	struct curl_certinfo *ci = NULL;
	if (curl_easy_getinfo(curl, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    !ci || ci->num_of_certs < 1)
		return false;
	for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next)
		if (hb_str_prefix(l->data, "Expire date:")) {
			hb_strlcpy(dst, l->data + strlen("Expire date:"), size);
			return true;
		}
	return false;
}

static void record(struct http_state *s, struct hb_attempt *a, long status)
{
	curl_off_t t;
	struct hb_timing *tm = &a->timing;
	/* Every *_TIME_T is counted from the start of the request, as the
	 * other kinds count theirs: from http_resolve's own lookup, when it
	 * made one, which curl's clock does not see; after redirects, of the
	 * first request (the last request's phases, after the time the
	 * others took). */
	double r = s->resolve_ms + s->before_ms;
	if (curl_easy_getinfo(s->curl, CURLINFO_NAMELOOKUP_TIME_T, &t) ==
	    CURLE_OK)
		tm->dns_ms = r + (double)t / 1000.0;
	if (curl_easy_getinfo(s->curl, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
		tm->connect_ms = r + (double)t / 1000.0;
	if (s->https && curl_easy_getinfo(s->curl, CURLINFO_APPCONNECT_TIME_T,
					  &t) == CURLE_OK)
		tm->tls_ms = r + (double)t / 1000.0;
	if (curl_easy_getinfo(s->curl, CURLINFO_STARTTRANSFER_TIME_T, &t) ==
	    CURLE_OK)
		tm->first_byte_ms = r + (double)t / 1000.0;
	if (curl_easy_getinfo(s->curl, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
		tm->total_ms = r + (double)t / 1000.0;

	if (status > 0)
		hb_attempt_detail(a, "status_code", "%ld", status);
	char *ip = NULL;
	long port = 0;
	if (curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip && *ip) {
		curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_PORT, &port);
		/* Through a proxy, the proxy resolved the target's name. */
		const char *key = s->proxied ? "proxy_address"
					     : "resolved_address";
		if (strchr(ip, ':'))
			hb_attempt_detail(a, key, "[%s]:%ld", ip, port);
		else
			hb_attempt_detail(a, key, "%s:%ld", ip, port);
	}
	long ver = 0;
	if (status > 0 && curl_easy_getinfo(s->curl, CURLINFO_HTTP_VERSION,
					    &ver) == CURLE_OK) {
		const char *v = ver == CURL_HTTP_VERSION_1_0   ? "1.0"
				: ver == CURL_HTTP_VERSION_1_1 ? "1.1"
				: ver == CURL_HTTP_VERSION_2_0 ? "2"
				: ver == CURL_HTTP_VERSION_3   ? "3"
							       : NULL;
		if (v)
			hb_attempt_detail(a, "http_version", "%s", v);
	}
	if (status > 0)
		hb_attempt_detail(a, "body_bytes", "%lld",
				  (long long)s->body_total);
	if (s->hops > 0) {
		char shown[256];
		hb_redact_url(shown, sizeof(shown), s->url);
		hb_attempt_detail(a, "redirects", "%d", s->hops);
		hb_attempt_detail(a, "final_url", "%s", shown);
	}
}

/* -- classification -------------------------------------------------------- */

bool http_is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

bool http_tls_verify_error(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION ||
	       rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM ||
	       rc == CURLE_SSL_ISSUER_ERROR ||
	       rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
	       rc == CURLE_SSL_CRL_BADFILE;
}

/* The address a message names: the one connected to when curl got that
 * far ("127.0.0.1:8080"), else the URL's host and port. */
static void where(struct http_state *s, char *dst, size_t size)
{
	char *ip = NULL;
	long port = s->port;
	/* The address connected to is the proxy's. */
	if (s->proxied) {
		int n = snprintf(dst, size, "%s:%ld", s->host, port);
		if (n > 0 && (size_t)n < size)
			snprintf(dst + n, size - (size_t)n,
				 " (through the proxy %.200s)", s->proxy);
		return;
	}
	if (curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip && *ip) {
		curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_PORT, &port);
		bool v6 = strchr(ip, ':') != NULL;
		size_t n = strlen(ip);
		bool same = strcmp(ip, s->host) == 0 ||
			    (v6 && s->host[0] == '[' &&
			     strncmp(s->host + 1, ip, n) == 0 &&
			     strcmp(s->host + 1 + n, "]") == 0);
		if (same)
			snprintf(dst, size, "%s:%ld", s->host, port);
		else
			snprintf(dst, size, "%s:%ld (%s%s%s)", s->host, port,
				 v6 ? "[" : "", ip, v6 ? "]" : "");
		return;
	}
	snprintf(dst, size, "%s:%ld", s->host, port);
}

/* Fails a as hb_attempt_fail does, naming the redirect when the request
 * that failed was one: "redirect to \"http://b/x\": connect to b:80
 * refused". */
static void fail_hop(const struct http_state *s, struct hb_attempt *a,
		     enum hb_class cls, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail_hop(const struct http_state *s, struct hb_attempt *a,
		     enum hb_class cls, const char *fmt, ...)
{
	char msg[HB_MSG_MAX], shown[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->hops == 0) {
		hb_attempt_fail(a, cls, "%s", msg);
		return;
	}
	hb_redact_url(shown, sizeof(shown), s->url);
	hb_attempt_fail(a, cls, "redirect to \"%s\": %s", shown, msg);
}

static void classify_transfer(const struct hb_check *c, struct http_state *s,
			      CURLcode rc, struct hb_attempt *a)
{
	char at[320], limit[32];
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
	long os_errno = 0;
	curl_easy_getinfo(s->curl, CURLINFO_OS_ERRNO, &os_errno);
	where(s, at, sizeof(at));
	http_fmt_ms(limit, sizeof(limit), s->dl.ms);

	if (s->resolve_refused) {
		char *url = NULL;
		char shown[256] = "?";
		if (curl_easy_getinfo(s->curl, CURLINFO_EFFECTIVE_URL, &url) ==
			    CURLE_OK &&
		    url)
			hb_redact_url(shown, sizeof(shown), url);
		hb_attempt_fail(a, HB_CLASS_HTTP_STATUS,
				"%s needs a name looked up anew, which the "
				"check does only once, before it connects",
				shown);
	} else if (rc == CURLE_COULDNT_CONNECT && s->refused.family) {
		http_refuse_address(s, a);
	} else if (s->headers_over) {
		fail_hop(s, a, HB_CLASS_RESOURCE_LIMIT,
			 "the response headers from %s exceed %u KiB", at,
			 HEADERS_CAP >> 10);
	} else if (rc == CURLE_OUT_OF_MEMORY && strstr(why, HB_CURL_NO_ZLIB)) {
		/* libcurl 7.88's answer to a decoder that could not start
		 * (curl_pruned.c): the server compressed what was never
		 * offered (TE), a garbled exchange. */
		fail_hop(s, a, HB_CLASS_NETWORK_ERROR,
			 "receiving from %s: a compressed Transfer-Encoding, "
			 "which hookbox never offers (TE) and cannot decode",
			 at);
	} else if (rc == CURLE_OUT_OF_MEMORY && !s->headers_done) {
		/* What libcurl 7.88 answers to one header line longer than
		 * CURL_MAX_HTTP_HEADER: before the headers are complete it
		 * has kept too little to have run out of memory. */
		fail_hop(s, a, HB_CLASS_RESOURCE_LIMIT,
			 "a response header from %s is longer than libcurl's "
			 "%d KiB",
			 at, CURL_MAX_HTTP_HEADER >> 10);
	} else if (rc == CURLE_COULDNT_RESOLVE_HOST) {
		/* curl reports a resolver thread that could not start as a
		 * name that did not resolve; it is our failure, not DNS's. */
		if (strstr(why, "thread failed to start"))
			fail_hop(s, a, HB_CLASS_INTERNAL,
				 "resolving \"%s\": %s", s->host, why);
		else
			fail_hop(s, a, HB_CLASS_DNS_FAILURE,
				 "could not resolve \"%s\"", s->host);
	} else if (rc == CURLE_COULDNT_CONNECT) {
		if (os_errno == ECONNREFUSED)
			fail_hop(s, a, HB_CLASS_CONNECTION_REFUSED,
				 "connect to %s refused", at);
		else if (os_errno == ETIMEDOUT)
			fail_hop(s, a, HB_CLASS_CONNECT_TIMEOUT,
				 "connect to %s timed out", at);
		else if (os_errno)
			fail_hop(s, a, HB_CLASS_NETWORK_ERROR,
				 "connect to %s: %s", at,
				 strerror((int)os_errno));
		else
			fail_hop(s, a, HB_CLASS_NETWORK_ERROR,
				 "connect to %s: %s", at, why);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		curl_off_t conn = 0, tls = 0, first = 0;
		curl_easy_getinfo(s->curl, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(s->curl, CURLINFO_APPCONNECT_TIME_T, &tls);
		curl_easy_getinfo(s->curl, CURLINFO_STARTTRANSFER_TIME_T,
				  &first);
		long status = 0;
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
		if (conn == 0 && strstr(why, "Resolving"))
			fail_hop(s, a, HB_CLASS_DNS_FAILURE,
				 "resolving \"%s\" took longer than %s",
				 s->host, limit);
		else if (conn == 0 && !s->tcp_connected)
			fail_hop(s, a, HB_CLASS_CONNECT_TIMEOUT,
				 "connect to %s timed out after %s", at,
				 limit);
		else if (s->https && tls == 0)
			fail_hop(s, a, HB_CLASS_TIMEOUT,
				 "connected to %s, but no TLS handshake "
				 "within %s",
				 at, limit);
		else if (status == 0)
			fail_hop(
				s, a, HB_CLASS_TIMEOUT,
				"connected to %s, but no answer within %s", at,
				limit);
		else
			fail_hop(
				s, a, HB_CLASS_TIMEOUT,
				"status %ld from %s, but the body was not "
				"complete within %s (%lld bytes read)",
				status, at, limit, (long long)s->body_total);
	} else if (http_is_tls_error(rc)) {
		fail_hop(s, a, HB_CLASS_TLS_ERROR, "TLS with %s: %s", at, why);
		/* A certificate that fails verification, or a CA, client
		 * certificate or pin that is wrong, stays so however long a
		 * wait lasts; a handshake a starting server breaks does not
		 * (pool.c, hb_class_not_retried). */
		hb_attempt_detail(a, "tls_error", "%s",
				  http_tls_verify_error(rc) ? "verify"
							    : "handshake");
	} else if (rc == CURLE_GOT_NOTHING) {
		fail_hop(s, a, HB_CLASS_NETWORK_ERROR,
			 "%s closed the connection without answering",
			 at);
	} else if (rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
		   rc == CURLE_PARTIAL_FILE || rc == CURLE_HTTP2 ||
		   rc == CURLE_HTTP2_STREAM || rc == CURLE_WEIRD_SERVER_REPLY) {
		/* A broken or garbled exchange: the peer (or a sidecar in
		 * between) closed, reset or spoke something else than HTTP. */
		fail_hop(s, a, HB_CLASS_NETWORK_ERROR, "%s with %s: %s",
			 rc == CURLE_SEND_ERROR ? "sending" : "receiving", at,
			 why);
	} else if (rc == CURLE_WRITE_ERROR && s->body_oom) {
		fail_hop(s, a, HB_CLASS_RESOURCE_LIMIT,
			 "out of memory keeping the body");
	} else if (rc == CURLE_OUT_OF_MEMORY) {
		fail_hop(s, a, HB_CLASS_RESOURCE_LIMIT, "libcurl: %s", why);
	} else {
		fail_hop(s, a, HB_CLASS_INTERNAL, "curl_easy_perform: %s", why);
	}
}

/* The next request's share of the attempt's deadline, in ms; 0 when none
 * is left. */
static long time_left(const struct http_state *s)
{
	int64_t left = (s->dl.at_ns - hb_mono_ns()) / 1000000;
	return left > 0 ? (long)left : 0;
}

/* Gives the next request left ms, connect included. */
static bool set_timeout(struct http_state *s, long left, struct hb_attempt *a)
{
	if (curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, left) == CURLE_OK &&
	    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, left) ==
		    CURLE_OK)
		return true;
	hb_attempt_fail(a, HB_CLASS_INTERNAL,
			"curl_easy_setopt(CURLOPT_TIMEOUT_MS) failed");
	return false;
}

/* One request and the redirects the check allows: returns the last
 * request's result; *stopped is set when a failed already (a redirect
 * not followed). */
static CURLcode perform(const struct hb_check *c, struct http_state *s,
			long *status, bool *stopped, struct hb_attempt *a)
{
	s->start_ns = hb_mono_ns();
	/* A deadline already past still lets curl start, and time out at
	 * once in its own words (0 would mean no timeout at all). */
	long first = time_left(s);
	if (!set_timeout(s, first > 0 ? first : 1, a)) {
		*stopped = true;
		return CURLE_OK;
	}
	for (;;) {
		s->header_bytes = 0;
		s->headers_done = false;
		s->tcp_connected = false;
		s->body_total = 0;
		hb_buf_reset(&s->body);
		s->truncated = false;
		CURLcode rc = curl_easy_perform(s->curl);
		*status = 0;
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, status);
		char *ip = NULL;
		if (s->hops == 0 &&
		    curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP, &ip) ==
			    CURLE_OK &&
		    ip)
			http_ip_from_text(ip, &s->origin_ip);
		char *next = NULL;
		if (rc != CURLE_OK || !c->follow_redirects ||
		    !http_is_redirect(*status) ||
		    curl_easy_getinfo(s->curl, CURLINFO_REDIRECT_URL, &next) !=
			    CURLE_OK ||
		    !next)
			return rc;
		curl_off_t took = 0;
		curl_easy_getinfo(s->curl, CURLINFO_TOTAL_TIME_T, &took);
		if (http_redirect(c, s, *status, next, a) < 0) {
			*stopped = true;
			return rc;
		}
		s->before_ms += (double)took / 1000.0;
		/* The same deadline for the whole chain. */
		long left = time_left(s);
		if (left == 0) {
			char limit[32];
			http_fmt_ms(limit, sizeof(limit), s->dl.ms);
			fail_hop(s, a, HB_CLASS_TIMEOUT,
				 "not started, the redirects before it took "
				 "the check's %s",
				 limit);
			*stopped = true;
			return rc;
		}
		if (!set_timeout(s, left, a)) {
			*stopped = true;
			return rc;
		}
	}
}

bool http_fetch(const struct hb_check *c, struct http_state *s,
		const struct hb_deadline *dl, long *status, struct hb_attempt *a)
{
	s->dl = *dl;
	*status = 0;
	bool stopped = false;
	CURLcode rc = perform(c, s, status, &stopped, a);
	record(s, a, *status);
	http_proxy_record(s, a);

	if (s->https) {
		char expiry[64];
		long days;
		if (leaf_expiry(s->curl, expiry, sizeof(expiry))) {
			hb_attempt_detail(a, "cert_expiry", "%s", expiry);
			if (cert_days_left(expiry, &days) == 0)
				hb_attempt_detail(a, "cert_days_left", "%ld",
						  days);
		}
	}
	char limit[32];
	http_fmt_ms(limit, sizeof(limit), s->dl.ms);
	/* stopped: a says why already (a redirect not followed); so does
	 * http_proxy_classify for a proxy that failed the request. */
	if (stopped || http_proxy_classify(s, rc, *status, limit, a))
		return false;
	if (rc != CURLE_OK) {
		classify_transfer(c, s, rc, a);
		return false;
	}
	return true;
}

void http_state_free(struct http_state *s)
{
	if (!s)
		return;
	curl_easy_cleanup(s->curl);
	curl_slist_free_all(s->headers);
	curl_slist_free_all(s->bare);
	curl_slist_free_all(s->pinned);
	free(s->url);
	hb_pattern_free(s->re);
	hb_jq_free(s->jq_own);
	hb_buf_release(&s->body);
	free(s);
}

static void http_run(const struct hb_check *c, void *state,
		     const struct hb_deadline *dl, struct hb_attempt *a)
{
	struct http_state *s = state;
	long status = 0;
	if (http_fetch(c, s, dl, &status, a))
		http_check_expectations(c, s, status, a);
	http_state_free(s);
}

/* What libcurl and OpenSSL call beyond the base profile for one request, as
 * strace -f shows it for http and https, IPv4, IPv6 and "localhost". */
static const int http_syscalls[] = {
	/* curl's threaded resolver wakes the transfer through a socketpair
	 * (AF_UNIX); Curl_socketpair. */
	SYS_socketpair,
	-1,
};

/* The module's one export: everything else here is static, or hidden
 * (http_int.h). */
__attribute__((visibility("default"))) const struct hb_driver hb_driver_http = {
	.name = "http",
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_THREADS | HB_DRIVER_TLS |
		 HB_DRIVER_HANDOFF,
	.init = http_init,
	.prepare = http_prepare,
	.resolve = http_resolve,
	.run = http_run,
	.port = http_port,
	.extra_port = http_extra_port,
	.read_paths = http_read_paths,
	.syscalls = http_syscalls,
};

