/* SPDX-License-Identifier: MIT */
/* The SQLite store: one file in WAL mode, the default for one collector.
 *
 * Durability: journal_mode=WAL with synchronous=FULL. An acknowledged report
 * must survive SIGKILL, which WAL with synchronous=NORMAL would already give
 * (the commit is in the WAL file, in the kernel's page cache, before
 * COMMIT returns); FULL also fsyncs the WAL at every commit, so that it
 * survives a power loss or a node crash as well. The writer commits many
 * reports per transaction (see store.h), which makes that fsync cheap
 * enough to keep.
 */
#include "store.h"

#include "report_util.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_store {
	sqlite3 *w; /* the writer thread's connection */
	sqlite3_stmt *sel, *ins, *upd;
	pthread_mutex_t rmu; /* guards r and its statements */
	sqlite3 *r; /* readers share this one */
	/* The listing's statements, prepared once: parsing latest_sql cost
	 * more than running it, which a page of 1,000 releases (one listing
	 * each) pays a thousand times (bench/web.sh). */
	sqlite3_stmt *newest, *latest, *begin, *rollback;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS reports ("
	" report_id TEXT NOT NULL UNIQUE,"
	" namespace TEXT NOT NULL,"
	" release TEXT NOT NULL,"
	" revision INTEGER NOT NULL,"
	" hook TEXT NOT NULL,"
	" phase INTEGER NOT NULL,"
	" final INTEGER NOT NULL,"
	" started_at TEXT NOT NULL,"
	" test INTEGER," /* before the body: read without its overflow pages */
	" received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	" body BLOB NOT NULL);"
	/* Each hook's latest report is one probe of this index (see
	 * latest_sql), and its prefix finds a release's newest revision. It
	 * replaces reports_release (namespace, release, revision), which a
	 * store made by an older collector still has: one index less to
	 * write at every report. */
	"CREATE INDEX IF NOT EXISTS reports_hook_latest"
	" ON reports(namespace, release, revision, hook, started_at, final);"
	"DROP INDEX IF EXISTS reports_release;";

/* A store made before the `test` column: SQLite has no ADD COLUMN IF NOT
 * EXISTS, so the check and the change are one write transaction, which
 * two collectors opening the file together take in turn. Its rows get
 * NULL, which the listing counts as a test hook. */
static const char add_test_sql[] =
	"SELECT count(*) FROM pragma_table_info('reports') WHERE name = 'test'";

static const char newest_sql[] =
	"SELECT max(revision) FROM reports WHERE namespace = ?1 AND release = ?2"
	" AND revision BETWEEN 0 AND ?3";

/* A loose index scan, which SQLite does not do by itself: the recursive
 * part steps from one hook of the revision ?3 to the next with one probe
 * of reports_hook_latest each, and each hook's latest report is the first
 * entry of a backward probe (started_at, then final, then rowid, the
 * arrival order, all descending; text compares bytewise, as strcmp). So a
 * revision of 100,000 reports of a few hooks costs a few probes; one of
 * 100,000 hooks, one pass. Then the hooks are ranked as store.h says (?4,
 * ?5, ?6: the Failed, Running and Succeeded phases), counted before the
 * LIMIT ?7, and only the bodies of those kept are read. */
