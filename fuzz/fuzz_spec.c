/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the spec parser: raw bytes in, a spec or an error out. */
#include "fuzz.h"
#include "spec.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_spec_error err;
	/* As the command line parses: no expansion. */
	struct hb_spec *s = hb_spec_parse((const char *)data, size, "fuzz", NULL,
					  &err);
	if (s)
		exercise(s);
	else
		HB_FUZZ_CHECK(err.msg[0]);
	hb_spec_free(s);
	/* As a spec file parses: with expansion. */
	s = hb_spec_parse((const char *)data, size, "fuzz", fuzz_getenv, &err);
	if (s)
		exercise(s);
	else
		HB_FUZZ_CHECK(err.msg[0]);
	hb_spec_free(s);
	return 0;
}
