/* SPDX-License-Identifier: MIT */
/* Unit tests of "after", "retry_on" and --no-env in the spec parser, and of
 * which failure classes a wait does not retry. */
#include "hbtest.h"

#include "spec_test.h"

#include "classify.h"
#include "expand.h"

#define TCP(name) "{\"name\": \"" name "\", \"kind\": \"tcp\", \"address\": \"a:1\""

HB_TEST(after_resolves_to_indices)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse(
		"{\"checks\": [" TCP("c") ", \"after\": [\"a\", \"b\"]},"
		TCP("b") ", \"after\": [\"a\"]}," TCP("a") "}]}", &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(s->checks[0].n_after, 2);
	ASSERT_EQ_INT(s->checks[0].after_index[0], 2);
	ASSERT_EQ_INT(s->checks[0].after_index[1], 1);
	ASSERT_EQ_INT(s->checks[1].after_index[0], 2);
	ASSERT_EQ_INT(s->checks[2].n_after, 0);
	hb_spec_free(s);
}

HB_TEST(after_errors_name_their_path)
{
	static const struct {
		const char *json;
		const char *msg;
	} cases[] = {
		{ "{\"checks\": [" TCP("a") ", \"after\": [\"b\"]}," TCP("b")
		  ", \"after\": [\"a\"]}]}",
		  "spec.json: checks[1].after[0]: a cycle: \"b\" runs after \"a\" "
		  "runs after \"b\"" },
		{ "{\"checks\": [" TCP("a") ", \"after\": [\"a\"]}]}",
		  "spec.json: checks[0].after[0]: a check cannot run after itself" },
		{ "{\"checks\": [" TCP("a") "}," TCP("b") ", \"after\": [\"a\", \"x\"]}]}",
		  "spec.json: checks[1].after[1]: no check is named \"x\"" },
		{ "{\"checks\": [" TCP("write") "}," TCP("b") ", \"after\": [\"wirte\"]}]}",
		  "(did you mean \"write\"?)" },
		{ "{\"checks\": [" TCP("a") "}," TCP("b") ", \"after\": \"a\"}]}",
		  "spec.json: checks[1].after: expected a non-empty array" },
		{ "{\"checks\": [" TCP("a") "}," TCP("b") ", \"after\": [\"\"]}]}",
		  "spec.json: checks[1].after[0]: expected a check's name" },
		{ "{\"checks\": [" TCP("a") "}," TCP("b") ", \"after\": [\"${NOPE}\"]}]}",
		  "spec.json: checks[1].after[0]: environment variable \"NOPE\"" },
		{ "{\"defaults\": {\"after\": [\"a\"]}, \"checks\": [" TCP("a") "}]}",
		  "spec.json: defaults.after: unknown key" },
		{ "{\"checks\": [" TCP("a") ", \"retry_on\": [\"AUTH_FAILED\", "
		  "\"AUTH_FAILED\"]}]}",
		  "spec.json: checks[0].retry_on[1]: AUTH_FAILED is already in the "
		  "list" },
		{ "{\"checks\": [" TCP("a") ", \"retry_on\": [\"NONE\"]}]}",
		  "spec.json: checks[0].retry_on[0]: unknown failure class \"NONE\"" },
		{ "{\"checks\": [" TCP("a") ", \"retry_on\": [\"CRASHED\"]}]}",
		  "spec.json: checks[0].retry_on[0]: CRASHED is never retried" },
		{ "{\"checks\": [" TCP("a") ", \"retry_on\": [3]}]}",
		  "spec.json: checks[0].retry_on[0]: expected a failure class" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(cases); i++) {
		struct hb_spec_error err;
		ASSERT_CONTAINS(parse_error(cases[i].json, &err), cases[i].msg);
	}
}

HB_TEST(retry_on_defaults_and_override)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse(
		"{\"defaults\": {\"retry_on\": [\"AUTH_FAILED\"]}, \"checks\": ["
		TCP("a") "}," TCP("b") ", \"retry_on\": [\"QUERY_ERROR\", "
		"\"TLS_ERROR\"]}," TCP("c") ", \"retry_on\": []}]}", &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(s->checks[0].retry.retry_on, 1u << HB_CLASS_AUTH_FAILED);
	ASSERT_EQ_INT(s->checks[1].retry.retry_on,
		      (1u << HB_CLASS_QUERY_ERROR) | (1u << HB_CLASS_TLS_ERROR));
	ASSERT_EQ_INT(s->checks[2].retry.retry_on, 0);
	hb_spec_free(s);
}

HB_TEST(what_time_does_not_fix)
{
	ASSERT(hb_class_not_retried(HB_CLASS_AUTH_FAILED, false) != NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_DATABASE_NOT_FOUND, false) != NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_QUERY_ERROR, false) != NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_SANDBOX_VIOLATION, false) != NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_TLS_ERROR, true) != NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_TLS_ERROR, false) == NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_CONNECTION_REFUSED, false) == NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_DNS_FAILURE, false) == NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_TIMEOUT, false) == NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_HTTP_STATUS, false) == NULL);
	ASSERT(hb_class_not_retried(HB_CLASS_ASSERTION_FAILED, false) == NULL);
	ASSERT_EQ_INT(hb_class_by_name("QUERY_ERROR"), HB_CLASS_QUERY_ERROR);
	ASSERT_EQ_INT(hb_class_by_name("NONE"), -1);
	ASSERT_EQ_INT(hb_class_by_name("query_error"), -1);
}

