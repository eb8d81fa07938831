/* SPDX-License-Identifier: MIT */
/* hookbox exec: run a hook Job's command as PID 1 would, under a deny-list
 * seccomp filter, streaming its output and keeping a tail for the report.
 *
 *   struct hb_exec e = { .argv = argv, .timeout_ms = 0, .mode = ... };
 *   hb_exec_run(&e);          blocks until the command ends
 *   ... e.exit_code, e.signal, e.timed_out, e.out, e.err ...
 *   hb_exec_release(&e);      frees the tails
 */
#ifndef HB_EXEC_H
#define HB_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* How much of each output stream the report keeps (--output-tail): 4 KiB
 * unless told, at most 256 KiB, so that both tails of a report fit the
 * collector's default --max-body of 1 MiB with room to spare. */
#define HB_EXEC_TAIL 4096
#define HB_EXEC_TAIL_MAX (256u << 10)

/* The last cap bytes of a stream, a ring allocated at the first byte.
 * Should that allocation fail, the bytes are counted and not kept. */
struct hb_tail {
	char *data;
	size_t cap;   /* the most it keeps; 0 keeps nothing */
	size_t len;   /* bytes held, at most cap */
	size_t start; /* ring start */
	uint64_t total;
};

struct hb_exec {
	char *const *argv;
	int64_t timeout_ms; /* 0: no deadline */
	enum hb_sandbox_mode mode;
	int out_fd, err_fd; /* where the command's output is copied (1, 2) */
	size_t tail_bytes;  /* of each stream kept for the report */

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
/* Frees what hb_exec_run kept (the tails); e may be all zeros. */
void hb_exec_release(struct hb_exec *e);

/* A tail keeping the last cap bytes; cannot fail (see struct hb_tail). */
void hb_tail_init(struct hb_tail *t, size_t cap);
void hb_tail_release(struct hb_tail *t);
/* Copies the tail out in order, NUL-terminated; dst needs t->len + 1. */
void hb_tail_copy(const struct hb_tail *t, char *dst);
void hb_tail_add(struct hb_tail *t, const char *p, size_t n);

#endif
