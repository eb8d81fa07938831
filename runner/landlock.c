/* SPDX-License-Identifier: MIT */
/* Applying a Landlock ruleset in a check child. */
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's kernel headers predate the network rules (ABI 4, Linux 6.7);
 * the values are the kernel's ABI and cannot change. */
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_RULE_NET_PORT 2
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
struct landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
/* Scoping (ABI 6, Linux 6.12), also newer than Debian 12's headers. */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* struct landlock_ruleset_attr grew a handled_access_net field in ABI 4,
 * and scoped in ABI 6. */
struct hb_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

int hb_landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

static uint64_t fs_handled(int abi)
{
	uint64_t all = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
		       LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
		       LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
		       LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
		       LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
		       LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
		       LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

int hb_landlock_ruleset(int abi, const char *const *paths, size_t n_paths,
			const int *ports, size_t n_ports,
			struct hb_landlock_result *res)
{
	res->fs = false;
	res->net = false;
	res->scoped = false;
	if (abi < 1)
		return -ENOSYS;
	bool restrict_net = abi >= 4 && n_ports > 0;
	/* A check may neither connect to an abstract UNIX socket nor signal
	 * a process (the agent above all) outside its own domain. */
	bool scoped = abi >= 6;
	struct hb_ruleset_attr attr = {
		.handled_access_fs = fs_handled(abi),
		.handled_access_net =
			restrict_net ? LANDLOCK_ACCESS_NET_CONNECT_TCP : 0,
		.scoped = scoped ? LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
					   LANDLOCK_SCOPE_SIGNAL
				 : 0,
	};
	size_t attr_size = abi >= 6   ? sizeof(attr)
			   : abi >= 4 ? offsetof(struct hb_ruleset_attr, scoped)
				      : sizeof(uint64_t);
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rfd < 0)
		return -errno;

	const uint64_t read_access = LANDLOCK_ACCESS_FS_READ_FILE |
				     LANDLOCK_ACCESS_FS_READ_DIR |
				     LANDLOCK_ACCESS_FS_EXECUTE;
	for (size_t i = 0; i < n_paths; i++) {
		int fd = open(paths[i], O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct landlock_path_beneath_attr pb = {
			.allowed_access = read_access,
			.parent_fd = fd,
		};
		/* A regular file accepts only file rights, not READ_DIR. */
		if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
			    &pb, 0) < 0) {
			pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
					    LANDLOCK_ACCESS_FS_EXECUTE;
			(void)syscall(SYS_landlock_add_rule, rfd,
				      LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
		}
		close(fd);
	}
	for (size_t i = 0; restrict_net && i < n_ports; i++) {
		struct landlock_net_port_attr np = {
			.allowed_access = LANDLOCK_ACCESS_NET_CONNECT_TCP,
			.port = (uint64_t)ports[i],
		};
		if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_NET_PORT,
			    &np, 0) < 0) {
			int e = errno;
			close(rfd);
			return -e;
		}
	}
	res->fs = true;
	res->net = restrict_net;
	res->scoped = scoped;
	return rfd;
}

int hb_landlock_signal_scope(int abi)
{
	if (abi < 6)
		return -ENOSYS;
	/* Nothing handled but the scope: files and sockets stay as they
	 * are (a kernel with ABI 6 applies file rules only for a domain
	 * that handles some file access). */
	struct hb_ruleset_attr attr = { .scoped = LANDLOCK_SCOPE_SIGNAL };
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	return rfd < 0 ? -errno : rfd;
}

int hb_landlock_restrict(int ruleset_fd)
{
	if (syscall(SYS_landlock_restrict_self, ruleset_fd, 0) < 0)
		return -errno;
	return 0;
}
