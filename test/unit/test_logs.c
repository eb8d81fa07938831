/* SPDX-License-Identifier: MIT */
/* Unit tests of the logs view: the hook filter, the order of hooks, the
 * text a reader sees (command, status, tails), control sequences shown and
 * not obeyed, and the logs route's query. */
#include "hbtest.h"

#include "cli.h"
#include "logs.h"
#include "reduce.h"
#include "route.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char red_json[] =
	"{\"namespace\":\"shop\",\"release\":\"demo\",\"revision\":1,"
	"\"latestRevision\":2,\"phase\":\"Failed\",\"omittedHooks\":0,"
	"\"hooks\":["
	"{\"name\":\"demo-migrate\",\"podName\":\"demo-migrate-x7k2p\","
	"\"events\":[\"pre-install\",\"pre-upgrade\"],\"weight\":-5,\"test\":false,"
	"\"phase\":\"Failed\",\"startedAt\":\"2026-12-05T08:30:00.000Z\","
	"\"finishedAt\":\"2026-12-05T08:30:02.500Z\",\"checks\":["
	"{\"name\":\"wait-for-0\",\"kind\":\"postgres\",\"target\":\"postgres://app@db/app\","
	"\"outcome\":\"PASSED\",\"durationMs\":2012.5},"
	"{\"name\":\"command\",\"kind\":\"exec\",\"target\":\"sh -c x\","
	"\"outcome\":\"FAILED\",\"failureClass\":\"COMMAND_FAILED\","
	"\"message\":\"\\\"sh\\\" exited with status 3\",\"hint\":\"look at its output\","
	"\"durationMs\":40,\"command\":{\"argv\":[\"sh\",\"-c\",\"echo it's\\u001b[2J\"],"
	"\"exitCode\":3,\"stdoutTail\":\"line 1\\n\\u001b]0;pwned\\u0007\\r\\ttab\\n\","
	"\"stderrTail\":\"no newline\",\"durationMs\":40,"
	"\"stdoutDroppedBytes\":\"5000\"}}]},"
	"{\"name\":\"demo-test-api\",\"podName\":\"demo-test-api\",\"events\":[\"test\"],"
	"\"weight\":0,\"test\":true,\"phase\":\"Failed\",\"checks\":["
	"{\"name\":\"api\",\"kind\":\"http\",\"target\":\"http://api/healthz\","
	"\"outcome\":\"FAILED\",\"failureClass\":\"CONNECTION_REFUSED\","
	"\"message\":\"refused\",\"hint\":\"no pod ready behind the Service\","
	"\"durationMs\":3}]},"
	"{\"name\":\"demo-killed\",\"podName\":\"demo-killed\",\"events\":[\"post-install\"],"
	"\"weight\":0,\"test\":false,\"phase\":\"Failed\",\"checks\":["
	"{\"name\":\"command\",\"kind\":\"exec\",\"outcome\":\"FAILED\","
	"\"command\":{\"argv\":[\"/app/seed\"],\"exitCode\":-1,\"signal\":9}}]}"
	"]}";

static cJSON *red(void)
{
	cJSON *j = cJSON_Parse(red_json);
	ASSERT(j != NULL);
	return j;
}

static char *render(const cJSON *j)
{
	struct hb_buf b;
	hb_buf_init(&b, 1 << 20);
	ASSERT_EQ_INT(hb_logs_render(&b, j), 0);
	return hb_buf_take(&b, NULL);
}

HB_TEST(hook_filter_values)
{
	static const char *const good[] = { "test", "pre-install", "post-rollback",
					    "test-success", "demo-migrate", "a.b-c", "x" };
	static const char *const bad[] = { "", "Demo", "-x", "x-", "a_b", "a/b",
					   "a b", "\x1b[2J", "pre-install,test" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!hb_logs_hook_valid(good[i]))
			HB_FAIL_("\"%s\" refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hb_logs_hook_valid(bad[i]))
			HB_FAIL_("\"%s\" taken", bad[i]);
	char longname[260];
	memset(longname, 'a', 254);
	longname[254] = '\0';
	ASSERT(!hb_logs_hook_valid(longname));
	longname[253] = '\0';
	ASSERT(hb_logs_hook_valid(longname));
}

static const char *names(const cJSON *j, char *dst, size_t size)
{
	const cJSON *h;
	dst[0] = '\0';
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "hooks")) {
		strncat(dst, cJSON_GetObjectItem(h, "name")->valuestring,
			size - strlen(dst) - 2);
		strcat(dst, " ");
	}
	return dst;
}

