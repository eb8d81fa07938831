/* SPDX-License-Identifier: MIT */
/* The expectations' matching: PCRE2 patterns as chart authors copy them
 * from other tools, its limits on a pathological pattern, and expect.jq's
 * verdicts (core/pattern.c, kinds/jq_expect.c). */
#include "hbtest.h"

#include "jq_expect.h"
#include "pattern.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int match(const char *re, const char *subject, size_t len)
{
	char why[128] = "";
	struct hb_pattern *p = hb_pattern_new(re, why, sizeof(why));
	if (!p)
		HB_FAIL_("/%s/ does not compile: %s", re, why);
	int m = hb_pattern_match(p, subject, len, why, sizeof(why));
	hb_pattern_free(p);
	return m;
}

#define MATCHES(re, s) ASSERT_EQ_INT(match(re, s, strlen(s)), 1)
#define MISSES(re, s) ASSERT_EQ_INT(match(re, s, strlen(s)), 0)

/* blackbox_exporter's fail_if_body_not_matches_regexp, goss's http body
 * matchers and Gatus's [BODY] conditions take Go's RE2 syntax. */
HB_TEST(patterns_from_other_tools)
{
	MATCHES("version \\d+", "nginx version 123");
	MISSES("version \\d+", "version x");
	MATCHES("^ok\\s*$", "ok \n");
	MATCHES("\"status\":\\s*\"(UP|up)\"", "{\"status\": \"UP\"}");
	MATCHES("<title>\\w+ to nginx!</title>", "<title>Welcome to nginx!</title>");
	/* Lazy: the shortest, so "a" only up to the first "</b>". */
	MATCHES("<b>.*?</b>x", "<b>1</b>x<b>2</b>");
	MATCHES("(?i)WELCOME", "welcome");
	/* A PromQL selector is literal text to PCRE2: "{" starts no
	 * quantifier here. */
	MATCHES("{partition_id=\"0\"}", "kafka_log_size{partition_id=\"0\"} 1");
	/* ERE classes still work. */
	MATCHES("[[:digit:]]+ rows?", "3 rows");
	/* A NUL in the subject does not end it. */
	ASSERT_EQ_INT(match("b$", "a\0b", 3), 1);
	/* A subject that is not UTF-8 is searched, not refused. */
	MATCHES("ok", "\xff\xfe ok");
	MISSES("^.$", "\xff");
}

/* (a+)+$ against a's that end in a b: every way of splitting the a's
 * between the two repetitions is tried, 2^n, unless a limit stops it. */
