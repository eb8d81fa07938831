/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the report JSON parser: bytes in, a Report or an error out. */
#include "fuzz.h"
#include "hookbox/v1/report.pb-c.h"
#include "pbjson.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], err2[256];
	ProtobufCMessage *m, *again;
	char *text, *text2;
	uint8_t *bin;
	size_t n;

	err[0] = '\0';
	m = hb_pbjson_parse(&hookbox__v1__report__descriptor, (const char *)data,
			    size, err, sizeof(err));
	if (!m) {
		/* Every failure explains itself. */
		HB_FUZZ_CHECK(err[0]);
		return 0;
	}
	/* What the parser accepts the printer must print, and the parser
	 * must accept what the printer prints, to the same text. */
	text = hb_pbjson_print(m, false);
	HB_FUZZ_CHECK(text);
	again = hb_pbjson_parse(&hookbox__v1__report__descriptor, text,
				strlen(text), err2, sizeof(err2));
	HB_FUZZ_CHECK(again);
	text2 = hb_pbjson_print(again, true);
	protobuf_c_message_free_unpacked(again, NULL);
	HB_FUZZ_CHECK(text2);
	again = hb_pbjson_parse(&hookbox__v1__report__descriptor, text2,
				strlen(text2), err2, sizeof(err2));
	free(text2);
	HB_FUZZ_CHECK(again);
	text2 = hb_pbjson_print(again, false);
	protobuf_c_message_free_unpacked(again, NULL);
	HB_FUZZ_CHECK(text2 && strcmp(text, text2) == 0);
	free(text2);

	/* The decoded message is a well-formed protobuf-c message: it packs,
	 * and unpacks to the same JSON. */
	n = protobuf_c_message_get_packed_size(m);
	bin = malloc(n ? n : 1);
	HB_FUZZ_CHECK(bin && protobuf_c_message_pack(m, bin) == n);
	again = protobuf_c_message_unpack(&hookbox__v1__report__descriptor, NULL,
					  n, bin);
	free(bin);
	HB_FUZZ_CHECK(again);
	text2 = hb_pbjson_print(again, false);
	protobuf_c_message_free_unpacked(again, NULL);
	HB_FUZZ_CHECK(text2 && strcmp(text, text2) == 0);
	free(text2);
	free(text);
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}
