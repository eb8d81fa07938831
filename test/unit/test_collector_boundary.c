/* SPDX-License-Identifier: MIT */
/* The collector at its boundary (issue 10, defects 2 and 10): routing and the
 * names it accepts, what ingest refuses, report ids in one case, JUnit that
 * is well-formed XML whatever the strings, text with no control characters,
 * and the connection limits of the command line. */
#include "hbtest.h"

#include "cli.h"
#include "render.h"
#include "route.h"
#include "strutil.h"
#include "validate.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>

static struct hb_route route(const char *method, const char *path, const char *rev)
{
	struct hb_route rt;
	hb_route(method, path, rev, &rt);
	return rt;
}

HB_TEST(route_accepts_names_and_revisions)
{
	struct hb_route rt = route("GET", "/v1/releases/shop/web", "3");
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASE);
	ASSERT(rt.auth);
	ASSERT_STREQ(rt.ns, "shop");
	ASSERT_STREQ(rt.release, "web");
	ASSERT_EQ_INT(rt.revision, 3);
	rt = route("HEAD", "/v1/releases/kube-system/my.app-1", NULL);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASE);
	ASSERT_STREQ(rt.release, "my.app-1");
	ASSERT_EQ_INT(rt.revision, 0);
	rt = route("GET", "/v1/releases/a/b", "2147483647");
	ASSERT_EQ_INT(rt.revision, INT32_MAX);
	char path[200];
	snprintf(path, sizeof(path), "/v1/releases/%.63s/%.53s",
		 "n23456789012345678901234567890123456789012345678901234567890123",
		 "r2345678901234567890123456789012345678901234567890123");
	rt = route("GET", path, NULL);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASE); /* 63 and 53 bytes: the limits */
}

HB_TEST(route_refuses_what_is_not_a_kubernetes_name)
{
	static const struct {
		const char *path, *reason;
	} bad[] = {
		{ "/v1/releases/\xff/web", "namespace \"\\xff\": not a Kubernetes namespace name" },
		{ "/v1/releases/Shop/web", "namespace \"Shop\"" },
		{ "/v1/releases/-shop/web", "namespace \"-shop\"" },
		{ "/v1/releases//web", "namespace \"\"" },
		{ "/v1/releases/shop/Web", "release \"Web\": not a Helm release name" },
		{ "/v1/releases/shop/web..x", "release \"web..x\"" },
		{ "/v1/releases/shop/web-", "release \"web-\"" },
		{ "/v1/releases/shop/web_1", "release \"web_1\"" },
		{ "/v1/releases/shop/\x1b[2J", "release \"\\x1b[2J\"" },
		{ "/v1/releases/shop/", "release \"\"" },
		{ "/v1/releases/n234567890123456789012345678901234567890123456789012345678901234/w",
		  "at most 63" },
		{ "/v1/releases/n/r23456789012345678901234567890123456789012345678901234",
		  "at most 53" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(bad); i++) {
		struct hb_route rt = route("GET", bad[i].path, NULL);
		ASSERT_EQ_INT(rt.id, HB_ROUTE_REFUSED);
		ASSERT_EQ_INT(rt.status, 400);
		ASSERT_CONTAINS(rt.reason, bad[i].reason);
		ASSERT(strchr(rt.reason, '\xff') == NULL && strchr(rt.reason, '\x1b') == NULL);
	}
	struct hb_route rt = route("GET", "/v1/releases/shop", NULL);
	ASSERT_EQ_INT(rt.status, 404);
	ASSERT_CONTAINS(rt.reason, "want /v1/releases/{namespace}/{release}");
	rt = route("GET", "/v1/releases/shop/web/x", NULL);
	ASSERT_EQ_INT(rt.status, 404);
}

HB_TEST(route_refuses_bad_revisions)
{
	static const char *const bad[] = { "4294967296", "2147483648", "-1", "", "+1",
					   " 1", "1x", "99999999999999999999" };
	for (size_t i = 0; i < HB_ARRAY_SIZE(bad); i++) {
		struct hb_route rt = route("GET", "/v1/releases/shop/web", bad[i]);
		ASSERT_EQ_INT(rt.id, HB_ROUTE_REFUSED);
		ASSERT_EQ_INT(rt.status, 400);
		ASSERT_CONTAINS(rt.reason, "want a number from 0 to 2147483647");
	}
}

HB_TEST(route_report_ids_in_lower_case)
{
	struct hb_route rt = route("GET", "/v1/reports/AB1C2D3E-4B5A-4C6D-8E7F-0A1B2C3D4E04", NULL);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_REPORT);
	ASSERT_STREQ(rt.report_id, "ab1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e04");
	rt = route("GET", "/v1/reports/\xff\x1b", NULL);
	ASSERT_EQ_INT(rt.status, 400);
	ASSERT_STREQ(rt.reason, "report id \"\\xff\\x1b\": not a UUID");
}

