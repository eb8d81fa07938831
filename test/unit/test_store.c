/* SPDX-License-Identifier: MIT */
/* The stores' listing of a revision (issue 10): each hook's latest report
 * whatever the number of reports, and, with more hooks than the listing
 * holds, the hooks that decide the suite's phase. Random revisions are
 * stored, listed and reduced; the answer must be what hb_reduce makes of
 * every report. Against SQLite in a temporary directory, or against the
 * store HB_TEST_STORE names (the collector's integration suite runs this
 * against PostgreSQL). */
#include "hbtest.h"

#include "reduce.h"
#include "report_util.h"
#include "store.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

enum {
	UNKNOWN = HOOKBOX__V1__PHASE__PHASE_UNKNOWN,
	RUNNING = HOOKBOX__V1__PHASE__PHASE_RUNNING,
	SUCCEEDED = HOOKBOX__V1__PHASE__PHASE_SUCCEEDED,
	FAILED = HOOKBOX__V1__PHASE__PHASE_FAILED,
	MAX_HOOKS = 10,
	MAX_EVENTS = 6, /* of one hook: three runs, each maybe Running first */
};

/* One delivery: a report as the agent sends it, and when (its wave). */
struct event {
	Hookbox__V1__Report r;
	Hookbox__V1__PodMeta pod;
	char id[40], hook[24], started[32];
	char *events[1];
	int wave;
	uint8_t body[512];
	struct hb_store_item it;
	struct hb_store *store;
	int rc;
};

static uint64_t rnd_state = 88172645463325252ULL;
/* Of this run, in every report id and namespace: runs against one
 * database (HB_TEST_STORE) never see each other's reports. */
static unsigned run_tag;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

static char *pre_install[] = { "pre-install" };
static char *test_event[] = { "test" };

static void event_init(struct event *e, const char *ns, const char *release, int64_t revision,
		       int hook, bool test, int phase, unsigned start, unsigned id)
{
	memset(e, 0, sizeof(*e));
	hookbox__v1__report__init(&e->r);
	hookbox__v1__pod_meta__init(&e->pod);
	snprintf(e->id, sizeof(e->id), "%08x-0000-4000-8000-%012u", run_tag, id);
	snprintf(e->hook, sizeof(e->hook), "hook-%02d", hook);
	/* Few distinct starts: runs of one hook often tie. */
	snprintf(e->started, sizeof(e->started), "2026-01-01T00:00:0%u.000Z", start);
	e->r.report_id = e->id;
	e->r.phase = phase;
	e->r.started_at = e->started;
	e->r.pod = &e->pod;
	e->pod.namespace_ = (char *)ns;
	e->pod.release = (char *)release;
	e->pod.revision = revision;
	e->pod.hook_name = e->hook;
	e->pod.pod_name = e->hook;
	e->pod.hook_events = test ? test_event : pre_install;
	e->pod.n_hook_events = 1;
}

static void event_pack(struct event *e, struct hb_store *store)
{
	size_t len = protobuf_c_message_get_packed_size(&e->r.base);
	ASSERT(len <= sizeof(e->body));
	protobuf_c_message_pack(&e->r.base, e->body);
	e->store = store;
	e->it = (struct hb_store_item){
		.report_id = e->id,
		.ns = e->pod.namespace_,
		.release = e->pod.release,
		.hook = e->hook,
		.revision = e->pod.revision,
		.phase = e->r.phase,
		.final = hb_report_is_final(&e->r),
		.test = hb_report_is_test(&e->r),
		.started_at = e->started,
		.body = e->body,
		.len = len,
	};
}

static void *put_main(void *arg)
{
	struct event *e = arg;
	char err[256];
	e->rc = hb_store_put(e->store, &e->it, err, sizeof(err));
	if (e->rc < 0)
		fprintf(stderr, "put %s: %s\n", e->id, err);
	return NULL;
}

/* Stores one wave's events at once (one group commit, most often). */
static void put_wave(struct event *const *v, size_t n)
{
	pthread_t t[MAX_HOOKS];
	ASSERT(n <= MAX_HOOKS);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ_INT(pthread_create(&t[i], NULL, put_main, v[i]), 0);
	for (size_t i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		ASSERT_EQ_INT(v[i]->rc, 0);
	}
}

