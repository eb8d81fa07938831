/* SPDX-License-Identifier: MIT */
/* Reducing the reports of a release to the phases Helm itself uses: one
 * phase per hook, one phase per revision's test suite. Pure: no I/O.
 *
 *   struct hb_reduction red;
 *   if (hb_reduce(reports, n, &filter, &red) < 0) -> out of memory
 *   cJSON *j = hb_reduction_json(&red);   what GET /v1/releases answers
 *   hb_reduction_release(&red);
 *
 * The rules follow helm.sh/helm/v3: pkg/release/hook.go names the phases
 * (Unknown, Running, Succeeded, Failed), pkg/action/hooks.go runs the hooks of
 * one event sorted by weight and then by name, pkg/action/release_testing.go
 * runs the "test" hooks of one revision and fails the suite when one fails.
 * A hook is one pod or Job, keyed by (namespace, release, revision, hook name
 * or pod name); its phase is that of its latest report.
 */
#ifndef HB_REDUCE_H
#define HB_REDUCE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hookbox/v1/report.pb-c.h"

/* Which reports to reduce. NULL namespace or release: any (the caller makes
 * sure the reports are of one release). revision 0: the newest revision
 * among the matching reports. */
struct hb_reduce_filter {
	const char *ns;
	const char *release;
	int64_t revision;
};

struct hb_hook {
	const Hookbox__V1__Report *report; /* its latest report; not owned */
	const char *name;                  /* hook name, else pod name */
	int32_t weight;
	int stage;                         /* hb_hook_stage */
	int phase;                         /* HOOKBOX__V1__PHASE__* */
	bool test;                         /* a "test" hook: counts for the suite */
};

struct hb_reduction {
	const char *ns;      /* NULL when no report matched */
	const char *release;
	int64_t revision;    /* the reduced revision, 0 when none */
	int64_t latest_revision;
	int phase;           /* of the test suite */
	size_t n_hooks;
	struct hb_hook *hooks; /* sorted by event order, weight, then name */
	/* Hooks of the revision left out of hooks[] by the store's bounded
	 * listing (set by its caller), and how many of those had failed. */
	size_t omitted_hooks;
	size_t omitted_failed;
};

/* The most hooks one reduction holds. A chart has a handful of hooks;
 * a revision with thousands is a flood (a pod name per report), which must
 * not exhaust the collector or the status client. A hook of 20 checks is
 * about 8 KB of JSON and 0.35 ms of the collector's CPU to decode and
 * print on the 2-core development VM; with 1,000 of them, a revision of
 * 100,000 hooks is answered in 0.6 s of CPU with SQLite (bench/reduce.sh).
 * The store chooses which (see hb_store_backend.latest), so that the phase
 * stays exact beyond it. */
#define HB_MAX_HOOKS 1000

/* Reduces reports[0..n) (in the order they were received: of two reports
 * of one hook started at the same time, the later one wins), in
 * O(n log n). Reports of a revision outside 0..HB_MAX_REVISION are left
 * out. The reduction points into the reports, which must outlive it.
 * Returns 0 or -ENOMEM. */
int hb_reduce(const Hookbox__V1__Report *const *reports, size_t n,
	      const struct hb_reduce_filter *f, struct hb_reduction *out);
void hb_reduction_release(struct hb_reduction *r);

/* Where a hook of report r runs in a release's life, the first key of the
 * hooks' order: Helm runs the pre- hooks of an install, upgrade or rollback,
 * then the post- hooks, then (helm test) the test hooks; the delete hooks
 * come at the end. A hook of several events takes its earliest; one of no
 * known event counts as a test (see hb_report_is_test). */
int hb_hook_stage(const Hookbox__V1__Report *r);

/* Whether r counts for its revision's test suite: a "test" (or Helm 2's
 * "test-success") hook, or one that names no event at all. */
bool hb_report_is_test(const Hookbox__V1__Report *r);

/* Whether report b should replace a (same report id): a Running report is
 * replaced by its final one, never the reverse; of two finals the first
 * stays, which makes a retried delivery a no-op. */
bool hb_report_is_final(const Hookbox__V1__Report *r);

/* The suite phase of hook phases (exposed for the tests). */
int hb_suite_phase(const int *phases, size_t n);

/* The reduction as JSON (see README: namespace, release, revision,
 * latestRevision, phase, omittedHooks, omittedFailedHooks, hooks[] with
 * their checks in canonical JSON). Returns NULL when out of memory. */
cJSON *hb_reduction_json(const struct hb_reduction *r);

#endif
