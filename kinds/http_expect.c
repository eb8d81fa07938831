/* SPDX-License-Identifier: MIT */
/* The http kind's expectations on an answer: its status, the body's regex,
 * the text it contains, the JSON pairs, the jq expression, the
 * certificate's days left and the latency, with the messages that quote
 * what came instead. */
#include "http_int.h"
#include "driver.h"
#include "jq_expect.h"
#include "pattern.h"

#include "addr.h"
#include "buf.h"
#include "check.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -- describing what was expected ------------------------------------------ */

/* The accepted statuses as a user would write them: "2xx", "200,204",
 * "2xx,304". Built from hb_expect_status_ok so it cannot disagree with it. */
static void describe_statuses(const struct hb_expect *e, char *dst, size_t size)
{
	size_t len = 0;
	dst[0] = '\0';
	for (int cls = 1; cls <= 5; cls++) {
		int all = 1;
		for (int code = cls * 100; code < cls * 100 + 100; code++)
			if (!hb_expect_status_ok(e, code))
				all = 0;
		int wrote = 0;
		if (all) {
			wrote = snprintf(dst + len, size - len, "%s%dxx",
					 len ? "," : "", cls);
		} else {
			for (int code = cls * 100; code < cls * 100 + 100;
			     code++) {
				if (!hb_expect_status_ok(e, code))
					continue;
				int w = snprintf(dst + len, size - len, "%s%d",
						 len ? "," : "", code);
				if (w < 0 || (size_t)w >= size - len)
					return;
				len += (size_t)w;
			}
		}
		if (wrote < 0 || (size_t)wrote >= size - len)
			return;
		len += (size_t)wrote;
	}
}

/* Up to QUOTE_MAX bytes of text on one line, with "..." when cut. */
static void quote(char *dst, size_t size, const char *src, size_t len)
{
	char tmp[QUOTE_MAX + 4];
	size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
	memcpy(tmp, src, n);
	/* A NUL inside the body would end the quote early: show a space. */
	for (size_t i = 0; i < n; i++)
		if (tmp[i] == '\0')
			tmp[i] = ' ';
	if (n < len)
		memcpy(tmp + n, "...", 4);
	else
		tmp[n] = '\0';
	hb_oneline(dst, size, tmp);
}

static void truncation_note(const struct http_state *s, char *dst, size_t size)
{
	if (s->truncated)
		snprintf(dst, size,
			 " (only the first %u bytes of %lld were kept)",
			 BODY_CAP, (long long)s->body_total);
	else
		dst[0] = '\0';
}

/* -- expectations ---------------------------------------------------------- */

/* Follows "a.b.0" through objects (keys) and arrays (indexes). Returns the
 * value, or NULL with the first missing step in stop. */
static const cJSON *json_walk(const cJSON *root, const char *path, char *stop,
			      size_t stoplen)
{
	const cJSON *cur = root;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[256];
		if (n >= sizeof(key)) {
			hb_strlcpy(stop, "(a step longer than 255 bytes)",
				   stoplen);
			return NULL;
		}
		memcpy(key, p, n);
		key[n] = '\0';
		const cJSON *next = NULL;
		if (cJSON_IsArray(cur)) {
			char *end;
			long idx = strtol(key, &end, 10);
			if (n && !*end && idx >= 0 &&
			    idx < cJSON_GetArraySize(cur))
				next = cJSON_GetArrayItem(cur, (int)idx);
		} else if (cJSON_IsObject(cur)) {
			next = cJSON_GetObjectItemCaseSensitive(cur, key);
		}
		if (!next) {
			hb_strlcpy(stop, key, stoplen);
			return NULL;
		}
		cur = next;
		p = dot ? dot + 1 : p + n;
	}
	return cur;
}

/* Compares each expect.json pair; fails a on the first mismatch. Numbers
 * compare by value (1 equals 1.0), objects regardless of key order. */
static bool check_json(const struct hb_check *c, struct http_state *s,
		       struct hb_attempt *a)
{
	char note[128];
	truncation_note(s, note, sizeof(note));
	cJSON *doc = cJSON_ParseWithLength(hb_buf_str(&s->body), s->body.len);
	if (!doc) {
		const char *err = cJSON_GetErrorPtr();
		long off = err ? (long)(err - hb_buf_str(&s->body)) : -1;
		if (off < 0 || (size_t)off > s->body.len)
			off = 0;
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"body is not JSON (invalid near byte %ld)%s",
				off, note);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; ok && i < c->expect.n_json; i++) {
		const struct hb_json_expect *je = &c->expect.json[i];
		char stop[256];
		const cJSON *got = json_walk(doc, je->path, stop, sizeof(stop));
		cJSON *want = cJSON_Parse(je->value);
		if (!want) {
			hb_attempt_fail(
				a, HB_CLASS_INTERNAL,
				"json \"%s\": the expected value %s is not "
				"JSON",
				je->path, je->value);
			ok = false;
		} else if (!got) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"json \"%s\" is missing (no \"%s\")%s",
					je->path, stop, note);
			ok = false;
		} else if (!cJSON_Compare(got, want, true)) {
			char *text = cJSON_PrintUnformatted(got);
			char shown[QUOTE_MAX * 2];
			quote(shown, sizeof(shown), text ? text : "?",
			      text ? strlen(text) : 1);
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"json \"%s\" is %s, expected %s",
					je->path, shown, je->value);
			cJSON_free(text);
			ok = false;
		}
		cJSON_Delete(want);
	}
	cJSON_Delete(doc);
	return ok;
}