struct listed {
	Hookbox__V1__Report *v[MAX_HOOKS];
	size_t n;
};

static int on_row(void *arg, const uint8_t *body, size_t len)
{
	struct listed *l = arg;
	ASSERT(l->n < MAX_HOOKS);
	l->v[l->n] = (Hookbox__V1__Report *)protobuf_c_message_unpack(
		&hookbox__v1__report__descriptor, NULL, len, body);
	ASSERT(l->v[l->n] != NULL);
	l->n++;
	return 0;
}

static void listed_release(struct listed *l)
{
	for (size_t i = 0; i < l->n; i++)
		protobuf_c_message_free_unpacked(&l->v[i]->base, NULL);
	l->n = 0;
}

static struct hb_store *open_store(char *dir, size_t len)
{
	char url[512], err[512];
	const char *env = getenv("HB_TEST_STORE");
	dir[0] = '\0';
	if (env && *env) {
		snprintf(url, sizeof(url), "%s", env);
	} else {
		snprintf(dir, len, "/tmp/hb-store-XXXXXX");
		ASSERT(mkdtemp(dir) != NULL);
		snprintf(url, sizeof(url), "sqlite:%s/reports.db", dir);
	}
	struct hb_store *s = hb_store_new(url, err, sizeof(err));
	if (!s)
		HB_FAIL_("%s", err);
	return s;
}

static void close_store(struct hb_store *s, const char *dir)
{
	hb_store_free(s);
	if (!*dir)
		return;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_EQ_INT(system(cmd), 0);
}

static void run_namespace(char *ns, size_t len, const char *what)
{
	run_tag = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	snprintf(ns, len, "%s-%08x", what, run_tag);
}

static const char *const names[] = { "Unknown", "Running", "Succeeded", "Failed" };

HB_TEST(listing_reduces_like_every_report)
{
	char dir[64], ns[64];
	struct hb_store *s = open_store(dir, sizeof(dir));
	run_namespace(ns, sizeof(ns), "prop");
	static struct event ev[MAX_HOOKS * MAX_EVENTS];
	unsigned next_id = 0;
	for (int round = 0; round < 60; round++) {
		char release[16];
		snprintf(release, sizeof(release), "r%02d", round);
		size_t n_ev = 0, n_hooks = 1 + rnd(MAX_HOOKS);
		int waves = 0;
		/* Each hook: up to three runs, some reported Running first and
		 * replaced by their final report; one delivery per wave. */
		for (size_t h = 0; h < n_hooks; h++) {
			bool test = rnd(3) != 0;
			int wave = 0;
			for (unsigned run = 0, runs = 1 + rnd(3); run < runs; run++) {
				int phase = rnd(10) < 7 ? SUCCEEDED : (int)rnd(4);
				unsigned start = rnd(3), id = next_id++;
				if (phase != RUNNING && phase != UNKNOWN && rnd(2)) {
					event_init(&ev[n_ev], ns, release, 1, (int)h, test, RUNNING,
						   start, id);
					ev[n_ev++].wave = wave++;
				}
				event_init(&ev[n_ev], ns, release, 1, (int)h, test, phase, start, id);
				ev[n_ev++].wave = wave++;
			}
			waves = wave > waves ? wave : waves;
		}
		for (size_t i = 0; i < n_ev; i++)
			event_pack(&ev[i], s);
		/* The reference: each report id once, where it first arrived,
		 * as stored last (a final report replaces a Running one). */
		const Hookbox__V1__Report *ref[MAX_HOOKS * MAX_EVENTS];
		size_t n_ref = 0;
		for (int w = 0; w < waves; w++) {
			struct event *batch[MAX_HOOKS];
			size_t nb = 0;
			for (size_t i = 0; i < n_ev; i++) {
				if (ev[i].wave != w)
					continue;
				batch[nb++] = &ev[i];
				size_t k = 0;
				while (k < n_ref && strcmp(ref[k]->report_id, ev[i].id) != 0)
					k++;
				if (k == n_ref)
					ref[n_ref++] = &ev[i].r;
				else if (!hb_report_is_final(ref[k]) &&
					 hb_report_is_final(&ev[i].r))
					ref[k] = &ev[i].r;
			}
			put_wave(batch, nb);
		}
		struct hb_reduce_filter f = { ns, release, 0 };
		struct hb_reduction want;
		ASSERT_EQ_INT(hb_reduce(ref, n_ref, &f, &want), 0);
		size_t want_failed = 0;
		for (size_t k = 0; k < want.n_hooks; k++)
			want_failed += want.hooks[k].phase == FAILED;

		/* More hooks than there are, as many, then fewer. */
		for (size_t max = n_hooks + 1; max >= 1; max--) {
			struct listed l = { .n = 0 };
			struct hb_store_listing info;
			char err[256];
			ASSERT_EQ_INT(hb_store_latest(s, ns, release, 0, max, &info, on_row, &l, err,
						      sizeof(err)),
				      0);
			ASSERT_EQ_INT(info.revision, 1);
			ASSERT_EQ_INT(info.latest, 1);
			ASSERT_EQ_INT(info.hooks, want.n_hooks);
			ASSERT_EQ_INT(info.failed, want_failed);
			ASSERT_EQ_INT(l.n, max < n_hooks ? max : n_hooks);
			/* Each hook listed with the report hb_reduce chose. */
			for (size_t i = 0; i < l.n; i++) {
				size_t k = 0;
				while (k < want.n_hooks &&
				       strcmp(want.hooks[k].name, l.v[i]->pod->hook_name) != 0)
					k++;
				ASSERT(k < want.n_hooks);
				ASSERT_STREQ(l.v[i]->report_id, want.hooks[k].report->report_id);
				ASSERT_EQ_INT(l.v[i]->phase, want.hooks[k].phase);
			}
			struct hb_reduction got;
			ASSERT_EQ_INT(hb_reduce((const Hookbox__V1__Report *const *)l.v, l.n, &f,
						&got),
				      0);
			if (got.phase != want.phase)
				HB_FAIL_("round %d: %zu hooks, %zu listed: %s from all, %s from "
					 "the listed",
					 round, n_hooks, max, names[want.phase], names[got.phase]);
			hb_reduction_release(&got);
			listed_release(&l);
		}
		hb_reduction_release(&want);
	}
	close_store(s, dir);
}

