/* SPDX-License-Identifier: MIT */
/* Starting OpenSSL for a check kind, the way its checks need it.
 *
 * With TLS in the run, the full start: openssl.cnf carries the system's TLS
 * policy (Debian's MinProtocol and security level), which every TLS
 * connection must obey. Without, a bare start: no openssl.cnf, no error
 * strings, no legacy algorithm-name tables, which a one-check run notices
 * (bench/run.sh); hashing, HMAC and RSA through the EVP
 * interfaces, all the client libraries use outside TLS (SCRAM, the MySQL
 * authentication plugins), do not need them: test_ossl proves the very
 * calls they make. Whichever comes first stays: a library's own later
 * start finds OpenSSL started. */
#ifndef HB_OSSL_H
#define HB_OSSL_H

#include <openssl/ssl.h>
#include <stdbool.h>

#define HB_OPENSSL_BARE                                                         \
	(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |   \
	 OPENSSL_INIT_NO_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |  \
	 OPENSSL_INIT_NO_ADD_ALL_DIGESTS)

/* OPENSSL_init_ssl for checks that may (tls) or may not use TLS: 1 on
 * success, 0 on failure. */
static inline int hb_openssl_start(bool tls)
{
	return OPENSSL_init_ssl(tls ? OPENSSL_INIT_LOAD_CONFIG : HB_OPENSSL_BARE,
				NULL);
}

#endif
