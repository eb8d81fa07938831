/* SPDX-License-Identifier: MIT */
/* The collector's pure parts: command line, request validation, tokens,
 * content types, and the text and JUnit renderings. */
#include "hbtest.h"

#include "cli.h"
#include "reduce.h"
#include "render.h"
#include "server.h"
#include "validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#define ID "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"

static int parse(struct hb_collector_cli *c, char *err, int argc, ...)
{
	char *argv[32];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	return hb_collector_cli_parse(argc, argv, c, err, 256);
}

HB_TEST(cli_serve_defaults)
{
	struct hb_collector_cli c;
	char err[256];
	ASSERT_EQ_INT(parse(&c, err, 2, "hookbox-collector", "serve"), 0);
	ASSERT_EQ_INT(c.cmd, HB_COLLECTOR_SERVE);
	ASSERT_STREQ(c.listen, "127.0.0.1:8080");
	ASSERT_STREQ(c.store, HB_DEFAULT_STORE);
	ASSERT_EQ_INT(c.max_body, 1 << 20);
	ASSERT_EQ_INT(parse(&c, err, 6, "x", "serve", "--max-body=512K", "--listen",
			    "[::1]:9000", "--store=postgres://h/db"),
		      0);
	ASSERT_EQ_INT(c.max_body, 512 * 1024);
	ASSERT_STREQ(c.listen, "[::1]:9000");
	ASSERT_STREQ(c.store, "postgres://h/db");
}

HB_TEST(cli_errors)
{
	struct hb_collector_cli c;
	char err[256];
	ASSERT_EQ_INT(parse(&c, err, 1, "x"), -1);
	ASSERT_EQ_INT(parse(&c, err, 2, "x", "frobnicate"), -1);
	ASSERT_CONTAINS(err, "frobnicate");
	ASSERT_EQ_INT(parse(&c, err, 3, "x", "serve", "--wait=5s"), -1);
	ASSERT_CONTAINS(err, "--wait");
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "nocolon"), -1);
	ASSERT_EQ_INT(parse(&c, err, 3, "x", "serve", "--max-body=99G"), -1);
	ASSERT_EQ_INT(parse(&c, err, 3, "x", "serve", "--tls-cert=a"), -1);
	ASSERT_CONTAINS(err, "--tls-key");
	ASSERT_EQ_INT(parse(&c, err, 2, "x", "status"), -1);
	ASSERT_CONTAINS(err, "--server");
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "status", "--server", "ftp://x"), -1);
	ASSERT_EQ_INT(parse(&c, err, 2, "x", "reduce"), -1);
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "reduce", "--output=xml", "f"), -1);
	ASSERT_CONTAINS(err, "junit");
	ASSERT_EQ_INT(parse(&c, err, 3, "x", "serve", "--listen"), -1);
	ASSERT_CONTAINS(err, "missing value");
}

HB_TEST(cli_status_and_reduce)
{
	struct hb_collector_cli c;
	char err[256];
	ASSERT_EQ_INT(parse(&c, err, 14, "x", "status", "--server", "http://h:1", "--namespace",
			    "ns", "--release", "r", "--revision", "7", "--output", "junit",
			    "--wait", "2m"),
		      0);
	ASSERT_EQ_INT(c.cmd, HB_COLLECTOR_STATUS);
	ASSERT_EQ_INT(c.revision, 7);
	ASSERT_EQ_INT(c.output, HB_RENDER_JUNIT);
	ASSERT_EQ_INT(c.wait_ms, 120000);
	ASSERT_STREQ(c.ns, "ns");
	ASSERT_EQ_INT(parse(&c, err, 6, "x", "reduce", "a.pb", "--output=json", "b.json", "-"),
		      0);
	ASSERT_EQ_INT(c.n_files, 3);
	ASSERT_STREQ(c.files[0], "a.pb");
	ASSERT_STREQ(c.files[1], "b.json");
	ASSERT_STREQ(c.files[2], "-");
	ASSERT_EQ_INT(c.output, HB_RENDER_JSON);
}

/* --listen goes through common/addr.c's splitter with port 0 allowed (a
 * free port, which the suites use) and says what is wrong. */
