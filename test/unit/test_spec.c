/* SPDX-License-Identifier: MIT */
/* Unit tests of the spec parser: the documented example, defaults, every
 * error and its JSON path, ${VAR} expansion, "_file" references. */
#include "hbtest.h"

#include "spec.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>

#include "spec_test.h"

static const char example[] =
	"{\"defaults\": {\"timeout\": \"5s\", \"retry\": {\"attempts\": 3, "
	"\"interval\": \"1s\", \"backoff\": 2.0}},\n"
	" \"checks\": [\n"
	"  {\"name\": \"api\", \"kind\": \"http\", \"url\": "
	"\"http://app:8080/health\",\n"
	"   \"expect\": {\"status\": \"2xx\", \"body\": \"\\\"ok\\\"\", "
	"\"json\": {\"status\": \"ok\"}, \"max_latency\": \"500ms\"}},\n"
	"  {\"name\": \"port\", \"kind\": \"tcp\", \"address\": \"app:8080\"},\n"
	"  {\"name\": \"svc\", \"kind\": \"dns\", \"name\": "
	"\"app.default.svc.cluster.local\", \"expect\": {\"min_addresses\": 1}, "
	"\"optional\": true},\n"
	"  {\"name\": \"migrated\", \"kind\": \"postgres\", \"url\": "
	"\"postgresql://app@db:5432/app\", \"password_file\": "
	"\"/secrets/db/password\", \"query\": \"SELECT max(version) FROM "
	"schema_migrations\", \"expect\": {\"value\": \"42\"}}]}";

HB_TEST(full_example)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse(example, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_EQ_INT(s->n_checks, 4);
	ASSERT_STREQ(s->source, "spec.json");

	const struct hb_check *c = &s->checks[0];
	ASSERT_STREQ(c->name, "api");
	ASSERT_STREQ(c->kind, "http");
	ASSERT_STREQ(c->url, "http://app:8080/health");
	ASSERT_STREQ(c->target, "http://app:8080/health");
	ASSERT_STREQ(c->method, "GET");
	ASSERT_EQ_INT(c->timeout_ms, 5000);
	ASSERT_EQ_INT(c->retry.attempts, 3);
	ASSERT_EQ_INT(c->retry.interval_ms, 1000);
	ASSERT(c->retry.backoff == 2.0);
	ASSERT_EQ_INT(c->retry.wait_ms, 0);
	ASSERT(c->expect.status_set);
	ASSERT(hb_expect_status_ok(&c->expect, 200));
	ASSERT(hb_expect_status_ok(&c->expect, 299));
	ASSERT(!hb_expect_status_ok(&c->expect, 300));
	ASSERT_STREQ(c->expect.body, "\"ok\"");
	ASSERT_EQ_INT(c->expect.n_json, 1);
	ASSERT_STREQ(c->expect.json[0].path, "status");
	ASSERT_STREQ(c->expect.json[0].value, "\"ok\"");
	ASSERT_EQ_INT(c->expect.max_latency_ms, 500);
	ASSERT_EQ_INT(c->expect.rows, -1);
	ASSERT(!c->optional);

	c = &s->checks[1];
	ASSERT_STREQ(c->name, "port");
	ASSERT_STREQ(c->address, "app:8080");
	ASSERT_STREQ(c->target, "app:8080");
	ASSERT(c->method == NULL);

	c = &s->checks[2];
	ASSERT_STREQ(c->name, "svc");
	ASSERT_STREQ(c->host, "app.default.svc.cluster.local");
	ASSERT_STREQ(c->target, "app.default.svc.cluster.local");
	ASSERT_EQ_INT(c->expect.min_addresses, 1);
	ASSERT_EQ_INT(c->family, 0);
	ASSERT(c->optional);

	c = &s->checks[3];
	ASSERT_STREQ(c->name, "migrated");
	ASSERT_STREQ(c->kind, "postgres");
	ASSERT_STREQ(c->target, "postgresql://app@db:5432/app");
	ASSERT_STREQ(c->query, "SELECT max(version) FROM schema_migrations");
	ASSERT_STREQ(c->expect.value, "42");
	ASSERT(c->password == NULL); /* until resolved */
	ASSERT_EQ_INT(s->n_files, 1);
	ASSERT(s->files[0].field == &s->checks[3].password);
	ASSERT_STREQ(s->files[0].path, "/secrets/db/password");
	ASSERT_STREQ(s->files[0].where, "checks[3].password_file");
	ASSERT_EQ_INT(s->files[0].check, 3);
	hb_spec_free(s);
}

