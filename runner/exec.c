/* SPDX-License-Identifier: MIT */
/* Running a hook Job's command: deny-list filter, signal forwarding, orphan
 * reaping, output tails, deadline, and a watchdog for the agent's death. */
#include "exec.h"

#include "bundle.h"

#include "landlock.h"
#include "osutil.h"
#include "driver.h"
#include "sandbox.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				 SIGUSR2 };

void hb_tail_init(struct hb_tail *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap;
}

void hb_tail_release(struct hb_tail *t)
{
	free(t->data);
	hb_tail_init(t, t->cap);
}

void hb_tail_add(struct hb_tail *t, const char *p, size_t n)
{
	t->total += n;
	if (!t->cap || (!t->data && !(t->data = malloc(t->cap))))
		return;
	if (n >= t->cap) {
		memcpy(t->data, p + n - t->cap, t->cap);
		t->start = 0;
		t->len = t->cap;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t pos = (t->start + t->len) % t->cap;
		t->data[pos] = p[i];
		if (t->len < t->cap)
			t->len++;
		else
			t->start = (t->start + 1) % t->cap;
	}
}

void hb_tail_copy(const struct hb_tail *t, char *dst)
{
	for (size_t i = 0; i < t->len; i++)
		dst[i] = t->data[(t->start + i) % t->cap];
	dst[t->len] = '\0';
}

void hb_exec_release(struct hb_exec *e)
{
	hb_tail_release(&e->out);
	hb_tail_release(&e->err);
}

/* The deny-list as a BPF program, in the parent: the build's (see
 * hb_bpf_prebuilt), copied so that the caller frees either kind. */
static int build_filter(enum hb_sandbox_mode mode, struct sock_fprog *prog,
			char *msg, size_t msglen)
{
	const struct hb_bpf_prebuilt *b = hb_bpf_find("exec", mode, 0, NULL);
	if (!b) {
		char err[200];
		int rc = hb_policy_compile_exec(mode, prog, err, sizeof(err));
		if (rc < 0)
			snprintf(msg, msglen, "building the exec filter: %.200s",
				 err);
		return rc;
	}
	prog->filter = malloc(b->len * sizeof(*b->prog));
	if (!prog->filter) {
		snprintf(msg, msglen, "building the exec filter: out of memory");
		return -ENOMEM;
	}
	memcpy(prog->filter, b->prog, b->len * sizeof(*b->prog));
	prog->len = b->len;
	return 0;
}

/* What the command's child is given: the filter, the Landlock domain (-1:
 * none), its output pipes, the pipe its exec error goes back on, the socket
 * it waits on before it starts, and the agent's pid. */
struct exec_child {
	const struct sock_fprog *prog;
	int ruleset, out_w, err_w, status_w, gate_r;
	pid_t agent;
	const sigset_t *mask;
};

