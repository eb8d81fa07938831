/* SPDX-License-Identifier: MIT */
/* Parsing the agent's command line: subcommands, run flags, and the flags of
 * the one-liners, which become a one-check spec for the same engine. */
#include "cli.h"

#include "addr.h"
#include "duration.h"
#include "exec.h"
#include "optutil.h"
#include "spec.h"
#include "strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char hb_cli_usage[] =
	"usage: hookbox run SPEC|-        run the checks of a JSON spec\n"
	"       hookbox validate [--no-env] SPEC|-  check a spec and exit\n"
	"       hookbox http URL...       HTTP(S) checks (host:port/path\n"
	"                                 without a scheme is http://)\n"
	"       hookbox tcp HOST:PORT...  TCP connect checks\n"
	"       hookbox dns NAME...       name resolution checks\n"
	"       hookbox postgres URL...   PostgreSQL checks\n"
	"       hookbox mysql URL...      MySQL/MariaDB checks\n"
	"       hookbox redis URL...      Redis checks\n"
	"       hookbox grpc HOST:PORT... gRPC health checks\n"
	"       hookbox k8s RESOURCE/NAME...  Kubernetes object checks\n"
	"       hookbox exec [--wait-for URL]... [--timeout D] [--output-tail SIZE]\n"
	"                    -- CMD ARGS...\n"
	"       hookbox install DIR       copy a self-contained hookbox into DIR\n"
	"one-liners: one check per target, each with every check flag, run in\n"
	"parallel; ${VAR} and ${VAR:-default} in arguments expand as in a spec\n"
	"\n"
	"run flags:\n"
	"  --output human|json      what to print (default human)\n"
	"  --report-file PATH       write the hookbox.v1.Report protobuf there\n"
	"  --parallel N             attempts at once (default 8)\n"
	"  --sandbox enforce|log|off  (default enforce)\n"
	"  --termination-log PATH   (default /dev/termination-log, if it exists)\n"
	"  --podinfo DIR            downward-API files (default /etc/podinfo)\n"
	"  --collector URL          send the report to a hookbox-collector\n"
	"  --token-file PATH        bearer token for the collector\n"
	"  --require-delivery       fail when the collector cannot be reached\n"
	"  --quiet                  print failed checks only\n"
	"  --output-tail SIZE       exec: the last SIZE bytes of stdout and of\n"
	"                           stderr kept in the report (default 4K, at\n"
	"                           most 256K, 0 keeps none)\n"
	"check flags (one-liners):\n"
	"  --name N  --timeout D  --retries N  --interval D  --backoff F\n"
	"  --wait D  --optional  --retry-on CLASS (also for exec)\n"
	"  http:  --expect-status 200|2xx|200,204  --expect-body REGEX\n"
	"         --expect-body-contains TEXT  --expect-jq EXPR\n"
	"         --expect-json PATH=VALUE  --max-latency D  --method M\n"
	"         --header 'K: V'  --data BODY  --follow-redirects [any]\n"
	"         --insecure  --ca-file F  --cert-file F  --key-file F\n"
	"         --min-cert-days N  --user U  --password-file F\n"
	"         --bearer-token-file F  --proxy URL  --no-proxy\n"
	"  tcp:   --send DATA  --expect-reply REGEX  --family 4|6\n"
	"         --expect-reply-contains TEXT\n"
	"  dns:   --family 4|6  --min-addresses N  --expect-address ADDR\n"
	"  postgres, mysql, redis: --query Q (redis: --command C)\n"
	"         --expect-value V  --expect-pattern REGEX  --expect-rows N\n"
	"         --expect-column NAME|INDEX (not redis)  --expect-row N\n"
	"         --user U  --password-file F\n"
	"         --ready  (passes when the server accepts connections, even\n"
	"                   refusing the login: no credentials needed)\n"
	"  grpc:  --service NAME  --tls  --ca-file F  --cert-file F  --key-file F\n"
	"         --insecure  --server-name NAME  (any TLS flag means --tls)\n"
	"  k8s:   -n|--namespace NS  --rollout  --condition TYPE[=STATUS]\n"
	"         --jq EXPR  --server URL  --ca-file F  --bearer-token-file F\n"
	"         (default: the pod's ServiceAccount and namespace)\n"
	"exit status: 0 every required check passed, 1 a check failed,\n"
	"2 usage or spec error\n";


