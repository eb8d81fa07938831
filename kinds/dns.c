/* SPDX-License-Identifier: MIT */
/* The dns check kind: resolve a name the way the pod's programs will. */
#include "driver.h"

#include "osutil.h"
#include "resolve.h"
#include "check.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_ANSWERS 64

static int same_addr(const char *text, const char *answer)
{
	unsigned char a[16], b[16];
	int fa = strchr(text, ':') ? AF_INET6 : AF_INET;
	int fb = strchr(answer, ':') ? AF_INET6 : AF_INET;
	if (fa != fb || inet_pton(fa, text, a) != 1 || inet_pton(fb, answer, b) != 1)
		return 0;
	return memcmp(a, b, fa == AF_INET ? 4 : 16) == 0;
}

/* DNS answers over UDP, which Landlock does not filter; a truncated answer
 * is retried over TCP port 53, the one TCP port the check may use. */
static int dns_port(const struct hb_check *c)
{
	return 53;
}

/* getaddrinfo takes no deadline (glibc's resolver waits by resolv.conf's
 * timeout and attempts): past the attempt's, the agent's kill ends it. */
static void dns_run(const struct hb_check *c, void *state,
		    const struct hb_deadline *dl, struct hb_attempt *a)
{
	char answers[MAX_ANSWERS][64];
	size_t n = 0;
	int64_t t0 = hb_mono_ns();
	struct addrinfo *ai = hb_resolve(c->host, 0, c->family, a);
	a->timing.dns_ms = hb_ms_between(t0, hb_mono_ns());
	a->timing.total_ms = a->timing.dns_ms;
	if (!ai)
		return;
	/* getaddrinfo repeats an address once per socket type: keep one. */
	for (struct addrinfo *p = ai; p && n < MAX_ANSWERS; p = p->ai_next) {
		char s[64];
		hb_format_addr(p->ai_addr, s, sizeof(s), 0);
		int dup = 0;
		for (size_t i = 0; i < n && !dup; i++)
			dup = strcmp(answers[i], s) == 0;
		if (!dup)
			memcpy(answers[n++], s, sizeof(s));
	}
	freeaddrinfo(ai);

	char list[256] = "";
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s%s", i ? "," : "",
			 answers[i]);
	}
	hb_attempt_detail(a, "addresses", "%s", list);
	hb_attempt_detail(a, "address_count", "%zu", n);

	int want = c->expect.min_addresses > 0 ? c->expect.min_addresses : 1;
	if ((int)n < want) {
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"\"%s\" resolved to %zu address%s, expected at least %d",
				c->host, n, n == 1 ? "" : "es", want);
		return;
	}
	for (size_t e = 0; e < c->expect.n_addresses; e++) {
		int found = 0;
		for (size_t i = 0; i < n && !found; i++)
			found = same_addr(c->expect.addresses[e], answers[i]);
		if (!found) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"\"%s\" resolved to %s, not to %s", c->host,
					list, c->expect.addresses[e]);
			return;
		}
	}
	hb_attempt_pass(a);
}

const struct hb_driver hb_driver_dns = {
	.name = "dns",
	.flags = HB_DRIVER_RESOLVES,
	.run = dns_run,
	.port = dns_port,
	.syscalls = (const int[]){ -1 },
};
