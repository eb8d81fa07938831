/* SPDX-License-Identifier: MIT */
/* The spec: the checks a run declares, parsed from JSON without any I/O.
 *
 *   struct hb_spec_error err;
 *   struct hb_spec *s = hb_spec_parse(buf, len, "spec.json", getenv, &err);
 *   if (!s) { fprintf(stderr, "%s\n", err.msg); exit 2; }
 *   if (hb_spec_resolve_files(s, &err) < 0) ...    reads the *_file fields
 *   ... run it ...
 *   hb_spec_free(s);
 *
 * Every error message names the source and the JSON path of what is wrong:
 * "spec.json: checks[2].expect.status: expected an integer or a class like
 * \"2xx\"".
 */
#ifndef HB_SPEC_H
#define HB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_SPEC_MAX_CHECKS 1000
#define HB_SPEC_MAX_BYTES (4u << 20)
#define HB_SPEC_MAX_FILE_BYTES (64u << 10) /* each "<field>_file" */

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

/* A "<field>_file" reference the parser saw: filled by hb_spec_resolve_files.
 * These string fields take one: url, body, send, address, host, user,
 * password, database, query, command and expect.value. Names, kinds, paths
 * (ca_file...) and regexes do not: the parser must see them. Until the file
 * is read the field is NULL and, for url, address and host, the target "".
 * A credential (secret: password) is only checked, never kept: its field
 * stays NULL and its path is the check's (password_file). */
struct hb_file_ref {
	char **field; /* where the file's contents go */
	char *path;
	char *where;  /* the JSON path, for errors */
	size_t check; /* the index of the check the field belongs to */
	bool secret;
};

struct hb_spec {
	struct hb_check *checks;
	size_t n_checks;
	struct hb_file_ref *files;
	size_t n_files;
	char *source; /* file name for messages */
};

struct hb_spec_error {
	char msg[512];
};

typedef const char *(*hb_getenv_fn)(const char *name);

/* Parses len bytes of JSON. source names the input in messages ("-" for
 * stdin). getenv_fn expands ${VAR} and ${VAR:-default}; NULL leaves them as
 * they are. Returns a spec the caller frees, or NULL with err filled in. */
struct hb_spec *hb_spec_parse(const char *buf, size_t len, const char *source,
			      hb_getenv_fn getenv_fn, struct hb_spec_error *err);
/* Reads every "<field>_file" into its field (a regular file, trailing
 * newline dropped, at most 64 KiB), checks a credential's file the same way
 * without keeping what it read, and refuses a ca_file, cert_file or key_file
 * that is there but not a regular file (the check would wait on a FIFO).
 * Returns 0, or -1 with err naming the JSON path and the file. */
int hb_spec_resolve_files(struct hb_spec *s, struct hb_spec_error *err);
void hb_spec_free(struct hb_spec *s);
/* For hb_spec_resolve_files: checks a field just read from a file the way
 * the parser checks one given inline (a URL's scheme, host:port) and sets
 * what derives from it (the target). Returns 0, or -1 with err filled in. */
int hb_spec_file_loaded(struct hb_spec *s, const struct hb_file_ref *f,
			struct hb_spec_error *err);

/* Whether status code is accepted by e (a 2xx default when none was set). */
bool hb_expect_status_ok(const struct hb_expect *e, long status);

/* The check kinds as bits, for tables of which keys and flags a kind takes. */
enum hb_kind_bits {
	HB_K_HTTP = 1 << 0,
	HB_K_TCP = 1 << 1,
	HB_K_DNS = 1 << 2,
	HB_K_PG = 1 << 3,
	HB_K_MY = 1 << 4,
	HB_K_RE = 1 << 5,
	HB_K_DB = HB_K_PG | HB_K_MY | HB_K_RE,
	HB_K_ALL = HB_K_HTTP | HB_K_TCP | HB_K_DNS | HB_K_DB,
};

/* The names of the check kinds the parser knows, NULL-terminated. */
extern const char *const hb_spec_kinds[];

#endif
