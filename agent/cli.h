/* SPDX-License-Identifier: MIT */
/* The agent's command line, parsed without side effects so tests can call it.
 *
 *   struct hb_cli cli;
 *   if (hb_cli_parse(argc, argv, &cli, err, sizeof(err)) < 0) -> exit 2
 *   ... cli.spec_json holds the one-check spec of a one-liner ...
 *   hb_cli_release(&cli);
 */
#ifndef HB_CLI_H
#define HB_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

enum hb_cmd {
	HB_CMD_HELP,
	HB_CMD_VERSION,
	HB_CMD_RUN,      /* hookbox run SPEC */
	HB_CMD_VALIDATE, /* hookbox validate SPEC */
	HB_CMD_CHECK,    /* hookbox http URL...: a check per URL */
	HB_CMD_EXEC,     /* hookbox exec [--wait-for URL]... -- CMD ARGS */
	HB_CMD_INSTALL,  /* hookbox install DIR */
};

enum hb_output { HB_OUTPUT_HUMAN, HB_OUTPUT_JSON };

struct hb_cli {
	enum hb_cmd cmd;
	const char *spec_path; /* run, validate: a file or "-" */
	cJSON *spec_json;      /* check and exec: the spec built from flags */
	enum hb_output output;
	const char *report_file;
	int parallel;
	enum hb_sandbox_mode sandbox;
	const char *termination_log;
	const char *podinfo_dir;
	const char *collector;
	const char *token_file;
	bool require_delivery;
	bool quiet;            /* human output: failures only */
	bool no_env;           /* validate: variables unset, files unread */
	/* one-liners: the targets, pointing into argv (one check each) */
	const char **targets;
	size_t n_targets;
	/* exec */
	char **exec_argv;      /* points into argv, NULL-terminated */
	long long exec_timeout_ms; /* 0: none */
	size_t exec_tail_bytes;    /* --output-tail, of stdout and of stderr */
	/* install */
	const char *install_dir;
};

/* Parses argv. Returns 0, or -1 with err holding a one-line usage error. */
int hb_cli_parse(int argc, char **argv, struct hb_cli *cli, char *err,
		 size_t errlen);
void hb_cli_release(struct hb_cli *cli);
/* The --help text. */
extern const char hb_cli_usage[];

#endif
