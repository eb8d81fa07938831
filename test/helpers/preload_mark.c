/* SPDX-License-Identifier: MIT */
/* A library an image preloads (LD_PRELOAD), for bundle.sh: says which
 * program it was loaded into, on stderr, when it is loaded. */
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void mark(void)
{
	char exe[512] = "preloaded into ";
	size_t n = strlen(exe);
	ssize_t got = readlink("/proc/self/exe", exe + n, sizeof(exe) - n - 2);
	if (got < 0)
		got = 0;
	exe[n + (size_t)got] = '\n';
	(void)!write(2, exe, n + (size_t)got + 1);
}
