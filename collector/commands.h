/* SPDX-License-Identifier: MIT */
/* The client commands: status (asks a collector) and reduce (reads files).
 * Each returns the process exit status: 0 Succeeded, 1 Failed, 3 Running or
 * Unknown (or the collector could not say), 2 usage or input error. */
#ifndef HB_COMMANDS_H
#define HB_COMMANDS_H

#include "cli.h"

int hb_cmd_status(const struct hb_collector_cli *cli);
int hb_cmd_reduce(const struct hb_collector_cli *cli);

#endif