__attribute__((noreturn)) static void child_exec(struct hb_exec *e,
						 const struct exec_child *c)
{
	setpgid(0, 0);
	/* Dies with the agent, unless the agent died already (then the
	 * signal would never come). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->agent)
		_exit(127);
	/* Nothing runs before the agent has its watchdog for the group. */
	char go;
	if (read(c->gate_r, &go, 1) != 1)
		_exit(127);
	for (size_t i = 0; i < HB_ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, c->mask, NULL);
	if (dup2(c->out_w, 1) < 0 || dup2(c->err_w, 2) < 0)
		goto fail;
	if (c->prog->filter) {
		/* no_new_privs: a setuid binary in the image cannot gain
		 * privileges, and the filter and Landlock need no capability. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			goto fail;
		int rc = c->ruleset >= 0 ? hb_landlock_restrict(c->ruleset) : 0;
		if (rc < 0) {
			errno = -rc;
			goto fail;
		}
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, c->prog, 0, 0) < 0)
			goto fail;
	}
	/* The environment the agent was started with: a bundle's agent
	 * points its own at the bundle's TLS files (bundle.c). */
	execvpe(e->argv[0], e->argv, hb_command_environ());
fail:;
	int err = errno;
	(void)!write(c->status_w, &err, sizeof(err));
	_exit(127);
}

/* The watchdog: a fork of the agent in the command's process group that
 * waits for the agent to go. Should the agent die before the command ends
 * (the OOM killer, a SIGKILL from outside), the command must not run on
 * unreported: the parent-death signal ends the command itself, and the
 * watchdog, seeing the agent's end of its pipe close, ends the rest of the
 * group. Being in that group, it outlives a kill of the agent's own group
 * and goes with the command's; under Landlock's signal scope the command
 * cannot signal it (it is outside the command's domain). A process that
 * leaves the group (setsid) is beyond it, as it is beyond the deadline's
 * kill; in a pod the agent is PID 1, and its death ends every process of
 * the container anyway. Returns its pid, or -errno. */
static pid_t start_watchdog(pid_t group, int *life_w)
{
	int life[2];
	if (pipe2(life, O_CLOEXEC) < 0)
		return -errno;
	pid_t w = fork();
	if (w < 0) {
		int e = errno;
		close(life[0]);
		close(life[1]);
		return -e;
	}
	if (w == 0) {
		setpgid(0, group);
		/* Nothing of the agent's but the pipe: no output pipe kept
		 * open, no collector connection. */
		if (life[0] != 0 && dup2(life[0], 0) < 0)
			_exit(1);
		if (syscall(SYS_close_range, 1, ~0U, 0) < 0)
			for (int fd = 1; fd < 1024; fd++)
				close(fd);
		char c;
		ssize_t n;
		while ((n = read(0, &c, 1)) < 0 && errno == EINTR)
			;
		if (n == 0) /* the agent is gone */
			kill(-group, SIGKILL);
		_exit(0);
	}
	/* The group must exist before the command starts: setpgid as the
	 * parent does it too, so that neither waits for the other. */
	setpgid(w, group);
	close(life[0]);
	*life_w = life[1];
	return w;
}

static void pump(int *fd, int out_fd, struct hb_tail *t)
{
	char buf[16384];
	for (;;) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return;
		}
		/* Unchanged and unbuffered: kubectl logs shows it as it comes. */
		(void)hb_write_all(out_fd, buf, (size_t)n);
		hb_tail_add(t, buf, (size_t)n);
	}
}

