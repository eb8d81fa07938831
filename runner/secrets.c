/* SPDX-License-Identifier: MIT */
/* Reading a check's credentials in its own child (secrets.h). */
#include "secrets.h"

#include "osutil.h"
#include "driver.h"
#include "check.h"
#include "strutil.h"

int hb_check_read_secrets(const struct hb_check *c, struct hb_check *own,
			  struct hb_attempt *a)
{
	*own = *c;
	if (!c->password_file)
		return 0;
	char why[128], path[128];
	own->password = hb_read_value(c->password_file, HB_SPEC_MAX_FILE_BYTES,
				      why, sizeof(why));
	if (!own->password) {
		/* The agent read it at start: it changed since. */
		hb_oneline(path, sizeof(path), c->password_file);
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"reading password_file \"%s\": %s", path, why);
		return -1;
	}
	return 0;
}

size_t hb_check_secret_paths(const struct hb_check *c, const char **paths,
			     size_t max)
{
	if (!c->password_file || max == 0)
		return 0;
	paths[0] = c->password_file;
	return 1;
}
