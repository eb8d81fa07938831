/* SPDX-License-Identifier: MIT */
/* The check child's set-up after the fork (signals, rlimits, Landlock, the
 * filters, the driver) and the Landlock rulesets the agent builds for it:
 * what sandbox.c and zygote.c both start a child with. */
#include "sandbox.h"
#include "sandbox_int.h"

#include "landlock.h"
#include "osutil.h"
#include "driver.h"
#include "drivers.h"
#include "secrets.h"
#include "check.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
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
/* Where OpenSSL is told to look instead: a bundle's agent points these at
 * the bundle's files (bundle.c), as a user may. */
static const char *const tls_env[] = {
	"SSL_CERT_FILE", "SSL_CERT_DIR", "OPENSSL_CONF",
};

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
	if ((d->flags & HB_DRIVER_TLS) && hb_check_may_use_tls(d, c)) {
		for (size_t i = 0; i < HB_ARRAY_SIZE(tls_paths) && n < max; i++)
			paths[n++] = tls_paths[i];
		for (size_t i = 0; i < HB_ARRAY_SIZE(tls_env) && n < max; i++) {
			const char *v = getenv(tls_env[i]);
			if (v && *v)
				paths[n++] = v;
		}
	}
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

void hb_child_main(const struct hb_sandbox_cfg *cfg, const struct hb_driver *d,
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
