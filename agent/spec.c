/* SPDX-License-Identifier: MIT */
/* The spec parser: JSON text in, struct hb_spec out, and no I/O on the way. */
#include "spec.h"
#include "spec_int.h"

#include "addr.h"
#include "strutil.h"
#include "suggest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static unsigned kind_bit(const char *kind)
{
	const struct hb_kind *k = hb_kind_find(kind);
	return k ? 1u << k->id : 0;
}

/* Messages ------------------------------------------------------------- */

int spec_fail(struct parser *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->path.len)
		snprintf(p->err->msg, sizeof(p->err->msg), "%s: %.*s: %s",
			 p->source, (int)p->path.len, p->path.s, msg);
	else
		snprintf(p->err->msg, sizeof(p->err->msg), "%s: %s", p->source,
			 msg);
	return -1;
}

int spec_fail_oom(struct parser *p)
{
	return spec_fail(p, "out of memory");
}

/* A user's value, on one line and short, to quote in a message. Never used
 * for URLs, passwords or file contents: those may hold secrets. */
const char *spec_shown(char *dst, size_t size, const char *s)
{
	hb_oneline(dst, size, s);
	return dst;
}

static bool plain_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return false;
	return true;
}

static void path_advance(struct path *pa, int n)
{
	if (n > 0)
		pa->len += (size_t)n;
	if (pa->len >= sizeof(pa->s))
		pa->len = sizeof(pa->s) - 1;
}

/* Appends ".key", or ["key"] when the key is no identifier (a header name,
 * a dotted JSON path); returns the length to pop back to. */
size_t spec_path_key(struct path *pa, const char *key)
{
	size_t old = pa->len;
	char k[72];
	hb_oneline(k, sizeof(k), key);
	int n;
	if (plain_key(key))
		n = snprintf(pa->s + pa->len, sizeof(pa->s) - pa->len, "%s%s",
			     pa->len ? "." : "", k);
	else
		n = snprintf(pa->s + pa->len, sizeof(pa->s) - pa->len,
			     "[\"%s\"]", k);
	path_advance(pa, n);
	return old;
}

size_t spec_path_index(struct path *pa, size_t i)
{
	size_t old = pa->len;
	path_advance(pa, snprintf(pa->s + pa->len, sizeof(pa->s) - pa->len,
				  "[%zu]", i));
	return old;
}

void spec_path_pop(struct path *pa, size_t old)
{
	pa->len = old;
	pa->s[old] = '\0';
}

/* Reports the key at the end of the path as unknown, with a suggestion. */
int spec_unknown_key(struct parser *p, const char *key,
		       const char *const *cands, size_t n)
{
	const char *best = hb_closest(key, cands, n);
	if (best)
		return spec_fail(p, "unknown key (did you mean \"%s\"?)", best);
	return spec_fail(p, "unknown key");
}

/* Tables of keys -------------------------------------------------------- */

enum field_type {
	T_STRING, /* a string: may be "<key>_file" when from_file */
	T_BOOL,
	T_REGEX,  /* a string that must compile as a PCRE2 pattern */
	T_TEXT,   /* a non-empty string: text to look for as it is */
	T_SPECIAL,
};

enum field_id {
	F_PLAIN,
	F_ADDRESSES,
	F_AFTER,
	F_COLUMN,
	F_EXPECT,
	F_FAMILY,
	F_FOLLOW,
	F_HEADERS,
	F_HOST,
	F_JQ,
	F_JSON,
	F_KIND,
	F_MAX_LATENCY,
	F_METHOD,
	F_MIN_ADDRESSES,
	F_MIN_CERT_DAYS,
	F_NAME,
	F_PROXY,
	F_RETRY,
	F_RETRY_ON,
	F_ROW,
	F_ROWS,
	F_STATUS,
	F_TIMEOUT,
	F_WAIT,
};

struct field {
	const char *key;
	unsigned kinds;
	enum field_type type;
	bool from_file;
	enum field_id id;
	size_t offset; /* of the member, in hb_check or hb_expect */
};

#define CF(m) offsetof(struct hb_check, m)
#define EF(m) offsetof(struct hb_expect, m)

/* Sorted by key. Paths (ca_file...) are read by the driver, so they take no
 * "_file" of their own; neither do names, kinds or regexes, which the
 * parser must see to check. */
