/* HMAC-SHA256 (RFC 2104 over FIPS 180-4 SHA-256 from libmd): the MAC of
 * authenticated roaming (roam.c). Pure; wipes its key material. */
#ifndef DTCP_HMAC_H
#define DTCP_HMAC_H

#include <stddef.h>
#include <stdint.h>
#include <sha2.h>

#define HMAC_SHA256_LEN 32

struct hmac_sha256 {
	SHA2_CTX inner, outer;
};

/* Start a MAC with key[keylen] (any length: longer than a block is hashed
 * first, as RFC 2104 says), feed it, and finish into out; finishing wipes
 * the context. */
void hmac_sha256_init(struct hmac_sha256 *h, const uint8_t *key,
		      size_t keylen);
void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len);
void hmac_sha256_final(struct hmac_sha256 *h, uint8_t out[HMAC_SHA256_LEN]);

/* The whole MAC of one message. */
void hmac_sha256(const uint8_t *key, size_t keylen, const void *msg,
		 size_t len, uint8_t out[HMAC_SHA256_LEN]);

#endif
