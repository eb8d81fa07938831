/* SPDX-License-Identifier: MIT */
/* hookbox-collector's command line, parsed without side effects so that the
 * unit tests can call it.
 *
 *   struct hb_collector_cli cli;
 *   if (hb_collector_cli_parse(argc, argv, &cli, err, sizeof(err)) < 0) -> exit 2
 *   ... run cli.cmd ...
 *
 * Nothing is allocated: strings point into argv.
 */
#ifndef HB_COLLECTOR_CLI_H
#define HB_COLLECTOR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"

enum hb_collector_cmd {
	HB_COLLECTOR_HELP,
	HB_COLLECTOR_VERSION,
	HB_COLLECTOR_SERVE,
	HB_COLLECTOR_STATUS,
	HB_COLLECTOR_REDUCE,
	HB_COLLECTOR_LOGS,
};

#define HB_DEFAULT_LISTEN "127.0.0.1:8080"
#define HB_DEFAULT_STORE "sqlite:hookbox-collector.db"
#define HB_DEFAULT_MAX_BODY (1u << 20)
#define HB_MAX_MAX_BODY (64u << 20)

struct hb_collector_cli {
	enum hb_collector_cmd cmd;
	/* serve */
	const char *listen;
	const char *store;
	const char *tls_cert;
	const char *tls_key;
	size_t max_body;
	unsigned max_connections;
	unsigned max_connections_per_ip; /* from one client address */
	unsigned request_timeout_s; /* to receive a whole request */
	unsigned timeout_s;   /* idle connection timeout */
	/* serve and status */
	const char *token_file;
	/* status */
	const char *server;
	const char *ca_file;
	int64_t wait_ms;      /* 0: do not wait */
	/* status and reduce */
	const char *ns;
	const char *release;
	int64_t revision;     /* 0: the newest */
	enum hb_render_fmt output;
	/* reduce */
	char **files;         /* points into argv */
	size_t n_files;
	bool logs;            /* reduce --logs: the logs view of the files */
	/* logs, and reduce --logs: an event or a hook's name, NULL: all */
	const char *hook;
};

/* Returns 0, or -1 with err holding a one-line usage error. */
int hb_collector_cli_parse(int argc, char **argv, struct hb_collector_cli *cli,
			   char *err, size_t errlen);

extern const char hb_collector_usage[];

#endif
