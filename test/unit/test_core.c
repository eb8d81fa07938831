/* SPDX-License-Identifier: MIT */
/* Unit tests of the pure pieces: buffers, durations, strings, failure
 * classes, the attempt wire format, downward-API parsing, host:port. */
#include "hbtest.h"

#include "addr.h"
#include "buf.h"
#include "classify.h"
#include "duration.h"
#include "osutil.h"
#include "podinfo.h"
#include "driver.h"
#include "strutil.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

HB_TEST(buf_appends_and_caps)
{
	struct hb_buf b;
	hb_buf_init(&b, 8);
	ASSERT_EQ_INT(hb_buf_appends(&b, "abcd"), 0);
	ASSERT_EQ_INT(hb_buf_printf(&b, "%d", 123), 0);
	ASSERT_STREQ(hb_buf_str(&b), "abcd123");
	/* Past the cap the append fails and the buffer is freed. */
	ASSERT_EQ_INT(hb_buf_appends(&b, "xy"), -E2BIG);
	ASSERT_EQ_INT(b.len, 0);
	ASSERT(b.data == NULL);
	ASSERT_EQ_INT(hb_buf_appends(&b, "ok"), 0);
	size_t len;
	char *s = hb_buf_take(&b, &len);
	ASSERT_STREQ(s, "ok");
	ASSERT_EQ_INT(len, 2);
	free(s);
	hb_buf_release(&b);
}

HB_TEST(buf_printf_long)
{
	struct hb_buf b;
	hb_buf_init(&b, 4096);
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_EQ_INT(hb_buf_printf(&b, "<%s>", big), 0);
	ASSERT_EQ_INT(b.len, 1001);
	hb_buf_release(&b);
}

HB_TEST(duration_parses_units)
{
	static const struct {
		const char *in;
		int64_t ms;
	} ok[] = {
		{ "500ms", 500 }, { "5s", 5000 }, { "1.5s", 1500 }, { "2m", 120000 },
		{ "1h", 3600000 }, { "3", 3000 }, { "0", 0 }, { "0.25", 250 },
	};
	for (size_t i = 0; i < HB_ARRAY_SIZE(ok); i++) {
		int64_t ms = -1;
		ASSERT_EQ_INT(hb_duration_parse(ok[i].in, &ms), 0);
		ASSERT_EQ_INT(ms, ok[i].ms);
	}
	static const char *const bad[] = { "", "-1s", "5x", "s", "1e400", "31d",
					   "nan", " 5s", "5 s", "800h" };
	for (size_t i = 0; i < HB_ARRAY_SIZE(bad); i++) {
		int64_t ms;
		if (hb_duration_parse(bad[i], &ms) != -EINVAL)
			HB_FAIL_("\"%s\" should not parse", bad[i]);
	}
}

HB_TEST(duration_formats)
{
	char s[32];
	hb_duration_format(s, sizeof(s), 250);
	ASSERT_STREQ(s, "250ms");
	hb_duration_format(s, sizeof(s), 5000);
	ASSERT_STREQ(s, "5s");
	hb_duration_format(s, sizeof(s), 1500);
	ASSERT_STREQ(s, "1.5s");
	hb_duration_format(s, sizeof(s), 90000);
	ASSERT_STREQ(s, "1m30s");
}

HB_TEST(oneline_strips_controls_and_utf8_tails)
{
	char s[16];
	hb_oneline(s, sizeof(s), "a\nb\tc\r\n");
	ASSERT_STREQ(s, "a b c");
	/* "é" is two bytes: never cut in the middle of it. */
	hb_oneline(s, 6, "abcd\xc3\xa9");
	ASSERT_STREQ(s, "abcd");
}

HB_TEST(redact_url_drops_password)
{
	char s[128];
	hb_redact_url(s, sizeof(s), "postgres://app:secret@db:5432/app");
	ASSERT_STREQ(s, "postgres://app@db:5432/app");
	/* No user name left: no "@" either, as a check's target shows it. */
	hb_redact_url(s, sizeof(s), "redis://:pw@cache:6379/0");
	ASSERT_STREQ(s, "redis://cache:6379/0");
	hb_redact_url(s, sizeof(s), "http://app:8080/health?x=a@b");
	ASSERT_STREQ(s, "http://app:8080/health?x=a@b");
	hb_redact_url(s, sizeof(s), "mysql://root@db/x");
	ASSERT_STREQ(s, "mysql://root@db/x");
}

HB_TEST(classes_have_names_and_hints)
{
	ASSERT_STREQ(hb_class_name(HB_CLASS_CONNECTION_REFUSED), "CONNECTION_REFUSED");
	ASSERT_STREQ(hb_class_name(HB_CLASS_NONE), "");
	ASSERT_STREQ(hb_class_name(999), "UNKNOWN");
	ASSERT_CONTAINS(hb_class_hint(HB_CLASS_CONNECTION_REFUSED), "no ready endpoints");
	ASSERT_CONTAINS(hb_class_hint(HB_CLASS_CONNECT_TIMEOUT), "NetworkPolicy");
	ASSERT_CONTAINS(hb_class_hint(HB_CLASS_DNS_FAILURE), "namespace");
	ASSERT_CONTAINS(hb_class_hint(HB_CLASS_AUTH_FAILED), "Secret");
	/* Every class but NONE has a hint. */
	for (int c = 1; c < HB_CLASS__COUNT; c++)
		if (hb_class_defined(c) &&
		    (!*hb_class_hint(c) || !*hb_class_name(c)))
			HB_FAIL_("class %d lacks a name or hint", c);
}

