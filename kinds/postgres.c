/* SPDX-License-Identifier: MIT */
/* The postgres check kind: a libpq connection (SCRAM-SHA-256, md5, TLS as
 * the URL asks), optionally one query whose answer is asserted, each failure
 * classified by the server's SQLSTATE. */
#include "buf.h"
#include "dbutil.h"
#include "duration.h"
#include "ossl.h"
#include "pq_pruned.h"
#include "driver.h"
#include "kinds.h"

#include "osutil.h"
#include "resolve.h"
#include "check.h"
#include "strutil.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PORT (hb_kinds[HB_KIND_POSTGRES].default_port)
/* How much of a value a message quotes. */
/* Room for the connection parameters prepare() sets (see build_params)
 * and the three pg_resolve adds. */
#define MAX_PARAMS 16
/* The most hosts a check's URL may list for pg_resolve to look up. */
#define MAX_HOSTS 16

/* libpq reads ~/.pgpass when no password is given. A check's password comes
 * from the spec (password_file, ${ENV}) and nowhere else, so the password
 * file is pointed at a path that can never exist: "/dev/null" itself would
 * make libpq print a warning that it is not a plain file, while a path under
 * it fails stat() with ENOTDIR and libpq moves on in silence. */
#define NO_PASSFILE "/dev/null/hookbox-no-passfile"

struct pg_state {
	const char *keys[MAX_PARAMS + 1];
	const char *vals[MAX_PARAMS + 1];
	size_t n_params;
	char os_user[64];
	struct hb_pattern *re; /* expect.pattern, compiled */
	int64_t t0; /* when the check began: pg_resolve's start */
	/* What pg_resolve found, as libpq's host, hostaddr and port lists. */
	char *hosts, *hostaddrs, *ports;
};

/* -- connection parameters ------------------------------------------------- */

/* The value of keyword in a URL or conninfo string, copied into dst; "" when
 * absent or when the string does not parse. */
static void conninfo_value(const char *url, const char *keyword, char *dst,
			   size_t size)
{
	dst[0] = '\0';
	if (!url)
		return;
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val)
			hb_strlcpy(dst, o->val, size);
	PQconninfoFree(opts);
}

static int pg_port(const struct hb_check *c)
{
	char port[64];
	conninfo_value(c->url, "port", port, sizeof(port));
	if (!port[0]) {
		const char *env = getenv("PGPORT");
		if (env && *env)
			hb_strlcpy(port, env, sizeof(port));
	}
	if (!port[0]) {
		/* Several hosts share the default port; one host with no
		 * port is that port too. */
		return DEFAULT_PORT;
	}
	/* "5432,5433": one port per host. Landlock takes one, so a list of
	 * different ports lifts the restriction. */
	char *end;
	long p = strtol(port, &end, 10);
	for (char *s = end; *s == ','; s = end) {
		long q = strtol(s + 1, &end, 10);
		if (q != p)
			return 0;
	}
	if (*end || p < 1 || p > 65535)
		return 0;
	return (int)p;
}

/* The files libpq may read for this URL: the TLS root, certificate, key and
 * CRL, and a password file the URL names. Landlock lets only these (and the
 * system's TLS directories) be opened. */
static size_t pg_read_paths(const struct hb_check *c, const char **paths,
			    size_t max)
{
	static const char *const keywords[] = { "sslrootcert", "sslcert",
						"sslkey", "sslcrl", "sslcrldir",
						"passfile" };
	/* The child calls this once, before Landlock: static storage keeps
	 * the strings alive until the rules are made. */
	static char values[HB_ARRAY_SIZE(keywords)][4096];
	size_t n = 0;
	for (size_t i = 0; i < HB_ARRAY_SIZE(keywords) && n < max; i++) {
		conninfo_value(c->url, keywords[i], values[i], sizeof(values[i]));
		if (values[i][0])
			paths[n++] = values[i];
	}
	return n;
}

/* Keywords are processed in order and a later one overrides an earlier one,
 * the expanded URL included. So the defaults hookbox chooses come before the
 * URL (the URL may say otherwise) and the spec's own fields after it (they
 * are explicit). */
