/* SPDX-License-Identifier: MIT */
/* Unit tests for the grpc kind (issue 15): its wire format (kinds/
 * grpc_wire.c), its hints, and its spec fields and one-liner flags. */
#include "spec_test.h"

#include "classify.h"
#include "cli.h"
#include "driver.h"
#include "grpc_wire.h"

#include <stdlib.h>
#include <string.h>

HB_TEST(request_is_a_length_prefixed_health_check_request)
{
	uint8_t buf[64];
	/* The whole server: an empty message. */
	ASSERT_EQ_INT(grpc_frame_request("", buf, sizeof(buf)), 5u);
	ASSERT(memcmp(buf, "\0\0\0\0\0", 5) == 0);
	ASSERT_EQ_INT(grpc_frame_request(NULL, buf, sizeof(buf)), 5u);
	/* Field 1, length-delimited: 0x0a, length, the bytes. */
	ASSERT_EQ_INT(grpc_frame_request("app", buf, sizeof(buf)), 10u);
	ASSERT(memcmp(buf, "\0\0\0\0\x05\x0a\x03" "app", 10) == 0);
	/* Too small for the prefix, or for the message. */
	ASSERT_EQ_INT(grpc_frame_request("app", buf, 4), 0u);
	ASSERT_EQ_INT(grpc_frame_request("app", buf, 9), 0u);
}

HB_TEST(response_gives_the_serving_status)
{
	char why[128];
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0\0\x02\x08\x01",
				      7, why, sizeof(why)), 1);
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0\0\x02\x08\x02",
				      7, why, sizeof(why)), 2);
	/* proto3 leaves UNKNOWN (0) out: an empty message. */
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0\0\0", 5, why,
				      sizeof(why)), 0);
	/* A status a newer server may send is passed on as a number. */
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0\0\x02\x08\x07",
				      7, why, sizeof(why)), 7);
	ASSERT_STREQ(grpc_serving_name(2), "NOT_SERVING");
	ASSERT(grpc_serving_name(7) == NULL);
}

HB_TEST(response_that_is_no_health_check_response_is_refused)
{
	char why[128];
	ASSERT_EQ_INT(grpc_parse_response(NULL, 0, why, sizeof(why)), -1);
	ASSERT_STREQ(why, "no message");
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0", 3, why,
				      sizeof(why)), -1);
	ASSERT_CONTAINS(why, "cut short");
	/* Compressed, which hookbox never offers. */
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\x01\0\0\0\x02\x08\x01",
				      7, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "compressed");
	/* A length that is not the body's, either way. */
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0\0\x03\x08\x01",
				      7, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "a message of 3 bytes in 2 bytes");
	ASSERT_EQ_INT(grpc_parse_response(
			  (const uint8_t *)"\0\0\0\0\x02\x08\x01\0\0\0\0\0", 12,
			  why, sizeof(why)), -1);
	/* Not protobuf: a varint that never ends. */
	ASSERT_EQ_INT(grpc_parse_response((const uint8_t *)"\0\0\0\0\x02\x08\xff",
				      7, why, sizeof(why)), -1);
	ASSERT_STREQ(why, "not a HealthCheckResponse");
}

static void line(struct grpc_answer *g, const char *l)
{
	grpc_header_line(l, strlen(l), g);
}

HB_TEST(trailers_give_status_and_decoded_message)
{
	struct grpc_answer g;
	grpc_answer_init(&g);
	ASSERT_EQ_INT(g.status, -1);
	line(&g, "HTTP/2 200 \r\n");
	line(&g, "content-type: application/grpc\r\n");
	line(&g, "grpc-accept-encoding: identity\r\n");
	ASSERT_EQ_INT(g.status, -1);
	ASSERT_STREQ(g.content_type, "application/grpc");
	line(&g, "Grpc-Status: 14\r\n");
	line(&g, "grpc-message: warming%20up%3A 50%25\r\n");
	ASSERT_EQ_INT(g.status, 14);
	ASSERT(!g.status_bad);
	ASSERT_STREQ(g.message, "warming up: 50%");
	/* A header whose name only starts so is another header. */
	line(&g, "grpc-status-details-bin: AAAA\r\n");
	ASSERT_EQ_INT(g.status, 14);
}