enum opt_type {
	T_STR,    /* a string at path */
	T_INT,    /* an integer at path */
	T_NUM,    /* a number at path */
	T_BOOL,   /* true at path, takes no argument */
	T_WORD,   /* true at path, or a word given as "=word" or after it */
	T_APPEND, /* appended to the array at path */
	T_SPECIAL,
	T_RUN,    /* a run flag */
	T_RUN_FLAG,
};

enum opt_id {
	O_NONE,
	O_COLLECTOR,
	O_EXPECT_COLUMN,
	O_EXPECT_JSON,
	O_EXPECT_STATUS,
	O_HEADER,
	O_HELP,
	O_NO_ENV,
	O_NO_PROXY,
	O_OUTPUT,
	O_OUTPUT_TAIL,
	O_PARALLEL,
	O_PODINFO,
	O_QUIET,
	O_REPORT_FILE,
	O_REQUIRE_DELIVERY,
	O_RETRIES,
	O_SANDBOX,
	O_TERMINATION_LOG,
	O_TIMEOUT,
	O_TOKEN_FILE,
	O_WAIT_FOR,
};

/* Sorted by name, as curl's tool keeps its aliases[]. */
static const struct opt {
	const char *name;
	enum opt_type type;
	unsigned kinds;
	const char *path;
	enum opt_id id;
} opts[] = {
	{ "backoff", T_NUM, HB_K_ALL, "retry.backoff", O_NONE },
	{ "bearer-token-file", T_STR, HB_K_HTTP | HB_K_K8S, "bearer_token_file", O_NONE },
	{ "ca-file", T_STR, HB_K_HTTP | HB_K_GRPC | HB_K_K8S, "ca_file", O_NONE },
	{ "cert-file", T_STR, HB_K_HTTP | HB_K_GRPC, "cert_file", O_NONE },
	{ "collector", T_RUN, 0, NULL, O_COLLECTOR },
	{ "command", T_STR, HB_K_RE, "command", O_NONE },
	{ "condition", T_STR, HB_K_K8S, "condition", O_NONE },
	{ "data", T_STR, HB_K_HTTP, "body", O_NONE },
	{ "expect-address", T_APPEND, HB_K_DNS, "expect.addresses", O_NONE },
	{ "expect-body", T_STR, HB_K_HTTP, "expect.body", O_NONE },
	{ "expect-body-contains", T_STR, HB_K_HTTP, "expect.contains", O_NONE },
	{ "expect-column", T_SPECIAL, HB_K_PG | HB_K_MY, NULL, O_EXPECT_COLUMN },
	{ "expect-jq", T_STR, HB_K_HTTP, "expect.jq", O_NONE },
	{ "expect-json", T_SPECIAL, HB_K_HTTP, NULL, O_EXPECT_JSON },
	{ "expect-pattern", T_STR, HB_K_DB, "expect.pattern", O_NONE },
	{ "expect-reply", T_STR, HB_K_TCP, "expect.reply", O_NONE },
	{ "expect-reply-contains", T_STR, HB_K_TCP, "expect.reply_contains", O_NONE },
	{ "expect-row", T_INT, HB_K_DB, "expect.row", O_NONE },
	{ "expect-rows", T_INT, HB_K_DB, "expect.rows", O_NONE },
	{ "expect-status", T_SPECIAL, HB_K_HTTP, NULL, O_EXPECT_STATUS },
	{ "expect-value", T_STR, HB_K_DB, "expect.value", O_NONE },
	{ "family", T_INT, HB_K_TCP | HB_K_DNS, "family", O_NONE },
	{ "follow-redirects", T_WORD, HB_K_HTTP, "follow_redirects", O_NONE },
	{ "header", T_SPECIAL, HB_K_HTTP, NULL, O_HEADER },
	{ "help", T_RUN_FLAG, 0, NULL, O_HELP },
	{ "insecure", T_BOOL, HB_K_HTTP | HB_K_GRPC, "insecure", O_NONE },
	{ "interval", T_STR, HB_K_ALL, "retry.interval", O_NONE },
	{ "jq", T_STR, HB_K_K8S, "jq", O_NONE },
	{ "key-file", T_STR, HB_K_HTTP | HB_K_GRPC, "key_file", O_NONE },
	{ "max-latency", T_STR, HB_K_HTTP, "expect.max_latency", O_NONE },
	{ "method", T_STR, HB_K_HTTP, "method", O_NONE },
	{ "min-addresses", T_INT, HB_K_DNS, "expect.min_addresses", O_NONE },
	{ "min-cert-days", T_INT, HB_K_HTTP, "min_cert_days", O_NONE },
	{ "name", T_STR, HB_K_ALL, "name", O_NONE },
	{ "namespace", T_STR, HB_K_K8S, "namespace", O_NONE },
	{ "no-env", T_RUN_FLAG, 0, NULL, O_NO_ENV },
	{ "no-proxy", T_BOOL, HB_K_HTTP, "proxy", O_NO_PROXY },
	{ "optional", T_BOOL, HB_K_ALL, "optional", O_NONE },
	{ "output", T_RUN, 0, NULL, O_OUTPUT },
	{ "output-tail", T_RUN, 0, NULL, O_OUTPUT_TAIL },
	{ "parallel", T_RUN, 0, NULL, O_PARALLEL },
	{ "password-file", T_STR, HB_K_DB | HB_K_HTTP, "password_file", O_NONE },
	{ "podinfo", T_RUN, 0, NULL, O_PODINFO },
	{ "proxy", T_STR, HB_K_HTTP, "proxy", O_NONE },
	{ "query", T_STR, HB_K_PG | HB_K_MY, "query", O_NONE },
	{ "quiet", T_RUN_FLAG, 0, NULL, O_QUIET },
	{ "ready", T_BOOL, HB_K_DB, "ready", O_NONE },
	{ "report-file", T_RUN, 0, NULL, O_REPORT_FILE },
	{ "require-delivery", T_RUN_FLAG, 0, NULL, O_REQUIRE_DELIVERY },
	{ "retries", T_SPECIAL, HB_K_ALL, NULL, O_RETRIES },
	{ "retry-on", T_APPEND, HB_K_ALL, "retry_on", O_NONE },
	{ "rollout", T_BOOL, HB_K_K8S, "rollout", O_NONE },
	{ "sandbox", T_RUN, 0, NULL, O_SANDBOX },
	{ "send", T_STR, HB_K_TCP, "send", O_NONE },
	{ "server", T_STR, HB_K_K8S, "server", O_NONE },
	{ "server-name", T_STR, HB_K_GRPC, "server_name", O_NONE },
	{ "service", T_STR, HB_K_GRPC, "service", O_NONE },
	{ "termination-log", T_RUN, 0, NULL, O_TERMINATION_LOG },
	{ "timeout", T_SPECIAL, HB_K_ALL, NULL, O_TIMEOUT },
	{ "tls", T_BOOL, HB_K_GRPC, "tls", O_NONE },
	{ "token-file", T_RUN, 0, NULL, O_TOKEN_FILE },
	{ "user", T_STR, HB_K_DB | HB_K_HTTP, "user", O_NONE },
	{ "wait", T_STR, HB_K_ALL, "wait", O_NONE },
	{ "wait-for", T_SPECIAL, 0, NULL, O_WAIT_FOR },
};

