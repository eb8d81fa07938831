/* SPDX-License-Identifier: MIT */
/* Evaluating expectations, for the agent and the check modules alike;
 * kept apart from the spec parser so that a module links it alone. */
#include "check.h"

bool hb_expect_status_ok(const struct hb_expect *e, long status)
{
	if (status < 100 || status > 599)
		return false;
	if (!e->status_set)
		return status >= 200 && status <= 299;
	unsigned bit = (unsigned)(status - 100);
	return (e->status_bits[bit / 64] >> (bit % 64)) & 1;
}
