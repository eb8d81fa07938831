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

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_store {
	sqlite3 *w; /* the writer thread's connection */
	sqlite3_stmt *sel, *ins, *upd;
	pthread_mutex_t rmu; /* guards r */
	sqlite3 *r; /* readers share this one */
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
	" received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	" body BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS reports_release ON reports(namespace, release, revision);";

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
	if (sqlite3_prepare_v2(s->w, "SELECT final FROM reports WHERE report_id = ?1",
			       -1, &s->sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->w,
			       "INSERT INTO reports (report_id, namespace, release,"
			       " revision, hook, phase, final, started_at, body)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			       -1, &s->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->w,
			       "UPDATE reports SET namespace = ?2, release = ?3,"
			       " revision = ?4, hook = ?5, phase = ?6, final = ?7,"
			       " started_at = ?8, body = ?9,"
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

static int sqlite_list(void *p, const char *ns, const char *release, int64_t revision,
		       hb_store_row_fn fn, void *arg, char *err, size_t errlen)
{
	struct sqlite_store *s = p;
	sqlite3_stmt *st = NULL;
	int rc = 0;
	pthread_mutex_lock(&s->rmu);
	if (sqlite3_prepare_v2(s->r,
			       "SELECT body FROM reports WHERE namespace = ?1 AND"
			       " release = ?2 AND revision = CASE WHEN ?3 > 0 THEN ?3"
			       " ELSE (SELECT MAX(revision) FROM reports WHERE"
			       " namespace = ?1 AND release = ?2) END"
			       " ORDER BY rowid LIMIT ?4",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(err, errlen, "prepare", s->r);
		goto out;
	}
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, release, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, revision);
	sqlite3_bind_int(st, 4, HB_STORE_LIST_MAX);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(arg, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		if (rc < 0) {
			snprintf(err, errlen, "listing reports: %s", strerror(-rc));
			goto out;
		}
	}
	if (step != SQLITE_DONE)
		rc = db_fail(err, errlen, "select", s->r);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

static int sqlite_releases(void *p, hb_store_release_fn fn, void *arg, char *err,
			   size_t errlen)
{
	struct sqlite_store *s = p;
	sqlite3_stmt *st = NULL;
	int rc = 0, step;
	pthread_mutex_lock(&s->rmu);
	if (sqlite3_prepare_v2(s->r,
			       "SELECT DISTINCT namespace, release FROM reports"
			       " ORDER BY 1, 2 LIMIT 1000",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(err, errlen, "prepare", s->r);
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
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
	.list = sqlite_list,
	.releases = sqlite_releases,
	.close = sqlite_close,
};
