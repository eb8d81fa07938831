/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for hb_split_hostport (common/addr.c), the one
 * "host:port" splitter of the checks' addresses, the drivers' URLs and the
 * collector's --listen. Input: flags (bit 0: HB_HOSTPORT_ZERO, as
 * --listen), the host buffer's size (second byte + 1), a default port
 * (third byte * 257; 0: the port is required), then the text. */
#include "fuzz.h"

#include "addr.h"

#include <errno.h>
#include <string.h>

/* The canonical text of a split: brackets when the host needs them. */
static void join(char *out, size_t outlen, const char *host, int port)
{
	if (strchr(host, ':') || host[0] == '[')
		snprintf(out, outlen, "[%s]:%d", host, port);
	else
		snprintf(out, outlen, "%s:%d", host, port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	unsigned flags = data[0] & 1 ? HB_HOSTPORT_ZERO : 0;
	size_t hostlen = (size_t)data[1] + 1;
	int default_port = data[2] * 257;
	char *in = malloc(size - 2);
	char *host = malloc(hostlen); /* exactly hostlen: ASan sees an overrun */
	HB_FUZZ_CHECK(in && host);
	memcpy(in, data + 3, size - 3);
	in[size - 3] = '\0';

	int port = -1;
	char err[128] = "";
	int rc = hb_split_hostport(in, host, hostlen, &port, default_port, flags,
				   err, sizeof(err));
	HB_FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc < 0) {
		/* Refused, saying why. */
		HB_FUZZ_CHECK(err[0] && memchr(err, '\0', sizeof(err)));
	} else {
		/* A host that fits, terminated, and a port in range: the
		 * default one when the text has none. */
		size_t hl = strnlen(host, hostlen);
		HB_FUZZ_CHECK(hl > 0 && hl < hostlen);
		HB_FUZZ_CHECK(port >= (flags & HB_HOSTPORT_ZERO ? 0 : 1) &&
			      port <= 65535);
		HB_FUZZ_CHECK(strchr(in, ':') || port == default_port);
	}
	/* Split, join, split again: the same host and port. (A host with
	 * both ":" and "]", from a bare "a:b]" that took the default port,
	 * has no bracketed form to join into.) */
	if (rc == 0 && !(strchr(host, ':') && strchr(host, ']'))) {
		char joined[300], host2[300];
		int port2 = -1;
		join(joined, sizeof(joined), host, port);
		HB_FUZZ_CHECK(hb_split_hostport(joined, host2, sizeof(host2),
						&port2, 0, flags, NULL, 0) == 0);
		HB_FUZZ_CHECK(strcmp(host, host2) == 0 && port == port2);
	}
	free(host);
	free(in);
	return 0;
}
