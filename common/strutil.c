/* SPDX-License-Identifier: MIT */
/* Pure string helpers shared by the agent, the runner and the collector. */
#include "strutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char *hb_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void hb_secret_free(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

size_t hb_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

void hb_oneline(char *dst, size_t size, const char *src)
{
	size_t j = 0;
	if (!size)
		return;
	for (size_t i = 0; src && src[i] && j + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[j++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	/* Do not leave half a UTF-8 sequence at the end. */
	if (src && src[j] && j > 0) {
		size_t k = j;
		while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0xC0)
			j = k - 1;
	}
	/* Trailing spaces come from trailing newlines: drop them. */
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
}

bool hb_str_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hb_pct_decode(const char *s, size_t n, char *dst, size_t size)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -EINVAL;
			int h = hexval((unsigned char)s[i + 1]);
			int l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return -EINVAL;
			c = h * 16 + l;
			i += 2;
		}
		if (j + 1 >= size)
			return -E2BIG;
		dst[j++] = (char)c;
	}
	if (j >= size)
		return -E2BIG;
	dst[j] = '\0';
	return 0;
}

size_t hb_utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned c = s[0];
	size_t len;
	/* The range of the second byte: narrower than 80..BF after E0, ED,
	 * F0 and F4, which is what rules out overlongs, surrogates and code
	 * points past U+10FFFF. */
	unsigned lo = 0x80, hi = 0xbf;

	if (bad)
		*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* a continuation byte, C0, C1 or F5..FF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (size_t k = 1; k < len; k++) {
		if (k >= n || s[k] < lo || s[k] > hi) {
			if (bad)
				*bad = k;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

bool hb_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	while (n) {
		size_t k = hb_utf8_seq(p, n, NULL);
		if (!k || !*p)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

char *hb_utf8_repair(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	/* At worst every byte becomes three. */
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	char *out = malloc(n * 3 + 1), *o = out;
	if (!out)
		return NULL;
	while (n) {
		size_t bad, k = hb_utf8_seq(p, n, &bad);
		if (k && *p) {
			memcpy(o, p, k);
			o += k;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			k = k ? k : bad;
		}
		p += k;
		n -= k;
	}
	*o = '\0';
	return out;
}

size_t hb_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = hb_utf8_seq(p, n, NULL);
	static const unsigned char lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	if (!len)
		return 0;
	/* hb_utf8_seq has ruled out overlongs, surrogates and what lies past
	 * U+10FFFF: what is left is assembling the bits. */
	uint32_t c = p[0] & lead_mask[len];
	for (size_t k = 1; k < len; k++)
		c = c << 6 | (p[k] & 0x3f);
	*cp = c;
	return len;
}

bool hb_dns_label(const char *s, size_t n)
{
	if (n == 0 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

bool hb_dns_subdomain(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (;;) {
		size_t k = strcspn(s, ".");
		if (!hb_dns_label(s, k))
			return false;
		if (!s[k])
			return true;
		s += k + 1;
	}
}
