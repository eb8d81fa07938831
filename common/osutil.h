/* SPDX-License-Identifier: MIT */
/* Helpers that touch the OS: clocks, files, randomness. */
#ifndef HB_OSUTIL_H
#define HB_OSUTIL_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

struct hb_buf;

/* Monotonic time in milliseconds (and nanoseconds). */
int64_t hb_mono_ms(void);
int64_t hb_mono_ns(void);
/* Wall-clock now as RFC 3339 UTC with milliseconds; dst needs 25 bytes. */
void hb_rfc3339_now(char *dst, size_t size);
/* The same for a given time (UTC, millisecond precision). */
struct timespec;
void hb_rfc3339(char *dst, size_t size, const struct timespec *ts);
/* A random (version 4) UUID; dst needs 37 bytes. Returns 0 or -errno. */
int hb_uuid4(char *dst, size_t size);
/* Reads a whole file of at most cap bytes into b (initialised by the call),
 * whatever it is: for what a user may give as a pipe (the spec, "run
 * <(...)"); anything else is read with hb_read_regular. Returns 0, -errno
 * from open/read, or -E2BIG. */
int hb_read_file(const char *path, size_t cap, struct hb_buf *b);
/* The same from an open descriptor (standard input, say), up to EOF. */
int hb_read_fd(int fd, size_t cap, struct hb_buf *b);

/* What the readers of regular files return for one that is not (errno has
 * no such code; hb_read_error words it). */
#define HB_ENOTREG 4096
/* Opens path to read it as a regular file, a symbolic link to one
 * included (Kubernetes mounts Secrets and downward-API files so). The
 * open does not block (O_NONBLOCK) and anything but a regular file, a FIFO
 * above all, is refused before a byte is read: a read from a FIFO that
 * nobody writes would wait forever. Returns the descriptor (close-on-exec)
 * with its size in *size (may be NULL), or -errno, or -HB_ENOTREG. */
int hb_open_regular(const char *path, off_t *size);
/* hb_read_file for a regular file only (hb_open_regular). The bytes go
 * straight into b, whose growth wipes what it leaves (hb_buf_reserve): a
 * secret read so is nowhere else in memory; release b with hb_buf_wipe.
 * Returns 0, -errno, -E2BIG or -HB_ENOTREG. */
int hb_read_regular(const char *path, size_t cap, struct hb_buf *b);
/* What a reader's error rc means, for a message: "not a regular file",
 * "larger than 64 KiB" (-E2BIG, of a reader given cap), or strerror.
 * Returns buf. */
const char *hb_read_error(int rc, size_t cap, char *buf, size_t size);
/* A value from a file, as Kubernetes mounts a key of a Secret or a
 * ConfigMap: a regular file of at most cap bytes without a NUL (a C
 * string would end there without a word), taken literally but for one
 * trailing newline (with its carriage return), which `echo secret > file`
 * and hand-written Secrets add. Returns a string the caller frees (with
 * hb_secret_free if it is one), or NULL with why saying what is wrong. */
char *hb_read_value(const char *path, size_t cap, char *why, size_t whylen);
/* A bearer token from a file (a mounted Secret): a regular file, surrounding
 * white space dropped, at most 16 KiB, never empty. Returns a string the
 * caller frees with hb_secret_free, or NULL with err naming the file and
 * what is wrong. */
char *hb_read_token(const char *path, char *err, size_t errlen);
/* Writes data to path atomically (temporary file, fsync, rename). */
int hb_write_file_atomic(const char *path, const void *data, size_t len);
/* write() all of it, retrying on EINTR and short writes. */
int hb_write_all(int fd, const void *data, size_t len);

/* Descriptors over a Unix socket (SCM_RIGHTS), at most HB_MAX_PASSED_FDS:
 * sends len bytes of data with n_fds of fds (sendmsg's result), and
 * receives at most len bytes with up to max_fds descriptors into fds, their
 * number in *n_fds, closing any beyond (recvmsg's result). Both retry on
 * EINTR. */
#define HB_MAX_PASSED_FDS 2
ssize_t hb_send_fds(int sock, const void *data, size_t len, const int *fds,
		    size_t n_fds);
ssize_t hb_recv_fds(int sock, void *data, size_t len, int *fds,
		    size_t max_fds, size_t *n_fds, int flags);

#endif
