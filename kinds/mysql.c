/* SPDX-License-Identifier: MIT */
/* The mysql check kind: a MariaDB Connector/C connection to MySQL or MariaDB
 * (mysql_native_password, caching_sha2_password, sha256_password, ed25519),
 * optionally one query whose answer is asserted, each failure classified by
 * the server's or the client's error number. */
#include "dbutil.h"
#include "duration.h"
#include "ossl.h"
#include "driver.h"
#include "kinds.h"

#include "addr.h"
#include "osutil.h"
#include "resolve.h"
#include "check.h"
#include "strutil.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <errmsg.h>
#include <mysql.h>
#include <nss.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT (hb_kinds[HB_KIND_MYSQL].default_port)
/* The authentication plugins a server may ask for: never
 * mysql_clear_password (the password in clear on the wire) nor dialog (it
 * prompts on a terminal). All but mysql_native_password are loaded when a
 * server asks for them (see my_init). */
#define RESTRICTED_AUTH                                                        \
	"mysql_native_password,caching_sha2_password,sha256_password,"         \
	"client_ed25519"

enum ssl_mode { SSL_UNSET, SSL_DISABLED, SSL_PREFERRED, SSL_REQUIRED,
		SSL_VERIFY_CA, SSL_VERIFY_IDENTITY };

/* A mysql:// or mariadb:// URL, decoded. */
struct my_url {
	char user[256];
	char password[1024];
	char host[256]; /* without brackets */
	char database[256];
	int port;
	enum ssl_mode ssl;
	char ssl_ca[4096];
};

struct my_state {
	MYSQL *mysql;
	struct my_url url;
	struct hb_pattern *re; /* expect.pattern, compiled */
	int64_t t0; /* when the check began: my_resolve's start */
	struct addrinfo *ai; /* my_resolve's addresses; NULL: use url.host */
};

/* Connector/C's I/O wait hook has no user pointer; a check child runs one
 * connection, so the deadline and what the waits saw live here. */
static struct {
	int64_t t0_ns;
	int64_t deadline_ns;
	int64_t limit_ms; /* the time given, for messages */
	bool deadline_hit;
	bool read_waited; /* a read wait began: the TCP connect was done */
	double connect_ms;
	int connect_errno; /* why the TCP connect failed, from SO_ERROR */
} io;

/* -- URL --------------------------------------------------------------------- */

static int parse_ssl_mode(const char *v, enum ssl_mode *mode)
{
	static const struct {
		const char *name;
		enum ssl_mode mode;
	} names[] = {
		/* MySQL's --ssl-mode names, and libpq's for those who
		 * write both. */
		{ "disabled", SSL_DISABLED },   { "disable", SSL_DISABLED },
		{ "preferred", SSL_PREFERRED }, { "prefer", SSL_PREFERRED },
		{ "required", SSL_REQUIRED },   { "require", SSL_REQUIRED },
		{ "verify_ca", SSL_VERIFY_CA }, { "verify-ca", SSL_VERIFY_CA },
		{ "verify_identity", SSL_VERIFY_IDENTITY },
		{ "verify-full", SSL_VERIFY_IDENTITY },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(names); i++)
		if (strcasecmp(v, names[i].name) == 0) {
			*mode = names[i].mode;
			return 0;
		}
	return -EINVAL;
}

/* The query string: ssl-mode and ssl-ca (also spelt sslmode, ssl_mode,
 * sslca, ssl_ca, sslrootcert). Anything else is an error rather than
 * silently ignored: a misspelt ssl-mode must not turn TLS off. */
