/* SPDX-License-Identifier: MIT */
/* Unit tests of the files the agent reads before its checks start: only
 * regular files (a FIFO would block a read for ever), with a cap, and a
 * check's credential read by its own child rather than by the agent. */
#include "hbtest.h"

#include "buf.h"
#include "osutil.h"
#include "podinfo.h"
#include "driver.h"
#include "secrets.h"
#include "spec.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

/* A directory of its own for each test, removed with what it holds. */
static char dir[64];

static char paths[8][128];
static size_t n_paths;

/* name in the test's directory (the last eight stay valid). */
static const char *at(const char *name)
{
	char *p = paths[n_paths++ % 8];
	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

static void make_dir(void)
{
	hb_strlcpy(dir, "/tmp/hb-test-files-XXXXXX", sizeof(dir));
	ASSERT(mkdtemp(dir) != NULL);
	/* A FIFO that nobody writes: where the old reader blocked. */
	ASSERT_EQ_INT(mkfifo(at("fifo"), 0600), 0);
	/* Each test ends well before the runner's own 30 s. */
	alarm(5);
}


static const char *put(const char *name, const void *data, size_t len)
{
	const char *p = at(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT(fd >= 0);
	ASSERT_EQ_INT(write(fd, data, len), (long long)len);
	close(fd);
	return p;
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ASSERT_EQ_INT(system(cmd), 0);
}

HB_TEST(only_regular_files_are_read)
{
	struct hb_buf b;
	char why[64];
	make_dir();
	ASSERT_EQ_INT(hb_read_regular(at("fifo"), 1024, &b), -HB_ENOTREG);
	ASSERT_STREQ(hb_read_error(-HB_ENOTREG, 1024, why, sizeof(why)),
		     "not a regular file");
	ASSERT_EQ_INT(hb_read_regular(dir, 1024, &b), -HB_ENOTREG);
	ASSERT_EQ_INT(hb_read_regular("/dev/null", 1024, &b), -HB_ENOTREG);
	ASSERT_EQ_INT(hb_read_regular(at("absent"), 1024, &b), -ENOENT);

	/* Kubernetes mounts a Secret's key as links to a regular file. */
	put("..data-password", "s3cret\n", 7);
	ASSERT_EQ_INT(symlink(at("..data-password"), at("password")), 0);
	ASSERT_EQ_INT(hb_read_regular(at("password"), 1024, &b), 0);
	ASSERT_STREQ(hb_buf_str(&b), "s3cret\n");
	hb_buf_wipe(&b);
	/* A link to a FIFO is a FIFO. */
	ASSERT_EQ_INT(symlink(at("fifo"), at("link-to-fifo")), 0);
	ASSERT_EQ_INT(hb_read_regular(at("link-to-fifo"), 1024, &b), -HB_ENOTREG);
	remove_dir();
}

HB_TEST(reads_are_capped)
{
	struct hb_buf b;
	char why[64], data[4097];
	make_dir();
	memset(data, 'x', sizeof(data));
	ASSERT_EQ_INT(hb_read_regular(put("exact", data, 4096), 4096, &b), 0);
	ASSERT_EQ_INT(b.len, 4096);
	hb_buf_release(&b);
	ASSERT_EQ_INT(hb_read_regular(put("over", data, 4097), 4096, &b), -E2BIG);
	ASSERT_STREQ(hb_read_error(-E2BIG, 4096, why, sizeof(why)), "larger than 4 KiB");
	ASSERT_STREQ(hb_read_error(-E2BIG, 4u << 20, why, sizeof(why)), "larger than 4 MiB");
	ASSERT_EQ_INT(hb_read_regular(put("empty", "", 0), 4096, &b), 0);
	ASSERT_STREQ(hb_buf_str(&b), "");
	hb_buf_release(&b);
	/* A size of 0 that is not the length (procfs): the buffer grows. */
	ASSERT_EQ_INT(hb_read_regular("/proc/self/status", 1 << 20, &b), 0);
	ASSERT_CONTAINS(hb_buf_str(&b), "\nPid:");
	ASSERT_EQ_INT(b.len, strlen(b.data));
	hb_buf_release(&b);
	remove_dir();
}

HB_TEST(values_and_tokens)
{
	char why[64], err[256];
	make_dir();
	char *v = hb_read_value(put("v", "pa$$\r\n", 6), 64, why, sizeof(why));
	ASSERT_STREQ(v, "pa$$");
	free(v);
	ASSERT(hb_read_value(put("nul", "a\0b", 3), 64, why, sizeof(why)) == NULL);
	ASSERT_STREQ(why, "the file contains a NUL byte");
	ASSERT(hb_read_value(at("fifo"), 64, why, sizeof(why)) == NULL);
	ASSERT_STREQ(why, "not a regular file");

	char *t = hb_read_token(put("token", "\n  tok en\t\n", 11), err, sizeof(err));
	ASSERT_STREQ(t, "tok en");
	hb_secret_free(t);
	ASSERT(hb_read_token(at("fifo"), err, sizeof(err)) == NULL);
	char want[256];
	snprintf(want, sizeof(want), "token file \"%s\": not a regular file", at("fifo"));
	ASSERT_STREQ(err, want);
	remove_dir();
}

static struct hb_spec *parse(const char *json)
{
	struct hb_spec_error err;
	struct hb_spec *s = hb_spec_parse(json, strlen(json), "spec.json", NULL, &err);
	if (!s)
		HB_FAIL_("%s", err.msg);
	return s;
}

/* Every kind of file reference of a spec, pointed at a FIFO, is refused
 * by name, at once. */
HB_TEST(spec_file_references_refuse_a_fifo)
{
	/* Each spec with the FIFO's path where "@" stands. */
	static const char *const refs[] = {
		"{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", \"password_file\": \"@\"}]}",
		"{\"checks\": [{\"kind\": \"postgres\", \"url_file\": \"@\"}]}",
		"{\"checks\": [{\"kind\": \"tcp\", \"address\": \"a:1\", \"send_file\": \"@\"}]}",
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"https://a\", \"ca_file\": \"@\"}]}",
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"https://a\", \"cert_file\": \"@\", \"key_file\": \"/nonexistent\"}]}",
		"{\"checks\": [{\"kind\": \"http\", \"url\": \"https://a\", \"key_file\": \"@\"}]}",
	};
	static const char *const where[] = {
		"checks[0].password_file", "checks[0].url_file", "checks[0].send_file",
		"checks[0].ca_file", "checks[0].cert_file", "checks[0].key_file",
	};
	make_dir();
	const char *fifo = at("fifo");
	for (size_t i = 0; i < HB_ARRAY_SIZE(refs); i++) {
		char json[512], want[256];
		const char *mark = strchr(refs[i], '@');
		snprintf(json, sizeof(json), "%.*s%s%s", (int)(mark - refs[i]), refs[i],
			 fifo, mark + 1);
		struct hb_spec *s = parse(json);
		struct hb_spec_error err;
		ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), -1);
		snprintf(want, sizeof(want), "spec.json: %s: reading \"%s\": not a regular file",
			 where[i], fifo);
		ASSERT_STREQ(err.msg, want);
		hb_spec_free(s);
	}
	/* A TLS file that is not there is the check's to report, as before. */
	struct hb_spec *s = parse("{\"checks\": [{\"kind\": \"http\", \"url\": \"https://a\","
				  " \"ca_file\": \"/nonexistent/ca.pem\"}]}");
	struct hb_spec_error err;
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), 0);
	hb_spec_free(s);
	remove_dir();
}

