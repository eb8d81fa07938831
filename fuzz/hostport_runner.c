/* SPDX-License-Identifier: MIT */
/* fuzz_hostport.c on the checks' splitter (runner/netutil.c). */
#include "hostport.h"

#include "runner.h"

static int split(const char *in, char *host, size_t hostlen, long *port,
		 int default_port)
{
	int p = 0;
	int rc = hb_split_hostport(in, host, hostlen, &p, default_port);
	*port = p;
	return rc;
}

const struct hb_fuzz_splitter hb_fuzz_splitter = { split, 1, true };
