/* SPDX-License-Identifier: MIT */
/* Compiling seccomp filters with libseccomp (runner/bpf_compile.c). Linked
 * into hookbox-bpfgen and the tests, and built as the hookbox-seccomp module
 * the agent loads only when it has no build-time program (policy.c). */
#ifndef HB_BPF_COMPILE_H
#define HB_BPF_COMPILE_H

#include <stddef.h>

struct hb_driver;
struct sock_fprog;

/* The calls every check kind may make (glibc start-up, memory, time, the
 * result pipe, sockets), ending with -1. */
extern const int hb_policy_base_syscalls[];
/* The calls a migration never needs, answered EPERM by exec's deny-list
 * (ENOSYS for clone3 so that glibc falls back to clone, whose namespace
 * flags are then checked). Ends with -1. */
extern const int hb_exec_denied_syscalls[];

/* The allow-list of a driver (base set plus driver->syscalls) for mode (an
 * enum hb_sandbox_mode) as a BPF program whose filter the caller frees.
 * Returns 0, or -errno with err filled. */
int hb_bpf_compile_driver(const struct hb_driver *d, int mode,
			  struct sock_fprog *prog, char *err, size_t errlen);
/* exec's deny-list for mode, likewise. */
int hb_bpf_compile_exec(int mode, struct sock_fprog *prog, char *err,
			size_t errlen);
/* libseccomp's name for a system call; 0, or -ENOENT. */
int hb_bpf_syscall_name(int nr, unsigned arch, char *dst, size_t size);
/* The audit architecture the programs are compiled for. */
unsigned hb_bpf_native_arch(void);

#endif
