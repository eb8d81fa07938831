/* SPDX-License-Identifier: MIT */
/* hookbox: runs sandboxed checks for Helm hooks and tests. */
#include "run.h"

int main(int argc, char **argv)
{
	return hb_agent_main(argc, argv);
}
