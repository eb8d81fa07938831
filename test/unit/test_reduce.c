/* SPDX-License-Identifier: MIT */
/* The reduction rules: hook identity, latest report, suite phase, revisions,
 * ordering by weight then name. */
#include "hbtest.h"

#include "reduce.h"

#include <stdint.h>

enum {
	UNKNOWN = HOOKBOX__V1__PHASE__PHASE_UNKNOWN,
	RUNNING = HOOKBOX__V1__PHASE__PHASE_RUNNING,
	SUCCEEDED = HOOKBOX__V1__PHASE__PHASE_SUCCEEDED,
	FAILED = HOOKBOX__V1__PHASE__PHASE_FAILED,
};

struct fixture {
	Hookbox__V1__Report r;
	Hookbox__V1__PodMeta pod;
	char *events[1];
};

/* A report built in memory; the tests run in their own process, so the
 * fixtures are never freed. */
static Hookbox__V1__Report *mk(const char *id, int64_t revision, const char *hook,
			       int32_t weight, int phase, const char *started)
{
	struct fixture *f = calloc(1, sizeof(*f));
	hookbox__v1__report__init(&f->r);
	hookbox__v1__pod_meta__init(&f->pod);
	f->r.report_id = (char *)id;
	f->r.phase = phase;
	f->r.started_at = (char *)started;
	f->r.pod = &f->pod;
	f->pod.namespace_ = "shop";
	f->pod.release = "web";
	f->pod.revision = revision;
	f->pod.hook_name = (char *)hook;
	f->pod.pod_name = (char *)hook;
	f->pod.hook_weight = weight;
	f->events[0] = "test";
	f->pod.hook_events = f->events;
	f->pod.n_hook_events = 1;
	return &f->r;
}

static struct hb_reduction reduce(Hookbox__V1__Report **v, size_t n, int64_t revision)
{
	struct hb_reduce_filter f = { "shop", "web", revision };
	struct hb_reduction red;
	ASSERT_EQ_INT(hb_reduce((const Hookbox__V1__Report *const *)v, n, &f, &red), 0);
	return red;
}

#define ID1 "00000000-0000-4000-8000-000000000001"
#define ID2 "00000000-0000-4000-8000-000000000002"
#define ID3 "00000000-0000-4000-8000-000000000003"

HB_TEST(none_reported_is_unknown)
{
	struct hb_reduction red = reduce(NULL, 0, 0);
	ASSERT_EQ_INT(red.phase, UNKNOWN);
	ASSERT_EQ_INT(red.n_hooks, 0);
	ASSERT_EQ_INT(red.revision, 0);
}

HB_TEST(running_then_final)
{
	Hookbox__V1__Report *v[] = { mk(ID1, 1, "t", 0, RUNNING, "2026-01-01T00:00:00.000Z"),
				     mk(ID1, 1, "t", 0, SUCCEEDED, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 1, 0);
	ASSERT_EQ_INT(red.phase, RUNNING);
	hb_reduction_release(&red);
	red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.n_hooks, 1);
	ASSERT_EQ_INT(red.hooks[0].phase, SUCCEEDED);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	hb_reduction_release(&red);
}

