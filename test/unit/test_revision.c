/* SPDX-License-Identifier: MIT */
/* Revisions as Helm makes them (issue 10): a report of any other revision
 * is refused, in protobuf and in JSON, and so is a revision asked for in
 * ?revision= or --revision; a reduction that left hooks out says so. */
#include "hbtest.h"

#include "cli.h"
#include "render.h"
#include "report_util.h"
#include "validate.h"

#include <errno.h>
#include <stdint.h>

#define ID "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"

static int decode_revision(int64_t revision, char *err)
{
	Hookbox__V1__Report r = HOOKBOX__V1__REPORT__INIT;
	Hookbox__V1__PodMeta pod = HOOKBOX__V1__POD_META__INIT;
	r.report_id = ID;
	r.pod = &pod;
	r.phase = HOOKBOX__V1__PHASE__PHASE_FAILED;
	pod.namespace_ = "shop";
	pod.release = "web";
	pod.pod_name = "web-test";
	pod.revision = revision;
	uint8_t buf[256];
	size_t n = protobuf_c_message_pack(&r.base, buf);
	Hookbox__V1__Report *out = NULL;
	err[0] = '\0';
	int rc = hb_report_decode(buf, n, HB_FORMAT_PROTOBUF, &out, err, 256);
	if (out)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

static int decode_json_revision(const char *revision, char *err)
{
	char j[512];
	int n = snprintf(j, sizeof(j),
			 "{\"reportId\": \"" ID "\", \"phase\": \"PHASE_FAILED\", \"pod\": "
			 "{\"namespace\": \"shop\", \"release\": \"web\", \"podName\": "
			 "\"web-test\", \"revision\": %s}}",
			 revision);
	Hookbox__V1__Report *out = NULL;
	err[0] = '\0';
	int rc = hb_report_decode((const uint8_t *)j, (size_t)n, HB_FORMAT_JSON, &out, err, 256);
	if (out)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

HB_TEST(ingest_takes_helm_revisions)
{
	char err[256];
	ASSERT_EQ_INT(decode_revision(1, err), 0);
	ASSERT_EQ_INT(decode_revision(INT32_MAX, err), 0);
	/* An agent that did not know its revision. */
	ASSERT_EQ_INT(decode_revision(0, err), 0);
	ASSERT_EQ_INT(decode_json_revision("\"2147483647\"", err), 0);
	ASSERT_EQ_INT(decode_json_revision("2147483647", err), 0);
}

HB_TEST(ingest_refuses_other_revisions)
{
	char err[256];
	ASSERT_EQ_INT(decode_revision(INT64_MAX, err), -EINVAL);
	ASSERT_STREQ(err, "pod.revision: 9223372036854775807 is out of range "
			  "(Helm's revisions are 1 to 2147483647)");
	ASSERT_EQ_INT(decode_revision((int64_t)INT32_MAX + 1, err), -EINVAL);
	ASSERT_CONTAINS(err, "pod.revision: 2147483648 is out of range");
	ASSERT_EQ_INT(decode_revision(-1, err), -EINVAL);
	ASSERT_CONTAINS(err, "pod.revision: -1 is out of range");
	ASSERT_EQ_INT(decode_revision(INT64_MIN, err), -EINVAL);
	/* int64 is a string in proto3's JSON; a number is accepted too. */
	ASSERT_EQ_INT(decode_json_revision("\"9223372036854775807\"", err), -EINVAL);
	ASSERT_CONTAINS(err, "pod.revision: 9223372036854775807 is out of range");
	ASSERT_EQ_INT(decode_json_revision("2147483648", err), -EINVAL);
	ASSERT_CONTAINS(err, "pod.revision: 2147483648 is out of range");
}

HB_TEST(revision_asked_for)
{
	static const struct {
		const char *s;
		int rc;
		int64_t v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1 },
		{ "007", 0, 7 },
		{ "2147483647", 0, INT32_MAX },
		{ "2147483648", -EINVAL, 0 },
		{ "9223372036854775807", -EINVAL, 0 },
		{ "99999999999999999999999", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "3x", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -42;
		int rc = hb_revision_parse(cases[i].s, &v);
		if (rc != cases[i].rc || (rc == 0 && v != cases[i].v))
			HB_FAIL_("\"%s\": %d, %lld", cases[i].s, rc, (long long)v);
	}
}

HB_TEST(cli_revision)
{
	struct hb_collector_cli c;
	char err[256];
	char *ok[] = { "x", "status", "--server", "http://h:1", "--namespace", "ns",
		       "--release", "r", "--revision", "2147483647", NULL };
	ASSERT_EQ_INT(hb_collector_cli_parse(10, ok, &c, err, sizeof(err)), 0);
	ASSERT_EQ_INT(c.revision, INT32_MAX);
	char *big[] = { "x", "status", "--server", "http://h:1", "--namespace", "ns",
			"--release", "r", "--revision", "2147483648", NULL };
	ASSERT_EQ_INT(hb_collector_cli_parse(10, big, &c, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "--revision \"2147483648\": want a number from 0 to 2147483647");
	char *off[] = { "x", "reduce", "--revision=9223372036854775807", "f", NULL };
	ASSERT_EQ_INT(hb_collector_cli_parse(4, off, &c, err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "--revision \"9223372036854775807\"");
}

HB_TEST(text_says_hooks_were_left_out)
{
	cJSON *red = cJSON_Parse("{\"namespace\":\"shop\",\"release\":\"web\",\"revision\":1,"
				 "\"latestRevision\":1,\"phase\":\"Failed\","
				 "\"omittedHooks\":3,\"omittedFailedHooks\":1,\"hooks\":[]}");
	ASSERT(red != NULL);
	struct hb_buf b;
	hb_buf_init(&b, HB_RENDER_CAP);
	ASSERT_EQ_INT(hb_render(&b, red, HB_RENDER_TEXT), 0);
	ASSERT_CONTAINS(hb_buf_str(&b), "PHASE: Failed\nNOTE: 3 of 3 hooks not shown, 1 of "
					"them failed; the phase counts them all\n");
	hb_buf_release(&b);
	cJSON_SetNumberValue(cJSON_GetObjectItem(red, "omittedHooks"), 0);
	hb_buf_init(&b, HB_RENDER_CAP);
	ASSERT_EQ_INT(hb_render(&b, red, HB_RENDER_TEXT), 0);
	ASSERT(strstr(hb_buf_str(&b), "NOTE") == NULL);
	hb_buf_release(&b);
	cJSON_Delete(red);
}

HB_TEST_MAIN(ingest_takes_helm_revisions, ingest_refuses_other_revisions, revision_asked_for,
	     cli_revision, text_says_hooks_were_left_out)
