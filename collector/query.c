/* SPDX-License-Identifier: MIT */
/* The JSON the read routes answer, built from the store (query.h). */
#include "query.h"

#include "reduce.h"
#include "report_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct report_list {
	Hookbox__V1__Report **v;
	size_t n, cap;
	size_t rows; /* listed, decoded or not */
};

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
		&hookbox__v1__report__descriptor, NULL, len, body);
	if (r)
		l->v[l->n++] = r;
	return 0;
}

static void report_list_release(struct report_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		protobuf_c_message_free_unpacked(&l->v[i]->base, NULL);
	free(l->v);
}

cJSON *hb_release_json(struct hb_store *st, const char *ns, const char *rel,
		       int64_t revision, int *phase, char *err, size_t errlen)
{
	struct report_list l = { 0 };
	struct hb_store_listing listing;
	cJSON *j = NULL;
	if (hb_store_latest(st, ns, rel, revision, HB_MAX_HOOKS, &listing, collect_report, &l,
			    err, errlen) < 0)
		goto out;
	struct hb_reduce_filter f = { .ns = ns, .release = rel, .revision = listing.revision };
	struct hb_reduction red;
	if (hb_reduce((const Hookbox__V1__Report *const *)l.v, l.n, &f, &red) < 0) {
		snprintf(err, errlen, "reduce: out of memory");
		goto out;
	}
	/* The reports are of one revision; the store knows the newest. */
	red.latest_revision = listing.latest;
	size_t failed = 0;
	for (size_t i = 0; i < red.n_hooks; i++)
		failed += red.hooks[i].phase == HOOKBOX__V1__PHASE__PHASE_FAILED;
	red.omitted_hooks = listing.hooks > l.rows ? listing.hooks - l.rows : 0;
	red.omitted_failed = listing.failed > failed ? listing.failed - failed : 0;
	if (phase)
		*phase = red.phase;
	j = hb_reduction_json(&red);
	if (!j)
		snprintf(err, errlen, "reduce: out of memory");
	hb_reduction_release(&red);
out:
	report_list_release(&l);
	return j;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

bool hb_check_json_failed(const cJSON *c)
{
	const char *o = jstr(c, "outcome");
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
	int d = phase_rank(jstr(x, "phase")) - phase_rank(jstr(y, "phase"));
	if (d == 0)
		d = strcmp(jstr(x, "namespace"), jstr(y, "namespace"));
	return d ? d : strcmp(jstr(x, "release"), jstr(y, "release"));
}

/* One row of the list, from the reduction of the newest revision. */
static cJSON *release_row(const cJSON *red)
{
	const cJSON *h, *c;
	const char *last = "";
	double failed_hooks = 0, failed_checks = 0, hooks = 0;
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(red, "hooks")) {
		/* RFC 3339 times of one collector compare as strings only
		 * roughly (zones may differ); the later string is good enough
		 * for "when it last ran". */
		if (strcmp(jstr(h, "startedAt"), last) > 0)
			last = jstr(h, "startedAt");
		if (strcmp(jstr(h, "finishedAt"), last) > 0)
			last = jstr(h, "finishedAt");
		hooks++;
		failed_hooks += strcmp(jstr(h, "phase"), "Failed") == 0;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h, "checks"))
			failed_checks += hb_check_json_failed(c);
	}
	const cJSON *rev = cJSON_GetObjectItemCaseSensitive(red, "revision");
	cJSON *o = cJSON_CreateObject();
	bool ok = o && cJSON_AddStringToObject(o, "namespace", jstr(red, "namespace")) &&
		  cJSON_AddStringToObject(o, "release", jstr(red, "release")) &&
		  cJSON_AddNumberToObject(o, "revision", cJSON_IsNumber(rev) ? rev->valuedouble : 0) &&
		  cJSON_AddStringToObject(o, "phase", jstr(red, "phase")) &&
		  cJSON_AddStringToObject(o, "lastRun", last) &&
		  cJSON_AddNumberToObject(o, "hooks", hooks) &&
		  cJSON_AddNumberToObject(o, "failedHooks", failed_hooks) &&
		  cJSON_AddNumberToObject(o, "failedChecks", failed_checks);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *hb_releases_json(struct hb_store *st, char *err, size_t errlen)
{
	struct names names = { 0 };
	cJSON **rows = NULL, *out = NULL, *arr;
	size_t n = 0;
	/* The names are copied out first: listing a release's reports needs
	 * the store's read connection, which the walk holds. */
	if (hb_store_releases(st, collect_name, &names, err, errlen) < 0)
		goto done;
	rows = calloc(names.n / 2 + 1, sizeof(*rows));
	if (!rows)
		goto oom;
	for (size_t i = 0; i + 1 < names.n; i += 2) {
		cJSON *red = hb_release_json(st, names.v[i], names.v[i + 1], 0, NULL, err,
					     errlen);
		if (!red)
			goto done;
		rows[n] = release_row(red);
		cJSON_Delete(red);
		if (!rows[n])
			goto oom;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_release);
	out = cJSON_CreateObject();
	arr = out ? cJSON_AddArrayToObject(out, "releases") : NULL;
	if (!arr)
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

/* One revision's summary, and each check's time, from its reduction. */
static cJSON *revision_row(const cJSON *red)
{
	const cJSON *h, *c, *rev = cJSON_GetObjectItemCaseSensitive(red, "revision");
	const char *started = "";
	double failed = 0, hooks = 0;
	cJSON *o = cJSON_CreateObject(), *checks = NULL;
	bool ok = o && cJSON_AddNumberToObject(o, "revision", cJSON_IsNumber(rev) ? rev->valuedouble : 0) &&
		  cJSON_AddStringToObject(o, "phase", jstr(red, "phase")) &&
		  (checks = cJSON_AddArrayToObject(o, "checks"));
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(red, "hooks")) {
		hooks++;
		if (!*started || (*jstr(h, "startedAt") && strcmp(jstr(h, "startedAt"), started) < 0))
			started = jstr(h, "startedAt");
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h, "checks")) {
			if (!ok)
				break;
			failed += hb_check_json_failed(c);
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(c, "durationMs");
			cJSON *x = cJSON_CreateObject();
			if (!x || !cJSON_AddItemToArray(checks, x)) {
				cJSON_Delete(x);
				ok = false;
				break;
			}
			ok = cJSON_AddStringToObject(x, "hook", jstr(h, "name")) &&
			     cJSON_AddStringToObject(x, "name", jstr(c, "name")) &&
			     cJSON_AddStringToObject(x, "outcome", jstr(c, "outcome")) &&
			     cJSON_AddNumberToObject(x, "durationMs",
						     cJSON_IsNumber(d) ? d->valuedouble : 0);
		}
	}
	ok = ok && cJSON_AddStringToObject(o, "startedAt", started) &&
	     cJSON_AddNumberToObject(o, "hooks", hooks) &&
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
	cJSON *red = hb_release_json(st, ns, rel, upto, NULL, err, errlen);
	if (!red)
		return NULL;
	const cJSON *lr = cJSON_GetObjectItemCaseSensitive(red, "latestRevision");
	int64_t latest = cJSON_IsNumber(lr) ? (int64_t)lr->valuedouble : 0;
	if (upto <= 0 || upto > latest)
		upto = latest;
	cJSON *out = cJSON_CreateObject(), *arr = NULL;
	bool ok = out && cJSON_AddStringToObject(out, "namespace", ns) &&
		  cJSON_AddStringToObject(out, "release", rel) &&
		  cJSON_AddNumberToObject(out, "latestRevision", (double)latest) &&
		  (arr = cJSON_AddArrayToObject(out, "revisions"));
	for (int64_t r = upto; ok && r >= 1 && r > upto - (int64_t)max; r--) {
		/* The first one is the reduction just made, when it is upto. */
		const cJSON *have = cJSON_GetObjectItemCaseSensitive(red, "revision");
		if (!(r == upto && cJSON_IsNumber(have) && (int64_t)have->valuedouble == r)) {
			cJSON_Delete(red);
			red = hb_release_json(st, ns, rel, r, NULL, err, errlen);
			if (!red) {
				cJSON_Delete(out);
				return NULL;
			}
		}
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(red, "hooks")) == 0)
			continue;
		cJSON *row = revision_row(red);
		ok = row && cJSON_AddItemToArray(arr, row);
		if (row && !ok)
			cJSON_Delete(row);
	}
	cJSON_Delete(red);
	if (!ok) {
		snprintf(err, errlen, "revisions: out of memory");
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}