HB_TEST(route_methods_and_token)
{
	struct hb_route rt = route("POST", "/v1/reports", NULL);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_INGEST);
	rt = route("GET", "/v1/reports", NULL);
	ASSERT_EQ_INT(rt.status, 405);
	ASSERT(!rt.auth);
	ASSERT_STREQ(rt.reason, "GET /v1/reports: want POST");
	rt = route("GET", "/healthz", NULL);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_HEALTHZ);
	ASSERT(!rt.auth);
	rt = route("POST", "/healthz", NULL);
	ASSERT_EQ_INT(rt.status, 405);
	ASSERT(!rt.auth);
	/* Everything else says nothing before the token is checked. */
	rt = route("DELETE", "/metrics", NULL);
	ASSERT_EQ_INT(rt.status, 405);
	ASSERT(rt.auth);
	rt = route("G\x1b" "ET", "/\xff", NULL);
	ASSERT(rt.auth);
	ASSERT_STREQ(rt.reason, "G\\x1bET /\\xff: want GET");
	rt = route("GET", "/nothing/\xc2\x9b", NULL);
	ASSERT_EQ_INT(rt.status, 404);
	ASSERT(rt.auth);
	ASSERT_STREQ(rt.reason, "no route for /nothing/\\xc2\\x9b");
	rt = route("GET", "/metrics", NULL);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_METRICS);
}

HB_TEST(kubernetes_names)
{
	ASSERT(hb_valid_namespace("default"));
	ASSERT(hb_valid_namespace("a"));
	ASSERT(hb_valid_namespace("0-a"));
	ASSERT(!hb_valid_namespace(""));
	ASSERT(!hb_valid_namespace("a.b"));
	ASSERT(!hb_valid_namespace("A"));
	ASSERT(hb_valid_release("my.app-1"));
	ASSERT(!hb_valid_release("my..app"));
	ASSERT(!hb_valid_release(".app"));
	ASSERT(!hb_valid_release("app."));
	ASSERT(!hb_valid_release("a.-b"));
}

#define ID "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"

static Hookbox__V1__Report *report(void)
{
	static Hookbox__V1__Report r;
	static Hookbox__V1__PodMeta p;
	static Hookbox__V1__CheckResult c, *checks[1] = { &c };
	hookbox__v1__report__init(&r);
	hookbox__v1__pod_meta__init(&p);
	hookbox__v1__check_result__init(&c);
	r.report_id = ID;
	r.pod = &p;
	p.namespace_ = "ns";
	p.release = "rel";
	p.pod_name = "pod";
	p.revision = 1;
	r.phase = HOOKBOX__V1__PHASE__PHASE_SUCCEEDED;
	r.started_at = "2026-11-25T22:15:03.123Z";
	r.n_checks = 1;
	r.checks = checks;
	c.name = "c";
	c.duration_ms = 12.5;
	return &r;
}

/* Packs r and decodes it as the collector does. Returns the decode's code;
 * *id gets the decoded report id. */
static int decode(Hookbox__V1__Report *r, char *err, char *id)
{
	size_t n = protobuf_c_message_get_packed_size(&r->base);
	uint8_t *buf = malloc(n + 1);
	protobuf_c_message_pack(&r->base, buf);
	Hookbox__V1__Report *out = NULL;
	err[0] = '\0';
	int rc = hb_report_decode(buf, n, HB_FORMAT_PROTOBUF, &out, err, 256);
	if (out && id)
		hb_strlcpy(id, out->report_id, 37);
	if (out)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	free(buf);
	return rc;
}

HB_TEST(ingest_refuses_names_the_routes_refuse)
{
	char err[256];
	Hookbox__V1__Report *r = report();
	ASSERT_EQ_INT(decode(r, err, NULL), 0);
	r->pod->namespace_ = "Shop";
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_CONTAINS(err, "pod.namespace: not a Kubernetes namespace name");
	r->pod->namespace_ = "\xc3\xa9t\xc3\xa9";
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	r->pod->namespace_ = "ns";
	r->pod->release = "web_1";
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_CONTAINS(err, "pod.release: not a Helm release name");
	r->pod->release = "rel";
	r->pod->hook_name = "hook\x1b[2J";
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_CONTAINS(err, "control character");
	r->pod->hook_name = "";
	r->pod->pod_name = "pod\xc2\x9b";
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	r->pod->pod_name = "web-test-\xc3\xa9"; /* not a pod name, but shown safely */
	ASSERT_EQ_INT(decode(r, err, NULL), 0);
}

