/* SPDX-License-Identifier: MIT */
/* Seccomp profiles: one per check kind, built once in the agent and installed
 * in each check child with a single prctl.
 *
 *   struct hb_policy *p = hb_policy_new(driver, HB_SANDBOX_ENFORCE, err, len);
 *   ... in the child: hb_policy_install(p)  (async-signal-safe, no malloc)
 *   ... once resolved: hb_policy_install(hb_policy_handoff(p))
 *   hb_policy_free(p);
 */
#ifndef HB_POLICY_H
#define HB_POLICY_H

#include <sched.h>
#include <signal.h>
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
	/* Not modes a user picks: the two halves of the enforcing filter of
	 * the children a zygote forks (zygote.c). The zygote runs under the
	 * kind's list plus what it and a child's set-up call (HB_ZYGOTE_*
	 * below); each child, once set up, adds a filter that takes exactly
	 * those back. Together: the kind's enforcing filter. */
	HB_POLICY_ZYGOTE,
	HB_POLICY_NARROW,
	/* Stacked by a check of a kind that hands off (HB_DRIVER_HANDOFF)
	 * once its names are resolved, before its client library connects:
	 * it takes away what only resolving needs (UNIX and netlink sockets,
	 * IP sockets other than TCP, sysinfo) and the seccomp call that
	 * installed it. Only the dns kind keeps sending datagrams. */
	HB_POLICY_HANDOFF,
};

/* A socket's type without SOCK_NONBLOCK and SOCK_CLOEXEC (the kernel's
 * SOCK_TYPE_MASK). */
#define HB_SOCK_TYPE_MASK 0xf

/* The driver flags a kind's filters are compiled from, besides its list. */
#define HB_POLICY_FLAGS                                                        \
	(HB_DRIVER_THREADS | HB_DRIVER_RESOLVES | HB_DRIVER_HANDOFF)

/* The zygote's clone(2) flags, the only ones its filter lets it pass: a
 * child of the agent's (CLONE_PARENT), with glibc's thread id kept as
 * fork() keeps it. */
#define HB_ZYGOTE_CLONE_FLAGS                                                  \
	(CLONE_PARENT | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)

/* The allow-list filter for a driver: base set plus driver->syscalls. The
 * program compiled at build time when this build has one for the driver's
 * kind, mode and exact lists (see hb_bpf_prebuilt), else compiled now with
 * libseccomp. A filter a check runs under before its hand-off (enforce,
 * and a zygote's child's narrowing one) carries the kind's hand-off filter
 * with it (hb_policy_handoff). Returns NULL with err filled (libseccomp's
 * message). */
struct hb_policy *hb_policy_new(const struct hb_driver *d,
				enum hb_sandbox_mode mode, char *err,
				size_t errlen);
/* The same, always compiled now: for hookbox-bpfgen and the tests. */
struct hb_policy *hb_policy_compile(const struct hb_driver *d,
				    enum hb_sandbox_mode mode, char *err,
				    size_t errlen);
/* Whether p is a program of the build's table. */
bool hb_policy_is_prebuilt(const struct hb_policy *p);
/* p's program. */
const struct sock_fprog *hb_policy_prog(const struct hb_policy *p);

/* The filters compiled when hookbox is built (hookbox-bpfgen writes
 * gen/policies.c; only the agent links it). Compiling a filter with
 * libseccomp was a sizeable part of a TCP check's whole run (bench/run.sh):
 * the agent takes the compiled program instead, as long as
 * the driver it has loaded asks for exactly what the program was compiled
 * from. A module from another build falls back to compiling. */
struct sock_filter;
struct hb_bpf_prebuilt {
	const char *kind;     /* a driver's name, or "exec"; NULL ends */
	int mode;             /* enum hb_sandbox_mode */
	unsigned flags;       /* the driver's HB_POLICY_FLAGS */
	const int *syscalls;  /* driver->syscalls it was compiled from */
	const struct sock_filter *prog;
	unsigned short len;
};
extern const struct hb_bpf_prebuilt hb_bpf_prebuilt[] __attribute__((weak));
/* The build's system call names by number, for hb_syscall_name. */
extern const char *const hb_syscall_names[] __attribute__((weak));
extern const size_t hb_syscall_names_count __attribute__((weak));
extern const unsigned hb_syscall_names_arch __attribute__((weak));
/* The entry compiled from exactly these inputs, or NULL. */
const struct hb_bpf_prebuilt *hb_bpf_find(const char *kind,
					  enum hb_sandbox_mode mode,
					  unsigned flags, const int *syscalls);
void hb_policy_free(struct hb_policy *p);
/* exec's deny-list compiled now, with libseccomp (the caller frees
 * prog->filter). Returns 0, or -errno with err filled. */
int hb_policy_compile_exec(enum hb_sandbox_mode mode, struct sock_fprog *prog,
			   char *err, size_t errlen);
/* Installs the filter in the calling process. Async-signal-safe. Returns 0,
 * or in log mode the seccomp listener descriptor, or -errno. no_new_privs
 * must already be set. */
int hb_policy_install(const struct hb_policy *p);
/* Whether installing p yields a listener the agent must serve. */
bool hb_policy_notifies(const struct hb_policy *p);
/* The hand-off filter a check under p stacks once its names are resolved,
 * or NULL: p is not a filter a check starts under, or its kind does not
 * hand off, or p is log mode's (whose check tells the agent instead, see
 * hb_policy_resolver_call). */
const struct hb_policy *hb_policy_handoff(const struct hb_policy *p);
/* Log mode: whether a call the filter handed to the agent (struct
 * seccomp_data) is one of the resolver's that the enforcing filters allow
 * until the check's hand-off, and the hand-off filter takes away. */
bool hb_policy_resolver_call(const void *seccomp_data);
/* Number of BPF instructions, for tests and the report. */
size_t hb_policy_size(const struct hb_policy *p);
/* "ptrace" for a syscall number on this architecture (0: native);
 * "syscall 1234" when unknown. Writes into dst. Not async-signal-safe. */
void hb_syscall_name(int nr, unsigned arch, char *dst, size_t size);

#endif