HB_TEST(defaults_and_overrides)
{
	static const char json[] =
		"{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\"},"
		" {\"kind\": \"tcp\", \"address\": \"a:2\", \"timeout\": 2,"
		"  \"retry\": {\"interval\": \"250ms\"}}]}";
	static const char with_defaults[] =
		"{\"defaults\": {\"timeout\": \"10s\", \"wait\": \"1m\","
		"  \"retry\": {\"attempts\": 4, \"interval\": \"2s\", \"backoff\": 1.5}},"
		" \"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\"},"
		" {\"kind\": \"tcp\", \"address\": \"a:2\", \"timeout\": \"1.5s\","
		"  \"wait\": \"0\", \"retry\": {\"attempts\": 2}}]}";
	struct hb_spec_error err;
	struct hb_spec *s = parse(json, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	/* Built-in defaults: 5s, one attempt, 1s, no backoff, no wait. */
	ASSERT_EQ_INT(s->checks[0].timeout_ms, 5000);
	ASSERT_EQ_INT(s->checks[0].retry.attempts, 1);
	ASSERT_EQ_INT(s->checks[0].retry.interval_ms, 1000);
	ASSERT(s->checks[0].retry.backoff == 1.0);
	ASSERT_EQ_INT(s->checks[0].retry.wait_ms, 0);
	ASSERT_STREQ(s->checks[0].name, "tcp-0");
	ASSERT_STREQ(s->checks[1].name, "tcp-1");
	/* A bare number is seconds; a check's retry replaces one field. */
	ASSERT_EQ_INT(s->checks[1].timeout_ms, 2000);
	ASSERT_EQ_INT(s->checks[1].retry.interval_ms, 250);
	ASSERT_EQ_INT(s->checks[1].retry.attempts, 1);
	hb_spec_free(s);

	s = parse(with_defaults, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_EQ_INT(s->checks[0].timeout_ms, 10000);
	ASSERT_EQ_INT(s->checks[0].retry.attempts, 4);
	ASSERT_EQ_INT(s->checks[0].retry.interval_ms, 2000);
	ASSERT(s->checks[0].retry.backoff == 1.5);
	ASSERT_EQ_INT(s->checks[0].retry.wait_ms, 60000);
	ASSERT_EQ_INT(s->checks[1].timeout_ms, 1500);
	ASSERT_EQ_INT(s->checks[1].retry.attempts, 2);
	ASSERT_EQ_INT(s->checks[1].retry.interval_ms, 2000);
	ASSERT(s->checks[1].retry.backoff == 1.5);
	ASSERT_EQ_INT(s->checks[1].retry.wait_ms, 0);
	hb_spec_free(s);
}

HB_TEST(every_kind_and_field)
{
	static const char json[] =
		"{\"checks\": ["
		"{\"kind\": \"http\", \"url\": \"https://u:pw@app/x?password=p&a=1\","
		" \"method\": \"POST\", \"headers\": {\"Content-Type\": \"text/plain\","
		" \"X-Req\": \"1\"}, \"body\": \"hi\", \"follow_redirects\": true,"
		" \"insecure\": true, \"ca_file\": \"/ca\", \"cert_file\": \"/c\","
		" \"key_file\": \"/k\", \"min_cert_days\": 14},"
		"{\"kind\": \"tcp\", \"address\": \"[::1]:6379\", \"send\": \"PING\\r\\n\","
		" \"family\": 6, \"expect\": {\"reply\": \"^\\\\+PONG\"}},"
		"{\"kind\": \"dns\", \"host\": \"db\", \"name\": \"resolve-db\","
		" \"family\": \"any\", \"expect\": {\"addresses\": [\"10.0.0.1\", \"::1\"]}},"
		"{\"kind\": \"mysql\", \"url\": \"mariadb://root:pw@db/app\", \"user\": \"u\","
		" \"password\": \"p\", \"database\": \"d\", \"query\": \"SELECT 1\","
		" \"expect\": {\"pattern\": \"^[0-9]+$\", \"rows\": 1}},"
		"{\"kind\": \"redis\", \"url\": \"rediss://:pw@cache:6380/0\","
		" \"command\": \"PING\", \"expect\": {\"value\": \"PONG\"}},"
		"{\"kind\": \"postgres\", \"url\": \"host=db password='a b\\\\'c' dbname=app\"}"
		"]}";
	struct hb_spec_error err;
	struct hb_spec *s = parse(json, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	const struct hb_check *c = &s->checks[0];
	ASSERT_STREQ(c->method, "POST");
	ASSERT_EQ_INT(c->n_headers, 2);
	ASSERT_STREQ(c->headers[0].name, "Content-Type");
	ASSERT_STREQ(c->headers[0].value, "text/plain");
	ASSERT_STREQ(c->headers[1].name, "X-Req");
	ASSERT_STREQ(c->body, "hi");
	ASSERT(c->follow_redirects && c->insecure);
	ASSERT_STREQ(c->ca_file, "/ca");
	ASSERT_STREQ(c->cert_file, "/c");
	ASSERT_STREQ(c->key_file, "/k");
	ASSERT_EQ_INT(c->min_cert_days, 14);
	/* Reports never show a password, wherever the URL carries it. */
	ASSERT_STREQ(c->target, "https://u@app/x?a=1");
	ASSERT(!c->expect.status_set);

	c = &s->checks[1];
	ASSERT_STREQ(c->target, "[::1]:6379");
	ASSERT_STREQ(c->send, "PING\r\n");
	ASSERT_EQ_INT(c->family, 6);
	ASSERT_STREQ(c->expect.reply, "^\\+PONG");

	c = &s->checks[2];
	ASSERT_STREQ(c->name, "resolve-db");
	ASSERT_STREQ(c->host, "db");
	ASSERT_EQ_INT(c->expect.n_addresses, 2);
	ASSERT_STREQ(c->expect.addresses[1], "::1");

	c = &s->checks[3];
	ASSERT_STREQ(c->target, "mariadb://root@db/app");
	ASSERT_STREQ(c->user, "u");
	ASSERT_STREQ(c->password, "p");
	ASSERT_STREQ(c->database, "d");
	ASSERT_STREQ(c->expect.pattern, "^[0-9]+$");
	ASSERT_EQ_INT(c->expect.rows, 1);

	c = &s->checks[4];
	ASSERT_STREQ(c->target, "rediss://cache:6380/0");
	ASSERT_STREQ(c->command, "PING");
	ASSERT_STREQ(c->expect.value, "PONG");

	c = &s->checks[5];
	ASSERT_STREQ(c->target, "host=db dbname=app");
	hb_spec_free(s);
}

HB_TEST(dns_name_forms)
{
	struct hb_spec_error err;
	/* One "name": the name to resolve; the check's name is the default. */
	struct hb_spec *s = parse("{\"checks\": [{\"kind\": \"dns\", \"name\": "
				  "\"db.local\"}]}", &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_STREQ(s->checks[0].host, "db.local");
	ASSERT_STREQ(s->checks[0].name, "dns-0");
	hb_spec_free(s);
	/* "host" frees "name" for the check. */
	s = parse("{\"checks\": [{\"name\": \"n\", \"kind\": \"dns\", "
		  "\"host\": \"db.local\"}]}", &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_STREQ(s->checks[0].host, "db.local");
	ASSERT_STREQ(s->checks[0].name, "n");
	hb_spec_free(s);
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"dns\", \"name\": "
				    "\"a\", \"name\": \"b\", \"name\": \"c\"}]}",
				    &err),
			"spec.json: checks[0].name: duplicate key");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"dns\", "
				    "\"name_file\": \"/x\"}]}", &err),
			"checks[0].name_file: \"name\" cannot come from a file "
			"(the name to resolve can: \"host_file\")");
}

HB_TEST(limits)
{
	struct hb_spec_error err;
	ASSERT(hb_spec_parse("{}", HB_SPEC_MAX_BYTES + 1, "big.json", NULL,
			     &err) == NULL);
	ASSERT_STREQ(err.msg, "big.json: larger than 4 MiB");

	size_t n = HB_SPEC_MAX_CHECKS + 1, i;
	static const char one[] = "{\"kind\":\"tcp\",\"address\":\"a:1\"},";
	char *json = malloc(32 + n * sizeof(one));
	ASSERT(json != NULL);
	strcpy(json, "{\"checks\":[");
	char *end = json + strlen(json);
	for (i = 0; i < n; i++) {
		memcpy(end, one, sizeof(one) - 1);
		end += sizeof(one) - 1;
	}
	strcpy(end - 1, "]}");
	ASSERT_CONTAINS(parse_error(json, &err),
			"spec.json: checks: at most 1000 checks, got 1001");
	/* Exactly the limit is fine. */
	char *last = strrchr(json, '{');
	strcpy(last - 1, "]}");
	struct hb_spec *s = parse(json, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_EQ_INT(s->n_checks, HB_SPEC_MAX_CHECKS);
	ASSERT_STREQ(s->checks[999].name, "tcp-999");
	hb_spec_free(s);
	free(json);

	/* A NUL in the input is not JSON, and says where it is. */
	static const char nul[] = "{\"checks\":\n [\0]}";
	ASSERT(hb_spec_parse(nul, sizeof(nul) - 1, "spec.json", NULL, &err) ==
	       NULL);
	ASSERT_CONTAINS(err.msg, "spec.json:2:3: a NUL byte");
	/* The input need not be NUL-terminated. */
	static const char unterminated[] =
		"{\"checks\":[{\"kind\":\"tcp\",\"address\":\"a:1\"}]}garbage";
	s = hb_spec_parse(unterminated, sizeof(unterminated) - 1 - 7, "x", NULL,
			  &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	hb_spec_free(s);
	ASSERT(hb_spec_parse(NULL, 0, NULL, NULL, &err) == NULL);
	ASSERT_CONTAINS(err.msg, "spec: the spec is empty");
}

HB_TEST(env_expansion)
{
	static const char json[] =
		"{\"defaults\": {\"timeout\": \"${TIMEOUT}\"},"
		" \"checks\": [{\"kind\": \"tcp\", \"address\": "
		"\"${APP_HOST}:${APP_PORT}\", \"send\": \"$$HOME costs $5 ${EMPTY}|"
		"${EMPTY:-dflt}|${UNSET:-a ${APP_HOST} b}|${UNSET:-}|${NESTED}\","
		" \"expect\": {\"reply\": \"^ok$\"}},"
		" {\"kind\": \"http\", \"url\": \"http://${APP_HOST}/\", \"headers\": "
		"{\"Authorization\": \"Bearer ${DB_PASSWORD}\"}, \"expect\": "
		"{\"status\": \"${STATUS}\", \"json\": {\"a\": \"${APP_HOST}\", "
		"\"b\": {\"c\": \"${NOT_EXPANDED}\"}}}}]}";
	struct hb_spec_error err;
	struct hb_spec *s = parse(json, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	const struct hb_check *c = &s->checks[0];
	ASSERT_EQ_INT(c->timeout_ms, 2000);
	ASSERT_STREQ(c->address, "app:8080");
	ASSERT_STREQ(c->target, "app:8080");
	/* $$ is a "$", a lone "$" stays, an empty value takes the default,
	 * defaults expand, a value is not expanded again. */
	ASSERT_STREQ(c->send, "$HOME costs $5 |dflt|a app b||${APP_HOST}");
	ASSERT_STREQ(c->expect.reply, "^ok$");
	c = &s->checks[1];
	ASSERT_STREQ(c->url, "http://app/");
	ASSERT_STREQ(c->headers[0].value, "Bearer s3cret");
	ASSERT(hb_expect_status_ok(&c->expect, 204));
	ASSERT(!hb_expect_status_ok(&c->expect, 200));
	ASSERT_STREQ(c->expect.json[0].value, "\"app\"");
	/* Only string values at the top of expect.json expand. */
	ASSERT_STREQ(c->expect.json[1].value, "{\"c\":\"${NOT_EXPANDED}\"}");
	hb_spec_free(s);

	/* Without a getenv everything is literal: flags, for instance. */
	static const char literal[] =
		"{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", "
		"\"send\": \"${NOPE} $$\"}]}";
	s = hb_spec_parse(literal, strlen(literal), "command line", NULL, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_STREQ(s->checks[0].send, "${NOPE} $$");
	hb_spec_free(s);
}

HB_TEST(status_forms)
{
	static const struct {
		const char *status;
		long yes[4];
		long no[4];
	} cases[] = {
		{ "200", { 200 }, { 201, 204, 500 } },
		{ "\"204\"", { 204 }, { 200 } },
		{ "\"3XX\"", { 300, 301, 399 }, { 200, 400 } },
		{ "[\"2xx\", 304, \"404\"]", { 200, 299, 304, 404 }, { 300, 403 } },
		{ "[100, 599]", { 100, 599 }, { 101, 598, 99, 600 } },
		{ "[\"1xx\", \"5xx\"]", { 100, 199, 500, 599 }, { 200, 499, 600 } },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(cases); i++) {
		char json[256];
		snprintf(json, sizeof(json),
			 "{\"checks\": [{\"kind\": \"http\", \"url\": "
			 "\"http://a\", \"expect\": {\"status\": %s}}]}",
			 cases[i].status);
		struct hb_spec_error err;
		struct hb_spec *s = parse(json, &err);
		if (!s)
			HB_FAIL_("%s: %s", cases[i].status, err.msg);
		const struct hb_expect *e = &s->checks[0].expect;
		ASSERT(e->status_set);
		for (size_t j = 0; j < 4 && cases[i].yes[j]; j++)
			if (!hb_expect_status_ok(e, cases[i].yes[j]))
				HB_FAIL_("%s rejects %ld", cases[i].status,
					 cases[i].yes[j]);
		for (size_t j = 0; j < 4 && cases[i].no[j]; j++)
			if (hb_expect_status_ok(e, cases[i].no[j]))
				HB_FAIL_("%s accepts %ld", cases[i].status,
					 cases[i].no[j]);
		hb_spec_free(s);
	}
}

HB_TEST(status_ok_default)
{
	struct hb_expect e;
	memset(&e, 0, sizeof(e));
	/* Nothing set: any 2xx. */
	ASSERT(hb_expect_status_ok(&e, 200));
	ASSERT(hb_expect_status_ok(&e, 204));
	ASSERT(hb_expect_status_ok(&e, 299));
	ASSERT(!hb_expect_status_ok(&e, 199));
	ASSERT(!hb_expect_status_ok(&e, 301));
	ASSERT(!hb_expect_status_ok(&e, 500));
	ASSERT(!hb_expect_status_ok(&e, 0));
	ASSERT(!hb_expect_status_ok(&e, -200));
	ASSERT(!hb_expect_status_ok(&e, 1000));
	/* Set but empty accepts nothing, and out-of-range codes never. */
	e.status_set = true;
	ASSERT(!hb_expect_status_ok(&e, 200));
	memset(e.status_bits, 0xff, sizeof(e.status_bits));
	ASSERT(hb_expect_status_ok(&e, 599));
	ASSERT(!hb_expect_status_ok(&e, 600));
	ASSERT(!hb_expect_status_ok(&e, 99));
}

HB_TEST(targets_hide_passwords)
{
	static const struct {
		const char *kind, *url, *target;
	} cases[] = {
		{ "postgres", "postgresql://app:pw@db:5432/app",
		  "postgresql://app@db:5432/app" },
		{ "postgres", "postgres://db/app?sslmode=require&password=x",
		  "postgres://db/app?sslmode=require" },
		/* libpq knows no fragment: "#f" ends sslpassword. */
		{ "postgres", "postgres://db/app?password=x&sslpassword=y#f",
		  "postgres://db/app" },
		/* Found by fuzzing: libpq's credentials end at the "@". */
		{ "postgres", "postgres://app:pa#ss@db/app", "postgres://app@db/app" },
		{ "postgres", "host=db port=5432 password=secret dbname=app",
		  "host=db port=5432 dbname=app" },
		{ "postgres", "password = 'it\\'s x' host=db", "host=db" },
		/* Badly quoted: the tail of the password is no parameter. */
		{ "postgres", "password = 'it''s \\' x' host=db", "host=db" },
		{ "postgres", "host=db password=a\\ b user=u", "host=db user=u" },
		/* Found by fuzzing: a pair right after a quote, no space. */
		{ "postgres", "host=db pass8word='a\\' b'=dbname=app",
		  "host=db pass8word='a\\' b' =dbname=app" },
		{ "mysql", "mysql://root:p@ss@db/app", "mysql://root@db/app" },
		{ "redis", "redis://:pw@cache:6379/1", "redis://cache:6379/1" },
		{ "redis", "redis://default:pw@cache", "redis://default@cache" },
		{ "http", "https://u:p@app/?q=1", "https://u@app/?q=1" },
		{ "http", "http://app/", "http://app/" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(cases); i++) {
		/* cJSON writes the escapes the backslashes need. */
		cJSON *root = cJSON_CreateObject();
		cJSON *check = cJSON_CreateObject();
		cJSON_AddStringToObject(check, "kind", cases[i].kind);
		cJSON_AddStringToObject(check, "url", cases[i].url);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "checks"), check);
		char *json = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
		ASSERT(json != NULL);
		struct hb_spec_error err;
		struct hb_spec *s = hb_spec_parse(json, strlen(json), "t", NULL,
						  &err);
		if (!s)
			HB_FAIL_("%s: %s", cases[i].url, err.msg);
		ASSERT_STREQ(s->checks[0].target, cases[i].target);
		ASSERT_STREQ(s->checks[0].url, cases[i].url);
		hb_spec_free(s);
		free(json);
	}
}

HB_TEST(regexes_people_write)
{
	static const char *const ok[] = {
		"^ok$", "\"status\": *\"(ok|up)\"", "^([0-9]{1,3}\\.){3}[0-9]{1,3}$",
		"^\\+PONG", "[[:digit:]]+ rows?", ".{0,1000}", "(ab)+c{2,5}",
		"[]a-z]{3}", "a{2,}", "^[^{]*$", "",
		/* As blackbox_exporter, goss and Gatus take them (RE2). */
		"version \\d+", "^\\s*\\w+$", "<b>.*?</b>",
		"{partition_id=\"0\"}",
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(ok); i++) {
		cJSON *root = cJSON_CreateObject();
		cJSON *check = cJSON_CreateObject();
		cJSON_AddStringToObject(check, "kind", "http");
		cJSON_AddStringToObject(check, "url", "http://a");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(check, "expect"),
					"body", ok[i]);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "checks"), check);
		char *json = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
		struct hb_spec_error err;
		struct hb_spec *s = hb_spec_parse(json, strlen(json), "t", NULL,
						  &err);
		if (!s)
			HB_FAIL_("%s: %s", ok[i], err.msg);
		ASSERT_STREQ(s->checks[0].expect.body, ok[i]);
		hb_spec_free(s);
		free(json);
	}
}

/* Each row sits at its id, and a kind is found by its name and by each of
 * its schemes, whatever their case. */
HB_TEST(kinds_list)
{
	static const char *const want[] = { "http",     "tcp",   "dns",
					    "postgres", "mysql", "redis",
					    "grpc", "kubernetes" };
	ASSERT_EQ_INT(HB_KIND_COUNT, HB_ARRAY_SIZE(want));
	for (size_t i = 0; i < HB_KIND_COUNT; i++) {
		ASSERT_EQ_INT(hb_kinds[i].id, i);
		ASSERT_STREQ(hb_kinds[i].name, want[i]);
		ASSERT(hb_kind_find(want[i]) == &hb_kinds[i]);
		ASSERT(hb_kinds[i].target != NULL);
		for (const char *const *sc = hb_kinds[i].schemes; *sc; sc++) {
			char url[64];
			snprintf(url, sizeof(url), "%sHost:1", *sc);
			url[0] = (char)(url[0] - 'a' + 'A');
			ASSERT(hb_kind_by_scheme(url) == &hb_kinds[i]);
		}
	}
	ASSERT(hb_kind_find("gRPC") == NULL);
	/* The one-liner's command is no kind name. */
	ASSERT(hb_kind_find("k8s") == NULL);
	/* The one-liner's command, when it is not the kind's name. */
	ASSERT(hb_kind_by_command("k8s") == &hb_kinds[HB_KIND_KUBERNETES]);
	ASSERT(hb_kind_by_command("http") == &hb_kinds[HB_KIND_HTTP]);
	ASSERT(hb_kind_by_command("kubernetes") == NULL);
	ASSERT(hb_kind_by_scheme("ftp://x") == NULL);
	char list[128];
	hb_kind_list(list, sizeof(list), HB_K_DB);
	ASSERT_STREQ(list, "postgres, mysql and redis");
	hb_kind_schemes(list, sizeof(list), &hb_kinds[HB_KIND_HTTP]);
	ASSERT_STREQ(list, "http:// or https://");
}

/* A temporary file holding data; the caller unlinks it. */
static void temp_file(char *path, size_t size, const void *data, size_t len)
{
	hb_strlcpy(path, "/tmp/hb-test-spec-XXXXXX", size);
	int fd = mkstemp(path);
	ASSERT(fd >= 0);
	ASSERT_EQ_INT(write(fd, data, len), (long long)len);
	close(fd);
}

HB_TEST(file_refs_resolve)
{
	char pw[64], url[64], value[64], body[64];
	temp_file(pw, sizeof(pw), "s3cr$t\n", 7);
	temp_file(url, sizeof(url), "postgres://app:hidden@db/app\r\n", 30);
	temp_file(value, sizeof(value), "42\n\n", 4);
	temp_file(body, sizeof(body), "", 0);
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"postgres\", \"url_file\": \"%s\","
		 " \"password_file\": \"%s\", \"expect\": {\"value_file\": \"%s\"}},"
		 " {\"kind\": \"http\", \"url\": \"http://a\", \"body_file\": \"%s\"}]}",
		 url, pw, value, body);
	struct hb_spec_error err;
	struct hb_spec *s = parse(json, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_EQ_INT(s->n_files, 4);
	ASSERT_STREQ(s->files[0].where, "checks[0].url_file");
	ASSERT_STREQ(s->files[2].where, "checks[0].expect.value_file");
	ASSERT_EQ_INT(s->files[3].check, 1);
	ASSERT(s->checks[0].url == NULL);
	ASSERT_STREQ(s->checks[0].target, "");
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), 0);
	/* One newline (with its CR) goes, the rest is literal: no ${}. */
	ASSERT_STREQ(s->checks[0].url, "postgres://app:hidden@db/app");
	ASSERT_STREQ(s->checks[0].target, "postgres://app@db/app");
	/* A credential is checked, not kept: the check's child reads it
	 * (test_files.c). */
	ASSERT(s->checks[0].password == NULL);
	ASSERT_STREQ(s->checks[0].password_file, pw);
	ASSERT_STREQ(s->checks[0].expect.value, "42\n");
	ASSERT_STREQ(s->checks[1].body, "");
	/* Resolving again reads again and leaks nothing. */
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), 0);
	ASSERT(s->checks[0].password == NULL);
	hb_spec_free(s);

	/* A missing file names the key, the path and the reason. */
	unlink(pw);
	s = parse(json, &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), -1);
	char want[256];
	snprintf(want, sizeof(want),
		 "spec.json: checks[0].password_file: reading \"%s\": No such "
		 "file or directory", pw);
	ASSERT_STREQ(err.msg, want);
	hb_spec_free(s);
	unlink(url);
	unlink(value);
	unlink(body);
}