/* The agent checks a password's file and keeps its path; the check's child
 * reads it. */
HB_TEST(password_read_by_the_check)
{
	char json[512];
	make_dir();
	const char *pw = put("pw", "s3cret-1\n", 9);
	snprintf(json, sizeof(json),
		 "{\"checks\": [{\"kind\": \"redis\", \"url\": \"redis://a\", \"password_file\": \"%s\"},"
		 " {\"kind\": \"redis\", \"url\": \"redis://b\", \"password\": \"inline\"}]}",
		 pw);
	struct hb_spec *s = parse(json);
	struct hb_spec_error err;
	ASSERT_EQ_INT(hb_spec_resolve_files(s, &err), 0);
	ASSERT(s->checks[0].password == NULL);
	ASSERT_STREQ(s->checks[0].password_file, pw);

	struct hb_check own;
	struct hb_attempt a;
	hb_attempt_init(&a);
	ASSERT_EQ_INT(hb_check_read_secrets(&s->checks[0], &own, &a), 0);
	ASSERT_STREQ(own.password, "s3cret-1");
	ASSERT_STREQ(own.url, "redis://a");
	ASSERT(s->checks[0].password == NULL);
	hb_secret_free(own.password);
	const char *lp[4];
	ASSERT_EQ_INT(hb_check_secret_paths(&s->checks[0], lp, 4), 1);
	ASSERT_STREQ(lp[0], pw);

	/* Inline, it is the spec's, as before. */
	ASSERT_EQ_INT(hb_check_read_secrets(&s->checks[1], &own, &a), 0);
	ASSERT_STREQ(own.password, "inline");
	ASSERT_EQ_INT(hb_check_secret_paths(&s->checks[1], lp, 4), 0);

	/* Gone since the agent checked it: the attempt says which file. */
	unlink(pw);
	ASSERT_EQ_INT(hb_check_read_secrets(&s->checks[0], &own, &a), -1);
	ASSERT_EQ_INT(a.failure_class, HB_CLASS_INTERNAL);
	char want[256];
	snprintf(want, sizeof(want), "reading password_file \"%s\": No such file or directory", pw);
	ASSERT_STREQ(a.message, want);
	hb_spec_free(s);
	remove_dir();
}

static const char *no_env(const char *name)
{
	return strcmp(name, "POD_NAME") == 0 ? "web-test" : NULL;
}

HB_TEST(podinfo_skips_a_fifo)
{
	make_dir();
	ASSERT_EQ_INT(rename(at("fifo"), at("labels")), 0);
	put("annotations", "helm.sh/hook=\"test\"\n", 20);
	struct hb_podinfo pi;
	hb_podinfo_load(&pi, dir, no_env);
	ASSERT_STREQ(pi.hook_events, "test");
	ASSERT_STREQ(pi.hook_name, "web-test");
	remove_dir();
}

HB_TEST_MAIN(only_regular_files_are_read, reads_are_capped, values_and_tokens,
	     spec_file_references_refuse_a_fifo, password_read_by_the_check,
	     podinfo_skips_a_fifo)
