/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the grpc kind's reading of a server's answer
 * (kinds/grpc_wire.c): its body, parsed as one gRPC message holding a
 * HealthCheckResponse, and its header and trailer lines. Input: a first
 * byte (bit 0: header lines, split at "\n"; else a body), then the bytes. */
#include "fuzz.h"

#include "grpc_wire.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	if (!(data[0] & 1)) {
		char why[128] = "";
		int st = grpc_parse_response(n ? p : NULL, n, why, sizeof(why));
		/* A status, or a refusal saying why. */
		HB_FUZZ_CHECK(st >= -1);
		HB_FUZZ_CHECK(st >= 0 || (why[0] && memchr(why, '\0', sizeof(why))));
		return 0;
	}
	struct grpc_answer g;
	grpc_answer_init(&g);
	while (n) {
		const uint8_t *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) + 1 : n;
		grpc_header_line((const char *)p, len, &g);
		p += len;
		n -= len;
	}
	/* A status gRPC could send (none, or 0 to 255; UNKNOWN for one that
	 * is no number), and texts that fit, on one line: they go into a
	 * report. */
	HB_FUZZ_CHECK(g.status >= -1 && g.status <= 255);
	HB_FUZZ_CHECK(!g.status_bad || g.status == 2);
	const char *texts[] = { g.message, g.content_type };
	size_t sizes[] = { sizeof(g.message), sizeof(g.content_type) };
	for (size_t i = 0; i < 2; i++) {
		size_t len = strnlen(texts[i], sizes[i]);
		HB_FUZZ_CHECK(len < sizes[i]);
		for (size_t j = 0; j < len; j++)
			HB_FUZZ_CHECK((unsigned char)texts[i][j] >= 0x20 &&
				      texts[i][j] != 0x7f);
	}
	return 0;
}
