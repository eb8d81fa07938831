/* SPDX-License-Identifier: MIT */
/* What the http module's two builds let libcurl speak (curl_notls.c). */
#ifndef HB_CURL_NOTLS_H
#define HB_CURL_NOTLS_H

/* CURLOPT_PROTOCOLS_STR (redirects http.c follows itself). Built without
 * TLS (HB_HTTP_PLAIN), http only: an https:// URL is refused by libcurl
 * before it reaches any of the OpenSSL functions that build stands in
 * for. */
#ifdef HB_HTTP_PLAIN
#define HB_CURL_PROTOCOLS "http"
#else
#define HB_CURL_PROTOCOLS "http,https"
#endif

/* Neither build has zlib (curl_pruned.c): libcurl's error text when a
 * server sends a compressed Transfer-Encoding, which it may not unasked. */
#define HB_CURL_NO_ZLIB                                                        \
	"compressed transfer encodings are left out of this build of hookbox"

#endif
