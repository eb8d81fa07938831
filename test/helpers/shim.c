/* SPDX-License-Identifier: MIT */
/* LD_PRELOAD shim for the sandbox suite: when a check connects to the port
 * in HB_SHIM_PORT, it first does what HB_SHIM_DO says ("ptrace": a
 * forbidden call; "segv": crash; "pdeathsig", "landlock", "cpulimit",
 * "fork": the calls a zygote and a child's set-up may make, and a check
 * may not). Everything else passes through. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*real)(int, const struct sockaddr *, socklen_t);
	if (!real)
		real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(
			RTLD_NEXT, "connect");
	const char *port = getenv("HB_SHIM_PORT");
	const char *act = getenv("HB_SHIM_DO");
	int p = -1;
	if (sa->sa_family == AF_INET)
		p = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	else if (sa->sa_family == AF_INET6)
		p = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	if (port && act && p == atoi(port)) {
		if (strcmp(act, "ptrace") == 0)
			syscall(SYS_ptrace, 0x7fffffff, 0, 0, 0); /* invalid request */
		else if (strcmp(act, "segv") == 0)
			raise(SIGSEGV);
		/* What a zygote's filter allows it and a child's set-up
		 * (runner/zygote.c), which the check itself may not do. */
		else if (strcmp(act, "pdeathsig") == 0)
			prctl(PR_SET_PDEATHSIG, SIGKILL);
		else if (strcmp(act, "landlock") == 0)
			syscall(SYS_landlock_restrict_self, -1, 0);
		else if (strcmp(act, "cpulimit") == 0)
			syscall(SYS_prlimit64, 0, RLIMIT_CPU, NULL, NULL);
		else if (strcmp(act, "fork") == 0 &&
			 syscall(SYS_clone, CLONE_PARENT | CLONE_CHILD_SETTID |
						    CLONE_CHILD_CLEARTID | SIGCHLD,
				 0, NULL, NULL, 0) == 0)
			_exit(0); /* a new process: must not happen */
	}
	return real(fd, sa, len);
}
