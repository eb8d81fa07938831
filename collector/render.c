/* SPDX-License-Identifier: MIT */
/* Text, JUnit and JSON renderings of a reduction. */
#include "render.h"

#include "strutil.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hb_json_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

double hb_json_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static bool jbool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

int hb_phase_exit_code(const char *phase)
{
	if (strcmp(phase, "Succeeded") == 0)
		return 0;
	if (strcmp(phase, "Failed") == 0)
		return 1;
	return 3;
}

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil), so the
 * weekday needs neither timegm nor the TZ database. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

void hb_format_ansic(char *dst, size_t size, const char *ts)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, mo, d, h, mi, s;
	if (!ts || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31) {
		snprintf(dst, size, "%s", ts ? ts : "");
		return;
	}
	long days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	long w = days % 7;
	if (w < 0)
		w += 7;
	/* Go's ANSIC layout pads the day with a space: "Mon Jan  2". */
	snprintf(dst, size, "%s %s %2d %02d:%02d:%02d %d", wd[w], mon[mo - 1], d, h,
		 mi, s, y);
}

static bool check_failed(const cJSON *c)
{
	const char *o = hb_json_str(c, "outcome");
	return strcmp(o, "FAILED") == 0 || strcmp(o, "ERROR") == 0 ||
	       strcmp(o, "CANCELLED") == 0;
}

/* Whether a terminal may act on code point cp rather than show it: C0, DEL
 * and C1 (xterm takes U+009B as CSI even in UTF-8), and the bidirectional
 * overrides and isolates that reorder what follows them on the line. */
static bool text_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int hb_text_escape(struct hb_buf *b, const char *s)
{
	return hb_text_escape_n(b, s, strlen(s));
}

int hb_text_escape_n(struct hb_buf *b, const char *s, size_t n)
{
	int rc = 0;
	for (size_t i = 0, k; rc == 0 && i < n; i += k) {
		uint32_t cp;
		k = hb_utf8_next(s + i, n - i, &cp);
		if (!k) {
			k = 1;
			rc = hb_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
		} else if (!text_control(cp)) {
			rc = hb_buf_append(b, s + i, k);
		} else if (cp == '\n') {
			rc = hb_buf_appends(b, "\\n");
		} else if (cp == '\t') {
			rc = hb_buf_appends(b, "\\t");
		} else if (cp == '\r') {
			rc = hb_buf_appends(b, "\\r");
		} else if (cp < 0x80) {
			rc = hb_buf_printf(b, "\\x%02x", (unsigned)cp);
		} else {
			rc = hb_buf_printf(b, "\\u%04x", (unsigned)cp);
		}
	}
	return rc;
}

/* hb_buf_printf for the text rendering, whose strings all come from
 * reports: %s is the only conversion, each argument shown through
 * hb_text_escape, so that a report cannot drive the reader's terminal. */
int hb_escape_vprintf(struct hb_buf *b, int (*escape)(struct hb_buf *, const char *),
		      const char *fmt, va_list ap)
{
	int rc = 0;
	while (rc == 0 && *fmt) {
		const char *conv = strstr(fmt, "%s");
		size_t n = conv ? (size_t)(conv - fmt) : strlen(fmt);
		rc = hb_buf_append(b, fmt, n);
		if (rc == 0 && conv)
			rc = escape(b, va_arg(ap, const char *));
		fmt += n + (conv ? 2 : 0);
	}
	return rc;
}

int hb_text_printf(struct hb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = hb_escape_vprintf(b, hb_text_escape, fmt, ap);
	va_end(ap);
	return rc;
}