HB_TEST(file_refs_checked)
{
	char url[64], big[64], nul[64], addr[64];
	temp_file(url, sizeof(url), "mysql://db/app\n", 15);
	temp_file(nul, sizeof(nul), "pass\0word", 9);
	temp_file(addr, sizeof(addr), "db:5432\n", 8);
	char *data = malloc(HB_SPEC_MAX_FILE_BYTES + 1);
	ASSERT(data != NULL);
	memset(data, 'x', HB_SPEC_MAX_FILE_BYTES + 1);
	temp_file(big, sizeof(big), data, HB_SPEC_MAX_FILE_BYTES + 1);
	free(data);

	struct hb_spec_error err;
	char json[512], want[256];
	/* A URL from a file meets the same rules as one written inline, and
	 * the message does not quote it: it may hold a password. */
	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"postgres\", \"url_file\": \"%s\"}]}",
		 url);
	struct hb_spec *s = parse(json, &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), -1);
	snprintf(want, sizeof(want),
		 "spec.json: checks[0].url_file: in \"%s\": expected a URL "
		 "starting with postgres://", url);
	ASSERT_CONTAINS(err.msg, want);
	hb_spec_free(s);

	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"tcp\", \"address_file\": \"%s\"}]}",
		 addr);
	s = parse(json, &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), 0);
	ASSERT_STREQ(s->checks[0].target, "db:5432");
	hb_spec_free(s);

	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", "
		 "\"password_file\": \"%s\"}]}", big);
	s = parse(json, &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), -1);
	ASSERT_CONTAINS(err.msg, "checks[0].password_file: reading");
	ASSERT_CONTAINS(err.msg, "larger than 64 KiB");
	hb_spec_free(s);

	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", "
		 "\"password_file\": \"%s\"}]}", nul);
	s = parse(json, &err);
	ASSERT(s != NULL);
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), -1);
	ASSERT_CONTAINS(err.msg, "the file contains a NUL byte");
	hb_spec_free(s);

	/* The path itself expands: Secrets mounted per release. */
	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", "
		 "\"password_file\": \"/run/${APP_HOST}/pw\"}]}");
	s = parse(json, &err);
	ASSERT(s != NULL);
	ASSERT_STREQ(s->files[0].path, "/run/app/pw");
	hb_spec_free(s);
	unlink(url);
	unlink(big);
	unlink(nul);
	unlink(addr);
}

