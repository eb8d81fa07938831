/* SPDX-License-Identifier: MIT */
/* The JSON the read routes answer, built from the store (query.h). */
#include "query.h"

#include "reduce.h"
#include "render.h"
#include "report_util.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The decoded reports of one listing come from one arena, freed at once:
 * protobuf-c allocates every string and repeated field on its own, and a
 * page of 1,000 releases spent a fifth of its time in malloc and free
 * (bench/web.sh). */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_CHUNK (64u << 10)

static void *arena_alloc(void *arg, size_t n)
{
	struct arena_chunk **head = arg, *c = *head;
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!c || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = *head;
		*head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static void arena_free(void *arg, void *p)
{
	(void)arg;
	(void)p;
}

struct report_list {
	Hookbox__V1__Report **v;
	size_t n, cap;
	size_t rows; /* listed, decoded or not */
	struct arena_chunk *arena;
	ProtobufCAllocator alloc;
};

static void report_list_init(struct report_list *l)
{
	memset(l, 0, sizeof(*l));
	l->alloc.alloc = arena_alloc;
	l->alloc.free = arena_free;
	l->alloc.allocator_data = &l->arena;
}

static int collect_report(void *arg, const uint8_t *body, size_t len)
{
	struct report_list *l = arg;
	l->rows++;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		Hookbox__V1__Report **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	/* Stored reports were validated on the way in; one that no longer
	 * decodes (a damaged file) is skipped rather than failing the release. */
	Hookbox__V1__Report *r = (Hookbox__V1__Report *)protobuf_c_message_unpack(
		&hookbox__v1__report__descriptor, &l->alloc, len, body);
	if (r)
		l->v[l->n++] = r;
	return 0;
}

static void report_list_release(struct report_list *l)
{
	while (l->arena) {
		struct arena_chunk *next = l->arena->next;
		free(l->arena);
		l->arena = next;
	}
	free(l->v);
}

/* The reduction of one release revision (0: newest) over the store: each
 * hook's latest report, at most HB_MAX_HOOKS of them (store.h says which).
 * red points into l's reports; the caller releases both, also on error. */
static int reduce_release(struct hb_store *st, const char *ns, const char *rel,
			  int64_t revision, struct report_list *l, struct hb_reduction *red,
			  char *err, size_t errlen)
{
	struct hb_store_listing listing;
	memset(red, 0, sizeof(*red));
	if (hb_store_latest(st, ns, rel, revision, HB_MAX_HOOKS, &listing, collect_report, l,
			    err, errlen) < 0)
		return -1;
	struct hb_reduce_filter f = { .ns = ns, .release = rel, .revision = listing.revision };
	if (hb_reduce((const Hookbox__V1__Report *const *)l->v, l->n, &f, red) < 0) {
		snprintf(err, errlen, "reduce: out of memory");
		return -1;
	}
	/* The reports are of one revision; the store knows the newest. */
	red->latest_revision = listing.latest;
	size_t failed = 0;
	for (size_t i = 0; i < red->n_hooks; i++)
		failed += red->hooks[i].phase == HOOKBOX__V1__PHASE__PHASE_FAILED;
	red->omitted_hooks = listing.hooks > l->rows ? listing.hooks - l->rows : 0;
	red->omitted_failed = listing.failed > failed ? listing.failed - failed : 0;
	return 0;
}

cJSON *hb_release_json(struct hb_store *st, const char *ns, const char *rel,
		       int64_t revision, int *phase, char *err, size_t errlen)
{
	struct report_list l;
	report_list_init(&l);
	struct hb_reduction red;
	cJSON *j = NULL;
	if (reduce_release(st, ns, rel, revision, &l, &red, err, errlen) == 0) {
		if (phase)
			*phase = red.phase;
		j = hb_reduction_json(&red);
		if (!j)
			snprintf(err, errlen, "reduce: out of memory");
	}
	hb_reduction_release(&red);
	report_list_release(&l);
	return j;
}

bool hb_check_json_failed(const cJSON *c)
{
	const char *o = hb_json_str(c, "outcome");
	return strcmp(o, "FAILED") == 0 || strcmp(o, "ERROR") == 0 ||
	       strcmp(o, "CANCELLED") == 0;
}

/* -- the list of releases ------------------------------------------------- */

struct names {
	char **v; /* ns, release, ns, release, ... */
	size_t n, cap;
};

static int collect_name(void *arg, const char *ns, const char *rel)
{
	struct names *l = arg;
	if (l->n + 2 > l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		char **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n] = strdup(ns);
	l->v[l->n + 1] = strdup(rel);
	l->n += 2;
	return l->v[l->n - 2] && l->v[l->n - 1] ? 0 : -ENOMEM;
}

/* Which phase comes first in the list: the ones that need a look. */
static int phase_rank(const char *p)
{
	static const char *const order[] = { "Failed", "Running", "Unknown", "Succeeded" };
	for (int i = 0; i < 4; i++)
		if (strcmp(p, order[i]) == 0)
			return i;
	return 2;
}

static int cmp_release(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int d = phase_rank(hb_json_str(x, "phase")) - phase_rank(hb_json_str(y, "phase"));
	if (d == 0)
		d = strcmp(hb_json_str(x, "namespace"), hb_json_str(y, "namespace"));
	return d ? d : strcmp(hb_json_str(x, "release"), hb_json_str(y, "release"));
}

static bool outcome_failed(int o)
{
	return o == HOOKBOX__V1__OUTCOME__FAILED || o == HOOKBOX__V1__OUTCOME__ERROR ||
	       o == HOOKBOX__V1__OUTCOME__CANCELLED;
}

/* One row of the list, from the reduction of the newest revision: counted
 * from the reports themselves rather than from their JSON, which the list
 * does not show (a page of 1,000 releases would encode every check). */
static cJSON *release_row(struct hb_store *st, const char *ns, const char *rel, char *err,
			  size_t errlen)
{
	struct report_list l;
	report_list_init(&l);
	struct hb_reduction red;
	cJSON *o = NULL;
	if (reduce_release(st, ns, rel, 0, &l, &red, err, errlen) < 0)
		goto out;
	const char *last = "";
	double failed_hooks = 0, failed_checks = 0;
	for (size_t i = 0; i < red.n_hooks; i++) {
		const Hookbox__V1__Report *r = red.hooks[i].report;
		/* RFC 3339 times of one collector compare as strings only
		 * roughly (zones may differ); the later string is good
		 * enough for "when it last ran". */
		if (r->started_at && strcmp(r->started_at, last) > 0)
			last = r->started_at;
		if (r->finished_at && strcmp(r->finished_at, last) > 0)
			last = r->finished_at;
		failed_hooks += red.hooks[i].phase == HOOKBOX__V1__PHASE__PHASE_FAILED;
		for (size_t k = 0; k < r->n_checks; k++)
			failed_checks += outcome_failed(r->checks[k]->outcome);
	}
	o = cJSON_CreateObject();
	bool ok = o && cJSON_AddStringToObject(o, "namespace", ns) &&
		  cJSON_AddStringToObject(o, "release", rel) &&
		  cJSON_AddNumberToObject(o, "revision", (double)red.revision) &&
		  cJSON_AddStringToObject(o, "phase", hb_phase_name(red.phase)) &&
		  cJSON_AddStringToObject(o, "lastRun", last) &&
		  cJSON_AddNumberToObject(o, "hooks", (double)(red.n_hooks + red.omitted_hooks)) &&
		  cJSON_AddNumberToObject(o, "failedHooks",
					  failed_hooks + (double)red.omitted_failed) &&
		  cJSON_AddNumberToObject(o, "failedChecks", failed_checks);
	if (!ok) {
		snprintf(err, errlen, "releases: out of memory");
		cJSON_Delete(o);
		o = NULL;
	}
out:
	hb_reduction_release(&red);
	report_list_release(&l);
	return o;
}

cJSON *hb_releases_json(struct hb_store *st, const char *ns, size_t max, char *err,
			size_t errlen)
{
	struct names names = { 0 };
	cJSON **rows = NULL, *out = NULL, *arr;
	size_t n = 0;
	bool more = false;
	/* The names are copied out first: listing a release's reports needs
	 * the store's read connection, which the walk holds. */
	if (hb_store_releases(st, ns, max, &more, collect_name, &names, err, errlen) < 0)
		goto done;
	rows = calloc(names.n / 2 + 1, sizeof(*rows));
	if (!rows)
		goto oom;
	for (size_t i = 0; i + 1 < names.n; i += 2) {
		rows[n] = release_row(st, names.v[i], names.v[i + 1], err, errlen);
		if (!rows[n])
			goto done;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_release);
	out = cJSON_CreateObject();
	arr = out ? cJSON_AddArrayToObject(out, "releases") : NULL;
	if (!arr || !cJSON_AddBoolToObject(out, "truncated", more))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToArray(arr, rows[i]);
		rows[i] = NULL;
	}
	goto done;
oom:
	snprintf(err, errlen, "releases: out of memory");
	cJSON_Delete(out);
	out = NULL;
done:
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(rows[i]);
	free(rows);
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return out;
}

