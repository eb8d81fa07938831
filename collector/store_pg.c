/* SPDX-License-Identifier: MIT */
/* The PostgreSQL store, for several collector replicas sharing one database.
 *
 * Each commit is durable as PostgreSQL makes it (synchronous_commit on, the
 * server default). The upsert decides inside the database whether a report
 * is new, replaces a Running one or is a retry, so that two replicas that
 * receive the same report at once still store it once.
 */
#include "store.h"

#include "report_util.h"

#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pg_store {
	char *conninfo;
	PGconn *w;           /* the writer thread's connection */
	pthread_mutex_t rmu; /* guards r */
	PGconn *r;
};

static const char schema[] =
	/* "already exists, skipping" at every start says nothing. */
	"SET client_min_messages = warning;"
	"SELECT pg_advisory_lock(7411207);"
	"CREATE TABLE IF NOT EXISTS hookbox_reports ("
	" seq BIGSERIAL PRIMARY KEY,"
	" report_id TEXT NOT NULL UNIQUE,"
	" namespace TEXT NOT NULL,"
	" release TEXT NOT NULL,"
	" revision BIGINT NOT NULL,"
	" hook TEXT NOT NULL,"
	" phase INTEGER NOT NULL,"
	" final BOOLEAN NOT NULL,"
	" started_at TEXT NOT NULL,"
	" test BOOLEAN,"
	" received_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
	" body BYTEA NOT NULL);"
	/* A table made before the column: its rows get NULL, which the
	 * listing counts as a test hook. */
	"ALTER TABLE hookbox_reports ADD COLUMN IF NOT EXISTS test BOOLEAN;"
	/* Each hook's latest report is one backward probe of this index (see
	 * latest_sql), and its prefix finds a release's newest revision. The
	 * text columns compare bytewise (COLLATE "C"), as strcmp does in
	 * hb_reduce, whatever the database's collation; seq is the arrival
	 * order. It replaces hookbox_reports_release (namespace, release,
	 * revision), which a database set up by an older collector still has.
	 * Built under the advisory lock, in the implicit transaction of this
	 * one query: replicas starting together build it once. */
	"CREATE INDEX IF NOT EXISTS hookbox_reports_hook_latest"
	" ON hookbox_reports (namespace, release, revision, hook COLLATE \"C\","
	" started_at COLLATE \"C\", final, seq);"
	"DROP INDEX IF EXISTS hookbox_reports_release;"
	"SELECT pg_advisory_unlock(7411207);";

/* One statement, so one snapshot: the revision asked for ($3, 0: the
 * newest of 0..$4), the newest, the number of hooks and of failed ones,
 * and the latest report of at most $8 hooks, one row each (a single row
 * with a NULL body when there is none). PostgreSQL 15 has no skip scan:
 * the recursive part steps from one hook to the next with one index probe
 * each, and each hook's latest report is the first entry of a backward
 * probe. A revision of 100,000 reports of a few hooks costs a few probes;
 * one of 100,000 hooks, one pass. The hooks are ranked as store.h says
 * ($5, $6, $7: the Failed, Running and Succeeded phases), counted before
 * the LIMIT, and only the bodies of those kept are read. */