static int parse_params(const char *q, struct my_url *u, char *err,
			size_t errlen)
{
	while (*q) {
		size_t len = strcspn(q, "&");
		size_t klen = strcspn(q, "=&");
		char key[64], val[4096];
		if (klen >= sizeof(key) || klen > len) {
			snprintf(err, errlen, "bad URL parameter");
			return -EINVAL;
		}
		memcpy(key, q, klen);
		key[klen] = '\0';
		const char *v = klen < len ? q + klen + 1 : q + len;
		size_t vlen = (size_t)(q + len - v);
		if (hb_pct_decode(v, vlen, val, sizeof(val)) < 0) {
			snprintf(err, errlen, "bad value of URL parameter \"%s\"",
				 key);
			return -EINVAL;
		}
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (strcasecmp(key, "ssl_mode") == 0 ||
		    strcasecmp(key, "sslmode") == 0) {
			if (parse_ssl_mode(val, &u->ssl) < 0) {
				snprintf(err, errlen,
					 "unknown ssl-mode \"%.32s\" (DISABLED, "
					 "PREFERRED, REQUIRED, VERIFY_CA, "
					 "VERIFY_IDENTITY)", val);
				return -EINVAL;
			}
		} else if (strcasecmp(key, "ssl_ca") == 0 ||
			   strcasecmp(key, "sslca") == 0 ||
			   strcasecmp(key, "sslrootcert") == 0) {
			hb_strlcpy(u->ssl_ca, val, sizeof(u->ssl_ca));
		} else if (klen) {
			snprintf(err, errlen,
				 "unknown URL parameter \"%s\" (known: "
				 "ssl-mode, ssl-ca)", key);
			return -EINVAL;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return 0;
}

/* mysql://[user[:password]@]host[:port][/database][?ssl-mode=...&ssl-ca=...]
 * (or mariadb://). The authority ends at the first "/", "?" or "#"; the
 * credentials end at its last "@", so an "@" in a password works unencoded
 * but "/", "?", "#" and "%" must be percent-encoded, as RFC 3986 says.
 * Pure: no I/O. Returns 0 or -EINVAL with err filled. */
static int parse_url(const char *url, struct my_url *u, char *err,
		     size_t errlen)
{
	memset(u, 0, sizeof(*u));
	u->port = DEFAULT_PORT;
	const char *p;
	if (strncasecmp(url, "mysql://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "mariadb://", 10) == 0)
		p = url + 10;
	else {
		snprintf(err, errlen, "expected a mysql:// or mariadb:// URL");
		return -EINVAL;
	}
	struct hb_authority auth = {
		.user = u->user, .user_size = sizeof(u->user),
		.password = u->password, .password_size = sizeof(u->password),
		.host = u->host, .host_size = sizeof(u->host),
	};
	const char *auth_end = hb_url_authority(p, DEFAULT_PORT, &auth, err,
						errlen);
	if (!auth_end)
		return -EINVAL;
	u->port = auth.port;
	const char *rest = auth_end;
	if (*rest == '/') {
		size_t dlen = strcspn(rest + 1, "?#");
		if (hb_pct_decode(rest + 1, dlen, u->database, sizeof(u->database)) <
		    0) {
			snprintf(err, errlen, "bad database name in the URL");
			return -EINVAL;
		}
		rest += 1 + dlen;
	}
	if (*rest == '?') {
		char q[8192];
		size_t qlen = strcspn(rest + 1, "#");
		if (qlen >= sizeof(q)) {
			snprintf(err, errlen, "the URL's parameters are too long");
			return -EINVAL;
		}
		memcpy(q, rest + 1, qlen);
		q[qlen] = '\0';
		if (parse_params(q, u, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

static int my_port(const struct hb_check *c)
{
	struct my_url u;
	char err[256];
	if (parse_url(c->url, &u, err, sizeof(err)) < 0)
		return 0;
	return u.port;
}

/* Where Connector/C looks for its plugins: MARIADB_PLUGIN_DIR, as it
 * reads it, or the directory it was built with. */
static const char *plugin_dir(void)
{
	const char *env = getenv("MARIADB_PLUGIN_DIR");
	return env && *env ? env : MARIADB_PLUGINDIR;
}

static size_t my_read_paths(const struct hb_check *c, const char **paths,
			    size_t max)
{
	/* Called once in the child before Landlock: static storage keeps
	 * the path alive until the rules are made. */
	static struct my_url u;
	char err[256];
	size_t n = 0;
	/* The authentication plugin a server asks for is loaded from there,
	 * under the filter (see my_init). */
	if (n < max)
		paths[n++] = plugin_dir();
	if (n < max && parse_url(c->url, &u, err, sizeof(err)) == 0 &&
	    u.ssl_ca[0])
		paths[n++] = u.ssl_ca;
	return n;
}

/* -- assertions ---------------------------------------------------------------- */

/* -- classification ----------------------------------------------------------- */

/* The system error Connector/C appends to "Can't connect to server on
 * 'host' (111)" and "... system error: 110": its last parenthesised or
 * trailing number. 0 when there is none. */
static int system_errno(const char *msg)
{
	const char *p = strrchr(msg, '(');
	if (p && isdigit((unsigned char)p[1]))
		return atoi(p + 1);
	p = strstr(msg, "system error: ");
	if (p)
		return atoi(p + 14);
	return 0;
}

static enum hb_class class_of_error(unsigned err, const char *msg)
{
	switch (err) {
	case 1045: /* ER_ACCESS_DENIED_ERROR */
	case 1130: /* ER_HOST_NOT_PRIVILEGED: no user for this host */
	case 1698: /* ER_ACCESS_DENIED_NO_PASSWORD_ERROR */
	case 1862: /* ER_MUST_CHANGE_PASSWORD_LOGIN */
	case 4151: /* ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB) */
	case 3118: /* ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL) */
	case 1251: /* ER_NOT_SUPPORTED_AUTH_MODE */
		return HB_CLASS_AUTH_FAILED;
	case 1049: /* ER_BAD_DB_ERROR */
	/* ER_DBACCESS_DENIED_ERROR: the password was accepted, but the user
	 * may not use the database; the server does not say whether it
	 * exists, so as not to tell a stranger. */
	case 1044:
		return HB_CLASS_DATABASE_NOT_FOUND;
	case 1040: /* ER_CON_COUNT_ERROR: too many connections */
	case 1129: /* ER_HOST_IS_BLOCKED */
	case 1053: /* ER_SERVER_SHUTDOWN */
	case 3032: /* ER_SERVER_OFFLINE_MODE (MySQL) */
		return HB_CLASS_CONNECTION_REFUSED;
	case CR_UNKNOWN_HOST:
		return HB_CLASS_DNS_FAILURE;
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_IPSOCK_ERROR:
		switch (io.connect_errno ? io.connect_errno : system_errno(msg)) {
		case ECONNREFUSED:
			return HB_CLASS_CONNECTION_REFUSED;
		case ETIMEDOUT:
		case EHOSTUNREACH:
		case ENETUNREACH:
			return HB_CLASS_CONNECT_TIMEOUT;
		default:
			return HB_CLASS_NETWORK_ERROR;
		}
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
		return system_errno(msg) == ETIMEDOUT ||
				       system_errno(msg) == EAGAIN
			       ? HB_CLASS_TIMEOUT
			       : HB_CLASS_NETWORK_ERROR;
	case CR_SERVER_GONE_ERROR:
		return HB_CLASS_NETWORK_ERROR;
	case CR_SSL_CONNECTION_ERROR:
		return HB_CLASS_TLS_ERROR;
	case CR_AUTH_PLUGIN_CANNOT_LOAD:
	case CR_OUT_OF_MEMORY:
		return HB_CLASS_INTERNAL;
	default:
		return HB_CLASS_NETWORK_ERROR;
	}
}

static void fmt_addr(const struct my_url *u, char *dst, size_t size)
{
	if (strchr(u->host, ':'))
		snprintf(dst, size, "[%s]:%d", u->host, u->port);
	else
		snprintf(dst, size, "%s:%d", u->host, u->port);
}

/* -- the check ------------------------------------------------------------------ */

/* Every wait of Connector/C for its socket, so that the check's own deadline
 * bounds them all (the library's timeouts are whole seconds, and apply per
 * wait, not per check) and the end of the TCP connect can be timed. */
static int io_wait(my_socket fd, my_bool is_read, int timeout_ms)
{
	int64_t now = hb_mono_ns();
	if (is_read && !io.read_waited) {
		io.read_waited = true;
		io.connect_ms = hb_ms_between(io.t0_ns, now);
	}
	for (;;) {
		int64_t left = (io.deadline_ns - now) / 1000000;
		if (left <= 0) {
			io.deadline_hit = true;
			errno = ETIMEDOUT;
			return 0;
		}
		int wait = timeout_ms > 0 && timeout_ms < left ? timeout_ms
							       : (int)left;
		struct pollfd p = { fd, is_read ? POLLIN : POLLOUT, 0 };
		int rc = poll(&p, 1, wait);
		if (rc < 0 && errno == EINTR) {
			now = hb_mono_ns();
			continue;
		}
		if (rc == 0 && wait == left)
			io.deadline_hit = true;
		if (rc == 0)
			errno = ETIMEDOUT;
		/* A non-blocking connect ended. Connector/C 3.3 reads SO_ERROR
		 * but then reports the errno of connect() itself, EINPROGRESS
		 * ("Can't connect to server on 'db' (115)") whatever the cause:
		 * read it here and fail the wait with the real one. */
		if (rc > 0 && !is_read && !io.read_waited) {
			int e = 0;
			socklen_t len = sizeof(e);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 &&
			    e != 0) {
				io.connect_errno = e;
				errno = e;
				return -1;
			}
		}
		return rc;
	}
}

/* Connector/C's library init, once in the agent (or in the child that
 * loads the kind). It starts OpenSSL, which reads openssl.cnf, loads its
 * error strings and fills the legacy algorithm tables: more than the
 * whole MySQL conversation on a local server takes (bench/run.sh). A check
 * that does not ask for TLS never uses OpenSSL for it (Connector/C 3.3 turns
 * TLS on only when a TLS option is set, see my_prepare), so when no check of
 * the run does, OpenSSL is started bare first (ossl.h) and the library's own
 * start finds that part done: the password hashes and the RSA of
 * caching_sha2_password need none of it (test_ossl makes the plugins'
 * calls).
 *
 * The authentication plugins are not preloaded either: most servers ask
 * for mysql_native_password, which is built in. Connector/C loads the one
 * a server asks for from its plugin directory, which Landlock lets the
 * check read (my_read_paths). */
static int my_init(bool tls, char *err, size_t errlen)
{
	if (!hb_openssl_start(tls)) {
		snprintf(err, errlen, "initialising OpenSSL failed");
		return -EIO;
	}
	/* The init looks the "mysql" service up for a default port, which no
	 * check uses (each connect passes its port). Debian's nsswitch.conf
	 * says "services: db files", and looking for the libnss_db that is
	 * not installed walks the library path, one failed stat() a directory.
	 * The agent itself looks no service up, so it reads services from the
	 * file alone. */
	(void)__nss_configure_lookup("services", "files");
	if (mysql_library_init(0, NULL, NULL) != 0) {
		snprintf(err, errlen, "mysql_library_init failed");
		return -EIO;
	}
	return 0;
}

/* A TLS option in the URL: Connector/C 3.3 uses TLS only then. */
static bool url_uses_tls(const struct my_url *u)
{
	return u->ssl >= SSL_PREFERRED || u->ssl_ca[0];
}

static bool my_uses_tls(const struct hb_check *c)
{
	struct my_url u;
	char err[256];
	if (parse_url(c->url, &u, err, sizeof(err)) < 0)
		return false; /* the check fails in prepare, without TLS */
	return url_uses_tls(&u);
}

static int my_prepare(const struct hb_check *c, void **state,
		      struct hb_attempt *a)
{
	struct my_state *s = calloc(1, sizeof(*s));
	if (!s) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "out of memory");
		return -ENOMEM;
	}
	*state = s;
	char err[256];
	if (parse_url(c->url, &s->url, err, sizeof(err)) < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "%s", err);
		return -EINVAL;
	}
	struct my_url *u = &s->url;
	if (c->user && *c->user)
		hb_strlcpy(u->user, c->user, sizeof(u->user));
	if (c->password)
		hb_strlcpy(u->password, c->password, sizeof(u->password));
	if (c->database && *c->database)
		hb_strlcpy(u->database, c->database, sizeof(u->database));
	/* Without a user Connector/C asks getlogin() and getpwuid(), which
	 * read utmp and /etc/passwd: not under Landlock, so ask now. */
	if (!u->user[0]) {
		struct passwd *pw = getpwuid(geteuid());
		hb_strlcpy(u->user, pw ? pw->pw_name : "root", sizeof(u->user));
	}
	if (hb_expect_pattern_new(c, &s->re, a) < 0)
		return -EINVAL;

	s->mysql = mysql_init(NULL);
	if (!s->mysql) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "mysql_init: out of memory");
		return -ENOMEM;
	}
	MYSQL *m = s->mysql;
	/* The library's own timeouts (whole seconds): my_run, from the
	 * attempt's deadline. */
	unsigned proto = MYSQL_PROTOCOL_TCP; /* "localhost" is a host too */
	my_bool yes = 1;
	int rc = 0;
	rc |= mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &proto);
	rc |= mysql_optionsv(m, MARIADB_OPT_IO_WAIT, io_wait);
	rc |= mysql_optionsv(m, MARIADB_OPT_RESTRICTED_AUTH, RESTRICTED_AUTH);
	rc |= mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	rc |= mysql_optionsv(m, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name",
			     "hookbox");
	if (url_uses_tls(u)) {
		/* Connector/C 3.3 turns TLS on once any TLS option is set. */
		rc |= mysql_optionsv(m, MYSQL_OPT_SSL_CA,
				     u->ssl_ca[0] ? u->ssl_ca : NULL);
		if (u->ssl >= SSL_REQUIRED)
			rc |= mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		if (u->ssl >= SSL_VERIFY_CA)
			rc |= mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
					     &yes);
	}
	if (rc) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "mysql_optionsv: %s",
				mysql_error(m));
		return -EINVAL;
	}
	return 0;
}

