/* SPDX-License-Identifier: MIT */
/* The check child from the agent's side: its spawn (by fork, or by a zygote),
 * and the reading of how it ended. Its set-up after the fork is child.c's. */
#include "sandbox.h"
#include "sandbox_int.h"

#include "osutil.h"
#include "driver.h"
#include "check.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The most a child may send; more is a protocol error, not a bigger buffer. */
#define RESULT_CAP (64 * 1024)

static int spawn(const struct hb_sandbox_cfg *cfg, const struct hb_driver *d,
		 const struct hb_policy *policy, const struct hb_check *c,
		 struct hb_zygote *z, size_t index, int64_t timeout_ms,
		 struct hb_child *ch, char *err, size_t errlen)
{
	int fds[2];
	memset(ch, 0, sizeof(*ch));
	ch->pidfd = -1;
	ch->result_fd = -1;
	ch->notify_fd = -1;
	/* Without a driver the child loads the kind and its filter itself. */
	ch->notifies = d ? hb_policy_notifies(policy)
			 : cfg->mode == HB_SANDBOX_LOG;
	ch->kind = c->kind;
	hb_buf_init(&ch->out, RESULT_CAP);
	/* A socket only where a descriptor must travel back (log mode). */
	int rc = ch->notifies ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)
			      : pipe2(fds, O_CLOEXEC);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", ch->notifies ? "socketpair" : "pipe2",
			 strerror(errno));
		return -errno;
	}
	bool landlock = d && cfg->mode != HB_SANDBOX_OFF && cfg->landlock_abi > 0;
	bool via_zygote = z && z->ctl >= 0;
	int ruleset = -1;
	pid_t pid = -1;
	/* A zygote enforces the ruleset its checks share on itself. */
	if (landlock && !(via_zygote && z->shared_ruleset >= 0) &&
	    (ruleset = hb_sandbox_ruleset(cfg, d, c)) < 0)
		goto no_ruleset;
	if (via_zygote) {
		pid = hb_zygote_fork(z, index, timeout_ms, fds[1], ruleset);
		if (pid == -ETIMEDOUT) {
			/* Hung: it may yet fork a child with this pipe, so this
			 * attempt ends here rather than give it a second one. */
			kill(z->pid, SIGKILL);
			snprintf(err, errlen, "the %s zygote did not answer",
				 d->name);
		}
		if (pid < 0) {
			/* The zygote is gone or failed: fork here, from now on. */
			close(z->ctl);
			z->ctl = -1;
		}
		if (pid == -ETIMEDOUT) {
			close(fds[0]);
			close(fds[1]);
			return -ETIMEDOUT;
		}
	}
	if (pid < 0) {
		if (landlock && ruleset < 0 &&
		    (ruleset = hb_sandbox_ruleset(cfg, d, c)) < 0)
			goto no_ruleset;
		pid_t parent = getpid();
		fflush(NULL); /* a child must not flush the agent's output */
		pid = fork();
		if (pid < 0) {
			int e = errno;
			snprintf(err, errlen, "fork: %s", strerror(e));
			close(fds[0]);
			close(fds[1]);
			return -e;
		}
		if (pid == 0) {
			close(fds[0]);
			hb_child_main(cfg, d, policy, c, timeout_ms, fds[1],
				      ruleset, parent);
		}
	}
	close(fds[1]);
	/* Also from the parent: the kill must find the group even if the
	 * child has not run yet. EACCES (it already ran setpgid) is fine. */
	(void)setpgid(pid, pid);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	ch->pid = pid;
	ch->result_fd = fds[0];
	ch->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ch->started_ns = hb_mono_ns();
	ch->timeout_ms = timeout_ms;
	ch->deadline_ns = ch->started_ns +
			  (timeout_ms + HB_CHILD_GRACE_MS) * 1000000LL;
	/* Loading a client library from a cold disk is not the check's time;
	 * the deadline starts again once the child says it is loaded. */
	if (!d)
		ch->deadline_ns += HB_CHILD_LOAD_MS * 1000000LL;
	ch->driver = d;
	return 0;

no_ruleset:
	snprintf(err, errlen, "landlock: %s", strerror(-ruleset));
	close(fds[0]);
	close(fds[1]);
	return ruleset;
}

int hb_child_spawn(const struct hb_sandbox_cfg *cfg, const struct hb_driver *d,
		   const struct hb_policy *policy, const struct hb_check *c,
		   int64_t timeout_ms, struct hb_child *ch, char *err,
		   size_t errlen)
{
	return spawn(cfg, d, policy, c, NULL, 0, timeout_ms, ch, err, errlen);
}

