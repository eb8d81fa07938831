/* SPDX-License-Identifier: MIT */
/* Reads the "<field>_file" values of a parsed spec: the spec's only I/O. */
#include "spec.h"

#include "buf.h"
#include "osutil.h"
#include "strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct hb_spec_error *err, const struct hb_spec *s,
		const struct hb_file_ref *f, const char *what)
{
	char path[128];
	hb_oneline(path, sizeof(path), f->path);
	snprintf(err->msg, sizeof(err->msg), "%s: %s: reading \"%s\": %s",
		 s->source, f->where, path, what);
	return -1;
}

int hb_spec_resolve_files(struct hb_spec *s, struct hb_spec_error *err)
{
	err->msg[0] = '\0';
	for (size_t i = 0; i < s->n_files; i++) {
		const struct hb_file_ref *f = &s->files[i];
		struct hb_buf b;
		int rc = hb_read_file(f->path, HB_SPEC_MAX_FILE_BYTES, &b);
		if (rc < 0) {
			hb_buf_release(&b);
			return fail(err, s, f,
				    rc == -E2BIG ? "larger than 64 KiB"
						 : strerror(-rc));
		}
		/* The field becomes a C string: a NUL would cut it short
		 * without a word, a password most of all. */
		if (memchr(b.data, '\0', b.len)) {
			hb_buf_release(&b);
			return fail(err, s, f, "the file contains a NUL byte");
		}
		/* Files from `echo secret > file` and from Kubernetes Secrets
		 * written by hand end in a newline that is no part of the
		 * value: drop one, with its carriage return if any. */
		if (b.len && b.data[b.len - 1] == '\n') {
			b.len--;
			if (b.len && b.data[b.len - 1] == '\r')
				b.len--;
			b.data[b.len] = '\0';
		}
		char *text = hb_buf_take(&b, NULL);
		hb_buf_release(&b);
		if (!text)
			return fail(err, s, f, "out of memory");
		/* The contents are taken literally: no ${VAR} expansion, for a
		 * password may well contain a "$". */
		if (*f->field) {
			explicit_bzero(*f->field, strlen(*f->field));
			free(*f->field);
		}
		*f->field = text;
		if (hb_spec_file_loaded(s, f, err) < 0)
			return -1;
	}
	return 0;
}
