/* SPDX-License-Identifier: MIT */
/* LD_PRELOAD shim for the sandbox suite: when a check connects to the port
 * in HB_SHIM_PORT, it first does what HB_SHIM_DO says ("ptrace": a
 * forbidden call; "segv": crash; "pdeathsig", "landlock", "cpulimit",
 * "fork": the calls a zygote and a child's set-up may make, and a check
 * may not; "udp", "unix", "abstract", "netlink", "mptcp", "signal": what
 * a check that was handed its addresses may no longer do, see below;
 * "tcp": a port the check's Landlock rules leave out). A
 * call that fails is written to stderr as "hb-shim: ACTION: CALL: ERRNO"
 * ("EPERM"), the check going on. With HB_SHIM_SCAN, every process that connects anywhere
 * first says which secrets its memory holds (scan_memory). Everything else
 * passes through. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* An MPTCP (or plain TCP) connection to 127.0.0.1:HB_SHIM_TCP_PORT,
 * another port than the check's, and a write to it. */
static void send_tcp(connect_fn real, bool mptcp)
{
	const char *act = mptcp ? "mptcp" : "tcp";
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_port = htons((uint16_t)atoi(getenv("HB_SHIM_TCP_PORT") ?: "9"));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, mptcp ? 262 /* IPPROTO_MPTCP */ : 0);
	if (fd < 0)
		return failed(act, "socket");
	if (real(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		failed(act, "connect");
	else if (write(fd, mptcp ? "hookbox-shim-mptcp" : "hookbox-shim-tcp",
		       mptcp ? 18 : 16) < 0)
		failed(act, "write");
	close(fd);
}

/* The strings looked for, decoded from HB_SHIM_SCAN, and what is read:
 * the only places the scan ignores, as it put the strings there itself. */
static char needles[16][256];
static char chunk[1 << 20];
static char text[1 << 20];

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int mine(uintptr_t a)
{
	return (a >= (uintptr_t)needles && a < (uintptr_t)needles + sizeof(needles)) ||
	       (a >= (uintptr_t)chunk && a < (uintptr_t)chunk + sizeof(chunk));
}

/* Reads a small file of /proc into text; returns its length. */
static size_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;
	while (fd >= 0 && n < sizeof(text) - 1 &&
	       (r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += (size_t)r;
	if (fd >= 0)
		close(fd);
	text[n] = '\0';
	return n;
}

/* HB_SHIM_SCAN holds strings in hex, comma-separated (so that the
 * environment does not hold them as they are). Writes to stderr, a pipe (a
 * check's child may write no file: RLIMIT_FSIZE), one line:
 * "hb-shim-scan pid=P port=N found=I,J children=A,B": the indices of the
 * strings found anywhere in this process's readable memory, and the
 * agent's children at that moment (a zygote among them is one that never
 * scans). */
static void scan_memory(int port)
{
	const char *hex = getenv("HB_SHIM_SCAN");
	size_t n = 0, longest = 1;
	memset(needles, 0, sizeof(needles));
	for (const char *p = hex; *p && n < 16; n++) {
		size_t k = 0;
		while (p[0] && p[0] != ',' && p[1] && k + 1 < sizeof(needles[0])) {
			needles[n][k++] = (char)(hexval(p[0]) << 4 | hexval(p[1]));
			p += 2;
		}
		if (k > longest)
			longest = k;
		if (*p == ',')
			p++;
	}
	int found[16] = { 0 };
	int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	slurp("/proc/self/maps");
	for (char *line = text, *next; mem >= 0 && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r')
			continue;
		/* Sanitizer shadow memory: terabytes of nothing. */
		if (hi - lo > (1ul << 30) || strstr(line, "[vvar]") ||
		    strstr(line, "[vsyscall]"))
			continue;
		for (unsigned long at = lo; at < hi;) {
			size_t want = hi - at < sizeof(chunk) ? hi - at : sizeof(chunk);
			ssize_t got = pread(mem, chunk, want, (off_t)at);
			if (got <= 0)
				break;
			for (size_t i = 0; i < n; i++) {
				size_t nl = strlen(needles[i]);
				for (char *h = chunk; nl && (h = memmem(h, chunk + got - h,
									needles[i], nl));
				     h++)
					if (!mine(at + (uintptr_t)(h - chunk))) {
						found[i] = 1;
						break;
					}
			}
			/* Overlap, so that a string across two reads is seen. */
			at += (size_t)got > longest ? (size_t)got - longest + 1 : (size_t)got;
		}
	}
	if (mem >= 0)
		close(mem);
	char line[1024];
	int len = snprintf(line, sizeof(line), "hb-shim-scan pid=%d port=%d found=",
			   (int)getpid(), port);
	for (size_t i = 0; i < n; i++)
		if (found[i])
			len += snprintf(line + len, sizeof(line) - (size_t)len, "%zu,", i);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)getppid(),
		 (int)getppid());
	slurp(path);
	len += snprintf(line + len, sizeof(line) - (size_t)len, " children=%s\n", text);
	(void)!write(2, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
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
	if (getenv("HB_SHIM_SCAN") && p > 0)
		scan_memory(p);
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
			send_tcp(real, true);
		/* Another TCP port than the check's: what Landlock's port
		 * rules stop (the proxy suite: a check through a proxy may
		 * not reach its target, one past the proxy not the proxy). */
		else if (strcmp(act, "tcp") == 0)
			send_tcp(real, false);
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
