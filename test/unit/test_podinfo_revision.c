/* SPDX-License-Identifier: MIT */
/* HOOKBOX_REVISION (issue 10): a value Helm could not have made is not
 * sent, since the collector would refuse the whole report; the report
 * says revision 0, "not known", and the agent says why. */
#include "hbtest.h"

#include "podinfo.h"

#include <fcntl.h>

static const char *revision_env;

static const char *env(const char *name)
{
	return strcmp(name, "HOOKBOX_REVISION") == 0 ? revision_env : NULL;
}

/* The revision read, with what the agent printed on stderr. */
static long long load(const char *v, char *said, size_t len)
{
	char path[] = "/tmp/hb-podinfo-rev-XXXXXX";
	int fd = mkstemp(path);
	ASSERT(fd >= 0);
	unlink(path);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	struct hb_podinfo pi;
	revision_env = v;
	hb_podinfo_load(&pi, NULL, env);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t n = pread(fd, said, len - 1, 0);
	said[n > 0 ? n : 0] = '\0';
	close(fd);
	return pi.revision;
}

HB_TEST(helm_revisions_pass)
{
	char said[512];
	ASSERT_EQ_INT(load("1", said, sizeof(said)), 1);
	ASSERT_STREQ(said, "");
	ASSERT_EQ_INT(load("2147483647", said, sizeof(said)), 2147483647);
	ASSERT_STREQ(said, "");
	ASSERT_EQ_INT(load(NULL, said, sizeof(said)), 0);
	ASSERT_STREQ(said, "");
}

HB_TEST(other_revisions_are_reported_as_unknown)
{
	static const char *const bad[] = { "9223372036854775807", "2147483648", "-3", "0",
					   "7x", "99999999999999999999999999" };
	char said[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ_INT(load(bad[i], said, sizeof(said)), 0);
		ASSERT_CONTAINS(said, "hookbox: HOOKBOX_REVISION \"");
		ASSERT_CONTAINS(said, bad[i]);
		ASSERT_CONTAINS(said, "\": not a Helm revision (want 1 to 2147483647); "
				      "the report says revision 0\n");
	}
}

HB_TEST_MAIN(helm_revisions_pass, other_revisions_are_reported_as_unknown)