static const char latest_sql[] =
	"WITH RECURSIVE want AS ("
	" SELECT CASE WHEN $3::bigint > 0 THEN $3::bigint ELSE newest END AS revision, newest"
	" FROM (SELECT coalesce(max(revision), 0) AS newest FROM hookbox_reports"
	"  WHERE namespace = $1 AND release = $2"
	"  AND revision BETWEEN 0 AND $4::bigint) m),"
	" hooks(hook) AS ("
	" (SELECT hook COLLATE \"C\" FROM hookbox_reports WHERE namespace = $1"
	"  AND release = $2 AND revision = (SELECT revision FROM want)"
	"  ORDER BY hook COLLATE \"C\" LIMIT 1)"
	" UNION ALL"
	" SELECT (SELECT r.hook COLLATE \"C\" FROM hookbox_reports r"
	"  WHERE r.namespace = $1 AND r.release = $2"
	"  AND r.revision = (SELECT revision FROM want)"
	"  AND r.hook COLLATE \"C\" > hooks.hook ORDER BY r.hook COLLATE \"C\" LIMIT 1)"
	" FROM hooks WHERE hooks.hook IS NOT NULL),"
	" kept AS ("
	" SELECT r.seq, count(*) OVER () AS hooks,"
	"  count(*) FILTER (WHERE r.phase = $5::integer) OVER () AS failed"
	" FROM hooks CROSS JOIN LATERAL ("
	"  SELECT l.seq FROM hookbox_reports l WHERE l.namespace = $1"
	"   AND l.release = $2 AND l.revision = (SELECT revision FROM want)"
	"   AND l.hook COLLATE \"C\" = hooks.hook"
	"   ORDER BY l.started_at COLLATE \"C\" DESC, l.final DESC, l.seq DESC LIMIT 1) x"
	" JOIN hookbox_reports r ON r.seq = x.seq"
	" ORDER BY CASE WHEN coalesce(r.test, true) THEN 0 ELSE 4 END"
	"  + CASE r.phase WHEN $5::integer THEN 0 WHEN $6::integer THEN 1"
	"  WHEN $7::integer THEN 3 ELSE 2 END,"
	"  r.hook COLLATE \"C\", r.report_id"
	" LIMIT $8::bigint)"
	" SELECT want.revision::text, want.newest::text, kept.hooks::text,"
	"  kept.failed::text, b.body"
	" FROM want LEFT JOIN (kept JOIN hookbox_reports b ON b.seq = kept.seq) ON true";

static const char put_sql[] =
	"INSERT INTO hookbox_reports (report_id, namespace, release, revision, hook,"
	" phase, final, started_at, body, test)"
	" VALUES ($1, $2, $3, $4::bigint, $5, $6::integer, $7::boolean, $8, $9::bytea,"
	" $10::boolean)"
	" ON CONFLICT (report_id) DO UPDATE SET namespace = EXCLUDED.namespace,"
	" release = EXCLUDED.release, revision = EXCLUDED.revision,"
	" hook = EXCLUDED.hook, phase = EXCLUDED.phase, final = EXCLUDED.final,"
	" started_at = EXCLUDED.started_at, body = EXCLUDED.body, test = EXCLUDED.test,"
	" received_at = now()"
	" WHERE hookbox_reports.final = false AND EXCLUDED.final = true"
	" RETURNING (xmax = 0)";

static int pg_fail(char *err, size_t errlen, const char *what, PGconn *c)
{
	char msg[200];
	snprintf(msg, sizeof(msg), "%s", c ? PQerrorMessage(c) : "out of memory");
	msg[strcspn(msg, "\n")] = '\0';
	snprintf(err, errlen, "postgres %s: %s", what, msg);
	return -EIO;
}