int hb_child_spawn_via(struct hb_zygote *z, size_t index, int64_t timeout_ms,
		       struct hb_child *ch, char *err, size_t errlen)
{
	if (index >= z->n_checks) {
		snprintf(err, errlen, "zygote: no check %zu", index);
		return -EINVAL;
	}
	return spawn(&z->cfg, z->d, z->policy, z->checks[index], z, index,
		     timeout_ms, ch, err, errlen);
}

/* recvmsg on the log-mode socket: the 'N' byte carries the listener. */
static ssize_t read_result(struct hb_child *ch, char *buf, size_t size)
{
	if (!ch->notifies)
		return read(ch->result_fd, buf, size);
	int fd;
	size_t n_fds;
	ssize_t n = hb_recv_fds(ch->result_fd, buf, size, &fd, 1, &n_fds,
				MSG_CMSG_CLOEXEC);
	if (n_fds && ch->notify_fd < 0)
		ch->notify_fd = fd;
	else if (n_fds)
		close(fd);
	return n;
}

/* Takes what precedes the result off the front of what the child sent:
 * 'L' and the time it had loaded its kind (load_kind), 'N' for the
 * listener and 'H' for the hand-off (log mode). Each comes at most once,
 * before the result. */
static void take_tags(struct hb_child *ch)
{
	for (;;) {
		const char *p = ch->out.data;
		size_t len = ch->out.len;
		if (len >= 1 && ((p[0] == 'N' && !ch->tag_seen) ||
				 (p[0] == 'H' && !ch->handed_off)) &&
		    ch->notifies) {
			if (p[0] == 'N')
				ch->tag_seen = true;
			else
				ch->handed_off = true;
			memmove(ch->out.data, p + 1, len - 1);
			ch->out.len = len - 1;
		} else if (len >= 1 + sizeof(int64_t) && p[0] == 'L' &&
			   !ch->driver && !ch->load_ns) {
			int64_t at;
			memcpy(&at, p + 1, sizeof(at));
			/* The check starts now: its time and its deadline. */
			ch->load_ns = at > ch->started_ns ? at - ch->started_ns : 1;
			ch->started_ns += ch->load_ns;
			ch->deadline_ns = ch->started_ns +
					  (ch->timeout_ms + HB_CHILD_GRACE_MS) *
						  1000000LL;
			memmove(ch->out.data, p + 1 + sizeof(at),
				len - 1 - sizeof(at));
			ch->out.len = len - 1 - sizeof(at);
		} else {
			return;
		}
	}
}

