/* SPDX-License-Identifier: MIT */
/* The tcp check kind: connect, optionally send a payload and match the
 * reply (a regex, a text, or both). */
#include "driver.h"

#include "addr.h"
#include "osutil.h"
#include "pattern.h"
#include "resolve.h"
#include "check.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REPLY_CAP (64 * 1024)
/* How much of a pattern or text a message quotes. */
#define QUOTE_MAX 80

static int tcp_port(const struct hb_check *c)
{
	return hb_address_port(c->address);
}

/* What the reply is waited for, as messages name it: /re/, "text", or
 * both. */
static void describe_want(const struct hb_expect *e, char *dst, size_t size)
{
	char re[QUOTE_MAX + 8] = "", text[QUOTE_MAX + 8] = "";
	if (e->reply)
		snprintf(re, sizeof(re), "/%.*s/", QUOTE_MAX, e->reply);
	if (e->reply_contains)
		snprintf(text, sizeof(text), "\"%.*s\"", QUOTE_MAX,
			 e->reply_contains);
	snprintf(dst, size, "%s%s%s", re, *re && *text ? " and " : "", text);
}

/* 1 when the reply so far meets expect.reply and expect.reply_contains,
 * 0 when not yet, -1 when PCRE2 stopped at a limit (a filled). */
static int reply_ok(struct hb_pattern *re, const struct hb_expect *e,
		    const char *reply, size_t len, struct hb_attempt *a)
{
	if (!len)
		return 0;
	if (e->reply_contains &&
	    !memmem(reply, len, e->reply_contains, strlen(e->reply_contains)))
		return 0;
	if (!re)
		return 1;
	char why[128];
	int m = hb_pattern_match(re, reply, len, why, sizeof(why));
	if (m < 0)
		hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
				"reply not matched against /%s/: PCRE2 stopped "
				"at %s (got %zu bytes)",
				e->reply, why, len);
	return m;
}

/* Reads until the reply matches, the peer closes, or the deadline. */
static void expect_reply(int fd, const struct hb_check *c, int64_t deadline_ns,
			 struct hb_attempt *a)
{
	static char reply[REPLY_CAP + 1];
	size_t len = 0;
	char want[2 * QUOTE_MAX + 32], why[200];
	struct hb_pattern *re = NULL;
	describe_want(&c->expect, want, sizeof(want));
	if (c->expect.reply &&
	    !(re = hb_pattern_new(c->expect.reply, why, sizeof(why)))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "bad reply pattern: %s",
				why);
		return;
	}
	for (;;) {
		reply[len] = '\0';
		int ok = reply_ok(re, &c->expect, reply, len, a);
		if (ok < 0)
			break;
		if (ok) {
			hb_attempt_pass(a);
			break;
		}
		int64_t left = (deadline_ns - hb_mono_ns()) / 1000000;
		struct pollfd p = { fd, POLLIN, 0 };
		int rc = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0) {
			hb_attempt_fail(a, len ? HB_CLASS_ASSERTION_FAILED
					       : HB_CLASS_TIMEOUT,
					len ? "reply does not match %s (got %zu bytes)"
					    : "no reply within the timeout (waiting for %s)",
					want, len);
			break;
		}
		ssize_t n = len < REPLY_CAP ? recv(fd, reply + len, REPLY_CAP - len, 0)
					    : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR,
					"reading the reply: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			hb_attempt_fail(a, HB_CLASS_ASSERTION_FAILED,
					"reply does not match %s (%zu bytes, then %s)",
					want, len,
					len < REPLY_CAP ? "closed" : "the cap");
			break;
		}
		len += (size_t)n;
	}
	hb_pattern_free(re);
	hb_attempt_detail(a, "reply_bytes", "%zu", len);
}

/* The addresses resolve found, for run. */
struct tcp_state {
	int64_t t0;
	struct addrinfo *ai;
};

static int tcp_prepare(const struct hb_check *c, void **state,
		       struct hb_attempt *a)
{
	if (!(*state = calloc(1, sizeof(struct tcp_state)))) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "calloc: out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int tcp_resolve(const struct hb_check *c, void *state,
		       struct hb_attempt *a)
{
	struct tcp_state *s = state;
	char host[HB_HOST_MAX], why[128];
	int port;
	s->t0 = hb_mono_ns();
	if (hb_split_hostport(c->address, host, sizeof(host), &port, 0, 0, why,
			      sizeof(why)) < 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "bad address \"%s\": %s",
				c->address, why);
		return -EINVAL;
	}
	s->ai = hb_resolve(host, port, c->family, a);
	a->timing.dns_ms = hb_ms_between(s->t0, hb_mono_ns());
	return s->ai ? HB_RESOLVED : -ENOENT;
}

static void tcp_run(const struct hb_check *c, void *state,
		    const struct hb_deadline *dl, struct hb_attempt *a)
{
	struct tcp_state *s = state;
	int64_t t0 = s->t0;
	int64_t deadline = dl->at_ns;
	int fd = hb_connect_any(s->ai, deadline, c->address, a);
	freeaddrinfo(s->ai);
	free(s);
	int64_t t2 = hb_mono_ns();
	a->timing.connect_ms = hb_ms_between(t0, t2);
	if (fd < 0)
		return;
	hb_attempt_pass(a);
	if (c->send && *c->send &&
	    send(fd, c->send, strlen(c->send), MSG_NOSIGNAL) < 0)
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "sending: %s",
				strerror(errno));
	else if (c->expect.reply || c->expect.reply_contains)
		expect_reply(fd, c, deadline, a);
	close(fd);
	a->timing.total_ms = hb_ms_between(t0, hb_mono_ns());
}

const struct hb_driver hb_driver_tcp = {
	.name = "tcp",
	.flags = HB_DRIVER_RESOLVES | HB_DRIVER_HANDOFF,
	.prepare = tcp_prepare,
	.resolve = tcp_resolve,
	.run = tcp_run,
	.port = tcp_port,
	.syscalls = (const int[]){ -1 },
};