/* Whether host is an address, which Connector/C connects to without
 * looking anything up. */
static bool is_address(const char *host)
{
	unsigned char bin[16];
	return inet_pton(AF_INET, host, bin) == 1 ||
	       inet_pton(AF_INET6, host, bin) == 1;
}

/* Under the kind's filter: looks the server's name up here, so that
 * Connector/C is given an address, resolves nothing, and the sandbox can
 * take the resolver's sockets away before it connects. Not when the
 * certificate's name is verified: Connector/C checks it against the host
 * it was given (ma_tls_verify_server_cert, mysql->host), and an address
 * there would verify something else than the name, so such a check keeps
 * the resolver's sockets and lets Connector/C resolve. */
static int my_resolve(const struct hb_check *c, void *state,
		      struct hb_attempt *a)
{
	struct my_state *s = state;
	s->t0 = hb_mono_ns();
	if (is_address(s->url.host))
		return HB_RESOLVED;
	if (s->url.ssl >= SSL_VERIFY_CA)
		return HB_RESOLVE_KEEP;
	s->ai = hb_resolve(s->url.host, s->url.port, c->family, a);
	a->timing.dns_ms = hb_ms_between(s->t0, hb_mono_ns());
	return s->ai ? HB_RESOLVED : -ENOENT;
}

