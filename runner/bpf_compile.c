/* SPDX-License-Identifier: MIT */
/* Compiling the seccomp filters with libseccomp: the check kinds'
 * allow-lists and exec's deny-list, as BPF programs.
 *
 * hookbox-bpfgen runs this when hookbox is built, and the agent links the
 * programs (gen/policies.c). The agent itself reaches this file only through
 * the hookbox-seccomp module, for a driver whose lists differ from the
 * build's (a module of another build): libseccomp is loaded only then. */
#include "bpf_compile.h"

#include "policy.h"
#include "driver.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

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

/* The lists a kind's filter allows whatever the arguments: the base set,
 * the driver's, and the sanitizer build's. Returns how many. */
static size_t kind_lists(const struct hb_driver *d, const int *lists[3])
{
	size_t n = 0;
	lists[n++] = hb_policy_base_syscalls;
	if (d)
		lists[n++] = d->syscalls;
#ifdef HB_SANITIZER_BUILD
	lists[n++] = sanitizer_syscalls;
#endif
	return n;
}

/* The IP sockets a check may make, of any type, or of TCP's only: with
 * the protocol its type implies (0), TCP's or UDP's. Not MPTCP's
 * (IPPROTO_MPTCP, a stream too): Landlock's TCP port rules do not stop
 * its connect. */
static int allow_ip_sockets(scmp_filter_ctx ctx, bool stream_only)
{
	static const int families[] = { AF_INET, AF_INET6 };
	static const int protocols[] = { 0, IPPROTO_TCP, IPPROTO_UDP };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < HB_ARRAY_SIZE(families); i++)
		for (size_t j = 0; rc == 0 && j < HB_ARRAY_SIZE(protocols); j++)
			rc = stream_only
				     ? seccomp_rule_add(
					       ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
					       SCMP_A0_32(SCMP_CMP_EQ, families[i]),
					       SCMP_A1_32(SCMP_CMP_MASKED_EQ,
							  HB_SOCK_TYPE_MASK,
							  SOCK_STREAM),
					       SCMP_A2_32(SCMP_CMP_EQ, protocols[j]))
				     : seccomp_rule_add(
					       ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
					       SCMP_A0_32(SCMP_CMP_EQ, families[i]),
					       SCMP_A2_32(SCMP_CMP_EQ, protocols[j]));
	return rc;
}

static int add_rules(scmp_filter_ctx ctx, const struct hb_driver *d, int mode)
{
	const int *lists[3];
	size_t n = kind_lists(d, lists);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = add_list(ctx, lists[i]);
	if (rc < 0)
		return rc;

	unsigned flags = d ? d->flags : 0;
	/* Sockets of the families a client needs: IP, and while it resolves
	 * a name AF_UNIX for nscd and AF_NETLINK for getaddrinfo's
	 * AI_ADDRCONFIG. Raw and packet sockets are not among them. In log
	 * mode a kind that hands off has the resolver's sockets handed to the
	 * agent, which records them only past the hand-off
	 * (hb_policy_resolver_call). */
	bool resolver_notified = mode == HB_SANDBOX_LOG &&
				 (flags & HB_DRIVER_HANDOFF);
	rc = allow_ip_sockets(ctx, resolver_notified);
	static const int local_families[] = { AF_UNIX, AF_NETLINK };
	for (size_t i = 0; rc == 0 && !resolver_notified &&
			   i < HB_ARRAY_SIZE(local_families); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				      SCMP_A0_32(SCMP_CMP_EQ, local_families[i]));
	/* glibc sorts the addresses of a name with qsort, which for 128 or
	 * more asks sysinfo() how much memory there is (msort.c,
	 * _SC_PHYS_PAGES): a headless Service's name. */
	if (rc == 0 && (flags & HB_DRIVER_RESOLVES))
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sysinfo), 0);
	/* The hand-off filter's installation: exactly that call. */
	if (rc == 0 && (flags & HB_DRIVER_HANDOFF))
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 2,
				      SCMP_A0_32(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER),
				      SCMP_A1_32(SCMP_CMP_EQ,
						 SECCOMP_FILTER_FLAG_TSYNC));
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, TCGETS };
	for (size_t i = 0; rc == 0 && i < HB_ARRAY_SIZE(ioctls); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1_32(SCMP_CMP_EQ, ioctls[i]));
	/* glibc 2.34+ tries clone3 first and falls back to clone only on
	 * ENOSYS; EPERM or a kill would break libcurl's resolver thread. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0 && (flags & HB_DRIVER_THREADS))
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0_64(SCMP_CMP_MASKED_EQ,
						 CLONE_THREAD, CLONE_THREAD));
	return rc;
}

/* After moby's default profile and firejail: what an arbitrary program in a
 * hook Job has no business calling. The second half keeps the command away
 * from the agent, which holds the report (and, for a while, the collector's
 * token): taking its descriptors or advising on its memory (pidfd_getfd,
 * process_madvise, move_pages, migrate_pages: the agent is also not
 * dumpable, see main.c), io_uring (whose operations no seccomp filter sees),
 * and chroot. Left allowed, deliberately: pidfd_open (a pidfd is how a
 * program waits for its own children; what one could do to the agent with
 * it is denied here or by Landlock's signal scope), personality (it changes
 * only the caller and what it runs; moby's allow-list of five values cannot
 * be written as a deny rule, libseccomp refuses two comparisons of one
 * argument), and mbind and set_mempolicy (the caller's own memory). */
