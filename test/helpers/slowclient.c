/* SPDX-License-Identifier: MIT */
/* A slow HTTP client (slowloris) for the collector's tests: many connections
 * from one address, each sending its request headers a line at a time and
 * never finishing them.
 *
 * Usage: hb-slowclient HOST PORT [--bind ADDR] [--conns N] [--interval MS]
 *                      [--for MS]
 * Opens N connections to HOST:PORT (IPv4 literals), from ADDR when given
 * (any address of 127/8 is loopback), starts a request on each and sends
 * one more header line on each every MS milliseconds (default 500), for
 * --for milliseconds in all (default 5000). Prints "ready opened=N" once
 * every connection is open, and at the end one line
 *   opened=N closed=C open=O first_close_ms=F last_close_ms=L
 * where a connection counts as closed when the server ended it (end of
 * stream, reset, or a failed send), and the times are from its connect
 * (-1 when none closed). Bounded in size and time: at most 1000 connections
 * and 60 seconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1000

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s HOST PORT [--bind ADDR] [--conns N] [--interval MS] "
			"[--for MS]\n", argv0);
	exit(2);
}

struct slow {
	int fd;
	long long opened;
	bool open;
};

static struct slow conns[MAX_CONNS];
static int nconns;
static int nclosed;
static long long first_close = -1, last_close = -1;

static void closed(struct slow *s)
{
	long long t = now_ms() - s->opened;
	close(s->fd);
	s->open = false;
	nclosed++;
	if (first_close < 0 || t < first_close)
		first_close = t;
	if (t > last_close)
		last_close = t;
}

static void sendall(struct slow *s, const char *msg)
{
	if (s->open && send(s->fd, msg, strlen(msg), MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		closed(s);
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET }, from = { .sin_family = AF_INET };
	const char *bind_addr = NULL;
	int n = 1;
	long long interval = 500, total = 5000;
	if (argc < 3)
		usage(argv[0]);
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
		usage(argv[0]);
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	for (int i = 3; i < argc; i++) {
		if (i + 1 >= argc)
			usage(argv[0]);
		if (strcmp(argv[i], "--bind") == 0)
			bind_addr = argv[++i];
		else if (strcmp(argv[i], "--conns") == 0)
			n = atoi(argv[++i]);
		else if (strcmp(argv[i], "--interval") == 0)
			interval = atoll(argv[++i]);
		else if (strcmp(argv[i], "--for") == 0)
			total = atoll(argv[++i]);
		else
			usage(argv[0]);
	}
	if (n < 1 || n > MAX_CONNS || interval < 10 || total < 0 || total > 60000)
		usage(argv[0]);
	if (bind_addr && inet_pton(AF_INET, bind_addr, &from.sin_addr) != 1)
		usage(argv[0]);

	long long start = now_ms();
	for (int i = 0; i < n; i++) {
		struct slow *s = &conns[nconns];
		s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s->fd < 0) {
			perror("socket");
			return 1;
		}
		if (bind_addr && bind(s->fd, (struct sockaddr *)&from, sizeof(from)) < 0) {
			perror("bind");
			return 1;
		}
		if (connect(s->fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
			perror("connect");
			return 1;
		}
		fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
		s->opened = now_ms();
		s->open = true;
		nconns++;
		sendall(s, "GET /v1/releases/shop/web HTTP/1.1\r\nHost: slow\r\n");
	}
	printf("ready opened=%d\n", nconns);
	fflush(stdout);

	struct pollfd pfd[MAX_CONNS];
	long long next_send = now_ms() + interval, end = start + total;
	unsigned line = 0;
	for (;;) {
		long long t = now_ms();
		if (t >= end)
			break;
		if (t >= next_send) {
			char hdr[64];
			snprintf(hdr, sizeof(hdr), "X-Slow-%u: 1\r\n", line++);
			for (int i = 0; i < nconns; i++)
				sendall(&conns[i], hdr);
			next_send += interval;
		}
		int np = 0, map[MAX_CONNS];
		for (int i = 0; i < nconns; i++) {
			if (conns[i].open) {
				pfd[np] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
				map[np++] = i;
			}
		}
		long long wait = (next_send < end ? next_send : end) - now_ms();
		if (poll(pfd, (nfds_t)np, wait > 0 ? (int)wait : 0) < 0 && errno != EINTR) {
			perror("poll");
			return 1;
		}
		for (int k = 0; k < np; k++) {
			if (!pfd[k].revents)
				continue;
			struct slow *s = &conns[map[k]];
			char buf[4096];
			ssize_t r = recv(s->fd, buf, sizeof(buf), 0);
			/* An answer (400, 408) is read and the end awaited. */
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				closed(s);
		}
	}
	printf("opened=%d closed=%d open=%d first_close_ms=%lld last_close_ms=%lld\n", nconns,
	       nclosed, nconns - nclosed, first_close, last_close);
	return 0;
}
