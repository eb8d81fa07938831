/* SPDX-License-Identifier: MIT */
/* The seccomp filters of the check children: the build's programs, or
 * compiled on demand (bpf_compile.c), and installed in the child. */
#include "policy.h"

#include "bpf_compile.h"
#include "driver.h"
#include "drivers.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

struct hb_policy {
	struct sock_fprog prog;
	enum hb_sandbox_mode mode;
	bool prebuilt; /* prog.filter is the build's, not ours to free */
	struct hb_policy *handoff; /* see hb_policy_handoff */
};

static bool same_list(const int *a, const int *b)
{
	if (!a || !b)
		return a == b || (!a && b[0] == -1) || (!b && a[0] == -1);
	size_t i = 0;
	for (; a[i] != -1 && b[i] != -1; i++)
		if (a[i] != b[i])
			return false;
	return a[i] == b[i];
}

const struct hb_bpf_prebuilt *hb_bpf_find(const char *kind,
					  enum hb_sandbox_mode mode,
					  unsigned flags, const int *syscalls)
{
	if (!hb_bpf_prebuilt || !kind)
		return NULL;
	for (const struct hb_bpf_prebuilt *b = hb_bpf_prebuilt; b->kind; b++)
		if (strcmp(b->kind, kind) == 0 && b->mode == (int)mode &&
		    b->flags == flags && same_list(b->syscalls, syscalls))
			return b;
	return NULL;
}

static struct hb_policy *policy_new(const struct hb_driver *d,
				    enum hb_sandbox_mode mode, char *err,
				    size_t errlen)
{
	const struct hb_bpf_prebuilt *b =
		d ? hb_bpf_find(d->name, mode, d->flags & HB_POLICY_FLAGS,
				d->syscalls)
		  : NULL;
	if (!b)
		return hb_policy_compile(d, mode, err, errlen);
	struct hb_policy *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "seccomp profile: out of memory");
		return NULL;
	}
	p->prog.len = b->len;
	p->prog.filter = (struct sock_filter *)b->prog; /* never written */
	p->mode = mode;
	p->prebuilt = true;
	return p;
}

struct hb_policy *hb_policy_new(const struct hb_driver *d,
				enum hb_sandbox_mode mode, char *err,
				size_t errlen)
{
	struct hb_policy *p = policy_new(d, mode, err, errlen);
	/* Made here, in the agent, for the children to install: a filter is
	 * never compiled under one. */
	if (p && d && (d->flags & HB_DRIVER_HANDOFF) &&
	    (mode == HB_SANDBOX_ENFORCE || mode == HB_POLICY_NARROW) &&
	    !(p->handoff = policy_new(d, HB_POLICY_HANDOFF, err, errlen))) {
		hb_policy_free(p);
		return NULL;
	}
	return p;
}

bool hb_policy_is_prebuilt(const struct hb_policy *p)
{
	return p && p->prebuilt;
}

const struct sock_fprog *hb_policy_prog(const struct hb_policy *p)
{
	return &p->prog;
}

/* The compiler (bpf_compile.h): linked in (hookbox-bpfgen, the tests), or
 * the hookbox-seccomp module, loaded on first need. Weak, so that the agent,
 * which does not link it, still links. */
#pragma weak hb_bpf_compile_driver
#pragma weak hb_bpf_compile_exec
#pragma weak hb_bpf_syscall_name

static void *compiler(void *linked, const char *symbol, char *err,
		      size_t errlen)
{
	return linked ? linked
		      : hb_module_symbol("seccomp", symbol, err, errlen);
}

struct hb_policy *hb_policy_compile(const struct hb_driver *d,
				    enum hb_sandbox_mode mode, char *err,
				    size_t errlen)
{
	__typeof__(hb_bpf_compile_driver) *fn = compiler(
		(void *)hb_bpf_compile_driver, "hb_bpf_compile_driver", err,
		errlen);
	if (!fn)
		return NULL;
	struct hb_policy *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "seccomp profile: out of memory");
		return NULL;
	}
	if (fn(d, (int)mode, &p->prog, err, errlen) < 0) {
		free(p);
		return NULL;
	}
	p->mode = mode;
	return p;
}

int hb_policy_compile_exec(enum hb_sandbox_mode mode, struct sock_fprog *prog,
			   char *err, size_t errlen)
{
	__typeof__(hb_bpf_compile_exec) *fn = compiler(
		(void *)hb_bpf_compile_exec, "hb_bpf_compile_exec", err, errlen);
	return fn ? fn((int)mode, prog, err, errlen) : -ENOENT;
}

void hb_policy_free(struct hb_policy *p)
{
	if (!p)
		return;
	hb_policy_free(p->handoff);
	if (!p->prebuilt)
		free(p->prog.filter);
	free(p);
}

int hb_policy_install(const struct hb_policy *p)
{
	if (p->mode == HB_POLICY_HANDOFF) {
		/* Every thread of the check, should a library have started
		 * one: a thread left with the resolver's sockets would defeat
		 * the hand-off. A thread the kernel cannot synchronise (its
		 * filters differ) fails the call with its id. */
		long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_TSYNC, &p->prog);
		return rc < 0 ? -errno : rc > 0 ? -EBUSY : 0;
	}
	if (p->mode == HB_SANDBOX_LOG) {
		/* The listener descriptor is what the agent reads the calls
		 * from: returned to the caller to pass on. */
		long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_NEW_LISTENER, &p->prog);
		return fd < 0 ? -errno : (int)fd;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p->prog, 0, 0) < 0)
		return -errno;
	return 0;
}

bool hb_policy_notifies(const struct hb_policy *p)
{
	return p && p->mode == HB_SANDBOX_LOG;
}

const struct hb_policy *hb_policy_handoff(const struct hb_policy *p)
{
	return p ? p->handoff : NULL;
}

bool hb_policy_resolver_call(const void *seccomp_data)
{
	/* The same sockets as the hand-off filter's (bpf_compile.c,
	 * add_handoff_rules): which log mode's filter hands to the agent. */
	const struct seccomp_data *d = seccomp_data;
	if (d->nr != SYS_socket)
		return false;
	int family = (int)d->args[0];
	int type = (int)d->args[1] & HB_SOCK_TYPE_MASK;
	int protocol = (int)d->args[2];
	return family == AF_UNIX || family == AF_NETLINK ||
	       ((family == AF_INET || family == AF_INET6) &&
		type != SOCK_STREAM &&
		(protocol == 0 || protocol == IPPROTO_TCP ||
		 protocol == IPPROTO_UDP));
}

size_t hb_policy_size(const struct hb_policy *p)
{
	return p ? p->prog.len : 0;
}

void hb_syscall_name(int nr, unsigned arch, char *dst, size_t size)
{
	/* The build's table (gen/policies.c), made by the same libseccomp:
	 * a number it does not name, libseccomp would not either, and naming
	 * a call must not load it. Without the table (the tests), ask it. */
	if (hb_syscall_names) {
		if ((arch == 0 || arch == hb_syscall_names_arch) && nr >= 0 &&
		    (size_t)nr < hb_syscall_names_count && hb_syscall_names[nr])
			snprintf(dst, size, "%s", hb_syscall_names[nr]);
		else
			snprintf(dst, size, "syscall %d", nr);
		return;
	}
	char err[256];
	__typeof__(hb_bpf_syscall_name) *fn = compiler(
		(void *)hb_bpf_syscall_name, "hb_bpf_syscall_name", err,
		sizeof(err));
	if (!fn || fn(nr, arch, dst, size) < 0)
		snprintf(dst, size, "syscall %d", nr);
}
