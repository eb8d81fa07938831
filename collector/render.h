/* SPDX-License-Identifier: MIT */
/* Rendering a reduction (the JSON of GET /v1/releases, see reduce.h) for
 * people and for CI: helm-test-like text, JUnit XML, JSON. Pure: writes into
 * a capped buffer, so that status and the offline reduce share it and tests
 * can read it.
 *
 *   struct hb_buf out;
 *   hb_buf_init(&out, HB_RENDER_CAP);
 *   if (hb_render(&out, red, HB_RENDER_JUNIT) < 0) -> out of memory
 *   fwrite(out.data, 1, out.len, stdout);
 *   hb_buf_release(&out);
 */
#ifndef HB_RENDER_H
#define HB_RENDER_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stddef.h>

#include "buf.h"

#define HB_RENDER_CAP (256u << 20)

enum hb_render_fmt { HB_RENDER_TEXT, HB_RENDER_JSON, HB_RENDER_JUNIT };

/* Returns 0, or -ENOMEM / -E2BIG (the buffer is then freed). */
int hb_render(struct hb_buf *out, const cJSON *red, enum hb_render_fmt fmt);
/* Appends s for a terminal: valid UTF-8 as is, but control characters (C0,
 * DEL, C1, bidirectional overrides) and bytes that are not UTF-8 shown as
 * visible escapes ("\n", "\x1b", "\u009b", "\xff"). Returns 0 or the
 * buffer's negative errno. */
int hb_text_escape(struct hb_buf *b, const char *s);
/* The same for n bytes of s (a line of a longer text). */
int hb_text_escape_n(struct hb_buf *b, const char *s, size_t n);
/* hb_buf_printf for text whose strings all come from reports: %s is the
 * only conversion, each argument shown through hb_text_escape, so that a
 * report cannot drive the reader's terminal. */
int hb_text_printf(struct hb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* hb_buf_printf whose only conversion is %s, each argument appended
 * through escape (hb_text_escape, hb_html_escape): the one loop behind
 * hb_text_printf and hb_html_printf. */
int hb_escape_vprintf(struct hb_buf *b, int (*escape)(struct hb_buf *, const char *),
		      const char *fmt, va_list ap);
/* Member k of o as a string ("" when absent or not a string), or as a
 * number (0 when absent or not a number). */
const char *hb_json_str(const cJSON *o, const char *k);
double hb_json_num(const cJSON *o, const char *k);
/* The exit status for a suite phase name: 0 Succeeded, 1 Failed, 3 Running
 * or Unknown (or anything else). */
int hb_phase_exit_code(const char *phase);
/* "2026-11-25T22:15:03.123Z" as Go's time.ANSIC, "Wed Nov 25 22:15:03 2026",
 * the way `helm test` prints Last Started; "" stays "". */
void hb_format_ansic(char *dst, size_t size, const char *rfc3339);

#endif
