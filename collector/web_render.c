/* SPDX-License-Identifier: MIT */
/* The web page's HTML, rendered from the JSON the read API answers. */
#include "web.h"

#include "query.h"
#include "render.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* uint64 fields come as strings in canonical JSON. */
static double jnum_or_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsString(v) && v->valuestring)
		return strtod(v->valuestring, NULL);
	return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

int hb_html_escape(struct hb_buf *b, const char *s)
{
	int rc = 0;
	while (rc == 0 && *s) {
		size_t n = strcspn(s, "&<>\"'\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d"
				   "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
				   "\x1c\x1d\x1e\x1f\x7f");
		rc = hb_buf_append(b, s, n);
		s += n;
		if (rc < 0 || !*s)
			break;
		switch (*s) {
		case '&': rc = hb_buf_appends(b, "&amp;"); break;
		case '<': rc = hb_buf_appends(b, "&lt;"); break;
		case '>': rc = hb_buf_appends(b, "&gt;"); break;
		case '"': rc = hb_buf_appends(b, "&quot;"); break;
		case '\'': rc = hb_buf_appends(b, "&#39;"); break;
		/* HTML forbids these even as references. */
		default: rc = hb_buf_appends(b, "\xef\xbf\xbd"); break;
		}
		s++;
	}
	return rc;
}

int hb_html_printf(struct hb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = hb_escape_vprintf(b, hb_html_escape, fmt, ap);
	va_end(ap);
	return rc;
}

/* A phase as a CSS class: one of four fixed words, whatever came in. */
static const char *phase_class(const char *p)
{
	static const char *const known[] = { "Succeeded", "Failed", "Running", "Unknown" };
	static const char *const cls[] = { "succeeded", "failed", "running", "unknown" };
	for (int i = 0; i < 4; i++)
		if (strcmp(p, known[i]) == 0)
			return cls[i];
	return "unknown";
}

static const char *outcome_class(const cJSON *c)
{
	const char *o = hb_json_str(c, "outcome");
	if (strcmp(o, "PASSED") == 0)
		return "passed";
	if (strcmp(o, "SKIPPED") == 0)
		return "skipped";
	return hb_check_json_failed(c) ? "failed" : "unknown";
}

static int duration(struct hb_buf *b, double ms)
{
	if (ms >= 10000)
		return hb_buf_printf(b, "%.1f s", ms / 1000);
	return hb_buf_printf(b, "%.0f ms", ms);
}

/* The top of every page; the title's strings come from reports. */
static int page_head(struct hb_buf *b, const char *title, const char *title2)
{
	return hb_html_printf(b,
			      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			      "<meta name=\"viewport\" content=\"width=device-width\">"
			      "<title>%s%s \xc2\xb7 hookbox</title>"
			      "<link rel=\"stylesheet\" href=\"/ui/style.css\">"
			      "<script src=\"/ui/app.js\" defer></script></head>\n<body>"
			      "<header><a href=\"/\" class=\"home\">hookbox</a> ",
			      title, title2);
}

static int page_tail(struct hb_buf *b)
{
	return hb_buf_appends(b, "</body></html>\n");
}

static int phase_badge(struct hb_buf *b, const char *phase)
{
	return hb_html_printf(b, "<span class=\"phase %s\">%s</span>", phase_class(phase),
			      phase);
}

/* -- the index ----------------------------------------------------------- */

