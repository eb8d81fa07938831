/* SPDX-License-Identifier: MIT */
/* hookbox install DIR: copies the self-contained hookbox the agent's image
 * holds (or the bundle the agent runs from) into DIR, for an init
 * container to hand to an image that has no hookbox, or another libc. */
#include "install.h"

#include "buf.h"
#include "bundle.h"
#include "osutil.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The manifest is a few hundred bytes a file: far below this. */
#define MANIFEST_CAP (256u << 10)
#define MAX_ENTRIES 512

struct entry {
	const char *dest; /* relative to DIR: "hookbox" or "hookbox.d/..." */
	const char *src;  /* absolute, or relative to the source bundle's DIR */
};

__attribute__((format(printf, 1, 2))) static void complain(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("hookbox: install: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* A DEST is a relative path of plain names: no "..", no empty name, under
 * the launcher's name or the bundle's directory. */
static bool dest_ok(const char *d)
{
	if (strcmp(d, "hookbox") != 0 && strncmp(d, "hookbox.d/", 10) != 0)
		return false;
	for (const char *p = d; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (e ? 1 : 0);
		if (e && !*p)
			return false;
	}
	return true;
}

/* Splits the manifest (edited in place) into entries; no I/O. Returns the
 * count, or -1 with err naming the line. */
static int parse_manifest(char *text, struct entry *ents, size_t max,
			  char *err, size_t errlen)
{
	size_t n = 0, line = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		if (*p && *p != '#') {
			char *tab = strchr(p, '\t');
			if (!tab || !tab[1] || strchr(tab + 1, '\t')) {
				snprintf(err, errlen, "line %zu: not \"DEST<TAB>SRC\"", line);
				return -1;
			}
			*tab = '\0';
			if (!dest_ok(p)) {
				snprintf(err, errlen, "line %zu: bad destination \"%s\"",
					 line, p);
				return -1;
			}
			if (n == max) {
				snprintf(err, errlen, "more than %zu files", max);
				return -1;
			}
			ents[n].dest = p;
			ents[n].src = tab + 1;
			n++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (n == 0) {
		snprintf(err, errlen, "no files");
		return -1;
	}
	return (int)n;
}

/* The manifest of what this agent can install, and the directory its
 * relative sources are under. In a bundle: its own manifest, sources
 * relative to its DIR. In the agent's image: /lib/hookbox/bundle.files
 * beside the modules (../lib/hookbox from the agent, as drivers.c finds
 * them), absolute sources. */
static int find_manifest(char *manifest, size_t mlen, char *base, size_t blen)
{
	const char *root = hb_bundle_root();
	if (root) {
		snprintf(manifest, mlen, "%s/lib/hookbox/%s", root, HB_BUNDLE_MANIFEST);
		hb_strlcpy(base, root, blen);
		char *slash = strrchr(base, '/');
		if (slash)
			*(slash == base ? slash + 1 : slash) = '\0';
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		complain("cannot read /proc/self/exe: %s", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(manifest, mlen, "%s/lib/hookbox/%s", exe, HB_BUNDLE_MANIFEST);
	hb_strlcpy(base, "/", blen);
	return 0;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* Copies src to the new file dest with src's permission bits (0755 or
 * 0644 after the umask is ignored: the command may run as another uid). */
static int copy_file(const char *src, const char *dest, long long *bytes)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		complain("cannot open \"%s\": %s", src, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		complain("\"%s\" is not a regular file", src);
		close(in);
		return -1;
	}
	mode_t mode = (st.st_mode & 0111) ? 0755 : 0644;
	int out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		complain("cannot create \"%s\": %s", dest, strerror(errno));
		close(in);
		return -1;
	}
	char buf[65536];
	int rc = 0;
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r == 0)
			break;
		if (r < 0 || hb_write_all(out, buf, (size_t)r) < 0) {
			complain("copying \"%s\" to \"%s\": %s", src, dest,
				 strerror(errno));
			rc = -1;
			break;
		}
		*bytes += r;
	}
	if (rc == 0 && fchmod(out, mode) < 0) {
		complain("chmod \"%s\": %s", dest, strerror(errno));
		rc = -1;
	}
	if (close(out) < 0 && rc == 0) {
		complain("writing \"%s\": %s", dest, strerror(errno));
		rc = -1;
	}
	close(in);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The new bundle's own manifest: each file at its place, so that the
 * bundle can install itself elsewhere. */
static int write_manifest(const char *path, const struct entry *ents, size_t n)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		complain("cannot create \"%s\": %s", path, strerror(errno));
		return -1;
	}
	fputs("# hookbox bundle: DEST<TAB>SRC, both relative to the bundle's directory\n",
	      f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\t%s\n", ents[i].dest, ents[i].dest);
	if (fchmod(fileno(f), 0644) < 0 || ferror(f) || fclose(f) != 0) {
		complain("writing \"%s\" failed", path);
		return -1;
	}
	return 0;
}

/* Makes DIR, or takes it as it is; usage errors (exit 2) are a DIR that is
 * not a directory or cannot be written. */
static int prepare_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT || mkdir(dir, 0755) < 0) {
			complain("cannot create \"%s\": %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		complain("\"%s\" is not a directory", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		complain("cannot write to \"%s\": %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int hb_install(const char *dir)
{
	char manifest[PATH_MAX + 64], base[PATH_MAX], err[256];
	if (find_manifest(manifest, sizeof(manifest), base, sizeof(base)) < 0)
		return 1;
	struct hb_buf text;
	int rc = hb_read_regular(manifest, MANIFEST_CAP, &text);
	if (rc < 0) {
		char why[128];
		complain("no bundle to install here: \"%s\": %s (hookbox install runs "
			 "from the agent's image, or a bundle)",
			 manifest, hb_read_error(rc, MANIFEST_CAP, why, sizeof(why)));
		return 1;
	}
	struct entry *ents = calloc(MAX_ENTRIES, sizeof(*ents));
	size_t len = 0;
	char *owned = ents ? hb_buf_take(&text, &len) : NULL;
	hb_buf_release(&text);
	if (!ents || !owned) {
		complain("out of memory");
		free(ents);
		free(owned);
		return 1;
	}
	int n = parse_manifest(owned, ents, MAX_ENTRIES, err, sizeof(err));
	if (n < 0) {
		complain("\"%s\": %s", manifest, err);
		free(ents);
		free(owned);
		return 1;
	}
	if (prepare_dir(dir) < 0) {
		free(ents);
		free(owned);
		return 2;
	}

	/* Everything goes to names of its own first: DIR/.hookbox.d.new-PID
	 * and DIR/.hookbox.new-PID, renamed into place once complete, so
	 * that a copy cut short never stands where a bundle did. */
	char stage[PATH_MAX], launcher[PATH_MAX], old[PATH_MAX];
	char live[PATH_MAX], live_launcher[PATH_MAX];
	long pid = (long)getpid();
	snprintf(stage, sizeof(stage), "%s/.hookbox.d.new-%ld", dir, pid);
	snprintf(launcher, sizeof(launcher), "%s/.hookbox.new-%ld", dir, pid);
	snprintf(old, sizeof(old), "%s/.hookbox.d.old-%ld", dir, pid);
	snprintf(live, sizeof(live), "%s/hookbox.d", dir);
	snprintf(live_launcher, sizeof(live_launcher), "%s/hookbox", dir);
	if (mkdir(stage, 0755) < 0) {
		complain("cannot write to \"%s\": %s", dir, strerror(errno));
		free(ents);
		free(owned);
		return 2;
	}
	(void)chmod(stage, 0755);
	long long bytes = 0;
	int files = 0;
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char src[PATH_MAX * 2], dest[PATH_MAX * 2];
		if (ents[i].src[0] == '/')
			hb_strlcpy(src, ents[i].src, sizeof(src));
		else
			snprintf(src, sizeof(src), "%s/%s", base, ents[i].src);
		if (strcmp(ents[i].dest, "hookbox") == 0)
			hb_strlcpy(dest, launcher, sizeof(dest));
		else
			snprintf(dest, sizeof(dest), "%s/%s", stage,
				 ents[i].dest + strlen("hookbox.d/"));
		if (mkdirs(dest) < 0) {
			complain("cannot create the directories of \"%s\": %s", dest,
				 strerror(errno));
			rc = -1;
		} else {
			rc = copy_file(src, dest, &bytes);
			files++;
		}
	}
	if (rc == 0) {
		char mpath[PATH_MAX + 64];
		snprintf(mpath, sizeof(mpath), "%s/lib/hookbox/%s", stage,
			 HB_BUNDLE_MANIFEST);
		rc = mkdirs(mpath) < 0 ? -1 : write_manifest(mpath, ents, (size_t)n);
		struct stat mst;
		if (rc == 0 && stat(mpath, &mst) == 0) {
			bytes += mst.st_size;
			files++;
		}
	}
	struct stat st;
	if (rc == 0 && stat(launcher, &st) < 0) {
		complain("\"%s\" names no launcher (\"hookbox\")", manifest);
		rc = -1;
	}
	/* In place: the old bundle out of the way, the new one in, then the
	 * launcher (the same program each time). */
	bool had_old = false;
	if (rc == 0 && rename(live, old) == 0)
		had_old = true;
	if (rc == 0 && rename(stage, live) < 0) {
		complain("cannot rename \"%s\" to \"%s\": %s", stage, live,
			 strerror(errno));
		if (had_old)
			(void)rename(old, live);
		rc = -1;
	}
	if (rc == 0 && rename(launcher, live_launcher) < 0) {
		complain("cannot rename \"%s\" to \"%s\": %s", launcher, live_launcher,
			 strerror(errno));
		rc = -1;
	}
	if (rc < 0) {
		remove_tree(stage);
		unlink(launcher);
	}
	if (had_old)
		remove_tree(old);
	free(ents);
	free(owned);
	if (rc < 0)
		return 1;
	printf("hookbox: installed in %s: %lld bytes (%.2f MiB, %d files)\n", dir,
	       bytes, (double)bytes / 1048576.0, files);
	return 0;
}
