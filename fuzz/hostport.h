/* SPDX-License-Identifier: MIT */
/* The two "host:port" splitters (the checks' in runner/netutil.c, the
 * collector's --listen in collector/cli.c) share one name and one harness,
 * fuzz_hostport.c; each build of it links one of these adapters. */
#ifndef HB_FUZZ_HOSTPORT_H
#define HB_FUZZ_HOSTPORT_H

#include <stdbool.h>
#include <stddef.h>

struct hb_fuzz_splitter {
	/* The splitter, with the port widened to long: 0 or negative. */
	int (*split)(const char *in, char *host, size_t hostlen, long *port,
		     int default_port);
	long min_port;      /* 1 for a check, 0 for --listen (a free port) */
	bool takes_default; /* whether "host" alone takes default_port */
};

extern const struct hb_fuzz_splitter hb_fuzz_splitter;

#endif
