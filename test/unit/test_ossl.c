/* SPDX-License-Identifier: MIT */
/* OpenSSL started bare (kinds/ossl.h), as a check without TLS has it: the
 * calls the client libraries make outside TLS must still work. These are
 * the very ones MariaDB Connector/C's authentication plugins import
 * (caching_sha2_password, sha256_password: RSA-OAEP of the password with
 * the server's PEM key; the others: digests by their EVP_*() objects), and
 * SCRAM's HMAC. Each test runs in its own process, started bare first. */
#include "hbtest.h"

#include "ossl.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <string.h>

static void start_bare(void)
{
	ASSERT_EQ_INT(hb_openssl_start(false), 1);
	/* Truly bare: the legacy name tables are not there. */
	ASSERT(EVP_get_digestbyname("SHA256") == NULL);
}

HB_TEST(rsa_oaep_with_a_pem_key_works_bare)
{
	start_bare();
	EVP_PKEY *key = EVP_RSA_gen(2048);
	ASSERT(key != NULL);
	/* The server sends its public key as PEM. */
	BIO *out = BIO_new(BIO_s_mem());
	ASSERT(out && PEM_write_bio_PUBKEY(out, key) == 1);
	char *pem;
	long pem_len = BIO_get_mem_data(out, &pem);
	ASSERT(pem_len > 0);

	/* What the plugin does with it. */
	BIO *in = BIO_new_mem_buf(pem, (int)pem_len);
	EVP_PKEY *pub = PEM_read_bio_PUBKEY(in, NULL, NULL, NULL);
	BIO_free(in);
	ASSERT(pub != NULL);
	ASSERT_EQ_INT(EVP_PKEY_get_size(pub), 256);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	ASSERT(ctx && EVP_PKEY_encrypt_init(ctx) == 1);
	ASSERT_EQ_INT(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
	const unsigned char secret[] = "app:s3cret@/ xor scramble";
	unsigned char enc[256];
	size_t enc_len = sizeof(enc);
	ASSERT_EQ_INT(EVP_PKEY_encrypt(ctx, enc, &enc_len, secret, sizeof(secret)), 1);
	EVP_PKEY_CTX_free(ctx);

	/* The server's side: the private key gets the password back. */
	ctx = EVP_PKEY_CTX_new(key, NULL);
	ASSERT(ctx && EVP_PKEY_decrypt_init(ctx) == 1);
	ASSERT_EQ_INT(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
	unsigned char dec[256];
	size_t dec_len = sizeof(dec);
	ASSERT_EQ_INT(EVP_PKEY_decrypt(ctx, dec, &dec_len, enc, enc_len), 1);
	ASSERT_EQ_INT((int)dec_len, (int)sizeof(secret));
	ASSERT(memcmp(dec, secret, sizeof(secret)) == 0);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(key);
	BIO_free(out);
}

/* SHA-1 of "abc", SHA-256 and SHA-512 as the plugins and the native
 * password compute them, against the FIPS 180 test vectors. */
HB_TEST(digests_by_their_evp_objects_work_bare)
{
	start_bare();
	static const struct {
		const EVP_MD *(*md)(void);
		const char *hex;
	} v[] = {
		{ EVP_sha1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ EVP_sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ EVP_sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned char out[EVP_MAX_MD_SIZE];
		unsigned int len = 0;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ASSERT(ctx && EVP_DigestInit(ctx, v[i].md()) == 1);
		ASSERT_EQ_INT(EVP_DigestUpdate(ctx, "abc", 3), 1);
		ASSERT_EQ_INT(EVP_DigestFinal_ex(ctx, out, &len), 1);
		EVP_MD_CTX_free(ctx);
		char hex[2 * EVP_MAX_MD_SIZE + 1];
		for (unsigned int k = 0; k < len; k++)
			snprintf(hex + 2 * k, 3, "%02x", out[k]);
		ASSERT_STREQ(hex, v[i].hex);
	}
}

/* SCRAM-SHA-256 as libpq computes it (HMAC_Init_ex with the legacy
 * EVP_sha256(), re-keyed every round), on RFC 7677's example. */
HB_TEST(scram_hmac_works_bare)
{
	start_bare();
	const unsigned char salt[] = { 0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e,
				       0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36, 0xfa, 0x81 };
	const char *pw = "pencil";
	unsigned char u[32], hi[32];
	unsigned int len = 0;
	unsigned char first[sizeof(salt) + 4];
	memcpy(first, salt, sizeof(salt));
	memcpy(first + sizeof(salt), "\0\0\0\1", 4);
	HMAC_CTX *h = HMAC_CTX_new();
	ASSERT(h != NULL);
	ASSERT_EQ_INT(HMAC_Init_ex(h, pw, (int)strlen(pw), EVP_sha256(), NULL), 1);
	ASSERT_EQ_INT(HMAC_Update(h, first, sizeof(first)), 1);
	ASSERT_EQ_INT(HMAC_Final(h, u, &len), 1);
	memcpy(hi, u, sizeof(u));
	for (int i = 2; i <= 4096; i++) {
		ASSERT_EQ_INT(HMAC_Init_ex(h, pw, (int)strlen(pw), EVP_sha256(), NULL), 1);
		ASSERT_EQ_INT(HMAC_Update(h, u, sizeof(u)), 1);
		ASSERT_EQ_INT(HMAC_Final(h, u, &len), 1);
		for (size_t k = 0; k < sizeof(hi); k++)
			hi[k] ^= u[k];
	}
	HMAC_CTX_free(h);
	/* ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(it),
	 * proof = ClientKey ^ HMAC(StoredKey, AuthMessage). */
	unsigned char ck[32], sk[32], sig[32], proof[32];
	ASSERT(HMAC(EVP_sha256(), hi, sizeof(hi), (const unsigned char *)"Client Key",
		    10, ck, &len) != NULL);
	ASSERT(EVP_Digest(ck, sizeof(ck), sk, &len, EVP_sha256(), NULL) == 1);
	static const char auth[] =
		"n=user,r=rOprNGfwEbeRWgbNEkqO,"
		"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
		"s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
		"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
	ASSERT(HMAC(EVP_sha256(), sk, sizeof(sk), (const unsigned char *)auth,
		    strlen(auth), sig, &len) != NULL);
	for (int k = 0; k < 32; k++)
		proof[k] = ck[k] ^ sig[k];
	unsigned char b64[64];
	EVP_EncodeBlock(b64, proof, sizeof(proof));
	/* RFC 7677, section 3: the client's proof in its example. */
	ASSERT_STREQ((const char *)b64, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
}

HB_TEST_MAIN(rsa_oaep_with_a_pem_key_works_bare,
	     digests_by_their_evp_objects_work_bare, scram_hmac_works_bare)
