/* SPDX-License-Identifier: MIT */
/* The check model: what one declared check asks, as the spec loader
 * (agent/spec.c) fills it and the sandbox and the kinds' drivers read it.
 * It sits below both, so that no runner or kind file includes an agent
 * header. */
#ifndef HB_CHECK_H
#define HB_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most a "<field>_file" holds: read by the spec loader, and by a
 * check's own child for a credential (runner/secrets.c). */
#define HB_SPEC_MAX_FILE_BYTES (64u << 10)

struct hb_retry {
	int attempts;        /* total attempts, >= 1 */
	int64_t interval_ms; /* pause before the second attempt */
	double backoff;      /* each later pause is this many times longer */
	int64_t wait_ms;     /* > 0: retry until passing or this deadline */
};

struct hb_header {
	char *name;
	char *value;
};

/* expect.json: one "field path" compared with a JSON value. */
struct hb_json_expect {
	char *path;  /* dotted path into the response, "status" or "a.b.0" */
	char *value; /* the expected value, as compact JSON text */
};

struct hb_expect {
	/* http: acceptable status codes, 100..599 as bits */
	bool status_set;
	uint64_t status_bits[10];
	char *body;                 /* POSIX extended regex on the body */
	struct hb_json_expect *json;
	size_t n_json;
	int64_t max_latency_ms;     /* 0: none */
	/* tcp */
	char *reply;                /* regex the first reply must match */
	/* dns */
	int min_addresses;          /* 0: at least one */
	char **addresses;           /* each must be among the answers */
	size_t n_addresses;
	/* postgres, mysql, redis */
	char *value;                /* the first value must equal this */
	char *pattern;              /* ... or match this regex */
	int64_t rows;               /* -1: not checked */
};

/* Which redirects an http check follows ("follow_redirects"). Whatever
 * the mode: only to http and https, never to a link-local address the
 * check's own URL did not lead to, at most a few hops, and the check's
 * headers and credentials only to its own host (runner/http.c). */
enum hb_follow {
	HB_FOLLOW_NONE = 0, /* false: a redirect is the answer */
	HB_FOLLOW_SAME,     /* true: the same host, on its port, or over
			     * https on 443 */
	HB_FOLLOW_ANY,      /* "any": any host and port */
};

struct hb_check {
	char *name;
	char *kind;   /* "http", "tcp", ... */
	char *target; /* what the reports show: URL without credentials, host:port */
	bool optional;
	int64_t timeout_ms;
	struct hb_retry retry;

	/* http (and the URL of postgres, mysql and redis) */
	char *url;
	char *method;
	struct hb_header *headers;
	size_t n_headers;
	char *body;
	enum hb_follow follow_redirects;
	bool insecure;    /* skip certificate verification: only when asked */
	char *ca_file;
	char *cert_file;
	char *key_file;
	int min_cert_days; /* 0: not checked */
	/* The spec's "proxy": NULL when not given (the environment's), ""
	 * for none. What the agent made of it and of the environment
	 * (agent/spec_proxy.c), read through core/proxy.h: the proxy of
	 * plain http and of https requests (NULL: none), the variable each
	 * came from (a static string), and no_proxy. */
	char *proxy;
	char *http_proxy;
	char *https_proxy;
	char *no_proxy;
	const char *http_proxy_from;
	const char *https_proxy_from;
	/* tcp */
	char *address;     /* host:port, [v6]:port */
	char *send;        /* payload written after connecting */
	/* dns */
	char *host;        /* the name to resolve: "host", or "name" when the
			    * check has no "host" (see parse_check) */
	int family;        /* 0 any, 4, 6 (dns and tcp) */
	/* postgres, mysql, redis */
	char *user;
	char *password;
	/* A credential given as a file ("password_file") is not read into
	 * the spec: its path stays here, and the check's own child reads it
	 * (hb_check_read_secrets, runner/secrets.c). So no check's child, and
	 * not the agent, holds another check's password. */
	char *password_file;
	char *database;
	char *query;       /* postgres, mysql */
	char *command;     /* redis */
	/* exec --wait-for and the like set no extra fields */

	struct hb_expect expect;
};

/* Whether status code is accepted by e (a 2xx default when none was set). */
bool hb_expect_status_ok(const struct hb_expect *e, long status);

#endif
