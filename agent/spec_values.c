/* SPDX-License-Identifier: MIT */
/* The spec parser's values: strings, numbers, durations, regexes, and the
 * fields with a shape of their own (expect.status, headers, retry ...). */
#include "spec_int.h"

#include "classify.h"
#include "duration.h"
#include "expand.h"
#include "pattern.h"
#include "strutil.h"
#include "suggest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Values ----------------------------------------------------------------- */

const char *hb_spec_no_env(const char *name)
{
	(void)name;
	return NULL;
}

int spec_expand(struct parser *p, const char *s, char **out)
{
	p->unknown = false;
	if (!p->getenv_fn) {
		*out = strdup(s);
		return *out ? 0 : spec_fail_oom(p);
	}
	char why[256];
	int rc = hb_expand_partial(s, p->getenv_fn,
				   p->getenv_fn == hb_spec_no_env ? &p->unknown
								 : NULL,
				   out, why, sizeof(why));
	if (rc == -ENOMEM)
		return spec_fail_oom(p);
	if (rc < 0)
		return spec_fail(p, "%s", why);
	return 0;
}

/* Stores a string value (expanded) into *out, replacing what was there. */
int spec_take_string(struct parser *p, const cJSON *v, char **out)
{
	if (!cJSON_IsString(v))
		return spec_fail(p, "expected a string");
	char *s;
	if (spec_expand(p, v->valuestring, &s) < 0)
		return -1;
	free(*out);
	*out = s;
	return 0;
}

