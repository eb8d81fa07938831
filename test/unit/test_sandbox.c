/* SPDX-License-Identifier: MIT */
/* The sandbox end to end with test drivers: forbidden calls, crashes, hangs,
 * limits and the calls glibc needs answered gently, through the real
 * policies, fork and result pipe. */
#include "hbtest.h"

#include "landlock.h"
#include "osutil.h"
#include "policy.h"
#include "pool.h"
#include "driver.h"
#include "sandbox.h"
#include "check.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void run_ptrace(const struct hb_check *c, void *s,
		       const struct hb_deadline *dl, struct hb_attempt *a)
{
	/* An invalid request: harmless where it is allowed. */
	syscall(SYS_ptrace, 0x7fffffff, 0, 0, 0);
	hb_attempt_pass(a);
}

static void run_segv(const struct hb_check *c, void *s,
		     const struct hb_deadline *dl, struct hb_attempt *a)
{
	raise(SIGSEGV);
}

static void run_hang(const struct hb_check *c, void *s,
		     const struct hb_deadline *dl, struct hb_attempt *a)
{
	for (;;)
		poll(NULL, 0, -1); /* as a driver waiting on a silent server */
}

static void run_clone3(const struct hb_check *c, void *s,
		       const struct hb_deadline *dl, struct hb_attempt *a)
{
	long rc = syscall(SYS_clone3, NULL, 0);
	if (rc < 0 && errno == ENOSYS)
		hb_attempt_pass(a);
	else
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED, "clone3: %ld errno %d",
				rc, errno);
}

static void run_packet(const struct hb_check *c, void *s,
		       const struct hb_deadline *dl, struct hb_attempt *a)
{
	socket(AF_PACKET, SOCK_RAW, 0);
	hb_attempt_pass(a);
}

static void run_write_file(const struct hb_check *c, void *s,
			   const struct hb_deadline *dl, struct hb_attempt *a)
{
	/* Landlock, where present, forbids creating files anywhere. */
	int fd = open("/tmp/hb-sandbox-should-not-exist", O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED, "open: %s",
				strerror(errno));
	else
		hb_attempt_pass(a);
}

static void run_details(const struct hb_check *c, void *s,
			const struct hb_deadline *dl, struct hb_attempt *a)
{
	hb_attempt_detail(a, "pid_differs", "%d", getpid() != getppid());
	hb_attempt_pass(a);
}

/* Landlock's reach, seen from a check: its own port and the paths it was
 * given are open to it, another port and other files are not. */
static int ports[2]; /* [0]: the check's own, [1]: another; set per test */

static int own_port(const struct hb_check *c)
{
	return ports[0];
}

static const char *errno_or_ok(int rc)
{
	return rc == 0 ? "ok" : strerrorname_np(errno);
}

static int connect_local(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc;
}

static void run_reach(const struct hb_check *c, void *s,
		      const struct hb_deadline *dl, struct hb_attempt *a)
{
	hb_attempt_detail(a, "own", "%s", errno_or_ok(connect_local(ports[0])));
	hb_attempt_detail(a, "other", "%s", errno_or_ok(connect_local(ports[1])));
	int fd = open("/etc/hosts", O_RDONLY); /* a resolver file: given */
	hb_attempt_detail(a, "hosts", "%s", errno_or_ok(fd < 0 ? -1 : 0));
	if (fd >= 0)
		close(fd);
	fd = open("/etc/passwd", O_RDONLY); /* not given */
	hb_attempt_detail(a, "passwd", "%s", errno_or_ok(fd < 0 ? -1 : 0));
	if (fd >= 0)
		close(fd);
	hb_attempt_pass(a);
}

static const struct hb_driver d_reach = {
	.name = "run_reach", .flags = HB_DRIVER_RESOLVES, .run = run_reach,
	.port = own_port, .syscalls = (const int[]){ -1 },
};

/* A kind that may use TLS, for a check that does or does not. */
static bool reach_tls;

static bool reach_uses_tls(const struct hb_check *c)
{
	return reach_tls;
}

static void run_reach_tls(const struct hb_check *c, void *s,
			  const struct hb_deadline *dl, struct hb_attempt *a)
{
	int fd = open("/etc/ssl/openssl.cnf", O_RDONLY);
	hb_attempt_detail(a, "openssl_cnf", "%s", errno_or_ok(fd < 0 ? -1 : 0));
	if (fd >= 0)
		close(fd);
	hb_attempt_pass(a);
}

