/* SPDX-License-Identifier: MIT */
/* Unit tests for what issue 14 added to http checks: a URL without a scheme,
 * URL credentials libcurl would misread, hints by status, and the spec's
 * credential fields. */
#include "spec_test.h"

#include "addr.h"
#include "classify.h"
#include "driver.h"

#include <string.h>

/* The problem hb_url_userinfo_problem finds in url contains want (NULL:
 * none). */
static void userinfo(const char *url, const char *want)
{
	const char *got = hb_url_userinfo_problem(url);
	if (!want && got)
		HB_FAIL_("\"%s\": refused: %s", url, got);
	if (want && (!got || !strstr(got, want)))
		HB_FAIL_("\"%s\": \"%s\", want \"%s\"", url, got ? got : "(none)",
			 want);
}

HB_TEST(userinfo_encoded_or_absent_is_fine)
{
	userinfo("http://app:8080/health", NULL);
	userinfo("http://elastic:p%40ss%2Fw%23rd@es:9200/", NULL);
	userinfo("http://elastic:pa:ss@es/", NULL);
	userinfo("http://svc/a?email=a@b.c", NULL);
	userinfo("http://svc:80/@me", NULL);
	userinfo("http://[::1]:80/x@y", NULL);
	userinfo("http://@es/", NULL);
	userinfo("svc:80/x", NULL);
}

HB_TEST(userinfo_raw_characters_are_refused)
{
	userinfo("http://elastic:p@ss@es:9200/", "a raw \"@\"");
	userinfo("http://elastic:p@ss/word@es:9200/", "an \"@\" follows the credentials");
	userinfo("http://elastic:p/ss@es:9200/", "ends the host early");
	userinfo("http://elastic:p#ss@es:9200/", "ends the host early");
	userinfo("http://elastic:p?ss@es:9200/", "ends the host early");
	userinfo("http://elastic:/ss@es/", "ends the host early");
	userinfo("http://elastic:p%zz@es/", "no %XX escape");
	userinfo("http://elastic:p%4@es/", "no %XX escape");
}

HB_TEST(userinfo_messages_never_quote_the_url)
{
	const char *urls[] = { "http://u:secretA@secretB@h/",
			       "http://u:secretA/secretB@h/",
			       "http://u:secretA%zz@h/" };
	for (size_t i = 0; i < HB_ARRAY_SIZE(urls); i++) {
		const char *m = hb_url_userinfo_problem(urls[i]);
		ASSERT(m);
		ASSERT(!strstr(m, "secret"));
	}
}

HB_TEST(has_userinfo)
{
	ASSERT(hb_url_has_userinfo("http://u:p@h/"));
	ASSERT(hb_url_has_userinfo("http://u@h"));
	ASSERT(!hb_url_has_userinfo("http://h/a@b"));
	ASSERT(!hb_url_has_userinfo("h:80"));
}

HB_TEST(status_hints)
{
	ASSERT_CONTAINS(hb_http_status_hint(301), "follow_redirects");
	ASSERT_CONTAINS(hb_http_status_hint(302), "expect the 3xx");
	ASSERT_CONTAINS(hb_http_status_hint(401), "password_file");
	ASSERT_CONTAINS(hb_http_status_hint(403), "RBAC");
	ASSERT_CONTAINS(hb_http_status_hint(404), "path");
	ASSERT_CONTAINS(hb_http_status_hint(503), "no ready endpoints");
	ASSERT_CONTAINS(hb_http_status_hint(500), "logs");
	ASSERT_CONTAINS(hb_http_status_hint(504), "logs");
	ASSERT(hb_http_status_hint(200) == NULL);
	ASSERT(hb_http_status_hint(400) == NULL);
	ASSERT(hb_http_status_hint(429) == NULL);
}

HB_TEST(attempt_hint_by_status_for_http_status_only)
{
	struct hb_attempt a;
	hb_attempt_init(&a);
	hb_attempt_fail(&a, HB_CLASS_HTTP_STATUS, "status 404, expected 2xx");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_HTTP_STATUS));
	hb_attempt_detail(&a, "status_code", "404");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_http_status_hint(404));
	hb_attempt_detail(&a, "status_code", "418");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_HTTP_STATUS));
	hb_attempt_detail(&a, "status_code", "404x");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_HTTP_STATUS));
	/* A body that did not match, after a 200: the class's hint. */
	hb_attempt_detail(&a, "status_code", "503");
	hb_attempt_fail(&a, HB_CLASS_ASSERTION_FAILED, "body does not match");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_ASSERTION_FAILED));
	hb_attempt_pass(&a);
	ASSERT_STREQ(hb_attempt_hint(&a), "");
}

