/* SPDX-License-Identifier: MIT */
/* The collector's Prometheus counters: lock-free, updated by request threads.
 *
 *   hb_metrics_accepted();  hb_metrics_rejected(HB_REJECT_TOO_LARGE);
 *   hb_metrics_observe_ingest(ns);
 *   hb_metrics_render(&buf);   the counters and the histogram as text
 */
#ifndef HB_METRICS_H
#define HB_METRICS_H

#include <stdint.h>

#include "buf.h"

/* Why a report was refused; the label value comes from this one list. */
#define HB_REJECT_MAP(X)                                                        \
	X(UNAUTHORIZED, "unauthorized")                                         \
	X(TOO_LARGE, "too_large")                                               \
	X(MEDIA_TYPE, "unsupported_media_type")                                 \
	X(INVALID, "invalid")                                                   \
	X(STORE, "store_error")

enum hb_reject {
#define X(name, label) HB_REJECT_##name,
	HB_REJECT_MAP(X)
#undef X
	HB_REJECT_COUNT_
};

void hb_metrics_accepted(void);
void hb_metrics_rejected(enum hb_reject why);
void hb_metrics_observe_ingest(int64_t ns);
/* A connection closed because its request was not in by its deadline. */
void hb_metrics_timed_out(void);
/* Appends the counters and the histogram in the text exposition format.
 * Returns 0 or a negative errno from the buffer. */
int hb_metrics_render(struct hb_buf *b);

#endif
