/* SPDX-License-Identifier: MIT */
/* The tcp check kind: connect, optionally send a payload and match the reply. */
#include "driver.h"

#include "addr.h"
#include "osutil.h"
#include "resolve.h"
#include "check.h"

#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REPLY_CAP (64 * 1024)

static int tcp_port(const struct hb_check *c)
{
	char host[HB_HOST_MAX];
	int port = 0;
	if (hb_split_hostport(c->address, host, sizeof(host), &port, 0, 0, NULL,
			      0) < 0)
		return 0;
	return port;
}

/* Reads until the reply matches re, the peer closes, or the deadline. */
static void expect_reply(int fd, const struct hb_check *c, int64_t deadline_ns,
			 struct hb_attempt *a)
{
	static char reply[REPLY_CAP + 1];
	size_t len = 0;
	regex_t re;
	if (regcomp(&re, c->expect.reply, REG_EXTENDED | REG_NOSUB) != 0) {
		hb_attempt_fail(a, HB_CLASS_INTERNAL, "bad reply pattern");
		return;
	}
	for (;;) {
		reply[len] = '\0';
		if (len && regexec(&re, reply, 0, NULL, 0) == 0) {
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
					len ? "reply does not match /%s/ (got %zu bytes)"
					    : "no reply within the timeout (waiting for /%s/)",
					c->expect.reply, len);
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
					"reply does not match /%s/ (%zu bytes, then %s)",
					c->expect.reply, len,
					len < REPLY_CAP ? "closed" : "the cap");
			break;
		}
		len += (size_t)n;
	}
	regfree(&re);
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
	else if (c->expect.reply)
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