int hb_exec_run(struct hb_exec *e)
{
	struct sock_fprog prog = { 0, NULL };
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, st[2] = { -1, -1 };
	int gate[2] = { -1, -1 };
	int sfd = -1, rc = 0, ruleset = -1, life_w = -1;
	pid_t watchdog = -1;
	sigset_t mask, old;

	e->exit_code = -1;
	e->signal = 0;
	hb_tail_init(&e->out, e->tail_bytes);
	hb_tail_init(&e->err, e->tail_bytes);
	/* Check children (--wait-for) may still be exiting: ours, not orphans
	 * of the command for the loop below to count. */
	hb_child_collect(true);
	if (e->mode != HB_SANDBOX_OFF &&
	    build_filter(e->mode, &prog, e->message, sizeof(e->message)) < 0)
		return -EINVAL;
	/* The command may signal only its own processes, never the agent
	 * (a SIGKILL would lose the report). Log mode lets everything run. */
	if (e->mode == HB_SANDBOX_ENFORCE &&
	    (ruleset = hb_landlock_signal_scope(hb_landlock_abi())) < 0) {
		if (ruleset != -ENOSYS) {
			snprintf(e->message, sizeof(e->message),
				 "creating the Landlock domain: %s",
				 strerror(-ruleset));
			free(prog.filter);
			return ruleset;
		}
		ruleset = -1; /* before ABI 6: no signal scope */
	}
	/* Orphans of the command come to us even when we are not PID 1. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	sigemptyset(&mask);
	for (size_t i = 0; i < HB_ARRAY_SIZE(forwarded); i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
	    pipe2(st, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, gate) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		rc = -errno;
		snprintf(e->message, sizeof(e->message), "setting up: %s",
			 strerror(errno));
		goto out;
	}
	int64_t t0 = hb_mono_ns();
	fflush(NULL);
	pid_t agent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		rc = -errno;
		snprintf(e->message, sizeof(e->message), "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* The gate's write end stays the agent's alone: its death
		 * must read as the end of the pipe. */
		close(gate[1]);
		struct exec_child c = { &prog, ruleset, outp[1], errp[1], st[1],
					gate[0], agent, &old };
		child_exec(e, &c);
	}
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	close(st[1]);
	close(gate[0]);
	outp[1] = errp[1] = st[1] = gate[0] = -1;
	watchdog = start_watchdog(pid, &life_w);
	if (watchdog < 0) {
		rc = (int)watchdog;
		snprintf(e->message, sizeof(e->message), "starting the watchdog: %s",
			 strerror(-rc));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	/* Now the command may start. (A socket, not a pipe: should the child
	 * be gone, the agent gets EPIPE, not SIGPIPE.) */
	if (send(gate[1], "", 1, MSG_NOSIGNAL) != 1) {
		rc = -errno;
		snprintf(e->message, sizeof(e->message), "starting \"%s\": %s",
			 e->argv[0], strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	close(gate[1]);
	gate[1] = -1;
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);

	/* The command's exec error, if any, arrives before its exit. */
	int child_errno = 0;
	if (read(st[0], &child_errno, sizeof(child_errno)) == sizeof(child_errno)) {
		e->exec_failed = true;
		snprintf(e->message, sizeof(e->message), "running \"%s\": %s",
			 e->argv[0], strerror(child_errno));
	}

	int64_t deadline = e->timeout_ms > 0 ? t0 + e->timeout_ms * 1000000LL : 0;
	bool exited = false;
	int64_t drain_until = 0;
	while (!exited || outp[0] >= 0 || errp[0] >= 0) {
		int64_t now = hb_mono_ns();
		/* A daemon the command left behind may hold the pipes open:
		 * after the exit, read what is there, briefly, then stop. */
		if (exited && !drain_until)
			drain_until = now + 200 * 1000000LL;
		if (exited && now >= drain_until)
			break;
		int timeout = -1;
		int64_t until = exited ? drain_until : deadline;
		if (until)
			timeout = until > now ? (int)((until - now) / 1000000 + 1) : 0;
		struct pollfd p[3] = {
			{ sfd, POLLIN, 0 }, { outp[0], POLLIN, 0 }, { errp[0], POLLIN, 0 },
		};
		int n = poll(p, 3, timeout);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (outp[0] >= 0 && p[1].revents)
			pump(&outp[0], e->out_fd, &e->out);
		if (errp[0] >= 0 && p[2].revents)
			pump(&errp[0], e->err_fd, &e->err);
		if (p[0].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo != SIGCHLD && !exited)
					kill(pid, (int)si.ssi_signo);
			}
			int status;
			pid_t w;
			while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
				if (w == watchdog) { /* the deadline's kill */
					watchdog = -1;
					continue;
				}
				if (w != pid) {
					e->reaped_orphans++;
					continue;
				}
				exited = true;
				e->duration_ms = hb_ms_between(t0, hb_mono_ns());
				if (WIFEXITED(status)) {
					e->exit_code = WEXITSTATUS(status);
				} else if (WIFSIGNALED(status)) {
					e->signal = WTERMSIG(status);
					e->exit_code = -1;
				}
			}
		}
		if (!exited && deadline && hb_mono_ns() >= deadline && !e->timed_out) {
			e->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
	}
	if (!e->exec_failed) {
		if (e->timed_out)
			snprintf(e->message, sizeof(e->message),
				 "\"%s\" did not finish within its timeout; its "
				 "process group was killed", e->argv[0]);
		else if (e->signal)
			snprintf(e->message, sizeof(e->message),
				 "\"%s\" was killed by %s", e->argv[0],
				 sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "a signal");
		else if (e->exit_code != 0)
			snprintf(e->message, sizeof(e->message),
				 "\"%s\" exited with status %d", e->argv[0],
				 e->exit_code);
	}
out:
	/* The command has ended: the watchdog goes first, so that it never
	 * takes the pipe's end for the agent's death. */
	if (watchdog > 0) {
		kill(watchdog, SIGKILL);
		waitpid(watchdog, NULL, 0);
	}
	if (life_w >= 0)
		close(life_w);
	if (ruleset >= 0)
		close(ruleset);
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (st[i] >= 0)
			close(st[i]);
		if (gate[i] >= 0)
			close(gate[i]);
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(prog.filter);
	return rc;
}
