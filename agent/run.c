/* SPDX-License-Identifier: MIT */
/* One agent run: load the spec, prepare the drivers and their filters, run
 * the checks, report. */
#include "run.h"

#include "buf.h"
#include "cli.h"
#include "classify.h"
#include "deliver.h"
#include "delivery.h"
#include "drivers.h"
#include "exec.h"
#include "install.h"
#include "jq_expect.h"
#include "landlock.h"
#include "osutil.h"
#include "output.h"
#include "pool.h"
#include "report.h"
#include "spec.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HB_VERSION
#define HB_VERSION "0.0.0"
#endif

static volatile sig_atomic_t cancelled;

static void on_stop(int sig)
{
	cancelled = sig;
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

/* Each kind's driver, init and filter, once per run however many checks. */
struct kind_slot {
	const char *kind;
	const struct hb_driver *driver;
	struct hb_policy *policy;
};

/* Each expect.jq, compiled by libjq in the jq module, which only a spec
 * with one loads, so that no other run maps libjq (the parser cannot: it
 * does no I/O). A bad one is a spec error at its JSON path; a good one is
 * kept, so that each child of the check inherits it (libjq 1.6 takes about
 * 40 ms of CPU to compile). */
static int compile_jq(struct hb_spec *s)
{
	hb_jq_new_fn *compile = NULL;
	char why[256];
	for (size_t i = 0; i < s->n_checks; i++) {
		struct hb_check *c = &s->checks[i];
		if (!c->expect.jq)
			continue;
		if (!compile && !(compile = (hb_jq_new_fn *)hb_module_symbol(
					  "jq", HB_JQ_NEW_SYMBOL, why,
					  sizeof(why)))) {
			fprintf(stderr, "hookbox: %s\n", why);
			return -1;
		}
		if (!(c->jq_compiled = compile(c->expect.jq, why, sizeof(why)))) {
			/* A kubernetes check's is its own "jq". */
			fprintf(stderr, "hookbox: %s: checks[%zu].%s: %s\n",
				s->source, i,
				strcmp(c->kind, "kubernetes") == 0 ? "jq"
								   : "expect.jq",
				why);
			return -1;
		}
	}
	return 0;
}

/* Frees s with what compile_jq kept. */
static void spec_free(struct hb_spec *s)
{
	hb_jq_free_fn *release = NULL;
	char why[256];
	for (size_t i = 0; s && i < s->n_checks; i++) {
		if (!s->checks[i].jq_compiled)
			continue;
		if (!release)
			release = (hb_jq_free_fn *)hb_module_symbol(
				"jq", HB_JQ_FREE_SYMBOL, why, sizeof(why));
		if (release)
			release(s->checks[i].jq_compiled);
	}
	hb_spec_free(s);
}

static struct hb_spec *load_spec(const struct hb_cli *cli)
{
	struct hb_spec_error err;
	struct hb_spec *s = NULL;
	if (cli->spec_json) {
		char *text = cJSON_PrintUnformatted(cli->spec_json);
		if (!text) {
			fprintf(stderr, "hookbox: out of memory\n");
			return NULL;
		}
		/* A one-liner's arguments expand as a spec's strings do: in a
		 * pod's args no shell runs (Kubernetes expands only $(VAR)),
		 * and a literal "${ES_PW}" would go out as the password. */
		s = hb_spec_parse(text, strlen(text), "command line", env_get,
				  &err);
		free(text);
	} else {
		struct hb_buf b;
		int rc;
		const char *name = cli->spec_path;
		if (strcmp(name, "-") == 0) {
			rc = hb_read_fd(0, HB_SPEC_MAX_BYTES, &b);
			name = "stdin";
		} else {
			rc = hb_read_file(name, HB_SPEC_MAX_BYTES, &b);
		}
		if (rc < 0) {
			fprintf(stderr, "hookbox: reading spec \"%s\": %s\n", name,
				rc == -E2BIG ? "larger than 4 MiB" : strerror(-rc));
			return NULL;
		}
		s = hb_spec_parse(hb_buf_str(&b), b.len, name,
				  cli->no_env ? hb_spec_no_env : env_get, &err);
		hb_buf_release(&b);
	}
	if (!s) {
		fprintf(stderr, "hookbox: %s\n", err.msg);
		return NULL;
	}
	/* --no-env checks the spec outside its pod: the files a pod mounts
	 * (Secrets, CAs) and its proxy variables are its environment too. */
	if (!cli->no_env && (hb_spec_kubernetes(s, env_get, &err) < 0 ||
			     hb_spec_resolve_files(s, &err) < 0 ||
			     hb_spec_proxies(s, env_get, &err) < 0)) {
		fprintf(stderr, "hookbox: %s\n", err.msg);
		hb_spec_free(s);
		return NULL;
	}
	if (compile_jq(s) < 0) {
		spec_free(s);
		return NULL;
	}
	return s;
}

/* The report goes out through the module of HB_DELIVER_KIND (deliver.c). */
static bool collector_uses_tls(const struct hb_cli *cli)
{
	return cli->collector && strncasecmp(cli->collector, "http://", 7) != 0;
}

/* Whether the kind needs TLS in this run (hb_driver.init's tls, and for a
 * kind with a plain build which build loads: hb_kind_set_tls): any of its
 * checks may use it (hb_kind_may_use_tls; d NULL before the module is
 * loaded), or the report goes through its module to an https collector. */
static bool kind_needs_tls(const struct hb_cli *cli, const struct hb_spec *s,
			   const struct hb_kind *k, const struct hb_driver *d)
{
	if (k->id == HB_DELIVER_KIND && collector_uses_tls(cli))
		return true;
	for (size_t i = 0; i < s->n_checks; i++)
		if (strcmp(s->checks[i].kind, k->name) == 0 &&
		    hb_kind_may_use_tls(k, d, &s->checks[i]))
			return true;
	return false;
}

/* Whether a kind that shares k's module (k included) needs TLS in this
 * run: the module's one start of OpenSSL, whichever kind's comes first,
 * must then load its configuration (kinds/ossl.h). */
static bool module_needs_tls(const struct hb_cli *cli, const struct hb_spec *s,
			     const struct hb_kind *k, const struct hb_driver *d)
{
	for (size_t i = 0; i < HB_KIND_COUNT; i++) {
		const struct hb_kind *o = &hb_kinds[i];
		if (o == k ? kind_needs_tls(cli, s, k, d)
			   : o->module && k->module &&
				     strcmp(o->module, k->module) == 0 &&
				     kind_needs_tls(cli, s, o, NULL))
			return true;
	}
	return false;
}

/* Whether the run has a check of another kind in k's module that has no
 * plain build (grpc, in the http module: h2c needs nghttp2): then the
 * full module loads. */
static bool module_shared(const struct hb_spec *s, const struct hb_kind *k)
{
	for (size_t i = 0; i < s->n_checks; i++) {
		const struct hb_kind *o = hb_kind_find(s->checks[i].kind);
		if (o && o != k && !o->plain && o->module && k->module &&
		    strcmp(o->module, k->module) == 0)
			return true;
	}
	return false;
}

static int prepare_kinds(const struct hb_cli *cli, const struct hb_spec *s,
			 enum hb_sandbox_mode mode, struct kind_slot *slots,
			 size_t *n_slots, struct hb_job *jobs)
{
	char err[512];
	/* Before the agent or a child loads a module: a run of plain http://
	 * checks reporting to a plain collector loads the build without TLS. */
	for (size_t i = 0; i < HB_KIND_COUNT; i++)
		if (hb_kinds[i].plain)
			hb_kind_set_tls(&hb_kinds[i],
					module_needs_tls(cli, s, &hb_kinds[i], NULL) ||
					module_shared(s, &hb_kinds[i]));
	for (size_t i = 0; i < s->n_checks; i++) {
		const struct hb_check *c = &s->checks[i];
		struct kind_slot *k = NULL;
		for (size_t j = 0; j < *n_slots; j++)
			if (strcmp(slots[j].kind, c->kind) == 0)
				k = &slots[j];
		if (!k) {
			k = &slots[(*n_slots)++];
			k->kind = c->kind;
			/* A kind with one check: its child loads the module, and
			 * the agent maps no client library (a cheaper fork and a
			 * cheaper exit for the most common run, a one-liner). */
			size_t same = 0;
			for (size_t j = 0; j < s->n_checks; j++)
				same += strcmp(s->checks[j].kind, c->kind) == 0;
			int pending = hb_kind_module_pending(c->kind, err,
							     sizeof(err));
			if (pending < 0) {
				fprintf(stderr, "hookbox: checks[%zu] \"%s\": %s\n",
					i, c->name, err);
				return -1;
			}
			if (same == 1 && pending == 1) {
				jobs[i].check = c;
				continue; /* driver and policy stay NULL */
			}
			k->driver = hb_driver_find(c->kind, err, sizeof(err));
			if (!k->driver) {
				fprintf(stderr, "hookbox: checks[%zu] \"%s\": %s\n", i,
					c->name, err);
				return -1;
			}
			bool tls = module_needs_tls(cli, s, hb_kind_find(c->kind),
						    k->driver);
			if (k->driver->init &&
			    k->driver->init(tls, err, sizeof(err)) < 0) {
				fprintf(stderr, "hookbox: initialising %s checks: %s\n",
					c->kind, err);
				return -1;
			}
			if (mode != HB_SANDBOX_OFF) {
				k->policy = hb_policy_new(k->driver, mode, err,
							  sizeof(err));
				if (!k->policy) {
					fprintf(stderr, "hookbox: %s\n", err);
					return -1;
				}
			}
		}
		jobs[i].check = c;
		jobs[i].driver = k->driver;
		jobs[i].policy = k->policy;
	}
	return 0;
}

/* The report in its wire form, in a buffer the caller frees; NULL when out
 * of memory. */
static uint8_t *pack_report(const Hookbox__V1__Report *r, size_t *len)
{
	*len = hookbox__v1__report__get_packed_size(r);
	uint8_t *buf = malloc(*len ? *len : 1);
	if (buf)
		hookbox__v1__report__pack(r, buf);
	return buf;
}

/* Sends the run's last report through the sender (delivery.c), which it
 * ends. Never changes the outcome of the run by itself: the caller decides
 * (--require-delivery). */
static int deliver(const struct hb_cli *cli, struct hb_sender *sender,
		   const Hookbox__V1__Report *r, int64_t budget_ms)
{
	char err[512] = "the sending process did not start";
	size_t len;
	uint8_t *buf = pack_report(r, &len);
	int rc = -1;
	if (!buf) {
		snprintf(err, sizeof(err), "out of memory");
		hb_sender_free(sender);
	} else if (sender) {
		rc = hb_sender_finish(sender, buf, len, budget_ms, err,
				      sizeof(err));
	}
	free(buf);
	if (rc < 0)
		fprintf(stderr, "hookbox: sending the report to %s: %s\n",
			cli->collector, err);
	return rc;
}

static void write_termination_log(const char *path, const Hookbox__V1__Report *r)
{
	struct stat st;
	/* Only where Kubernetes mounted it: never create files elsewhere. */
	if (!path || stat(path, &st) < 0)
		return;
	/* A regular file, as Kubernetes mounts it: opening a FIFO to write
	 * would wait for a reader, and the report is not sent yet. */
	const char *why = "not a regular file";
	int fd = -1;
	if (S_ISREG(st.st_mode) &&
	    (fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
		why = strerror(errno);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		fprintf(stderr, "hookbox: --termination-log \"%s\": %s\n", path,
			why);
		return;
	}
	char msg[4096];
	hb_output_termination(msg, sizeof(msg), r);
	int rc = ftruncate(fd, 0) < 0 ? -errno : hb_write_all(fd, msg, strlen(msg));
	if (rc < 0)
		fprintf(stderr, "hookbox: writing \"%s\": %s\n", path, strerror(-rc));
	close(fd);
}

static int write_report_file(const char *path, const Hookbox__V1__Report *r)
{
	size_t len;
	uint8_t *buf = pack_report(r, &len);
	if (!buf)
		return -ENOMEM;
	int rc = hb_write_file_atomic(path, buf, len);
	free(buf);
	if (rc < 0)
		fprintf(stderr, "hookbox: writing report \"%s\": %s\n", path,
			strerror(-rc));
	return rc;
}

/* The exit status of hookbox exec: the command's own, 128+N when signal N
 * ended it (as a shell reports it), 124 at the deadline (as timeout(1)),
 * 127 or 126 when it could not be started (as a shell). */
static int command_status(const struct hb_exec *ex)
{
	if (ex->timed_out)
		return 124;
	if (ex->exec_failed)
		return strstr(ex->message, strerror(EACCES)) ? 126 : 127;
	if (ex->signal)
		return 128 + ex->signal;
	return ex->exit_code;
}

static int add_command_result(Hookbox__V1__Report *r, const struct hb_cli *cli,
			      const struct hb_exec *ex, bool ran)
{
	Hookbox__V1__CheckResult *c = malloc(sizeof(*c));
	Hookbox__V1__CommandResult *cmd = malloc(sizeof(*cmd));
	size_t argc = 0;
	while (cli->exec_argv[argc])
		argc++;
	char **argv = calloc(argc ? argc : 1, sizeof(char *));
	if (!c || !cmd || !argv) {
		free(c);
		free(cmd);
		free(argv);
		return HB_EXIT_FAILED;
	}
	hookbox__v1__check_result__init(c);
	hookbox__v1__command_result__init(cmd);
	struct hb_buf target;
	hb_buf_init(&target, 4096);
	for (size_t i = 0; i < argc; i++) {
		argv[i] = strdup(cli->exec_argv[i]);
		hb_buf_printf(&target, "%s%s", i ? " " : "", cli->exec_argv[i]);
	}
	cmd->argv = argv;
	cmd->n_argv = argc;
	c->name = strdup("command");
	c->kind = strdup("exec");
	c->target = hb_buf_take(&target, NULL);
	c->command = cmd;
	int status = command_status(ex);
	if (!ran) {
		c->outcome = HOOKBOX__V1__OUTCOME__SKIPPED;
		c->message = strdup("not run: the --wait-for targets were not ready");
		status = HB_EXIT_FAILED;
	} else {
		cmd->stdout_tail = hb_report_tail(&ex->out,
						  &cmd->stdout_dropped_bytes);
		cmd->stderr_tail = hb_report_tail(&ex->err,
						  &cmd->stderr_dropped_bytes);
		cmd->exit_code = ex->exit_code;
		cmd->signal = ex->signal;
		cmd->duration_ms = ex->duration_ms;
		c->duration_ms = ex->duration_ms;
		int cls = ex->timed_out ? HB_CLASS_TIMEOUT
			  : ex->exec_failed ? HB_CLASS_INTERNAL
			  : status != 0 ? HB_CLASS_COMMAND_FAILED
					: HB_CLASS_NONE;
		c->outcome = status == 0 ? HOOKBOX__V1__OUTCOME__PASSED
			     : ex->exec_failed ? HOOKBOX__V1__OUTCOME__ERROR
					       : HOOKBOX__V1__OUTCOME__FAILED;
		c->failure_class = (Hookbox__V1__FailureClass)cls;
		c->message = strdup(ex->message);
		/* The class's hint speaks of servers; a command's timeout
		 * has causes of its own. */
		c->hint = strdup(ex->timed_out
			? "the command ran past --timeout: raise it, or look at "
			  "what it waited on (a lock, a slow migration, a "
			  "dependency that is not up)"
			: hb_class_hint(cls));
		if (status != 0)
			r->phase = HOOKBOX__V1__PHASE__PHASE_FAILED;
	}
	hb_report_add_check(r, c);
	return status;
}

static int run_checks(const struct hb_cli *cli, struct hb_spec *s)
{
	int status = HB_EXIT_FAILED;
	struct hb_job *jobs = calloc(s->n_checks ? s->n_checks : 1, sizeof(*jobs));
	struct kind_slot slots[16] = { { 0 } }; /* more than there are kinds */
	size_t n_slots = 0;
	struct hb_sender *sender = NULL;
	Hookbox__V1__Report *r = NULL;
	struct hb_run_meta meta;
	struct hb_exec ex;
	memset(&meta, 0, sizeof(meta));
	memset(&ex, 0, sizeof(ex));
	if (!jobs) {
		fprintf(stderr, "hookbox: out of memory\n");
		return HB_EXIT_FAILED;
	}
	if (prepare_kinds(cli, s, cli->sandbox, slots, &n_slots, jobs) < 0) {
		status = HB_EXIT_USAGE;
		goto out;
	}
	hb_uuid4(meta.report_id, sizeof(meta.report_id));
	hb_rfc3339_now(meta.started_at, sizeof(meta.started_at));
	gethostname(meta.hostname, sizeof(meta.hostname) - 1);
	hb_podinfo_load(&meta.pod, cli->podinfo_dir, env_get);
	static const char *const modes[] = { "enforce", "log", "off" };
	meta.sandbox_mode = modes[cli->sandbox];
	meta.seccomp = cli->sandbox != HB_SANDBOX_OFF;
	int abi = cli->sandbox != HB_SANDBOX_OFF ? hb_landlock_abi() : 0;
	meta.landlock_abi = abi;

	if (cli->collector) {
		char err[512];
		/* Read once, to say now what is wrong with it, and wiped:
		 * only the children that send the reports read it for use. */
		const char *token_file = cli->token_file;
		char *token = token_file ? hb_read_token(token_file, err,
							 sizeof(err))
					 : NULL;
		if (token_file && !token) {
			fprintf(stderr, "hookbox: %s\n", err);
			if (cli->require_delivery)
				goto out;
			token_file = NULL;
		}
		hb_secret_free(token);
		/* The sender sends the Running report while the checks run,
		 * within a short budget. */
		Hookbox__V1__Report *running = hb_report_new(&meta, NULL, 0);
		size_t len = 0;
		uint8_t *buf = running ? pack_report(running, &len) : NULL;
		sender = hb_sender_start(cli->collector, token_file, buf, len,
					 2000, err, sizeof(err));
		if (!sender)
			fprintf(stderr, "hookbox: sending reports to %s: %s\n",
				cli->collector, err);
		free(buf);
		hb_report_free(running);
	}

	/* SIGINT and SIGTERM (Kubernetes stopping the pod) cancel the run;
	 * they are unblocked only inside the pool's wait. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct hb_pool_opts po = {
		.parallel = cli->parallel,
		.sandbox = { .mode = cli->sandbox, .landlock_abi = abi },
		.cancel = &cancelled,
		.wait_mask = &old,
	};
	int rc = hb_pool_run(&po, jobs, s->n_checks);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		fprintf(stderr, "hookbox: running checks: %s\n", strerror(-rc));
	bool ready = hb_report_phase(jobs, s->n_checks) ==
		     HOOKBOX__V1__PHASE__PHASE_SUCCEEDED && !cancelled;

	if (cli->cmd == HB_CMD_EXEC && ready) {
		ex.argv = cli->exec_argv;
		ex.timeout_ms = cli->exec_timeout_ms;
		ex.mode = cli->sandbox;
		ex.out_fd = 1;
		ex.err_fd = 2;
		ex.tail_bytes = cli->exec_tail_bytes;
		if (hb_exec_run(&ex) < 0) {
			fprintf(stderr, "hookbox: exec: %s\n", ex.message);
			ex.exec_failed = true;
		}
	}

	hb_rfc3339_now(meta.finished_at, sizeof(meta.finished_at));
	r = hb_report_new(&meta, jobs, s->n_checks);
	if (!r) {
		fprintf(stderr, "hookbox: out of memory\n");
		goto out;
	}
	status = r->phase == HOOKBOX__V1__PHASE__PHASE_SUCCEEDED ? HB_EXIT_OK
								 : HB_EXIT_FAILED;
	if (cli->cmd == HB_CMD_EXEC) {
		int cmd_status = add_command_result(r, cli, &ex, ready);
		if (ready)
			status = cmd_status;
	}
	if (cli->output == HB_OUTPUT_JSON)
		hb_output_json(stdout, r);
	else
		hb_output_human(stdout, r, cli->quiet);
	fflush(stdout);
	if (cli->report_file && write_report_file(cli->report_file, r) < 0)
		status = HB_EXIT_FAILED;
	write_termination_log(cli->termination_log, r);
	if (cli->collector) {
		int sent = deliver(cli, sender, r, 30000);
		sender = NULL; /* ended by deliver */
		if (sent < 0 && cli->require_delivery)
			status = HB_EXIT_FAILED;
	}
out:
	/* Check children still exiting (hb_child_reap) are reaped if they are
	 * gone, not waited for: a client library's teardown would hold up the
	 * exit by a noticeable part of a MySQL check (bench/run.sh). One left is
	 * already past its result and in _exit; init or the nearest subreaper
	 * reaps it, and as a pod's PID 1 the agent's exit ends it at once. */
	hb_child_collect(false);
	hb_exec_release(&ex);
	hb_sender_free(sender);
	hb_report_free(r);
	for (size_t i = 0; i < s->n_checks; i++)
		hb_job_release(&jobs[i]);
	for (size_t i = 0; i < n_slots; i++)
		hb_policy_free(slots[i].policy);
	free(jobs);
	return status;
}

int hb_agent_main(int argc, char **argv)
{
	struct hb_cli cli;
	char err[512] = "";
	if (hb_cli_parse(argc, argv, &cli, err, sizeof(err)) < 0) {
		fprintf(stderr, "hookbox: %s\n", err);
		return HB_EXIT_USAGE;
	}
	int status = HB_EXIT_USAGE;
	struct hb_spec *s = NULL;
	switch (cli.cmd) {
	case HB_CMD_HELP:
		fputs(hb_cli_usage, stdout);
		status = HB_EXIT_OK;
		break;
	case HB_CMD_VERSION:
		printf("hookbox %s\n", HB_VERSION);
		status = HB_EXIT_OK;
		break;
	case HB_CMD_VALIDATE:
		s = load_spec(&cli);
		if (s) {
			printf("%s: %zu check%s, valid%s\n", cli.spec_path,
			       s->n_checks, s->n_checks == 1 ? "" : "s",
			       cli.no_env ? " (--no-env: the values of unset "
					    "variables and the *_file files "
					    "not checked)"
					  : "");
			status = HB_EXIT_OK;
		}
		break;
	case HB_CMD_RUN:
	case HB_CMD_CHECK:
		s = load_spec(&cli);
		if (s)
			status = run_checks(&cli, s);
		break;
	case HB_CMD_INSTALL:
		status = hb_install(cli.install_dir);
		break;
	case HB_CMD_EXEC:
		/* Without --wait-for there is nothing to check first. */
		s = cJSON_GetArraySize(cJSON_GetObjectItem(cli.spec_json, "checks"))
			    ? load_spec(&cli)
			    : calloc(1, sizeof(*s));
		if (s)
			status = run_checks(&cli, s);
		break;
	}
	spec_free(s);
	hb_cli_release(&cli);
	return status;
}