/* A store written before revisions were bounded may hold any; only Helm's
 * count. And the newest revision is known when an older one is listed. */
HB_TEST(listing_revisions)
{
	char dir[64], ns[64], err[256];
	struct hb_store *s = open_store(dir, sizeof(dir));
	run_namespace(ns, sizeof(ns), "revs");
	static struct event ev[4];
	static const int64_t revisions[] = { 3, INT64_MAX, (int64_t)HB_MAX_REVISION + 1, 2 };
	for (int i = 0; i < 4; i++) {
		event_init(&ev[i], ns, "web", revisions[i], i, true, i == 0 ? FAILED : SUCCEEDED,
			   0, 900000 + (unsigned)i);
		event_pack(&ev[i], s);
		struct event *one = &ev[i];
		put_wave(&one, 1);
	}
	/* Asked for, listed, newest, hooks. */
	static const struct {
		const char *release;
		int64_t asked, revision, latest;
		size_t hooks;
	} cases[] = {
		{ "web", 0, 3, 3, 1 },
		{ "web", 2, 2, 3, 1 },
		{ "none", 0, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct listed l = { .n = 0 };
		struct hb_store_listing info;
		ASSERT_EQ_INT(hb_store_latest(s, ns, cases[i].release, cases[i].asked, 10, &info,
					      on_row, &l, err, sizeof(err)),
			      0);
		ASSERT_EQ_INT(info.revision, cases[i].revision);
		ASSERT_EQ_INT(info.latest, cases[i].latest);
		ASSERT_EQ_INT(info.hooks, cases[i].hooks);
		ASSERT_EQ_INT(l.n, cases[i].hooks);
		/* Revision 3's one report failed. */
		if (cases[i].revision == 3)
			ASSERT_EQ_INT(l.v[0]->phase, FAILED);
		listed_release(&l);
	}
	close_store(s, dir);
}

/* What a listing of releases handed over: how many, the first few, the
 * last, and whether one (namespace, release) was among them. */
struct names_seen {
	size_t n;
	char first[4][2][64];
	char last[2][64];
	const char *want_ns, *want_rel;
	bool found;
};

static int on_release(void *arg, const char *ns, const char *rel)
{
	struct names_seen *l = arg;
	if (l->n < 4) {
		snprintf(l->first[l->n][0], sizeof(l->first[0][0]), "%s", ns);
		snprintf(l->first[l->n][1], sizeof(l->first[0][1]), "%s", rel);
	}
	snprintf(l->last[0], sizeof(l->last[0]), "%s", ns);
	snprintf(l->last[1], sizeof(l->last[1]), "%s", rel);
	l->found |= l->want_ns && strcmp(ns, l->want_ns) == 0 && strcmp(rel, l->want_rel) == 0;
	l->n++;
	return 0;
}

static struct names_seen list_releases(struct hb_store *s, const char *ns, size_t limit,
				       bool *more, const char *want_ns, const char *want_rel)
{
	char err[256];
	struct names_seen l = { .want_ns = want_ns, .want_rel = want_rel };
	*more = true; /* the store must say */
	if (hb_store_releases(s, ns, limit, more, on_release, &l, err, sizeof(err)) < 0)
		HB_FAIL_("releases: %s", err);
	return l;
}

/* GET /v1/releases and the page list at most 1,000 releases: the store
 * filters by namespace before the limit, and says when it cut the list,
 * so that a release past the limit can still be found by its namespace.
 * Against a shared database (HB_TEST_STORE) other runs' releases are
 * listed too: the boundary cases are taken from the listing itself. */
HB_TEST(releases_filter_and_truncation)
{
	char dir[64], nsa[64], nsb[64];
	struct hb_store *s = open_store(dir, sizeof(dir));
	run_namespace(nsa, sizeof(nsa), "cap-a");
	run_namespace(nsb, sizeof(nsb), "cap-b");
	/* cap-a: r1 to r3; cap-b: r1, twice (listed once). */
	static struct event ev[5];
	static const char *const rels[] = { "r3", "r1", "r2", "r1", "r1" };
	for (unsigned i = 0; i < 5; i++) {
		event_init(&ev[i], i < 3 ? nsa : nsb, rels[i], 1, (int)i, true, SUCCEEDED, 0,
			   950000 + i);
		event_pack(&ev[i], s);
		struct event *one = &ev[i];
		put_wave(&one, 1);
	}
	bool more;
	struct names_seen l = list_releases(s, nsa, 3, &more, NULL, NULL);
	ASSERT_EQ_INT(l.n, 3);
	ASSERT(!more);
	ASSERT_STREQ(l.first[0][0], nsa);
	ASSERT_STREQ(l.first[0][1], "r1");
	ASSERT_STREQ(l.first[2][1], "r3");
	l = list_releases(s, nsa, 2, &more, NULL, NULL);
	ASSERT_EQ_INT(l.n, 2);
	ASSERT(more);
	ASSERT_STREQ(l.first[1][1], "r2");
	l = list_releases(s, nsb, 1, &more, NULL, NULL);
	ASSERT_EQ_INT(l.n, 1);
	ASSERT(!more);
	ASSERT_STREQ(l.first[0][0], nsb);
	l = list_releases(s, "cap-none", 5, &more, NULL, NULL);
	ASSERT_EQ_INT(l.n, 0);
	ASSERT(!more);

	/* Every namespace: n releases in all (our four at least). */
	l = list_releases(s, NULL, 1u << 20, &more, NULL, NULL);
	size_t n = l.n;
	ASSERT(n >= 4);
	ASSERT(!more);
	char last_ns[64], last_rel[64];
	snprintf(last_ns, sizeof(last_ns), "%s", l.last[0]);
	snprintf(last_rel, sizeof(last_rel), "%s", l.last[1]);
	l = list_releases(s, NULL, n, &more, last_ns, last_rel);
	ASSERT_EQ_INT(l.n, n);
	ASSERT(!more);
	ASSERT(l.found);
	/* One fewer: the last is past the limit, and said to be. */
	l = list_releases(s, NULL, n - 1, &more, last_ns, last_rel);
	ASSERT_EQ_INT(l.n, n - 1);
	ASSERT(more);
	ASSERT(!l.found);
	/* Filtered by its namespace, the same limit lists it. */
	l = list_releases(s, last_ns, n - 1, &more, last_ns, last_rel);
	ASSERT(l.found);
	ASSERT(!more);
	close_store(s, dir);
}

HB_TEST_MAIN(listing_reduces_like_every_report, listing_revisions,
	     releases_filter_and_truncation)
