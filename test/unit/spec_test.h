/* SPDX-License-Identifier: MIT */
/* What the spec parser's unit tests share: the environment they see, and
 * parsing that must succeed or fail. */
#ifndef HB_SPEC_TEST_H
#define HB_SPEC_TEST_H

#include "hbtest.h"

#include "spec.h"
#include "strutil.h"

#include <string.h>

/* The environment the tests see: never the process's own. */
static inline const char *fake_getenv(const char *name)
{
	static const struct {
		const char *name, *value;
	} env[] = {
		{ "APP_HOST", "app" },   { "APP_PORT", "8080" },
		{ "EMPTY", "" },         { "DB_PASSWORD", "s3cret" },
		{ "TIMEOUT", "2s" },     { "STATUS", "204" },
		{ "NESTED", "${APP_HOST}" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(env); i++)
		if (strcmp(env[i].name, name) == 0)
			return env[i].value;
	return NULL;
}

static inline struct hb_spec *parse(const char *json, struct hb_spec_error *err)
{
	return hb_spec_parse(json, strlen(json), "spec.json", fake_getenv, err);
}

/* Parses json, which must fail, and returns the message. */
static inline const char *parse_error(const char *json, struct hb_spec_error *err)
{
	struct hb_spec *s = parse(json, err);
	if (s) {
		hb_spec_free(s);
		HB_FAIL_("parsed but should not have: %s", json);
	}
	return err->msg;
}

#endif
