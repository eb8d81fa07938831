/* SPDX-License-Identifier: MIT */
/* LD_PRELOAD shim for the sandbox suite: when a check connects to the port
 * in HB_SHIM_PORT, it first does what HB_SHIM_DO says ("ptrace": a
 * forbidden call; "segv": crash; "pdeathsig", "landlock", "cpulimit",
 * "fork": the calls a zygote and a child's set-up may make, and a check
 * may not; "udp", "unix", "abstract", "netlink", "mptcp", "signal": what a
 * check that was handed its addresses may no longer do, see below). A call that fails
 * is written to stderr as "hb-shim: ACTION: CALL: ERRNO" ("EPERM"), the
 * check going on. Everything else passes through. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

static void failed(const char *act, const char *call)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "hb-shim: %s: %s: %s\n", act, call,
			 strerrorname_np(errno));
	(void)!write(2, line, (size_t)n);
}

/* A datagram to 127.0.0.1:HB_SHIM_UDP_PORT. */
static void send_udp(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_port = htons((uint16_t)atoi(getenv("HB_SHIM_UDP_PORT") ?: "9"));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return failed("udp", "socket");
	if (sendto(fd, "hookbox-shim-udp", 16, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		failed("udp", "sendto");
	close(fd);
}

/* Connects to the UNIX socket at HB_SHIM_UNIX_PATH, or at the abstract
 * address HB_SHIM_ABSTRACT, and writes to it. */
static void send_unix(connect_fn real, bool abstract)
{
	const char *act = abstract ? "abstract" : "unix";
	const char *name = getenv(abstract ? "HB_SHIM_ABSTRACT" : "HB_SHIM_UNIX_PATH");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n + 2 > sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path + abstract, name, n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				    abstract + n + !abstract);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return failed(act, "socket");
	if (real(fd, (struct sockaddr *)&sa, len) < 0)
		failed(act, "connect");
	else if (write(fd, "hookbox-shim-unix", 17) < 0)
		failed(act, "write");
	close(fd);
}

/* An MPTCP connection to 127.0.0.1:HB_SHIM_TCP_PORT, another port than the
 * check's, and a write to it. */
static void send_mptcp(connect_fn real)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_port = htons((uint16_t)atoi(getenv("HB_SHIM_TCP_PORT") ?: "9"));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 262 /* IPPROTO_MPTCP */);
	if (fd < 0)
		return failed("mptcp", "socket");
	if (real(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		failed("mptcp", "connect");
	else if (write(fd, "hookbox-shim-mptcp", 18) < 0)
		failed("mptcp", "write");
	close(fd);
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static connect_fn real;
	if (!real)
		real = (connect_fn)dlsym(RTLD_NEXT, "connect");
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
		/* What a check that was handed its addresses (the hand-off
		 * filter, runner/bpf_compile.c) or Landlock's scoping
		 * (runner/landlock.c) stops. */
		else if (strcmp(act, "udp") == 0)
			send_udp();
		else if (strcmp(act, "unix") == 0)
			send_unix(real, false);
		else if (strcmp(act, "abstract") == 0)
			send_unix(real, true);
		else if (strcmp(act, "mptcp") == 0)
			send_mptcp(real);
		else if (strcmp(act, "netlink") == 0) {
			int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
			if (nl < 0)
				failed(act, "socket");
			else
				close(nl);
		} else if (strcmp(act, "signal") == 0 &&
			   syscall(SYS_tgkill, getppid(), getppid(), SIGKILL) < 0) {
			/* At the agent (tgkill is on every kind's list, for
			 * abort()). */
			failed(act, "tgkill");
		}
	}
	return real(fd, sa, len);
}
