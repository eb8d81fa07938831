/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the spec parser: raw bytes in, a spec or an error
 * out. An input that starts with a control byte other than JSON's white
 * space is one field's value instead, in a spec that is valid without it,
 * so that mutations spend themselves on what a field's parser and ${VAR}
 * expansion see rather than on JSON's syntax. */
#include "fuzz.h"
#include "spec.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <string.h>

/* A fixed environment, so that ${VAR} expansion is exercised and every run
 * of an input behaves the same. */
static const char *fuzz_getenv(const char *name)
{
	if (strcmp(name, "HOST") == 0)
		return "app";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	if (strcmp(name, "SELF") == 0)
		return "${SELF}";
	return NULL;
}

static void exercise(const struct hb_spec *s)
{
	for (size_t i = 0; i < s->n_checks; i++) {
		const struct hb_check *c = &s->checks[i];
		/* What the runner relies on: these are always set. */
		HB_FUZZ_CHECK(c->name && c->kind && c->target);
		(void)hb_expect_status_ok(&c->expect, 200);
		(void)hb_expect_status_ok(&c->expect, 599);
	}
}

/* The fields a value may go in: kind, key, and the key inside it. */
static const struct field {
	const char *kind, *key, *sub;
} fields[] = {
	{ "http", "name", NULL },         { "http", "url", NULL },
	{ "http", "method", NULL },       { "http", "body", NULL },
	{ "http", "timeout", NULL },      { "http", "wait", NULL },
	{ "http", "headers", "X-A" },     { "http", "expect", "body" },
	{ "http", "expect", "status" },   { "http", "expect", "max_latency" },
	{ "http", "ca_file", NULL },      { "http", "url_file", NULL },
	{ "tcp", "address", NULL },       { "tcp", "send", NULL },
	{ "tcp", "expect", "reply" },     { "dns", "host", NULL },
	{ "dns", "family", NULL },        { "dns", "expect", "addresses" },
	{ "postgres", "url", NULL },      { "postgres", "query", NULL },
	{ "postgres", "expect", "pattern" }, { "postgres", "expect", "value" },
	{ "mysql", "url", NULL },         { "redis", "url", NULL },
	{ "redis", "command", NULL },     { "http", "expect", "contains" },
	{ "http", "expect", "jq" },       { "tcp", "expect", "reply_contains" },
	{ "http", "proxy", NULL },
};

/* What each kind needs to be valid, which the field may replace. */
static void add_needs(cJSON *c, const char *kind)
{
	static const char *const needs[][3] = {
		{ "http", "url", "http://app/" },
		{ "tcp", "address", "app:1" },
		{ "dns", "host", "app" },
		{ "postgres", "url", "postgres://app/db" },
		{ "postgres", "query", "SELECT 1" },
		{ "mysql", "url", "mysql://app/db" },
		{ "mysql", "query", "SELECT 1" },
		{ "redis", "url", "redis://app" },
		{ "redis", "command", "PING" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(needs); i++)
		if (strcmp(needs[i][0], kind) == 0)
			HB_FUZZ_CHECK(cJSON_AddStringToObject(c, needs[i][1],
							      needs[i][2]));
}

/* {"checks": [{"kind": ..., <needs>, <field>: text}]} */
static char *field_spec(const struct field *f, const char *text)
{
	cJSON *root = cJSON_CreateObject(), *checks, *c, *v;
	HB_FUZZ_CHECK(root && (checks = cJSON_AddArrayToObject(root, "checks")));
	HB_FUZZ_CHECK((c = cJSON_CreateObject()) && cJSON_AddItemToArray(checks, c));
	HB_FUZZ_CHECK(cJSON_AddStringToObject(c, "kind", f->kind));
	add_needs(c, f->kind);
	HB_FUZZ_CHECK((v = cJSON_CreateString(text)));
	if (f->sub && strcmp(f->sub, "addresses") == 0) {
		cJSON *list = cJSON_CreateArray();
		HB_FUZZ_CHECK(list && cJSON_AddItemToArray(list, v));
		v = list;
	}
	if (f->sub) {
		cJSON *o = cJSON_CreateObject();
		HB_FUZZ_CHECK(o && cJSON_AddItemToObject(o, f->sub, v));
		v = o;
	}
	/* The field replaces what it stands for: "url" for "url_file". */
	size_t n = strcspn(f->key, "_");
	char base[32];
	HB_FUZZ_CHECK(n < sizeof(base));
	memcpy(base, f->key, n);
	base[n] = '\0';
	if (strcmp(f->key + n, "_file") == 0)
		cJSON_DeleteItemFromObject(c, base);
	cJSON_DeleteItemFromObject(c, f->key);
	HB_FUZZ_CHECK(cJSON_AddItemToObject(c, f->key, v));
	char *json = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	HB_FUZZ_CHECK(json);
	return json;
}

/* A spec, or an error that says what is wrong. */
static void parse(const char *buf, size_t len, hb_getenv_fn env)
{
	struct hb_spec_error err;
	struct hb_spec *s = hb_spec_parse(buf, len, "fuzz", env, &err);
	if (s)
		exercise(s);
	else
		HB_FUZZ_CHECK(err.msg[0]);
	hb_spec_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || data[0] >= 0x20 || memchr("\t\n\r", data[0], 3)) {
		/* As the command line parses (no expansion), and as a spec
		 * file does. */
		parse((const char *)data, size, NULL);
		parse((const char *)data, size, fuzz_getenv);
		return 0;
	}
	/* The 29 other control bytes, in order, pick the field. */
	unsigned k = data[0] - (data[0] > '\t') - (data[0] > '\n') -
		     (data[0] > '\r');
	char *text = malloc(size);
	HB_FUZZ_CHECK(text);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char *json = field_spec(&fields[k % HB_ARRAY_SIZE(fields)], text);
	/* A field's value is what expansion is for. */
	parse(json, strlen(json), fuzz_getenv);
	free(json);
	free(text);
	return 0;
}
