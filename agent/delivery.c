/* SPDX-License-Identifier: MIT */
/* The process that sends a run's reports, the only one that reads the
 * collector's token (delivery.h). */
#include "delivery.h"

#include "deliver.h"
#include "driver.h"
#include "drivers.h"
#include "osutil.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Past the budgets: a sender's last attempt may take a second more
 * (kinds/deliver.c), and the process must also end. */
#define SENDER_GRACE_MS 5000
/* Far more than a report of HB_SPEC_MAX_CHECKS checks. */
#define REPORT_MAX (64u << 20)

struct hb_sender {
	pid_t pid;
	int sock; /* the agent's end of a stream socket pair */
	int64_t first_budget_ms;
};

/* What the agent sends for the last report, before its bytes. */
struct last_header {
	uint64_t len;
	int64_t budget_ms;
};

static int read_full(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_full(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t r = send(fd, c, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The sender's life: the token, the first report, the last one, whose
 * outcome goes back as "+" (taken) or "-" and what failed. */
__attribute__((noreturn)) static void
sender_main(int sock, const char *url, const char *token_file,
	    const uint8_t *first, size_t first_len, int64_t first_budget_ms)
{
	char msg[512] = "";
	char *token = NULL;
	/* Its memory is no one's to read (/proc/PID/mem, ptrace): hookbox
	 * exec's command runs as the same user meanwhile. */
	prctl(PR_SET_DUMPABLE, 0);
	hb_deliver_fn fn = (hb_deliver_fn)hb_module_symbol(
		hb_kinds[HB_DELIVER_KIND].module, HB_DELIVER_SYMBOL, msg,
		sizeof(msg));
	bool ready = fn && (!token_file ||
			    (token = hb_read_token(token_file, msg, sizeof(msg))));
	struct hb_deliver_opts o = { .url = url, .token = token };
	if (first) {
		o.budget_ms = first_budget_ms;
		if (!ready || fn(&o, first, first_len, msg, sizeof(msg)) < 0)
			fprintf(stderr, "hookbox: sending the report to %s: %s\n",
				url, msg);
	}
	struct last_header h;
	uint8_t *last = NULL;
	/* End of file instead: the run ended without a last report. */
	if (read_full(sock, &h, sizeof(h)) < 0 || h.len > REPORT_MAX ||
	    !(last = malloc(h.len ? h.len : 1)) ||
	    read_full(sock, last, h.len) < 0) {
		hb_secret_free(token);
		_exit(0);
	}
	o.budget_ms = h.budget_ms;
	char reply[1 + sizeof(msg)] = "+";
	if (!ready || fn(&o, last, h.len, msg, sizeof(msg)) < 0)
		snprintf(reply, sizeof(reply), "-%s", msg);
	hb_secret_free(token);
	(void)send_full(sock, reply, strlen(reply));
	_exit(0);
}

struct hb_sender *hb_sender_start(const char *url, const char *token_file,
				  const uint8_t *first, size_t first_len,
				  int64_t first_budget_ms, char *err,
				  size_t errlen)
{
	struct hb_sender *s = calloc(1, sizeof(*s));
	int sv[2];
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		free(s);
		return NULL;
	}
	fflush(NULL); /* the sender must not flush our output again */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		free(s);
		return NULL;
	}
	if (pid == 0) {
		close(sv[0]);
		sender_main(sv[1], url, token_file, first, first_len,
			    first_budget_ms);
	}
	close(sv[1]);
	s->pid = pid;
	s->sock = sv[0];
	s->first_budget_ms = first_budget_ms;
	return s;
}

/* Closes our end and reaps the sender, killing it first if asked. The
 * exec command's loop may have reaped it (waitpid(-1)): ECHILD is fine. */
static void sender_end(struct hb_sender *s, bool kill_it)
{
	close(s->sock);
	if (kill_it)
		kill(s->pid, SIGKILL);
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(s);
}

int hb_sender_finish(struct hb_sender *s, const uint8_t *report, size_t len,
		     int64_t budget_ms, char *err, size_t errlen)
{
	struct last_header h = { len, budget_ms };
	int64_t total = s->first_budget_ms + budget_ms + SENDER_GRACE_MS;
	int64_t deadline = hb_mono_ms() + total;
	/* It takes the report once the first is sent: a hung sender must not
	 * hang the agent. */
	struct timeval tv = { (time_t)(total / 1000), (suseconds_t)(total % 1000 * 1000) };
	setsockopt(s->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send_full(s->sock, &h, sizeof(h)) < 0 ||
	    send_full(s->sock, report, len) < 0) {
		snprintf(err, errlen, "the sending process did not take the "
			 "report: %s", strerror(errno));
		sender_end(s, true);
		return -1;
	}
	shutdown(s->sock, SHUT_WR);

	/* Its reply, then end of file as it exits. */
	char reply[1 + 512];
	size_t got = 0;
	bool ended = false;
	for (;;) {
		int64_t left = deadline - hb_mono_ms();
		struct pollfd pfd = { s->sock, POLLIN, 0 };
		int n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ssize_t r = read(s->sock, reply + got, sizeof(reply) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		ended = r <= 0 || got + (size_t)r == sizeof(reply) - 1;
		if (r > 0)
			got += (size_t)r;
		if (ended)
			break;
	}
	reply[got] = '\0';
	sender_end(s, !ended);
	if (reply[0] == '+')
		return 0;
	if (reply[0] == '-')
		snprintf(err, errlen, "%s", reply + 1);
	else if (!ended)
		snprintf(err, errlen, "no outcome within %lld ms, the sending "
			 "process was stopped",
			 (long long)total);
	else
		snprintf(err, errlen, "the sending process ended without a word");
	return -1;
}

void hb_sender_free(struct hb_sender *s)
{
	/* Without a last report the first one does not matter any more. */
	if (s)
		sender_end(s, true);
}
