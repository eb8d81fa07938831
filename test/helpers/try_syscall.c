/* SPDX-License-Identifier: MIT */
/* try-syscall NAME...: makes each named call with harmless arguments and
 * prints "NAME: ok" or "NAME: EPERM" (the errno's name), then exits 0, to
 * show that a program under hookbox exec's filter is refused and goes on
 * (after bubblewrap's tests/try-syscall.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long try(const char *name)
{
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
