/* SPDX-License-Identifier: MIT */
/* Evaluating expectations that both the spec parser's users and the check
 * modules need; kept apart from spec.c so a module links it alone. */
#include "spec.h"

bool hb_expect_status_ok(const struct hb_expect *e, long status)
{
	if (status < 100 || status > 599)
		return false;
	if (!e->status_set)
		return status >= 200 && status <= 299;
	unsigned bit = (unsigned)(status - 100);
	return (e->status_bits[bit / 64] >> (bit % 64)) & 1;
}
