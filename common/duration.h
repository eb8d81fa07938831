/* SPDX-License-Identifier: MIT */
/* Durations as users write them in specs and flags: "500ms", "5s", "1.5m", "2h". */
#ifndef HB_DURATION_H
#define HB_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Parses a non-negative duration into milliseconds. A bare number is seconds.
 * Returns 0, or -EINVAL for anything else (empty, negative, unknown unit,
 * overflow past 30 days). */
int hb_duration_parse(const char *s, int64_t *ms);
/* llround() without libm (which the agent then need not map), for
 * |d| < 2^62: the nearest integer, halves away from zero. */
int64_t hb_llround(double d);
/* Formats ms the short way ("250ms", "5s", "1m30s") into dst. */
void hb_duration_format(char *dst, size_t size, int64_t ms);

#endif
