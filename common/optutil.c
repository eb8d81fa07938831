/* SPDX-License-Identifier: MIT */
/* Sorted option tables and usage errors for the command-line parsers. */
#include "optutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const void *hb_opt_find(const void *table, size_t n, size_t size,
			const char *name, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *entry = *(const char *const *)((const char *)table +
							    mid * size);
		int c = strncmp(entry, name, len);
		if (c == 0 && entry[len] != '\0')
			c = 1;
		if (c == 0)
			return (const char *)table + mid * size;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int hb_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
