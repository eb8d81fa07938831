/* SPDX-License-Identifier: MIT */
/* The seccomp allow-lists of the check children, compiled once per kind. */
#include "policy.h"

#include "runner.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
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
};

/* What glibc, the result pipe and a socket client need whatever the kind.
 * Deliberately absent: process creation (fork, execve), ptrace, mount,
 * namespaces, BPF, keyrings, module loading, file creation and writes to
 * paths (openat is allowed for reading resolver files and CA bundles;
 * Landlock, where present, limits which). */
const int hb_policy_base_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(write),
	SCMP_SYS(writev), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(lseek),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(readlink),
	SCMP_SYS(getdents64), SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(pipe2),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
	SCMP_SYS(getrandom), SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(uname),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(eventfd2), SCMP_SYS(connect),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg),
	SCMP_SYS(recvmmsg), SCMP_SYS(shutdown), SCMP_SYS(bind),
	/* abort() raises SIGABRT with tgkill: without it a crash would be
	 * misreported as a sandbox violation. */
	SCMP_SYS(tgkill),
	-1
};

/* Sanitizer runtimes make calls of their own in a child (reading
 * /proc/self/maps, mincore, prctl). The Release build's filter, the one
 * shipped, does not have them; the sanitizer build widens it by exactly
 * these so that its tests still exercise the rest of the list. */
#ifdef HB_SANITIZER_BUILD
static const int sanitizer_syscalls[] = {
	SCMP_SYS(prctl), SCMP_SYS(mincore), SCMP_SYS(readlinkat),
	SCMP_SYS(getrlimit), SCMP_SYS(prlimit64), SCMP_SYS(setrlimit),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(getpgid), SCMP_SYS(getpgrp),
	SCMP_SYS(munlock), SCMP_SYS(mlock), -1
};
#endif

static int add_list(scmp_filter_ctx ctx, const int *list)
{
	for (size_t i = 0; list && list[i] != -1; i++) {
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0);
		/* Negative numbers are calls this architecture lacks. */
		if (rc < 0 && list[i] >= 0)
			return rc;
	}
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct hb_driver *d)
{
	int rc = add_list(ctx, hb_policy_base_syscalls);
	if (rc == 0 && d)
		rc = add_list(ctx, d->syscalls);
#ifdef HB_SANITIZER_BUILD
	if (rc == 0)
		rc = add_list(ctx, sanitizer_syscalls);
#endif
	if (rc < 0)
		return rc;

	/* Sockets of the families a client needs: IP, AF_UNIX for nscd and
	 * AF_NETLINK for getaddrinfo's AI_ADDRCONFIG. Raw and packet sockets
	 * are not among them. */
	static const int families[] = { AF_INET, AF_INET6, AF_UNIX, AF_NETLINK };
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				      SCMP_A0_32(SCMP_CMP_EQ, families[i]));
		if (rc < 0)
			return rc;
	}
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, TCGETS };
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1_32(SCMP_CMP_EQ, ioctls[i]));
		if (rc < 0)
			return rc;
	}
	/* glibc 2.34+ tries clone3 first and falls back to clone only on
	 * ENOSYS; EPERM or a kill would break libcurl's resolver thread. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0 && d && (d->flags & HB_DRIVER_THREADS))
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0_64(SCMP_CMP_MASKED_EQ,
						 CLONE_THREAD, CLONE_THREAD));
	return rc;
}

int hb_policy_export(void *ctx, struct sock_fprog *prog, char *err,
		     size_t errlen)
{
	/* libseccomp 2.5 exports only to a descriptor: use a memfd. */
	int fd = memfd_create("hookbox-bpf", MFD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -errno;
	}
	int rc = seccomp_export_bpf(ctx, fd);
	off_t len = rc == 0 ? lseek(fd, 0, SEEK_END) : 0;
	if (rc < 0) {
		snprintf(err, errlen, "seccomp_export_bpf: %s", strerror(-rc));
	} else if (len <= 0 || len % (off_t)sizeof(struct sock_filter)) {
		snprintf(err, errlen, "seccomp_export_bpf: bad program length");
		rc = -EINVAL;
	} else if (!(prog->filter = malloc((size_t)len))) {
		snprintf(err, errlen, "seccomp program: out of memory");
		rc = -ENOMEM;
	} else if (pread(fd, prog->filter, (size_t)len, 0) != len) {
		snprintf(err, errlen, "reading the seccomp program: %s",
			 strerror(errno));
		free(prog->filter);
		prog->filter = NULL;
		rc = -EIO;
	} else {
		prog->len = (unsigned short)(len / (off_t)sizeof(struct sock_filter));
	}
	close(fd);
	return rc;
}

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
					  unsigned threads, const int *syscalls)
{
	if (!hb_bpf_prebuilt || !kind)
		return NULL;
	for (const struct hb_bpf_prebuilt *b = hb_bpf_prebuilt; b->kind; b++)
		if (strcmp(b->kind, kind) == 0 && b->mode == (int)mode &&
		    b->threads == threads && same_list(b->syscalls, syscalls))
			return b;
	return NULL;
}

struct hb_policy *hb_policy_new(const struct hb_driver *d,
				enum hb_sandbox_mode mode, char *err,
				size_t errlen)
{
	const struct hb_bpf_prebuilt *b =
		d ? hb_bpf_find(d->name, mode, d->flags & HB_DRIVER_THREADS,
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

bool hb_policy_is_prebuilt(const struct hb_policy *p)
{
	return p && p->prebuilt;
}

const struct sock_fprog *hb_policy_prog(const struct hb_policy *p)
{
	return &p->prog;
}

struct hb_policy *hb_policy_compile(const struct hb_driver *d,
				    enum hb_sandbox_mode mode, char *err,
				    size_t errlen)
{
	/* Log mode hands every call outside the list to the agent, which
	 * records it and lets it run (a kernel log is out of a pod's reach). */
	uint32_t def = mode == HB_SANDBOX_LOG ? SCMP_ACT_NOTIFY : SCMP_ACT_TRAP;
	struct hb_policy *p = NULL;
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init: out of memory");
		return NULL;
	}
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				  SCMP_ACT_KILL_PROCESS);
	/* The child sets no_new_privs itself, before Landlock needs it. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree of syscall numbers instead of a linear list. Loading
	 * a filter makes the kernel run it for every syscall number to build
	 * its allow cache: with a linear list that costs about 0.2 ms per
	 * child, most of the sandbox's price (perf: do_seccomp). */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = add_rules(ctx, d);
	if (rc < 0) {
		snprintf(err, errlen, "seccomp profile for \"%s\": %s",
			 d ? d->name : "base", strerror(-rc));
		goto out;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "seccomp profile: out of memory");
		goto out;
	}
	rc = hb_policy_export(ctx, &p->prog, err, errlen);
	if (rc < 0) {
		free(p);
		p = NULL;
		goto out;
	}
	p->mode = mode;
out:
	seccomp_release(ctx);
	return p;
}

void hb_policy_free(struct hb_policy *p)
{
	if (!p)
		return;
	if (!p->prebuilt)
		free(p->prog.filter);
	free(p);
}

int hb_policy_install(const struct hb_policy *p)
{
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

size_t hb_policy_size(const struct hb_policy *p)
{
	return p ? p->prog.len : 0;
}

void hb_syscall_name(int nr, unsigned arch, char *dst, size_t size)
{
	char *name = seccomp_syscall_resolve_num_arch(
		arch ? arch : SCMP_ARCH_NATIVE, nr);
	if (name)
		snprintf(dst, size, "%s", name);
	else
		snprintf(dst, size, "syscall %d", nr);
	free(name);
}
