/* SPDX-License-Identifier: MIT */
/* Unit tests of what an exec report keeps of a command's output: the tail's
 * size (--output-tail), the bytes it says were dropped, and the flag's
 * checks. */
#include "hbtest.h"

#include "cli.h"
#include "exec.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

static int parse(struct hb_cli *cli, char *err, size_t errlen, const char *tail)
{
	static char *argv[8];
	int argc = 0;
	argv[argc++] = "hookbox";
	argv[argc++] = "exec";
	if (tail) {
		argv[argc++] = "--output-tail";
		argv[argc++] = (char *)tail;
	}
	argv[argc++] = "--";
	argv[argc++] = "true";
	argv[argc] = NULL;
	err[0] = '\0';
	return hb_cli_parse(argc, argv, cli, err, errlen);
}

HB_TEST(output_tail_flag)
{
	static const struct {
		const char *arg;
		long long bytes; /* -1: refused */
	} cases[] = {
		{ NULL, 4096 },       { "0", 0 },          { "100", 100 },
		{ "16K", 16384 },     { "16k", 16384 },    { "64KiB", 65536 },
		{ "256K", 262144 },   { "257K", -1 },      { "1M", -1 },
		{ "262145", -1 },     { "-1", -1 },        { "4 K", -1 },
		{ "4KB", -1 },        { "", -1 },          { "x", -1 },
		{ "99999999999999999999", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hb_cli cli;
		char err[256];
		int rc = parse(&cli, err, sizeof(err), cases[i].arg);
		if (cases[i].bytes < 0) {
			if (rc != -1)
				HB_FAIL_("case %zu (\"%s\") parsed", i, cases[i].arg);
			ASSERT_CONTAINS(err, "--output-tail: expected a size from 0 to 256K");
			continue;
		}
		if (rc != 0)
			HB_FAIL_("case %zu (\"%s\"): %s", i, cases[i].arg, err);
		ASSERT_EQ_INT((long long)cli.exec_tail_bytes, cases[i].bytes);
		hb_cli_release(&cli);
	}
	/* Only exec has a command whose output to keep. */
	char *argv[] = { "hookbox", "http", "http://a/", "--output-tail", "1K", NULL };
	struct hb_cli cli;
	char err[256];
	ASSERT_EQ_INT(hb_cli_parse(5, argv, &cli, err, sizeof(err)), -1);
	ASSERT_CONTAINS(err, "--output-tail is an option of \"hookbox exec\"");
}

/* The tail of p (written in chunks of step bytes) in a ring of cap. */
static char *tail_of(const char *p, size_t n, size_t step, size_t cap,
		     uint64_t *dropped)
{
	struct hb_tail t;
	hb_tail_init(&t, cap);
	for (size_t i = 0; i < n; i += step)
		hb_tail_add(&t, p + i, n - i < step ? n - i : step);
	char *s = hb_report_tail(&t, dropped);
	hb_tail_release(&t);
	return s;
}

HB_TEST(tail_size_and_dropped)
{
	char buf[1000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	uint64_t dropped = 99;
	/* All of it fits: nothing dropped. */
	char *s = tail_of(buf, 100, 7, 100, &dropped);
	ASSERT_EQ_INT(strlen(s), 100);
	ASSERT_EQ_INT(dropped, 0);
	free(s);
	/* The last 100 of 1000, in small and in large writes. */
	for (size_t step = 1; step <= 1000; step *= 10) {
		s = tail_of(buf, sizeof(buf), step, 100, &dropped);
		ASSERT_EQ_INT(strlen(s), 100);
		ASSERT(memcmp(s, buf + 900, 100) == 0);
		ASSERT_EQ_INT(dropped, 900);
		free(s);
	}
	/* 0 keeps nothing and counts it all. */
	s = tail_of(buf, 1000, 64, 0, &dropped);
	ASSERT_STREQ(s, "");
	ASSERT_EQ_INT(dropped, 1000);
	free(s);
	/* A cut through "é" (2 bytes): its continuation byte is dropped
	 * too, and counted. */
	memcpy(buf, "xx\xc3\xa9yyyy", 8);
	s = tail_of(buf, 8, 3, 5, &dropped);
	ASSERT_STREQ(s, "yyyy");
	ASSERT_EQ_INT(dropped, 4);
	free(s);
	s = tail_of(buf, 8, 3, 6, &dropped);
	ASSERT_STREQ(s, "\xc3\xa9yyyy");
	ASSERT_EQ_INT(dropped, 2);
	free(s);
}

HB_TEST_MAIN(output_tail_flag, tail_size_and_dropped)
