/* SPDX-License-Identifier: MIT */
/* Reading a check's credentials in its own child (secrets.h). */
#include "secrets.h"

#include "osutil.h"
#include "driver.h"
#include "check.h"
#include "strutil.h"

#include <string.h>

int hb_check_read_secrets(const struct hb_check *c, struct hb_check *own,
			  struct hb_attempt *a)
{
	*own = *c;
	char why[256], path[128];
	if (c->password_file) {
		own->password = hb_read_value(c->password_file,
					      HB_SPEC_MAX_FILE_BYTES, why,
					      sizeof(why));
		if (!own->password) {
			/* The agent read it at start: it changed since. */
			hb_oneline(path, sizeof(path), c->password_file);
			hb_attempt_fail(a, HB_CLASS_INTERNAL,
					"reading password_file \"%s\": %s", path,
					why);
			return -1;
		}
	}
	if (c->bearer_token_file) {
		/* A token is one word: the newline a mounted Secret or an
		 * editor leaves goes, and one with a space or a control
		 * character inside would break the request's headers. */
		own->bearer_token = hb_read_token(c->bearer_token_file, why,
						  sizeof(why));
		if (!own->bearer_token) {
			hb_attempt_fail(a, HB_CLASS_INTERNAL,
					"bearer_token_file: %s", why);
			return -1;
		}
		for (const char *p = own->bearer_token; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f) {
				hb_oneline(path, sizeof(path),
					   c->bearer_token_file);
				hb_attempt_fail(a, HB_CLASS_INTERNAL,
						"bearer_token_file \"%s\": the "
						"token has a space or a control "
						"character inside",
						path);
				return -1;
			}
	}
	return 0;
}

size_t hb_check_secret_paths(const struct hb_check *c, const char **paths,
			     size_t max)
{
	const char *files[] = { c->password_file, c->bearer_token_file };
	size_t n = 0;
	for (size_t i = 0; i < HB_ARRAY_SIZE(files) && n < max; i++)
		if (files[i])
			paths[n++] = files[i];
	return n;
}