static int index_main(struct hb_buf *b, const cJSON *list, const char *ns)
{
	const cJSON *r, *rels = cJSON_GetObjectItemCaseSensitive(list, "releases");
	bool running = false;
	int rc = 0;
	cJSON_ArrayForEach(r, rels)
		running |= strcmp(hb_json_str(r, "phase"), "Running") == 0;
	rc = hb_buf_appends(b, "<main id=\"main\"");
	if (rc == 0 && running)
		rc = hb_html_printf(b, " data-refresh=\"/?part=main%s%s\"", *ns ? "&namespace=" : "",
				    ns);
	if (rc == 0)
		rc = hb_buf_appends(b, ">");
	/* The store lists releases by namespace and name before they are
	 * sorted by phase: those past the cap are not the least urgent
	 * ones, so the page must say that it left some out. */
	if (rc == 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(list, "truncated"))) {
		rc = hb_buf_printf(b, "<p class=\"truncated\">Showing the first %d releases ",
				   cJSON_GetArraySize(rels));
		if (rc == 0)
			rc = *ns ? hb_html_printf(b, "of namespace %s by name: there are more.</p>",
						  ns)
				 : hb_buf_appends(b, "by namespace and name: filter by namespace "
						  "(?namespace=NAME) to see others.</p>");
	}
	if (rc == 0)
		rc = hb_buf_appends(b, "<table class=\"releases\"><thead><tr><th>phase</th>"
				    "<th>namespace</th><th>release</th><th>revision</th>"
				    "<th>last run</th><th>failed checks</th></tr></thead><tbody>\n");
	size_t shown = 0;
	cJSON_ArrayForEach(r, rels) {
		if (rc < 0)
			break;
		if (*ns && strcmp(hb_json_str(r, "namespace"), ns) != 0)
			continue;
		shown++;
		const char *ph = hb_json_str(r, "phase");
		rc = hb_html_printf(b, "<tr class=\"release %s\" data-namespace=\"%s\" "
				    "data-release=\"%s\"><td>", phase_class(ph),
				    hb_json_str(r, "namespace"), hb_json_str(r, "release"));
		if (rc == 0)
			rc = phase_badge(b, ph);
		if (rc == 0)
			rc = hb_html_printf(b, "</td><td>%s</td><td><a href=\"/ui/releases/%s/%s\">"
					    "%s</a></td>", hb_json_str(r, "namespace"),
					    hb_json_str(r, "namespace"), hb_json_str(r, "release"),
					    hb_json_str(r, "release"));
		if (rc == 0)
			rc = hb_buf_printf(b, "<td>%.0f</td>", hb_json_num(r, "revision"));
		if (rc == 0)
			rc = hb_html_printf(b, "<td><time>%s</time></td>", hb_json_str(r, "lastRun"));
		if (rc == 0)
			rc = hb_buf_printf(b, "<td class=\"failed-checks%s\">%.0f</td></tr>\n",
					   hb_json_num(r, "failedChecks") > 0 ? " some" : "",
					   hb_json_num(r, "failedChecks"));
	}
	if (rc == 0)
		rc = hb_buf_appends(b, "</tbody></table>");
	if (rc == 0 && shown == 0)
		rc = hb_buf_appends(b, "<p class=\"empty\">No reports yet.</p>");
	if (rc == 0)
		rc = hb_buf_appends(b, "</main>\n");
	return rc;
}

/* The namespace filter: a plain GET form, nothing written. */
static int ns_filter(struct hb_buf *b, const cJSON *list, const char *ns)
{
	const cJSON *r, *rels = cJSON_GetObjectItemCaseSensitive(list, "releases");
	int rc = hb_buf_appends(b, "<form method=\"get\" action=\"/\" class=\"filter\">"
				"<label>namespace <select name=\"namespace\">"
				"<option value=\"\">all</option>");
	/* The list is sorted by phase first: a namespace is new when no
	 * earlier row had it. Quadratic in releases only when namespaces
	 * are as many; bounded by a seen-list of names. */
	const char *seen[256];
	size_t nseen = 0;
	bool offered = !*ns;
	cJSON_ArrayForEach(r, rels) {
		const char *n = hb_json_str(r, "namespace");
		bool dup = false;
		for (size_t i = 0; i < nseen && !dup; i++)
			dup = strcmp(seen[i], n) == 0;
		if (dup || rc < 0)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = n;
		else
			break;
		offered |= strcmp(n, ns) == 0;
		rc = hb_html_printf(b, "<option%s value=\"%s\">%s</option>",
				    strcmp(n, ns) == 0 ? " selected" : "", n, n);
	}
	/* A namespace past the cap of the unfiltered listing: still the
	 * one shown, not "all". */
	if (rc == 0 && !offered)
		rc = hb_html_printf(b, "<option selected value=\"%s\">%s</option>", ns, ns);
	if (rc == 0)
		rc = hb_buf_appends(b, "</select></label> <button>show</button></form>");
	return rc;
}

