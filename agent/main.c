/* SPDX-License-Identifier: MIT */
/* hookbox: runs sandboxed checks for Helm hooks and tests. */
#include "run.h"

#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
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