/* Fails a with the error of the last call on m, classified. While
 * connecting (connecting: true) a hit deadline is a connect or handshake
 * timeout. */
static void fail_mysql(MYSQL *m, const struct hb_check *c,
		       const struct my_url *u, bool connecting,
		       struct hb_attempt *a)
{
	unsigned err = mysql_errno(m);
	const char *msg = mysql_error(m);
	char secs[32], addr[300];
	hb_duration_format(secs, sizeof(secs), io.limit_ms);
	fmt_addr(u, addr, sizeof(addr));
	if (io.deadline_hit) {
		if (!connecting)
			hb_attempt_fail(a, HB_CLASS_TIMEOUT,
					"the query did not finish within %s", secs);
		else if (!io.read_waited)
			hb_attempt_fail(a, HB_CLASS_CONNECT_TIMEOUT,
					"connect to %s timed out after %s", addr,
					secs);
		else
			hb_attempt_fail(a, HB_CLASS_TIMEOUT,
					"connected to %s, but the server did not "
					"complete the handshake within %s",
					addr, secs);
	} else if (io.connect_errno) {
		if (io.connect_errno == ECONNREFUSED)
			hb_attempt_fail(a, HB_CLASS_CONNECTION_REFUSED,
					"connect to %s refused", addr);
		else
			hb_attempt_fail(a, class_of_error(err, msg),
					"connect to %s: %s", addr,
					strerror(io.connect_errno));
	} else if (connecting && err == 1044) {
		/* The server's "Access denied for user" reads as a wrong
		 * password, which it is not. */
		hb_attempt_fail(a, HB_CLASS_DATABASE_NOT_FOUND,
				"the password was accepted, but user \"%s\" may "
				"not use database \"%s\": it does not exist, or "
				"it is not granted to the user (%s)", u->user,
				u->database, msg);
	} else {
		enum hb_class cls = class_of_error(err, msg);
		/* Any other server error answering a query is the query's. */
		if (!connecting && err < 2000)
			cls = HB_CLASS_QUERY_ERROR;
		hb_attempt_fail(a, cls, "%s", msg);
		if (cls == HB_CLASS_TLS_ERROR)
			hb_db_tls_detail(a, msg);
	}
	hb_attempt_detail(a, "errno", "%u", err);
	if (err < 2000)
		hb_attempt_detail(a, "sqlstate", "%s", mysql_sqlstate(m));
}

