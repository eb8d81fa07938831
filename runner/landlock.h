/* SPDX-License-Identifier: MIT */
/* Landlock for check children: read only the files a check needs, connect
 * only to its port, reach no abstract UNIX socket and signal no process
 * outside; for exec's command, keep its signals to itself. Degrades
 * cleanly on kernels without it. */
#ifndef HB_LANDLOCK_H
#define HB_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's Landlock ABI version, 0 when absent or disabled. */
int hb_landlock_abi(void);

struct hb_landlock_result {
	bool fs;  /* file-system rules applied */
	bool net; /* TCP connect restricted (ABI >= 4) */
	bool scoped; /* abstract UNIX sockets and signals scoped (ABI >= 6) */
};

/* A ruleset allowing reading (and executing mapped libraries from) paths,
 * and TCP connect only to ports (none: any port); with ABI 6 or later, no
 * abstract UNIX socket or signal reaches out of it. Paths that do not exist
 * are skipped. Built in the agent and inherited by check children, which
 * only restrict themselves with it. Returns the ruleset's descriptor
 * (close-on-exec), or -errno; with Landlock absent (abi < 1), -ENOSYS. *res
 * says what it restricts. */
int hb_landlock_ruleset(int abi, const char *const *paths, size_t n_paths,
			const int *ports, size_t n_ports,
			struct hb_landlock_result *res);
/* For hookbox exec's command: a ruleset that handles no file or network
 * access and scopes signals (ABI 6): a process under it, and all it starts,
 * may signal only processes under the same domain, and, as under any
 * Landlock domain, ptrace (or read the memory of, or take a descriptor from)
 * none outside it, root or not. The agent stays outside. Returns the
 * ruleset's descriptor (close-on-exec), or -errno; below ABI 6, -ENOSYS. */
int hb_landlock_signal_scope(int abi);
/* In the child, after no_new_privs: enforce the ruleset. Async-signal-safe.
 * Returns 0 or -errno. */
int hb_landlock_restrict(int ruleset_fd);

#endif
