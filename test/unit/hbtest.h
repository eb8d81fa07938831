/* SPDX-License-Identifier: MIT */
/* A small unit-test runner: each test runs in its own forked process with a
 * timeout, and assertions print file, line and both values (after libuv's
 * ASSERT_EQ). A test file defines its tests with HB_TEST and lists them once:
 *
 *   HB_TEST(parses_duration) { ASSERT_EQ_INT(hb_duration_parse(...), 0); }
 *   HB_TEST_MAIN(parses_duration, other_test)
 *
 * Run with a test name as argument to run that test alone, in-process (for gdb).
 * The closing line is "N passed, N failed".
 */
#ifndef HB_TEST_H
#define HB_TEST_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define HB_TEST(name) static void test_##name(void)

#define HB_FAIL_(...)                                                           \
	do {                                                                    \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                 \
		fprintf(stderr, __VA_ARGS__);                                   \
		fputc('\n', stderr);                                            \
		abort();                                                        \
	} while (0)

#define ASSERT(cond)                                                            \
	do {                                                                    \
		if (!(cond))                                                    \
			HB_FAIL_("assertion failed: %s", #cond);                \
	} while (0)

#define ASSERT_EQ_INT(a, b)                                                     \
	do {                                                                    \
		long long a_ = (long long)(a), b_ = (long long)(b);             \
		if (a_ != b_)                                                   \
			HB_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_);     \
	} while (0)

#define ASSERT_NE_INT(a, b)                                                     \
	do {                                                                    \
		long long a_ = (long long)(a), b_ = (long long)(b);             \
		if (a_ == b_)                                                   \
			HB_FAIL_("%s != %s: both %lld", #a, #b, a_);            \
	} while (0)

#define ASSERT_STREQ(a, b)                                                      \
	do {                                                                    \
		const char *a_ = (a), *b_ = (b);                                \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                          \
			HB_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b,          \
				 a_ ? a_ : "(null)", b_ ? b_ : "(null)");       \
	} while (0)

#define ASSERT_CONTAINS(hay, needle)                                            \
	do {                                                                    \
		const char *h_ = (hay), *n_ = (needle);                         \
		if (!h_ || !strstr(h_, n_))                                     \
			HB_FAIL_("%s contains %s: \"%s\" lacks \"%s\"", #hay,   \
				 #needle, h_ ? h_ : "(null)", n_);              \
	} while (0)

struct hb_test_case {
	const char *name;
	void (*fn)(void);
};

#define HB_TEST_ENTRY_(name) { #name, test_##name },
#define HB_TEST_MAP1_(m, x) m(x)
/* Expands a list of up to 64 names into entries. */
#define HB_TEST_EXPAND_(...) HB_TEST_FOREACH_(HB_TEST_ENTRY_, __VA_ARGS__)
#define HB_TEST_FOREACH_(m, ...)                                                \
	HB_TEST_FE_N_(__VA_ARGS__, HB_FE64, HB_FE63, HB_FE62, HB_FE61, HB_FE60, \
		      HB_FE59, HB_FE58, HB_FE57, HB_FE56, HB_FE55, HB_FE54,       \
		      HB_FE53, HB_FE52, HB_FE51, HB_FE50, HB_FE49, HB_FE48,       \
		      HB_FE47, HB_FE46, HB_FE45, HB_FE44, HB_FE43, HB_FE42,       \
		      HB_FE41, HB_FE40, HB_FE39, HB_FE38, HB_FE37, HB_FE36,       \
		      HB_FE35, HB_FE34, HB_FE33, HB_FE32, HB_FE31, HB_FE30,       \
		      HB_FE29, HB_FE28, HB_FE27, HB_FE26, HB_FE25, HB_FE24,       \
		      HB_FE23, HB_FE22, HB_FE21, HB_FE20, HB_FE19, HB_FE18,       \
		      HB_FE17, HB_FE16, HB_FE15, HB_FE14, HB_FE13, HB_FE12,       \
		      HB_FE11, HB_FE10, HB_FE9, HB_FE8, HB_FE7, HB_FE6, HB_FE5,   \
		      HB_FE4, HB_FE3, HB_FE2, HB_FE1)(m, __VA_ARGS__)
#define HB_TEST_FE_N_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13,  \
		      _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24,     \
		      _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35,     \
		      _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46,     \
		      _47, _48, _49, _50, _51, _52, _53, _54, _55, _56, _57,     \
		      _58, _59, _60, _61, _62, _63, _64, N, ...)                 \
	N
