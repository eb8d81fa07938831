/* SPDX-License-Identifier: MIT */
/* Helpers of the command-line parsers (agent and collector): sorted option
 * tables and one-line usage errors. Pure. */
#ifndef HB_OPTUTIL_H
#define HB_OPTUTIL_H

#include <stddef.h>

/* Finds the entry named name[0..len) in a table sorted by name, whose
 * entries of size bytes each begin with a `const char *name`. Returns it,
 * or NULL. */
const void *hb_opt_find(const void *table, size_t n, size_t size,
			const char *name, size_t len);
/* Formats a usage error into err and returns -1, so parsers can write
 * `return hb_fail(err, errlen, "...", ...);`. */
int hb_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