int spec_take_bool(struct parser *p, const cJSON *v, bool *out)
{
	if (!cJSON_IsBool(v))
		return spec_fail(p, "expected true or false");
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

int spec_take_int(struct parser *p, const cJSON *v, long long min,
		    long long max, long long *out)
{
	long long n = 0;
	if (json_int(v, &n) && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	if (max >= MAX_JSON_INT)
		return spec_fail(p, "expected an integer of at least %lld", min);
	return spec_fail(p, "expected an integer from %lld to %lld", min, max);
}

/* A duration: "500ms", "5s", "1m", or a bare number of seconds, as a string
 * or a JSON number. */
int spec_take_duration(struct parser *p, const cJSON *v, bool positive,
			 int64_t *ms)
{
	static const char want[] = "\"500ms\", \"5s\" or \"1m\"";
	int64_t r;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble * 1000.0;
		if (!isfinite(d) || d < 0 || d > 30.0 * 24 * 3600 * 1000)
			return spec_fail(p, "expected a duration like %s, at most "
				       "30 days", want);
		r = hb_llround(d);
	} else if (cJSON_IsString(v)) {
		char *s, q[40];
		if (spec_expand(p, v->valuestring, &s) < 0)
			return -1;
		if (p->unknown) {
			free(s);
			return 0;
		}
		int rc = hb_duration_parse(s, &r);
		if (rc < 0)
			spec_fail(p, "\"%s\" is not a duration (try %s)",
				  spec_shown(q, sizeof(q), s), want);
		free(s);
		if (rc < 0)
			return -1;
	} else {
		return spec_fail(p, "expected a duration like %s", want);
	}
	if (positive && r == 0)
		return spec_fail(p, "expected a duration greater than zero");
	*ms = r;
	return 0;
}

/* A PCRE2 pattern, compiled once here so that a typo is a spec error
 * rather than a check failing at run time (no I/O; the child compiles it
 * again to match). PCRE2 bounds what compiling costs, and its limits what
 * a match does, so no guard of our own stands in front of it. literal:
 * the field matching the same text as it is ("contains"), suggested when
 * the pattern does not compile, or NULL. */
int spec_take_regex(struct parser *p, const cJSON *v, char **out,
		    const char *literal)
{
	if (spec_take_string(p, v, out) < 0)
		return -1;
	if (p->unknown)
		return 0;
	if (strlen(*out) > MAX_REGEX)
		return spec_fail(p, "regular expression longer than %d bytes",
				 MAX_REGEX);
	char why[200];
	struct hb_pattern *re = hb_pattern_new(*out, why, sizeof(why));
	if (!re) {
		if (literal)
			return spec_fail(p, "invalid regular expression: %s "
					 "(to match the text as it is, use "
					 "\"expect.%s\")", why, literal);
		return spec_fail(p, "invalid regular expression: %s", why);
	}
	hb_pattern_free(re);
	return 0;
}

/* Whether two keys of one object are the same: JSON allows it, but which
 * one wins is up to the parser, so a spec must not rely on it. */
int spec_no_duplicate_keys(struct parser *p, const cJSON *o)
{
	for (const cJSON *a = o->child; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (strcmp(a->string, b->string) == 0) {
				size_t old = spec_path_key(&p->path, b->string);
				spec_fail(p, "duplicate key");
				spec_path_pop(&p->path, old);
				return -1;
			}
	return 0;
}

/* The size of a list that is checked pairwise for duplicates. */
static int short_list(struct parser *p, const cJSON *v, const char *what)
{
	int n = cJSON_GetArraySize(v);
	if (n > MAX_LIST)
		return spec_fail(p, "at most %d %s, got %d", MAX_LIST, what, n);
	return 0;
}


/* expect.jq: the parser only takes the text. It is compiled by libjq
 * when the spec is loaded (hb_spec_check_jq, in the agent's jq module), so
 * that neither the parser nor a run without jq maps libjq. */
int spec_parse_jq(struct parser *p, const cJSON *v, char **out)
{
	if (spec_take_string(p, v, out) < 0)
		return -1;
	if (strspn(*out, " \t\r\n") == strlen(*out))
		return spec_fail(p, "expected a jq expression, like "
				 "\".data.result | length >= 1\"");
	if (strlen(*out) > MAX_REGEX)
		return spec_fail(p, "jq expression longer than %d bytes",
				 MAX_REGEX);
	return 0;
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
			return spec_fail(p, "%s", want);
	} else if (cJSON_IsString(v)) {
		char *s;
		if (spec_expand(p, v->valuestring, &s) < 0)
			return -1;
		if (p->unknown) {
			free(s);
			return 0;
		}
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
			return spec_fail(p, "%s", want);
	} else {
		return spec_fail(p, "%s", want);
	}
	if (code < 100 || code > 599)
		return spec_fail(p, "%lld is not an HTTP status (100 to 599)", code);
	status_set(e, (long)code);
	e->status_set = true;
	return 0;
}

int spec_parse_status(struct parser *p, const cJSON *v, struct hb_expect *e)
{
	memset(e->status_bits, 0, sizeof(e->status_bits));
	if (!cJSON_IsArray(v))
		return status_item(p, v, e);
	if (!v->child)
		return spec_fail(p, "expected at least one status");
	size_t i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		size_t old = spec_path_index(&p->path, i);
		int rc = status_item(p, it, e);
		spec_path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int spec_parse_headers(struct parser *p, const cJSON *v, struct hb_check *c)
{
	if (!cJSON_IsObject(v))
		return spec_fail(p, "expected an object of header names and values");
	if (short_list(p, v, "headers") < 0 || spec_no_duplicate_keys(p, v) < 0)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(v);
	if (!n)
		return 0;
	c->headers = calloc(n, sizeof(*c->headers));
	if (!c->headers)
		return spec_fail_oom(p);
	for (const cJSON *h = v->child; h; h = h->next) {
		size_t old = spec_path_key(&p->path, h->string);
		struct hb_header *out = &c->headers[c->n_headers];
		const char *k = h->string;
		int rc = 0;
		if (!*k || strspn(k, "!#$%&'*+-.^_`|~0123456789"
				     "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(k))
			rc = spec_fail(p, "not a valid header name");
		else if (!(out->name = strdup(k)))
			rc = spec_fail_oom(p);
		else
			c->n_headers++;
		if (rc == 0)
			rc = spec_take_string(p, h, &out->value);
		/* A line break would end the header and start another one:
		 * request smuggling by way of an environment variable. */
		if (rc == 0 && strpbrk(out->value, "\r\n"))
			rc = spec_fail(p, "a header value cannot contain a "
				     "line break");
		spec_path_pop(&p->path, old);
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

int spec_parse_json_expect(struct parser *p, const cJSON *v,
			     struct hb_expect *e)
{
	if (!cJSON_IsObject(v))
		return spec_fail(p, "expected an object of paths and values, as in "
			       "{\"status\": \"ok\"}");
	if (short_list(p, v, "paths") < 0 || spec_no_duplicate_keys(p, v) < 0)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(v);
	if (!n)
		return 0;
	e->json = calloc(n, sizeof(*e->json));
	if (!e->json)
		return spec_fail_oom(p);
	for (const cJSON *j = v->child; j; j = j->next) {
		size_t old = spec_path_key(&p->path, j->string);
		struct hb_json_expect *out = &e->json[e->n_json];
		int rc = 0;
		if (!dotted_path_ok(j->string))
			rc = spec_fail(p, "expected a dotted path like "
				     "\"data.status\"");
		else if (!(out->path = strdup(j->string)))
			rc = spec_fail_oom(p);
		else
			e->n_json++;
		if (rc == 0 && cJSON_IsString(j)) {
			/* Strings expand like any other; the result is then
			 * JSON text again. */
			char *str = NULL;
			cJSON *tmp = NULL;
			rc = spec_take_string(p, j, &str);
			if (rc == 0 && (!(tmp = cJSON_CreateString(str)) ||
					!(out->value = cJSON_PrintUnformatted(tmp))))
				rc = spec_fail_oom(p);
			cJSON_Delete(tmp);
			free(str);
		} else if (rc == 0 && !(out->value = cJSON_PrintUnformatted(j))) {
			rc = spec_fail_oom(p);
		}
		spec_path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int spec_parse_addresses(struct parser *p, const cJSON *v,
			   struct hb_expect *e)
{
	if (!cJSON_IsArray(v))
		return spec_fail(p, "expected an array of IP addresses");
	if (short_list(p, v, "addresses") < 0)
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	if (!n)
		return 0;
	e->addresses = calloc(n, sizeof(*e->addresses));
	if (!e->addresses)
		return spec_fail_oom(p);
	for (const cJSON *a = v->child; a; a = a->next, i++) {
		size_t old = spec_path_index(&p->path, i);
		char **out = &e->addresses[e->n_addresses];
		unsigned char bin[16];
		char q[64];
		int rc = spec_take_string(p, a, out);
		if (rc == 0)
			e->n_addresses++;
		if (rc == 0 && !p->unknown &&
		    inet_pton(AF_INET, *out, bin) != 1 &&
		    inet_pton(AF_INET6, *out, bin) != 1)
			rc = spec_fail(p, "\"%s\" is not an IP address",
				       spec_shown(q, sizeof(q), *out));
		spec_path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* expect.column: a column's name, or its 0-based index as a JSON number
 * (MySQL allows 4,096 columns, PostgreSQL fewer). A name that looks like a
 * number stays a name: "SELECT 1" in MySQL has a column called "1". */
int spec_parse_column(struct parser *p, const cJSON *v, struct hb_expect *e)
{
	long long n = 0;
	if (cJSON_IsNumber(v)) {
		if (spec_take_int(p, v, 0, 4095, &n) < 0)
			return -1;
		e->column_index = n;
		return 0;
	}
	if (!cJSON_IsString(v))
		return spec_fail(p, "expected a column name or a 0-based index");
	if (spec_take_string(p, v, &e->column) < 0)
		return -1;
	if (!*e->column)
		return spec_fail(p, "expected a column name (or a 0-based index), "
				 "not an empty string");
	if (spec_has_space_or_control(e->column, true))
		return spec_fail(p, "a column name cannot contain control "
				 "characters");
	return 0;
}

int spec_parse_family(struct parser *p, const cJSON *v, int *family)
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
	return spec_fail(p, "expected 4, 6 or \"any\"");
}

int spec_parse_follow(struct parser *p, const cJSON *v,
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
	return spec_fail(p, "expected true (the same host), false or \"any\"");
}

int spec_parse_method(struct parser *p, const cJSON *v, struct hb_check *c)
{
	if (spec_take_string(p, v, &c->method) < 0)
		return -1;
	if (p->unknown)
		return 0;
	const char *m = c->method;
	bool ok = *m >= 'A' && *m <= 'Z' && strlen(m) <= 32;
	for (; ok && *m; m++)
		ok = (*m >= 'A' && *m <= 'Z') || (*m >= '0' && *m <= '9') ||
		     *m == '-' || *m == '_';
	if (!ok)
		return spec_fail(p, "expected an upper-case method like \"GET\"");
	return 0;
}

/* Fields of "retry", each replacing the one it starts from. */
int spec_parse_retry(struct parser *p, const cJSON *v, struct hb_retry *r)
{
	static const char *const keys[] = { "attempts", "backoff", "interval" };
	if (!cJSON_IsObject(v))
		return spec_fail(p, "expected an object like {\"attempts\": 3, "
			       "\"interval\": \"1s\"}");
	if (spec_no_duplicate_keys(p, v) < 0)
		return -1;
	for (const cJSON *it = v->child; it; it = it->next) {
		size_t old = spec_path_key(&p->path, it->string);
		long long n = 0;
		int rc = 0;
		if (strcmp(it->string, "attempts") == 0) {
			rc = spec_take_int(p, it, 1, 10000, &n);
			if (rc == 0)
				r->attempts = (int)n;
		} else if (strcmp(it->string, "interval") == 0) {
			rc = spec_take_duration(p, it, false, &r->interval_ms);
		} else if (strcmp(it->string, "backoff") == 0) {
			if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
			    it->valuedouble < 1.0 || it->valuedouble > 100.0)
				rc = spec_fail(p, "expected a number from 1.0 to 100");
			else
				r->backoff = it->valuedouble;
		} else if (strcmp(it->string, "wait") == 0) {
			rc = spec_fail(p, "unknown key (\"wait\" goes next to "
				     "\"retry\", not inside it)");
		} else {
			rc = spec_unknown_key(p, it->string, keys,
					      HB_ARRAY_SIZE(keys));
		}
		spec_path_pop(&p->path, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

_Static_assert(HB_CLASS__COUNT <= 32, "retry_on is a uint32_t");

/* "retry_on": ["AUTH_FAILED", ...], classes a retry or a wait goes on
 * through besides those time may fix (hb_class_not_retried). */
int spec_parse_retry_on(struct parser *p, const cJSON *v, uint32_t *bits)
{
	const char *names[HB_CLASS__COUNT];
	size_t n = 0;
	for (int i = 1; i < HB_CLASS__COUNT; i++)
		if (hb_class_defined(i))
			names[n++] = hb_class_name(i);
	if (!cJSON_IsArray(v))
		return spec_fail(p, "expected an array of failure classes like "
			       "[\"AUTH_FAILED\"]");
	uint32_t set = 0;
	size_t i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		size_t old = spec_path_index(&p->path, i);
		char q[40];
		if (!cJSON_IsString(it))
			return spec_fail(p, "expected a failure class like "
				       "\"AUTH_FAILED\"");
		int cls = hb_class_by_name(it->valuestring);
		if (cls < 0) {
			const char *best = hb_closest(it->valuestring, names, n);
			spec_shown(q, sizeof(q), it->valuestring);
			return best ? spec_fail(p, "unknown failure class \"%s\" "
						"(did you mean \"%s\"?)", q, best)
				    : spec_fail(p, "unknown failure class \"%s\"",
						q);
		}
		if (cls == HB_CLASS_SANDBOX_VIOLATION || cls == HB_CLASS_CRASHED)
			return spec_fail(p, "%s is never retried: %s",
					 it->valuestring,
					 hb_class_not_retried(cls, false));
		if (set & (1u << cls))
			return spec_fail(p, "%s is already in the list",
					 it->valuestring);
		set |= 1u << cls;
		spec_path_pop(&p->path, old);
	}
	*bits = set;
	return 0;
}