static const char latest_sql[] =
	"WITH RECURSIVE hooks(hook) AS ("
	" SELECT (SELECT hook FROM reports WHERE namespace = ?1 AND release = ?2"
	"  AND revision = ?3 ORDER BY hook LIMIT 1)"
	" UNION ALL"
	" SELECT (SELECT r.hook FROM reports r WHERE r.namespace = ?1"
	"  AND r.release = ?2 AND r.revision = ?3 AND r.hook > hooks.hook"
	"  ORDER BY r.hook LIMIT 1)"
	" FROM hooks WHERE hooks.hook IS NOT NULL),"
	" latest(id) AS ("
	" SELECT (SELECT r.rowid FROM reports r WHERE r.namespace = ?1"
	"  AND r.release = ?2 AND r.revision = ?3 AND r.hook = hooks.hook"
	"  ORDER BY r.started_at DESC, r.final DESC, r.rowid DESC LIMIT 1)"
	" FROM hooks WHERE hooks.hook IS NOT NULL),"
	" kept AS ("
	" SELECT r.rowid AS id, count(*) OVER () AS hooks,"
	"  sum(r.phase = ?4) OVER () AS failed"
	" FROM latest JOIN reports r ON r.rowid = latest.id"
	" ORDER BY CASE WHEN coalesce(r.test, 1) THEN 0 ELSE 4 END"
	"  + CASE r.phase WHEN ?4 THEN 0 WHEN ?5 THEN 1 WHEN ?6 THEN 3 ELSE 2 END,"
	"  r.hook, r.report_id"
	" LIMIT ?7)"
	" SELECT kept.hooks, kept.failed, r.body FROM kept JOIN reports r ON r.rowid = kept.id";

