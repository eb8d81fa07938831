/* SPDX-License-Identifier: MIT */
/* Unit tests of the command line: run flags, and one-liners becoming specs. */
#include "hbtest.h"

#include "cli.h"

#include <stdarg.h>

static int parse(struct hb_cli *cli, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, errlen);
	argv[argc++] = "hookbox";
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	argv[argc] = NULL;
	va_end(ap);
	/* argv must outlive cli (exec_argv points into it). */
	static char *keep[32];
	memcpy(keep, argv, sizeof(argv));
	err[0] = '\0';
	return hb_cli_parse(argc, keep, cli, err, errlen);
}

static char *spec_text(const struct hb_cli *cli)
{
	return cJSON_PrintUnformatted(cli->spec_json);
}

HB_TEST(run_flags)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "run", "spec.json", "--output",
			    "json", "--parallel=4", "--sandbox", "log",
			    "--report-file", "/tmp/r.pb", "--termination-log",
			    "/tmp/t", "--quiet", NULL), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_RUN);
	ASSERT_STREQ(cli.spec_path, "spec.json");
	ASSERT_EQ_INT(cli.output, HB_OUTPUT_JSON);
	ASSERT_EQ_INT(cli.parallel, 4);
	ASSERT_EQ_INT(cli.sandbox, HB_SANDBOX_LOG);
	ASSERT_STREQ(cli.report_file, "/tmp/r.pb");
	ASSERT_STREQ(cli.termination_log, "/tmp/t");
	ASSERT(cli.quiet);
	hb_cli_release(&cli);
}

HB_TEST(defaults)
{
	struct hb_cli cli;
	char err[256];
	unsetenv("HOOKBOX_COLLECTOR");
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "validate", "-", NULL), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_VALIDATE);
	ASSERT_EQ_INT(cli.output, HB_OUTPUT_HUMAN);
	ASSERT_EQ_INT(cli.sandbox, HB_SANDBOX_ENFORCE);
	ASSERT_EQ_INT(cli.parallel, 8);
	ASSERT_STREQ(cli.termination_log, "/dev/termination-log");
	ASSERT_STREQ(cli.podinfo_dir, "/etc/podinfo");
	ASSERT(cli.collector == NULL);
	hb_cli_release(&cli);
	setenv("HOOKBOX_COLLECTOR", "http://127.0.0.1:9", 1);
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "run", "-", NULL), 0);
	ASSERT_STREQ(cli.collector, "http://127.0.0.1:9");
	hb_cli_release(&cli);
}

HB_TEST(http_one_liner_builds_spec)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "http", "http://127.0.0.1:8080/ok",
			    "--expect-status", "200,204", "--expect-body", "ok",
			    "--header", "X-Test: a b", "--expect-json",
			    "status=\"ok\"", "--expect-json", "count=3", "--timeout",
			    "2s", "--retries", "2", "--wait", "30s", "--insecure",
			    NULL), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_CHECK);
	char *s = spec_text(&cli);
	ASSERT_STREQ(s,
		     "{\"checks\":[{\"kind\":\"http\",\"expect\":{\"status\":[\"200\",\"204\"],"
		     "\"body\":\"ok\",\"json\":{\"status\":\"ok\",\"count\":3}},"
		     "\"headers\":{\"X-Test\":\"a b\"},\"timeout\":\"2s\","
		     "\"retry\":{\"attempts\":3},\"wait\":\"30s\",\"insecure\":true,"
		     "\"url\":\"http://127.0.0.1:8080/ok\"}]}");
	free(s);
	hb_cli_release(&cli);
}

HB_TEST(tcp_and_dns_one_liners)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "tcp", "[::1]:5432", "--send",
			    "PING\r\n", "--expect-reply", "PONG", NULL), 0);
	char *s = spec_text(&cli);
	ASSERT_CONTAINS(s, "\"address\":\"[::1]:5432\"");
	ASSERT_CONTAINS(s, "\"expect\":{\"reply\":\"PONG\"}");
	free(s);
	hb_cli_release(&cli);
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "dns", "localhost",
			    "--expect-address", "127.0.0.1", "--expect-address",
			    "::1", "--family", "4", NULL), 0);
	s = spec_text(&cli);
	ASSERT_CONTAINS(s, "\"addresses\":[\"127.0.0.1\",\"::1\"]");
	ASSERT_CONTAINS(s, "\"family\":4");
	ASSERT_CONTAINS(s, "\"name\":\"localhost\"");
	free(s);
	hb_cli_release(&cli);
}

