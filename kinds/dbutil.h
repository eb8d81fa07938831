/* SPDX-License-Identifier: MIT */
/* What the database kinds (postgres, mysql, redis) share: judging an answer
 * against expect.rows, expect.value and expect.pattern, and quoting values
 * in messages. Linked into each module. */
#ifndef HB_DBUTIL_H
#define HB_DBUTIL_H

#include <stdbool.h>
#include <stddef.h>

struct hb_check;
struct hb_attempt;
struct hb_pattern;

/* Values longer than this are cut, with "...", in messages. */
#define HB_QUOTE_MAX 80
#define HB_QUOTE_BUF (HB_QUOTE_MAX + 8)

/* value in double quotes, cut at HB_QUOTE_MAX bytes; returns buf. */
const char *hb_quote(const char *value, char *buf, size_t size);

/* What a query or command answered, worded for its kind. */
struct hb_answer {
	long long rows;        /* rows, or an array's elements */
	const char *rows_what; /* "query returned", "reply has" */
	const char *unit;      /* "row", "element" */
	const char *first;     /* the first value as text; NULL: none */
	const char *noun;      /* what first is: "first value", "reply" */
	const char *missing;   /* why first is NULL: "first value is NULL" */
};

/* Compiles c's expect.pattern into *re (NULL without one). Returns 0, or
 * -1 with a failed. */
int hb_expect_pattern_new(const struct hb_check *c, struct hb_pattern **re,
			  struct hb_attempt *a);

/* Passes a when the answer meets c's expectations (re: the compiled
 * expect.pattern, or NULL), else fails it as ASSERTION_FAILED saying what
 * came and what was expected. */
void hb_expect_answer(const struct hb_check *c, struct hb_pattern *re,
		      const struct hb_answer *ans, struct hb_attempt *a);

/* The same for an SQL query: rows rows, first the first column of the
 * first row (NULL for no rows or an SQL NULL). */
void hb_expect_query_answer(const struct hb_check *c, struct hb_pattern *re,
			    long long rows, const char *first, bool is_null,
			    struct hb_attempt *a);

#endif
