/* SPDX-License-Identifier: MIT */
/* getaddrinfo and a deadline-bound connect for the built-in kinds. */
#include "resolve.h"

#include "osutil.h"
#include "driver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct addrinfo *hb_resolve(const char *host, int port, int family,
			    struct hb_attempt *a)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%d", port);
	int rc = getaddrinfo(host, port ? service : NULL, &hints, &res);
	/* AI_ADDRCONFIG hides ::1 on hosts with only loopback IPv6; a
	 * literal address must still work. */
	if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY) {
		hints.ai_flags = 0;
		rc = getaddrinfo(host, port ? service : NULL, &hints, &res);
	}
	if (rc == 0)
		return res;
	switch (rc) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		hb_attempt_fail(a, HB_CLASS_DNS_FAILURE,
				"name \"%s\" does not resolve", host);
		break;
	case EAI_AGAIN:
		hb_attempt_fail(a, HB_CLASS_DNS_FAILURE,
				"resolving \"%s\": temporary failure (no answer "
				"from the DNS server)", host);
		break;
	case EAI_SYSTEM:
		hb_attempt_fail(a, HB_CLASS_DNS_FAILURE, "resolving \"%s\": %s",
				host, strerror(errno));
		break;
	default:
		hb_attempt_fail(a, HB_CLASS_DNS_FAILURE, "resolving \"%s\": %s",
				host, gai_strerror(rc));
		break;
	}
	return NULL;
}

void hb_format_addr(const struct sockaddr *sa, char *dst, size_t size,
		    int with_port)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		if (with_port)
			snprintf(dst, size, "%s:%d", ip, port);
		else
			snprintf(dst, size, "%s", ip);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		if (with_port)
			snprintf(dst, size, "[%s]:%d", ip, port);
		else
			snprintf(dst, size, "%s", ip);
	} else {
		snprintf(dst, size, "?");
	}
}

/* One non-blocking connect, waited for until the deadline. Returns the
 * socket, or -1 with *err the errno (ETIMEDOUT for the deadline). */
static int connect_one(const struct addrinfo *ai, int64_t deadline_ns, int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto connected;
	if (errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -1;
	}
	for (;;) {
		int64_t left = (deadline_ns - hb_mono_ns()) / 1000000;
		if (left <= 0) {
			*err = ETIMEDOUT;
			close(fd);
			return -1;
		}
		struct pollfd p = { fd, POLLOUT, 0 };
		int rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			*err = rc == 0 ? ETIMEDOUT : errno;
			close(fd);
			return -1;
		}
		int so = 0;
		socklen_t sl = sizeof(so);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
		if (so) {
			*err = so;
			close(fd);
			return -1;
		}
		break;
	}
connected:
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int hb_connect_any(const struct addrinfo *ai, int64_t deadline_ns,
		   const char *display, struct hb_attempt *a)
{
	int err = 0;
	char addr[80] = "";
	for (const struct addrinfo *p = ai; p; p = p->ai_next) {
		hb_format_addr(p->ai_addr, addr, sizeof(addr), 1);
		int fd = connect_one(p, deadline_ns, &err);
		if (fd >= 0) {
			hb_attempt_detail(a, "resolved_address", "%s", addr);
			return fd;
		}
		if (err == ETIMEDOUT)
			break; /* the deadline is shared: nothing left to try */
	}
	hb_attempt_detail(a, "resolved_address", "%s", addr);
	if (err == ECONNREFUSED)
		hb_attempt_fail(a, HB_CLASS_CONNECTION_REFUSED,
				"connect to %s refused", display);
	else if (err == ETIMEDOUT)
		hb_attempt_fail(a, HB_CLASS_CONNECT_TIMEOUT,
				"connect to %s timed out", display);
	else
		hb_attempt_fail(a, HB_CLASS_NETWORK_ERROR, "connect to %s: %s",
				display, strerror(err));
	return -1;
}
