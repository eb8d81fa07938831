/* SPDX-License-Identifier: MIT */
/* The redis check kind: a hiredis connection, AUTH (password or ACL user),
 * SELECT, PING, and optionally one command whose reply is asserted. */
#include "dbutil.h"
#include "duration.h"
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
#include <hiredis.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#define DEFAULT_PORT (hb_kinds[HB_KIND_REDIS].default_port)
/* How much of a value a message quotes. */
#define MAX_ARGS 64
#define CMD_MAX 4096

/* A redis:// URL, decoded. */
struct rd_url {
	char user[256];
	char password[1024];
	bool has_password;
	char host[256]; /* without brackets */
	int port;
	long db; /* -1: none given */
};

struct rd_state {
	struct rd_url url;
	/* check->command split into words */
	char cmd_buf[CMD_MAX];
	const char *argv[MAX_ARGS];
	size_t argvlen[MAX_ARGS];
	int argc;
	struct hb_pattern *re; /* expect.pattern, compiled */
	int64_t t0; /* when the check began: rd_resolve's start */
	struct hb_deadline dl; /* the attempt's (rd_run) */
	struct addrinfo *ai; /* rd_resolve's addresses; NULL: use url.host */
};

/* -- URL and command --------------------------------------------------------- */

/* redis://[[user]:password@]host[:port][/db]. The authority ends at the
 * first "/", "?" or "#", the credentials at its last "@" ("/", "?", "#" and
 * "%" in a password must be percent-encoded). rediss:// (TLS) needs
 * hiredis_ssl, which Debian 12's hiredis 0.14 does not have. Pure: no I/O.
 * Returns 0 or -EINVAL with err filled. */
static int parse_url(const char *url, struct rd_url *u, char *err,
		     size_t errlen)
{
	memset(u, 0, sizeof(*u));
	u->port = DEFAULT_PORT;
	u->db = -1;
	if (strncasecmp(url, "rediss://", 9) == 0) {
		snprintf(err, errlen,
			 "rediss:// (Redis over TLS) is not supported: this "
			 "build's hiredis (0.14, Debian 12) has no TLS; use "
			 "redis:// or a TLS-terminating sidecar");
		return -ENOTSUP;
	}
	if (strncasecmp(url, "redis://", 8) != 0) {
		snprintf(err, errlen, "expected a redis:// URL");
		return -EINVAL;
	}
	struct hb_authority auth = {
		.user = u->user, .user_size = sizeof(u->user),
		.password = u->password, .password_size = sizeof(u->password),
		.host = u->host, .host_size = sizeof(u->host),
	};
	const char *auth_end = hb_url_authority(url + 8, DEFAULT_PORT, &auth,
						err, errlen);
	if (!auth_end)
		return -EINVAL;
	u->port = auth.port;
	u->has_password = auth.has_password;
	const char *rest = auth_end;
	if (*rest == '/') {
		rest++;
		size_t dlen = strcspn(rest, "?#");
		if (dlen > 0) {
			char *end;
			long db = strtol(rest, &end, 10);
			if (!isdigit((unsigned char)*rest) || end != rest + dlen ||
			    db < 0 || db > 1000000) {
				snprintf(err, errlen, "expected a database number "
					 "after the \"/\" in the URL");
				return -EINVAL;
			}
			u->db = db;
		}
		rest += dlen;
	}
	if (*rest == '?' && rest[1]) {
		snprintf(err, errlen, "the URL takes no parameters");
		return -EINVAL;
	}
	return 0;
}

/* Splits a command into words: spaces separate, 'single quotes' keep
 * everything literally, "double quotes" take \" and \\ escapes. The words
 * go into s->cmd_buf. Returns 0 or -EINVAL with err filled. */
static int split_command(const char *cmd, struct rd_state *s, char *err,
			 size_t errlen)
{
	size_t j = 0;
	s->argc = 0;
	const char *p = cmd;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (s->argc == MAX_ARGS) {
			snprintf(err, errlen, "the command has more than %d words",
				 MAX_ARGS);
			return -EINVAL;
		}
		size_t start = j;
		while (*p && *p != ' ' && *p != '\t') {
			char q = *p;
			if (q == '\'' || q == '"') {
				p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' &&
					    (p[1] == '"' || p[1] == '\\'))
						p++;
					if (j + 1 >= sizeof(s->cmd_buf))
						goto too_long;
					s->cmd_buf[j++] = *p++;
				}
				if (!*p) {
					snprintf(err, errlen, "unterminated %c "
						 "quote in the command", q);
					return -EINVAL;
				}
				p++;
				continue;
			}
			if (j + 1 >= sizeof(s->cmd_buf))
				goto too_long;
			s->cmd_buf[j++] = *p++;
		}
		s->cmd_buf[j++] = '\0';
		s->argv[s->argc] = s->cmd_buf + start;
		s->argvlen[s->argc] = j - 1 - start;
		s->argc++;
	}
	return 0;
