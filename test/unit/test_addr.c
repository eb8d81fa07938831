/* SPDX-License-Identifier: MIT */
/* Unit tests for common/addr.c: host:port, a URL's authority, redaction. */
#include "hbtest.h"

#include "addr.h"
#include "spec.h"

#include <errno.h>
#include <string.h>

/* Splits with room for any host. */
static int split(const char *in, int default_port, unsigned flags, char *host,
		 int *port, char *err)
{
	return hb_split_hostport(in, host, HB_HOST_MAX, port, default_port,
				 flags, err, 128);
}

/* in split with default_port gives host and port. */
static void split_ok(const char *in, int default_port, const char *host,
		     int port)
{
	char h[HB_HOST_MAX], err[128] = "";
	int p = -1;
	if (split(in, default_port, 0, h, &p, err) != 0)
		HB_FAIL_("\"%s\" refused: %s", in, err);
	if (strcmp(h, host) != 0 || p != port)
		HB_FAIL_("\"%s\": host \"%s\" port %d, want \"%s\" %d", in, h,
			 p, host, port);
}

/* in is refused with a message containing msg. */
static void split_bad(const char *in, int default_port, const char *msg)
{
	char h[HB_HOST_MAX], err[128] = "";
	int p = -1;
	if (split(in, default_port, 0, h, &p, err) != -EINVAL)
		HB_FAIL_("\"%s\" split: host \"%s\" port %d", in, h, p);
	if (!strstr(err, msg))
		HB_FAIL_("\"%s\": \"%s\" does not say \"%s\"", in, err, msg);
}

HB_TEST(hostport_splits)
{
	split_ok("app:8080", 0, "app", 8080);
	split_ok("[::1]:443", 0, "::1", 443);
	split_ok("127.0.0.1:65535", 0, "127.0.0.1", 65535);
	/* A missing port: the default one, or refused without one. */
	split_ok("db", 5432, "db", 5432);
	split_ok("[::1]", 6379, "::1", 6379);
	split_bad("db", 0, "expected \"host:port\" or \"[v6]:port\" (no port)");
	split_bad("[::1]", 0, "(no port)");
	/* A bare IPv6 address: a host without a port where a default is. */
	split_ok("fe80::1", 3306, "fe80::1", 3306);
	split_bad("::1:80", 0, "an IPv6 address goes in brackets");
	split_bad("[::1", 0, "no \"]\"");
	split_bad("[::1]80", 0, "not followed by \":\"");
	split_bad(":80", 0, "(no host)");
	split_bad("[]:80", 0, "(no host)");
	/* err may be NULL. */
	char host[HB_HOST_MAX];
	int port;
	ASSERT_EQ_INT(hb_split_hostport(":80", host, sizeof(host), &port, 0, 0,
					NULL, 0), -EINVAL);
}

/* Port 0 only where asked for (a listener's free port), 1 to 65535 else. */
HB_TEST(hostport_port_range)
{
	char host[HB_HOST_MAX], err[128];
	int port = 7;
	ASSERT_EQ_INT(split("db:0", 0, 0, host, &port, err), -EINVAL);
	ASSERT_CONTAINS(err, "expected a port from 1 to 65535 after the \":\"");
	ASSERT_EQ_INT(split("db:0", 5432, 0, host, &port, err), -EINVAL);
	ASSERT_EQ_INT(split("[::1]:0", 0, HB_HOSTPORT_ZERO, host, &port, err), 0);
	ASSERT_EQ_INT(port, 0);
	ASSERT_EQ_INT(split("db:65536", 0, HB_HOSTPORT_ZERO, host, &port, err),
		      -EINVAL);
	ASSERT_CONTAINS(err, "from 0 to 65535");
	ASSERT_EQ_INT(split("db:70000", 0, 0, host, &port, err), -EINVAL);
	ASSERT_EQ_INT(split("db:", 5432, 0, host, &port, err), -EINVAL);
	ASSERT_EQ_INT(split("db:http", 0, 0, host, &port, err), -EINVAL);
}

