/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for what a check's address may be: the spec's URL,
 * host:port and host checks and the target it derives (agent/spec.c), and
 * the URL helpers under them (common/addr.c): a mysql or redis URL goes
 * through the drivers' authority parser too. Input: a selector byte, a size
 * byte, then the text.
 *
 * A target is what every report shows, so its one promise is checked with
 * the parsers that would read the password: libpq's own (PQconninfoParse,
 * as kinds/postgres.c parses the URL) and the authority rule the other
 * kinds use ("scheme://user:password@host", up to the last "@"). */
#include "fuzz.h"
#include "addr.h"
#include "spec.h"
#include "strutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Whether a URL still shows "user:password@" as RFC 3986 reads it (and
 * curl, and the mysql and redis drivers): the authority ends at the first
 * "/", "?" or "#", its credentials at its last "@". */
static bool shows_userinfo_password(const char *url)
{
	const char *s = strstr(url, "://");
	if (!s)
		return false;
	s += 3;
	size_t n = strcspn(s, "/?#");
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	return at && memchr(s, ':', (size_t)(at - s));
}

static bool is_libpq_url(const char *url)
{
	return strncasecmp(url, "postgres://", 11) == 0 ||
	       strncasecmp(url, "postgresql://", 13) == 0;
}

/* The password libpq reads in s, NULL for none. */
static char *libpq_password(const char *s)
{
	PQconninfoOption *opts = PQconninfoParse(s, NULL);
	char *pw = NULL;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			HB_FUZZ_CHECK((pw = strdup(o->val)));
	PQconninfoFree(opts);
	return pw;
}

/* url with the text libpq reads as a password cut out: the userinfo after
 * its first ':' up to its first '@' before any '/', and the value of every
 * "password=" parameter. What the redaction must not show is in the cut. */
static char *without_password(const char *url)
{
	char *out = strdup(url);
	HB_FUZZ_CHECK(out);
	char *start = strstr(out, "://");
	start = start ? start + 3 : out;
	char *at = memchr(start, '@', strcspn(start, "/"));
	char *colon = at ? memchr(start, ':', (size_t)(at - start)) : NULL;
	if (colon)
		memmove(colon + 1, at, strlen(at) + 1);
	for (char *p = out; (p = strcasestr(p, "password="));) {
		p += 9;
		memmove(p, p + strcspn(p, "&"), strlen(p + strcspn(p, "&")) + 1);
	}
	return out;
}

/* Whether libpq reads in shown the password it reads in url, or a part of
 * it. (Text that only becomes a password once another part is cut out,
 * "h?password=a/b&k=1:x@y" shown as "h?k=1:x@y", is no leak; nor is a
 * password read in shown that is text url holds outside its password and
 * happens to be a piece of it too: "postgres://:t\"mys@p:s@", whose port
 * "s@" is read in "postgres://p:s@" as the password "s".) */
static bool libpq_leaks(const char *url, const char *shown)
{
	char *pw = libpq_password(url), *seen = pw ? libpq_password(shown) : NULL;
	bool leak = seen && strstr(pw, seen);
	if (leak) {
		char *rest = without_password(url);
		leak = !strstr(rest, seen);
		free(rest);
	}
	free(seen);
	free(pw);
	return leak;
}

/* A spec of one check whose field is text: refused with a message, or
 * accepted with a target that shows no password. */
static void spec_check(const char *kind, const char *field, const char *text)
{
	cJSON *root = cJSON_CreateObject(), *checks, *c;
	HB_FUZZ_CHECK(root && (checks = cJSON_AddArrayToObject(root, "checks")));
	HB_FUZZ_CHECK((c = cJSON_CreateObject()) && cJSON_AddItemToArray(checks, c));
	HB_FUZZ_CHECK(cJSON_AddStringToObject(c, "kind", kind));
	HB_FUZZ_CHECK(cJSON_AddStringToObject(c, field, text));
	char *json = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	HB_FUZZ_CHECK(json);

	struct hb_spec_error err;
	err.msg[0] = '\0';
	struct hb_spec *s = hb_spec_parse(json, strlen(json), "fuzz", NULL, &err);
	free(json);
	if (!s) {
		HB_FUZZ_CHECK(err.msg[0] && memchr(err.msg, '\0', sizeof(err.msg)));
		return;
	}
	HB_FUZZ_CHECK(s->n_checks == 1 && s->checks[0].target);
	const char *t = s->checks[0].target;
	if (strcmp(field, "url") != 0) {
		/* An address or a host name is shown as written. */
		HB_FUZZ_CHECK(strcmp(t, text) == 0);
	} else if (strcmp(kind, "postgres") == 0) {
		/* A URL or a key=value conninfo, both as libpq reads them. */
		HB_FUZZ_CHECK(!libpq_leaks(text, t));
	} else {
		HB_FUZZ_CHECK(!shows_userinfo_password(t));
	}
	/* An accepted http URL has its scheme (http:// when it had none),
	 * and credentials libcurl reads as the spec's check did. */
	if (strcmp(kind, "http") == 0 && strcmp(field, "url") == 0)
		HB_FUZZ_CHECK(strstr(s->checks[0].url, "://") &&
			      !hb_url_userinfo_problem(s->checks[0].url));
	hb_spec_free(s);
}