HB_TEST(odd_trailers_are_shown_safely)
{
	struct grpc_answer g;
	grpc_answer_init(&g);
	/* Not a number: UNKNOWN, as gRPC's clients take it. */
	line(&g, "grpc-status: fourteen\r\n");
	ASSERT_EQ_INT(g.status, 2);
	ASSERT(g.status_bad);
	line(&g, "grpc-status: 99999\r\n");
	ASSERT_EQ_INT(g.status, 2);
	/* Not percent-encoded as it should be: shown as sent. */
	line(&g, "grpc-message: 100% sure\r\n");
	ASSERT_STREQ(g.message, "100% sure");
	/* A control character, encoded or not, stays off the line. */
	line(&g, "grpc-message: a%0Ab\r\n");
	ASSERT_STREQ(g.message, "a b");
	/* A long one is cut to fit. */
	char longer[1200] = "grpc-message: ";
	memset(longer + strlen(longer), 'x', 1000);
	line(&g, longer);
	ASSERT_EQ_INT(strlen(g.message), (size_t)GRPC_MESSAGE_MAX - 1);
}

HB_TEST(code_names_and_http_mapping)
{
	ASSERT_STREQ(grpc_code_name(0), "OK");
	ASSERT_STREQ(grpc_code_name(12), "UNIMPLEMENTED");
	ASSERT_STREQ(grpc_code_name(16), "UNAUTHENTICATED");
	ASSERT(grpc_code_name(17) == NULL);
	ASSERT(grpc_code_name(-1) == NULL);
	ASSERT_EQ_INT(grpc_code_from_http(404), 12);
	ASSERT_EQ_INT(grpc_code_from_http(503), 14);
	ASSERT_EQ_INT(grpc_code_from_http(401), 16);
	ASSERT_EQ_INT(grpc_code_from_http(403), 7);
	ASSERT_EQ_INT(grpc_code_from_http(500), 2);
}

HB_TEST(grpc_status_class_and_hints)
{
	ASSERT_STREQ(hb_class_name(HB_CLASS_GRPC_STATUS), "GRPC_STATUS");
	ASSERT_EQ_INT(hb_class_by_name("GRPC_STATUS"), HB_CLASS_GRPC_STATUS);
	/* Time may fix it (a server or sidecar starting): retried. */
	ASSERT(hb_class_not_retried(HB_CLASS_GRPC_STATUS, false) == NULL);
	ASSERT_CONTAINS(hb_grpc_status_hint("UNIMPLEMENTED"), "no health service");
	ASSERT_CONTAINS(hb_grpc_status_hint("UNAVAILABLE"), "--wait");
	ASSERT(hb_grpc_status_hint("INTERNAL") == NULL);
	ASSERT(hb_grpc_status_hint(NULL) == NULL);
	struct hb_attempt a;
	hb_attempt_init(&a);
	hb_attempt_fail(&a, HB_CLASS_GRPC_STATUS, "x");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_GRPC_STATUS));
	hb_attempt_detail(&a, "grpc_status", "UNIMPLEMENTED");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_grpc_status_hint("UNIMPLEMENTED"));
	hb_attempt_detail(&a, "grpc_status", "INTERNAL");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_GRPC_STATUS));
	/* Only for GRPC_STATUS. */
	hb_attempt_detail(&a, "grpc_status", "UNIMPLEMENTED");
	hb_attempt_fail(&a, HB_CLASS_ASSERTION_FAILED, "y");
	ASSERT_STREQ(hb_attempt_hint(&a), hb_class_hint(HB_CLASS_ASSERTION_FAILED));
}

