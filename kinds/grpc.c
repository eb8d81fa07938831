/* SPDX-License-Identifier: MIT */
/* The grpc check kind: one grpc.health.v1.Health/Check call over HTTP/2,
 * passing when the server answers SERVING. libcurl speaks HTTP/2 through
 * nghttp2: h2c with prior knowledge in plain text, ALPN's h2 over TLS.
 * It lives in the http module, whose libcurl, OpenSSL and nghttp2 it
 * shares, and exports its own driver table. */
#include "grpc_wire.h"
#include "http_int.h"

#include "driver.h"
#include "kinds.h"

#include "addr.h"
#include "buf.h"
#include "check.h"
#include "curl_notls.h"
#include "duration.h"
#include "osutil.h"
#include "resolve.h"
#include "strutil.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef HB_VERSION
#define HB_VERSION "0.1.0"
#endif

/* A HealthCheckResponse is two bytes; anything past this is no answer to
 * Health/Check, and is read and dropped. */
#define GRPC_BODY_CAP (64u << 10)
/* Header and trailer bytes, at most: far more than gRPC's few lines. */
#define GRPC_HEADERS_CAP (64u << 10)
#define REQUEST_MAX (1024 + 16)
#define PATH "/grpc.health.v1.Health/Check"

struct grpc_state {
	CURL *curl;
	struct curl_slist *headers;
	struct curl_slist *pinned;
	char host[HB_HOST_MAX]; /* the address's, without brackets */
	int port;
	/* The name the URL carries: server_name, else the host; what TLS
	 * verifies, SNI and :authority name, and what the addresses are
	 * pinned for. */
	const char *url_host;
	char url[HB_HOST_MAX + 64];
	uint8_t request[REQUEST_MAX];
	size_t request_len;
	struct hb_buf body;
	size_t body_total;
	size_t header_bytes;
	bool headers_over;
	bool tcp_connected;
	bool resolve_refused;
	struct grpc_answer answer;
	struct hb_deadline dl;
	double resolve_ms;
	char errbuf[CURL_ERROR_SIZE];
};

static int grpc_port(const struct hb_check *c)
{
	return hb_address_port(c->address);
}

/* http_init (http.c), and HTTP/2, without which there is no gRPC. */
static int grpc_init(bool tls, char *errbuf, size_t errlen)
{
	int rc = http_init(tls, errbuf, errlen);
	if (rc < 0)
		return rc;
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_HTTP2)) {
		snprintf(errbuf, errlen, "libcurl %s lacks HTTP/2 (nghttp2), "
			 "which gRPC needs", v->version);
		return -ENOTSUP;
	}
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *userdata)
{
	struct grpc_state *s = userdata;
	size_t len = size * n;
	s->body_total += len;
	size_t room = GRPC_BODY_CAP - s->body.len;
	if (len <= room && hb_buf_append(&s->body, p, len) < 0)
		return 0;
	return len;
}

/* Headers and trailers alike: libcurl hands HTTP/2 trailers to the header
 * callback, after the body (test/integration/grpc.sh proves a status that
 * comes only there is read). */
static size_t on_header(char *p, size_t size, size_t n, void *userdata)
{
	struct grpc_state *s = userdata;
	size_t len = size * n;
	s->header_bytes += len;
	if (s->header_bytes > GRPC_HEADERS_CAP) {
		s->headers_over = true;
		return 0;
	}
	grpc_header_line(p, len, &s->answer);
	return len;
}

/* The sandbox took the resolver's sockets away once grpc_resolve pinned
 * the addresses: curl may convert an address, never look a name up. */
static int on_resolver_start(void *resolver_state, void *reserved,
			     void *userdata)
{
	struct grpc_state *s = userdata;
	unsigned char bin[16];
	(void)resolver_state;
	(void)reserved;
	if (inet_pton(AF_INET, s->url_host, bin) == 1 ||
	    inet_pton(AF_INET6, s->url_host, bin) == 1)
		return 0;
	s->resolve_refused = true;
	return 1;
}