static const struct hb_driver d_reach_tls = {
	.name = "run_reach_tls", .flags = HB_DRIVER_RESOLVES | HB_DRIVER_TLS,
	.uses_tls = reach_uses_tls, .run = run_reach_tls, .port = own_port,
	.syscalls = (const int[]){ -1 },
};

/* A listening socket on 127.0.0.1; returns its port. */
static int listen_local(int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(sa);
	if (bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(*fd, 8) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	return ntohs(sa.sin_port);
}

#define DRIVER(fn)                                                            \
	{ .name = #fn, .run = fn, .syscalls = (const int[]){ -1 } }

static const struct hb_driver d_ptrace = DRIVER(run_ptrace);
static const struct hb_driver d_segv = DRIVER(run_segv);
static const struct hb_driver d_hang = DRIVER(run_hang);
static const struct hb_driver d_clone3 = DRIVER(run_clone3);
static const struct hb_driver d_packet = DRIVER(run_packet);
static const struct hb_driver d_write = DRIVER(run_write_file);
static const struct hb_driver d_details = DRIVER(run_details);

/* Waits for the attempt's deadline, then times out in its own words, as
 * every driver does; poll is in every profile. */
static void run_until_deadline(const struct hb_check *c, void *s,
			       const struct hb_deadline *dl,
			       struct hb_attempt *a)
{
	int64_t left;
	while ((left = (dl->at_ns - hb_mono_ns()) / 1000000) > 0)
		poll(NULL, 0, (int)left);
	hb_attempt_fail(a, HB_CLASS_TIMEOUT, "own timeout after %lld ms",
			(long long)dl->ms);
}

static const struct hb_driver d_until = DRIVER(run_until_deadline);

static void finish_attempt(struct hb_child *c, struct hb_attempt *a);

static void attempt(const struct hb_driver *d, enum hb_sandbox_mode mode,
		    int64_t timeout_ms, struct hb_attempt *a)
{
	char err[256];
	struct hb_check c;
	memset(&c, 0, sizeof(c));
	c.timeout_ms = timeout_ms;
	struct hb_policy *p = NULL;
	if (mode != HB_SANDBOX_OFF) {
		p = hb_policy_new(d, mode, err, sizeof(err));
		if (!p)
			HB_FAIL_("policy: %s", err);
	}
	struct hb_sandbox_cfg cfg = { mode, mode == HB_SANDBOX_OFF ? 0 : hb_landlock_abi() };
	struct hb_child ch;
	ASSERT_EQ_INT(hb_child_spawn(&cfg, d, p, &c, timeout_ms, &ch, err, sizeof(err)), 0);
	finish_attempt(&ch, a);
	hb_policy_free(p);
}

/* Waits as the pool does (until exit or the deadline), then reaps. */
static void finish_attempt(struct hb_child *c, struct hb_attempt *a)
{
	struct hb_child ch = *c;
	while (!ch.eof && hb_mono_ns() < ch.deadline_ns) {
		struct pollfd pf[2] = { { ch.result_fd, POLLIN, 0 },
					{ ch.notify_fd, POLLIN, 0 } };
		poll(pf, ch.notify_fd >= 0 ? 2 : 1, 10);
		if (pf[0].revents)
			hb_child_read(&ch);
		if (ch.notify_fd >= 0 && pf[1].revents)
			hb_child_notify(&ch);
	}
	if (!ch.eof)
		hb_child_kill(&ch);
	hb_child_reap(&ch, a);
}

HB_TEST(forbidden_call_is_named)
{
	struct hb_attempt a;
	attempt(&d_ptrace, HB_SANDBOX_ENFORCE, 2000, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_SANDBOX_VIOLATION);
	ASSERT_CONTAINS(a.message, "\"ptrace\"");
	ASSERT_STREQ(hb_attempt_get_detail(&a, "syscall"), "ptrace");
}

HB_TEST(same_call_passes_without_sandbox)
{
	struct hb_attempt a;
	attempt(&d_ptrace, HB_SANDBOX_OFF, 2000, &a);
	ASSERT_EQ_INT(a.outcome, HB_PASSED);
}

HB_TEST(log_mode_lets_the_call_through_and_names_it)
{
	struct hb_attempt a;
	attempt(&d_ptrace, HB_SANDBOX_LOG, 2000, &a);
	ASSERT_EQ_INT(a.outcome, HB_PASSED);
	ASSERT_CONTAINS(hb_attempt_get_detail(&a, "unlisted_syscalls"), "ptrace");
	/* A check that stays within its list records nothing. */
	attempt(&d_details, HB_SANDBOX_LOG, 2000, &a);
	ASSERT_EQ_INT(a.outcome, HB_PASSED);
	ASSERT(hb_attempt_get_detail(&a, "unlisted_syscalls") == NULL);
}

HB_TEST(log_mode_result_read_after_exit)
{
	/* The agent may first read a log-mode child's socket after the child
	 * has exited: the listener's tag and the result must both be read
	 * then, by the one read in reap. */
	char err[256];
	struct hb_check c;
	memset(&c, 0, sizeof(c));
	c.timeout_ms = 2000;
	struct hb_policy *p = hb_policy_new(&d_details, HB_SANDBOX_LOG, err, sizeof(err));
	ASSERT(p != NULL);
	struct hb_sandbox_cfg cfg = { HB_SANDBOX_LOG, 0 };
	for (int i = 0; i < 20; i++) {
		struct hb_child ch;
		struct hb_attempt a;
		ASSERT_EQ_INT(hb_child_spawn(&cfg, &d_details, p, &c, 2000, &ch, err,
					     sizeof(err)), 0);
		struct pollfd pf = { ch.pidfd, POLLIN, 0 };
		ASSERT_EQ_INT(poll(&pf, 1, 5000), 1);
		hb_child_reap(&ch, &a);
		if (a.outcome != HB_PASSED)
			HB_FAIL_("round %d: %s", i, a.message);
		ASSERT_STREQ(hb_attempt_get_detail(&a, "pid_differs"), "1");
	}
	hb_policy_free(p);
}

HB_TEST(raw_sockets_are_forbidden)
{
	struct hb_attempt a;
	attempt(&d_packet, HB_SANDBOX_ENFORCE, 2000, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_SANDBOX_VIOLATION);
	ASSERT_CONTAINS(a.message, "\"socket\"");
}

HB_TEST(clone3_answers_enosys)
{
	struct hb_attempt a;
	attempt(&d_clone3, HB_SANDBOX_ENFORCE, 2000, &a);
	if (a.outcome != HB_PASSED)
		HB_FAIL_("clone3: %s", a.message);
}

HB_TEST(crash_is_reported)
{
	struct hb_attempt a;
	attempt(&d_segv, HB_SANDBOX_ENFORCE, 2000, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_CRASHED);
#ifndef HB_SANITIZER_BUILD
	/* ASan catches SIGSEGV itself and exits 1: still CRASHED. */
	ASSERT_CONTAINS(a.message, "SEGV");
#endif
}

HB_TEST(hang_is_killed_at_deadline)
{
	struct hb_attempt a;
	int64_t t0 = hb_mono_ms();
	attempt(&d_hang, HB_SANDBOX_ENFORCE, 300, &a);
	int64_t took = hb_mono_ms() - t0;
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_TIMEOUT);
	ASSERT(took >= 300);
	if (took > 300 + HB_CHILD_GRACE_MS + 700)
		HB_FAIL_("killed after %lld ms", (long long)took);
}

HB_TEST(files_cannot_be_created_under_landlock)
{
	if (hb_landlock_abi() < 1) {
		printf("skip: no Landlock on this kernel\n");
		return;
	}
	struct hb_attempt a;
	unlink("/tmp/hb-sandbox-should-not-exist");
	attempt(&d_write, HB_SANDBOX_ENFORCE, 2000, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_ASSERTION_FAILED);
	ASSERT_CONTAINS(a.message, "Permission denied");
	ASSERT(access("/tmp/hb-sandbox-should-not-exist", F_OK) < 0);
}

HB_TEST(results_cross_the_pipe)
{
	struct hb_attempt a;
	attempt(&d_details, HB_SANDBOX_ENFORCE, 2000, &a);
	ASSERT_EQ_INT(a.outcome, HB_PASSED);
	ASSERT_STREQ(hb_attempt_get_detail(&a, "pid_differs"), "1");
}

HB_TEST(pool_retries_and_keeps_order)
{
	struct hb_check c[3];
	struct hb_job jobs[3];
	memset(c, 0, sizeof(c));
	memset(jobs, 0, sizeof(jobs));
	const struct hb_driver *ds[3] = { &d_details, &d_segv, &d_hang };
	char err[256];
	struct hb_policy *p[3];
	for (int i = 0; i < 3; i++) {
		/* The crash ends at once whatever its timeout; a long one keeps
		 * a sanitizer build's slow SEGV report (symbolising under a
		 * loaded machine) from turning it into a timeout. */
		c[i].timeout_ms = ds[i] == &d_segv ? 10000 : 200;
		c[i].retry.attempts = 3;
		c[i].retry.interval_ms = 10;
		c[i].retry.backoff = 2.0;
		p[i] = hb_policy_new(ds[i], HB_SANDBOX_ENFORCE, err, sizeof(err));
		jobs[i].check = &c[i];
		jobs[i].driver = ds[i];
		jobs[i].policy = p[i];
	}
	struct hb_pool_opts o = { .parallel = 2, .sandbox = { HB_SANDBOX_ENFORCE, 0 } };
	ASSERT_EQ_INT(hb_pool_run(&o, jobs, 3), 0);
	ASSERT_EQ_INT(jobs[0].outcome, HB_PASSED);
	ASSERT_EQ_INT(jobs[0].n_attempts, 1);
	/* A crash is not retried: it would crash again. */
	ASSERT_EQ_INT(jobs[1].failure_class, HB_CLASS_CRASHED);
	ASSERT_EQ_INT(jobs[1].n_attempts, 1);
	/* A timeout is, three times in all. */
	ASSERT_EQ_INT(jobs[2].failure_class, HB_CLASS_TIMEOUT);
	ASSERT_EQ_INT(jobs[2].n_attempts, 3);
	ASSERT_EQ_INT(jobs[2].kept[2].number, 3);
	for (int i = 0; i < 3; i++) {
		hb_job_release(&jobs[i]);
		hb_policy_free(p[i]);
	}
}

HB_TEST(pool_wait_deadline_bounds_retries)
{
	struct hb_check c;
	struct hb_job job;
	memset(&c, 0, sizeof(c));
	memset(&job, 0, sizeof(job));
	c.timeout_ms = 10000; /* as above: the crash, not a timeout, ends it */
	c.retry.attempts = 1;
	c.retry.interval_ms = 50;
	c.retry.backoff = 1.0;
	c.retry.wait_ms = 20000;
	job.check = &c;
	job.driver = &d_segv; /* not retried even while waiting */
	struct hb_pool_opts o = { .parallel = 1, .sandbox = { HB_SANDBOX_OFF, 0 } };
	ASSERT_EQ_INT(hb_pool_run(&o, &job, 1), 0);
	ASSERT_EQ_INT(job.failure_class, HB_CLASS_CRASHED);
	ASSERT_EQ_INT(job.n_attempts, 1);
	hb_job_release(&job);

	c.timeout_ms = 100;
	c.retry.wait_ms = 1000;

	memset(&job, 0, sizeof(job));
	job.check = &c;
	job.driver = &d_hang;
	int64_t t0 = hb_mono_ms();
	ASSERT_EQ_INT(hb_pool_run(&o, &job, 1), 0);
	int64_t took = hb_mono_ms() - t0;
	ASSERT_EQ_INT(job.failure_class, HB_CLASS_TIMEOUT);
	ASSERT(job.n_attempts >= 2);
	if (took > 1000 + 100 + HB_CHILD_GRACE_MS + 500)
		HB_FAIL_("waited %lld ms for a 1000 ms deadline", (long long)took);
	hb_job_release(&job);
}

/* A child that has sent its whole result ends the attempt at once; its exit
 * is reaped later, and none is left behind (more than the 64 the sandbox
 * keeps in flight, so the full-table path runs too). */
HB_TEST(finished_children_are_reaped_later_and_none_left)
{
	char err[256];
	struct hb_check c;
	memset(&c, 0, sizeof(c));
	c.timeout_ms = 5000;
	struct hb_sandbox_cfg cfg = { HB_SANDBOX_OFF, 0 };
	for (int i = 0; i < 80; i++) {
		struct hb_child ch;
		ASSERT_EQ_INT(hb_child_spawn(&cfg, &d_details, NULL, &c, 5000, &ch,
					     err, sizeof(err)), 0);
		while (!ch.eof) {
			struct pollfd pf = { ch.result_fd, POLLIN, 0 };
			poll(&pf, 1, 1000);
			hb_child_read(&ch);
		}
		ASSERT(hb_child_finished(&ch));
		struct hb_attempt a;
		hb_child_reap(&ch, &a);
		ASSERT_EQ_INT(a.outcome, HB_PASSED);
		ASSERT_STREQ(hb_attempt_get_detail(&a, "pid_differs"), "1");
	}
	hb_child_collect(true);
	errno = 0;
	ASSERT_EQ_INT(waitpid(-1, NULL, WNOHANG), -1);
	ASSERT_EQ_INT(errno, ECHILD);
}

/* The agent builds one ruleset per distinct set of ports and paths and the
 * children inherit it: each check must get its own port, not the previous
 * check's, nor any port. */
HB_TEST(landlock_allows_the_checks_own_port_and_paths_only)
{
	int abi = hb_landlock_abi();
	if (abi < 1) {
		printf("skip: no Landlock on this kernel\n");
		return;
	}
	int fa, fb;
	int pa = listen_local(&fa), pb = listen_local(&fb);
	ASSERT(pa > 0 && pb > 0);
	for (int round = 0; round < 2; round++) {
		/* First a, then b: the second must not reuse a's ruleset. */
		ports[0] = round ? pb : pa;
		ports[1] = round ? pa : pb;
		struct hb_attempt a;
		attempt(&d_reach, HB_SANDBOX_ENFORCE, 2000, &a);
		ASSERT_EQ_INT(a.outcome, HB_PASSED);
		ASSERT_STREQ(hb_attempt_get_detail(&a, "own"), "ok");
		ASSERT_STREQ(hb_attempt_get_detail(&a, "other"),
			     abi >= 4 ? "EACCES" : "ok");
		ASSERT_STREQ(hb_attempt_get_detail(&a, "hosts"), "ok");
		ASSERT_STREQ(hb_attempt_get_detail(&a, "passwd"), "EACCES");
	}
	/* The TLS files: only for a check that may use TLS. */
	if (access("/etc/ssl/openssl.cnf", R_OK) == 0) {
		for (int tls = 0; tls < 2; tls++) {
			reach_tls = tls;
			struct hb_attempt a;
			attempt(&d_reach_tls, HB_SANDBOX_ENFORCE, 2000, &a);
			ASSERT_EQ_INT(a.outcome, HB_PASSED);
			ASSERT_STREQ(hb_attempt_get_detail(&a, "openssl_cnf"),
				     tls ? "ok" : "EACCES");
		}
	}
	close(fa);
	close(fb);
}

/* -- the zygote (zygote.c) -------------------------------------------- */

static void run_parent(const struct hb_check *c, void *s,
		       const struct hb_deadline *dl, struct hb_attempt *a)
{
	hb_attempt_detail(a, "ppid", "%d", (int)getppid());
	hb_attempt_pass(a);
}
static const struct hb_driver d_parent = DRIVER(run_parent);

/* Three checks of driver d, and a zygote for them. */
static struct hb_zygote *zygote_of(const struct hb_driver *d,
				   enum hb_sandbox_mode mode,
				   struct hb_check checks[3],
				   const struct hb_check *by_index[3],
				   struct hb_policy **p)
{
	char err[256];
	for (int i = 0; i < 3; i++) {
		memset(&checks[i], 0, sizeof(checks[i]));
		checks[i].kind = (char *)d->name;
		checks[i].timeout_ms = 2000;
		by_index[i] = &checks[i];
	}
	*p = hb_policy_new(d, mode, err, sizeof(err));
	struct hb_sandbox_cfg cfg = { mode, hb_landlock_abi() };
	struct hb_zygote *z = hb_zygote_start(&cfg, d, *p, by_index, 3, err,
					      sizeof(err));
	if (!z)
		HB_FAIL_("zygote: %s", err);
	return z;
}

static void attempt_via(struct hb_zygote *z, size_t index, int64_t timeout_ms,
			struct hb_attempt *a)
{
	char err[256];
	struct hb_child ch;
	ASSERT_EQ_INT(hb_child_spawn_via(z, index, timeout_ms, &ch, err,
					 sizeof(err)), 0);
	finish_attempt(&ch, a);
}

HB_TEST(a_zygotes_children_are_the_agents)
{
	struct hb_check checks[3];
	const struct hb_check *by_index[3];
	struct hb_policy *p;
	struct hb_zygote *z = zygote_of(&d_parent, HB_SANDBOX_ENFORCE, checks,
					by_index, &p);
	char me[16];
	snprintf(me, sizeof(me), "%d", (int)getpid());
	for (size_t i = 0; i < 3; i++) {
		struct hb_attempt a;
		attempt_via(z, i, 2000, &a);
		ASSERT_EQ_INT(a.outcome, HB_PASSED);
		ASSERT_STREQ(hb_attempt_get_detail(&a, "ppid"), me);
	}
	hb_zygote_stop(z);
	hb_policy_free(p);
	hb_child_collect(true);
}

HB_TEST(a_zygotes_child_is_confined_and_killed_like_any)
{
	struct hb_check checks[3];
	const struct hb_check *by_index[3];
	struct hb_policy *p;
	struct hb_attempt a;
	struct hb_zygote *z = zygote_of(&d_ptrace, HB_SANDBOX_ENFORCE, checks,
					by_index, &p);
	attempt_via(z, 0, 2000, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_SANDBOX_VIOLATION);
	ASSERT_STREQ(hb_attempt_get_detail(&a, "syscall"), "ptrace");
	hb_zygote_stop(z);
	hb_policy_free(p);

	z = zygote_of(&d_hang, HB_SANDBOX_ENFORCE, checks, by_index, &p);
	int64_t t0 = hb_mono_ns();
	attempt_via(z, 1, 200, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_TIMEOUT);
	ASSERT((hb_mono_ns() - t0) / 1000000 < 200 + HB_CHILD_GRACE_MS + 1000);
	hb_zygote_stop(z);
	hb_policy_free(p);

	/* Its driver is given the attempt's time, not the check's 2000 ms. */
	z = zygote_of(&d_until, HB_SANDBOX_ENFORCE, checks, by_index, &p);
	attempt_via(z, 2, 300, &a);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_TIMEOUT);
	ASSERT_STREQ(a.message, "own timeout after 300 ms");
	hb_zygote_stop(z);
	hb_policy_free(p);
	hb_child_collect(true);
}