HB_TEST(attempt_round_trips)
{
	struct hb_attempt a, b;
	hb_attempt_init(&a);
	a.number = 3;
	hb_attempt_fail(&a, HB_CLASS_HTTP_STATUS, "status %d,\nexpected %s", 500, "2xx");
	hb_attempt_detail(&a, "status_code", "%d", 500);
	hb_attempt_detail(&a, "status_code", "%d", 501); /* replaces */
	hb_attempt_detail(&a, "resolved_address", "127.0.0.1:%d", 80);
	a.timing.connect_ms = 1.5;
	uint8_t buf[8192];
	size_t n = hb_attempt_pack(&a, buf, sizeof(buf));
	ASSERT(n > 0);
	ASSERT_EQ_INT(hb_attempt_unpack(buf, n, &b), 0);
	ASSERT_EQ_INT(b.number, 3);
	ASSERT_EQ_INT(b.outcome, HB_FAILED);
	ASSERT_EQ_INT(b.failure_class, HB_CLASS_HTTP_STATUS);
	ASSERT_STREQ(b.message, "status 500, expected 2xx");
	ASSERT_STREQ(hb_attempt_get_detail(&b, "status_code"), "501");
	ASSERT_EQ_INT(b.n_details, 2);
	ASSERT(b.timing.connect_ms == 1.5);
	/* Too small a buffer is refused, not overrun. */
	ASSERT_EQ_INT(hb_attempt_pack(&a, buf, 8), 0);
	/* Garbage is rejected. */
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	ASSERT_EQ_INT(hb_attempt_unpack(junk, sizeof(junk), &b), -EINVAL);
}

HB_TEST(attempt_unpack_clamps_classes)
{
	struct hb_attempt a, b;
	hb_attempt_init(&a);
	a.outcome = 2;
	a.failure_class = 9999; /* from a confused or hostile child */
	uint8_t buf[1024];
	size_t n = hb_attempt_pack(&a, buf, sizeof(buf));
	ASSERT_EQ_INT(hb_attempt_unpack(buf, n, &b), 0);
	ASSERT_EQ_INT(b.failure_class, HB_CLASS_INTERNAL);
}

HB_TEST(details_stop_at_limit)
{
	struct hb_attempt a;
	hb_attempt_init(&a);
	for (int i = 0; i < HB_MAX_DETAILS + 5; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%d", i);
		hb_attempt_detail(&a, k, "%d", i);
	}
	ASSERT_EQ_INT(a.n_details, HB_MAX_DETAILS);
}

struct kv_seen {
	char last_key[64];
	char last_value[256];
	int n;
};

static void on_kv(const char *k, const char *v, void *ud)
{
	struct kv_seen *s = ud;
	hb_strlcpy(s->last_key, k, sizeof(s->last_key));
	hb_strlcpy(s->last_value, v, sizeof(s->last_value));
	s->n++;
}

HB_TEST(podinfo_parses_downward_api)
{
	const char *text = "app.kubernetes.io/instance=\"shop\"\n"
			   "helm.sh/hook=\"test\"\n"
			   "broken line\n"
			   "note=\"a \\\"quoted\\\" value\"";
	struct kv_seen s = { 0 };
	ASSERT_EQ_INT(hb_podinfo_parse(text, strlen(text), on_kv, &s), 3);
	ASSERT_STREQ(s.last_key, "note");
	ASSERT_STREQ(s.last_value, "a \"quoted\" value");
}

static const char *fake_env(const char *name)
{
	if (strcmp(name, "POD_NAME") == 0)
		return "shop-test-api";
	if (strcmp(name, "HOOKBOX_REVISION") == 0)
		return "7";
	return NULL;
}

HB_TEST(podinfo_loads_files_and_env)
{
	char dir[] = "/tmp/hb-podinfo-XXXXXX";
	ASSERT(mkdtemp(dir));
	char p[128];
	snprintf(p, sizeof(p), "%s/labels", dir);
	FILE *f = fopen(p, "w");
	fputs("app.kubernetes.io/instance=\"shop\"\njob-name=\"shop-migrate\"\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/annotations", dir);
	f = fopen(p, "w");
	fputs("helm.sh/hook=\"pre-install, pre-upgrade\"\nhelm.sh/hook-weight=\"-5\"\n", f);
	fclose(f);
	struct hb_podinfo pi;
	hb_podinfo_load(&pi, dir, fake_env);
	ASSERT_STREQ(pi.release, "shop");
	ASSERT_STREQ(pi.hook_events, "pre-install,pre-upgrade");
	ASSERT_EQ_INT(pi.hook_weight, -5);
	ASSERT_STREQ(pi.hook_name, "shop-migrate");
	ASSERT_STREQ(pi.pod_name, "shop-test-api");
	ASSERT_EQ_INT(pi.revision, 7);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	ASSERT_EQ_INT(system(p), 0);
}