HB_TEST(ingest_refuses_what_junit_cannot_hold)
{
	char err[256];
	Hookbox__V1__Report *r = report();
	Hookbox__V1__CheckResult *c = r->checks[0];
	c->duration_ms = -5;
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_STREQ(err, "checks[0].durationMs: negative (-5)");
	c->duration_ms = NAN;
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_STREQ(err, "checks[0].durationMs: not a finite number");
	c->duration_ms = INFINITY;
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	c->duration_ms = 2e12;
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_CONTAINS(err, "is more than");
	c->duration_ms = 0;
	Hookbox__V1__Attempt a, *as[1] = { &a };
	Hookbox__V1__Timing t;
	hookbox__v1__attempt__init(&a);
	hookbox__v1__timing__init(&t);
	a.timing = &t;
	t.total_ms = -1;
	c->attempts = as;
	c->n_attempts = 1;
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_CONTAINS(err, "checks[0].attempts[0].timing.totalMs: negative");
	t.total_ms = 1;
	static char *const bad[] = { "yesterday", "2026-13-25T22:15:03Z",
				     "2026-11-25 22:15:03Z", "2026-11-25T22:15:03",
				     "2026-11-25T22:15:03.Z", "2026-11-25T24:00:00Z",
				     "2026-11-25T22:15:03+01:00", "2026-11-25T22:15:03Zx" };
	for (size_t i = 0; i < HB_ARRAY_SIZE(bad); i++) {
		r->started_at = bad[i];
		ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
		ASSERT_CONTAINS(err, "startedAt: not an RFC 3339 time");
	}
	a.started_at = "soon";
	r->started_at = "";
	ASSERT_EQ_INT(decode(r, err, NULL), -EINVAL);
	ASSERT_CONTAINS(err, "checks[0].attempts[0].startedAt");
	a.started_at = "2026-11-25T22:15:03.123456789Z";
	ASSERT_EQ_INT(decode(r, err, NULL), 0);
}

HB_TEST(ingest_stores_ids_in_lower_case)
{
	char err[256], id[37];
	Hookbox__V1__Report *r = report();
	r->report_id = "6F1C2D3E-4B5A-4C6D-8E7F-0A1B2C3D4E5F";
	ASSERT_EQ_INT(decode(r, err, id), 0);
	ASSERT_STREQ(id, ID);
}

static cJSON *reduction(const char *message, const char *extra)
{
	char j[2048];
	cJSON *m = cJSON_CreateString(message);
	char *ms = cJSON_PrintUnformatted(m);
	snprintf(j, sizeof(j),
		 "{\"namespace\":\"shop\",\"release\":\"web\",\"revision\":1,\"phase\":\"Failed\","
		 "\"hooks\":[{\"name\":\"h\",\"test\":true,\"phase\":\"Failed\","
		 "\"startedAt\":\"2026-11-25T22:15:03.123Z\",\"checks\":["
		 "{\"name\":\"c\",\"outcome\":\"FAILED\",\"failureClass\":\"TIMEOUT\","
		 "\"message\":%s,\"hint\":%s,\"target\":\"t\",\"kind\":\"http\","
		 "\"durationMs\":1500}]}%s]}",
		 ms, ms, extra);
	free(ms);
	cJSON_Delete(m);
	cJSON *o = cJSON_Parse(j);
	ASSERT(o != NULL);
	return o;
}

static char *render(cJSON *red, enum hb_render_fmt fmt)
{
	struct hb_buf b;
	hb_buf_init(&b, HB_RENDER_CAP);
	ASSERT_EQ_INT(hb_render(&b, red, fmt), 0);
	cJSON_Delete(red);
	return hb_buf_take(&b, NULL);
}

HB_TEST(junit_is_xml_whatever_the_strings)
{
	/* U+FFFF, U+FFFE, U+FDD0, U+1FFFF, C0 and C1 controls, DEL, and a byte
	 * that is not UTF-8 (status may read a collector that lets one in). */
	char *s = render(reduction("a\xef\xbf\xbf" "b\xef\xbf\xbe" "c\xef\xb7\x90" "d"
				   "\xf0\x9f\xbf\xbf" "e\x01" "f\x7f" "g\xc2\x85" "h\xff" "i",
				   ""),
			 HB_RENDER_JUNIT);
	static const char *const forbidden[] = { "\xef\xbf\xbf", "\xef\xbf\xbe", "\xef\xb7\x90",
						 "\xf0\x9f\xbf\xbf", "\x01", "\x7f", "\xc2\x85" };
	for (size_t i = 0; i < HB_ARRAY_SIZE(forbidden); i++)
		ASSERT(strstr(s, forbidden[i]) == NULL);
	ASSERT_CONTAINS(s, "message=\"a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d"
			   "\xef\xbf\xbd" "e\xef\xbf\xbd" "f\xef\xbf\xbd" "g\xef\xbf\xbd"
			   "h\xef\xbf\xbd" "i\"");
	free(s);
}

