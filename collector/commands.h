/* SPDX-License-Identifier: MIT */
/* The client commands: status and logs (ask a collector) and reduce (reads
 * files, also for --logs).
 * Each returns the process exit status: 0 Succeeded, 1 Failed, 3 Running or
 * Unknown (or the collector could not say), 2 usage or input error. */
#ifndef HB_COMMANDS_H
#define HB_COMMANDS_H

#include "cli.h"

int hb_cmd_status(const struct hb_collector_cli *cli);
int hb_cmd_reduce(const struct hb_collector_cli *cli);
int hb_cmd_logs(const struct hb_collector_cli *cli);
/* Prints the logs view red (logs.h) as text or JSON; returns the exit
 * status (hb_logs_exit_code, 3 when out of memory). */
int hb_logs_print(const cJSON *red, enum hb_render_fmt fmt);

#endif
