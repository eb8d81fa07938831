/* SPDX-License-Identifier: MIT */
/* Rules across a check's fields, which no one field's parser can see: what
 * a ready check may not have, and where an http check's credentials come
 * from. */
#include "spec_int.h"

#include "addr.h"
#include "strutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool spec_has_key(const cJSON *o, const char *key)
{
	for (const cJSON *it = o->child; it; it = it->next)
		if (strcmp(it->string, key) == 0)
			return true;
	return false;
}

/* A ready check asks only whether the server accepts connections: what
 * would need a session (a query, a command, an expectation of their
 * answer) is an error at its key, not silently skipped. */
int spec_ready_alone(struct parser *p, const cJSON *o)
{
	static const char *const keys[] = { "query", "query_file", "command",
					    "command_file", "expect" };
	for (const cJSON *it = o->child; it; it = it->next)
		for (size_t i = 0; i < HB_ARRAY_SIZE(keys); i++) {
			if (strcmp(it->string, keys[i]) != 0)
				continue;
			spec_path_key(&p->path, it->string);
			return spec_fail(p, "a ready check runs no query or "
					 "command and expects nothing: it passes "
					 "when the server accepts connections "
					 "(drop \"ready\" to log in and %s)",
					 i < 4 ? "run it" : "compare its answer");
		}
	return 0;
}

/* "key" or "key_file", whichever o has; NULL when neither. */
static const char *given(const cJSON *o, const char *key, char *buf,
			 size_t size)
{
	if (spec_has_key(o, key))
		return key;
	snprintf(buf, size, "%s_file", key);
	return spec_has_key(o, buf) ? buf : NULL;
}

static int fail_at(struct parser *p, const char *key, const char *msg)
{
	spec_path_key(&p->path, key);
	return spec_fail(p, "%s", msg);
}

/* An http check's credentials: basic auth (user, password) or a bearer
 * token, each sent once, in one place. Their values are never quoted. */
int spec_http_credentials(struct parser *p, const cJSON *o,
			    const struct hb_check *c)
{
	char b1[32], b2[32], b3[32];
	const char *user = given(o, "user", b1, sizeof(b1));
	const char *password = given(o, "password", b2, sizeof(b2));
	const char *token = given(o, "bearer_token", b3, sizeof(b3));
	/* A URL's user name and a password_file, as the database kinds
	 * take them, would have libcurl choose between two sources: the
	 * user goes into "user". */
	if (password && !user)
		return fail_at(p, password,
			       c->url && hb_url_has_userinfo(c->url)
				       ? "a password needs \"user\": move the "
					 "URL's user name into \"user\""
				       : "a password needs \"user\" (basic auth "
					 "sends both)");
	if (c->user && (strchr(c->user, ':') ||
			spec_has_space_or_control(c->user, true)))
		return fail_at(p, user,
			       "a basic-auth user name cannot contain \":\" or "
			       "a control character");
	if (user && c->url && hb_url_has_userinfo(c->url))
		return fail_at(p, user,
			       "the URL has credentials too: give them in one "
			       "place");
	if (token && user)
		return fail_at(p, token,
			       "\"bearer_token\" and \"user\" would each send "
			       "an Authorization header: give one of them");
	if (c->bearer_token && (!*c->bearer_token ||
				spec_has_space_or_control(c->bearer_token,
							  false)))
		return fail_at(p, token,
			       "a bearer token is one word: not empty, no "
			       "space or control character");
	for (size_t i = 0; (user || token) && i < c->n_headers; i++)
		if (strcasecmp(c->headers[i].name, "Authorization") == 0) {
			spec_path_key(&p->path, "headers");
			return fail_at(p, c->headers[i].name,
				       user ? "\"user\" sets the Authorization "
					      "header too: give one of them"
					    : "\"bearer_token\" sets the "
					      "Authorization header too: give "
					      "one of them");
		}
	return 0;
}

/* A grpc check's TLS: any TLS setting means TLS ("tls" may be left out),
 * and contradicting "tls": false is an error at that setting, as is a
 * client key without its certificate. The service is sent as a protobuf
 * string, which gRPC servers take as UTF-8 only. */
int spec_grpc_rules(struct parser *p, const cJSON *o, struct hb_check *c)
{
	static const char *const tls_keys[] = { "ca_file", "cert_file",
						"key_file", "insecure",
						"server_name" };
	bool said_no = spec_has_key(o, "tls") && !c->tls;
	for (size_t i = 0; i < HB_ARRAY_SIZE(tls_keys); i++) {
		if (!spec_has_key(o, tls_keys[i]) ||
		    (i == 3 && !c->insecure))
			continue;
		if (said_no)
			return fail_at(p, tls_keys[i],
				       "a TLS setting, and \"tls\" is false: "
				       "drop one of them");
		c->tls = true;
	}
	if (c->key_file && !c->cert_file)
		return fail_at(p, "key_file",
			       "a client key needs its certificate "
			       "(\"cert_file\")");
	if (c->server_name && (!*c->server_name || strlen(c->server_name) > 253 ||
			       spec_has_space_or_control(c->server_name, false)))
		return fail_at(p, "server_name",
			       "expected a host name the server's certificate "
			       "names: not empty, at most 253 characters, no "
			       "space or control character");
	if (c->service && (strlen(c->service) > 1024 ||
			   spec_has_space_or_control(c->service, false) ||
			   !hb_utf8_valid(c->service, strlen(c->service))))
		return fail_at(p, "service",
			       "expected a service name like "
			       "\"grpc.health.v1.Health\": valid UTF-8, at most "
			       "1024 bytes, no space or control character");
	return 0;
}
