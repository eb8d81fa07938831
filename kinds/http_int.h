/* SPDX-License-Identifier: MIT */
/* What the http kind's files (http.c, http_redirect.c, http_expect.c)
 * share: the request's state and the functions one calls in another,
 * hidden so that the module still exports its driver table alone. */
#ifndef HB_HTTP_INT_H
#define HB_HTTP_INT_H

#include "driver.h"

#include "addr.h"
#include "buf.h"
#include "check.h"

#include <curl/curl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most of a body kept for the regex, the text, jq and the JSON
 * assertion. The rest is
 * read and counted but dropped, so a 1 GB answer costs no more memory than
 * a 1 MiB one. */
#define BODY_CAP (1u << 20)
/* The most header bytes an answer may have, 1xx answers included. libcurl
 * 7.88 refuses one line over CURL_MAX_HTTP_HEADER (100 KiB) as "out of
 * memory" and, in Debian's build, all of them past 300 KiB as a receive
 * error: neither says what happened. Below the one and with room for a
 * last line under the other, this cap is always the one that trips. */
#define HEADERS_CAP (200u << 10)
/* Redirects followed, at most: the common chains (http to https, a
 * trailing slash, a login page) take one or two. */
#define MAX_REDIRECTS 5
/* How much of a body or value a message quotes. */
#define QUOTE_MAX 80

/* An IP address, as where a redirect may go compares them. */
struct ip_addr {
	int family; /* AF_INET or AF_INET6; 0: none */
	unsigned char b[16];
};

struct http_state {
	CURL *curl;
	struct curl_slist *headers;
	struct curl_slist *bare; /* what another host gets: no check header */
	bool keep_body; /* only when an expectation reads it */
	bool truncated;
	bool body_oom;
	bool tcp_connected; /* some connection got past the TCP handshake */
	bool headers_done;  /* the blank line after the answer's headers came */
	bool headers_over;  /* they passed HEADERS_CAP */
	bool posting;       /* a POST, until a redirect asks for a GET */
	bool head;          /* the request is a HEAD */
	size_t header_bytes;
	struct hb_pattern *re; /* expect.body, compiled */
	struct hb_jq *jq;      /* expect.jq, compiled */
	struct hb_jq *jq_own;  /* ... here, not by the agent */
	struct hb_buf body;
	curl_off_t body_total;
	/* The request being made: the check's URL, then each redirect's. */
	char *url;
	char host[256]; /* as written in the URL, "[::1]" for IPv6 */
	long port;
	bool https;
	/* The check's own URL, which decides where a redirect may go. */
	char origin_host[256];
	long origin_port;
	bool origin_https;
	struct ip_addr origin_ip; /* where it led (CURLINFO_PRIMARY_IP) */
	int hops;               /* redirects followed */
	int64_t start_ns;
	struct hb_deadline dl;  /* the attempt's (http_run) */
	double before_ms;       /* what the redirects before this request took */
	struct ip_addr refused; /* an address http_on_open refused */
	char errbuf[CURL_ERROR_SIZE];
	/* The addresses http_resolve found, handed to curl (CURLOPT_RESOLVE),
	 * and how long that took; whether curl then wanted to resolve a name
	 * itself, which the sandbox no longer allows. */
	struct curl_slist *pinned;
	double resolve_ms;
	bool resolve_refused;
	/* The request's proxy (http_proxy.c): whether it has one, as a
	 * report shows it ("http://127.0.0.1:3128", no password), the
	 * variable it came from, and whether its host is an address (which
	 * curl converts without a resolver). */
	bool proxied;
	bool proxy_https; /* TLS to the proxy itself */
	bool proxy_literal;
	char proxy[HB_HOST_MAX + 300];
	const char *proxy_from;
};

/* curl_easy_setopt on s->curl (an http or a grpc check's state), failing
 * a and returning -EINVAL from the caller when curl refuses. */
