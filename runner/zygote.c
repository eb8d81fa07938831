/* SPDX-License-Identifier: MIT */
/* The zygote. A kind with eight checks or more in a run (pool.c) has their
 * children forked by a zygote: a copy of the agent made as the run starts,
 * with the kind's module loaded, that does nothing but fork on request,
 * already set up as a child would be: no_new_privs, the shared rlimits,
 * signals, and a filter made of the kind's list plus what the zygote and a
 * child's set-up need (HB_POLICY_ZYGOTE, bpf_compile.c). Each child, once
 * it has its parent-death signal, CPU limit and Landlock domain, adds the
 * filter that takes those additions back (HB_POLICY_NARROW), and runs the
 * check under exactly the kind's enforcing filter.
 *
 * Why: loading the kind's filter costs every child more than the narrowing
 * one (the kernel converts, JITs and caches it); the zygote enforces the
 * checks' Landlock domain once when they share one; and the agent, which
 * goes on working while its children run, paid after each of its own forks
 * a copy-on-write fault for every page it then wrote, where the zygote
 * writes almost nothing between two forks. The README's "Speed and size"
 * has the figures.
 *
 * Its children are the agent's (CLONE_PARENT): the agent kills, reaps and
 * classifies them as those it forks itself. */
#include "sandbox.h"
#include "sandbox_int.h"

#include "landlock.h"
#include "osutil.h"
#include "driver.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

/* A request: fork a child for checks[index]. Its result pipe's write end,
 * and its Landlock ruleset if has_ruleset, travel with it (SCM_RIGHTS). */
struct zygote_req {
	uint32_t index;
	uint32_t has_ruleset;
	int64_t timeout_ms;
};

/* The zygote's socket: past RESULT_FD and RULESET_FD, where it puts each
 * child's descriptors before the fork. */
#define ZYGOTE_FD (RULESET_FD + 1)
/* The longest a fork takes the zygote, far more than it ever does (0.1
 * ms); past it the zygote is taken as hung. */
#define ZYGOTE_REPLY_MS 10000

/* Moves fd to exactly want (free: the zygote keeps it closed between
 * requests) with the calls its filter has. */
static bool place_fd(int fd, int want)
{
	if (fd == want)
		return true;
	int got = fcntl(fd, F_DUPFD, want);
	close(fd);
	if (got == want)
		return true;
	if (got >= 0)
		close(got);
	return false;
}

/* fork() as glibc does it (the thread id kept where glibc reads it), but a
 * child of the zygote's parent. Only where the raw call's argument order
 * is known; elsewhere -ENOSYS, and the agent forks. */
static long fork_for_parent(void *tid_addr)
{
#if defined(__x86_64__)
	return syscall(SYS_clone, HB_ZYGOTE_CLONE_FLAGS, 0, NULL, tid_addr, 0);
#elif defined(__aarch64__)
	return syscall(SYS_clone, HB_ZYGOTE_CLONE_FLAGS, 0, NULL, 0, tid_addr);
#else
	(void)tid_addr;
	errno = ENOSYS;
	return -1;
#endif
}