too_long:
	snprintf(err, errlen, "the command is longer than %d bytes", CMD_MAX);
	return -EINVAL;
}

static int rd_port(const struct hb_check *c)
{
	struct rd_url u;
	char err[256];
	if (parse_url(c->url, &u, err, sizeof(err)) < 0)
		return 0;
	return u.port;
}

/* -- replies -------------------------------------------------------------------- */

/* A scalar reply as text: strings and statuses as they are, integers in
 * decimal. NULL for nil and arrays. */
static const char *reply_text(const redisReply *r, char *buf, size_t size)
{
	switch (r->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		return r->str;
	case REDIS_REPLY_INTEGER:
		snprintf(buf, size, "%lld", r->integer);
		return buf;
	default:
		return NULL;
	}
}

/* Checks expect.rows (an array's length; 1 for a scalar, 0 for nil),
 * expect.value and expect.pattern (on a scalar reply, or an array's
 * element expect.row, the first by default) against the command's
 * reply. Passes a when all hold. */
static void check_reply(const struct hb_check *c, const struct rd_state *s,
			const redisReply *r, struct hb_attempt *a)
{
	char num[32];
	long long rows = r->type == REDIS_REPLY_ARRAY ? (long long)r->elements
			 : r->type == REDIS_REPLY_NIL ? 0
						      : 1;
	const redisReply *v = r;
	const char *noun = "reply";
	char nth[48];
	int64_t row = c->expect.row;
	/* expect.row picks an array's element; a scalar has only the one. */
	if (row > 0 && rows > 0 && row >= rows &&
	    (c->expect.value || s->re) &&
	    (c->expect.rows < 0 || c->expect.rows == rows)) {
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"expect.row %lld is past the end: the reply has "
				"%lld element%s (the first is 0)", (long long)row,
				rows, rows == 1 ? "" : "s");
		return;
	}
	if (r->type == REDIS_REPLY_ARRAY) {
		v = (size_t)row < r->elements ? r->element[row] : NULL;
		snprintf(nth, sizeof(nth), "element %lld", (long long)row);
		noun = row ? nth : "first element";
	}
	const char *text = v ? reply_text(v, num, sizeof(num)) : NULL;
	hb_attempt_detail(a, "reply_type", "%s",
			  r->type == REDIS_REPLY_STRING    ? "string"
			  : r->type == REDIS_REPLY_ARRAY   ? "array"
			  : r->type == REDIS_REPLY_INTEGER ? "integer"
			  : r->type == REDIS_REPLY_NIL     ? "nil"
			  : r->type == REDIS_REPLY_STATUS  ? "status"
							   : "other");
	if (text)
		hb_attempt_detail(a, "reply", "%s", text);
	struct hb_answer ans = {
		.rows = rows,
		.rows_what = "reply has",
		.unit = "element",
		.first = text,
		.noun = noun,
		.missing = !v ? "the reply is empty"
			   : v->type == REDIS_REPLY_NIL ? "the reply is nil"
							: "the reply is an array",
	};
	hb_expect_answer(c, s->re, &ans, a);
}

/* -- the check ------------------------------------------------------------------ */

static void fmt_addr(const struct rd_url *u, char *dst, size_t size)
{
	if (strchr(u->host, ':'))
		snprintf(dst, size, "[%s]:%d", u->host, u->port);
	else
		snprintf(dst, size, "%s:%d", u->host, u->port);
}

static struct timeval tv_until(int64_t deadline_ns)
{
	int64_t left = deadline_ns - hb_mono_ns();
	if (left < 1000000)
		left = 1000000; /* hiredis takes 0 as "no timeout" */
	struct timeval tv = { (time_t)(left / 1000000000LL),
			      (suseconds_t)(left % 1000000000LL / 1000) };
	return tv;
}

