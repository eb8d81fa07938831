/* SPDX-License-Identifier: MIT */
/* The capped growable buffer every read from the network or a file goes through. */
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hb_buf_init(struct hb_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void hb_buf_release(struct hb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

void hb_buf_reset(struct hb_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int hb_buf_append(struct hb_buf *b, const void *p, size_t n)
{
	if (n > b->cap || b->len > b->cap - n) {
		hb_buf_release(b);
		return -E2BIG;
	}
	if (b->len + n + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 64;
		while (want < b->len + n + 1)
			want *= 2;
		if (want > b->cap + 1)
			want = b->cap + 1;
		char *d = realloc(b->data, want);
		if (!d) {
			hb_buf_release(b);
			return -ENOMEM;
		}
		b->data = d;
		b->alloc = want;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void hb_buf_wipe(struct hb_buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->alloc);
	hb_buf_release(b);
}

int hb_buf_reserve(struct hb_buf *b, size_t n)
{
	if (n > b->cap || b->len > b->cap - n) {
		hb_buf_wipe(b);
		return -E2BIG;
	}
	if (b->len + n + 1 <= b->alloc)
		return 0;
	char *d = malloc(b->len + n + 1);
	if (!d) {
		hb_buf_wipe(b);
		return -ENOMEM;
	}
	size_t len = b->len;
	if (b->data)
		memcpy(d, b->data, len + 1);
	else
		d[0] = '\0';
	hb_buf_wipe(b);
	b->data = d;
	b->len = len;
	b->alloc = len + n + 1;
	return 0;
}

int hb_buf_appends(struct hb_buf *b, const char *s)
{
	return hb_buf_append(b, s, strlen(s));
}

int hb_buf_vprintf(struct hb_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0) {
		hb_buf_release(b);
		return -EINVAL;
	}
	if ((size_t)n < sizeof(small))
		return hb_buf_append(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big) {
		hb_buf_release(b);
		return -ENOMEM;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	int rc = hb_buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

int hb_buf_printf(struct hb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = hb_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *hb_buf_take(struct hb_buf *b, size_t *len)
{
	char *d = b->data;
	if (!d)
		d = calloc(1, 1);
	if (len)
		*len = d ? b->len : 0;
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	return d;
}
