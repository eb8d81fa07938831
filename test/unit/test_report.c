/* SPDX-License-Identifier: MIT */
/* Unit tests of report building and its three renderings: JSON (the
 * canonical mapping), human lines and the termination message. */
#include "hbtest.h"

#include "output.h"
#include "pbjson.h"
#include "report.h"
#include "spec.h"

static struct hb_check checks[3];
static struct hb_job jobs[3];
static struct hb_attempt attempts[3];

static void make_jobs(void)
{
	memset(checks, 0, sizeof(checks));
	memset(jobs, 0, sizeof(jobs));
	const char *names[] = { "api", "db", "cache" };
	const char *kinds[] = { "http", "tcp", "tcp" };
	for (int i = 0; i < 3; i++) {
		checks[i].name = (char *)names[i];
		checks[i].kind = (char *)kinds[i];
		checks[i].target = (char *)"127.0.0.1:8080";
		hb_attempt_init(&attempts[i]);
		attempts[i].number = 1;
		jobs[i].check = &checks[i];
		jobs[i].kept = &attempts[i];
		jobs[i].n_kept = 1;
		jobs[i].n_attempts = 1;
		jobs[i].duration_ms = 3.5;
	}
	hb_attempt_pass(&attempts[0]);
	hb_attempt_detail(&attempts[0], "status_code", "200");
	hb_attempt_fail(&attempts[1], HB_CLASS_CONNECTION_REFUSED,
			"connect to 127.0.0.1:8080 refused");
	hb_attempt_fail(&attempts[2], HB_CLASS_TIMEOUT, "no answer within 1s");
	checks[2].optional = true;
	for (int i = 0; i < 3; i++) {
		jobs[i].outcome = attempts[i].outcome;
		jobs[i].failure_class = attempts[i].failure_class;
		strcpy(jobs[i].message, attempts[i].message);
	}
}

static struct hb_run_meta meta(void)
{
	struct hb_run_meta m;
	memset(&m, 0, sizeof(m));
	strcpy(m.report_id, "0b7d8f3e-3c1f-4e43-9a7e-2b1d4f8c9a10");
	strcpy(m.started_at, "2026-11-25T22:00:00.000Z");
	strcpy(m.finished_at, "2026-11-25T22:00:01.000Z");
	strcpy(m.pod.release, "shop");
	strcpy(m.pod.hook_events, "test,post-install");
	m.pod.revision = 4;
	m.sandbox_mode = "enforce";
	m.seccomp = true;
	m.landlock_abi = 4;
	return m;
}

HB_TEST(phase_follows_required_checks)
{
	make_jobs();
	ASSERT_EQ_INT(hb_report_phase(jobs, 3), HOOKBOX__V1__PHASE__PHASE_FAILED);
	checks[1].optional = true; /* only optional failures left */
	ASSERT_EQ_INT(hb_report_phase(jobs, 3), HOOKBOX__V1__PHASE__PHASE_SUCCEEDED);
	ASSERT_EQ_INT(hb_report_phase(jobs, 1), HOOKBOX__V1__PHASE__PHASE_SUCCEEDED);
}

HB_TEST(json_uses_the_canonical_mapping)
{
	make_jobs();
	struct hb_run_meta m = meta();
	Hookbox__V1__Report *r = hb_report_new(&m, jobs, 3);
	char *s = hb_pbjson_print(&r->base, false);
	ASSERT_CONTAINS(s, "\"reportId\":\"0b7d8f3e-3c1f-4e43-9a7e-2b1d4f8c9a10\"");
	ASSERT_CONTAINS(s, "\"phase\":\"PHASE_FAILED\"");
	ASSERT_CONTAINS(s, "\"revision\":\"4\""); /* int64 as a string */
	ASSERT_CONTAINS(s, "\"hookEvents\":[\"test\",\"post-install\"]");
	ASSERT_CONTAINS(s, "\"failureClass\":\"CONNECTION_REFUSED\"");
	ASSERT_CONTAINS(s, "\"hint\":\"nothing listens on that port");
	ASSERT_CONTAINS(s, "\"details\":[{\"key\":\"status_code\",\"value\":\"200\"}]");
	ASSERT_CONTAINS(s, "\"landlockNet\":true");
	/* A passing check carries no class and no hint (defaults omitted). */
	char *api = strstr(s, "\"name\":\"api\"");
	char *db = strstr(s, "\"name\":\"db\"");
	ASSERT(api && db && api < db);
	char between[4096];
	snprintf(between, sizeof(between), "%.*s", (int)(db - api), api);
	ASSERT(!strstr(between, "failureClass"));
	ASSERT(!strstr(between, "\"hint\""));
	/* And it parses back to the same report. */
	char err[256];
	ProtobufCMessage *back = hb_pbjson_parse(&hookbox__v1__report__descriptor,
						 s, strlen(s), err, sizeof(err));
	if (!back)
		HB_FAIL_("reparse: %s", err);
	char *again = hb_pbjson_print(back, false);
	ASSERT_STREQ(again, s);
	free(again);
	protobuf_c_message_free_unpacked(back, NULL);
	free(s);
	hb_report_free(r);
}

HB_TEST(running_report_has_no_checks)
{
	struct hb_run_meta m = meta();
	m.finished_at[0] = '\0';
	Hookbox__V1__Report *r = hb_report_new(&m, NULL, 0);
	ASSERT_EQ_INT(r->phase, HOOKBOX__V1__PHASE__PHASE_RUNNING);
	ASSERT_EQ_INT(r->n_checks, 0);
	hb_report_free(r);
}

HB_TEST(human_lines_and_termination_message)
{
	make_jobs();
	struct hb_run_meta m = meta();
	Hookbox__V1__Report *r = hb_report_new(&m, jobs, 3);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	hb_output_human(f, r, false);
	fclose(f);
	ASSERT_CONTAINS(buf, "PASS  api  ");
	ASSERT_CONTAINS(buf, "FAIL  db   ");
	ASSERT_CONTAINS(buf, "CONNECTION_REFUSED: connect to 127.0.0.1:8080 refused");
	ASSERT_CONTAINS(buf, "      hint: nothing listens on that port");
	ASSERT_CONTAINS(buf, "WARN  cache");
	ASSERT_CONTAINS(buf, "hookbox: phase Failed: 1 of 3 checks passed, 1 failed, 1 optional failed\n");
	free(buf);

	char term[4096];
	hb_output_termination(term, sizeof(term), r);
	ASSERT_CONTAINS(term, "phase Failed\n");
	ASSERT_CONTAINS(term, "FAIL db: CONNECTION_REFUSED: connect to 127.0.0.1:8080 refused\n");
	/* Small limits cut at whole lines. */
	hb_output_termination(term, 40, r);
	ASSERT_STREQ(term, "phase Failed\n");
	hb_report_free(r);
}

HB_TEST_MAIN(phase_follows_required_checks, json_uses_the_canonical_mapping,
	     running_report_has_no_checks, human_lines_and_termination_message)