const int hb_exec_denied_syscalls[] = {
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(move_mount), SCMP_SYS(open_tree), SCMP_SYS(fsopen),
	SCMP_SYS(fsconfig), SCMP_SYS(fsmount), SCMP_SYS(fspick),
	SCMP_SYS(mount_setattr), SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(bpf), SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(keyctl), SCMP_SYS(add_key),
	SCMP_SYS(request_key), SCMP_SYS(unshare), SCMP_SYS(setns),
	SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(acct),
	SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at), SCMP_SYS(iopl),
	SCMP_SYS(ioperm), SCMP_SYS(syslog), SCMP_SYS(settimeofday),
	SCMP_SYS(clock_settime), SCMP_SYS(clock_adjtime), SCMP_SYS(adjtimex),
	SCMP_SYS(quotactl), SCMP_SYS(lookup_dcookie), SCMP_SYS(kcmp),
	SCMP_SYS(fanotify_init), SCMP_SYS(vhangup), SCMP_SYS(uselib),
	SCMP_SYS(create_module), SCMP_SYS(get_kernel_syms), SCMP_SYS(query_module),
	SCMP_SYS(nfsservctl), SCMP_SYS(_sysctl), SCMP_SYS(sethostname),
	SCMP_SYS(setdomainname), SCMP_SYS(quotactl_fd),
	SCMP_SYS(pidfd_getfd), SCMP_SYS(process_madvise), SCMP_SYS(move_pages),
	SCMP_SYS(migrate_pages), SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register), SCMP_SYS(chroot),
	-1
};

static int add_denials(scmp_filter_ctx ctx, int mode)
{
	uint32_t deny = mode == HB_SANDBOX_LOG ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM);
	int rc = 0;
	for (size_t i = 0; rc == 0 && hb_exec_denied_syscalls[i] != -1; i++)
		if (hb_exec_denied_syscalls[i] >= 0) /* < 0: not on this arch */
			rc = seccomp_rule_add(ctx, deny, hb_exec_denied_syscalls[i], 0);
	/* glibc falls back from clone3 to clone on ENOSYS, where the flags
	 * can be inspected (clone3 passes them in memory, out of BPF's reach). */
	if (rc == 0 && mode != HB_SANDBOX_LOG)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* fork and threads stay allowed; new namespaces do not. */
	static const unsigned long ns_flags[] = {
		CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
		CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP,
	};
	for (size_t i = 0; rc == 0 && i < HB_ARRAY_SIZE(ns_flags); i++)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(clone), 1,
				      SCMP_A0_64(SCMP_CMP_MASKED_EQ, ns_flags[i],
						 ns_flags[i]));
	/* Another process's limits: the agent's are the command's to read
	 * and, being the same user, to lower, and a CPU limit kills it, a
	 * descriptor limit of 0 stops it from sending the report. Its own
	 * (pid 0, as glibc's setrlimit and getrlimit call it) stay. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, deny, SCMP_SYS(prlimit64), 1,
				      SCMP_A0_32(SCMP_CMP_NE, 0));
	return rc;
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *prog,
		      char *err, size_t errlen)
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


static bool in_list(const int *list, int nr)
{
	for (size_t i = 0; list && list[i] != -1; i++)
		if (list[i] == nr)
			return true;
	return false;
}

/* Whether the kind's filter allows nr whatever its arguments. */
static bool kind_allows(const struct hb_driver *d, int nr)
{
	const int *lists[3];
	size_t n = kind_lists(d, lists);
	for (size_t i = 0; i < n; i++)
		if (in_list(lists[i], nr))
			return true;
	return false;
}

