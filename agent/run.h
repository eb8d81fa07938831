/* SPDX-License-Identifier: MIT */
/* The agent's whole run, from argv to exit status; main() only calls this. */
#ifndef HB_RUN_H
#define HB_RUN_H

/* Exit statuses: the Helm phase of the pod, or a usage error. */
enum {
	HB_EXIT_OK = 0,     /* every required check passed: Succeeded */
	HB_EXIT_FAILED = 1, /* a required check failed: Failed */
	HB_EXIT_USAGE = 2,  /* bad command line or spec */
};

int hb_agent_main(int argc, char **argv);

#endif
