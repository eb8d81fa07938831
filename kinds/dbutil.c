/* SPDX-License-Identifier: MIT */
/* Judging database answers against a check's expectations. */
#include "dbutil.h"

#include "driver.h"
#include "check.h"
#include "pattern.h"
#include "strutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *hb_quote(const char *value, char *buf, size_t size)
{
	char cut[HB_QUOTE_MAX + 1];
	hb_strlcpy(cut, value, sizeof(cut));
	snprintf(buf, size, "\"%s%s\"", cut,
		 strlen(value) > HB_QUOTE_MAX ? "..." : "");
	return buf;
}

int hb_expect_pattern_new(const struct hb_check *c, struct hb_pattern **re,
			  struct hb_attempt *a)
{
	char why[200];
	*re = NULL;
	if (c->expect.pattern &&
	    !(*re = hb_pattern_new(c->expect.pattern, why, sizeof(why)))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "bad pattern /%s/: %s",
				c->expect.pattern, why);
		return -1;
	}
	return 0;
}

void hb_expect_answer(const struct hb_check *c, struct hb_pattern *re,
		      const struct hb_answer *ans, struct hb_attempt *a)
{
	const struct hb_expect *e = &c->expect;
	char q1[HB_QUOTE_BUF], q2[HB_QUOTE_BUF];
	if (e->rows >= 0 && ans->rows != e->rows) {
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"%s %lld %s%s, expected %lld", ans->rows_what,
				ans->rows, ans->unit, ans->rows == 1 ? "" : "s",
				(long long)e->rows);
		return;
	}
	if (!e->value && !re) {
		hb_attempt_pass(a);
		return;
	}
	if (!ans->first) {
		if (e->value)
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"%s, expected %s", ans->missing,
					hb_quote(e->value, q2, sizeof(q2)));
		else
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"%s, expected a match of /%s/",
					ans->missing, e->pattern);
		return;
	}
	if (e->value && strcmp(ans->first, e->value) != 0) {
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"%s is %s, expected %s", ans->noun,
				hb_quote(ans->first, q1, sizeof(q1)),
				hb_quote(e->value, q2, sizeof(q2)));
		return;
	}
	char why[128];
	int m = re ? hb_pattern_match(re, ans->first, strlen(ans->first), why,
				      sizeof(why))
		   : 1;
	if (m <= 0) {
		if (m < 0)
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"%s not matched against /%s/: PCRE2 "
					"stopped at %s",
					ans->noun, e->pattern, why);
		else
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"%s %s does not match /%s/", ans->noun,
					hb_quote(ans->first, q1, sizeof(q1)),
					e->pattern);
		return;
	}
	hb_attempt_pass(a);
}

/* Names the selected value for messages: "first value" for the default,
 * else 'column "Value"', "column 2", with " of row 3" past the first. */
static void selection_noun(const struct hb_expect *e, char *dst, size_t size)
{
	char col[96];
	if (e->column)
		snprintf(col, sizeof(col), "column \"%.64s\"", e->column);
	else if (e->column_index > 0)
		snprintf(col, sizeof(col), "column %lld",
			 (long long)e->column_index);
	else
		snprintf(col, sizeof(col), "%s",
			 e->row > 0 ? "first column" : "first value");
	if (e->row > 0)
		snprintf(dst, size, "%s of row %lld", col, (long long)e->row);
	else
		snprintf(dst, size, "%s", col);
}

/* The result's column names, quoted, for a message: "a", "b", ... */
static void column_list(const struct hb_table *t, char *dst, size_t size)
{
	size_t used = 0;
	dst[0] = '\0';
	for (size_t i = 0; i < t->columns && used + 1 < size; i++) {
		const char *n = t->name(t->res, i);
		int w = snprintf(dst + used, size - used, "%s\"%.64s\"",
				 i ? ", " : "", n ? n : "?");
		if (w < 0 || (size_t)w >= size - used) {
			/* Cut whole names only. */
			snprintf(dst + used, size - used, "%s...", i ? ", " : "");
			return;
		}
		used += (size_t)w;
	}
}

/* Finds the column expect.column names: exactly, else ignoring case, as
 * MySQL compares names and PostgreSQL folds unquoted ones. Fails a and
 * returns false when there is none. */
static bool select_column(const struct hb_table *t, const struct hb_expect *e,
			  size_t *col, struct hb_attempt *a)
{
	char cols[300];
	if (!e->column) {
		if ((size_t)e->column_index < t->columns) {
			*col = (size_t)e->column_index;
			return true;
		}
		column_list(t, cols, sizeof(cols));
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"expect.column %lld is past the result's %zu "
				"column%s (%s; the first is 0)",
				(long long)e->column_index, t->columns,
				t->columns == 1 ? "" : "s", cols);
		return false;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->columns; i++) {
			const char *n = t->name(t->res, i);
			if (n && (pass ? strcasecmp(n, e->column)
				       : strcmp(n, e->column)) == 0) {
				*col = i;
				return true;
			}
		}
	column_list(t, cols, sizeof(cols));
	hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
			"no column \"%.64s\" in the result (its columns: %s)",
			e->column, cols);
	return false;
}

void hb_expect_table(const struct hb_check *c, struct hb_pattern *re,
		     const struct hb_table *t, struct hb_attempt *a)
{
	const struct hb_expect *e = &c->expect;
	char noun[128];
	selection_noun(e, noun, sizeof(noun));
	struct hb_answer ans = {
		.rows = t->rows,
		.rows_what = "query returned",
		.unit = "row",
		.noun = noun,
		.missing = "query returned no rows",
	};
	/* The row count is judged first (hb_expect_answer), and a value
	 * is selected only when one is compared. */
	bool compare = (e->rows < 0 || t->rows == e->rows) && (e->value || re);
	bool first = !e->column && e->column_index == 0 && e->row == 0;
	if (compare && t->columns > 0) {
		/* The column is checked even with no rows: a misspelt name
		 * would otherwise pass unnoticed until the table fills. */
		size_t col = 0;
		if (!select_column(t, e, &col, a))
			return;
		if (t->rows > 0 && e->row >= t->rows) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"expect.row %lld is past the end: the "
					"query returned %lld row%s (the first is 0)",
					(long long)e->row, t->rows,
					t->rows == 1 ? "" : "s");
			return;
		}
		ans.first = e->row < t->rows ? t->value(t->res, e->row, col)
					     : NULL;
		if (!ans.first && t->rows > 0) {
			snprintf(ans.missing_buf, sizeof(ans.missing_buf),
				 "%s is NULL", noun);
			ans.missing = ans.missing_buf;
		} else if (ans.first && !first) {
			hb_attempt_detail(a, "value", "%s", ans.first);
		}
	}
	hb_expect_answer(c, re, &ans, a);
}

void hb_ready_pass(struct hb_attempt *a, const char *fmt, ...)
{
	char msg[HB_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hb_attempt_pass(a);
	hb_oneline(a->message, sizeof(a->message), msg);
}

void hb_db_tls_detail(struct hb_attempt *a, const char *msg)
{
	bool verify = strstr(msg, "certificate verify failed") ||
		      strstr(msg, "does not match host name") ||
		      strstr(msg, "root certificate file");
	hb_attempt_detail(a, "tls_error", "%s", verify ? "verify" : "handshake");
}
