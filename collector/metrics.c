/* SPDX-License-Identifier: MIT */
/* Counters and the ingest latency histogram behind GET /metrics. */
#include "metrics.h"

#include <stdatomic.h>

static const double bucket_le[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				    0.05,   0.1,   0.25,   0.5,   1.0,  2.5 };
#define NBUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

static atomic_uint_fast64_t accepted;
static atomic_uint_fast64_t rejected[HB_REJECT_COUNT_];
static atomic_uint_fast64_t buckets[NBUCKETS]; /* not cumulative */
static atomic_uint_fast64_t count;
static atomic_uint_fast64_t sum_ns;
static atomic_uint_fast64_t timed_out;

static const char *const reject_label[] = {
#define X(name, label) label,
	HB_REJECT_MAP(X)
#undef X
};

void hb_metrics_accepted(void)
{
	atomic_fetch_add_explicit(&accepted, 1, memory_order_relaxed);
}

void hb_metrics_rejected(enum hb_reject why)
{
	if (why < HB_REJECT_COUNT_)
		atomic_fetch_add_explicit(&rejected[why], 1, memory_order_relaxed);
}

void hb_metrics_observe_ingest(int64_t ns)
{
	double s = (double)ns / 1e9;
	for (size_t i = 0; i < NBUCKETS; i++) {
		if (s <= bucket_le[i]) {
			atomic_fetch_add_explicit(&buckets[i], 1, memory_order_relaxed);
			break;
		}
	}
	atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_ns, (uint_fast64_t)(ns > 0 ? ns : 0),
				  memory_order_relaxed);
}

void hb_metrics_timed_out(void)
{
	atomic_fetch_add_explicit(&timed_out, 1, memory_order_relaxed);
}

int hb_metrics_render(struct hb_buf *b)
{
	int rc = hb_buf_printf(b,
			       "# HELP hookbox_reports_accepted_total Reports committed to the store.\n"
			       "# TYPE hookbox_reports_accepted_total counter\n"
			       "hookbox_reports_accepted_total %llu\n"
			       "# HELP hookbox_reports_rejected_total Reports refused, by reason.\n"
			       "# TYPE hookbox_reports_rejected_total counter\n",
			       (unsigned long long)atomic_load(&accepted));
	for (int i = 0; rc == 0 && i < HB_REJECT_COUNT_; i++)
		rc = hb_buf_printf(b, "hookbox_reports_rejected_total{reason=\"%s\"} %llu\n",
				   reject_label[i], (unsigned long long)atomic_load(&rejected[i]));
	if (rc == 0)
		rc = hb_buf_appends(b,
				    "# HELP hookbox_ingest_latency_seconds Time from request to "
				    "committed answer for POST /v1/reports.\n"
				    "# TYPE hookbox_ingest_latency_seconds histogram\n");
	unsigned long long cum = 0;
	for (size_t i = 0; rc == 0 && i < NBUCKETS; i++) {
		cum += atomic_load(&buckets[i]);
		rc = hb_buf_printf(b, "hookbox_ingest_latency_seconds_bucket{le=\"%g\"} %llu\n",
				   bucket_le[i], cum);
	}
	unsigned long long n = atomic_load(&count);
	if (rc == 0)
		rc = hb_buf_printf(b,
				   "hookbox_ingest_latency_seconds_bucket{le=\"+Inf\"} %llu\n"
				   "hookbox_ingest_latency_seconds_sum %.6f\n"
				   "hookbox_ingest_latency_seconds_count %llu\n",
				   n, (double)atomic_load(&sum_ns) / 1e9, n);
	if (rc == 0)
		rc = hb_buf_printf(b,
				   "# HELP hookbox_requests_timed_out_total Connections closed "
				   "because a whole request was not in by its deadline "
				   "(--request-timeout).\n"
				   "# TYPE hookbox_requests_timed_out_total counter\n"
				   "hookbox_requests_timed_out_total %llu\n",
				   (unsigned long long)atomic_load(&timed_out));
	return rc;
}