#define HB_FE1(m, x) m(x)
#define HB_FE2(m, x, ...) m(x) HB_FE1(m, __VA_ARGS__)
#define HB_FE3(m, x, ...) m(x) HB_FE2(m, __VA_ARGS__)
#define HB_FE4(m, x, ...) m(x) HB_FE3(m, __VA_ARGS__)
#define HB_FE5(m, x, ...) m(x) HB_FE4(m, __VA_ARGS__)
#define HB_FE6(m, x, ...) m(x) HB_FE5(m, __VA_ARGS__)
#define HB_FE7(m, x, ...) m(x) HB_FE6(m, __VA_ARGS__)
#define HB_FE8(m, x, ...) m(x) HB_FE7(m, __VA_ARGS__)
#define HB_FE9(m, x, ...) m(x) HB_FE8(m, __VA_ARGS__)
#define HB_FE10(m, x, ...) m(x) HB_FE9(m, __VA_ARGS__)
#define HB_FE11(m, x, ...) m(x) HB_FE10(m, __VA_ARGS__)
#define HB_FE12(m, x, ...) m(x) HB_FE11(m, __VA_ARGS__)
#define HB_FE13(m, x, ...) m(x) HB_FE12(m, __VA_ARGS__)
#define HB_FE14(m, x, ...) m(x) HB_FE13(m, __VA_ARGS__)
#define HB_FE15(m, x, ...) m(x) HB_FE14(m, __VA_ARGS__)
#define HB_FE16(m, x, ...) m(x) HB_FE15(m, __VA_ARGS__)
#define HB_FE17(m, x, ...) m(x) HB_FE16(m, __VA_ARGS__)
#define HB_FE18(m, x, ...) m(x) HB_FE17(m, __VA_ARGS__)
#define HB_FE19(m, x, ...) m(x) HB_FE18(m, __VA_ARGS__)
#define HB_FE20(m, x, ...) m(x) HB_FE19(m, __VA_ARGS__)
#define HB_FE21(m, x, ...) m(x) HB_FE20(m, __VA_ARGS__)
#define HB_FE22(m, x, ...) m(x) HB_FE21(m, __VA_ARGS__)
#define HB_FE23(m, x, ...) m(x) HB_FE22(m, __VA_ARGS__)
#define HB_FE24(m, x, ...) m(x) HB_FE23(m, __VA_ARGS__)
#define HB_FE25(m, x, ...) m(x) HB_FE24(m, __VA_ARGS__)
#define HB_FE26(m, x, ...) m(x) HB_FE25(m, __VA_ARGS__)
#define HB_FE27(m, x, ...) m(x) HB_FE26(m, __VA_ARGS__)
#define HB_FE28(m, x, ...) m(x) HB_FE27(m, __VA_ARGS__)
#define HB_FE29(m, x, ...) m(x) HB_FE28(m, __VA_ARGS__)
#define HB_FE30(m, x, ...) m(x) HB_FE29(m, __VA_ARGS__)
#define HB_FE31(m, x, ...) m(x) HB_FE30(m, __VA_ARGS__)
#define HB_FE32(m, x, ...) m(x) HB_FE31(m, __VA_ARGS__)
#define HB_FE33(m, x, ...) m(x) HB_FE32(m, __VA_ARGS__)
#define HB_FE34(m, x, ...) m(x) HB_FE33(m, __VA_ARGS__)
#define HB_FE35(m, x, ...) m(x) HB_FE34(m, __VA_ARGS__)
#define HB_FE36(m, x, ...) m(x) HB_FE35(m, __VA_ARGS__)
#define HB_FE37(m, x, ...) m(x) HB_FE36(m, __VA_ARGS__)
#define HB_FE38(m, x, ...) m(x) HB_FE37(m, __VA_ARGS__)
#define HB_FE39(m, x, ...) m(x) HB_FE38(m, __VA_ARGS__)
#define HB_FE40(m, x, ...) m(x) HB_FE39(m, __VA_ARGS__)
#define HB_FE41(m, x, ...) m(x) HB_FE40(m, __VA_ARGS__)
#define HB_FE42(m, x, ...) m(x) HB_FE41(m, __VA_ARGS__)
#define HB_FE43(m, x, ...) m(x) HB_FE42(m, __VA_ARGS__)
#define HB_FE44(m, x, ...) m(x) HB_FE43(m, __VA_ARGS__)
#define HB_FE45(m, x, ...) m(x) HB_FE44(m, __VA_ARGS__)
#define HB_FE46(m, x, ...) m(x) HB_FE45(m, __VA_ARGS__)
#define HB_FE47(m, x, ...) m(x) HB_FE46(m, __VA_ARGS__)
#define HB_FE48(m, x, ...) m(x) HB_FE47(m, __VA_ARGS__)
#define HB_FE49(m, x, ...) m(x) HB_FE48(m, __VA_ARGS__)
#define HB_FE50(m, x, ...) m(x) HB_FE49(m, __VA_ARGS__)
#define HB_FE51(m, x, ...) m(x) HB_FE50(m, __VA_ARGS__)
#define HB_FE52(m, x, ...) m(x) HB_FE51(m, __VA_ARGS__)
#define HB_FE53(m, x, ...) m(x) HB_FE52(m, __VA_ARGS__)
#define HB_FE54(m, x, ...) m(x) HB_FE53(m, __VA_ARGS__)
#define HB_FE55(m, x, ...) m(x) HB_FE54(m, __VA_ARGS__)
#define HB_FE56(m, x, ...) m(x) HB_FE55(m, __VA_ARGS__)
#define HB_FE57(m, x, ...) m(x) HB_FE56(m, __VA_ARGS__)
#define HB_FE58(m, x, ...) m(x) HB_FE57(m, __VA_ARGS__)
#define HB_FE59(m, x, ...) m(x) HB_FE58(m, __VA_ARGS__)
#define HB_FE60(m, x, ...) m(x) HB_FE59(m, __VA_ARGS__)
#define HB_FE61(m, x, ...) m(x) HB_FE60(m, __VA_ARGS__)
#define HB_FE62(m, x, ...) m(x) HB_FE61(m, __VA_ARGS__)
#define HB_FE63(m, x, ...) m(x) HB_FE62(m, __VA_ARGS__)
#define HB_FE64(m, x, ...) m(x) HB_FE63(m, __VA_ARGS__)

