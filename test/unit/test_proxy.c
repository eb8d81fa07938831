/* SPDX-License-Identifier: MIT */
/* Proxies: curl's no_proxy rules, proxy URLs, the environment's variables
 * read into each http check (upper-case HTTP_PROXY never), the spec's
 * "proxy" field, and which requests of a check go through which proxy. */
#include "hbtest.h"

#include "check.h"
#include "cli.h"
#include "kinds.h"
#include "proxy.h"
#include "spec.h"
#include "strutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

HB_TEST(noproxy_matches_as_curl)
{
	/* Names: itself and its subdomains, a leading or trailing dot
	 * ignored, letter case too; no partial label. */
	ASSERT(hb_noproxy_match("example.com", "example.com"));
	ASSERT(hb_noproxy_match("www.example.com", "example.com"));
	ASSERT(hb_noproxy_match("www.example.com", ".example.com"));
	ASSERT(hb_noproxy_match("WWW.Example.COM.", "example.com."));
	ASSERT(!hb_noproxy_match("nonexample.com", "example.com"));
	ASSERT(!hb_noproxy_match("example.com", "www.example.com"));
	ASSERT(hb_noproxy_match("api.shop.svc.cluster.local",
				"localhost, .svc,.cluster.local"));
	ASSERT(hb_noproxy_match("api.shop.svc", "localhost .svc"));
	ASSERT(!hb_noproxy_match("api.example.org", "localhost,.svc"));
	/* "*" alone matches everything; among others it is a name. */
	ASSERT(hb_noproxy_match("anything", "*"));
	ASSERT(!hb_noproxy_match("anything", "a,*"));
	/* Addresses: themselves, or a network with /bits. */
	ASSERT(hb_noproxy_match("127.0.0.1", "127.0.0.1"));
	ASSERT(hb_noproxy_match("10.1.2.3", "192.168.0.0/16,10.0.0.0/8"));
	ASSERT(!hb_noproxy_match("11.1.2.3", "10.0.0.0/8"));
	ASSERT(hb_noproxy_match("10.1.2.3", "10.1.2.0/25"));
	ASSERT(!hb_noproxy_match("10.1.2.200", "10.1.2.0/25"));
	ASSERT(hb_noproxy_match("[::1]", "::1"));
	ASSERT(hb_noproxy_match("::1", "[::1]"));
	ASSERT(hb_noproxy_match("[fd00::5]", "fd00::/8"));
	ASSERT(!hb_noproxy_match("[fe80::5]", "fd00::/8"));
	/* An address is not a name: "0.0.1" is no domain of it. */
	ASSERT(!hb_noproxy_match("10.0.0.1", "0.0.1"));
	ASSERT(!hb_noproxy_match("10.0.0.1", "10.0.0.1/x"));
	ASSERT(!hb_noproxy_match("app", ""));
	ASSERT(!hb_noproxy_match("app", NULL));
	ASSERT(!hb_noproxy_match("", "app"));
}

HB_TEST(proxy_urls_parse_as_curl)
{
	struct hb_proxy p;
	char err[256];
	ASSERT_EQ_INT(hb_proxy_parse("http://127.0.0.1:3128", &p, err, sizeof(err)), 0);
	ASSERT(!p.https);
	ASSERT_STREQ(p.host, "127.0.0.1");
	ASSERT_EQ_INT(p.port, 3128);
	/* curl's default ports: 1080, and 443 for an https proxy. */
	ASSERT_EQ_INT(hb_proxy_parse("proxy.corp", &p, err, sizeof(err)), 0);
	ASSERT_EQ_INT(p.port, 1080);
	ASSERT_EQ_INT(hb_proxy_parse("HTTPS://proxy.corp/", &p, err, sizeof(err)), 0);
	ASSERT(p.https);
	ASSERT_EQ_INT(p.port, 443);
	ASSERT_EQ_INT(hb_proxy_parse("http://u%40x:p%2Fw@[::1]:8888", &p, err,
				     sizeof(err)), 0);
	ASSERT_STREQ(p.host, "::1");
	ASSERT_STREQ(p.user, "u@x");
	ASSERT_STREQ(p.password, "p/w");
	ASSERT(p.has_password);
	ASSERT_EQ_INT(hb_proxy_parse("socks5://proxy:1080", &p, err, sizeof(err)),
		      -EINVAL);
	ASSERT_CONTAINS(err, "http:// or https://");
	ASSERT_EQ_INT(hb_proxy_parse("http://proxy:3128/path", &p, err, sizeof(err)),
		      -EINVAL);
	ASSERT_CONTAINS(err, "no path");
	ASSERT_EQ_INT(hb_proxy_parse("http://proxy:99999", &p, err, sizeof(err)),
		      -EINVAL);
	ASSERT_EQ_INT(hb_proxy_parse("http://u:secret@:1", &p, err, sizeof(err)),
		      -EINVAL);
	ASSERT(strstr(err, "secret") == NULL);
}