static int configure(const struct hb_check *c, struct grpc_state *s,
		     struct hb_attempt *a)
{
	SETOPT(s, CURLOPT_URL, s->url);
	SETOPT(s, CURLOPT_ERRORBUFFER, s->errbuf);
	SETOPT(s, CURLOPT_NOSIGNAL, 1L);
	SETOPT(s, CURLOPT_PROTOCOLS_STR, HB_CURL_PROTOCOLS);
	SETOPT(s, CURLOPT_USERAGENT, "hookbox/" HB_VERSION);
	/* gRPC is HTTP/2 only: h2c without an Upgrade round trip (gRPC
	 * servers take none), and over TLS h2 by ALPN. */
	SETOPT(s, CURLOPT_HTTP_VERSION, c->tls ? (long)CURL_HTTP_VERSION_2TLS
					   : (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	/* A proxy would need CONNECT, which gRPC's clients use only when
	 * told: none, whatever the environment says. */
	SETOPT(s, CURLOPT_PROXY, "");
	SETOPT(s, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->request_len);
	SETOPT(s, CURLOPT_POSTFIELDS, s->request);
	SETOPT(s, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(s, CURLOPT_WRITEDATA, s);
	SETOPT(s, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(s, CURLOPT_HEADERDATA, s);
	SETOPT(s, CURLOPT_CLOSESOCKETFUNCTION, http_on_close);
	SETOPT(s, CURLOPT_CLOSESOCKETDATA, &s->tcp_connected);
	SETOPT(s, CURLOPT_RESOLVER_START_FUNCTION, on_resolver_start);
	SETOPT(s, CURLOPT_RESOLVER_START_DATA, s);
	/* "TE: trailers" tells the server that this client reads trailers,
	 * which gRPC requires of a call; "Expect:" with no value keeps curl
	 * from waiting for a 100 Continue. */
	if (http_add_line(&s->headers, "Content-Type: application/grpc", a) < 0 ||
	    http_add_line(&s->headers, "TE: trailers", a) < 0 ||
	    http_add_line(&s->headers, "Expect:", a) < 0)
		return -ENOMEM;
	return c->tls ? http_set_tls(s->curl, c, a) : 0;
}

static int grpc_prepare(const struct hb_check *c, void **state,
			struct hb_attempt *a)
{
	struct grpc_state *s = calloc(1, sizeof(*s));
	if (!s) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "calloc: out of memory");
		return -ENOMEM;
	}
	*state = s;
	hb_buf_init(&s->body, GRPC_BODY_CAP);
	grpc_answer_init(&s->answer);
	char err[200];
	if (hb_split_hostport(c->address, s->host, sizeof(s->host), &s->port,
			      0, 0, err, sizeof(err)) < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "address \"%s\": %s",
				c->target, err);
		return -EINVAL;
	}
	s->url_host = c->tls && c->server_name && *c->server_name
			      ? c->server_name
			      : s->host;
	bool v6 = strchr(s->url_host, ':') != NULL;
	snprintf(s->url, sizeof(s->url), "%s://%s%s%s:%d" PATH,
		 c->tls ? "https" : "http", v6 ? "[" : "", s->url_host,
		 v6 ? "]" : "", s->port);
	s->request_len = grpc_frame_request(c->service, s->request,
					    sizeof(s->request));
	if (!s->request_len) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"the service name is too long");
		return -EINVAL;
	}
	s->curl = curl_easy_init();
	if (!s->curl) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_easy_init failed");
		return -ENOMEM;
	}
	return configure(c, s, a);
}

/* Under the kind's filter: looks the address's host up here and hands
 * curl the addresses for the URL's name (server_name's, when given), so
 * that curl resolves nothing and the sandbox takes the resolver's sockets
 * away before the connect. */
static int grpc_resolve(const struct hb_check *c, void *state,
			struct hb_attempt *a)
{
	struct grpc_state *s = state;
	unsigned char bin[16];
	bool literal = inet_pton(AF_INET, s->host, bin) == 1 ||
		       inet_pton(AF_INET6, s->host, bin) == 1;
	if (literal && s->url_host == s->host)
		return HB_RESOLVED;
	int64_t t0 = hb_mono_ns();
	struct addrinfo *ai = hb_resolve(s->host, s->port, c->family, a);
	s->resolve_ms = hb_ms_between(t0, hb_mono_ns());
	a->timing.dns_ms = s->resolve_ms;
	if (!ai)
		return -ENOENT;
	const long port = s->port;
	int rc = http_pin(&s->pinned, s->url_host, &port, 1, ai, a);
	freeaddrinfo(ai);
	if (rc < 0)
		return rc;
	if (curl_easy_setopt(s->curl, CURLOPT_RESOLVE, s->pinned) != CURLE_OK) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"handing curl the addresses of \"%s\" failed",
				s->url_host);
		return -ENOMEM;
	}
	return HB_RESOLVED;
}

/* -- what happened ------------------------------------------------------- */

/* A transfer libcurl could not complete: the usual connect and TLS
 * classes, worded as the http kind words them. */
