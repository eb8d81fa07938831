/* SPDX-License-Identifier: MIT */
/* The spec's ${VAR} expansion: ${VAR}, ${VAR:-default} and $$, read from a
 * getenv function the caller gives (no I/O here). */
#include "expand.h"

#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string after ${VAR} expansion: far more than any URL or query needs,
 * small enough that a runaway default cannot eat the pod's memory. */
#define MAX_STRING (1u << 20)
/* ${A:-${B:-${C}}} nesting. */
#define MAX_EXPAND_DEPTH 8

/* One expansion: where the values come from, where the error goes. */
struct expansion {
	hb_getenv_fn getenv_fn;
	char *err;
	size_t errlen;
	int rc; /* what hb_expand returns once expand_into failed */
	bool keep_unset; /* an unset ${VAR} stays as written */
	bool unset;      /* ... and one did */
};

static int fail(struct expansion *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct expansion *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errlen, fmt, ap);
	va_end(ap);
	x->rc = -EINVAL;
	return -1;
}

static int put(struct expansion *x, struct hb_buf *b, const char *s, size_t n)
{
	int rc = hb_buf_append(b, s, n);
	if (rc == -E2BIG)
		return fail(x, "longer than %u KiB after expanding variables",
			    MAX_STRING >> 10);
	if (rc < 0) {
		snprintf(x->err, x->errlen, "out of memory");
		x->rc = -ENOMEM;
		return -1;
	}
	return 0;
}

static bool var_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* Expands ${VAR}, ${VAR:-default} and $$ in s[0..n) into b. A lone "$" stays
 * as it is, so that regex anchors like "^ok$" need no escaping. */
static int expand_into(struct expansion *x, struct hb_buf *b, const char *s,
		       size_t n, int depth)
{
	size_t i = 0;
	while (i < n) {
		size_t lit = 0;
		while (i + lit < n && s[i + lit] != '$')
			lit++;
		if (lit && put(x, b, s + i, lit) < 0)
			return -1;
		i += lit;
		if (i >= n)
			break;
		if (i + 1 >= n || (s[i + 1] != '$' && s[i + 1] != '{')) {
			if (put(x, b, "$", 1) < 0)
				return -1;
			i++;
			continue;
		}
		if (s[i + 1] == '$') {
			if (put(x, b, "$", 1) < 0)
				return -1;
			i += 2;
			continue;
		}
		/* "${": find the matching "}", past any nested "${...}". */
		size_t start = i + 2, j = start, level = 1;
		while (j < n) {
			if (s[j] == '$' && j + 1 < n && s[j + 1] == '$') {
				j += 2;
				continue;
			}
			if (s[j] == '$' && j + 1 < n && s[j + 1] == '{') {
				level++;
				j += 2;
				continue;
			}
			if (s[j] == '}' && --level == 0)
				break;
			j++;
		}
		if (j >= n)
			return fail(x, "unterminated \"${\" (write \"$$\" for a "
				       "literal \"$\")");
		size_t name_len = 0;
		while (start + name_len < j &&
		       var_char(s[start + name_len], name_len == 0))
			name_len++;
		const char *rest = s + start + name_len;
		bool has_default = false;
		if (name_len == 0)
			return fail(x, "expected a variable name after \"${\"");
		if (rest < s + j) {
			if (s + j - rest < 2 || rest[0] != ':' || rest[1] != '-')
				return fail(x, "expected \"${NAME}\" or "
					       "\"${NAME:-default}\"");
			has_default = true;
		}
		char name[128];
		if (name_len >= sizeof(name))
			return fail(x, "variable name longer than %zu bytes",
				    sizeof(name) - 1);
		memcpy(name, s + start, name_len);
		name[name_len] = '\0';
		const char *v = x->getenv_fn(name);
		/* Like the shell's ":-", an empty value takes the default. */
		if (v && (*v || !has_default)) {
			if (put(x, b, v, strlen(v)) < 0)
				return -1;
		} else if (has_default) {
			if (depth >= MAX_EXPAND_DEPTH)
				return fail(x, "defaults nested more than %d "
					       "deep", MAX_EXPAND_DEPTH);
			size_t dlen = (size_t)(s + j - rest - 2);
			if (expand_into(x, b, rest + 2, dlen, depth + 1) < 0)
				return -1;
		} else if (x->keep_unset) {
			x->unset = true;
			if (put(x, b, s + i, j + 1 - i) < 0)
				return -1;
		} else {
			return fail(x, "environment variable \"%s\" is not set",
				    name);
		}
		i = j + 1;
	}
	return 0;
}

int hb_expand(const char *s, hb_getenv_fn getenv_fn, char **out, char *err,
	      size_t errlen)
{
	return hb_expand_partial(s, getenv_fn, NULL, out, err, errlen);
}

int hb_expand_partial(const char *s, hb_getenv_fn getenv_fn, bool *unset,
		      char **out, char *err, size_t errlen)
{
	struct expansion x = { getenv_fn, err, errlen, 0, unset != NULL, false };
	if (unset)
		*unset = false;
	struct hb_buf b;
	hb_buf_init(&b, MAX_STRING);
	if (expand_into(&x, &b, s, strlen(s), 0) < 0) {
		hb_buf_release(&b);
		return x.rc;
	}
	*out = hb_buf_take(&b, NULL);
	hb_buf_release(&b);
	if (unset)
		*unset = x.unset;
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}
