/* SPDX-License-Identifier: MIT */
/* The spec parser: JSON text in, struct hb_spec out, and no I/O on the way. */
#include "spec.h"

#include "addr.h"
#include "duration.h"
#include "expand.h"
#include "regex_guard.h"
#include "strutil.h"
#include "suggest.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* glibc compiles a regex into an automaton whose size grows with the
 * pattern; a cap keeps a typo from costing seconds at parse time. */
#define MAX_REGEX 4096
/* headers, expect.json and expect.addresses: duplicates are looked for
 * pairwise, so the lists stay short. */
#define MAX_LIST 100
/* The largest integer a JSON number (a double) holds exactly. */
#define MAX_JSON_INT (1LL << 53)


/* The JSON path of the value being parsed, "checks[2].expect.status". */
struct path {
	char s[256];
	size_t len;
};

struct parser {
	const char *source;
	hb_getenv_fn getenv_fn;
	struct hb_spec_error *err;
	struct hb_spec *spec;
	struct path path;
	/* What every check starts from ("defaults"). */
	int64_t timeout_ms;
	struct hb_retry retry;
	/* The check being parsed. */
	struct hb_check *check;
	size_t index;
	unsigned kind;
};

static unsigned kind_bit(const char *kind)
{
	const struct hb_kind *k = hb_kind_find(kind);
	return k ? 1u << k->id : 0;
}

/* Messages ------------------------------------------------------------- */

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
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

static int fail_oom(struct parser *p)
{
	return fail(p, "out of memory");
}

/* A user's value, on one line and short, to quote in a message. Never used
 * for URLs, passwords or file contents: those may hold secrets. */
static const char *shown(char *dst, size_t size, const char *s)
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
static size_t path_key(struct path *pa, const char *key)
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

static size_t path_index(struct path *pa, size_t i)
{
	size_t old = pa->len;
	path_advance(pa, snprintf(pa->s + pa->len, sizeof(pa->s) - pa->len,
				  "[%zu]", i));
	return old;
}

static void path_pop(struct path *pa, size_t old)
{
	pa->len = old;
	pa->s[old] = '\0';
}

/* Reports the key at the end of the path as unknown, with a suggestion. */
static int unknown_key(struct parser *p, const char *key,
		       const char *const *cands, size_t n)
{
	const char *best = hb_closest(key, cands, n);
	if (best)
		return fail(p, "unknown key (did you mean \"%s\"?)", best);
	return fail(p, "unknown key");
}

/* Values ----------------------------------------------------------------- */

static int expand(struct parser *p, const char *s, char **out)
{
	if (!p->getenv_fn) {
		*out = strdup(s);
		return *out ? 0 : fail_oom(p);
	}
	char why[256];
	int rc = hb_expand(s, p->getenv_fn, out, why, sizeof(why));
	if (rc == -ENOMEM)
		return fail_oom(p);
	if (rc < 0)
		return fail(p, "%s", why);
	return 0;
}

/* Stores a string value (expanded) into *out, replacing what was there. */
static int take_string(struct parser *p, const cJSON *v, char **out)
{
	if (!cJSON_IsString(v))
		return fail(p, "expected a string");
	char *s;
	if (expand(p, v->valuestring, &s) < 0)
		return -1;
	free(*out);
	*out = s;
	return 0;
}