static void build_params(const struct hb_check *c, struct pg_state *s)
{
	size_t n = 0;
#define PARAM(k, v)                                                            \
	do {                                                                   \
		s->keys[n] = (k);                                              \
		s->vals[n] = (v);                                              \
		n++;                                                           \
	} while (0)
	/* Kerberos probing reads /etc/krb5.conf and credential caches, and
	 * a pod has neither. */
	PARAM("gssencmode", "disable");
	PARAM("passfile", NO_PASSFILE);
	PARAM("application_name", "hookbox");
	if (s->os_user[0])
		PARAM("user", s->os_user);
	PARAM("dbname", c->url);
	if (c->user && *c->user)
		PARAM("user", c->user);
	if (c->password)
		PARAM("password", c->password);
	if (c->database && *c->database)
		PARAM("dbname", c->database);
#undef PARAM
	s->keys[n] = NULL;
	s->vals[n] = NULL;
	s->n_params = n;
}

/* -- assertions ------------------------------------------------------------ */

/* The server's address for messages and the report: "127.0.0.1:5432". */
static void server_address(PGconn *conn, char *dst, size_t size)
{
	const char *addr = PQhostaddr(conn);
	const char *host = PQhost(conn);
	const char *port = PQport(conn);
	if (!addr || !*addr)
		addr = host ? host : "?";
	if (strchr(addr, ':'))
		snprintf(dst, size, "[%s]:%s", addr, port ? port : "?");
	else if (addr[0] == '/')
		snprintf(dst, size, "%s", addr); /* a Unix socket directory */
	else
		snprintf(dst, size, "%s:%s", addr, port ? port : "?");
}

/* -- classification ---------------------------------------------------------- */

/* Finds the SQLSTATE and primary message of a server error in libpq's
 * connection error text. libpq keeps the fields of an error the server sent
 * during start-up to itself (PQresultErrorField needs a result it never
 * hands out), but with PQERRORS_VERBOSE it writes them as
 * "SEVERITY:  SQLSTATE: message": the severity may be translated, the code
 * never is. Returns true with sqlstate (6 bytes) and msg filled. */
static bool server_error(const char *text, char *sqlstate, char *msg,
			 size_t msglen)
{
	for (const char *p = strstr(text, ":  "); p; p = strstr(p + 1, ":  ")) {
		const char *code = p + 3;
		size_t i = 0;
		while (i < 5 && ((code[i] >= '0' && code[i] <= '9') ||
				 (code[i] >= 'A' && code[i] <= 'Z')))
			i++;
		if (i != 5 || code[5] != ':' || code[6] != ' ')
			continue;
		memcpy(sqlstate, code, 5);
		sqlstate[5] = '\0';
		const char *m = code + 7;
		size_t n = strcspn(m, "\n");
		if (n >= msglen)
			n = msglen - 1;
		memcpy(msg, m, n);
		msg[n] = '\0';
		return true;
	}
	return false;
}

static enum hb_class class_of_sqlstate(const char *st)
{
	/* 28000 invalid_authorization_specification (no pg_hba.conf entry),
	 * 28P01 invalid_password; 42501 is a missing CONNECT privilege. */
	if (strncmp(st, "28", 2) == 0 || strcmp(st, "42501") == 0)
		return HB_CLASS_AUTH_FAILED;
	if (strcmp(st, "3D000") == 0)
		return HB_CLASS_DATABASE_NOT_FOUND;
	/* 57P03 cannot_connect_now (starting up, shutting down), 53300
	 * too_many_connections: the server is there but takes no session. */
	if (strncmp(st, "57", 2) == 0 || strncmp(st, "53", 2) == 0)
		return HB_CLASS_CONNECTION_REFUSED;
	return HB_CLASS_NETWORK_ERROR;
}

/* Classifies a failed connection from libpq's error text, which is all
 * libpq gives for failures on the client's side. The strerror() texts are
 * those libpq itself printed: same C library, same (untranslated) locale. */
