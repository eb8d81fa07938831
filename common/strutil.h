/* SPDX-License-Identifier: MIT */
/* Pure string helpers: no I/O, no global state. */
#ifndef HB_STRUTIL_H
#define HB_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* strdup that returns NULL for NULL. */
char *hb_strdup(const char *s);
/* Wipes and frees a string that held a secret; NULL is fine. */
void hb_secret_free(char *s);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t hb_strlcpy(char *dst, const char *src, size_t size);
/* Replaces control characters (newlines included) by spaces so the text fits
 * on one line of `helm test --logs`; truncates to size-1 bytes on a UTF-8
 * character boundary. */
void hb_oneline(char *dst, size_t size, const char *src);
bool hb_str_prefix(const char *s, const char *prefix);
/* UTF-8 as RFC 3629 has it: no overlong forms, no surrogates, nothing past
 * U+10FFFF. The length of the well-formed sequence at s (n > 0 bytes
 * there), or 0 when there is none: then *bad (may be NULL) is the length
 * of the maximal ill-formed subpart, the bytes one U+FFFD replaces
 * (Unicode's recommended practice, as WHATWG's decoder and Python's
 * "replace" do it): a sequence cut short is one character, not several. */
size_t hb_utf8_seq(const unsigned char *s, size_t n, size_t *bad);
/* Whether n bytes of s are well-formed UTF-8 without a NUL byte. */
bool hb_utf8_valid(const char *s, size_t n);
/* A copy of n bytes of s as UTF-8, each maximal ill-formed subpart and
 * each NUL byte (which a C string cannot carry) replaced by U+FFFD; the
 * caller frees it. NULL when out of memory. */
char *hb_utf8_repair(const char *s, size_t n);
/* Decodes the UTF-8 sequence at s (n > 0 bytes available): returns its
 * length (1 to 4) with the code point in *cp, or 0 when s does not start a
 * well-formed sequence (as hb_utf8_seq). */
size_t hb_utf8_next(const char *s, size_t n, uint32_t *cp);

/* Percent-decodes n bytes of s (a URL's user, password, host or path) into
 * dst. Returns 0, or -EINVAL for a bad escape or an encoded NUL, -E2BIG when
 * it does not fit. */
int hb_pct_decode(const char *s, size_t n, char *dst, size_t size);

/* Kubernetes' names (DNS-1123): whether n bytes of s are one label,
 * [a-z0-9]([-a-z0-9]*[a-z0-9])? (a namespace's, at most 63), and whether s
 * is labels joined by '.', at most max bytes in all (a release's, 53; an
 * object's, 253). */
bool hb_dns_label(const char *s, size_t n);
bool hb_dns_subdomain(const char *s, size_t max);

#endif
