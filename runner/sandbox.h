/* SPDX-License-Identifier: MIT */
/* One sandboxed attempt of one check: a forked child with no_new_privs, a
 * parent-death signal, rlimits, Landlock and the kind's seccomp filter,
 * reporting over a close-on-exec pipe.
 *
 *   struct hb_child ch;
 *   hb_child_spawn(&cfg, driver, policy, check, timeout_ms, &ch, err, len);
 *   ... poll ch.pidfd and ch.result_fd, calling hb_child_read(&ch) when the
 *       pipe is readable, and ch.notify_fd (log mode) with hb_child_notify;
 *       at ch.deadline_ns call hb_child_kill(&ch) ...
 *   hb_child_reap(&ch, &attempt);      waits, classifies, closes everything
 */
#ifndef HB_SANDBOX_H
#define HB_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "policy.h"

struct hb_check;
struct hb_driver;
struct hb_zygote;
struct hb_attempt;

struct hb_sandbox_cfg {
	enum hb_sandbox_mode mode;
	int landlock_abi; /* from hb_landlock_abi(); 0 disables Landlock */
};

struct hb_child {
	pid_t pid;
	int pidfd;     /* readable once the child has exited; -1 if unsupported */
	int result_fd; /* read end of the result pipe, non-blocking */
	bool eof;
	bool timed_out;
	int64_t started_ns;
	int64_t deadline_ns;
	int64_t timeout_ms;
	struct hb_buf out;
	const struct hb_driver *driver; /* NULL: the child loads the kind */
	const char *kind;
	int64_t load_ns; /* how long the child took to load it */
	/* Log mode: the child's seccomp listener, received over the result
	 * socket, and the calls outside its profile it made. */
	bool notifies;
	bool tag_seen;
	bool handed_off; /* the check said its names are resolved ('H') */
	int notify_fd;
	size_t n_unlisted;
	int unlisted[32];
};

/* Exit codes a check child uses for the outcomes it reports itself. */
enum {
	HB_CHILD_OK = 0,
	HB_CHILD_SETUP_FAILED = 121,
	HB_CHILD_SECCOMP = 122,
};

/* Forks the child for one attempt. policy may be NULL (sandbox off). With
 * d NULL the child loads the check's kind itself (and policy is ignored):
 * for a run with one check of a kind, the agent then never maps its client
 * library, which makes both the fork and the agent's exit cheaper.
 * The child is killed at timeout_ms plus a grace period in which the driver
 * may report its own timeout. Returns 0 or -errno with err filled. */
int hb_child_spawn(const struct hb_sandbox_cfg *cfg, const struct hb_driver *d,
		   const struct hb_policy *policy, const struct hb_check *c,
		   int64_t timeout_ms, struct hb_child *ch, char *err,
		   size_t errlen);
/* A zygote forks the children of one kind's checks for the agent (see
 * zygote.c): started once the kind's module is loaded, before the run,
 * with the checks it may be asked for, by index. The children are the
 * agent's, handled as hb_child_spawn's. Should the zygote fail, the agent
 * forks them itself. */
struct hb_zygote *hb_zygote_start(const struct hb_sandbox_cfg *cfg,
				  const struct hb_driver *d,
				  const struct hb_policy *policy,
				  const struct hb_check *const *checks,
				  size_t n_checks, char *err, size_t errlen);
/* As hb_child_spawn, for checks[index] of the zygote's. */
int hb_child_spawn_via(struct hb_zygote *z, size_t index, int64_t timeout_ms,
		       struct hb_child *ch, char *err, size_t errlen);
/* The zygote's process (for the tests). */
pid_t hb_zygote_pid(const struct hb_zygote *z);
/* Ends the zygote (its children go on) and frees z. */
void hb_zygote_stop(struct hb_zygote *z);

/* Reads what the child has written so far (capped). */
void hb_child_read(struct hb_child *ch);
/* Log mode: answers one pending notification on ch->notify_fd, recording
 * the call and letting it run. */
void hb_child_notify(struct hb_child *ch);
/* SIGKILLs the child's process group for overrunning its deadline. */
void hb_child_kill(struct hb_child *ch);
/* Whether the child has sent a whole result and closed its end: the attempt
 * is over even if the child has not finished exiting. */
bool hb_child_finished(const struct hb_child *ch);
/* Waits for the child (unless it has finished: then it is reaped later),
 * turns its exit and message into attempt (whose number the caller sets),
 * and releases the child's resources. */
void hb_child_reap(struct hb_child *ch, struct hb_attempt *a);

/* Closes the Landlock rulesets built for this run's children. */
void hb_sandbox_release(void);
/* Reaps the children hb_child_reap left exiting: those that have ended, or
 * with wait all of them. Before anything else reaps with waitpid(-1). */
void hb_child_collect(bool wait);

/* Grace the parent gives a driver past its own timeout, in ms. */
#define HB_CHILD_GRACE_MS 500
/* The most a child loading its kind may take before its timeout starts. */
#define HB_CHILD_LOAD_MS 10000

#endif
