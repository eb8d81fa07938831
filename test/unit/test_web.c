/* SPDX-License-Identifier: MIT */
/* Unit tests of the web page's rendering: the one escape every report
 * string goes through, pages built from hostile reports, the order and
 * filter of the index, the latency chart, failure class names from the
 * enum descriptor, and the routes of the JSON the pages are made from. */
#include "hbtest.h"

#include "hookbox/v1/report.pb-c.h"
#include "pbjson.h"
#include "route.h"
#include "web.h"

#include <string.h>

static char *escaped(const char *s)
{
	static char out[1024];
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_html_escape(&b, s), 0);
	snprintf(out, sizeof(out), "%s", hb_buf_str(&b));
	hb_buf_release(&b);
	return out;
}

HB_TEST(escape_markup_and_quotes)
{
	ASSERT_STREQ(escaped("<img src=x onerror=alert(1)>"),
		     "&lt;img src=x onerror=alert(1)&gt;");
	ASSERT_STREQ(escaped("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
	ASSERT_STREQ(escaped(""), "");
	ASSERT_STREQ(escaped("plain text"), "plain text");
}

HB_TEST(escape_controls_but_keeps_utf8)
{
	/* Tab and newline stay (output tails); ESC, CR and DEL do not. */
	ASSERT_STREQ(escaped("a\tb\nc"), "a\tb\nc");
	ASSERT_STREQ(escaped("\x1b[2J\r\x7f"), "\xef\xbf\xbd[2J\xef\xbf\xbd\xef\xbf\xbd");
	ASSERT_STREQ(escaped("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
}

HB_TEST(html_printf_escapes_arguments_only)
{
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_html_printf(&b, "<td title=\"%s\">%s</td>", "\" onmouseover=\"x", "<b>"), 0);
	ASSERT_STREQ(hb_buf_str(&b), "<td title=\"&quot; onmouseover=&quot;x\">&lt;b&gt;</td>");
	hb_buf_release(&b);
}

#define JH "<img src=x onerror=alert(1)>"

/* A reduction whose every string is markup, phase included. */
static const char hostile_red[] =
	"{\"namespace\":\"shop\",\"release\":\"web\",\"revision\":2,\"latestRevision\":2,"
	"\"phase\":\"Failed\\\" onclick=\\\"x\",\"omittedHooks\":0,\"omittedFailedHooks\":0,"
	"\"hooks\":[{\"name\":\"" JH "\",\"podName\":\"" JH "\",\"events\":[\"" JH "\"],"
	"\"weight\":0,\"test\":true,\"phase\":\"" JH "\",\"startedAt\":\"" JH "\","
	"\"finishedAt\":\"" JH "\",\"checks\":[{\"name\":\"" JH "\",\"kind\":\"" JH "\","
	"\"target\":\"" JH "\",\"outcome\":\"FAILED\",\"failureClass\":\"" JH "\","
	"\"message\":\"" JH "\",\"hint\":\"" JH "\",\"durationMs\":12,"
	"\"command\":{\"argv\":[\"" JH "\"],\"exitCode\":3,\"stdoutTail\":\"" JH "\","
	"\"stderrTail\":\"" JH "\",\"stdoutDroppedBytes\":\"5000\"}}]}]}";

static const char history_json[] =
	"{\"revisions\":["
	"{\"revision\":3,\"phase\":\"Succeeded\",\"checks\":[{\"hook\":\"h\",\"name\":\"c\","
	"\"outcome\":\"PASSED\",\"durationMs\":999}]},"
	"{\"revision\":2,\"phase\":\"Failed\",\"checks\":[{\"hook\":\"h\",\"name\":\"c\","
	"\"outcome\":\"FAILED\",\"durationMs\":40},{\"hook\":\"h\",\"name\":\"other\","
	"\"outcome\":\"PASSED\",\"durationMs\":1}]},"
	"{\"revision\":1,\"phase\":\"Succeeded\",\"checks\":[{\"hook\":\"h\",\"name\":\"c\","
	"\"outcome\":\"PASSED\",\"durationMs\":20}]}]}";

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

HB_TEST(release_page_escapes_every_report_string)
{
	cJSON *red = cJSON_Parse(hostile_red), *hist = cJSON_Parse(history_json);
	ASSERT(red && hist);
	struct hb_buf b;
	hb_buf_init(&b, 1 << 24);
	ASSERT_EQ_INT(hb_web_render_release(&b, red, hist, false), 0);
	const char *html = hb_buf_str(&b);
	ASSERT_EQ_INT(count(html, "<img"), 0);
	ASSERT_EQ_INT(count(html, "onclick=\""), 0);
	/* hook name (twice), its phase, pod, event, started, finished,
	 * check name (twice), kind, target, class, message, hint, argv,
	 * stdout, stderr */
	ASSERT_EQ_INT(count(html, "&lt;img src=x onerror=alert(1)&gt;"), 17);
	/* A phase that is not one of Helm's four gets the neutral colour. */
	ASSERT_CONTAINS(html, "<span class=\"phase unknown\">Failed&quot; onclick=&quot;x</span>");
	ASSERT_CONTAINS(html, "5000 bytes before these not kept");
	ASSERT_CONTAINS(html, "<script src=\"/ui/app.js\" defer></script>");
	ASSERT_EQ_INT(count(html, "<script"), 1);
	ASSERT_EQ_INT(count(html, "style="), 0);
	hb_buf_release(&b);
	cJSON_Delete(red);
	cJSON_Delete(hist);
}

HB_TEST(running_page_asks_to_refresh_and_final_one_does_not)
{
	static const char running[] =
		"{\"namespace\":\"ns\",\"release\":\"r\",\"revision\":4,\"latestRevision\":4,"
		"\"phase\":\"Unknown\",\"hooks\":[{\"name\":\"m\",\"phase\":\"Running\",\"checks\":[]}]}";
	static const char done[] =
		"{\"namespace\":\"ns\",\"release\":\"r\",\"revision\":4,\"latestRevision\":4,"
		"\"phase\":\"Succeeded\",\"hooks\":[{\"name\":\"m\",\"phase\":\"Succeeded\","
		"\"checks\":[]}]}";
	cJSON *a = cJSON_Parse(running), *z = cJSON_Parse(done), *h = cJSON_Parse("{}");
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_web_render_release(&b, a, h, true), 0);
	ASSERT(strncmp(hb_buf_str(&b), "<main id=\"main\" data-refresh=\"/ui/releases/ns/r?"
		       "part=main&amp;revision=4\">", 70) == 0);
	ASSERT_EQ_INT(count(hb_buf_str(&b), "<html"), 0);
	hb_buf_reset(&b);
	ASSERT_EQ_INT(hb_web_render_release(&b, z, h, true), 0);
	ASSERT_EQ_INT(count(hb_buf_str(&b), "data-refresh"), 0);
	hb_buf_release(&b);
	cJSON_Delete(a);
	cJSON_Delete(z);
	cJSON_Delete(h);
}

HB_TEST(index_keeps_the_order_and_filters)
{
	static const char list[] =
		"{\"releases\":["
		"{\"namespace\":\"b\",\"release\":\"x\",\"revision\":2,\"phase\":\"Failed\","
		"\"lastRun\":\"t\",\"failedChecks\":3},"
		"{\"namespace\":\"a\",\"release\":\"y\",\"revision\":1,\"phase\":\"Succeeded\","
		"\"lastRun\":\"t\",\"failedChecks\":0}]}";
	cJSON *l = cJSON_Parse(list);
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_web_render_index(&b, l, NULL, NULL, false), 0);
	const char *html = hb_buf_str(&b);
	const char *x = strstr(html, "data-release=\"x\""), *y = strstr(html, "data-release=\"y\"");
	ASSERT(x && y && x < y);
	ASSERT_CONTAINS(html, "<td class=\"failed-checks some\">3</td>");
	ASSERT_CONTAINS(html, "<option value=\"b\">b</option>");
	hb_buf_reset(&b);
	ASSERT_EQ_INT(hb_web_render_index(&b, l, NULL, "a", true), 0);
	ASSERT_EQ_INT(count(hb_buf_str(&b), "<tr class=\"release"), 1);
	ASSERT_CONTAINS(hb_buf_str(&b), "data-namespace=\"a\"");
	hb_buf_release(&b);
	cJSON_Delete(l);
}

HB_TEST(latency_chart_over_revisions_up_to_the_selected)
{
	cJSON *h = cJSON_Parse(history_json);
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	/* Revision 2 selected: revisions 1 and 2, oldest left, the failed
	 * one dotted; revision 3's 999 ms is not drawn. */
	ASSERT_EQ_INT(hb_web_render_latency(&b, h, 2, "h", "c"), 0);
	ASSERT_CONTAINS(hb_buf_str(&b), "<title>time over revisions 1 to 2, at most 40 ms</title>");
	ASSERT_CONTAINS(hb_buf_str(&b), "points=\"3.0,14.0 117.0,3.0\"");
	ASSERT_EQ_INT(count(hb_buf_str(&b), "<circle class=\"fail\""), 1);
	/* A check that ran once has no line to draw. */
	hb_buf_reset(&b);
	ASSERT_EQ_INT(hb_web_render_latency(&b, h, 3, "h", "other"), 0);
	ASSERT_EQ_INT((int)b.len, 0);
	hb_buf_release(&b);
	cJSON_Delete(h);
}

/* Class names come from protobuf-c's enum descriptor through the canonical
 * JSON, never from a list of our own: the newest class shows by name. */
HB_TEST(failure_class_names_from_the_descriptor)
{
	const ProtobufCEnumDescriptor *ed = &hookbox__v1__failure_class__descriptor;
	const ProtobufCEnumValue *last = &ed->values[ed->n_values - 1];
	Hookbox__V1__CheckResult c = HOOKBOX__V1__CHECK_RESULT__INIT;
	c.name = "c";
	c.outcome = HOOKBOX__V1__OUTCOME__FAILED;
	c.failure_class = last->value;
	cJSON *cj = hb_pbjson_encode(&c.base);
	ASSERT(cj);
	cJSON *red = cJSON_Parse("{\"namespace\":\"n\",\"release\":\"r\",\"revision\":1,"
				 "\"phase\":\"Failed\",\"hooks\":[{\"name\":\"h\","
				 "\"phase\":\"Failed\",\"checks\":[]}]}");
	cJSON_AddItemToArray(cJSON_GetObjectItem(cJSON_GetArrayItem(
				     cJSON_GetObjectItem(red, "hooks"), 0), "checks"), cj);
	cJSON *hist = cJSON_Parse("{}");
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_web_render_release(&b, red, hist, true), 0);
	char want[128];
	snprintf(want, sizeof(want), "<td class=\"class\">%s</td>", last->name);
	ASSERT_CONTAINS(hb_buf_str(&b), want);
	hb_buf_release(&b);
	cJSON_Delete(red);
	cJSON_Delete(hist);
}