static int render_text(struct hb_buf *b, const cJSON *red)
{
	const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(red, "hooks"), *h, *c;
	int rc = hb_text_printf(b, "NAME: %s\nNAMESPACE: %s\n", hb_json_str(red, "release"),
			     hb_json_str(red, "namespace"));
	if (rc == 0)
		rc = hb_buf_printf(b, "REVISION: %.0f\n", hb_json_num(red, "revision"));
	if (rc == 0)
		rc = hb_text_printf(b, "PHASE: %s\n", hb_json_str(red, "phase"));
	/* A revision with more hooks than one reduction holds (HB_MAX_HOOKS). */
	if (rc == 0 && hb_json_num(red, "omittedHooks") > 0)
		rc = hb_buf_printf(b,
				   "NOTE: %.0f of %.0f hooks not shown, %.0f of them failed; "
				   "the phase counts them all\n",
				   hb_json_num(red, "omittedHooks"),
				   hb_json_num(red, "omittedHooks") + cJSON_GetArraySize(hooks),
				   hb_json_num(red, "omittedFailedHooks"));
	size_t ntests = 0;
	cJSON_ArrayForEach(h, hooks) {
		if (rc < 0 || !jbool(h, "test"))
			continue;
		char started[64], done[64];
		hb_format_ansic(started, sizeof(started), hb_json_str(h, "startedAt"));
		hb_format_ansic(done, sizeof(done), hb_json_str(h, "finishedAt"));
		/* The layout of `helm status` / `helm test`. */
		rc = hb_text_printf(b,
				 "TEST SUITE:     %s\nLast Started:   %s\n"
				 "Last Completed: %s\nPhase:          %s\n",
				 hb_json_str(h, "name"), started, done, hb_json_str(h, "phase"));
		ntests++;
	}
	if (rc == 0 && ntests == 0)
		rc = hb_buf_appends(b, "TEST SUITE: None\n");
	bool header = false;
	cJSON_ArrayForEach(h, hooks) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h, "checks")) {
			if (rc < 0 || !check_failed(c))
				continue;
			if (!header) {
				rc = hb_buf_appends(b, "\nFAILED CHECKS:\n");
				header = true;
			}
			const char *cls = hb_json_str(c, "failureClass");
			if (rc == 0)
				rc = hb_text_printf(b, "%s  %s  %s%s: %s\n", hb_json_str(h, "name"),
						 hb_json_str(c, "name"),
						 jbool(c, "optional") ? "(optional) " : "",
						 *cls ? cls : hb_json_str(c, "outcome"),
						 hb_json_str(c, "message"));
			if (rc == 0 && *hb_json_str(c, "target"))
				rc = hb_text_printf(b, "    target: %s %s\n", hb_json_str(c, "kind"),
						 hb_json_str(c, "target"));
			if (rc == 0 && *hb_json_str(c, "hint"))
				rc = hb_text_printf(b, "    hint: %s\n", hb_json_str(c, "hint"));
		}
	}
	return rc;
}

/* Whether XML 1.0 may carry code point cp as character data: its Char
 * production (tab, newline and CR but no other C0 control, no U+FFFE or
 * U+FFFF) less what section 2.2 discourages (C1 controls, the other
 * non-characters). Surrogates and values past U+10FFFF never decode. */
static bool xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	if (cp >= 0x7f && cp <= 0x9f)
		return false;
	if (cp >= 0xfdd0 && cp <= 0xfdef)
		return false;
	return (cp & 0xfffe) != 0xfffe;
}

/* XML 1.0 text: the five entities escaped, and whatever XML may not carry
 * (see xml_char, and bytes that are not UTF-8) replaced by U+FFFD, so that
 * the document is well-formed whatever the strings of a report hold. */
static int xml_escape(struct hb_buf *b, const char *s, bool attr)
{
	size_t n = strlen(s);
	int rc = 0;
	for (size_t i = 0, k; rc == 0 && i < n; i += k) {
		uint32_t cp = 0;
		k = hb_utf8_next(s + i, n - i, &cp);
		if (!k) {
			k = 1;
			rc = hb_buf_appends(b, "\xef\xbf\xbd");
			continue;
		}
		switch (cp) {
		case '&': rc = hb_buf_appends(b, "&amp;"); break;
		case '<': rc = hb_buf_appends(b, "&lt;"); break;
		case '>': rc = hb_buf_appends(b, "&gt;"); break;
		case '"': rc = hb_buf_appends(b, "&quot;"); break;
		case '\'': rc = hb_buf_appends(b, "&apos;"); break;
		case '\n': rc = hb_buf_appends(b, attr ? "&#10;" : "\n"); break;
		case '\r': rc = hb_buf_appends(b, attr ? "&#13;" : "\r"); break;
		case '\t': rc = hb_buf_appends(b, attr ? "&#9;" : "\t"); break;
		default:
			rc = xml_char(cp) ? hb_buf_append(b, s + i, k)
					  : hb_buf_appends(b, "\xef\xbf\xbd");
		}
	}
	return rc;
}

/* JUnit's timestamp is xs:dateTime without a zone in the schema Jenkins
 * ships ("2026-11-25T22:15:03"): the first 19 bytes of an RFC 3339 time,
 * or nothing when the string has another shape (status may read a
 * collector that does not validate). */
static void junit_timestamp(char *dst, size_t size, const char *ts)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	dst[0] = '\0';
	if (size < sizeof(shape))
		return;
	for (size_t i = 0; shape[i]; i++) {
		bool digit = ts[i] >= '0' && ts[i] <= '9';
		if (shape[i] == 'd' ? !digit : ts[i] != shape[i])
			return;
	}
	memcpy(dst, ts, sizeof(shape) - 1);
	dst[sizeof(shape) - 1] = '\0';
}