void http_check_expectations(const struct hb_check *c, struct http_state *s,
			     long status, struct hb_attempt *a)
{
	const struct hb_expect *e = &c->expect;
	char note[128];
	truncation_note(s, note, sizeof(note));

	if (!hb_expect_status_ok(e, status)) {
		char want[256];
		describe_statuses(e, want, sizeof(want));
		/* A redirect the check did not follow: where it pointed is
		 * what the user needs (a login page, https, a trailing
		 * slash), shown without its credentials. */
		char *loc = NULL, shown[256];
		if (status >= 300 && status <= 399 &&
		    curl_easy_getinfo(s->curl, CURLINFO_REDIRECT_URL, &loc) ==
			    CURLE_OK &&
		    loc && *loc) {
			hb_redact_url(shown, sizeof(shown), loc);
			hb_attempt_fail(a, HB_CLASS_HTTP_STATUS,
					"status %ld, expected %s (a redirect "
					"to \"%s\", not followed)",
					status, want, shown);
		} else {
			hb_attempt_fail(a, HB_CLASS_HTTP_STATUS,
					"status %ld, expected %s", status,
					want);
		}
		return;
	}
	if (s->re) {
		char why[128];
		int m = hb_pattern_match(s->re, hb_buf_str(&s->body),
					 s->body.len, why, sizeof(why));
		if (hb_pattern_jitted(s->re))
			hb_attempt_detail(a, "regex", "jit");
		if (m < 0) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"body not matched against /%s/: PCRE2 "
					"stopped at %s; a repetition inside a "
					"repetition, as in (a+)+, backtracks "
					"without end: make the pattern more "
					"specific%s",
					e->body, why, note);
			return;
		}
		if (m == 0) {
			char shown[QUOTE_MAX * 2];
			quote(shown, sizeof(shown), hb_buf_str(&s->body),
			      s->body.len);
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"body does not match /%s/: \"%s\"%s",
					e->body, shown, note);
			return;
		}
	}
	if (e->contains &&
	    !memmem(hb_buf_str(&s->body), s->body.len, e->contains,
		    strlen(e->contains))) {
		char shown[QUOTE_MAX * 2], want[QUOTE_MAX * 2];
		quote(shown, sizeof(shown), hb_buf_str(&s->body), s->body.len);
		quote(want, sizeof(want), e->contains, strlen(e->contains));
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"body does not contain \"%s\": \"%s\"%s", want,
				shown, note);
		return;
	}
	if (e->n_json && !check_json(c, s, a))
		return;
	if (s->jq) {
		char got[QUOTE_MAX * 2];
		int ok = hb_jq_judge(s->jq, hb_buf_str(&s->body), s->body.len,
				     got, sizeof(got));
		if (ok != 1) {
			char expr[QUOTE_MAX * 2];
			quote(expr, sizeof(expr), e->jq, strlen(e->jq));
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					ok < 0 ? "jq \"%s\": %s%s"
					       : "jq \"%s\" yielded %s, expected "
						 "true%s",
					expr, got, note);
			return;
		}
	}
	if (s->https && c->min_cert_days > 0) {
		const char *days = hb_attempt_get_detail(a, "cert_days_left");
		if (!days) {
			hb_attempt_fail(
				a, HB_CLASS_INTERNAL,
				"no certificate expiry to check (needs %d "
				"days)",
				c->min_cert_days);
			return;
		}
		long left = strtol(days, NULL, 10);
		if (left < 0) {
			/* Reached only with --insecure: verification would
			 * have refused the handshake. */
			hb_attempt_fail(
				a, HB_CLASS_ASSERTION_FAILED,
				"certificate expired %ld day%s ago (needs %d "
				"left)",
				-left, left == -1 ? "" : "s", c->min_cert_days);
			return;
		}
		if (left < c->min_cert_days) {
			hb_attempt_fail(
				a, HB_CLASS_ASSERTION_FAILED,
				"certificate expires in %ld day%s (needs %d)",
				left, left == 1 ? "" : "s", c->min_cert_days);
			return;
		}
	}
	if (e->max_latency_ms > 0 &&
	    a->timing.total_ms > (double)e->max_latency_ms) {
		char max[32];
		http_fmt_ms(max, sizeof(max), e->max_latency_ms);
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"took %.0fms, more than the %s allowed",
				a->timing.total_ms, max);
		return;
	}
	hb_attempt_pass(a);
}
