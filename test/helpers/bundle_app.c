/* SPDX-License-Identifier: MIT */
/* The application of test/integration/bundle.sh's musl root: built there
 * with musl-gcc, dynamically, so that it runs only with musl's loader and
 * libc. It says what it was started with, for the suite to compare.
 *
 *   migrate maps          the files it maps (its loader and libraries)
 *   migrate env           its environment
 *   migrate exit N        exits N
 *   migrate term          "ready", then exits 42 on SIGTERM
 *   migrate sandbox       its seccomp and no_new_privs status, and whether
 *                         it may signal its parent (the agent) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void print_matching(const char *path, const char *const *prefixes)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("%s: %s\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		for (const char *const *p = prefixes; *p; p++)
			if (strstr(line, *p)) {
				fputs(line, stdout);
				break;
			}
	}
	fclose(f);
}

static void on_term(int sig)
{
	(void)sig;
	static const char msg[] = "got-term\n";
	(void)!write(1, msg, sizeof(msg) - 1);
	_exit(42);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(mode, "maps") == 0) {
		static const char *const files[] = { "/", NULL };
		print_matching("/proc/self/maps", files);
	} else if (strcmp(mode, "env") == 0) {
		for (char **e = environ; *e; e++)
			printf("%s\n", *e);
	} else if (strcmp(mode, "exit") == 0 && argc > 2) {
		printf("migrate: exiting %d\n", atoi(argv[2]));
		return atoi(argv[2]);
	} else if (strcmp(mode, "term") == 0) {
		signal(SIGTERM, on_term);
		printf("ready\n");
		for (;;)
			pause();
	} else if (strcmp(mode, "sandbox") == 0) {
		static const char *const keys[] = { "Seccomp:", "NoNewPrivs:", NULL };
		print_matching("/proc/self/status", keys);
		printf("kill-parent: %s\n",
		       kill(getppid(), 0) == 0 ? "ok" : strerror(errno));
	} else {
		fprintf(stderr, "usage: migrate maps|env|exit N|term|sandbox\n");
		return 2;
	}
	return 0;
}