static void fail_transfer(const struct hb_check *c, struct grpc_state *s,
			  CURLcode rc, struct hb_attempt *a, const char *at)
{
	bool is_tls = c->tls;
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
	long os_errno = 0;
	char limit[32];
	hb_duration_format(limit, sizeof(limit), s->dl.ms);
	curl_easy_getinfo(s->curl, CURLINFO_OS_ERRNO, &os_errno);
	curl_off_t tls_t = 0, first = 0;
	curl_easy_getinfo(s->curl, CURLINFO_APPCONNECT_TIME_T, &tls_t);
	curl_easy_getinfo(s->curl, CURLINFO_STARTTRANSFER_TIME_T, &first);
	if (s->resolve_refused) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"libcurl wanted to resolve \"%s\" again",
				s->url_host);
	} else if (s->headers_over) {
		hb_attempt_fail(a, HB_CLASS_RESOURCE_LIMIT,
				"the answer's headers from %s exceed %u KiB",
				at, GRPC_HEADERS_CAP >> 10);
	} else if (rc == CURLE_COULDNT_CONNECT && os_errno == ECONNREFUSED) {
		hb_attempt_fail(a, HB_CLASS_CONNECTION_REFUSED,
				"connect to %s refused", at);
	} else if (rc == CURLE_COULDNT_CONNECT) {
		hb_attempt_fail(a, os_errno == ETIMEDOUT
					   ? HB_CLASS_CONNECT_TIMEOUT
					   : HB_CLASS_NETWORK_ERROR,
				"connect to %s: %s", at,
				os_errno ? strerror((int)os_errno) : why);
	} else if (rc == CURLE_OPERATION_TIMEDOUT && !s->tcp_connected) {
		hb_attempt_fail(a, HB_CLASS_CONNECT_TIMEOUT,
				"connect to %s timed out after %s", at, limit);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		hb_attempt_fail(a, HB_CLASS_TIMEOUT,
				"connected to %s, but %s within %s", at,
				s->answer.content_type[0] || first
					? "the call did not end"
				: is_tls && !tls_t
					? "no TLS handshake"
					: "no answer",
				limit);
	} else if (http_is_tls_error(rc)) {
		hb_attempt_fail(a, HB_CLASS_TLS_ERROR, "TLS with %s: %s", at, why);
		hb_attempt_detail(a, "tls_error", "%s",
				  http_tls_verify_error(rc) ? "verify"
							    : "handshake");
	} else if (is_tls && tls_t && !first && !s->answer.content_type[0]) {
		/* TLS 1.3 ends the handshake before the server has judged the
		 * client's certificate: a server that wants one, or another,
		 * closes the connection then, and its alert is not always
		 * read (grpc.sh). */
		hb_attempt_fail(a, HB_CLASS_TLS_ERROR,
				"TLS with %s: the server closed the connection "
				"after the handshake, without answering: %s "
				"(%s)", at,
				c->cert_file && *c->cert_file
					? "it may not accept the client "
					  "certificate (cert_file)"
					: "it may require a client certificate "
					  "(cert_file and key_file)",
				why);
		hb_attempt_detail(a, "tls_error", "handshake");
	} else if (rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM ||
		   rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
		   rc == CURLE_GOT_NOTHING || rc == CURLE_WEIRD_SERVER_REPLY ||
		   rc == CURLE_PARTIAL_FILE) {
		/* What an HTTP/1 server answers to h2c, among others. */
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
				"HTTP/2 with %s: %s (is it a gRPC server%s?)",
				at, why,
				is_tls ? "" : ", and does it speak plain text");
	} else {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "curl_easy_perform: %s",
				why);
	}
}

/* The gRPC status of a completed call, other than OK. */
static void fail_status(const struct hb_check *c, struct grpc_state *s,
			long http, struct hb_attempt *a, const char *at)
{
	const struct grpc_answer *g = &s->answer;
	int code = g->status;
	char from[160] = "";
	if (code < 0) {
		/* No gRPC status: a proxy, or no gRPC server, answered. */
		code = grpc_code_from_http(http);
		snprintf(from, sizeof(from), " (HTTP status %ld without a "
			 "gRPC status%s%s)", http,
			 g->content_type[0] ? ", content type " : "",
			 g->content_type);
	}
	const char *name = grpc_code_name(code);
	hb_attempt_detail(a, "grpc_status", "%s", name ? name : "UNKNOWN");
	hb_attempt_detail(a, "grpc_code", "%d", code);
	if (g->message[0])
		hb_attempt_detail(a, "grpc_message", "%s", g->message);
	const char *svc = c->service && *c->service ? c->service : NULL;
	char msg[GRPC_MESSAGE_MAX + 8] = "";
	if (g->message[0])
		snprintf(msg, sizeof(msg), ": %s", g->message);
	if (code == 5) {
		/* Health/Check's answer for a service it does not know,
		 * which Watch calls SERVICE_UNKNOWN. */
		hb_attempt_detail(a, "health_status", "SERVICE_UNKNOWN");
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"%s: service \"%s\" is unknown to the health "
				"service (NOT_FOUND%s), expected SERVING",
				at, svc ? svc : "", msg);
	} else if (code == 12) {
		hb_attempt_fail(a, HB_CLASS_GRPC_STATUS,
				"%s has no health service: "
				"grpc.health.v1.Health/Check answered "
				"UNIMPLEMENTED%s%s",
				at, msg, from);
	} else {
		hb_attempt_fail(a, HB_CLASS_GRPC_STATUS,
				"%s answered gRPC status %s (%d)%s%s", at,
				name ? name : "UNKNOWN", code, msg, from);
	}
}

