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

int hb_split_hostport(const char *in, char *host, size_t hostlen, int *port,
		      int default_port)
{
	const char *p;
	size_t n;
	if (in[0] == '[') {
		const char *close = strchr(in, ']');
		if (!close)
			return -EINVAL;
		n = (size_t)(close - in - 1);
		p = close + 1;
		if (*p && *p != ':')
			return -EINVAL;
		in++;
	} else {
		p = strrchr(in, ':');
		/* A bare IPv6 address has several colons and no port. */
		if (p && strchr(in, ':') != p)
			p = NULL;
		n = p ? (size_t)(p - in) : strlen(in);
		if (!p)
			p = in + n;
	}
	if (n == 0 || n >= hostlen)
		return -EINVAL;
	memcpy(host, in, n);
	host[n] = '\0';
	if (*p == ':') {
		char *end;
		long v = strtol(p + 1, &end, 10);
		if (!p[1] || *end || v < 1 || v > 65535)
			return -EINVAL;
		*port = (int)v;
	} else {
		if (default_port <= 0)
			return -EINVAL;
		*port = default_port;
	}
	return 0;
}
