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

#include "check.h"
#include "kinds.h"

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
/* A getenv_fn for hb_spec_parse where no variable is set, and a value
 * using one without a default ("${DB_URL}") stays as written and passes
 * the checks that depend on what it holds (a URL's scheme, a duration, a
 * regex, an address): for checking a rendered spec outside its pod
 * (hookbox validate --no-env). Always returns NULL. */
const char *hb_spec_no_env(const char *name);
/* Reads every "<field>_file" into its field (a regular file, trailing
 * newline dropped, at most 64 KiB), checks a credential's file the same way
 * without keeping what it read, and refuses a ca_file, cert_file or key_file
 * that is there but not a regular file (the check would wait on a FIFO).
 * Returns 0, or -1 with err naming the JSON path and the file. */
int hb_spec_resolve_files(struct hb_spec *s, struct hb_spec_error *err);
/* Decides each http check's proxies, as curl would (core/proxy.h): the
 * check's "proxy" when given, else the environment's http_proxy (never
 * HTTP_PROXY, which a CGI request's "Proxy:" header can set), https_proxy
 * or HTTPS_PROXY, all_proxy or ALL_PROXY; and no_proxy or NO_PROXY.
 * Returns 0, or -1 with err naming the variable whose proxy URL is bad. */
int hb_spec_proxies(struct hb_spec *s, hb_getenv_fn getenv_fn,
		    struct hb_spec_error *err);
/* Gives each kubernetes check the URL of its object on its API server: the
 * check's "server", else the pod's KUBERNETES_SERVICE_HOST and _PORT, and
 * the namespace the check names, else the ServiceAccount's (read from its
 * file here). Returns 0, or -1 with err naming the check and what is
 * missing. */
int hb_spec_kubernetes(struct hb_spec *s, hb_getenv_fn getenv_fn,
		       struct hb_spec_error *err);
void hb_spec_free(struct hb_spec *s);
/* For hb_spec_resolve_files: checks a field just read from a file the way
 * the parser checks one given inline (a URL's scheme, host:port) and sets
 * what derives from it (the target). Returns 0, or -1 with err filled in. */
int hb_spec_file_loaded(struct hb_spec *s, const struct hb_file_ref *f,
			struct hb_spec_error *err);

#endif
