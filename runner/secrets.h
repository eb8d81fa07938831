/* SPDX-License-Identifier: MIT */
/* A check's credentials, read by the check's own child.
 *
 *   in the child, before the driver's prepare:
 *   struct hb_check own;
 *   if (hb_check_read_secrets(c, &own, &a) < 0)  ... report a
 *   ... prepare and run with &own ...
 *
 * The agent only checks a credential's file when it loads the spec
 * (hb_spec_resolve_files) and keeps its path: a child forked from it, or
 * from a zygote forked from it, holds no other check's secret.
 */
#ifndef HB_SECRETS_H
#define HB_SECRETS_H

#include <stddef.h>

struct hb_attempt;
struct hb_check;

/* Fills own with a copy of c whose credentials are read from their files
 * (password_file). The copy shares c's other strings; its secrets live as
 * long as the child. Returns 0, or -1 with a failed (INTERNAL, naming the
 * file). */
int hb_check_read_secrets(const struct hb_check *c, struct hb_check *own,
			  struct hb_attempt *a);
/* The credential files of c, for its Landlock ruleset (a zygote's child is
 * under it before it reads them): fills up to max paths, returns how many. */
size_t hb_check_secret_paths(const struct hb_check *c, const char **paths,
			     size_t max);

#endif