static int db_fail(char *err, size_t errlen, const char *what, sqlite3 *db)
{
	snprintf(err, errlen, "sqlite %s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -EIO;
}

static void sqlite_close(void *p)
{
	struct sqlite_store *s = p;
	if (!s)
		return;
	sqlite3_finalize(s->sel);
	sqlite3_finalize(s->ins);
	sqlite3_finalize(s->upd);
	sqlite3_finalize(s->newest);
	sqlite3_finalize(s->latest);
	sqlite3_finalize(s->begin);
	sqlite3_finalize(s->rollback);
	sqlite3_close(s->w);
	sqlite3_close(s->r);
	pthread_mutex_destroy(&s->rmu);
	free(s);
}

static sqlite3 *open_conn(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "sqlite open \"%s\": %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	/* Another collector process (or a reader) may hold the lock briefly. */
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	if (sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite \"%s\": setting WAL mode: %s", path,
			 msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int add_test_column(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(err, errlen, "begin", db);
	if (sqlite3_prepare_v2(db, add_test_sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = db_fail(err, errlen, "table_info", db);
	else if (sqlite3_column_int(st, 0) == 0 &&
		 sqlite3_exec(db, "ALTER TABLE reports ADD COLUMN test INTEGER", NULL, NULL,
			      NULL) != SQLITE_OK)
		rc = db_fail(err, errlen, "alter table", db);
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_fail(err, errlen, "commit", db);
	if (rc < 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void *sqlite_open(const char *path, char *err, size_t errlen)
{
	if (!*path) {
		snprintf(err, errlen, "store \"sqlite:\": no file name (sqlite:PATH)");
		return NULL;
	}
	struct sqlite_store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "sqlite: out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->rmu, NULL);
	char *msg = NULL;
	s->w = open_conn(path, err, errlen);
	if (!s->w)
		goto fail;
	if (sqlite3_exec(s->w, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite \"%s\": creating the schema: %s", path,
			 msg ? msg : "?");
		sqlite3_free(msg);
		goto fail;
	}
	if (add_test_column(s->w, err, errlen) < 0) {
		char why[200];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "sqlite \"%s\": adding the test column: %s", path, why);
		goto fail;
	}
	if (sqlite3_prepare_v2(s->w, "SELECT final FROM reports WHERE report_id = ?1",
			       -1, &s->sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->w,
			       "INSERT INTO reports (report_id, namespace, release,"
			       " revision, hook, phase, final, started_at, body, test)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			       -1, &s->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->w,
			       "UPDATE reports SET namespace = ?2, release = ?3,"
			       " revision = ?4, hook = ?5, phase = ?6, final = ?7,"
			       " started_at = ?8, body = ?9, test = ?10,"
			       " received_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
			       " WHERE report_id = ?1 AND final = 0",
			       -1, &s->upd, NULL) != SQLITE_OK) {
		db_fail(err, errlen, "prepare", s->w);
		goto fail;
	}
	s->r = open_conn(path, err, errlen);
	if (!s->r)
		goto fail;
	return s;
fail:
	sqlite_close(s);
	return NULL;
}

static int bind_item(sqlite3_stmt *st, const struct hb_store_item *it)
{
	int rc = sqlite3_bind_text(st, 1, it->report_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 2, it->ns, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, it->release, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, it->revision);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 5, it->hook, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 6, it->phase);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 7, it->final ? 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 8, it->started_at ? it->started_at : "", -1,
				       SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob64(st, 9, it->body, it->len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 10, it->test ? 1 : 0);
	return rc;
}

static int put_one(struct sqlite_store *s, struct hb_store_item *it, char *err,
		   size_t errlen)
{
	int rc;
	sqlite3_reset(s->sel);
	sqlite3_bind_text(s->sel, 1, it->report_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->sel);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(err, errlen, "select", s->w);
	bool exists = rc == SQLITE_ROW;
	bool was_final = exists && sqlite3_column_int(s->sel, 0) != 0;
	sqlite3_reset(s->sel);
	if (exists && (was_final || !it->final)) {
		it->result = HB_PUT_UNCHANGED;
		return 0;
	}
	sqlite3_stmt *st = exists ? s->upd : s->ins;
	sqlite3_reset(st);
	if (bind_item(st, it) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
		int e = db_fail(err, errlen, exists ? "update" : "insert", s->w);
		sqlite3_reset(st);
		return e;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	it->result = exists ? HB_PUT_REPLACED : HB_PUT_INSERTED;
	return 0;
}

static int sqlite_put_batch(void *p, struct hb_store_item *const *items, size_t n,
			    char *err, size_t errlen)
{
	struct sqlite_store *s = p;
	/* IMMEDIATE takes the write lock now, so that a second process on the
	 * same file makes us wait (busy timeout) rather than fail mid-way. */
	if (sqlite3_exec(s->w, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(err, errlen, "begin", s->w);
	for (size_t i = 0; i < n; i++) {
		int rc = put_one(s, items[i], err, errlen);
		if (rc < 0) {
			sqlite3_exec(s->w, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	if (sqlite3_exec(s->w, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int e = db_fail(err, errlen, "commit", s->w);
		sqlite3_exec(s->w, "ROLLBACK", NULL, NULL, NULL);
		return e;
	}
	return 0;
}

static int sqlite_get(void *p, const char *id, struct hb_buf *out, char *err,
		      size_t errlen)
{
	struct sqlite_store *s = p;
	sqlite3_stmt *st = NULL;
	int rc;
	pthread_mutex_lock(&s->rmu);
	if (sqlite3_prepare_v2(s->r, "SELECT body FROM reports WHERE report_id = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(err, errlen, "prepare", s->r);
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = hb_buf_append(out, sqlite3_column_blob(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0));
		if (rc < 0)
			snprintf(err, errlen, "sqlite get: %s", strerror(-rc));
	} else if (rc == SQLITE_DONE) {
		snprintf(err, errlen, "report \"%s\": not found", id);
		rc = -ENOENT;
	} else {
		rc = db_fail(err, errlen, "select", s->r);
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

/* *st prepared on the read connection, once; the caller holds rmu. */
static int read_stmt(struct sqlite_store *s, sqlite3_stmt **st, const char *sql)
{
	if (*st)
		return 0;
	return sqlite3_prepare_v3(s->r, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) ==
		SQLITE_OK ? 0 : -1;
}

/* Readies a kept statement for its next use, its bound strings dropped. */
static void read_stmt_done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

static int sqlite_latest(void *p, const char *ns, const char *release,
			 int64_t revision, size_t max, struct hb_store_listing *listing,
			 hb_store_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct sqlite_store *s = p;
	sqlite3_stmt *st = NULL;
	int rc = 0, step;
	pthread_mutex_lock(&s->rmu);
	/* One read transaction: the newest revision and its hooks come from
	 * one snapshot. */
	if (read_stmt(s, &s->begin, "BEGIN") < 0 || read_stmt(s, &s->rollback, "ROLLBACK") < 0 ||
	    sqlite3_step(s->begin) != SQLITE_DONE) {
		rc = db_fail(err, errlen, "begin", s->r);
		read_stmt_done(s->begin);
		goto unlock;
	}
	read_stmt_done(s->begin);
	if (read_stmt(s, &s->newest, newest_sql) < 0) {
		rc = db_fail(err, errlen, "prepare", s->r);
		goto out;
	}
	st = s->newest;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, release, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, HB_MAX_REVISION);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(err, errlen, "select", s->r);
		goto out;
	}
	listing->latest = sqlite3_column_int64(st, 0); /* NULL: 0 */
	listing->revision = revision > 0 ? revision : listing->latest;
	read_stmt_done(st);
	st = NULL;
	if (read_stmt(s, &s->latest, latest_sql) < 0) {
		rc = db_fail(err, errlen, "prepare", s->r);
		goto out;
	}
	st = s->latest;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, release, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, listing->revision);
	sqlite3_bind_int(st, 4, HOOKBOX__V1__PHASE__PHASE_FAILED);
	sqlite3_bind_int(st, 5, HOOKBOX__V1__PHASE__PHASE_RUNNING);
	sqlite3_bind_int(st, 6, HOOKBOX__V1__PHASE__PHASE_SUCCEEDED);
	sqlite3_bind_int64(st, 7, max > INT64_MAX ? INT64_MAX : (sqlite3_int64)max);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		listing->hooks = (size_t)sqlite3_column_int64(st, 0);
		listing->failed = (size_t)sqlite3_column_int64(st, 1);
		rc = fn(arg, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2));
		if (rc < 0) {
			snprintf(err, errlen, "listing reports: %s", strerror(-rc));
			goto out;
		}
	}
	if (step != SQLITE_DONE)
		rc = db_fail(err, errlen, "select", s->r);
out:
	read_stmt_done(st);
	/* Nothing was written: ROLLBACK ends the read transaction whatever
	 * happened. */
	sqlite3_step(s->rollback);
	read_stmt_done(s->rollback);
unlock:
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

static int sqlite_releases(void *p, const char *ns_filter, size_t limit, bool *more,
			   hb_store_release_fn fn, void *arg, char *err, size_t errlen)
{
	struct sqlite_store *s = p;
	sqlite3_stmt *st = NULL;
	int rc = 0, step;
	size_t n = 0;
	/* Two texts rather than "?1 IS NULL OR namespace = ?1", for which
	 * SQLite scans all of reports_hook_latest instead of searching it by
	 * namespace (EXPLAIN QUERY PLAN). */
	const char *sql = ns_filter ? "SELECT DISTINCT namespace, release FROM reports"
				      " WHERE namespace = ?1 ORDER BY 1, 2 LIMIT ?2"
				    : "SELECT DISTINCT namespace, release FROM reports"
				      " ORDER BY 1, 2 LIMIT ?2";
	pthread_mutex_lock(&s->rmu);
	if (sqlite3_prepare_v2(s->r, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(err, errlen, "prepare", s->r);
		goto out;
	}
	/* One more than the caller takes: whether the limit cut the list. */
	if ((ns_filter && sqlite3_bind_text(st, 1, ns_filter, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    sqlite3_bind_int64(st, 2, limit < INT64_MAX ? (sqlite3_int64)limit + 1 : INT64_MAX) !=
		    SQLITE_OK) {
		rc = db_fail(err, errlen, "bind", s->r);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = true;
			continue;
		}
		const char *ns = (const char *)sqlite3_column_text(st, 0);
		const char *rel = (const char *)sqlite3_column_text(st, 1);
		rc = fn(arg, ns ? ns : "", rel ? rel : "");
		if (rc < 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(err, errlen, "select", s->r);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

const struct hb_store_backend hb_store_sqlite = {
	.scheme = "sqlite:",
	.open = sqlite_open,
	.put_batch = sqlite_put_batch,
	.get = sqlite_get,
	.latest = sqlite_latest,
	.releases = sqlite_releases,
	.close = sqlite_close,
};
