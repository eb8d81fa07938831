/* SPDX-License-Identifier: MIT */
/* hookbox: runs sandboxed checks for Helm hooks and tests. */
#include "bundle.h"
#include "run.h"

#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* Before anything is read (a token, a password file): the agent is
	 * not dumpable, so that a process of the same user, such as the
	 * command of hookbox exec, cannot read its memory (/proc/PID/mem,
	 * process_vm_readv), open its /proc files (environ, fd/) or take
	 * its descriptors (pidfd_getfd): those need ptrace access, which a
	 * process that is not dumpable grants only to CAP_SYS_PTRACE. It also
	 * means no core dump. A program it executes is dumpable again (execve
	 * resets it); its check children, forks that never execute, stay as
	 * it is. LeakSanitizer makes the process dumpable for its check at
	 * exit, and restores it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Before anything reads the environment: a bundle's agent points
	 * its own at the bundle's TLS files (runner/bundle.c). */
	hb_bundle_init();
	int status = hb_agent_main(argc, argv);
#ifndef HB_SANITIZER_BUILD
	/* Everything is written and flushed: skip the client libraries'
	 * destructors (OpenSSL's among them), a measurable part of a
	 * one-check run. The sanitizer build exits normally, so that
	 * LeakSanitizer still checks the agent at exit. */
	if (fflush(NULL) == 0)
		_exit(status);
#endif
	return status;
}
