/* SPDX-License-Identifier: MIT */
/* Unit tests of what keeps a report valid UTF-8: the sanitiser at the edges
 * of a sequence, the tail of a command's output cut by its ring, the
 * report's strings whatever they came from, and the spec's names. */
#include "hbtest.h"

#include "exec.h"
#include "pbjson.h"
#include "report.h"
#include "spec.h"
#include "strutil.h"

#define FFFD "\xef\xbf\xbd"

/* Each case as Python's bytes.decode("utf-8", "replace") has it (Unicode's
 * "maximal subpart" practice): one U+FFFD for a sequence cut short, one for
 * each byte that can start nothing. */
static const struct {
	const char *in;
	const char *out;
} cases[] = {
	{ "plain ascii", "plain ascii" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL }, /* valid */
	/* The edges of each length's range. */
	{ "\xc2\x80\xdf\xbf", NULL },
	{ "\xe0\xa0\x80\xef\xbf\xbf", NULL },
	{ "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", NULL },
	{ "\xed\x9f\xbf\xee\x80\x80", NULL }, /* around the surrogates */
	/* Overlong forms. */
	{ "\xc0\x80", FFFD FFFD },
	{ "\xc1\xbf", FFFD FFFD },
	{ "\xe0\x80\xaf", FFFD FFFD FFFD },
	{ "\xe0\x9f\xbf", FFFD FFFD FFFD },
	{ "\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD },
	{ "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD },
	/* Surrogates, U+D800 and U+DFFF. */
	{ "\xed\xa0\x80", FFFD FFFD FFFD },
	{ "\xed\xbf\xbf", FFFD FFFD FFFD },
	/* Past U+10FFFF, and bytes that start nothing. */
	{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },
	{ "\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD },
	{ "a\xffz\xfe", "a" FFFD "z" FFFD },
	{ "\x80\xbf", FFFD FFFD },
	/* Cut short: at the end (where a byte limit cuts) and before another
	 * character, one U+FFFD each. */
	{ "ab\xc3", "ab" FFFD },
	{ "ab\xe2\x82", "ab" FFFD },
	{ "ab\xf0\x9f\x98", "ab" FFFD },
	{ "\xe2\x82" "a", FFFD "a" },
	{ "\xf0\x9f\x98\xf0\x9f\x98\x80", FFFD "\xf0\x9f\x98\x80" },
	{ "ok \377\n", "ok " FFFD "\n" }, /* printf 'ok \377\n' */
};

HB_TEST(sanitiser_at_sequence_edges)
{
	for (size_t i = 0; i < HB_ARRAY_SIZE(cases); i++) {
		const char *in = cases[i].in;
		const char *want = cases[i].out ? cases[i].out : in;
		char *got = hb_utf8_repair(in, strlen(in));
		ASSERT(got != NULL);
		if (strcmp(got, want) != 0)
			HB_FAIL_("case %zu: \"%s\" != \"%s\"", i, got, want);
		ASSERT(hb_utf8_valid(got, strlen(got)));
		ASSERT_EQ_INT(hb_utf8_valid(in, strlen(in)), cases[i].out == NULL ||
					    strcmp(in, cases[i].out) == 0);
		free(got);
	}
}

HB_TEST(sanitiser_replaces_nul_and_counts_bad_bytes)
{
	/* A C string cannot carry a NUL: the bytes after it would be lost. */
	char *got = hb_utf8_repair("a\0b", 3);
	ASSERT_STREQ(got, "a" FFFD "b");
	free(got);
	ASSERT(!hb_utf8_valid("a\0b", 3));
	got = hb_utf8_repair("", 0);
	ASSERT_STREQ(got, "");
	free(got);

	size_t bad = 0;
	ASSERT_EQ_INT(hb_utf8_seq((const unsigned char *)"\xe2\x82\xac", 3, &bad), 3);
	ASSERT_EQ_INT(hb_utf8_seq((const unsigned char *)"\xe2\x82\xac", 2, &bad), 0);
	ASSERT_EQ_INT(bad, 2);
	ASSERT_EQ_INT(hb_utf8_seq((const unsigned char *)"\xed\xa0\x80", 3, &bad), 0);
	ASSERT_EQ_INT(bad, 1);
}

static char *tail_of(const char *p, size_t n)
{
	struct hb_tail t;
	uint64_t dropped;
	hb_tail_init(&t, HB_EXEC_TAIL);
	/* In two writes, as a pipe delivers them. */
	hb_tail_add(&t, p, n / 2);
	hb_tail_add(&t, p + n / 2, n - n / 2);
	char *s = hb_report_tail(&t, &dropped);
	hb_tail_release(&t);
	return s;
}

HB_TEST(tail_cut_keeps_whole_characters)
{
	char buf[HB_EXEC_TAIL + 16];
	/* "€" (three bytes) then enough to push its first byte out of the
	 * ring: its two continuation bytes are dropped, not replaced. */
	memcpy(buf, "\xe2\x82\xac", 3);
	memset(buf + 3, 'a', HB_EXEC_TAIL - 2);
	char *got = tail_of(buf, HB_EXEC_TAIL + 1);
	ASSERT_EQ_INT(strlen(got), HB_EXEC_TAIL - 2);
	ASSERT_EQ_INT(strspn(got, "a"), HB_EXEC_TAIL - 2);
	free(got);

	/* Cut just before it: nothing to drop. */
	buf[0] = 'x';
	memcpy(buf + 1, "\xe2\x82\xac", 3);
	memset(buf + 4, 'a', HB_EXEC_TAIL - 3);
	got = tail_of(buf, HB_EXEC_TAIL + 1);
	ASSERT_EQ_INT(strlen(got), HB_EXEC_TAIL);
	ASSERT(memcmp(got, "\xe2\x82\xac" "a", 4) == 0);
	free(got);

	/* Not cut: a stray continuation byte is the command's own output. */
	got = tail_of("\x82" "ab", 3);
	ASSERT_STREQ(got, FFFD "ab");
	free(got);

	/* Output that ends inside a character, and binary output. */
	got = tail_of("ok \xe2\x82", 5);
	ASSERT_STREQ(got, "ok " FFFD);
	free(got);
	got = tail_of("a\0b\377\n", 5);
	ASSERT_STREQ(got, "a" FFFD "b" FFFD "\n");
	free(got);
}

/* Every string of a report built from bad bytes comes out valid, in the
 * report and after a round trip through its binary form. */
HB_TEST(report_strings_are_repaired)
{
	struct hb_check c;
	struct hb_job j;
	struct hb_attempt a;
	memset(&c, 0, sizeof(c));
	memset(&j, 0, sizeof(j));
	c.name = (char *)"n\xff";
	c.kind = (char *)"http";
	c.target = (char *)"http://h\xc3/";
	hb_attempt_init(&a);
	a.number = 1;
	hb_attempt_fail(&a, HB_CLASS_ASSERTION_FAILED, "body \"%s\"", "x\xed\xa0\x80");
	hb_attempt_detail(&a, "server", "%s", "nginx\xf8");
	j.check = &c;
	j.kept = &a;
	j.n_kept = 1;
	j.n_attempts = 1;
	j.outcome = a.outcome;
	j.failure_class = a.failure_class;
	memcpy(j.message, a.message, sizeof(j.message));

	struct hb_run_meta m;
	memset(&m, 0, sizeof(m));
	strcpy(m.report_id, "00000000-0000-4000-8000-000000000000");
	strcpy(m.hostname, "host\xc0");
	strcpy(m.pod.ns, "ns\x80");
	strcpy(m.pod.hook_events, "test,pre-\xff");
	m.sandbox_mode = "enforce";
	Hookbox__V1__Report *r = hb_report_new(&m, &j, 1);
	ASSERT(r != NULL);
	ASSERT_STREQ(r->hostname, "host" FFFD);
	ASSERT_STREQ(r->pod->namespace_, "ns" FFFD);
	ASSERT_STREQ(r->pod->hook_events[1], "pre-" FFFD);
	ASSERT_STREQ(r->checks[0]->name, "n" FFFD);
	ASSERT_STREQ(r->checks[0]->target, "http://h" FFFD "/");
	ASSERT_STREQ(r->checks[0]->message, "body \"x" FFFD FFFD FFFD "\"");
	ASSERT_STREQ(r->checks[0]->attempts[0]->message, r->checks[0]->message);
	ASSERT_STREQ(r->checks[0]->details[0]->value, "nginx" FFFD);

	/* hookbox exec's command, added afterwards. */
	Hookbox__V1__CheckResult *cr = malloc(sizeof(*cr));
	Hookbox__V1__CommandResult *cmd = malloc(sizeof(*cmd));
	ASSERT(cr && cmd);
	hookbox__v1__check_result__init(cr);
	hookbox__v1__command_result__init(cmd);
	cmd->argv = calloc(1, sizeof(char *));
	cmd->argv[0] = strdup("printf \377");
	cmd->n_argv = 1;
	cmd->stdout_tail = strdup("ok \377\n");
	cr->command = cmd;
	cr->name = strdup("command");
	ASSERT_EQ_INT(hb_report_add_check(r, cr), 0);
	ASSERT_STREQ(r->checks[1]->command->argv[0], "printf " FFFD);
	ASSERT_STREQ(r->checks[1]->command->stdout_tail, "ok " FFFD "\n");

	size_t len = hookbox__v1__report__get_packed_size(r);
	uint8_t *buf = malloc(len);
	ASSERT(buf != NULL);
	hookbox__v1__report__pack(r, buf);
	Hookbox__V1__Report *back = hookbox__v1__report__unpack(NULL, len, buf);
	ASSERT(back != NULL);
	char *json = hb_pbjson_print(&back->base, false);
	/* Nothing was left for the printer to repair. */
	ASSERT_CONTAINS(json, "\"hostname\":\"host" FFFD "\"");
	ASSERT_EQ_INT(hb_pbjson_repair_utf8(&back->base), 0);
	ASSERT_STREQ(back->checks[1]->command->stdout_tail, "ok " FFFD "\n");
	free(json);
	hookbox__v1__report__free_unpacked(back, NULL);
	free(buf);
	hb_report_free(r);
}

HB_TEST(spec_refuses_a_name_that_is_not_utf8)
{
	static const char json[] =
		"{\"checks\": [{\"name\": \"ok\", \"kind\": \"tcp\", \"address\": \"a:1\"},"
		" {\"name\": \"caf\xe9\", \"kind\": \"tcp\", \"address\": \"a:1\"}]}";
	struct hb_spec_error err;
	struct hb_spec *s = hb_spec_parse(json, strlen(json), "spec.json", NULL, &err);
	ASSERT(s == NULL);
	ASSERT_STREQ(err.msg, "spec.json: checks[1].name: a name must be valid UTF-8");

	static const char good[] =
		"{\"checks\": [{\"name\": \"caf\xc3\xa9\", \"kind\": \"tcp\", \"address\": \"a:1\"}]}";
	s = hb_spec_parse(good, strlen(good), "spec.json", NULL, &err);
	ASSERT(s != NULL);
	hb_spec_free(s);
}

HB_TEST_MAIN(sanitiser_at_sequence_edges, sanitiser_replaces_nul_and_counts_bad_bytes,
	     tail_cut_keeps_whole_characters, report_strings_are_repaired,
	     spec_refuses_a_name_that_is_not_utf8)
