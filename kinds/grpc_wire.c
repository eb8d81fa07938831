/* SPDX-License-Identifier: MIT */
/* gRPC's wire format for the grpc kind (grpc_wire.h); pure, no I/O. */
#include "grpc_wire.h"

#include "strutil.h"

#include "grpc/health/v1/health.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A gRPC message on the wire: a compressed flag, then its length as four
 * bytes big-endian, then the protobuf (gRPC's PROTOCOL-HTTP2.md). */
#define PREFIX 5

void grpc_answer_init(struct grpc_answer *g)
{
	memset(g, 0, sizeof(*g));
	g->status = -1;
}

size_t grpc_frame_request(const char *service, uint8_t *buf, size_t size)
{
	Grpc__Health__V1__HealthCheckRequest req =
		GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
	/* protobuf-c's field is not const; pack only reads it. */
	req.service = (char *)(service ? service : "");
	size_t n = grpc__health__v1__health_check_request__get_packed_size(&req);
	if (n > UINT32_MAX || size < PREFIX || n > size - PREFIX)
		return 0;
	buf[0] = 0;
	buf[1] = (uint8_t)(n >> 24);
	buf[2] = (uint8_t)(n >> 16);
	buf[3] = (uint8_t)(n >> 8);
	buf[4] = (uint8_t)n;
	grpc__health__v1__health_check_request__pack(&req, buf + PREFIX);
	return PREFIX + n;
}

/* The value of "name: value\r\n" when line is that header, trimmed, into
 * dst; false for another line. */
static bool header_value(const char *line, size_t len, const char *name,
			 char *dst, size_t size)
{
	size_t n = strlen(name);
	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return false;
	const char *v = line + n + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && strchr(" \t\r\n", end[-1]))
		end--;
	size_t m = (size_t)(end - v);
	if (m >= size)
		m = size - 1;
	memcpy(dst, v, m);
	dst[m] = '\0';
	return true;
}

void grpc_header_line(const char *line, size_t len, struct grpc_answer *g)
{
	char v[GRPC_MESSAGE_MAX * 3];
	if (header_value(line, len, "grpc-status", v, sizeof(v))) {
		char *end;
		long code = strtol(v, &end, 10);
		bool ok = v[0] >= '0' && v[0] <= '9' && !*end && code <= 255;
		g->status = ok ? (int)code : 2; /* UNKNOWN, as gRPC's clients */
		g->status_bad = !ok;
	} else if (header_value(line, len, "grpc-message", v, sizeof(v))) {
		/* Percent-encoded (PROTOCOL-HTTP2.md); a server that did not
		 * encode it is shown as it sent it. Either way on one line:
		 * it goes into a report. */
		char dec[GRPC_MESSAGE_MAX * 3];
		const char *text = hb_pct_decode(v, strlen(v), dec,
						 sizeof(dec)) == 0 ? dec : v;
		hb_oneline(g->message, sizeof(g->message), text);
	} else if (header_value(line, len, "content-type", v, sizeof(v))) {
		hb_oneline(g->content_type, sizeof(g->content_type), v);
	}
}

int grpc_parse_response(const uint8_t *body, size_t len, char *why,
			size_t size)
{
	if (len < PREFIX) {
		snprintf(why, size, len ? "a message cut short (%zu bytes)"
					: "no message", len);
		return -1;
	}
	size_t n = (size_t)body[1] << 24 | (size_t)body[2] << 16 |
		   (size_t)body[3] << 8 | body[4];
	if (body[0] != 0) {
		/* hookbox offers no compression (no grpc-accept-encoding). */
		snprintf(why, size, "a compressed message, which was not "
			 "offered");
		return -1;
	}
	if (n != len - PREFIX) {
		snprintf(why, size, "a message of %zu bytes in %zu bytes of "
			 "body", n, len - PREFIX);
		return -1;
	}
	Grpc__Health__V1__HealthCheckResponse *r =
		grpc__health__v1__health_check_response__unpack(NULL, n,
								 body + PREFIX);
	if (!r) {
		snprintf(why, size, "not a HealthCheckResponse");
		return -1;
	}
	int status = (int)r->status;
	grpc__health__v1__health_check_response__free_unpacked(r, NULL);
	if (status < 0) {
		snprintf(why, size, "a negative serving status");
		return -1;
	}
	return status;
}

const char *grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
		"PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
		"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
		"UNAUTHENTICATED",
	};
	return code >= 0 && (size_t)code < HB_ARRAY_SIZE(names) ? names[code]
								: NULL;
}

const char *grpc_serving_name(int status)
{
	static const char *const names[] = { "UNKNOWN", "SERVING",
					     "NOT_SERVING", "SERVICE_UNKNOWN" };
	return status >= 0 && (size_t)status < HB_ARRAY_SIZE(names)
		       ? names[status]
		       : NULL;
}

int grpc_code_from_http(long status)
{
	switch (status) {
	case 400:
		return 13; /* INTERNAL */
	case 401:
		return 16; /* UNAUTHENTICATED */
	case 403:
		return 7; /* PERMISSION_DENIED */
	case 404:
		return 12; /* UNIMPLEMENTED */
	case 429:
	case 502:
	case 503:
	case 504:
		return 14; /* UNAVAILABLE */
	default:
		return 2; /* UNKNOWN */
	}
}
