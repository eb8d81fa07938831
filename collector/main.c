/* SPDX-License-Identifier: MIT */
/* hookbox-collector: parse the command line, run the command. */
#include "cli.h"
#include "commands.h"
#include "server.h"

#include <stdio.h>

#ifndef HB_VERSION
#define HB_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
	struct hb_collector_cli cli;
	char err[512];
	if (hb_collector_cli_parse(argc, argv, &cli, err, sizeof(err)) < 0) {
		fprintf(stderr, "hookbox-collector: %s\n%s", err, hb_collector_usage);
		return 2;
	}
	switch (cli.cmd) {
	case HB_COLLECTOR_SERVE:
		return hb_serve(&cli);
	case HB_COLLECTOR_STATUS:
		return hb_cmd_status(&cli);
	case HB_COLLECTOR_REDUCE:
		return hb_cmd_reduce(&cli);
	case HB_COLLECTOR_LOGS:
		return hb_cmd_logs(&cli);
	case HB_COLLECTOR_VERSION:
		printf("hookbox-collector %s\n", HB_VERSION);
		return 0;
	case HB_COLLECTOR_HELP:
		fputs(hb_collector_usage, stdout);
		return 0;
	}
	return 2;
}
