/* SPDX-License-Identifier: MIT */
/* Finding a kind's driver, and loading the kinds that live in modules (so
 * that a run loads only the client libraries it uses). */
#include "drivers.h"

#include "strutil.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const struct hb_driver hb_driver_tcp;
extern const struct hb_driver hb_driver_dns;

#ifndef HB_MODULE_INSTALL_DIR
#define HB_MODULE_INSTALL_DIR "/usr/local/lib/hookbox"
#endif

/* The drivers of the kinds built in (those whose row names no module). */
static const struct hb_driver *const builtin[HB_KIND_COUNT] = {
	[HB_KIND_TCP] = &hb_driver_tcp,
	[HB_KIND_DNS] = &hb_driver_dns,
};

/* Per kind: whether the agent said its checks in this run need no TLS.
 * Untold, the full module loads: never a build that lacks what a check
 * may need. */
static bool without_tls[HB_KIND_COUNT];

static struct {
	const char *module;
	void *handle;
} loaded[HB_KIND_COUNT + 1]; /* the kinds' modules, and hookbox-seccomp */

/* The directories modules are looked for in: $HOOKBOX_MODULE_DIR, the
 * agent's own directory (a build tree), ../lib/hookbox beside it (an
 * install), and the configured install directory. Calls fn on each
 * readable hookbox-<module>.so until it returns non-NULL. */
static void *each_module_path(const char *module,
			      void *(*fn)(const char *path, void *arg), void *arg)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	const char *dirs[4];
	size_t nd = 0;
	const char *env = getenv("HOOKBOX_MODULE_DIR");
	if (env && *env)
		dirs[nd++] = env;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char exedir[PATH_MAX], libdir[PATH_MAX + 32];
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			hb_strlcpy(exedir, exe, sizeof(exedir));
			dirs[nd++] = exedir;
			snprintf(libdir, sizeof(libdir), "%s/../lib/hookbox", exe);
			dirs[nd++] = libdir;
		}
	}
	dirs[nd++] = HB_MODULE_INSTALL_DIR;
	for (size_t i = 0; i < nd; i++) {
		snprintf(path, sizeof(path), "%s/hookbox-%s.so", dirs[i], module);
		if (access(path, R_OK) < 0)
			continue;
		void *r = fn(path, arg);
		if (r)
			return r;
	}
	return NULL;
}

static void *open_path(const char *path, void *arg)
{
	/* Lazy: a client library and its dependencies bring thousands
	 * of symbols a check never calls, and binding them all up front
	 * is paid by every one-check run (the module itself is linked
	 * with -z now and is bound at once anyway). */
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!h)
		*(const char **)arg = dlerror();
	return h;
}

void hb_kind_set_tls(const struct hb_kind *k, bool tls)
{
	without_tls[k->id] = !tls;
}

bool hb_kind_may_use_tls(const struct hb_kind *k, const struct hb_driver *d,
			 const struct hb_check *c)
{
	if (k && k->uses_tls)
		return k->uses_tls(c);
	return !d || !d->uses_tls || d->uses_tls(c);
}

bool hb_check_may_use_tls(const struct hb_driver *d, const struct hb_check *c)
{
	return hb_kind_may_use_tls(hb_kind_find(d->name), d, c);
}

static void *open_module(const char *module, char *err, size_t errlen)
{
	const char *last = "not found";
	void *h = NULL;
	/* The plain build only when no kind living in the module needs TLS
	 * (http and kubernetes share one). A kind of the module with no
	 * plain build (grpc) is not asked: a run with one of its checks
	 * tells the others TLS (agent/run.c). A build without libcurl.a
	 * has no plain variant: the full one. */
	const char *plain = NULL;
	for (size_t i = 0; i < HB_KIND_COUNT; i++) {
		if (!hb_kinds[i].module || strcmp(hb_kinds[i].module, module) != 0 ||
		    !hb_kinds[i].plain)
			continue;
		if (!without_tls[i]) {
			plain = NULL;
			break;
		}
		plain = hb_kinds[i].plain;
	}
	if (plain)
		h = each_module_path(plain, open_path, &last);
	if (!h)
		h = each_module_path(module, open_path, &last);
	if (!h)
		snprintf(err, errlen, "loading module \"hookbox-%s.so\": %s",
			 module, last ? last : "unknown error");
	return h;
}

static void *found(const char *path, void *arg)
{
	(void)path;
	return arg;
}

static bool module_loaded(const char *module)
{
	for (size_t i = 0; i < HB_ARRAY_SIZE(loaded); i++)
		if (loaded[i].module && strcmp(loaded[i].module, module) == 0)
			return true;
	return false;
}

int hb_kind_module_pending(const char *kind, char *err, size_t errlen)
{
	const struct hb_kind *k = hb_kind_find(kind);
	if (!k) {
		snprintf(err, errlen, "unknown check kind \"%s\"", kind);
		return -EINVAL;
	}
	if (!k->module || module_loaded(k->module))
		return 0;
	/* found() returns its argument: any non-NULL will do. */
	if (each_module_path(k->module, found, (void *)k->module))
		return 1;
	snprintf(err, errlen, "loading module \"hookbox-%s.so\": not found",
		 k->module);
	return -ENOENT;
}

void *hb_module_symbol(const char *module, const char *symbol, char *err,
		       size_t errlen)
{
	size_t slot = HB_ARRAY_SIZE(loaded);
	for (size_t i = 0; i < HB_ARRAY_SIZE(loaded); i++) {
		if (loaded[i].module && strcmp(loaded[i].module, module) == 0) {
			slot = i;
			break;
		}
		if (!loaded[i].module && slot == HB_ARRAY_SIZE(loaded))
			slot = i;
	}
	if (slot == HB_ARRAY_SIZE(loaded)) {
		snprintf(err, errlen, "too many modules");
		return NULL;
	}
	if (!loaded[slot].handle) {
		void *h = open_module(module, err, errlen);
		if (!h)
			return NULL;
		loaded[slot].module = module;
		loaded[slot].handle = h;
	}
	void *sym = dlsym(loaded[slot].handle, symbol);
	if (!sym)
		snprintf(err, errlen, "module \"hookbox-%s.so\" lacks %s", module,
			 symbol);
	return sym;
}

const struct hb_driver *hb_driver_find(const char *kind, char *err,
				       size_t errlen)
{
	const struct hb_kind *k = hb_kind_find(kind);
	if (!k) {
		snprintf(err, errlen, "unknown check kind \"%s\"", kind);
		return NULL;
	}
	if (!k->module)
		return builtin[k->id];
	char sym[64];
	snprintf(sym, sizeof(sym), "hb_driver_%s", k->name);
	return hb_module_symbol(k->module, sym, err, errlen);
}