static int take_bool(struct parser *p, const cJSON *v, bool *out)
{
	if (!cJSON_IsBool(v))
		return fail(p, "expected true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

static bool json_int(const cJSON *v, long long *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	if (!isfinite(d) || d < (double)-MAX_JSON_INT ||
	    d > (double)MAX_JSON_INT || d != (double)(long long)d)
		return false;
	*out = (long long)d;
	return true;
}

static int take_int(struct parser *p, const cJSON *v, long long min,
		    long long max, long long *out)
{
	long long n = 0;
	if (json_int(v, &n) && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	if (max >= MAX_JSON_INT)
		return fail(p, "expected an integer of at least %lld", min);
	return fail(p, "expected an integer from %lld to %lld", min, max);
}

/* A duration: "500ms", "5s", "1m", or a bare number of seconds, as a string
 * or a JSON number. */
static int take_duration(struct parser *p, const cJSON *v, bool positive,
			 int64_t *ms)
{
	static const char want[] = "\"500ms\", \"5s\" or \"1m\"";
	int64_t r;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble * 1000.0;
		if (!isfinite(d) || d < 0 || d > 30.0 * 24 * 3600 * 1000)
			return fail(p, "expected a duration like %s, at most "
				       "30 days", want);
		r = hb_llround(d);
	} else if (cJSON_IsString(v)) {
		char *s, q[40];
		if (expand(p, v->valuestring, &s) < 0)
			return -1;
		int rc = hb_duration_parse(s, &r);
		if (rc < 0)
			fail(p, "\"%s\" is not a duration (try %s)",
			     shown(q, sizeof(q), s), want);
		free(s);
		if (rc < 0)
			return -1;
	} else {
		return fail(p, "expected a duration like %s", want);
	}
	if (positive && r == 0)
		return fail(p, "expected a duration greater than zero");
	*ms = r;
	return 0;
}

/* A POSIX extended regex, compiled once here so that a typo is a spec
 * error rather than a check failing at run time. regcomp is no I/O. */
static int take_regex(struct parser *p, const cJSON *v, char **out)
{
	if (take_string(p, v, out) < 0)
		return -1;
	if (strlen(*out) > MAX_REGEX)
		return fail(p, "regular expression longer than %d bytes",
			    MAX_REGEX);
	const char *why = hb_regex_problem(*out);
	if (why)
		return fail(p, "%s", why);
	regex_t re;
	int rc = regcomp(&re, *out, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char m[160];
		/* POSIX leaves re undefined after a failure: no regfree. */
		regerror(rc, &re, m, sizeof(m));
		return fail(p, "invalid regular expression: %s", m);
	}
	regfree(&re);
	return 0;
}

/* Whether two keys of one object are the same: JSON allows it, but which
 * one wins is up to the parser, so a spec must not rely on it. */
static int no_duplicate_keys(struct parser *p, const cJSON *o)
{
	for (const cJSON *a = o->child; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (strcmp(a->string, b->string) == 0) {
				size_t old = path_key(&p->path, b->string);
				fail(p, "duplicate key");
				path_pop(&p->path, old);
				return -1;
			}
	return 0;
}

/* The size of a list that is checked pairwise for duplicates. */
static int short_list(struct parser *p, const cJSON *v, const char *what)
{
	int n = cJSON_GetArraySize(v);
	if (n > MAX_LIST)
		return fail(p, "at most %d %s, got %d", MAX_LIST, what, n);
	return 0;
}

/* Tables of keys -------------------------------------------------------- */

enum field_type {
	T_STRING, /* a string: may be "<key>_file" when from_file */
	T_BOOL,
	T_REGEX,  /* a string that must compile as an extended regex */
	T_SPECIAL,
};

enum field_id {
	F_PLAIN,
	F_ADDRESSES,
	F_EXPECT,
	F_FAMILY,
	F_FOLLOW,
	F_HEADERS,
	F_HOST,
	F_JSON,
	F_KIND,
	F_MAX_LATENCY,
	F_METHOD,
	F_MIN_ADDRESSES,
	F_MIN_CERT_DAYS,
	F_NAME,
	F_RETRY,
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
	{ "address", HB_K_TCP, T_STRING, true, F_PLAIN, CF(address) },
	{ "body", HB_K_HTTP, T_STRING, true, F_PLAIN, CF(body) },
	{ "ca_file", HB_K_HTTP, T_STRING, false, F_PLAIN, CF(ca_file) },
	{ "cert_file", HB_K_HTTP, T_STRING, false, F_PLAIN, CF(cert_file) },
	{ "command", HB_K_RE, T_STRING, true, F_PLAIN, CF(command) },
	{ "database", HB_K_DB, T_STRING, true, F_PLAIN, CF(database) },
	{ "expect", HB_K_ALL, T_SPECIAL, false, F_EXPECT, 0 },
	{ "family", HB_K_TCP | HB_K_DNS, T_SPECIAL, false, F_FAMILY, 0 },
	{ "follow_redirects", HB_K_HTTP, T_SPECIAL, false, F_FOLLOW, 0 },
	{ "headers", HB_K_HTTP, T_SPECIAL, false, F_HEADERS, 0 },
	{ "host", HB_K_DNS, T_STRING, true, F_HOST, CF(host) },
	{ "insecure", HB_K_HTTP, T_BOOL, false, F_PLAIN, CF(insecure) },
	{ "key_file", HB_K_HTTP, T_STRING, false, F_PLAIN, CF(key_file) },
	{ "kind", HB_K_ALL, T_SPECIAL, false, F_KIND, 0 },
	{ "method", HB_K_HTTP, T_SPECIAL, false, F_METHOD, 0 },
	{ "min_cert_days", HB_K_HTTP, T_SPECIAL, false, F_MIN_CERT_DAYS, 0 },
	{ "name", HB_K_ALL, T_SPECIAL, false, F_NAME, 0 },
	{ "optional", HB_K_ALL, T_BOOL, false, F_PLAIN, CF(optional) },
	{ "password", HB_K_DB, T_STRING, true, F_PLAIN, CF(password) },
	{ "query", HB_K_PG | HB_K_MY, T_STRING, true, F_PLAIN, CF(query) },
	{ "retry", HB_K_ALL, T_SPECIAL, false, F_RETRY, 0 },
	{ "send", HB_K_TCP, T_STRING, true, F_PLAIN, CF(send) },
	{ "timeout", HB_K_ALL, T_SPECIAL, false, F_TIMEOUT, 0 },
	{ "url", HB_K_HTTP | HB_K_DB, T_STRING, true, F_PLAIN, CF(url) },
	{ "user", HB_K_DB, T_STRING, true, F_PLAIN, CF(user) },
	{ "wait", HB_K_ALL, T_SPECIAL, false, F_WAIT, 0 },
};

static const struct field expect_fields[] = {
	{ "addresses", HB_K_DNS, T_SPECIAL, false, F_ADDRESSES, 0 },
	{ "body", HB_K_HTTP, T_REGEX, false, F_PLAIN, EF(body) },
	{ "json", HB_K_HTTP, T_SPECIAL, false, F_JSON, 0 },
	{ "max_latency", HB_K_HTTP, T_SPECIAL, false, F_MAX_LATENCY, 0 },
	{ "min_addresses", HB_K_DNS, T_SPECIAL, false, F_MIN_ADDRESSES, 0 },
	{ "pattern", HB_K_DB, T_REGEX, false, F_PLAIN, EF(pattern) },
	{ "reply", HB_K_TCP, T_REGEX, false, F_PLAIN, EF(reply) },
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
			fail(p, "\"%s\" cannot come from a file%s", f->key,
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
		fail(p, "not valid for kind \"%s\" (only for %s)",
		     p->check->kind, kinds);
		return NULL;
	}
	if (!f) {
		const char *cands[64];
		size_t nc = 0;
		for (size_t i = 0; i < n && nc < HB_ARRAY_SIZE(cands); i++)
			if (t[i].kinds & p->kind)
				cands[nc++] = t[i].key;
		unknown_key(p, key, cands, nc);
	}
	return f;
}

/* Records "<key>_file": the path now, the contents when resolved. */
static int add_file(struct parser *p, const cJSON *v, char **field)
{
	struct hb_spec *s = p->spec;
	char *path = NULL;
	if (take_string(p, v, &path) < 0)
		return -1;
	if (!*path) {
		free(path);
		return fail(p, "expected a file path");
	}
	if ((s->n_files & (s->n_files - 1)) == 0) {
		size_t want = s->n_files ? s->n_files * 2 : 4;
		void *f = realloc(s->files, want * sizeof(*s->files));
		if (!f) {
			free(path);
			return fail_oom(p);
		}
		s->files = f;
	}
	char *where = strdup(p->path.s);
	if (!where) {
		free(path);
		return fail_oom(p);
	}
	/* The credentials: read by the check's own child, not here. */
	bool secret = field == &p->check->password;
	if (secret) {
		free(p->check->password_file);
		if (!(p->check->password_file = strdup(path))) {
			free(path);
			free(where);
			return fail_oom(p);
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

/* Pure validation of the values a target comes from ----------------------- */

static bool has_space_or_control(const char *s, bool space_ok)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || (c == ' ' && !space_ok))
			return true;
	}
	return false;
}

static bool scheme_is(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	return strncasecmp(url, scheme, n) == 0 && url[n] &&
	       !strchr("/?#", url[n]);
}

/* What is wrong with a check's URL, or NULL. The URL itself is never quoted
 * back: it may carry a password. */
static const char *url_problem(unsigned kind, const char *url, char *buf,
			       size_t buflen)
{
	const struct hb_kind *k = NULL;
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (kind == 1u << i)
			k = &hb_kinds[i];
	const char *scheme = k ? hb_kind_scheme(k, url) : NULL;
	if (k && k->schemes[0] && !(scheme && scheme_is(url, scheme))) {
		/* libpq's "host=db dbname=app" form. */
		if ((k->flags & HB_KIND_CONNINFO) && !strstr(url, "://") &&
		    strchr(url, '=')) {
			if (has_space_or_control(url, true))
				return "the connection string has a control "
				       "character";
			return NULL;
		}
		char schemes[128];
		hb_kind_schemes(schemes, sizeof(schemes), k);
		snprintf(buf, buflen, "expected a URL starting with %s%s",
			 schemes, (k->flags & HB_KIND_CONNINFO) ?
			 ", or \"key=value\" connection parameters" : "");
		return buf;
	}
	if (has_space_or_control(url, false))
		return "the URL has a space or a control character (encode "
		       "it as %20 and so on)";
	return NULL;
}

/* What is wrong with a tcp check's "host:port", or NULL; buf holds the
 * message. */
static const char *address_problem(const char *a, char *buf, size_t buflen)
{
	char host[HB_HOST_MAX];
	int port;
	if (has_space_or_control(a, false))
		return "the address has a space or a control character";
	if (hb_split_hostport(a, host, sizeof(host), &port, 0, 0, buf,
			      buflen) < 0)
		return buf;
	return NULL;
}

static const char *host_problem(const char *h)
{
	if (!*h)
		return "expected a host name";
	if (strlen(h) > 253)
		return "a host name has at most 253 characters";
	if (has_space_or_control(h, false))
		return "the host name has a space or a control character";
	return NULL;
}

/* Sets the target from the field it comes from; "" while that field waits
 * for its file. Returns 0 or -ENOMEM. */
static int set_target(struct hb_check *c, unsigned kind)
{
	const char *from = kind == HB_K_TCP ? c->address
			   : kind == HB_K_DNS ? c->host
					   : c->url;
	char *t = !from ? strdup("") : (kind & (HB_K_HTTP | HB_K_DB)) ? hb_redact_target(from)
								 : strdup(from);
	if (!t)
		return -ENOMEM;
	free(c->target);
	c->target = t;
	return 0;
}

/* The problem with the value of a field a target derives from, or NULL. */
static const char *target_field_problem(const struct hb_check *c,
					unsigned kind, char *const *field,
					char *buf, size_t buflen)
{
	if (!*field)
		return NULL;
	if (field == &c->url)
		return url_problem(kind, c->url, buf, buflen);
	if (field == &c->address)
		return address_problem(c->address, buf, buflen);
	if (field == &c->host)
		return host_problem(c->host);
	return NULL;
}

/* Special values --------------------------------------------------------- */

static void status_set(struct hb_expect *e, long code)
{
	unsigned bit = (unsigned)(code - 100);
	e->status_bits[bit / 64] |= 1ull << (bit % 64);
}

static int status_item(struct parser *p, const cJSON *v, struct hb_expect *e)
{
	static const char want[] = "expected an integer or a class like \"2xx\"";
	long long code;
	if (cJSON_IsNumber(v)) {
		if (!json_int(v, &code))
			return fail(p, "%s", want);
	} else if (cJSON_IsString(v)) {
		char *s;
		if (expand(p, v->valuestring, &s) < 0)
			return -1;
		bool digits = strlen(s) == 3 && strspn(s, "0123456789") == 3;
		bool class = strlen(s) == 3 && s[0] >= '1' && s[0] <= '5' &&
			     (s[1] == 'x' || s[1] == 'X') &&
			     (s[2] == 'x' || s[2] == 'X');
		code = digits ? strtol(s, NULL, 10) : (s[0] - '0') * 100;
		free(s);
		if (class) {
			for (long c = code; c < code + 100; c++)
				status_set(e, c);
			e->status_set = true;
			return 0;
		}
		if (!digits)
			return fail(p, "%s", want);
	} else {
		return fail(p, "%s", want);
	}
	if (code < 100 || code > 599)
		return fail(p, "%lld is not an HTTP status (100 to 599)", code);
	status_set(e, (long)code);
	e->status_set = true;
	return 0;
}

static int parse_status(struct parser *p, const cJSON *v, struct hb_expect *e)
{
	memset(e->status_bits, 0, sizeof(e->status_bits));
	if (!cJSON_IsArray(v))
		return status_item(p, v, e);
	if (!v->child)
		return fail(p, "expected at least one status");
	size_t i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		size_t old = path_index(&p->path, i);
		int rc = status_item(p, it, e);
		path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int parse_headers(struct parser *p, const cJSON *v, struct hb_check *c)
{
	if (!cJSON_IsObject(v))
		return fail(p, "expected an object of header names and values");
	if (short_list(p, v, "headers") < 0 || no_duplicate_keys(p, v) < 0)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(v);
	if (!n)
		return 0;
	c->headers = calloc(n, sizeof(*c->headers));
	if (!c->headers)
		return fail_oom(p);
	for (const cJSON *h = v->child; h; h = h->next) {
		size_t old = path_key(&p->path, h->string);
		struct hb_header *out = &c->headers[c->n_headers];
		const char *k = h->string;
		int rc = 0;
		if (!*k || strspn(k, "!#$%&'*+-.^_`|~0123456789"
				     "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(k))
			rc = fail(p, "not a valid header name");
		else if (!(out->name = strdup(k)))
			rc = fail_oom(p);
		else
			c->n_headers++;
		if (rc == 0)
			rc = take_string(p, h, &out->value);
		/* A line break would end the header and start another one:
		 * request smuggling by way of an environment variable. */
		if (rc == 0 && strpbrk(out->value, "\r\n"))
			rc = fail(p, "a header value cannot contain a "
				     "line break");
		path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static bool dotted_path_ok(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (*s == '.' && (s[1] == '.' || s[1] == '\0'))
			return false;
	return true;
}

static int parse_json_expect(struct parser *p, const cJSON *v,
			     struct hb_expect *e)
{
	if (!cJSON_IsObject(v))
		return fail(p, "expected an object of paths and values, as in "
			       "{\"status\": \"ok\"}");
	if (short_list(p, v, "paths") < 0 || no_duplicate_keys(p, v) < 0)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(v);
	if (!n)
		return 0;
	e->json = calloc(n, sizeof(*e->json));
	if (!e->json)
		return fail_oom(p);
	for (const cJSON *j = v->child; j; j = j->next) {
		size_t old = path_key(&p->path, j->string);
		struct hb_json_expect *out = &e->json[e->n_json];
		int rc = 0;
		if (!dotted_path_ok(j->string))
			rc = fail(p, "expected a dotted path like "
				     "\"data.status\"");
		else if (!(out->path = strdup(j->string)))
			rc = fail_oom(p);
		else
			e->n_json++;
		if (rc == 0 && cJSON_IsString(j)) {
			/* Strings expand like any other; the result is then
			 * JSON text again. */
			char *str = NULL;
			cJSON *tmp = NULL;
			rc = take_string(p, j, &str);
			if (rc == 0 && (!(tmp = cJSON_CreateString(str)) ||
					!(out->value = cJSON_PrintUnformatted(tmp))))
				rc = fail_oom(p);
			cJSON_Delete(tmp);
			free(str);
		} else if (rc == 0 && !(out->value = cJSON_PrintUnformatted(j))) {
			rc = fail_oom(p);
		}
		path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int parse_addresses(struct parser *p, const cJSON *v,
			   struct hb_expect *e)
{
	if (!cJSON_IsArray(v))
		return fail(p, "expected an array of IP addresses");
	if (short_list(p, v, "addresses") < 0)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	if (!n)
		return 0;
	e->addresses = calloc(n, sizeof(*e->addresses));
	if (!e->addresses)
		return fail_oom(p);
	for (const cJSON *a = v->child; a; a = a->next, i++) {
		size_t old = path_index(&p->path, i);
		char **out = &e->addresses[e->n_addresses];
		unsigned char bin[16];
		char q[64];
		int rc = take_string(p, a, out);
		if (rc == 0)
			e->n_addresses++;
		if (rc == 0 && inet_pton(AF_INET, *out, bin) != 1 &&
		    inet_pton(AF_INET6, *out, bin) != 1)
			rc = fail(p, "\"%s\" is not an IP address",
				  shown(q, sizeof(q), *out));
		path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int parse_family(struct parser *p, const cJSON *v, int *family)
{
	long long n = 0;
	if (json_int(v, &n) && (n == 4 || n == 6)) {
		*family = (int)n;
		return 0;
	}
	if (cJSON_IsString(v) && strcmp(v->valuestring, "any") == 0) {
		*family = 0;
		return 0;
	}
	return fail(p, "expected 4, 6 or \"any\"");
}

static int parse_follow(struct parser *p, const cJSON *v,
			enum hb_follow *follow)
{
	if (cJSON_IsBool(v)) {
		*follow = cJSON_IsTrue(v) ? HB_FOLLOW_SAME : HB_FOLLOW_NONE;
		return 0;
	}
	if (cJSON_IsString(v) && strcmp(v->valuestring, "any") == 0) {
		*follow = HB_FOLLOW_ANY;
		return 0;
	}
	return fail(p, "expected true (the same host), false or \"any\"");
}

static int parse_method(struct parser *p, const cJSON *v, struct hb_check *c)
{
	if (take_string(p, v, &c->method) < 0)
		return -1;
	const char *m = c->method;
	bool ok = *m >= 'A' && *m <= 'Z' && strlen(m) <= 32;
	for (; ok && *m; m++)
		ok = (*m >= 'A' && *m <= 'Z') || (*m >= '0' && *m <= '9') ||
		     *m == '-' || *m == '_';
	if (!ok)
		return fail(p, "expected an upper-case method like \"GET\"");
	return 0;
}

/* Fields of "retry", each replacing the one it starts from. */
static int parse_retry(struct parser *p, const cJSON *v, struct hb_retry *r)
{
	static const char *const keys[] = { "attempts", "backoff", "interval" };
	if (!cJSON_IsObject(v))
		return fail(p, "expected an object like {\"attempts\": 3, "
			       "\"interval\": \"1s\"}");
	if (no_duplicate_keys(p, v) < 0)
		return -1;
	for (const cJSON *it = v->child; it; it = it->next) {
		size_t old = path_key(&p->path, it->string);
		long long n = 0;
		int rc = 0;
		if (strcmp(it->string, "attempts") == 0) {
			rc = take_int(p, it, 1, 10000, &n);
			if (rc == 0)
				r->attempts = (int)n;
		} else if (strcmp(it->string, "interval") == 0) {
			rc = take_duration(p, it, false, &r->interval_ms);
		} else if (strcmp(it->string, "backoff") == 0) {
			if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
			    it->valuedouble < 1.0 || it->valuedouble > 100.0)
				rc = fail(p, "expected a number from 1.0 to 100");
			else
				r->backoff = it->valuedouble;
		} else if (strcmp(it->string, "wait") == 0) {
			rc = fail(p, "unknown key (\"wait\" goes next to "
				     "\"retry\", not inside it)");
		} else {
			rc = unknown_key(p, it->string, keys,
					 HB_ARRAY_SIZE(keys));
		}
		path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
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
		return parse_addresses(p, v, &c->expect);
	case F_EXPECT:
		return parse_expect(p, v, c);
	case F_FAMILY:
		return parse_family(p, v, &c->family);
	case F_FOLLOW:
		return parse_follow(p, v, &c->follow_redirects);
	case F_HEADERS:
		return parse_headers(p, v, c);
	case F_JSON:
		return parse_json_expect(p, v, &c->expect);
	case F_MAX_LATENCY:
		return take_duration(p, v, false, &c->expect.max_latency_ms);
	case F_METHOD:
		return parse_method(p, v, c);
	case F_MIN_ADDRESSES:
		if (take_int(p, v, 1, 1000, &n) < 0)
			return -1;
		c->expect.min_addresses = (int)n;
		return 0;
	case F_MIN_CERT_DAYS:
		if (take_int(p, v, 0, 36500, &n) < 0)
			return -1;
		c->min_cert_days = (int)n;
		return 0;
	case F_NAME:
		if (take_string(p, v, &c->name) < 0)
			return -1;
		if (!*c->name)
			return fail(p, "expected a non-empty name");
		if (has_space_or_control(c->name, true))
			return fail(p, "a name cannot contain control "
				       "characters");
		/* JSON text is UTF-8, but cJSON passes any byte through. A
		 * name is how the collector tells a hook's checks apart: one
		 * repaired on its way into the report (U+FFFD) could stand for
		 * another. */
		if (!hb_utf8_valid(c->name, strlen(c->name)))
			return fail(p, "a name must be valid UTF-8");
		return 0;
	case F_RETRY:
		return parse_retry(p, v, &c->retry);
	case F_ROWS:
		if (take_int(p, v, 0, MAX_JSON_INT, &n) < 0)
			return -1;
		c->expect.rows = n;
		return 0;
	case F_STATUS:
		return parse_status(p, v, &c->expect);
	case F_TIMEOUT:
		return take_duration(p, v, true, &c->timeout_ms);
	case F_WAIT:
		return take_duration(p, v, false, &c->retry.wait_ms);
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
		return take_string(p, v, str);
	case T_BOOL:
		return take_bool(p, v, (bool *)(void *)(base + f->offset));
	case T_REGEX:
		return take_regex(p, v, str);
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
		size_t old = path_key(&p->path, key);
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
				rc = fail(p, "\"%s\" and \"%s_file\" are both "
					     "given: use one of them",
					  f->key, f->key);
			else
				rc = fail(p, "duplicate key");
		}
		seen |= bit;
		if (file)
			seen_file |= bit;
		if (rc == 0)
			rc = parse_field(p, f, file, it, p->check, base);
next:
		path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int parse_expect(struct parser *p, const cJSON *v, struct hb_check *c)
{
	if (!cJSON_IsObject(v))
		return fail(p, "expected an object");
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
			size_t old = path_key(&p->path, "kind");
			fail(p, "duplicate key");
			path_pop(&p->path, old);
			return -1;
		}
		kind = it;
	}
	char all[128];
	hb_kind_list(all, sizeof(all), HB_K_ALL);
	if (!kind)
		return fail(p, "missing \"kind\" (one of %s)", all);
	size_t old = path_key(&p->path, "kind");
	int rc = take_string(p, kind, &c->kind);
	if (rc == 0 && !(p->kind = kind_bit(c->kind))) {
		char q[40];
		const char *names[HB_KIND_COUNT];
		for (size_t i = 0; i < HB_KIND_COUNT; i++)
			names[i] = hb_kinds[i].name;
		const char *best = hb_closest(c->kind, names, HB_KIND_COUNT);
		if (best)
			rc = fail(p, "unknown kind \"%s\" (did you mean \"%s\"?)",
				  shown(q, sizeof(q), c->kind), best);
		else
			rc = fail(p, "unknown kind \"%s\" (one of %s)",
				  shown(q, sizeof(q), c->kind), all);
	}
	path_pop(&p->path, old);
	return rc;
}

static bool has_key(const cJSON *o, const char *key)
{
	for (const cJSON *it = o->child; it; it = it->next)
		if (strcmp(it->string, key) == 0)
			return true;
	return false;
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
		return fail(p, "expected an object");
	/* The kind decides which keys are valid, so it comes first. */
	if (parse_kind(p, o, c) < 0)
		return -1;

	/* A dns check's "name" is the name to resolve, which leaves no key
	 * for the check's own name. The documented form writes "name" twice:
	 * the first is the check's, the second the one to resolve. Tools that
	 * cannot write a key twice (YAML, jq, Helm's toJson) use "host". */
	int name_is_host = 0;
	if (p->kind == HB_K_DNS && !has_key(o, "host") && !has_key(o, "host_file")) {
		int names = 0;
		for (const cJSON *it = o->child; it; it = it->next)
			names += strcmp(it->string, "name") == 0;
		name_is_host = names >= 2 ? 2 : 1;
	}
	if (parse_table(p, o, check_fields, HB_ARRAY_SIZE(check_fields),
			(char *)c, name_is_host) < 0)
		return -1;

	/* What each kind cannot do without. */
	char **need = p->kind == HB_K_TCP ? &c->address
		      : p->kind == HB_K_DNS ? &c->host
					 : &c->url;
	const char *need_key = p->kind == HB_K_TCP ? "address"
			       : p->kind != HB_K_DNS ? "url"
			       : has_key(o, "host") ? "host"
						    : "name";
	if (!*need && !is_file_field(p->spec, p->index, need))
		return fail(p, "missing \"%s\" (a %s check needs one)", need_key,
			    c->kind);
	char whybuf[160];
	const char *why = target_field_problem(c, p->kind, need, whybuf,
					       sizeof(whybuf));
	if (why) {
		path_key(&p->path, need_key);
		return fail(p, "%s", why);
	}
	if (set_target(c, p->kind) < 0)
		return fail_oom(p);
	/* A body is POSTed unless the check names another method, as curl's
	 * --data does (the driver sends the method given, GET included). */
	bool has_body = c->body || is_file_field(p->spec, p->index, &c->body);
	if (p->kind == HB_K_HTTP && !c->method &&
	    !(c->method = strdup(has_body ? "POST" : "GET")))
		return fail_oom(p);
	if (!c->name) {
		char name[32];
		snprintf(name, sizeof(name), "%s-%zu", c->kind, p->index);
		if (!(c->name = strdup(name)))
			return fail_oom(p);
	}
	return 0;
}

static int parse_defaults(struct parser *p, const cJSON *v)
{
	static const char *const keys[] = { "retry", "timeout", "wait" };
	if (!cJSON_IsObject(v))
		return fail(p, "expected an object");
	if (no_duplicate_keys(p, v) < 0)
		return -1;
	for (const cJSON *it = v->child; it; it = it->next) {
		size_t old = path_key(&p->path, it->string);
		int rc;
		if (strcmp(it->string, "timeout") == 0)
			rc = take_duration(p, it, true, &p->timeout_ms);
		else if (strcmp(it->string, "wait") == 0)
			rc = take_duration(p, it, false, &p->retry.wait_ms);
		else if (strcmp(it->string, "retry") == 0)
			rc = parse_retry(p, it, &p->retry);
		else
			rc = unknown_key(p, it->string, keys,
					 HB_ARRAY_SIZE(keys));
		path_pop(&p->path, old);
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
		return fail_oom(p);
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
	path_key(&p->path, "checks");
	path_index(&p->path, dup);
	path_key(&p->path, "name");
	return fail(p, "\"%s\" is already the name of checks[%zu]",
		    shown(q, sizeof(q), s->checks[dup].name), orig);
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
		fail_oom(p);
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
		fail(p, "the spec is empty (expected {\"checks\": [...]})");
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
		fail(&p, "larger than %u MiB", HB_SPEC_MAX_BYTES >> 20);
		return NULL;
	}
	cJSON *root = parse_json(&p, buf ? buf : "", buf ? len : 0);
	if (!root)
		return NULL;
	struct hb_spec *s = p.spec = calloc(1, sizeof(*s));
	if (!s || !(s->source = strdup(p.source))) {
		fail_oom(&p);
		goto fail;
	}
	if (!cJSON_IsObject(root)) {
		fail(&p, "expected an object like {\"checks\": [...]} at the top "
			 "level");
		goto fail;
	}
	if (no_duplicate_keys(&p, root) < 0)
		goto fail;
	const cJSON *defaults = NULL, *checks = NULL;
	for (const cJSON *it = root->child; it; it = it->next) {
		static const char *const keys[] = { "checks", "defaults" };
		if (strcmp(it->string, "defaults") == 0) {
			defaults = it;
		} else if (strcmp(it->string, "checks") == 0) {
			checks = it;
		} else {
			path_key(&p.path, it->string);
			unknown_key(&p, it->string, keys, HB_ARRAY_SIZE(keys));
			goto fail;
		}
	}
	if (defaults) {
		path_key(&p.path, "defaults");
		if (parse_defaults(&p, defaults) < 0)
			goto fail;
		path_pop(&p.path, 0);
	}
	if (!checks) {
		fail(&p, "missing \"checks\" (an array of the checks to run)");
		goto fail;
	}
	path_key(&p.path, "checks");
	int n = cJSON_GetArraySize(checks);
	if (!cJSON_IsArray(checks) || n == 0) {
		fail(&p, "expected a non-empty array of checks");
		goto fail;
	}
	if (n > HB_SPEC_MAX_CHECKS) {
		fail(&p, "at most %d checks, got %d", HB_SPEC_MAX_CHECKS, n);
		goto fail;
	}
	if (!(s->checks = calloc((size_t)n, sizeof(*s->checks)))) {
		fail_oom(&p);
		goto fail;
	}
	s->n_checks = (size_t)n;
	size_t i = 0;
	for (const cJSON *it = checks->child; it; it = it->next, i++) {
		size_t old = path_index(&p.path, i);
		p.check = &s->checks[i];
		p.index = i;
		p.kind = 0;
		if (parse_check(&p, it) < 0)
			goto fail;
		path_pop(&p.path, old);
	}
	path_pop(&p.path, 0);
	if (unique_names(&p) < 0)
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
	char whybuf[160];
	const char *why = target_field_problem(c, kind, f->field, whybuf,
					       sizeof(whybuf));
	if (why) {
		char q[128];
		snprintf(err->msg, sizeof(err->msg), "%s: %s: in \"%s\": %s",
			 s->source, f->where, shown(q, sizeof(q), f->path), why);
		return -1;
	}
	if (set_target(c, kind) < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s: out of memory",
			 s->source, f->where);
		return -1;
	}
	return 0;
}

static void expect_release(struct hb_expect *e)
{
	free(e->body);
	for (size_t i = 0; i < e->n_json; i++) {
		free(e->json[i].path);
		free(e->json[i].value);
	}
	free(e->json);
	free(e->reply);
	for (size_t i = 0; i < e->n_addresses; i++)
		free(e->addresses[i]);
	free(e->addresses);
	free(e->value);
	free(e->pattern);
}

static void check_release(struct hb_check *c)
{
	free(c->name);
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