static void fail_connection(PGconn *conn, ConnStatusType reached,
			    struct hb_attempt *a)
{
	const char *text = PQerrorMessage(conn);
	char sqlstate[6], msg[HB_MSG_MAX];
	if (server_error(text, sqlstate, msg, sizeof(msg))) {
		hb_attempt_fail(a, class_of_sqlstate(sqlstate), "%s", msg);
		hb_attempt_detail(a, "sqlstate", "%s", sqlstate);
		return;
	}
	/* The first line is the error; libpq's second line is advice
	 * ("Is the server running on that host...?"). */
	size_t n = strcspn(text, "\n");
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, text, n);
	msg[n] = '\0';
	enum hb_class cls = HB_CLASS_NETWORK_ERROR;
	if (strstr(text, "no password supplied")) {
		/* The server asked for a password and the check had none:
		 * libpq's "fe_sendauth: no password supplied". */
		hb_attempt_fail(a, HB_CLASS_AUTH_FAILED,
				"the server asks for a password and none was "
				"given (password_file, or in the URL)");
		return;
	}
	if (strstr(text, HB_PQ_NO_GSSAPI)) {
		/* pg_hba.conf says "gss": libpq.a is linked without GSSAPI
		 * (pq_pruned.c), and a pod has no Kerberos anyway. */
		hb_attempt_fail(a, HB_CLASS_AUTH_FAILED,
				"the server asks for GSSAPI (Kerberos) "
				"authentication, which hookbox does not do");
		return;
	}
	if (strstr(text, "GSSAPI encryption required")) {
		/* The URL says gssencmode=require: libpq found no Kerberos
		 * credentials (and is linked without GSSAPI, pq_pruned.c). */
		hb_attempt_fail(a, HB_CLASS_AUTH_FAILED,
				"the URL asks for GSSAPI encryption "
				"(gssencmode=require), which hookbox does not "
				"do: use sslmode for an encrypted connection");
		return;
	}
	if (strstr(text, "could not translate host name"))
		cls = HB_CLASS_DNS_FAILURE;
	else if (strstr(text, strerror(ECONNREFUSED))) {
		/* Worded as the other kinds word it, when one address was
		 * tried; for several, libpq's text names each. */
		const char *addr = PQhostaddr(conn);
		if (addr && *addr &&
		    !strstr(text, "\nconnection to server")) {
			char where[300];
			server_address(conn, where, sizeof(where));
			hb_attempt_fail(a, HB_CLASS_CONNECTION_REFUSED,
					"connect to %s refused", where);
			return;
		}
		cls = HB_CLASS_CONNECTION_REFUSED;
	}
	else if (strstr(text, strerror(ETIMEDOUT)) ||
		 strstr(text, strerror(EHOSTUNREACH)) ||
		 strstr(text, strerror(ENETUNREACH)))
		cls = HB_CLASS_CONNECT_TIMEOUT;
	else if (reached == CONNECTION_SSL_STARTUP || strstr(text, "SSL") ||
		 strstr(text, "certificate"))
		cls = HB_CLASS_TLS_ERROR;
	else if (reached == CONNECTION_NEEDED || reached == CONNECTION_BAD)
		/* Never got as far as a socket: a bad parameter. */
		cls = HB_CLASS_INTERNAL;
	hb_attempt_fail(a, cls, "%s", msg);
	if (cls == HB_CLASS_TLS_ERROR)
		hb_db_tls_detail(a, text);
}

/* -- the check ------------------------------------------------------------- */

/* Whether the connection may use TLS: any sslmode but "disable", from the
 * URL or PGSSLMODE as libpq reads them (its default, prefer, tries TLS). */
static bool pg_uses_tls(const struct hb_check *c)
{
	char mode[32];
	conninfo_value(c->url, "sslmode", mode, sizeof(mode));
	const char *env = getenv("PGSSLMODE");
	if (!mode[0] && env)
		hb_strlcpy(mode, env, sizeof(mode));
	return strcmp(mode, "disable") != 0;
}

