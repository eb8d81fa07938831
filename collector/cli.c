/* SPDX-License-Identifier: MIT */
/* Parsing hookbox-collector's subcommands and flags. */
#include "cli.h"

#include "addr.h"
#include "duration.h"
#include "logs.h"
#include "optutil.h"
#include "report_util.h"
#include "strutil.h"
#include "validate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char hb_collector_usage[] =
	"usage: hookbox-collector serve [--listen HOST:PORT] [--store URL]\n"
	"           [--token-file F] [--tls-cert F --tls-key F] [--max-body N]\n"
	"           [--max-connections N] [--max-connections-per-ip N]\n"
	"           [--request-timeout SECONDS] [--timeout SECONDS]\n"
	"       hookbox-collector status --server URL --namespace NS --release R\n"
	"           [--revision N] [--output text|json|junit] [--wait D]\n"
	"           [--token-file F] [--ca-file F]\n"
	"       hookbox-collector logs --server URL --namespace NS --release R\n"
	"           [--revision N] [--hook EVENT|NAME] [--output text|json]\n"
	"           [--token-file F] [--ca-file F]\n"
	"       hookbox-collector reduce [--namespace NS] [--release R] [--revision N]\n"
	"           [--output text|json|junit] [--logs [--hook EVENT|NAME]] FILE...\n"
	"\n"
	"serve: --listen defaults to " HB_DEFAULT_LISTEN ", --store to\n"
	"  " HB_DEFAULT_STORE " (or postgres://...); a bearer token is required\n"
	"  when the address is not loopback; --max-body defaults to 1M,\n"
	"  --max-connections to 512, --max-connections-per-ip to an eighth of\n"
	"  it, --request-timeout (headers and body) to 10, --timeout (idle) to 30.\n"
	"status: reads the reduction of a release from a collector; --wait blocks\n"
	"  until the test suite is final or D passes.\n"
	"logs: each hook's latest report in Helm's order, with its checks and a\n"
	"  wrapped command's exit status and output; --hook picks an event (test,\n"
	"  pre-install, ...) or one hook by name; the latest revision unless told.\n"
	"reduce: the same reduction over report files (protobuf or JSON);\n"
	"  --logs shows them as logs does.\n"
	"exit status: 0 Succeeded, 1 Failed, 3 Running or Unknown, 2 usage error\n";

enum opt_id {
	O_CA_FILE,
	O_HELP,
	O_HOOK,
	O_LISTEN,
	O_LOGS,
	O_MAX_BODY,
	O_MAX_CONNECTIONS,
	O_MAX_CONNECTIONS_PER_IP,
	O_NAMESPACE,
	O_OUTPUT,
	O_RELEASE,
	O_REQUEST_TIMEOUT,
	O_REVISION,
	O_SERVER,
	O_STORE,
	O_TIMEOUT,
	O_TLS_CERT,
	O_TLS_KEY,
	O_TOKEN_FILE,
	O_WAIT,
};

enum {
	C_SERVE = 1 << 0,
	C_STATUS = 1 << 1,
	C_REDUCE = 1 << 2,
	C_LOGS = 1 << 3,
	C_ALL = C_SERVE | C_STATUS | C_REDUCE | C_LOGS,
};

/* Sorted by name, as curl's tool keeps its aliases[]. */
static const struct opt {
	const char *name;
	enum opt_id id;
	unsigned cmds;
	bool has_arg;
} opts[] = {
	{ "ca-file", O_CA_FILE, C_STATUS | C_LOGS, true },
	{ "help", O_HELP, C_ALL, false },
	{ "hook", O_HOOK, C_LOGS | C_REDUCE, true },
	{ "listen", O_LISTEN, C_SERVE, true },
	{ "logs", O_LOGS, C_REDUCE, false },
	{ "max-body", O_MAX_BODY, C_SERVE, true },
	{ "max-connections", O_MAX_CONNECTIONS, C_SERVE, true },
	{ "max-connections-per-ip", O_MAX_CONNECTIONS_PER_IP, C_SERVE, true },
	{ "namespace", O_NAMESPACE, C_STATUS | C_REDUCE | C_LOGS, true },
	{ "output", O_OUTPUT, C_STATUS | C_REDUCE | C_LOGS, true },
	{ "release", O_RELEASE, C_STATUS | C_REDUCE | C_LOGS, true },
	{ "request-timeout", O_REQUEST_TIMEOUT, C_SERVE, true },
	{ "revision", O_REVISION, C_STATUS | C_REDUCE | C_LOGS, true },
	{ "server", O_SERVER, C_STATUS | C_LOGS, true },
	{ "store", O_STORE, C_SERVE, true },
	{ "timeout", O_TIMEOUT, C_SERVE, true },
	{ "tls-cert", O_TLS_CERT, C_SERVE, true },
	{ "tls-key", O_TLS_KEY, C_SERVE, true },
	{ "token-file", O_TOKEN_FILE, C_SERVE | C_STATUS | C_LOGS, true },
	{ "wait", O_WAIT, C_STATUS, true },
};