HB_TEST(junit_values_the_schema_accepts)
{
	/* What a collector that does not validate could answer: a negative
	 * and a NaN duration, a time of another shape, a phase with a quote. */
	cJSON *red = reduction("m", ",{\"name\":\"late\",\"test\":true,\"phase\":\"Run\\\"<\","
				    "\"startedAt\":\"yesterday\",\"checks\":[]}");
	cJSON *c = cJSON_GetArrayItem(
		cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(red, "hooks"), 0),
				    "checks"),
		0);
	cJSON_ReplaceItemInObject(c, "durationMs", cJSON_CreateNumber(-1500));
	char *s = render(red, HB_RENDER_JUNIT);
	ASSERT_CONTAINS(s, "<testcase name=\"c\" classname=\"h\" time=\"0.000\">");
	ASSERT(strstr(s, "-1.500") == NULL);
	ASSERT(strstr(s, "timestamp=\"yesterday") == NULL);
	ASSERT_CONTAINS(s, "<skipped message=\"hook phase Run&quot;&lt;\"/>");
	free(s);
}

HB_TEST(text_shows_controls_escaped)
{
	char *s = render(reduction("\x1b]0;pwned\x07\x1b[31mred\xc2\x9b" "2J\r\n\t"
				   "\xe2\x80\xae" "evil\xff" "caf\xc3\xa9 <&>",
				   ""),
			 HB_RENDER_TEXT);
	for (const char *p = s; *p; p++)
		ASSERT(*p == '\n' || ((unsigned char)*p >= 0x20 && *p != 0x7f));
	ASSERT(strstr(s, "\xc2\x9b") == NULL && strstr(s, "\xe2\x80\xae") == NULL);
	ASSERT_CONTAINS(s, "h  c  TIMEOUT: \\x1b]0;pwned\\x07\\x1b[31mred\\u009b2J\\r\\n\\t"
			   "\\u202eevil\\xffcaf\xc3\xa9 <&>\n");
	ASSERT_CONTAINS(s, "    hint: \\x1b]0;pwned");
	free(s);
	struct hb_buf b;
	hb_buf_init(&b, 1024);
	ASSERT_EQ_INT(hb_text_escape(&b, "plain \xe2\x9c\x93 text"), 0);
	ASSERT_STREQ(hb_buf_str(&b), "plain \xe2\x9c\x93 text");
	hb_buf_release(&b);
}

/* Parses "hookbox-collector" followed by the given words. */
#define PARSE(c, err, ...)                                                      \
	({                                                                      \
		char *argv_[] = { "hookbox-collector", __VA_ARGS__, NULL };     \
		hb_collector_cli_parse((int)HB_ARRAY_SIZE(argv_) - 1, argv_, c, \
				       err, sizeof(err));                       \
	})

HB_TEST(cli_connection_limits)
{
	struct hb_collector_cli c;
	char err[256];
	ASSERT_EQ_INT(PARSE(&c, err, "serve"), 0);
	ASSERT_EQ_INT(c.max_connections, 512);
	ASSERT_EQ_INT(c.max_connections_per_ip, 64);
	ASSERT_EQ_INT(c.request_timeout_s, 10);
	ASSERT_EQ_INT(PARSE(&c, err, "serve", "--max-connections", "32"), 0);
	ASSERT_EQ_INT(c.max_connections_per_ip, 4);
	ASSERT_EQ_INT(PARSE(&c, err, "serve", "--max-connections=4"), 0);
	ASSERT_EQ_INT(c.max_connections_per_ip, 1);
	ASSERT_EQ_INT(PARSE(&c, err, "serve", "--max-connections-per-ip=3", "--request-timeout",
			    "2"),
		      0);
	ASSERT_EQ_INT(c.max_connections_per_ip, 3);
	ASSERT_EQ_INT(c.request_timeout_s, 2);
	ASSERT_EQ_INT(PARSE(&c, err, "serve", "--max-connections-per-ip=0"), -1);
	ASSERT_CONTAINS(err, "--max-connections-per-ip \"0\": want 1 to 100000");
	ASSERT_EQ_INT(PARSE(&c, err, "serve", "--request-timeout=0"), -1);
	ASSERT_CONTAINS(err, "--request-timeout \"0\": want 1 to 3600 seconds");
	ASSERT_EQ_INT(PARSE(&c, err, "status", "--request-timeout=2"), -1);
}

HB_TEST_MAIN(route_accepts_names_and_revisions, route_refuses_what_is_not_a_kubernetes_name,
	     route_refuses_bad_revisions, route_report_ids_in_lower_case,
	     route_methods_and_token, kubernetes_names, ingest_refuses_names_the_routes_refuse,
	     ingest_refuses_what_junit_cannot_hold, ingest_stores_ids_in_lower_case,
	     junit_is_xml_whatever_the_strings, junit_values_the_schema_accepts,
	     text_shows_controls_escaped, cli_connection_limits)