static int pg_prepare(const struct hb_check *c, void **state,
		      struct hb_attempt *a)
{
	struct pg_state *s = calloc(1, sizeof(*s));
	if (!s) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "out of memory");
		return -ENOMEM;
	}
	*state = s;
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(c->url, &err);
	if (!opts) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"invalid connection string: %s",
				err ? err : "out of memory");
		PQfreemem(err);
		return -EINVAL;
	}
	bool has_user = c->user && *c->user;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "user") == 0 && o->val && *o->val)
			has_user = true;
	PQconninfoFree(opts);
	/* Without a user libpq asks getpwuid() for the OS user's name, which
	 * reads /etc/passwd: Landlock does not let the filtered check do
	 * that, so ask now. PGUSER, read by libpq, still comes first. */
	const char *env = getenv("PGUSER");
	if (!has_user && !(env && *env)) {
		struct passwd *pw = getpwuid(geteuid());
		if (pw)
			hb_strlcpy(s->os_user, pw->pw_name, sizeof(s->os_user));
	}
	build_params(c, s);
	/* libpq initialises OpenSSL once the server agrees to TLS, under the
	 * filter: OPENSSL_init_ssl reads openssl.cnf and sorts its tables
	 * with qsort(), which asks sysinfo() for the memory size. Doing it
	 * now (libpq's call then does nothing) keeps sysinfo out of the
	 * profile and the configuration's reading out of the timings. With
	 * sslmode=disable OpenSSL still computes SCRAM, and would start
	 * itself with the configuration on first use: it is started bare
	 * (ossl.h), as nothing here uses TLS (and Landlock then hides the
	 * TLS files, see pg_uses_tls). */
	if (!hb_openssl_start(pg_uses_tls(c))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"initialising OpenSSL failed");
		return -EIO;
	}
	if (hb_expect_pattern_new(c, &s->re, a) < 0)
		return -EINVAL;
	return 0;
}

/* -- resolving ------------------------------------------------------------ */

/* keyword's value as libpq reads it: from the URL, else from the
 * environment variable env. */
static void setting(const struct hb_check *c, const char *keyword,
		    const char *env, char *dst, size_t size)
{
	conninfo_value(c->url, keyword, dst, size);
	const char *e = getenv(env);
	if (!dst[0] && e)
		hb_strlcpy(dst, e, size);
}

/* Splits a comma-separated list in place; returns how many items (at most
 * max), or max + 1 when there are more. */
static size_t split_list(char *list, char **items, size_t max)
{
	size_t n = 0;
	for (char *p = list, *next; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (n == max)
			return max + 1;
		items[n++] = p;
	}
	return n;
}

/* Appends the lists libpq takes for one address of host: each of a host's
 * addresses becomes an entry of its own, host name kept (TLS verifies it,
 * a password file is matched on it), as libpq tries them in turn. */
static int add_entry(struct hb_buf *b, const char *item)
{
	return hb_buf_printf(b, "%s%s", b->len ? "," : "", item);
}

/* Under the kind's filter: looks up each host of the URL as libpq would,
 * and hands libpq the addresses (hostaddr) with the names kept (host), so
 * that libpq resolves nothing and the sandbox can take the resolver's
 * sockets away before it connects. A URL that names its addresses needs
 * nothing; one that connects over a UNIX socket (no host, or a directory)
 * or names a service file keeps the resolver's sockets. */
static int pg_resolve(const struct hb_check *c, void *state,
		      struct hb_attempt *a)
{
	struct pg_state *s = state;
	char host[4096], addr[4096], port[1024], service[256];
	s->t0 = hb_mono_ns();
	setting(c, "service", "PGSERVICE", service, sizeof(service));
	setting(c, "hostaddr", "PGHOSTADDR", addr, sizeof(addr));
	setting(c, "host", "PGHOST", host, sizeof(host));
	setting(c, "port", "PGPORT", port, sizeof(port));
	if (service[0])
		return HB_RESOLVE_KEEP;
	if (addr[0])
		return HB_RESOLVED;
	char *names[MAX_HOSTS + 1], *nums[MAX_HOSTS + 1];
	size_t n = host[0] ? split_list(host, names, MAX_HOSTS) : 0;
	size_t n_ports = port[0] ? split_list(port, nums, MAX_HOSTS) : 0;
	/* libpq itself refuses lists whose lengths differ. */
	if (n == 0 || n > MAX_HOSTS || (n_ports > 1 && n_ports != n))
		return HB_RESOLVE_KEEP;
	for (size_t i = 0; i < n; i++)
		if (!names[i][0] || names[i][0] == '/' || names[i][0] == '@')
			return HB_RESOLVE_KEEP;

