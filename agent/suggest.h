/* SPDX-License-Identifier: MIT */
/* "Did you mean": the known word closest to a user's typo, for the spec's
 * unknown keys and kinds. Pure. */
#ifndef HB_SUGGEST_H
#define HB_SUGGEST_H

#include <stddef.h>

/* The candidate among n closest to what the user wrote (transpositions
 * count as one edit, so "stauts" is one from "status"), or NULL when none
 * is close enough to be a likely typo. */
const char *hb_closest(const char *key, const char *const *cands, size_t n);

#endif
