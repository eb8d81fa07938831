/* SPDX-License-Identifier: MIT */
/* libcurl as the http module links it: Debian's libcurl.a with the
 * libraries of the features hookbox leaves out replaced by
 * runner/curl_pruned.c. What hookbox uses must work; the rest must be
 * out of reach, and say so if it is ever reached.
 *
 * Built twice: test_curl_pruned as hookbox-http.so links libcurl, and
 * test_curl_notls (HB_HTTP_PLAIN) as hookbox-http-plain.so does, without
 * OpenSSL, nghttp2 and zlib (runner/curl_notls.c). */
#include "hbtest.h"

#include "curl_notls.h"

#include <curl/curl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Stand-ins, by the names libcurl calls them. */
void RTMP_Alloc(void);
const char *idn2_check_version(const char *req);
#ifdef HB_HTTP_PLAIN
void SSL_CTX_new(void);
void inflate(void);
#endif

HB_TEST(libcurl_starts_with_what_hookbox_needs)
{
	ASSERT_EQ_INT(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	ASSERT(v->features & CURL_VERSION_ASYNCHDNS);
	ASSERT(v->features & CURL_VERSION_SSL);
	ASSERT(v->features & CURL_VERSION_HTTP2);
#ifdef HB_HTTP_PLAIN
	/* The libraries left out answer as absent ones. */
	ASSERT_STREQ(v->ssl_version, "OpenSSL/none");
	ASSERT_STREQ(v->libz_version, "none");
	ASSERT_STREQ(v->nghttp2_version, "none");
#else
	ASSERT_CONTAINS(v->ssl_version, "OpenSSL/3");
#endif
	/* IDN reports itself absent, as libcurl checks before converting. */
	ASSERT(!(v->features & CURL_VERSION_IDN));
	ASSERT(idn2_check_version(NULL) == NULL);
	/* Also asks every library for its version. */
	ASSERT_CONTAINS(curl_version(), "libcurl/");
	curl_global_cleanup();
}

static CURLcode fetch(const char *url)
{
	CURL *c = curl_easy_init();
	ASSERT(c != NULL);
	ASSERT_EQ_INT(curl_easy_setopt(c, CURLOPT_URL, url), CURLE_OK);
	/* As http.c and deliver.c set it. */
	ASSERT_EQ_INT(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, HB_CURL_PROTOCOLS),
		      CURLE_OK);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	return rc;
}

HB_TEST(other_protocols_are_refused_before_their_libraries)
{
	ASSERT_EQ_INT(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	ASSERT_EQ_INT(fetch("ldap://127.0.0.1/"), CURLE_UNSUPPORTED_PROTOCOL);
	ASSERT_EQ_INT(fetch("rtmp://127.0.0.1/"), CURLE_UNSUPPORTED_PROTOCOL);
	ASSERT_EQ_INT(fetch("sftp://127.0.0.1/"), CURLE_UNSUPPORTED_PROTOCOL);
#ifdef HB_HTTP_PLAIN
	/* Before any TLS function: port 1 is never reached either. */
	ASSERT_EQ_INT(fetch("https://127.0.0.1:1/"), CURLE_UNSUPPORTED_PROTOCOL);
#endif
	curl_global_cleanup();
}

/* Calls fn in a child, which must abort saying libcurl called name. */
static void assert_left_out(void (*fn)(void), const char *name)
{
	int p[2];
	ASSERT_EQ_INT(pipe(p), 0);
	pid_t pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		fn();
		_exit(0); /* not reached: the test fails if it is */
	}
	close(p[1]);
	char msg[256] = "";
	ssize_t n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int status = 0;
	ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ_INT(WTERMSIG(status), SIGABRT);
	char want[128];
	snprintf(want, sizeof(want), "libcurl called %s, left out of this build",
		 name);
	ASSERT_CONTAINS(msg, want);
}

HB_TEST(a_left_out_function_aborts_naming_itself)
{
	assert_left_out(RTMP_Alloc, "RTMP_Alloc");
#ifdef HB_HTTP_PLAIN
	assert_left_out(SSL_CTX_new, "SSL_CTX_new");
	assert_left_out(inflate, "inflate");
#endif
}

HB_TEST_MAIN(libcurl_starts_with_what_hookbox_needs,
	     other_protocols_are_refused_before_their_libraries,
	     a_left_out_function_aborts_naming_itself)