static const char *my_column_name(const void *res, size_t col)
{
	const MYSQL_FIELD *f = mysql_fetch_field_direct((MYSQL_RES *)res,
							(unsigned)col);
	return f ? f->name : NULL;
}

/* mysql_store_result holds every row: seek to the one asked for. */
static const char *my_value(const void *res, long long row, size_t col)
{
	MYSQL_RES *r = (MYSQL_RES *)res;
	mysql_data_seek(r, (unsigned long long)row);
	MYSQL_ROW v = mysql_fetch_row(r);
	return v ? v[col] : NULL;
}

static void my_query(struct my_state *s, const struct hb_check *c,
		     int64_t t0, struct hb_attempt *a)
{
	MYSQL *m = s->mysql;
	if (mysql_real_query(m, c->query, strlen(c->query)) != 0) {
		a->timing.query_ms = hb_ms_between(t0, hb_mono_ns());
		fail_mysql(m, c, &s->url, false, a);
		return;
	}
	MYSQL_RES *res = mysql_store_result(m);
	a->timing.query_ms = hb_ms_between(t0, hb_mono_ns());
	struct hb_table t = { .res = res, .name = my_column_name,
			      .value = my_value };
	const char *first = NULL;
	if (res) {
		t.rows = (long long)mysql_num_rows(res);
		t.columns = mysql_num_fields(res);
		MYSQL_ROW row = mysql_fetch_row(res);
		first = row && t.columns > 0 ? row[0] : NULL;
	} else if (mysql_field_count(m) != 0) {
		/* A result set was due and did not come. */
		fail_mysql(m, c, &s->url, false, a);
		return;
	} else {
		t.rows = (long long)mysql_affected_rows(m);
	}
	hb_attempt_detail(a, "rows", "%lld", t.rows);
	if (first)
		hb_attempt_detail(a, "first_value", "%s", first);
	hb_expect_table(c, s->re, &t, a);
	mysql_free_result(res);
}

