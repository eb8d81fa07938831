/* SPDX-License-Identifier: MIT */
/* What the spec parser's files share (spec.c: the field tables and the
 * walk; spec_values.c: scalar and special values; spec_target.c: the
 * fields a target comes from). Not for use outside the spec parser. */
#ifndef HB_SPEC_INT_H
#define HB_SPEC_INT_H

#include "spec.h"

#include <cjson/cJSON.h>

/* A pattern's or a jq expression's length: each is quoted in messages. */
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
	/* getenv_fn is hb_spec_no_env: the last value expanded used a
	 * variable only the pod knows (unknown), and so did the field the
	 * check's target comes from (need: that field). */
	bool unknown;
	char **need;
	bool need_unknown;
};

/* Messages and paths (spec.c). spec_fail fills the error with the source
 * and the JSON path and returns -1. */
int spec_fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int spec_fail_oom(struct parser *p);
/* A user's value, on one line and short, to quote in a message. Never used
 * for URLs, passwords or file contents: those may hold secrets. */
const char *spec_shown(char *dst, size_t size, const char *s);
/* Appends ".key" or "[i]" to the path; returns the length to pop back to. */
size_t spec_path_key(struct path *pa, const char *key);
size_t spec_path_index(struct path *pa, size_t i);
void spec_path_pop(struct path *pa, size_t old);
/* Fails on key, suggesting the closest of n candidates. */
int spec_unknown_key(struct parser *p, const char *key,
		     const char *const *cands, size_t n);

/* Values (spec_values.c): each stores v into *out or fails at the path. */
int spec_expand(struct parser *p, const char *s, char **out);
int spec_take_string(struct parser *p, const cJSON *v, char **out);
int spec_take_bool(struct parser *p, const cJSON *v, bool *out);
int spec_take_int(struct parser *p, const cJSON *v, long long min,
		  long long max, long long *out);
int spec_take_duration(struct parser *p, const cJSON *v, bool positive,
		       int64_t *ms);
int spec_take_regex(struct parser *p, const cJSON *v, char **out,
		    const char *literal);
int spec_no_duplicate_keys(struct parser *p, const cJSON *o);
int spec_parse_status(struct parser *p, const cJSON *v, struct hb_expect *e);
int spec_parse_headers(struct parser *p, const cJSON *v, struct hb_check *c);
int spec_parse_jq(struct parser *p, const cJSON *v, char **out);
int spec_parse_json_expect(struct parser *p, const cJSON *v,
			   struct hb_expect *e);
int spec_parse_addresses(struct parser *p, const cJSON *v,
			 struct hb_expect *e);
int spec_parse_column(struct parser *p, const cJSON *v, struct hb_expect *e);
int spec_parse_family(struct parser *p, const cJSON *v, int *family);
int spec_parse_follow(struct parser *p, const cJSON *v,
		      enum hb_follow *follow);
int spec_parse_method(struct parser *p, const cJSON *v, struct hb_check *c);
int spec_parse_retry(struct parser *p, const cJSON *v, struct hb_retry *r);
/* spec_proxy.c */
int spec_parse_proxy(struct parser *p, const cJSON *v, struct hb_check *c);

/* "after" (spec_order.c): parses one check's list; once every check is
 * parsed and named, resolves the names and refuses unknown ones, a check
 * after itself and cycles, at the path of the entry at fault. */
int spec_parse_after(struct parser *p, const cJSON *v, struct hb_check *c);
int spec_resolve_after(struct parser *p);
/* "retry_on": failure class names into bits of enum hb_class. */
int spec_parse_retry_on(struct parser *p, const cJSON *v, uint32_t *bits);

/* Records a "<key>_file" whose path (owned, taken) fills field once the
 * agent reads it (hb_spec_resolve_files), at the current JSON path. */
int spec_add_file(struct parser *p, char *path, char **field);

/* A kubernetes check's fields (spec_k8s.c): its object, namespace,
 * condition and rollout, and where its token, CA and namespace come from
 * when the check does not say (the pod's ServiceAccount). */
int spec_k8s_check(struct parser *p, const cJSON *o, struct hb_check *c);

/* Targets (spec_target.c), pure. */
bool spec_has_space_or_control(const char *s, bool space_ok);
/* Gives an http check's URL without a scheme ("svc:80/path") the kind's
 * first one ("http://"), as wget and curl do; leaves any other URL as it
 * is. Returns 0 or -ENOMEM. */
int spec_default_scheme(struct hb_check *c, unsigned kind);
/* Sets c's target from the field it comes from; "" while that field
 * waits for its file. Returns 0 or -ENOMEM. */
int spec_set_target(struct hb_check *c, unsigned kind);
/* The problem with the value of a field a target derives from, or NULL;
 * buf may hold the message. */
const char *spec_target_field_problem(const struct hb_check *c, unsigned kind,
				      char *const *field, char *buf,
				      size_t buflen);

/* Rules across a check's fields (spec_rules.c). */
bool spec_has_key(const cJSON *o, const char *key);
/* A ready check's query, command or expectation fails at its key. */
int spec_ready_alone(struct parser *p, const cJSON *o);
/* An http check's credentials in one place, and each one word or name. */
int spec_http_credentials(struct parser *p, const cJSON *o,
			  const struct hb_check *c);
/* A grpc check's TLS settings imply "tls" (set in c); a key without its
 * certificate, a bad server_name or service fail at their key. */
int spec_grpc_rules(struct parser *p, const cJSON *o, struct hb_check *c);

#endif
