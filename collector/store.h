/* SPDX-License-Identifier: MIT */
/* Where the collector keeps reports: one interface, two backends (SQLite for
 * one collector, PostgreSQL for replicas sharing one database).
 *
 *   struct hb_store *s = hb_store_new("sqlite:/var/lib/hookbox/reports.db",
 *                                     err, sizeof(err));
 *   struct hb_store_item it = { ... };
 *   hb_store_put(s, &it, err, sizeof(err));   returns once committed
 *   hb_store_get(s, id, &buf, ...);
 *   hb_store_latest(s, ns, rel, rev, max, &listing, fn, arg, ...);
 *   hb_store_free(s);
 *
 * Writes go through one writer thread that commits whatever requests are
 * waiting in one transaction (group commit): each request still returns
 * only after its own commit is durable, but a thousand concurrent requests
 * pay for one fsync instead of a thousand.
 */
#ifndef HB_STORE_H
#define HB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum hb_put_result {
	HB_PUT_INSERTED,  /* a new report id */
	HB_PUT_REPLACED,  /* a Running report replaced by its final one */
	HB_PUT_UNCHANGED, /* a retry, or a Running report after the final */
};

/* One report to store. The strings and body belong to the caller. */
struct hb_store_item {
	const char *report_id;
	const char *ns;
	const char *release;
	const char *hook;       /* hook name, else pod name */
	int64_t revision;
	int phase;
	bool final;             /* Succeeded or Failed */
	bool test;              /* counts for the test suite (hb_report_is_test) */
	const char *started_at;
	const uint8_t *body;    /* the serialised hookbox.v1.Report */
	size_t len;
	enum hb_put_result result; /* set by the store */
};

/* What a listing of one revision found besides its reports. */
struct hb_store_listing {
	int64_t revision; /* the revision listed: the one asked for, else the newest */
	int64_t latest;   /* the release's newest revision, 0 when it has none */
	size_t hooks;     /* hooks of the revision, listed or not */
	size_t failed;    /* of them, those whose latest report failed */
};

/* Called for each stored report body of a listing; returns 0 to go on. */
typedef int (*hb_store_row_fn)(void *arg, const uint8_t *body, size_t len);
/* Called for each (namespace, release) known to the store. */
typedef int (*hb_store_release_fn)(void *arg, const char *ns, const char *release);

/* What each backend file exports, one const table, like curl's protocols.
 * put_batch runs on the writer thread only; get, list and releases may be
 * called from any thread (the backend serialises them on its own read
 * connection). All return 0 or a negative errno with err filled. */
struct hb_store_backend {
	const char *scheme; /* "sqlite:", "postgres://" */
	void *(*open)(const char *target, char *err, size_t errlen);
	int (*put_batch)(void *db, struct hb_store_item *const *items, size_t n,
			 char *err, size_t errlen);
	/* -ENOENT when there is no such report. */
	int (*get)(void *db, const char *report_id, struct hb_buf *out, char *err,
		   size_t errlen);
	/* The latest report of each hook of one revision (0: the newest), for
	 * at most max hooks, in no particular order.
	 *
	 * A hook is the `hook` column (hook name, else pod name); its latest
	 * report is the one hb_reduce would pick: the latest started_at,
	 * compared bytewise as strcmp does, then a final report over a
	 * Running one, then the later arrival. Only revisions 0 to
	 * HB_MAX_REVISION count (a store written before they were bounded may
	 * hold others).
	 *
	 * With more than max hooks, the suite's phase must still come out as
	 * from every hook: test hooks (the `test` column; a row stored before
	 * it existed counts as one) come before all others, and among them
	 * Failed, then Running, then any other phase, then Succeeded (the
	 * order in which hb_suite_phase lets a phase decide); ties by hook
	 * name. The suite's phase is that of its worst test hook, which is
	 * then always listed; listing->hooks and ->failed count every hook,
	 * so that the caller can say how many, and how many failed ones, it
	 * left out.
	 *
	 * The query costs an index probe or two per hook, whatever the number
	 * of reports, and reads the bodies of the listed hooks only. */
	int (*latest)(void *db, const char *ns, const char *release, int64_t revision,
		      size_t max, struct hb_store_listing *listing, hb_store_row_fn fn,
		      void *arg, char *err, size_t errlen);
	/* The (namespace, release) pairs of the store, by namespace then
	 * name: those of namespace ns only unless it is NULL, at most limit
	 * of them. *more says whether the limit left any out (the backend
	 * asks for limit + 1). */
	int (*releases)(void *db, const char *ns, size_t limit, bool *more,
			hb_store_release_fn fn, void *arg, char *err, size_t errlen);
	void (*close)(void *db);
};

extern const struct hb_store_backend hb_store_sqlite;
extern const struct hb_store_backend hb_store_pg;

struct hb_store;

/* url: "sqlite:PATH" or "postgres://..." / "postgresql://...". Returns NULL
 * with err filled. */
struct hb_store *hb_store_new(const char *url, char *err, size_t errlen);
/* Stops the writer after the pending commits and closes the database. */
void hb_store_free(struct hb_store *s);

/* Blocks until the item is committed (0, it->result set) or failed
 * (negative errno, err filled; nothing of it is stored). */
int hb_store_put(struct hb_store *s, struct hb_store_item *it, char *err,
		 size_t errlen);
int hb_store_get(struct hb_store *s, const char *report_id, struct hb_buf *out,
		 char *err, size_t errlen);
int hb_store_latest(struct hb_store *s, const char *ns, const char *release,
		    int64_t revision, size_t max, struct hb_store_listing *listing,
		    hb_store_row_fn fn, void *arg, char *err, size_t errlen);
/* See the backend's releases: ns NULL lists every namespace. */
int hb_store_releases(struct hb_store *s, const char *ns, size_t limit, bool *more,
		      hb_store_release_fn fn, void *arg, char *err, size_t errlen);

/* The most reports one transaction commits. */
#define HB_STORE_BATCH 256

#endif
