/* SPDX-License-Identifier: MIT */
/* Unit tests of the spec parser's errors: each names its source and the JSON
 * path of what is wrong, and says what was expected. */
#include "hbtest.h"

#include "spec_test.h"

static const struct {
	const char *json;
	const char *msg;
} errors[] = {
	/* The document. */
	{ "[]", "spec.json: expected an object like {\"checks\": [...]}" },
	{ "  \n ", "spec.json: the spec is empty" },
	{ "{\"checks\": [1],\n \"defaults\": {,}}",
	  "spec.json:2:16: invalid JSON near \"}}\"" },
	{ "{\"checks\": [", "spec.json:1:12: invalid JSON near \"[\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\"}]} x",
	  "spec.json:1:49: invalid JSON near \"x\"" },
	{ "{}", "spec.json: missing \"checks\"" },
	{ "{\"check\": []}",
	  "spec.json: check: unknown key (did you mean \"checks\"?)" },
	{ "{\"checks\": [], \"checks\": []}", "spec.json: checks: duplicate key" },
	{ "{\"checks\": []}", "spec.json: checks: expected a non-empty array" },
	{ "{\"checks\": {}}", "spec.json: checks: expected a non-empty array" },
	{ "{\"checks\": [1]}", "spec.json: checks[0]: expected an object" },
	/* defaults */
	{ "{\"defaults\": [], \"checks\": [1]}",
	  "spec.json: defaults: expected an object" },
	{ "{\"defaults\": {\"retyr\": {}}, \"checks\": [1]}",
	  "spec.json: defaults.retyr: unknown key (did you mean \"retry\"?)" },
	{ "{\"defaults\": {\"timeout\": \"0s\"}, \"checks\": [1]}",
	  "spec.json: defaults.timeout: expected a duration greater than zero" },
	{ "{\"defaults\": {\"timeout\": true}, \"checks\": [1]}",
	  "spec.json: defaults.timeout: expected a duration like \"500ms\"" },
	{ "{\"defaults\": {\"wait\": \"-1s\"}, \"checks\": [1]}",
	  "spec.json: defaults.wait: \"-1s\" is not a duration" },
	{ "{\"defaults\": {\"retry\": {\"attempts\": 0}}, \"checks\": [1]}",
	  "spec.json: defaults.retry.attempts: expected an integer from 1 to "
	  "10000" },
	{ "{\"defaults\": {\"retry\": {\"attempts\": 1.5}}, \"checks\": [1]}",
	  "spec.json: defaults.retry.attempts: expected an integer" },
	{ "{\"defaults\": {\"retry\": {\"backoff\": 0.5}}, \"checks\": [1]}",
	  "spec.json: defaults.retry.backoff: expected a number from 1.0" },
	{ "{\"defaults\": {\"retry\": {\"interval\": \"1y\"}}, \"checks\": [1]}",
	  "spec.json: defaults.retry.interval: \"1y\" is not a duration" },
	{ "{\"defaults\": {\"retry\": {\"wait\": \"1m\"}}, \"checks\": [1]}",
	  "spec.json: defaults.retry.wait: unknown key (\"wait\" goes next to "
	  "\"retry\", not inside it)" },
	{ "{\"defaults\": {\"retry\": 3}, \"checks\": [1]}",
	  "spec.json: defaults.retry: expected an object" },
	/* Common keys. */
	{ "{\"checks\": [{}]}", "spec.json: checks[0]: missing \"kind\"" },
	{ "{\"checks\": [{\"kind\": 1}]}",
	  "spec.json: checks[0].kind: expected a string" },
	{ "{\"checks\": [{\"kind\": \"htp\"}]}",
	  "spec.json: checks[0].kind: unknown kind \"htp\" (did you mean "
	  "\"http\"?)" },
	{ "{\"checks\": [{\"kind\": \"ftp\", \"kind\": \"http\"}]}",
	  "spec.json: checks[0].kind: duplicate key" },
	{ "{\"checks\": [{\"kind\": \"gopher\"}]}",
	  "spec.json: checks[0].kind: unknown kind \"gopher\" (one of http" },
	{ "{\"checks\": [{\"kind\": \"http\"}]}",
	  "spec.json: checks[0]: missing \"url\" (a http check needs one)" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", \"name\": \"\"}]}",
	  "spec.json: checks[0].name: expected a non-empty name" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", \"name\": 1}]}",
	  "spec.json: checks[0].name: expected a string" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"name\": \"a\\nb\"}]}",
	  "spec.json: checks[0].name: a name cannot contain control characters" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"optional\": \"yes\"}]}",
	  "spec.json: checks[0].optional: expected true or false" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"timeout\": \"5 s\"}]}",
	  "spec.json: checks[0].timeout: \"5 s\" is not a duration (try "
	  "\"500ms\", \"5s\" or \"1m\")" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"retry\": {\"atempts\": 2}}]}",
	  "spec.json: checks[0].retry.atempts: unknown key (did you mean "
	  "\"attempts\"?)" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"wait\": []}]}",
	  "spec.json: checks[0].wait: expected a duration" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"adress\": \"b:2\"}]}",
	  "spec.json: checks[0].adress: unknown key (did you mean \"address\"?)" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"zzzzzz\": 1}]}",
	  "spec.json: checks[0].zzzzzz: unknown key" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"address\": \"b:2\"}]}",
	  "spec.json: checks[0].address: duplicate key" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": 1}]}",
	  "spec.json: checks[0].expect: expected an object" },
	/* Keys of another kind. */
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"query\": \"SELECT 1\"}]}",
	  "spec.json: checks[0].query: not valid for kind \"http\" (only for "
	  "postgres and mysql)" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"status\": 200}}]}",
	  "spec.json: checks[0].expect.status: not valid for kind \"tcp\" (only "
	  "for http)" },
	{ "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", "
	  "\"query\": \"x\"}]}",
	  "spec.json: checks[0].query: not valid for kind \"redis\"" },
	{ "{\"checks\": [{\"kind\": \"mysql\", \"url\": \"mysql://a\", "
	  "\"command\": \"x\"}]}",
	  "spec.json: checks[0].command: not valid for kind \"mysql\" (only for "
	  "redis)" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"url_file\": \"/x\"}]}",
	  "spec.json: checks[0].url_file: \"url\" and \"url_file\" are both "
	  "given: use one of them" },
	{ "{\"checks\": [{\"kind\": \"postgres\", \"password_file\": \"/x\", "
	  "\"url\": \"postgres://a\", \"password\": \"p\"}]}",
	  "spec.json: checks[0].password: \"password\" and \"password_file\" are "
	  "both given" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"ca_file_file\": \"/x\"}]}",
	  "spec.json: checks[0].ca_file_file: \"ca_file\" cannot come from a "
	  "file" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"body_file\": \"/x\"}}]}",
	  "spec.json: checks[0].expect.body_file: \"body\" cannot come from a "
	  "file" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"body_file\": \"\"}]}",
	  "spec.json: checks[0].body_file: expected a file path" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"body_file\": 3}]}",
	  "spec.json: checks[0].body_file: expected a string" },
	/* http */
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"ftp://a\"}]}",
	  "spec.json: checks[0].url: expected a URL starting with http:// or "
	  "https://" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://\"}]}",
	  "spec.json: checks[0].url: expected a URL starting with http://" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a b\"}]}",
	  "spec.json: checks[0].url: the URL has a space" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"method\": \"get\"}]}",
	  "spec.json: checks[0].method: expected an upper-case method like "
	  "\"GET\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"headers\": [\"X: y\"]}]}",
	  "spec.json: checks[0].headers: expected an object of header names" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"headers\": {\"X Bad\": \"v\"}}]}",
	  "spec.json: checks[0].headers[\"X Bad\"]: not a valid header name" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"headers\": {\"X\": 1}}]}",
	  "spec.json: checks[0].headers.X: expected a string" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"headers\": {\"X\": \"a\\r\\nHost: evil\"}}]}",
	  "spec.json: checks[0].headers.X: a header value cannot contain a line "
	  "break" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"headers\": {\"X\": \"1\", \"X\": \"2\"}}]}",
	  "spec.json: checks[0].headers.X: duplicate key" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"follow_redirects\": 1}]}",
	  "spec.json: checks[0].follow_redirects: expected true (the same "
	  "host), false or \"any\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"follow_redirects\": \"anywhere\"}]}",
	  "spec.json: checks[0].follow_redirects: expected true (the same "
	  "host), false or \"any\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"min_cert_days\": -1}]}",
	  "spec.json: checks[0].min_cert_days: expected an integer from 0 to "
	  "36500" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"stauts\": 200}}]}",
	  "spec.json: checks[0].expect.stauts: unknown key (did you mean "
	  "\"status\"?)" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": \"ok\"}}]}",
	  "spec.json: checks[0].expect.status: expected an integer or a class "
	  "like \"2xx\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": true}}]}",
	  "spec.json: checks[0].expect.status: expected an integer or a class "
	  "like \"2xx\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": 200.5}}]}",
	  "spec.json: checks[0].expect.status: expected an integer or a class" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": 700}}]}",
	  "spec.json: checks[0].expect.status: 700 is not an HTTP status (100 to "
	  "599)" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": \"099\"}}]}",
	  "spec.json: checks[0].expect.status: 99 is not an HTTP status" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": [200, \"6xx\"]}}]}",
	  "spec.json: checks[0].expect.status[1]: expected an integer or a "
	  "class like \"2xx\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"status\": []}}]}",
	  "spec.json: checks[0].expect.status: expected at least one status" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"body\": \"(ok\"}}]}",
	  "spec.json: checks[0].expect.body: invalid regular expression: "
	  "missing closing parenthesis at offset 3" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"json\": [1]}}]}",
	  "spec.json: checks[0].expect.json: expected an object of paths" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"json\": {\"a..b\": 1}}}]}",
	  "spec.json: checks[0].expect.json[\"a..b\"]: expected a dotted path" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"max_latency\": \"fast\"}}]}",
	  "spec.json: checks[0].expect.max_latency: \"fast\" is not a duration" },
	/* tcp */
	{ "{\"checks\": [{\"kind\": \"tcp\"}]}",
	  "spec.json: checks[0]: missing \"address\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"app\"}]}",
	  "spec.json: checks[0].address: expected \"host:port\" or "
	  "\"[v6]:port\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \":80\"}]}",
	  "spec.json: checks[0].address: expected \"host:port\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"::1:80\"}]}",
	  "spec.json: checks[0].address: an IPv6 address goes in brackets" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"[::1]80\"}]}",
	  "spec.json: checks[0].address: expected \"host:port\" or "
	  "\"[v6]:port\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"app:0\"}]}",
	  "spec.json: checks[0].address: expected a port from 1 to 65535" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"app:65536\"}]}",
	  "spec.json: checks[0].address: expected a port from 1 to 65535" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"app:http\"}]}",
	  "spec.json: checks[0].address: expected a port from 1 to 65535" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"reply\": \"a{2,1}\"}}]}",
	  "spec.json: checks[0].expect.reply: invalid regular expression" },
	/* PCRE2 refuses what would compile too large, with its offset. */
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"reply\": \"((a{99}){99}){99}\"}}]}",
	  "spec.json: checks[0].expect.reply: invalid regular expression: "
	  "regular expression is too large at offset 17" },
	/* Found by fuzzing glibc's regcomp: PCRE2 reads "P++" as possessive
	 * and refuses the third "+". */
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"reply\": \"P+++++++++++++++++++++++++++++++\"}}]}",
	  "spec.json: checks[0].expect.reply: invalid regular expression: "
	  "quantifier does not follow a repeatable item at offset 3" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"family\": 5}]}",
	  "spec.json: checks[0].family: expected 4, 6 or \"any\"" },
	/* dns */
	{ "{\"checks\": [{\"kind\": \"dns\"}]}",
	  "spec.json: checks[0]: missing \"name\" (a dns check needs one)" },
	{ "{\"checks\": [{\"kind\": \"dns\", \"name\": \"\"}]}",
	  "spec.json: checks[0].name: expected a host name" },
	{ "{\"checks\": [{\"kind\": \"dns\", \"host\": \"a b\"}]}",
	  "spec.json: checks[0].host: the host name has a space" },
	{ "{\"checks\": [{\"kind\": \"dns\", \"name\": \"a\", "
	  "\"expect\": {\"min_addresses\": 0}}]}",
	  "spec.json: checks[0].expect.min_addresses: expected an integer from 1" },
	{ "{\"checks\": [{\"kind\": \"dns\", \"name\": \"a\", "
	  "\"expect\": {\"addresses\": \"1.2.3.4\"}}]}",
	  "spec.json: checks[0].expect.addresses: expected an array of IP "
	  "addresses" },
	{ "{\"checks\": [{\"kind\": \"dns\", \"name\": \"a\", "
	  "\"expect\": {\"addresses\": [\"1.2.3.4\", \"1.2.3.999\"]}}]}",
	  "spec.json: checks[0].expect.addresses[1]: \"1.2.3.999\" is not an IP "
	  "address" },
	{ "{\"checks\": [{\"kind\": \"dns\", \"name\": \"a\", "
	  "\"expect\": {\"reply\": \"x\"}}]}",
	  "spec.json: checks[0].expect.reply: not valid for kind \"dns\"" },
	/* postgres, mysql, redis */
	{ "{\"checks\": [{\"kind\": \"postgres\"}]}",
	  "spec.json: checks[0]: missing \"url\" (a postgres check needs one)" },
	{ "{\"checks\": [{\"kind\": \"postgres\", \"url\": \"mysql://a\"}]}",
	  "spec.json: checks[0].url: expected a URL starting with postgres:// or "
	  "postgresql://, or \"key=value\" connection parameters" },
	{ "{\"checks\": [{\"kind\": \"mysql\", \"url\": \"postgres://a\"}]}",
	  "spec.json: checks[0].url: expected a URL starting with mysql:// or "
	  "mariadb://" },
	{ "{\"checks\": [{\"kind\": \"redis\", \"url\": \"http://a\"}]}",
	  "spec.json: checks[0].url: expected a URL starting with redis:// or "
	  "rediss://" },
	{ "{\"checks\": [{\"kind\": \"postgres\", \"url\": \"postgres://a\", "
	  "\"expect\": {\"rows\": -1}}]}",
	  "spec.json: checks[0].expect.rows: expected an integer of at least 0" },
	{ "{\"checks\": [{\"kind\": \"postgres\", \"url\": \"postgres://a\", "
	  "\"expect\": {\"pattern\": \"[\"}}]}",
	  "spec.json: checks[0].expect.pattern: invalid regular expression" },
	{ "{\"checks\": [{\"kind\": \"postgres\", \"url\": \"postgres://a\", "
	  "\"expect\": {\"value\": 42}}]}",
	  "spec.json: checks[0].expect.value: expected a string" },
	/* Names are unique, default names included. */
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", \"name\": \"x\"},"
	  " {\"kind\": \"tcp\", \"address\": \"a:1\"},"
	  " {\"kind\": \"tcp\", \"address\": \"a:1\", \"name\": \"x\"}]}",
	  "spec.json: checks[2].name: \"x\" is already the name of checks[0]" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"name\": \"tcp-1\"}, {\"kind\": \"tcp\", \"address\": \"a:1\"}]}",
	  "spec.json: checks[1].name: \"tcp-1\" is already the name of checks[0]" },
	/* A later check's error names its own index. */
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\"},"
	  " {\"kind\": \"tcp\", \"address\": \"a:1\"},"
	  " {\"kind\": \"http\", \"url\": \"http://a\", \"expect\": "
	  "{\"status\": \"abc\"}}]}",
	  "spec.json: checks[2].expect.status: expected an integer or a class "
	  "like \"2xx\"" },
	/* Variables. */
	{ "{\"checks\": [{\"kind\": \"postgres\", \"url\": "
	  "\"postgres://${DB_HOST}/app\"}]}",
	  "spec.json: checks[0].url: environment variable \"DB_HOST\" is not set" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"${APP_HOST:1\"}]}",
	  "spec.json: checks[0].address: unterminated \"${\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"${APP_HOST:1}\"}]}",
	  "spec.json: checks[0].address: expected \"${NAME}\" or "
	  "\"${NAME:-default}\"" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"${}\"}]}",
	  "spec.json: checks[0].address: expected a variable name after \"${\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"headers\": {\"X\": \"${NOPE}\"}}]}",
	  "spec.json: checks[0].headers.X: environment variable \"NOPE\" is not "
	  "set" },
	{ "{\"defaults\": {\"timeout\": \"${NOPE}\"}, \"checks\": [1]}",
	  "spec.json: defaults.timeout: environment variable \"NOPE\" is not set" },
};

