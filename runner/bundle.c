/* SPDX-License-Identifier: MIT */
/* The agent run from a bundle: found from /proc/self/exe, and the
 * environment of the agent told apart from the command's. */
#include "bundle.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static char root[PATH_MAX];
static char **saved_environ;

/* setenv NAME to root + rel: 0, or -1 when it did not fit or failed. */
static int set_path(const char *name, const char *rel)
{
	char path[PATH_MAX + 64];
	int n = snprintf(path, sizeof(path), "%s%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	return setenv(name, path, 1);
}

void hb_bundle_init(void)
{
	char exe[PATH_MAX], manifest[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	/* DIR/hookbox.d/lib/ld.so: the loader is the process's executable
	 * when DIR/hookbox starts the agent with it. The agent started
	 * otherwise (the image's /hookbox, a build tree) has no manifest
	 * in a hookbox/ beside it. */
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	int m = snprintf(manifest, sizeof(manifest), "%s/hookbox/%s", exe,
			 HB_BUNDLE_MANIFEST);
	if (m < 0 || (size_t)m >= sizeof(manifest) || access(manifest, R_OK) < 0)
		return;
	slash = strrchr(exe, '/');
	if (!slash || strcmp(slash, "/lib") != 0)
		return;
	*slash = '\0';
	if (!realpath(*exe ? exe : "/", root))
		return;

	/* The pointers of the environment as it came: setenv below replaces
	 * or adds pointers in environ, never the strings these point to. */
	size_t count = 0;
	while (environ[count])
		count++;
	saved_environ = malloc((count + 1) * sizeof(*saved_environ));
	if (!saved_environ) {
		root[0] = '\0';
		return;
	}
	memcpy(saved_environ, environ, (count + 1) * sizeof(*saved_environ));
	/* The launcher (agent/launcher.c) handed the image's LD_PRELOAD and
	 * LD_AUDIT over renamed, so that the bundle's loader did not load
	 * the image's libraries into the agent: the command gets them back
	 * under their own names, which are the renamed entries' tails. */
	static const char prefix[] = "HOOKBOX_SAVED_";
	for (size_t i = 0; i < count; i++) {
		const char *tail = saved_environ[i] + sizeof(prefix) - 1;
		if (strncmp(saved_environ[i], prefix, sizeof(prefix) - 1) == 0 &&
		    (strncmp(tail, "LD_PRELOAD=", 11) == 0 ||
		     strncmp(tail, "LD_AUDIT=", 9) == 0))
			saved_environ[i] += sizeof(prefix) - 1;
	}
	unsetenv("HOOKBOX_SAVED_LD_PRELOAD");
	unsetenv("HOOKBOX_SAVED_LD_AUDIT");
	/* The bundle's, whatever the image sets for its own libraries: an
	 * openssl.cnf of another OpenSSL may not load in ours. A private CA
	 * is a check's ca_file. */
	if (set_path("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt") < 0 ||
	    set_path("SSL_CERT_DIR", "/etc/ssl/certs") < 0 ||
	    set_path("OPENSSL_CONF", "/etc/ssl/openssl.cnf") < 0 ||
	    set_path("MARIADB_PLUGIN_DIR", "/lib/mariadb") < 0)
		fprintf(stderr, "hookbox: setting the bundle's TLS paths failed\n");
}

const char *hb_bundle_root(void)
{
	return saved_environ && root[0] ? root : NULL;
}

char **hb_command_environ(void)
{
	return saved_environ ? saved_environ : environ;
}