HB_TEST(spec_fields)
{
	struct hb_spec_error err;
	struct hb_spec *s = parse(
		"{\"checks\": [{\"kind\": \"grpc\", \"address\": "
		"\"${APP_HOST}:50051\", \"service\": \"shop.Cart\"},"
		"{\"kind\": \"grpc\", \"address\": \"[::1]:443\", \"ca_file\": "
		"\"/ca.pem\", \"server_name\": \"api.shop\"},"
		"{\"kind\": \"grpc\", \"address\": \"api:443\", \"tls\": true}]}",
		&err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	ASSERT_STREQ(s->checks[0].address, "app:50051");
	ASSERT_STREQ(s->checks[0].target, "app:50051");
	ASSERT_STREQ(s->checks[0].service, "shop.Cart");
	ASSERT(!s->checks[0].tls);
	/* Any TLS setting means TLS. */
	ASSERT(s->checks[1].tls);
	ASSERT_STREQ(s->checks[1].server_name, "api.shop");
	ASSERT(s->checks[2].tls);
	ASSERT_STREQ(s->checks[2].name, "grpc-2");
	hb_spec_free(s);
}

HB_TEST(spec_errors)
{
	struct hb_spec_error err;
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"grpc\", "
				    "\"address\": \"api\"}]}", &err),
			"spec.json: checks[0].address: ");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"grpc\", "
				    "\"address\": \"a:1\", \"insecure\": true, "
				    "\"tls\": false}]}", &err),
			"spec.json: checks[0].insecure: a TLS setting, and "
			"\"tls\" is false");
	/* "insecure": false is no TLS setting. */
	struct hb_spec *s = parse("{\"checks\": [{\"kind\": \"grpc\", "
				  "\"address\": \"a:1\", \"insecure\": false, "
				  "\"tls\": false}]}", &err);
	ASSERT(s);
	ASSERT(!s->checks[0].tls);
	hb_spec_free(s);
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"grpc\", "
				    "\"address\": \"a:1\", \"service\": "
				    "\"\\u0001\"}]}", &err),
			"checks[0].service: expected a service name");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"grpc\", "
				    "\"address\": \"a:1\", \"service_file\": "
				    "\"/s\"}]}", &err),
			"checks[0].service_file: \"service\" cannot come from a file");
	ASSERT_CONTAINS(parse_error("{\"checks\": [{\"kind\": \"tcp\", "
				    "\"address\": \"a:1\", \"tls\": true}]}", &err),
			"checks[0].tls: not valid for kind \"tcp\" (only for grpc)");
}

HB_TEST(one_liner)
{
	char err[256] = "";
	struct hb_cli cli;
	char *argv[] = { "hookbox", "grpc", "api:50051", "--service", "shop.Cart",
			 "--ca-file", "/ca.pem", "--server-name", "api.shop",
			 "--wait", "60s", NULL };
	ASSERT_EQ_INT(hb_cli_parse(11, argv, &cli, err, sizeof(err)), 0);
	char *json = cJSON_PrintUnformatted(cli.spec_json);
	ASSERT_STREQ(json, "{\"checks\":[{\"kind\":\"grpc\",\"service\":"
		     "\"shop.Cart\",\"ca_file\":\"/ca.pem\",\"server_name\":"
		     "\"api.shop\",\"wait\":\"60s\",\"address\":\"api:50051\"}]}");
	free(json);
	hb_cli_release(&cli);
	char *bad[] = { "hookbox", "tcp", "db:5432", "--service", "x", NULL };
	ASSERT(hb_cli_parse(5, bad, &cli, err, sizeof(err)) < 0);
	ASSERT_STREQ(err, "--service is not an option of \"hookbox tcp\"");
	char *none[] = { "hookbox", "grpc", "--tls", NULL };
	ASSERT(hb_cli_parse(3, none, &cli, err, sizeof(err)) < 0);
	ASSERT_STREQ(err, "grpc: missing HOST:PORT");
}

HB_TEST_MAIN(request_is_a_length_prefixed_health_check_request,
	     response_gives_the_serving_status,
	     response_that_is_no_health_check_response_is_refused,
	     trailers_give_status_and_decoded_message,
	     odd_trailers_are_shown_safely, code_names_and_http_mapping,
	     grpc_status_class_and_hints, spec_fields, spec_errors, one_liner)