static int rd_prepare(const struct hb_check *c, void **state,
		      struct hb_attempt *a)
{
	struct rd_state *s = calloc(1, sizeof(*s));
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
	struct rd_url *u = &s->url;
	if (c->user && *c->user)
		hb_strlcpy(u->user, c->user, sizeof(u->user));
	if (c->password) {
		hb_strlcpy(u->password, c->password, sizeof(u->password));
		u->has_password = true;
	}
	if (c->database && *c->database) {
		char *end;
		long db = strtol(c->database, &end, 10);
		if (*end || db < 0) {
			hb_attempt_fail(a, HB_CLASS_INTERNAL,
					"a Redis database is a number, not "
					"\"%.64s\"", c->database);
			return -EINVAL;
		}
		u->db = db;
	}
	if (c->command && *c->command &&
	    split_command(c->command, s, err, sizeof(err)) < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "%s", err);
		return -EINVAL;
	}
	if (hb_expect_pattern_new(c, &s->re, a) < 0)
		return -EINVAL;
	return 0;
}

/* Under the kind's filter: looks the server's name up here, so that
 * hiredis is given an address, resolves nothing, and the sandbox can take
 * the resolver's sockets away before it connects. */
static int rd_resolve(const struct hb_check *c, void *state,
		      struct hb_attempt *a)
{
	struct rd_state *s = state;
	unsigned char bin[16];
	s->t0 = hb_mono_ns();
	if (inet_pton(AF_INET, s->url.host, bin) == 1 ||
	    inet_pton(AF_INET6, s->url.host, bin) == 1)
		return HB_RESOLVED;
	s->ai = hb_resolve(s->url.host, s->url.port, c->family, a);
	a->timing.dns_ms = hb_ms_between(s->t0, hb_mono_ns());
	return s->ai ? HB_RESOLVED : -ENOENT;
}

/* Whether a hiredis error text is one of getaddrinfo's: hiredis 0.14 passes
 * gai_strerror() on as REDIS_ERR_OTHER with nothing else to tell it apart. */
static bool is_gai_error(const char *msg)
{
	static const int codes[] = { EAI_NONAME, EAI_AGAIN, EAI_FAIL,
				     EAI_NODATA, EAI_ADDRFAMILY, EAI_SERVICE };
	for (size_t i = 0; i < HB_ARRAY_SIZE(codes); i++)
		if (strcmp(msg, gai_strerror(codes[i])) == 0)
			return true;
	return false;
}

static void fail_connect(const redisContext *ctx, const struct rd_state *s,
			 struct hb_attempt *a)
{
	const struct rd_url *u = &s->url;
	char addr[300], secs[32];
	fmt_addr(u, addr, sizeof(addr));
	hb_duration_format(secs, sizeof(secs), s->dl.ms);
	const char *msg = ctx ? ctx->errstr : "out of memory";
	if (!ctx)
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "redisConnect: out of memory");
	else if (ctx->err == REDIS_ERR_OTHER && is_gai_error(msg))
		hb_attempt_fail(a, HB_CLASS_DNS_FAILURE,
				"could not resolve \"%s\": %s", u->host, msg);
	else if (strcmp(msg, strerror(ECONNREFUSED)) == 0)
		hb_attempt_fail(a, HB_CLASS_CONNECTION_REFUSED,
				"connect to %s refused", addr);
	else if (strcmp(msg, strerror(ETIMEDOUT)) == 0 ||
		 strcmp(msg, strerror(EINPROGRESS)) == 0)
		hb_attempt_fail(a, HB_CLASS_CONNECT_TIMEOUT,
				"connect to %s timed out after %s", addr, secs);
	else
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "connect to %s: %s",
				addr, msg);
}

/* Sends one command under the deadline. Returns its reply, or NULL with a
 * filled (what names the step for messages: "AUTH", "PING"). */
