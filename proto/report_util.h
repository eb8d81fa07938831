/* SPDX-License-Identifier: MIT */
/* Small helpers around the generated hookbox.v1 types shared by agent and collector. */
#ifndef HB_REPORT_UTIL_H
#define HB_REPORT_UTIL_H

#include "hookbox/v1/report.pb-c.h"

/* Helm's names: "Unknown", "Running", "Succeeded", "Failed". */
const char *hb_phase_name(int phase);
/* "PASSED", "FAILED", ... as in the schema. */
const char *hb_outcome_name(int outcome);

#endif
