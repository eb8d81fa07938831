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
	/* Failure classes retried although time alone does not fix them
	 * ("retry_on"): bit 1 << enum hb_class. The others are always
	 * retried, those of hb_class_not_retried never unless set here. */
	uint32_t retry_on;
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
	char *body;                 /* PCRE2 regex on the body */
	char *contains;             /* text the body must contain */
	char *jq;                   /* jq expression on the body: must yield true */
	struct hb_json_expect *json;
	size_t n_json;
	int64_t max_latency_ms;     /* 0: none */
	/* tcp */
	char *reply;                /* regex the first reply must match */
	char *reply_contains;       /* ... or text it must contain */
	/* dns */
	int min_addresses;          /* 0: at least one */
	char **addresses;           /* each must be among the answers */
	size_t n_addresses;
	/* postgres, mysql, redis */
	char *value;                /* the selected value must equal this */
	char *pattern;              /* ... or match this regex */
	int64_t rows;               /* -1: not checked */
	/* Which value value and pattern compare: the one in row "row"
	 * (0-based; for redis the reply's element) and in the column named
	 * column (postgres, mysql), or when column is NULL the column_index'th
	 * (0-based). All unset: the first value. */
	char *column;
	int64_t column_index;
	int64_t row;
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
	/* "after": the checks this one starts after, by name, and their
	 * indices in the spec (set once every check is parsed). */
	char **after;
	size_t *after_index;
	size_t n_after;
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
	/* "Authorization: Bearer <token>", a ServiceAccount's token, say;
	 * given as "bearer_token_file", only its path is here and the
	 * check's own child reads it, as it does password_file. Basic auth
	 * takes user and password below. */
	char *bearer_token;
	char *bearer_token_file;
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
	/* postgres, mysql, redis; http's basic auth */
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
	/* Only whether the server accepts connections: an authentication or
	 * unknown-database answer counts as up (libpq's PQping rule), no
	 * query or command runs, and no credentials are needed. */
	bool ready;
	/* grpc: the service whose health is asked ("" the whole server),
	 * and TLS (ca_file, cert_file, key_file and insecure above, as
	 * http's), verifying server_name when given instead of the host. */
	char *service;
	char *server_name;
	bool tls;
	/* kubernetes: the object as written ("deploy/web"), its namespace
	 * ("" for a cluster-scoped one), the API server ("server"; NULL: the
	 * pod's KUBERNETES_SERVICE_HOST), and what must hold of it. The
	 * agent puts the object's API URL in url (agent/spec_k8s.c), the
	 * ServiceAccount's token file in bearer_token_file and its CA in
	 * ca_file; "jq" is expect.jq. */
	char *object;
	char *k8s_namespace;
	char *server;
	char *condition;   /* "Complete", "Ready=False" */
	bool rollout;
	/* exec --wait-for and the like set no extra fields */

	struct hb_expect expect;
	/* expect.jq compiled by the agent (kinds/jq_expect.h), which each
	 * child inherits; NULL: the child compiles it. */
	struct hb_jq *jq_compiled;
};

/* Whether status code is accepted by e (a 2xx default when none was set). */
bool hb_expect_status_ok(const struct hb_expect *e, long status);

#endif