static const struct field check_fields[] = {
	{ "address", HB_K_TCP | HB_K_GRPC, T_STRING, true, F_PLAIN, CF(address) },
	{ "after", HB_K_ALL, T_SPECIAL, false, F_AFTER, 0 },
	{ "bearer_token", HB_K_HTTP, T_STRING, true, F_PLAIN, CF(bearer_token) },
	{ "body", HB_K_HTTP, T_STRING, true, F_PLAIN, CF(body) },
	{ "ca_file", HB_K_HTTP | HB_K_GRPC | HB_K_K8S, T_STRING, false, F_PLAIN, CF(ca_file) },
	{ "cert_file", HB_K_HTTP | HB_K_GRPC, T_STRING, false, F_PLAIN, CF(cert_file) },
	{ "command", HB_K_RE, T_STRING, true, F_PLAIN, CF(command) },
	{ "condition", HB_K_K8S, T_STRING, false, F_PLAIN, CF(condition) },
	{ "database", HB_K_DB, T_STRING, true, F_PLAIN, CF(database) },
	{ "expect", HB_K_ALL, T_SPECIAL, false, F_EXPECT, 0 },
	{ "family", HB_K_TCP | HB_K_DNS, T_SPECIAL, false, F_FAMILY, 0 },
	{ "follow_redirects", HB_K_HTTP, T_SPECIAL, false, F_FOLLOW, 0 },
	{ "headers", HB_K_HTTP, T_SPECIAL, false, F_HEADERS, 0 },
	{ "host", HB_K_DNS, T_STRING, true, F_HOST, CF(host) },
	{ "insecure", HB_K_HTTP | HB_K_GRPC, T_BOOL, false, F_PLAIN, CF(insecure) },
	{ "jq", HB_K_K8S, T_SPECIAL, false, F_JQ, 0 },
	{ "key_file", HB_K_HTTP | HB_K_GRPC, T_STRING, false, F_PLAIN, CF(key_file) },
	{ "kind", HB_K_ALL, T_SPECIAL, false, F_KIND, 0 },
	{ "method", HB_K_HTTP, T_SPECIAL, false, F_METHOD, 0 },
	{ "min_cert_days", HB_K_HTTP, T_SPECIAL, false, F_MIN_CERT_DAYS, 0 },
	{ "name", HB_K_ALL, T_SPECIAL, false, F_NAME, 0 },
	{ "namespace", HB_K_K8S, T_STRING, false, F_PLAIN, CF(k8s_namespace) },
	{ "object", HB_K_K8S, T_STRING, false, F_PLAIN, CF(object) },
	{ "optional", HB_K_ALL, T_BOOL, false, F_PLAIN, CF(optional) },
	{ "password", HB_K_DB | HB_K_HTTP, T_STRING, true, F_PLAIN, CF(password) },
	{ "proxy", HB_K_HTTP, T_SPECIAL, false, F_PROXY, 0 },
	{ "query", HB_K_PG | HB_K_MY, T_STRING, true, F_PLAIN, CF(query) },
	{ "ready", HB_K_DB, T_BOOL, false, F_PLAIN, CF(ready) },
	{ "retry", HB_K_ALL, T_SPECIAL, false, F_RETRY, 0 },
	{ "retry_on", HB_K_ALL, T_SPECIAL, false, F_RETRY_ON, 0 },
	{ "rollout", HB_K_K8S, T_BOOL, false, F_PLAIN, CF(rollout) },
	{ "send", HB_K_TCP, T_STRING, true, F_PLAIN, CF(send) },
	{ "server", HB_K_K8S, T_STRING, false, F_PLAIN, CF(server) },
	{ "server_name", HB_K_GRPC, T_STRING, false, F_PLAIN, CF(server_name) },
	{ "service", HB_K_GRPC, T_STRING, false, F_PLAIN, CF(service) },
	{ "timeout", HB_K_ALL, T_SPECIAL, false, F_TIMEOUT, 0 },
	{ "tls", HB_K_GRPC, T_BOOL, false, F_PLAIN, CF(tls) },
	{ "token", HB_K_K8S, T_STRING, true, F_PLAIN, CF(bearer_token) },
	{ "url", HB_K_HTTP | HB_K_DB, T_STRING, true, F_PLAIN, CF(url) },
	{ "user", HB_K_DB | HB_K_HTTP, T_STRING, true, F_PLAIN, CF(user) },
	{ "wait", HB_K_ALL, T_SPECIAL, false, F_WAIT, 0 },
};

