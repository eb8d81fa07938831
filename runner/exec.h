/* SPDX-License-Identifier: MIT */
/* hookbox exec: run a hook Job's command as PID 1 would, under a deny-list
 * seccomp filter, streaming its output and keeping a tail for the report.
 *
 *   struct hb_exec e = { .argv = argv, .timeout_ms = 0, .mode = ... };
 *   hb_exec_run(&e);          blocks until the command ends
 *   ... e.exit_code, e.signal, e.timed_out, e.stdout_tail ...
 */
#ifndef HB_EXEC_H
#define HB_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define HB_EXEC_TAIL 4096

struct hb_tail {
	char data[HB_EXEC_TAIL];
	size_t len;   /* bytes held, at most HB_EXEC_TAIL */
	size_t start; /* ring start */
	uint64_t total;
};

struct hb_exec {
	char *const *argv;
	int64_t timeout_ms; /* 0: no deadline */
	enum hb_sandbox_mode mode;
	int out_fd, err_fd; /* where the command's output is copied (1, 2) */

	/* Results. */
	int exit_code;      /* the command's status, -1 if killed */
	int signal;         /* the signal that ended it, or 0 */
	bool timed_out;
	bool exec_failed;   /* it never started; message says why */
	double duration_ms;
	int reaped_orphans; /* other children reaped while it ran */
	char message[256];
	struct hb_tail out, err;
};

/* Runs e->argv and waits for it. Forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT,
 * SIGUSR1 and SIGUSR2 to it, reaps every orphan handed to the agent, kills
 * its process group at the deadline. Under enforce, the command and all it
 * starts may signal only one another (Landlock, ABI 6+); should the agent
 * die first, the command and its process group are killed (a watchdog
 * process, reaped here). Returns 0 when the command ran (whatever its
 * status), -errno when hookbox itself failed (message says what). */
int hb_exec_run(struct hb_exec *e);
/* Copies the tail out in order, NUL-terminated; dst needs HB_EXEC_TAIL+1. */
void hb_tail_copy(const struct hb_tail *t, char *dst);
void hb_tail_add(struct hb_tail *t, const char *p, size_t n);

#endif