static PGconn *connect_db(const char *conninfo, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(conninfo);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		pg_fail(err, errlen, "connect", c);
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* The writer's statement, prepared on every new or reset connection. */
static int prepare_writer(PGconn *c, char *err, size_t errlen)
{
	PGresult *res = PQprepare(c, "hb_put", put_sql, 10, NULL);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok ? 0 : pg_fail(err, errlen, "prepare", c);
}

static void pg_close(void *p)
{
	struct pg_store *s = p;
	if (!s)
		return;
	PQfinish(s->w);
	PQfinish(s->r);
	pthread_mutex_destroy(&s->rmu);
	free(s->conninfo);
	free(s);
}

static void *pg_open(const char *url, char *err, size_t errlen)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	if (!s || !(s->conninfo = strdup(url))) {
		free(s);
		snprintf(err, errlen, "postgres: out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->rmu, NULL);
	s->w = connect_db(url, err, errlen);
	if (!s->w)
		goto fail;
	PGresult *res = PQexec(s->w, schema);
	if (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		pg_fail(err, errlen, "creating the schema", s->w);
		goto fail;
	}
	PQclear(res);
	if (prepare_writer(s->w, err, errlen) < 0)
		goto fail;
	s->r = connect_db(url, err, errlen);
	if (!s->r)
		goto fail;
	return s;
fail:
	pg_close(s);
	return NULL;
}

/* A dropped connection (a database restart, a failover) is reopened before
 * the next batch rather than failing every batch from then on. */
static int ensure_conn(PGconn *c, bool writer, char *err, size_t errlen)
{
	if (PQstatus(c) == CONNECTION_OK)
		return 0;
	PQreset(c);
	if (PQstatus(c) != CONNECTION_OK)
		return pg_fail(err, errlen, "reconnect", c);
	return writer ? prepare_writer(c, err, errlen) : 0;
}

/* Sends the whole batch in one pipeline (BEGIN, n upserts, COMMIT, sync)
 * so that it costs one round trip rather than n + 2. */
static int pg_put_batch(void *p, struct hb_store_item *const *items, size_t n,
			char *err, size_t errlen)
{
	struct pg_store *s = p;
	PGconn *c = s->w;
	int rc = ensure_conn(c, true, err, errlen);
	if (rc < 0)
		return rc;
	if (!PQenterPipelineMode(c))
		return pg_fail(err, errlen, "pipeline", c);
	bool sent = PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
	for (size_t i = 0; sent && i < n; i++) {
		const struct hb_store_item *it = items[i];
		char rev[24], phase[12];
		snprintf(rev, sizeof(rev), "%lld", (long long)it->revision);
		snprintf(phase, sizeof(phase), "%d", it->phase);
		const char *vals[10] = { it->report_id, it->ns, it->release, rev,
					 it->hook, phase, it->final ? "true" : "false",
					 it->started_at ? it->started_at : "",
					 (const char *)it->body, it->test ? "true" : "false" };
		int lens[10] = { 0, 0, 0, 0, 0, 0, 0, 0, (int)it->len, 0 };
		int fmts[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
		sent = PQsendQueryPrepared(c, "hb_put", 10, vals, lens, fmts, 0);
	}
	sent = sent && PQsendQueryParams(c, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
	       PQpipelineSync(c);
	if (!sent) {
		rc = pg_fail(err, errlen, "send", c);
		goto drain;
	}
	/* BEGIN, the n upserts, COMMIT: each ends with a NULL result. */
	for (size_t q = 0; q < n + 2; q++) {
		PGresult *res;
		bool first = true;
		while ((res = PQgetResult(c))) {
			ExecStatusType st = PQresultStatus(res);
			if (first && rc == 0) {
				if (st == PGRES_TUPLES_OK && q >= 1 && q <= n) {
					struct hb_store_item *it = items[q - 1];
					if (PQntuples(res) == 0)
						it->result = HB_PUT_UNCHANGED;
					else
						it->result = strcmp(PQgetvalue(res, 0, 0), "t") == 0
								     ? HB_PUT_INSERTED
								     : HB_PUT_REPLACED;
				} else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
					snprintf(err, errlen, "postgres %s: %s",
						 q == 0 ? "begin" : q > n ? "commit" : "upsert",
						 st == PGRES_PIPELINE_ABORTED
							 ? "pipeline aborted"
							 : PQresultErrorMessage(res));
					err[strcspn(err, "\n")] = '\0';
					rc = -EIO;
				}
			}
			first = false;
			PQclear(res);
		}
		if (PQstatus(c) != CONNECTION_OK) {
			if (rc == 0)
				rc = pg_fail(err, errlen, "connection", c);
			break;
		}
	}
drain:;
	PGresult *res;
	/* Up to and including the sync point. */
	while (PQstatus(c) == CONNECTION_OK && (res = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(res);
		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	PQexitPipelineMode(c);
	if (rc < 0 && PQstatus(c) == CONNECTION_OK &&
	    PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
	return rc;
}

static int pg_get(void *p, const char *id, struct hb_buf *out, char *err, size_t errlen)
{
	struct pg_store *s = p;
	const char *vals[1] = { id };
	int rc;
	pthread_mutex_lock(&s->rmu);
	rc = ensure_conn(s->r, false, err, errlen);
	if (rc < 0)
		goto out;
	PGresult *res = PQexecParams(s->r, "SELECT body FROM hookbox_reports WHERE report_id = $1",
				     1, NULL, vals, NULL, NULL, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pg_fail(err, errlen, "select", s->r);
	} else if (PQntuples(res) == 0) {
		snprintf(err, errlen, "report \"%s\": not found", id);
		rc = -ENOENT;
	} else {
		rc = hb_buf_append(out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
		if (rc < 0)
			snprintf(err, errlen, "postgres get: %s", strerror(-rc));
	}
	PQclear(res);
out:
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

static int pg_latest(void *p, const char *ns, const char *release, int64_t revision,
		     size_t max, struct hb_store_listing *listing, hb_store_row_fn fn,
		     void *arg, char *err, size_t errlen)
{
	struct pg_store *s = p;
	char rev[24], maxrev[24], failed[12], running[12], succeeded[12], limit[24];
	snprintf(rev, sizeof(rev), "%lld", (long long)revision);
	snprintf(maxrev, sizeof(maxrev), "%d", HB_MAX_REVISION);
	snprintf(failed, sizeof(failed), "%d", HOOKBOX__V1__PHASE__PHASE_FAILED);
	snprintf(running, sizeof(running), "%d", HOOKBOX__V1__PHASE__PHASE_RUNNING);
	snprintf(succeeded, sizeof(succeeded), "%d", HOOKBOX__V1__PHASE__PHASE_SUCCEEDED);
	snprintf(limit, sizeof(limit), "%zu", max);
	const char *vals[8] = { ns, release, rev, maxrev, failed, running, succeeded, limit };
	bool first = true;
	PGresult *res;
	pthread_mutex_lock(&s->rmu);
	PGconn *c = s->r;
	int rc = ensure_conn(c, false, err, errlen);
	if (rc < 0)
		goto out;
	/* Row by row, so that only one body at a time sits in libpq. */
	if (!PQsendQueryParams(c, latest_sql, 8, NULL, vals, NULL, NULL, 1) ||
	    !PQsetSingleRowMode(c)) {
		rc = pg_fail(err, errlen, "select", c);
		while ((res = PQgetResult(c)))
			PQclear(res);
		goto out;
	}
	while ((res = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE && rc == 0) {
			/* Text, whatever the result format: see the ::text casts. */
			if (first) {
				listing->revision = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
				listing->latest = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
				listing->hooks = strtoull(PQgetvalue(res, 0, 2), NULL, 10);
				listing->failed = strtoull(PQgetvalue(res, 0, 3), NULL, 10);
				first = false;
			}
			if (!PQgetisnull(res, 0, 4)) {
				rc = fn(arg, (const uint8_t *)PQgetvalue(res, 0, 4),
					(size_t)PQgetlength(res, 0, 4));
				if (rc < 0)
					snprintf(err, errlen, "listing reports: %s",
						 strerror(-rc));
			}
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == 0) {
			snprintf(err, errlen, "postgres select: %s", PQresultErrorMessage(res));
			err[strcspn(err, "\n")] = '\0';
			rc = -EIO;
		}
		PQclear(res);
	}
	if (rc == 0 && first) {
		snprintf(err, errlen, "postgres select: no answer");
		rc = -EIO;
	}
out:
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

static int pg_releases(void *p, const char *ns_filter, size_t limit, bool *more,
		       hb_store_release_fn fn, void *arg, char *err, size_t errlen)
{
	struct pg_store *s = p;
	char lim[24];
	int rc;
	/* One more than the caller takes: whether the limit cut the list. */
	snprintf(lim, sizeof(lim), "%llu",
		 limit < INT64_MAX ? (unsigned long long)limit + 1 : (unsigned long long)INT64_MAX);
	const char *vals[2] = { lim, ns_filter };
	pthread_mutex_lock(&s->rmu);
	rc = ensure_conn(s->r, false, err, errlen);
	if (rc < 0)
		goto out;
	PGresult *res = PQexecParams(
		s->r,
		ns_filter ? "SELECT DISTINCT namespace, release FROM hookbox_reports"
			    " WHERE namespace = $2 ORDER BY 1, 2 LIMIT $1::bigint"
			  : "SELECT DISTINCT namespace, release FROM hookbox_reports"
			    " ORDER BY 1, 2 LIMIT $1::bigint",
		ns_filter ? 2 : 1, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_fail(err, errlen, "select", s->r);
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		if ((size_t)i == limit) {
			*more = true;
			break;
		}
		rc = fn(arg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
	}
	PQclear(res);
out:
	pthread_mutex_unlock(&s->rmu);
	return rc;
}

const struct hb_store_backend hb_store_pg = {
	.scheme = "postgres://",
	.open = pg_open,
	.put_batch = pg_put_batch,
	.get = pg_get,
	.latest = pg_latest,
	.releases = pg_releases,
	.close = pg_close,
};
