/* SPDX-License-Identifier: MIT */
/* Printing a report: for people (helm test --logs), as JSON, and as the
 * Kubernetes termination message. */
#ifndef HB_OUTPUT_H
#define HB_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "hookbox/v1/report.pb-c.h"

/* One line per check, then a hint line under each failure, then a summary. */
void hb_output_human(FILE *f, const Hookbox__V1__Report *r, bool quiet);
/* The canonical JSON mapping, pretty-printed. Returns 0 or -ENOMEM. */
int hb_output_json(FILE *f, const Hookbox__V1__Report *r);
/* The termination message: phase and failed checks, at most size-1 bytes
 * (Kubernetes keeps 4096). */
void hb_output_termination(char *dst, size_t size, const Hookbox__V1__Report *r);

#endif