HB_TEST(select_by_event_and_name)
{
	char err[512], got[256];
	static const struct {
		const char *hook, *want;
	} cases[] = {
		{ NULL, "demo-migrate demo-test-api demo-killed " },
		{ "test", "demo-test-api " },
		{ "test-success", "demo-test-api " },
		{ "pre-upgrade", "demo-migrate " },
		{ "post-install", "demo-killed " },
		{ "demo-migrate", "demo-migrate " },
		{ "demo-migrate-x7k2p", "demo-migrate " }, /* its pod */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = red();
		ASSERT_EQ_INT(hb_logs_select(j, 0, cases[i].hook, err, sizeof(err)), 0);
		ASSERT_STREQ(names(j, got, sizeof(got)), cases[i].want);
		cJSON_Delete(j);
	}
	cJSON *j = red();
	ASSERT_EQ_INT(hb_logs_select(j, 0, "pre-delete", err, sizeof(err)), -ENOENT);
	ASSERT_STREQ(err, "no hook \"pre-delete\" in shop/demo revision 1; its hooks: "
			  "demo-migrate, demo-test-api, demo-killed");
	cJSON_Delete(j);
	/* A revision without reports, and a release without any. */
	j = cJSON_Parse("{\"namespace\":\"shop\",\"release\":\"demo\",\"revision\":7,"
			"\"latestRevision\":2,\"hooks\":[]}");
	ASSERT_EQ_INT(hb_logs_select(j, 7, NULL, err, sizeof(err)), -ENOENT);
	ASSERT_STREQ(err, "no reports of shop/demo revision 7; the latest is 2");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"namespace\":\"shop\",\"release\":\"gone\",\"revision\":0,"
			"\"latestRevision\":0,\"hooks\":[]}");
	ASSERT_EQ_INT(hb_logs_select(j, 0, NULL, err, sizeof(err)), -ENOENT);
	ASSERT_STREQ(err, "no reports of shop/gone");
	cJSON_Delete(j);
}

HB_TEST(text_shows_command_and_tails)
{
	cJSON *j = red();
	char *s = render(j);
	ASSERT_CONTAINS(s, "NAME: demo\nNAMESPACE: shop\nREVISION: 1\n\nHOOK: demo-migrate\n"
			   "  events: pre-install, pre-upgrade\n  weight: -5\n"
			   "  pod: demo-migrate-x7k2p\n  phase: Failed\n"
			   "  started: Sat Dec  5 08:30:00 2026\n"
			   "  completed: Sat Dec  5 08:30:02 2026\n");
	ASSERT_CONTAINS(s, "  check wait-for-0 (postgres postgres://app@db/app): PASSED in 2.01s\n");
	ASSERT_CONTAINS(s, "  check command (exec): FAILED in 40ms, COMMAND_FAILED: "
			   "\"sh\" exited with status 3\n    hint: look at its output\n");
	/* Quoted as a shell takes it back, its ESC shown, not sent. */
	ASSERT_CONTAINS(s, "    command line: sh -c 'echo it'\\''s\\x1b[2J'\n");
	ASSERT_CONTAINS(s, "    exit status: 3\n    duration: 40ms\n");
	ASSERT_CONTAINS(s, "    stdout (last 23 bytes; 5000 bytes before them not kept):\n"
			   "      | line 1\n      | \\x1b]0;pwned\\x07\\r\\ttab\n");
	ASSERT_CONTAINS(s, "    stderr (10 bytes):\n      | no newline [no newline at end]\n");
	ASSERT_CONTAINS(s, "  check api (http http://api/healthz): FAILED in 3ms, "
			   "CONNECTION_REFUSED: refused\n"
			   "    hint: no pod ready behind the Service\n");
	ASSERT_CONTAINS(s, "    command line: /app/seed\n    killed by signal 9 SIGKILL\n");
	ASSERT_CONTAINS(s, "  events: test\n");
	/* No control byte but the newlines. */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			HB_FAIL_("control byte 0x%02x at %zu", (unsigned char)*p,
				 (size_t)(p - s));
	free(s);
	ASSERT_EQ_INT(hb_logs_exit_code(j), 1);
	cJSON_Delete(j);
}

