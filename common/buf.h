/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with a hard size cap, after curl's dynbuf.
 *
 *   struct hb_buf b;
 *   hb_buf_init(&b, 1 << 20);          cannot fail, allocates nothing
 *   if (hb_buf_append(&b, p, n) < 0)   on failure the buffer is freed
 *           return -1;
 *   char *s = hb_buf_take(&b, &len);   caller owns s, b is empty again
 *   hb_buf_release(&b);
 *
 * The contents are always NUL-terminated (the NUL is not counted in len).
 */
#ifndef HB_BUF_H
#define HB_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct hb_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap; /* the most bytes len may reach */
};

void hb_buf_init(struct hb_buf *b, size_t cap);
void hb_buf_release(struct hb_buf *b);
void hb_buf_reset(struct hb_buf *b); /* len = 0, keeps the memory */

/* Returns 0, or -ENOMEM or -E2BIG; either error frees the buffer. */
int hb_buf_append(struct hb_buf *b, const void *p, size_t n);
int hb_buf_appends(struct hb_buf *b, const char *s);
int hb_buf_printf(struct hb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int hb_buf_vprintf(struct hb_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Makes room for n more bytes past len (within the cap), for a read()
 * straight into data + len; the caller then adds what it read to len and
 * puts the NUL after it. Growing copies and wipes the old memory instead
 * of realloc()ing it, so that a secret read this way leaves no copy behind
 * in freed memory. Returns 0, or -ENOMEM or -E2BIG, wiping and freeing the
 * buffer. */
int hb_buf_reserve(struct hb_buf *b, size_t n);
/* hb_buf_release for a buffer that held a secret: wipes it first. */
void hb_buf_wipe(struct hb_buf *b);

/* Hands the contents over (never NULL: an empty buffer gives ""), or NULL
 * when out of memory. The buffer is left empty and reusable. */
char *hb_buf_take(struct hb_buf *b, size_t *len);

static inline const char *hb_buf_str(const struct hb_buf *b)
{
	return b->data ? b->data : "";
}

#endif