static const struct field expect_fields[] = {
	{ "addresses", HB_K_DNS, T_SPECIAL, false, F_ADDRESSES, 0 },
	{ "body", HB_K_HTTP, T_REGEX, false, F_PLAIN, EF(body) },
	{ "column", HB_K_PG | HB_K_MY, T_SPECIAL, false, F_COLUMN, 0 },
	{ "contains", HB_K_HTTP, T_TEXT, true, F_PLAIN, EF(contains) },
	{ "jq", HB_K_HTTP, T_SPECIAL, false, F_JQ, EF(jq) },
	{ "json", HB_K_HTTP, T_SPECIAL, false, F_JSON, 0 },
	{ "max_latency", HB_K_HTTP, T_SPECIAL, false, F_MAX_LATENCY, 0 },
	{ "min_addresses", HB_K_DNS, T_SPECIAL, false, F_MIN_ADDRESSES, 0 },
	{ "pattern", HB_K_DB, T_REGEX, false, F_PLAIN, EF(pattern) },
	{ "reply", HB_K_TCP, T_REGEX, false, F_PLAIN, EF(reply) },
	{ "reply_contains", HB_K_TCP, T_TEXT, true, F_PLAIN, EF(reply_contains) },
	{ "row", HB_K_DB, T_SPECIAL, false, F_ROW, 0 },
	{ "rows", HB_K_DB, T_SPECIAL, false, F_ROWS, 0 },
	{ "status", HB_K_HTTP, T_SPECIAL, false, F_STATUS, 0 },
	{ "value", HB_K_DB, T_STRING, true, F_PLAIN, EF(value) },
};

_Static_assert(HB_ARRAY_SIZE(check_fields) <= 64, "seen is a uint64_t");

static const struct field *find_field(const struct field *t, size_t n,
				      const char *key, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].key) == len && strncmp(t[i].key, key, len) == 0)
			return &t[i];
	return NULL;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Looks up key (at the end of the path) in a table for the current kind,
 * "<key>_file" included; reports what is wrong with it. */
static const struct field *lookup(struct parser *p, const struct field *t,
				  size_t n, const char *key, bool *file)
{
	const struct field *f = find_field(t, n, key, strlen(key));
	*file = false;
	if (!f && has_suffix(key, "_file")) {
		f = find_field(t, n, key, strlen(key) - strlen("_file"));
		if (f && (f->kinds & p->kind) && !f->from_file) {
			spec_fail(p, "\"%s\" cannot come from a file%s", f->key,
				  f->id == F_NAME && p->kind == HB_K_DNS
				     ? " (the name to resolve can: \"host_file\")"
				     : "");
			return NULL;
		}
		*file = f != NULL;
	}
	if (f && !(f->kinds & p->kind)) {
		char kinds[64];
		hb_kind_list(kinds, sizeof(kinds), f->kinds);
		spec_fail(p, "not valid for kind \"%s\" (only for %s)",
			  p->check->kind, kinds);
		return NULL;
	}
	if (!f) {
		const char *cands[64];
		size_t nc = 0;
		for (size_t i = 0; i < n && nc < HB_ARRAY_SIZE(cands); i++)
			if (t[i].kinds & p->kind)
				cands[nc++] = t[i].key;
		spec_unknown_key(p, key, cands, nc);
	}
	return f;
}

/* Records "<key>_file": the path now, the contents when resolved. */
static int add_file(struct parser *p, const cJSON *v, char **field)
{
	char *path = NULL;
	if (spec_take_string(p, v, &path) < 0)
		return -1;
	if (!*path) {
		free(path);
		return spec_fail(p, "expected a file path");
	}
	return spec_add_file(p, path, field);
}

int spec_add_file(struct parser *p, char *path, char **field)
{
	struct hb_spec *s = p->spec;
	if ((s->n_files & (s->n_files - 1)) == 0) {
		size_t want = s->n_files ? s->n_files * 2 : 4;
		void *f = realloc(s->files, want * sizeof(*s->files));
		if (!f) {
			free(path);
			return spec_fail_oom(p);
		}
		s->files = f;
	}
	char *where = strdup(p->path.s);
	if (!where) {
		free(path);
		return spec_fail_oom(p);
	}
	/* The credentials: read by the check's own child, not here. */
	char **secret_path = field == &p->check->password
				     ? &p->check->password_file
			     : field == &p->check->bearer_token
				     ? &p->check->bearer_token_file
				     : NULL;
	bool secret = secret_path != NULL;
	if (secret) {
		free(*secret_path);
		if (!(*secret_path = strdup(path))) {
			free(path);
			free(where);
			return spec_fail_oom(p);
		}
	}
	s->files[s->n_files++] = (struct hb_file_ref){
		.field = field,
		.path = path,
		.where = where,
		.check = p->index,
		.secret = secret,
	};
	free(*field);
	*field = NULL;
	return 0;
}