HB_TEST(cli_listen)
{
	struct hb_collector_cli c;
	char err[256];
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "[::1]:0"), 0);
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "127.0.0.1:8080"), 0);
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "::1:80"), -1);
	ASSERT_CONTAINS(err, "goes in brackets");
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "h:70000"), -1);
	ASSERT_CONTAINS(err, "from 0 to 65535");
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", ":80"), -1);
	ASSERT_CONTAINS(err, "no host");
	/* strtoull took a sign and white space: " 80" was port 80. */
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "h: 80"), -1);
	ASSERT_EQ_INT(parse(&c, err, 4, "x", "serve", "--listen", "h:+80"), -1);
}

static Hookbox__V1__Report *valid_report(void)
{
	Hookbox__V1__Report *r = calloc(1, sizeof(*r));
	Hookbox__V1__PodMeta *p = calloc(1, sizeof(*p));
	hookbox__v1__report__init(r);
	hookbox__v1__pod_meta__init(p);
	r->report_id = ID;
	r->pod = p;
	p->namespace_ = "ns";
	p->release = "rel";
	p->pod_name = "pod";
	p->revision = 1;
	r->phase = HOOKBOX__V1__PHASE__PHASE_SUCCEEDED;
	return r;
}

static int decode_packed(Hookbox__V1__Report *r, char *err)
{
	size_t n = protobuf_c_message_get_packed_size(&r->base);
	uint8_t *buf = malloc(n + 1);
	protobuf_c_message_pack(&r->base, buf);
	Hookbox__V1__Report *out = NULL;
	int rc = hb_report_decode(buf, n, HB_FORMAT_PROTOBUF, &out, err, 256);
	if (out)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	free(buf);
	return rc;
}

HB_TEST(validate_accepts_a_good_report)
{
	char err[256] = "";
	Hookbox__V1__Report *r = valid_report();
	ASSERT_EQ_INT(decode_packed(r, err), 0);
}

HB_TEST(validate_rejects_missing_or_bad_id)
{
	char err[256];
	Hookbox__V1__Report *r = valid_report();
	r->report_id = "";
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "reportId: missing");
	r->report_id = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5"; /* one short */
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "not a UUID");
	r->report_id = ID;
	r->pod->release = "";
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "pod.release");
}

HB_TEST(validate_rejects_absurd_sizes)
{
	char err[256];
	Hookbox__V1__Report *r = valid_report();
	size_t n = HB_MAX_CHECKS + 1;
	Hookbox__V1__CheckResult *c = calloc(1, sizeof(*c));
	hookbox__v1__check_result__init(c);
	r->checks = calloc(n, sizeof(*r->checks));
	for (size_t i = 0; i < n; i++)
		r->checks[i] = c;
	r->n_checks = n;
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "checks: 10001 entries");
	r->n_checks = 2;
	char *long_msg = malloc(HB_MAX_STRING + 2);
	memset(long_msg, 'x', HB_MAX_STRING + 1);
	long_msg[HB_MAX_STRING + 1] = '\0';
	Hookbox__V1__CheckResult *c2 = calloc(1, sizeof(*c2));
	hookbox__v1__check_result__init(c2);
	c2->message = long_msg;
	r->checks[1] = c2;
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "checks[1].message: longer than");
	c2->message = "bad \xc3\x28 utf-8";
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "checks[1].message: not valid UTF-8");
	c2->message = "";
	c2->outcome = 77;
	ASSERT_EQ_INT(decode_packed(r, err), -EINVAL);
	ASSERT_CONTAINS(err, "checks[1].outcome: unknown enum value 77");
}