HB_TEST(usage_errors_say_what)
{
	static const struct {
		const char *args[6];
		const char *msg;
	} cases[] = {
		{ { NULL }, "missing command" },
		{ { "frobnicate", NULL }, "unknown command \"frobnicate\"" },
		{ { "http", NULL }, "http: missing URL" },
		{ { "tcp", NULL }, "tcp: missing HOST:PORT" },
		{ { "run", NULL }, "run: missing SPEC" },
		{ { "http", "u", "--bogus", NULL }, "unknown option --bogus" },
		{ { "http", "u", "--timeout", NULL }, "--timeout needs a value" },
		{ { "tcp", "a:1", "--expect-status", "200", NULL },
		  "--expect-status is not an option of \"hookbox tcp\"" },
		{ { "http", "u", "--retries", "x", NULL }, "--retries: expected a number" },
		{ { "run", "s", "--output", "xml", NULL }, "--output: expected human or json" },
		{ { "run", "s", "--sandbox", "maybe", NULL }, "--sandbox: expected enforce" },
		{ { "run", "s", "--parallel", "0", NULL }, "--parallel: expected a number" },
		{ { "http", "u", "--header", "novalue", NULL }, "--header: expected \"Name: value\"" },
		{ { "run", "s", "t", NULL }, "unexpected argument \"t\"" },
		{ { "http", "u", "v", "--name", "x", NULL }, "--name names one check" },
		{ { "run", "s", "--no-env", NULL }, "--no-env is an option of \"hookbox validate\"" },
		{ { "http", "u", "--insecure=yes", NULL }, "--insecure takes no value" },
		{ { "exec", "--wait-for", "ftp://x", "--", "true", NULL }, "--wait-for: \"ftp://x\"" },
		{ { "exec", "--timeout", "5s", NULL }, "exec: missing -- CMD" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { "hookbox" };
		int argc = 1;
		for (int k = 0; cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		struct hb_cli cli;
		char err[256] = "";
		if (hb_cli_parse(argc, argv, &cli, err, sizeof(err)) != -1)
			HB_FAIL_("case %zu parsed", i);
		ASSERT_CONTAINS(err, cases[i].msg);
	}
}

HB_TEST(exec_builds_wait_checks)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "exec", "--wait-for",
			    "postgres://app@db:5432/app", "--wait-for", "tcp://cache:6379",
			    "--timeout", "10m", "--", "migrate", "--up", NULL), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_EXEC);
	ASSERT_STREQ(cli.exec_argv[0], "migrate");
	ASSERT_STREQ(cli.exec_argv[1], "--up");
	ASSERT(cli.exec_argv[2] == NULL);
	ASSERT_EQ_INT(cli.exec_timeout_ms, 600000);
	char *s = spec_text(&cli);
	ASSERT_CONTAINS(s, "{\"name\":\"wait-for-0\",\"kind\":\"postgres\",\"url\":\"postgres://app@db:5432/app\"}");
	ASSERT_CONTAINS(s, "{\"name\":\"wait-for-1\",\"kind\":\"tcp\",\"address\":\"cache:6379\"}");
	ASSERT_CONTAINS(s, "\"defaults\":{\"wait\":\"60s\"}");
	free(s);
	hb_cli_release(&cli);
}

HB_TEST(help_and_version)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "--help", NULL), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_HELP);
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "--version", NULL), 0);
	ASSERT_EQ_INT(cli.cmd, HB_CMD_VERSION);
	ASSERT_CONTAINS(hb_cli_usage, "hookbox exec");
}

/* --follow-redirects alone keeps its meaning (the same host); "any" may
 * follow it as the next word or after "=", and nothing else may. */
HB_TEST(follow_redirects_any)
{
	static const struct {
		const char *args[4];
		const char *want;
	} cases[] = {
		{ { "--follow-redirects", "http://a/", NULL }, "true" },
		{ { "http://a/", "--follow-redirects", NULL }, "true" },
		{ { "--follow-redirects", "any", "http://a/", NULL }, "\"any\"" },
		{ { "http://a/", "--follow-redirects=any", NULL }, "\"any\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { "hookbox", "http" };
		int argc = 2;
		for (int k = 0; cases[i].args[k]; k++)
			argv[argc++] = (char *)cases[i].args[k];
		struct hb_cli cli;
		char err[256] = "";
		if (hb_cli_parse(argc, argv, &cli, err, sizeof(err)) != 0)
			HB_FAIL_("case %zu: %s", i, err);
		char *s = spec_text(&cli);
		char want[64];
		snprintf(want, sizeof(want), "\"follow_redirects\":%s",
			 cases[i].want);
		ASSERT_CONTAINS(s, want);
		ASSERT_CONTAINS(s, "\"url\":\"http://a/\"");
		free(s);
		hb_cli_release(&cli);
	}
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "http", "http://a/",
			    "--follow-redirects=anywhere", NULL), -1);
	ASSERT_CONTAINS(err, "--follow-redirects: expected no value or \"any\", "
			     "got \"anywhere\"");
}