int hb_web_render_index(struct hb_buf *b, const cJSON *list, const cJSON *all,
			const char *ns, bool main_only)
{
	if (!ns)
		ns = "";
	if (main_only)
		return index_main(b, list, ns);
	int rc = page_head(b, "releases", "");
	if (rc == 0)
		rc = ns_filter(b, all ? all : list, ns);
	if (rc == 0)
		rc = hb_buf_appends(b, "</header>\n");
	if (rc == 0)
		rc = index_main(b, list, ns);
	return rc == 0 ? page_tail(b) : rc;
}

/* -- a release ----------------------------------------------------------- */

static int revision_marks(struct hb_buf *b, const cJSON *red, const cJSON *history)
{
	const cJSON *r;
	double sel = hb_json_num(red, "revision");
	int rc = hb_buf_appends(b, "<nav class=\"revisions\" aria-label=\"revisions\">");
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(history, "revisions")) {
		if (rc < 0)
			break;
		double n = hb_json_num(r, "revision");
		rc = hb_html_printf(b, "<a class=\"mark %s%s\" href=\"/ui/releases/%s/%s",
				    phase_class(hb_json_str(r, "phase")),
				    n == sel ? " selected" : "", hb_json_str(red, "namespace"),
				    hb_json_str(red, "release"));
		if (rc == 0)
			rc = hb_buf_printf(b, "?revision=%.0f\" data-revision=\"%.0f\"", n, n);
		if (rc == 0)
			rc = hb_html_printf(b, " data-phase=\"%s\" title=\"revision ",
					    hb_json_str(r, "phase"));
		if (rc == 0)
			rc = hb_buf_printf(b, "%.0f", n);
		if (rc == 0)
			rc = hb_html_printf(b, ": %s\">", hb_json_str(r, "phase"));
		if (rc == 0)
			rc = hb_buf_printf(b, "%.0f</a>", n);
	}
	return rc == 0 ? hb_buf_appends(b, "</nav>\n") : rc;
}

/* A wrapped command's line and output tails. */
static int command_block(struct hb_buf *b, const cJSON *cmd)
{
	const cJSON *a;
	int rc = hb_buf_appends(b, "<div class=\"command\"><code class=\"argv\">");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(cmd, "argv")) {
		if (rc == 0 && cJSON_IsString(a))
			rc = hb_html_printf(b, "%s ", a->valuestring);
	}
	if (rc == 0)
		rc = hb_buf_printf(b, "</code> <span class=\"exit\">exit %.0f", hb_json_num(cmd, "exitCode"));
	if (rc == 0 && hb_json_num(cmd, "signal") > 0)
		rc = hb_buf_printf(b, ", signal %.0f", hb_json_num(cmd, "signal"));
	if (rc == 0)
		rc = hb_buf_appends(b, "</span>");
	static const char *const streams[][2] = { { "stdoutTail", "stdoutDroppedBytes" },
						  { "stderrTail", "stderrDroppedBytes" } };
	for (int i = 0; rc == 0 && i < 2; i++) {
		const char *tail = hb_json_str(cmd, streams[i][0]);
		if (!*tail)
			continue;
		rc = hb_buf_printf(b, "<pre class=\"output %s\">", i ? "stderr" : "stdout");
		double dropped = jnum_or_str(cmd, streams[i][1]);
		if (rc == 0 && dropped > 0)
			rc = hb_buf_printf(b, "<span class=\"cut\">(%.0f bytes before these not "
					   "kept)</span>\n", dropped);
		if (rc == 0)
			rc = hb_html_printf(b, "%s</pre>", tail);
	}
	return rc == 0 ? hb_buf_appends(b, "</div>") : rc;
}

