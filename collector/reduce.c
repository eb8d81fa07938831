/* SPDX-License-Identifier: MIT */
/* The reduction of a release's reports to hook and test-suite phases. */
#include "reduce.h"

#include "pbjson.h"
#include "report_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hb_report_is_final(const Hookbox__V1__Report *r)
{
	return r->phase == HOOKBOX__V1__PHASE__PHASE_SUCCEEDED ||
	       r->phase == HOOKBOX__V1__PHASE__PHASE_FAILED;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static const char *hook_name(const Hookbox__V1__Report *r)
{
	if (r->pod && r->pod->hook_name && *r->pod->hook_name)
		return r->pod->hook_name;
	if (r->pod && r->pod->pod_name)
		return r->pod->pod_name;
	return "";
}

/* Helm v3 renamed "test-success" to "test" and still accepts the old name.
 * A report that names no event comes from an agent that could not read the
 * pod's annotations; it is counted as a test, the common case, rather than
 * left out of the suite where nobody would see its failure. */
bool hb_report_is_test(const Hookbox__V1__Report *r)
{
	if (!r->pod || r->pod->n_hook_events == 0)
		return true;
	for (size_t i = 0; i < r->pod->n_hook_events; i++) {
		const char *e = r->pod->hook_events[i];
		if (strcmp(e, "test") == 0 || strcmp(e, "test-success") == 0)
			return true;
	}
	return false;
}

int hb_hook_stage(const Hookbox__V1__Report *r)
{
	/* helm.sh/helm/v3 pkg/release/hook.go names the events; the stages
	 * are the order pkg/action runs them in within one revision. */
	static const struct {
		const char *event;
		int stage;
	} stages[] = {
		{ "pre-install", 0 },  { "pre-upgrade", 0 }, { "pre-rollback", 0 },
		{ "post-install", 1 }, { "post-upgrade", 1 }, { "post-rollback", 1 },
		{ "test", 2 },         { "test-success", 2 }, { "pre-delete", 3 },
		{ "post-delete", 4 },
	};
	int best = 2;
	bool known = false;
	for (size_t i = 0; r->pod && i < r->pod->n_hook_events; i++)
		for (size_t k = 0; k < sizeof(stages) / sizeof(stages[0]); k++)
			if (strcmp(r->pod->hook_events[i], stages[k].event) == 0 &&
			    (!known || stages[k].stage < best)) {
				best = stages[k].stage;
				known = true;
			}
	return best;
}

static bool matches(const Hookbox__V1__Report *r, const struct hb_reduce_filter *f)
{
	if (!r->pod)
		return false;
	/* The collector refuses these; a report file might still hold one,
	 * and it must not become the newest revision. */
	if (r->pod->revision < 0 || r->pod->revision > HB_MAX_REVISION)
		return false;
	if (f->ns && strcmp(str_or_empty(r->pod->namespace_), f->ns) != 0)
		return false;
	if (f->release && strcmp(str_or_empty(r->pod->release), f->release) != 0)
		return false;
	return true;
}

/* Whether candidate c, received after the current report cur of the same
 * hook, becomes the hook's latest report. */
static bool supersedes(const Hookbox__V1__Report *cur, const Hookbox__V1__Report *c)
{
	if (strcmp(str_or_empty(cur->report_id), str_or_empty(c->report_id)) == 0)
		return !hb_report_is_final(cur) && hb_report_is_final(c);
	int t = strcmp(str_or_empty(c->started_at), str_or_empty(cur->started_at));
	if (t != 0)
		return t > 0;
	/* Same start: a final report says more than a Running one; otherwise
	 * the later arrival wins. */
	if (hb_report_is_final(cur) != hb_report_is_final(c))
		return hb_report_is_final(c);
	return true;
}

int hb_suite_phase(const int *phases, size_t n)
{
	bool any_running = false, any_unknown = false;
	if (n == 0)
		return HOOKBOX__V1__PHASE__PHASE_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		switch (phases[i]) {
		case HOOKBOX__V1__PHASE__PHASE_FAILED:
			/* Helm stops the suite at the first failed test hook. */
			return HOOKBOX__V1__PHASE__PHASE_FAILED;
		case HOOKBOX__V1__PHASE__PHASE_RUNNING:
			any_running = true;
			break;
		case HOOKBOX__V1__PHASE__PHASE_SUCCEEDED:
			break;
		default:
			any_unknown = true;
		}
	}
	if (any_running)
		return HOOKBOX__V1__PHASE__PHASE_RUNNING;
	if (any_unknown)
		return HOOKBOX__V1__PHASE__PHASE_UNKNOWN;
	return HOOKBOX__V1__PHASE__PHASE_SUCCEEDED;
}

/* By stage (hb_hook_stage), then as pkg/action/hooks.go's hookByWeight
 * sorts the hooks of one event: by weight, then by name. */
