/* SPDX-License-Identifier: MIT */
/* Landlock for check children: read only the files a check needs, connect
 * only to its port. Degrades cleanly on kernels without it. */
#ifndef HB_LANDLOCK_H
#define HB_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>

/* The kernel's Landlock ABI version, 0 when absent or disabled. */
int hb_landlock_abi(void);

struct hb_landlock_result {
	bool fs;  /* file-system rules applied */
	bool net; /* TCP connect restricted (ABI >= 4) */
};

/* In the child, after no_new_privs: allow reading (and executing mapped
 * libraries from) paths, and TCP connect only to port (0: any). Paths that
 * do not exist are skipped. Async-signal-safe apart from open(). Returns 0
 * (also when Landlock is absent: see *res) or -errno. */
int hb_landlock_apply(int abi, const char *const *paths, size_t n_paths,
		      const int *ports, size_t n_ports,
		      struct hb_landlock_result *res);

#endif