/* hb_url_authority, as the mysql and redis drivers call it past the
 * scheme: refused with a message, or a host, a port in range, terminated
 * parts, and the rest of the URL after its authority. */
static void url_authority(const char *url, int default_port)
{
	const char *s = strstr(url, "://");
	char user[64], password[64], host[HB_HOST_MAX], err[256] = "";
	struct hb_authority a = {
		.user = user, .user_size = sizeof(user),
		.password = password, .password_size = sizeof(password),
		.host = host, .host_size = sizeof(host),
	};
	s = s ? s + 3 : url;
	const char *rest = hb_url_authority(s, default_port, &a, err, sizeof(err));
	if (!rest) {
		HB_FUZZ_CHECK(err[0] && memchr(err, '\0', sizeof(err)));
		return;
	}
	HB_FUZZ_CHECK(rest >= s && rest <= s + strlen(s) && !memchr(s, '/', (size_t)(rest - s)));
	HB_FUZZ_CHECK(!*rest || strchr("/?#", *rest));
	HB_FUZZ_CHECK(memchr(user, '\0', sizeof(user)) && memchr(password, '\0', sizeof(password)));
	HB_FUZZ_CHECK(memchr(host, '\0', sizeof(host)) && host[0]);
	HB_FUZZ_CHECK(a.port >= 1 && a.port <= 65535);
	HB_FUZZ_CHECK(a.has_password || !password[0]);
}

/* hb_redact_url: the URL without its password, never longer, cut to fit
 * and always terminated. */
static void redact_url(const char *url, size_t size)
{
	size_t n = strlen(url);
	char *full = malloc(n + 1);
	char *dst = malloc(size); /* exactly size, 0 too: ASan sees overruns */
	HB_FUZZ_CHECK(full && (dst || !size));
	hb_redact_url(full, n + 1, url);
	hb_redact_url(dst, size, url);
	if (size) {
		size_t len = strnlen(dst, size);
		HB_FUZZ_CHECK(len < size && strncmp(dst, full, len) == 0);
		HB_FUZZ_CHECK(len == size - 1 || len == strlen(full));
	}
	if (is_libpq_url(url))
		HB_FUZZ_CHECK(!libpq_leaks(url, full));
	else
		HB_FUZZ_CHECK(!shows_userinfo_password(full));
	/* Nothing to hide: shown as it is. */
	if (!strchr(url, '@') && !strcasestr(url, "password") && !strchr(url, '%'))
		HB_FUZZ_CHECK(strcmp(full, url) == 0);
	free(dst);
	free(full);
}

/* hb_pct_decode: 0 with the decoded text, -EINVAL for a bad or NUL
 * escape, -E2BIG when the text and its NUL do not fit in size. */
static void pct_decode(const char *s, size_t size)
{
	size_t n = strlen(s);
	char *dst = malloc(size), *big = malloc(n + 1);
	HB_FUZZ_CHECK((dst || !size) && big);
	int rc = hb_pct_decode(s, n, dst, size);
	int rc_big = hb_pct_decode(s, n, big, n + 1);
	HB_FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	HB_FUZZ_CHECK(rc_big == 0 || rc_big == -EINVAL);
	if (rc == 0) {
		size_t len = strnlen(dst, size);
		HB_FUZZ_CHECK(len < size && rc_big == 0 && strcmp(dst, big) == 0);
		/* Decoded, encoded again, decoded again: the same. */
		char *enc = malloc(3 * len + 1), *again = malloc(len + 1);
		HB_FUZZ_CHECK(enc && again);
		for (size_t i = 0; i < len; i++) {
			static const char hex[] = "0123456789ABCDEF";
			unsigned char c = (unsigned char)dst[i];
			enc[3 * i] = '%';
			enc[3 * i + 1] = hex[c >> 4];
			enc[3 * i + 2] = hex[c & 15];
		}
		HB_FUZZ_CHECK(hb_pct_decode(enc, 3 * len, again, len + 1) == 0);
		HB_FUZZ_CHECK(strcmp(again, dst) == 0);
		free(enc);
		free(again);
	} else if (rc == -E2BIG) {
		/* Too long, or (past what fits) a bad escape. */
		HB_FUZZ_CHECK(rc_big != 0 || strlen(big) + 1 > size);
	} else {
		HB_FUZZ_CHECK(rc_big == -EINVAL);
	}
	free(big);
	free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	char *text = malloc(size - 1);
	HB_FUZZ_CHECK(text);
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	switch (data[0] % 8) {
	case 0: spec_check("http", "url", text); break;
	case 1: spec_check("postgres", "url", text); break;
	case 2:
		spec_check("mysql", "url", text);
		url_authority(text, 3306);
		break;
	case 3:
		spec_check("redis", "url", text);
		url_authority(text, 6379);
		break;
	case 4: spec_check("tcp", "address", text); break;
	case 5: spec_check("dns", "host", text); break;
	case 6: redact_url(text, data[1]); break;
	case 7: pct_decode(text, data[1]); break;
	}
	free(text);
	return 0;
}
