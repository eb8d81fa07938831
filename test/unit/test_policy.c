/* SPDX-License-Identifier: MIT */
/* The seccomp filters compiled at build time (gen/policies.c) against what
 * libseccomp compiles now from the same lists, and the fall-back when the
 * lists differ. Needs the build's modules: HOOKBOX_MODULE_DIR. Like the
 * agent, this test does not link libseccomp: compiling goes through the
 * hookbox-seccomp module, the agent's own fall-back path. */
#include "hbtest.h"

#include "exec.h"
#include "policy.h"
#include "driver.h"
#include "drivers.h"
#include "strutil.h"

#include <linux/filter.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>

static const enum hb_sandbox_mode modes[] = { HB_SANDBOX_ENFORCE,
					      HB_SANDBOX_LOG, HB_POLICY_ZYGOTE,
					      HB_POLICY_NARROW, HB_POLICY_HANDOFF };

static bool same_prog(const struct sock_fprog *a, const struct sock_fprog *b)
{
	return a->len == b->len &&
	       memcmp(a->filter, b->filter, a->len * sizeof(*a->filter)) == 0;
}

HB_TEST(every_kind_is_prebuilt_and_equals_libseccomp)
{
	char err[512];
	size_t kinds = 0;
	for (size_t k = 0; k < HB_KIND_COUNT; k++, kinds++) {
		const struct hb_driver *d =
			hb_driver_find(hb_kinds[k].name, err, sizeof(err));
		if (!d)
			HB_FAIL_("%s: %s", hb_kinds[k].name, err);
		for (size_t m = 0; m < HB_ARRAY_SIZE(modes); m++) {
			/* The hand-off filter, only of kinds that hand off. */
			if (modes[m] == HB_POLICY_HANDOFF &&
			    !(d->flags & HB_DRIVER_HANDOFF))
				continue;
			struct hb_policy *pre = hb_policy_new(d, modes[m], err, sizeof(err));
			struct hb_policy *now = hb_policy_compile(d, modes[m], err, sizeof(err));
			ASSERT(pre && now);
			if (!hb_policy_is_prebuilt(pre))
				HB_FAIL_("%s (mode %d) was compiled at run time",
					 d->name, modes[m]);
			ASSERT(!hb_policy_is_prebuilt(now));
			if (!same_prog(hb_policy_prog(pre), hb_policy_prog(now)))
				HB_FAIL_("%s (mode %d): build-time program differs",
					 d->name, modes[m]);
			ASSERT_EQ_INT(hb_policy_notifies(pre), modes[m] == HB_SANDBOX_LOG);
			hb_policy_free(pre);
			hb_policy_free(now);
		}
	}
	ASSERT(kinds >= 6);
}

HB_TEST(a_different_list_is_compiled_not_prebuilt)
{
	char err[512];
	const struct hb_driver *http = hb_driver_find("http", err, sizeof(err));
	ASSERT(http);
	/* Same name and flags, one call more: a module of another build. */
	static int more[64];
	size_t n = 0;
	for (; http->syscalls[n] != -1 && n < HB_ARRAY_SIZE(more) - 2; n++)
		more[n] = http->syscalls[n];
	more[n++] = 101; /* ptrace */
	more[n] = -1;
	struct hb_driver d = *http;
	d.syscalls = more;
	struct hb_policy *p = hb_policy_new(&d, HB_SANDBOX_ENFORCE, err, sizeof(err));
	struct hb_policy *pre = hb_policy_new(http, HB_SANDBOX_ENFORCE, err, sizeof(err));
	ASSERT(p && pre);
	ASSERT(!hb_policy_is_prebuilt(p));
	ASSERT(!same_prog(hb_policy_prog(p), hb_policy_prog(pre)));
	/* And the flags count: without threads, no clone rule. */
	d = *http;
	d.flags &= ~HB_DRIVER_THREADS;
	struct hb_policy *nt = hb_policy_new(&d, HB_SANDBOX_ENFORCE, err, sizeof(err));
	ASSERT(nt && !hb_policy_is_prebuilt(nt));
	hb_policy_free(p);
	hb_policy_free(pre);
	hb_policy_free(nt);
}

HB_TEST(exec_filters_are_prebuilt_and_equal_libseccomp)
{
	char err[512];
	for (size_t m = 0; m < 2; m++) { /* exec: enforce and log only */
		const struct hb_bpf_prebuilt *b = hb_bpf_find("exec", modes[m], 0, NULL);
		ASSERT(b != NULL);
		struct sock_fprog now = { 0, NULL };
		ASSERT_EQ_INT(hb_policy_compile_exec(modes[m], &now, err, sizeof(err)), 0);
		struct sock_fprog pre = { b->len, (struct sock_filter *)b->prog };
		ASSERT(same_prog(&pre, &now));
		free(now.filter);
	}
}

/* Naming a forbidden call takes the build's table, libseccomp's names. */
HB_TEST(syscall_names_come_from_the_build)
{
	char name[64];
	ASSERT(hb_syscall_names != NULL);
	hb_syscall_name(SYS_ptrace, 0, name, sizeof(name));
	ASSERT_STREQ(name, "ptrace");
	/* As the SIGSYS handler reports it: with the audit architecture. */
	ASSERT(hb_syscall_names_arch != 0);
	hb_syscall_name(SYS_ptrace, hb_syscall_names_arch, name, sizeof(name));
	ASSERT_STREQ(name, "ptrace");
	hb_syscall_name(SYS_clone3, 0, name, sizeof(name));
	ASSERT_STREQ(name, "clone3");
	hb_syscall_name(99999, 0, name, sizeof(name));
	ASSERT_STREQ(name, "syscall 99999");
}

/* The filters a check starts under carry its kind's hand-off filter: all
 * kinds but dns, whose check sends datagrams to the end. Log mode's tells
 * the agent instead. */
HB_TEST(checks_that_hand_off_carry_the_hand_off_filter)
{
	char err[512];
	for (size_t k = 0; k < HB_KIND_COUNT; k++) {
		const struct hb_driver *d =
			hb_driver_find(hb_kinds[k].name, err, sizeof(err));
		ASSERT(d != NULL);
		bool dns = strcmp(d->name, "dns") == 0;
		ASSERT_EQ_INT(!(d->flags & HB_DRIVER_HANDOFF), dns);
		ASSERT_EQ_INT(d->resolve == NULL, dns);
		static const enum hb_sandbox_mode carry[] = {
			HB_SANDBOX_ENFORCE, HB_POLICY_NARROW };
		for (size_t m = 0; m < HB_ARRAY_SIZE(carry); m++) {
			struct hb_policy *p = hb_policy_new(d, carry[m], err, sizeof(err));
			ASSERT(p != NULL);
			const struct hb_policy *h = hb_policy_handoff(p);
			ASSERT_EQ_INT(h != NULL, !dns);
			if (h) {
				ASSERT(hb_policy_is_prebuilt(h));
				/* Small: a handful of rules. */
				ASSERT(hb_policy_size(h) < 64);
			}
			hb_policy_free(p);
		}
		struct hb_policy *log = hb_policy_new(d, HB_SANDBOX_LOG, err, sizeof(err));
		ASSERT(log && !hb_policy_handoff(log));
		hb_policy_free(log);
	}
}

HB_TEST_MAIN(every_kind_is_prebuilt_and_equals_libseccomp,
	     checks_that_hand_off_carry_the_hand_off_filter,
	     syscall_names_come_from_the_build,
	     a_different_list_is_compiled_not_prebuilt,
	     exec_filters_are_prebuilt_and_equal_libseccomp)