static const struct opt *find_opt(const char *name, size_t len)
{
	return hb_opt_find(opts, HB_ARRAY_SIZE(opts), sizeof(opts[0]), name, len);
}

/* Returns the object at a dotted path in o, creating objects on the way;
 * *leaf gets the last component. */
static cJSON *object_at(cJSON *o, const char *path, char *leaf, size_t leaflen)
{
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		char part[64];
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		cJSON *next = cJSON_GetObjectItemCaseSensitive(o, part);
		if (!next)
			next = cJSON_AddObjectToObject(o, part);
		if (!cJSON_IsObject(next))
			return NULL;
		o = next;
		path = dot + 1;
	}
	hb_strlcpy(leaf, path, leaflen);
	return o;
}

static int set_at(cJSON *check, const char *path, cJSON *v)
{
	char leaf[64];
	cJSON *o = v ? object_at(check, path, leaf, sizeof(leaf)) : NULL;
	if (!o) {
		cJSON_Delete(v);
		return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, leaf);
	cJSON_AddItemToObject(o, leaf, v);
	return 0;
}

static int parse_ll(const char *s, long long *v)
{
	char *end;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static int check_flag(const struct opt *o, const char *flag, const char *arg,
		      cJSON *check, struct hb_cli *cli, char *err, size_t errlen)
{
	long long ll;
	char *end;
	switch (o->type) {
	case T_STR:
		/* A kubernetes check's token is its "token_file". */
		if (strcmp(o->path, "bearer_token_file") == 0 &&
		    strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(check, "kind")),
			   "kubernetes") == 0)
			return set_at(check, "token_file", cJSON_CreateString(arg));
		return set_at(check, o->path, cJSON_CreateString(arg));
	case T_INT:
		if (parse_ll(arg, &ll) < 0)
			return hb_fail(err, errlen, "%s: expected an integer, got \"%s\"",
				    flag, arg);
		return set_at(check, o->path, cJSON_CreateNumber((double)ll));
	case T_NUM: {
		double d = strtod(arg, &end);
		if (end == arg || *end)
			return hb_fail(err, errlen, "%s: expected a number, got \"%s\"",
				    flag, arg);
		return set_at(check, o->path, cJSON_CreateNumber(d));
	}
	case T_BOOL:
		/* --no-proxy: "proxy": false, whatever the environment says. */
		return set_at(check, o->path, o->id == O_NO_PROXY
						      ? cJSON_CreateFalse()
						      : cJSON_CreateTrue());
	case T_WORD:
		/* --follow-redirects [any]: the one word it takes. */
		if (!arg)
			return set_at(check, o->path, cJSON_CreateTrue());
		if (strcmp(arg, "any") != 0)
			return hb_fail(err, errlen,
				    "%s: expected no value or \"any\", got \"%s\"",
				    flag, arg);
		return set_at(check, o->path, cJSON_CreateString(arg));
	case T_APPEND: {
		char leaf[64];
		cJSON *obj = object_at(check, o->path, leaf, sizeof(leaf));
		cJSON *arr = obj ? cJSON_GetObjectItemCaseSensitive(obj, leaf) : NULL;
		if (obj && !arr)
			arr = cJSON_AddArrayToObject(obj, leaf);
		if (!arr)
			return -1;
		cJSON_AddItemToArray(arr, cJSON_CreateString(arg));
		return 0;
	}
	default:
		break;
	}
	switch (o->id) {
	case O_TIMEOUT:
		return set_at(check, "timeout", cJSON_CreateString(arg));
	case O_RETRIES:
		if (parse_ll(arg, &ll) < 0 || ll < 0 || ll > 1000)
			return hb_fail(err, errlen,
				    "%s: expected a number of retries from 0 to "
				    "1000, got \"%s\"", flag, arg);
		return set_at(check, "retry.attempts",
			      cJSON_CreateNumber((double)(ll + 1)));
	case O_EXPECT_COLUMN:
		/* Digits are an index, anything else a name; a spec can
		 * still name a column "1" with a JSON string. */
		if (arg[0] && strspn(arg, "0123456789") == strlen(arg) &&
		    parse_ll(arg, &ll) == 0)
			return set_at(check, "expect.column",
				      cJSON_CreateNumber((double)ll));
		if (arg[0] == '-' && arg[1] &&
		    strspn(arg + 1, "0123456789") == strlen(arg + 1))
			return hb_fail(err, errlen, "%s: expected a column name "
				       "or a 0-based index, got \"%s\"", flag, arg);
		return set_at(check, "expect.column", cJSON_CreateString(arg));
	case O_EXPECT_STATUS: {
		/* "200,204" is a list; each item a code or a class. */
		if (!strchr(arg, ','))
			return set_at(check, "expect.status", cJSON_CreateString(arg));
		cJSON *arr = cJSON_CreateArray();
		char *copy = strdup(arg), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			cJSON_AddItemToArray(arr, cJSON_CreateString(t));
		free(copy);
		return set_at(check, "expect.status", arr);
	}
	case O_HEADER: {
		const char *colon = strchr(arg, ':');
		if (!colon || colon == arg)
			return hb_fail(err, errlen,
				    "%s: expected \"Name: value\", got \"%s\"",
				    flag, arg);
		char name[256];
		size_t n = (size_t)(colon - arg);
		if (n >= sizeof(name))
			return hb_fail(err, errlen, "%s: header name too long", flag);
		memcpy(name, arg, n);
		name[n] = '\0';
		const char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		char leaf[64];
		cJSON *h = object_at(check, "headers.x", leaf, sizeof(leaf));
		if (!h)
			return -1;
		cJSON_DeleteItemFromObjectCaseSensitive(h, name);
		cJSON_AddStringToObject(h, name, v);
		return 0;
	}
	case O_EXPECT_JSON: {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg)
			return hb_fail(err, errlen,
				    "%s: expected PATH=VALUE, got \"%s\"", flag, arg);
		char path[256];
		size_t n = (size_t)(eq - arg);
		if (n >= sizeof(path))
			return hb_fail(err, errlen, "%s: path too long", flag);
		memcpy(path, arg, n);
		path[n] = '\0';
		/* A value that is not JSON is taken as a string: status=ok. */
		cJSON *v = cJSON_Parse(eq + 1);
		if (!v)
			v = cJSON_CreateString(eq + 1);
		char leaf[64];
		cJSON *j = object_at(check, "expect.json.x", leaf, sizeof(leaf));
		if (!j) {
			cJSON_Delete(v);
			return -1;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(j, path);
		cJSON_AddItemToObject(j, path, v);
		return 0;
	}
	default:
		return hb_fail(err, errlen, "%s: not valid here", flag);
	}
}