HB_TEST(routes_of_the_page_data)
{
	struct hb_route rt;
	hb_route("GET", "/v1/releases", NULL, &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASES);
	ASSERT(rt.auth);
	hb_route("GET", "/v1/releases/shop/web/revisions", "7", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_REVISIONS);
	ASSERT_STREQ(rt.release, "web");
	ASSERT_EQ_INT(rt.revision, 7);
	hb_route("GET", "/v1/releases/shop/web/other", NULL, &rt);
	ASSERT_EQ_INT(rt.status, 404);
	hb_route("POST", "/v1/releases", NULL, &rt);
	ASSERT_EQ_INT(rt.status, 405);
	ASSERT(hb_web_path("/"));
	ASSERT(hb_web_path("/ui/releases/a/b"));
	ASSERT(!hb_web_path("/v1/releases"));
	ASSERT(!hb_web_path("/uix"));
}

HB_TEST(policy_forbids_inline_and_foreign)
{
	ASSERT(strncmp(hb_web_csp, "default-src 'none'; ", 20) == 0);
	ASSERT_CONTAINS(hb_web_csp, "script-src 'self';");
	ASSERT_CONTAINS(hb_web_csp, "style-src 'self';");
	ASSERT_EQ_INT(count(hb_web_csp, "unsafe"), 0);
	ASSERT(strlen(hb_web_js) < 2048);
}

