/* SPDX-License-Identifier: MIT */
/* Small helpers around the generated hookbox.v1 types shared by agent and collector. */
#ifndef HB_REPORT_UTIL_H
#define HB_REPORT_UTIL_H

#include <stdint.h>

#include "hookbox/v1/report.pb-c.h"

/* Helm's revision is a Go int counted up from 1 (helm.sh/helm/v3
 * pkg/release: Version int); in practice a release never nears 2^31. 0 is a
 * report whose agent did not know its revision. The collector refuses any
 * other, so that one absurd report cannot become a release's newest
 * revision, and every revision prints as a JSON integer. */
#define HB_MAX_REVISION INT32_MAX

/* Helm's names: "Unknown", "Running", "Succeeded", "Failed". */
const char *hb_phase_name(int phase);
/* "PASSED", "FAILED", ... as in the schema. */
const char *hb_outcome_name(int outcome);

#endif