/* A failed mysql_real_connect that never reached the server, after which
 * the next address may be tried, as Connector/C tries a name's. */
static bool connect_failed(MYSQL *m)
{
	unsigned err = mysql_errno(m);
	return !io.read_waited && !io.deadline_hit &&
	       (err == CR_CONN_HOST_ERROR || err == CR_CONNECTION_ERROR ||
		err == CR_IPSOCK_ERROR);
}

/* A ready check ("ready": true), by libpq's rule for PQping as the
 * postgres kind applies it: any answer of the server to the login, an
 * access denied (1045) or unknown database (1049) included, means it is
 * up; a server shutting down (1053 ER_SERVER_SHUTDOWN) or offline (3032
 * ER_SERVER_OFFLINE_MODE, MySQL) is not; the client's errors (2000 and
 * up: refused, timed out, TLS) fail with their usual class, but for those
 * about an authentication method the server asked for (a plugin that is
 * not allowed or would not load): as for libpq, any authentication
 * request means the server is up. */
static void my_ready(MYSQL *m, const struct hb_check *c,
		     const struct my_url *u, bool ok, struct hb_attempt *a)
{
	unsigned err = mysql_errno(m);
	if (ok) {
		hb_ready_pass(a, "accepting connections: the login succeeded");
	} else if (err < 2000 && err != 1053 && err != 3032 && !io.deadline_hit) {
		hb_ready_pass(a, "accepting connections: the server answered "
			      "the login with error %u (%s)", err, mysql_error(m));
		hb_attempt_detail(a, "errno", "%u", err);
	} else if (err == CR_PLUGIN_NOT_ALLOWED ||
		   err == CR_AUTH_PLUGIN_CANNOT_LOAD ||
		   err == CR_AUTH_PLUGIN_ERR) {
		hb_ready_pass(a, "accepting connections: the server asks for an "
			      "authentication method not tried (%s)",
			      mysql_error(m));
		hb_attempt_detail(a, "errno", "%u", err);
	} else {
		fail_mysql(m, c, u, true, a);
	}
}