/* A child of the zygote: what hb_child_main does, less what the zygote did. */
__attribute__((noreturn)) static void
zygote_child(const struct hb_zygote *z, const struct hb_check *c,
	     int64_t timeout_ms, bool has_ruleset, pid_t agent)
{
	close(ZYGOTE_FD);
	/* Its process group is the agent's to set (hb_child_spawn_via). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != agent)
		_exit(HB_CHILD_SETUP_FAILED);
	hb_child_cpu_limit(timeout_ms);
	hb_child_check(z->d, z->child_policy, c, timeout_ms, has_ruleset);
}

__attribute__((noreturn)) static void zygote_main(const struct hb_zygote *z,
						  int ctl, pid_t agent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != agent)
		_exit(HB_CHILD_SETUP_FAILED);
	/* Out of the agent's process group: a ^C is the agent's to handle,
	 * and it stops the zygote by closing the socket. */
	setpgid(0, 0);
	/* Its socket to ZYGOTE_FD, the shared ruleset (if any) to
	 * RULESET_FD, by way of numbers above both, as either may sit where
	 * the other goes. Nothing else the agent holds open may reach a check
	 * (see hb_child_main); stdio stays. */
	int high = ZYGOTE_FD + 1;
	ctl = fcntl(ctl, F_DUPFD, high);
	int shared = z->shared_ruleset >= 0 ?
			     fcntl(z->shared_ruleset, F_DUPFD, high) : -1;
	if (ctl < 0 || (z->shared_ruleset >= 0 && shared < 0) ||
	    dup2(ctl, ZYGOTE_FD) < 0 ||
	    (shared >= 0 && dup2(shared, RULESET_FD) < 0))
		_exit(HB_CHILD_SETUP_FAILED);
	close(RESULT_FD);
	if (shared < 0)
		close(RULESET_FD);
	if (syscall(SYS_close_range, ZYGOTE_FD + 1, ~0U, 0) < 0)
		_exit(HB_CHILD_SETUP_FAILED);
	hb_child_signals();
	hb_child_fixed_limits();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(HB_CHILD_SETUP_FAILED);
	/* The zygote opens no file and connects nowhere: the checks' own
	 * domain costs it nothing, and saves each child enforcing it. */
	if (shared >= 0) {
		if (hb_landlock_restrict(RULESET_FD) < 0)
			_exit(HB_CHILD_SETUP_FAILED);
		close(RULESET_FD);
	}
	/* glibc keeps each thread's id in its descriptor, at the address it
	 * gave the kernel at start-up; fork_for_parent has the kernel write
	 * the child's there, as fork() does. */
	void *tid_addr = NULL;
	if (prctl(PR_GET_TID_ADDRESS, &tid_addr) < 0 || !tid_addr)
		_exit(HB_CHILD_SETUP_FAILED);
	/* No SIGSYS handler of its own: a call outside its filter (a bug of
	 * ours) kills it, and the agent forks from then on. Each child sets
	 * the handler (hb_child_check) before its own filter. */
	if (z->zygote_policy && hb_policy_install(z->zygote_policy) < 0)
		_exit(HB_CHILD_SETUP_FAILED);
	for (;;) {
		struct zygote_req req;
		int fds[2];
		size_t n_fds;
		ssize_t n = hb_recv_fds(ZYGOTE_FD, &req, sizeof(req), fds, 2,
					&n_fds, 0);
		if (n <= 0) /* the agent closed its end: the run is over */
			_exit(HB_CHILD_OK);
		int32_t reply;
		bool has_ruleset = req.has_ruleset != 0;
		if ((size_t)n != sizeof(req) || req.index >= z->n_checks ||
		    n_fds != 1 + (size_t)has_ruleset) {
			for (size_t i = 0; i < n_fds; i++)
				close(fds[i]);
			reply = -EPROTO;
		} else if (!place_fd(fds[0], RESULT_FD)) {
			if (has_ruleset)
				close(fds[1]);
			reply = -EBADF;
		} else if (has_ruleset && !place_fd(fds[1], RULESET_FD)) {
			reply = -EBADF;
		} else {
			long pid = fork_for_parent(tid_addr);
			if (pid == 0)
				zygote_child(z, z->checks[req.index],
					     req.timeout_ms, has_ruleset, agent);
			reply = pid < 0 ? -errno : (int32_t)pid;
		}
		close(RESULT_FD);
		close(RULESET_FD);
		if (send(ZYGOTE_FD, &reply, sizeof(reply), MSG_NOSIGNAL) < 0)
			_exit(HB_CHILD_SETUP_FAILED);
	}
}

