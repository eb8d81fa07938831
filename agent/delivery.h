/* SPDX-License-Identifier: MIT */
/* The agent's sender of reports to a hookbox-collector: a process of its
 * own that calls the http module's hb_deliver_report (kinds/deliver.h). */
#ifndef HB_DELIVERY_H
#define HB_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

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