static int check_row(struct hb_buf *b, const cJSON *c, const cJSON *hook,
		     const cJSON *red, const cJSON *history)
{
	const char *cls = hb_json_str(c, "failureClass");
	int rc = hb_html_printf(b, "<tr class=\"check %s\" data-check=\"%s\"><td class=\"name\">%s",
				outcome_class(c), hb_json_str(c, "name"), hb_json_str(c, "name"));
	if (rc == 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "optional")))
		rc = hb_buf_appends(b, " <small>optional</small>");
	if (rc == 0)
		rc = hb_html_printf(b, "</td><td class=\"target\">%s <span>%s</span></td>"
				    "<td class=\"outcome\">%s</td><td class=\"duration\">",
				    hb_json_str(c, "kind"), hb_json_str(c, "target"), hb_json_str(c, "outcome"));
	if (rc == 0)
		rc = duration(b, hb_json_num(c, "durationMs"));
	if (rc == 0)
		rc = hb_html_printf(b, "</td><td class=\"class\">%s</td><td class=\"message\">"
				    "<div class=\"text\">%s</div>", cls, hb_json_str(c, "message"));
	if (rc == 0 && *hb_json_str(c, "hint"))
		rc = hb_html_printf(b, "<div class=\"hint\">%s</div>", hb_json_str(c, "hint"));
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(c, "command");
	if (rc == 0 && cJSON_IsObject(cmd))
		rc = command_block(b, cmd);
	if (rc == 0)
		rc = hb_buf_appends(b, "</td><td class=\"chart\">");
	if (rc == 0)
		rc = hb_web_render_latency(b, history, hb_json_num(red, "revision"), hb_json_str(hook, "name"),
					   hb_json_str(c, "name"));
	return rc == 0 ? hb_buf_appends(b, "</td></tr>\n") : rc;
}

static int hook_section(struct hb_buf *b, const cJSON *h, const cJSON *red,
			const cJSON *history)
{
	const cJSON *e, *c;
	int rc = hb_html_printf(b, "<section class=\"hook\" data-hook=\"%s\"><h2>%s ",
				hb_json_str(h, "name"), hb_json_str(h, "name"));
	if (rc == 0)
		rc = phase_badge(b, hb_json_str(h, "phase"));
	if (rc == 0)
		rc = hb_buf_appends(b, "</h2><p class=\"meta\">events: ");
	bool first = true;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(h, "events")) {
		if (rc == 0 && cJSON_IsString(e))
			rc = hb_html_printf(b, "%s%s", first ? "" : ", ", e->valuestring);
		first = false;
	}
	if (rc == 0)
		rc = hb_buf_printf(b, " \xc2\xb7 weight %.0f", hb_json_num(h, "weight"));
	if (rc == 0)
		rc = hb_html_printf(b, " \xc2\xb7 pod %s \xc2\xb7 started <time>%s</time>",
				    hb_json_str(h, "podName"), hb_json_str(h, "startedAt"));
	if (rc == 0 && *hb_json_str(h, "finishedAt"))
		rc = hb_html_printf(b, " \xc2\xb7 finished <time>%s</time>", hb_json_str(h, "finishedAt"));
	if (rc == 0)
		rc = hb_buf_appends(b, "</p><table class=\"checks\"><thead><tr><th>check</th>"
				    "<th>target</th><th>outcome</th><th>time</th><th>class</th>"
				    "<th>message and hint</th><th>time by revision</th></tr>"
				    "</thead><tbody>\n");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h, "checks")) {
		if (rc == 0)
			rc = check_row(b, c, h, red, history);
	}
	return rc == 0 ? hb_buf_appends(b, "</tbody></table></section>\n") : rc;
}