HB_TEST(validate_rejects_garbage_and_truncation)
{
	char err[256];
	Hookbox__V1__Report *r = valid_report();
	size_t n = protobuf_c_message_get_packed_size(&r->base);
	uint8_t *buf = malloc(n);
	protobuf_c_message_pack(&r->base, buf);
	Hookbox__V1__Report *out = NULL;
	/* Cut inside the report id's bytes: a length prefix then too little. */
	ASSERT_EQ_INT(hb_report_decode(buf, 10, HB_FORMAT_PROTOBUF, &out, err, sizeof(err)),
		      -EINVAL);
	ASSERT(out == NULL);
	static const uint8_t garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x99 };
	ASSERT_EQ_INT(hb_report_decode(garbage, sizeof(garbage), HB_FORMAT_PROTOBUF, &out,
				       err, sizeof(err)),
		      -EINVAL);
	ASSERT_EQ_INT(hb_report_decode((const uint8_t *)"", 0, HB_FORMAT_PROTOBUF, &out, err,
				       sizeof(err)),
		      -EINVAL);
	ASSERT_CONTAINS(err, "empty");
	static const char bad_json[] = "{\"reportId\": ";
	ASSERT_EQ_INT(hb_report_decode((const uint8_t *)bad_json, sizeof(bad_json) - 1,
				       HB_FORMAT_JSON, &out, err, sizeof(err)),
		      -EINVAL);
	ASSERT_CONTAINS(err, "JSON");
	free(buf);
}

HB_TEST(format_sniffing)
{
	ASSERT_EQ_INT(hb_format_sniff((const uint8_t *)"  {\"a\":1}", 9), HB_FORMAT_JSON);
	ASSERT_EQ_INT(hb_format_sniff((const uint8_t *)"\x0a\x24", 2), HB_FORMAT_PROTOBUF);
}

HB_TEST(tokens_and_media_types)
{
	ASSERT(hb_token_equal("s3cret", 6, "s3cret", 6));
	ASSERT(!hb_token_equal("s3cret", 6, "s3cre", 5));
	ASSERT(!hb_token_equal("s3cret", 6, "s3cret!", 7));
	ASSERT(!hb_token_equal("s3cret", 6, "S3cret", 6));
	ASSERT(!hb_token_equal("s3cret", 6, "", 0));
	ASSERT_STREQ(hb_bearer_token("Bearer abc"), "abc");
	ASSERT_STREQ(hb_bearer_token("bearer  abc"), "abc");
	ASSERT(hb_bearer_token("Basic abc") == NULL);
	ASSERT(hb_bearer_token("Bearer ") == NULL);
	ASSERT(hb_bearer_token(NULL) == NULL);
	bool json = true;
	ASSERT(hb_media_type("application/x-protobuf", &json) && !json);
	ASSERT(hb_media_type("Application/JSON; charset=utf-8", &json) && json);
	ASSERT(!hb_media_type("text/plain", &json));
	ASSERT(!hb_media_type("application/jsonx", &json));
	ASSERT(!hb_media_type(NULL, &json));
}

static cJSON *sample(void)
{
	static const char j[] =
		"{\"namespace\":\"shop\",\"release\":\"web\",\"revision\":4,"
		"\"latestRevision\":4,\"phase\":\"Failed\",\"hooks\":["
		"{\"name\":\"web-test-db\",\"podName\":\"web-test-db-1\",\"events\":[\"test\"],"
		"\"weight\":-1,\"test\":true,\"phase\":\"Failed\",\"reportId\":\"" ID "\","
		"\"startedAt\":\"2026-11-25T22:15:03.123Z\",\"finishedAt\":\"2026-11-25T22:15:09.000Z\","
		"\"hostname\":\"h\",\"checks\":["
		"{\"name\":\"pg\",\"kind\":\"postgres\",\"target\":\"postgres://db:5432\","
		"\"outcome\":\"FAILED\",\"failureClass\":\"CONNECTION_REFUSED\","
		"\"message\":\"refused <&>\",\"hint\":\"is the pod Ready?\",\"durationMs\":1500},"
		"{\"name\":\"bad\",\"outcome\":\"ERROR\",\"failureClass\":\"INTERNAL\",\"message\":\"x\"},"
		"{\"name\":\"skip\",\"outcome\":\"SKIPPED\"},"
		"{\"name\":\"ok\",\"outcome\":\"PASSED\",\"durationMs\":2}]},"
		"{\"name\":\"web-test-later\",\"events\":[\"test\"],\"test\":true,"
		"\"phase\":\"Running\",\"startedAt\":\"2026-01-02T03:04:05.000Z\",\"checks\":[]},"
		"{\"name\":\"migrate\",\"events\":[\"pre-install\"],\"test\":false,"
		"\"phase\":\"Succeeded\",\"checks\":[]}]}";
	cJSON *o = cJSON_Parse(j);
	ASSERT(o != NULL);
	return o;
}

