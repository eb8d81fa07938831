/* SPDX-License-Identifier: MIT */
/* Parsing and printing of user-facing durations. */
#include "duration.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HB_DURATION_MAX_MS (30LL * 24 * 3600 * 1000)

int64_t hb_llround(double d)
{
	/* The cast truncates toward zero; what it drops is exact (|d| <
	 * 2^62), so comparing it with one half is too. */
	int64_t t = (int64_t)d;
	double frac = d - (double)t;
	if (frac >= 0.5)
		t++;
	else if (frac <= -0.5)
		t--;
	return t;
}

int hb_duration_parse(const char *s, int64_t *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "", 1000 },
	};
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		double total = v * units[i].ms;
		if (total > (double)HB_DURATION_MAX_MS)
			return -EINVAL;
		*ms = hb_llround(total);
		return 0;
	}
	return -EINVAL;
}

void hb_duration_format(char *dst, size_t size, int64_t ms)
{
	if (ms < 1000)
		snprintf(dst, size, "%lldms", (long long)ms);
	else if (ms < 60000 && ms % 1000)
		snprintf(dst, size, "%.1fs", (double)ms / 1000.0);
	else if (ms < 60000)
		snprintf(dst, size, "%llds", (long long)(ms / 1000));
	else if (ms % 60000)
		snprintf(dst, size, "%lldm%llds", (long long)(ms / 60000),
			 (long long)(ms % 60000 / 1000));
	else
		snprintf(dst, size, "%lldm", (long long)(ms / 60000));
}
