/* SPDX-License-Identifier: MIT */
/* libcurl as the http module links it: Debian's libcurl.a with the
 * libraries of the features hookbox leaves out replaced by
 * kinds/curl_pruned.c. What hookbox uses must work; the rest must be
 * out of reach, and say so if it is ever reached.
 *
 * Built twice: test_curl_pruned as hookbox-http.so links libcurl, and
 * test_curl_notls (HB_HTTP_PLAIN) as hookbox-http-plain.so does, without
 * OpenSSL and nghttp2 (kinds/curl_notls.c). Neither has zlib. */
#include "hbtest.h"

#include "curl_notls.h"
#include "left_out_assert.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Stand-ins, by the names libcurl calls them. */
void RTMP_Alloc(void);
void inflate(void);
const char *idn2_check_version(const char *req);
#ifdef HB_HTTP_PLAIN
void SSL_CTX_new(void);
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
	ASSERT_STREQ(v->nghttp2_version, "none");
#else
	ASSERT_CONTAINS(v->ssl_version, "OpenSSL/3");
#endif
	ASSERT_STREQ(v->libz_version, "none");
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

/* A server on 127.0.0.1 answering each of n connections with one of the
 * responses, in order; returns its port. */
static int serve(const char *const *responses, int n, pid_t *pid)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT(s >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	ASSERT_EQ_INT(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ASSERT_EQ_INT(listen(s, n), 0);
	ASSERT_EQ_INT(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	*pid = fork();
	ASSERT(*pid >= 0);
	if (*pid == 0) {
		/* A failed assertion ends the test without waiting for it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (int i = 0; i < n; i++) {
			int c = accept(s, NULL, NULL);
			char req[4096];
			if (c < 0 || read(c, req, sizeof(req)) <= 0)
				_exit(1);
			(void)!write(c, responses[i], strlen(responses[i]));
			close(c);
		}
		_exit(0);
	}
	close(s);
	return ntohs(sa.sin_port);
}

static size_t collect(char *data, size_t size, size_t n, void *buf)
{
	strncat(buf, data, size * n);
	return size * n;
}

/* Encoded bodies, which decoding would hand to zlib. A Content-Encoding
 * reaches the check as it came: curl decodes one only when
 * CURLOPT_ACCEPT_ENCODING asks, which no check does. A compressed
 * Transfer-Encoding, which a server may not send unasked (TE), fails the
 * transfer: curl starts zlib for it, which answers that it is absent. */
HB_TEST(encoded_bodies_are_not_decoded)
{
	static const char *const responses[] = {
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
		"Content-Length: 9\r\nConnection: close\r\n\r\nnot gzip\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n"
		"Connection: close\r\n\r\n9\r\nnot gzip\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: deflate, chunked\r\n"
		"Connection: close\r\n\r\n9\r\nnot zlib\n\r\n0\r\n\r\n",
	};
	pid_t pid;
	int port = serve(responses, 3, &pid);
	ASSERT_EQ_INT(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	for (int i = 0; i < 3; i++) {
		char body[256] = "", err[CURL_ERROR_SIZE] = "";
		CURL *c = curl_easy_init();
		ASSERT(c != NULL);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, HB_CURL_PROTOCOLS);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
		CURLcode rc = curl_easy_perform(c);
		if (i == 0) {
			ASSERT_EQ_INT(rc, CURLE_OK);
			ASSERT_STREQ(body, "not gzip\n");
		} else {
			/* libcurl 7.88 answers a decoder that cannot start
			 * as out of memory; the text says what it was. */
			ASSERT_EQ_INT(rc, CURLE_OUT_OF_MEMORY);
			ASSERT_CONTAINS(err, HB_CURL_NO_ZLIB);
		}
		curl_easy_cleanup(c);
	}
	curl_global_cleanup();
	int status;
	ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

HB_TEST(a_left_out_function_aborts_naming_itself)
{
	assert_left_out(RTMP_Alloc, "libcurl", "RTMP_Alloc");
	assert_left_out(inflate, "libcurl", "inflate");
#ifdef HB_HTTP_PLAIN
	assert_left_out(SSL_CTX_new, "libcurl", "SSL_CTX_new");
#endif
}

HB_TEST_MAIN(libcurl_starts_with_what_hookbox_needs,
	     other_protocols_are_refused_before_their_libraries,
	     encoded_bodies_are_not_decoded,
	     a_left_out_function_aborts_naming_itself)
