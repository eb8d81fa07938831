/* SPDX-License-Identifier: MIT */
/* Text, JUnit and JSON renderings of a reduction. */
#include "render.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *k)
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
	const char *o = jstr(c, "outcome");
	return strcmp(o, "FAILED") == 0 || strcmp(o, "ERROR") == 0 ||
	       strcmp(o, "CANCELLED") == 0;
}

static int render_text(struct hb_buf *b, const cJSON *red)
{
	const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(red, "hooks"), *h, *c;
	int rc = hb_buf_printf(b, "NAME: %s\nNAMESPACE: %s\nREVISION: %.0f\nPHASE: %s\n",
			       jstr(red, "release"), jstr(red, "namespace"),
			       jnum(red, "revision"), jstr(red, "phase"));
	/* A revision with more hooks than one reduction holds (HB_MAX_HOOKS). */
	if (rc == 0 && jnum(red, "omittedHooks") > 0)
		rc = hb_buf_printf(b,
				   "NOTE: %.0f of %.0f hooks not shown, %.0f of them failed; "
				   "the phase counts them all\n",
				   jnum(red, "omittedHooks"),
				   jnum(red, "omittedHooks") + cJSON_GetArraySize(hooks),
				   jnum(red, "omittedFailedHooks"));
	size_t ntests = 0;
	cJSON_ArrayForEach(h, hooks) {
		if (rc < 0 || !jbool(h, "test"))
			continue;
		char started[64], done[64];
		hb_format_ansic(started, sizeof(started), jstr(h, "startedAt"));
		hb_format_ansic(done, sizeof(done), jstr(h, "finishedAt"));
		/* The layout of `helm status` / `helm test`. */
		rc = hb_buf_printf(b,
				   "TEST SUITE:     %s\nLast Started:   %s\n"
				   "Last Completed: %s\nPhase:          %s\n",
				   jstr(h, "name"), started, done, jstr(h, "phase"));
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
			const char *cls = jstr(c, "failureClass");
			if (rc == 0)
				rc = hb_buf_printf(b, "%s  %s  %s%s: %s\n", jstr(h, "name"),
						   jstr(c, "name"),
						   jbool(c, "optional") ? "(optional) " : "",
						   *cls ? cls : jstr(c, "outcome"),
						   jstr(c, "message"));
			if (rc == 0 && *jstr(c, "target"))
				rc = hb_buf_printf(b, "    target: %s %s\n", jstr(c, "kind"),
						   jstr(c, "target"));
			if (rc == 0 && *jstr(c, "hint"))
				rc = hb_buf_printf(b, "    hint: %s\n", jstr(c, "hint"));
		}
	}
	return rc;
}

/* XML 1.0 text: the five entities escaped, and the control characters XML
 * forbids (everything below 0x20 but tab, newline and CR) dropped. */
static int xml_escape(struct hb_buf *b, const char *s, bool attr)
{
	int rc = 0;
	for (; rc == 0 && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '&': rc = hb_buf_appends(b, "&amp;"); break;
		case '<': rc = hb_buf_appends(b, "&lt;"); break;
		case '>': rc = hb_buf_appends(b, "&gt;"); break;
		case '"': rc = hb_buf_appends(b, "&quot;"); break;
		case '\'': rc = hb_buf_appends(b, "&apos;"); break;
		case '\n': rc = hb_buf_appends(b, attr ? "&#10;" : "\n"); break;
		case '\r': rc = hb_buf_appends(b, attr ? "&#13;" : "\r"); break;
		case '\t': rc = hb_buf_appends(b, attr ? "&#9;" : "\t"); break;
		default:
			if (ch >= 0x20 && ch != 0x7f)
				rc = hb_buf_append(b, s, 1);
		}
	}
	return rc;
}

/* JUnit's timestamp is xs:dateTime without a zone in the schema Jenkins
 * ships ("2026-11-25T22:15:03"). */
