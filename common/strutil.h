/* SPDX-License-Identifier: MIT */
/* Pure string helpers: no I/O, no global state. */
#ifndef HB_STRUTIL_H
#define HB_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

#define HB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* strdup that returns NULL for NULL. */
char *hb_strdup(const char *s);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t hb_strlcpy(char *dst, const char *src, size_t size);
/* Replaces control characters (newlines included) by spaces so the text fits
 * on one line of `helm test --logs`; truncates to size-1 bytes on a UTF-8
 * character boundary. */
void hb_oneline(char *dst, size_t size, const char *src);
bool hb_str_prefix(const char *s, const char *prefix);
/* A URL for display, without its password wherever the client reading it
 * would find one: "user:password@" becomes "user@", and query parameters
 * named *password (percent-encoded too) are left out. Reads postgres://
 * URLs as libpq does (the credentials end at the first "@" before the
 * first "/"; no fragment), others by RFC 3986. Writes at most size bytes,
 * terminated, never more than the URL's length. */
void hb_redact_url(char *dst, size_t size, const char *url);

/* Percent-decodes n bytes of s (a URL's user, password, host or path) into
 * dst. Returns 0, or -EINVAL for a bad escape or an encoded NUL, -E2BIG when
 * it does not fit. */
int hb_pct_decode(const char *s, size_t n, char *dst, size_t size);

#endif
