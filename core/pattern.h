/* SPDX-License-Identifier: MIT */
/* The expectations' regular expressions: PCRE2, as chart authors write
 * them for blackbox_exporter, goss or Gatus (\d, \s, \w, lazy .*?), with
 * the library's own limits on what one match may cost.
 *
 * Usage: hb_pattern_new once (the spec parser to validate, a check's child
 * before its filter to match), hb_pattern_match per subject, then
 * hb_pattern_free. */
#ifndef HB_PATTERN_H
#define HB_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

/* What one match may cost, as PCRE2 counts it: calls of its matcher (or
 * the JIT's equivalent), each per start position; the depth of its
 * backtracking; and the heap its backtracking frames take, in KiB. */
#define HB_PATTERN_MATCH_LIMIT 1000000u
#define HB_PATTERN_DEPTH_LIMIT 1000000u
#define HB_PATTERN_HEAP_LIMIT_KIB (64u << 10)
/* Subjects at least this long are matched by JIT-compiled code: for a
 * short one, compiling (about 0.1 ms) costs more than it saves. */
#define HB_PATTERN_JIT_MIN 4096u

struct hb_pattern;

/* Compiles pattern (UTF-8; a subject that is not is still matched, its
 * bad bytes matching nothing but themselves). Returns NULL with errbuf
 * filled with PCRE2's message and the offset where it stopped, or "out of
 * memory". No I/O. */
struct hb_pattern *hb_pattern_new(const char *pattern, char *errbuf,
				  size_t errlen);

/* Matches len bytes of subject (NULs included). Returns 1 on a match, 0
 * on none, -1 when a limit or an error stopped the match, with errbuf
 * saying which ("the match limit (1000000 steps)"). */
int hb_pattern_match(struct hb_pattern *p, const char *subject, size_t len,
		     char *errbuf, size_t errlen);

/* Whether the last match ran JIT-compiled code. */
bool hb_pattern_jitted(const struct hb_pattern *p);

void hb_pattern_free(struct hb_pattern *p);

#endif