/* -- a release's recent revisions ---------------------------------------- */

/* One revision's summary, and each check's time, from its reduction (of
 * the reports, not of their JSON: a page reads 100 revisions). */
static cJSON *revision_row(const struct hb_reduction *red)
{
	const char *started = "";
	double failed = 0;
	cJSON *o = cJSON_CreateObject(), *checks = NULL;
	bool ok = o && cJSON_AddNumberToObject(o, "revision", (double)red->revision) &&
		  cJSON_AddStringToObject(o, "phase", hb_phase_name(red->phase)) &&
		  (checks = cJSON_AddArrayToObject(o, "checks"));
	for (size_t i = 0; ok && i < red->n_hooks; i++) {
		const Hookbox__V1__Report *r = red->hooks[i].report;
		if (r->started_at && *r->started_at &&
		    (!*started || strcmp(r->started_at, started) < 0))
			started = r->started_at;
		for (size_t k = 0; ok && k < r->n_checks; k++) {
			const Hookbox__V1__CheckResult *c = r->checks[k];
			const ProtobufCEnumValue *ov = protobuf_c_enum_descriptor_get_value(
				&hookbox__v1__outcome__descriptor, c->outcome);
			failed += outcome_failed(c->outcome);
			cJSON *x = cJSON_CreateObject();
			if (!x || !cJSON_AddItemToArray(checks, x)) {
				cJSON_Delete(x);
				ok = false;
				break;
			}
			ok = cJSON_AddStringToObject(x, "hook", red->hooks[i].name) &&
			     cJSON_AddStringToObject(x, "name", c->name ? c->name : "") &&
			     cJSON_AddStringToObject(x, "outcome", ov ? ov->name : "") &&
			     cJSON_AddNumberToObject(x, "durationMs", c->duration_ms);
		}
	}
	ok = ok && cJSON_AddStringToObject(o, "startedAt", started) &&
	     cJSON_AddNumberToObject(o, "hooks", (double)red->n_hooks) &&
	     cJSON_AddNumberToObject(o, "failedChecks", failed);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *hb_revisions_json(struct hb_store *st, const char *ns, const char *rel,
			 int64_t upto, size_t max, char *err, size_t errlen)
{
	struct report_list l;
	struct hb_reduction red;
	report_list_init(&l);
	if (reduce_release(st, ns, rel, upto, &l, &red, err, errlen) < 0) {
		hb_reduction_release(&red);
		report_list_release(&l);
		return NULL;
	}
	int64_t latest = red.latest_revision;
	if (upto <= 0 || upto > latest)
		upto = latest;
	cJSON *out = cJSON_CreateObject(), *arr = NULL;
	bool ok = out && cJSON_AddStringToObject(out, "namespace", ns) &&
		  cJSON_AddStringToObject(out, "release", rel) &&
		  cJSON_AddNumberToObject(out, "latestRevision", (double)latest) &&
		  (arr = cJSON_AddArrayToObject(out, "revisions"));
	int rc = 0;
	for (int64_t r = upto; ok && rc == 0 && r >= 1 && r > upto - (int64_t)max; r--) {
		/* The first one is the reduction just made, when it is upto. */
		if (!(r == upto && red.revision == r)) {
			hb_reduction_release(&red);
			report_list_release(&l);
			report_list_init(&l);
			rc = reduce_release(st, ns, rel, r, &l, &red, err, errlen);
		}
		if (rc < 0 || red.n_hooks == 0)
			continue;
		cJSON *row = revision_row(&red);
		ok = row && cJSON_AddItemToArray(arr, row);
		if (row && !ok)
			cJSON_Delete(row);
	}
	hb_reduction_release(&red);
	report_list_release(&l);
	if (!ok && rc == 0)
		snprintf(err, errlen, "revisions: out of memory");
	if (!ok || rc < 0) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}
