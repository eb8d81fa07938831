/* SPDX-License-Identifier: MIT */
/*
 * The http module without TLS: hookbox-http-plain.so.
 *
 * A run none of whose http checks may use TLS (all plain http:// URLs, no
 * redirect to follow: hb_http_uses_tls) and whose collector, if any, is
 * plain too loads this build instead of hookbox-http.so (drivers.c,
 * agent/run.c). It is the same code and the same libcurl.a, without
 * OpenSSL and nghttp2: HTTP/2 is offered over TLS only. What they cost,
 * with zlib, which both builds now leave out (curl_pruned.c):
 *  - binding: libcrypto's and libssl's symbol relocations are bound at
 *    once (both are linked -z now), at every run's start, before any
 *    check can begin;
 *  - mappings: theirs, and their relocated tables, which every check's
 *    fork copies and every exit tears down.
 * The README's "Speed and size" has what this saved, measured.
 *
 * The functions libcurl.a calls in those libraries are stood in for by
 * gen/curl_notls_stubs.c, written at build time from the archive itself
 * (scripts/gen_curl_notls.sh): each aborts naming itself, as those of
 * curl_pruned.c do, and none is reached: http.c and deliver.c allow curl
 * the "http" protocol only in this build, so an https:// URL is refused
 * (CURLE_UNSUPPORTED_PROTOCOL) before any TLS code runs, and http_init
 * refuses a run that says it needs TLS. The stand-ins are weak; the few
 * below, which curl_global_init and curl_version_info call, answer as a
 * library that is absent would.
 */

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* curl_global_init starts OpenSSL (Curl_ssl_init): nothing to start. */
int OPENSSL_init_ssl(uint64_t opts, const void *settings);
int OPENSSL_init_ssl(uint64_t opts, const void *settings)
{
	(void)opts, (void)settings;
	return 1;
}

/* The version strings of curl_version() and curl_version_info():
 * "OpenSSL/none", "nghttp2/none". */
const char *OpenSSL_version(int type);
const char *OpenSSL_version(int type)
{
	(void)type;
	return "none";
}
/* nghttp2_info, as nghttp2.h lays it out. */
struct notls_nghttp2_info {
	int age;
	int version_num;
	const char *version_str;
	const char *proto_str;
};
const struct notls_nghttp2_info *nghttp2_version(int least_version);
const struct notls_nghttp2_info *nghttp2_version(int least_version)
{
	static const struct notls_nghttp2_info none = { 1, 0, "none", "" };
	return least_version > 0 ? NULL : &none;
}

#pragma GCC visibility pop