/* A listing the store cut at its cap says so above the table, in the
 * part the refresh replaces too; one it did not cut says nothing. The
 * filter's choices come from the unfiltered listing when there is one. */
HB_TEST(index_says_when_the_list_was_truncated)
{
	static const char cut[] =
		"{\"releases\":[{\"namespace\":\"a\",\"release\":\"y\",\"revision\":1,"
		"\"phase\":\"Succeeded\",\"lastRun\":\"t\",\"failedChecks\":0}],"
		"\"truncated\":true}";
	static const char all[] =
		"{\"releases\":[{\"namespace\":\"z\",\"release\":\"y\",\"revision\":1,"
		"\"phase\":\"Succeeded\",\"lastRun\":\"t\",\"failedChecks\":0}],"
		"\"truncated\":false}";
	cJSON *l = cJSON_Parse(cut), *a = cJSON_Parse(all);
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_web_render_index(&b, l, NULL, NULL, true), 0);
	ASSERT_CONTAINS(hb_buf_str(&b), "<main id=\"main\"><p class=\"truncated\">Showing the "
			"first 1 releases by namespace and name: filter by namespace");
	hb_buf_reset(&b);
	ASSERT_EQ_INT(hb_web_render_index(&b, l, a, "a<b", false), 0);
	ASSERT_CONTAINS(hb_buf_str(&b), "<p class=\"truncated\">Showing the first 1 releases "
			"of namespace a&lt;b by name: there are more.</p>");
	ASSERT_CONTAINS(hb_buf_str(&b), "<option value=\"z\">z</option>");
	/* Not among the unfiltered listing's: offered, selected, escaped. */
	ASSERT_CONTAINS(hb_buf_str(&b), "<option selected value=\"a&lt;b\">a&lt;b</option>");
	ASSERT_EQ_INT(count(hb_buf_str(&b), "<option value=\"a\">"), 0);
	hb_buf_reset(&b);
	ASSERT_EQ_INT(hb_web_render_index(&b, a, NULL, NULL, false), 0);
	ASSERT_EQ_INT(count(hb_buf_str(&b), "truncated"), 0);
	hb_buf_release(&b);
	cJSON_Delete(l);
	cJSON_Delete(a);
}

