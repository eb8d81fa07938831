/* SPDX-License-Identifier: MIT */
/* The end of a path a module's build left out (left_out.h). */
#include "left_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

_Noreturn void hb_left_out(const char *lib, const char *fn)
{
	char msg[200];
	int n = snprintf(msg, sizeof(msg),
			 "hookbox: %s called %s, left out of this build\n", lib,
			 fn);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ?
				  (size_t)n : sizeof(msg) - 1);
	abort();
}
