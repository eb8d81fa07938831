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

/* For a TLS_ERROR: the detail "tls_error", "verify" when the client
 * library's message says the certificate failed verification (OpenSSL's
 * "certificate verify failed", libpq's host name mismatch), which no wait
 * fixes, else "handshake" (pool.c). */
void hb_db_tls_detail(struct hb_attempt *a, const char *msg);

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
	char missing_buf[160]; /* room for missing */
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

/* An SQL result, read through its library's calls (PQgetvalue,
 * mysql_data_seek...). */
struct hb_table {
	long long rows;  /* rows returned, or affected by a command */
	size_t columns;  /* 0: no result set (a command) */
	const void *res;
	const char *(*name)(const void *res, size_t col);
	/* The value at row, col as text; NULL for an SQL NULL. */
	const char *(*value)(const void *res, long long row, size_t col);
};

/* The same for an SQL query: compares the value expect.column and
 * expect.row select (the first by default); an unknown column or a row
 * past the end fails as ASSERTION_FAILED naming the columns or the count. */
void hb_expect_table(const struct hb_check *c, struct hb_pattern *re,
		     const struct hb_table *t, struct hb_attempt *a);

/* Passes a ready check, its message saying what the server answered
 * (printf). */
void hb_ready_pass(struct hb_attempt *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