static redisReply *command(redisContext *ctx, const struct rd_state *s,
			   int argc, const char **argv, const size_t *argvlen,
			   const char *what, struct hb_attempt *a)
{
	if (redisSetTimeout(ctx, tv_until(s->dl.at_ns)) != REDIS_OK) {
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "setting the timeout: %s",
				ctx->errstr);
		return NULL;
	}
	redisReply *r = redisCommandArgv(ctx, argc, argv, argvlen);
	if (r)
		return r;
	char addr[300], secs[32];
	fmt_addr(&s->url, addr, sizeof(addr));
	hb_duration_format(secs, sizeof(secs), s->dl.ms);
	/* SO_RCVTIMEO expiring is EAGAIN, "Resource temporarily
	 * unavailable". */
	if (ctx->err == REDIS_ERR_IO &&
	    (strcmp(ctx->errstr, strerror(EAGAIN)) == 0 ||
	     hb_mono_ns() >= s->dl.at_ns))
		hb_attempt_fail(a, HB_CLASS_TIMEOUT,
				"connected to %s, but no answer to %s within %s",
				addr, what, secs);
	else if (ctx->err == REDIS_ERR_EOF)
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
				"%s closed the connection during %s", addr, what);
	else
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "%s: %s", what,
				ctx->errstr);
	return NULL;
}

/* Fails a for an error reply: the server's own text, classified by its
 * prefix, or as cls (the step's: AUTH_FAILED for AUTH, DATABASE_NOT_FOUND
 * for SELECT, QUERY_ERROR for the rest) for a plain ERR. */
static void fail_reply(const redisReply *r, enum hb_class cls,
		       struct hb_attempt *a)
{
	const char *msg = r->str ? r->str : "";
	if (strncmp(msg, "WRONGPASS", 9) == 0 || strncmp(msg, "NOAUTH", 6) == 0 ||
	    strncmp(msg, "NOPERM", 6) == 0)
		cls = HB_CLASS_AUTH_FAILED;
	hb_attempt_fail(a, cls, "%s", msg);
	char code[32];
	size_t n = strcspn(msg, " ");
	if (n >= sizeof(code))
		n = sizeof(code) - 1;
	memcpy(code, msg, n);
	code[n] = '\0';
	hb_attempt_detail(a, "error", "%s", code);
}

/* "redis_version:7.0.15" from INFO server, or nothing. */
static void server_version(redisContext *ctx, const struct rd_state *s,
			   struct hb_attempt *a)
{
	const char *argv[] = { "INFO", "server" };
	struct hb_attempt scratch;
	hb_attempt_init(&scratch);
	redisReply *r = command(ctx, s, 2, argv, NULL, "INFO", &scratch);
	if (!r)
		return;
	const char *v = r->type == REDIS_REPLY_STRING && r->str
				? strstr(r->str, "redis_version:")
				: NULL;
	if (v) {
		v += strlen("redis_version:");
		int n = (int)strcspn(v, "\r\n");
		hb_attempt_detail(a, "server_version", "%.*s", n, v);
	}
	freeReplyObject(r);
}

/* A ready check ("ready": true): one PING, without AUTH or SELECT. Any
 * answer means the server is up (NOAUTH: it wants a password, which is not
 * tried), except those of a server not yet serving: LOADING (reading its
 * dataset at start-up), BUSY (a script runs) and MASTERDOWN (a replica
 * without its primary that serves no stale data). */
static void rd_ready(redisContext *ctx, const struct rd_state *s,
		     struct hb_attempt *a)
{
	static const char *const not_yet[] = { "LOADING", "BUSY", "MASTERDOWN" };
	const char *ping[] = { "PING" };
	redisReply *r = command(ctx, s, 1, ping, NULL, "PING", a);
	if (!r)
		return;
	char num[32];
	const char *text = reply_text(r, num, sizeof(num));
	bool ready = true;
	for (size_t i = 0; i < HB_ARRAY_SIZE(not_yet) && text; i++)
		if (r->type == REDIS_REPLY_ERROR &&
		    strncmp(text, not_yet[i], strlen(not_yet[i])) == 0)
			ready = false;
	if (!ready) {
		fail_reply(r, HB_CLASS_CONNECTION_REFUSED, a); /* "error" */
		hb_attempt_fail(a, HB_CLASS_CONNECTION_REFUSED,
				"the server is up but not ready: %s", text);
	} else if (r->type == REDIS_REPLY_ERROR) {
		hb_ready_pass(a, "accepting connections: PING answered %s; "
			      "authentication not tried", text ? text : "?");
	} else {
		hb_ready_pass(a, "accepting connections: PING answered %s",
			      text ? text : "?");
	}
	freeReplyObject(r);
}

