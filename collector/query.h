/* SPDX-License-Identifier: MIT */
/* What the collector's read routes answer, as JSON built from the store:
 * one release revision's reduction, the list of releases with their newest
 * revision, and a release's recent revisions. The JSON API prints these
 * and the web page renders them, so that the page never knows more than
 * GET /v1/... answers.
 *
 *   cJSON *j = hb_release_json(store, ns, rel, 0, &phase, err, sizeof(err));
 *   ... print or render j ...
 *   cJSON_Delete(j);
 *
 * Each returns a new object the caller deletes, or NULL with err filled.
 */
#ifndef HB_QUERY_H
#define HB_QUERY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The most revisions GET /v1/releases/{ns}/{release}/revisions lists. */
#define HB_MAX_HISTORY 100

/* The reduction of one release revision (0: newest), what
 * GET /v1/releases/{ns}/{release} answers (reduce.h). The store hands over
 * each hook's latest report, however many reports the revision holds, for
 * at most HB_MAX_HOOKS hooks, chosen so that the suite's phase is that of
 * every hook; the JSON says how many hooks it left out. *phase (may be
 * NULL) is the suite's phase. */
cJSON *hb_release_json(struct hb_store *st, const char *ns, const char *rel,
		       int64_t revision, int *phase, char *err, size_t errlen);

/* The most releases GET /v1/releases and the web page list. */
#define HB_MAX_RELEASES 1000

/* GET /v1/releases[?namespace=NS]: {"releases": [{namespace, release,
 * revision (the newest), phase, lastRun (the latest of its hooks' start
 * and finish times), hooks, failedHooks, failedChecks}], "truncated"},
 * failed ones first, then Running, Unknown and Succeeded, then by
 * namespace and name. Those of namespace ns only, unless it is NULL; the
 * first max of them by namespace and name, truncated true when there
 * were more. */
cJSON *hb_releases_json(struct hb_store *st, const char *ns, size_t max, char *err,
			size_t errlen);

/* GET /v1/releases/{ns}/{release}/revisions[?revision=N]: {namespace,
 * release, latestRevision, "revisions": [{revision, phase, startedAt,
 * hooks, failedChecks, "checks": [{hook, name, outcome, durationMs}]}]},
 * newest first: those of revisions upto - max + 1 to upto (0: the newest)
 * that have reports. */
cJSON *hb_revisions_json(struct hb_store *st, const char *ns, const char *rel,
			 int64_t upto, size_t max, char *err, size_t errlen);

/* Whether a check's outcome (its canonical JSON) counts as a failure:
 * FAILED, ERROR or CANCELLED. */
bool hb_check_json_failed(const cJSON *check);

#endif
