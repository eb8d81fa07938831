/* SPDX-License-Identifier: MIT */
/* expect.jq through libjq (kinds/jq_expect.h): compiling an expression, and
 * judging a body by what it yields. */
#include "jq_expect.h"

#include <jq.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of jq's compile message is kept. */
#define JQ_MSG_MAX 200

struct hb_jq {
	jq_state *jq;
};

/* jq's first compile message, without its "jq: error: " and the lines
 * that quote the expression. */
static void on_error(void *data, jv msg)
{
	char *dst = data;
	if (!dst[0] && jv_get_kind(msg) == JV_KIND_STRING) {
		const char *m = jv_string_value(msg);
		if (strncmp(m, "jq: error: ", 11) == 0)
			m += 11;
		size_t n = strcspn(m, "\n");
		while (n && m[n - 1] == ':')
			n--;
		snprintf(dst, JQ_MSG_MAX, "%.*s", (int)n, m);
	}
	jv_free(msg);
}

/* debug's messages (and any message once compiled) would go to the
 * agent's stderr: dropped. */
static void on_debug(void *data, jv msg)
{
	(void)data;
	jv_free(msg);
}

struct hb_jq *hb_jq_new(const char *expr, char *errbuf, size_t errlen)
{
	char msg[JQ_MSG_MAX] = "";
	struct hb_jq *q = calloc(1, sizeof(*q));
	if (!q || !(q->jq = jq_init())) {
		free(q);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	jq_set_error_cb(q->jq, on_error, msg);
	jq_set_debug_cb(q->jq, on_debug, NULL);
	/* No search path: "import" and "include" find nothing to read. */
	jq_set_attr(q->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	/* libjq 1.6 also imports $HOME/.jq whenever HOME is set: a file
	 * the spec did not name. The agent and the child are single-threaded
	 * here, so HOME can be put back at once. */
	char *home = getenv("HOME");
	if (home && !(home = strdup(home))) {
		hb_jq_free(q);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	unsetenv("HOME");
	int ok = jq_compile(q->jq, expr);
	if (home) {
		setenv("HOME", home, 1);
		free(home);
	}
	if (!ok) {
		snprintf(errbuf, errlen, "%s", msg[0] ? msg : "jq compile error");
		hb_jq_free(q);
		return NULL;
	}
	/* msg goes out of scope. */
	jq_set_error_cb(q->jq, on_debug, NULL);
	return q;
}

/* Appends v's JSON text to got ("a, b"), ending it with "..." once it is
 * full (*cut). Consumes v. */
static void add_shown(char *got, size_t size, bool *cut, jv v)
{
	if (*cut || size < 4) {
		jv_free(v);
		return;
	}
	size_t len = strlen(got);
	jv text = jv_dump_string(v, 0);
	int n = snprintf(got + len, size - len, "%s%s", len ? ", " : "",
			 jv_string_value(text));
	jv_free(text);
	if (n < 0 || (size_t)n >= size - len) {
		memcpy(got + size - 4, "...", 4);
		*cut = true;
	}
}

int hb_jq_judge(struct hb_jq *q, const char *json, size_t len, char *got,
		size_t gotlen)
{
	got[0] = '\0';
	jv in = jv_parse_sized(json, (int)(len > 0x7fffffff ? 0x7fffffff : len));
	if (!jv_is_valid(in)) {
		jv m = jv_invalid_get_msg(in);
		snprintf(got, gotlen, "the body is not JSON (%s)",
			 jv_get_kind(m) == JV_KIND_STRING ? jv_string_value(m)
							  : "?");
		jv_free(m);
		return -1;
	}
	jq_start(q->jq, in, 0);
	int outputs = 0;
	bool all_true = true, cut = false;
	jv r;
	while (jv_is_valid(r = jq_next(q->jq))) {
		if (jv_get_kind(r) != JV_KIND_TRUE)
			all_true = false;
		add_shown(got, gotlen, &cut, r);
		if (++outputs > HB_JQ_MAX_OUTPUTS) {
			r = jv_invalid();
			break;
		}
	}
	if (jv_invalid_has_msg(jv_copy(r))) {
		jv m = jv_invalid_get_msg(r);
		jv text = jv_get_kind(m) == JV_KIND_STRING ? m
							   : jv_dump_string(m, 0);
		snprintf(got, gotlen, "error: %s", jv_string_value(text));
		jv_free(text);
		return -1;
	}
	jv_free(r);
	if (outputs > HB_JQ_MAX_OUTPUTS) {
		snprintf(got, gotlen, "more than %d outputs",
			 HB_JQ_MAX_OUTPUTS);
		return 0;
	}
	if (outputs == 0) {
		snprintf(got, gotlen, "nothing");
		return 0;
	}
	return all_true;
}

void hb_jq_free(struct hb_jq *q)
{
	if (!q)
		return;
	jq_teardown(&q->jq);
	free(q);
}

#ifdef HB_JQ_MODULE
/* The jq module (hookbox-jq.so), loaded by the agent only for a spec
 * with expect.jq: so that no other run maps libjq, libonig and libm. */
__attribute__((visibility("default"))) struct hb_jq *
hb_jq_compile(const char *expr, char *errbuf, size_t errlen)
{
	return hb_jq_new(expr, errbuf, errlen);
}

__attribute__((visibility("default"))) void hb_jq_release(struct hb_jq *q)
{
	hb_jq_free(q);
}
#endif
