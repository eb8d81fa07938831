/* SPDX-License-Identifier: MIT */
/* A TCP server that accepts connections and never answers, for timeout tests.
 *
 * Usage: hb-hangserver ADDRESS PORT
 * Listens on ADDRESS:PORT (IPv4 or IPv6 literal), prints "ready" once it
 * listens, then accepts and holds every connection open, reading nothing and
 * writing nothing, until it is killed. Unlike `nc -lk` it serves any number of
 * simultaneous clients and never closes one on its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (argc != 3) {
		fprintf(stderr, "usage: %s ADDRESS PORT\n", argv[0]);
		return 2;
	}
	int port = atoi(argv[2]);
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, argv[1], &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, argv[1], &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		len = sizeof(*in6);
	} else {
		fprintf(stderr, "hb-hangserver: bad address \"%s\"\n", argv[1]);
		return 2;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "hb-hangserver: socket: %s\n", strerror(errno));
		return 1;
	}
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0) {
		fprintf(stderr, "hb-hangserver: bind/listen %s:%d: %s\n", argv[1],
			port, strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	/* Clients that give up must not kill us with SIGPIPE; we never write,
	 * but be explicit. Connections are held (never closed) until exit. */
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0 && errno != EINTR && errno != ECONNABORTED &&
		    errno != EMFILE) {
			fprintf(stderr, "hb-hangserver: accept: %s\n",
				strerror(errno));
			return 1;
		}
		if (c < 0 && errno == EMFILE)
			sleep(1);
	}
}
