/* SPDX-License-Identifier: MIT */
/* HMAC_Init_ex for libpq, with the digest fetched once.
 *
 * libpq 15 computes SCRAM-SHA-256's salted password, 4096 HMAC rounds, by
 * re-keying one HMAC_CTX with EVP_sha256() every round. EVP_sha256() is a
 * legacy digest object, and OpenSSL 3.0 looks its provider implementation up
 * again on every EVP_DigestInit_ex with it, two per re-keying: name map and
 * method store, each behind a read lock (openssl/openssl#17064, #19612).
 * Measured here, those lookups were most of a SCRAM login's CPU (the
 * README's "Speed and size").
 *
 * This module defines HMAC_Init_ex. libpq is loaded as the module's
 * dependency, so its calls bind to the first definition in the module's
 * lookup scope, this one, which hands libcrypto's own HMAC_Init_ex the
 * provider's digest in place of the legacy object. Same algorithm, same
 * provider, same properties (NULL asks for the default ones, as OpenSSL's
 * own implicit fetch does): only the lookups go. Any other digest, or an
 * ENGINE, passes through untouched. */
#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <stdbool.h>
#include <stddef.h>

typedef int (*hmac_init_fn)(HMAC_CTX *, const void *, int, const EVP_MD *,
			    ENGINE *);

/* The check child is single-threaded; the agent never calls this. */
static hmac_init_fn real_init;
static EVP_MD *sha256;
static bool sha256_failed;

__attribute__((visibility("default"))) int
HMAC_Init_ex(HMAC_CTX *ctx, const void *key, int len, const EVP_MD *md,
	     ENGINE *impl)
{
	if (!real_init) {
		real_init = (hmac_init_fn)dlsym(RTLD_NEXT, "HMAC_Init_ex");
		if (!real_init)
			return 0; /* libcrypto without HMAC: fail as it would */
	}
	if (md && !impl && !EVP_MD_get0_provider(md) &&
	    EVP_MD_get_type(md) == NID_sha256) {
		if (!sha256 && !sha256_failed) {
			sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
			sha256_failed = !sha256;
		}
		if (sha256)
			md = sha256;
	}
	return real_init(ctx, key, len, md, impl);
}
