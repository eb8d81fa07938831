/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the collector's report validation: untrusted bytes
 * in, as protobuf and as JSON, a valid Report or a reason out. */
#include "fuzz.h"
#include "pbjson.h"
#include "validate.h"

#include <errno.h>
#include <string.h>

enum { ERRLEN = 256 };

/* hb_report_decode's promise: 0 with a report, or -EINVAL/-ENOMEM with a
 * reason that fits err. */
static Hookbox__V1__Report *decode(const uint8_t *buf, size_t len,
				   enum hb_format fmt)
{
	char *err = malloc(ERRLEN); /* exactly ERRLEN: ASan sees an overrun */
	Hookbox__V1__Report *r = NULL;
	HB_FUZZ_CHECK(err);
	err[0] = '\0';
	int rc = hb_report_decode(buf, len, fmt, &r, err, ERRLEN);
	if (rc == 0) {
		HB_FUZZ_CHECK(r);
	} else {
		HB_FUZZ_CHECK(rc == -EINVAL || rc == -ENOMEM);
		HB_FUZZ_CHECK(err[0] && memchr(err, '\0', ERRLEN));
		r = NULL;
	}
	free(err);
	return r;
}

/* What the collector accepted as JSON it stores packed as protobuf and
 * reads back: the same bytes again. (A protobuf body is stored as it came,
 * and is not packed again here: protobuf-c keeps unknown fields, and takes
 * field number 0 in a long tag that it then packs in one byte and
 * refuses.) */
static void stored_round_trip(const Hookbox__V1__Report *r)
{
	size_t n = protobuf_c_message_get_packed_size(&r->base);
	uint8_t *bin = malloc(n), *bin2 = malloc(n);
	HB_FUZZ_CHECK(n && bin && bin2);
	HB_FUZZ_CHECK(protobuf_c_message_pack(&r->base, bin) == n);
	Hookbox__V1__Report *again = decode(bin, n, HB_FORMAT_PROTOBUF);
	HB_FUZZ_CHECK(again);
	HB_FUZZ_CHECK(protobuf_c_message_get_packed_size(&again->base) == n);
	HB_FUZZ_CHECK(protobuf_c_message_pack(&again->base, bin2) == n);
	HB_FUZZ_CHECK(memcmp(bin, bin2, n) == 0);
	protobuf_c_message_free_unpacked(&again->base, NULL);
	free(bin);
	free(bin2);
}

/* Every accepted report validates again, and renders as JSON that an
 * agent may send again: accepted, to the same text. */
static void json_round_trip(const Hookbox__V1__Report *r)
{
	char err[ERRLEN];
	HB_FUZZ_CHECK(hb_report_validate(r, err, sizeof(err)) == 0);
	char *text = hb_pbjson_print(&r->base, false);
	HB_FUZZ_CHECK(text);
	Hookbox__V1__Report *again =
		decode((const uint8_t *)text, strlen(text), HB_FORMAT_JSON);
	HB_FUZZ_CHECK(again);
	char *text2 = hb_pbjson_print(&again->base, false);
	HB_FUZZ_CHECK(text2 && strcmp(text, text2) == 0);
	protobuf_c_message_free_unpacked(&again->base, NULL);
	free(text2);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum hb_format formats[] = { HB_FORMAT_PROTOBUF,
						  HB_FORMAT_JSON };
	for (size_t i = 0; i < 2; i++) {
		Hookbox__V1__Report *r = decode(data, size, formats[i]);
		if (r) {
			json_round_trip(r);
			if (formats[i] == HB_FORMAT_JSON)
				stored_round_trip(r);
			protobuf_c_message_free_unpacked(&r->base, NULL);
		}
	}
	return 0;
}
