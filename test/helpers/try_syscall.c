/* SPDX-License-Identifier: MIT */
/* try-syscall NAME...: makes each named call with harmless arguments and
 * prints "NAME: ok" or "NAME: EPERM" (the errno's name), then exits 0, to
 * show that a program under hookbox exec's filter is refused and goes on
 * (after bubblewrap's tests/try-syscall.c). The names ending in "parent"
 * aim at the process that started this one, hookbox itself: signal 0 (a
 * permission check that delivers nothing), its descriptors, its memory and
 * its limits (read, not changed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif

static long parent_pidfd(void)
{
	return syscall(SYS_pidfd_open, getppid(), 0);
}

/* Opens /proc/PARENT/what and, unless it is a descriptor's link, reads a
 * byte of it (of mem: at the first address its maps list). */
static long read_parent(const char *what)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)getppid(), what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (strncmp(what, "fd/", 3) == 0)
		return close(fd);
	off_t at = 0;
	if (strcmp(what, "mem") == 0) {
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)getppid());
		FILE *maps = fopen(path, "re");
		uintmax_t start = 0;
		int n = maps ? fscanf(maps, "%jx-", &start) : 0;
		if (maps)
			fclose(maps);
		if (n != 1) {
			close(fd);
			errno = errno ? errno : EIO;
			return -1;
		}
		at = (off_t)start;
	}
	char c;
	errno = EIO; /* what an empty read says */
	ssize_t n = pread(fd, &c, 1, at);
	int e = errno;
	close(fd);
	errno = e;
	return n == 1 ? 0 : -1;
}

static long try(const char *name)
{
	long pfd;
	if (strcmp(name, "ptrace") == 0)
		return syscall(SYS_ptrace, 0x7fffffff, 0, 0, 0); /* bad request */
	if (strcmp(name, "keyctl") == 0)
		return syscall(SYS_keyctl, 0x7fffffff, 0, 0, 0, 0);
	if (strcmp(name, "bpf") == 0)
		return syscall(SYS_bpf, 0x7fffffff, NULL, 0);
	if (strcmp(name, "unshare") == 0)
		return syscall(SYS_unshare, 0); /* no flags: a no-op where allowed */
	if (strcmp(name, "getpid") == 0)
		return syscall(SYS_getpid);
	if (strcmp(name, "chroot") == 0)
		return syscall(SYS_chroot, "/");
	if (strcmp(name, "io_uring_setup") == 0) {
		struct io_uring_params p;
		memset(&p, 0, sizeof(p));
		return syscall(SYS_io_uring_setup, 1, &p);
	}
	if (strcmp(name, "pidfd_getfd") == 0) /* the parent's stderr */
		return (pfd = parent_pidfd()) < 0
			       ? -1 : syscall(SYS_pidfd_getfd, pfd, 2, 0);
	if (strcmp(name, "process_madvise") == 0) {
		/* An unmapped page: where allowed, ENOMEM, past the checks. */
		struct iovec iov = { NULL, 4096 };
		return (pfd = parent_pidfd()) < 0
			       ? -1 : syscall(SYS_process_madvise, pfd, &iov, 1,
					      MADV_COLD, 0);
	}
	if (strcmp(name, "prlimit-parent") == 0 ||
	    strcmp(name, "prlimit-self") == 0) {
		struct rlimit r;
		pid_t pid = strcmp(name, "prlimit-self") == 0 ? 0 : getppid();
		return syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &r);
	}
	if (strcmp(name, "kill-parent") == 0)
		return kill(getppid(), 0);
	if (strcmp(name, "kill-parent-group") == 0)
		return kill(-getpgid(getppid()), 0);
	if (strcmp(name, "tgkill-parent") == 0)
		return syscall(SYS_tgkill, getppid(), getppid(), 0);
	if (strcmp(name, "sigqueue-parent") == 0) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		si.si_code = SI_QUEUE;
		return syscall(SYS_rt_sigqueueinfo, getppid(), 0, &si);
	}
	if (strcmp(name, "pidfd_send_signal-parent") == 0)
		return (pfd = parent_pidfd()) < 0
			       ? -1 : syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0);
	if (strcmp(name, "mem-parent") == 0)
		return read_parent("mem");
	if (strcmp(name, "environ-parent") == 0)
		return read_parent("environ");
	if (strcmp(name, "fd-parent") == 0) /* reopening its stderr */
		return read_parent("fd/2");
	if (strcmp(name, "environ-self") == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)getpid());
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? -1 : close(fd);
	}
	errno = EINVAL;
	fprintf(stderr, "try-syscall: unknown call \"%s\"\n", name);
	return -2;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		errno = 0;
		long rc = try(argv[i]);
		if (rc == -2)
			return 2;
		if (rc >= 0)
			printf("%s: ok\n", argv[i]);
		else
			printf("%s: %s\n", argv[i], strerrorname_np(errno));
		fflush(stdout);
	}
	return 0;
}