/* Checks ----------------------------------------------------------------- */

static int parse_expect(struct parser *p, const cJSON *v, struct hb_check *c);

static int parse_special(struct parser *p, const struct field *f,
			 const cJSON *v, struct hb_check *c)
{
	long long n = 0;
	switch (f->id) {
	case F_ADDRESSES:
		return spec_parse_addresses(p, v, &c->expect);
	case F_COLUMN:
		return spec_parse_column(p, v, &c->expect);
	case F_EXPECT:
		return parse_expect(p, v, c);
	case F_FAMILY:
		return spec_parse_family(p, v, &c->family);
	case F_FOLLOW:
		return spec_parse_follow(p, v, &c->follow_redirects);
	case F_HEADERS:
		return spec_parse_headers(p, v, c);
	case F_JQ:
		return spec_parse_jq(p, v, &c->expect.jq);
	case F_JSON:
		return spec_parse_json_expect(p, v, &c->expect);
	case F_MAX_LATENCY:
		return spec_take_duration(p, v, false, &c->expect.max_latency_ms);
	case F_METHOD:
		return spec_parse_method(p, v, c);
	case F_MIN_ADDRESSES:
		if (spec_take_int(p, v, 1, 1000, &n) < 0)
			return -1;
		c->expect.min_addresses = (int)n;
		return 0;
	case F_MIN_CERT_DAYS:
		if (spec_take_int(p, v, 0, 36500, &n) < 0)
			return -1;
		c->min_cert_days = (int)n;
		return 0;
	case F_NAME:
		if (spec_take_string(p, v, &c->name) < 0)
			return -1;
		if (!*c->name)
			return spec_fail(p, "expected a non-empty name");
		if (spec_has_space_or_control(c->name, true))
			return spec_fail(p, "a name cannot contain control "
				       "characters");
		/* JSON text is UTF-8, but cJSON passes any byte through. A
		 * name is how the collector tells a hook's checks apart: one
		 * repaired on its way into the report (U+FFFD) could stand for
		 * another. */
		if (!hb_utf8_valid(c->name, strlen(c->name)))
			return spec_fail(p, "a name must be valid UTF-8");
		return 0;
	case F_AFTER:
		return spec_parse_after(p, v, c);
	case F_PROXY:
		return spec_parse_proxy(p, v, c);
	case F_RETRY:
		return spec_parse_retry(p, v, &c->retry);
	case F_RETRY_ON:
		return spec_parse_retry_on(p, v, &c->retry.retry_on);
	case F_ROW:
		if (spec_take_int(p, v, 0, MAX_JSON_INT, &n) < 0)
			return -1;
		c->expect.row = n;
		return 0;
	case F_ROWS:
		if (spec_take_int(p, v, 0, MAX_JSON_INT, &n) < 0)
			return -1;
		c->expect.rows = n;
		return 0;
	case F_STATUS:
		return spec_parse_status(p, v, &c->expect);
	case F_TIMEOUT:
		return spec_take_duration(p, v, true, &c->timeout_ms);
	case F_WAIT:
		return spec_take_duration(p, v, false, &c->retry.wait_ms);
	case F_KIND: /* read before the others */
	case F_HOST:
	case F_PLAIN:
		break;
	}
	return 0;
}

/* One value of a table-driven object: c's field f, or f's "_file". */
static int parse_field(struct parser *p, const struct field *f, bool file,
		       const cJSON *v, struct hb_check *c, char *base)
{
	char **str = (char **)(void *)(base + f->offset);
	if (file)
		return add_file(p, v, str);
	switch (f->type) {
	case T_STRING:
		if (spec_take_string(p, v, str) < 0)
			return -1;
		if (str == p->need)
			p->need_unknown = p->unknown;
		return 0;
	case T_BOOL:
		return spec_take_bool(p, v, (bool *)(void *)(base + f->offset));
	case T_REGEX:
		/* Each regex field has its literal twin. */
		return spec_take_regex(p, v, str,
				       f->offset == EF(body)    ? "contains"
				       : f->offset == EF(reply) ? "reply_contains"
								: NULL);
	case T_TEXT:
		if (spec_take_string(p, v, str) < 0)
			return -1;
		if (!**str)
			return spec_fail(p, "expected non-empty text to look "
					 "for");
		return 0;
	case T_SPECIAL:
		return parse_special(p, f, v, c);
	}
	return 0;
}

