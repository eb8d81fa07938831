/* SPDX-License-Identifier: MIT */
/* Address helpers shared by the check drivers; pure, no I/O. */
#include "runner.h"

#include "spec.h"
#include "strutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool hb_http_uses_tls(const struct hb_check *c)
{
	return !c->url || strncasecmp(c->url, "http://", 7) != 0 ||
	       c->follow_redirects;
}