	struct hb_buf hosts, addrs, ports;
	hb_buf_init(&hosts, 1 << 20);
	hb_buf_init(&addrs, 1 << 20);
	hb_buf_init(&ports, 1 << 20);
	struct hb_attempt failed;
	hb_attempt_init(&failed);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *p = n_ports ? nums[n_ports > 1 ? i : 0] : "5432";
		/* A host that does not resolve is skipped, as libpq does. */
		struct addrinfo *ai = hb_resolve(names[i], atoi(p), 0, &failed);
		for (struct addrinfo *r = ai; rc == 0 && r; r = r->ai_next) {
			char ip[64];
			hb_format_addr(r->ai_addr, ip, sizeof(ip), 0);
			rc = add_entry(&hosts, names[i]);
			if (rc == 0)
				rc = add_entry(&addrs, ip);
			if (rc == 0)
				rc = add_entry(&ports, p);
		}
		if (ai)
			freeaddrinfo(ai);
	}
	a->timing.dns_ms = hb_ms_between(s->t0, hb_mono_ns());
	if (rc == 0 && hosts.len == 0) {
		/* None did: the last one's failure. */
		hb_attempt_fail(a, (enum hb_class)failed.failure_class, "%s",
				failed.message);
		rc = -ENOENT;
	} else if (rc < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL,
				"the resolved addresses: %s", strerror(-rc));
	} else if (!(s->hosts = hb_buf_take(&hosts, NULL)) ||
		   !(s->hostaddrs = hb_buf_take(&addrs, NULL)) ||
		   !(s->ports = hb_buf_take(&ports, NULL))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "out of memory");
		rc = -ENOMEM;
	}
	hb_buf_release(&hosts);
	hb_buf_release(&addrs);
	hb_buf_release(&ports);
	if (rc < 0)
		return rc;
	/* After the URL: a later keyword overrides an earlier one. */
	const char *keys[] = { "host", "hostaddr", "port" };
	const char *vals[] = { s->hosts, s->hostaddrs, s->ports };
	for (size_t i = 0; i < HB_ARRAY_SIZE(keys); i++) {
		s->keys[s->n_params] = keys[i];
		s->vals[s->n_params++] = vals[i];
	}
	s->keys[s->n_params] = NULL;
	s->vals[s->n_params] = NULL;
	return HB_RESOLVED;
}

/* Waits until the connection's socket is ready as libpq asked or the
 * deadline passes. Returns 1 ready, 0 deadline, -1 error. */
static int wait_socket(PGconn *conn, bool for_write, int64_t deadline_ns)
{
	for (;;) {
		int64_t left = (deadline_ns - hb_mono_ns()) / 1000000;
		if (left <= 0)
			return 0;
		struct pollfd p = { PQsocket(conn), for_write ? POLLOUT : POLLIN,
				    0 };
		int rc = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return rc;
		return 1;
	}
}

/* Runs the start-up exchange to the end under the deadline, recording when
 * each phase ended. Returns true when connected; fills a otherwise. */
static bool pg_connect(PGconn *conn, const struct hb_check *c, int64_t t0,
		       const struct hb_deadline *dl, struct hb_attempt *a)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	ConnStatusType reached = PQstatus(conn);
	bool tls_seen = false;
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		int rc = wait_socket(conn, st == PGRES_POLLING_WRITING,
				     dl->at_ns);
		if (rc <= 0) {
			char secs[32], addr[300];
			hb_duration_format(secs, sizeof(secs), dl->ms);
			server_address(conn, addr, sizeof(addr));
			if (rc < 0)
				hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
						"poll: %s", strerror(errno));
			else if (reached == CONNECTION_STARTED)
				hb_attempt_fail(a, HB_CLASS_CONNECT_TIMEOUT,
						"connect to %s timed out after %s",
						addr, secs);
			else
				hb_attempt_fail(a, HB_CLASS_TIMEOUT,
						"connected to %s, but the server "
						"did not complete the start-up "
						"within %s",
						addr, secs);
			return false;
		}
		st = PQconnectPoll(conn);
		ConnStatusType now = PQstatus(conn);
		double ms = hb_ms_between(t0, hb_mono_ns());
		if (reached == CONNECTION_STARTED && now != CONNECTION_STARTED &&
		    a->timing.connect_ms == 0)
			a->timing.connect_ms = ms;
		if (now == CONNECTION_SSL_STARTUP)
			tls_seen = true;
		if (tls_seen && now != CONNECTION_SSL_STARTUP &&
		    a->timing.tls_ms == 0 && PQsslInUse(conn))
			a->timing.tls_ms = ms;
		if ((now == CONNECTION_AUTH_OK || st == PGRES_POLLING_OK) &&
		    a->timing.auth_ms == 0)
			a->timing.auth_ms = ms;
		if (now != CONNECTION_BAD)
			reached = now;
	}
	if (st == PGRES_POLLING_FAILED) {
		fail_connection(conn, reached, a);
		return false;
	}
	return true;
}