/* A filter with default action def, for the native architecture only,
 * leaving no_new_privs to the caller: NULL with *rc and err set, or a
 * context with *rc the attributes' result. */
static scmp_filter_ctx new_filter(uint32_t def, int *rc, char *err,
				  size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init: out of memory");
		*rc = -ENOMEM;
		return NULL;
	}
	*rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	/* The child sets no_new_privs itself, before Landlock needs it. */
	if (*rc == 0)
		*rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	return ctx;
}

/* A rule the kind's list already covers (the sanitizer build's prctl and
 * prlimit64) is no error. */
static int allow_rule(int rc)
{
	return rc == -EEXIST ? 0 : rc;
}

/* What the zygote and a child's set-up call beyond the kind's list (see
 * zygote.c), each no wider than that use: */
static int add_zygote_rules(scmp_filter_ctx ctx)
{
	/* the zygote's fork, with exactly its flags; */
	int rc = allow_rule(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
					     SCMP_A0_64(SCMP_CMP_EQ,
							HB_ZYGOTE_CLONE_FLAGS)));
	/* the child's parent-death signal, and its own filter; */
	if (rc == 0)
		rc = allow_rule(seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 2,
			SCMP_A0_32(SCMP_CMP_EQ, PR_SET_PDEATHSIG),
			SCMP_A1_32(SCMP_CMP_EQ, SIGKILL)));
	if (rc == 0)
		rc = allow_rule(seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
			SCMP_A0_32(SCMP_CMP_EQ, PR_SET_SECCOMP)));
	/* its CPU time limit, which depends on the check's timeout; */
	if (rc == 0)
		rc = allow_rule(seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
			SCMP_A0_32(SCMP_CMP_EQ, 0),
			SCMP_A1_32(SCMP_CMP_EQ, RLIMIT_CPU)));
	/* and its Landlock domain. */
	if (rc == 0)
		rc = allow_rule(seccomp_rule_add(
			ctx, SCMP_ACT_ALLOW, SCMP_SYS(landlock_restrict_self), 0));
	return rc;
}

/* The child's half: everything allowed but what add_zygote_rules added
 * beyond the kind's filter. */
static int add_narrow_rules(scmp_filter_ctx ctx, const struct hb_driver *d)
{
	int rc;
	/* clone: the kind's threads stay; any other clone goes. */
	if (d && (d->flags & HB_DRIVER_THREADS))
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(clone), 1,
				      SCMP_A0_64(SCMP_CMP_MASKED_EQ,
						 CLONE_THREAD, 0));
	else
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(clone), 0);
	static const int taken_back[] = { SCMP_SYS(prctl), SCMP_SYS(prlimit64),
					  SCMP_SYS(landlock_restrict_self) };
	for (size_t i = 0; rc == 0 && i < HB_ARRAY_SIZE(taken_back); i++)
		if (!kind_allows(d, taken_back[i]))
			rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, taken_back[i], 0);
	return rc;
}

/* The hand-off filter (HB_POLICY_HANDOFF): everything allowed but what
 * only resolving a name needs, which the kind's filter allowed until then.
 * Its sockets are the ones hb_policy_resolver_call names. */