/* GET /v1/releases?namespace=NS: a namespace name, or none ("": all). */
HB_TEST(releases_namespace_parameter)
{
	struct hb_route rt;
	hb_route("GET", "/v1/releases", NULL, &rt);
	hb_route_releases_query("shop-1", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASES);
	ASSERT_STREQ(rt.ns, "shop-1");
	hb_route("GET", "/v1/releases", NULL, &rt);
	hb_route_releases_query("", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASES);
	ASSERT_STREQ(rt.ns, "");
	hb_route("GET", "/v1/releases", NULL, &rt);
	hb_route_releases_query("Shop_\x01", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_REFUSED);
	ASSERT_EQ_INT(rt.status, 400);
	ASSERT_CONTAINS(rt.reason, "namespace \"Shop_\\x01\": not a Kubernetes namespace name");
	/* Other routes ignore it. */
	hb_route("GET", "/v1/releases/shop/web", NULL, &rt);
	hb_route_releases_query("Bad_", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASE);
}

HB_TEST_MAIN(escape_markup_and_quotes, escape_controls_but_keeps_utf8,
	     html_printf_escapes_arguments_only, release_page_escapes_every_report_string,
	     running_page_asks_to_refresh_and_final_one_does_not,
	     index_keeps_the_order_and_filters, latency_chart_over_revisions_up_to_the_selected,
	     failure_class_names_from_the_descriptor, routes_of_the_page_data,
	     policy_forbids_inline_and_foreign, index_says_when_the_list_was_truncated,
	     releases_namespace_parameter)