static const char *pg_column_name(const void *res, size_t col)
{
	return PQfname(res, (int)col);
}

static const char *pg_value(const void *res, long long row, size_t col)
{
	if (PQgetisnull(res, (int)row, (int)col))
		return NULL;
	return PQgetvalue(res, (int)row, (int)col);
}

/* Sends the query and reads every result under the deadline; the last
 * result is the answer, an error anywhere is the outcome. */
static void pg_query(PGconn *conn, const struct hb_check *c,
		     const struct pg_state *s, int64_t t0,
		     const struct hb_deadline *dl, struct hb_attempt *a)
{
	if (!PQsendQuery(conn, c->query)) {
		char msg[HB_MSG_MAX];
		hb_oneline(msg, sizeof(msg), PQerrorMessage(conn));
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "sending the query: %s",
				msg);
		return;
	}
	PGresult *last = NULL, *error = NULL;
	for (;;) {
		while (PQisBusy(conn)) {
			int rc = wait_socket(conn, false, dl->at_ns);
			if (rc <= 0) {
				char secs[32];
				hb_duration_format(secs, sizeof(secs), dl->ms);
				hb_attempt_fail(a, HB_CLASS_TIMEOUT,
						"the query did not finish within %s",
						secs);
				goto out;
			}
			if (!PQconsumeInput(conn))
				break; /* PQgetResult reports the error */
		}
		PGresult *r = PQgetResult(conn);
		if (!r)
			break;
		ExecStatusType rs = PQresultStatus(r);
		if ((rs == PGRES_FATAL_ERROR || rs == PGRES_BAD_RESPONSE ||
		     rs == PGRES_NONFATAL_ERROR) && !error) {
			error = r;
			continue;
		}
		PQclear(last);
		last = r;
	}
	a->timing.query_ms = hb_ms_between(t0, hb_mono_ns());
	if (error) {
		const char *st = PQresultErrorField(error, PG_DIAG_SQLSTATE);
		const char *m = PQresultErrorField(error,
						   PG_DIAG_MESSAGE_PRIMARY);
		char text[HB_MSG_MAX];
		if (!m) {
			hb_oneline(text, sizeof(text), PQresultErrorMessage(error));
			m = text;
		}
		/* A connection lost mid-query has no SQLSTATE. */
		hb_attempt_fail(a, st ? HB_CLASS_QUERY_ERROR : HB_CLASS_NETWORK_ERROR,
				"%s", m);
		if (st)
			hb_attempt_detail(a, "sqlstate", "%s", st);
		const char *pos = PQresultErrorField(error,
						     PG_DIAG_STATEMENT_POSITION);
		if (pos)
			hb_attempt_detail(a, "position", "%s", pos);
		goto out;
	}
	if (!last) {
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "the query got no result");
		goto out;
	}
	struct hb_table t = { .res = last, .name = pg_column_name,
			      .value = pg_value };
	if (PQresultStatus(last) == PGRES_TUPLES_OK) {
		t.rows = PQntuples(last);
		t.columns = (size_t)PQnfields(last);
	} else {
		const char *n = PQcmdTuples(last);
		t.rows = n && *n ? atoll(n) : 0;
	}
	hb_attempt_detail(a, "rows", "%lld", t.rows);
	if (t.rows > 0 && t.columns > 0 && !PQgetisnull(last, 0, 0))
		hb_attempt_detail(a, "first_value", "%s", PQgetvalue(last, 0, 0));
	hb_expect_table(c, s->re, &t, a);
out:
	PQclear(last);
	PQclear(error);
}

/* A ready check ("ready": true) by libpq's own rule for PQping
 * (internal_ping, fe-connect.c, as pg_isready uses it): the server is up
 * when the session started, when it asked for authentication, or when it
 * answered with any error but 57P03 cannot_connect_now (starting up,
 * shutting down, in recovery: PQPING_REJECT); no answer at all is
 * PQPING_NO_RESPONSE, failed with its usual class. PQpingParams itself is
 * not called: it waits in libpq's blocking loop, bounded only by
 * connect_timeout in whole seconds of at least two, while this connection
 * ends by the attempt's deadline and keeps what went wrong. */
