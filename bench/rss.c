/* SPDX-License-Identifier: MIT */
/* rss CMD ARGS...: runs CMD and prints, for its whole tree, orphans
 * included, the peak RSS in KiB of its largest process, the CPU time in
 * microseconds (user + system) and the page faults (minor + major) of all
 * of them: it is their subreaper and waits for every one (GNU time sees
 * only what CMD itself waits for, and hookbox lets a check child finish
 * exiting after it has gone). CPU and faults move less than wall time
 * between machines, but a fault's cost does not. CMD's output goes to
 * /dev/null; its exit status is rss's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rss CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("rss: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("rss: fork");
		return 2;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int status = 0, rc = 0;
	pid_t w;
	while ((w = wait(&status)) != -1 || errno == EINTR)
		if (w == pid)
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
		ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	printf("%ld %ld %ld\n", ru.ru_maxrss, cpu_us, ru.ru_minflt + ru.ru_majflt);
	return rc;
}
