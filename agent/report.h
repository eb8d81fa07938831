/* SPDX-License-Identifier: MIT */
/* Building the hookbox.v1.Report of a run from its finished jobs.
 *
 *   Hookbox__V1__Report *r = hb_report_new(&meta, jobs, n);
 *   ... print, pack, send ...
 *   hb_report_free(r);
 *
 * The report owns copies of everything it holds, allocated the way
 * protobuf_c_message_unpack allocates, so one free releases it all.
 */
#ifndef HB_REPORT_H
#define HB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hookbox/v1/report.pb-c.h"
#include "podinfo.h"
#include "pool.h"

struct hb_run_meta {
	char report_id[40];
	char started_at[32];
	char finished_at[32]; /* empty: the run is still going (phase Running) */
	char hostname[256];
	struct hb_podinfo pod;
	const char *sandbox_mode;
	bool seccomp;
	int landlock_abi;
};

/* The phase of finished jobs: Failed when any required check did not pass. */
int hb_report_phase(const struct hb_job *jobs, size_t n);
/* jobs may be NULL with n 0 for the Running report at the start of a run.
 * Returns NULL when out of memory. */
Hookbox__V1__Report *hb_report_new(const struct hb_run_meta *m,
				   const struct hb_job *jobs, size_t n);
/* Appends a check result (e.g. the command of hookbox exec); takes it. */
int hb_report_add_check(Hookbox__V1__Report *r, Hookbox__V1__CheckResult *c);
void hb_report_free(Hookbox__V1__Report *r);

struct hb_tail;
/* The tail of a command's output as a report string: valid UTF-8
 * (hb_utf8_repair, so a NUL in the output does not end it either), without
 * the remains of a character the ring cut at its start. *dropped gets the
 * number of bytes of the output that are not in it (those before the tail,
 * and such remains). The caller frees it; NULL when out of memory. */
char *hb_report_tail(const struct hb_tail *t, uint64_t *dropped);

#endif