#define HB_TEST_MAIN(...)                                                       \
	static const struct hb_test_case hb_tests_[] = { HB_TEST_EXPAND_(      \
		__VA_ARGS__) };                                                 \
	int main(int argc, char **argv)                                         \
	{                                                                       \
		return hb_test_run_all_(hb_tests_,                              \
					sizeof(hb_tests_) / sizeof(hb_tests_[0]), \
					argc, argv);                            \
	}

static inline int hb_test_run_all_(const struct hb_test_case *t, size_t n,
				   int argc, char **argv)
{
	int passed = 0, failed = 0;
	unsigned timeout = getenv("HB_TEST_TIMEOUT")
				   ? (unsigned)atoi(getenv("HB_TEST_TIMEOUT"))
				   : 30;
	for (size_t i = 0; i < n; i++) {
		if (argc > 1) {
			if (strcmp(argv[1], t[i].name) == 0) {
				t[i].fn();
				printf("ok %s\n", t[i].name);
				return 0;
			}
			continue;
		}
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			alarm(timeout);
			t[i].fn();
			fflush(NULL);
			_exit(0);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0)
			;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			printf("ok %s\n", t[i].name);
			passed++;
		} else {
			printf("FAIL %s (%s %d)\n", t[i].name,
			       WIFSIGNALED(st) ? "signal" : "exit",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			failed++;
		}
	}
	if (argc > 1) {
		fprintf(stderr, "no test named %s\n", argv[1]);
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
