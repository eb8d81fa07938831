/* SPDX-License-Identifier: MIT */
/* Inside the sandbox: what the check child's set-up (child.c), the agent's
 * spawning and reaping of it (sandbox.c, reap.c) and the zygote that forks
 * children for it (zygote.c) share. Not for other code. */
#ifndef HB_SANDBOX_INT_H
#define HB_SANDBOX_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox.h"

/* The result pipe's descriptor in the child, fixed so the SIGSYS handler
 * needs no global state beyond it. */
#define RESULT_FD 3
/* Where the child keeps its Landlock ruleset until it is enforced. */
#define RULESET_FD 4

/* In the child: the limits every check shares (a zygote sets them once for
 * all its children), and the check's own CPU limit. */
void hb_child_fixed_limits(void);
void hb_child_cpu_limit(int64_t timeout_ms);
/* In the child: no signal blocked, SIGINT and SIGTERM at their default,
 * SIGPIPE ignored. */
void hb_child_signals(void);
/* The attempt itself, once the child is set up: the driver's preparation,
 * then Landlock (the ruleset at RULESET_FD) and the filter, then the
 * driver's resolve step and the hand-off filter (its policy's
 * hb_policy_handoff), then the check, which must end within timeout_ms
 * (the attempt's, as the agent clamped it) from now. */
__attribute__((noreturn)) void hb_child_check(const struct hb_driver *d,
					      const struct hb_policy *policy,
					      const struct hb_check *c,
					      int64_t timeout_ms,
					      bool has_ruleset);
/* In a child the agent forked itself: its own process group, the result
 * pipe at RESULT_FD and the ruleset (or -1) at RULESET_FD, nothing else
 * the agent holds open, the kind's module if d is NULL (loaded here), the
 * limits and no_new_privs, then hb_child_check. */
__attribute__((noreturn)) void hb_child_main(const struct hb_sandbox_cfg *cfg,
					     const struct hb_driver *d,
					     const struct hb_policy *policy,
					     const struct hb_check *c,
					     int64_t timeout_ms, int pipe_w,
					     int ruleset, pid_t parent);
/* In the agent: the Landlock ruleset for a check, kept for the run (one
 * descriptor per distinct set of paths and ports), or -errno. */
int hb_sandbox_ruleset(const struct hb_sandbox_cfg *cfg,
		       const struct hb_driver *d, const struct hb_check *c);
/* In the agent: reaps pid later, without blocking (hb_child_collect). */
void hb_child_reap_later(pid_t pid);

struct hb_zygote {
	pid_t pid;
	int ctl; /* the agent's end of a SOCK_SEQPACKET pair; -1: gone */
	struct hb_sandbox_cfg cfg;
	const struct hb_driver *d;
	const struct hb_policy *policy; /* the kind's, should the agent fork */
	struct hb_policy *zygote_policy; /* NULL with the sandbox off */
	struct hb_policy *child_policy;
	const struct hb_check *const *checks; /* by index, as the agent's */
	size_t n_checks;
	/* The Landlock ruleset every check of the kind has, which the zygote
	 * then enforces on itself, once for all its children; -1 when they
	 * differ (other ports), and each child enforces its own. */
	int shared_ruleset;
};

/* Has the zygote fork a child for checks[index] with its result pipe's
 * write end and its ruleset (or -1): the child's pid, or -errno
 * (-ETIMEDOUT: no answer, the zygote may be hung). */
pid_t hb_zygote_fork(struct hb_zygote *z, size_t index, int64_t timeout_ms,
		     int pipe_w, int ruleset);

#endif
