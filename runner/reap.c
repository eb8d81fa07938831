/* SPDX-License-Identifier: MIT */
/* Check children reaped later, without blocking: those whose result came
 * whole before they had exited, and stopped zygotes. */
#include "sandbox.h"
#include "sandbox_int.h"

#include "strutil.h"

#include <errno.h>
#include <sys/wait.h>

/* Children whose result came whole before they had exited: reaped later,
 * without blocking, so that their exit never holds the agent up. */
static pid_t exiting[64];
static size_t n_exiting;

static void collect(bool wait_oldest, bool wait_all)
{
	size_t kept = 0;
	for (size_t i = 0; i < n_exiting; i++) {
		int flags = wait_all || (wait_oldest && i == 0) ? 0 : WNOHANG;
		pid_t r;
		while ((r = waitpid(exiting[i], NULL, flags)) < 0 && errno == EINTR)
			;
		if (r == 0)
			exiting[kept++] = exiting[i]; /* still exiting */
		/* else reaped now, or ECHILD: by someone else */
	}
	n_exiting = kept;
}

void hb_child_reap_later(pid_t pid)
{
	if (n_exiting == HB_ARRAY_SIZE(exiting))
		collect(true, false);
	exiting[n_exiting++] = pid;
}

void hb_child_collect(bool wait)
{
	collect(false, wait);
}