/* The runner's splitter read the port with strtol, the collector's with
 * strtoull: both took " 80" and "+80" as 80, and the runner's any number
 * of leading zeros. A port is digits, at most five, as the spec said. */
HB_TEST(hostport_port_is_digits)
{
	char host[HB_HOST_MAX], err[128];
	int port = 0;
	static const char *const bad[] = { "db: 80", "db:+80", "db:-80",
					   "db:0x50", "db:000080", "db:80 " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (split(bad[i], 0, 0, host, &port, err) != -EINVAL)
			HB_FAIL_("\"%s\" split, port %d", bad[i], port);
		if (split(bad[i], 0, HB_HOSTPORT_ZERO, host, &port, err) != -EINVAL)
			HB_FAIL_("\"%s\" split for a listener, port %d", bad[i],
				 port);
	}
	ASSERT_EQ_INT(split("db:00080", 0, 0, host, &port, err), 0);
	ASSERT_EQ_INT(port, 80);
}

HB_TEST(hostport_host_fits)
{
	char host[8], err[128], in[300];
	int port = 0;
	ASSERT_EQ_INT(hb_split_hostport("1234567:1", host, sizeof(host), &port,
					0, 0, err, sizeof(err)), 0);
	ASSERT_STREQ(host, "1234567");
	ASSERT_EQ_INT(hb_split_hostport("12345678:1", host, sizeof(host), &port,
					0, 0, err, sizeof(err)), -EINVAL);
	ASSERT_CONTAINS(err, "the host name is too long (at most 7 bytes)");
	ASSERT_EQ_INT(hb_split_hostport("[1234:5678]:1", host, sizeof(host),
					&port, 0, 0, err, sizeof(err)), -EINVAL);
	/* A tcp check's address whose host no driver can take: refused by
	 * the spec, where the tcp driver used to fail it as INTERNAL. */
	memset(in, 'a', 256);
	strcpy(in + 256, ":80");
	char spec[400];
	snprintf(spec, sizeof(spec),
		 "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"%s\"}]}", in);
	struct hb_spec_error e;
	struct hb_spec *s = hb_spec_parse(spec, strlen(spec), "spec.json", NULL, &e);
	ASSERT(s == NULL);
	ASSERT_CONTAINS(e.msg, "spec.json: checks[0].address: the host name is "
			       "too long (at most 255 bytes)");
	in[255] = '\0';
	strcat(in, ":80");
	snprintf(spec, sizeof(spec),
		 "{\"checks\": [{\"kind\": \"tcp\", \"address\": \"%s\"}]}", in);
	s = hb_spec_parse(spec, strlen(spec), "spec.json", NULL, &e);
	ASSERT(s != NULL);
	hb_spec_free(s);
}

/* What the mysql and redis drivers read of their URLs. */
struct auth_buf {
	char user[16], password[16], host[HB_HOST_MAX];
	struct hb_authority a;
};

static const char *authority(struct auth_buf *b, const char *p, int dflt,
			     char *err)
{
	b->a = (struct hb_authority){
		.user = b->user, .user_size = sizeof(b->user),
		.password = b->password, .password_size = sizeof(b->password),
		.host = b->host, .host_size = sizeof(b->host),
	};
	return hb_url_authority(p, dflt, &b->a, err, 128);
}