static int cmp_hooks(const void *a, const void *b)
{
	const struct hb_hook *x = a, *y = b;
	if (x->stage != y->stage)
		return x->stage < y->stage ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A report of the reduced revision with where it arrived, so that sorting
 * by hook keeps each hook's reports in arrival order. */
struct arrival {
	const char *hook;
	size_t i;
	const Hookbox__V1__Report *r;
};

static int cmp_arrivals(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;
	int c = strcmp(x->hook, y->hook);
	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

int hb_reduce(const Hookbox__V1__Report *const *reports, size_t n,
	      const struct hb_reduce_filter *f, struct hb_reduction *out)
{
	memset(out, 0, sizeof(*out));
	int64_t want = f->revision;
	size_t n_want = 0;
	for (size_t i = 0; i < n; i++) {
		if (!matches(reports[i], f))
			continue;
		if (reports[i]->pod->revision > out->latest_revision)
			out->latest_revision = reports[i]->pod->revision;
		if (!out->ns) {
			out->ns = str_or_empty(reports[i]->pod->namespace_);
			out->release = str_or_empty(reports[i]->pod->release);
		}
	}
	if (want <= 0)
		want = out->latest_revision;
	out->revision = want;
	out->ns = out->ns ? out->ns : f->ns;
	out->release = out->release ? out->release : f->release;

	/* Reports of other revisions never touch this one. A hook's reports
	 * are found by sorting, not by searching the hooks for each report:
	 * a revision may have thousands of hooks. */
	struct arrival *a = malloc((n ? n : 1) * sizeof(*a));
	int *phases = NULL;
	if (!a)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		const Hookbox__V1__Report *r = reports[i];
		if (matches(r, f) && r->pod->revision == want)
			a[n_want++] = (struct arrival){ hook_name(r), i, r };
	}
	if (n_want > 1)
		qsort(a, n_want, sizeof(*a), cmp_arrivals);
	size_t groups = 0;
	for (size_t k = 0; k < n_want; k++)
		groups += k == 0 || strcmp(a[k].hook, a[k - 1].hook) != 0;
	out->hooks = malloc((groups ? groups : 1) * sizeof(*out->hooks));
	if (!out->hooks)
		goto oom;
	for (size_t k = 0; k < n_want;) {
		const Hookbox__V1__Report *r = a[k].r;
		size_t end = k + 1;
		for (; end < n_want && strcmp(a[end].hook, a[k].hook) == 0; end++)
			if (supersedes(r, a[end].r))
				r = a[end].r;
		out->hooks[out->n_hooks++] = (struct hb_hook){
			.report = r,
			.name = a[k].hook,
			.weight = r->pod->hook_weight,
			.stage = hb_hook_stage(r),
			.phase = r->phase,
			.test = hb_report_is_test(r),
		};
		k = end;
	}
	free(a);
	a = NULL;
	if (out->n_hooks > 1)
		qsort(out->hooks, out->n_hooks, sizeof(*out->hooks), cmp_hooks);

	phases = malloc((out->n_hooks ? out->n_hooks : 1) * sizeof(int));
	if (!phases)
		goto oom;
	size_t nt = 0;
	for (size_t k = 0; k < out->n_hooks; k++)
		if (out->hooks[k].test)
			phases[nt++] = out->hooks[k].phase;
	out->phase = hb_suite_phase(phases, nt);
	free(phases);
	return 0;
oom:
	free(a);
	hb_reduction_release(out);
	return -ENOMEM;
}

void hb_reduction_release(struct hb_reduction *r)
{
	if (!r)
		return;
	free(r->hooks);
	r->hooks = NULL;
	r->n_hooks = 0;
}

/* -- JSON ------------------------------------------------------------------ */

static bool add_str(cJSON *o, const char *k, const char *v)
{
	return cJSON_AddStringToObject(o, k, str_or_empty(v)) != NULL;
}

/* cJSON prints a number with %1.15g, or %1.17g when that does not read
 * back: 2^63-1 would come out as 9.2233720368547758e+18. Up to 15 digits
 * the first form is the integer itself; longer integers go in as digits. */
static bool add_int(cJSON *o, const char *k, int64_t v)
{
	if (v > -1000000000000000 && v < 1000000000000000)
		return cJSON_AddNumberToObject(o, k, (double)v) != NULL;
	char digits[24];
	snprintf(digits, sizeof(digits), "%" PRId64, v);
	return cJSON_AddRawToObject(o, k, digits) != NULL;
}

static cJSON *hook_json(const struct hb_hook *h)
{
	const Hookbox__V1__Report *r = h->report;
	cJSON *o = cJSON_CreateObject(), *ev, *checks;
	if (!o)
		return NULL;
	bool ok = add_str(o, "name", h->name) &&
		  add_str(o, "podName", r->pod->pod_name) &&
		  (ev = cJSON_AddArrayToObject(o, "events")) &&
		  add_int(o, "weight", h->weight) &&
		  cJSON_AddBoolToObject(o, "test", h->test) &&
		  add_str(o, "phase", hb_phase_name(h->phase)) &&
		  add_str(o, "reportId", r->report_id) &&
		  add_str(o, "startedAt", r->started_at) &&
		  add_str(o, "finishedAt", r->finished_at) &&
		  add_str(o, "hostname", r->hostname) &&
		  (checks = cJSON_AddArrayToObject(o, "checks"));
	for (size_t i = 0; ok && i < r->pod->n_hook_events; i++) {
		cJSON *s = cJSON_CreateString(r->pod->hook_events[i]);
		ok = s && cJSON_AddItemToArray(ev, s);
	}
	for (size_t i = 0; ok && i < r->n_checks; i++) {
		cJSON *c = hb_pbjson_encode(&r->checks[i]->base);
		ok = c && cJSON_AddItemToArray(checks, c);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *hb_reduction_json(const struct hb_reduction *r)
{
	cJSON *o = cJSON_CreateObject(), *hooks;
	if (!o)
		return NULL;
	bool ok = add_str(o, "namespace", r->ns) && add_str(o, "release", r->release) &&
		  add_int(o, "revision", r->revision) &&
		  add_int(o, "latestRevision", r->latest_revision) &&
		  add_str(o, "phase", hb_phase_name(r->phase)) &&
		  add_int(o, "omittedHooks", (int64_t)r->omitted_hooks) &&
		  add_int(o, "omittedFailedHooks", (int64_t)r->omitted_failed) &&
		  (hooks = cJSON_AddArrayToObject(o, "hooks"));
	for (size_t i = 0; ok && i < r->n_hooks; i++) {
		cJSON *h = hook_json(&r->hooks[i]);
		ok = h && cJSON_AddItemToArray(hooks, h);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