void hb_child_notify(struct hb_child *ch)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	memset(&req, 0, sizeof(req));
	if (ioctl(ch->notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		/* ENOENT: the child died meanwhile; a hang-up: it is gone. */
		if (errno != EINTR && errno != ENOENT) {
			close(ch->notify_fd);
			ch->notify_fd = -1;
		}
		return;
	}
	/* A resolver's call is on the list until the check's hand-off. Its
	 * 'H' was written before the call was made, so it is in the socket
	 * by now: read it first. */
	if (!ch->handed_off)
		hb_child_read(ch);
	bool seen = !ch->handed_off && hb_policy_resolver_call(&req.data);
	for (size_t i = 0; i < ch->n_unlisted; i++)
		seen |= ch->unlisted[i] == req.data.nr;
	if (!seen && ch->n_unlisted < HB_ARRAY_SIZE(ch->unlisted))
		ch->unlisted[ch->n_unlisted++] = req.data.nr;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	(void)ioctl(ch->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

void hb_child_read(struct hb_child *ch)
{
	char chunk[4096];
	while (!ch->eof) {
		ssize_t n = read_result(ch, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: more later */
		if (n == 0) {
			ch->eof = true;
			return;
		}
		/* Past the cap the buffer is dropped: the child broke the
		 * protocol and is reported as such. */
		if (ch->out.cap && hb_buf_append(&ch->out, chunk, (size_t)n) < 0)
			ch->out.cap = 0;
		take_tags(ch);
	}
}

void hb_child_kill(struct hb_child *ch)
{
	ch->timed_out = true;
	kill(-ch->pid, SIGKILL);
	kill(ch->pid, SIGKILL);
}

static void classify_signal(struct hb_attempt *a, int sig, const char *kind)
{
	switch (sig) {
	case SIGSYS:
		hb_attempt_fail(a, HB_CLASS_SANDBOX_VIOLATION,
				"the %s check was stopped by its seccomp filter",
				kind);
		break;
	case SIGXCPU:
		hb_attempt_fail(a, HB_CLASS_RESOURCE_LIMIT,
				"the %s check used up its CPU time limit", kind);
		break;
	case SIGXFSZ:
		hb_attempt_fail(a, HB_CLASS_RESOURCE_LIMIT,
				"the %s check tried to write a file", kind);
		break;
	case SIGKILL:
		hb_attempt_fail(a, HB_CLASS_RESOURCE_LIMIT,
				"the %s check was killed (SIGKILL), most likely "
				"out of memory", kind);
		break;
	default:
		hb_attempt_fail(a, HB_CLASS_CRASHED,
				"the %s check crashed with %s", kind,
				sigabbrev_np(sig) ? sigabbrev_np(sig) : "a signal");
		hb_attempt_detail(a, "signal", "%d", sig);
		break;
	}
}

bool hb_child_finished(const struct hb_child *ch)
{
	return ch->eof && !ch->timed_out && ch->out.len > 1 &&
	       ch->out.data[0] == 'R';
}

void hb_child_reap(struct hb_child *ch, struct hb_attempt *a)
{
	int status = 0;
	const char *kind = ch->kind ? ch->kind : "?";
	pid_t r = 0;
	if (hb_child_finished(ch)) {
		/* Its verdict is in hand: the exit status adds nothing. */
		while ((r = waitpid(ch->pid, &status, WNOHANG)) < 0 && errno == EINTR)
			;
		if (r == 0)
			hb_child_reap_later(ch->pid);
	} else {
		while (waitpid(ch->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	hb_child_collect(false);
	/* Whatever the child wrote before it ended is still in the pipe. */
	hb_child_read(ch);
	double ms = hb_ms_between(ch->started_ns, hb_mono_ns());
	const char *msg = hb_buf_str(&ch->out);
	size_t len = ch->out.len;

	hb_attempt_init(a);
	if (ch->timed_out) {
		char d[32];
		snprintf(d, sizeof(d), "%.1fs", (double)ch->timeout_ms / 1000.0);
		hb_attempt_fail(a, HB_CLASS_TIMEOUT,
				"no answer within %s (the agent stopped the check)",
				d);
	} else if (len >= 9 && msg[0] == 'S') {
		int32_t nr;
		uint32_t arch;
		char name[64];
		memcpy(&nr, msg + 1, 4);
		memcpy(&arch, msg + 5, 4);
		hb_syscall_name(nr, arch, name, sizeof(name));
		hb_attempt_fail(a, HB_CLASS_SANDBOX_VIOLATION,
				"system call \"%s\" is not allowed for %s checks",
				name, kind);
		hb_attempt_detail(a, "syscall", "%s", name);
		hb_attempt_detail(a, "syscall_nr", "%d", nr);
	} else if (len >= 1 && msg[0] == 'E') {
		char text[HB_MSG_MAX];
		size_t n = len - 1 < sizeof(text) - 1 ? len - 1 : sizeof(text) - 1;
		memcpy(text, msg + 1, n);
		text[n] = '\0';
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "sandbox set-up failed: %s",
				text);
	} else if (WIFSIGNALED(status)) {
		classify_signal(a, WTERMSIG(status), kind);
	} else if (len >= 1 && msg[0] == 'R' &&
		   hb_attempt_unpack((const uint8_t *)msg + 1, len - 1, a) == 0) {
		/* The driver's own verdict. */
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		hb_attempt_fail(a, HB_CLASS_CRASHED,
				"the %s check exited with status %d and no result",
				kind, WEXITSTATUS(status));
	} else {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"the %s check sent no valid result", kind);
	}
	a->duration_ms = ms;
	if (a->timing.total_ms <= 0)
		a->timing.total_ms = ms;
	if (ch->n_unlisted) {
		char list[256] = "";
		for (size_t i = 0; i < ch->n_unlisted; i++) {
			char name[64];
			size_t used = strlen(list);
			hb_syscall_name(ch->unlisted[i], 0, name, sizeof(name));
			snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? "," : "", name);
		}
		hb_attempt_detail(a, "unlisted_syscalls", "%s", list);
	}

	if (ch->notify_fd >= 0)
		close(ch->notify_fd);
	ch->notify_fd = -1;
	if (ch->pidfd >= 0)
		close(ch->pidfd);
	if (ch->result_fd >= 0)
		close(ch->result_fd);
	ch->pidfd = ch->result_fd = -1;
	hb_buf_release(&ch->out);
}
