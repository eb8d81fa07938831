/* SPDX-License-Identifier: MIT */
/* Sending a report from a child process, the only one that reads the
 * collector's token (deliver.h). */
#include "deliver.h"

#include "osutil.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Past the sender's budget: its last attempt may take a second more
 * (runner/deliver.c), and a child must also start and end. */
#define DELIVERY_GRACE_MS 5000

__attribute__((noreturn)) static void
sender(hb_deliver_fn fn, const char *url, const char *token_file,
       const uint8_t *report, size_t len, int64_t budget_ms, int out)
{
	char msg[512] = "";
	char *token = NULL;
	int rc = -1;
	if (!token_file || (token = hb_read_token(token_file, msg, sizeof(msg)))) {
		struct hb_deliver_opts o = {
			.url = url,
			.token = token,
			.budget_ms = budget_ms,
		};
		rc = fn(&o, report, len, msg, sizeof(msg));
	}
	hb_secret_free(token);
	if (rc < 0)
		(void)hb_write_all(out, msg, strlen(msg));
	_exit(rc < 0 ? 1 : 0);
}

int hb_deliver_in_child(hb_deliver_fn fn, const char *url,
			const char *token_file, const uint8_t *report,
			size_t len, int64_t budget_ms, char *err,
			size_t errlen)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe2: %s", strerror(errno));
		return -1;
	}
	fflush(NULL); /* the child must not flush our output again */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		sender(fn, url, token_file, report, len, budget_ms, p[1]);
	}
	close(p[1]);

	/* Its message, then end of file when it exits. */
	char msg[512];
	size_t got = 0;
	bool killed = false;
	int64_t deadline = hb_mono_ms() + budget_ms + DELIVERY_GRACE_MS;
	for (;;) {
		int64_t left = deadline - hb_mono_ms();
		struct pollfd pfd = { p[0], POLLIN, 0 };
		int n = left > 0 ? poll(&pfd, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		ssize_t r = read(p[0], msg + got, sizeof(msg) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == sizeof(msg) - 1)
			break;
	}
	msg[got] = '\0';
	close(p[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !killed)
		return 0;
	if (killed)
		snprintf(err, errlen, "no answer within %lld ms",
			 (long long)(budget_ms + DELIVERY_GRACE_MS));
	else if (got)
		snprintf(err, errlen, "%s", msg);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "the sending process was killed by %s",
			 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status))
							 : "a signal");
	else
		snprintf(err, errlen, "the sending process failed without a word");
	return -1;
}