HB_TEST(exit_codes)
{
	cJSON *j = cJSON_Parse("{\"hooks\":[{\"phase\":\"Succeeded\"}]}");
	ASSERT_EQ_INT(hb_logs_exit_code(j), 0);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"hooks\":[{\"phase\":\"Succeeded\"},{\"phase\":\"Running\"}]}");
	ASSERT_EQ_INT(hb_logs_exit_code(j), 3);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"hooks\":[]}");
	ASSERT_EQ_INT(hb_logs_exit_code(j), 3);
	cJSON_Delete(j);
}

/* A report of one hook with these events, for the order. */
static Hookbox__V1__Report *mk(const char *name, char **ev, size_t n, int32_t weight)
{
	Hookbox__V1__Report *r = calloc(1, sizeof(*r));
	Hookbox__V1__PodMeta *pod = calloc(1, sizeof(*pod));
	hookbox__v1__report__init(r);
	hookbox__v1__pod_meta__init(pod);
	r->pod = pod;
	r->report_id = (char *)name;
	r->started_at = "2026-12-05T08:30:00.000Z";
	r->phase = HOOKBOX__V1__PHASE__PHASE_SUCCEEDED;
	pod->namespace_ = "shop";
	pod->release = "demo";
	pod->revision = 1;
	pod->hook_name = (char *)name;
	pod->pod_name = (char *)name;
	pod->hook_events = ev;
	pod->n_hook_events = n;
	pod->hook_weight = weight;
	return r;
}

HB_TEST(hooks_in_helm_order)
{
	static char *pre_i[] = { "pre-install" }, *pre_u[] = { "pre-upgrade" },
		    *post[] = { "post-install", "post-upgrade" }, *test[] = { "test" },
		    *del[] = { "pre-delete" }, *both[] = { "post-install", "pre-install" },
		    *odd[] = { "crd-install" };
	Hookbox__V1__Report *v[] = {
		mk("t-b", test, 1, 0),  mk("t-a", test, 1, 0), mk("del", del, 1, -100),
		mk("seed", post, 2, -10), mk("none", NULL, 0, -1),
		mk("migrate", pre_u, 1, 5), mk("schema", pre_i, 1, 0),
		mk("both", both, 2, 1), mk("odd", odd, 1, -2),
	};
	struct hb_reduce_filter f = { "shop", "demo", 0 };
	struct hb_reduction red;
	ASSERT_EQ_INT(hb_reduce((const Hookbox__V1__Report *const *)v,
				sizeof(v) / sizeof(v[0]), &f, &red), 0);
	char got[256] = "";
	for (size_t i = 0; i < red.n_hooks; i++) {
		strcat(got, red.hooks[i].name);
		strcat(got, " ");
	}
	/* pre- (by weight), post-, test (no event and an unknown one count
	 * as tests), delete. */
	ASSERT_STREQ(got, "schema both migrate seed odd none t-a t-b del ");
	hb_reduction_release(&red);
}

HB_TEST(logs_route)
{
	struct hb_route rt;
	hb_route("GET", "/v1/releases/shop/demo/logs", "2", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_LOGS);
	ASSERT(rt.auth);
	ASSERT_STREQ(rt.ns, "shop");
	ASSERT_STREQ(rt.release, "demo");
	ASSERT_EQ_INT(rt.revision, 2);
	hb_route_logs_query("test", NULL, "text/plain, application/json;q=0.5", &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_LOGS);
	ASSERT_STREQ(rt.hook, "test");
	ASSERT(rt.json);
	hb_route_logs_query(NULL, "text", "application/json", &rt);
	ASSERT(!rt.json);
	hb_route_logs_query(NULL, NULL, "*/*", &rt);
	ASSERT(!rt.json);
	ASSERT_STREQ(rt.hook, "");

	hb_route("GET", "/v1/releases/shop/demo/logs", NULL, &rt);
	hb_route_logs_query("Bad\x1b", NULL, NULL, &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_REFUSED);
	ASSERT_EQ_INT(rt.status, 400);
	ASSERT_STREQ(rt.reason, "hook \"Bad\\x1b\": want an event (test, pre-install, "
				"post-upgrade, ...) or a hook's name");
	hb_route("GET", "/v1/releases/shop/demo/logs", NULL, &rt);
	hb_route_logs_query(NULL, "xml", NULL, &rt);
	ASSERT_EQ_INT(rt.status, 400);
	ASSERT_STREQ(rt.reason, "format \"xml\": want text or json");
	hb_route("GET", "/v1/releases/shop/demo/logs", "x", &rt);
	ASSERT_EQ_INT(rt.status, 400);
	ASSERT_CONTAINS(rt.reason, "revision \"x\"");
	hb_route("GET", "/v1/releases/shop/demo/other", NULL, &rt);
	ASSERT_EQ_INT(rt.status, 404);
	hb_route("GET", "/v1/releases/shop/demo/logs/x", NULL, &rt);
	ASSERT_EQ_INT(rt.status, 404);
	hb_route("GET", "/v1/releases/shop/Demo/logs", NULL, &rt);
	ASSERT_EQ_INT(rt.status, 400);
	/* The release route itself is untouched by a query meant for logs. */
	hb_route("GET", "/v1/releases/shop/demo", NULL, &rt);
	hb_route_logs_query("Bad", "xml", NULL, &rt);
	ASSERT_EQ_INT(rt.id, HB_ROUTE_RELEASE);
}