/* The url an http check with url u gets, or its error. */
static void url_becomes(const char *u, const char *want)
{
	char json[512];
	struct hb_spec_error err;
	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"http\", \"url\": \"%s\"}]}", u);
	struct hb_spec *s = parse(json, &err);
	if (!s)
		HB_FAIL_("\"%s\" refused: %s", u, err.msg);
	ASSERT_STREQ(s->checks[0].url, want);
	ASSERT_STREQ(s->checks[0].target, want);
	hb_spec_free(s);
}

HB_TEST(url_without_scheme_is_http)
{
	url_becomes("svc:80/path", "http://svc:80/path");
	url_becomes("svc", "http://svc");
	url_becomes("svc.ns.svc.cluster.local:8080/healthz?x=1",
		    "http://svc.ns.svc.cluster.local:8080/healthz?x=1");
	url_becomes("[::1]:8080/x", "http://[::1]:8080/x");
	url_becomes("${APP_HOST}:${APP_PORT}/", "http://app:8080/");
	url_becomes("HTTPS://svc/", "HTTPS://svc/");
	url_becomes("https://svc/", "https://svc/");
}

HB_TEST(url_with_a_half_scheme_is_refused)
{
	struct hb_spec_error err;
	const char *bad[] = { "https:/svc", "ftp:x", "svc:/x", "svc:" };
	for (size_t i = 0; i < HB_ARRAY_SIZE(bad); i++) {
		char json[256];
		snprintf(json, sizeof(json),
			 "{\"checks\": [{\"kind\": \"http\", \"url\": \"%s\"}]}",
			 bad[i]);
		ASSERT_CONTAINS(parse_error(json, &err),
				"spec.json: checks[0].url: expected a URL "
				"starting with http:// or https://, or "
				"\"host:port/path\" (taken as http://)");
	}
	/* Other kinds' URLs keep needing their scheme. */
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"redis\", "
				    "\"url\": \"cache:6379\"}]}", &err),
			"checks[0].url: expected a URL starting with redis://");
}

HB_TEST(credential_fields)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse(
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"es:9200\", "
		"\"user\": \"elastic\", \"password\": \"${DB_PASSWORD}\"}, "
		"{\"kind\": \"http\", \"url\": \"http://api\", "
		"\"bearer_token_file\": \"/var/run/secrets/token\"}]}", &err);
	if (!s)
		HB_FAIL_("refused: %s", err.msg);
	ASSERT_STREQ(s->checks[0].user, "elastic");
	ASSERT_STREQ(s->checks[0].password, "s3cret");
	/* The token is read by the check's own child, not by the parser. */
	ASSERT(s->checks[1].bearer_token == NULL);
	ASSERT_STREQ(s->checks[1].bearer_token_file, "/var/run/secrets/token");
	ASSERT_EQ_INT(s->n_files, 1);
	ASSERT(s->files[0].secret);
	hb_spec_free(s);
}

HB_TEST(credential_errors_name_their_path)
{
	struct hb_spec_error err;
	ASSERT_STREQ(parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				 "\"http://a\", \"password\": \"x\"}]}", &err),
		     "spec.json: checks[0].password: a password needs \"user\" "
		     "(basic auth sends both)");
	ASSERT_STREQ(parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				 "\"http://elastic@a\", \"password_file\": "
				 "\"/p\"}]}", &err),
		     "spec.json: checks[0].password_file: a password needs "
		     "\"user\": move the URL's user name into \"user\"");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				    "\"http://u:p@a\", \"user\": \"u\"}]}", &err),
			"spec.json: checks[0].user: the URL has credentials too");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				    "\"http://a\", \"user\": \"u\\n\"}]}", &err),
			"spec.json: checks[0].user: a basic-auth user name");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				    "\"http://a\", \"bearer_token\": \"\"}]}", &err),
			"spec.json: checks[0].bearer_token: a bearer token is one word");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				    "\"http://a\", \"user\": \"u\", \"headers\": "
				    "{\"authorization\": \"x\"}}]}", &err),
			"spec.json: checks[0].headers.authorization: \"user\" sets "
			"the Authorization header too");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"tcp\", \"address\": "
				    "\"a:1\", \"bearer_token\": \"t\"}]}", &err),
			"checks[0].bearer_token: not valid for kind \"tcp\" (only "
			"for http)");
	/* A URL's raw password: refused, never quoted. */
	const char *m = parse_error("{\"checks\": [{\"kind\": \"http\", \"url\": "
				    "\"http://u:topsecret@x@a\"}]}", &err);
	ASSERT_CONTAINS(m, "spec.json: checks[0].url: the user name or password "
			   "has a raw \"@\"");
	ASSERT(!strstr(m, "topsecret"));
}

HB_TEST_MAIN(userinfo_encoded_or_absent_is_fine,
	     userinfo_raw_characters_are_refused,
	     userinfo_messages_never_quote_the_url, has_userinfo, status_hints,
	     attempt_hint_by_status_for_http_status_only,
	     url_without_scheme_is_http, url_with_a_half_scheme_is_refused,
	     credential_fields, credential_errors_name_their_path)