/* A check's durationMs as JUnit's time, an xs:decimal of at least 0:
 * reports are validated at ingest, but status may read a collector that
 * does not, and NaN, the infinities or a negative value would make the
 * document fail the schema. */
static double seconds(double ms)
{
	if (!isfinite(ms) || ms <= 0)
		return 0.0;
	return (ms < 1e15 ? ms : 1e15) / 1000.0;
}

struct counts {
	int tests, failures, errors, skipped;
	double time;
};

static void count_hook(const cJSON *h, struct counts *k)
{
	const cJSON *c, *checks = cJSON_GetObjectItemCaseSensitive(h, "checks");
	int n = 0;
	cJSON_ArrayForEach(c, checks) {
		const char *o = hb_json_str(c, "outcome");
		n++;
		k->tests++;
		k->time += seconds(hb_json_num(c, "durationMs"));
		if (strcmp(o, "SKIPPED") == 0 || strcmp(o, "CANCELLED") == 0)
			k->skipped++;
		else if (jbool(c, "optional"))
			;
		else if (strcmp(o, "ERROR") == 0)
			k->errors++;
		else if (strcmp(o, "FAILED") == 0 || strcmp(o, "OUTCOME_UNSPECIFIED") == 0 ||
			 strcmp(o, "") == 0)
			k->failures++;
	}
	if (n == 0) {
		/* A hook without checks still shows: failed, or not run yet. */
		k->tests++;
		if (strcmp(hb_json_str(h, "phase"), "Failed") == 0)
			k->failures++;
		else if (strcmp(hb_json_str(h, "phase"), "Succeeded") != 0)
			k->skipped++;
	}
}

static int attr(struct hb_buf *b, const char *name, const char *v)
{
	int rc = hb_buf_printf(b, " %s=\"", name);
	if (rc == 0)
		rc = xml_escape(b, v, true);
	if (rc == 0)
		rc = hb_buf_appends(b, "\"");
	return rc;
}

static int junit_case(struct hb_buf *b, const cJSON *h, const cJSON *c)
{
	const char *o = hb_json_str(c, "outcome"), *cls = hb_json_str(c, "failureClass");
	int rc = hb_buf_appends(b, "    <testcase");
	if (rc == 0)
		rc = attr(b, "name", hb_json_str(c, "name"));
	if (rc == 0)
		rc = attr(b, "classname", hb_json_str(h, "name"));
	if (rc == 0)
		rc = hb_buf_printf(b, " time=\"%.3f\">\n", seconds(hb_json_num(c, "durationMs")));
	bool skipped = strcmp(o, "SKIPPED") == 0 || strcmp(o, "CANCELLED") == 0;
	bool passed = strcmp(o, "PASSED") == 0;
	if (rc == 0 && skipped) {
		rc = hb_buf_appends(b, "      <skipped");
		if (rc == 0)
			rc = attr(b, "message", *hb_json_str(c, "message") ? hb_json_str(c, "message") : o);
		if (rc == 0)
			rc = hb_buf_appends(b, "/>\n");
	} else if (rc == 0 && !passed) {
		/* An optional check that failed does not fail the hook: it is
		 * reported as output, not as a failure a CI gate counts. */
		const char *el = jbool(c, "optional") ? "system-out"
				 : strcmp(o, "ERROR") == 0 ? "error" : "failure";
		rc = hb_buf_printf(b, "      <%s", el);
		if (rc == 0 && strcmp(el, "system-out") != 0) {
			rc = attr(b, "message", hb_json_str(c, "message"));
			if (rc == 0)
				rc = attr(b, "type", *cls ? cls : o);
		}
		if (rc == 0)
			rc = hb_buf_appends(b, ">");
		if (rc == 0 && jbool(c, "optional"))
			rc = hb_buf_appends(b, "optional check failed\n");
		if (rc == 0)
			rc = hb_buf_appends(b, "class: ");
		if (rc == 0)
			rc = xml_escape(b, *cls ? cls : o, false);
		if (rc == 0)
			rc = hb_buf_appends(b, "\nmessage: ");
		if (rc == 0)
			rc = xml_escape(b, hb_json_str(c, "message"), false);
		if (rc == 0)
			rc = hb_buf_appends(b, "\nhint: ");
		if (rc == 0)
			rc = xml_escape(b, hb_json_str(c, "hint"), false);
		if (rc == 0)
			rc = hb_buf_appends(b, "\ntarget: ");
		if (rc == 0)
			rc = xml_escape(b, hb_json_str(c, "target"), false);
		if (rc == 0)
			rc = hb_buf_printf(b, "\n</%s>\n", el);
	}
	if (rc == 0)
		rc = hb_buf_appends(b, "    </testcase>\n");
	return rc;
}