/* A byte count as --output-tail takes it: digits, then nothing, K or KiB
 * (1024), or M or MiB. Returns 0, or -1 when s is anything else or more
 * than max. */
static int parse_size(const char *s, size_t max, size_t *out)
{
	static const struct {
		const char *unit;
		unsigned shift;
	} units[] = { { "", 0 },   { "K", 10 },   { "k", 10 }, { "KiB", 10 },
		      { "M", 20 }, { "MiB", 20 } };
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || v > max)
		return -1;
	for (size_t i = 0; i < HB_ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			if (v > (max >> units[i].shift))
				return -1;
			*out = (size_t)(v << units[i].shift);
			return 0;
		}
	return -1;
}

static int run_flag(const struct opt *o, const char *flag, const char *arg,
		    struct hb_cli *cli, char *err, size_t errlen)
{
	long long ll;
	switch (o->id) {
	case O_OUTPUT_TAIL:
		if (cli->cmd != HB_CMD_EXEC)
			return hb_fail(err, errlen, "%s is an option of \"hookbox "
				    "exec\" (a command's output)", flag);
		if (parse_size(arg, HB_EXEC_TAIL_MAX, &cli->exec_tail_bytes) < 0)
			return hb_fail(err, errlen,
				    "%s: expected a size from 0 to 256K (e.g. "
				    "4096, 16K, 64KiB), got \"%s\"", flag, arg);
		return 0;
	case O_OUTPUT:
		if (strcmp(arg, "human") == 0)
			cli->output = HB_OUTPUT_HUMAN;
		else if (strcmp(arg, "json") == 0)
			cli->output = HB_OUTPUT_JSON;
		else
			return hb_fail(err, errlen,
				    "%s: expected human or json, got \"%s\"", flag,
				    arg);
		return 0;
	case O_SANDBOX:
		if (strcmp(arg, "enforce") == 0)
			cli->sandbox = HB_SANDBOX_ENFORCE;
		else if (strcmp(arg, "log") == 0)
			cli->sandbox = HB_SANDBOX_LOG;
		else if (strcmp(arg, "off") == 0)
			cli->sandbox = HB_SANDBOX_OFF;
		else
			return hb_fail(err, errlen,
				    "%s: expected enforce, log or off, got \"%s\"",
				    flag, arg);
		return 0;
	case O_PARALLEL:
		if (parse_ll(arg, &ll) < 0 || ll < 1 || ll > 256)
			return hb_fail(err, errlen,
				    "%s: expected a number from 1 to 256, got \"%s\"",
				    flag, arg);
		cli->parallel = (int)ll;
		return 0;
	case O_REPORT_FILE:
		cli->report_file = arg;
		return 0;
	case O_TERMINATION_LOG:
		cli->termination_log = arg;
		return 0;
	case O_PODINFO:
		cli->podinfo_dir = arg;
		return 0;
	case O_COLLECTOR:
		cli->collector = arg;
		return 0;
	case O_TOKEN_FILE:
		cli->token_file = arg;
		return 0;
	case O_QUIET:
		cli->quiet = true;
		return 0;
	case O_REQUIRE_DELIVERY:
		cli->require_delivery = true;
		return 0;
	case O_HELP:
		cli->cmd = HB_CMD_HELP;
		return 0;
	case O_NO_ENV:
		if (cli->cmd != HB_CMD_VALIDATE)
			return hb_fail(err, errlen, "%s is an option of \"hookbox "
				       "validate\"", flag);
		cli->no_env = true;
		return 0;
	default:
		return hb_fail(err, errlen, "%s: not valid here", flag);
	}
}

