/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for a "host:port" splitter (hostport.h says which).
 * Input: the host buffer's size (first byte + 1), a default port (second
 * byte * 257), then the text. */
#include "fuzz.h"
#include "hostport.h"

#include <errno.h>
#include <string.h>

/* The canonical text of a split: brackets when the host needs them. */
static void join(char *out, size_t outlen, const char *host, long port)
{
	if (strchr(host, ':') || host[0] == '[')
		snprintf(out, outlen, "[%s]:%ld", host, port);
	else
		snprintf(out, outlen, "%s:%ld", host, port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct hb_fuzz_splitter *s = &hb_fuzz_splitter;
	if (size < 2)
		return 0;
	size_t hostlen = (size_t)data[0] + 1;
	int default_port = data[1] * 257;
	char *in = malloc(size - 1);
	char *host = malloc(hostlen); /* exactly hostlen: ASan sees an overrun */
	HB_FUZZ_CHECK(in && host);
	memcpy(in, data + 2, size - 2);
	in[size - 2] = '\0';

	long port = -1;
	int rc = s->split(in, host, hostlen, &port, default_port);
	HB_FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -1);
	if (rc == 0) {
		/* A host that fits, terminated, and a port in range: the
		 * default one when the text has none. */
		size_t hl = strnlen(host, hostlen);
		HB_FUZZ_CHECK(hl > 0 && hl < hostlen);
		HB_FUZZ_CHECK(port >= s->min_port && port <= 65535);
		HB_FUZZ_CHECK(strchr(in, ':') ||
			      (s->takes_default && port == default_port));
	}
	/* Split, join, split again: the same host and port. (A host with
	 * both ":" and "]", from a bare "a:b]" that took the default port,
	 * has no bracketed form to join into.) */
	if (rc == 0 && !(strchr(host, ':') && strchr(host, ']'))) {
		char joined[300], host2[300];
		long port2 = -1;
		join(joined, sizeof(joined), host, port);
		HB_FUZZ_CHECK(s->split(joined, host2, sizeof(host2), &port2, 0) == 0);
		HB_FUZZ_CHECK(strcmp(host, host2) == 0 && port == port2);
	}
	free(host);
	free(in);
	return 0;
}