/* The address a message names: the address's host and port, with the
 * address connected to when that is another text. */
static void where(const struct hb_check *c, struct grpc_state *s, char *dst,
		  size_t size)
{
	char *ip = NULL;
	if (curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip && *ip && strcmp(ip, s->host) != 0) {
		bool v6 = strchr(ip, ':') != NULL;
		snprintf(dst, size, "%s (%s%s%s)", c->target, v6 ? "[" : "", ip,
			 v6 ? "]" : "");
		return;
	}
	hb_strlcpy(dst, c->target, size);
}

static void record(struct grpc_state *s, struct hb_attempt *a)
{
	curl_off_t t;
	struct hb_timing *tm = &a->timing;
	double r = s->resolve_ms;
	if (curl_easy_getinfo(s->curl, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK && t)
		tm->connect_ms = r + (double)t / 1000.0;
	if (curl_easy_getinfo(s->curl, CURLINFO_APPCONNECT_TIME_T, &t) == CURLE_OK && t)
		tm->tls_ms = r + (double)t / 1000.0;
	if (curl_easy_getinfo(s->curl, CURLINFO_STARTTRANSFER_TIME_T, &t) == CURLE_OK && t)
		tm->first_byte_ms = r + (double)t / 1000.0;
	if (curl_easy_getinfo(s->curl, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
		tm->total_ms = r + (double)t / 1000.0;
	char *ip = NULL;
	long port = 0;
	if (curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip && *ip) {
		curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_PORT, &port);
		bool v6 = strchr(ip, ':') != NULL;
		hb_attempt_detail(a, "resolved_address", "%s%s%s:%ld",
				  v6 ? "[" : "", ip, v6 ? "]" : "", port);
	}
}

/* The body of a call that ended with OK: the serving status. */
static void judge(const struct hb_check *c, struct grpc_state *s,
		  struct hb_attempt *a, const char *at)
{
	char why[128];
	int st = -1;
	if (s->body_total > s->body.len)
		snprintf(why, sizeof(why), "its answer of %zu bytes is no "
			 "HealthCheckResponse", s->body_total);
	else
		st = grpc_parse_response((const uint8_t *)hb_buf_str(&s->body),
					 s->body.len, why, sizeof(why));
	if (st < 0) {
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
				"%s answered Health/Check with status OK, but "
				"%s", at, why);
		return;
	}
	const char *name = grpc_serving_name(st);
	char num[16];
	if (!name) {
		snprintf(num, sizeof(num), "%d", st);
		name = num;
	}
	hb_attempt_detail(a, "health_status", "%s", name);
	if (st == 1) {
		hb_attempt_pass(a);
		return;
	}
	if (c->service && *c->service)
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"%s: service \"%s\" is %s, expected SERVING",
				at, c->service, name);
	else
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"%s: the server is %s, expected SERVING", at,
				name);
}

/* Whether a transfer ended as libcurl 7.88 ends a call whose answer came
 * before the request was sent whole: grpcio (and grpc-go) answer a method
 * they do not have at once, trailers only, and reset the stream with
 * NO_ERROR, as HTTP/2 allows (RFC 9113, 8.1); libcurl, still sending the
 * message, drops the answer it has and fails with CURLE_HTTP2_STREAM,
 * no header seen (more than half of the calls to grpcio without a health
 * service, on loopback). */
static bool answer_lost(const struct grpc_state *s, CURLcode rc)
{
	return rc == CURLE_HTTP2_STREAM && s->answer.status < 0 &&
	       !s->answer.content_type[0] && s->header_bytes == 0;
}

/* Asks again with no message at all, the request complete in its one
 * HEADERS frame, so that nothing is still being sent when the answer
 * comes. Only to learn whether the method exists: a server that has it
 * answers a call without its message with an error of its own, which
 * says nothing of the service's health. True when it answered
 * UNIMPLEMENTED, which s->answer then holds. */
