/* SPDX-License-Identifier: MIT */
/* Sending reports to a hookbox-collector. The sender lives in the HTTP module
 * (it needs libcurl), so that runs without --collector never load libcurl;
 * the agent looks it up with dlsym(HB_DELIVER_SYMBOL).
 */
#ifndef HB_DELIVER_H
#define HB_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#define HB_DELIVER_SYMBOL "hb_deliver_report"

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

/* In the agent: the process that sends a run's reports, forked as the run
 * starts. It alone reads the bearer token (the agent only checks the file
 * first), so that no check's child, each a copy of the agent's memory,
 * holds it, nor do libcurl's buffers, freed but not wiped, outlive it. It
 * loads the sender (the http module) itself, and sends the Running report
 * while the checks run.
 *
 *   struct hb_sender *s = hb_sender_start(url, token_file, running, len,
 *                                         2000, err, sizeof(err));
 *   ... run the checks ...
 *   rc = hb_sender_finish(s, report, len, 30000, err, sizeof(err));
 */
struct hb_sender;

/* Forks the sender, which sends first (first_len bytes of a packed report)
 * within first_budget_ms, saying on stderr what failed, then waits for the
 * last report. token_file may be NULL (no token). Returns NULL with err
 * filled when the process cannot be started. */
struct hb_sender *hb_sender_start(const char *url, const char *token_file,
				  const uint8_t *first, size_t first_len,
				  int64_t first_budget_ms, char *err,
				  size_t errlen);
/* Hands the sender the run's last report, to send within budget_ms once the
 * first is sent, and waits for the outcome (a little past both budgets, then
 * it is killed). Returns 0 once the collector took it, or -1 with err
 * saying what failed. Ends the sender and frees s either way. */
int hb_sender_finish(struct hb_sender *s, const uint8_t *report, size_t len,
		     int64_t budget_ms, char *err, size_t errlen);
/* Ends the sender without a last report (the run stopped early) and frees
 * s; NULL is fine. */
void hb_sender_free(struct hb_sender *s);

#endif
