/* SPDX-License-Identifier: MIT */
/* gRPC's wire format as the grpc kind reads and writes it (grpc_wire.c):
 * the length-prefixed message of a call, the grpc-status and grpc-message
 * an answer ends with, and the names of the status codes. Pure: no I/O,
 * so the unit tests feed it bytes.
 *
 * Usage: grpc_frame_request() the body of a Health/Check call; each
 * header or trailer line of the answer through grpc_header_line(); the
 * body through grpc_parse_response(). */
#ifndef HB_GRPC_WIRE_H
#define HB_GRPC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most of a grpc-message kept, decoded. */
#define GRPC_MESSAGE_MAX 256

/* What an answer's header and trailer lines said. */
struct grpc_answer {
	int status;         /* grpc-status; -1: none came */
	bool status_bad;    /* one came that is no status code */
	char message[GRPC_MESSAGE_MAX]; /* grpc-message, percent-decoded */
	char content_type[64];
};

#pragma GCC visibility push(hidden)

void grpc_answer_init(struct grpc_answer *g);
/* Writes a HealthCheckRequest for service ("" or NULL: the whole server)
 * as one uncompressed gRPC message into buf. Returns its length, or 0
 * when it does not fit size. */
size_t grpc_frame_request(const char *service, uint8_t *buf, size_t size);
/* Reads one header or trailer line ("grpc-status: 14\r\n"; names in any
 * case) into g; other lines are ignored. */
void grpc_header_line(const char *line, size_t len, struct grpc_answer *g);
/* Reads the body of a Health/Check answer: exactly one uncompressed
 * message holding a HealthCheckResponse. Returns its ServingStatus (0 to
 * 3, or another number a newer server sent), or -1 with why filled. */
int grpc_parse_response(const uint8_t *body, size_t len, char *why,
			size_t size);
/* "UNAVAILABLE" for 14; NULL for a number gRPC does not define. */
const char *grpc_code_name(int code);
/* "SERVING" for 1; NULL for a number the protocol does not define. */
const char *grpc_serving_name(int status);
/* The gRPC status an HTTP answer without one stands for, as gRPC's own
 * clients map it (doc/http-grpc-status-mapping.md). */
int grpc_code_from_http(long status);

#pragma GCC visibility pop

#endif
