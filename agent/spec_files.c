/* SPDX-License-Identifier: MIT */
/* Reads the "<field>_file" values of a parsed spec: the spec's only I/O. */
#include "spec.h"

#include "osutil.h"
#include "strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fail(struct hb_spec_error *err, const struct hb_spec *s,
		const char *where, const char *file, const char *what)
{
	char path[128];
	hb_oneline(path, sizeof(path), file);
	snprintf(err->msg, sizeof(err->msg), "%s: %s: reading \"%s\": %s",
		 s->source, where, path, what);
	return -1;
}

/* The files an http check's TLS library reads in its child. One that is
 * missing is the check's failure, as it has always been; one that is there
 * but is no regular file (a FIFO) would have the child wait on it until its
 * timeout, which says nothing of the cause: refused here, by name. */
static int tls_files_regular(const struct hb_spec *s, size_t i,
			     struct hb_spec_error *err)
{
	const struct hb_check *c = &s->checks[i];
	const struct {
		const char *key, *path;
	} files[] = {
		{ "ca_file", c->ca_file },
		{ "cert_file", c->cert_file },
		{ "key_file", c->key_file },
	};
	for (size_t k = 0; k < HB_ARRAY_SIZE(files); k++) {
		struct stat st;
		char where[64];
		if (!files[k].path || stat(files[k].path, &st) < 0 ||
		    S_ISREG(st.st_mode))
			continue;
		snprintf(where, sizeof(where), "checks[%zu].%s", i, files[k].key);
		return fail(err, s, where, files[k].path, "not a regular file");
	}
	return 0;
}

/* What is wrong with a bearer token's file as the check's child will read
 * it (hb_read_token: white space around it dropped), or NULL: checked
 * here so that validate names an empty file, or one of two words, rather
 * than every attempt failing. The token is never quoted. */
static const char *token_problem(const char *text)
{
	size_t lead = strspn(text, " \t\r\n"), n = strlen(text);
	while (n > lead && strchr(" \t\r\n", text[n - 1]))
		n--;
	if (n == lead)
		return "empty (a bearer token is one word)";
	for (size_t i = lead; i < n; i++)
		if ((unsigned char)text[i] <= ' ' || text[i] == 0x7f)
			return "the token has a space or a control character "
			       "inside";
	return NULL;
}

int hb_spec_resolve_files(struct hb_spec *s, struct hb_spec_error *err)
{
	err->msg[0] = '\0';
	for (size_t i = 0; i < s->n_files; i++) {
		const struct hb_file_ref *f = &s->files[i];
		char why[128];
		/* The contents are taken literally: no ${VAR} expansion, for a
		 * password may well contain a "$". */
		char *text = hb_read_value(f->path, HB_SPEC_MAX_FILE_BYTES, why,
					   sizeof(why));
		if (!text)
			return fail(err, s, f->where, f->path, why);
		if (f->secret) {
			/* Checked now, so that validate and the start of a run
			 * name a bad file; read again by the check's child. */
			const char *bad =
				f->check < s->n_checks &&
						f->field ==
							&s->checks[f->check].bearer_token
					? token_problem(text)
					: NULL;
			hb_secret_free(text);
			if (bad)
				return fail(err, s, f->where, f->path, bad);
			continue;
		}
		free(*f->field);
		*f->field = text;
		if (hb_spec_file_loaded(s, f, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < s->n_checks; i++)
		if (tls_files_regular(s, i, err) < 0)
			return -1;
	return 0;
}