#define SETOPT(s, opt, val)                                                    \
	do {                                                                   \
		CURLcode rc_ = curl_easy_setopt((s)->curl, opt, val);          \
		if (rc_ != CURLE_OK) {                                         \
			hb_attempt_fail(a, HB_CLASS_INTERNAL,                  \
					"curl_easy_setopt(%s): %s", #opt,      \
					curl_easy_strerror(rc_));              \
			return -EINVAL;                                        \
		}                                                              \
	} while (0)

#pragma GCC visibility push(hidden)

/* http.c; the kubernetes kind (kubernetes.c), an HTTPS GET whose answer
 * it judges itself, shares the request: */
int http_prepare(const struct hb_check *c, void **state,
		 struct hb_attempt *a);
int http_port(const struct hb_check *c);
/* The request and the redirects the check allows, recorded in a (timing,
 * details). Returns true when an answer came (its status in *status, its
 * body in s->body when s->keep_body) for the caller to judge; false when
 * a already says how the request failed. */
bool http_fetch(const struct hb_check *c, struct http_state *s,
		const struct hb_deadline *dl, long *status,
		struct hb_attempt *a);
void http_state_free(struct http_state *s);
/* and the grpc kind (grpc.c), in the same module, shares what a
 * libcurl transfer of each needs alike: the start, the files Landlock
 * opens, TLS's options and failures, and telling a connect that never
 * completed. */
int http_parse_url(const char *url, char *host, size_t hostlen, long *port,
		   bool *https);
int http_init(bool tls, char *errbuf, size_t errlen);
size_t http_read_paths(const struct hb_check *c, const char **paths,
		       size_t max);
/* ca_file (else SSL_CERT_FILE), cert_file, key_file and insecure on curl;
 * 0, or -EINVAL with a failed. */
int http_set_tls(CURL *curl, const struct hb_check *c, struct hb_attempt *a);
/* curl's CURLOPT_CLOSESOCKETFUNCTION; userdata is a bool set when the
 * socket had a peer. */
int http_on_close(void *userdata, curl_socket_t fd);
/* Whether rc is a TLS failure, and one that fails verification of a
 * certificate, CA or pin (which a wait does not fix). */
bool http_is_tls_error(CURLcode rc);
bool http_tls_verify_error(CURLcode rc);
/* Appends a header line to *list; 0, or -ENOMEM with a failed. */
int http_add_line(struct curl_slist **list, const char *line,
		  struct hb_attempt *a);
bool http_keeps_resolver(const struct hb_check *c);
void http_fmt_ms(char *dst, size_t size, int64_t ms);

/* http_redirect.c */
bool http_ip_from_text(const char *text, struct ip_addr *ip);
curl_socket_t http_on_open(void *userdata, curlsocktype purpose,
			   struct curl_sockaddr *addr);
int http_resolve(const struct hb_check *c, void *state, struct hb_attempt *a);
void http_refuse_address(struct http_state *s, struct hb_attempt *a);
bool http_is_redirect(long status);
/* Appends curl's CURLOPT_RESOLVE entries for host on each of ports, the
 * addresses ai, to *pinned (the http and grpc kinds'). */
int http_pin(struct curl_slist **pinned, const char *host, const long *ports,
	     size_t n_ports, const struct addrinfo *ai, struct hb_attempt *a);
int http_redirect(const struct hb_check *c, struct http_state *s, long status,
		  const char *url, struct hb_attempt *a);

/* http_proxy.c */
int http_proxy_port(const struct hb_check *c, bool https, long direct_port);
int http_proxy_set(const struct hb_check *c, struct http_state *s,
		   struct hb_attempt *a);
int http_proxy_resolve(const struct hb_check *c, struct http_state *s,
		       struct hb_attempt *a, bool *direct);
const char *http_proxy_refused(const struct hb_check *c,
			       const struct http_state *s, long port,
			       bool https, char *why, size_t size);
void http_proxy_record(const struct http_state *s, struct hb_attempt *a);
bool http_proxy_classify(const struct http_state *s, CURLcode rc, long status,
			 const char *limit, struct hb_attempt *a);

/* http_expect.c */
void http_check_expectations(const struct hb_check *c, struct http_state *s,
			     long status, struct hb_attempt *a);

#pragma GCC visibility pop

#endif