static int render_junit(struct hb_buf *b, const cJSON *red)
{
	const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(red, "hooks"), *h, *c;
	struct counts all = { 0 };
	cJSON_ArrayForEach(h, hooks)
		count_hook(h, &all);
	char name[600];
	snprintf(name, sizeof(name), "%s/%s revision %.0f", hb_json_str(red, "namespace"),
		 hb_json_str(red, "release"), hb_json_num(red, "revision"));
	int rc = hb_buf_appends(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	if (rc == 0)
		rc = attr(b, "name", name);
	if (rc == 0)
		rc = hb_buf_printf(b,
				   " tests=\"%d\" failures=\"%d\" errors=\"%d\" "
				   "skipped=\"%d\" time=\"%.3f\">\n",
				   all.tests, all.failures, all.errors, all.skipped, all.time);
	int id = 0;
	cJSON_ArrayForEach(h, hooks) {
		struct counts k = { 0 };
		char ts[32];
		count_hook(h, &k);
		junit_timestamp(ts, sizeof(ts), hb_json_str(h, "startedAt"));
		if (rc == 0)
			rc = hb_buf_appends(b, "  <testsuite");
		if (rc == 0)
			rc = attr(b, "name", hb_json_str(h, "name"));
		if (rc == 0)
			rc = hb_buf_printf(b,
					   " tests=\"%d\" failures=\"%d\" errors=\"%d\" "
					   "skipped=\"%d\" time=\"%.3f\" id=\"%d\"",
					   k.tests, k.failures, k.errors, k.skipped, k.time,
					   id++);
		if (rc == 0 && *ts)
			rc = attr(b, "timestamp", ts);
		if (rc == 0 && *hb_json_str(h, "hostname"))
			rc = attr(b, "hostname", hb_json_str(h, "hostname"));
		if (rc == 0)
			rc = hb_buf_appends(b, ">\n    <properties>\n");
		static const char *const props[] = { "phase", "podName", "reportId",
						     "startedAt", "finishedAt" };
		for (size_t i = 0; rc == 0 && i < sizeof(props) / sizeof(props[0]); i++) {
			rc = hb_buf_appends(b, "      <property");
			if (rc == 0)
				rc = attr(b, "name", props[i]);
			if (rc == 0)
				rc = attr(b, "value", hb_json_str(h, props[i]));
			if (rc == 0)
				rc = hb_buf_appends(b, "/>\n");
		}
		if (rc == 0)
			rc = hb_buf_appends(b, "    </properties>\n");
		const cJSON *checks = cJSON_GetObjectItemCaseSensitive(h, "checks");
		cJSON_ArrayForEach(c, checks) {
			if (rc == 0)
				rc = junit_case(b, h, c);
		}
		if (rc == 0 && cJSON_GetArraySize(checks) == 0) {
			const char *ph = hb_json_str(h, "phase");
			rc = hb_buf_appends(b, "    <testcase");
			if (rc == 0)
				rc = attr(b, "name", hb_json_str(h, "name"));
			if (rc == 0)
				rc = attr(b, "classname", hb_json_str(h, "name"));
			if (rc == 0)
				rc = hb_buf_appends(b, " time=\"0.000\">\n");
			if (rc == 0 && strcmp(ph, "Failed") == 0)
				rc = hb_buf_appends(b, "      <failure message=\"hook failed "
						       "without a check result\" type=\"Failed\"/>\n");
			else if (rc == 0 && strcmp(ph, "Succeeded") != 0) {
				char msg[80];
				snprintf(msg, sizeof(msg), "hook phase %s", ph);
				rc = hb_buf_appends(b, "      <skipped");
				if (rc == 0)
					rc = attr(b, "message", msg);
				if (rc == 0)
					rc = hb_buf_appends(b, "/>\n");
			}
			if (rc == 0)
				rc = hb_buf_appends(b, "    </testcase>\n");
		}
		if (rc == 0)
			rc = hb_buf_appends(b, "  </testsuite>\n");
	}
	if (rc == 0)
		rc = hb_buf_appends(b, "</testsuites>\n");
	return rc;
}

int hb_render(struct hb_buf *out, const cJSON *red, enum hb_render_fmt fmt)
{
	switch (fmt) {
	case HB_RENDER_TEXT:
		return render_text(out, red);
	case HB_RENDER_JUNIT:
		return render_junit(out, red);
	case HB_RENDER_JSON: {
		char *s = cJSON_Print(red);
		if (!s)
			return -ENOMEM;
		int rc = hb_buf_appends(out, s);
		if (rc == 0)
			rc = hb_buf_appends(out, "\n");
		free(s);
		return rc;
	}
	}
	return -EINVAL;
}