static int release_main(struct hb_buf *b, const cJSON *red, const cJSON *history)
{
	const cJSON *h, *hooks = cJSON_GetObjectItemCaseSensitive(red, "hooks");
	bool running = strcmp(hb_json_str(red, "phase"), "Running") == 0;
	cJSON_ArrayForEach(h, hooks)
		running |= strcmp(hb_json_str(h, "phase"), "Running") == 0;
	int rc = hb_buf_appends(b, "<main id=\"main\"");
	/* Only while something runs: the script stops when the <main> it
	 * fetched no longer asks for more. */
	if (rc == 0 && running)
		rc = hb_html_printf(b, " data-refresh=\"/ui/releases/%s/%s?part=main&amp;revision=",
				    hb_json_str(red, "namespace"), hb_json_str(red, "release"));
	if (rc == 0 && running)
		rc = hb_buf_printf(b, "%.0f\"", hb_json_num(red, "revision"));
	if (rc == 0)
		rc = hb_buf_appends(b, ">");
	if (rc == 0)
		rc = revision_marks(b, red, history);
	if (rc == 0)
		rc = hb_buf_printf(b, "<h1>revision %.0f ", hb_json_num(red, "revision"));
	if (rc == 0)
		rc = phase_badge(b, hb_json_str(red, "phase"));
	if (rc == 0)
		rc = hb_buf_appends(b, "</h1>\n");
	if (rc == 0 && hb_json_num(red, "omittedHooks") > 0)
		rc = hb_buf_printf(b, "<p class=\"note\">%.0f hooks not shown, %.0f of them "
				   "failed; the phase counts them all.</p>",
				   hb_json_num(red, "omittedHooks"), hb_json_num(red, "omittedFailedHooks"));
	cJSON_ArrayForEach(h, hooks) {
		if (rc == 0)
			rc = hook_section(b, h, red, history);
	}
	if (rc == 0 && cJSON_GetArraySize(hooks) == 0)
		rc = hb_buf_appends(b, "<p class=\"empty\">No reports of this revision.</p>");
	return rc == 0 ? hb_buf_appends(b, "</main>\n") : rc;
}

int hb_web_render_release(struct hb_buf *b, const cJSON *red, const cJSON *history,
			  bool main_only)
{
	if (main_only)
		return release_main(b, red, history);
	int rc = page_head(b, hb_json_str(red, "namespace"), "");
	if (rc == 0)
		rc = hb_html_printf(b, "<span class=\"crumb\">%s / %s</span></header>\n",
				    hb_json_str(red, "namespace"), hb_json_str(red, "release"));
	if (rc == 0)
		rc = release_main(b, red, history);
	return rc == 0 ? page_tail(b) : rc;
}

int hb_web_render_login(struct hb_buf *b, const char *message)
{
	int rc = page_head(b, "log in", "");
	if (rc == 0)
		rc = hb_buf_appends(b, "</header>\n<main id=\"main\" class=\"login\">");
	if (rc == 0 && message && *message)
		rc = hb_html_printf(b, "<p class=\"error\">%s</p>", message);
	if (rc == 0)
		rc = hb_buf_appends(b, "<form method=\"post\" action=\"/ui/login\">"
				    "<label>token <input type=\"password\" name=\"token\" "
				    "autocomplete=\"current-password\" required autofocus></label> "
				    "<button>log in</button></form>"
				    "<p>The collector's bearer token (its --token-file).</p>"
				    "</main>\n");
	return rc == 0 ? page_tail(b) : rc;
}

int hb_web_render_error(struct hb_buf *b, unsigned status, const char *message)
{
	char title[16];
	snprintf(title, sizeof(title), "%u", status);
	int rc = page_head(b, title, "");
	if (rc == 0)
		rc = hb_html_printf(b, "</header>\n<main id=\"main\"><p class=\"error\">%s</p>"
				    "</main>\n", message);
	return rc == 0 ? page_tail(b) : rc;
}