HB_TEST(pathological_pattern_is_stopped)
{
	size_t n = 100 * 1024;
	char *s = malloc(n + 1);
	ASSERT(s != NULL);
	memset(s, 'a', n - 1);
	s[n - 1] = 'b';
	s[n] = '\0';
	char why[128] = "";
	struct hb_pattern *p = hb_pattern_new("(a+)+$", why, sizeof(why));
	ASSERT(p != NULL);
	ASSERT_EQ_INT(hb_pattern_match(p, s, n, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "limit");
	/* A short subject, interpreted: the same limits stop it. */
	ASSERT_EQ_INT(hb_pattern_match(p, s + n - 40, 40, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "the match limit (1000000 steps)");
	ASSERT(!hb_pattern_jitted(p));
	hb_pattern_free(p);
	free(s);
}

/* Long subjects run the JIT-compiled code, which finds what the
 * interpreter finds. */
HB_TEST(long_subjects_use_jit)
{
	size_t n = 1 << 20;
	char *s = malloc(n + 1);
	ASSERT(s != NULL);
	for (size_t i = 0; i < n; i++)
		s[i] = "lorem ipsum\n"[i % 12];
	memcpy(s + n - 20, "\"version\": \"1.2.3\"\n", 20);
	s[n] = '\0';
	char why[128] = "";
	struct hb_pattern *p = hb_pattern_new("\"version\":\\s*\"\\d+\\.\\d+",
					      why, sizeof(why));
	ASSERT(p != NULL);
	ASSERT_EQ_INT(hb_pattern_match(p, s, n, why, sizeof(why)), 1);
	ASSERT(hb_pattern_jitted(p));
	ASSERT_EQ_INT(hb_pattern_match(p, s, n - 20, why, sizeof(why)), 0);
	hb_pattern_free(p);
	free(s);
}

static int judge(const char *expr, const char *json, char *got, size_t size)
{
	char why[200] = "";
	struct hb_jq *q = hb_jq_new(expr, why, sizeof(why));
	if (!q)
		HB_FAIL_("jq \"%s\" does not compile: %s", expr, why);
	int v = hb_jq_judge(q, json, strlen(json), got, size);
	hb_jq_free(q);
	return v;
}

HB_TEST(jq_verdicts)
{
	char got[120];
	/* Kibana's and fluent-bit's "any index matches". */
	const char *indexes = "[{\"index\":\".kibana\"},{\"index\":\"logstash-2026\"}]";
	ASSERT_EQ_INT(judge("any(.[]; .index | startswith(\"logstash\"))",
			    indexes, got, sizeof(got)), 1);
	ASSERT_EQ_INT(judge("any(.[]; .index | startswith(\"fluent\"))",
			    indexes, got, sizeof(got)), 0);
	ASSERT_STREQ(got, "false");
	/* Loki's "at least N results". */
	const char *loki = "{\"status\":\"success\",\"data\":{\"result\":[]}}";
	ASSERT_EQ_INT(judge(".data.result | length >= 1", loki, got,
			    sizeof(got)), 0);
	ASSERT_STREQ(got, "false");
	/* A number is not true, as it would be for jq -e: "length" alone
	 * passes jq -e with 0 results. */
	ASSERT_EQ_INT(judge(".data.result | length", loki, got, sizeof(got)), 0);
	ASSERT_STREQ(got, "0");
	/* Every output must be true. */
	ASSERT_EQ_INT(judge(".[] | . > 1", "[2,3]", got, sizeof(got)), 1);
	ASSERT_EQ_INT(judge(".[] | . > 1", "[2,0,3]", got, sizeof(got)), 0);
	ASSERT_STREQ(got, "true, false, true");
	ASSERT_EQ_INT(judge("empty", "{}", got, sizeof(got)), 0);
	ASSERT_STREQ(got, "nothing");
	/* Errors and bodies that are not JSON. */
	ASSERT_EQ_INT(judge(".[]", "1", got, sizeof(got)), -1);
	ASSERT_STREQ(got, "error: Cannot iterate over number (1)");
	ASSERT_EQ_INT(judge(".", "<html>", got, sizeof(got)), -1);
	ASSERT_CONTAINS(got, "the body is not JSON");
	/* An endless generator stops at the cap. */
	ASSERT_EQ_INT(judge("repeat(true)", "1", got, sizeof(got)), 0);
	ASSERT_STREQ(got, "more than 1000 outputs");
	/* What it yielded is cut. */
	ASSERT_EQ_INT(judge("range(100)", "1", got, 20), 0);
	ASSERT_EQ_INT(strlen(got), 19);
	ASSERT_STREQ(got + 16, "...");
}

HB_TEST(jq_compile_errors)
{
	char why[200];
	ASSERT(hb_jq_new(".a |", why, sizeof(why)) == NULL);
	ASSERT_STREQ(why, "syntax error, unexpected $end (Unix shell quoting "
			  "issues?) at <top-level>, line 1");
	ASSERT(hb_jq_new("nosuchfn(1)", why, sizeof(why)) == NULL);
	ASSERT_STREQ(why, "nosuchfn/1 is not defined at <top-level>, line 1");
	/* No file is read: neither a module nor $HOME/.jq. */
	ASSERT(hb_jq_new("import \"x\" as x; x::f", why, sizeof(why)) == NULL);
	char dir[] = "/tmp/hb-jq-XXXXXX";
	ASSERT(mkdtemp(dir) != NULL);
	char path[64];
	snprintf(path, sizeof(path), "%s/.jq", dir);
	FILE *f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs("def fromhome: true;\n", f);
	fclose(f);
	setenv("HOME", dir, 1);
	ASSERT(hb_jq_new("fromhome", why, sizeof(why)) == NULL);
	ASSERT_STREQ(getenv("HOME"), dir);
	unlink(path);
	rmdir(dir);
}

HB_TEST_MAIN(patterns_from_other_tools, pathological_pattern_is_stopped,
	     long_subjects_use_jit, jq_verdicts, jq_compile_errors)
