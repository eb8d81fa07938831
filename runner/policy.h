/* SPDX-License-Identifier: MIT */
/* Seccomp profiles: one per check kind, built once in the agent and installed
 * in each check child with a single prctl.
 *
 *   struct hb_policy *p = hb_policy_new(driver, HB_SANDBOX_ENFORCE, err, len);
 *   ... in the child: hb_policy_install(p)  (async-signal-safe, no malloc)
 *   hb_policy_free(p);
 */
#ifndef HB_POLICY_H
#define HB_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct hb_driver;
struct hb_policy;
struct sock_fprog;

enum hb_sandbox_mode {
	HB_SANDBOX_ENFORCE = 0, /* a forbidden call kills the check (SIGSYS) */
	HB_SANDBOX_LOG,         /* calls outside the list run, and the agent
				 * records them (seccomp user notification) */
	HB_SANDBOX_OFF,
};

/* The calls every check kind may make (glibc start-up, memory, time, the
 * result pipe, sockets), ending with -1. */
extern const int hb_policy_base_syscalls[];

/* Builds the allow-list filter for a driver: base set plus driver->syscalls.
 * Returns NULL with err filled (libseccomp's message). */
struct hb_policy *hb_policy_new(const struct hb_driver *d,
				enum hb_sandbox_mode mode, char *err,
				size_t errlen);
void hb_policy_free(struct hb_policy *p);
/* Exports a libseccomp filter (a scmp_filter_ctx) as a BPF program whose
 * filter the caller frees. Returns 0, or -errno with err filled. */
int hb_policy_export(void *ctx, struct sock_fprog *prog, char *err,
		     size_t errlen);
/* Installs the filter in the calling process. Async-signal-safe. Returns 0,
 * or in log mode the seccomp listener descriptor, or -errno. no_new_privs
 * must already be set. */
int hb_policy_install(const struct hb_policy *p);
/* Whether installing p yields a listener the agent must serve. */
bool hb_policy_notifies(const struct hb_policy *p);
/* Number of BPF instructions, for tests and the report. */
size_t hb_policy_size(const struct hb_policy *p);
/* "ptrace" for a syscall number on this architecture; "syscall 1234" when
 * unknown. Writes into dst. Not async-signal-safe. */
void hb_syscall_name(int nr, unsigned arch, char *dst, size_t size);

#endif