HB_TEST(partial_expansion_keeps_unset)
{
	char err[128], *out = NULL;
	bool unset = false;
	ASSERT_EQ_INT(hb_expand_partial("http://${APP_HOST}:${NOPE}/${X:-d}$$",
					fake_getenv, &unset, &out, err,
					sizeof(err)), 0);
	ASSERT_STREQ(out, "http://app:${NOPE}/d$");
	ASSERT(unset);
	free(out);
	ASSERT_EQ_INT(hb_expand_partial("${APP_HOST}", fake_getenv, &unset, &out,
					err, sizeof(err)), 0);
	ASSERT(!unset);
	free(out);
	/* The form is still checked. */
	ASSERT(hb_expand_partial("${NOPE", fake_getenv, &unset, &out, err,
				 sizeof(err)) < 0);
	ASSERT_CONTAINS(err, "unterminated");
}

HB_TEST(no_env_checks_what_it_can)
{
	static const char spec[] =
		"{\"defaults\": {\"timeout\": \"${T:-2s}\"}, \"checks\": ["
		"{\"name\": \"web\", \"kind\": \"http\", \"url\": \"${URL}\","
		" \"method\": \"${M}\", \"expect\": {\"status\": \"${S}\","
		" \"body\": \"${RE}\", \"max_latency\": \"${L}\"}},"
		"{\"name\": \"db\", \"kind\": \"tcp\", \"address\": \"${H}:5432\","
		" \"after\": [\"web\", \"${OTHER}\"]},"
		"{\"kind\": \"dns\", \"name\": \"${NAME}\", \"expect\": "
		"{\"addresses\": [\"${IP}\"]}}]}";
	struct hb_spec_error err;
	struct hb_spec *s = hb_spec_parse(spec, strlen(spec), "spec.json",
					  hb_spec_no_env, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_EQ_INT(s->checks[0].timeout_ms, 2000);
	ASSERT_STREQ(s->checks[0].url, "${URL}");
	ASSERT_EQ_INT(s->checks[1].after_index[0], 0);
	hb_spec_free(s);
	/* What does not use a variable is checked as ever. */
	static const char bad[] =
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"ftp://x/\"}]}";
	ASSERT(hb_spec_parse(bad, strlen(bad), "spec.json", hb_spec_no_env,
			     &err) == NULL);
	ASSERT_CONTAINS(err.msg, "checks[0].url: expected a URL starting with");
	static const char late[] =
		"{\"defaults\": {\"timeout\": \"${T:-2x}\"}, \"checks\": [1]}";
	ASSERT(hb_spec_parse(late, strlen(late), "spec.json", hb_spec_no_env,
			     &err) == NULL);
	ASSERT_CONTAINS(err.msg, "defaults.timeout: \"2x\" is not a duration");
}

HB_TEST_MAIN(after_resolves_to_indices, after_errors_name_their_path,
	     retry_on_defaults_and_override, what_time_does_not_fix,
	     partial_expansion_keeps_unset, no_env_checks_what_it_can)