/* Walks an object against a table: unknown keys, keys of other kinds, a
 * key given twice and a key given both inline and as "_file" are errors.
 * name_is_host: the how-manieth "name" means dns's "host" (see below). */
static int parse_table(struct parser *p, const cJSON *o,
		       const struct field *t, size_t n, char *base,
		       int name_is_host)
{
	uint64_t seen = 0, seen_file = 0;
	int names = 0;
	for (const cJSON *it = o->child; it; it = it->next) {
		const char *key = it->string;
		size_t old = spec_path_key(&p->path, key);
		bool file = false;
		const struct field *f;
		if (t == check_fields && strcmp(key, "name") == 0 &&
		    ++names == name_is_host)
			f = find_field(t, n, "host", 4);
		else
			f = lookup(p, t, n, key, &file);
		int rc = f ? 0 : -1;
		uint64_t bit = f ? 1ull << (f - t) : 0;
		if (rc == 0 && f->id == F_KIND)
			goto next;
		if (rc == 0 && (seen & bit)) {
			if (file || (seen_file & bit))
				rc = spec_fail(p, "\"%s\" and \"%s_file\" are both "
					     "given: use one of them",
					  f->key, f->key);
			else
				rc = spec_fail(p, "duplicate key");
		}
		seen |= bit;
		if (file)
			seen_file |= bit;
		if (rc == 0)
			rc = parse_field(p, f, file, it, p->check, base);
next:
		spec_path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int parse_expect(struct parser *p, const cJSON *v, struct hb_check *c)
{
	if (!cJSON_IsObject(v))
		return spec_fail(p, "expected an object");
	return parse_table(p, v, expect_fields, HB_ARRAY_SIZE(expect_fields),
			   (char *)&c->expect, 0);
}

static int parse_kind(struct parser *p, const cJSON *o, struct hb_check *c)
{
	const cJSON *kind = NULL;
	for (const cJSON *it = o->child; it; it = it->next) {
		if (strcmp(it->string, "kind") != 0)
			continue;
		if (kind) {
			size_t old = spec_path_key(&p->path, "kind");
			spec_fail(p, "duplicate key");
			spec_path_pop(&p->path, old);
			return -1;
		}
		kind = it;
	}
	char all[128];
	hb_kind_list(all, sizeof(all), HB_K_ALL);
	if (!kind)
		return spec_fail(p, "missing \"kind\" (one of %s)", all);
	size_t old = spec_path_key(&p->path, "kind");
	int rc = spec_take_string(p, kind, &c->kind);
	if (rc == 0 && !(p->kind = kind_bit(c->kind))) {
		char q[40];
		const char *names[HB_KIND_COUNT];
		for (size_t i = 0; i < HB_KIND_COUNT; i++)
			names[i] = hb_kinds[i].name;
		const char *best = hb_closest(c->kind, names, HB_KIND_COUNT);
		if (best)
			rc = spec_fail(p, "unknown kind \"%s\" (did you mean \"%s\"?)",
				       spec_shown(q, sizeof(q), c->kind), best);
		else
			rc = spec_fail(p, "unknown kind \"%s\" (one of %s)",
				       spec_shown(q, sizeof(q), c->kind), all);
	}
	spec_path_pop(&p->path, old);
	return rc;
}

static bool is_file_field(const struct hb_spec *s, size_t check,
			  char *const *field)
{
	for (size_t i = 0; i < s->n_files; i++)
		if (s->files[i].check == check && s->files[i].field == field)
			return true;
	return false;
}

static int parse_check(struct parser *p, const cJSON *o)
{
	struct hb_check *c = p->check;
	c->timeout_ms = p->timeout_ms;
	c->retry = p->retry;
	c->expect.rows = -1;
	if (!cJSON_IsObject(o))
		return spec_fail(p, "expected an object");
	/* The kind decides which keys are valid, so it comes first. */
	if (parse_kind(p, o, c) < 0)
		return -1;

	/* A dns check's "name" is the name to resolve, which leaves no key
	 * for the check's own name. The documented form writes "name" twice:
	 * the first is the check's, the second the one to resolve. Tools that
	 * cannot write a key twice (YAML, jq, Helm's toJson) use "host". */
	int name_is_host = 0;
	if (p->kind == HB_K_DNS && !spec_has_key(o, "host") && !spec_has_key(o, "host_file")) {
		int names = 0;
		for (const cJSON *it = o->child; it; it = it->next)
			names += strcmp(it->string, "name") == 0;
		name_is_host = names >= 2 ? 2 : 1;
	}
	/* What each kind cannot do without. */
	char **need = p->kind & (HB_K_TCP | HB_K_GRPC) ? &c->address
		      : p->kind == HB_K_DNS ? &c->host
		      : p->kind == HB_K_K8S ? &c->object
					 : &c->url;
	p->need = need;
	p->need_unknown = false;
	if (parse_table(p, o, check_fields, HB_ARRAY_SIZE(check_fields),
			(char *)c, name_is_host) < 0)
		return -1;
	if (c->ready && spec_ready_alone(p, o) < 0)
		return -1;
	/* A selection with nothing to compare would check nothing, and a
	 * misspelt column would go unnoticed. */
	if ((c->expect.column || c->expect.column_index || c->expect.row) &&
	    !c->expect.value && !c->expect.pattern &&
	    !is_file_field(p->spec, p->index, &c->expect.value)) {
		spec_path_key(&p->path, "expect");
		spec_path_key(&p->path, c->expect.row && !c->expect.column &&
					!c->expect.column_index ? "row" : "column");
		return spec_fail(p, "selects the value that \"value\" or "
				 "\"pattern\" compares: give one of them");
	}

	const char *need_key = p->kind & (HB_K_TCP | HB_K_GRPC) ? "address"
			       : p->kind == HB_K_K8S ? "object"
			       : p->kind != HB_K_DNS ? "url"
			       : spec_has_key(o, "host") ? "host"
						    : "name";
	if (!*need && !is_file_field(p->spec, p->index, need))
		return spec_fail(p, "missing \"%s\" (a %s check needs one)", need_key,
				 c->kind);
	/* --no-env: "${DB_URL}" is whatever the pod's environment holds. */
	if (!p->need_unknown && spec_default_scheme(c, p->kind) < 0)
		return spec_fail_oom(p);
	char whybuf[320];
	const char *why = p->need_unknown ? NULL
			  : spec_target_field_problem(c, p->kind, need, whybuf,
						      sizeof(whybuf));
	if (why) {
		spec_path_key(&p->path, need_key);
		return spec_fail(p, "%s", why);
	}
	if (spec_set_target(c, p->kind) < 0)
		return spec_fail_oom(p);
	if (p->kind == HB_K_HTTP && spec_http_credentials(p, o, c) < 0)
		return -1;
	if (p->kind == HB_K_K8S && spec_k8s_check(p, o, c) < 0)
		return -1;
	if (p->kind == HB_K_GRPC && spec_grpc_rules(p, o, c) < 0)
		return -1;
	/* A body is POSTed unless the check names another method, as curl's
	 * --data does (the driver sends the method given, GET included). */
	bool has_body = c->body || is_file_field(p->spec, p->index, &c->body);
	if (p->kind == HB_K_HTTP && !c->method &&
	    !(c->method = strdup(has_body ? "POST" : "GET")))
		return spec_fail_oom(p);
	if (!c->name) {
		char name[32];
		snprintf(name, sizeof(name), "%s-%zu", c->kind, p->index);
		if (!(c->name = strdup(name)))
			return spec_fail_oom(p);
	}
	return 0;
}

static int parse_defaults(struct parser *p, const cJSON *v)
{
	static const char *const keys[] = { "retry", "retry_on", "timeout",
					    "wait" };
	if (!cJSON_IsObject(v))
		return spec_fail(p, "expected an object");
	if (spec_no_duplicate_keys(p, v) < 0)
		return -1;
	for (const cJSON *it = v->child; it; it = it->next) {
		size_t old = spec_path_key(&p->path, it->string);
		int rc;
		if (strcmp(it->string, "timeout") == 0)
			rc = spec_take_duration(p, it, true, &p->timeout_ms);
		else if (strcmp(it->string, "wait") == 0)
			rc = spec_take_duration(p, it, false, &p->retry.wait_ms);
		else if (strcmp(it->string, "retry") == 0)
			rc = spec_parse_retry(p, it, &p->retry);
		else if (strcmp(it->string, "retry_on") == 0)
			rc = spec_parse_retry_on(p, it, &p->retry.retry_on);
		else
			rc = spec_unknown_key(p, it->string, keys,
					      HB_ARRAY_SIZE(keys));
		spec_path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct hb_check *x = *(const struct hb_check *const *)a;
	const struct hb_check *y = *(const struct hb_check *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x < y ? -1 : x > y);
}

/* Reports and results name checks, so two alike would be ambiguous: the
 * first check that reuses a name is the error. */
static int unique_names(struct parser *p)
{
	struct hb_spec *s = p->spec;
	struct hb_check **v = malloc(s->n_checks * sizeof(*v));
	if (!v)
		return spec_fail_oom(p);
	for (size_t i = 0; i < s->n_checks; i++)
		v[i] = &s->checks[i];
	qsort(v, s->n_checks, sizeof(*v), by_name);
	size_t dup = SIZE_MAX, orig = 0;
	for (size_t i = 1; i < s->n_checks; i++) {
		if (strcmp(v[i - 1]->name, v[i]->name) != 0)
			continue;
		/* The first of a run of equal names is the original. */
		size_t first = i - 1;
		while (first > 0 && strcmp(v[first - 1]->name, v[i]->name) == 0)
			first--;
		size_t at = (size_t)(v[i] - s->checks);
		if (at < dup) {
			dup = at;
			orig = (size_t)(v[first] - s->checks);
		}
	}
	free(v);
	if (dup == SIZE_MAX)
		return 0;
	char q[72];
	spec_path_key(&p->path, "checks");
	spec_path_index(&p->path, dup);
	spec_path_key(&p->path, "name");
	return spec_fail(p, "\"%s\" is already the name of checks[%zu]",
			 spec_shown(q, sizeof(q), s->checks[dup].name), orig);
}

/* Line and column (in characters, from 1) of a byte offset. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static cJSON *parse_json(struct parser *p, const char *buf, size_t len)
{
	size_t line, col;
	char *text = malloc(len + 1);
	if (!text) {
		spec_fail_oom(p);
		return NULL;
	}
	if (len)
		memcpy(text, buf, len);
	text[len] = '\0';
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		line_col(text, (size_t)(nul - text), &line, &col);
		snprintf(p->err->msg, sizeof(p->err->msg),
			 "%s:%zu:%zu: a NUL byte (is this a JSON file?)",
			 p->source, line, col);
		free(text);
		return NULL;
	}
	if (strspn(text, " \t\r\n") == len) {
		spec_fail(p, "the spec is empty (expected {\"checks\": [...]})");
		free(text);
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (!root) {
		size_t off = end && end >= text && end <= text + len
				     ? (size_t)(end - text)
				     : len;
		/* cJSON points just past the problem, at worst at the end:
		 * back up to the last thing the user wrote. */
		while (off > 0 && (off >= len || strchr(" \t\r\n", text[off])))
			off--;
		char near[24];
		hb_oneline(near, sizeof(near), text + off);
		line_col(text, off, &line, &col);
		snprintf(p->err->msg, sizeof(p->err->msg),
			 "%s:%zu:%zu: invalid JSON near \"%s\"", p->source, line,
			 col, near);
	}
	free(text);
	return root;
}

struct hb_spec *hb_spec_parse(const char *buf, size_t len, const char *source,
			      hb_getenv_fn getenv_fn, struct hb_spec_error *err)
{
	struct parser p = {
		.source = source ? source : "spec",
		.getenv_fn = getenv_fn,
		.err = err,
		.timeout_ms = 5000,
		.retry = { .attempts = 1, .interval_ms = 1000, .backoff = 1.0 },
	};
	err->msg[0] = '\0';
	if (len > HB_SPEC_MAX_BYTES) {
		spec_fail(&p, "larger than %u MiB", HB_SPEC_MAX_BYTES >> 20);
		return NULL;
	}
	cJSON *root = parse_json(&p, buf ? buf : "", buf ? len : 0);
	if (!root)
		return NULL;
	struct hb_spec *s = p.spec = calloc(1, sizeof(*s));
	if (!s || !(s->source = strdup(p.source))) {
		spec_fail_oom(&p);
		goto fail;
	}
	if (!cJSON_IsObject(root)) {
		spec_fail(&p, "expected an object like {\"checks\": [...]} at the top "
			 "level");
		goto fail;
	}
	if (spec_no_duplicate_keys(&p, root) < 0)
		goto fail;
	const cJSON *defaults = NULL, *checks = NULL;
	for (const cJSON *it = root->child; it; it = it->next) {
		static const char *const keys[] = { "checks", "defaults" };
		if (strcmp(it->string, "defaults") == 0) {
			defaults = it;
		} else if (strcmp(it->string, "checks") == 0) {
			checks = it;
		} else {
			spec_path_key(&p.path, it->string);
			spec_unknown_key(&p, it->string, keys, HB_ARRAY_SIZE(keys));
			goto fail;
		}
	}
	if (defaults) {
		spec_path_key(&p.path, "defaults");
		if (parse_defaults(&p, defaults) < 0)
			goto fail;
		spec_path_pop(&p.path, 0);
	}
	if (!checks) {
		spec_fail(&p, "missing \"checks\" (an array of the checks to run)");
		goto fail;
	}
	spec_path_key(&p.path, "checks");
	int n = cJSON_GetArraySize(checks);
	if (!cJSON_IsArray(checks) || n == 0) {
		spec_fail(&p, "expected a non-empty array of checks");
		goto fail;
	}
	if (n > HB_SPEC_MAX_CHECKS) {
		spec_fail(&p, "at most %d checks, got %d", HB_SPEC_MAX_CHECKS, n);
		goto fail;
	}
	if (!(s->checks = calloc((size_t)n, sizeof(*s->checks)))) {
		spec_fail_oom(&p);
		goto fail;
	}
	s->n_checks = (size_t)n;
	size_t i = 0;
	for (const cJSON *it = checks->child; it; it = it->next, i++) {
		size_t old = spec_path_index(&p.path, i);
		p.check = &s->checks[i];
		p.index = i;
		p.kind = 0;
		if (parse_check(&p, it) < 0)
			goto fail;
		spec_path_pop(&p.path, old);
	}
	spec_path_pop(&p.path, 0);
	if (unique_names(&p) < 0 || spec_resolve_after(&p) < 0)
		goto fail;
	cJSON_Delete(root);
	return s;
fail:
	cJSON_Delete(root);
	hb_spec_free(s);
	return NULL;
}

int hb_spec_file_loaded(struct hb_spec *s, const struct hb_file_ref *f,
			struct hb_spec_error *err)
{
	if (f->check >= s->n_checks)
		return 0;
	struct hb_check *c = &s->checks[f->check];
	unsigned kind = kind_bit(c->kind);
	if (f->field == &c->url && spec_default_scheme(c, kind) < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s: out of memory",
			 s->source, f->where);
		return -1;
	}
	char whybuf[320];
	const char *why = spec_target_field_problem(c, kind, f->field, whybuf,
						    sizeof(whybuf));
	if (why) {
		char q[128];
		snprintf(err->msg, sizeof(err->msg), "%s: %s: in \"%s\": %s",
			 s->source, f->where, spec_shown(q, sizeof(q), f->path), why);
		return -1;
	}
	if (spec_set_target(c, kind) < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s: out of memory",
			 s->source, f->where);
		return -1;
	}
	return 0;
}

