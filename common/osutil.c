/* SPDX-License-Identifier: MIT */
/* Clocks, whole-file reads and writes, and UUIDs. */
#include "osutil.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t hb_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t hb_mono_ms(void)
{
	return hb_mono_ns() / 1000000;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * civil_from_days). gmtime_r would do, but it takes glibc's time zone lock
 * and loads /etc/localtime on first use: 2% of a fifty-check run's CPU,
 * since every check child stamps its attempt. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void hb_rfc3339(char *dst, size_t size, const struct timespec *ts)
{
	int64_t secs = ts->tv_sec;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(dst, size, "%04lld-%02u-%02uT%02u:%02u:%02u.%03ldZ",
		 (long long)y, m, d, (unsigned)(rem / 3600),
		 (unsigned)(rem / 60 % 60), (unsigned)(rem % 60),
		 ts->tv_nsec / 1000000);
}

void hb_rfc3339_now(char *dst, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	hb_rfc3339(dst, size, &ts);
}

int hb_uuid4(char *dst, size_t size)
{
	unsigned char r[16];
	if (size < 37)
		return -EINVAL;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -errno;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(dst, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
		 r[10], r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

int hb_read_fd(int fd, size_t cap, struct hb_buf *b)
{
	hb_buf_init(b, cap);
	char chunk[8192];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;
			hb_buf_release(b);
			return e;
		}
		if (n == 0)
			break;
		int rc = hb_buf_append(b, chunk, (size_t)n);
		if (rc < 0)
			return rc;
	}
	if (!b->data)
		return hb_buf_append(b, "", 0);
	return 0;
}

int hb_read_file(const char *path, size_t cap, struct hb_buf *b)
{
	hb_buf_init(b, cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = hb_read_fd(fd, cap, b);
	close(fd);
	return rc;
}

int hb_open_regular(const char *path, off_t *size)
{
	/* O_NOCTTY: a terminal opened by mistake must not become ours. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -HB_ENOTREG;
	}
	if (size)
		*size = st.st_size;
	return fd;
}

int hb_read_regular(const char *path, size_t cap, struct hb_buf *b)
{
	off_t size;
	hb_buf_init(b, cap);
	int fd = hb_open_regular(path, &size);
	if (fd < 0)
		return fd;
	/* Room for the whole file and the read that finds its end: one
	 * allocation, unless the file grows meanwhile. */
	int rc = (uint64_t)size > cap ? -E2BIG
		 : hb_buf_reserve(b, (size_t)size < cap ? (size_t)size + 1 : cap);
	while (rc == 0) {
		size_t room = b->alloc - b->len - 1;
		/* At the cap: one more byte, into the NUL's place, tells a
		 * file of exactly cap bytes from a larger one. */
		ssize_t n = read(fd, b->data + b->len, room ? room : 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
		} else if (n == 0) {
			b->data[b->len] = '\0';
			break;
		} else if (!room) {
			rc = -E2BIG;
		} else {
			b->len += (size_t)n;
			b->data[b->len] = '\0';
			if ((size_t)n == room && b->len < cap)
				rc = hb_buf_reserve(b, b->len < cap - b->len
							       ? b->len
							       : cap - b->len);
		}
	}
	close(fd);
	if (rc < 0)
		hb_buf_wipe(b);
	return rc;
}

const char *hb_read_error(int rc, size_t cap, char *buf, size_t size)
{
	if (rc == -HB_ENOTREG)
		snprintf(buf, size, "not a regular file");
	else if (rc == -E2BIG && cap >= (1u << 20) && cap % (1u << 20) == 0)
		snprintf(buf, size, "larger than %zu MiB", cap >> 20);
	else if (rc == -E2BIG)
		snprintf(buf, size, "larger than %zu KiB", cap >> 10);
	else
		snprintf(buf, size, "%s", strerror(-rc));
	return buf;
}

char *hb_read_value(const char *path, size_t cap, char *why, size_t whylen)
{
	struct hb_buf b;
	int rc = hb_read_regular(path, cap, &b);
	if (rc < 0) {
		hb_read_error(rc, cap, why, whylen);
		return NULL;
	}
	if (memchr(b.data, '\0', b.len)) {
		hb_buf_wipe(&b);
		snprintf(why, whylen, "the file contains a NUL byte");
		return NULL;
	}
	if (b.len && b.data[b.len - 1] == '\n') {
		b.len--;
		if (b.len && b.data[b.len - 1] == '\r')
			b.len--;
		b.data[b.len] = '\0';
	}
	char *text = hb_buf_take(&b, NULL);
	if (!text)
		snprintf(why, whylen, "out of memory");
	return text;
}

char *hb_read_token(const char *path, char *err, size_t errlen)
{
	struct hb_buf b;
	char why[64];
	int rc = hb_read_regular(path, 16 * 1024, &b);
	if (rc < 0) {
		snprintf(err, errlen, "token file \"%s\": %s", path,
			 hb_read_error(rc, 16 * 1024, why, sizeof(why)));
		return NULL;
	}
	char *t = hb_buf_take(&b, NULL);
	if (!t) {
		snprintf(err, errlen, "token file \"%s\": out of memory", path);
		return NULL;
	}
	/* Editors and `kubectl create secret --from-file` leave newlines. */
	size_t len = strlen(t), n = len;
	while (n && strchr(" \t\r\n", t[n - 1]))
		t[--n] = '\0';
	size_t lead = strspn(t, " \t\r\n");
	memmove(t, t + lead, n - lead + 1);
	/* What the move left past the end is part of the token too. */
	explicit_bzero(t + n - lead, len - (n - lead));
	if (!*t) {
		snprintf(err, errlen, "token file \"%s\": empty", path);
		free(t);
		return NULL;
	}
	return t;
}

int hb_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int hb_write_file_atomic(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int rc = hb_write_all(fd, data, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

union fd_cmsg {
	struct cmsghdr h;
	char buf[CMSG_SPACE(HB_MAX_PASSED_FDS * sizeof(int))];
};

ssize_t hb_send_fds(int sock, const void *data, size_t len, const int *fds,
		    size_t n_fds)
{
	if (n_fds > HB_MAX_PASSED_FDS) {
		errno = EINVAL;
		return -1;
	}
	union fd_cmsg u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = { (void *)data, len };
	struct msghdr m;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (n_fds) {
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
	}
	ssize_t n;
	while ((n = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n;
}

ssize_t hb_recv_fds(int sock, void *data, size_t len, int *fds,
		    size_t max_fds, size_t *n_fds, int flags)
{
	union fd_cmsg u;
	struct iovec iov = { data, len };
	struct msghdr m;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	*n_fds = 0;
	ssize_t n;
	while ((n = recvmsg(sock, &m, flags)) < 0 && errno == EINTR)
		;
	if (n < 0)
		return n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*n_fds < max_fds)
				fds[(*n_fds)++] = fd;
			else
				close(fd);
		}
	}
	return n;
}