static void rd_run(const struct hb_check *c, void *state,
		   const struct hb_deadline *dl, struct hb_attempt *a)
{
	struct rd_state *s = state;
	s->dl = *dl;
	int64_t deadline = dl->at_ns;
	struct rd_url *u = &s->url;
	int64_t t0 = s->t0;
	redisReply *r = NULL;
	redisContext *ctx = NULL;
	char addr[300];
	fmt_addr(u, addr, sizeof(addr));
	/* rd_resolve's addresses in order, as a client tries a name's, until
	 * one accepts or the deadline; or the URL's address. */
	for (const struct addrinfo *p = s->ai;; p = p->ai_next) {
		char ip[64];
		if (p) {
			hb_format_addr(p->ai_addr, ip, sizeof(ip), 0);
			hb_format_addr(p->ai_addr, addr, sizeof(addr), 1);
		}
		ctx = redisConnectWithTimeout(p ? ip : u->host, u->port,
					      tv_until(deadline));
		if (!ctx || !ctx->err || !p || !p->ai_next ||
		    hb_mono_ns() >= deadline)
			break;
		redisFree(ctx);
	}
	if (s->ai)
		freeaddrinfo(s->ai);
	if (!ctx || ctx->err) {
		fail_connect(ctx, s, a);
		goto out;
	}
	a->timing.connect_ms = hb_ms_between(t0, hb_mono_ns());
	hb_attempt_detail(a, "resolved_address", "%s", addr);
	if (c->ready) {
		rd_ready(ctx, s, a);
		goto out;
	}

	if (u->has_password) {
		/* AUTH user password for an ACL user (Redis 6+), AUTH
		 * password for the default user. */
		const char *argv[] = { "AUTH", u->user, u->password };
		const char **av = u->user[0] ? argv : (const char *[]){
			"AUTH", u->password };
		r = command(ctx, s, u->user[0] ? 3 : 2, av, NULL, "AUTH", a);
		explicit_bzero(u->password, sizeof(u->password));
		if (!r)
			goto out;
		if (r->type == REDIS_REPLY_ERROR) {
			/* A plain ERR to AUTH is a password for a server
			 * that has none: the Secret and the server still
			 * disagree. */
			fail_reply(r, HB_CLASS_AUTH_FAILED, a);
			goto out;
		}
		freeReplyObject(r);
		r = NULL;
	}
	a->timing.auth_ms = hb_ms_between(t0, hb_mono_ns());
	if (u->db >= 0) {
		char db[24];
		snprintf(db, sizeof(db), "%ld", u->db);
		const char *argv[] = { "SELECT", db };
		r = command(ctx, s, 2, argv, NULL, "SELECT", a);
		if (!r)
			goto out;
		if (r->type == REDIS_REPLY_ERROR) {
			fail_reply(r, HB_CLASS_DATABASE_NOT_FOUND, a);
			goto out;
		}
		freeReplyObject(r);
		r = NULL;
	}
	const char *ping[] = { "PING" };
	r = command(ctx, s, 1, ping, NULL, "PING", a);
	if (!r)
		goto out;
	if (r->type == REDIS_REPLY_ERROR) {
		fail_reply(r, HB_CLASS_QUERY_ERROR, a);
		goto out;
	}
	freeReplyObject(r);
	r = NULL;
	server_version(ctx, s, a);
	if (s->argc > 0) {
		char what[64];
		snprintf(what, sizeof(what), "%.32s", s->argv[0]);
		r = command(ctx, s, s->argc, s->argv, s->argvlen, what, a);
		a->timing.query_ms = hb_ms_between(t0, hb_mono_ns());
		if (!r)
			goto out;
		if (r->type == REDIS_REPLY_ERROR)
			fail_reply(r, HB_CLASS_QUERY_ERROR, a);
		else
			check_reply(c, s, r, a);
	} else {
		a->timing.query_ms = hb_ms_between(t0, hb_mono_ns());
		hb_attempt_pass(a);
	}
out:
	if (r)
		freeReplyObject(r);
	if (ctx)
		redisFree(ctx);
	explicit_bzero(u->password, sizeof(u->password));
	a->timing.total_ms = hb_ms_between(t0, hb_mono_ns());
}

/* Beyond the base profile: nothing. hiredis 0.14 connects non-blocking with
 * poll(), then bounds reads with SO_RCVTIMEO (setsockopt), all base calls. */
static const int rd_syscalls[] = { -1 };

const struct hb_driver hb_driver_redis = {
	.name = "redis",
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_HANDOFF,
	.prepare = rd_prepare,
	.resolve = rd_resolve,
	.run = rd_run,
	.port = rd_port,
	.syscalls = rd_syscalls,
};