/* hb_rfc3339 does its own calendar: it must agree with gmtime_r across
 * leap years, century rules and the epoch's both sides. */
HB_TEST(rfc3339_agrees_with_gmtime)
{
	char got[64], want[96];
	struct timespec ts = { 0, 0 };
	hb_rfc3339(got, sizeof(got), &ts);
	ASSERT_STREQ(got, "1970-01-01T00:00:00.000Z");
	ts = (struct timespec){ 951782400 + 86399, 999999999 }; /* 2000-02-29 */
	hb_rfc3339(got, sizeof(got), &ts);
	ASSERT_STREQ(got, "2000-02-29T23:59:59.999Z");
	uint64_t x = 88172645463325252ULL; /* xorshift: spread over 1900..2400 */
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ts.tv_sec = (time_t)(x % 15778800000ULL) - 2208988800LL;
		ts.tv_nsec = (long)(x % 1000000000ULL);
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
		hb_rfc3339(got, sizeof(got), &ts);
		if (strcmp(got, want) != 0)
			HB_FAIL_("%lld: got %s, want %s", (long long)ts.tv_sec, got, want);
	}
}

/* hb_llround stands in for llround(): the same answer, halves included. */
HB_TEST(llround_without_libm)
{
	static const double fixed[] = {
		0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994,
		-0.49999999999999994, 4503599627370495.5, -4503599627370495.5,
		1e15 + 0.5, 123456.4999, 2592000000.0,
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (hb_llround(fixed[i]) != llround(fixed[i]))
			HB_FAIL_("%.17g: %lld, llround %lld", fixed[i],
				 (long long)hb_llround(fixed[i]), llround(fixed[i]));
	uint64_t x = 2463534242ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* within the contract: |d| < 2^61 */
		double d = (double)((int64_t)x >> 2) / (double)(1ULL << (x % 40));
		if (hb_llround(d) != llround(d))
			HB_FAIL_("%.17g: %lld, llround %lld", d,
				 (long long)hb_llround(d), llround(d));
	}
}

/* Found by fuzz/fuzz_url.c: libpq read a password these showed. */
HB_TEST(redact_url_reads_postgres_as_libpq)
{
	static const struct {
		const char *url, *shown;
	} cases[] = {
		{ "postgres://app:pa#ss@db/app", "postgres://app@db/app" },
		{ "postgresql://app:pa?ss@db/app", "postgresql://app@db/app" },
		{ "postgres://db/app?sslmode=require&pass%77ord=x",
		  "postgres://db/app?sslmode=require" },
		{ "postgres://db/app?sslmode=require#&password=x",
		  "postgres://db/app?sslmode=require#" },
		{ "postgres://u@db?password=x@y/app", "postgres://u@db" },
		{ "postgres://db/app?password=x&a=1", "postgres://db/app?a=1" },
		/* Elsewhere a fragment is one, and an "@" after "?" no user. */
		{ "http://app/?a=1#&password=x", "http://app/?a=1#&password=x" },
		{ "http://app/?pass%77ord=x&a=1", "http://app/?a=1" },
		{ "http://app/?a&&b", "http://app/?a&&b" },
	};
	char s[128];
	for (size_t i = 0; i < HB_ARRAY_SIZE(cases); i++) {
		hb_redact_url(s, sizeof(s), cases[i].url);
		ASSERT_STREQ(s, cases[i].shown);
	}
}

/* Found by fuzz/fuzz_url.c: size 0 wrote or read past dst. */
HB_TEST(url_helpers_take_size_zero)
{
	/* One unterminated byte: read past it and ASan says so. */
	char s[4] = "abc", *one = malloc(1);
	ASSERT(one != NULL);
	one[0] = 'x';
	hb_redact_url(one, 0, "postgres://app:secret@db/app");
	ASSERT(one[0] == 'x');
	free(one);
	ASSERT_EQ_INT(hb_pct_decode("", 0, s, 0), -E2BIG);
	ASSERT_STREQ(s, "abc");
	hb_redact_url(s, 1, "postgres://app:secret@db/app");
	ASSERT_STREQ(s, "");
	hb_redact_url(s, sizeof(s), "postgres://app:secret@db/app");
	ASSERT_STREQ(s, "pos");
}

HB_TEST_MAIN(buf_appends_and_caps, buf_printf_long, duration_parses_units,
	     duration_formats, oneline_strips_controls_and_utf8_tails,
	     redact_url_drops_password, classes_have_names_and_hints,
	     attempt_round_trips, attempt_unpack_clamps_classes,
	     details_stop_at_limit, podinfo_parses_downward_api,
	     podinfo_loads_files_and_env, rfc3339_agrees_with_gmtime,
	     llround_without_libm, redact_url_reads_postgres_as_libpq,
	     url_helpers_take_size_zero)