HB_TEST(render_text_like_helm_test)
{
	cJSON *red = sample();
	struct hb_buf b;
	hb_buf_init(&b, HB_RENDER_CAP);
	ASSERT_EQ_INT(hb_render(&b, red, HB_RENDER_TEXT), 0);
	const char *s = hb_buf_str(&b);
	ASSERT_CONTAINS(s, "NAME: web\nNAMESPACE: shop\nREVISION: 4\n");
	ASSERT_CONTAINS(s, "TEST SUITE:     web-test-db\n"
			   "Last Started:   Wed Nov 25 22:15:03 2026\n"
			   "Last Completed: Wed Nov 25 22:15:09 2026\n"
			   "Phase:          Failed\n");
	ASSERT_CONTAINS(s, "Last Started:   Fri Jan  2 03:04:05 2026\n");
	ASSERT(strstr(s, "TEST SUITE:     migrate") == NULL);
	ASSERT_CONTAINS(s, "web-test-db  pg  CONNECTION_REFUSED: refused <&>\n");
	ASSERT_CONTAINS(s, "    hint: is the pod Ready?\n");
	ASSERT_CONTAINS(s, "web-test-db  bad  INTERNAL: x\n");
	ASSERT(strstr(s, "  ok  ") == NULL);
	hb_buf_release(&b);
	cJSON_Delete(red);
}

HB_TEST(render_junit)
{
	cJSON *red = sample();
	struct hb_buf b;
	hb_buf_init(&b, HB_RENDER_CAP);
	ASSERT_EQ_INT(hb_render(&b, red, HB_RENDER_JUNIT), 0);
	const char *s = hb_buf_str(&b);
	ASSERT_CONTAINS(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	ASSERT_CONTAINS(s, "tests=\"6\" failures=\"1\" errors=\"1\" skipped=\"2\"");
	ASSERT_CONTAINS(s, "<testsuite name=\"web-test-db\" tests=\"4\" failures=\"1\" "
			   "errors=\"1\" skipped=\"1\" time=\"1.502\"");
	ASSERT_CONTAINS(s, "timestamp=\"2026-11-25T22:15:03\"");
	ASSERT_CONTAINS(s, "<testcase name=\"pg\" classname=\"web-test-db\" time=\"1.500\">");
	ASSERT_CONTAINS(s, "<failure message=\"refused &lt;&amp;&gt;\" type=\"CONNECTION_REFUSED\">"
			   "class: CONNECTION_REFUSED\nmessage: refused &lt;&amp;&gt;\n"
			   "hint: is the pod Ready?\n");
	ASSERT_CONTAINS(s, "<error message=\"x\" type=\"INTERNAL\">");
	ASSERT_CONTAINS(s, "<skipped message=\"SKIPPED\"/>");
	ASSERT_CONTAINS(s, "<skipped message=\"hook phase Running\"/>");
	ASSERT_CONTAINS(s, "</testsuites>\n");
	hb_buf_release(&b);
	cJSON_Delete(red);
}

HB_TEST(exit_codes_and_times)
{
	ASSERT_EQ_INT(hb_phase_exit_code("Succeeded"), 0);
	ASSERT_EQ_INT(hb_phase_exit_code("Failed"), 1);
	ASSERT_EQ_INT(hb_phase_exit_code("Running"), 3);
	ASSERT_EQ_INT(hb_phase_exit_code("Unknown"), 3);
	char t[64];
	hb_format_ansic(t, sizeof(t), "2000-02-29T23:59:59.999Z");
	ASSERT_STREQ(t, "Tue Feb 29 23:59:59 2000");
	hb_format_ansic(t, sizeof(t), "");
	ASSERT_STREQ(t, "");
}

HB_TEST_MAIN(cli_serve_defaults, cli_errors, cli_status_and_reduce, cli_listen,
	     validate_accepts_a_good_report, validate_rejects_missing_or_bad_id,
	     validate_rejects_absurd_sizes, validate_rejects_garbage_and_truncation,
	     format_sniffing, tokens_and_media_types, render_text_like_helm_test,
	     render_junit, exit_codes_and_times)