static int parse(char *err, struct hb_collector_cli *c, const char *a1, const char *a2,
		 const char *a3, const char *a4)
{
	static char *argv[16];
	int argc = 0;
	static char *base[] = { "hookbox-collector", "logs", "--server", "http://c:1",
				"--namespace", "shop", "--release", "demo" };
	for (size_t i = 0; i < 8; i++)
		argv[argc++] = base[i];
	const char *more[] = { a1, a2, a3, a4 };
	for (size_t i = 0; i < 4 && more[i]; i++)
		argv[argc++] = (char *)more[i];
	argv[argc] = NULL;
	err[0] = '\0';
	return hb_collector_cli_parse(argc, argv, c, err, 512);
}

HB_TEST(logs_command_line)
{
	struct hb_collector_cli c;
	char err[512];
	ASSERT_EQ_INT(parse(err, &c, "--hook", "pre-install", "--revision", "3"), 0);
	ASSERT_EQ_INT(c.cmd, HB_COLLECTOR_LOGS);
	ASSERT_STREQ(c.hook, "pre-install");
	ASSERT_EQ_INT(c.revision, 3);
	ASSERT_EQ_INT(parse(err, &c, "--output", "json", NULL, NULL), 0);
	ASSERT_EQ_INT(c.output, HB_RENDER_JSON);
	ASSERT_EQ_INT(parse(err, &c, "--hook", "Bad_Name", NULL, NULL), -1);
	ASSERT_CONTAINS(err, "--hook \"Bad_Name\": want an event (test, pre-install");
	ASSERT_EQ_INT(parse(err, &c, "--output", "junit", NULL, NULL), -1);
	ASSERT_STREQ(err, "logs: --output junit: logs are text or json");
	ASSERT_EQ_INT(parse(err, &c, "--revision", "-1", NULL, NULL), -1);
	ASSERT_CONTAINS(err, "--revision \"-1\"");
	ASSERT_EQ_INT(parse(err, &c, "--logs", NULL, NULL, NULL), -1);
	ASSERT_CONTAINS(err, "logs: unknown flag \"--logs\"");

	char *r1[] = { "hookbox-collector", "reduce", "--logs", "--hook", "test", "a.pb", NULL };
	ASSERT_EQ_INT(hb_collector_cli_parse(6, r1, &c, err, sizeof(err)), 0);
	ASSERT(c.logs);
	ASSERT_STREQ(c.hook, "test");
	ASSERT_EQ_INT(c.n_files, 1);
	char *r2[] = { "hookbox-collector", "reduce", "--hook", "test", "a.pb", NULL };
	ASSERT_EQ_INT(hb_collector_cli_parse(5, r2, &c, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "reduce: --hook goes with --logs");
	char *r3[] = { "hookbox-collector", "logs", "--namespace", "shop", NULL };
	ASSERT_EQ_INT(hb_collector_cli_parse(4, r3, &c, err, sizeof(err)), -1);
	ASSERT_STREQ(err, "logs: --server URL is required");
}

HB_TEST_MAIN(logs_command_line, hook_filter_values, select_by_event_and_name, text_shows_command_and_tails,
	     exit_codes, hooks_in_helm_order, logs_route)
