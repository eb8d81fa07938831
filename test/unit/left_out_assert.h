/* SPDX-License-Identifier: MIT */
/* assert_left_out: that a module's stand-in aborts naming itself (left_out.h). */
#ifndef HB_LEFT_OUT_ASSERT_H
#define HB_LEFT_OUT_ASSERT_H

#include "hbtest.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Calls fn in a child, which must abort saying "LIB called NAME, left out
 * of this build" on stderr, as a check's child would before the agent
 * reports it CRASHED. */
static inline void assert_left_out(void (*fn)(void), const char *lib,
				   const char *name)
{
	int p[2];
	ASSERT_EQ_INT(pipe(p), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		fn();
		_exit(0); /* not reached: the test fails if it is */
	}
	close(p[1]);
	char msg[256] = "";
	ssize_t n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int status = 0;
	ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ_INT(WTERMSIG(status), SIGABRT);
	char want[160];
	snprintf(want, sizeof(want), "%s called %s, left out of this build", lib,
		 name);
	ASSERT_CONTAINS(msg, want);
}

#endif
