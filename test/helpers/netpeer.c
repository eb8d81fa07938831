/* SPDX-License-Identifier: MIT */
/* hb-netpeer: the other end a sandbox test needs, running until killed.
 *
 *   hb-netpeer udp PORT OUT         datagrams to 127.0.0.1:PORT, appended to OUT
 *   hb-netpeer tcp PORT OUT         TCP on 127.0.0.1:PORT; what arrives, to OUT
 *   hb-netpeer unix PATH OUT        a stream socket at PATH; what arrives, to OUT
 *   hb-netpeer abstract NAME OUT    the same at the abstract address "\0NAME"
 *   hb-netpeer dns PORT ADDRESS     a DNS server on 127.0.0.1:PORT (UDP) that
 *                                   answers every A query with ADDRESS, and
 *                                   any other with no record
 *
 * A test fixture, not hookbox code: what arrived is how a test shows that a
 * check's forbidden datagram or connection got nowhere. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "hb-netpeer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void append(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	if (write(fd, data, len) != (ssize_t)len)
		die(path);
	close(fd);
}

static int udp_socket(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("udp");
	return fd;
}

static void udp(int port, const char *out)
{
	int fd = udp_socket(port);
	char buf[65536];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			append(out, buf, (size_t)n);
	}
}

/* Accepts on the listening socket fd for ever, appending what each
 * connection sends to out. */
static void accept_loop(int fd, const char *out)
{
	if (listen(fd, 16) < 0)
		die("listen");
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		char buf[4096];
		ssize_t r;
		while ((r = read(c, buf, sizeof(buf))) > 0)
			append(out, buf, (size_t)r);
		close(c);
	}
}

static void tcp(int port, const char *out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("tcp");
	accept_loop(fd, out);
}

static void stream(const char *name, bool abstract, const char *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	if (n + 2 > sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		die(name);
	}
	memcpy(sa.sun_path + abstract, name, n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				    abstract + n + !abstract);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0)
		die(name);
	if (!abstract)
		chmod(name, 0777); /* a check child may run as nobody */
	accept_loop(fd, out);
}

/* The question's end in a query of len bytes (header of 12, then labels,
 * type and class), or 0 when it is malformed. */
static size_t question_end(const unsigned char *q, size_t len)
{
	size_t i = 12;
	while (i < len && q[i] != 0) {
		if (q[i] & 0xc0)
			return 0; /* no compression in a question */
		i += 1 + q[i];
	}
	return i + 5 <= len ? i + 5 : 0;
}

static void dns(int port, const char *address)
{
	struct in_addr ip;
	if (inet_pton(AF_INET, address, &ip) != 1) {
		errno = EINVAL;
		die(address);
	}
	int fd = udp_socket(port);
	for (;;) {
		unsigned char q[512], r[600];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), 0,
				     (struct sockaddr *)&from, &fl);
		size_t end = n > 12 ? question_end(q, (size_t)n) : 0;
		if (!end)
			continue;
		unsigned qtype = (unsigned)q[end - 4] << 8 | q[end - 3];
		bool a = qtype == 1;
		memcpy(r, q, end);
		r[2] = 0x81; /* a response, recursion desired */
		r[3] = 0x80; /* recursion available, no error */
		r[4] = 0, r[5] = 1;     /* one question */
		r[6] = 0, r[7] = a;     /* one answer to an A query */
		memset(r + 8, 0, 4);    /* no authority, no additional */
		size_t len = end;
		if (a) {
			static const unsigned char rr[] = {
				0xc0, 12,   /* the question's name */
				0, 1, 0, 1, /* A, IN */
				0, 0, 0, 60, /* TTL */
				0, 4,
			};
			memcpy(r + len, rr, sizeof(rr));
			len += sizeof(rr);
			memcpy(r + len, &ip, 4);
			len += 4;
		}
		(void)sendto(fd, r, len, 0, (struct sockaddr *)&from, fl);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: hb-netpeer udp|tcp|unix|abstract|dns ARG OUT|ADDRESS\n");
		return 2;
	}
	if (strcmp(argv[1], "udp") == 0)
		udp(atoi(argv[2]), argv[3]);
	else if (strcmp(argv[1], "tcp") == 0)
		tcp(atoi(argv[2]), argv[3]);
	else if (strcmp(argv[1], "unix") == 0)
		stream(argv[2], false, argv[3]);
	else if (strcmp(argv[1], "abstract") == 0)
		stream(argv[2], true, argv[3]);
	else if (strcmp(argv[1], "dns") == 0)
		dns(atoi(argv[2]), argv[3]);
	fprintf(stderr, "hb-netpeer: unknown mode \"%s\"\n", argv[1]);
	return 2;
}