HB_TEST(url_authority_parses)
{
	struct auth_buf b;
	char err[128];
	const char *rest = authority(&b, "root:p%40ss@db:3307/app?x=1", 3306, err);
	ASSERT(rest != NULL);
	ASSERT_STREQ(rest, "/app?x=1");
	ASSERT_STREQ(b.user, "root");
	ASSERT_STREQ(b.password, "p@ss");
	ASSERT(b.a.has_password);
	ASSERT_STREQ(b.host, "db");
	ASSERT_EQ_INT(b.a.port, 3307);
	/* The credentials end at the last "@"; the user at the first ":". */
	rest = authority(&b, "a@b:c@d@[::1]/0", 6379, err);
	ASSERT(rest != NULL);
	ASSERT_STREQ(rest, "/0");
	ASSERT_STREQ(b.user, "a@b");
	ASSERT_STREQ(b.password, "c@d");
	ASSERT_STREQ(b.host, "::1");
	ASSERT_EQ_INT(b.a.port, 6379);
	/* ":pw@" is a password without a user; "u@" a user without one. */
	ASSERT(authority(&b, ":pw@cache", 6379, err) != NULL);
	ASSERT_STREQ(b.user, "");
	ASSERT_STREQ(b.password, "pw");
	ASSERT(b.a.has_password);
	ASSERT(authority(&b, "u@cache#f", 6379, err) != NULL);
	ASSERT_STREQ(b.user, "u");
	ASSERT(!b.a.has_password);
	ASSERT_STREQ(b.host, "cache");
	ASSERT(authority(&b, "c%61che", 6379, err) != NULL);
	ASSERT_STREQ(b.host, "cache");
}

HB_TEST(url_authority_errors)
{
	struct auth_buf b;
	char err[128];
	ASSERT(authority(&b, "/app", 3306, err) == NULL);
	ASSERT_STREQ(err, "expected a host name in the URL");
	ASSERT(authority(&b, "u:sec%zzret@db", 3306, err) == NULL);
	ASSERT_CONTAINS(err, "bad password in the URL");
	/* Never quoted: it is a password. */
	ASSERT(strstr(err, "sec") == NULL);
	ASSERT(authority(&b, "u%00@db", 3306, err) == NULL);
	ASSERT_STREQ(err, "bad user name in the URL");
	ASSERT(authority(&b, "u:0123456789abcdef@db", 3306, err) == NULL);
	ASSERT_CONTAINS(err, "bad password");
	ASSERT(authority(&b, "db:0/app", 3306, err) == NULL);
	ASSERT_STREQ(err, "bad host or port \"db:0\" in the URL: expected a "
			  "port from 1 to 65535 after the \":\"");
	ASSERT(authority(&b, "db:+3306/app", 3306, err) == NULL);
	ASSERT(authority(&b, "d%zzb/app", 3306, err) == NULL);
	ASSERT_CONTAINS(err, "bad %-escape in the host");
}

/* hb_redact_target(in) is shown. */
static void target_shows(const char *in, const char *shown)
{
	char *t = hb_redact_target(in);
	ASSERT(t != NULL);
	if (strcmp(t, shown) != 0)
		HB_FAIL_("\"%s\" shown as \"%s\", want \"%s\"", in, t, shown);
	free(t);
}

/* The one redaction, for URLs and libpq's connection strings. */
HB_TEST(redact_target_hides_passwords)
{
	target_shows("postgres://app:secret@db/app", "postgres://app@db/app");
	target_shows("redis://:pw@cache:6379/0", "redis://cache:6379/0");
	target_shows("redis://@cache", "redis://cache");
	/* A user name that starts with "@" keeps the rest of it. */
	target_shows("redis://@u:pw@h", "redis://u@h");
	target_shows("mysql://root@db/x", "mysql://root@db/x");
	target_shows("host=db password='a b' dbname=app", "host=db dbname=app");
	target_shows("host=db  sslpassword=x stray", "host=db");
	target_shows("host=db pass%77ord=x", "host=db pass%77ord=x");
	/* hb_redact_url shows what a target shows, cut to fit. */
	char s[16];
	hb_redact_url(s, sizeof(s), "redis://@u:pw@host:6379/0");
	ASSERT_STREQ(s, "redis://u@host:");
	hb_redact_url(s, sizeof(s), "http://:pw@h/");
	ASSERT_STREQ(s, "http://h/");
}

HB_TEST_MAIN(hostport_splits, hostport_port_range, hostport_port_is_digits,
	     hostport_host_fits, url_authority_parses, url_authority_errors,
	     redact_target_hides_passwords)
