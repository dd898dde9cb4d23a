/* HMAC-SHA256 per RFC 2104; see hmac.h. */
#include "proto/hmac.h"

#include <string.h>

void hmac_sha256_init(struct hmac_sha256 *h, const uint8_t *key,
		      size_t keylen)
{
	uint8_t block[SHA256_BLOCK_LENGTH] = { 0 }, pad[SHA256_BLOCK_LENGTH];
	SHA2_CTX kctx;

	if (keylen > sizeof(block)) {
		SHA256Init(&kctx);
		SHA256Update(&kctx, key, keylen);
		SHA256Final(block, &kctx);
		explicit_bzero(&kctx, sizeof(kctx));
	} else if (keylen > 0) {
		memcpy(block, key, keylen);
	}
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = block[i] ^ 0x36;
	SHA256Init(&h->inner);
	SHA256Update(&h->inner, pad, sizeof(pad));
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = block[i] ^ 0x5c;
	SHA256Init(&h->outer);
	SHA256Update(&h->outer, pad, sizeof(pad));
	explicit_bzero(block, sizeof(block));
	explicit_bzero(pad, sizeof(pad));
}

void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len)
{
	SHA256Update(&h->inner, data, len);
}

void hmac_sha256_final(struct hmac_sha256 *h, uint8_t out[HMAC_SHA256_LEN])
{
	uint8_t inner[SHA256_DIGEST_LENGTH];

	SHA256Final(inner, &h->inner);
	SHA256Update(&h->outer, inner, sizeof(inner));
	SHA256Final(out, &h->outer);
	explicit_bzero(inner, sizeof(inner));
	explicit_bzero(h, sizeof(*h));
}

void hmac_sha256(const uint8_t *key, size_t keylen, const void *msg,
		 size_t len, uint8_t out[HMAC_SHA256_LEN])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, key, keylen);
	hmac_sha256_update(&h, msg, len);
	hmac_sha256_final(&h, out);
}
