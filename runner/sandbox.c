/* SPDX-License-Identifier: MIT */
/* The check child: process set-up, confinement, and the parent's reading of
 * how it ended. */
#include "sandbox.h"
#include "sandbox_int.h"

#include "landlock.h"
#include "osutil.h"
#include "runner.h"
#include "secrets.h"
#include "spec.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The most a child may send; more is a protocol error, not a bigger buffer. */
#define RESULT_CAP (64 * 1024)

/* What every resolving check reads: glibc's resolver and NSS configuration,
 * and the libraries NSS may load. */
static const char *const resolver_paths[] = {
	"/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf",
	"/etc/gai.conf", "/etc/services", "/etc/ld.so.cache", "/usr/lib", "/lib",
	"/lib64",
};
/* Where OpenSSL finds its configuration and the system's CA certificates. */
static const char *const tls_paths[] = {
	"/etc/ssl", "/usr/lib/ssl", "/usr/share/ca-certificates",
	"/etc/ca-certificates", "/etc/pki",
};

/* -- in the child ---------------------------------------------------- */

/* One write for tag and body: two would wake the agent twice. */
static void child_send(char type, const void *data, size_t len)
{
	char t = type;
	struct iovec iov[2] = { { &t, 1 }, { (void *)data, len } };
	ssize_t n = writev(RESULT_FD, iov, len ? 2 : 1);
	/* Past the pipe's buffer, or interrupted: the rest in order. */
	if (n >= 1 && (size_t)n < 1 + len)
		(void)hb_write_all(RESULT_FD, (const char *)data + (n - 1),
				   len - (size_t)(n - 1));
	else if (n < 1)
		(void)(hb_write_all(RESULT_FD, &t, 1) == 0 && len &&
		       hb_write_all(RESULT_FD, data, len));
}