static void pg_ready(PGconn *conn, bool connected, struct hb_attempt *a)
{
	char why[HB_MSG_MAX];
	const char *st = hb_attempt_get_detail(a, "sqlstate");
	if (connected) {
		hb_ready_pass(a, "accepting connections: the login succeeded");
	} else if (st && strcmp(st, "57P03") != 0) {
		hb_strlcpy(why, a->message, sizeof(why));
		hb_ready_pass(a, "accepting connections: the server answered "
			      "the login with %s (%s)", st, why);
	} else if (PQconnectionNeedsPassword(conn) ||
		   strstr(PQerrorMessage(conn), HB_PQ_NO_GSSAPI)) {
		hb_ready_pass(a, "accepting connections: the server asks for "
			      "%s; authentication not tried",
			      PQconnectionNeedsPassword(conn) ? "a password"
							      : "GSSAPI");
	}
	/* Otherwise the attempt keeps its failure: no answer, or 57P03. */
}

static void pg_run(const struct hb_check *c, void *state,
		   const struct hb_deadline *attempt_dl, struct hb_attempt *a)
{
	struct pg_state *s = state;
	int64_t t0 = s->t0;
	struct hb_deadline dl = *attempt_dl;

	/* PQconnectStartParams resolves the first host and starts the TCP
	 * connect; the rest happens in pg_connect under the deadline. */
	PGconn *conn = PQconnectStartParams(s->keys, s->vals, 1);
	if (!conn) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "PQconnectStartParams: "
				"out of memory");
		return;
	}
	/* The verbose form carries the SQLSTATE of start-up errors (see
	 * server_error); it changes nothing else we read. */
	PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
	/* libpq's own connect_timeout only works in its blocking calls:
	 * honour it here, whichever is shorter. */
	PQconninfoOption *opts = PQconninfo(conn);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "connect_timeout") == 0 && o->val &&
		    atoi(o->val) > 0 && atoi(o->val) < 86400) {
			int64_t ct = t0 + atoi(o->val) * 1000000000LL;
			if (ct < dl.at_ns)
				dl = (struct hb_deadline){ ct, atoi(o->val) * 1000LL };
		}
	PQconninfoFree(opts);
	char addr[300];
	if (PQstatus(conn) == CONNECTION_BAD) {
		fail_connection(conn, CONNECTION_BAD, a);
	} else if (!pg_connect(conn, c, t0, &dl, a)) {
		/* Where it got to: which of several hosts answered. */
		if (a->timing.connect_ms > 0) {
			server_address(conn, addr, sizeof(addr));
			hb_attempt_detail(a, "resolved_address", "%s", addr);
		}
		if (c->ready)
			pg_ready(conn, false, a);
	} else if (c->ready) {
		server_address(conn, addr, sizeof(addr));
		hb_attempt_detail(a, "resolved_address", "%s", addr);
		pg_ready(conn, true, a);
	} else {
		server_address(conn, addr, sizeof(addr));
		hb_attempt_detail(a, "resolved_address", "%s", addr);
		const char *v = PQparameterStatus(conn, "server_version");
		if (v)
			hb_attempt_detail(a, "server_version", "%s", v);
		if (PQsslInUse(conn)) {
			const char *p = PQsslAttribute(conn, "protocol");
			hb_attempt_detail(a, "tls_version", "%s", p ? p : "?");
		}
		PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);
		if (c->query && *c->query)
			pg_query(conn, c, s, t0, &dl, a);
		else
			hb_attempt_pass(a);
	}
	PQfinish(conn);
	a->timing.total_ms = hb_ms_between(t0, hb_mono_ns());
}

/* Beyond the base profile: nothing, as measured with strace on libpq 15
 * (connect, SCRAM and md5, TLS, queries). libpq's socket options and
 * non-blocking I/O are all in the base set. */
static const int pg_syscalls[] = { -1 };

const struct hb_driver hb_driver_postgres = {
	.name = "postgres",
	/* TLS: sslmode=prefer (libpq's default) initialises OpenSSL, which
	 * reads its configuration, and verify-full reads the CA bundle. */
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_TLS | HB_DRIVER_HANDOFF,
	.uses_tls = pg_uses_tls,
	.prepare = pg_prepare,
	.resolve = pg_resolve,
	.run = pg_run,
	.port = pg_port,
	.read_paths = pg_read_paths,
	.syscalls = pg_syscalls,
};