static bool probe_unimplemented(struct grpc_state *s)
{
	long left = (long)((s->dl.at_ns - hb_mono_ns()) / 1000000);
	grpc_answer_init(&s->answer);
	s->header_bytes = 0;
	/* On a connection of its own: libcurl 7.88 fails the next stream
	 * of the one whose answer it lost (CURLE_HTTP2). */
	if (left < 1 ||
	    curl_easy_setopt(s->curl, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK ||
	    curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE_LARGE,
			     (curl_off_t)0) != CURLE_OK ||
	    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, left) != CURLE_OK)
		return false;
	CURLcode rc = curl_easy_perform(s->curl);
	return (rc == CURLE_OK || s->answer.status >= 0) &&
	       s->answer.status == 12;
}

static void grpc_run(const struct hb_check *c, void *state,
		     const struct hb_deadline *dl, struct hb_attempt *a)
{
	struct grpc_state *s = state;
	s->dl = *dl;
	int64_t left = (dl->at_ns - hb_mono_ns()) / 1000000;
	if (left < 1)
		left = 1;
	/* The server learns the deadline too (grpc-timeout, in ms: at most
	 * eight digits, PROTOCOL-HTTP2.md). */
	char line[64];
	snprintf(line, sizeof(line), "grpc-timeout: %lldm",
		 (long long)(left < 99999999 ? left : 99999999));
	CURLcode rc = CURLE_OK;
	if (http_add_line(&s->headers, line, a) < 0)
		goto out;
	if (curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, s->headers) != CURLE_OK ||
	    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, (long)left) != CURLE_OK ||
	    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)left) !=
		    CURLE_OK) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"curl_easy_setopt(CURLOPT_TIMEOUT_MS) failed");
		goto out;
	}
	rc = curl_easy_perform(s->curl);
	record(s, a);
	char at[HB_HOST_MAX + 80];
	where(c, s, at, sizeof(at));
	if (answer_lost(s, rc)) {
		struct grpc_answer lost = s->answer;
		char errbuf[CURL_ERROR_SIZE];
		memcpy(errbuf, s->errbuf, sizeof(errbuf));
		if (probe_unimplemented(s)) {
			rc = CURLE_OK;
			hb_attempt_detail(a, "grpc_probe", "no message");
		} else {
			s->answer = lost;
			memcpy(s->errbuf, errbuf, sizeof(errbuf));
			hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
					"%s ended the call before its message "
					"was sent, and libcurl (7.88) lost the "
					"answer: a status the server gives at "
					"once, as an interceptor's "
					"UNAUTHENTICATED (%s)",
					at, errbuf[0] ? errbuf
						       : curl_easy_strerror(rc));
			goto out;
		}
	}
	long http = 0, ver = 0;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(s->curl, CURLINFO_HTTP_VERSION, &ver);
	/* A grpc-status comes only at the end of an answer: one that came
	 * before libcurl failed the transfer (a reset after it) is judged. */
	if (rc != CURLE_OK && s->answer.status < 0)
		fail_transfer(c, s, rc, a, at);
	else if (ver != CURL_HTTP_VERSION_2_0)
		/* ALPN chose HTTP/1.1: a TLS server, but not gRPC's. */
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
				"%s answered in HTTP/1 (status %ld), not "
				"HTTP/2: is it a gRPC server?", at, http);
	else if (s->answer.status != 0)
		fail_status(c, s, http, a, at);
	else
		judge(c, s, a, at);
	if (s->answer.status_bad)
		hb_attempt_detail(a, "grpc_status_bad", "true");
out:
	curl_easy_cleanup(s->curl);
	curl_slist_free_all(s->headers);
	curl_slist_free_all(s->pinned);
	hb_buf_release(&s->body);
	free(s);
}

/* libcurl's threaded resolver and multi handle wake the transfer through a
 * socketpair (AF_UNIX), as for http (http.c). */
static const int grpc_syscalls[] = {
	SYS_socketpair,
	-1,
};

/* The kind's one export from the http module. */
__attribute__((visibility("default"))) const struct hb_driver hb_driver_grpc = {
	.name = "grpc",
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_THREADS | HB_DRIVER_TLS |
		 HB_DRIVER_HANDOFF,
	.init = grpc_init,
	.prepare = grpc_prepare,
	.resolve = grpc_resolve,
	.run = grpc_run,
	.port = grpc_port,
	.read_paths = http_read_paths,
	.syscalls = grpc_syscalls,
};