/* A --wait-for URL: a check of the kind its scheme names (kinds.h). */
static int add_wait_for(cJSON *checks, const char *url, int index, char *err,
			size_t errlen)
{
	const struct hb_kind *k = hb_kind_by_scheme(url);
	if (!k) {
		char schemes[256];
		hb_kind_schemes(schemes, sizeof(schemes), NULL);
		return hb_fail(err, errlen,
			       "--wait-for: \"%s\": expected a URL starting with %s",
			       url, schemes);
	}
	cJSON *c = cJSON_CreateObject();
	char name[32];
	snprintf(name, sizeof(name), "wait-for-%d", index);
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "kind", k->name);
	cJSON_AddStringToObject(c, k->target,
				(k->flags & HB_KIND_STRIP_SCHEME) ?
				url + strlen(hb_kind_scheme(k, url)) : url);
	cJSON_AddItemToArray(checks, c);
	return 0;
}

/* A one-liner's checks: one per target, each with the flags' settings
 * (check, the first, holds them). Several are named after their targets
 * as a report shows them (no URL credentials); "$" doubled, so that the
 * name is what was typed, not what it expands to (a password). */
static int add_targets(struct hb_cli *cli, cJSON *checks, cJSON *check,
		       const char *target_key, char *err, size_t errlen)
{
	if (cli->n_targets > 1 && cJSON_GetObjectItemCaseSensitive(check, "name"))
		return hb_fail(err, errlen, "--name names one check: with %zu "
			       "targets, each is named after its target",
			       cli->n_targets);
	for (size_t i = 1; i < cli->n_targets; i++) {
		cJSON *c = cJSON_Duplicate(check, 1);
		if (!c)
			return hb_fail(err, errlen, "out of memory");
		cJSON_AddItemToArray(checks, c);
	}
	size_t i = 0;
	for (cJSON *c = checks->child; c; c = c->next, i++) {
		if (!cJSON_AddStringToObject(c, target_key, cli->targets[i]))
			return hb_fail(err, errlen, "out of memory");
		if (cli->n_targets == 1)
			continue;
		char shown[256], name[512];
		if (strcmp(target_key, "url") == 0) {
			char *t = hb_redact_target(cli->targets[i]);
			if (!t)
				return hb_fail(err, errlen, "out of memory");
			hb_strlcpy(shown, t, sizeof(shown));
			free(t);
		} else {
			hb_strlcpy(shown, cli->targets[i], sizeof(shown));
		}
		size_t n = 0;
		for (const char *q = shown; *q && n + 2 < sizeof(name); q++) {
			if (*q == '$')
				name[n++] = '$';
			name[n++] = *q;
		}
		name[n] = '\0';
		if (!cJSON_AddStringToObject(c, "name", name))
			return hb_fail(err, errlen, "out of memory");
	}
	return 0;
}

