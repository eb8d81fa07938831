/* SPDX-License-Identifier: MIT */
/* The scheduler: parallel sandboxed attempts, deadlines, retries. */
#include "pool.h"

#include "osutil.h"
#include "check.h"
#include "strutil.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JOB_PENDING, JOB_RUNNING, JOB_PAUSED, JOB_DONE };

static void keep_attempt(struct hb_job *j, const struct hb_attempt *a)
{
	/* Keep the first attempt; past the limit drop the oldest after it. */
	if (j->n_kept == HB_KEEP_ATTEMPTS) {
		memmove(&j->kept[1], &j->kept[2],
			(HB_KEEP_ATTEMPTS - 2) * sizeof(*j->kept));
		j->n_kept--;
	} else {
		/* Grown one at a time: most checks make one attempt, and the
		 * agent's memory is what every fork write-protects. */
		struct hb_attempt *k =
			realloc(j->kept, (j->n_kept + 1) * sizeof(*j->kept));
		if (!k)
			return;
		j->kept = k;
	}
	j->kept[j->n_kept++] = *a;
}

static void finish(struct hb_job *j, const struct hb_attempt *last, int64_t now)
{
	j->state = JOB_DONE;
	j->outcome = last->outcome;
	j->failure_class = last->failure_class;
	hb_strlcpy(j->message, last->message, sizeof(j->message));
	j->duration_ms = hb_ms_between(j->start_ns + j->load_ns, now);
}

static int64_t attempt_timeout(const struct hb_job *j, int64_t now)
{
	int64_t t = j->check->timeout_ms;
	/* Waiting for a deadline: no attempt runs past it by more than the
	 * time a last attempt needs to say what is wrong. */
	if (j->wait_deadline_ns) {
		int64_t left = (j->wait_deadline_ns - now) / 1000000;
		if (left < 100)
			left = 100;
		if (left < t)
			t = left;
	}
	return t;
}

static int start_attempt(const struct hb_pool_opts *o, struct hb_job *j,
			 struct hb_zygote *z, size_t index, int64_t now)
{
	char err[256];
	if (j->n_attempts == 0) {
		j->start_ns = now;
		hb_rfc3339_now(j->started_at, sizeof(j->started_at));
		const struct hb_retry *r = &j->check->retry;
		j->pause_ms = r->interval_ms;
		if (r->wait_ms > 0)
			j->wait_deadline_ns = now + r->wait_ms * 1000000LL;
	}
	int64_t timeout = attempt_timeout(j, now);
	int rc = z ? hb_child_spawn_via(z, index, timeout, &j->child, err,
					sizeof(err))
		   : hb_child_spawn(&o->sandbox, j->driver, j->policy, j->check,
				    timeout, &j->child, err, sizeof(err));
	if (rc < 0) {
		struct hb_attempt a;
		hb_attempt_init(&a);
		a.number = ++j->n_attempts;
		hb_rfc3339_now(a.started_at, sizeof(a.started_at));
		hb_attempt_fail(&a, HB_CLASS_INTERNAL, "%s", err);
		keep_attempt(j, &a);
		finish(j, &a, now);
		return rc;
	}
	hb_rfc3339_now(j->attempt_started, sizeof(j->attempt_started));
	j->state = JOB_RUNNING;
	return 0;
}

