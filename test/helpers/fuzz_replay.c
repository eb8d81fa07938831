/* SPDX-License-Identifier: MIT */
/* Replays a fuzz harness's checked-in corpus as an ordinary test, so the
 * inputs that once crashed or hung a parser stay fixed in every build
 * (libFuzzer itself needs clang: make fuzz).
 *   fuzz_replay_spec DIR...   runs LLVMFuzzerTestOneInput on each file */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	uint8_t *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, failed = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			/* A crash ends the process: ctest reports it. */
			failed += replay(path) < 0;
			files++;
		}
		closedir(d);
	}
	printf("%d passed, %d failed\n", files - failed, failed);
	return failed || files == 0;
}
