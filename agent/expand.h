/* SPDX-License-Identifier: MIT */
/* The spec's ${VAR} expansion of string values. Pure: the variables come
 * from the getenv function the caller gives. */
#ifndef HB_EXPAND_H
#define HB_EXPAND_H

#include "spec.h"

#include <stdbool.h>
#include <stddef.h>

/* Expands ${VAR}, ${VAR:-default} and $$ in s into *out, which the caller
 * frees. A lone "$" stays as it is, so that regex anchors like "^ok$" need
 * no escaping; like the shell's ":-", an empty value takes the default.
 * Returns 0, -ENOMEM, or -EINVAL with err saying what is wrong (an unset
 * variable, a bad "${", a result over 1 MiB). */
int hb_expand(const char *s, hb_getenv_fn getenv_fn, char **out, char *err,
	      size_t errlen);
/* The same, but an unset variable without a default stays as written
 * ("${DB_URL}") and sets *unset: what the value is, only the pod's
 * environment knows (hookbox validate --no-env). The rest is checked. */
int hb_expand_partial(const char *s, hb_getenv_fn getenv_fn, bool *unset,
		      char **out, char *err, size_t errlen);

#endif