HB_TEST(errors_name_their_path)
{
	for (size_t i = 0; i < HB_ARRAY_SIZE(errors); i++) {
		struct hb_spec_error err;
		const char *msg = parse_error(errors[i].json, &err);
		if (!strstr(msg, errors[i].msg))
			HB_FAIL_("errors[%zu]: %s\n  got:  %s\n  want: %s", i,
				 errors[i].json, msg, errors[i].msg);
		/* git's style: no full stop at the end. */
		ASSERT(msg[strlen(msg) - 1] != '.');
	}
}

/* Issue 14's fields: literal text, jq, and PCRE2's refusals. */
static const struct {
	const char *json;
	const char *msg;
} match_errors[] = {
	/* A PromQL query pasted as a regex: PCRE2's message, its offset,
	 * and the literal form. */
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"body\": \"sum(rate(kafka_log_size{partition_id="
	  "\\\"0\\\"}[5m])\"}}]}",
	  "spec.json: checks[0].expect.body: invalid regular expression: "
	  "missing closing parenthesis at offset 46 (to match the text as it "
	  "is, use \"expect.contains\")" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"reply\": \"*PONG\"}}]}",
	  "spec.json: checks[0].expect.reply: invalid regular expression: "
	  "quantifier does not follow a repeatable item at offset 0 (to match "
	  "the text as it is, use \"expect.reply_contains\")" },
	/* No literal twin for a database value: "value" compares whole. */
	{ "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", "
	  "\"expect\": {\"pattern\": \"a{2,1}\"}}]}",
	  "spec.json: checks[0].expect.pattern: invalid regular expression: "
	  "numbers out of order in {} quantifier at offset 5" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"body\": \"\\\\C\"}}]}",
	  "spec.json: checks[0].expect.body: invalid regular expression: "
	  "using \\C is disabled by the application at offset 2 (to match the "
	  "text as it is, use \"expect.contains\")" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"contains\": \"\"}}]}",
	  "spec.json: checks[0].expect.contains: expected non-empty text to "
	  "look for" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"contains\": 0}}]}",
	  "spec.json: checks[0].expect.contains: expected a string" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"contains\": \"x\"}}]}",
	  "spec.json: checks[0].expect.contains: not valid for kind \"tcp\" "
	  "(only for http)" },
	{ "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
	  "\"expect\": {\"reply_contains\": \"\"}}]}",
	  "spec.json: checks[0].expect.reply_contains: expected non-empty text "
	  "to look for" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"reply_contains\": \"x\"}}]}",
	  "spec.json: checks[0].expect.reply_contains: not valid for kind "
	  "\"http\" (only for tcp)" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"jq\": \" \"}}]}",
	  "spec.json: checks[0].expect.jq: expected a jq expression, like "
	  "\".data.result | length >= 1\"" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"jq\": true}}]}",
	  "spec.json: checks[0].expect.jq: expected a string" },
	{ "{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
	  "\"expect\": {\"jq_file\": \"/x\"}}]}",
	  "spec.json: checks[0].expect.jq_file: \"jq\" cannot come from a file" },
	{ "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", "
	  "\"expect\": {\"jq\": \"true\"}}]}",
	  "spec.json: checks[0].expect.jq: not valid for kind \"redis\" (only "
	  "for http)" },
};

HB_TEST(match_errors_name_their_path)
{
	for (size_t i = 0; i < HB_ARRAY_SIZE(match_errors); i++) {
		struct hb_spec_error err;
		const char *msg = parse_error(match_errors[i].json, &err);
		if (strcmp(msg, match_errors[i].msg) != 0)
			HB_FAIL_("match_errors[%zu]: %s\n  got:  %s\n  want: %s",
				 i, match_errors[i].json, msg,
				 match_errors[i].msg);
	}
}

HB_TEST_MAIN(errors_name_their_path, match_errors_name_their_path)
