/* SPDX-License-Identifier: MIT */
/* fuzz_hostport.c on the collector's --listen splitter (collector/cli.c). */
#include "hostport.h"

#include "cli.h"

static int split(const char *in, char *host, size_t hostlen, long *port,
		 int default_port)
{
	unsigned p = 0;
	int rc = hb_split_hostport(in, host, hostlen, &p);
	*port = p;
	return rc;
}

const struct hb_fuzz_splitter hb_fuzz_splitter = { split, 0, false };