__attribute__((noreturn, format(printf, 1, 2))) static void
child_die(const char *fmt, ...)
{
	char msg[HB_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	child_send('E', msg, strlen(msg));
	_exit(HB_CHILD_SETUP_FAILED);
}

/* Sends the attempt to the agent and ends the child. */
__attribute__((noreturn)) static void child_report(const struct hb_attempt *a)
{
	uint8_t buf[16384];
	size_t n = hb_attempt_pack(a, buf, sizeof(buf));
	if (n == 0)
		child_die("the result does not fit in %zu bytes", sizeof(buf));
	child_send('R', buf, n);
	/* The agent takes a whole result and end of file as the end of the
	 * attempt (hb_child_finished), without waiting for the exit: tearing
	 * down a client library's address space takes a while, which then
	 * overlaps with the agent's own work. */
	close(RESULT_FD);
	/* The agent, woken by the end of file, is often queued on this very
	 * CPU (the scheduler keeps a pipe's two ends together) and would wait
	 * for our exit: let it run first. */
	sched_yield();
	_exit(HB_CHILD_OK);
}

/* Runs on a forbidden call (SECCOMP_RET_TRAP): only write() and _exit(),
 * both allowed by every profile. The parent names the call. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	unsigned char msg[9];
	int32_t nr = si->si_syscall;
	uint32_t arch = si->si_arch;
	msg[0] = 'S';
	memcpy(msg + 1, &nr, 4);
	memcpy(msg + 5, &arch, 4);
	(void)!write(RESULT_FD, msg, sizeof(msg));
	_exit(HB_CHILD_SECCOMP);
}

/* Log mode: hands the seccomp listener to the agent over the result socket,
 * tagged with an 'N' byte, and drops our copy. Both calls are on the list. */
static void send_listener(int fd)
{
	char tag = 'N';
	if (hb_send_fds(RESULT_FD, &tag, 1, &fd, 1) != 1)
		_exit(HB_CHILD_SETUP_FAILED);
	close(fd);
}

static void set_limit(int res, rlim_t soft, rlim_t hard, const char *name)
{
	struct rlimit rl = { soft, hard };
	if (setrlimit(res, &rl) < 0)
		child_die("setrlimit(%s): %s", name, strerror(errno));
}

void hb_child_cpu_limit(int64_t timeout_ms)
{
	rlim_t cpu = (rlim_t)(timeout_ms / 1000 + 2);
	set_limit(RLIMIT_CPU, cpu, cpu + 1, "RLIMIT_CPU");
}

void hb_child_fixed_limits(void)
{
	/* No core files: a crash is reported, not dumped into the pod. */
	set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
	set_limit(RLIMIT_NOFILE, 256, 256, "RLIMIT_NOFILE");
#ifndef HB_SANITIZER_BUILD
	/* A check writes no files; its output goes through the pipe. The
	 * sanitizer build keeps both limits off: ASan reserves terabytes of
	 * shadow address space and writes its reports to stderr. */
	set_limit(RLIMIT_FSIZE, 0, 0, "RLIMIT_FSIZE");
	/* Room for libraries, thread arenas (64 MiB reserved each) and a
	 * bounded body; far below what would hurt the pod. */
	set_limit(RLIMIT_AS, 512u << 20, 512u << 20, "RLIMIT_AS");
#endif
}

static void child_limits(int64_t timeout_ms)
{
	hb_child_fixed_limits();
	hb_child_cpu_limit(timeout_ms);
}

static size_t collect_paths(const struct hb_driver *d, const struct hb_check *c,
			    const char **paths, size_t max)
{
	size_t n = 0;
	if (d->flags & HB_DRIVER_RESOLVES)
		for (size_t i = 0; i < HB_ARRAY_SIZE(resolver_paths) && n < max; i++)
			paths[n++] = resolver_paths[i];
	/* The TLS files only for a check that may use TLS. */
	if ((d->flags & HB_DRIVER_TLS) && hb_check_may_use_tls(d, c))
		for (size_t i = 0; i < HB_ARRAY_SIZE(tls_paths) && n < max; i++)
			paths[n++] = tls_paths[i];
#ifdef HB_SANITIZER_BUILD
	/* The sanitizer runtimes read /proc/self/maps. The ruleset is built
	 * in the agent, where /proc/self is the agent's: all of /proc. */
	if (n < max)
		paths[n++] = "/proc";
#endif
	if (d->read_paths && n < max)
		n += d->read_paths(c, paths + n, max - n);
	n += hb_check_secret_paths(c, paths + n, max - n);
	return n;
}

/* The Landlock rulesets of this run, built in the agent once per distinct
 * set of paths and ports (fifty checks of one server share one) and
 * inherited by the children, which only restrict themselves with it:
 * building one in every child was 3% of a fifty-check run's CPU. */
static struct {
	char *key;
	int fd;
} rulesets[16];

/* The ruleset for a check: its descriptor, or -errno. In the agent (cache)
 * it is kept for the run; a child builds its own (the agent's cached
 * descriptors are closed there). */
static int check_ruleset(const struct hb_sandbox_cfg *cfg,
			 const struct hb_driver *d, const struct hb_check *c,
			 bool cache)
{
	const char *paths[48];
	size_t n = collect_paths(d, c, paths, HB_ARRAY_SIZE(paths));
	int ports[3];
	size_t n_ports = 0;
	int port = d->port ? d->port(c) : 0;
	int extra = d->extra_port ? d->extra_port(c) : 0;
	if (port > 0 && !(d->flags & HB_DRIVER_ANY_PORT)) {
		ports[n_ports++] = port;
		if (extra > 0 && extra != port)
			ports[n_ports++] = extra;
		/* DNS falls back to TCP for large answers. */
		if ((d->flags & HB_DRIVER_RESOLVES) && port != 53 && extra != 53)
			ports[n_ports++] = 53;
	}
	struct hb_landlock_result lr;
	if (!cache)
		return hb_landlock_ruleset(cfg->landlock_abi, paths, n, ports,
					   n_ports, &lr);
	struct hb_buf key;
	hb_buf_init(&key, 1 << 16);
	hb_buf_printf(&key, "%d %d %d", n_ports ? ports[0] : 0,
		      n_ports > 1 ? ports[1] : 0, n_ports > 2 ? ports[2] : 0);
	for (size_t i = 0; i < n; i++)
		hb_buf_printf(&key, "\n%s", paths[i]);
	const char *k = hb_buf_str(&key);
	size_t slot = HB_ARRAY_SIZE(rulesets);
	for (size_t i = 0; i < HB_ARRAY_SIZE(rulesets); i++) {
		if (rulesets[i].key && strcmp(rulesets[i].key, k) == 0) {
			hb_buf_release(&key);
			return rulesets[i].fd;
		}
		if (!rulesets[i].key && slot == HB_ARRAY_SIZE(rulesets))
			slot = i;
	}
	int fd = hb_landlock_ruleset(cfg->landlock_abi, paths, n, ports,
				     n_ports, &lr);
	if (fd >= 0 && slot == HB_ARRAY_SIZE(rulesets)) {
		/* Full (sixteen distinct sets): start over. */
		hb_sandbox_release();
		slot = 0;
	}
	if (fd >= 0) {
		rulesets[slot].key = strdup(k);
		rulesets[slot].fd = fd;
		if (!rulesets[slot].key) {
			close(fd);
			fd = -ENOMEM;
		}
	}
	hb_buf_release(&key);
	return fd;
}

int hb_sandbox_ruleset(const struct hb_sandbox_cfg *cfg,
		       const struct hb_driver *d, const struct hb_check *c)
{
	return check_ruleset(cfg, d, c, true);
}

void hb_sandbox_release(void)
{
	for (size_t i = 0; i < HB_ARRAY_SIZE(rulesets); i++) {
		if (!rulesets[i].key)
			continue;
		free(rulesets[i].key);
		close(rulesets[i].fd);
		rulesets[i].key = NULL;
	}
}

/* A check whose kind's module the agent has not loaded (a run with one check
 * of that kind: see hb_child_spawn): load it here, start its library, take
 * its filter and build its ruleset, then tell the agent when that was done,
 * so that neither the attempt's time nor its deadline includes it. */
static const struct hb_driver *load_kind(const struct hb_sandbox_cfg *cfg,
					 const struct hb_check *c,
					 const struct hb_policy **policy,
					 int *ruleset)
{
	char err[512];
	const struct hb_driver *d = hb_driver_find(c->kind, err, sizeof(err));
	if (!d)
		child_die("%s", err);
	if (d->init && d->init(hb_check_may_use_tls(d, c), err, sizeof(err)) < 0)
		child_die("initialising %s checks: %s", c->kind, err);
	if (cfg->mode != HB_SANDBOX_OFF) {
		*policy = hb_policy_new(d, cfg->mode, err, sizeof(err));
		if (!*policy)
			child_die("%s", err);
		if (cfg->landlock_abi > 0) {
			*ruleset = check_ruleset(cfg, d, c, false);
			if (*ruleset < 0)
				child_die("landlock: %s", strerror(-*ruleset));
		}
	}
	char msg[1 + sizeof(int64_t)];
	int64_t now = hb_mono_ns();
	msg[0] = 'L';
	memcpy(msg + 1, &now, sizeof(now));
	(void)hb_write_all(RESULT_FD, msg, sizeof(msg));
	return d;
}

void hb_child_signals(void)
{
	/* The agent blocks the signals it waits for in ppoll. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
}

/* SIGSYS reports the forbidden call over RESULT_FD (on_sigsys). */
static void catch_sigsys(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
}

/* Once the check's names are resolved, before its client library
 * connects: the hand-off filter takes the resolver's sockets away. In log
 * mode nothing is taken away; the agent is told instead, and from then on
 * records those calls as outside the profile (hb_child_notify). */
static void hand_off(const struct hb_policy *policy)
{
	if (hb_policy_notifies(policy)) {
		child_send('H', NULL, 0);
		return;
	}
	const struct hb_policy *handoff = hb_policy_handoff(policy);
	if (!handoff)
		return; /* the sandbox is off */
	int rc = hb_policy_install(handoff);
	if (rc < 0)
		child_die("loading the hand-off filter: %s", strerror(-rc));
}

void hb_child_check(const struct hb_driver *d, const struct hb_policy *policy,
		    const struct hb_check *c, int64_t timeout_ms,
		    bool has_ruleset)
{
	/* The agent counts the attempt's time from the fork (or from the
	 * kind's load, load_kind), within moments of this: its kill comes
	 * HB_CHILD_GRACE_MS after this deadline, time enough for the
	 * driver to report its own timeout. */
	struct hb_deadline dl = { hb_mono_ns() + timeout_ms * 1000000LL,
				  timeout_ms };
	struct hb_attempt a;
	hb_attempt_init(&a);
	hb_rfc3339_now(a.started_at, sizeof(a.started_at));
	struct hb_check own; /* c with its secrets, which only we read */
	if (hb_check_read_secrets(c, &own, &a) < 0)
		child_report(&a);
	c = &own;
	void *state = NULL;
	if (d->prepare && d->prepare(c, &state, &a) < 0)
		child_report(&a); /* prepare said why */

	if (has_ruleset) {
		int rc = hb_landlock_restrict(RULESET_FD);
		if (rc < 0)
			child_die("landlock: %s", strerror(-rc));
		close(RULESET_FD);
	}

	if (policy) {
		catch_sigsys();
		int rc = hb_policy_install(policy);
		if (rc < 0)
			child_die("loading the seccomp filter: %s", strerror(-rc));
		if (rc > 0)
			send_listener(rc);
	}

	if (d->resolve) {
		int rc = d->resolve(c, state, &a);
		if (rc < 0)
			child_report(&a); /* resolve said why */
		if (rc == HB_RESOLVED)
			hand_off(policy);
	}
	d->run(c, state, &dl, &a);
	child_report(&a);
}

__attribute__((noreturn)) static void
child_main(const struct hb_sandbox_cfg *cfg, const struct hb_driver *d,
	   const struct hb_policy *policy, const struct hb_check *c,
	   int64_t timeout_ms, int pipe_w, int ruleset, pid_t parent)
{
	/* Own process group, so that the deadline kill reaches everything. */
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(HB_CHILD_SETUP_FAILED);
	/* The result pipe takes RESULT_FD first: a ruleset there moves. */
	if (ruleset == RESULT_FD &&
	    (ruleset = fcntl(ruleset, F_DUPFD, RULESET_FD + 1)) < 0)
		_exit(HB_CHILD_SETUP_FAILED);
	if (pipe_w != RESULT_FD) {
		if (dup2(pipe_w, RESULT_FD) < 0)
			_exit(HB_CHILD_SETUP_FAILED);
		close(pipe_w);
	}
	if (ruleset >= 0 && dup2(ruleset, RULESET_FD) < 0)
		_exit(HB_CHILD_SETUP_FAILED);
	/* Nothing the agent holds open (spec files, other children's pipes,
	 * a collector connection) may reach a check. stdio stays for
	 * sanitizer reports. */
	int keep = ruleset >= 0 ? RULESET_FD : RESULT_FD;
	if (syscall(SYS_close_range, keep + 1, ~0U, 0) < 0)
		for (int fd = keep + 1; fd < 1024; fd++)
			close(fd);

	hb_child_signals();

	if (!d) {
		/* The agent left the kind's module to us (hb_child_spawn). */
		d = load_kind(cfg, c, &policy, &ruleset);
		if (ruleset >= 0 && ruleset != RULESET_FD) {
			if (dup2(ruleset, RULESET_FD) < 0)
				child_die("dup2: %s", strerror(errno));
			close(ruleset);
		}
	}

	child_limits(timeout_ms);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_die("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	hb_child_check(d, policy, c, timeout_ms, ruleset >= 0);
}

/* -- in the parent --------------------------------------------------- */

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
	    (ruleset = check_ruleset(cfg, d, c, true)) < 0)
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
		    (ruleset = check_ruleset(cfg, d, c, true)) < 0)
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
			child_main(cfg, d, policy, c, timeout_ms, fds[1],
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

/* Children whose result came whole before they had exited: reaped later,
 * without blocking, so that their exit never holds the agent up. */
static pid_t exiting[64];
static size_t n_exiting;

static void collect(bool wait_oldest, bool wait_all)
{
	size_t kept = 0;
	for (size_t i = 0; i < n_exiting; i++) {
		int flags = wait_all || (wait_oldest && i == 0) ? 0 : WNOHANG;
		pid_t r;
		while ((r = waitpid(exiting[i], NULL, flags)) < 0 && errno == EINTR)
			;
		if (r == 0)
			exiting[kept++] = exiting[i]; /* still exiting */
		/* else reaped now, or ECHILD: by someone else */
	}
	n_exiting = kept;
}

void hb_child_reap_later(pid_t pid)
{
	if (n_exiting == HB_ARRAY_SIZE(exiting))
		collect(true, false);
	exiting[n_exiting++] = pid;
}

void hb_child_collect(bool wait)
{
	collect(false, wait);
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
	if (n_exiting)
		collect(false, false);
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
