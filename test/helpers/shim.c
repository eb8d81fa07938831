/* SPDX-License-Identifier: MIT */
/* LD_PRELOAD shim for the sandbox suite: when a check connects to the port
 * in HB_SHIM_PORT, it first does what HB_SHIM_DO says ("ptrace": a
 * forbidden call; "segv": crash). Everything else passes through. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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
	}
	return real(fd, sa, len);
}
