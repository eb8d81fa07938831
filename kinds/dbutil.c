/* SPDX-License-Identifier: MIT */
/* Judging database answers against a check's expectations. */
#include "dbutil.h"

#include "driver.h"
#include "check.h"
#include "pattern.h"
#include "strutil.h"

#include <stdio.h>
#include <string.h>

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

void hb_expect_query_answer(const struct hb_check *c, struct hb_pattern *re,
			    long long rows, const char *first, bool is_null,
			    struct hb_attempt *a)
{
	struct hb_answer ans = {
		.rows = rows,
		.rows_what = "query returned",
		.unit = "row",
		.first = rows ? first : NULL,
		.noun = "first value",
		.missing = is_null ? "first value is NULL" : "query returned no rows",
	};
	hb_expect_answer(c, re, &ans, a);
}