static int add_handoff_rules(scmp_filter_ctx ctx, const struct hb_driver *d)
{
	(void)d;
	int rc = 0;
	static const int local_families[] = { AF_UNIX, AF_NETLINK };
	for (size_t i = 0; rc == 0 && i < HB_ARRAY_SIZE(local_families); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(socket), 1,
				      SCMP_A0_32(SCMP_CMP_EQ, local_families[i]));
	/* Any type but SOCK_STREAM (1): one of these bits is set. The kind's
	 * filter already refuses families other than IP, UNIX and netlink. */
	static const unsigned type_bits[] = { 2, 4, 8 };
	for (size_t i = 0; rc == 0 && i < HB_ARRAY_SIZE(type_bits); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(socket), 1,
				      SCMP_A1_32(SCMP_CMP_MASKED_EQ, type_bits[i],
						 type_bits[i]));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(sysinfo), 0);
	/* The call that installed this filter: no other after it. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(seccomp), 0);
	return rc;
}

/* A filter stacked on the kind's: everything allowed but what add traps.
 * what names it in errors. */
static int compile_stacked(const struct hb_driver *d,
			   int (*add)(scmp_filter_ctx, const struct hb_driver *),
			   const char *what, struct sock_fprog *prog, char *err,
			   size_t errlen)
{
	int rc;
	scmp_filter_ctx ctx = new_filter(SCMP_ACT_ALLOW, &rc, err, errlen);
	if (!ctx)
		return rc;
	if (rc == 0)
		rc = add(ctx, d);
	if (rc < 0)
		snprintf(err, errlen, "seccomp profile for \"%s\" (%s): %s",
			 d ? d->name : "base", what, strerror(-rc));
	else
		rc = export_bpf(ctx, prog, err, errlen);
	seccomp_release(ctx);
	return rc;
}

int hb_bpf_compile_driver(const struct hb_driver *d, int mode,
			  struct sock_fprog *prog, char *err, size_t errlen)
{
	if (mode == HB_POLICY_NARROW)
		return compile_stacked(d, add_narrow_rules, "child", prog, err,
				       errlen);
	if (mode == HB_POLICY_HANDOFF)
		return compile_stacked(d, add_handoff_rules, "hand-off", prog,
				       err, errlen);
	/* Log mode hands every call outside the list to the agent, which
	 * records it and lets it run (a kernel log is out of a pod's reach). */
	uint32_t def = mode == HB_SANDBOX_LOG ? SCMP_ACT_NOTIFY : SCMP_ACT_TRAP;
	int rc;
	scmp_filter_ctx ctx = new_filter(def, &rc, err, errlen);
	if (!ctx)
		return rc;
	/* A binary tree of syscall numbers instead of a linear list. Loading
	 * a filter makes the kernel run it for every syscall number to build
	 * its allow cache: with a linear list that was most of the
	 * sandbox's price per child (perf: do_seccomp). */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0)
		rc = add_rules(ctx, d, mode);
	if (rc == 0 && mode == HB_POLICY_ZYGOTE)
		rc = add_zygote_rules(ctx);
	if (rc < 0)
		snprintf(err, errlen, "seccomp profile for \"%s\": %s",
			 d ? d->name : "base", strerror(-rc));
	else
		rc = export_bpf(ctx, prog, err, errlen);
	seccomp_release(ctx);
	return rc;
}


int hb_bpf_compile_exec(int mode, struct sock_fprog *prog, char *msg,
			size_t msglen)
{
	char err[256] = "";
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? add_denials(ctx, mode) : -ENOMEM;
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		snprintf(err, sizeof(err), "%s", strerror(-rc));
	else
		rc = export_bpf(ctx, prog, err, sizeof(err));
	if (ctx)
		seccomp_release(ctx);
	if (rc < 0)
		snprintf(msg, msglen, "%s", err);
	return rc;
}

int hb_bpf_syscall_name(int nr, unsigned arch, char *dst, size_t size)
{
	char *name = seccomp_syscall_resolve_num_arch(
		arch ? arch : SCMP_ARCH_NATIVE, nr);
	if (!name)
		return -ENOENT;
	snprintf(dst, size, "%s", name);
	free(name);
	return 0;
}

unsigned hb_bpf_native_arch(void)
{
	/* The audit token (AUDIT_ARCH_X86_64, ...), as SIGSYS reports it:
	 * SCMP_ARCH_NATIVE itself is 0. */
	return seccomp_arch_native();
}