HB_TEST(without_its_zygote_the_agent_forks)
{
	struct hb_check checks[3];
	const struct hb_check *by_index[3];
	struct hb_policy *p;
	struct hb_zygote *z = zygote_of(&d_parent, HB_SANDBOX_ENFORCE, checks,
					by_index, &p);
	pid_t zp = hb_zygote_pid(z);
	ASSERT(zp > 0);
	ASSERT_EQ_INT(kill(zp, SIGKILL), 0);
	ASSERT_EQ_INT(waitpid(zp, NULL, 0), zp);
	for (size_t i = 0; i < 2; i++) {
		struct hb_attempt a;
		attempt_via(z, i, 2000, &a);
		ASSERT_EQ_INT(a.outcome, HB_PASSED);
	}
	hb_zygote_stop(z);
	hb_policy_free(p);
	hb_child_collect(true);
}

/* A kind that hands off (HB_DRIVER_HANDOFF): its resolve step may use
 * what resolving a name needs; after it, its run may make TCP sockets and
 * socket pairs only. What run then tries is set per test. */
static const char *after_handoff; /* "udp", "unix", "netlink", "mptcp",
				   * "sysinfo", "seccomp", or NULL: nothing
				   * forbidden */
static int resolve_answer = HB_RESOLVED;

static int try_socket(int family, int type)
{
	int fd = socket(family, type, 0);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static int resolve_with_udp(const struct hb_check *c, void *s,
			    struct hb_attempt *a)
{
	hb_attempt_detail(a, "udp_resolving", "%s",
			  errno_or_ok(try_socket(AF_INET, SOCK_DGRAM)));
	hb_attempt_detail(a, "unix_resolving", "%s",
			  errno_or_ok(try_socket(AF_UNIX, SOCK_DGRAM)));
	return resolve_answer;
}

static void run_after_handoff(const struct hb_check *c, void *s,
			      const struct hb_deadline *dl, struct hb_attempt *a)
{
	int sv[2];
	hb_attempt_detail(a, "tcp", "%s",
			  errno_or_ok(try_socket(AF_INET6, SOCK_STREAM |
								   SOCK_NONBLOCK |
								   SOCK_CLOEXEC)));
	int rc = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	hb_attempt_detail(a, "socketpair", "%s", errno_or_ok(rc));
	if (rc == 0) {
		close(sv[0]);
		close(sv[1]);
	}
	const char *what = after_handoff ? after_handoff : "";
	if (strcmp(what, "udp") == 0)
		try_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC);
	else if (strcmp(what, "unix") == 0)
		try_socket(AF_UNIX, SOCK_STREAM);
	else if (strcmp(what, "netlink") == 0)
		try_socket(AF_NETLINK, SOCK_RAW);
	else if (strcmp(what, "mptcp") == 0) /* IPPROTO_MPTCP */
		socket(AF_INET, SOCK_STREAM, 262);
	else if (strcmp(what, "sysinfo") == 0)
		syscall(SYS_sysinfo, NULL);
	else if (strcmp(what, "seccomp") == 0)
		syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			SECCOMP_FILTER_FLAG_TSYNC, NULL);
	hb_attempt_pass(a);
}