static void cli_defaults(struct hb_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->cmd = HB_CMD_HELP;
	cli->parallel = 8;
	cli->exec_tail_bytes = HB_EXEC_TAIL;
	cli->termination_log = "/dev/termination-log";
	cli->podinfo_dir = "/etc/podinfo";
	const char *env = getenv("HOOKBOX_COLLECTOR");
	if (env && *env)
		cli->collector = env;
	env = getenv("HOOKBOX_TOKEN_FILE");
	if (env && *env)
		cli->token_file = env;
}

int hb_cli_parse(int argc, char **argv, struct hb_cli *cli, char *err,
		 size_t errlen)
{
	cli_defaults(cli);
	if (argc < 2)
		return hb_fail(err, errlen, "missing command (try hookbox --help)");
	const char *cmd = argv[1];
	unsigned kind = 0;
	const char *target_key = NULL;
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		cli->cmd = HB_CMD_HELP;
		return 0;
	} else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		cli->cmd = HB_CMD_VERSION;
		return 0;
	} else if (strcmp(cmd, "run") == 0) {
		cli->cmd = HB_CMD_RUN;
	} else if (strcmp(cmd, "validate") == 0) {
		cli->cmd = HB_CMD_VALIDATE;
	} else if (strcmp(cmd, "install") == 0) {
		cli->cmd = HB_CMD_INSTALL;
		if (argc < 3 || !*argv[2])
			return hb_fail(err, errlen,
				    "install: missing DIR (hookbox install DIR)");
		if (argc > 3)
			return hb_fail(err, errlen,
				    "install: unexpected argument \"%s\" (hookbox install DIR)",
				    argv[3]);
		cli->install_dir = argv[2];
		return 0;
	} else if (strcmp(cmd, "exec") == 0) {
		cli->cmd = HB_CMD_EXEC;
	} else {
		const struct hb_kind *k = hb_kind_by_command(cmd);
		if (!k)
			k = hb_kind_find(cmd);
		if (k) {
			cmd = k->command ? k->command : k->name;
			kind = 1u << k->id;
			target_key = k->target;
		}
		if (!kind)
			return hb_fail(err, errlen,
				    "unknown command \"%s\" (try hookbox --help)",
				    cmd);
		cli->cmd = HB_CMD_CHECK;
	}

	cJSON *spec = NULL, *check = NULL, *checks = NULL;
	if (cli->cmd == HB_CMD_CHECK || cli->cmd == HB_CMD_EXEC) {
		spec = cJSON_CreateObject();
		checks = cJSON_AddArrayToObject(spec, "checks");
		if (cli->cmd == HB_CMD_CHECK) {
			check = cJSON_CreateObject();
			cJSON_AddStringToObject(check, "kind",
						hb_kind_by_command(cmd)->name);
			cJSON_AddItemToArray(checks, check);
		}
		cli->spec_json = spec;
	}
	const char *positional = NULL;
	if (cli->cmd == HB_CMD_CHECK &&
	    !(cli->targets = calloc((size_t)argc, sizeof(*cli->targets)))) {
		hb_cli_release(cli);
		return hb_fail(err, errlen, "out of memory");
	}
	const char *exec_wait = NULL;
	int n_wait = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		/* kubectl's -n, the one short flag. */
		if (strcmp(a, "-n") == 0 && kind == HB_K_K8S)
			a = "--namespace";
		if (strcmp(a, "--") == 0) {
			if (cli->cmd != HB_CMD_EXEC)
				goto usage_extra;
			cli->exec_argv = &argv[i + 1];
			break;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (cli->targets) {
				cli->targets[cli->n_targets++] = a;
				continue;
			}
			if (positional || cli->cmd == HB_CMD_EXEC) {
			usage_extra:
				hb_cli_release(cli);
				return hb_fail(err, errlen, "unexpected argument \"%s\"", a);
			}
			positional = a;
			continue;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct opt *o = find_opt(name, len);
		char flag[64];
		snprintf(flag, sizeof(flag), "--%.*s", (int)len, name);
		if (!o) {
			hb_cli_release(cli);
			return hb_fail(err, errlen, "unknown option %s", flag);
		}
		const char *arg = NULL;
		bool takes_arg = o->type != T_BOOL && o->type != T_RUN_FLAG &&
				 o->type != T_WORD;
		if (o->type == T_WORD) {
			/* Its word may follow as the next argument, which
			 * then cannot be the positional one (no URL is
			 * "any"). */
			if (eq)
				arg = eq + 1;
			else if (i + 1 < argc && strcmp(argv[i + 1], "any") == 0)
				arg = argv[++i];
		} else if (takes_arg) {
			if (eq)
				arg = eq + 1;
			else if (i + 1 < argc)
				arg = argv[++i];
			else {
				hb_cli_release(cli);
				return hb_fail(err, errlen, "%s needs a value", flag);
			}
		} else if (eq) {
			hb_cli_release(cli);
			return hb_fail(err, errlen, "%s takes no value", flag);
		}
		int rc;
		if (o->type == T_RUN || o->type == T_RUN_FLAG) {
			rc = run_flag(o, flag, arg, cli, err, errlen);
		} else if (cli->cmd == HB_CMD_EXEC &&
			   (o->id == O_WAIT_FOR || o->id == O_TIMEOUT ||
			    strcmp(o->name, "wait") == 0 ||
			    strcmp(o->name, "retry-on") == 0)) {
			if (o->path && strcmp(o->path, "retry_on") == 0) {
				/* For every --wait-for target. */
				cJSON *d = cJSON_GetObjectItem(spec, "defaults");
				if (!d)
					d = cJSON_AddObjectToObject(spec, "defaults");
				rc = d ? check_flag(o, flag, arg, d, cli, err, errlen)
				       : -1;
			} else if (o->id == O_WAIT_FOR) {
				rc = add_wait_for(checks, arg, n_wait++, err, errlen);
			} else if (o->id == O_TIMEOUT) {
				int64_t ms = 0;
				rc = hb_duration_parse(arg, &ms);
				if (rc < 0)
					snprintf(err, errlen,
						 "%s: expected a duration like "
						 "\"30s\" or \"10m\", got \"%s\"",
						 flag, arg);
				cli->exec_timeout_ms = ms;
			} else {
				exec_wait = arg;
				rc = 0;
			}
		} else if (cli->cmd != HB_CMD_CHECK || !(o->kinds & kind)) {
			hb_cli_release(cli);
			return hb_fail(err, errlen, "%s is not an option of \"hookbox %s\"",
				    flag, cmd);
		} else {
			rc = check_flag(o, flag, arg, check, cli, err, errlen);
		}
		if (rc < 0) {
			if (!*err)
				snprintf(err, errlen, "%s: out of memory", flag);
			hb_cli_release(cli);
			return -1;
		}
	}
	if (cli->cmd == HB_CMD_HELP)
		return 0;
	switch (cli->cmd) {
	case HB_CMD_RUN:
	case HB_CMD_VALIDATE:
		if (!positional)
			return hb_fail(err, errlen, "%s: missing SPEC (a file, or - for "
				    "standard input)", cmd);
		cli->spec_path = positional;
		break;
	case HB_CMD_CHECK:
		if (!cli->n_targets) {
			hb_cli_release(cli);
			return hb_fail(err, errlen, "%s: missing %s", cmd,
				    strcmp(target_key, "address") == 0 ? "HOST:PORT"
				    : strcmp(target_key, "name") == 0  ? "NAME"
				    : strcmp(target_key, "object") == 0 ? "RESOURCE/NAME"
									: "URL");
		}
		if (add_targets(cli, checks, check, target_key, err, errlen) < 0) {
			hb_cli_release(cli);
			return -1;
		}
		break;
	case HB_CMD_EXEC: {
		if (!cli->exec_argv || !cli->exec_argv[0]) {
			hb_cli_release(cli);
			return hb_fail(err, errlen, "exec: missing -- CMD ARGS...");
		}
		/* Waiting is what --wait-for is for: a database that comes up
		 * late is the common case, so it waits a minute unless told. */
		cJSON *d = cJSON_GetObjectItem(spec, "defaults");
		if (!d)
			d = cJSON_AddObjectToObject(spec, "defaults");
		cJSON_AddStringToObject(d, "wait", exec_wait ? exec_wait : "60s");
		break;
	}
	default:
		break;
	}
	return 0;
}

void hb_cli_release(struct hb_cli *cli)
{
	cJSON_Delete(cli->spec_json);
	cli->spec_json = NULL;
	free(cli->targets);
	cli->targets = NULL;
	cli->n_targets = 0;
}