struct hb_zygote *hb_zygote_start(const struct hb_sandbox_cfg *cfg,
				  const struct hb_driver *d,
				  const struct hb_policy *policy,
				  const struct hb_check *const *checks,
				  size_t n_checks, char *err, size_t errlen)
{
	if (cfg->mode == HB_SANDBOX_LOG) {
		/* Each child hands its own listener to the agent. */
		snprintf(err, errlen, "no zygote in log mode");
		return NULL;
	}
	struct hb_zygote *z = calloc(1, sizeof(*z));
	if (!z) {
		snprintf(err, errlen, "zygote: out of memory");
		return NULL;
	}
	z->ctl = -1;
	z->shared_ruleset = -1;
	z->cfg = *cfg;
	z->d = d;
	z->policy = policy;
	z->checks = checks;
	z->n_checks = n_checks;
	if (cfg->mode == HB_SANDBOX_ENFORCE &&
	    (!(z->zygote_policy = hb_policy_new(d, HB_POLICY_ZYGOTE, err, errlen)) ||
	     !(z->child_policy = hb_policy_new(d, HB_POLICY_NARROW, err, errlen)))) {
		hb_zygote_stop(z);
		return NULL;
	}
	if (cfg->mode != HB_SANDBOX_OFF && cfg->landlock_abi > 0) {
		/* One descriptor per distinct ruleset (hb_sandbox_ruleset). */
		int shared = -1;
		for (size_t i = 0; i < n_checks; i++) {
			if (!checks[i] || strcmp(checks[i]->kind, d->name) != 0)
				continue;
			int fd = hb_sandbox_ruleset(cfg, d, checks[i]);
			if (fd < 0 || (shared >= 0 && fd != shared)) {
				shared = -1;
				break;
			}
			shared = fd;
		}
		z->shared_ruleset = shared;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		hb_zygote_stop(z);
		return NULL;
	}
	pid_t agent = getpid();
	fflush(NULL); /* neither it nor its children may flush our output */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		hb_zygote_stop(z);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		zygote_main(z, sv[1], agent);
	}
	close(sv[1]);
	z->pid = pid;
	z->ctl = sv[0];
	struct timeval tv = { ZYGOTE_REPLY_MS / 1000, ZYGOTE_REPLY_MS % 1000 * 1000 };
	setsockopt(z->ctl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return z;
}

pid_t hb_zygote_pid(const struct hb_zygote *z)
{
	return z->pid;
}

void hb_zygote_stop(struct hb_zygote *z)
{
	if (!z)
		return;
	if (z->ctl >= 0)
		close(z->ctl); /* it exits at end of file */
	if (z->pid > 0)
		hb_child_reap_later(z->pid);
	hb_policy_free(z->zygote_policy);
	hb_policy_free(z->child_policy);
	free(z);
}

pid_t hb_zygote_fork(struct hb_zygote *z, size_t index, int64_t timeout_ms,
		     int pipe_w, int ruleset)
{
	struct zygote_req req = { (uint32_t)index, ruleset >= 0, timeout_ms };
	int fds[2] = { pipe_w, ruleset };
	ssize_t n = hb_send_fds(z->ctl, &req, sizeof(req), fds,
				ruleset >= 0 ? 2 : 1);
	if (n != (ssize_t)sizeof(req))
		return n < 0 ? -errno : -EPROTO;
	/* Waiting costs little: the zygote forks on the other CPU meanwhile,
	 * and asking for the next children without waiting measured no
	 * faster (the run is bound by CPU, not by this wait). A zygote that
	 * does not answer within ZYGOTE_REPLY_MS (SO_RCVTIMEO) is stopped. */
	int32_t reply;
	while ((n = recv(z->ctl, &reply, sizeof(reply), 0)) < 0 && errno == EINTR)
		;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -ETIMEDOUT;
	if (n != (ssize_t)sizeof(reply))
		return n < 0 ? -errno : -EPIPE;
	return reply;
}