HB_TEST(spec_free_null)
{
	hb_spec_free(NULL);
}

/* true keeps meaning what it meant, redirects followed, now only to the
 * same host; "any" opts out of that one rule. */
HB_TEST(follow_redirects_modes)
{
	static const struct {
		const char *value;
		enum hb_follow want;
	} cases[] = {
		{ "false", HB_FOLLOW_NONE },
		{ "true", HB_FOLLOW_SAME },
		{ "\"any\"", HB_FOLLOW_ANY },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(cases); i++) {
		char json[160];
		snprintf(json, sizeof(json),
			 "{\"checks\": [{\"kind\": \"http\", \"url\": "
			 "\"http://a\", \"follow_redirects\": %s}]}",
			 cases[i].value);
		struct hb_spec_error err;
		struct hb_spec *s = parse(json, &err);
		if (!s)
			HB_FAIL_("%s: %s", cases[i].value, err.msg);
		ASSERT_EQ_INT(s->checks[0].follow_redirects, cases[i].want);
		hb_spec_free(s);
	}
}

/* A body without a method is a POST, inline or from a file. */
HB_TEST(body_defaults_to_post)
{
	static const char *const specs[] = {
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
		"\"body\": \"x\"}]}",
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"http://a\", "
		"\"body_file\": \"/b\"}]}",
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(specs); i++) {
		struct hb_spec_error err;
		struct hb_spec *s = parse(specs[i], &err);
		if (!s)
			HB_FAIL_("%s", err.msg);
		ASSERT_STREQ(s->checks[0].method, "POST");
		hb_spec_free(s);
	}
}

HB_TEST_MAIN(full_example, defaults_and_overrides, every_kind_and_field,
	     dns_name_forms, limits, env_expansion,
	     status_forms, status_ok_default, targets_hide_passwords,
	     regexes_people_write, kinds_list,
	     file_refs_resolve, file_refs_checked, spec_free_null,
	     follow_redirects_modes, body_defaults_to_post)