static void end_attempt(struct hb_job *j, int64_t now)
{
	struct hb_attempt a;
	hb_child_reap(&j->child, &a);
	j->load_ns += j->child.load_ns; /* not the check's time */
	a.number = ++j->n_attempts;
	hb_strlcpy(a.started_at, j->attempt_started, sizeof(a.started_at));

	const struct hb_retry *r = &j->check->retry;
	bool again;
	if (a.outcome == HB_PASSED)
		again = false;
	else if (j->wait_deadline_ns)
		again = now + j->pause_ms * 1000000LL < j->wait_deadline_ns;
	else
		again = j->n_attempts < r->attempts;
	/* What time does not fix ends the check at once, saying why, unless
	 * the check asked for it ("retry_on": a user an init job creates).
	 * Sandbox violations and crashes are never retried. */
	const char *tls = hb_attempt_get_detail(&a, "tls_error");
	const char *why = hb_class_not_retried(a.failure_class,
					       tls && strcmp(tls, "verify") == 0);
	/* A driver that knows its answer cannot change says why (detail
	 * "final": a Job that failed never completes). */
	const char *final = hb_attempt_get_detail(&a, "final");
	if (!why && final && *final && a.outcome != HB_PASSED)
		why = final;
	int cls = a.failure_class;
	bool never = cls == HB_CLASS_SANDBOX_VIOLATION || cls == HB_CLASS_CRASHED;
	bool asked = !never && cls > 0 && cls < 32 && (r->retry_on & (1u << cls));
	if (again && why && !asked) {
		again = false;
		char msg[HB_MSG_MAX], how[64] = "";
		if (!never)
			snprintf(how, sizeof(how), "; retry_on %s retries it",
				 hb_class_name(cls));
		int room = (int)(sizeof(msg) - 24 - strlen(why) - strlen(how));
		snprintf(msg, sizeof(msg), "%.*s (not retried: %s%s)",
			 room > 0 ? room : 0, a.message, why, how);
		hb_strlcpy(a.message, msg, sizeof(a.message));
	}
	keep_attempt(j, &a);
	if (!again) {
		finish(j, &a, now);
		return;
	}
	j->outcome = a.outcome;
	j->failure_class = a.failure_class;
	hb_strlcpy(j->message, a.message, sizeof(j->message));
	j->state = JOB_PAUSED;
	j->next_ns = now + j->pause_ms * 1000000LL;
	double next = (double)j->pause_ms * (r->backoff > 0 ? r->backoff : 1.0);
	j->pause_ms = next > 60000.0 ? 60000 : (int64_t)next;
}

/* Whether j may start as far as its "after" goes: 1 when every check it
 * runs after passed, 0 while one has not ended, -1 when one ended without
 * passing (*dep: which). jobs[k] runs the spec's checks[k], so after_index
 * are job indices. */
static int after_ready(const struct hb_job *jobs, const struct hb_job *j,
		       size_t *dep)
{
	int ready = 1;
	for (size_t k = 0; k < j->check->n_after; k++) {
		const struct hb_job *d = &jobs[j->check->after_index[k]];
		if (d->state != JOB_DONE) {
			ready = 0;
		} else if (d->outcome != HB_PASSED) {
			*dep = j->check->after_index[k];
			return -1;
		}
	}
	return ready;
}

/* Ends j without running it: a check it runs after did not pass. */
static void skip_after(struct hb_job *j, const struct hb_job *dep, int64_t now)
{
	struct hb_attempt a;
	hb_attempt_init(&a);
	a.outcome = HB_SKIPPED;
	snprintf(a.message, sizeof(a.message),
		 "not run: it runs after \"%.200s\", which %s",
		 dep->check->name,
		 dep->outcome == HB_SKIPPED     ? "was skipped"
		 : dep->outcome == HB_CANCELLED ? "was cancelled"
						: "did not pass");
	j->start_ns = now;
	hb_rfc3339_now(j->started_at, sizeof(j->started_at));
	finish(j, &a, now);
}

static void cancel_all(struct hb_job *jobs, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		struct hb_job *j = &jobs[i];
		if (j->state == JOB_DONE)
			continue;
		if (j->state == JOB_RUNNING) {
			struct hb_attempt a;
			hb_child_kill(&j->child);
			hb_child_reap(&j->child, &a);
			j->n_attempts++;
		}
		struct hb_attempt c;
		hb_attempt_init(&c);
		c.outcome = HB_CANCELLED;
		hb_strlcpy(c.message, j->n_attempts ? "the run was stopped during this check"
					       : "the run was stopped before this check",
			   sizeof(c.message));
		if (!j->start_ns)
			j->start_ns = now;
		finish(j, &c, now);
	}
}