static void my_run(const struct hb_check *c, void *state,
		   const struct hb_deadline *dl, struct hb_attempt *a)
{
	struct my_state *s = state;
	struct my_url *u = &s->url;
	int64_t t0 = s->t0;
	io.t0_ns = t0;
	io.deadline_ns = dl->at_ns;
	io.limit_ms = dl->ms;
	MYSQL *m = s->mysql;
	/* The library's own timeouts are whole seconds per wait; io_wait
	 * ends every wait by the deadline, so these are rounded up and a
	 * second longer: the driver's own timeout comes first. */
	int64_t left_ms = (dl->at_ns - hb_mono_ns()) / 1000000;
	unsigned secs = (unsigned)((left_ms > 0 ? left_ms : 0) / 1000 + 2);
	if (mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &secs) ||
	    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &secs) ||
	    mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &secs)) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "mysql_optionsv: %s",
				mysql_error(m));
		mysql_close(m);
		s->mysql = NULL;
		if (s->ai)
			freeaddrinfo(s->ai);
		explicit_bzero(u->password, sizeof(u->password));
		return;
	}
	char addr[300];
	fmt_addr(u, addr, sizeof(addr));
	/* The addresses my_resolve found, in order, or the URL's host. Kept
	 * options (CLIENT_REMEMBER_OPTIONS) let a failed handle try again. */
	const struct addrinfo *p = s->ai;
	bool ok;
	for (;;) {
		char ip[64];
		if (p) {
			hb_format_addr(p->ai_addr, ip, sizeof(ip), 0);
			hb_format_addr(p->ai_addr, addr, sizeof(addr), 1);
		}
		io.connect_errno = 0;
		ok = mysql_real_connect(m, p ? ip : u->host, u->user, u->password,
					u->database[0] ? u->database : NULL,
					(unsigned)u->port, NULL,
					CLIENT_REMEMBER_OPTIONS) != NULL;
		if (ok || !p || !p->ai_next || !connect_failed(m))
			break;
		p = p->ai_next;
	}
	a->timing.connect_ms = io.connect_ms;
	if (c->ready) {
		my_ready(m, c, u, ok, a);
		hb_attempt_detail(a, "resolved_address", "%s", addr);
	} else if (!ok) {
		fail_mysql(m, c, u, true, a);
	} else {
		a->timing.auth_ms = hb_ms_between(t0, hb_mono_ns());
		hb_attempt_detail(a, "resolved_address", "%s", addr);
		hb_attempt_detail(a, "server_version", "%s",
				  mysql_get_server_info(m));
		const char *cipher = mysql_get_ssl_cipher(m);
		if (cipher)
			hb_attempt_detail(a, "tls_cipher", "%s", cipher);
		if (c->query && *c->query)
			my_query(s, c, t0, a);
		else
			hb_attempt_pass(a);
	}
	mysql_close(m);
	s->mysql = NULL;
	if (s->ai)
		freeaddrinfo(s->ai);
	explicit_bzero(u->password, sizeof(u->password));
	a->timing.total_ms = hb_ms_between(t0, hb_mono_ns());
}

/* Beyond the base profile: nothing, as measured with strace on Connector/C
 * 3.3 (native and ed25519 authentication, queries, refused and hung
 * servers); its non-blocking socket I/O is all in the base set. */
static const int my_syscalls[] = { -1 };

const struct hb_driver hb_driver_mysql = {
	.name = "mysql",
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_TLS | HB_DRIVER_HANDOFF,
	.init = my_init,
	.uses_tls = my_uses_tls,
	.prepare = my_prepare,
	.resolve = my_resolve,
	.run = my_run,
	.port = my_port,
	.read_paths = my_read_paths,
	.syscalls = my_syscalls,
};