static const struct hb_driver d_handoff = {
	.name = "run_handoff", .flags = HB_DRIVER_RESOLVES | HB_DRIVER_HANDOFF,
	.resolve = resolve_with_udp, .run = run_after_handoff,
	/* As http's: a socket pair connects to nothing outside, and stays. */
	.syscalls = (const int[]){ SYS_socketpair, -1 },
};

HB_TEST(resolving_may_use_udp_and_unix_then_only_tcp)
{
	struct hb_attempt a;
	after_handoff = NULL;
	attempt(&d_handoff, HB_SANDBOX_ENFORCE, 2000, &a);
	if (a.outcome != HB_PASSED)
		HB_FAIL_("%s", a.message);
	ASSERT_STREQ(hb_attempt_get_detail(&a, "udp_resolving"), "ok");
	ASSERT_STREQ(hb_attempt_get_detail(&a, "unix_resolving"), "ok");
	ASSERT_STREQ(hb_attempt_get_detail(&a, "tcp"), "ok");
	ASSERT_STREQ(hb_attempt_get_detail(&a, "socketpair"), "ok");
}

HB_TEST(after_the_hand_off_what_resolving_needed_is_forbidden)
{
	static const char *const calls[][2] = {
		{ "udp", "socket" }, { "unix", "socket" }, { "netlink", "socket" },
		{ "mptcp", "socket" },
		{ "sysinfo", "sysinfo" }, { "seccomp", "seccomp" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(calls); i++) {
		struct hb_attempt a;
		after_handoff = calls[i][0];
		attempt(&d_handoff, HB_SANDBOX_ENFORCE, 2000, &a);
		if (a.failure_class != HB_CLASS_SANDBOX_VIOLATION)
			HB_FAIL_("%s: %s", calls[i][0], a.message);
		ASSERT_STREQ(hb_attempt_get_detail(&a, "syscall"), calls[i][1]);
		/* Without the sandbox, the same run passes. */
		attempt(&d_handoff, HB_SANDBOX_OFF, 2000, &a);
		ASSERT_EQ_INT(a.outcome, HB_PASSED);
	}
	after_handoff = NULL;
}

HB_TEST(a_check_that_keeps_its_resolver_may_use_udp)
{
	struct hb_attempt a;
	after_handoff = "udp";
	resolve_answer = HB_RESOLVE_KEEP;
	attempt(&d_handoff, HB_SANDBOX_ENFORCE, 2000, &a);
	resolve_answer = HB_RESOLVED;
	after_handoff = NULL;
	if (a.outcome != HB_PASSED)
		HB_FAIL_("%s", a.message);
}

HB_TEST(log_mode_names_the_resolvers_calls_past_the_hand_off_only)
{
	struct hb_attempt a;
	after_handoff = NULL;
	attempt(&d_handoff, HB_SANDBOX_LOG, 2000, &a);
	ASSERT_EQ_INT(a.outcome, HB_PASSED);
	ASSERT(hb_attempt_get_detail(&a, "unlisted_syscalls") == NULL);
	after_handoff = "udp";
	attempt(&d_handoff, HB_SANDBOX_LOG, 2000, &a);
	after_handoff = NULL;
	ASSERT_EQ_INT(a.outcome, HB_PASSED);
	ASSERT_STREQ(hb_attempt_get_detail(&a, "unlisted_syscalls"), "socket");
}

HB_TEST(a_zygotes_child_hands_off_too)
{
	struct hb_check checks[3];
	const struct hb_check *by_index[3];
	struct hb_policy *p;
	struct hb_attempt a;
	after_handoff = "udp";
	struct hb_zygote *z = zygote_of(&d_handoff, HB_SANDBOX_ENFORCE, checks,
					by_index, &p);
	attempt_via(z, 0, 2000, &a);
	after_handoff = NULL;
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_SANDBOX_VIOLATION);
	ASSERT_STREQ(hb_attempt_get_detail(&a, "syscall"), "socket");
	hb_zygote_stop(z);
	hb_policy_free(p);
	hb_child_collect(true);
}