/* hookbox tcp db:5432 cache:6379: a check per target, each with every
 * flag, named after its target as a report shows it. */
HB_TEST(several_targets)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "tcp", "db:5432", "--wait",
			    "120s", "cache:6379", "--timeout", "2s", NULL), 0);
	ASSERT_EQ_INT(cli.n_targets, 2);
	char *s = spec_text(&cli);
	ASSERT_STREQ(s, "{\"checks\":[{\"kind\":\"tcp\",\"wait\":\"120s\","
			"\"timeout\":\"2s\",\"address\":\"db:5432\",\"name\":"
			"\"db:5432\"},{\"kind\":\"tcp\",\"wait\":\"120s\","
			"\"timeout\":\"2s\",\"address\":\"cache:6379\",\"name\":"
			"\"cache:6379\"}]}");
	free(s);
	hb_cli_release(&cli);
	/* A URL's password is not the name; "$" is doubled so that the name
	 * is what was typed, not what a variable holds. */
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "postgres",
			    "postgres://app:pw@db/app", "postgres://${DB_HOST}/x",
			    NULL), 0);
	s = spec_text(&cli);
	ASSERT_CONTAINS(s, "\"name\":\"postgres://app@db/app\"");
	ASSERT_CONTAINS(s, "\"name\":\"postgres://$${DB_HOST}/x\"");
	free(s);
	hb_cli_release(&cli);
	/* One target: unnamed, as before. */
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "tcp", "db:5432", NULL), 0);
	s = spec_text(&cli);
	ASSERT_STREQ(s, "{\"checks\":[{\"kind\":\"tcp\",\"address\":\"db:5432\"}]}");
	free(s);
	hb_cli_release(&cli);
}

HB_TEST(retry_on_and_no_env)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "postgres", "postgres://db/x",
			    "--retry-on", "AUTH_FAILED", "--retry-on=QUERY_ERROR",
			    NULL), 0);
	char *s = spec_text(&cli);
	ASSERT_CONTAINS(s, "\"retry_on\":[\"AUTH_FAILED\",\"QUERY_ERROR\"]");
	free(s);
	hb_cli_release(&cli);
	/* exec: for every --wait-for target. */
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "exec", "--wait-for",
			    "postgres://db/x", "--retry-on", "AUTH_FAILED", "--",
			    "true", NULL), 0);
	s = spec_text(&cli);
	ASSERT_CONTAINS(s, "\"defaults\":{\"retry_on\":[\"AUTH_FAILED\"]");
	free(s);
	hb_cli_release(&cli);
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "validate", "--no-env", "s.json",
			    NULL), 0);
	ASSERT(cli.no_env);
	ASSERT_STREQ(cli.spec_path, "s.json");
	hb_cli_release(&cli);
}

/* hookbox k8s: the kind's name in the spec, kubectl's -n, the token as the
 * check's token_file. */
HB_TEST(k8s_one_liner)
{
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "k8s", "deploy/web", "-n",
			    "shop", "--rollout", "--condition", "Available",
			    "--jq", ".spec.replicas > 1", "--bearer-token-file",
			    "/t", NULL), 0);
	char *s = spec_text(&cli);
	ASSERT_STREQ(s, "{\"checks\":[{\"kind\":\"kubernetes\",\"namespace\":"
			"\"shop\",\"rollout\":true,\"condition\":\"Available\","
			"\"jq\":\".spec.replicas > 1\",\"token_file\":\"/t\","
			"\"object\":\"deploy/web\"}]}");
	free(s);
	hb_cli_release(&cli);
	/* -n is --namespace; --rollout is kubernetes's alone. */
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "k8s", "deploy/web", "-n",
			    NULL), -1);
	ASSERT_CONTAINS(err, "--namespace needs a value");
	hb_cli_release(&cli);
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "http", "http://x/",
			    "--rollout", NULL), -1);
	ASSERT_CONTAINS(err, "--rollout is not an option of \"hookbox http\"");
	hb_cli_release(&cli);
	ASSERT_EQ_INT(parse(&cli, err, sizeof(err), "k8s", NULL), -1);
	ASSERT_CONTAINS(err, "k8s: missing RESOURCE/NAME");
	hb_cli_release(&cli);
}

HB_TEST_MAIN(run_flags, defaults, http_one_liner_builds_spec,
	     tcp_and_dns_one_liners, usage_errors_say_what,
	     exec_builds_wait_checks, help_and_version, follow_redirects_any,
	     several_targets, retry_on_and_no_env, k8s_one_liner)
