/* SPDX-License-Identifier: MIT */
/* Sending reports to a hookbox-collector. The sender lives in the HTTP module
 * (it needs libcurl), so that runs without --collector never load libcurl;
 * the agent looks it up with dlsym(HB_DELIVER_SYMBOL).
 */
#ifndef HB_DELIVER_H
#define HB_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "kinds.h"

#define HB_DELIVER_SYMBOL "hb_deliver_report"
/* The kind whose module holds it. */
#define HB_DELIVER_KIND HB_KIND_HTTP

struct hb_deliver_opts {
	const char *url;     /* collector base URL, "http://127.0.0.1:8080" */
	const char *token;   /* bearer token, or NULL */
	int64_t budget_ms;   /* retry with backoff and jitter within this time */
	const char *ca_file; /* for an https collector, or NULL */
};

/* POSTs len bytes of a serialised hookbox.v1.Report to url + "/v1/reports"
 * as application/x-protobuf. Retries connection failures, 5xx and 429 with
 * exponential backoff and jitter until budget_ms is spent; a 4xx other than
 * 429 is final. Returns 0 once the collector answered 200, or -1 with err
 * saying what failed last ("collector answered 401: missing bearer token"). */
typedef int (*hb_deliver_fn)(const struct hb_deliver_opts *o,
			     const uint8_t *report, size_t len, char *err,
			     size_t errlen);

#endif
