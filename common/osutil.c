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

void hb_rfc3339_now(char *dst, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(dst, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
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

char *hb_read_token(const char *path, char *err, size_t errlen)
{
	struct hb_buf b;
	int rc = hb_read_file(path, 16 * 1024, &b);
	if (rc < 0) {
		snprintf(err, errlen, "token file \"%s\": %s", path,
			 rc == -E2BIG ? "larger than 16 KiB" : strerror(-rc));
		return NULL;
	}
	char *t = hb_buf_take(&b, NULL);
	if (!t) {
		snprintf(err, errlen, "token file \"%s\": out of memory", path);
		return NULL;
	}
	/* Editors and `kubectl create secret --from-file` leave newlines. */
	size_t n = strlen(t);
	while (n && strchr(" \t\r\n", t[n - 1]))
		t[--n] = '\0';
	size_t lead = strspn(t, " \t\r\n");
	memmove(t, t + lead, n - lead + 1);
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
