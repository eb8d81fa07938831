/* SPDX-License-Identifier: MIT */
/* Runs the checks of a spec: up to N sandboxed attempts at once, retries with
 * backoff or until a wait deadline, all from one single-threaded poll loop
 * (the agent forks, so it never starts threads of its own).
 *
 *   struct hb_job *jobs = ...;  each with check, driver and policy set
 *                               (driver NULL: each child loads the kind)
 *   hb_pool_run(&opts, jobs, n);  jobs[k] runs the spec's checks[k]: a
 *                                 check's after_index are job indices
 *   ... read jobs[i].outcome, .attempts ...
 *   hb_job_release(&jobs[i]);
 */
#ifndef HB_POOL_H
#define HB_POOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "sandbox.h"

/* Attempts kept per check: the first and the most recent ones. A check
 * waiting a minute at 1s intervals makes 60; the report needs few. */
#define HB_KEEP_ATTEMPTS 10

struct hb_job {
	const struct hb_check *check;
	const struct hb_driver *driver;
	const struct hb_policy *policy; /* NULL: no seccomp filter */

	/* Results, valid after hb_pool_run. */
	int outcome;       /* enum hb_outcome */
	int failure_class; /* enum hb_class */
	char message[HB_MSG_MAX];
	char started_at[32];
	double duration_ms;
	int n_attempts;    /* made */
	size_t n_kept;
	struct hb_attempt *kept; /* n_kept, in order */

	/* Pool state. */
	int state;
	int64_t start_ns;
	int64_t wait_deadline_ns;
	int64_t next_ns;
	int64_t pause_ms;
	int64_t load_ns; /* children's loading of the kind, summed */
	char attempt_started[32];
	struct hb_child child;
};

struct hb_pool_opts {
	int parallel;
	struct hb_sandbox_cfg sandbox;
	/* Set from a signal handler to stop the run: running attempts are
	 * killed, unfinished checks end CANCELLED. May be NULL. */
	volatile sig_atomic_t *cancel;
	/* Signals to unblock while waiting, so cancel is seen at once. */
	const sigset_t *wait_mask;
};

/* Returns 0, or -errno when the pool itself failed (fork, poll). */
int hb_pool_run(const struct hb_pool_opts *o, struct hb_job *jobs, size_t n);
void hb_job_release(struct hb_job *j);

#endif