/* The environment of the next test. */
static const char *const *env_now;

static const char *test_env(const char *name)
{
	for (const char *const *e = env_now; e && *e; e += 2)
		if (strcmp(e[0], name) == 0)
			return e[1];
	return NULL;
}

/* Parses json and decides its proxies under env; NULL with err on error. */
static struct hb_spec *with_env(const char *json, const char *const *env,
				struct hb_spec_error *err)
{
	env_now = env;
	struct hb_spec *s = hb_spec_parse(json, strlen(json), "spec.json",
					  test_env, err);
	if (s && hb_spec_proxies(s, test_env, err) < 0) {
		hb_spec_free(s);
		return NULL;
	}
	return s;
}

static const char one_http[] =
	"{\"checks\": [{\"name\": \"a\", \"kind\": \"http\", "
	"\"url\": \"http://app.shop.svc:8080/\"}, "
	"{\"name\": \"t\", \"kind\": \"tcp\", \"address\": \"db:5432\"}]}";

HB_TEST(environment_proxies_as_curl_reads_them)
{
	struct hb_spec_error err;
	/* Upper-case HTTP_PROXY alone: ignored (httpoxy). */
	const char *const upper[] = { "HTTP_PROXY", "http://evil:1", NULL };
	struct hb_spec *s = with_env(one_http, upper, &err);
	ASSERT(s);
	ASSERT(s->checks[0].http_proxy == NULL);
	ASSERT(hb_check_proxy(&s->checks[0], "app.shop.svc", false) == NULL);
	hb_spec_free(s);

	const char *const env[] = { "http_proxy", "http://p:3128",
				    "HTTPS_PROXY", "http://q:3129",
				    "NO_PROXY", ".svc,.cluster.local", NULL };
	s = with_env(one_http, env, &err);
	ASSERT(s);
	const struct hb_check *c = &s->checks[0];
	ASSERT_STREQ(c->http_proxy, "http://p:3128");
	ASSERT_STREQ(c->https_proxy, "http://q:3129");
	ASSERT_STREQ(hb_check_proxy_source(c, true), "HTTPS_PROXY");
	ASSERT(hb_check_proxy(c, "app.shop.svc", false) == NULL);
	ASSERT_STREQ(hb_check_proxy(c, "example.com", false), "http://p:3128");
	ASSERT_STREQ(hb_check_proxy(c, "example.com", true), "http://q:3129");
	/* Only http checks take them. */
	ASSERT(s->checks[1].http_proxy == NULL);
	hb_spec_free(s);

	/* Lower case first; all_proxy after the scheme's own; an empty
	 * variable means none and ends the search, as in curl. */
	const char *const order[] = { "https_proxy", "http://lower:1",
				      "HTTPS_PROXY", "http://upper:2",
				      "all_proxy", "http://all:3",
				      "no_proxy", "", NULL };
	s = with_env(one_http, order, &err);
	ASSERT(s);
	ASSERT_STREQ(s->checks[0].https_proxy, "http://lower:1");
	ASSERT_STREQ(s->checks[0].http_proxy, "http://all:3");
	ASSERT_STREQ(hb_check_proxy_source(&s->checks[0], false), "all_proxy");
	ASSERT(s->checks[0].no_proxy == NULL);
	hb_spec_free(s);
	const char *const empty[] = { "http_proxy", "", "all_proxy", "http://all:3",
				      NULL };
	s = with_env(one_http, empty, &err);
	ASSERT(s);
	ASSERT(s->checks[0].http_proxy == NULL);
	hb_spec_free(s);

	/* A proxy hookbox cannot use is an error naming the variable. */
	const char *const socks[] = { "ALL_PROXY", "socks5h://s:1080", NULL };
	ASSERT(!with_env(one_http, socks, &err));
	ASSERT_CONTAINS(err.msg, "environment variable ALL_PROXY");
	/* ... but only for a run with an http check. */
	s = with_env("{\"checks\": [{\"name\": \"t\", \"kind\": \"tcp\", "
		     "\"address\": \"db:5432\"}]}",
		     socks, &err);
	ASSERT(s);
	hb_spec_free(s);
}