static const struct opt *find_opt(const char *name, size_t len)
{
	return hb_opt_find(opts, HB_ARRAY_SIZE(opts), sizeof(opts[0]), name, len);
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	/* Sizes may say K or M (KiB, MiB): "512K", "1M". */
	if (*end == 'K' || *end == 'k') {
		v <<= 10;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		v <<= 20;
		end++;
	}
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int set_opt(struct hb_collector_cli *c, const struct opt *o, const char *v,
		   char *err, size_t errlen)
{
	unsigned long long n;
	switch (o->id) {
	case O_CA_FILE:
		c->ca_file = v;
		break;
	case O_HELP:
		c->cmd = HB_COLLECTOR_HELP;
		break;
	case O_HOOK:
		if (!hb_logs_hook_valid(v))
			return hb_fail(err, errlen,
				    "--hook \"%s\": want an event (test, pre-install, "
				    "post-upgrade, ...) or a hook's name (lower-case "
				    "letters, digits, '-' and '.')", v);
		c->hook = v;
		break;
	case O_LOGS:
		c->logs = true;
		break;
	case O_LISTEN: {
		char host[HB_HOST_MAX], why[128];
		int port;
		if (hb_split_hostport(v, host, sizeof(host), &port, 0,
				      HB_HOSTPORT_ZERO, why, sizeof(why)) < 0)
			return hb_fail(err, errlen,
				    "--listen \"%s\": %s; want HOST:PORT, e.g. 127.0.0.1:8080",
				    v, why);
		c->listen = v;
		break;
	}
	case O_MAX_BODY:
		if (parse_uint(v, HB_MAX_MAX_BODY, &n) < 0 || n < 1024)
			return hb_fail(err, errlen,
				    "--max-body \"%s\": want a size from 1K to 64M", v);
		c->max_body = (size_t)n;
		break;
	case O_MAX_CONNECTIONS:
		if (parse_uint(v, 100000, &n) < 0 || n < 1)
			return hb_fail(err, errlen, "--max-connections \"%s\": want 1 to 100000", v);
		c->max_connections = (unsigned)n;
		break;
	case O_MAX_CONNECTIONS_PER_IP:
		if (parse_uint(v, 100000, &n) < 0 || n < 1 || strpbrk(v, "KkMm"))
			return hb_fail(err, errlen,
				    "--max-connections-per-ip \"%s\": want 1 to 100000", v);
		c->max_connections_per_ip = (unsigned)n;
		break;
	case O_NAMESPACE:
		c->ns = v;
		break;
	case O_OUTPUT:
		if (strcmp(v, "text") == 0)
			c->output = HB_RENDER_TEXT;
		else if (strcmp(v, "json") == 0)
			c->output = HB_RENDER_JSON;
		else if (strcmp(v, "junit") == 0)
			c->output = HB_RENDER_JUNIT;
		else
			return hb_fail(err, errlen, "--output \"%s\": want text, json or junit", v);
		break;
	case O_RELEASE:
		c->release = v;
		break;
	case O_REQUEST_TIMEOUT:
		if (parse_uint(v, 3600, &n) < 0 || n < 1 || strpbrk(v, "KkMm"))
			return hb_fail(err, errlen,
				    "--request-timeout \"%s\": want 1 to 3600 seconds", v);
		c->request_timeout_s = (unsigned)n;
		break;
	case O_REVISION:
		if (hb_revision_parse(v, &c->revision) < 0)
			return hb_fail(err, errlen,
				       "--revision \"%s\": want a number from 0 to %d", v,
				       HB_MAX_REVISION);
		break;
	case O_SERVER:
		if (!hb_str_prefix(v, "http://") && !hb_str_prefix(v, "https://"))
			return hb_fail(err, errlen, "--server \"%s\": want an http:// or https:// URL", v);
		c->server = v;
		break;
	case O_STORE:
		c->store = v;
		break;
	case O_TIMEOUT:
		if (parse_uint(v, 3600, &n) < 0 || n < 1 || strpbrk(v, "KkMm"))
			return hb_fail(err, errlen, "--timeout \"%s\": want 1 to 3600 seconds", v);
		c->timeout_s = (unsigned)n;
		break;
	case O_TLS_CERT:
		c->tls_cert = v;
		break;
	case O_TLS_KEY:
		c->tls_key = v;
		break;
	case O_TOKEN_FILE:
		c->token_file = v;
		break;
	case O_WAIT:
		if (hb_duration_parse(v, &c->wait_ms) < 0)
			return hb_fail(err, errlen, "--wait \"%s\": want a duration like 30s or 5m", v);
		break;
	}
	return 0;
}

int hb_collector_cli_parse(int argc, char **argv, struct hb_collector_cli *c,
			   char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->listen = HB_DEFAULT_LISTEN;
	c->store = HB_DEFAULT_STORE;
	c->max_body = HB_DEFAULT_MAX_BODY;
	c->max_connections = 512;
	c->timeout_s = 30;
	c->request_timeout_s = 10;
	c->output = HB_RENDER_TEXT;
	if (argc < 2)
		return hb_fail(err, errlen, "missing command (serve, status, logs or reduce)");
	const char *cmd = argv[1];
	unsigned mask;
	if (strcmp(cmd, "serve") == 0) {
		c->cmd = HB_COLLECTOR_SERVE;
		mask = C_SERVE;
	} else if (strcmp(cmd, "status") == 0) {
		c->cmd = HB_COLLECTOR_STATUS;
		mask = C_STATUS;
	} else if (strcmp(cmd, "reduce") == 0) {
		c->cmd = HB_COLLECTOR_REDUCE;
		mask = C_REDUCE;
	} else if (strcmp(cmd, "logs") == 0) {
		c->cmd = HB_COLLECTOR_LOGS;
		mask = C_LOGS;
	} else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
		   strcmp(cmd, "-h") == 0) {
		c->cmd = HB_COLLECTOR_HELP;
		return 0;
	} else if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		c->cmd = HB_COLLECTOR_VERSION;
		return 0;
	} else {
		return hb_fail(err, errlen,
			    "unknown command \"%s\" (want serve, status, logs or reduce)", cmd);
	}
	bool only_files = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			if (c->cmd != HB_COLLECTOR_REDUCE)
				return hb_fail(err, errlen, "%s: unexpected argument \"%s\"", cmd, a);
			if (!c->files)
				c->files = &argv[i];
			/* Files are gathered in place: move a in front. */
			c->files[c->n_files++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_files = true;
			continue;
		}
		if (a[1] != '-')
			return hb_fail(err, errlen, "%s: unknown flag \"%s\"", cmd, a);
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct opt *o = find_opt(name, len);
		if (!o || !(o->cmds & mask))
			return hb_fail(err, errlen, "%s: unknown flag \"--%.*s\"", cmd, (int)len, name);
		const char *v = NULL;
		if (o->has_arg) {
			if (eq)
				v = eq + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				return hb_fail(err, errlen, "--%s: missing value", o->name);
		} else if (eq) {
			return hb_fail(err, errlen, "--%s takes no value", o->name);
		}
		if (set_opt(c, o, v, err, errlen) < 0)
			return -1;
		if (c->cmd == HB_COLLECTOR_HELP)
			return 0;
	}
	if (c->cmd == HB_COLLECTOR_SERVE && (!c->tls_cert) != (!c->tls_key))
		return hb_fail(err, errlen, "serve: --tls-cert and --tls-key go together");
	/* One address may hold an eighth of the connections unless told
	 * otherwise: a client that opens many and sends slowly then leaves
	 * the rest to everyone else. */
	if (c->max_connections_per_ip == 0)
		c->max_connections_per_ip = c->max_connections >= 8 ? c->max_connections / 8 : 1;
	if (c->cmd == HB_COLLECTOR_STATUS || c->cmd == HB_COLLECTOR_LOGS) {
		if (!c->server)
			return hb_fail(err, errlen, "%s: --server URL is required", cmd);
		if (!c->ns || !c->release)
			return hb_fail(err, errlen, "%s: --namespace and --release are required",
				       cmd);
	}
	bool logs = c->cmd == HB_COLLECTOR_LOGS || c->logs;
	if (c->hook && !logs)
		return hb_fail(err, errlen, "reduce: --hook goes with --logs");
	if (logs && c->output == HB_RENDER_JUNIT)
		return hb_fail(err, errlen, "%s: --output junit: logs are text or json",
			       cmd);
	if (c->cmd == HB_COLLECTOR_REDUCE && c->n_files == 0)
		return hb_fail(err, errlen, "reduce: no report files given");
	return 0;
}