/* A ruleset for an older ABI leaves scoping out, and the kernel takes it
 * (struct landlock_ruleset_attr of that ABI's size): what a pod on Linux 6.7
 * to 6.11 gets. */
HB_TEST(landlock_scopes_from_abi_6_only)
{
	int abi = hb_landlock_abi();
	if (abi < 1) {
		printf("skip: no Landlock on this kernel\n");
		return;
	}
	const char *paths[] = { "/etc/hosts" };
	int port = 80;
	for (int as = 1; as <= abi; as++) {
		struct hb_landlock_result lr;
		int fd = hb_landlock_ruleset(as, paths, 1, &port, 1, &lr);
		if (fd < 0)
			HB_FAIL_("ABI %d: %s", as, strerror(-fd));
		ASSERT_EQ_INT(lr.fs, true);
		ASSERT_EQ_INT(lr.net, as >= 4);
		ASSERT_EQ_INT(lr.scoped, as >= 6);
		close(fd);
	}
}

/* The attempt's time, as the scheduler clamps it to what is left of
 * --wait, is the driver's deadline: its own timeout comes before the
 * agent's kill (through a zygote: a_zygotes_child_is_confined...). */
HB_TEST(the_driver_is_given_the_attempts_deadline)
{
	struct hb_check c;
	struct hb_job job;
	memset(&c, 0, sizeof(c));
	memset(&job, 0, sizeof(job));
	c.timeout_ms = 10000;
	c.retry.attempts = 1;
	c.retry.interval_ms = 50;
	c.retry.backoff = 1.0;
	c.retry.wait_ms = 1000;
	job.check = &c;
	job.driver = &d_until;
	struct hb_pool_opts o = { .parallel = 1, .sandbox = { HB_SANDBOX_OFF, 0 } };
	int64_t t0 = hb_mono_ms();
	ASSERT_EQ_INT(hb_pool_run(&o, &job, 1), 0);
	int64_t took = hb_mono_ms() - t0;
	ASSERT_EQ_INT(job.failure_class, HB_CLASS_TIMEOUT);
	ASSERT_STREQ(job.message, "own timeout after 1000 ms");
	if (took > 1000 + HB_CHILD_GRACE_MS)
		HB_FAIL_("took %lld ms for a 1000 ms deadline", (long long)took);
	hb_job_release(&job);

}

HB_TEST_MAIN(forbidden_call_is_named, same_call_passes_without_sandbox,
	     log_mode_lets_the_call_through_and_names_it,
	     log_mode_result_read_after_exit, raw_sockets_are_forbidden,
	     clone3_answers_enosys, crash_is_reported, hang_is_killed_at_deadline,
	     files_cannot_be_created_under_landlock, results_cross_the_pipe,
	     pool_retries_and_keeps_order, pool_wait_deadline_bounds_retries,
	     finished_children_are_reaped_later_and_none_left,
	     landlock_allows_the_checks_own_port_and_paths_only,
	     a_zygotes_children_are_the_agents,
	     a_zygotes_child_is_confined_and_killed_like_any,
	     without_its_zygote_the_agent_forks,
	     resolving_may_use_udp_and_unix_then_only_tcp,
	     after_the_hand_off_what_resolving_needed_is_forbidden,
	     a_check_that_keeps_its_resolver_may_use_udp,
	     log_mode_names_the_resolvers_calls_past_the_hand_off_only,
	     a_zygotes_child_hands_off_too, landlock_scopes_from_abi_6_only,
	     the_driver_is_given_the_attempts_deadline)