HB_TEST(spec_proxy_field)
{
	struct hb_spec_error err;
	const char *const env[] = { "http_proxy", "http://env:1", "no_proxy",
				    "internal", "PROXY_URL",
				    "http://u:pw@spec:3128", NULL };
	struct hb_spec *s = with_env(
		"{\"checks\": [{\"name\": \"a\", \"kind\": \"http\", "
		"\"url\": \"https://example.com/\", \"proxy\": \"${PROXY_URL}\"},"
		"{\"name\": \"b\", \"kind\": \"http\", \"url\": "
		"\"http://example.com/\", \"proxy\": false},"
		"{\"name\": \"c\", \"kind\": \"http\", \"url\": "
		"\"http://internal/\", \"proxy\": \"http://spec:3128\"}]}",
		env, &err);
	ASSERT(s);
	ASSERT_STREQ(hb_check_proxy(&s->checks[0], "example.com", true),
		     "http://u:pw@spec:3128");
	ASSERT_STREQ(hb_check_proxy_source(&s->checks[0], true), "proxy");
	ASSERT(hb_check_proxy(&s->checks[1], "example.com", false) == NULL);
	/* no_proxy holds for the spec's proxy too, as for curl's -x. */
	ASSERT(hb_check_proxy(&s->checks[2], "internal", false) == NULL);
	hb_spec_free(s);

	static const struct {
		const char *value, *msg;
	} bad[] = {
		{ "true", "checks[0].proxy: expected a proxy URL" },
		{ "3128", "checks[0].proxy: expected a proxy URL" },
		{ "\"socks5://p:1\"", "checks[0].proxy: expected an http:// or https://" },
		{ "\"http://p:3128/x\"", "checks[0].proxy: a proxy URL has no path" },
		{ "\"http://p q:1\"", "checks[0].proxy: the proxy URL has a space" },
		{ "\"http://p:0\"", "checks[0].proxy: bad host or port" },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(bad); i++) {
		char json[256];
		snprintf(json, sizeof(json),
			 "{\"checks\": [{\"name\": \"a\", \"kind\": \"http\", "
			 "\"url\": \"http://x/\", \"proxy\": %s}]}",
			 bad[i].value);
		ASSERT(!with_env(json, env, &err));
		ASSERT_CONTAINS(err.msg, bad[i].msg);
	}
	/* Not a field of other kinds. */
	ASSERT(!with_env("{\"checks\": [{\"name\": \"t\", \"kind\": \"tcp\", "
			 "\"address\": \"db:1\", \"proxy\": \"\"}]}",
			 env, &err));
	ASSERT_CONTAINS(err.msg, "checks[0].proxy: not valid for kind \"tcp\"");
}

/* Whether the run needs the http module with TLS (hookbox-http-plain.so
 * has none): an https proxy does, whatever the URL. */
HB_TEST(an_https_proxy_needs_tls)
{
	struct hb_check c;
	memset(&c, 0, sizeof(c));
	c.url = "http://app/";
	ASSERT(!hb_http_uses_tls(&c));
	c.http_proxy = "http://proxy:3128";
	ASSERT(!hb_http_uses_tls(&c));
	c.https_proxy = "https://proxy:443";
	ASSERT(hb_http_uses_tls(&c));
	c.https_proxy = NULL;
	c.http_proxy = "HTTPS://proxy";
	ASSERT(hb_http_uses_tls(&c));
}

/* --proxy URL and --no-proxy: the check's "proxy", for http only. */
HB_TEST(one_liner_flags)
{
	static char *argv[][6] = {
		{ "hookbox", "http", "http://app/", "--proxy", "http://p:3128" },
		{ "hookbox", "http", "http://app/", "--no-proxy" },
		{ "hookbox", "tcp", "app:1", "--no-proxy" },
	};
	static const char *const want[] = {
		"{\"kind\":\"http\",\"proxy\":\"http://p:3128\",\"url\":\"http://app/\"}",
		"{\"kind\":\"http\",\"proxy\":false,\"url\":\"http://app/\"}",
		NULL,
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(argv); i++) {
		struct hb_cli cli;
		char err[256] = "";
		int argc = 0;
		while (argc < 6 && argv[i][argc])
			argc++;
		int rc = hb_cli_parse(argc, argv[i], &cli, err, sizeof(err));
		if (!want[i]) {
			ASSERT_EQ_INT(rc, -1);
			ASSERT_CONTAINS(err, "--no-proxy is not an option of \"hookbox tcp\"");
			continue;
		}
		ASSERT_EQ_INT(rc, 0);
		cJSON *check = cJSON_GetArrayItem(
			cJSON_GetObjectItem(cli.spec_json, "checks"), 0);
		char *text = cJSON_PrintUnformatted(check);
		ASSERT_STREQ(text, want[i]);
		free(text);
		hb_cli_release(&cli);
	}
}

HB_TEST_MAIN(noproxy_matches_as_curl, proxy_urls_parse_as_curl,
	     environment_proxies_as_curl_reads_them, spec_proxy_field,
	     an_https_proxy_needs_tls, one_liner_flags)