static void expect_release(struct hb_expect *e)
{
	free(e->body);
	free(e->contains);
	free(e->jq);
	for (size_t i = 0; i < e->n_json; i++) {
		free(e->json[i].path);
		free(e->json[i].value);
	}
	free(e->json);
	free(e->reply);
	free(e->reply_contains);
	for (size_t i = 0; i < e->n_addresses; i++)
		free(e->addresses[i]);
	free(e->addresses);
	free(e->value);
	free(e->pattern);
	free(e->column);
}

static void check_release(struct hb_check *c)
{
	free(c->name);
	for (size_t i = 0; i < c->n_after; i++)
		free(c->after[i]);
	free(c->after);
	free(c->after_index);
	free(c->kind);
	free(c->target);
	free(c->url);
	free(c->method);
	for (size_t i = 0; i < c->n_headers; i++) {
		free(c->headers[i].name);
		free(c->headers[i].value);
	}
	free(c->headers);
	free(c->body);
	free(c->ca_file);
	free(c->cert_file);
	free(c->key_file);
	hb_secret_free(c->bearer_token);
	free(c->bearer_token_file);
	free(c->proxy);
	free(c->http_proxy);
	free(c->https_proxy);
	free(c->no_proxy);
	free(c->address);
	free(c->send);
	free(c->host);
	free(c->user);
	/* The password is a secret: do not leave it in freed memory. */
	hb_secret_free(c->password);
	free(c->password_file);
	free(c->database);
	free(c->query);
	free(c->command);
	free(c->object);
	free(c->k8s_namespace);
	free(c->server);
	free(c->condition);
	free(c->service);
	free(c->server_name);
	expect_release(&c->expect);
}

void hb_spec_free(struct hb_spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_checks; i++)
		check_release(&s->checks[i]);
	free(s->checks);
	for (size_t i = 0; i < s->n_files; i++) {
		free(s->files[i].path);
		free(s->files[i].where);
	}
	free(s->files);
	free(s->source);
	free(s);
}