static void junit_timestamp(char *dst, size_t size, const char *ts)
{
	size_t n = strlen(ts) < 19 ? strlen(ts) : 19;
	memcpy(dst, ts, n < size ? n : size - 1);
	dst[n < size ? n : size - 1] = '\0';
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
		const char *o = jstr(c, "outcome");
		n++;
		k->tests++;
		k->time += jnum(c, "durationMs") / 1000.0;
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
		if (strcmp(jstr(h, "phase"), "Failed") == 0)
			k->failures++;
		else if (strcmp(jstr(h, "phase"), "Succeeded") != 0)
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
	const char *o = jstr(c, "outcome"), *cls = jstr(c, "failureClass");
	int rc = hb_buf_appends(b, "    <testcase");
	if (rc == 0)
		rc = attr(b, "name", jstr(c, "name"));
	if (rc == 0)
		rc = attr(b, "classname", jstr(h, "name"));
	if (rc == 0)
		rc = hb_buf_printf(b, " time=\"%.3f\">\n", jnum(c, "durationMs") / 1000.0);
	bool skipped = strcmp(o, "SKIPPED") == 0 || strcmp(o, "CANCELLED") == 0;
	bool passed = strcmp(o, "PASSED") == 0;
	if (rc == 0 && skipped) {
		rc = hb_buf_appends(b, "      <skipped");
		if (rc == 0)
			rc = attr(b, "message", *jstr(c, "message") ? jstr(c, "message") : o);
		if (rc == 0)
			rc = hb_buf_appends(b, "/>\n");
	} else if (rc == 0 && !passed) {
		/* An optional check that failed does not fail the hook: it is
		 * reported as output, not as a failure a CI gate counts. */
		const char *el = jbool(c, "optional") ? "system-out"
				 : strcmp(o, "ERROR") == 0 ? "error" : "failure";
		rc = hb_buf_printf(b, "      <%s", el);
		if (rc == 0 && strcmp(el, "system-out") != 0) {
			rc = attr(b, "message", jstr(c, "message"));
			if (rc == 0)
				rc = attr(b, "type", *cls ? cls : o);
		}
		if (rc == 0)
			rc = hb_buf_appends(b, ">");
		if (rc == 0 && jbool(c, "optional"))
			rc = hb_buf_appends(b, "optional check failed\n");
		if (rc == 0)
			rc = hb_buf_printf(b, "class: %s\nmessage: ", *cls ? cls : o);
		if (rc == 0)
			rc = xml_escape(b, jstr(c, "message"), false);
		if (rc == 0)
			rc = hb_buf_appends(b, "\nhint: ");
		if (rc == 0)
			rc = xml_escape(b, jstr(c, "hint"), false);
		if (rc == 0)
			rc = hb_buf_appends(b, "\ntarget: ");
		if (rc == 0)
			rc = xml_escape(b, jstr(c, "target"), false);
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
	snprintf(name, sizeof(name), "%s/%s revision %.0f", jstr(red, "namespace"),
		 jstr(red, "release"), jnum(red, "revision"));
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
		junit_timestamp(ts, sizeof(ts), jstr(h, "startedAt"));
		if (rc == 0)
			rc = hb_buf_appends(b, "  <testsuite");
		if (rc == 0)
			rc = attr(b, "name", jstr(h, "name"));
		if (rc == 0)
			rc = hb_buf_printf(b,
					   " tests=\"%d\" failures=\"%d\" errors=\"%d\" "
					   "skipped=\"%d\" time=\"%.3f\" id=\"%d\"",
					   k.tests, k.failures, k.errors, k.skipped, k.time,
					   id++);
		if (rc == 0 && *ts)
			rc = attr(b, "timestamp", ts);
		if (rc == 0 && *jstr(h, "hostname"))
			rc = attr(b, "hostname", jstr(h, "hostname"));
		if (rc == 0)
			rc = hb_buf_appends(b, ">\n    <properties>\n");
		static const char *const props[] = { "phase", "podName", "reportId",
						     "startedAt", "finishedAt" };
		for (size_t i = 0; rc == 0 && i < sizeof(props) / sizeof(props[0]); i++) {
			rc = hb_buf_appends(b, "      <property");
			if (rc == 0)
				rc = attr(b, "name", props[i]);
			if (rc == 0)
				rc = attr(b, "value", jstr(h, props[i]));
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
			const char *ph = jstr(h, "phase");
			rc = hb_buf_appends(b, "    <testcase");
			if (rc == 0)
				rc = attr(b, "name", jstr(h, "name"));
			if (rc == 0)
				rc = attr(b, "classname", jstr(h, "name"));
			if (rc == 0)
				rc = hb_buf_appends(b, " time=\"0.000\">\n");
			if (rc == 0 && strcmp(ph, "Failed") == 0)
				rc = hb_buf_appends(b, "      <failure message=\"hook failed "
						       "without a check result\" type=\"Failed\"/>\n");
			else if (rc == 0 && strcmp(ph, "Succeeded") != 0)
				rc = hb_buf_printf(b, "      <skipped message=\"hook phase %s\"/>\n", ph);
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