HB_TEST(final_then_running_is_ignored)
{
	Hookbox__V1__Report *v[] = { mk(ID1, 1, "t", 0, FAILED, "2026-01-01T00:00:00.000Z"),
				     mk(ID1, 1, "t", 0, RUNNING, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.n_hooks, 1);
	ASSERT_EQ_INT(red.hooks[0].phase, FAILED);
	ASSERT_EQ_INT(red.phase, FAILED);
	hb_reduction_release(&red);
}

HB_TEST(retried_delivery_is_one_hook)
{
	Hookbox__V1__Report *a = mk(ID1, 1, "t", 0, SUCCEEDED, "2026-01-01T00:00:00.000Z");
	Hookbox__V1__Report *v[] = { a, a, a };
	struct hb_reduction red = reduce(v, 3, 0);
	ASSERT_EQ_INT(red.n_hooks, 1);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	hb_reduction_release(&red);
}

HB_TEST(first_final_of_an_id_stays)
{
	Hookbox__V1__Report *v[] = { mk(ID1, 1, "t", 0, SUCCEEDED, "2026-01-01T00:00:00.000Z"),
				     mk(ID1, 1, "t", 0, FAILED, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.hooks[0].phase, SUCCEEDED);
	hb_reduction_release(&red);
}

HB_TEST(later_run_of_a_hook_wins)
{
	/* `helm test` run again: a new pod of the same hook, a new report id. */
	Hookbox__V1__Report *v[] = { mk(ID2, 1, "t", 0, SUCCEEDED, "2026-01-01T00:05:00.000Z"),
				     mk(ID1, 1, "t", 0, FAILED, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.n_hooks, 1);
	ASSERT_STREQ(red.hooks[0].report->report_id, ID2);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	hb_reduction_release(&red);
}

HB_TEST(any_failed_fails_the_suite)
{
	Hookbox__V1__Report *v[] = { mk(ID1, 1, "a", 0, SUCCEEDED, "2026-01-01T00:00:00.000Z"),
				     mk(ID2, 1, "b", 0, RUNNING, "2026-01-01T00:00:00.000Z"),
				     mk(ID3, 1, "c", 0, FAILED, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 3, 0);
	ASSERT_EQ_INT(red.phase, FAILED);
	hb_reduction_release(&red);
	red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.phase, RUNNING);
	hb_reduction_release(&red);
	red = reduce(v, 1, 0);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	hb_reduction_release(&red);
}

HB_TEST(suite_phase_rules)
{
	int none[1] = { 0 };
	ASSERT_EQ_INT(hb_suite_phase(none, 0), UNKNOWN);
	int all_ok[] = { SUCCEEDED, SUCCEEDED };
	ASSERT_EQ_INT(hb_suite_phase(all_ok, 2), SUCCEEDED);
	int running[] = { SUCCEEDED, RUNNING };
	ASSERT_EQ_INT(hb_suite_phase(running, 2), RUNNING);
	int failed[] = { RUNNING, FAILED, SUCCEEDED };
	ASSERT_EQ_INT(hb_suite_phase(failed, 3), FAILED);
	int unknown[] = { SUCCEEDED, UNKNOWN };
	ASSERT_EQ_INT(hb_suite_phase(unknown, 2), UNKNOWN);
}

HB_TEST(older_revision_never_changes_newer)
{
	Hookbox__V1__Report *v[] = {
		mk(ID2, 2, "t", 0, SUCCEEDED, "2026-01-02T00:00:00.000Z"),
		/* Arrives late, for revision 1, and failed. */
		mk(ID1, 1, "t", 0, FAILED, "2026-01-03T00:00:00.000Z"),
	};
	struct hb_reduction red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.revision, 2);
	ASSERT_EQ_INT(red.latest_revision, 2);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	ASSERT_STREQ(red.hooks[0].report->report_id, ID2);
	hb_reduction_release(&red);
	red = reduce(v, 2, 1);
	ASSERT_EQ_INT(red.revision, 1);
	ASSERT_EQ_INT(red.phase, FAILED);
	hb_reduction_release(&red);
}

HB_TEST(ordered_by_weight_then_name)
{
	Hookbox__V1__Report *v[] = {
		mk(ID1, 1, "zeta", -1, SUCCEEDED, "2026-01-01T00:00:00.000Z"),
		mk(ID2, 1, "beta", 5, SUCCEEDED, "2026-01-01T00:00:00.000Z"),
		mk(ID3, 1, "alpha", 5, SUCCEEDED, "2026-01-01T00:00:00.000Z"),
	};
	struct hb_reduction red = reduce(v, 3, 0);
	ASSERT_EQ_INT(red.n_hooks, 3);
	ASSERT_STREQ(red.hooks[0].name, "zeta");
	ASSERT_STREQ(red.hooks[1].name, "alpha");
	ASSERT_STREQ(red.hooks[2].name, "beta");
	hb_reduction_release(&red);
}

HB_TEST(non_test_hooks_do_not_count)
{
	Hookbox__V1__Report *pre = mk(ID1, 1, "migrate", 0, FAILED, "2026-01-01T00:00:00.000Z");
	static char *ev[] = { "pre-install" };
	pre->pod->hook_events = ev;
	Hookbox__V1__Report *v[] = { pre, mk(ID2, 1, "t", 0, SUCCEEDED, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.n_hooks, 2);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	hb_reduction_release(&red);
	red = reduce(v, 1, 0);
	ASSERT_EQ_INT(red.phase, UNKNOWN);
	hb_reduction_release(&red);
}

HB_TEST(other_releases_are_left_out)
{
	Hookbox__V1__Report *other = mk(ID1, 9, "t", 0, FAILED, "2026-01-01T00:00:00.000Z");
	other->pod->release = "api";
	Hookbox__V1__Report *v[] = { other, mk(ID2, 1, "t", 0, SUCCEEDED, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 2, 0);
	ASSERT_EQ_INT(red.revision, 1);
	ASSERT_EQ_INT(red.phase, SUCCEEDED);
	hb_reduction_release(&red);
}

HB_TEST(json_shape)
{
	Hookbox__V1__Report *v[] = { mk(ID1, 3, "t", 2, RUNNING, "2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 1, 0);
	cJSON *j = hb_reduction_json(&red);
	char *s = cJSON_PrintUnformatted(j);
	ASSERT_CONTAINS(s, "\"revision\":3");
	ASSERT_CONTAINS(s, "\"phase\":\"Running\"");
	ASSERT_CONTAINS(s, "\"name\":\"t\"");
	ASSERT_CONTAINS(s, "\"weight\":2");
	ASSERT_CONTAINS(s, "\"reportId\":\"" ID1 "\"");
	free(s);
	cJSON_Delete(j);
	hb_reduction_release(&red);
}

/* -- issue 10: revisions ---------------------------------------------------- */

/* Revisions the collector refuses (it once stored them) never become the
 * newest: a report of 2^63-1 hid every real revision. */
HB_TEST(out_of_range_revisions_are_left_out)
{
	Hookbox__V1__Report *v[] = {
		mk(ID1, 3, "t", 0, FAILED, "2026-01-01T00:00:00.000Z"),
		mk(ID2, INT64_MAX, "t", 0, SUCCEEDED, "2026-01-02T00:00:00.000Z"),
		mk(ID3, (int64_t)INT32_MAX + 1, "t", 0, SUCCEEDED, "2026-01-02T00:00:00.000Z"),
	};
	struct hb_reduction red = reduce(v, 3, 0);
	ASSERT_EQ_INT(red.revision, 3);
	ASSERT_EQ_INT(red.latest_revision, 3);
	ASSERT_EQ_INT(red.phase, FAILED);
	hb_reduction_release(&red);
	red = reduce(v, 3, INT64_MAX);
	ASSERT_EQ_INT(red.n_hooks, 0);
	hb_reduction_release(&red);
}

/* cJSON printed 2^63-1 as 9.2233720368547758e+18: every integer of a
 * reduction is printed as one. */
HB_TEST(json_integers)
{
	Hookbox__V1__Report *v[] = { mk(ID1, INT32_MAX, "t", INT32_MIN, RUNNING,
					"2026-01-01T00:00:00.000Z") };
	struct hb_reduction red = reduce(v, 1, 0);
	red.omitted_hooks = 12;
	red.omitted_failed = 1;
	cJSON *j = hb_reduction_json(&red);
	char *s = cJSON_PrintUnformatted(j);
	ASSERT_CONTAINS(s, "\"revision\":2147483647,\"latestRevision\":2147483647,");
	ASSERT_CONTAINS(s, "\"omittedHooks\":12,\"omittedFailedHooks\":1,");
	ASSERT_CONTAINS(s, "\"weight\":-2147483648,");
	free(s);
	cJSON_Delete(j);
	/* Beyond what cJSON prints as an integer, still digits. */
	red.revision = INT64_MAX;
	red.latest_revision = 1000000000000001;
	j = hb_reduction_json(&red);
	s = cJSON_PrintUnformatted(j);
	ASSERT_CONTAINS(s, "\"revision\":9223372036854775807,");
	ASSERT_CONTAINS(s, "\"latestRevision\":1000000000000001,");
	ASSERT(strstr(s, "e+") == NULL);
	free(s);
	cJSON_Delete(j);
	hb_reduction_release(&red);
}

/* prefix and a zero-padded number, never freed (see mk). */
static char *numbered(const char *prefix, unsigned long a, int width)
{
	char *s = malloc(64);
	snprintf(s, 64, "%s%0*lu", prefix, width, a);
	return s;
}

#define ID_PREFIX "00000000-0000-4000-8000-"

/* hb_reduce once sought each report's hook among all hooks found so far;
 * it now sorts. The same answers for 5,000 hooks of 4 reports each,
 * delivered in a shuffled order, whichever report of a hook came last. */
HB_TEST(many_hooks_many_reports)
{
	enum { HOOKS = 5000, PER = 4 };
	Hookbox__V1__Report **v = calloc(HOOKS * PER, sizeof(*v));
	for (unsigned long i = 0; i < HOOKS * PER; i++) {
		unsigned long hook = i % HOOKS, run = i / HOOKS;
		/* Hook 7's last run failed; each hook's run 3 started last. */
		int phase = hook == 7 && run == PER - 1 ? FAILED : SUCCEEDED;
		static const char *const starts[PER] = {
			"2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z",
			"2026-01-01T00:00:02.000Z", "2026-01-01T00:00:03.000Z"
		};
		v[i] = mk(numbered(ID_PREFIX, i, 12), 1, numbered("h", hook, 5), 0, phase,
			  starts[run]);
	}
	uint64_t x = 88172645463325252ULL;
	for (size_t i = HOOKS * PER - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t k = (size_t)(x % (i + 1));
		Hookbox__V1__Report *t = v[i];
		v[i] = v[k];
		v[k] = t;
	}
	struct hb_reduction red = reduce(v, HOOKS * PER, 0);
	ASSERT_EQ_INT(red.n_hooks, HOOKS);
	ASSERT_EQ_INT(red.phase, FAILED);
	for (size_t k = 0; k < red.n_hooks; k++)
		ASSERT_STREQ(red.hooks[k].report->started_at, "2026-01-01T00:00:03.000Z");
	ASSERT_STREQ(red.hooks[7].name, "h00007");
	ASSERT_EQ_INT(red.hooks[7].phase, FAILED);
	hb_reduction_release(&red);
}

HB_TEST_MAIN(none_reported_is_unknown, running_then_final, final_then_running_is_ignored,
	     retried_delivery_is_one_hook, first_final_of_an_id_stays,
	     later_run_of_a_hook_wins, any_failed_fails_the_suite, suite_phase_rules,
	     older_revision_never_changes_newer, ordered_by_weight_then_name,
	     non_test_hooks_do_not_count, other_releases_are_left_out, json_shape,
	     out_of_range_revisions_are_left_out, json_integers, many_hooks_many_reports)