/* The zygotes of this run (zygote.c): one per kind with at least
 * ZYGOTE_MIN_CHECKS checks, whose module the agent has loaded. Starting one
 * is a fork of its own, which fewer checks do not pay back (hyperfine; the
 * README's "Speed and size" has the figures). Log mode has each child hand
 * its own seccomp listener to the agent, so its children are forked here.
 * Without a zygote (it could not start) the agent forks them itself. */
#define ZYGOTE_MIN_CHECKS 8
struct zygotes {
	const struct hb_check **checks; /* by job index */
	struct hb_zygote *of_job[];
};

static struct zygotes *zygotes_start(const struct hb_pool_opts *o,
				     const struct hb_job *jobs, size_t n)
{
	if (o->sandbox.mode == HB_SANDBOX_LOG || n < ZYGOTE_MIN_CHECKS)
		return NULL;
	struct zygotes *zs = calloc(1, sizeof(*zs) + n * sizeof(zs->of_job[0]));
	if (zs)
		zs->checks = calloc(n, sizeof(*zs->checks));
	if (!zs || !zs->checks) {
		free(zs);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		zs->checks[i] = jobs[i].check;
	for (size_t i = 0; i < n; i++) {
		const struct hb_driver *d = jobs[i].driver;
		if (!d || zs->of_job[i])
			continue;
		size_t same = 0;
		for (size_t k = i; k < n; k++)
			same += jobs[k].driver == d;
		if (same < ZYGOTE_MIN_CHECKS)
			continue;
		char err[256];
		struct hb_zygote *z = hb_zygote_start(&o->sandbox, d,
						      jobs[i].policy, zs->checks,
						      n, err, sizeof(err));
		for (size_t k = i; z && k < n; k++)
			if (jobs[k].driver == d)
				zs->of_job[k] = z;
	}
	return zs;
}

static void zygotes_stop(struct zygotes *zs, size_t n)
{
	if (!zs)
		return;
	for (size_t i = 0; i < n; i++) {
		struct hb_zygote *z = zs->of_job[i];
		if (!z)
			continue;
		for (size_t k = i; k < n; k++)
			if (zs->of_job[k] == z)
				zs->of_job[k] = NULL;
		hb_zygote_stop(z);
	}
	free(zs->checks);
	free(zs);
}

int hb_pool_run(const struct hb_pool_opts *o, struct hb_job *jobs, size_t n)
{
	int parallel = o->parallel > 0 ? o->parallel : 1;
	size_t done = 0;
	/* Per running child: result pipe, pidfd, seccomp listener. */
	struct pollfd *pfd = calloc(3 * (n ? n : 1), sizeof(*pfd));
	size_t *owner = calloc(3 * (n ? n : 1), sizeof(*owner));
	if (!pfd || !owner) {
		free(pfd);
		free(owner);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		jobs[i].state = JOB_PENDING;
	struct zygotes *zs = zygotes_start(o, jobs, n);

	while (done < n) {
		int64_t now = hb_mono_ns();
		if (o->cancel && *o->cancel) {
			cancel_all(jobs, n, now);
			break;
		}
		/* Start what may start, in declared order. A check waiting on
		 * its "after" has not started: its wait and attempts begin
		 * when it does. Skipping one may settle one declared before
		 * it, so look again until nothing changes. */
		int running = 0;
		for (size_t i = 0; i < n; i++)
			running += jobs[i].state == JOB_RUNNING;
		for (bool skipped = true; skipped;) {
			skipped = false;
			for (size_t i = 0; i < n; i++) {
				struct hb_job *j = &jobs[i];
				bool ready = j->state == JOB_PENDING ||
					     (j->state == JOB_PAUSED &&
					      j->next_ns <= now);
				if (!ready)
					continue;
				size_t dep = 0;
				int after = j->state == JOB_PENDING
						    ? after_ready(jobs, j, &dep)
						    : 1;
				if (after < 0) {
					skip_after(j, &jobs[dep], now);
					done++;
					skipped = true;
					continue;
				}
				if (after == 0 || running >= parallel)
					continue;
				if (start_attempt(o, j, zs ? zs->of_job[i] : NULL,
						  i, now) < 0) {
					done++;
					skipped = true;
					continue;
				}
				running++;
			}
		}

		/* Wait for a child to end or write, a deadline or a retry. */
		size_t np = 0;
		int64_t wake = INT64_MAX;
		for (size_t i = 0; i < n; i++) {
			struct hb_job *j = &jobs[i];
			if (j->state == JOB_PAUSED && j->next_ns < wake)
				wake = j->next_ns;
			if (j->state != JOB_RUNNING)
				continue;
			if (j->child.deadline_ns < wake)
				wake = j->child.deadline_ns;
			if (!j->child.eof) {
				pfd[np] = (struct pollfd){ j->child.result_fd, POLLIN, 0 };
				owner[np++] = i;
			}
			if (j->child.pidfd >= 0) {
				pfd[np] = (struct pollfd){ j->child.pidfd, POLLIN, 0 };
				owner[np++] = i;
			}
			if (j->child.notify_fd >= 0) {
				pfd[np] = (struct pollfd){ j->child.notify_fd, POLLIN, 0 };
				owner[np++] = i;
			}
		}
		if (np == 0 && wake == INT64_MAX)
			break;
		struct timespec ts, *tsp = NULL;
		if (wake != INT64_MAX) {
			int64_t d = wake - now;
			if (d < 0)
				d = 0;
			ts.tv_sec = d / 1000000000LL;
			ts.tv_nsec = d % 1000000000LL;
			tsp = &ts;
		}
		/* Without pidfds, look again every 10ms for exited children. */
		struct timespec tick = { 0, 10 * 1000000L };
		bool have_pidfd = true;
		for (size_t i = 0; i < n; i++)
			if (jobs[i].state == JOB_RUNNING && jobs[i].child.pidfd < 0)
				have_pidfd = false;
		if (!have_pidfd && (!tsp || tsp->tv_sec > 0 ||
				    tsp->tv_nsec > tick.tv_nsec))
			tsp = &tick;
		int rc = ppoll(pfd, np, tsp, o->wait_mask);
		if (rc < 0 && errno != EINTR) {
			int e = errno;
			free(pfd);
			free(owner);
			zygotes_stop(zs, n);
			hb_sandbox_release();
			return -e;
		}
		now = hb_mono_ns();
		for (size_t k = 0; rc > 0 && k < np; k++) {
			struct hb_child *ch = &jobs[owner[k]].child;
			if (!pfd[k].revents)
				continue;
			if (pfd[k].fd == ch->result_fd)
				hb_child_read(ch);
			else if (pfd[k].fd == ch->notify_fd)
				hb_child_notify(ch);
		}

		for (size_t i = 0; i < n; i++) {
			struct hb_job *j = &jobs[i];
			if (j->state != JOB_RUNNING)
				continue;
			/* A whole result ends the attempt: no need to wait for
			 * the exit. */
			bool exited = hb_child_finished(&j->child);
			if (!exited && j->child.pidfd >= 0) {
				struct pollfd p = { j->child.pidfd, POLLIN, 0 };
				exited = poll(&p, 1, 0) > 0;
			} else if (!exited) {
				exited = j->child.eof; /* the pipe closes at exit */
			}
			if (!exited && now >= j->child.deadline_ns) {
				hb_child_kill(&j->child);
				exited = true;
			}
			if (!exited)
				continue;
			end_attempt(j, now);
			if (j->state == JOB_DONE)
				done++;
		}
	}
	free(pfd);
	free(owner);
	zygotes_stop(zs, n);
	hb_sandbox_release();
	return 0;
}

void hb_job_release(struct hb_job *j)
{
	if (!j)
		return;
	free(j->kept);
	j->kept = NULL;
	j->n_kept = 0;
}
